//! The incident view's regulatory clocks: each notification to an authority, when it is due and whether it was
//! made, under the SLA clocks and in their style.

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::domain::regulatory::{ClockState, RegulatoryClock};
use crate::domain::text::{self, duration};
use crate::ui::{View, format};

pub fn render(frame: &mut Frame, area: Rect, clocks: &[RegulatoryClock], first_warning: u8, view: View) {
    let theme = view.theme;
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(theme.border)
        .title(Span::styled(" Notifications to authorities (24x7) ", theme.header));
    let rows = clocks.iter().map(|clock| {
        let (symbol, word, style) = match clock.state(view.now, first_warning) {
            ClockState::Overdue => (theme.symbols.breached, "overdue", theme.breached),
            ClockState::Warning => (theme.symbols.warning, "warning", theme.warning),
            ClockState::Running => (" ", "running", theme.text),
            ClockState::Met => (theme.symbols.met, "made", theme.met),
            ClockState::MetLate => (theme.symbols.breached, "made late", theme.breached),
        };
        let left = match clock.notified {
            Some(at) => format!("made {}", format::local_time(at, view.now, view.zone)),
            None if clock.due < view.now => format!("{} over", in_days(view.now - clock.due)),
            None => in_days((clock.due - view.now).max(Duration::zero())),
        };
        Row::new([
            Cell::from(text::truncate(&text::one_line(&clock.code), 18).into_owned()),
            Cell::from(text::truncate(&text::one_line(&clock.authority), 13).into_owned()),
            Cell::from(format!("{symbol} {word}")).style(style),
            Cell::from(format::local_time(clock.due, view.now, view.zone)),
            Cell::from(left),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(18),
            Constraint::Length(13),
            Constraint::Length(11),
            Constraint::Length(16),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(["NOTIFICATION", "AUTHORITY", "STATE", "DUE", "LEFT"]).style(theme.header))
    .column_spacing(1)
    .block(block);
    frame.render_widget(table, area);
}

/// A notification's time left or over: in days and hours beyond three days (a month reads "33 d 23 h", not
/// "815 h"), else as the SLA clocks show it.
fn in_days(d: Duration) -> String {
    if d < Duration::hours(72) {
        return duration::human(d);
    }
    let hours = d.num_hours();
    match hours % 24 {
        0 => format!("{} d", hours / 24),
        rest => format!("{} d {rest} h", hours / 24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_reads_in_days_and_a_day_in_hours() {
        assert_eq!(in_days(Duration::hours(815) + Duration::minutes(58)), "33 d 23 h");
        assert_eq!(in_days(Duration::hours(96)), "4 d");
        assert_eq!(in_days(Duration::hours(71) + Duration::minutes(58)), "71 h 58 m");
    }
}
