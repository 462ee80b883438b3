//! Tab 5: the minutes. The series and their meetings on the left (latest first), the open meeting's minutes on the
//! right: heading, attendance (an absent mandatory participant flagged), each agenda item with the rows the agenda
//! was written from, its notes and decisions, then the follow-up points and corrections. Text from the database is
//! neutralised before it reaches the terminal.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::State;
use crate::app::screens::minutes::data::{ItemLine, MeetingLine, MinutesDetail};
use crate::app::screens::minutes::{Line as ListLine, MinutesScreen};
use crate::domain::minutes::agenda::SectionKind;
use crate::domain::text;
use crate::ui::{Theme, View};

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let minutes = &state.screens.minutes;
    let list_width = if area.width >= 120 { 44 } else { 30 };
    let [list_area, body] = Layout::horizontal([Constraint::Length(list_width), Constraint::Fill(1)]).areas(area);
    list(frame, list_area, minutes, view);
    // The line the selected item's heading is on: j and k scroll from there.
    let mut anchor = 0;
    let lines = match &minutes.open {
        None => hint(minutes, view),
        Some(open) => match &open.detail {
            None => vec![Line::styled("reading the minutes …", view.theme.dim)],
            Some(Err(why)) => vec![Line::styled(
                format!("The minutes could not be read: {}", text::one_line(why)),
                view.theme.warning,
            )],
            Some(Ok(detail)) => {
                let (lines, at) = minutes_lines(detail, minutes.taking_attendance, open.item, view);
                anchor = at;
                lines
            }
        },
    };
    // Scrolling counts rows on screen: a long line wraps onto several, as the paragraph wraps it.
    let width = body.width.saturating_sub(1).max(1);
    let rows = |lines: &[Line<'static>]| Paragraph::new(lines.to_vec()).wrap(Wrap { trim: false }).line_count(width);
    let anchor_row = rows(&lines[..anchor.min(lines.len())]);
    // Never past the last line (G asks for "the end"): the last line stays in sight at the top at worst.
    let last = rows(&lines).saturating_sub(1);
    let offset = minutes.open.as_ref().map_or(0, |o| o.scroll);
    let scroll = anchor_row.saturating_add_signed(isize::try_from(offset).unwrap_or(0)).min(last);
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    let block = Block::default().borders(Borders::LEFT).border_style(view.theme.border);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), body);
}

fn day_and_time(at: DateTime<Utc>, view: View) -> String {
    at.with_timezone(&view.zone).format("%a %-d %b %Y %H:%M").to_string()
}

/// The series headings and their meetings; the selection follows the keys and stays in sight.
fn list(frame: &mut Frame, area: Rect, minutes: &MinutesScreen, view: View) {
    let theme = view.theme;
    let Some(_) = &minutes.list else {
        let text = match &minutes.error {
            Some(why) => format!(" The meetings could not be read: {}. Ctrl-r tries again.", text::one_line(why)),
            None => " reading the meetings …".into(),
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim).wrap(Wrap { trim: false }), area);
        return;
    };
    let lines = minutes.lines();
    if lines.is_empty() {
        frame.render_widget(Paragraph::new(" No meeting series yet.").style(theme.dim), area);
        return;
    }
    let width = usize::from(area.width);
    let height = usize::from(area.height).max(1);
    let first = minutes.selected.saturating_sub(height - 1);
    let shown: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(at, line)| {
            let selected = at == minutes.selected;
            let marker = if selected { theme.symbols.selected } else { " " };
            let (text, style) = match line {
                ListLine::Series(s) => {
                    (format!("{marker}{} · {}", text::one_line(&s.code), text::one_line(&s.title)), theme.header)
                }
                ListLine::Meeting(m) => (format!("{marker}  {}", meeting_label(m, view)), theme.text),
            };
            let style = if selected { theme.selection } else { style };
            Line::styled(text::truncate(&text, width).into_owned(), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
}

/// `Tue 24 Nov 10:00 draft 2 open` — the state in words, so it reads without colour.
fn meeting_label(m: &MeetingLine, view: View) -> String {
    let when = m.starts_at.with_timezone(&view.zone).format("%Y-%m-%d %H:%M");
    let mut label = format!("{when} {}", text::one_line(&m.state));
    if m.follow_ups_open > 0 {
        label.push_str(&format!(" · {} open", m.follow_ups_open));
    }
    if m.corrections > 0 {
        label.push_str(&format!(" · {} corr.", m.corrections));
    }
    label
}

/// Nothing open: what Enter would open.
fn hint(minutes: &MinutesScreen, view: View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut lines = Vec::new();
    if let Some(series) = minutes.selected_series() {
        lines.push(Line::styled(
            format!("{} · {}", text::one_line(&series.title), text::one_line(&series.agreement)),
            theme.header,
        ));
        lines.push(Line::styled(format!("chair {}", text::one_line(&series.chair)), theme.text));
    }
    match minutes.selected_meeting() {
        Some(m) => lines
            .push(Line::styled(format!("Enter reads the minutes of {}.", day_and_time(m.starts_at, view)), theme.dim)),
        None => lines.push(Line::styled("Select a meeting; Enter reads its minutes.", theme.dim)),
    }
    lines
}

/// The minutes' lines, and the line the selected item's heading is on (0 with none selected).
fn minutes_lines(
    detail: &MinutesDetail,
    minutes_taking_attendance: bool,
    selected: Option<i64>,
    view: View,
) -> (Vec<Line<'static>>, usize) {
    let theme = view.theme;
    let head = &detail.head;
    let state = match (&head.published_by, head.published_at) {
        (Some(by), Some(at)) => format!("published by {} {}", text::one_line(by), day_and_time(at, view)),
        _ => format!("{} · opened by {}", text::one_line(&head.state), text::one_line(&head.opened_by)),
    };
    let mut lines = vec![
        Line::styled(
            format!(
                "{} · {} · {} · {state}",
                text::one_line(&head.title),
                text::one_line(&head.agreement),
                day_and_time(head.starts_at, view)
            ),
            theme.header,
        ),
        attendance(detail, minutes_taking_attendance, theme),
    ];
    let mut anchor = 0;
    for item in &detail.items {
        lines.push(Line::raw(""));
        if selected == Some(item.id) {
            anchor = lines.len();
        }
        item_lines(&mut lines, detail, item, selected == Some(item.id), view);
    }
    let loose: Vec<_> = detail.decisions.iter().filter(|d| d.item_id.is_none()).collect();
    if !loose.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Decisions", theme.header));
        for decision in loose {
            lines.push(Line::styled(
                format!("  {} — {}", text::one_line(&decision.text), text::one_line(&decision.decided_by)),
                theme.text,
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Follow-up points ({})", detail.follow_ups.len()), theme.header));
    if detail.follow_ups.is_empty() {
        lines.push(Line::styled("  none", theme.dim));
    }
    for point in &detail.follow_ups {
        let standing = match (&point.answer, point.answered_at) {
            (Some(a), Some(at)) => format!("answered {}: {}", day_and_time(at, view), text::one_line(a)),
            (Some(a), None) => format!("answered: {}", text::one_line(a)),
            _ => text::one_line(&point.state).into_owned(),
        };
        let concerns = if point.concerns.is_empty() {
            String::new()
        } else {
            format!(" · re {}", text::one_line(&point.concerns))
        };
        lines.push(Line::styled(
            format!(
                "  #{} {} · {} · due {}{concerns} · {standing}",
                point.id,
                text::one_line(&point.text),
                text::one_line(&point.owner),
                point.due,
            ),
            theme.text,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Corrections ({})", detail.corrections.len()), theme.header));
    if detail.corrections.is_empty() {
        lines.push(Line::styled("  none", theme.dim));
    }
    for correction in &detail.corrections {
        let late = if correction.late { " (late)" } else { "" };
        lines.push(Line::styled(
            format!(
                "  {} — {}, {}{late}",
                text::one_line(&correction.text),
                text::one_line(&correction.by),
                day_and_time(correction.at, view)
            ),
            if correction.late { theme.warning } else { theme.text },
        ));
    }
    (lines, anchor)
}

/// `Attendance  ASF ✓  ABS ✗ mandatory  NAV –`: present, absent and mandatory, absent and optional; while it is
/// being taken, each with the key that marks it.
fn attendance(detail: &MinutesDetail, taking: bool, theme: &Theme) -> Line<'static> {
    let title = if taking { "Attendance (1–9 mark, Esc done) " } else { "Attendance " };
    let mut spans = vec![Span::styled(title, theme.header)];
    if detail.attendance.is_empty() {
        spans.push(Span::styled(" nobody listed", theme.dim));
    }
    for (n, person) in (1..).zip(&detail.attendance) {
        let who = text::one_line(&person.participant).into_owned();
        let who = if taking && n <= 9 { format!("[{n}] {who}") } else { who };
        let span = match (person.present, person.mandatory) {
            (true, _) => Span::styled(format!(" {who} {}", theme.symbols.met), theme.met),
            (false, true) => Span::styled(format!(" {who} ✗ mandatory"), theme.breached),
            (false, false) => Span::styled(format!(" {who} –"), theme.dim),
        };
        spans.push(span);
    }
    Line::from(spans)
}

/// An item: its number and title, the rows of its agenda section, its notes and decisions.
fn item_lines(lines: &mut Vec<Line<'static>>, detail: &MinutesDetail, item: &ItemLine, selected: bool, view: View) {
    let theme = view.theme;
    let discussed = if item.discussed { format!(" · {} discussed", theme.symbols.met) } else { String::new() };
    let (marker, style) = if selected { (theme.symbols.selected, theme.selection) } else { (" ", theme.header) };
    let heading = format!("{marker}{} {}{discussed}", item.position, text::one_line(&item.title));
    lines.push(Line::styled(heading, style));
    let section =
        detail.agenda.sections.iter().find(|s| s.kind != SectionKind::Carried && s.kind.as_str() == item.section);
    if let Some(section) = section {
        for row in &section.rows {
            let line = crate::domain::minutes::text::line(row, view.zone);
            lines.push(Line::styled(format!("  {}", text::one_line(&line)), theme.text));
        }
    }
    if item.notes.trim().is_empty() {
        lines.push(Line::styled("  Notes —", theme.dim));
    } else {
        lines.push(Line::styled("  Notes", theme.dim));
        for note in text::block(&item.notes).lines() {
            lines.push(Line::styled(format!("    {note}"), theme.text));
        }
    }
    for decision in detail.decisions.iter().filter(|d| d.item_id == Some(item.id)) {
        lines.push(Line::styled(
            format!("  Decision: {} — {}", text::one_line(&decision.text), text::one_line(&decision.decided_by)),
            theme.accent,
        ));
    }
}
