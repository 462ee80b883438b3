//! The post-incident report: due dates on the support calendar, drafting, completion and rendering.

use super::*;
use crate::domain::agreement::spec::TargetKind;
use crate::domain::major::model::MajorState;
use crate::domain::major::records::{ChannelKind, DeliveryState, TimelineKind};
use crate::domain::major::test_support::{agreement, altinn_major, local, oslo};

#[test]
fn working_days_skip_weekends_and_norwegian_holidays() {
    let altinn = agreement("ALTINN");
    let five = Notice { amount: 5, unit: NoticeUnit::WorkingDays };
    let cases = [
        // Kristi himmelfartsdag (Thursday 14 May 2026) is not a working day.
        (oslo(2026, 5, 12, 10, 0), oslo(2026, 5, 20, 10, 0)),
        // Resolved on a Friday before 2. pinsedag (Monday 25 May): weekend and holiday skipped.
        (oslo(2026, 5, 22, 10, 0), oslo(2026, 6, 1, 10, 0)),
        // Resolved on a Saturday night: counting starts at Monday's opening.
        (oslo(2026, 3, 7, 3, 0), oslo(2026, 3, 16, 8, 0)),
    ];
    for (resolved, want) in cases {
        assert_eq!(report_due(&altinn, &five, resolved).unwrap(), want, "resolved {resolved}");
    }
}

#[test]
fn calendar_days_keep_the_local_time_across_a_dst_change() {
    let sthlm = agreement("STHLM-SD");
    let week = Notice { amount: 7, unit: NoticeUnit::Days };
    let stockholm = chrono_tz::Europe::Stockholm;
    let resolved = local(stockholm, 2026, 3, 25, 10, 0);
    assert_eq!(report_due(&sthlm, &week, resolved).unwrap(), local(stockholm, 2026, 4, 1, 10, 0));
}

fn resolved_major() -> MajorIncident {
    let mut major = altinn_major(true);
    major.transition(MajorState::Mitigated, oslo(2026, 3, 2, 15, 0), "anna", "workaround").unwrap();
    major.transition(MajorState::Resolved, oslo(2026, 3, 2, 17, 30), "anna", "fixed").unwrap();
    major
}

fn timeline() -> Vec<TimelineEntry> {
    let entry = |h, m, kind, text: &str| TimelineEntry {
        at: oslo(2026, 3, 2, h, m),
        kind,
        actor: "anna".into(),
        text: text.into(),
    };
    vec![
        entry(15, 0, TimelineKind::Note, "Workaround: <script>alert('x')</script> & \"reload\"\u{1b}[2J"),
        entry(14, 0, TimelineKind::Event, "Storhendelse erklært"),
    ]
}

fn ledger() -> Vec<LedgerEntry> {
    vec![LedgerEntry {
        at: oslo(2026, 3, 2, 14, 5),
        audience: "nav".into(),
        channel: ChannelKind::Email,
        text: "Storhendelse INC-2026-0042 *nede*".into(),
        sender: "anna".into(),
        state: DeliveryState::Sent,
    }]
}

fn clocks() -> Vec<ClockRecord> {
    vec![ClockRecord {
        target: TargetKind::Resolution,
        clock: "24x7".into(),
        state: "met".into(),
        counting: false,
        due: Some(oslo(2026, 3, 2, 19, 0)),
        replanned_due: None,
        elapsed_seconds: 3 * 3600 + 30 * 60,
        budget_seconds: Some(5 * 3600),
        breached_at: None,
        met_at: Some(oslo(2026, 3, 2, 17, 30)),
    }]
}

pub(crate) fn draft() -> PostIncidentReport {
    let altinn = agreement("ALTINN");
    draft_report(&resolved_major(), &altinn, &MajorPolicy::default(), &timeline(), &clocks(), &ledger()).unwrap()
}

#[test]
fn the_draft_is_assembled_from_the_records() {
    let altinn = agreement("ALTINN");
    let open = altinn_major(false);
    assert_eq!(
        draft_report(&open, &altinn, &MajorPolicy::default(), &[], &[], &[]).unwrap_err().to_string(),
        "the major incident is declared: the post-incident report is drafted once it is resolved"
    );
    let report = draft();
    assert_eq!(report.header.resolved_at, oslo(2026, 3, 2, 17, 30));
    // Resolved after the servicedesk closed (15:45): counting starts at Tuesday's opening.
    assert_eq!(report.header.due, oslo(2026, 3, 10, 8, 0));
    assert_eq!(report.records.timeline[0].text, "Storhendelse erklært");
    assert_eq!(report.findings.summary, "SBL utilgjengelig. 2026-03-02 14:00 – 2026-03-02 17:30 (3 h 30 m).");
    assert_eq!(report.findings.impact, "Innlogging til Altinn feiler for alle sluttbrukere.");
    assert!(!report.is_overdue(oslo(2026, 3, 10, 8, 0)) && report.is_overdue(oslo(2026, 3, 10, 8, 1)));
}

#[test]
fn completion_needs_every_section_and_owned_actions() {
    let mut report = draft();
    assert_eq!(
        report.complete("anna", oslo(2026, 3, 3, 9, 0)).unwrap_err().to_string(),
        "the report cannot be completed: fill in root cause, lessons learned"
    );
    report.findings.root_cause = "Feil konfigurasjon i lastbalanserer.".into();
    report.findings.lessons = "Endringer i lastbalanserer krever to personer.".into();
    report.findings.actions = vec![FollowUp { text: "Innfør firøyneprinsipp".into(), owner: " ".into(), due: None }];
    assert_eq!(report.complete("anna", oslo(2026, 3, 3, 9, 0)), Err(ReportError::FollowUpIncomplete { number: 1 }));
    report.findings.actions[0].owner = "driftsleverandor".into();
    assert_eq!(report.complete(" ", oslo(2026, 3, 3, 9, 0)), Err(ReportError::NoCompleter));
    report.complete("anna", oslo(2026, 3, 3, 9, 0)).unwrap();
    assert!(!report.is_overdue(oslo(2026, 4, 1, 0, 0)));
    assert!(matches!(report.complete("anna", oslo(2026, 3, 3, 9, 5)), Err(ReportError::AlreadyCompleted { .. })));
}
