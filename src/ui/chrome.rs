//! The frame around every screen: tabs and who/where on top, the state of the world below them, and the keys
//! (or the latest message) at the bottom.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{View, format};
use crate::app::Screen;
use crate::app::keymap::Scope;
use crate::app::state::{Connection, Severity, State};
use crate::domain::text;

pub fn tabs(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    // Narrow terminals name only the active screen; the others keep their numbers.
    let wide = area.width >= 120;
    let mut spans = vec![Span::styled(" vakt ", theme.header), Span::raw(" ")];
    for screen in Screen::ALL {
        let active = screen == state.screen;
        let label = if wide || active {
            format!(" {} {} ", screen.number(), screen.title())
        } else {
            format!(" {} ", screen.number())
        };
        spans.push(Span::styled(label, if active { theme.tab_active } else { theme.dim }));
    }
    let tabs_width = Line::from(spans.clone()).width() as u16;
    frame.render_widget(Paragraph::new(Line::from(spans)), area);

    let who = match &state.user {
        Some(user) => format!("{} ({})", user.login, user.rights.label()),
        None => "…".to_string(),
    };
    let (symbol, connection, style) = match &state.link.connection {
        Connection::Live => (theme.symbols.live, "live".to_string(), theme.live),
        Connection::Connecting => (theme.symbols.offline, "connecting".to_string(), theme.dim),
        Connection::Offline { .. } => (theme.symbols.offline, "offline".to_string(), theme.offline),
    };
    let right = Line::from(vec![
        Span::styled(format!("{who}@{} · ", state.link.database), theme.dim),
        Span::styled(format!("{symbol} {connection} "), style),
    ])
    .alignment(Alignment::Right);
    let width = (right.width() as u16).min(area.width.saturating_sub(tabs_width));
    let right_area = Rect { x: area.x + area.width - width, width, ..area };
    frame.render_widget(Paragraph::new(right), right_area);
}

/// The MIM on duty for the right of the summary line, longest first: with the duty number and mailbox, with
/// the number, and the name alone for narrow terminals.
fn duty_texts(state: &State, view: View) -> Vec<String> {
    match state.screens.major.on_duty(view.now) {
        Some(shift) => {
            let duty = &state.screens.major.duty;
            let phone = duty.phone.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
            let mailbox = duty.mailbox.as_deref().map(|m| format!(" · {m}")).unwrap_or_default();
            vec![
                format!("MIM on duty: {}{phone}{mailbox} ", shift.mim_name),
                format!("MIM on duty: {}{phone} ", shift.mim_name),
                format!("MIM {}{phone} ", shift.mim_name),
                format!("MIM {} ", shift.mim_name),
            ]
        }
        None if state.screens.major.rota.is_empty() => Vec::new(),
        None => vec!["no MIM on duty: the rota has a gap ".to_string(), "no MIM on duty ".to_string()],
    }
}

pub fn summary(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    if let Connection::Offline { since, reason } = &state.link.connection {
        let text = format!(
            " {} OFFLINE since {} · showing the last known state · {reason}",
            theme.symbols.offline,
            format::local_time(*since, view.now, view.zone)
        );
        frame.render_widget(Paragraph::new(Line::styled(text, theme.offline)), area);
        return;
    }
    let queue = &state.screens.board.queue;
    if !queue.loaded {
        // The figures count every open incident: until all have arrived, say how far the load is instead.
        let text = match queue.still_to_come() {
            Some(0) => {
                format!(" loading the board … {} open incidents here", crate::ui::format::count(queue.all().len()))
            }
            Some(more) => format!(
                " loading the board … {} of about {} open incidents here",
                crate::ui::format::count(queue.all().len()),
                crate::ui::format::count(queue.all().len() + more)
            ),
            None => " loading the board …".to_string(),
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), area);
        return;
    }
    let figures = &state.summary;
    let count = |n: usize, style| if n > 0 { style } else { theme.dim };
    let mut spans = vec![
        Span::styled(format!(" Open {}", figures.open), theme.text),
        Span::styled(
            format!("   {} breached {}", theme.symbols.breached, figures.breached),
            count(figures.breached, theme.breached),
        ),
        Span::styled(
            format!("   {} due within 1 h {}", theme.symbols.warning, figures.due_soon),
            count(figures.due_soon, theme.warning),
        ),
        Span::styled(
            format!("   {} majors {}", theme.symbols.major, figures.majors),
            count(figures.majors, theme.major),
        ),
    ];
    if figures.exercises > 0 {
        spans.push(Span::styled(format!(" (+{} exercise)", figures.exercises), theme.dim));
    }
    if let Some(first) = figures.in_maintenance.first() {
        let services = match figures.in_maintenance.len() {
            1 => text::one_line(first).into_owned(),
            n => format!("{} +{}", text::one_line(first), n - 1),
        };
        // A narrow terminal gets the count alone; the board's M flag and footer say which.
        let long = format!("   maintenance {services} ({} open)", figures.incidents_in_maintenance);
        let fits = Line::from(spans.clone()).width() + long.chars().count() <= usize::from(area.width);
        let text = if fits { long } else { format!("   maint. {}", figures.incidents_in_maintenance) };
        spans.push(Span::styled(text, theme.accent));
    }
    if let Some(reference) = &figures.update_overdue {
        spans.push(Span::styled(format!("   update overdue {reference}"), theme.breached));
    }
    if let Some(reference) = &figures.escalate {
        spans.push(Span::styled(format!("   escalate {reference}"), theme.warning));
    }
    // Wide terminals also get the queue by status, when it fits beside the MIM on duty.
    let by_status: String = figures.by_status.iter().map(|(status, n)| format!("   {} {n}", status.label())).collect();
    let duties = duty_texts(state, view);
    // The counts by status give way to the MIM's name and number, not to the mailbox.
    let duty_with_phone = duties.get(1).map_or(0, |d| d.chars().count());
    let used = Line::from(spans.clone()).width();
    if used + by_status.chars().count() + duty_with_phone + 2 <= usize::from(area.width) {
        spans.push(Span::styled(by_status, theme.dim));
    }
    let used = Line::from(spans.clone()).width();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(duty) = duties.into_iter().find(|d| used + d.chars().count() + 2 <= usize::from(area.width)) {
        let width = duty.chars().count() as u16;
        let right = Rect { x: area.x + area.width - width, width, ..area };
        frame.render_widget(Paragraph::new(Line::styled(duty, theme.dim)), right);
    }
}

pub fn key_line(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    if let Some(message) = &state.message {
        let style = match message.severity {
            Severity::Error => theme.breached,
            Severity::Info => theme.accent,
        };
        let text = crate::domain::text::one_line(&message.text).into_owned();
        frame.render_widget(Paragraph::new(Line::styled(format!(" {text}"), style)), area);
        return;
    }
    let scope = state.scope();
    // An open form or confirmation takes every key: the global ones do not apply there.
    let with_global = !matches!(scope, Scope::Form | Scope::Confirm);
    let mut spans = Vec::new();
    let hinted = state.keymap.iter().filter(|b| {
        b.hint && (b.scope == scope || (with_global && b.scope == Scope::Global)) && state.offers(b.command)
    });
    // Screen keys first, then the global ones, as in the sketches.
    let (local, global): (Vec<&crate::app::keymap::Binding>, Vec<_>) =
        hinted.partition(|b| b.scope == scope && scope != Scope::Global);
    // Hints that do not fit are left out whole, from the screen's last one; `?` lists every key anyway.
    // Every key of a command together: `Enter/y yes`.
    let grouped = |bindings: Vec<&crate::app::keymap::Binding>| {
        let mut hints: Vec<(String, &str)> = Vec::new();
        for b in bindings {
            match hints.iter_mut().find(|(_, name)| *name == b.command.name()) {
                Some((keys, _)) => *keys = format!("{keys}/{}", b.chord.label()),
                None => hints.push((b.chord.label(), b.command.name())),
            }
        }
        hints
    };
    let mut local = grouped(local);
    let global = grouped(global);
    let width =
        |hints: &[(String, &str)]| hints.iter().map(|(k, n)| k.chars().count() + n.chars().count() + 4).sum::<usize>();
    while !local.is_empty() && width(&local) + width(&global) > usize::from(area.width) {
        local.pop();
    }
    for (key, name) in local.iter().chain(&global) {
        spans.push(Span::styled(format!(" {key}"), theme.accent));
        spans.push(Span::styled(format!(" {name}  "), theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
