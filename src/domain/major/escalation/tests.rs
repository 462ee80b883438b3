//! Proposals at thresholds without duplicates or skipped levels, and recorded steps.

use chrono::Duration;

use super::*;
use crate::domain::agreement::major_policy::LadderLevel;
use crate::domain::major::cadence::cadence_at;
use crate::domain::major::model::MajorState;
use crate::domain::major::test_support::{altinn_major, oslo};

/// The Altinn ladder [ALT 4.1] with the default thresholds.
fn ladder(allow_skip: bool) -> EscalationPolicy {
    let level =
        |name: &str, whom: Option<&str>| LadderLevel { name: name.into(), whom: whom.map(Into::into), note: None };
    EscalationPolicy {
        levels: vec![
            level("Operativt nivå", None),
            level("Serviceleder", Some("Serviceleder hos avtalemotparten")),
            level("Seksjonsleder Forvaltning og tjenesterealisering", Some("Seksjonsleder FT")),
            level("Avdelingsdirektør/direktør", Some("Avdelingsdirektør")),
        ],
        clock_thresholds: vec![75, 90],
        clock_targets: vec![TargetKind::Resolution],
        on_missed_update: true,
        allow_skip,
    }
}

/// A counting resolution clock with 5 h budget and `percent` used.
fn clock(percent: i64) -> ClockRecord {
    ClockRecord {
        target: TargetKind::Resolution,
        clock: "24x7".into(),
        state: "running".into(),
        counting: true,
        due: Some(oslo(2026, 3, 2, 19, 0)),
        replanned_due: None,
        elapsed_seconds: 5 * 3600 * percent / 100,
        budget_seconds: Some(5 * 3600),
        breached_at: None,
        met_at: None,
    }
}

fn threshold(percent: u8) -> EscalationReason {
    EscalationReason::ClockThreshold { target: TargetKind::Resolution, percent }
}

fn step_to(major: &mut MajorIncident, policy: &EscalationPolicy, proposal: &Proposal, minutes: i64) {
    let request = EscalationRequest {
        level: Some(proposal.level),
        at: oslo(2026, 3, 2, 14, 0) + Duration::minutes(minutes),
        by: "vakt".into(),
        whom: None,
        reason: proposal.reason.clone(),
    };
    escalate(Some(policy), major, request).unwrap();
}

#[test]
fn thresholds_propose_the_next_level_once_each() {
    let policy = ladder(false);
    let mut major = altinn_major(false);
    let cases = [
        (0, None),
        (74, None),
        (75, Some((1, threshold(75)))),
        (89, Some((1, threshold(75)))),
        (90, Some((1, threshold(75)))),
    ];
    for (percent, want) in cases {
        let got = propose(&policy, &major, &[clock(percent)], None, &[]).map(|p| (p.level, p.reason));
        assert_eq!(got, want, "{percent} %");
    }
    // Both thresholds crossed: one level at a time, each citing its own threshold, never repeated.
    let first = propose(&policy, &major, &[clock(95)], None, &[]).unwrap();
    assert_eq!(
        (first.level, first.level_name.as_str(), first.whom.as_deref()),
        (1, "Serviceleder", Some("Serviceleder hos avtalemotparten"))
    );
    step_to(&mut major, &policy, &first, 10);
    let second = propose(&policy, &major, &[clock(95)], None, &[]).unwrap();
    assert_eq!((second.level, second.reason.clone()), (2, threshold(90)));
    step_to(&mut major, &policy, &second, 20);
    assert_eq!(propose(&policy, &major, &[clock(99)], None, &[]), None);
    // A breach counts as 100 %, but the thresholds only reach level 2.
    let mut breached = clock(100);
    breached.breached_at = Some(oslo(2026, 3, 2, 19, 0));
    assert_eq!(propose(&policy, &major, &[breached], None, &[]), None);
}

#[test]
fn skipping_is_proposed_only_when_the_policy_allows_it() {
    let major = altinn_major(false);
    let skip = propose(&ladder(true), &major, &[clock(92)], None, &[]).unwrap();
    assert_eq!((skip.level, skip.reason), (2, threshold(90)));
}

#[test]
fn ignored_clocks_dismissals_and_inactive_incidents_propose_nothing() {
    let policy = ladder(false);
    let major = altinn_major(false);
    let mut stopped = clock(95);
    stopped.counting = false;
    let mut response = clock(95);
    response.target = TargetKind::Response;
    let mut unbudgeted = clock(95);
    unbudgeted.budget_seconds = None;
    for c in [stopped, response, unbudgeted] {
        assert_eq!(propose(&policy, &major, &[c], None, &[]), None);
    }
    let after_dismissal = propose(&policy, &major, &[clock(80)], None, &[threshold(75)]);
    assert_eq!(after_dismissal, None);
    let mut resolved = altinn_major(false);
    resolved.transition(MajorState::Resolved, oslo(2026, 3, 2, 15, 0), "anna", "").unwrap();
    assert_eq!(propose(&policy, &resolved, &[clock(95)], None, &[]), None);
}

#[test]
fn a_missed_update_proposes_one_step_per_missed_due() {
    let policy = ladder(false);
    let mut major = altinn_major(false);
    let declared = major.declaration.at;
    let (interval, lead, grace) = (Duration::minutes(30), Duration::minutes(5), Duration::minutes(15));
    let overdue = cadence_at(declared, interval, lead, grace, declared + Duration::minutes(44));
    assert_eq!(propose(&policy, &major, &[], Some(&overdue), &[]), None);
    let missed = cadence_at(declared, interval, lead, grace, declared + Duration::minutes(45));
    let proposal = propose(&policy, &major, &[], Some(&missed), &[]).unwrap();
    assert_eq!(
        (proposal.level, proposal.reason.clone()),
        (1, EscalationReason::MissedUpdate { due: declared + interval })
    );
    step_to(&mut major, &policy, &proposal, 45);
    assert_eq!(propose(&policy, &major, &[], Some(&missed), &[]), None);
    let later = declared + Duration::hours(2);
    let missed_again = cadence_at(later, interval, lead, grace, later + Duration::minutes(50));
    assert_eq!(propose(&policy, &major, &[], Some(&missed_again), &[]).map(|p| p.level), Some(2));
    let mut quiet = policy.clone();
    quiet.on_missed_update = false;
    assert_eq!(propose(&quiet, &major, &[], Some(&missed_again), &[]), None);
}

#[test]
fn manual_escalation_is_always_possible_one_level_at_a_time() {
    let policy = ladder(false);
    let mut major = altinn_major(false);
    let at = oslo(2026, 3, 2, 14, 30);
    let manual = |level: Option<usize>, whom: Option<&str>, note: &str| EscalationRequest {
        level,
        at,
        by: "anna".into(),
        whom: whom.map(Into::into),
        reason: EscalationReason::Manual { note: note.into() },
    };
    let err = |r: Result<&EscalationStep, EscalationError>| r.unwrap_err().to_string();
    assert_eq!(
        err(escalate(Some(&policy), &mut major, manual(Some(2), None, "slow"))),
        "escalate one level at a time: the next level is 'Serviceleder' (the agreement does not allow skipping levels)"
    );
    assert_eq!(
        err(escalate(Some(&policy), &mut major, manual(None, None, " "))),
        "the escalation needs a reason (what could not be solved at this level)"
    );
    let step = escalate(Some(&policy), &mut major, manual(None, Some("Kari Nordmann"), "repeated deviation")).unwrap();
    assert_eq!(
        (step.level, step.level_name.as_str(), step.whom.as_str(), step.by.as_str()),
        (1, "Serviceleder", "Kari Nordmann", "anna")
    );
    assert_eq!(
        err(escalate(Some(&policy), &mut major, manual(Some(1), None, "x"))),
        "the major incident is already at level 1 'Serviceleder'"
    );
    assert_eq!(
        err(escalate(Some(&policy), &mut major, manual(Some(9), None, "x"))),
        "the ladder has no level 9 (levels 0–3)"
    );
    escalate(Some(&policy), &mut major, manual(None, None, "no agreement")).unwrap();
    escalate(Some(&policy), &mut major, manual(None, None, "still none")).unwrap();
    assert_eq!(major.level(), 3);
    assert_eq!(
        err(escalate(Some(&policy), &mut major, manual(None, None, "x"))),
        "the major incident is already at the top of the ladder ('Avdelingsdirektør/direktør')"
    );
    let mut early = altinn_major(false);
    let mut request = manual(None, None, "x");
    request.at = early.declaration.at - Duration::minutes(1);
    assert!(err(escalate(Some(&policy), &mut early, request)).contains("is earlier than the last recorded change"));
    let no_whom = EscalationPolicy {
        levels: vec![
            LadderLevel { name: "A".into(), whom: None, note: None },
            LadderLevel { name: "B".into(), whom: None, note: None },
        ],
        ..policy.clone()
    };
    assert_eq!(
        err(escalate(Some(&no_whom), &mut altinn_major(false), manual(None, None, "x"))),
        "the escalation needs whom it goes to (name or role)"
    );
    assert_eq!(
        err(escalate(None, &mut altinn_major(false), manual(None, None, "x"))),
        "agreement ALTINN defines no escalation ladder: add [major.escalation] levels to the agreement"
    );
}
