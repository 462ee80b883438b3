//! Notice before planned maintenance, in the agreement's own terms: Altinn asks 5 working days (SERES 3) on its
//! support calendar, holidays included; ROR-IKT asks 3 days "as far as practically possible".

use chrono::{DateTime, Utc};

use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::{Notice, NoticeUnit};

/// More working days than any notice rule asks; counting stops there.
const COUNT_LIMIT: u32 = 400;

/// How much notice a window was given against what its agreement requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeCheck {
    pub required: Notice,
    /// Whole units (working days or days) between the announcement and the window's start.
    pub given: u32,
    pub ok: bool,
}

/// The notice the agreement requires for maintenance on a service, if any of its availability targets asks.
pub fn required(agreement: &Agreement, service: &str) -> Option<Notice> {
    agreement.spec().availability.iter().filter(|t| t.services.iter().any(|s| s == service)).find_map(|t| t.notice)
}

/// Where the agreement asks for the notice it requires for maintenance on a service (e.g. "§2.1.2").
pub fn reference<'a>(agreement: &'a Agreement, service: &str) -> Option<&'a str> {
    agreement
        .spec()
        .availability
        .iter()
        .filter(|t| t.services.iter().any(|s| s == service) && t.notice.is_some())
        .find_map(|t| t.notice_reference.as_deref())
}

/// Announced at `announced`, the window starting at `start` was given `given` units of notice: a unit counts
/// when the same time on the following working day (or day) is still no later than the start.
pub fn check(agreement: &Agreement, required: Notice, announced: DateTime<Utc>, start: DateTime<Utc>) -> NoticeCheck {
    let reached = |n: u32| -> bool {
        let after = match required.unit {
            NoticeUnit::WorkingDays => agreement.support_calendar().same_time_on_nth_working_day(announced, n).ok(),
            NoticeUnit::Days => announced.checked_add_signed(chrono::Duration::days(i64::from(n))),
        };
        after.is_some_and(|at| at <= start)
    };
    let mut given = 0;
    while given < COUNT_LIMIT && reached(given + 1) {
        given += 1;
    }
    NoticeCheck { required, given, ok: given >= required.amount }
}

/// Whether a change announced at `announced` that forces others to change, starting at `start`, had `months`
/// of notice (Altinn §2.1.3: 6): the same day and time `months` later is no later than the start.
pub fn breaking_ok(months: u32, announced: DateTime<Utc>, start: DateTime<Utc>) -> bool {
    announced.checked_add_months(chrono::Months::new(months)).is_some_and(|due| due <= start)
}

/// The latest moment to announce a window starting at `start` with enough notice, to the minute; None when the
/// rule cannot be met (the window starts too soon after any working day).
pub fn announce_by(agreement: &Agreement, required: Notice, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    // Searched backwards a day at a time for a moment that works, then by halves to the minute between it and
    // the day after it, which did not.
    let ok = |at: DateTime<Utc>| check(agreement, required, at, start).ok;
    let mut later = start;
    for _ in 0..COUNT_LIMIT {
        let earlier = later - chrono::Duration::days(1);
        if ok(earlier) {
            let (mut lo, mut hi) = (earlier, later);
            while hi - lo > chrono::Duration::minutes(1) {
                let minutes = (hi - lo).num_minutes() / 2;
                let mid = lo + chrono::Duration::minutes(minutes.max(1));
                if ok(mid) { lo = mid } else { hi = mid }
            }
            return Some(lo);
        }
        later = earlier;
    }
    None
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::major::test_support::agreement;

    fn oslo(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Oslo.with_ymd_and_hms(2027, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn altinn_counts_working_days_on_its_support_calendar_with_norwegian_holidays() {
        let altinn = agreement("ALTINN");
        let rule = required(&altinn, "SBL").unwrap();
        assert_eq!((rule.amount, rule.unit), (5, NoticeUnit::WorkingDays));
        assert_eq!(required(&altinn, "SERES").map(|n| n.amount), Some(3));
        // A window on Tuesday 18 May 2027 at 18:00. Monday 17 May is both 2. pinsedag and Constitution Day.
        let window = oslo(5, 18, 18, 0);
        // Announced Monday 10 May 10:00: 11, 12, 13, 14 and 18 May are five working days.
        let early = check(&altinn, rule, oslo(5, 10, 10, 0), window);
        assert_eq!((early.given, early.ok), (5, true));
        // A day later it is four: too late, a deviation to report.
        let late = check(&altinn, rule, oslo(5, 11, 10, 0), window);
        assert_eq!((late.given, late.ok), (4, false));
        let by = announce_by(&altinn, rule, window).unwrap();
        assert!(
            check(&altinn, rule, by, window).ok && !check(&altinn, rule, by + chrono::Duration::minutes(1), window).ok
        );
    }

    #[test]
    fn ror_counts_calendar_days() {
        let ror = agreement("ROR-IKT");
        let rule = Notice { amount: 3, unit: NoticeUnit::Days };
        let start = oslo(6, 7, 16, 0);
        assert!(check(&ror, rule, oslo(6, 4, 16, 0), start).ok);
        let short = check(&ror, rule, oslo(6, 4, 16, 1), start);
        assert_eq!((short.given, short.ok), (2, false));
    }

    #[test]
    fn a_breaking_change_needs_the_same_day_months_later() {
        use chrono::TimeZone;
        let announced = Utc.with_ymd_and_hms(2027, 1, 31, 10, 0, 0).unwrap();
        // Six months after 31 January is 31 July (chrono clamps shorter months to their last day).
        assert!(breaking_ok(6, announced, Utc.with_ymd_and_hms(2027, 7, 31, 10, 0, 0).unwrap()));
        assert!(!breaking_ok(6, announced, Utc.with_ymd_and_hms(2027, 7, 31, 9, 59, 0).unwrap()));
    }
}
