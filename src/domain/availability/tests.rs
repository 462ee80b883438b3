//! The seeds' numbers, computed by hand (issue 11's correctness fixtures).

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::*;
use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::AvailabilityTarget;
use crate::domain::maintenance::notice;

const OSLO: Tz = chrono_tz::Europe::Oslo;
const STOCKHOLM: Tz = chrono_tz::Europe::Stockholm;

fn altinn() -> Agreement {
    Agreement::from_toml(include_str!("../../../agreements/altinn.toml")).unwrap()
}

fn local(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn target<'a>(agreement: &'a Agreement, service: &str) -> (&'a AvailabilityTarget, &'a BusinessCalendar) {
    let target = agreement.spec().availability.iter().find(|t| t.services.iter().any(|s| s == service)).unwrap();
    (target, agreement.clock_calendar(&target.calendar).unwrap())
}

fn month(agreement: &Agreement, service: &str, zone: Tz, y: i32, m: u32) -> Measure<'static> {
    let agreement: &'static Agreement = Box::leak(Box::new(agreement.clone()));
    let (target, calendar) = target(agreement, service);
    let from = local(zone, y, m, 1, 0, 0);
    let next = NaiveDate::from_ymd_opt(y, m, 1).unwrap().checked_add_months(chrono::Months::new(1)).unwrap();
    let to = local(zone, next.year(), next.month(), 1, 0, 0);
    Measure { calendar, target, from, to, now: to, degraded_is_down: false }
}

fn outage(id: i64, start: DateTime<Utc>, end: DateTime<Utc>) -> Outage {
    Outage { id, start, end: Some(end), degraded: false, exclusion: None, exercise: false }
}

#[test]
fn a_tul_outage_from_19_30_to_21_00_on_a_monday_counts_its_30_minutes_in_operating_hours() {
    let m = month(&altinn(), "TUL", OSLO, 2027, 3);
    // Monday 1 March 2027; TUL is measured 07:00-20:00 Monday to Friday.
    let found = measure(m, &[outage(1, local(OSLO, 2027, 3, 1, 19, 30), local(OSLO, 2027, 3, 1, 21, 0))], &[]);
    assert_eq!(found.downtime_seconds, 30 * 60);
    assert_eq!(found.outages_counted, 1);
    assert!(found.availability.unwrap() < 1.0);
}

#[test]
fn sbl_in_a_31_day_month_allows_44_64_minutes() {
    let agreement = altinn();
    let (target, _) = target(&agreement, "SBL");
    assert_eq!(target.allowed_downtime(chrono::Duration::days(31)), chrono::Duration::milliseconds(2_678_400));
    let found = measure(month(&agreement, "SBL", OSLO, 2027, 3), &[], &[]);
    assert_eq!(found.operating_seconds, 31 * 86_400 - 3600, "March 2027 has the spring change: 743 hours");
    assert_eq!(found.availability, Some(1.0), "no outage reads 100 %");
    assert_eq!(found.percent_text(), "100.00 %");
    let may = measure(month(&agreement, "SBL", OSLO, 2027, 5), &[], &[]);
    assert_eq!((may.operating_seconds, may.allowed_seconds), (31 * 86_400, 2678));
}

#[test]
fn a_window_announced_five_working_days_ahead_is_excluded_and_four_is_a_deviation_that_counts() {
    let agreement = altinn();
    let m = month(&agreement, "SBL", OSLO, 2027, 3);
    // A window Tuesday 16 March 22:00-23:00 with an SBL outage in it.
    let (start, end) = (local(OSLO, 2027, 3, 16, 22, 0), local(OSLO, 2027, 3, 16, 23, 0));
    let rule = notice::required(&agreement, "SBL").unwrap();
    let window = |announced: DateTime<Utc>| PlannedWindow {
        series_id: 7,
        start,
        end,
        unavailable: true,
        notice_ok: notice::check(&agreement, rule, announced, start).ok,
    };
    // Announced Tuesday 9 March 10:00, the same time five working days on is Tuesday 16 March 10:00, before the
    // window; announced the Wednesday, it gets four.
    let in_time = window(local(OSLO, 2027, 3, 9, 10, 0));
    let late = window(local(OSLO, 2027, 3, 10, 10, 0));
    assert!(in_time.notice_ok && !late.notice_ok);
    assert_eq!(notice::check(&agreement, rule, local(OSLO, 2027, 3, 10, 10, 0), start).given, 4);
    let down = [outage(2, start, end)];
    let excluded = measure(m, &down, &[in_time]);
    assert_eq!((excluded.downtime_seconds, excluded.excluded_seconds), (0, 3600));
    assert_eq!(excluded.operating_seconds, 31 * 86_400 - 3600 - 3600);
    let counted = measure(m, &down, &[late]);
    assert_eq!((counted.downtime_seconds, counted.excluded_seconds), (3600, 0));
    assert!(counted.accounting.contains(&Entry::NoticeDeviation { series_id: 7 }));
}

#[test]
fn a_tranemo_ulricehamn_window_counts_against_the_yearly_budget() {
    let agreement = Agreement::from_toml(include_str!("../../../agreements/tranemo-ulricehamn.toml")).unwrap();
    let (target, calendar) = target(&agreement, "TRA-EPOST");
    let (from, to) = (local(STOCKHOLM, 2027, 1, 1, 0, 0), local(STOCKHOLM, 2028, 1, 1, 0, 0));
    let m = Measure { calendar, target, from, to, now: to, degraded_is_down: false };
    let third_tuesday = PlannedWindow {
        series_id: 1,
        start: local(STOCKHOLM, 2027, 1, 19, 18, 0),
        end: local(STOCKHOLM, 2027, 1, 19, 22, 0),
        unavailable: true,
        notice_ok: true,
    };
    let found = measure(m, &[], &[third_tuesday]);
    assert_eq!(found.downtime_seconds, 4 * 3600);
    assert_eq!(found.allowed_seconds, 78 * 3600 + 50 * 60 + 24, "0.9 % of 8,760 hours is 78.84 hours");
    assert!(found.met == Some(true) && found.budget_used.unwrap() > 0.05);
}

#[test]
fn a_period_without_operating_time_has_no_availability_and_reasons_are_listed() {
    let agreement = altinn();
    // TUL over a weekend: no operating time at all.
    let (target, calendar) = target(&agreement, "TUL");
    let (from, to) = (local(OSLO, 2027, 3, 6, 0, 0), local(OSLO, 2027, 3, 8, 0, 0));
    let m = Measure { calendar, target, from, to, now: to, degraded_is_down: false };
    let found = measure(m, &[outage(3, from, to)], &[]);
    assert_eq!((found.availability, found.met, found.percent_text()), (None, None, "no operating time".into()));
    // Exercises, excluded causes and degraded service are not downtime; each says why.
    let m = month(&agreement, "SBL", OSLO, 2027, 3);
    let at = |h| local(OSLO, 2027, 3, 2, h, 0);
    let exercise = Outage { exercise: true, ..outage(4, at(8), at(9)) };
    let excluded = Outage { exclusion: Some("linje- og strømbrudd".into()), ..outage(5, at(10), at(11)) };
    let degraded = Outage { degraded: true, ..outage(6, at(12), at(13)) };
    let found = measure(m, &[exercise, excluded, degraded.clone()], &[]);
    assert_eq!((found.downtime_seconds, found.outages_counted), (0, 0));
    let reasons: Vec<&str> = found
        .accounting
        .iter()
        .filter_map(|e| match e {
            Entry::NotCounted { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(reasons[1].contains("linje- og strømbrudd"), "{reasons:?}");
    // Where the agreement counts degraded service as down, it is downtime.
    let found = measure(Measure { degraded_is_down: true, ..m }, &[degraded], &[]);
    assert_eq!(found.downtime_seconds, 3600);
}

#[test]
fn overlapping_outages_count_once_and_an_open_one_runs_to_now() {
    let agreement = altinn();
    let m = month(&agreement, "SBL", OSLO, 2027, 3);
    let at = |h| local(OSLO, 2027, 3, 2, h, 0);
    let open = Outage { end: None, ..outage(8, at(10), at(10)) };
    let found = measure(Measure { now: at(12), ..m }, &[outage(7, at(9), at(11)), open], &[]);
    assert_eq!(found.downtime_seconds, 3 * 3600, "09:00 to 12:00, the overlap once");
    assert_eq!(found.outages_counted, 2);
}

#[test]
fn an_agreement_may_count_degraded_service_as_down_and_none_of_the_seeds_does() {
    let text = include_str!("../../../agreements/altinn.toml");
    assert!(altinn().spec().availability.iter().all(|t| !t.degraded_is_down));
    let strict = text.replacen(
        "maintenance = \"excluded_with_notice\"",
        "maintenance = \"excluded_with_notice\"\ndegraded_is_down = true",
        1,
    );
    let strict = Agreement::from_toml(&strict).unwrap();
    let (target, _) = target(&strict, "SBL");
    assert!(target.degraded_is_down);
}
