//! The major-incident cockpit: clocks, the countdown to the next stakeholder update, the escalation ladder,
//! the timeline, who was told what, and the calls still to make.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::command::{Command, MajorAct};
use crate::app::keymap::{self, Scope};
use crate::app::model::MajorView;
use crate::app::{State, major_cadence, major_proposal};
use crate::domain::major::{CadenceState, DeliveryState, MajorRole};
use crate::domain::text::{self, duration};
use crate::ui::{View, format};

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    let majors = &state.screens.major;
    let Some(selected) = majors.selected() else {
        let mut lines = vec![
            Line::raw(""),
            Line::styled(
                if majors.loaded { "  No major incident in progress." } else { "  Loading major incidents …" },
                theme.header,
            ),
            Line::styled(
                "  Declare one with m on an incident (needs the MIM role); h writes the shift hand-over.",
                theme.dim,
            ),
            Line::raw(""),
        ];
        lines.extend(handover_lines(state, view));
        lines.extend(rota_lines(state, view));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let calls_height = if selected.calls.is_empty() { 0 } else { (selected.calls.len() as u16 + 2).min(7) };
    let [tabs, header, boxes, middle, calls] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(6),
        Constraint::Fill(1),
        Constraint::Length(calls_height),
    ])
    .areas(area);
    let mut tab_spans: Vec<Span> = majors
        .list
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let style = if i == majors.selected { theme.tab_active } else { theme.dim };
            Span::styled(format!(" {} {} ", theme.symbols.major, m.reference), style)
        })
        .collect();
    if let Some(crate::app::model::PendingHandover { outgoing, .. }) = &majors.handover {
        let ack = key(state, MajorAct::AcknowledgeHandover);
        tab_spans
            .push(Span::styled(format!("   hand-over from {outgoing} waiting: {ack} acknowledges"), theme.warning));
    }
    frame.render_widget(Paragraph::new(Line::from(tab_spans)), tabs);
    header_lines(frame, header, selected, view);
    let [clocks_area, update_area, escalation_area] =
        Layout::horizontal([Constraint::Ratio(1, 3), Constraint::Ratio(1, 3), Constraint::Ratio(1, 3)]).areas(boxes);
    clocks_box(frame, clocks_area, state, selected, view);
    update_box(frame, update_area, state, selected, view);
    escalation_box(frame, escalation_area, state, selected, view);
    let [timeline_area, ledger_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(middle);
    timeline_box(frame, timeline_area, selected, view);
    ledger_box(frame, ledger_area, selected, view);
    if calls_height > 0 {
        calls_box(frame, calls, state, selected, view);
    }
}

/// The key of a cockpit command, from the keymap, for the hints drawn in the panels.
fn key(state: &State, act: MajorAct) -> String {
    keymap::key_for(&state.keymap, Scope::Major, Command::Major(act))
        .map_or_else(|| format!(":{}", act.name()), |c| c.label())
}

fn boxed<'a>(title: &str, view: View) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(view.theme.border)
        .title(Span::styled(format!(" {title} "), view.theme.header))
}

fn header_lines(frame: &mut Frame, area: Rect, major: &MajorView, view: View) {
    let theme = view.theme;
    let d = &major.major.declaration;
    let mut first = vec![
        Span::styled(format!(" {} MAJOR ", theme.symbols.major), theme.major),
        Span::styled(format!("{} ", major.reference), theme.accent),
        Span::styled(text::one_line(&d.title).into_owned(), theme.header),
        Span::styled(format!("  {} {}  {}", d.agreement, d.priority, major.major.state), theme.text),
    ];
    if d.exercise {
        first.push(Span::styled("  EXERCISE", theme.warning));
    }
    let roles: Vec<String> = major
        .major
        .roles
        .iter()
        .filter(|r| r.renounced_at.is_none())
        .map(|r| {
            let short = match r.role {
                MajorRole::IncidentManager => "IM",
                MajorRole::CommunicationsLead => "comms",
                MajorRole::Scribe => "scribe",
                MajorRole::TechnicalLead => "tech",
                MajorRole::SupplierLiaison => "supplier",
                _ => r.role.as_str(),
            };
            format!("{short} {}", r.person)
        })
        .collect();
    let second = Line::styled(
        format!(
            " declared {} by {} · {} · roles: {}",
            format::local_time(d.at, view.now, view.zone),
            d.by,
            d.services.join(", "),
            roles.join(" · ")
        ),
        theme.dim,
    );
    frame.render_widget(Paragraph::new(vec![Line::from(first), second]), area);
}

fn clocks_box(frame: &mut Frame, area: Rect, state: &State, major: &MajorView, view: View) {
    let theme = view.theme;
    let clocks = match state.agreements.get(&major.agreement_version_id) {
        Some(agreement) => major.live_clocks(agreement, view.now),
        None => major.clocks.clone(),
    };
    let lines: Vec<Line> = if clocks.is_empty() {
        vec![Line::styled("no SLA targets", theme.dim)]
    } else {
        clocks
            .iter()
            .map(|c| {
                let breached = c.breached_at.is_some() || (c.counting && c.due.is_some_and(|d| d <= view.now));
                let (text, style) = match (c.state.as_str(), c.due) {
                    ("met", _) => (format!("{} met", theme.symbols.met), theme.met),
                    (_, Some(due)) if breached => {
                        (format!("{} {} over", theme.symbols.breached, duration::human(view.now - due)), theme.breached)
                    }
                    (_, Some(due)) => (format!("due {}", format::local_time(due, view.now, view.zone)), theme.text),
                    (state, None) => (state.replace('_', " "), theme.dim),
                };
                Line::from(vec![
                    Span::styled(format!("{:<11}", c.target.to_string()), theme.text),
                    Span::styled(text, style),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(boxed("Clocks", view)), area);
}

fn update_box(frame: &mut Frame, area: Rect, state: &State, major: &MajorView, view: View) {
    let theme = view.theme;
    let mut lines = Vec::new();
    match major_cadence(state, major, view.now) {
        Some(cadence) => {
            let (symbol, style) = match cadence.state {
                CadenceState::OnTime => ("", theme.text),
                CadenceState::DueSoon => (theme.symbols.warning, theme.warning),
                CadenceState::Overdue | CadenceState::Missed => (theme.symbols.breached, theme.breached),
            };
            let remaining = cadence.remaining();
            let countdown = if remaining < chrono::Duration::zero() {
                format!("{symbol} {} overdue", duration::countdown(-remaining))
            } else {
                format!("{symbol} {} left", duration::countdown(remaining))
            };
            lines.push(Line::styled(
                format!("{countdown}  (due {})", format::local_time(cadence.due, view.now, view.zone)),
                style,
            ));
            if cadence.notify_deputy() {
                lines.push(Line::styled("missed: the deputy is notified", theme.breached));
            }
        }
        None => lines.push(Line::styled("no cadence for this priority", theme.dim)),
    }
    let last = major
        .last_update_at
        .map_or("none sent yet".into(), |t| format!("last sent {}", format::local_time(t, view.now, view.zone)));
    lines.push(Line::styled(format!("{last} · {} sent", major.updates), theme.dim));
    lines.push(Line::styled(format!("{}: write the next update", key(state, MajorAct::Update)), theme.accent));
    frame.render_widget(Paragraph::new(lines).block(boxed("Next stakeholder update", view)), area);
}

fn escalation_box(frame: &mut Frame, area: Rect, state: &State, major: &MajorView, view: View) {
    let theme = view.theme;
    let mut lines = Vec::new();
    match major.major.escalations.last() {
        Some(step) => lines.push(Line::styled(
            format!(
                "level {} · {} since {}",
                step.level,
                step.level_name,
                format::local_time(step.at, view.now, view.zone)
            ),
            theme.text,
        )),
        None => lines.push(Line::styled("level 0 (operational)", theme.text)),
    }
    match major_proposal(state, major, view.now) {
        Some(p) => lines.push(Line::styled(format!("proposed: {} — {}", p.level_name, p.reason), theme.warning)),
        None => lines.push(Line::styled("no escalation proposed", theme.dim)),
    }
    lines.push(Line::styled(format!("{}: escalate now", key(state, MajorAct::Escalate)), theme.accent));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(boxed("Escalation", view)), area);
}

fn timeline_box(frame: &mut Frame, area: Rect, major: &MajorView, view: View) {
    let theme = view.theme;
    let lines: Vec<Line> = major
        .timeline
        .iter()
        .rev()
        .map(|e| {
            let detail = e.data.get("text").and_then(|t| t.as_str()).unwrap_or("");
            Line::from(vec![
                Span::styled(format!("{} ", format::local_time(e.at, view.now, view.zone)), theme.dim),
                Span::styled(format!("{:<16}", e.kind.replace('_', " ")), theme.text),
                Span::styled(format!("{} {}", e.actor, text::one_line(detail)), theme.dim),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(boxed("Timeline", view)), area);
}

fn ledger_box(frame: &mut Frame, area: Rect, major: &MajorView, view: View) {
    let theme = view.theme;
    let lines: Vec<Line> = major
        .ledger
        .iter()
        .rev()
        .map(|e| {
            let (mark, style) = match e.state {
                DeliveryState::Sent => (format!("{} sent", theme.symbols.met), theme.met),
                DeliveryState::Dead => ("✗ dead".to_string(), theme.breached),
                DeliveryState::Retrying => ("✗ retry".to_string(), theme.warning),
                DeliveryState::Pending => ("… queued".to_string(), theme.dim),
            };
            Line::from(vec![
                Span::styled(
                    format!("{} {:<7}", format::local_time(e.at, view.now, view.zone), e.channel.as_str()),
                    theme.dim,
                ),
                Span::styled(format!("{:<9}", mark), style),
                Span::styled(format!("{} ", text::one_line(&e.audience)), theme.accent),
                Span::styled(text::one_line(&e.text).into_owned(), theme.text),
                Span::styled(format!(" · {}", text::one_line(&e.sender)), theme.dim),
            ])
        })
        .collect();
    let lines = if lines.is_empty() { vec![Line::styled("nobody told yet", theme.dim)] } else { lines };
    frame.render_widget(Paragraph::new(lines).block(boxed("Who was told", view)), area);
}

fn calls_box(frame: &mut Frame, area: Rect, state: &State, major: &MajorView, view: View) {
    let theme = view.theme;
    let lines: Vec<Line> = major
        .calls
        .iter()
        .map(|c| {
            let (mark, style) = match c.task.last_outcome() {
                Some(outcome) => (format!("{} {}", theme.symbols.met, outcome), theme.met),
                None => ("☐ to do".to_string(), theme.warning),
            };
            Line::from(vec![
                Span::styled(format!("{:<14}", mark), style),
                Span::styled(
                    format!("{} · {} ({}) · {}", c.task.organisation, c.task.name, c.task.role, c.task.number),
                    theme.text,
                ),
            ])
        })
        .collect();
    let title = format!("Calls to make ({} logs a call)", key(state, MajorAct::Call));
    frame.render_widget(Paragraph::new(lines).block(boxed(&title, view)), area);
}

fn rota_lines(state: &State, view: View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut lines = vec![Line::styled("  On-duty rota", theme.header)];
    let upcoming: Vec<_> = state.screens.major.rota.iter().filter(|s| s.ends_at > view.now).take(4).collect();
    if upcoming.is_empty() {
        lines.push(Line::styled("  no shifts: an admin adds them with vakt rota add", theme.breached));
    }
    for shift in upcoming {
        lines.push(Line::styled(
            format!(
                "  {} – {}  {} (deputy {})",
                format::local_time(shift.starts_at, view.now, view.zone),
                format::local_time(shift.ends_at, view.now, view.zone),
                shift.mim_name,
                shift.deputy_name
            ),
            theme.text,
        ));
    }
    lines
}

/// The hand-over waiting for this MIM, in full, until acknowledged.
fn handover_lines(state: &State, view: View) -> Vec<Line<'static>> {
    let Some(crate::app::model::PendingHandover { outgoing, markdown, .. }) = &state.screens.major.handover else {
        return Vec::new();
    };
    let ack = key(state, MajorAct::AcknowledgeHandover);
    let mut lines = vec![Line::styled(format!("  Hand-over from {outgoing} ({ack} acknowledges)"), view.theme.warning)];
    lines.extend(markdown.lines().take(20).map(|l| Line::styled(format!("  {}", text::one_line(l)), view.theme.text)));
    lines.push(Line::raw(""));
    lines
}
