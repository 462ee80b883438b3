//! The shipped agreement files carry the seeds' numbers, and the digest's test vectors hold.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::tests::{ALTINN, ROR, STOCKHOLM, TRANEMO};
use super::*;

fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
}

fn oslo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    local(chrono_tz::Europe::Oslo, y, m, d, h, min)
}

fn sthlm(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    local(chrono_tz::Europe::Stockholm, y, m, d, h, min)
}

/// (amount, unit, clock) of a target.
fn target(a: &Agreement, label: &str, kind: TargetKind) -> (u32, TargetUnit, String) {
    let t = a.priority(label).unwrap().target(kind).unwrap();
    (t.amount, t.unit, t.clock.to_string())
}

/// The deadline of a target for a case received at `from`, with no other events.
fn due(a: &Agreement, label: &str, kind: TargetKind, from: DateTime<Utc>) -> DateTime<Utc> {
    let t = a.priority(label).unwrap().target(kind).unwrap();
    let calendar = a.clock_calendar(&t.clock).unwrap();
    calendar.add_business(from, a.budget(t, from).unwrap()).unwrap()
}

#[test]
fn ror_numbers_match_the_pdf_seed() {
    use TargetKind::{Resolution, Response};
    use TargetUnit::{Hours, Minutes, WorkingDays};
    let ror = Agreement::from_toml(ROR).unwrap();
    let labels: Vec<&str> = ror.priorities().iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["Kritisk", "Høy", "Middels", "Lav"]);
    let s = |x: &str| x.to_string();
    assert_eq!(target(&ror, "Kritisk", Response), (15, Minutes, s("support")));
    assert_eq!(target(&ror, "Kritisk", Resolution), (2, Hours, s("support")));
    assert_eq!(target(&ror, "Høy", Response), (1, Hours, s("support")));
    assert_eq!(target(&ror, "Høy", Resolution), (4, Hours, s("support")));
    assert_eq!(target(&ror, "Middels", Response), (3, Hours, s("support")));
    assert_eq!(target(&ror, "Middels", Resolution), (3, WorkingDays, s("support")));
    assert_eq!(target(&ror, "Lav", Response), (4, Hours, s("support")));
    assert_eq!(target(&ror, "Lav", Resolution), (5, WorkingDays, s("support")));
    let desk = ror.support_calendar();
    assert_eq!((desk.code(), desk.zone()), ("kundeservice", chrono_tz::Europe::Oslo));
    let hours = desk.hours_on(chrono::NaiveDate::from_ymd_opt(2024, 10, 22).unwrap());
    assert_eq!(hours.iter().map(ToString::to_string).collect::<Vec<_>>(), ["08:00-15:30"]);
    let middels = ror.priority("Middels").unwrap().target(Resolution).unwrap();
    assert_eq!(ror.budget(middels, oslo(2024, 10, 22, 9, 0)).unwrap(), Duration::minutes(3 * 450));
    let kritisk = ror.priority("Kritisk").unwrap().target(Resolution).unwrap();
    assert_eq!(kritisk.stop_milestones(), [Milestone::Resolved, Milestone::WorkaroundEstablished]);
    assert!(kritisk.allow_replan);
    assert_eq!(ror.spec().organisations.iter().filter(|o| o.kind == OrganisationKind::Municipality).count(), 4);
    let availability = &ror.spec().availability[0];
    assert_eq!(
        (availability.percent, availability.measured, availability.maintenance),
        (99.8, false, MaintenancePolicy::Excluded)
    );
    assert_eq!(availability.notice, Some(Notice { amount: 3, unit: NoticeUnit::Days }));
    assert_eq!(availability.exclusion_reasons.len(), 6);
}

#[test]
fn ror_test_vectors() {
    use TargetKind::{Resolution, Response};
    let ror = Agreement::from_toml(ROR).unwrap();
    let tuesday_9 = oslo(2024, 10, 22, 9, 0);
    assert_eq!(due(&ror, "Kritisk", Response, tuesday_9), oslo(2024, 10, 22, 9, 15));
    assert_eq!(due(&ror, "Kritisk", Resolution, tuesday_9), oslo(2024, 10, 22, 11, 0));
    let tuesday_14 = oslo(2024, 10, 22, 14, 0);
    assert_eq!(due(&ror, "Høy", Response, tuesday_14), oslo(2024, 10, 22, 15, 0));
    assert_eq!(due(&ror, "Høy", Resolution, tuesday_14), oslo(2024, 10, 23, 10, 30));
    assert_eq!(due(&ror, "Lav", Resolution, oslo(2024, 10, 21, 10, 0)), oslo(2024, 10, 28, 10, 0));
    // Middels received Wednesday before Kristi himmelfartsdag: 3 × 7.5 h skips Thursday.
    assert_eq!(due(&ror, "Middels", Resolution, oslo(2024, 5, 8, 10, 0)), oslo(2024, 5, 14, 10, 0));
}

#[test]
fn altinn_numbers_and_test_vectors() {
    use TargetKind::{Feedback, Resolution};
    let altinn = Agreement::from_toml(ALTINN).unwrap();
    let labels: Vec<(&str, Option<&str>)> =
        altinn.priorities().iter().map(|p| (p.label.as_str(), p.name.as_deref())).collect();
    assert_eq!(labels, [("A", Some("Kritisk")), ("B", Some("Alvorlig")), ("C", Some("Mindre alvorlig"))]);
    let s = |x: &str| x.to_string();
    assert_eq!(target(&altinn, "A", Resolution), (5, TargetUnit::Hours, s("24x7")));
    assert_eq!(target(&altinn, "A", Feedback), (1, TargetUnit::Hours, s("24x7")));
    assert_eq!(target(&altinn, "B", Resolution), (8, TargetUnit::Hours, s("support")));
    assert_eq!(target(&altinn, "C", Resolution), (3, TargetUnit::WorkingDays, s("support")));
    let a = altinn.priority("A").unwrap();
    assert_eq!(a.target(Feedback).unwrap().start_milestone(), Milestone::SupplierClosed);
    assert_eq!(a.target(Resolution).unwrap().stop_milestones()[0], Milestone::SolutionDescribed);
    assert!(altinn.priority("C").unwrap().target(Resolution).unwrap().deprioritise_on_workaround);
    // Vectors from the digest §4.8.
    assert_eq!(due(&altinn, "A", Resolution, oslo(2024, 10, 22, 22, 0)), oslo(2024, 10, 23, 3, 0));
    assert_eq!(due(&altinn, "B", Resolution, oslo(2024, 10, 22, 8, 0)), oslo(2024, 10, 23, 8, 15));
    assert_eq!(due(&altinn, "B", Resolution, oslo(2024, 6, 4, 8, 0)), oslo(2024, 6, 5, 9, 0));
    assert_eq!(due(&altinn, "C", Resolution, oslo(2024, 10, 21, 10, 0)), oslo(2024, 10, 24, 10, 0));
    // Summer C: same time on the third working day, 7 h days.
    assert_eq!(due(&altinn, "C", Resolution, oslo(2024, 6, 3, 10, 0)), oslo(2024, 6, 6, 10, 0));
    // Availability per system [2.1.1, 2.2.x].
    let rows: Vec<(Vec<String>, f64, String, Option<u32>)> = altinn
        .spec()
        .availability
        .iter()
        .map(|t| (t.services.clone(), t.percent, t.calendar.to_string(), t.notice.map(|n| n.amount)))
        .collect();
    let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(rows[0], (v(&["SBL"]), 99.9, s("24x7"), Some(5)));
    assert_eq!(rows[1], (v(&["TUL", "TT01", "TT02"]), 99.8, s("tul-drift"), Some(5)));
    assert_eq!(rows[2], (v(&["AT", "YT"]), 99.0, s("at-drift"), Some(5)));
    assert_eq!(rows[3], (v(&["SERES"]), 99.8, s("seres-drift"), Some(3)));
    let tul = altinn.calendar("tul-drift").unwrap();
    let ascension = chrono::NaiveDate::from_ymd_opt(2024, 5, 9).unwrap();
    assert_eq!(tul.hours_on(ascension).len(), 1, "TUL: mandag-fredag, holidays included");
    assert!(altinn.calendar("seres-drift").unwrap().hours_on(ascension).is_empty(), "SERES: virkedager only");
    let at = altinn.calendar("at-drift").unwrap();
    assert_eq!(at.business_duration(oslo(2024, 10, 21, 0, 0), oslo(2024, 10, 28, 0, 0)), Duration::hours(50));
}

#[test]
fn tranemo_ulricehamn_numbers_and_holiday_vector() {
    let tu = Agreement::from_toml(TRANEMO).unwrap();
    let labels: Vec<&str> = tu.priorities().iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["intefunktion", "övrigt"]);
    assert_eq!(
        target(&tu, "intefunktion", TargetKind::Resolution),
        (1, TargetUnit::WorkingDays, "support".to_string())
    );
    assert!(tu.priority("övrigt").unwrap().targets.is_empty());
    let desk = tu.support_calendar();
    let week = desk.business_duration(sthlm(2024, 10, 21, 0, 0), sthlm(2024, 10, 28, 0, 0));
    assert_eq!(week, Duration::minutes(4 * 540 + 510), "Mon–Thu 9 h, Fri 8.5 h");
    // Received on Kristi himmelsfärdsdag at 10:00: counting starts 07:30 on Friday; one working
    // day is used up at Friday's closing time.
    let received = sthlm(2024, 5, 9, 10, 0);
    assert_eq!(desk.next_opening(received), Some(sthlm(2024, 5, 10, 7, 30)));
    assert_eq!(due(&tu, "intefunktion", TargetKind::Resolution, received), sthlm(2024, 5, 10, 16, 0));
    // Midsommarafton is closed; Tuesday 10:00 → Wednesday 10:00.
    assert!(desk.hours_on(chrono::NaiveDate::from_ymd_opt(2024, 6, 21).unwrap()).is_empty());
    assert_eq!(
        due(&tu, "intefunktion", TargetKind::Resolution, sthlm(2024, 10, 22, 10, 0)),
        sthlm(2024, 10, 23, 10, 0)
    );
    assert_eq!(tu.spec().services.len(), 28);
    for owner in ["tranemo", "ulricehamn"] {
        assert_eq!(tu.spec().services.iter().filter(|s| s.owner == owner).count(), 14);
    }
    let availability = &tu.spec().availability[0];
    assert_eq!(
        (availability.percent, availability.period, availability.maintenance, availability.max_outages_per_year),
        (99.1, MeasuringPeriod::Year, MaintenancePolicy::Counts, Some(5))
    );
    assert_eq!(availability.services.len(), 28);
}

#[test]
fn stockholm_priorities_are_pending_without_invented_targets() {
    let sthlm_sd = Agreement::from_toml(STOCKHOLM).unwrap();
    let labels: Vec<&str> = sthlm_sd.priorities().iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["P1", "P2", "P3", "P4"]);
    for p in sthlm_sd.priorities() {
        assert!(p.targets.is_empty(), "{} must not have invented targets", p.label);
        assert_eq!(p.pending.as_deref(), Some("values pending annex 3B"));
    }
    assert!(sthlm_sd.support_calendar().is_always_open());
    assert!(sthlm_sd.spec().services.iter().any(|s| s.name == "Sociala systemen"));
}
