//! Altinn's release plan must always reach twelve months ahead (§2.10.3). The plan is the release windows on an
//! agreement's services; it reaches as far as its last planned release. Reaching into the last month of the
//! period counts as covering it: releases are months apart, so demanding one on or after the exact day a year
//! ahead would flag a plan that is kept up to date.

use chrono::{DateTime, Months, Utc};

use super::series::Occurrence;

/// A release plan that falls short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// The start of the last planned release, if any is planned.
    pub last_release: Option<DateTime<Utc>>,
    /// The plan must reach into the month before this.
    pub required_until: DateTime<Utc>,
}

/// `None` when the releases reach `months` ahead of `now`.
pub fn check(months: u32, releases: &[Occurrence], now: DateTime<Utc>) -> Option<Shortfall> {
    let required_until = now.checked_add_months(Months::new(months))?;
    let enough = now.checked_add_months(Months::new(months.saturating_sub(1)))?;
    let last_release = releases.iter().map(|o| o.start).filter(|s| *s >= now).max();
    match last_release {
        Some(last) if last >= enough => None,
        _ => Some(Shortfall { last_release, required_until }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn release(y: i32, m: u32, d: u32) -> Occurrence {
        let start = Utc.with_ymd_and_hms(y, m, d, 20, 0, 0).unwrap();
        Occurrence { start, end: start + chrono::Duration::hours(2), local_date: start.date_naive() }
    }

    #[test]
    fn a_plan_reaching_into_the_twelfth_month_covers_the_year() {
        let now = Utc.with_ymd_and_hms(2027, 1, 10, 12, 0, 0).unwrap();
        let quarterly = [release(2027, 3, 1), release(2027, 6, 1), release(2027, 9, 1), release(2027, 12, 15)];
        assert_eq!(check(12, &quarterly, now), None);
        let short = check(12, &quarterly[..3], now).unwrap();
        assert_eq!(short.last_release, Some(release(2027, 9, 1).start));
        assert_eq!(short.required_until, Utc.with_ymd_and_hms(2028, 1, 10, 12, 0, 0).unwrap());
        // Past releases do not count; no plan at all falls short.
        assert_eq!(check(12, &[release(2026, 12, 1)], now).unwrap().last_release, None);
        assert!(check(12, &[], now).is_some());
    }
}
