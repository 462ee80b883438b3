//! Hand-over notes: assembled items, acknowledgement, Markdown with escaped text.

use chrono::Duration;

use super::*;
use crate::domain::agreement::spec::TargetKind;
use crate::domain::major::cadence::cadence_at;
use crate::domain::major::escalation::EscalationReason;
use crate::domain::major::phone::CallLog;
use crate::domain::major::test_support::{altinn_major, oslo};

fn shifts() -> (Shift, Shift) {
    let at = oslo(2026, 3, 2, 16, 0);
    (
        Shift { mim: "anna".into(), deputy: "bjorn".into(), start: at - Duration::hours(8), end: at },
        Shift { mim: "cecilie".into(), deputy: "dag".into(), start: at, end: at + Duration::hours(8) },
    )
}

fn clock(counting: bool, target: TargetKind) -> ClockRecord {
    ClockRecord {
        target,
        clock: "24x7".into(),
        state: if counting { "warning" } else { "met" }.into(),
        counting,
        due: Some(oslo(2026, 3, 2, 19, 0)),
        replanned_due: None,
        elapsed_seconds: 4 * 3600,
        budget_seconds: Some(5 * 3600),
        breached_at: None,
        met_at: None,
    }
}

fn task(name: &str, done: bool) -> CallTask {
    CallTask {
        organisation: "nav".into(),
        name: name.into(),
        role: "Serviceleder".into(),
        number: "900 00 001".into(),
        calls: if done {
            vec![CallLog {
                at: oslo(2026, 3, 2, 14, 10),
                by: "anna".into(),
                outcome: super::super::phone::CallOutcome::Reached,
                note: "ok".into(),
            }]
        } else {
            Vec::new()
        },
    }
}

#[test]
fn open_items_are_gathered_and_closed_incidents_left_out() {
    let (outgoing, incoming) = shifts();
    let mut open = altinn_major(false);
    open.declaration.title = "SBL *nede* <b>".into();
    let mut closed = altinn_major(true);
    closed.declaration.reference = "INC-2026-0041".into();
    closed.transition(MajorState::Resolved, oslo(2026, 3, 2, 15, 0), "anna", "").unwrap();
    closed.transition(MajorState::Closed, oslo(2026, 3, 2, 15, 30), "anna", "").unwrap();
    let clocks = [clock(true, TargetKind::Resolution), clock(false, TargetKind::Feedback)];
    let tasks = [task("Kari Nordmann", false), task("Ola Nordmann", true)];
    let cadence = cadence_at(
        oslo(2026, 3, 2, 15, 30),
        Duration::minutes(30),
        Duration::minutes(5),
        Duration::minutes(15),
        oslo(2026, 3, 2, 16, 2),
    );
    let proposal = Proposal {
        level: 1,
        level_name: "Serviceleder".into(),
        whom: None,
        reason: EscalationReason::ClockThreshold { target: TargetKind::Resolution, percent: 75 },
    };
    let items = [
        OpenMajor {
            major: &open,
            clocks: &clocks,
            cadence: Some(cadence),
            proposal: Some(&proposal),
            call_tasks: &tasks,
        },
        OpenMajor { major: &closed, clocks: &[], cadence: None, proposal: None, call_tasks: &[] },
    ];
    let note = assemble_handover(
        &outgoing,
        &incoming,
        "Driftsleverandør ringer tilbake 16:30.",
        oslo(2026, 3, 2, 16, 0),
        &items,
    )
    .unwrap();
    assert_eq!((note.outgoing.as_str(), note.incoming.as_str()), ("anna", "cecilie"));
    assert_eq!(note.majors.len(), 1);
    let m = &note.majors[0];
    assert_eq!(m.running_clocks.len(), 1);
    assert_eq!(m.open_calls.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Kari Nordmann"]);
    assert_eq!(m.proposal.as_ref().map(|p| p.level), Some(1));
    let md = note.to_markdown(Lang::Nb, chrono_tz::Europe::Oslo);
    for want in [
        "# Vaktoverlevering 2026-03-02 16:00",
        "- Avtroppende: anna",
        "- Ikke kvittert",
        "Driftsleverandør ringer tilbake 16:30.",
        "### INC-2026-0042 – SBL \\*nede\\* \\<b\\> (A, Erklært)",
        "- Eskaleringsnivå: 0",
        "- Foreslått eskalering: «Serviceleder» (75 % of the resolution time used)",
        "- Neste oppdatering: 2026-03-02 16:00 (forfalt)",
        "  - resolution (24x7): 2026-03-02 19:00, 4 h / 5 h, warning",
        "  - Kari Nordmann (Serviceleder, nav) 900 00 001",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    assert!(!md.contains("INC-2026-0041"));
}

#[test]
fn only_the_incoming_mim_acknowledges_once() {
    let (outgoing, incoming) = shifts();
    let at = oslo(2026, 3, 2, 16, 0);
    let mut note = assemble_handover(&outgoing, &incoming, "Rolig vakt.", at, &[]).unwrap();
    assert_eq!(
        note.acknowledge("bjorn", at).unwrap_err().to_string(),
        "only the incoming MIM (cecilie) can acknowledge this hand-over, not bjorn"
    );
    assert!(matches!(note.acknowledge("cecilie", at - Duration::minutes(1)), Err(HandoverError::BeforeNote { .. })));
    note.acknowledge("cecilie", at + Duration::minutes(2)).unwrap();
    assert!(matches!(
        note.acknowledge("cecilie", at + Duration::minutes(3)),
        Err(HandoverError::AlreadyAcknowledged { .. })
    ));
    let md = note.to_markdown(Lang::En, chrono_tz::Europe::Oslo);
    assert!(md.contains("- Acknowledged by: cecilie 2026-03-02 16:02"), "{md}");
    assert!(md.contains("## Open major incidents\n\nnone"), "{md}");
}

#[test]
fn a_hand_over_needs_a_note_and_another_mim() {
    let (outgoing, incoming) = shifts();
    let at = oslo(2026, 3, 2, 16, 0);
    assert_eq!(assemble_handover(&outgoing, &incoming, " ", at, &[]).unwrap_err(), HandoverError::EmptyNote);
    let same = Shift { mim: "anna".into(), ..incoming };
    assert_eq!(
        assemble_handover(&outgoing, &same, "x", at, &[]).unwrap_err().to_string(),
        "anna is on both shifts: a hand-over needs another incoming MIM"
    );
}
