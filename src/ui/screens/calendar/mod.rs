//! Tab 4: the maintenance calendar as a month grid, a week or an agenda. Windows sit on their own zone's wall-clock
//! dates, as they were planned; the cursor's day and today come from the state and the frame's clock.

mod agenda;
mod detail;
mod label;
mod month;
mod week;

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::app::screens::calendar::days;
use crate::app::screens::calendar::{CalendarScreen, CalendarView};
use crate::ui::View;

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let calendar = &state.screens.calendar;
    let today = view.now.with_timezone(&view.zone).date_naive();
    let day = calendar.cursor.unwrap_or(today);
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    heading(frame, title, calendar, day, view);
    let notes = calendar.day_notes(day, view.zone);
    let context = Context { day, today, notes: &notes, zone: view.zone, theme: view.theme };
    match calendar.view {
        CalendarView::Month => month::render(frame, body, calendar, &context),
        CalendarView::Week => week::render(frame, body, calendar, &context),
        CalendarView::Agenda => agenda::render(frame, body, calendar, &context),
    }
}

/// What every view is drawn with: the cursor's day, today, the day's overlay notes, the viewer's zone (meetings are
/// shown on it) and the theme.
pub(super) struct Context<'a> {
    pub day: NaiveDate,
    pub today: NaiveDate,
    pub notes: &'a [String],
    pub zone: chrono_tz::Tz,
    pub theme: &'a crate::ui::Theme,
}

/// What is shown (the month, the week or the agenda's first day), whether it is still loading, and the views with
/// the current one marked.
fn heading(frame: &mut Frame, area: Rect, calendar: &CalendarScreen, day: NaiveDate, view: View) {
    let theme = view.theme;
    let what = match calendar.view {
        CalendarView::Month => day.format("%B %Y").to_string(),
        CalendarView::Week => {
            let monday = days::monday_of(day);
            let sunday = days::shift(monday, 6);
            format!("week {}, {} – {}", day.iso_week().week(), monday.format("%-d %b"), sunday.format("%-d %b %Y"))
        }
        CalendarView::Agenda => {
            let rows = calendar.agenda_rows();
            let windows = rows.iter().filter(|row| row.window().is_some()).count();
            let from = day.format("%a %-d %b %Y");
            match rows.len() - windows {
                0 => format!("windows from {from} · {windows} listed"),
                1 => format!("from {from} · {windows} windows · 1 meeting"),
                meetings => format!("from {from} · {windows} windows · {meetings} meetings"),
            }
        }
    };
    let shown = days::shown(calendar.view, day);
    let loading = !calendar.loaded.is_some_and(|loaded| loaded.serves(shown));
    let mut spans = vec![Span::styled(format!(" Maintenance · {what}"), theme.header)];
    if loading {
        spans.push(Span::styled("  loading …", theme.dim));
    }
    // The overlays and their keys, where the width allows.
    let overlays = format!("   {}", calendar.overlay_line(theme.symbols.met, "–"));
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if used + overlays.chars().count() + 22 <= usize::from(area.width) {
        spans.push(Span::styled(overlays, theme.dim));
    }
    let views = [(CalendarView::Month, "month"), (CalendarView::Week, "week"), (CalendarView::Agenda, "agenda")];
    let switch: Vec<Span> = views
        .iter()
        .flat_map(|(v, name)| {
            let style = if *v == calendar.view { theme.tab_active } else { theme.dim };
            [Span::raw(" "), Span::styled(*name, style)]
        })
        .collect();
    let switch_width = views.iter().map(|(_, name)| name.len() + 1).sum::<usize>() as u16 + 1;
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(switch_width)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(Line::from(switch)), right);
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::ui::Theme;

    /// The views squeezed into any area, down to nothing, cut their text and never panic.
    #[test]
    fn every_view_draws_in_any_area() {
        let now = Utc.with_ymd_and_hms(2026, 12, 15, 9, 0, 0).unwrap();
        let theme = Theme::builtin("dark").unwrap();
        let mut state = State::new("test");
        let oslo = chrono_tz::Europe::Oslo;
        let start = oslo.with_ymd_and_hms(2026, 12, 15, 22, 0, 0).unwrap().with_timezone(&Utc);
        let window = crate::app::model::MaintenanceWindow {
            id: "1:2026-12-15".into(),
            series_id: 1,
            version: 1,
            services: vec!["SBL".into()],
            kind: "release".into(),
            state: "approved".into(),
            impact: "unavailable".into(),
            start,
            end: start + chrono::Duration::hours(4),
            zone: "Europe/Oslo".into(),
            notice: None,
            warnings: Vec::new(),
        };
        let dates = days::to_load(now.date_naive());
        state.screens.calendar.replace(dates, vec![window.clone(), window.clone(), window]);
        // Meetings on the same day, one of them running past midnight on the viewer's clock.
        let meeting = |hour: u32, minutes: i64| {
            let start = Utc.with_ymd_and_hms(2026, 12, 15, hour, 0, 0).unwrap();
            crate::app::screens::calendar::meetings::CalendarMeeting {
                series: "ALT-STATUS".into(),
                title: "Ukentlig statusmøte Altinn".into(),
                chair: "Karin Dahl".into(),
                zone: "Europe/Oslo".into(),
                start,
                end: start + chrono::Duration::minutes(minutes),
            }
        };
        state.screens.calendar.replace_meetings(vec![meeting(9, 60), meeting(23, 120)], chrono_tz::UTC);
        for calendar_view in [CalendarView::Month, CalendarView::Week, CalendarView::Agenda] {
            state.screens.calendar.view = calendar_view;
            for (width, height) in [(0, 0), (1, 1), (7, 2), (20, 5), (80, 3), (300, 100)] {
                let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
                let view = View { theme: &theme, now, zone: chrono_tz::UTC };
                terminal.draw(|frame| render(frame, frame.area(), &state, view)).unwrap();
            }
        }
    }
}
