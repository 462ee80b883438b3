//! "My follow-ups" on the board: the user's follow-up points, overdue first, with where each stands in words
//! (readable in monochrome), and the selected point in full below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::State;
use crate::app::screens::board::follow_ups::{MyFollowUp, Standing, standing};
use crate::domain::text;
use crate::ui::{View, format};

/// Wide terminals also show which meeting a point came from in its own column.
const MEETING_COLUMN_MIN_WIDTH: u16 = 120;

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    let detail_height = if area.height >= 40 { 9 } else { 6 };
    let [title_area, table_area, detail_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(detail_height)]).areas(area);
    let follow_ups = &state.screens.board.follow_ups;
    let today = view.now.with_timezone(&view.zone).date_naive();
    let points = follow_ups.points();
    let standings: Vec<Standing> = points.iter().map(|p| standing(p, today, &state.agreements)).collect();
    let count = |wanted: Standing| standings.iter().filter(|s| **s == wanted).count();
    let summary = format!(
        " My follow-ups · {} open · {} overdue · {} due soon · {} answered",
        points.iter().filter(|p| p.is_open()).count(),
        count(Standing::Overdue),
        count(Standing::DueSoon),
        count(Standing::Answered)
    );
    frame.render_widget(Paragraph::new(Line::styled(summary, theme.header)), title_area);

    let empty = match &follow_ups.rows {
        None => Some("  Loading your follow-up points …".to_string()),
        Some(Err(why)) => Some(format!("  Your follow-up points could not be read: {why}")),
        Some(Ok(rows)) if rows.is_empty() => Some("  No follow-up points are addressed to you.".to_string()),
        Some(Ok(_)) => None,
    };
    if let Some(text) = empty {
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)).wrap(Wrap { trim: false }), table_area);
        return;
    }

    let wide = area.width >= MEETING_COLUMN_MIN_WIDTH;
    let mut headers = vec!["DUE", "STANDING"];
    let mut widths = vec![Constraint::Length(10), Constraint::Length(11)];
    if wide {
        headers.push("MEETING");
        widths.push(Constraint::Length(38));
    }
    headers.push("POINT");
    widths.push(Constraint::Fill(1));
    let header = Row::new(headers.into_iter().map(Cell::from)).style(theme.header);
    let height = usize::from(table_area.height.saturating_sub(1)).max(1);
    let selected = follow_ups.selected.min(points.len().saturating_sub(1));
    let offset = selected.saturating_sub(height - 1);
    let rows = points.iter().zip(&standings).skip(offset).take(height).map(|(point, standing)| {
        let (label, style) = standing_label(*standing, view);
        let mut cells = vec![Cell::from(point.due.to_string()), Cell::from(label).style(style)];
        if wide {
            cells.push(Cell::from(meeting(point, view, 26)));
        }
        let what = match &point.answer {
            Some(answer) => format!("{} — answer: {}", text::one_line(&point.text), text::one_line(answer)),
            None => text::one_line(&point.text).into_owned(),
        };
        cells.push(Cell::from(text::truncate(&what, 200).into_owned()));
        Row::new(cells)
    });
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection)
        .highlight_symbol(format!("{} ", theme.symbols.selected))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, table_area, &mut table_state);

    if let (Some(point), Some(standing)) = (points.get(selected), standings.get(selected)) {
        detail(frame, detail_area, point, *standing, view);
    }
}

/// Where a point stands, in words with a symbol, so that no colour is needed to read it.
fn standing_label(standing: Standing, view: View) -> (String, Style) {
    let theme = view.theme;
    let symbols = &theme.symbols;
    match standing {
        Standing::Overdue => (format!("{} OVERDUE", symbols.breached), theme.breached),
        Standing::DueSoon => (format!("{} due soon", symbols.warning), theme.warning),
        Standing::Later => ("  open".to_string(), theme.text),
        Standing::Answered => (format!("{} answered", symbols.met), theme.met),
    }
}

/// The series (cut to `max` characters) and the meeting's date.
fn meeting(point: &MyFollowUp, view: View, max: usize) -> String {
    let date = point.meeting_at.with_timezone(&view.zone).format("%a %-d %b");
    format!("{} {date}", text::truncate(&text::one_line(&point.series), max))
}

fn detail(frame: &mut Frame, area: Rect, point: &MyFollowUp, standing: Standing, view: View) {
    let theme = view.theme;
    let (label, style) = standing_label(standing, view);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" #{} ", point.id), theme.accent),
            Span::styled(label.trim().to_string(), style),
            Span::styled(
                format!(" · due {} · from {}", point.due.format("%a %-d %b %Y"), meeting(point, view, 120)),
                theme.text,
            ),
        ]),
        Line::styled(format!(" {}", text::one_line(&point.text)), theme.text),
    ];
    match (&point.answer, point.answered_at) {
        (Some(answer), Some(at)) => lines.push(Line::styled(
            format!(" Your answer ({}): {}", format::local_time(at, view.now, view.zone), text::one_line(answer)),
            theme.dim,
        )),
        _ => lines.push(Line::styled(" Not answered yet: Enter to answer.", theme.dim)),
    }
    let block = Block::new().borders(Borders::TOP).border_style(theme.border);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
