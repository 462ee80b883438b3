//! What the calendar warns about. Warnings, not walls: people must sometimes overlap work. (A freeze is the one
//! wall; the write refuses it unless an admin records why.)

use chrono::{Duration, Timelike};
use chrono_tz::Tz;

use super::series::Occurrence;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Two windows on one service at the same time.
    Overlap { service: String, other: Occurrence },
    /// The window is inside a freeze, high-volume or critical period.
    InsidePeriod { period: Occurrence },
    /// The window crosses a daylight-saving change: on the wall clock it lasts `wall`, not its length.
    CrossesDst { wall: Duration },
    /// A secondary window whose primary (series `primary`, window of `date`) has no unfinished work recorded.
    SecondaryUnlinked { primary: i64, date: chrono::NaiveDate },
}

impl Warning {
    /// The stable code scripts see.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Overlap { .. } => "overlap",
            Warning::InsidePeriod { .. } => "inside_period",
            Warning::CrossesDst { .. } => "crosses_dst",
            Warning::SecondaryUnlinked { .. } => "secondary_unlinked",
        }
    }
}

/// The wall-clock length of a window in its zone, when it differs from its real length.
pub fn crosses_dst(window: &Occurrence, zone: Tz) -> Option<Warning> {
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&zone).naive_local();
    let wall = local(window.end) - local(window.start);
    (wall != window.end - window.start).then_some(Warning::CrossesDst { wall })
}

/// Windows of other series on a shared service that overlap this one.
pub fn overlaps<'a>(
    window: &Occurrence,
    services: &[String],
    others: impl IntoIterator<Item = (&'a [String], &'a [Occurrence])>,
) -> Vec<Warning> {
    let mut found = Vec::new();
    for (their_services, occurrences) in others {
        let Some(service) = services.iter().find(|s| their_services.contains(s)) else { continue };
        found.extend(
            occurrences
                .iter()
                .filter(|o| o.start < window.end && window.start < o.end)
                .map(|o| Warning::Overlap { service: service.clone(), other: *o }),
        );
    }
    found
}

/// Periods (freezes, high-volume or critical periods) that the window falls in.
pub fn inside_periods(window: &Occurrence, periods: &[Occurrence]) -> Vec<Warning> {
    periods
        .iter()
        .filter(|p| p.start < window.end && window.start < p.end)
        .map(|p| Warning::InsidePeriod { period: *p })
        .collect()
}

/// Minutes past the hour are kept when a window is shown by its local start; used by the calendar's DST preview.
pub fn local_start(window: &Occurrence, zone: Tz) -> (u32, u32) {
    let at = window.start.with_timezone(&zone);
    (at.hour(), at.minute())
}
