//! The pane below each view: the selected window or meeting (agenda), or every window and meeting of the cursor's
//! day (month, week): a window with its state, impact, services, notice and warnings, a meeting with its series'
//! title, its time on the viewer's clock and its chair.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Context, label};
use crate::app::model::MaintenanceWindow;
use crate::app::screens::calendar::meetings::CalendarMeeting;
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

/// Every window and meeting of the cursor's day, soonest first: a window's times, zone, kind and services, then
/// state, impact and notice, then its warnings; a meeting's times, series and chair.
pub fn day(
    frame: &mut Frame,
    area: Rect,
    windows: &[&MaintenanceWindow],
    meetings: &[&CalendarMeeting],
    context: &Context,
) {
    let theme = context.theme;
    let mut count = match windows.len() {
        0 => "no maintenance".to_string(),
        1 => "1 window".to_string(),
        n => format!("{n} windows"),
    };
    match meetings.len() {
        0 => {}
        1 => count.push_str(" · 1 meeting"),
        n => count.push_str(&format!(" · {n} meetings")),
    }
    let mut lines = vec![Line::styled(format!(" {} · {count}", context.day.format("%A %-d %B %Y")), theme.header)];
    // The overlays of the day: its public holidays and the MIM on duty.
    lines.extend(context.notes.iter().map(|note| Line::styled(format!("   {}", text::one_line(note)), theme.dim)));
    let mut entries: Vec<(DateTime<Utc>, Vec<Line>)> =
        windows.iter().map(|w| (w.start, window_lines(w, theme))).collect();
    entries.extend(meetings.iter().map(|m| (m.start, meeting_lines(m, context))));
    // Stable: a window keeps its place before a meeting that starts with it.
    entries.sort_by_key(|(start, _)| *start);
    lines.extend(entries.into_iter().flat_map(|(_, block)| block));
    let block = Block::new().borders(Borders::TOP).border_style(theme.border);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}

fn window_lines<'a>(window: &MaintenanceWindow, theme: &Theme) -> Vec<Line<'a>> {
    let mark = if window.warnings.is_empty() { " " } else { "!" };
    let late = window.notice.as_ref().is_some_and(|n| !n.ok);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {mark} "), theme.warning),
            Span::styled(label::full_span(window), theme.accent),
            Span::styled(format!(" {}", text::one_line(&window.zone)), theme.dim),
            Span::styled(
                format!("  {} · {}", label::kind_name(&window.kind), text::one_line(&window.services.join(" "))),
                theme.text,
            ),
        ]),
        Line::from(vec![
            Span::styled(format!("   {} · {} · ", window.state, window.impact), theme.dim),
            Span::styled(label::notice(window), if late { theme.warning } else { theme.dim }),
        ]),
    ];
    lines.extend(warnings(window, theme));
    lines
}

/// `   Tue 15 Dec 10:00–11:00  meeting · Ukentlig statusmøte Altinn`, then `   ALT-STATUS · chair Karin Berg`.
fn meeting_lines<'a>(meeting: &CalendarMeeting, context: &Context) -> Vec<Line<'a>> {
    let theme = context.theme;
    vec![
        Line::from(vec![
            Span::raw("   "),
            Span::styled(label::meeting_full_span(meeting, context.zone), theme.accent),
            Span::styled(format!("  {} · {}", label::MEETING, text::one_line(&meeting.title)), theme.text),
        ]),
        Line::styled(
            format!("   {} · chair {}", text::one_line(&meeting.series), text::one_line(&meeting.chair)),
            theme.dim,
        ),
    ]
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

/// The agenda's selected meeting: its series' title, time and chair, and the zone its schedule is kept in.
pub fn meeting(frame: &mut Frame, area: Rect, meeting: &CalendarMeeting, context: &Context) {
    let block = Block::new().borders(Borders::TOP).border_style(context.theme.border);
    let mut lines = meeting_lines(meeting, context);
    let zone = format!("   the series meets on {}'s clock", text::one_line(&meeting.zone));
    lines.push(Line::styled(zone, context.theme.dim));
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
