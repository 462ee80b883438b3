//! Wall-clock text people type ("2026-11-30 12:00" in their zone) to an instant: the one parser the forms, the
//! cockpit and the command line share, with the one message for a time that a daylight-saving gap skips.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WallClockError {
    #[error("'{0}' is not a time like 2026-11-30 12:00")]
    NotATime(String),
    #[error("{text} does not exist in {zone} (a daylight-saving gap)")]
    DaylightSavingGap { text: String, zone: String },
}

/// `YYYY-MM-DD HH:MM` in `zone`; an hour repeated when the clocks go back means its first occurrence.
pub fn parse_minute(text: &str, zone: Tz) -> Result<DateTime<Utc>, WallClockError> {
    let text = text.trim();
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .map_err(|_| WallClockError::NotATime(text.to_string()))?;
    at_local(local, zone)
        .ok_or_else(|| WallClockError::DaylightSavingGap { text: text.to_string(), zone: zone.name().to_string() })
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
}
