//! The month: a Monday-first grid of the cursor's month, each day with as many windows as its cell holds
//! (`18–22 prim TRA-EPOST`, `!` before one with warnings, `+N more` by the day's number for the rest), then its
//! meetings on the viewer's clock (`10 mtg ALT-STATUS`), and the cursor day's windows and meetings in full below. Cells grow with the terminal: at 80×24 a day shows one or two windows, at 160×48 five.

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Context, detail, label};
use crate::app::model::MaintenanceWindow;
use crate::app::screens::calendar::CalendarScreen;
use crate::app::screens::calendar::days::{self, shift};
use crate::app::screens::calendar::meetings::CalendarMeeting;
use crate::domain::text;
use crate::ui::Theme;

/// The cursor day's pane keeps at least this many lines, and a third of the height when that is more: it says in
/// full what the cells can only hint at.
const PANE_LINES: u16 = 4;
/// A week's row beyond this many lines would only add empty space.
const MOST_LINES_PER_WEEK: u16 = 6;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

pub fn render(frame: &mut Frame, area: Rect, calendar: &CalendarScreen, context: &Context) {
    let (day, today, theme) = (context.day, context.today, context.theme);
    let grid = days::month_grid(day);
    let weeks = u16::try_from((grid.to - grid.from).num_days() / 7).unwrap_or(6).max(1);
    let pane_lines = (area.height / 3).max(PANE_LINES);
    let per_week = (area.height.saturating_sub(1 + pane_lines) / weeks).clamp(1, MOST_LINES_PER_WEEK);
    let [names, cells, pane] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(per_week.saturating_mul(weeks)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let columns = Layout::horizontal([Constraint::Fill(1); 7]).spacing(1);
    let name_cells: [Rect; 7] = columns.areas(names);
    for (name, cell) in WEEKDAYS.iter().zip(name_cells) {
        frame.render_widget(Paragraph::new(Line::styled(format!(" {name}"), theme.header)), cell);
    }
    let rows = Layout::vertical(vec![Constraint::Length(per_week); usize::from(weeks)]).split(cells);
    for (week, row) in rows.iter().enumerate() {
        let row_cells: [Rect; 7] = columns.areas(*row);
        for (weekday, cell) in row_cells.into_iter().enumerate() {
            let date = shift(grid.from, (week * 7 + weekday) as i64);
            let look = Look { in_month: date.month() == day.month(), today: date == today, cursor: date == day };
            let lines = day_cell(calendar, date, look, cell, context);
            let style = if look.cursor { theme.selection } else { Style::default() };
            frame.render_widget(Paragraph::new(lines).style(style), cell);
        }
    }
    let windows: Vec<&MaintenanceWindow> = calendar.on_day(day).collect();
    detail::day(frame, pane, &windows, &calendar.meetings_on(day), context);
}

/// How a day's cell is marked.
#[derive(Clone, Copy)]
struct Look {
    in_month: bool,
    today: bool,
    cursor: bool,
}

/// The day number (with the cursor's marker, `today`, and `+N more` when not every window and meeting fits), then
/// its windows and meetings, as many as fit.
fn day_cell<'a>(
    calendar: &CalendarScreen,
    date: NaiveDate,
    look: Look,
    cell: Rect,
    context: &Context,
) -> Vec<Line<'a>> {
    let theme = context.theme;
    let width = usize::from(cell.width);
    let mut starting: Vec<(&MaintenanceWindow, NaiveDate)> = calendar.on_day_from(date).collect();
    // What starts on the day comes before what runs into it from the day before, when not all fit.
    starting.sort_by_key(|(_, first)| *first != date);
    let windows: Vec<&MaintenanceWindow> = starting.into_iter().map(|(w, _)| w).collect();
    let meetings = calendar.meetings_on(date);
    let room = usize::from(cell.height.saturating_sub(1));
    let shown = windows.len().min(room);
    let meetings_shown = meetings.len().min(room - shown);
    let text_style = if look.in_month { theme.text } else { theme.dim };
    let marker = if look.cursor { theme.symbols.selected } else { " " };
    let mut number = format!("{marker}{:>2}{}", date.day(), if look.today { " today" } else { "" });
    // A public holiday (when the overlay is on) is marked by its number: the day's pane names it.
    if !calendar.holidays_on(date).is_empty() {
        number.push_str(" hol");
    }
    let hidden = windows.len() + meetings.len() - shown - meetings_shown;
    if hidden > 0 {
        // The count matters more than the word: `+2` where `+2 more` does not fit.
        let more = format!(" +{hidden} more");
        let short = format!(" +{hidden}");
        let fits = number.chars().count() + more.chars().count() <= width;
        number.push_str(if fits { &more } else { &short });
    }
    let number_style = if look.today { theme.accent } else { text_style };
    let mut lines = vec![Line::styled(text::truncate(&number, width).into_owned(), number_style)];
    lines.extend(windows[..shown].iter().map(|w| window_line(w, date, width, text_style, theme)));
    lines.extend(meetings[..meetings_shown].iter().map(|m| meeting_line(m, width, text_style, context)));
    lines
}

/// ` 10 mtg ALT-STATUS`: the start on the viewer's clock (the day's pane has the end), `mtg` where a window has its
/// kind, the series: `mtg` survives the narrowest cell.
fn meeting_line<'a>(meeting: &CalendarMeeting, width: usize, style: Style, context: &Context) -> Line<'a> {
    let text = format!(
        "{} {} {}",
        label::meeting_start(meeting, context.zone),
        label::MEETING_SHORT,
        text::one_line(&meeting.series)
    );
    let text = text::truncate(&text, width.saturating_sub(1)).into_owned();
    Line::from(vec![Span::raw(" "), Span::styled(text, style)])
}

/// `!18–22 prim TRA-EPOST`: the mark, the times on this day, the short kind and the first service.
fn window_line<'a>(window: &MaintenanceWindow, date: NaiveDate, width: usize, style: Style, theme: &Theme) -> Line<'a> {
    let mark = if window.warnings.is_empty() { " " } else { "!" };
    let service = window.services.first().map(|s| text::one_line(s).into_owned()).unwrap_or_default();
    let rest = format!("{} {} {service}", label::span_on(window, date, true), label::short_kind(&window.kind));
    let rest = text::truncate(rest.trim_end(), width.saturating_sub(1)).into_owned();
    Line::from(vec![Span::styled(mark, theme.warning), Span::styled(rest, style)])
}
