#![allow(clippy::unwrap_used)]
//! Hand-checked on the Altinn seed: A's resolution is 5 h around the clock; B's is 8 h of the service desk's
//! opening hours (Mon–Fri 08:00–15:45 Oslo in November, 7 h 45 min a day); SBL's availability target is 99.9 % of
//! the calendar month around the clock.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::domain::agreement::spec::{AgreementSpec, TargetKind};
use crate::domain::sla::EventKind;

const ALTINN: &str = include_str!("../../../agreements/altinn.toml");

fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
}

fn altinn() -> Agreement {
    Agreement::from_toml(ALTINN).unwrap()
}

/// Altinn with one priority's resolution target set to `hours`.
fn with_resolution(label: &str, hours: u32) -> Agreement {
    let mut spec: AgreementSpec = altinn().spec().clone();
    spec.version = "2.1".into();
    let priority = spec.priorities.iter_mut().find(|p| p.label == label).unwrap();
    priority.targets.iter_mut().find(|t| t.kind == TargetKind::Resolution).unwrap().amount = hours;
    Agreement::from_spec(spec).unwrap()
}

fn received<'a>(reference: &str, priority: &str, at: DateTime<Utc>, by: &'a Agreement) -> OpenIncident<'a> {
    OpenIncident {
        reference: reference.into(),
        events: vec![IncidentEvent::new(at, EventKind::Received { priority: Some(priority.into()) })],
        measured_by: by,
    }
}

fn november() -> Period {
    Period { from: utc(1, 0, 0) - chrono::Duration::hours(1), to: utc(30, 23, 0) }
}

#[test]
fn a_shorter_target_moves_the_deadline_earlier_and_breaches_it() {
    let current = altinn();
    let proposed = with_resolution("A", 4);
    // Received 09:00 Oslo (08:00 UTC): due 13:00 UTC today, 12:00 UTC with 4 h. At 12:30 UTC only the new one is
    // breached.
    let incidents = [received("INC-1", "A", utc(24, 8, 0), &current)];
    let outcome = what_if(&proposed, Some(&current), &incidents, &[], november(), utc(24, 12, 30));
    assert_eq!(outcome.incidents, 1);
    let [change] = outcome.deadlines.as_slice() else { panic!("{outcome:#?}") };
    assert_eq!(
        (change.target, change.due_before, change.due_after),
        (TargetKind::Resolution, Some(utc(24, 13, 0)), Some(utc(24, 12, 0)))
    );
    assert_eq!(change.moved_seconds, Some(-3600));
    assert_eq!(change.verdict, Verdict::BecomesBreached);
    assert_eq!(outcome.becoming_breached().count(), 1);
}

#[test]
fn a_longer_target_stops_a_breach() {
    let current = altinn();
    let proposed = with_resolution("A", 6);
    let incidents = [received("INC-1", "A", utc(24, 8, 0), &current)];
    let outcome = what_if(&proposed, Some(&current), &incidents, &[], november(), utc(24, 13, 30));
    let [change] = outcome.deadlines.as_slice() else { panic!("{outcome:#?}") };
    assert_eq!(change.due_after, Some(utc(24, 14, 0)));
    assert_eq!(change.moved_seconds, Some(3600));
    assert_eq!(change.verdict, Verdict::StopsBeingBreached);
}

#[test]
fn business_hours_deadlines_move_across_the_night() {
    let current = altinn();
    let proposed = with_resolution("B", 6);
    // Tue 24 Nov 09:00 Oslo. 8 h: 6 h 45 min on Tuesday, 1 h 15 min on Wednesday → Wed 09:15 Oslo (08:15 UTC).
    // 6 h: Tue 15:00 Oslo (14:00 UTC). The move is 18 h 15 min earlier.
    let incidents = [received("INC-2", "B", utc(24, 8, 0), &current), received("INC-3", "C", utc(24, 8, 0), &current)];
    let outcome = what_if(&proposed, Some(&current), &incidents, &[], november(), utc(24, 14, 30));
    let [change] = outcome.deadlines.as_slice() else { panic!("{outcome:#?}") };
    assert_eq!(change.reference, "INC-2");
    assert_eq!((change.due_before, change.due_after), (Some(utc(25, 8, 15)), Some(utc(24, 14, 0))));
    assert_eq!(change.moved_seconds, Some(-(18 * 3600 + 15 * 60)));
    assert_eq!(change.verdict, Verdict::BecomesBreached);
}

#[test]
fn an_incident_whose_priority_is_gone_is_named_not_dropped() {
    let current = altinn();
    let mut spec = current.spec().clone();
    spec.priorities.retain(|p| p.label != "C");
    let proposed = Agreement::from_spec(spec).unwrap();
    let incidents = [received("INC-4", "C", utc(24, 8, 0), &current)];
    let outcome = what_if(&proposed, Some(&current), &incidents, &[], november(), utc(24, 9, 0));
    assert!(outcome.deadlines.is_empty());
    let [gone] = outcome.unmeasurable.as_slice() else { panic!("{outcome:#?}") };
    assert!(gone.reason.contains("'C'"), "{}", gone.reason);
}

#[test]
fn availability_of_the_month_by_both_targets() {
    let current = altinn();
    let mut spec = current.spec().clone();
    spec.availability.iter_mut().find(|t| t.services.contains(&"SBL".to_string())).unwrap().percent = 99.5;
    let proposed = Agreement::from_spec(spec).unwrap();
    // One hour down in a 720-hour month: 719/720 = 99.861 %. Below 99.9 %, above 99.5 %.
    let outage = Outage {
        id: 1,
        start: utc(10, 10, 0),
        end: Some(utc(10, 11, 0)),
        degraded: false,
        exclusion: None,
        exercise: false,
    };
    let sbl = ServiceRecord { service: "SBL".into(), outages: vec![outage], windows: Vec::new() };
    let untouched = ServiceRecord { service: "TUL".into(), ..Default::default() };
    let outcome = what_if(&proposed, Some(&current), &[], &[sbl, untouched], november(), utc(24, 12, 0));
    let [change] = outcome.availability.as_slice() else { panic!("{outcome:#?}") };
    assert_eq!((change.target_before, change.target_after), (Some(99.9), Some(99.5)));
    let figure = change.availability_after.unwrap();
    assert!((figure - 719.0 / 720.0).abs() < 1e-9, "{figure}");
    assert_eq!((change.met_before, change.met_after), (Some(false), Some(true)));
}

#[test]
fn longer_opening_hours_bring_a_business_hours_deadline_forward() {
    let current = altinn();
    let mut spec = current.spec().clone();
    let servicedesk = spec.calendars.iter_mut().find(|c| c.code == "servicedesk").unwrap();
    for ranges in servicedesk.hours.values_mut() {
        *ranges = vec!["08:00-16:45".parse().unwrap()];
    }
    let proposed = Agreement::from_spec(spec).unwrap();
    // B received Tue 24 Nov 09:00 Oslo, 8 h of opening hours. Until 16:45 there are 7 h 45 min on Tuesday, so it
    // is due Wed 08:15 Oslo (07:15 UTC) instead of 09:15: an hour earlier, breached by neither at Tue 12:00.
    let incidents = [received("INC-5", "B", utc(24, 8, 0), &current)];
    let outcome = what_if(&proposed, Some(&current), &incidents, &[], november(), utc(24, 11, 0));
    let [change] = outcome.deadlines.as_slice() else { panic!("{outcome:#?}") };
    assert_eq!((change.due_before, change.due_after), (Some(utc(25, 8, 15)), Some(utc(25, 7, 15))));
    assert_eq!((change.moved_seconds, change.verdict), (Some(-3600), Verdict::Moves));
}
