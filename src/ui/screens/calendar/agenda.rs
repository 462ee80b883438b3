//! The agenda: the windows from the cursor's day on, one a row, each in its own zone's wall-clock time with its
//! kind, services, state and warnings, and the meetings among them on the viewer's clock; the selected window's
//! notice and warnings, or the selected meeting's chair, below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use super::{Context, detail, label};
use crate::app::model::MaintenanceWindow;
use crate::app::screens::calendar::CalendarScreen;
use crate::app::screens::calendar::days::zone_of;
use crate::app::screens::calendar::meetings::{CalendarMeeting, Entry};
use crate::domain::text;
use crate::ui::Theme;

pub fn render(frame: &mut Frame, area: Rect, calendar: &CalendarScreen, context: &Context) {
    let (day, theme) = (context.day, context.theme);
    let [list, pane] = Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(area);
    let rows = calendar.agenda_rows();
    if rows.is_empty() {
        let text = match calendar.loaded {
            Some(_) => format!("  No windows planned from {day}. Admins plan them with `vakt maintenance add`."),
            None => "  loading the maintenance calendar …".to_string(),
        };
        frame.render_widget(Paragraph::new(vec![Line::raw(""), Line::styled(text, theme.dim)]), list);
        return;
    }
    let wide = area.width >= 120;
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|entry| match entry {
            Entry::Window(w) => row(w, wide, theme),
            Entry::Meeting(m) => meeting_row(m, wide, context),
        })
        .collect();
    let mut widths = vec![Constraint::Length(20), Constraint::Length(11), Constraint::Length(17), Constraint::Fill(1)];
    let mut heads = vec!["START", "END", "KIND", "SERVICES"];
    if wide {
        widths.extend([Constraint::Length(10), Constraint::Length(12)]);
        heads.extend(["STATE", "IMPACT"]);
    }
    widths.push(Constraint::Length(4));
    heads.push("!");
    let table = Table::new(table_rows, widths)
        .header(Row::new(heads).style(theme.header))
        .column_spacing(1)
        .row_highlight_style(theme.selection)
        .highlight_symbol(format!("{} ", theme.symbols.selected))
        .highlight_spacing(HighlightSpacing::Always);
    let mut table_state = TableState::default().with_selected(Some(calendar.selected));
    frame.render_stateful_widget(table, list, &mut table_state);
    match calendar.selected_row() {
        Some(Entry::Window(selected)) => detail::window(frame, pane, selected, theme),
        Some(Entry::Meeting(selected)) => detail::meeting(frame, pane, selected, context),
        None => {}
    }
}

/// A meeting among the windows: its start and end on the viewer's clock, `meeting`, the series and its title (the
/// chair is in the pane below).
fn meeting_row<'a>(meeting: &CalendarMeeting, wide: bool, context: &Context) -> Row<'a> {
    let (start, end) = (meeting.start.with_timezone(&context.zone), meeting.end.with_timezone(&context.zone));
    let end = if start.date_naive() == end.date_naive() {
        end.format("%H:%M").to_string()
    } else {
        end.format("%m-%d %H:%M").to_string()
    };
    let mut cells = vec![
        Cell::from(start.format("%a %Y-%m-%d %H:%M").to_string()),
        Cell::from(end),
        Cell::from(label::MEETING),
        Cell::from(format!("{} · {}", text::one_line(&meeting.series), text::one_line(&meeting.title))),
    ];
    if wide {
        cells.extend([Cell::from(""), Cell::from("")]);
    }
    cells.push(Cell::from(Span::styled("—", context.theme.dim)));
    Row::new(cells)
}

fn row<'a>(window: &MaintenanceWindow, wide: bool, theme: &Theme) -> Row<'a> {
    let zone = zone_of(window);
    let start = window.start.with_timezone(&zone);
    let mut cells = vec![
        Cell::from(start.format("%a %Y-%m-%d %H:%M").to_string()),
        Cell::from(end_text(window)),
        Cell::from(super::label::kind_name(&window.kind)),
        Cell::from(text::one_line(&window.services.join(" ")).into_owned()),
    ];
    if wide {
        cells.push(Cell::from(window.state.clone()));
        cells.push(Cell::from(window.impact.clone()));
    }
    let warnings = match window.warnings.len() {
        0 => Span::styled("—", theme.dim),
        n => Span::styled(format!("! {n}"), theme.warning),
    };
    cells.push(Cell::from(warnings));
    Row::new(cells)
}

/// The end's time, with its date when the window ends on a later day.
fn end_text(window: &MaintenanceWindow) -> String {
    let zone = zone_of(window);
    let (start, end) = (window.start.with_timezone(&zone), window.end.with_timezone(&zone));
    if start.date_naive() == end.date_naive() {
        end.format("%H:%M").to_string()
    } else {
        end.format("%m-%d %H:%M").to_string()
    }
}
