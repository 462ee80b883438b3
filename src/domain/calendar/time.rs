//! Minute-of-day intervals, weekday sets and small civil-date helpers.
//!
//! Opening hours are wall-clock times in a calendar's zone, at minute resolution. An interval
//! is half-open (`08:00-15:45` is open at 08:00 and closed at 15:45) and may end at `24:00`.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Minutes in a civil day.
pub const MINUTES_PER_DAY: u16 = 1440;

/// Errors from parsing times, intervals, weekday sets and month-days.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeParseError {
    /// A time of day that is not `HH:MM` between 00:00 and 24:00.
    #[error("invalid time '{0}' (expected HH:MM between 00:00 and 24:00)")]
    Time(String),
    /// An interval that is not `HH:MM-HH:MM` with start before end.
    #[error("invalid interval '{0}' (expected HH:MM-HH:MM with the start before the end)")]
    Range(String),
    /// An unknown weekday or weekday range.
    #[error("invalid weekdays '{0}' (expected e.g. mon, mon-fri, sat-sun, mon,wed)")]
    Weekdays(String),
    /// A month-day that does not exist.
    #[error("invalid month-day '{0}' (expected MM-DD, e.g. 05-15)")]
    MonthDay(String),
    /// A date that is not `YYYY-MM-DD`.
    #[error("invalid date '{0}' (expected YYYY-MM-DD)")]
    Date(String),
}

/// A wall-clock time of day in minutes after local midnight, 0..=1440 (1440 = 24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MinuteOfDay(u16);

impl MinuteOfDay {
    /// Local midnight at the start of the day.
    pub const MIDNIGHT: Self = Self(0);
    /// 24:00, the end of the day.
    pub const END_OF_DAY: Self = Self(MINUTES_PER_DAY);

    /// `hour:minute`, with 24:00 allowed as the end of the day.
    pub fn new(hour: u16, minute: u16) -> Option<Self> {
        let valid = minute < 60 && (hour < 24 || (hour == 24 && minute == 0));
        valid.then_some(Self(hour * 60 + minute))
    }

    /// Minutes after local midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl FromStr for MinuteOfDay {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || TimeParseError::Time(s.to_string());
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let hour: u16 = h.parse().map_err(|_| bad())?;
        let minute: u16 = m.parse().map_err(|_| bad())?;
        Self::new(hour, minute).ok_or_else(bad)
    }
}

impl fmt::Display for MinuteOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A half-open wall-clock interval `[start, end)` within one day; `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeRange {
    start: MinuteOfDay,
    end: MinuteOfDay,
}

impl TimeRange {
    /// The interval `[start, end)`; `None` unless `start < end`.
    pub fn new(start: MinuteOfDay, end: MinuteOfDay) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }

    /// Opening time.
    pub fn start(self) -> MinuteOfDay {
        self.start
    }

    /// Closing time (exclusive).
    pub fn end(self) -> MinuteOfDay {
        self.end
    }

    /// Length in wall-clock minutes.
    pub fn minutes(self) -> u16 {
        self.end.0 - self.start.0
    }

    /// The whole day, 00:00-24:00.
    pub fn whole_day() -> Self {
        Self { start: MinuteOfDay::MIDNIGHT, end: MinuteOfDay::END_OF_DAY }
    }
}

impl FromStr for TimeRange {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || TimeParseError::Range(s.to_string());
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let start: MinuteOfDay = a.parse().map_err(|_| bad())?;
        let end: MinuteOfDay = b.parse().map_err(|_| bad())?;
        Self::new(start, end).ok_or_else(bad)
    }
}

impl TryFrom<String> for TimeRange {
    type Error = TimeParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<TimeRange> for String {
    fn from(r: TimeRange) -> Self {
        r.to_string()
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// Sorts intervals and merges those that overlap or touch, so a day is a minimal ordered list.
pub fn normalize(ranges: &mut Vec<TimeRange>) {
    ranges.sort();
    let mut merged: Vec<TimeRange> = Vec::with_capacity(ranges.len());
    for r in ranges.drain(..) {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    *ranges = merged;
}

const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A set of weekdays written like `mon-fri`, `sat-sun`, `mon,wed,fri` or `mon-sun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// Every day of the week.
    pub const ALL: Self = Self(0x7f);
    /// No day.
    pub const EMPTY: Self = Self(0);

    /// Days in either set.
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether the set holds `day`.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// Days in the set, Monday first.
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        (0..7u8).filter(move |i| self.0 & (1 << i) != 0).filter_map(|i| Weekday::try_from(i).ok())
    }

    /// Whether the two sets share a day.
    pub fn overlaps(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    fn index(name: &str) -> Option<u8> {
        let lower = name.trim().to_ascii_lowercase();
        let short = lower.get(..3)?;
        WEEKDAY_NAMES.iter().position(|n| *n == short).and_then(|i| u8::try_from(i).ok())
    }
}

impl FromStr for WeekdaySet {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || TimeParseError::Weekdays(s.to_string());
        let mut bits = 0u8;
        for part in s.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (Self::index(a).ok_or_else(bad)?, Self::index(b).ok_or_else(bad)?);
                    if a > b {
                        return Err(bad());
                    }
                    (a..=b).for_each(|i| bits |= 1 << i);
                }
                None => bits |= 1 << Self::index(part).ok_or_else(bad)?,
            }
        }
        Ok(Self(bits))
    }
}

impl TryFrom<String> for WeekdaySet {
    type Error = TimeParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<WeekdaySet> for String {
    fn from(w: WeekdaySet) -> Self {
        w.to_string()
    }
}

impl fmt::Display for WeekdaySet {
    /// Canonical form: consecutive days as ranges (`mon-fri`), others comma-separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let mut i = 0usize;
        while i < 7 {
            if self.0 & (1 << i) == 0 {
                i += 1;
                continue;
            }
            let start = i;
            while i + 1 < 7 && self.0 & (1 << (i + 1)) != 0 {
                i += 1;
            }
            parts.push(if start == i {
                WEEKDAY_NAMES[i].to_string()
            } else {
                format!("{}-{}", WEEKDAY_NAMES[start], WEEKDAY_NAMES[i])
            });
            i += 1;
        }
        f.write_str(&parts.join(","))
    }
}

/// A day of the year written `MM-DD` (29 February allowed), used for seasons and yearly dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    month: u8,
    day: u8,
}

impl MonthDay {
    /// `month`-`day`, if that day exists in a leap year.
    pub fn new(month: u8, day: u8) -> Option<Self> {
        let valid = NaiveDate::from_ymd_opt(2000, u32::from(month), u32::from(day)).is_some();
        valid.then_some(Self { month, day })
    }

    /// Month 1..=12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of month 1..=31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// A compact sortable key, month * 32 + day.
    pub(crate) fn key(self) -> u16 {
        u16::from(self.month) * 32 + u16::from(self.day)
    }
}

impl FromStr for MonthDay {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || TimeParseError::MonthDay(s.to_string());
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        Self::new(m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = TimeParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<MonthDay> for String {
    fn from(m: MonthDay) -> Self {
        m.to_string()
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub(crate) const fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number since 1970-01-01 (inverse of [`days_from_civil`]).
pub(crate) const fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Monday = 0 … Sunday = 6 for a day number since 1970-01-01 (a Thursday).
pub(crate) const fn weekday_index(days: i32) -> usize {
    (days + 3).rem_euclid(7) as usize
}

/// Day number since 1970-01-01 of a `NaiveDate`.
pub(crate) fn epoch_day(date: NaiveDate) -> i32 {
    use chrono::Datelike;
    date.num_days_from_ce() - 719_163
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, TimeParseError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| TimeParseError::Date(s.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_times_and_ranges() {
        let r: TimeRange = "08:00-15:45".parse().unwrap();
        assert_eq!((r.start().minutes(), r.end().minutes()), (480, 945));
        assert_eq!(r.to_string(), "08:00-15:45");
        assert_eq!("00:00-24:00".parse::<TimeRange>().unwrap(), TimeRange::whole_day());
        for bad in ["8-9", "15:45-08:00", "10:00-10:00", "24:01-24:00", "07:60-08:00", "xx"] {
            assert!(bad.parse::<TimeRange>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn normalize_merges_overlapping_and_touching_ranges() {
        let mut v: Vec<TimeRange> =
            ["12:00-13:00", "08:00-10:00", "09:30-11:00", "11:00-11:30"].iter().map(|s| s.parse().unwrap()).collect();
        normalize(&mut v);
        let printed: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(printed, ["08:00-11:30", "12:00-13:00"]);
    }

    #[test]
    fn weekday_sets_parse_and_print_canonically() {
        let w: WeekdaySet = "Mon-Fri".parse().unwrap();
        assert!(w.contains(Weekday::Mon) && w.contains(Weekday::Fri) && !w.contains(Weekday::Sat));
        assert_eq!(w.to_string(), "mon-fri");
        assert_eq!("fri,mon-thu".parse::<WeekdaySet>().unwrap().to_string(), "mon-fri");
        assert_eq!("mon,wed".parse::<WeekdaySet>().unwrap().to_string(), "mon,wed");
        assert!("fri-mon".parse::<WeekdaySet>().is_err());
        assert!("funday".parse::<WeekdaySet>().is_err());
    }

    #[test]
    fn civil_day_numbers_agree_with_chrono() {
        for days in (-30_000..110_000).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(epoch_day(date), days);
            assert_eq!(days_from_civil(y, m, d), days);
            use chrono::Datelike;
            assert_eq!(weekday_index(days), date.weekday().num_days_from_monday() as usize);
        }
    }

    #[test]
    fn month_day_rejects_impossible_days() {
        assert!("02-29".parse::<MonthDay>().is_ok());
        assert!("02-30".parse::<MonthDay>().is_err());
        assert_eq!("5-15".parse::<MonthDay>().unwrap().to_string(), "05-15");
    }
}
