//! Tab 4: the maintenance calendar as an agenda: each window in its own zone's wall-clock time, with its kind,
//! services, state and warnings; the selected window's notice and warnings below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::State;
use crate::app::model::MaintenanceWindow;
use crate::domain::text;
use crate::ui::View;

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    let calendar = &state.screens.calendar;
    let [title, list, detail] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(4)]).areas(area);
    let heading = if calendar.loaded {
        format!(" Maintenance windows, the next four months · {} planned", calendar.windows.len())
    } else {
        " loading the maintenance calendar …".to_string()
    };
    frame.render_widget(Paragraph::new(Line::styled(heading, theme.header)), title);
    if calendar.loaded && calendar.windows.is_empty() {
        let lines = vec![
            Line::raw(""),
            Line::styled("  No windows planned. Admins plan them with `vakt maintenance add`.", theme.dim),
        ];
        frame.render_widget(Paragraph::new(lines), list);
        return;
    }
    let wide = area.width >= 120;
    let local = |w: &MaintenanceWindow, at| {
        let zone: chrono_tz::Tz = w.zone.parse().unwrap_or(chrono_tz::UTC);
        chrono::DateTime::<chrono::Utc>::with_timezone(&at, &zone).format("%a %Y-%m-%d %H:%M").to_string()
    };
    let rows: Vec<Row> = calendar
        .windows
        .iter()
        .map(|w| {
            let warn = if w.warnings.is_empty() { theme.dim } else { theme.warning };
            let mut cells = vec![
                Cell::from(local(w, w.start)),
                Cell::from(end_text(w)),
                Cell::from(w.kind.replace('_', " ")),
                Cell::from(text::one_line(&w.services.join(" ")).into_owned()),
            ];
            if wide {
                cells.push(Cell::from(w.state.clone()));
                cells.push(Cell::from(w.impact.clone()));
            }
            cells.push(Cell::from(Span::styled(
                if w.warnings.is_empty() { "—".to_string() } else { format!("⚠ {}", w.warnings.len()) },
                warn,
            )));
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![Constraint::Length(20), Constraint::Length(11), Constraint::Length(17), Constraint::Fill(1)];
    let mut heads = vec!["START", "END", "KIND", "SERVICES"];
    if wide {
        widths.extend([Constraint::Length(10), Constraint::Length(12)]);
        heads.extend(["STATE", "IMPACT"]);
    }
    widths.push(Constraint::Length(4));
    heads.push("⚠");
    let table = Table::new(rows, widths)
        .header(Row::new(heads).style(theme.header))
        .column_spacing(1)
        .row_highlight_style(theme.selection)
        .highlight_symbol(format!("{} ", theme.symbols.selected))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::default().with_selected(Some(calendar.selected));
    frame.render_stateful_widget(table, list, &mut table_state);

    let Some(selected) = calendar.selected() else { return };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" series {} · {} · ", selected.series_id, selected.zone), theme.text),
        Span::styled(
            notice_text(selected),
            if selected.notice.as_ref().is_some_and(|n| !n.ok) { theme.warning } else { theme.dim },
        ),
    ])];
    lines.extend(
        selected.warnings.iter().map(|w| Line::styled(format!(" ⚠ {}", text::one_line(&w.text)), theme.warning)),
    );
    let block = Block::new().borders(Borders::TOP).border_style(theme.border);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), detail);
}

fn notice_text(window: &MaintenanceWindow) -> String {
    match &window.notice {
        None => "no notice rule".to_string(),
        Some(n) => match (n.given_working_days, n.required_working_days, n.given_days, n.required_days) {
            (Some(given), Some(required), _, _) => {
                format!(
                    "announced now: {given} of {required} working days' notice{}",
                    if n.ok { "" } else { " — too late" }
                )
            }
            (_, _, Some(given), Some(required)) => {
                format!("announced now: {given} of {required} days' notice{}", if n.ok { "" } else { " — too late" })
            }
            _ => "notice unknown".to_string(),
        },
    }
}

/// The end's time, with its date when the window ends on a later day.
fn end_text(window: &MaintenanceWindow) -> String {
    let zone: chrono_tz::Tz = window.zone.parse().unwrap_or(chrono_tz::UTC);
    let (start, end) = (window.start.with_timezone(&zone), window.end.with_timezone(&zone));
    if start.date_naive() == end.date_naive() {
        end.format("%H:%M").to_string()
    } else {
        end.format("%m-%d %H:%M").to_string()
    }
}
