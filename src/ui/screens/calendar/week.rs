//! The week: the cursor's week as seven columns, Monday to Sunday, each window with its times, kind and services,
//! then each meeting with its times on the viewer's clock, `meeting` and its series; the cursor day's windows and
//! meetings in full below.

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Context, detail, label};
use crate::app::model::MaintenanceWindow;
use crate::app::screens::calendar::CalendarScreen;
use crate::app::screens::calendar::days::{monday_of, shift};
use crate::app::screens::calendar::meetings::CalendarMeeting;
use crate::domain::text;
use crate::ui::Theme;

pub fn render(frame: &mut Frame, area: Rect, calendar: &CalendarScreen, context: &Context) {
    let (day, today, theme) = (context.day, context.today, context.theme);
    // The day's pane gets a third of the height, between 4 and 10 lines; the columns the rest.
    let pane_lines = (area.height / 3).clamp(4, 10);
    let [columns_area, pane] = Layout::vertical([Constraint::Fill(1), Constraint::Length(pane_lines)]).areas(area);
    let columns: [Rect; 7] = Layout::horizontal([Constraint::Fill(1); 7]).spacing(1).areas(columns_area);
    let monday = monday_of(day);
    for (offset, column) in columns.into_iter().enumerate() {
        let date = shift(monday, offset as i64);
        let style = if date == day { theme.selection } else { Style::default() };
        let lines = column_lines(calendar, (date, date == day, date == today), column, context);
        frame.render_widget(Paragraph::new(lines).style(style), column);
    }
    let windows: Vec<&MaintenanceWindow> = calendar.on_day(day).collect();
    detail::day(frame, pane, &windows, &calendar.meetings_on(day), context);
}

/// `Mon 14` (with the cursor's marker and `today`), then each window's and meeting's lines while they fit, `+N more`
/// after. `(date, cursor, today)` is the column's date and how it is marked.
fn column_lines<'a>(
    calendar: &CalendarScreen,
    (date, cursor, today): (NaiveDate, bool, bool),
    column: Rect,
    context: &Context,
) -> Vec<Line<'a>> {
    let theme = context.theme;
    let width = usize::from(column.width);
    let height = usize::from(column.height);
    let marker = if cursor { theme.symbols.selected } else { " " };
    let head = format!("{marker}{}{}", date.format("%a %-d"), if today { " today" } else { "" });
    let mut lines = vec![Line::styled(text::truncate(&head, width).into_owned(), theme.header)];
    let mut blocks: Vec<(DateTime<Utc>, Vec<Line>)> =
        calendar.on_day(date).map(|w| (w.start, window_lines(w, date, width, theme))).collect();
    blocks.extend(calendar.meetings_on(date).into_iter().map(|m| (m.start, meeting_lines(m, width, context))));
    // By start, so a morning meeting is not pushed below the evening's windows (stable: windows keep their order).
    blocks.sort_by_key(|(start, _)| *start);
    let count = blocks.len();
    for (index, (_, block)) in blocks.into_iter().enumerate() {
        let left_after = count - index - 1;
        // Room for this block, and for the `+N more` line if others would still follow.
        let room = height.saturating_sub(lines.len() + usize::from(left_after > 0));
        if block.len() > room {
            let more = format!(" +{} more", count - index);
            lines.push(Line::styled(text::truncate(&more, width).into_owned(), theme.dim));
            break;
        }
        lines.extend(block);
    }
    lines
}

/// A meeting in a column: its times on the viewer's clock, `meeting`, the series' code, then a blank line.
fn meeting_lines<'a>(meeting: &CalendarMeeting, width: usize, context: &Context) -> Vec<Line<'a>> {
    let fit = |text: String| text::truncate(&text, width.saturating_sub(1)).into_owned();
    let theme = context.theme;
    vec![
        Line::from(vec![
            Span::raw(" "),
            Span::styled(fit(label::meeting_span(meeting, context.zone, width < 13)), theme.accent),
        ]),
        Line::styled(format!(" {}", fit(label::MEETING.to_string())), theme.text),
        Line::styled(format!(" {}", fit(text::one_line(&meeting.series).into_owned())), theme.dim),
        Line::raw(""),
    ]
}

/// A window in a column: the mark and times, the kind, one service a line, then a blank line.
fn window_lines<'a>(window: &MaintenanceWindow, date: NaiveDate, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let fit = |text: String| text::truncate(&text, width.saturating_sub(1)).into_owned();
    let mark = if window.warnings.is_empty() { " " } else { "!" };
    let mut lines = vec![Line::from(vec![
        Span::styled(mark, theme.warning),
        // `18–22` where `18:00–22:00` would be cut.
        Span::styled(fit(label::span_on(window, date, width < 13)), theme.accent),
    ])];
    lines.push(Line::styled(format!(" {}", fit(label::kind_name(&window.kind))), theme.text));
    lines.extend(
        window.services.iter().map(|s| Line::styled(format!(" {}", fit(text::one_line(s).into_owned())), theme.dim)),
    );
    lines.push(Line::raw(""));
    lines
}
