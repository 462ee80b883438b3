//! The pane below each view: the selected window (agenda) or every window of the cursor's day (month, week), with
//! its state, impact, services, notice and warnings.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::label;
use crate::app::model::MaintenanceWindow;
use crate::domain::text;
use crate::ui::Theme;

/// The series, zone, notice and warnings of one window.
fn notice_and_warnings<'a>(window: &MaintenanceWindow, theme: &Theme) -> Vec<Line<'a>> {
    let late = window.notice.as_ref().is_some_and(|n| !n.ok);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("   series {} · {} · ", window.series_id, text::one_line(&window.zone)), theme.text),
        Span::styled(label::notice(window), if late { theme.warning } else { theme.dim }),
    ])];
    lines.extend(warnings(window, theme));
    lines
}

/// Every window of the cursor's day, soonest first: times, zone, kind and services, then state, impact and notice,
/// then its warnings.
pub fn day(
    frame: &mut Frame,
    area: Rect,
    day: NaiveDate,
    windows: &[&MaintenanceWindow],
    notes: &[String],
    theme: &Theme,
) {
    let count = match windows.len() {
        0 => "no maintenance".to_string(),
        1 => "1 window".to_string(),
        n => format!("{n} windows"),
    };
    let mut lines = vec![Line::styled(format!(" {} · {count}", day.format("%A %-d %B %Y")), theme.header)];
    // The overlays of the day: its public holidays and the MIM on duty.
    lines.extend(notes.iter().map(|note| Line::styled(format!("   {}", text::one_line(note)), theme.dim)));
    for window in windows {
        let mark = if window.warnings.is_empty() { " " } else { "!" };
        let late = window.notice.as_ref().is_some_and(|n| !n.ok);
        lines.push(Line::from(vec![
            Span::styled(format!(" {mark} "), theme.warning),
            Span::styled(label::full_span(window), theme.accent),
            Span::styled(format!(" {}", text::one_line(&window.zone)), theme.dim),
            Span::styled(
                format!("  {} · {}", label::kind_name(&window.kind), text::one_line(&window.services.join(" "))),
                theme.text,
            ),
        ]));
        lines.push(Line::from(vec![
            Span::styled(format!("   {} · {} · ", window.state, window.impact), theme.dim),
            Span::styled(label::notice(window), if late { theme.warning } else { theme.dim }),
        ]));
        lines.extend(warnings(window, theme));
    }
    let block = Block::new().borders(Borders::TOP).border_style(theme.border);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}

fn warnings<'a>(window: &MaintenanceWindow, theme: &Theme) -> Vec<Line<'a>> {
    window.warnings.iter().map(|w| Line::styled(format!("   ! {}", text::one_line(&w.text)), theme.warning)).collect()
}

/// The agenda's selected window: its notice and warnings.
pub fn window(frame: &mut Frame, area: Rect, window: &MaintenanceWindow, theme: &Theme) {
    let block = Block::new().borders(Borders::TOP).border_style(theme.border);
    let lines = notice_and_warnings(window, theme);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
