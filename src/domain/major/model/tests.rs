//! Declaration, roles and the state machine.

use chrono::Duration;

use super::*;
use crate::domain::major::test_support::{agreement, altinn_major, oslo};

#[test]
fn declaring_normalises_labels_and_makes_the_declarer_incident_manager() {
    let major = altinn_major(false);
    let d = &major.declaration;
    assert_eq!((d.priority.as_str(), d.services.as_slice()), ("A", ["SBL".to_string()].as_slice()));
    assert_eq!(d.organisations, ["nav", "skatteetaten"]);
    assert_eq!(major.state, MajorState::Declared);
    assert_eq!(major.incident_manager(), Some("anna"));
    assert_eq!(major.level(), 0);
}

#[test]
fn organisations_default_to_the_owners_of_the_services() {
    let ror = agreement("ROR-IKT");
    let mut d = altinn_major(false).declaration;
    d.agreement = "ROR-IKT".into();
    d.priority = "Kritisk".into();
    d.services = vec!["MOLDE-EPJ".into(), "RAUMA-EPJ".into(), "molde-etj".into()];
    d.organisations.clear();
    let major = MajorIncident::declare(d, &ror).unwrap();
    assert_eq!(major.declaration.organisations, ["molde", "rauma"]);
    assert_eq!(major.declaration.services, ["MOLDE-EPJ", "RAUMA-EPJ", "MOLDE-ETJ"]);
}

#[test]
fn bad_declarations_are_refused_with_what_to_fix() {
    let altinn = agreement("ALTINN");
    let base = altinn_major(false).declaration;
    type Change = fn(&mut Declaration);
    let cases: [(Change, &str); 6] = [
        (|d| d.impact = " ".into(), "the declaration needs a description of the impact"),
        (|d| d.services.clear(), "the declaration needs at least one affected service"),
        (|d| d.priority = "P1".into(), "agreement ALTINN has no priority 'P1' (known: A, B, C)"),
        (
            |d| d.services = vec!["XYZ".into()],
            "agreement ALTINN does not cover service 'XYZ' (known: SBL, TUL, TT01, TT02, AT, YT, SERES)",
        ),
        (|d| d.agreement = "ROR-IKT".into(), "the declaration is for agreement ROR-IKT, not ALTINN"),
        (|d| d.reference.clear(), "the declaration needs the incident's reference"),
    ];
    for (change, want) in cases {
        let mut d = base.clone();
        change(&mut d);
        assert_eq!(MajorIncident::declare(d, &altinn).unwrap_err().to_string(), want);
    }
}

#[test]
fn one_incident_manager_at_a_time_and_other_roles_accumulate() {
    let mut major = altinn_major(false);
    let t = oslo(2026, 3, 2, 14, 10);
    major.assign(MajorRole::CommunicationsLead, "bjorn", None, t, "anna").unwrap();
    major.assign(MajorRole::SupplierLiaison, "cecilie", Some("driftsleverandor"), t, "anna").unwrap();
    major.assign(MajorRole::IncidentManager, "dag", None, t + Duration::minutes(5), "anna").unwrap();
    assert_eq!(major.incident_manager(), Some("dag"));
    assert_eq!(major.holders(MajorRole::IncidentManager).count(), 1);
    let anna = major.roles.iter().find(|r| r.person == "anna").unwrap();
    assert_eq!(anna.renounced_at, Some(t + Duration::minutes(5)));
    assert_eq!(
        major.assign(MajorRole::CommunicationsLead, "bjorn", None, t + Duration::minutes(6), "dag").unwrap_err(),
        MajorError::AlreadyAssigned { person: "bjorn".into(), role: MajorRole::CommunicationsLead }
    );
    assert_eq!(
        major.renounce(MajorRole::IncidentManager, "dag", t + Duration::minutes(7)),
        Err(MajorError::IncidentManagerRequired)
    );
    major.renounce(MajorRole::CommunicationsLead, "bjorn", t + Duration::minutes(7)).unwrap();
    assert_eq!(major.holders(MajorRole::CommunicationsLead).count(), 0);
    let err = major.assign(MajorRole::Scribe, "eva", None, t, "dag").unwrap_err();
    assert!(err.to_string().contains("is earlier than the last recorded change"), "{err}");
}

#[test]
fn the_state_machine_moves_forward_and_back_but_never_out_of_closed() {
    use MajorState::*;
    let table = [
        (Declared, [false, true, true, false]),
        (Mitigated, [true, false, true, false]),
        (Resolved, [true, false, false, true]),
        (Closed, [false, false, false, false]),
    ];
    for (from, allowed) in table {
        for (to, want) in MajorState::ALL.iter().zip(allowed) {
            assert_eq!(from.may_become(*to), want, "{from} → {to}");
        }
    }
    let mut major = altinn_major(false);
    let t = oslo(2026, 3, 2, 15, 0);
    assert_eq!(
        major.transition(Closed, t, "anna", "").unwrap_err().to_string(),
        "a major incident cannot go from declared to closed: resolve it first"
    );
    major.transition(Mitigated, t, "anna", "workaround").unwrap();
    major.transition(Resolved, t + Duration::hours(1), "anna", "fixed").unwrap();
    assert_eq!(major.resolved_at(), Some(t + Duration::hours(1)));
    major.transition(Closed, t + Duration::hours(2), "anna", "").unwrap();
    assert_eq!(major.resolved_at(), Some(t + Duration::hours(1)));
    assert_eq!(major.transition(Declared, t + Duration::hours(3), "anna", ""), Err(MajorError::Closed));
    assert_eq!(major.state_changes.len(), 3);
}
