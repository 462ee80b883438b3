#![allow(clippy::unwrap_used)]

use super::*;
use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::{Priority, TargetKind};

const ALTINN: &str = include_str!("../../../agreements/altinn.toml");

fn altinn() -> AgreementSpec {
    Agreement::from_toml(ALTINN).unwrap().spec().clone()
}

fn lines(changes: &[Change]) -> Vec<String> {
    changes.iter().map(Change::to_string).collect()
}

#[test]
fn the_same_version_has_no_changes_and_reordering_is_none() {
    let spec = altinn();
    assert!(diff(&spec, &spec).is_empty());
    let mut reordered = spec.clone();
    reordered.services.reverse();
    reordered.calendars.reverse();
    assert_eq!(diff(&spec, &reordered), Vec::new());
}

#[test]
fn a_target_reads_as_amount_and_unit_in_words() {
    let before = altinn();
    let mut after = before.clone();
    let a = after.priorities.iter_mut().find(|p| p.label == "A").unwrap();
    let resolution = a.targets.iter_mut().find(|t| t.kind == TargetKind::Resolution).unwrap();
    resolution.amount = 4;
    after.version = "2.1".into();
    let changes = diff(&before, &after);
    assert_eq!(lines(&changes), ["priority A resolution target: 5 h → 4 h", "version: 2.0 → 2.1"]);
    assert_eq!(changes[0].kind, ChangeKind::Changed);
    assert_eq!(changes[0].before.as_deref(), Some("5 h"));
}

#[test]
fn a_new_priority_is_one_line_and_a_removed_service_too() {
    let before = altinn();
    let mut after = before.clone();
    after.priorities.push(Priority {
        label: "D".into(),
        name: None,
        criteria: "Spørsmål".into(),
        work_mode: None,
        pending: None,
        targets: Vec::new(),
    });
    let removed = after.services.remove(0);
    let changes = diff(&before, &after);
    assert_eq!(
        lines(&changes),
        ["priority D added".to_string(), format!("service {} removed", removed.code)],
        "{changes:#?}"
    );
}

#[test]
fn calendar_hours_availability_and_clock_rules_are_named() {
    let before = altinn();
    let mut after = before.clone();
    let servicedesk = after.calendars.iter_mut().find(|c| c.code == "servicedesk").unwrap();
    let mut hours = servicedesk.hours.clone();
    for ranges in hours.values_mut() {
        *ranges = vec!["08:00-16:00".parse().unwrap()];
    }
    servicedesk.hours = hours;
    after.availability[0].percent = 99.5;
    after.clock.pause_reasons = vec!["venter på kunde".into()];
    let text = lines(&diff(&before, &after));
    assert!(text.contains(&"calendar servicedesk hours mon-fri: 08:00-15:45 → 08:00-16:00".to_string()), "{text:#?}");
    assert!(text.contains(&"availability target for SBL percent: 99.9 → 99.5".to_string()), "{text:#?}");
    assert!(
        text.iter().any(|l| l.starts_with("clock pause reasons: ") && l.ends_with("→ venter på kunde")),
        "{text:#?}"
    );
}
