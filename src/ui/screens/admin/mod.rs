//! Tab 6: administration. The sections along the top (the shown one marked), the section's rows as a table, and
//! the selected row in words below it: what an admin must know before changing it (shifts ahead on the rota, dead
//! letters). Text from the database is neutralised before it reaches the terminal.

mod agreements;
mod audit;
mod calendars;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::State;
use crate::app::screens::admin::AdminScreen;
use crate::app::screens::admin::data::{AdminData, AdminSection, ContactLine, ServiceLine, StaffLine};
use crate::domain::text;
use crate::ui::View;

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    let admin = &state.screens.admin;
    let [tabs, table_area, detail_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(3)]).areas(area);
    let mut spans = vec![Span::raw(" ")];
    for section in AdminSection::ALL {
        let style = if section == admin.section { theme.tab_active } else { theme.dim };
        let marker = if section == admin.section { theme.symbols.selected } else { " " };
        spans.push(Span::styled(format!("{marker}{} ", section.title()), style));
    }
    let writes = state.user.as_ref().is_some_and(|u| u.rights.admin);
    let note = match (writes, area.width >= 120) {
        (true, _) => "  [ ] section",
        (false, true) => "  [ ] section · read-only: only admins change this",
        // Narrow: the sections' names come first.
        (false, false) => "  · read-only",
    };
    spans.push(Span::styled(note, theme.dim));
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);

    if let Some(preview) = &admin.import {
        return agreements::preview(
            frame,
            Rect { height: table_area.height + detail_area.height, ..table_area },
            preview,
            view,
        );
    }
    let rows = match &admin.rows {
        None => return message(frame, table_area, "  reading …", view),
        Some(Err(_)) if admin.section == AdminSection::Audit && !writes => {
            let text = "  Only admins read the audit log: its rows hold whole records, staff's and contacts' e-mail \
                        addresses and phone numbers among them. The database refuses it to every other role.";
            return message(frame, table_area, text, view);
        }
        Some(Err(why)) => {
            let text = format!("  This could not be read: {}. Ctrl-r tries again.", text::one_line(why));
            return message(frame, table_area, &text, view);
        }
        Some(Ok(rows)) => rows,
    };
    match rows {
        AdminData::Staff(staff) => staff_table(frame, table_area, detail_area, admin, staff, view),
        AdminData::Contacts(contacts) => contact_table(frame, table_area, detail_area, admin, contacts, view),
        AdminData::Services(services) => service_table(frame, table_area, detail_area, admin, services, view),
        AdminData::Agreements(versions) => agreements::render(frame, table_area, detail_area, admin, versions, view),
        AdminData::Audit(entries) => audit::render(frame, table_area, detail_area, admin, entries, view),
        AdminData::Calendars(calendars) => {
            let whole = Rect { height: table_area.height + detail_area.height, ..table_area };
            calendars::render(frame, whole, state, calendars, view)
        }
    }
}

pub(super) fn message(frame: &mut Frame, area: Rect, text: &str, view: View) {
    frame
        .render_widget(Paragraph::new(Line::styled(text.to_string(), view.theme.dim)).wrap(Wrap { trim: false }), area);
}

/// A table of `rows` with the selection kept in sight.
pub(super) fn table(
    frame: &mut Frame,
    area: Rect,
    headers: &[&str],
    widths: Vec<Constraint>,
    rows: Vec<Row>,
    selected: usize,
    view: View,
) {
    let theme = view.theme;
    let height = usize::from(area.height.saturating_sub(1)).max(1);
    let offset = selected.saturating_sub(height - 1);
    let shown: Vec<Row> = rows.into_iter().skip(offset).take(height).collect();
    let header = Row::new(headers.iter().map(|h| Cell::from(*h))).style(theme.header);
    let table = Table::new(shown, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection)
        .highlight_symbol(format!("{} ", theme.symbols.selected))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut state);
}

fn staff_table(frame: &mut Frame, area: Rect, detail: Rect, admin: &AdminScreen, staff: &[StaffLine], view: View) {
    let theme = view.theme;
    if staff.is_empty() {
        return message(frame, area, "  No staff yet: `a` adds the first.", view);
    }
    let wide = area.width >= 120;
    let mut headers = vec!["LOGIN", "NAME", "ROLE", "STATE", "ROTA"];
    let mut widths = vec![
        Constraint::Length(12),
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Length(13),
        Constraint::Length(12),
    ];
    if wide {
        headers.extend(["DESK", "E-MAIL"]);
        widths.extend([Constraint::Length(5), Constraint::Fill(1)]);
    }
    let rows = staff
        .iter()
        .map(|line| {
            let m = &line.member;
            let (standing, style) = if m.active {
                ("active".to_string(), theme.text)
            } else {
                (format!("{} deactivated", theme.symbols.breached), theme.dim)
            };
            let rota = match &line.duty {
                Some(duty) if duty.starts_at <= view.now => format!("{} now", duty.duty),
                Some(duty) => format!("{} {}", duty.duty, duty.starts_at.with_timezone(&view.zone).format("%-d.%-m")),
                None => "—".into(),
            };
            let mut cells = vec![
                Cell::from(text::one_line(&m.login).into_owned()),
                Cell::from(text::one_line(&m.full_name).into_owned()),
                Cell::from(text::one_line(&m.role).into_owned()),
                Cell::from(standing),
                Cell::from(rota),
            ];
            if wide {
                cells.push(Cell::from(if line.servicedesk { "yes" } else { "" }));
                cells.push(Cell::from(text::one_line(m.email.as_deref().unwrap_or("—")).into_owned()));
            }
            Row::new(cells).style(style)
        })
        .collect();
    let selected = admin.selected.min(staff.len() - 1);
    table(frame, area, &headers, widths, rows, selected, view);
    if let Some(line) = staff.get(selected) {
        let m = &line.member;
        let rota = match line.shifts_ahead {
            0 => "No shifts on the rota ahead.".to_string(),
            n => {
                let first = line.duty.as_ref().map_or(String::new(), |d| {
                    let when =
                        |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&view.zone).format("%a %-d %b %H:%M");
                    let duty = if d.duty == "mim" { "MIM" } else { "deputy" };
                    format!(" {duty} {} – {};", when(d.starts_at), when(d.ends_at))
                });
                use crate::app::command::{Command, MajorAct, Screen};
                use crate::app::keymap::{Scope, default_keymap, route_to};
                let keys =
                    route_to(&default_keymap(), Screen::Major, Scope::Major, Command::Major(MajorAct::EditShift));
                format!("{n} shift(s) on the rota ahead:{first} change them first ({keys}) if they stop being a MIM.")
            }
        };
        let contact = [m.email.as_deref(), m.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        let lines = vec![
            Line::styled(
                format!(
                    "{} ({}) · {} · {}",
                    text::one_line(&m.full_name),
                    text::one_line(&m.login),
                    text::one_line(&m.role),
                    if m.active { "active" } else { "deactivated: cannot sign in" }
                ),
                theme.header,
            ),
            Line::styled(format!("{} {}", text::one_line(&contact), rota), theme.text),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail);
    }
}

fn contact_table(
    frame: &mut Frame,
    area: Rect,
    detail: Rect,
    admin: &AdminScreen,
    contacts: &[ContactLine],
    view: View,
) {
    let theme = view.theme;
    if contacts.is_empty() {
        return message(frame, area, "  No contacts yet: `vakt contact add` adds them.", view);
    }
    let wide = area.width >= 120;
    let mut headers = vec!["ORG", "NAME", "E-MAIL", "DEAD"];
    let org = if wide { 16 } else { 10 };
    let mut widths = vec![Constraint::Length(org), Constraint::Fill(1), Constraint::Fill(1), Constraint::Length(8)];
    if wide {
        headers.extend(["ROLE", "MOBILE / PHONE", "WEBHOOK"]);
        widths.extend([Constraint::Length(18), Constraint::Length(18), Constraint::Length(24)]);
    }
    let rows = contacts
        .iter()
        .map(|line| {
            let c = &line.contact;
            let dead = if line.dead > 0 {
                Cell::from(format!("{} {}", theme.symbols.breached, line.dead)).style(theme.breached)
            } else {
                Cell::from("")
            };
            let mut cells = vec![
                Cell::from(text::one_line(&c.organisation).into_owned()),
                Cell::from(text::one_line(&c.name).into_owned()),
                Cell::from(text::one_line(c.email.as_deref().unwrap_or("—")).into_owned()),
                dead,
            ];
            if wide {
                let number = c.mobile.as_deref().or(c.phone.as_deref()).unwrap_or("—");
                let hook = match (&c.webhook_host, &c.webhook_preset) {
                    (Some(host), Some(preset)) => format!("{preset} {host}"),
                    (Some(host), None) => host.clone(),
                    _ => "—".into(),
                };
                cells.push(Cell::from(text::one_line(&c.role).into_owned()));
                cells.push(Cell::from(text::one_line(number).into_owned()));
                cells.push(Cell::from(text::one_line(&hook).into_owned()));
            }
            Row::new(cells)
        })
        .collect();
    let selected = admin.selected.min(contacts.len() - 1);
    table(frame, area, &headers, widths, rows, selected, view);
    if let Some(line) = contacts.get(selected) {
        let c = &line.contact;
        let dead = match line.dead {
            0 => "Every message to them was delivered or is on its way.".to_string(),
            n => format!(
                "{} {n} message(s) to them are dead-lettered: check the address (`vakt outbox list --state dead`).",
                theme.symbols.breached
            ),
        };
        let lines = vec![
            Line::styled(
                format!(
                    "{} · {} · {}",
                    text::one_line(&c.name),
                    text::one_line(&c.organisation),
                    text::one_line(&c.role)
                ),
                theme.header,
            ),
            Line::styled(dead, if line.dead > 0 { theme.breached } else { theme.text }),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail);
    }
}

fn service_table(
    frame: &mut Frame,
    area: Rect,
    detail: Rect,
    admin: &AdminScreen,
    services: &[ServiceLine],
    view: View,
) {
    let theme = view.theme;
    if services.is_empty() {
        return message(frame, area, "  No services yet: `a` adds the first (admins).", view);
    }
    let wide = area.width >= 120;
    let mut headers = vec!["CODE", "NAME", "OWNER", "AGREEMENT"];
    let mut widths = vec![Constraint::Length(18), Constraint::Fill(1), Constraint::Length(13), Constraint::Length(10)];
    if wide {
        headers.extend(["HOURS", "LINES", "SUPPLIER"]);
        widths.extend([Constraint::Length(10), Constraint::Length(22), Constraint::Length(18)]);
    }
    let rows = services
        .iter()
        .map(|s| {
            let mut cells = vec![
                Cell::from(text::one_line(&s.code).into_owned()),
                Cell::from(text::one_line(&s.name).into_owned()),
                Cell::from(text::one_line(&s.owner).into_owned()),
                Cell::from(text::one_line(&s.agreement).into_owned()),
            ];
            if wide {
                cells.push(Cell::from(text::one_line(s.calendar.as_deref().unwrap_or("—")).into_owned()));
                cells.push(Cell::from(text::one_line(&s.support_lines.join(" ")).into_owned()));
                cells.push(Cell::from(text::one_line(s.supplier.as_deref().unwrap_or("—")).into_owned()));
            }
            Row::new(cells)
        })
        .collect();
    let selected = admin.selected.min(services.len() - 1);
    table(frame, area, &headers, widths, rows, selected, view);
    if let Some(s) = services.get(selected) {
        let hours = match &s.calendar {
            Some(calendar) => format!("availability measured in {calendar}"),
            None => "no availability target".to_string(),
        };
        let lines = vec![
            Line::styled(
                format!(
                    "{} · {} · owner {} · agreement {} · {}",
                    text::one_line(&s.code),
                    text::one_line(&s.name),
                    text::one_line(&s.owner),
                    text::one_line(&s.agreement),
                    text::one_line(&hours)
                ),
                theme.header,
            ),
            Line::styled(
                format!(
                    "Support lines: {} · supplier: {}",
                    if s.support_lines.is_empty() { "none".to_string() } else { s.support_lines.join(", ") },
                    text::one_line(s.supplier.as_deref().unwrap_or("none"))
                ),
                theme.text,
            ),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail);
    }
}

/// How far a detail of `total` lines in `height` rows may be scrolled: no further than its last line at the bottom.
fn scrolled(asked: u16, total: usize, height: u16) -> u16 {
    let most = u16::try_from(total).unwrap_or(u16::MAX).saturating_sub(height);
    asked.min(most)
}
