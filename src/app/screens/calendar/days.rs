//! Calendar arithmetic on plain dates: months, Monday-first weeks, the days a window covers on its own zone's wall
//! clock, and which dates the calendar needs loaded around its cursor.

use chrono::{Datelike, Days, Months, NaiveDate};
use chrono_tz::Tz;

use super::CalendarView;
use crate::app::model::MaintenanceWindow;

/// Dates from `from` up to, not including, `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dates {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Dates {
    /// Whether these loaded dates hold every window of the `wanted` ones. The database reads dates as UTC
    /// midnights while windows sit on their own zone's dates, up to a day away, so a day at each end is not
    /// trusted.
    pub fn serves(&self, wanted: Dates) -> bool {
        shift(self.from, 1) <= wanted.from && shift(wanted.to, 1) <= self.to
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day < self.to
    }
}

/// `day` moved by `days` (negative: back); the same day at the ends of the calendar.
pub fn shift(day: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        day.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(day)
}

/// `day` moved by whole months, kept inside the month it lands in (31 January + 1 month = 28 February).
pub fn shift_months(day: NaiveDate, months: i32) -> NaiveDate {
    let moved = if months >= 0 {
        day.checked_add_months(Months::new(months.unsigned_abs()))
    } else {
        day.checked_sub_months(Months::new(months.unsigned_abs()))
    };
    moved.unwrap_or(day)
}

pub fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

pub fn last_of_month(day: NaiveDate) -> NaiveDate {
    shift(shift_months(first_of_month(day), 1), -1)
}

/// The Monday of `day`'s week.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    shift(day, -i64::from(day.weekday().num_days_from_monday()))
}

/// The whole weeks, Monday to Sunday, that show `day`'s month.
pub fn month_grid(day: NaiveDate) -> Dates {
    Dates { from: monday_of(first_of_month(day)), to: shift(monday_of(last_of_month(day)), 7) }
}

/// The dates a view shows (the agenda: the three months from the cursor).
pub fn shown(view: CalendarView, cursor: NaiveDate) -> Dates {
    match view {
        CalendarView::Month => month_grid(cursor),
        CalendarView::Week => Dates { from: monday_of(cursor), to: shift(monday_of(cursor), 7) },
        CalendarView::Agenda => Dates { from: cursor, to: shift(cursor, 92) },
    }
}

/// What to load when the cursor needs more: a month back and four ahead, so that paging month by month asks the
/// database only now and then, and the agenda lists about four months as it always did.
pub fn to_load(cursor: NaiveDate) -> Dates {
    let first = first_of_month(cursor);
    Dates { from: shift_months(first, -1), to: shift_months(first, 5) }
}

/// The window's zone; a zone this build does not know is read as UTC rather than hiding the window.
pub fn zone_of(window: &MaintenanceWindow) -> Tz {
    window.zone.parse().unwrap_or(chrono_tz::UTC)
}

/// The first and last date a window touches on its zone's wall clock: its start date, and the date of its last
/// minute (a window ending at midnight does not run into the next day).
pub fn local_days(window: &MaintenanceWindow) -> (NaiveDate, NaiveDate) {
    let zone = zone_of(window);
    let first = window.start.with_timezone(&zone).date_naive();
    let last_moment = (window.end - chrono::Duration::seconds(1)).max(window.start);
    (first, last_moment.with_timezone(&zone).date_naive().max(first))
}

/// Whether a window is shown on `day`: its start date and every later date it runs into.
pub fn falls_on(window: &MaintenanceWindow, day: NaiveDate) -> bool {
    let (first, last) = local_days(window);
    first <= day && day <= last
}
