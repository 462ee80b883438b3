//! Instants on the command line: read and shown in the viewer's zone (`VAKT_TZ`, then `TZ`, then the system's).

use chrono::{DateTime, Utc};

use super::CliError;

pub(super) fn zone() -> chrono_tz::Tz {
    crate::config::viewer_zone()
}

/// An instant for people: in the viewer's zone, to the second, with its offset (RFC 3339). What `instant` reads.
pub(super) fn local(at: DateTime<Utc>) -> String {
    local_in(at, zone())
}

/// `local` in a given zone, for renderers that take the zone as an argument.
pub(super) fn local_in(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    at.with_timezone(&zone).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// An RFC 3339 instant, or "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" (midnight) in the viewer's zone (`VAKT_TZ`, then
/// `TZ`, then the system's).
pub(super) fn instant(flag: &str, text: &str) -> Result<DateTime<Utc>, CliError> {
    use crate::domain::calendar::wall_clock::{WallClockError, parse_instant};
    parse_instant(text, zone()).map_err(|e| match e {
        WallClockError::NotATime(_) | WallClockError::NotAnInstant(_) => CliError::bad_input(format!(
            "{flag} '{text}' is not a time: write 2026-11-24T09:00:00+01:00, '2026-11-24 09:00' (your zone) or 2026-11-24"
        )),
        WallClockError::DaylightSavingGap { .. } => {
            CliError::bad_input(format!("{flag} '{text}' does not exist (a daylight-saving gap)"))
        }
        out_of_range @ WallClockError::OutOfRange(_) => CliError::bad_input(format!("{flag}: {out_of_range}")),
    })
}
