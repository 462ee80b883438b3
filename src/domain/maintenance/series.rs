//! A series of windows: a start in a named zone, a length, and optionally an RFC 5545 recurrence rule. Its
//! occurrences are computed here, in wall-clock time of its zone, so "the third Tuesday 18:00–22:00" stays
//! 18:00–22:00 on both sides of a daylight-saving change.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rrule::{RRule, Unvalidated};

use super::{Impact, WindowKind};

/// More occurrences in ten years than a service window could sensibly have (one a day is 3,650).
pub const MAX_OCCURRENCES_IN_TEN_YEARS: u16 = 4_000;
/// No window is longer than this; a longer freeze is entered as several.
pub const MAX_LENGTH: Duration = Duration::days(92);
/// How far one window of a series may be moved from its date; further is a cancellation and a window of its own.
pub const MAX_MOVE: Duration = Duration::days(31);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeriesError {
    #[error("a window must last a while: give an end after its start (or a duration)")]
    NotPositive,
    #[error("a window of more than 92 days is not a window; enter a long freeze as several")]
    TooLong,
    #[error("{local} does not exist in {zone}: the clocks skip that hour (a daylight-saving gap)")]
    InGap { local: String, zone: String },
    #[error(
        "{local} happens twice in {zone} (the clocks go back): give the time after the change, or a time outside \
         the repeated hour"
    )]
    Ambiguous { local: String, zone: String },
    #[error("a window is moved at most 31 days from its date; cancel it and plan a window of its own instead")]
    MovedTooFar,
    #[error("'{rule}' is not a recurrence rule vakt can use: {reason}")]
    BadRule { rule: String, reason: String },
    #[error(
        "'{rule}' makes more than {MAX_OCCURRENCES_IN_TEN_YEARS} windows in ten years; windows recur at most daily"
    )]
    TooMany { rule: String },
}

/// A window, or a recurring series of windows.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub services: Vec<String>,
    pub kind: WindowKind,
    pub impact: Impact,
    pub zone: Tz,
    /// The first start, in `zone`'s wall-clock time.
    pub start: NaiveDateTime,
    pub length: Duration,
    /// An RFC 5545 RRULE (`FREQ=MONTHLY;BYDAY=3TU`), or none for a single window.
    pub rule: Option<String>,
    /// Starts (local dates) of occurrences that are cancelled (EXDATE).
    pub cancelled: Vec<NaiveDate>,
    /// Occurrences moved on their own (iCalendar's RECURRENCE-ID), by the local date they had.
    pub moved: Vec<Moved>,
}

/// One window of a series at another time: it keeps the name (local date) it had in the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub date: NaiveDate,
    /// Its new start, in the series' zone.
    pub start: NaiveDateTime,
    pub length: Duration,
}

/// One window: its instants and its wall-clock start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The local start date, which names the occurrence (iCalendar's RECURRENCE-ID).
    pub local_date: NaiveDate,
}

impl Series {
    /// Checks a new series: a positive length of at most 92 days, a start that exists exactly once in its zone,
    /// and a rule that parses and recurs at most daily.
    pub fn validate(&self) -> Result<(), SeriesError> {
        if self.length <= Duration::zero() {
            return Err(SeriesError::NotPositive);
        }
        if self.length > MAX_LENGTH {
            return Err(SeriesError::TooLong);
        }
        let local = self.start.format("%Y-%m-%d %H:%M").to_string();
        let zone = self.zone.name().to_string();
        match self.zone.from_local_datetime(&self.start) {
            chrono::LocalResult::Single(_) => {}
            chrono::LocalResult::None => return Err(SeriesError::InGap { local, zone }),
            chrono::LocalResult::Ambiguous(..) => return Err(SeriesError::Ambiguous { local, zone }),
        }
        if let Some(rule) = &self.rule {
            let first = self.first_start()?;
            let ten_years = first + Duration::days(3653);
            let result =
                self.rule_set(rule)?.before(in_rule_zone(ten_years, self.zone)).all(MAX_OCCURRENCES_IN_TEN_YEARS);
            if result.limited {
                return Err(SeriesError::TooMany { rule: rule.clone() });
            }
        }
        Ok(())
    }

    fn first_start(&self) -> Result<DateTime<Utc>, SeriesError> {
        crate::domain::calendar::wall_clock::at_local(self.start, self.zone).ok_or_else(|| SeriesError::InGap {
            local: self.start.format("%Y-%m-%d %H:%M").to_string(),
            zone: self.zone.name().to_string(),
        })
    }

    fn rule_set(&self, rule: &str) -> Result<rrule::RRuleSet, SeriesError> {
        let bad = |reason: String| SeriesError::BadRule { rule: rule.to_string(), reason };
        // The rrule crate (0.14.0) slices weekday names by byte and panics on a letter such as 'å' in BYDAY (found
        // by fuzzing); a rule is ASCII by RFC 5545, so anything else is refused before it gets there.
        if !rule.is_ascii() {
            return Err(bad("a rule is written in ASCII letters, digits and ; = , + - : only".into()));
        }
        let parsed: RRule<Unvalidated> = rule.trim().parse().map_err(|e: rrule::RRuleError| bad(e.to_string()))?;
        let zone: rrule::Tz = self.zone.into();
        let dt_start = zone.from_local_datetime(&self.start).earliest().ok_or_else(|| bad("no such start".into()))?;
        parsed.build(dt_start).map_err(|e| bad(e.to_string()))
    }

    /// Checks moving the window of `date` to `start` for `length`: the same limits as a window, a start that
    /// exists once in the zone, and at most [`MAX_MOVE`] from its date.
    pub fn validate_move(&self, moved: &Moved) -> Result<(), SeriesError> {
        let one = Series { rule: None, start: moved.start, length: moved.length, moved: Vec::new(), ..self.clone() };
        one.validate()?;
        if (moved.start.date() - moved.date).abs() > MAX_MOVE {
            return Err(SeriesError::MovedTooFar);
        }
        Ok(())
    }

    /// The occurrences that overlap `[from, to)`, moved ones where they were moved to, cancelled ones left out,
    /// in order.
    pub fn occurrences(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Occurrence>, SeriesError> {
        // A window moved into the period may come from a date outside it.
        let reach = if self.moved.is_empty() { Duration::zero() } else { MAX_MOVE + Duration::days(2) };
        let (wide_from, wide_to) = (from - reach, to + reach);
        let starts: Vec<DateTime<Utc>> = match &self.rule {
            None => vec![self.first_start()?],
            Some(rule) => {
                // An occurrence that started before `from` may still be open then.
                let after = in_rule_zone(wide_from - self.length - Duration::seconds(1), self.zone);
                let set = self.rule_set(rule)?.after(after).before(in_rule_zone(wide_to, self.zone));
                let result = set.all(MAX_OCCURRENCES_IN_TEN_YEARS);
                result.dates.into_iter().map(|d| d.with_timezone(&Utc)).collect()
            }
        };
        let mut occurrences: Vec<Occurrence> = starts
            .into_iter()
            .map(|start| {
                let local_date = start.with_timezone(&self.zone).date_naive();
                let moved = self.moved.iter().find(|m| m.date == local_date).and_then(|m| {
                    let start = crate::domain::calendar::wall_clock::at_local(m.start, self.zone)?;
                    Some((start, start + m.length))
                });
                let (start, end) = moved.unwrap_or((start, start + self.length));
                Occurrence { start, end, local_date }
            })
            .filter(|o| o.end > from && o.start < to && !self.cancelled.contains(&o.local_date))
            .collect();
        occurrences.sort_by_key(|o| o.start);
        Ok(occurrences)
    }
}

fn in_rule_zone(at: DateTime<Utc>, zone: Tz) -> DateTime<rrule::Tz> {
    at.with_timezone(&rrule::Tz::Tz(zone))
}

/// The window that follows a primary one, only used when the primary's work could not be finished
/// (Tranemo/Ulricehamn: the following Tuesday 18:00–21:00). Its occurrences follow the primary's, so moving or
/// cancelling a primary carries through.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub days_after: i64,
    pub start_time: chrono::NaiveTime,
    pub length: Duration,
}

impl Linked {
    pub fn follow(&self, primary: &[Occurrence], zone: Tz) -> Vec<Occurrence> {
        primary
            .iter()
            .filter_map(|p| {
                // From where the primary is, so that moving one primary window carries its secondary along.
                let date = p.start.with_timezone(&zone).date_naive() + Duration::days(self.days_after);
                let start = crate::domain::calendar::wall_clock::at_local(date.and_time(self.start_time), zone)?;
                Some(Occurrence { start, end: start + self.length, local_date: date })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
