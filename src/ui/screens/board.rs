//! The incident board: the open queue, soonest breach first. Narrow terminals drop the lower-value columns;
//! wide ones get more. "My follow-ups" (F) shows in place of the queue.

mod follow_ups;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use crate::app::State;
use crate::app::model::IncidentSummary;
use crate::app::screens::board::queue::{SortKey, VIEWS};
use crate::domain::incident::Status;
use crate::domain::text;
use crate::ui::{View, deadline, format};

/// A board column: its header, its width, and the narrowest terminal that shows it.
struct Column {
    header: &'static str,
    width: Constraint,
    min_terminal_width: u16,
    cell: fn(&IncidentSummary, &State, View) -> Cell<'static>,
}

/// The title is shown at every width (what an incident is about matters more than its organisation or line); the
/// other columns come in as the terminal widens.
const COLUMNS: &[Column] = &[
    Column { header: "REF", width: Constraint::Length(10), min_terminal_width: 0, cell: reference },
    Column { header: "PRI", width: Constraint::Length(8), min_terminal_width: 0, cell: priority },
    Column { header: "SERVICE", width: Constraint::Length(16), min_terminal_width: 0, cell: service },
    Column { header: "ORG", width: Constraint::Length(14), min_terminal_width: 140, cell: organisation },
    Column { header: "AGREEMENT", width: Constraint::Length(9), min_terminal_width: 200, cell: agreement },
    Column { header: "STATUS", width: Constraint::Length(12), min_terminal_width: 96, cell: status },
    Column { header: "LINE", width: Constraint::Length(8), min_terminal_width: 150, cell: line },
    Column { header: "ASSIGNEE", width: Constraint::Length(15), min_terminal_width: 110, cell: assignee },
    Column { header: "FLAGS", width: Constraint::Length(5), min_terminal_width: 104, cell: flags },
    Column { header: "NEXT TARGET", width: Constraint::Length(25), min_terminal_width: 0, cell: next_target },
    Column { header: "DUE", width: Constraint::Length(10), min_terminal_width: 180, cell: due },
    Column { header: "AGE", width: Constraint::Length(9), min_terminal_width: 170, cell: age },
    Column { header: "TITLE", width: Constraint::Fill(1), min_terminal_width: 0, cell: title },
];

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    let [filter_area, table_area, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(2)]).areas(area);
    filter_line(frame, filter_area, state, view);
    if state.screens.board.follow_ups.shown {
        follow_ups::render(frame, Rect { height: table_area.height + footer.height, ..table_area }, state, view);
        return;
    }
    let board = &state.screens.board.queue;
    if !board.showing() || board.visible_len() == 0 {
        let text = match (board.showing(), board.all().is_empty(), board.still_to_come()) {
            (false, _, _) => "  Loading the board …".to_string(),
            (true, true, _) => "  No open incidents.".to_string(),
            (true, false, Some(more)) => format!(
                "  None of the {} soonest deadlines matches the filter; loading {} …",
                board.all().len(),
                more_text(more)
            ),
            (true, false, None) => "  No open incident matches the filter (Esc clears it).".to_string(),
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), table_area);
        return;
    }
    let columns: Vec<&Column> = COLUMNS.iter().filter(|c| area.width >= c.min_terminal_width).collect();
    let header = Row::new(columns.iter().map(|c| Cell::from(c.header))).style(theme.header);
    // Only the rows that fit are built: the board may hold ten thousand incidents.
    let height = usize::from(table_area.height.saturating_sub(1)).max(1);
    let selected = board.selected_index();
    let offset = selected.saturating_sub(height - 1);
    let rows = board
        .visible()
        .skip(offset)
        .take(height)
        .map(|incident| Row::new(columns.iter().map(|c| (c.cell)(incident, state, view))));
    let table = Table::new(rows, columns.iter().map(|c| c.width))
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection)
        .highlight_symbol(format!("{} ", theme.symbols.selected))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, table_area, &mut table_state);

    if let Some(selected) = board.selected() {
        // Most important first, so a narrow terminal cuts the title, not the deadline.
        let mut spans = vec![
            Span::styled(format!(" {}", selected.reference), theme.accent),
            Span::styled(format!(" · {}", selected.priority.as_deref().unwrap_or("no priority")), theme.text),
        ];
        // Before the deadline: at 80 columns the end of this line is cut.
        if let Some(master) = &selected.master {
            spans.push(Span::styled(format!(" · ↳ child of {}", text::one_line(master)), theme.accent));
        }
        if let Some(next) = &selected.next_due {
            let countdown = deadline::countdown_of(next, selected.agreement_version_id, state, view.now);
            spans.push(Span::styled(
                format!(" · {} due {}", next.target, format::local_time(next.at, view.now, view.zone)),
                theme.text,
            ));
            spans.push(Span::raw(" "));
            spans.extend(deadline::spans(&countdown, view, true));
        }
        spans.push(Span::styled(
            format!(
                " · {} ({}) · received {}",
                text::one_line(&selected.service.name),
                text::one_line(&selected.service.organisation),
                format::local_time(selected.received_at, view.now, view.zone),
            ),
            theme.text,
        ));
        if let Some(window) = state.service_windows.running_on(&selected.service.code, view.now) {
            spans.push(Span::styled(
                format!(
                    " · in maintenance ({}) until {}",
                    window.kind.replace('_', " "),
                    format::local_time(window.end, view.now, view.zone)
                ),
                theme.accent,
            ));
        }
        let others = state.people_at(selected.id);
        if !others.is_empty() {
            spans.push(Span::styled(format!(" · also here: {}", others.join(", ")), theme.warning));
        }
        spans.push(Span::styled(format!(" · {}", text::one_line(&selected.title)), theme.dim));
        let block = Block::new().borders(Borders::TOP).border_style(theme.border);
        frame.render_widget(Paragraph::new(Line::from(spans)).block(block), footer);
    }
}

fn filter_line(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    let board = &state.screens.board.queue;
    let (key, descending) = board.sort();
    let order = if descending { " ↓" } else { "" };
    // While only the first page is here, the count says what is still coming; a sort other than the deadline
    // orders only the rows already here until then.
    let partial = board.still_to_come().map(|more| {
        if (key, descending) == (SortKey::Deadline, false) {
            format!("{} here · loading {} … ", board.all().len(), more_text(more))
        } else {
            format!("sort: {} among {} here · loading {} … ", key.name(), board.all().len(), more_text(more))
        }
    });
    let arrangement = if let Some(partial) = &partial {
        partial.clone()
    } else if area.width >= 120 {
        format!(
            "{} shown of {} · view: {} · sort: {}{order} ",
            board.visible_len(),
            board.all().len(),
            VIEWS[state.screens.board.view].name,
            key.name()
        )
    } else {
        format!(
            "{}/{} · {} · {}{order} ",
            board.visible_len(),
            board.all().len(),
            VIEWS[state.screens.board.view].name,
            key.name()
        )
    };
    let left = match &state.screens.board.filter_input {
        Some(input) => {
            let mut spans = vec![
                Span::styled(" / ", theme.accent),
                Span::styled(text::one_line(&input.text).into_owned(), theme.text),
                Span::styled("█", theme.accent),
            ];
            if let Some(error) = &input.error {
                spans.push(Span::styled(format!("  {error}"), theme.breached));
            }
            Line::from(spans)
        }
        None if !board.filter().is_empty() => Line::from(vec![
            Span::styled(" / ", theme.accent),
            Span::styled(text::one_line(board.filter().source()).into_owned(), theme.text),
        ]),
        None => Line::styled(" / to filter", theme.dim),
    };
    // The user's follow-ups falling due show here, on the line the board always has, so they are seen on every
    // visit without costing the queue a row; F lists them.
    let due = crate::app::screens::board::follow_ups::due_count(state, view.now);
    let left = match due {
        0 => left,
        n => {
            let mut spans = left.spans;
            let noun = if n == 1 { "follow-up" } else { "follow-ups" };
            spans.push(Span::styled(format!("  {} {n} {noun} due (F)", theme.symbols.warning), theme.warning));
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(left), area);
    let width = (arrangement.chars().count() as u16).min(area.width / 2);
    if state.screens.board.filter_input.as_ref().is_none_or(|i| i.error.is_none()) {
        let right = Rect { x: area.x + area.width - width, width, ..area };
        let style = if partial.is_some() { theme.accent } else { theme.dim };
        frame.render_widget(Paragraph::new(Line::styled(arrangement, style)), right);
    }
}

/// What is still loading: PostgreSQL's estimate of the rest, or "the rest" without one.
fn more_text(more: usize) -> String {
    match more {
        0 => "the rest".to_string(),
        n => format!("about {} more", format::count(n)),
    }
}

fn plain(value: &str, max: usize) -> Cell<'static> {
    Cell::from(text::truncate(&text::one_line(value), max).into_owned())
}

fn dash(view: View) -> Cell<'static> {
    Cell::from("—").style(view.theme.dim)
}

/// A child of a master incident carries "↳" after its reference: the column is there at every width (80 too),
/// and "INC-10423↳" still fits its ten characters; which master it is, the title column (from 160) and the
/// selected line's footer say.
fn reference(incident: &IncidentSummary, _: &State, _: View) -> Cell<'static> {
    match &incident.master {
        Some(_) => plain(&format!("{}↳", text::truncate(&incident.reference, 9)), 10),
        None => plain(&incident.reference, 10),
    }
}

fn priority(incident: &IncidentSummary, _: &State, view: View) -> Cell<'static> {
    incident.priority.as_deref().map_or_else(|| dash(view), |label| plain(label, 8))
}

fn service(incident: &IncidentSummary, _: &State, _: View) -> Cell<'static> {
    plain(&incident.service.name, 16)
}

fn organisation(incident: &IncidentSummary, _: &State, _: View) -> Cell<'static> {
    plain(&incident.service.organisation, 14)
}

fn status(incident: &IncidentSummary, _: &State, view: View) -> Cell<'static> {
    let cell = Cell::from(incident.status.label());
    if incident.status == Status::Paused { cell.style(view.theme.paused) } else { cell }
}

fn line(incident: &IncidentSummary, _: &State, view: View) -> Cell<'static> {
    incident.support_line.map_or_else(|| dash(view), |line| Cell::from(line.as_str()))
}

fn assignee(incident: &IncidentSummary, _: &State, view: View) -> Cell<'static> {
    incident.assignee.as_ref().map_or_else(|| dash(view), |staff| plain(&staff.name, 15))
}

/// Major, security, in maintenance, workaround, reopened, deprioritised — in that order, one character each.
fn flags(incident: &IncidentSummary, state: &State, view: View) -> Cell<'static> {
    let f = incident.flags;
    let symbols = view.theme.symbols.major;
    let maintenance = state.service_windows.running_on(&incident.service.code, view.now).is_some();
    let marks: String = [
        (f.major, symbols),
        (f.security, "S"),
        (maintenance, "M"),
        (f.workaround, "W"),
        (f.reopened, "R"),
        (f.deprioritised, "D"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, mark)| *mark)
    .collect();
    let cell = Cell::from(marks);
    if f.major || f.security { cell.style(view.theme.major) } else { cell }
}

fn next_target(incident: &IncidentSummary, state: &State, view: View) -> Cell<'static> {
    match &incident.next_due {
        Some(next) => {
            let countdown = deadline::countdown_of(next, incident.agreement_version_id, state, view.now);
            let mut spans = vec![Span::styled(format!("{:<8}", deadline::short_target(next.target)), view.theme.text)];
            spans.extend(deadline::spans(&countdown, view, false));
            Cell::from(Line::from(spans))
        }
        None => dash(view),
    }
}

fn agreement(incident: &IncidentSummary, _: &State, _: View) -> Cell<'static> {
    plain(&incident.service.agreement, 9)
}

/// The next deadline as a time of day in the viewer's zone, beside the countdown.
fn due(incident: &IncidentSummary, _: &State, view: View) -> Cell<'static> {
    match &incident.next_due {
        Some(next) => Cell::from(format::local_time(next.at, view.now, view.zone)),
        None => Cell::from(""),
    }
}

fn age(incident: &IncidentSummary, _: &State, view: View) -> Cell<'static> {
    Cell::from(format::age(incident.received_at, view.now))
}

fn title(incident: &IncidentSummary, _: &State, view: View) -> Cell<'static> {
    // A security incident's title stays readable; the mark says its description and notes are restricted.
    let lock = if incident.flags.security { format!("{} ", view.theme.symbols.restricted) } else { String::new() };
    match &incident.master {
        Some(master) => plain(&format!("{lock}↳ {master} {}", incident.title), 120),
        None => plain(&format!("{lock}{}", incident.title), 120),
    }
}
