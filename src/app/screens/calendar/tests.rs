//! Dates, days of windows in their zones, and the dates the calendar asks for.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::days::{self, Dates};
use super::{CalendarScreen, CalendarView};
use crate::app::effect::DbCommand;
use crate::app::model::MaintenanceWindow;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A window starting at a local wall-clock time in `zone`.
pub(crate) fn window(id: &str, zone: chrono_tz::Tz, start: (i32, u32, u32, u32, u32), hours: i64) -> MaintenanceWindow {
    let (y, mo, d, h, mi) = start;
    let start = zone.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap().with_timezone(&Utc);
    MaintenanceWindow {
        id: id.into(),
        series_id: 1,
        version: 1,
        services: vec!["SBL".into()],
        kind: "release".into(),
        state: "approved".into(),
        impact: "unavailable".into(),
        start,
        end: start + Duration::hours(hours),
        zone: zone.name().into(),
        notice: None,
        warnings: Vec::new(),
    }
}

#[test]
fn months_move_across_year_ends_and_keep_inside_short_months() {
    assert_eq!(days::shift_months(date(2026, 12, 15), 1), date(2027, 1, 15));
    assert_eq!(days::shift_months(date(2027, 1, 15), -1), date(2026, 12, 15));
    assert_eq!(days::shift_months(date(2027, 1, 31), 1), date(2027, 2, 28));
    assert_eq!(days::shift_months(date(2028, 1, 31), 1), date(2028, 2, 29));
    assert_eq!(days::shift(date(2026, 12, 31), 1), date(2027, 1, 1));
    assert_eq!(days::last_of_month(date(2026, 12, 3)), date(2026, 12, 31));
    // The ends of the calendar stay where they are rather than panic.
    assert_eq!(days::shift(NaiveDate::MAX, 1), NaiveDate::MAX);
    assert_eq!(days::shift_months(NaiveDate::MIN, -1), NaiveDate::MIN);
}

#[test]
fn the_month_grid_is_whole_monday_first_weeks() {
    // November 2026 starts on a Sunday and ends on a Monday: six weeks.
    assert_eq!(days::month_grid(date(2026, 11, 24)), Dates { from: date(2026, 10, 26), to: date(2026, 12, 7) });
    // February 2027 starts on a Monday and has 28 days: exactly four.
    assert_eq!(days::month_grid(date(2027, 2, 10)), Dates { from: date(2027, 2, 1), to: date(2027, 3, 1) });
    assert_eq!(days::monday_of(date(2027, 1, 3)), date(2026, 12, 28));
}

#[test]
fn loaded_dates_serve_only_with_a_day_to_spare_at_each_end() {
    let loaded = days::to_load(date(2026, 11, 24));
    assert_eq!(loaded, Dates { from: date(2026, 10, 1), to: date(2027, 4, 1) });
    assert!(loaded.serves(Dates { from: date(2026, 10, 2), to: date(2027, 3, 31) }));
    assert!(!loaded.serves(Dates { from: date(2026, 10, 1), to: date(2026, 11, 1) }));
    assert!(!loaded.serves(Dates { from: date(2027, 3, 1), to: date(2027, 4, 1) }));
}

#[test]
fn a_window_sits_on_its_own_zones_dates_across_the_dst_change() {
    let oslo = chrono_tz::Europe::Oslo;
    // 00:30 on the Sunday of the spring change is still Saturday in UTC: the calendar shows it on Sunday.
    let early = window("1:2027-03-28", oslo, (2027, 3, 28, 0, 30), 1);
    assert_eq!(early.start.date_naive(), date(2027, 3, 27));
    assert!(days::falls_on(&early, date(2027, 3, 28)));
    assert!(!days::falls_on(&early, date(2027, 3, 27)));
    // Saturday 22:00 for five hours crosses the change: it ends at 04:00 (not 03:00) on Sunday's wall clock,
    // and shows on both days.
    let across = window("2:2027-03-27", oslo, (2027, 3, 27, 22, 0), 5);
    assert_eq!(days::local_days(&across), (date(2027, 3, 27), date(2027, 3, 28)));
    assert_eq!(across.end.with_timezone(&oslo).format("%H:%M").to_string(), "04:00");
    // A window ending at midnight does not run into the next day.
    let evening = window("3:2027-03-26", oslo, (2027, 3, 26, 20, 0), 4);
    assert_eq!(days::local_days(&evening), (date(2027, 3, 26), date(2027, 3, 26)));
    // A zone this build does not know is read as UTC rather than losing the window.
    let mut unknown = evening.clone();
    unknown.zone = "Mars/Olympus".into();
    assert_eq!(days::local_days(&unknown), (date(2027, 3, 26), date(2027, 3, 26)));
}

#[test]
fn the_agenda_lists_from_the_cursor_and_keeps_its_selected_window_through_reloads() {
    let oslo = chrono_tz::Europe::Oslo;
    let mut calendar =
        CalendarScreen { today: Some(date(2026, 11, 24)), view: CalendarView::Agenda, ..Default::default() };
    let windows = vec![
        window("a", oslo, (2026, 11, 20, 18, 0), 2),
        window("b", oslo, (2026, 12, 3, 22, 0), 4),
        window("c", oslo, (2026, 12, 15, 18, 0), 4),
    ];
    let dates = days::to_load(date(2026, 11, 24));
    calendar.replace(dates, windows.clone());
    assert_eq!(calendar.agenda().iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), ["b", "c"]);
    calendar.selected = 1;
    // A reload with a window more before it keeps "c" selected.
    let mut more = windows.clone();
    more.insert(1, window("b0", oslo, (2026, 11, 30, 8, 0), 1));
    calendar.replace(dates, more);
    assert_eq!((calendar.selected, calendar.selected().map(|w| w.id.as_str())), (2, Some("c")));
    // A jump to a date starts the list there: "b" ran into the 4th.
    calendar.set_cursor(Some(date(2026, 12, 4)));
    assert_eq!(calendar.selected().map(|w| w.id.as_str()), Some("b"));
    assert_eq!(calendar.on_day(date(2026, 12, 4)).map(|w| w.id.as_str()).collect::<Vec<_>>(), ["b"]);
}

#[test]
fn the_view_asks_once_for_dates_it_would_show_and_does_not_have() {
    let mut calendar = CalendarScreen::default();
    assert_eq!(calendar.wanted_load(), None, "no date known yet: nothing to ask for");
    calendar.today = Some(date(2026, 11, 24));
    let first = DbCommand::LoadMaintenance { from: date(2026, 10, 1), to: date(2027, 4, 1) };
    assert_eq!(calendar.wanted_load(), Some(first.clone()));
    assert_eq!(calendar.wanted_load(), None, "asked for already");
    calendar.cursor = Some(date(2027, 3, 10));
    calendar.view = CalendarView::Week;
    assert_eq!(calendar.wanted_load(), None, "March's second week is within what was asked for");
    calendar.view = CalendarView::Month;
    let march = DbCommand::LoadMaintenance { from: date(2027, 2, 1), to: date(2027, 8, 1) };
    assert_eq!(calendar.wanted_load(), Some(march.clone()), "March's grid runs into April");
    assert_eq!(calendar.reload(), Some(march));
}

#[test]
fn a_meeting_sits_on_the_viewers_date_and_the_overlay_hides_it_from_every_view() {
    use super::meetings::CalendarMeeting;
    // Wednesday 00:30 in Oslo is still Tuesday in UTC.
    let start = chrono_tz::Europe::Oslo.with_ymd_and_hms(2026, 12, 16, 0, 30, 0).unwrap().with_timezone(&Utc);
    let late = CalendarMeeting {
        series: "ROR-SAMARBEID".into(),
        title: "Samarbeidsmøte".into(),
        chair: "karin".into(),
        zone: "Europe/Oslo".into(),
        start,
        end: start + Duration::hours(2),
    };
    let mut in_oslo = CalendarScreen { today: Some(date(2026, 12, 16)), ..Default::default() };
    in_oslo.replace_meetings(vec![late.clone()], chrono_tz::Europe::Oslo);
    assert_eq!(in_oslo.meetings_on(date(2026, 12, 16)), [&late]);
    assert!(in_oslo.meetings_on(date(2026, 12, 15)).is_empty());
    let mut in_utc = CalendarScreen { today: Some(date(2026, 12, 16)), ..Default::default() };
    in_utc.replace_meetings(vec![late.clone()], chrono_tz::UTC);
    assert_eq!(in_utc.meetings_on(date(2026, 12, 15)), [&late]);
    // The agenda from the 16th lists it on Oslo's clock only.
    assert_eq!(in_oslo.agenda_rows().len(), 1);
    assert!(in_utc.agenda_rows().is_empty());
    in_oslo.toggle_meetings();
    assert!(in_oslo.meetings_on(date(2026, 12, 16)).is_empty() && in_oslo.agenda_rows().is_empty());
    assert_eq!(in_oslo.overlay_line("on", "off"), "H holidays on R rota on F freezes on P plan on M meetings off");
}
