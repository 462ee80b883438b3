use super::*;
use crate::domain::agreement::Agreement;
use chrono::TimeZone;

fn seed(code: &str) -> Agreement {
    let files = [
        include_str!("../../../../agreements/altinn.toml"),
        include_str!("../../../../agreements/ror-ikt.toml"),
        include_str!("../../../../agreements/stockholm.toml"),
        include_str!("../../../../agreements/tranemo-ulricehamn.toml"),
    ];
    files.iter().map(|t| Agreement::from_toml(t).unwrap()).find(|a| a.code() == code).unwrap()
}

fn current(status: Status, priority: Option<&str>) -> Current {
    Current {
        status,
        priority: priority.map(String::from),
        security: false,
        personal_data: false,
        workaround: false,
        deprioritised: false,
        assignee: None,
    }
}

fn refused(agreement: &Agreement, current: &Current, action: IncidentAction) -> String {
    plan(agreement, current, &action).unwrap_err().0
}

#[test]
fn priority_is_mandatory_before_leaving_new() {
    let ror = seed("ROR-IKT");
    let new = current(Status::New, None);
    assert!(refused(&ror, &new, IncidentAction::Acknowledge).contains("set a priority"));
    assert!(refused(&ror, &new, IncidentAction::Resolve).contains("set a priority"));
    let outcome = plan(&ror, &new, &IncidentAction::ChangePriority { to: "høy".into(), reason: None }).unwrap();
    assert_eq!(outcome.changes.priority.as_deref(), Some("Høy"), "labels match case-insensitively");
    let acked = plan(&ror, &current(Status::New, Some("Høy")), &IncidentAction::Acknowledge).unwrap();
    assert_eq!(acked.changes.status, Some(Status::Acknowledged));
    assert_eq!(acked.events[0].clock, Some(EventKind::Responded));
}

#[test]
fn priorities_outside_the_scheme_name_the_scheme() {
    let ror = seed("ROR-IKT");
    let message =
        refused(&ror, &current(Status::New, None), IncidentAction::ChangePriority { to: "A".into(), reason: None });
    assert!(message.contains("Kritisk, Høy, Middels, Lav"), "{message}");
}

#[test]
fn altinn_security_incidents_are_a_and_stay_a_while_flagged() {
    let altinn = seed("ALTINN");
    let b = current(Status::InProgress, Some("B"));
    let flagged = plan(&altinn, &b, &IncidentAction::FlagSecurity).unwrap();
    assert_eq!(flagged.changes.security, Some(true));
    assert_eq!(flagged.changes.priority.as_deref(), Some("A"));
    assert_eq!(flagged.events.iter().map(|e| e.kind).collect::<Vec<_>>(), ["security_flagged", "priority_changed"]);
    let a = Current { security: true, ..current(Status::InProgress, Some("A")) };
    let message = refused(&altinn, &a, IncidentAction::ChangePriority { to: "C".into(), reason: None });
    assert!(message.contains("cannot be changed while it is flagged"), "{message}");
    let cleared = Current { security: false, ..a.clone() };
    assert!(plan(&altinn, &cleared, &IncidentAction::ChangePriority { to: "C".into(), reason: None }).is_ok());
    // ROR has no such rule: flagging does not touch the priority.
    let ror = seed("ROR-IKT");
    let flagged = plan(&ror, &current(Status::InProgress, Some("Lav")), &IncidentAction::FlagSecurity).unwrap();
    assert_eq!(flagged.changes.priority, None);
}

#[test]
fn altinn_c_may_be_deprioritised_only_with_a_workaround() {
    let altinn = seed("ALTINN");
    let c = current(Status::InProgress, Some("C"));
    let reason = || IncidentAction::Deprioritise { reason: "workaround accepted by TE".into() };
    assert!(refused(&altinn, &c, reason()).contains("needs a workaround"));
    let with_workaround = Current { workaround: true, ..c };
    let outcome = plan(&altinn, &with_workaround, &reason()).unwrap();
    assert_eq!(outcome.changes.deprioritised, Some(true));
    assert_eq!(outcome.events[0].clock, Some(EventKind::Deprioritised));
    let b = Current { workaround: true, ..current(Status::InProgress, Some("B")) };
    assert!(refused(&altinn, &b, reason()).contains("does not allow"));
}

#[test]
fn ror_replans_need_an_allowed_counterpart_and_keep_the_target() {
    let ror = seed("ROR-IKT");
    let high = current(Status::InProgress, Some("Høy"));
    let due = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let replan = |counterpart: &str| IncidentAction::Replan {
        target: TargetKind::Resolution,
        new_due: due,
        counterpart: counterpart.into(),
        reason: "tredjepartsleverandør".into(),
    };
    let outcome = plan(&ror, &high, &replan("systemeier")).unwrap();
    assert_eq!(outcome.events[0].kind, "replanned");
    assert_eq!(outcome.events[0].data.new_due, Some(due));
    assert!(refused(&ror, &high, replan("ordfører")).contains("innmelder, systemeier, systemansvarlig"));
    let altinn = seed("ALTINN");
    assert!(refused(&altinn, &current(Status::InProgress, Some("B")), replan("systemeier")).contains("does not allow"));
    // The agreed due time is still to come when it is recorded.
    assert!(check_at(&replan("systemeier"), due - chrono::Duration::minutes(1)).is_ok());
    let late = check_at(&replan("systemeier"), due).unwrap_err().0;
    assert!(late.contains("already passed"), "{late}");
}

#[test]
fn pausing_is_refused_unless_the_agreement_allows_the_reason() {
    let ror = seed("ROR-IKT");
    let message =
        refused(&ror, &current(Status::InProgress, Some("Høy")), IncidentAction::Pause { reason: "waiting".into() });
    assert!(message.contains("allows no pausing"), "{message}");
}

#[test]
fn the_lifecycle_runs_resolve_close_reopen() {
    let tu = seed("TU-IT");
    let working = current(Status::InProgress, Some("intefunktion"));
    assert!(refused(&tu, &working, IncidentAction::Close).contains("only a resolved incident"));
    let resolved = plan(&tu, &working, &IncidentAction::Resolve).unwrap();
    assert_eq!(resolved.changes.status, Some(Status::Resolved));
    let done = current(Status::Resolved, Some("intefunktion"));
    assert!(refused(&tu, &done, IncidentAction::MarkWorkaround).contains("reopen it first"));
    assert_eq!(plan(&tu, &done, &IncidentAction::Close).unwrap().changes.status, Some(Status::Closed));
    let reopened = plan(&tu, &current(Status::Closed, Some("intefunktion")), &IncidentAction::Reopen).unwrap();
    assert_eq!((reopened.changes.status, reopened.changes.reopened), (Some(Status::InProgress), Some(true)));
    assert!(refused(&tu, &working, IncidentAction::Note { text: "  ".into() }).contains("must not be empty"));
}

#[test]
fn assigning_a_person_starts_the_work() {
    let tu = seed("TU-IT");
    let acked = current(Status::Acknowledged, Some("övrigt"));
    let action = IncidentAction::Assign { assignee: Some("sara".into()), line: Some(SupportLine::Second), group: None };
    let outcome = plan(&tu, &acked, &action).unwrap();
    assert_eq!(outcome.changes.status, Some(Status::InProgress));
    assert_eq!(outcome.changes.assignee, Some(Some("sara".into())));
    assert_eq!(outcome.events[0].data.line.as_deref(), Some("2nd"));
    let nobody = IncidentAction::Assign { assignee: None, line: None, group: None };
    assert!(refused(&tu, &acked, nobody).contains("whom"));
}

#[test]
fn feedback_is_logged_for_a_known_channel() {
    let ror = seed("ROR-IKT");
    let high = current(Status::InProgress, Some("Høy"));
    let feedback = |channel: &str| IncidentAction::LogFeedback { channel: channel.into(), text: "ringt".into() };
    assert_eq!(plan(&ror, &high, &feedback("Phone")).unwrap().events[0].data.channel.as_deref(), Some("phone"));
    assert!(refused(&ror, &high, feedback("pigeon")).contains("email, phone, sms"));
}

#[test]
fn personal_data_and_notifications_belong_to_a_flagged_security_incident() {
    let altinn = seed("ALTINN");
    let plain = current(Status::InProgress, Some("A"));
    let at = Utc.with_ymd_and_hms(2026, 3, 29, 10, 0, 0).unwrap();
    let notify = |duty: &str| IncidentAction::RecordNotification { duty: duty.into(), at, note: None };
    assert!(refused(&altinn, &plain, IncidentAction::FlagPersonalData).contains("flag it as one first"));
    assert!(refused(&altinn, &plain, notify("nis2-early")).contains("flagged security incident"));

    let security = Current { security: true, ..plain.clone() };
    let flagged = plan(&altinn, &security, &IncidentAction::FlagPersonalData).unwrap();
    assert_eq!(flagged.changes.personal_data, Some(true));
    assert!(refused(&altinn, &security, notify("gdpr-breach")).contains("personal-data breach"));
    assert!(refused(&altinn, &security, notify("nis2-late")).contains("nis2-early, nis2-notification"));

    // Codes are forgiving about case and underscores; the authority is recorded as the agreement names it now.
    let recorded = plan(&altinn, &security, &notify("NIS2_early")).unwrap();
    assert_eq!(recorded.events[0].kind, "authority_notified");
    assert_eq!(recorded.events[0].data.duty.as_deref(), Some("nis2-early"));
    assert_eq!(recorded.events[0].data.authority.as_deref(), Some("NSM NorCERT"));
    assert_eq!(recorded.events[0].data.notified_at, Some(at));
    // A final report is often sent after resolution.
    let resolved = Current { status: Status::Resolved, ..security.clone() };
    assert!(plan(&altinn, &resolved, &notify("nis2-final")).is_ok());
    assert!(check_at(&notify("nis2-early"), at - chrono::Duration::minutes(1)).is_err(), "not in the future");

    let both = Current { personal_data: true, ..security };
    let cleared = plan(&altinn, &both, &IncidentAction::ClearSecurity).unwrap();
    assert_eq!((cleared.changes.security, cleared.changes.personal_data), (Some(false), Some(false)));
    // ROR lists no duties.
    let ror = seed("ROR-IKT");
    let ror_security = Current { security: true, ..current(Status::InProgress, Some("Lav")) };
    assert!(refused(&ror, &ror_security, notify("nis2-early")).contains("lists no notification duties"));
}
