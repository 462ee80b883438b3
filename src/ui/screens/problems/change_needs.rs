//! Tab 7's change needs: a table (reference, state, priority, the three clocks as the board's
//! countdowns in working days, title), the selected need in words below: who submitted it and why, what was
//! answered, analysed and planned. A breached clock reads BREACHED in words and carries the breached style.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::screens::problems::data::NeedLine;
use crate::domain::change_need::{NeedClock, NeedClockKind, NeedClockOutcome};
use crate::domain::text;
use crate::ui::View;

/// The change needs as a table with the selected one in words below.
pub fn render(
    frame: &mut Frame,
    table_area: Rect,
    detail_area: Rect,
    selected: usize,
    needs: &[&NeedLine],
    view: View,
) {
    let theme = view.theme;
    let area = table_area;
    if needs.is_empty() {
        return super::message(frame, table_area, "  No change needs registered.", view);
    }
    // Wide: each clock in its column. Narrow: the clock that matters now (running, soonest due; else the last),
    // so the title keeps its room.
    let wide = area.width >= 120;
    let mut headers = vec!["REF", "STATE", "PRIO"];
    let mut widths = vec![Constraint::Length(6), Constraint::Length(14), Constraint::Length(8)];
    if wide {
        headers.extend(["FEEDBACK", "QUALIFIED", "ANALYSED"]);
        widths.extend([Constraint::Length(19), Constraint::Length(19), Constraint::Length(19)]);
    } else {
        headers.push("CLOCK");
        widths.push(Constraint::Length(31));
    }
    headers.push("TITLE");
    widths.push(Constraint::Fill(1));
    let rows: Vec<Row> = needs
        .iter()
        .map(|need| {
            let mut cells = vec![
                Cell::from(text::one_line(&need.reference).into_owned()),
                Cell::from(need.state.as_str().replace('_', " ")),
                Cell::from(
                    need.priority.map_or_else(|| format!("({})", need.requested_priority), |p| p.as_str().into()),
                ),
            ];
            if wide {
                for kind in [NeedClockKind::Feedback, NeedClockKind::Qualification, NeedClockKind::Analysis] {
                    cells.push(clock_cell(clock_of(need, kind), false, view));
                }
            } else {
                let running = need.clocks.iter().filter(|c| c.is_running()).min_by_key(|c| c.due);
                cells.push(clock_cell(running.or(need.clocks.last()), true, view));
            }
            cells.push(Cell::from(text::one_line(&need.title).into_owned()));
            Row::new(cells)
        })
        .collect();
    let height = usize::from(table_area.height.saturating_sub(1)).max(1);
    let selected = selected.min(needs.len() - 1);
    let offset = selected.saturating_sub(height - 1);
    let shown: Vec<Row> = rows.into_iter().skip(offset).take(height).collect();
    let table = Table::new(shown, widths)
        .header(Row::new(headers.into_iter().map(Cell::from)).style(theme.header))
        .column_spacing(1)
        .row_highlight_style(theme.selection)
        .highlight_symbol(format!("{} ", theme.symbols.selected))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, table_area, &mut table_state);
    if let Some(need) = needs.get(selected) {
        detail(frame, detail_area, need, view);
    }
}

fn clock_of(need: &NeedLine, kind: NeedClockKind) -> Option<&NeedClock> {
    need.clocks.iter().find(|c| c.kind == kind)
}

/// The board's countdown in working days: `3 wd left`, `due today`, `met`, `BREACHED 2 wd ago`; `—` for none;
/// `named`: with the clock's name in front.
fn clock_cell(clock: Option<&NeedClock>, named: bool, view: View) -> Cell<'static> {
    let theme = view.theme;
    let Some(clock) = clock else { return Cell::from("—").style(theme.dim) };
    let style = match clock.outcome {
        NeedClockOutcome::Breached => theme.breached,
        NeedClockOutcome::Met => theme.met,
        NeedClockOutcome::Running if clock.working_days_left.is_some_and(|d| d <= 1) => theme.warning,
        NeedClockOutcome::Running => theme.text,
    };
    let symbol = match clock.outcome {
        NeedClockOutcome::Breached => theme.symbols.breached,
        NeedClockOutcome::Met => theme.symbols.met,
        NeedClockOutcome::Running => " ",
    };
    let name = if named { format!("{} ", clock.kind.as_str()) } else { String::new() };
    Cell::from(format!("{symbol} {name}{}", clock.countdown_text())).style(style)
}

fn detail(frame: &mut Frame, area: Rect, need: &NeedLine, view: View) {
    let theme = view.theme;
    let justification =
        need.justification.as_deref().map(|j| format!(" — why high: {}", text::one_line(j))).unwrap_or_default();
    let mut lines = vec![
        Line::styled(
            format!(
                "{} · {} · from {} · received {}{justification}",
                text::one_line(&need.reference),
                text::one_line(&need.agreement),
                text::one_line(&need.submitter),
                need.received_at.with_timezone(&view.zone).format("%a %-d %b %Y %H:%M")
            ),
            theme.header,
        ),
        Line::styled(text::one_line(&need.description).into_owned(), theme.text),
    ];
    let mut said = Vec::new();
    if let Some(feedback) = &need.feedback {
        said.push(format!("feedback: {}", text::one_line(feedback)));
    }
    if let Some(analysis) = &need.analysis {
        said.push(format!("analysis: {}", text::one_line(analysis)));
    }
    if let Some(release) = &need.release {
        said.push(format!("release: {}", text::one_line(release)));
    }
    if let Some(reason) = &need.rejection_reason {
        said.push(format!("rejected: {}", text::one_line(reason)));
    }
    let due: Vec<String> = need
        .clocks
        .iter()
        .filter(|c| c.outcome != NeedClockOutcome::Met)
        .map(|c| format!("{} due {}", c.kind.as_str(), c.due.with_timezone(&view.zone).format("%a %-d %b %H:%M")))
        .collect();
    said.extend(due);
    lines.push(Line::styled(said.join(" · "), theme.dim));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
