//! Table-driven calendar cases with the seeds' own hours, holidays, seasons and DST days.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::*;
use crate::domain::calendar::holidays::DeFactoDay;
use crate::domain::calendar::spec::CalendarSpec;

pub(super) const ROR: &str = r#"
code = "kundeservice"
name = "ROR-IKT Kundeservice"
zone = "Europe/Oslo"
hours = { mon-fri = ["08:00-15:30"] }
holidays = { region = "NO" }
"#;

pub(super) const ALTINN: &str = r#"
code = "servicedesk"
name = "ASF Servicedesk"
zone = "Europe/Oslo"
hours = { mon-fri = ["08:00-15:45"] }
holidays = { region = "NO" }
[[seasons]]
name = "Sommertid"
from = "05-15"
to = "09-15"
hours = { mon-fri = ["08:00-15:00"] }
"#;

pub(super) const TU: &str = r#"
code = "it-support"
name = "It-supporten"
zone = "Europe/Stockholm"
hours = { mon-thu = ["07:30-16:30"], fri = ["07:30-16:00"] }
holidays = { region = "SE", de_facto = ["midsummer_eve", "christmas_eve", "new_years_eve"] }
"#;

/// Split days and a Saturday, to exercise several intervals per day.
pub(super) const SPLIT: &str = r#"
code = "split"
name = "Split"
zone = "Europe/Stockholm"
hours = { mon-fri = ["08:00-11:30", "12:00-16:00"], sat = ["10:00-14:00"] }
holidays = { region = "SE" }
"#;

/// Open across the DST hours, to pin down the gap/fold mapping.
pub(super) const NIGHT: &str = r#"
code = "night"
name = "Night"
zone = "Europe/Oslo"
hours = { mon-sun = ["00:00-06:00"] }
"#;

pub(super) const ALWAYS_NO_HOLIDAYS: &str = r#"
code = "dogn"
name = "Døgnet rundt, unntatt helligdager"
zone = "Europe/Oslo"
hours = { mon-sun = ["00:00-24:00"] }
holidays = { region = "NO" }
"#;

pub(super) fn cal(text: &str) -> BusinessCalendar {
    let spec: CalendarSpec = toml::from_str(text).unwrap();
    BusinessCalendar::new(spec, chrono_tz::Europe::Oslo).unwrap()
}

/// A local wall-clock time in `tz` as UTC (the times used here exist exactly once).
pub(super) fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
}

fn oslo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    local(chrono_tz::Europe::Oslo, y, m, d, h, min)
}

fn sthlm(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    local(chrono_tz::Europe::Stockholm, y, m, d, h, min)
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn deadlines_on_seed_calendars() {
    let (ror, altinn, tu) = (cal(ROR), cal(ALTINN), cal(TU));
    type Case<'a> = (&'a str, &'a BusinessCalendar, DateTime<Utc>, Duration, DateTime<Utc>);
    let cases: Vec<Case> = vec![
        ("ROR Kritisk response", &ror, oslo(2024, 10, 22, 9, 0), Duration::minutes(15), oslo(2024, 10, 22, 9, 15)),
        ("ROR Kritisk resolution", &ror, oslo(2024, 10, 22, 9, 0), Duration::hours(2), oslo(2024, 10, 22, 11, 0)),
        ("ROR Høy Tue 14:00 + 4 h", &ror, oslo(2024, 10, 22, 14, 0), Duration::hours(4), oslo(2024, 10, 23, 10, 30)),
        ("used up at closing time", &ror, oslo(2024, 10, 22, 14, 0), Duration::minutes(90), oslo(2024, 10, 22, 15, 30)),
        ("over the autumn DST weekend", &ror, oslo(2024, 10, 25, 14, 0), Duration::hours(4), utc(2024, 10, 28, 9, 30)),
        ("over the spring DST weekend", &ror, oslo(2025, 3, 28, 14, 0), Duration::hours(4), utc(2025, 3, 31, 8, 30)),
        ("Kristi himmelfartsdag skipped", &ror, oslo(2024, 5, 8, 14, 0), Duration::hours(4), oslo(2024, 5, 10, 10, 30)),
        ("17. mai and Andre pinsedag", &ror, oslo(2024, 5, 16, 14, 0), Duration::hours(4), oslo(2024, 5, 21, 10, 30)),
        ("received at night", &ror, oslo(2024, 10, 22, 23, 0), Duration::minutes(15), oslo(2024, 10, 23, 8, 15)),
        ("ROR Lav 5 × 7.5 h", &ror, oslo(2024, 10, 21, 10, 0), Duration::minutes(5 * 450), oslo(2024, 10, 28, 10, 0)),
        ("Altinn B normal day", &altinn, oslo(2024, 4, 23, 8, 0), Duration::hours(8), oslo(2024, 4, 24, 8, 15)),
        ("Altinn B summer day", &altinn, oslo(2024, 6, 4, 8, 0), Duration::hours(8), oslo(2024, 6, 5, 9, 0)),
        ("Altinn B 14 May into summer", &altinn, oslo(2024, 5, 14, 8, 0), Duration::hours(8), oslo(2024, 5, 15, 8, 15)),
        (
            "Altinn B 15 Sep out of summer",
            &altinn,
            oslo(2025, 9, 15, 8, 0),
            Duration::hours(8),
            oslo(2025, 9, 16, 9, 0),
        ),
        ("TU Friday is shorter", &tu, sthlm(2024, 10, 25, 15, 0), Duration::hours(2), sthlm(2024, 10, 28, 8, 30)),
        ("TU Midsommarafton closed", &tu, sthlm(2024, 6, 20, 16, 0), Duration::hours(1), sthlm(2024, 6, 24, 8, 0)),
    ];
    for (name, calendar, from, duration, want) in cases {
        assert_eq!(calendar.add_business(from, duration).unwrap(), want, "{name}: add");
        assert_eq!(calendar.business_duration(from, want), duration, "{name}: measure back");
    }
}

#[test]
fn zero_durations_and_next_opening() {
    let ror = cal(ROR);
    let inside = oslo(2024, 10, 22, 10, 0);
    assert_eq!(ror.add_business(inside, Duration::zero()).unwrap(), inside);
    assert_eq!(ror.add_business(oslo(2024, 10, 22, 16, 0), Duration::zero()).unwrap(), oslo(2024, 10, 23, 8, 0));
    assert_eq!(ror.next_opening(oslo(2024, 10, 26, 12, 0)), Some(oslo(2024, 10, 28, 8, 0)));
    assert_eq!(ror.next_opening(oslo(2024, 10, 22, 15, 30)), Some(oslo(2024, 10, 23, 8, 0)), "closing time is closed");
    assert!(ror.is_open(oslo(2024, 10, 22, 8, 0)) && !ror.is_open(oslo(2024, 10, 22, 15, 30)));
    assert_eq!(ror.business_duration(oslo(2024, 10, 25, 15, 0), oslo(2024, 10, 28, 9, 0)), Duration::minutes(90));
    assert_eq!(ror.business_duration(oslo(2024, 10, 25, 15, 0), oslo(2024, 10, 25, 14, 0)), Duration::zero());
}

#[test]
fn tranemo_holiday_starts_counting_at_the_next_opening() {
    let tu = cal(TU);
    let received = sthlm(2024, 5, 9, 10, 0); // Kristi himmelsfärdsdag
    assert_eq!(tu.next_opening(received), Some(sthlm(2024, 5, 10, 7, 30)));
    assert_eq!(tu.business_duration(received, sthlm(2024, 5, 10, 8, 30)), Duration::hours(1));
    let nth = tu.same_time_on_nth_working_day(received, 1).unwrap();
    assert_eq!(nth, sthlm(2024, 5, 13, 7, 30));
    assert_eq!(tu.business_duration(received, nth), Duration::minutes(510), "one Friday = 8.5 h");
}

#[test]
fn same_time_on_nth_working_day_for_altinn_c() {
    let altinn = cal(ALTINN);
    // 3 VD from Monday 10:00 (no holidays that week) is Thursday 10:00.
    assert_eq!(altinn.same_time_on_nth_working_day(oslo(2024, 10, 21, 10, 0), 3).unwrap(), oslo(2024, 10, 24, 10, 0));
    // Received Friday evening: counting starts Monday 08:00.
    assert_eq!(altinn.same_time_on_nth_working_day(oslo(2024, 10, 25, 18, 0), 3).unwrap(), oslo(2024, 10, 31, 8, 0));
    // 15:30 on 14 May has no equivalent on a summer day (closes 15:00): the closing time is used.
    assert_eq!(altinn.same_time_on_nth_working_day(oslo(2024, 5, 14, 15, 30), 1).unwrap(), oslo(2024, 5, 15, 15, 0));
}

#[test]
fn summer_season_boundaries_are_inclusive() {
    let altinn = cal(ALTINN);
    let hours = |d| altinn.hours_on(d).iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(hours(date(2024, 5, 14)), ["08:00-15:45"]);
    assert_eq!(hours(date(2024, 5, 15)), ["08:00-15:00"]);
    assert_eq!(hours(date(2025, 9, 15)), ["08:00-15:00"]);
    assert_eq!(hours(date(2025, 9, 16)), ["08:00-15:45"]);
    assert!(altinn.is_open(oslo(2024, 5, 14, 15, 30)) && !altinn.is_open(oslo(2024, 5, 15, 15, 30)));
}

#[test]
fn dst_days_in_both_zones() {
    for tz in [chrono_tz::Europe::Oslo, chrono_tz::Europe::Stockholm] {
        let always = BusinessCalendar::twenty_four_seven("24x7", tz);
        assert!(always.is_always_open());
        let day = |m, d, next_m, next_d| {
            always.business_duration(local(tz, 2024, m, d, 0, 0), local(tz, 2024, next_m, next_d, 0, 0))
        };
        assert_eq!(day(3, 31, 4, 1), Duration::hours(23), "{tz} spring");
        assert_eq!(day(10, 27, 10, 28), Duration::hours(25), "{tz} autumn");
        assert_eq!(
            always.add_business(local(tz, 2024, 3, 30, 22, 0), Duration::hours(5)).unwrap(),
            local(tz, 2024, 3, 31, 4, 0)
        );
        // The general path over the same days (holidays make it non-trivial) agrees.
        let general = cal(ALWAYS_NO_HOLIDAYS);
        assert!(!general.is_always_open());
        // (2024-03-31 is Easter Day, a holiday; 2025's DST Sundays are ordinary days.)
        let spring = general.business_duration(oslo(2025, 3, 30, 0, 0), oslo(2025, 3, 31, 0, 0));
        let autumn = general.business_duration(oslo(2025, 10, 26, 0, 0), oslo(2025, 10, 27, 0, 0));
        assert_eq!((spring, autumn), (Duration::hours(23), Duration::hours(25)));
    }
}

#[test]
fn local_times_in_the_gap_and_the_fold() {
    let night = cal(NIGHT);
    let length = |d: u32, m: u32| night.business_duration(oslo(2024, m, d, 0, 0), oslo(2024, m, d, 12, 0));
    assert_eq!(length(31, 3), Duration::hours(5), "02:00-03:00 does not exist");
    assert_eq!(length(27, 10), Duration::hours(7), "02:00-03:00 happens twice");
    let gap_only = cal(r#"
code = "gap"
name = "Gap"
zone = "Europe/Oslo"
hours = { sun = ["02:00-02:30"] }
"#);
    // 2024-03-31 is a Sunday whose 02:00-02:30 does not exist: the interval is empty.
    assert_eq!(gap_only.business_duration(utc(2024, 3, 30, 12, 0), utc(2024, 3, 31, 12, 0)), Duration::zero());
    assert_eq!(gap_only.next_opening(utc(2024, 3, 30, 12, 0)), Some(oslo(2024, 4, 7, 2, 0)));
}

#[test]
fn holidays_with_a_24x7_calendar() {
    let dogn = cal(ALWAYS_NO_HOLIDAYS);
    assert_eq!(dogn.business_duration(oslo(2024, 5, 17, 0, 0), oslo(2024, 5, 18, 0, 0)), Duration::zero());
    assert_eq!(dogn.add_business(oslo(2024, 5, 16, 22, 0), Duration::hours(5)).unwrap(), oslo(2024, 5, 18, 3, 0));
    assert_eq!(dogn.open_until(oslo(2024, 5, 15, 10, 0)), Some(oslo(2024, 5, 17, 0, 0)), "open across midnight");
}

#[test]
fn closed_reasons_and_status_for_the_board() {
    let (ror, tu) = (cal(ROR), cal(TU));
    let holiday = ror.closed_reason(date(2024, 5, 9)).unwrap();
    assert_eq!(holiday.to_string(), "Kristi himmelfartsdag");
    assert_eq!(ror.closed_reason(date(2024, 5, 11)), Some(ClosedReason::NoHours { weekday: Weekday::Sat }));
    assert_eq!(ror.closed_reason(date(2024, 5, 8)), None);
    assert_eq!(
        tu.closed_reason(date(2024, 6, 21)),
        Some(ClosedReason::Holiday {
            name: "Midsommarafton".into(),
            kind: crate::domain::calendar::holidays::HolidayKind::DeFacto(DeFactoDay::MidsummerEve)
        })
    );
    assert_eq!(
        ror.status_at(oslo(2024, 5, 9, 10, 0)),
        CalendarStatus::Closed { until: Some(oslo(2024, 5, 10, 8, 0)), reason: Some(holiday) }
    );
    assert_eq!(ror.status_at(oslo(2024, 5, 8, 10, 0)), CalendarStatus::Open { until: Some(oslo(2024, 5, 8, 15, 30)) });
    assert_eq!(
        ror.status_at(oslo(2024, 5, 8, 18, 0)),
        CalendarStatus::Closed { until: Some(oslo(2024, 5, 10, 8, 0)), reason: None }
    );
}

#[test]
fn overrides_close_replace_and_extend_hours() {
    let ror = cal(&format!(
        r#"{ROR}
[[overrides]]
from = "2024-10-23"
to = "2024-10-23"
kind = "closed"
reason = "Flytting av kontor"
[[overrides]]
from = 2024-05-17
to = 2024-05-17
kind = "hours"
hours = ["10:00-12:00"]
reason = "Beredskap 17. mai"
[[overrides]]
from = "2024-10-28"
to = "2024-10-29"
kind = "extra"
hours = ["15:00-18:00"]
reason = "Utvidet åpningstid"
billable = true
"#
    ));
    assert_eq!(
        ror.closed_reason(date(2024, 10, 23)),
        Some(ClosedReason::Override { reason: "Flytting av kontor".into() })
    );
    assert_eq!(ror.add_business(oslo(2024, 10, 22, 15, 0), Duration::minutes(45)).unwrap(), oslo(2024, 10, 24, 8, 15));
    assert_eq!(ror.hours_on(date(2024, 5, 17)).len(), 1, "explicit hours win over the holiday");
    assert!(ror.is_open(oslo(2024, 5, 17, 11, 0)));
    let extended = ror.hours_on(date(2024, 10, 28)).iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(extended, ["08:00-18:00"]);
    assert_eq!(ror.business_duration(oslo(2024, 10, 28, 0, 0), oslo(2024, 10, 30, 0, 0)), Duration::hours(20));
}

#[test]
fn seasons_may_wrap_over_new_year_and_named_days_close() {
    let winter = cal(r#"
code = "vinter"
name = "Vinter"
hours = { mon-fri = ["08:00-16:00"] }
[[seasons]]
name = "Vinter"
from = "12-01"
to = "02-28"
hours = { fri = ["08:00-12:00"] }
[holidays]
extra = [{ name = "Inventering", every_year = "10-15" }, { name = "Flyttedag", date = "2025-03-03" }]
"#);
    assert_eq!(winter.hours_on(date(2025, 1, 3)).len(), 1);
    assert_eq!(winter.hours_on(date(2025, 1, 3))[0].to_string(), "08:00-12:00");
    assert_eq!(winter.hours_on(date(2025, 1, 2))[0].to_string(), "08:00-16:00", "only Friday is replaced");
    assert_eq!(winter.hours_on(date(2025, 3, 7))[0].to_string(), "08:00-16:00");
    assert_eq!(winter.closed_reason(date(2026, 10, 15)).unwrap().to_string(), "Inventering");
    assert_eq!(winter.closed_reason(date(2025, 3, 3)).unwrap().to_string(), "Flyttedag");
}

#[test]
fn a_calendar_without_hours_does_not_loop() {
    let never = cal("code = \"never\"\nname = \"Never\"\n");
    let from = oslo(2024, 1, 1, 0, 0);
    assert!(matches!(never.add_business(from, Duration::hours(1)), Err(CalendarError::NoOpening { .. })));
    assert_eq!(never.next_opening(from), None);
    assert_eq!(never.business_duration(from, oslo(2025, 1, 1, 0, 0)), Duration::zero());
}

#[test]
fn invalid_specs_are_rejected_with_clear_messages() {
    let build = |text: &str| BusinessCalendar::new(toml::from_str(text).unwrap(), chrono_tz::Europe::Oslo);
    let twice = build("code = \"x\"\nname = \"X\"\nhours = { mon-fri = [\"08:00-16:00\"], fri = [\"08:00-12:00\"] }\n");
    assert_eq!(twice.unwrap_err().to_string(), "calendar 'x': fri is listed twice in the weekly hours");
    let zone = build("code = \"x\"\nname = \"X\"\nzone = \"Europe/Atlantis\"\n");
    assert!(zone.unwrap_err().to_string().contains("unknown time zone 'Europe/Atlantis'"));
    let backwards = build(
        "code = \"x\"\nname = \"X\"\n[[overrides]]\nfrom = \"2024-02-02\"\nto = \"2024-02-01\"\nkind = \"closed\"\nreason = \"R\"\n",
    );
    assert_eq!(backwards.unwrap_err().to_string(), "calendar 'x': override 'R': 'to' is before 'from'");
    let named = build("code = \"x\"\nname = \"X\"\n[holidays]\nextra = [{ name = \"Dag\" }]\n");
    assert!(matches!(named, Err(CalendarError::NamedDate { .. })));
    let bad_time: Result<CalendarSpec, _> =
        toml::from_str("code = \"x\"\nname = \"X\"\nhours = { mon = [\"8-16\"] }\n");
    assert!(bad_time.unwrap_err().to_string().contains("invalid interval '8-16'"));
}

#[test]
fn out_of_range_instants_are_errors_not_panics() {
    let ror = cal(ROR);
    let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
    assert!(matches!(ror.add_business(far, Duration::hours(1)), Err(CalendarError::OutOfRange { .. })));
    assert_eq!(ror.next_opening(far), None);
    assert!(!ror.is_open(far));
}
