//! The seeds' real patterns: Tranemo/Ulricehamn's primary window on the third Tuesday 18:00–22:00 and its
//! secondary window the Tuesday after, 18:00–21:00, Europe/Stockholm.

use chrono::{NaiveDate, NaiveTime, TimeZone};

use super::*;
use crate::domain::maintenance::budget::WindowBudget;
use crate::domain::maintenance::warnings::{self, Warning};

const STOCKHOLM: Tz = chrono_tz::Europe::Stockholm;

fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn tu_primary() -> Series {
    Series {
        services: vec!["TRA-EPOST".into(), "ULR-EPOST".into()],
        kind: WindowKind::Primary,
        impact: Impact::Unavailable,
        zone: STOCKHOLM,
        start: local(2027, 1, 19, 18, 0),
        length: Duration::hours(4),
        rule: Some("FREQ=MONTHLY;BYDAY=3TU".into()),
        cancelled: Vec::new(),
        moved: Vec::new(),
    }
}

fn tu_secondary() -> Linked {
    Linked { days_after: 7, start_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap(), length: Duration::hours(3) }
}

#[test]
fn the_primary_window_is_the_third_tuesday_at_18_in_stockholm_all_year() {
    let primary = tu_primary();
    primary.validate().unwrap();
    let year = primary.occurrences(utc(2027, 1, 1, 0), utc(2028, 1, 1, 0)).unwrap();
    let days: Vec<u32> = year.iter().map(|o| chrono::Datelike::day(&o.local_date)).collect();
    assert_eq!(days, [19, 16, 16, 20, 18, 15, 20, 17, 21, 19, 16, 21]);
    for o in &year {
        assert_eq!(chrono::Datelike::weekday(&o.local_date), chrono::Weekday::Tue);
        assert_eq!(warnings::local_start(o, STOCKHOLM), (18, 0), "{o:?}");
        assert_eq!(o.end - o.start, Duration::hours(4));
    }
    // 18:00 is 17:00 UTC in winter and 16:00 UTC in summer: the window follows the wall clock.
    assert_eq!(year[0].start, utc(2027, 1, 19, 17));
    assert_eq!(year[3].start, utc(2027, 4, 20, 16));
}

#[test]
fn the_secondary_window_follows_its_primary_and_a_cancelled_primary_takes_it_along() {
    let mut primary = tu_primary();
    primary.cancelled.push(NaiveDate::from_ymd_opt(2027, 7, 20).unwrap());
    let year = primary.occurrences(utc(2027, 1, 1, 0), utc(2028, 1, 1, 0)).unwrap();
    assert_eq!(year.len(), 11, "July's primary is cancelled");
    let secondary = tu_secondary().follow(&year, STOCKHOLM);
    assert_eq!(secondary.len(), 11);
    assert_eq!(secondary[0].local_date, NaiveDate::from_ymd_opt(2027, 1, 26).unwrap());
    assert_eq!(secondary[0].start, utc(2027, 1, 26, 17));
    assert_eq!(secondary[0].end - secondary[0].start, Duration::hours(3));
    assert!(secondary.iter().all(|s| chrono::Datelike::weekday(&s.local_date) == chrono::Weekday::Tue));
}

#[test]
fn a_year_of_windows_is_more_than_99_1_percent_allows_and_vakt_says_by_how_much() {
    let year = (utc(2026, 12, 31, 23), utc(2027, 12, 31, 23));
    let primary = tu_primary().occurrences(year.0, year.1).unwrap();
    let mut windows = tu_secondary().follow(&primary, STOCKHOLM);
    windows.extend(primary);
    let budget = WindowBudget::round_the_clock(99.1, year.0, year.1, &windows);
    assert_eq!(budget.windows, Duration::hours(84), "12 × 4 h + 12 × 3 h");
    assert_eq!(budget.allowed, Duration::seconds(283_824), "0.9 % of 8,760 h = 78.84 h");
    assert_eq!(budget.excess(), Some(Duration::seconds(84 * 3600 - 283_824)), "5.16 h over");
}

#[test]
fn bad_windows_are_refused_with_a_reason() {
    let base = tu_primary();
    let cases = [
        (Series { length: Duration::zero(), ..base.clone() }, "must last"),
        (Series { length: Duration::days(93), ..base.clone() }, "92 days"),
        (Series { start: local(2027, 3, 28, 2, 30), rule: None, ..base.clone() }, "does not exist in Europe/Stockholm"),
        (Series { start: local(2027, 10, 31, 2, 30), rule: None, ..base.clone() }, "happens twice"),
        (Series { rule: Some("FREQ=SOMETIMES".into()), ..base.clone() }, "not a recurrence rule"),
        (Series { rule: Some("FREQ=MINUTELY".into()), ..base.clone() }, "more than 4000"),
    ];
    for (series, expected) in cases {
        let err = series.validate().unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn a_rule_with_a_letter_outside_ascii_is_refused_not_a_panic() {
    // Found by the `recurrence` fuzz target: rrule 0.14.0 panicked on it inside `parse`.
    let rule = "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO\u{56b}H;COUNT=76";
    let series = Series { rule: Some(rule.into()), ..tu_primary() };
    let err = series.validate().unwrap_err().to_string();
    assert!(err.contains("ASCII"), "{err}");
    assert!(series.occurrences(utc(2027, 1, 1, 0), utc(2028, 1, 1, 0)).is_err());
}

#[test]
fn a_window_across_the_spring_change_warns_with_its_wall_clock_length() {
    let night = Series {
        start: local(2027, 3, 27, 22, 0),
        length: Duration::hours(6),
        rule: None,
        kind: WindowKind::PlannedDowntime,
        ..tu_primary()
    };
    night.validate().unwrap();
    let occurrence = night.occurrences(utc(2027, 3, 1, 0), utc(2027, 4, 1, 0)).unwrap()[0];
    assert_eq!(warnings::crosses_dst(&occurrence, STOCKHOLM), Some(Warning::CrossesDst { wall: Duration::hours(7) }));
    let evening = tu_primary().occurrences(utc(2027, 3, 1, 0), utc(2027, 4, 1, 0)).unwrap()[0];
    assert_eq!(warnings::crosses_dst(&evening, STOCKHOLM), None);
}

#[test]
fn overlaps_on_a_shared_service_and_windows_in_a_freeze_are_named() {
    let primary = tu_primary().occurrences(utc(2027, 1, 1, 0), utc(2027, 2, 1, 0)).unwrap();
    let change = Series {
        services: vec!["ULR-EPOST".into()],
        kind: WindowKind::Change,
        start: local(2027, 1, 19, 21, 0),
        length: Duration::hours(2),
        rule: None,
        ..tu_primary()
    };
    let change_windows = change.occurrences(utc(2027, 1, 1, 0), utc(2027, 2, 1, 0)).unwrap();
    let found = warnings::overlaps(&change_windows[0], &change.services, [(&tu_primary().services[..], &primary[..])]);
    assert!(matches!(&found[..], [Warning::Overlap { service, .. }] if service == "ULR-EPOST"), "{found:?}");
    let elsewhere =
        warnings::overlaps(&change_windows[0], &["TT02".to_string()], [(&tu_primary().services[..], &primary[..])]);
    assert!(elsewhere.is_empty());
    let freeze = Series {
        kind: WindowKind::Freeze,
        start: local(2027, 1, 18, 0, 0),
        length: Duration::days(7),
        rule: None,
        ..tu_primary()
    }
    .occurrences(utc(2027, 1, 1, 0), utc(2027, 2, 1, 0))
    .unwrap();
    assert_eq!(warnings::inside_periods(&primary[0], &freeze).len(), 1);
    assert_eq!(warnings::inside_periods(&change_windows[0], &freeze)[0].code(), "inside_period");
}

#[test]
fn ten_years_of_the_primary_series_expand_without_running_away() {
    let ten = tu_primary().occurrences(utc(2027, 1, 1, 0), utc(2037, 1, 1, 0)).unwrap();
    assert_eq!(ten.len(), 120);
    assert!(ten.windows(2).all(|w| w[0].start < w[1].start));
}

#[test]
fn one_window_moved_on_its_own_keeps_its_name_and_its_secondary_follows_it() {
    let mut primary = tu_primary();
    let march = NaiveDate::from_ymd_opt(2027, 3, 16).unwrap();
    let moved = Moved { date: march, start: local(2027, 3, 17, 19, 0), length: Duration::hours(2) };
    primary.validate_move(&moved).unwrap();
    primary.moved.push(moved);
    let year = primary.occurrences(utc(2027, 1, 1, 0), utc(2028, 1, 1, 0)).unwrap();
    assert_eq!(year.len(), 12);
    let march_window = year.iter().find(|o| o.local_date == march).unwrap();
    assert_eq!((march_window.start, march_window.end), (utc(2027, 3, 17, 18), utc(2027, 3, 17, 20)));
    // Its secondary is the Tuesday... seven days after where the primary now is.
    let secondary = tu_secondary().follow(&year, STOCKHOLM);
    assert!(secondary.iter().any(|o| o.start == utc(2027, 3, 24, 17)), "{secondary:?}");
    // A window moved into a period from outside it is found; one moved out of it is not.
    let in_march_17 = primary.occurrences(utc(2027, 3, 17, 0), utc(2027, 3, 18, 0)).unwrap();
    assert_eq!(in_march_17.len(), 1);
    assert!(primary.occurrences(utc(2027, 3, 16, 0), utc(2027, 3, 17, 0)).unwrap().is_empty());
    // A move of more than a month, or into the spring gap, is refused.
    let far = Moved { date: march, start: local(2027, 5, 1, 18, 0), length: Duration::hours(4) };
    assert_eq!(primary.validate_move(&far), Err(SeriesError::MovedTooFar));
    let gap = Moved { date: march, start: local(2027, 3, 28, 2, 30), length: Duration::hours(1) };
    assert!(matches!(primary.validate_move(&gap), Err(SeriesError::InGap { .. })));
}
