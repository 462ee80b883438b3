//! Business-time arithmetic on a [`BusinessCalendar`]: measuring, adding (deadlines), the next
//! opening, open or closed at an instant. All of it walks day by day over each day's intervals
//! in UTC nanoseconds; see the parent module for the DST mapping.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{BusinessCalendar, CalendarError, FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY, MAX_CLOSED_DAYS};
use crate::domain::calendar::time::MinuteOfDay;
use crate::domain::calendar::zone::{DAY_NS, MINUTE_NS};

impl BusinessCalendar {
    fn boundary(&self, day: i32, at: MinuteOfDay, hint: &mut usize) -> i64 {
        let local = i64::from(day) * DAY_NS + i64::from(at.minutes()) * MINUTE_NS;
        self.table.local_to_utc(local, hint)
    }

    fn day_start(&self, day: i32, hint: &mut usize) -> i64 {
        self.table.local_to_utc(i64::from(day) * DAY_NS, hint)
    }

    /// The local day whose `[start of day, start of next day)` holds instant `u`.
    fn day_of(&self, u: i64, hint: &mut usize) -> i32 {
        let local = self.table.utc_to_local(u);
        let day = i32::try_from(local.div_euclid(DAY_NS)).unwrap_or(LAST_SUPPORTED_DAY);
        if u < self.day_start(day, hint) {
            day - 1
        } else if u >= self.day_start(day + 1, hint) {
            day + 1
        } else {
            day
        }
    }

    /// The local date of an instant in this calendar's zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// Business time between two instants; zero if `to <= from`. Instants are clamped to 1700–2249.
    pub fn business_duration(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let (a, b) = (clamp_ns(from), clamp_ns(to));
        if b <= a {
            return Duration::zero();
        }
        if self.always_open {
            return Duration::nanoseconds(b - a);
        }
        let mut hint = 0;
        let (first, last) = (self.day_of(a, &mut hint), self.day_of(b, &mut hint));
        let mut total = 0i64;
        for day in first..=last {
            for r in self.intervals(day) {
                let start = self.boundary(day, r.start(), &mut hint).max(a);
                let end = self.boundary(day, r.end(), &mut hint).min(b);
                if end > start {
                    total += end - start;
                }
            }
        }
        Duration::nanoseconds(total)
    }

    /// The instant at which `duration` of business time, counted from `from`, is used up: the
    /// deadline. Used up exactly at a closing time gives that closing time; a zero duration gives
    /// `from` when open and the next opening otherwise.
    pub fn add_business(&self, from: DateTime<Utc>, duration: Duration) -> Result<DateTime<Utc>, CalendarError> {
        let a = to_ns(from)?;
        if duration <= Duration::zero() {
            return self.next_opening(from).ok_or_else(|| self.no_opening(from));
        }
        let mut remaining = duration
            .num_nanoseconds()
            .ok_or_else(|| CalendarError::OutOfRange { instant: format!("{from} + {duration}") })?;
        if self.always_open {
            return checked_instant(a.checked_add(remaining));
        }
        let mut hint = 0;
        let mut day = self.day_of(a, &mut hint);
        let mut closed_run = 0;
        while day <= LAST_SUPPORTED_DAY {
            let mut open_today = false;
            for r in self.intervals(day) {
                let end = self.boundary(day, r.end(), &mut hint);
                if end <= a {
                    continue;
                }
                let start = self.boundary(day, r.start(), &mut hint).max(a);
                if end <= start {
                    continue;
                }
                open_today = true;
                let available = end - start;
                if remaining <= available {
                    return Ok(from_ns(start + remaining));
                }
                remaining -= available;
            }
            closed_run = if open_today { 0 } else { closed_run + 1 };
            if closed_run > MAX_CLOSED_DAYS {
                return Err(self.no_opening(from));
            }
            day += 1;
        }
        Err(CalendarError::OutOfRange { instant: format!("{from} + {duration}") })
    }

    fn no_opening(&self, after: DateTime<Utc>) -> CalendarError {
        CalendarError::NoOpening { calendar: self.spec.code.clone(), days: MAX_CLOSED_DAYS, after }
    }

    /// The first open instant at or after `at` (`at` itself when open); None if the calendar has
    /// no opening within two years.
    pub fn next_opening(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let a = to_ns(at).ok()?;
        if self.always_open {
            return Some(at);
        }
        let mut hint = 0;
        let first = self.day_of(a, &mut hint);
        for day in first..=(first + MAX_CLOSED_DAYS + 1).min(LAST_SUPPORTED_DAY) {
            for r in self.intervals(day) {
                let end = self.boundary(day, r.end(), &mut hint);
                let start = self.boundary(day, r.start(), &mut hint);
                if end > a && end > start {
                    return Some(from_ns(start.max(a)));
                }
            }
        }
        None
    }

    /// Whether the calendar is open at `at` (intervals are half-open: closed at closing time).
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let Ok(a) = to_ns(at) else { return false };
        if self.always_open {
            return true;
        }
        let mut hint = 0;
        let day = self.day_of(a, &mut hint);
        self.intervals(day)
            .iter()
            .any(|r| self.boundary(day, r.start(), &mut hint) <= a && a < self.boundary(day, r.end(), &mut hint))
    }

    /// The end of the continuous open stretch that contains `at` (None if closed at `at` or if
    /// the stretch does not end within two years).
    pub fn open_until(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let a = to_ns(at).ok()?;
        if self.always_open || !self.is_open(at) {
            return None;
        }
        let mut hint = 0;
        let first = self.day_of(a, &mut hint);
        let mut until: Option<i64> = None;
        for day in first..=(first + MAX_CLOSED_DAYS).min(LAST_SUPPORTED_DAY) {
            for r in self.intervals(day) {
                let (start, end) = (self.boundary(day, r.start(), &mut hint), self.boundary(day, r.end(), &mut hint));
                if end <= a || end <= start {
                    continue;
                }
                match until {
                    Some(u) if start > u => return Some(from_ns(u)),
                    _ => until = Some(end),
                }
            }
            if let Some(u) = until
                && u < self.day_start(day + 1, &mut hint)
            {
                return Some(from_ns(u));
            }
        }
        None
    }

    /// The same local time on the `n`th following working day (a day with opening hours), with
    /// `from` first moved to the next opening. A time that is not open that day moves to the
    /// next opening that day, or to its last closing time.
    pub fn same_time_on_nth_working_day(&self, from: DateTime<Utc>, n: u32) -> Result<DateTime<Utc>, CalendarError> {
        let start = self.next_opening(from).ok_or_else(|| self.no_opening(from))?;
        if n == 0 {
            return Ok(start);
        }
        let a = to_ns(start)?;
        let mut hint = 0;
        let mut day = self.day_of(a, &mut hint);
        let time_of_day = (a - self.day_start(day, &mut hint)).clamp(0, DAY_NS);
        let (mut found, mut closed_run) = (0, 0);
        while found < n {
            day += 1;
            if day > LAST_SUPPORTED_DAY {
                return Err(CalendarError::OutOfRange { instant: start.to_string() });
            }
            if self.intervals(day).is_empty() {
                closed_run += 1;
                if closed_run > MAX_CLOSED_DAYS {
                    return Err(self.no_opening(start));
                }
            } else {
                (found, closed_run) = (found + 1, 0);
            }
        }
        let intervals = self.intervals(day);
        let local_day = i64::from(day) * DAY_NS;
        for r in intervals {
            let end = i64::from(r.end().minutes()) * MINUTE_NS;
            if time_of_day < end {
                let at = time_of_day.max(i64::from(r.start().minutes()) * MINUTE_NS);
                return Ok(from_ns(self.table.local_to_utc(local_day + at, &mut hint)));
            }
        }
        let last = intervals.last().map_or(MinuteOfDay::END_OF_DAY, |r| r.end());
        Ok(from_ns(self.boundary(day, last, &mut hint)))
    }
}

/// The supported instants as UTC nanoseconds, `[1700-01-01, 2250-01-01)`.
fn supported_ns() -> (i64, i64) {
    (i64::from(FIRST_SUPPORTED_DAY) * DAY_NS, (i64::from(LAST_SUPPORTED_DAY) + 1) * DAY_NS)
}

fn to_ns(at: DateTime<Utc>) -> Result<i64, CalendarError> {
    let (lo, hi) = supported_ns();
    at.timestamp_nanos_opt()
        .filter(|n| (lo..hi).contains(n))
        .ok_or_else(|| CalendarError::OutOfRange { instant: at.to_string() })
}

fn clamp_ns(at: DateTime<Utc>) -> i64 {
    let (lo, hi) = supported_ns();
    match at.timestamp_nanos_opt() {
        Some(n) => n.clamp(lo, hi),
        None if at.year() < 1970 => lo,
        None => hi,
    }
}

fn from_ns(ns: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(ns)
}

fn checked_instant(ns: Option<i64>) -> Result<DateTime<Utc>, CalendarError> {
    let (lo, hi) = supported_ns();
    ns.filter(|n| (lo..hi).contains(n))
        .map(from_ns)
        .ok_or_else(|| CalendarError::OutOfRange { instant: "a result after 2249".to_string() })
}
