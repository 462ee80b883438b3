//! Wall-clock text people type ("2026-11-30 12:00" in their zone) to an instant: the one parser the forms, the
//! cockpit and the command line share, with the one message for a time that a daylight-saving gap skips.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::holidays::{FIRST_YEAR, LAST_YEAR};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WallClockError {
    #[error("'{0}' is not a time like 2026-11-30 12:00")]
    NotATime(String),
    #[error("'{0}' is not a time like 2026-11-24T09:00:00+01:00, 2026-11-24 09:00 or 2026-11-24")]
    NotAnInstant(String),
    #[error("{text} does not exist in {zone} (a daylight-saving gap)")]
    DaylightSavingGap { text: String, zone: String },
    #[error("'{0}' is outside the years {FIRST_YEAR}–{LAST_YEAR} vakt works with")]
    OutOfRange(String),
}

/// `YYYY-MM-DD HH:MM` in `zone`; an hour repeated when the clocks go back means its first occurrence.
pub fn parse_minute(text: &str, zone: Tz) -> Result<DateTime<Utc>, WallClockError> {
    let text = text.trim();
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .map_err(|_| WallClockError::NotATime(text.to_string()))?;
    let at = at_local(local, zone)
        .ok_or_else(|| WallClockError::DaylightSavingGap { text: text.to_string(), zone: zone.name().to_string() })?;
    within_years(at, text)
}

/// What the command line reads: an RFC 3339 instant, or `YYYY-MM-DD HH:MM` or `YYYY-MM-DD` (midnight) in `zone`.
pub fn parse_instant(text: &str, zone: Tz) -> Result<DateTime<Utc>, WallClockError> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return within_years(t.with_timezone(&Utc), text);
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_time(NaiveTime::MIN)))
        .map_err(|_| WallClockError::NotAnInstant(text.to_string()))?;
    let at = at_local(local, zone)
        .ok_or_else(|| WallClockError::DaylightSavingGap { text: text.to_string(), zone: zone.name().to_string() })?;
    within_years(at, text)
}

/// Only the years the calendars know (found by fuzzing): elsewhere an instant is a slip of the keyboard, and one
/// from year 10000 or before the zones kept standard time (their offsets had seconds) is printed as a time that
/// does not read back as the same instant.
fn within_years(at: DateTime<Utc>, text: &str) -> Result<DateTime<Utc>, WallClockError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&at.year()) {
        Ok(at)
    } else {
        Err(WallClockError::OutOfRange(text.to_string()))
    }
}

/// A local date and time in `zone`, or None inside a daylight-saving gap.
pub fn at_local(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_text_in_a_zone_with_its_gap_and_its_repeated_hour() {
        let oslo = chrono_tz::Europe::Oslo;
        assert_eq!(parse_minute(" 2026-11-30 12:00 ", oslo).unwrap().to_rfc3339(), "2026-11-30T11:00:00+00:00");
        assert_eq!(
            parse_minute("2026-03-29 02:30", oslo).unwrap_err().to_string(),
            "2026-03-29 02:30 does not exist in Europe/Oslo (a daylight-saving gap)"
        );
        assert_eq!(parse_minute("2026-10-25 02:30", oslo).unwrap().to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert!(matches!(parse_minute("i morgen", oslo), Err(WallClockError::NotATime(_))));
    }

    #[test]
    fn instants_as_the_command_line_reads_them() {
        let oslo = chrono_tz::Europe::Oslo;
        let read = |text: &str| parse_instant(text, oslo).map(|t| t.to_rfc3339());
        assert_eq!(read("2026-11-24T09:00:00+01:00"), Ok("2026-11-24T08:00:00+00:00".into()));
        assert_eq!(read(" 2026-11-24 09:00 "), Ok("2026-11-24T08:00:00+00:00".into()));
        assert_eq!(read("2026-11-24"), Ok("2026-11-23T23:00:00+00:00".into()));
        assert!(matches!(parse_instant("2026-03-29 02:30", oslo), Err(WallClockError::DaylightSavingGap { .. })));
        assert!(matches!(parse_instant("i morgen", oslo), Err(WallClockError::NotAnInstant(_))));
    }

    #[test]
    fn instants_outside_the_calendars_years_are_refused() {
        // Found by the `instant` fuzz target: each was printed as a time that did not read back.
        let oslo = chrono_tz::Europe::Oslo;
        for text in ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+23:59", "+12345-01-01 00:00", "1899-12-31"] {
            assert_eq!(parse_instant(text, oslo), Err(WallClockError::OutOfRange(text.to_string())), "{text}");
        }
        assert_eq!(
            parse_minute("+12345-01-01 00:00", oslo).unwrap_err().to_string(),
            "'+12345-01-01 00:00' is outside the years 1900–2200 vakt works with"
        );
        assert!(parse_instant("1900-01-01T00:00:00Z", oslo).is_ok());
        assert!(parse_minute("2200-12-31 23:59", oslo).is_ok());
    }
}
