//! When a series meets: a first start in a named zone, a length and an RFC 5545 rule, expanded with the maintenance
//! calendar's recurrence code, so "every Tuesday 10:00 Oslo time" stays 10:00 across daylight-saving changes.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::domain::maintenance::series::{Series, SeriesError};
use crate::domain::maintenance::{Impact, WindowKind};

/// How far ahead the next meeting is looked for: a series that meets less than once a year is not a series.
const LOOK_AHEAD: Duration = Duration::days(400);

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub zone: Tz,
    /// The first meeting's start, in `zone`'s wall-clock time.
    pub start: NaiveDateTime,
    pub length: Duration,
    /// `FREQ=WEEKLY;BYDAY=TU`, or none for a single meeting.
    pub rule: Option<String>,
}

/// A meeting of the series: its start, and the start of the one after it (corrections after that are late).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub next_starts_at: Option<DateTime<Utc>>,
}

impl Schedule {
    /// The meetings as a series of windows: the recurrence is the calendar's, services and impact do not matter.
    fn as_series(&self) -> Series {
        Series {
            services: Vec::new(),
            kind: WindowKind::Change,
            impact: Impact::None,
            zone: self.zone,
            start: self.start,
            length: self.length,
            rule: self.rule.clone(),
            cancelled: Vec::new(),
            moved: Vec::new(),
        }
    }

    /// Checks the start exists once in the zone, the length and the rule (at most daily).
    pub fn validate(&self) -> Result<(), SeriesError> {
        self.as_series().validate()
    }

    /// Meeting starts in `[from, to)`.
    pub fn starts(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>, SeriesError> {
        Ok(self.as_series().occurrences(from, to)?.into_iter().map(|o| o.start).filter(|s| *s >= from).collect())
    }

    /// The meeting at `at`: the one running then, or else the next one; `None` when the series has ended.
    pub fn slot_at(&self, at: DateTime<Utc>) -> Result<Option<Slot>, SeriesError> {
        let found = self.as_series().occurrences(at, at + LOOK_AHEAD)?;
        let mut starts = found.iter().map(|o| o.start);
        Ok(starts.next().map(|starts_at| Slot { starts_at, next_starts_at: starts.next() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn weekly() -> Schedule {
        Schedule {
            zone: chrono_tz::Europe::Oslo,
            start: NaiveDate::from_ymd_opt(2026, 10, 6).and_then(|d| d.and_hms_opt(10, 0, 0)).unwrap(),
            length: Duration::hours(1),
            rule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
        }
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn the_meeting_running_or_next_and_the_one_after_keep_local_time_across_dst() {
        // Tuesday 20 October 2026, 10:30 Oslo (summer time, UTC+2): the meeting is running.
        let slot = weekly().slot_at(utc(2026, 10, 20, 8, 30)).unwrap().unwrap();
        assert_eq!(slot.starts_at, utc(2026, 10, 20, 8, 0));
        assert_eq!(
            slot.next_starts_at,
            Some(utc(2026, 10, 27, 9, 0)),
            "winter time from 25 October: 10:00 is 09:00 UTC"
        );
        // After it ended, the next week's.
        let slot = weekly().slot_at(utc(2026, 10, 20, 9, 1)).unwrap().unwrap();
        assert_eq!(slot.starts_at, utc(2026, 10, 27, 9, 0));
    }

    #[test]
    fn starts_in_a_period_and_a_single_meeting_that_has_passed() {
        let starts = weekly().starts(utc(2026, 11, 1, 0, 0), utc(2026, 11, 30, 0, 0)).unwrap();
        assert_eq!(starts.len(), 4, "{starts:?}");
        let once = Schedule { rule: None, ..weekly() };
        assert_eq!(once.slot_at(utc(2027, 1, 1, 0, 0)).unwrap(), None);
        assert!(Schedule { rule: Some("FREQ=HOURLY".into()), ..weekly() }.validate().is_err());
    }
}
