//! The incident view: all fields, the description, and the event history.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use crate::app::State;
use crate::app::model::{EventEntry, IncidentDetail};
use crate::app::screens::board::IncidentView;
use crate::domain::sla::{self, ClockState, IncidentClocks};
use crate::domain::text::{self, duration};
use crate::ui::{View, deadline, format};

pub fn render(frame: &mut Frame, area: Rect, state: &State, incident: &IncidentView, view: View) {
    let theme = view.theme;
    let Some(detail) = &incident.detail else {
        let line = Line::styled(format!("  Loading {} …", incident.reference), theme.dim);
        frame.render_widget(Paragraph::new(line), area);
        return;
    };
    let clocks = live_clocks(state, detail, view);
    let clock_rows = clock_table_height(clocks.as_ref(), view, area.width);
    let relation_rows = u16::from(!relations_line_empty(detail));
    let regulatory_rows = if detail.regulatory.is_empty() { 0 } else { detail.regulatory.len() as u16 + 2 };
    let [fields_area, clocks_area, regulatory_area, description_area, history_area] = Layout::vertical([
        Constraint::Length(5 + relation_rows),
        Constraint::Length(clock_rows + 1),
        Constraint::Length(regulatory_rows),
        // The restricted notice needs less room than a description, which leaves more for the history.
        Constraint::Length(if detail.description_restricted { 3 } else { 5 }),
        Constraint::Fill(1),
    ])
    .areas(area);
    let others = state.people_at(detail.summary.id);
    fields(frame, fields_area, detail, &others, view);
    clock_table(frame, clocks_area, clocks.as_ref(), view);
    if !detail.regulatory.is_empty() {
        let first_warning = state
            .agreements
            .get(&detail.summary.agreement_version_id)
            .and_then(|a| a.clock_rules().warning_thresholds.first().copied())
            .unwrap_or(50);
        super::incident_regulatory::render(frame, regulatory_area, &detail.regulatory, first_warning, view);
    }

    let description = if detail.description_restricted {
        let symbol = theme.symbols.restricted;
        Paragraph::new(Line::styled(
            format!(
                "{symbol} restricted: the description and notes of a security incident are readable only by logins \
                 cleared for them (vakt_security)"
            ),
            theme.warning,
        ))
        .wrap(Wrap { trim: false })
    } else if detail.description.trim().is_empty() {
        Paragraph::new(Line::styled("no description", theme.dim))
    } else {
        Paragraph::new(text::block(&detail.description).into_owned()).style(theme.text).wrap(Wrap { trim: false })
    };
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(theme.border)
        .title(Span::styled(" Description ", theme.header));
    frame.render_widget(description.block(block), description_area);

    let rows = detail.events.iter().skip(incident.scroll).map(|event| history_row(event, view));
    let table =
        Table::new(rows, [Constraint::Length(19), Constraint::Length(18), Constraint::Length(14), Constraint::Fill(1)])
            .header(Row::new(["WHEN", "EVENT", "BY", "DETAIL"]).style(theme.header))
            .column_spacing(1)
            .block(
                Block::new()
                    .borders(Borders::TOP)
                    .border_style(theme.border)
                    .title(Span::styled(format!(" History ({}) ", detail.events.len()), theme.header)),
            );
    frame.render_widget(table, history_area);
}

fn fields(frame: &mut Frame, area: Rect, detail: &IncidentDetail, others: &[String], view: View) {
    let theme = view.theme;
    let s = &detail.summary;
    // At least one space after the label, also for the longer ones.
    let label = |text: &'static str| Span::styled(format!("{text:<9} "), theme.dim);
    let value = |text: String| Span::styled(text::one_line(&text).into_owned(), theme.text);
    let optional = |value: Option<String>| value.unwrap_or_else(|| "—".to_string());
    let mut title = vec![
        Span::styled(format!(" {} ", s.reference), theme.accent),
        Span::styled(text::one_line(&s.title).into_owned(), theme.header),
    ];
    if !others.is_empty() {
        title.push(Span::styled(format!("   also here: {}", others.join(", ")), theme.warning));
    }
    let title = Line::from(title);
    let mut lines = vec![
        title,
        Line::from(vec![
            Span::raw(" "),
            label("priority"),
            value(optional(s.priority.clone())),
            Span::raw("   "),
            label("service"),
            value(format!("{} ({}) · {}", s.service.name, s.service.organisation, s.service.agreement)),
        ]),
        Line::from(vec![
            Span::raw(" "),
            label("status"),
            value(s.status.label().to_string()),
            Span::raw("   "),
            label("line"),
            value(optional(s.support_line.map(|l| l.to_string()))),
            Span::raw("   "),
            label("assignee"),
            value(optional(s.assignee.as_ref().map(|a| a.name.clone()))),
        ]),
        Line::from(vec![
            Span::raw(" "),
            label("received"),
            value(format::timestamp(s.received_at, view.zone)),
            Span::raw("   "),
            label("channel"),
            value(detail.channel.to_string()),
            Span::raw("   "),
            label("reporter"),
            value(if detail.reporter.is_empty() { "—".into() } else { detail.reporter.clone() }),
        ]),
        Line::from(vec![
            Span::raw(" "),
            label("created by"),
            value(detail.created_by.clone()),
            Span::raw("   "),
            label("resolved"),
            value(optional(detail.resolved_at.map(|t| format::timestamp(t, view.zone)))),
            Span::raw("   "),
            label("linked"),
            value(if detail.linked.is_empty() { "—".into() } else { detail.linked.join(", ") }),
        ]),
    ];
    if !relations_line_empty(detail) {
        lines.push(relations_line(detail, view));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn relations_line_empty(detail: &IncidentDetail) -> bool {
    let r = &detail.relations;
    r.problems.is_empty() && r.master.is_none() && r.children.is_empty()
}

/// Problems, master and children (issue 13): " problems PRB-3   master INC-1" or " children INC-2 (open), INC-3".
fn relations_line(detail: &IncidentDetail, view: View) -> Line<'static> {
    let theme = view.theme;
    let relations = &detail.relations;
    let label = |text: &'static str| Span::styled(format!("{text:<9} "), theme.dim);
    let value = |text: String| Span::styled(text::one_line(&text).into_owned(), theme.text);
    let mut spans = vec![Span::raw(" ")];
    if !relations.problems.is_empty() {
        spans.extend([label("problems"), value(relations.problems.join(", ")), Span::raw("   ")]);
    }
    if let Some(master) = &relations.master {
        spans.extend([label("master"), Span::styled(format!("↳ {}", text::one_line(master)), theme.accent)]);
        spans.push(Span::raw("   "));
    }
    if !relations.children.is_empty() {
        let open = relations.children.iter().filter(|c| c.open).count();
        let list: Vec<String> = relations
            .children
            .iter()
            .map(|c| if c.open { format!("{} (open)", c.reference) } else { c.reference.clone() })
            .collect();
        spans.extend([
            label("children"),
            value(format!("{} of {} open: {}", open, relations.children.len(), list.join(", "))),
        ]);
    }
    Line::from(spans)
}

fn history_row(event: &EventEntry, view: View) -> Row<'static> {
    let detail = match &event.data {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        other => other.to_string(),
    };
    Row::new([
        Cell::from(format::timestamp(event.at, view.zone)),
        Cell::from(text::one_line(&event.kind).into_owned()),
        Cell::from(text::truncate(&text::one_line(&event.actor), 14).into_owned()),
        Cell::from(text::one_line(&detail).into_owned()),
    ])
}

/// The clocks as of now, computed from the history with the agreement the incident is measured against.
fn live_clocks(state: &State, detail: &IncidentDetail, view: View) -> Option<IncidentClocks> {
    let agreement = state.agreements.get(&detail.summary.agreement_version_id)?;
    sla::compute_clocks(agreement, &detail.clock_events, view.now).ok()
}

/// One clock's line of the table: its six short cells, its state's style and its notes (due changes on
/// re-prioritising, re-plans, a closed desk).
struct ClockLine {
    cells: [String; 6],
    style: ratatui::style::Style,
    notes: Vec<String>,
}

const CLOCK_HEADERS: [&str; 7] = ["TARGET", "CALENDAR", "STATE", "DUE", "USED", "LEFT", "NOTES"];
/// Most lines one clock's notes take.
const NOTE_LINES: usize = 3;

fn clock_lines(clocks: &IncidentClocks, view: View) -> Vec<ClockLine> {
    let theme = view.theme;
    clocks
        .clocks
        .iter()
        .map(|clock| {
            let (symbol, word, style) = match clock.state {
                ClockState::Breached { .. } => (theme.symbols.breached, "breached", theme.breached),
                ClockState::Warning { .. } => (theme.symbols.warning, "warning", theme.warning),
                ClockState::Met { .. } => (theme.symbols.met, "met", theme.met),
                ClockState::Paused => (theme.symbols.paused, "paused", theme.paused),
                ClockState::Deprioritised { .. } => (theme.symbols.paused, "deprioritised", theme.paused),
                ClockState::NotStarted => (" ", "not started", theme.dim),
                ClockState::Running => (" ", "running", theme.text),
            };
            let left = match clock.remaining {
                Some(r) if r < chrono::Duration::zero() => format!("{} over", duration::human(-r)),
                Some(r) => duration::human(r),
                None => "—".into(),
            };
            let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map_or("—".into(), |t| format::local_time(t, view.now, view.zone))
            };
            let mut notes: Vec<String> = clock
                .history
                .iter()
                .map(|c| {
                    let from = c.from_priority.as_deref().unwrap_or("—");
                    // The new due time first: where a narrow terminal cuts the note, it cuts the old one.
                    format!("{from}→{}: {} (was {})", c.to_priority, at(c.due_after), at(c.due_before))
                })
                .collect();
            if let Some(replan) = &clock.replan {
                notes.push(format!("re-planned to {} with {}", at(Some(replan.new_due)), replan.counterpart));
            }
            if let Some(until) = clock.closed_until.filter(|_| clock.counting) {
                notes.insert(0, format!("closed until {}", at(Some(until))));
            }
            ClockLine {
                cells: [
                    deadline::short_target(clock.kind).to_string(),
                    text::one_line(&clock.clock).into_owned(),
                    format!("{symbol} {word}"),
                    at(clock.due),
                    duration::human(clock.elapsed),
                    left,
                ],
                style,
                notes,
            }
        })
        .collect()
}

/// Each column as wide as its widest entry (a calendar's code at most 16), the notes in what is left of `width`:
/// fixed widths for the longest possible entries left the notes no room at 80 columns.
fn clock_widths(lines: &[ClockLine], width: u16) -> [u16; 7] {
    let mut widths = [0u16; 7];
    for (i, header) in CLOCK_HEADERS.iter().enumerate().take(6) {
        let widest = lines.iter().map(|l| l.cells[i].chars().count()).max().unwrap_or(0);
        let cap = if i == 1 { 16 } else { usize::MAX };
        widths[i] = u16::try_from(widest.max(header.len()).min(cap)).unwrap_or(u16::MAX);
    }
    let used: u16 = widths.iter().take(6).sum::<u16>() + 6;
    widths[6] = width.saturating_sub(used);
    widths
}

/// The notes of one clock as lines of at most `width` characters, whole notes kept together where they fit; notes
/// beyond the third line are counted at its end ("+2").
fn note_lines(notes: &[String], width: u16) -> Vec<String> {
    let width = usize::from(width.max(1));
    // Each line with how many notes it holds.
    let mut lines: Vec<(String, usize)> = Vec::new();
    for note in notes {
        match lines.last_mut() {
            Some((line, count)) if line.chars().count() + 3 + note.chars().count() <= width => {
                line.push_str(" · ");
                line.push_str(note);
                *count += 1;
            }
            _ => lines.push((note.clone(), 1)),
        }
    }
    let hidden: usize = lines.iter().skip(NOTE_LINES).map(|(_, count)| count).sum();
    lines.truncate(NOTE_LINES);
    let mut lines: Vec<String> = lines.iter().map(|(l, _)| text::truncate(l, width).into_owned()).collect();
    if hidden > 0
        && let Some(last) = lines.last_mut()
    {
        let more = format!(" +{hidden}");
        let kept = width.saturating_sub(more.chars().count());
        *last = format!("{}{more}", text::truncate(last, kept));
    }
    lines
}

/// Lines the clock table takes below its title at `width`.
fn clock_table_height(clocks: Option<&IncidentClocks>, view: View, width: u16) -> u16 {
    let Some(clocks) = clocks.filter(|c| !c.clocks.is_empty()) else { return 1 };
    let lines = clock_lines(clocks, view);
    let widths = clock_widths(&lines, width);
    let rows: usize = lines.iter().map(|l| note_lines(&l.notes, widths[6]).len().max(1)).sum();
    u16::try_from(rows + 1).unwrap_or(u16::MAX)
}

/// Every SLA clock side by side: target, calendar, state, due, used, left, and due changes on re-prioritising.
fn clock_table(frame: &mut Frame, area: Rect, clocks: Option<&IncidentClocks>, view: View) {
    let theme = view.theme;
    let block =
        Block::new().borders(Borders::TOP).border_style(theme.border).title(Span::styled(" SLA clocks ", theme.header));
    let Some(clocks) = clocks.filter(|c| !c.clocks.is_empty()) else {
        let text = Line::styled(" no SLA targets for this priority (or no priority yet)", theme.dim);
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    let lines = clock_lines(clocks, view);
    let widths = clock_widths(&lines, area.width);
    let rows = lines.into_iter().map(|line| {
        let notes = note_lines(&line.notes, widths[6]);
        let height = u16::try_from(notes.len().max(1)).unwrap_or(1);
        let [target, calendar, state, due, used, left] = line.cells;
        Row::new([
            Cell::from(target),
            Cell::from(calendar),
            Cell::from(state).style(line.style),
            Cell::from(due),
            Cell::from(used),
            Cell::from(left),
            Cell::from(notes.into_iter().map(Line::from).collect::<Vec<_>>()),
        ])
        .height(height)
    });
    let table = Table::new(rows, widths.map(Constraint::Length))
        .header(Row::new(CLOCK_HEADERS).style(theme.header))
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: [&str; 6], notes: &[&str]) -> ClockLine {
        ClockLine {
            cells: cells.map(String::from),
            style: ratatui::style::Style::default(),
            notes: notes.iter().map(|n| n.to_string()).collect(),
        }
    }

    #[test]
    fn columns_fit_their_entries_and_the_notes_take_the_rest() {
        let lines = [
            line(["respond", "kundeservice", "✓ met", "Mon 08:00", "0 s", "1 h"], &[]),
            line(["resolve", "kundeservice", "  running", "Mon 11:00", "3 h 10 m", "4 h"], &["x"]),
        ];
        let widths = clock_widths(&lines, 80);
        assert_eq!(widths[..6], [7, 12, 9, 9, 8, 4], "each column as wide as its widest entry or header");
        assert_eq!(widths[6], 80 - (7 + 12 + 9 + 9 + 8 + 4) - 6, "the notes get the rest");
        // A calendar's long code is capped; the notes never get a negative width.
        let long =
            [line(["feedback", "a-very-long-calendar-code", "◷ deprioritised", "2026-12-24 10:00", "1 h", "—"], &[])];
        assert_eq!(clock_widths(&long, 80)[1], 16);
        assert_eq!(clock_widths(&long, 40)[6], 0);
    }

    #[test]
    fn notes_share_lines_where_they_fit_and_what_is_cut_is_counted() {
        let notes: Vec<String> = ["A→B: 08:00→09:00", "B→C: 09:00→10:00", "closed until Mon 07:00", "C→A: 1→2", "x"]
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(note_lines(&notes, 200), [notes.join(" · ")], "one line when wide");
        let narrow = note_lines(&notes, 22);
        assert_eq!(narrow.len(), NOTE_LINES);
        assert_eq!(narrow[0], "A→B: 08:00→09:00");
        assert_eq!(narrow[1], "B→C: 09:00→10:00");
        assert!(narrow[2].ends_with(" +2"), "two notes beyond the third line are counted: {narrow:?}");
        assert!(narrow.iter().all(|l| l.chars().count() <= 22), "{narrow:?}");
        assert!(note_lines(&[], 30).is_empty());
    }
}
