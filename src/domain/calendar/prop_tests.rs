//! Properties of business-time arithmetic, on the seed calendars and around DST changes in
//! Europe/Oslo and Europe/Stockholm, plus a cross-check against a slow per-minute reference.
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use proptest::prelude::*;

use super::BusinessCalendar;
use super::tests::{ALTINN, ALWAYS_NO_HOLIDAYS, NIGHT, ROR, SPLIT, TU, cal};

fn calendars() -> &'static [BusinessCalendar] {
    static CALENDARS: OnceLock<Vec<BusinessCalendar>> = OnceLock::new();
    CALENDARS.get_or_init(|| {
        let mut list: Vec<BusinessCalendar> =
            [ROR, ALTINN, TU, SPLIT, NIGHT, ALWAYS_NO_HOLIDAYS].iter().map(|t| cal(t)).collect();
        list.push(BusinessCalendar::twenty_four_seven("24x7-oslo", chrono_tz::Europe::Oslo));
        list
    })
}

/// DST change days in both zones (the same instants in Oslo and Stockholm since 1996).
const DST_DAYS: [(i32, u32, u32); 6] =
    [(2024, 3, 31), (2024, 10, 27), (2025, 3, 30), (2025, 10, 26), (2026, 3, 29), (2026, 10, 25)];

/// Instants within ±6 days of a DST change, or anywhere in 2023–2026, to the second.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let near_dst = (0..DST_DAYS.len(), -6 * 86_400i64..6 * 86_400).prop_map(|(i, offset)| {
        let (y, m, d) = DST_DAYS[i];
        Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap() + Duration::seconds(offset)
    });
    let anywhere = (0..4 * 365 * 86_400i64)
        .prop_map(|s| Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(s));
    prop_oneof![near_dst, anywhere]
}

/// Typical targets: up to five long working days, to the second.
fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![Just(Duration::zero()), (1..=50 * 3600i64).prop_map(Duration::seconds)]
}

fn calendar() -> impl Strategy<Value = &'static BusinessCalendar> {
    (0..calendars().len()).prop_map(|i| &calendars()[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn measuring_to_the_deadline_gives_back_the_duration(c in calendar(), a in instant(), d in duration()) {
        let due = c.add_business(a, d).unwrap();
        prop_assert!(due >= a + d || c.is_always_open() && due == a + d);
        prop_assert_eq!(c.business_duration(a, due), d, "{} from {} + {}", c.code(), a, d);
    }

    #[test]
    fn durations_add_up_across_any_split_point(c in calendar(), x in instant(), y in instant(), z in instant()) {
        let mut v = [x, y, z];
        v.sort();
        let [a, b, cc] = v;
        prop_assert_eq!(c.business_duration(a, b) + c.business_duration(b, cc), c.business_duration(a, cc));
        prop_assert!(c.business_duration(a, cc) <= cc - a);
    }

    #[test]
    fn deadlines_are_open_instants_or_closing_times(c in calendar(), a in instant(), d in duration()) {
        let due = c.add_business(a, d).unwrap();
        let closing_time = !c.is_open(due) && c.is_open(due - Duration::nanoseconds(1));
        prop_assert!(c.is_open(due) || closing_time, "{} from {} + {} gave {}", c.code(), a, d, due);
        if d.is_zero() {
            prop_assert_eq!(Some(due), c.next_opening(a));
        }
    }

    #[test]
    fn deadlines_are_monotonic(c in calendar(), a in instant(), b in instant(), d1 in duration(), d2 in duration()) {
        let (a, b) = (a.min(b), a.max(b));
        let (d1, d2) = (d1.min(d2), d1.max(d2));
        prop_assert!(c.add_business(a, d1).unwrap() <= c.add_business(a, d2).unwrap());
        prop_assert!(c.add_business(a, d1).unwrap() <= c.add_business(b, d1).unwrap());
    }

    #[test]
    fn next_opening_is_open_and_not_earlier(c in calendar(), a in instant()) {
        let next = c.next_opening(a).unwrap();
        prop_assert!(next >= a && c.is_open(next));
        prop_assert_eq!(c.business_duration(a, next), Duration::zero());
        prop_assert_eq!(next == a, c.is_open(a));
    }
}

/// Slow reference: open iff the local wall-clock time (via chrono-tz, per instant) lies in the
/// day's hours. Exact for calendars whose hours avoid the DST hour 02:00–03:00.
fn reference_is_open(c: &BusinessCalendar, at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&c.zone());
    let minute = u16::try_from(local.hour() * 60 + local.minute()).unwrap();
    c.hours_on(local.date_naive()).iter().any(|r| r.start().minutes() <= minute && minute < r.end().minutes())
}

fn wall_clock_calendar() -> impl Strategy<Value = &'static BusinessCalendar> {
    // ROR, Altinn, TU, split: hours away from 02:00-03:00.
    (0..4usize).prop_map(|i| &calendars()[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn business_duration_matches_a_per_minute_reference(c in wall_clock_calendar(), a in instant(), span_minutes in 0..(4 * 1440i64)) {
        let a = a.with_second(0).unwrap();
        let b = a + Duration::minutes(span_minutes);
        let open_minutes = (0..span_minutes).filter(|m| reference_is_open(c, a + Duration::minutes(*m))).count();
        prop_assert_eq!(c.business_duration(a, b), Duration::minutes(i64::try_from(open_minutes).unwrap()));
        prop_assert_eq!(c.is_open(a), reference_is_open(c, a));
    }
}
