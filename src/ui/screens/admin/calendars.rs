//! The calendars section: the calendars of the agreements in force on the left, the selected one's year on the
//! right as the small year calendar of `vakt calendar show` (domain::calendar_year) when there is room, as a strip
//! a month when there is not, with the closed days named.

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{message, table};
use crate::app::State;
use crate::app::screens::admin::data::CalendarLine;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::calendar_year::{self, Year};
use crate::domain::text;
use crate::ui::View;

pub fn render(frame: &mut Frame, area: Rect, state: &State, calendars: &[CalendarLine], view: View) {
    let theme = view.theme;
    if calendars.is_empty() {
        return message(frame, area, "  No calendars: the agreements in force use the support clock or 24x7.", view);
    }
    let admin = &state.screens.admin;
    let selected = admin.selected.min(calendars.len() - 1);
    let list_width = if area.width >= 120 { 40 } else { 26 };
    let [list_area, year_area] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Fill(1)]).spacing(1).areas(area);
    let rows = calendars
        .iter()
        .map(|c| {
            Row::new(vec![
                Cell::from(text::one_line(&c.agreement).into_owned()),
                Cell::from(text::one_line(&c.code).into_owned()),
            ])
        })
        .collect();
    let widths = vec![Constraint::Length(9), Constraint::Fill(1)];
    table(frame, list_area, &["AGREEMENT", "CALENDAR"], widths, rows, selected, view);

    let year = admin.year.unwrap_or_else(|| view.now.with_timezone(&view.zone).year());
    let Some(line) = calendars.get(selected) else { return };
    let Some(calendar) = find(state, line) else {
        return message(
            frame,
            year_area,
            "  This calendar's agreement is not loaded yet: Ctrl-r reads it again.",
            view,
        );
    };
    let Some(drawn) = calendar_year::year(calendar, year) else {
        return message(frame, year_area, &format!("  {year} cannot be drawn."), view);
    };
    let mut lines = vec![
        Line::styled(format!("{} {year}   h ◀ ▶ l   J/K scroll", text::one_line(&drawn.calendar)), theme.header),
        Line::styled(format!("{} ({})", text::one_line(&drawn.name), drawn.zone), theme.text),
        Line::styled("▪ open   · closed by the weekly hours   x holiday or exception", theme.dim),
        Line::raw(""),
    ];
    let per_row = usize::from(year_area.width.saturating_add(3) / 23).min(6);
    let grid_height = 12usize.div_ceil(per_row.max(1)) * 8;
    if per_row >= 3 && grid_height + 4 <= usize::from(year_area.height) {
        for first in (1..=12u32).step_by(per_row) {
            let months: Vec<Vec<String>> =
                (first..(first + per_row as u32).min(13)).map(|m| calendar_year::month_lines(&drawn, m)).collect();
            let height = months.iter().map(Vec::len).max().unwrap_or(0);
            for row in 0..height {
                let cells: Vec<String> =
                    months.iter().map(|m| m.get(row).cloned().unwrap_or_else(|| " ".repeat(20))).collect();
                lines.push(Line::styled(cells.join("   ").trim_end().to_string(), theme.text));
            }
        }
    } else {
        lines.push(Line::styled(format!("    {}", "MTWTFSS".repeat(6)), theme.dim));
        lines.extend((1..=12).map(|m| Line::styled(strip(&drawn, m), theme.text)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Closed by a holiday or exception:", theme.header));
    lines.extend(drawn.days.iter().filter(|d| d.closed_by_exception).map(|d| {
        Line::styled(
            format!(
                "  {} {}  {}",
                d.date.format("%-d %b"),
                d.weekday,
                text::one_line(d.closed.as_deref().unwrap_or(""))
            ),
            theme.text,
        )
    }));
    let scroll = super::scrolled(admin.scroll, lines.len(), year_area.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), year_area);
}

/// The calendar of this line in the agreement version the console holds.
fn find<'a>(state: &'a State, line: &CalendarLine) -> Option<&'a BusinessCalendar> {
    state
        .agreements
        .values()
        .find(|a| a.code() == line.agreement && a.spec().version == line.version)
        .and_then(|a| a.calendar(&line.code))
}

/// One month on one line: its name, then a mark a day (▪ open, · closed by the weekly hours, x by an exception),
/// the first day under its weekday so the weeks line up.
fn strip(year: &Year, month: u32) -> String {
    let first = year.days.iter().find(|d| d.date.month() == month);
    let offset = first.map_or(0, |d| d.date.weekday().num_days_from_monday() as usize);
    let marks: String = year
        .days
        .iter()
        .filter(|d| d.date.month() == month)
        .map(|d| {
            if d.closed_by_exception {
                'x'
            } else if d.hours.is_empty() {
                '·'
            } else {
                '▪'
            }
        })
        .collect();
    let name = year.days.iter().find(|d| d.date.month() == month).map(|d| d.date.format("%b").to_string());
    format!("{:<4}{}{marks}", name.unwrap_or_default(), " ".repeat(offset))
}
