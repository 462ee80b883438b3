//! Parsing, defaults and validation of the `[major]` section.

use chrono::Duration;

use super::*;
use crate::domain::major::test_support::agreement;

fn parse(text: &str) -> MajorPolicy {
    toml::from_str(text).unwrap()
}

#[test]
fn a_missing_section_is_the_explicit_default() {
    let policy = parse("");
    assert!(policy.is_default());
    assert_eq!(policy.cadence.due_soon, Duration::minutes(5));
    assert_eq!(policy.cadence.grace, Duration::minutes(15));
    assert_eq!(policy.report.due, Notice { amount: 5, unit: NoticeUnit::WorkingDays });
    assert_eq!(policy.cadence.interval_for("A"), None);
    assert!(policy.levels().is_empty());
    assert_eq!(policy.lang(Region::Se), Lang::Sv);
    assert_eq!(toml::to_string(&policy).unwrap(), "");
}

#[test]
fn cadence_intervals_are_found_by_label_then_otherwise() {
    let policy = parse(
        r#"
        [cadence]
        intervals = [{ priority = "Kritisk", every = "30m" }, { priority = "Høy", every = "1h" }]
        otherwise = "2h"
        grace = "10m"
        "#,
    );
    let cases = [("Kritisk", 30), ("kritisk", 30), ("HØY", 60), ("Middels", 120)];
    for (label, minutes) in cases {
        assert_eq!(policy.cadence.interval_for(label), Some(Duration::minutes(minutes)), "{label}");
    }
    assert_eq!(policy.cadence.grace, Duration::minutes(10));
    let round_trip: MajorPolicy = toml::from_str(&toml::to_string(&policy).unwrap()).unwrap();
    assert_eq!(round_trip, policy);
}

#[test]
fn escalation_defaults_watch_resolution_at_75_and_90_percent() {
    let policy = parse("[escalation]\nlevels = [{ name = \"Operativt\" }, { name = \"Serviceleder\" }]");
    let escalation = policy.escalation.unwrap();
    assert_eq!(escalation.clock_thresholds, [75, 90]);
    assert_eq!(escalation.clock_targets, [TargetKind::Resolution]);
    assert!(escalation.on_missed_update && !escalation.allow_skip);
}

#[test]
fn invalid_settings_are_refused_with_the_setting_named() {
    let spec = agreement("ALTINN").spec().clone();
    let cases = [
        (
            r#"cadence = { intervals = [{ priority = "P1", every = "30m" }] }"#,
            "major.cadence names priority 'P1', which the agreement does not define (known: A, B, C)",
        ),
        (
            r#"cadence = { intervals = [{ priority = "A", every = "30m" }, { priority = "a", every = "1h" }] }"#,
            "major.cadence lists priority 'a' twice",
        ),
        (
            r#"cadence = { intervals = [{ priority = "A", every = "5m" }] }"#,
            "major.cadence.due_soon (5m) must be shorter than the interval of A (5m)",
        ),
        (
            r#"cadence = { intervals = [{ priority = "A", every = "0m" }] }"#,
            "major.cadence: the interval of A must be longer than zero",
        ),
        (
            "escalation = { levels = [] }",
            "the escalation ladder [major.escalation] has no levels: add at least one, e.g. levels = [{ name = \"Operational\" }]",
        ),
        (r#"escalation = { levels = [{ name = "X" }, { name = "X" }] }"#, "major.escalation lists level 'X' twice"),
        (
            r#"escalation = { levels = [{ name = "X" }], clock_thresholds = [90, 75] }"#,
            "major.escalation.clock_thresholds [90, 75] must be ascending percentages between 1 and 100",
        ),
        (
            r#"phone_duty = { priorities = ["A"] }"#,
            "major.phone_duty lists priorities but no contact roles to call (e.g. roles = [\"Serviceleder\"])",
        ),
        (
            r#"phone_duty = { priorities = ["D"], roles = ["Serviceleder"] }"#,
            "major.phone_duty names priority 'D', which the agreement does not define (known: A, B, C)",
        ),
        (
            r#"report = { due = { amount = 0, unit = "days" } }"#,
            "major.report.due must be at least 1 day or working day",
        ),
        (r#"duty = { phone = " " }"#, "major.duty.phone is empty: remove it or give a value"),
    ];
    for (text, want) in cases {
        assert_eq!(validate_policy(&parse(text), &spec), Err(want.to_string()), "{text}");
    }
    assert_eq!(validate_policy(&MajorPolicy::default(), &spec), Ok(()));
}

#[test]
fn unknown_keys_are_refused() {
    let err = toml::from_str::<MajorPolicy>("cadance = {}").unwrap_err().to_string();
    assert!(err.contains("unknown field `cadance`"), "{err}");
}
