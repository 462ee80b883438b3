//! Rota coverage at exact boundaries, DST nights in Europe/Oslo, lookups and the duty line.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Europe::Oslo;

use super::*;
use crate::domain::major::test_support::{oslo, utc};

fn naive(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
}

fn shift(mim: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Shift {
    Shift { mim: mim.to_string(), deputy: format!("{mim}-deputy"), start, end }
}

/// Christmas Eve 2026 in three shifts: 08–16 anna, 16–24 bjorn, 00–08 cecilie.
fn christmas() -> Vec<Shift> {
    vec![
        shift("anna", oslo(2026, 12, 24, 8, 0), oslo(2026, 12, 24, 16, 0)),
        shift("bjorn", oslo(2026, 12, 24, 16, 0), oslo(2026, 12, 25, 0, 0)),
        shift("cecilie", oslo(2026, 12, 25, 0, 0), oslo(2026, 12, 25, 8, 0)),
    ]
}

#[test]
fn shifts_meeting_at_the_same_instant_are_continuous() {
    let shifts = christmas();
    assert_eq!(validate_rota(&shifts, oslo(2026, 12, 24, 8, 0), oslo(2026, 12, 25, 8, 0), Oslo), Ok(()));
    let cases = [
        (oslo(2026, 12, 24, 15, 59), Some("anna")),
        (oslo(2026, 12, 24, 16, 0), Some("bjorn")),
        (oslo(2026, 12, 25, 0, 0), Some("cecilie")),
        (oslo(2026, 12, 25, 8, 0), None),
        (oslo(2026, 12, 24, 7, 59), None),
    ];
    for (at, want) in cases {
        assert_eq!(on_duty(&shifts, at).map(|s| s.mim.as_str()), want, "{at}");
    }
}

#[test]
fn gaps_and_overlaps_are_refused_naming_the_period() {
    let (from, to) = (oslo(2026, 12, 24, 8, 0), oslo(2026, 12, 25, 8, 0));
    let mut gap = christmas();
    gap[1].start = oslo(2026, 12, 24, 18, 0);
    let mut overlap = christmas();
    overlap[1].start = oslo(2026, 12, 24, 14, 0);
    let mut late_start = christmas();
    late_start[0].start = oslo(2026, 12, 24, 9, 0);
    let mut early_end = christmas();
    early_end[2].end = oslo(2026, 12, 25, 7, 30);
    let cases = [
        (gap, "the rota leaves 2026-12-24 16:00–18:00 (Europe/Oslo) without a MIM on duty"),
        (overlap, "the shifts of anna and bjorn both cover 2026-12-24 14:00–16:00 (Europe/Oslo): shorten one of them"),
        (late_start, "the rota leaves 2026-12-24 08:00–09:00 (Europe/Oslo) without a MIM on duty"),
        (early_end, "the rota leaves 2026-12-25 07:30–08:00 (Europe/Oslo) without a MIM on duty"),
    ];
    for (shifts, want) in cases {
        assert_eq!(validate_rota(&shifts, from, to, Oslo).unwrap_err().to_string(), want);
    }
}

#[test]
fn every_problem_is_listed_in_time_order() {
    let shifts = vec![
        shift("anna", oslo(2026, 12, 24, 8, 0), oslo(2026, 12, 24, 12, 0)),
        shift("bjorn", oslo(2026, 12, 24, 13, 0), oslo(2026, 12, 24, 20, 0)),
        shift("cecilie", oslo(2026, 12, 24, 19, 0), oslo(2026, 12, 24, 22, 0)),
    ];
    let problems: Vec<String> = rota_problems(&shifts, oslo(2026, 12, 24, 8, 0), oslo(2026, 12, 25, 0, 0), Oslo)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "the rota leaves 2026-12-24 12:00–13:00 (Europe/Oslo) without a MIM on duty",
            "the shifts of bjorn and cecilie both cover 2026-12-24 19:00–20:00 (Europe/Oslo): shorten one of them",
            "the rota leaves 2026-12-24 22:00 – 2026-12-25 00:00 (Europe/Oslo) without a MIM on duty",
        ]
    );
}

#[test]
fn a_shift_inside_another_is_an_overlap_and_shifts_outside_the_period_are_ignored() {
    let shifts = vec![
        shift("anna", oslo(2026, 12, 24, 0, 0), oslo(2026, 12, 25, 0, 0)),
        shift("bjorn", oslo(2026, 12, 24, 10, 0), oslo(2026, 12, 24, 11, 0)),
        shift("old", oslo(2026, 12, 1, 0, 0), oslo(2026, 12, 2, 0, 0)),
    ];
    let err = validate_rota(&shifts, oslo(2026, 12, 24, 0, 0), oslo(2026, 12, 25, 0, 0), Oslo).unwrap_err();
    assert!(
        matches!(&err, RotaError::Overlap { from, to, .. }
        if *from == oslo(2026, 12, 24, 10, 0) && *to == oslo(2026, 12, 24, 11, 0)),
        "{err}"
    );
}

#[test]
fn broken_shifts_are_refused_with_a_hint() {
    let at = oslo(2026, 12, 24, 8, 0);
    let cases = [
        (
            Shift { mim: String::new(), deputy: "b".into(), start: at, end: at + chrono::Duration::hours(8) },
            "the shift starting 2026-12-24 08:00 has no MIM: enter the login of the MIM on duty",
        ),
        (
            Shift { mim: "anna".into(), deputy: " ".into(), start: at, end: at + chrono::Duration::hours(8) },
            "the shift of anna starting 2026-12-24 08:00 has no deputy: enter the login of the deputy to notify",
        ),
        (
            Shift { mim: "anna".into(), deputy: "anna".into(), start: at, end: at + chrono::Duration::hours(8) },
            "anna is both MIM and deputy on the shift starting 2026-12-24 08:00: choose another deputy",
        ),
        (
            Shift { mim: "anna".into(), deputy: "bjorn".into(), start: at, end: at },
            "the shift of anna starting 2026-12-24 08:00 ends before it starts: set an end after the start",
        ),
    ];
    for (s, want) in cases {
        let problems = rota_problems(std::slice::from_ref(&s), at, at + chrono::Duration::hours(8), Oslo);
        assert_eq!(problems.first().map(ToString::to_string).as_deref(), Some(want));
    }
    assert_eq!(
        validate_rota(&[], at, at, Oslo).unwrap_err().to_string(),
        "the period to check ends before it starts (2026-12-24 08:00–08:00)"
    );
}

#[test]
fn dst_nights_in_oslo_are_continuous_with_local_shift_times() {
    // Spring forward 2026-03-29 02:00 → 03:00: a 20:00–08:00 night shift lasts 11 hours.
    let spring = [
        Shift::from_local("anna", "bjorn", naive(2026, 3, 28, 8, 0), naive(2026, 3, 28, 20, 0), Oslo).unwrap(),
        Shift::from_local("bjorn", "anna", naive(2026, 3, 28, 20, 0), naive(2026, 3, 29, 8, 0), Oslo).unwrap(),
    ];
    assert_eq!(spring[1].end - spring[1].start, chrono::Duration::hours(11));
    assert_eq!(validate_rota(&spring, spring[0].start, spring[1].end, Oslo), Ok(()));
    // Fall back 2026-10-25 03:00 → 02:00: the night shift lasts 13 hours; a hand-over at 02:30 means the
    // first 02:30 on both sides, so the rota stays continuous.
    let autumn = [
        Shift::from_local("anna", "bjorn", naive(2026, 10, 24, 20, 0), naive(2026, 10, 25, 2, 30), Oslo).unwrap(),
        Shift::from_local("bjorn", "anna", naive(2026, 10, 25, 2, 30), naive(2026, 10, 25, 8, 0), Oslo).unwrap(),
    ];
    assert_eq!(autumn[0].end, utc("2026-10-25T00:30:00Z"));
    assert_eq!(autumn[1].end - autumn[0].start, chrono::Duration::hours(13));
    assert_eq!(validate_rota(&autumn, autumn[0].start, autumn[1].end, Oslo), Ok(()));
    assert_eq!(on_duty(&autumn, utc("2026-10-25T01:30:00Z")).map(|s| s.mim.as_str()), Some("bjorn"));
    // A gap over the repeated hour names both offsets.
    let gap = [
        Shift::from_local("anna", "bjorn", naive(2026, 10, 24, 20, 0), naive(2026, 10, 25, 2, 0), Oslo).unwrap(),
        shift("bjorn", utc("2026-10-25T01:00:00Z"), oslo(2026, 10, 25, 8, 0)),
    ];
    assert_eq!(
        validate_rota(&gap, gap[0].start, gap[1].end, Oslo).unwrap_err().to_string(),
        "the rota leaves 2026-10-25 02:00 CEST–02:00 CET (Europe/Oslo) without a MIM on duty"
    );
    let err = Shift::from_local("anna", "bjorn", naive(2026, 3, 29, 2, 30), naive(2026, 3, 29, 8, 0), Oslo);
    assert_eq!(
        err.unwrap_err().to_string(),
        "2026-03-29 02:30 does not exist in Europe/Oslo (the clocks skip that hour): choose a time outside it"
    );
}

#[test]
fn the_duty_line_prefers_the_agreement_and_the_after_hours_number_when_closed() {
    let altinn = DutyLine {
        phone: Some("75 00 62 99".into()),
        after_hours_phone: Some("954 90 002".into()),
        mailbox: Some("tjenesteeier@altinn.no".into()),
    };
    let global = DutyLine {
        phone: Some("+47 000 00 000".into()),
        after_hours_phone: None,
        mailbox: Some("mim@example.org".into()),
    };
    let open = duty_contact(&altinn, &global, true);
    assert_eq!((open.phone.as_deref(), open.mailbox.as_deref()), (Some("75 00 62 99"), Some("tjenesteeier@altinn.no")));
    assert_eq!(duty_contact(&altinn, &global, false).phone.as_deref(), Some("954 90 002"));
    let fallback = duty_contact(&DutyLine::default(), &global, false);
    assert_eq!(
        (fallback.phone.as_deref(), fallback.mailbox.as_deref()),
        (Some("+47 000 00 000"), Some("mim@example.org"))
    );
    assert_eq!(duty_contact(&DutyLine::default(), &DutyLine::default(), true), DutyContact::default());
}
