//! The agreements section: the versions with the days they are in force, one version in words (Enter), and the
//! preview of an import (what changes, and what it would do) waiting for `y` or Esc.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::{message, table};
use crate::app::screens::admin::AdminScreen;
use crate::app::screens::admin::data::{AgreementLine, ImportPreview};
use crate::domain::text;
use crate::ui::View;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    detail: Rect,
    admin: &AdminScreen,
    versions: &[AgreementLine],
    view: View,
) {
    let theme = view.theme;
    if versions.is_empty() {
        return message(frame, area, "  No agreements yet: `i` imports one from a TOML file (admins).", view);
    }
    let selected = admin.selected.min(versions.len() - 1);
    if admin.reading {
        if let Some(version) = versions.get(selected) {
            let mut lines: Vec<Line> =
                version.summary.iter().map(|l| Line::styled(text::one_line(l).into_owned(), theme.text)).collect();
            if let Some(first) = lines.first_mut() {
                *first = first.clone().style(theme.header);
            }
            lines.push(Line::styled("j/k scroll · Esc: back to the versions", theme.dim));
            let whole = Rect { height: area.height + detail.height, ..area };
            let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
            let scroll = super::scrolled(admin.scroll, paragraph.line_count(whole.width), whole.height);
            frame.render_widget(paragraph.scroll((scroll, 0)), whole);
        }
        return;
    }
    let today = view.now.date_naive();
    let wide = area.width >= 120;
    let mut headers = vec!["CODE", "VERSION", "IN FORCE", "STATE"];
    let mut widths = vec![Constraint::Length(10), Constraint::Length(14), Constraint::Length(24), Constraint::Fill(1)];
    if wide {
        headers.extend(["SERVICES", "OPEN", "NAME"]);
        widths.extend([Constraint::Length(8), Constraint::Length(5), Constraint::Fill(2)]);
    }
    let rows = versions
        .iter()
        .map(|v| {
            let until = v.valid_until.map_or_else(|| "…".to_string(), |d| d.to_string());
            let state = match (v.valid_from <= today, v.valid_until.is_some_and(|d| d <= today)) {
                (false, _) => "future",
                (true, true) => "replaced",
                (true, false) => "in force",
            };
            let style = if state == "replaced" { theme.dim } else { theme.text };
            let mut cells = vec![
                Cell::from(text::one_line(&v.code).into_owned()),
                Cell::from(text::one_line(&v.version).into_owned()),
                Cell::from(format!("{} – {until}", v.valid_from)),
                Cell::from(state),
            ];
            if wide {
                cells.push(Cell::from(v.services.to_string()));
                cells.push(Cell::from(v.open_incidents.to_string()));
                cells.push(Cell::from(text::one_line(&v.name).into_owned()));
            }
            Row::new(cells).style(style)
        })
        .collect();
    table(frame, area, &headers, widths, rows, selected, view);
    if let Some(v) = versions.get(selected) {
        let lines = vec![
            Line::styled(
                format!("{} {} · {}", text::one_line(&v.code), text::one_line(&v.version), text::one_line(&v.name)),
                theme.header,
            ),
            Line::styled(
                format!(
                    "{} service(s), {} open incident(s) · Enter: calendars, priorities and targets",
                    v.services, v.open_incidents
                ),
                theme.text,
            ),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail);
    }
}

/// What importing the file would change, and the two ways out.
pub fn preview(frame: &mut Frame, area: Rect, preview: &ImportPreview, view: View) {
    let theme = view.theme;
    let mut lines = vec![
        Line::styled(
            format!("Import {} — nothing is written until you press y", text::one_line(&preview.path)),
            theme.header,
        ),
        Line::styled("y imports this version · Esc cancels", theme.dim),
        Line::raw(""),
    ];
    lines.extend(preview.lines.iter().map(|l| Line::styled(text::one_line(l).into_owned(), theme.text)));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
