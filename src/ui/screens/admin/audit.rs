//! The audit section (admins): the changes the database recorded, newest first, under the filter line; the
//! selected entry's changes field by field below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::{message, table};
use crate::app::screens::admin::AdminScreen;
use crate::app::screens::admin::data::AuditLine;
use crate::domain::text;
use crate::ui::View;

pub fn render(frame: &mut Frame, area: Rect, detail: Rect, admin: &AdminScreen, entries: &[AuditLine], view: View) {
    let theme = view.theme;
    let [filter_area, table_area] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let line = admin.audit.line();
    let filter = if line.is_empty() { "all entries".to_string() } else { line };
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!(" / filter: {} · newest first, {} shown", text::one_line(&filter), entries.len()),
            theme.dim,
        )),
        filter_area,
    );
    if entries.is_empty() {
        return message(frame, table_area, "  No entries match: / changes the filter.", view);
    }
    let wide = table_area.width >= 120;
    let mut headers = vec!["WHEN", "LOGIN", "TABLE", "ACTION"];
    let mut widths =
        vec![Constraint::Length(16), Constraint::Length(10), Constraint::Length(18), Constraint::Length(7)];
    headers.push("CHANGED");
    widths.push(Constraint::Fill(1));
    if wide {
        headers.insert(3, "ROW");
        widths.insert(3, Constraint::Length(7));
    }
    let rows = entries
        .iter()
        .map(|e| {
            let fields: Vec<&str> = e.changes.iter().map(|c| c.split([':', ' ']).next().unwrap_or("")).collect();
            let mut cells = vec![
                Cell::from(e.at.with_timezone(&view.zone).format("%Y-%m-%d %H:%M").to_string()),
                Cell::from(text::one_line(&e.login).into_owned()),
                Cell::from(text::one_line(&e.table).into_owned()),
                Cell::from(text::one_line(&e.action).into_owned()),
                // Wide: the changes themselves; narrow: the fields' names (the detail below has the rest).
                Cell::from(text::one_line(&if wide { e.changes.join(" · ") } else { fields.join(" ") }).into_owned()),
            ];
            if wide {
                cells.insert(3, Cell::from(e.row_id.map(|r| r.to_string()).unwrap_or_default()));
            }
            Row::new(cells)
        })
        .collect();
    let selected = admin.selected.min(entries.len() - 1);
    table(frame, table_area, &headers, widths, rows, selected, view);
    if let Some(e) = entries.get(selected) {
        let lines = vec![
            Line::styled(
                format!(
                    "{} {} {} #{} by {}",
                    e.at.with_timezone(&view.zone).format("%a %-d %b %Y %H:%M:%S"),
                    text::one_line(&e.action),
                    text::one_line(&e.table),
                    e.row_id.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
                    text::one_line(&e.login)
                ),
                theme.header,
            ),
            Line::styled(text::one_line(&e.changes.join(" · ")).into_owned(), theme.text),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail);
    }
}
