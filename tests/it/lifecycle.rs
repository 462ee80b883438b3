//! Working incidents through the database: rules, rights, conflicts, clocks.

use vakt::db::lifecycle::{self, NewIncident};
use vakt::db::{DbError, agreements, incidents};
use vakt::demo::SEED_AGREEMENTS;
use vakt::domain::agreement::spec::TargetKind;
use vakt::domain::incident::lifecycle::IncidentAction;
use vakt::domain::incident::{Channel, Status, SupportLine};
use vakt::domain::sla;

use crate::harness::TestDb;

async fn with_seeds(db: &TestDb) {
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
}

fn new(service: &str, priority: Option<&str>, title: &str) -> NewIncident {
    NewIncident {
        service: service.into(),
        priority: priority.map(String::from),
        title: title.into(),
        reporter: "Silje Aasen".into(),
        channel: Some(Channel::Phone),
        ..NewIncident::default()
    }
}

#[tokio::test]
async fn an_incident_runs_its_life_with_clocks_recomputed_at_every_step() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (kari, operator) = db.login("operator").await;
    let created = lifecycle::create(&operator, &new("MOLDE-EPJ", Some("Kritisk"), "Helsejournal nede")).await.unwrap();
    assert_eq!((created.status, created.version), (Status::New, 1));
    // The stored next deadline is the domain's: the response target of Kritisk from the moment it was received.
    let set = agreements::load_all(&db.pool).await.unwrap();
    let ror = set.get(&created.agreement_version_id).unwrap();
    let expected = sla::deadline(ror, "Kritisk", TargetKind::Response, created.received_at).unwrap().due;
    let next = created.next_due.clone().unwrap();
    assert_eq!((next.target, Some(next.at)), (TargetKind::Response, expected));

    let id = created.id;
    let acked = lifecycle::perform(&operator, id, Some(1), &IncidentAction::Acknowledge).await.unwrap();
    assert_eq!((acked.status, acked.version), (Status::Acknowledged, 2));
    assert_eq!(acked.next_due.as_ref().map(|d| d.target), Some(TargetKind::Resolution));
    let before = acked.next_due.unwrap().at;
    let lowered = lifecycle::perform(
        &operator,
        id,
        Some(2),
        &IncidentAction::ChangePriority { to: "Lav".into(), reason: Some("én bruker".into()) },
    )
    .await
    .unwrap();
    assert!(lowered.next_due.unwrap().at > before, "Lav gives more time than Kritisk");
    let assigned = lifecycle::perform(
        &operator,
        id,
        None,
        &IncidentAction::Assign { assignee: Some(kari.clone()), line: Some(SupportLine::Second), group: None },
    )
    .await
    .unwrap();
    assert_eq!(assigned.status, Status::InProgress);
    assert_eq!(assigned.assignee.map(|a| a.login), Some(kari.clone()));
    let resolved = lifecycle::perform(&operator, id, None, &IncidentAction::Resolve).await.unwrap();
    assert!(resolved.next_due.is_none(), "a resolved incident has no running deadline");
    let outcome: Option<serde_json::Value> = sqlx::query_scalar("SELECT sla_outcome FROM incidents WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let outcome = outcome.expect("the outcome is frozen at resolution");
    assert_eq!(outcome[1]["target"], "resolution");
    assert_eq!(outcome[1]["state"], "met");
    let detail = incidents::detail_by_id(&db.pool, id).await.unwrap().unwrap();
    let kinds: Vec<&str> = detail.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["received", "responded", "priority_changed", "assigned", "resolved"]);
    assert!(detail.events.iter().all(|e| e.actor == kari), "every event is attributed to the login");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_that_says_what_changed() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let (ola, other) = db.login("operator").await;
    let created = lifecycle::create(&operator, &new("SBL", Some("B"), "TT02 treg")).await.unwrap();
    lifecycle::perform(&other, created.id, Some(1), &IncidentAction::Acknowledge).await.unwrap();
    let err = lifecycle::perform(&operator, created.id, Some(1), &IncidentAction::Resolve).await.unwrap_err();
    assert!(matches!(err, DbError::Conflict(_)), "{err:?}");
    assert_eq!(err.exit_code(), 4);
    assert!(err.to_string().contains(&ola) && err.to_string().contains("responded"), "{err}");
    assert!(err.to_string().contains("changed since version 1 (now 2"), "{err}");
    let err = lifecycle::perform(&operator, created.id, Some(99), &IncidentAction::Resolve).await.unwrap_err();
    assert!(err.to_string().contains("version 99 does not exist yet"), "{err}");
    let now = incidents::summary_by_id(&db.pool, created.id).await.unwrap().unwrap();
    assert_eq!(now.status, Status::Acknowledged, "nothing was overwritten");
}

#[tokio::test]
async fn viewers_are_refused_and_bad_input_is_explained() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, viewer) = db.login("viewer").await;
    let (_, operator) = db.login("operator").await;
    let err = lifecycle::create(&viewer, &new("SBL", Some("A"), "x")).await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
    let created = lifecycle::create(&operator, &new("SBL", Some("A"), "REST API nede")).await.unwrap();
    let err = lifecycle::perform(&viewer, created.id, None, &IncidentAction::Acknowledge).await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");

    for (incident, expected) in [
        (new("SBL", Some("A"), "   "), "title must not be empty"),
        (new("NOPE", Some("A"), "x"), "unknown service 'NOPE'"),
        (new("SBL", Some("Kritisk"), "x"), "known: A, B, C"),
        (NewIncident { description: "x".repeat(300 * 1024), ..new("SBL", Some("A"), "x") }, "at most 256 kB"),
    ] {
        let err = lifecycle::create(&operator, &incident).await.unwrap_err();
        assert!(matches!(err, DbError::BadInput(_)) && err.to_string().contains(expected), "{err}");
    }
    let hostile = "Printer\u{1b}[2J\u{1b}]0;pwned\u{7} nede";
    let big = "logg-linje\n".repeat(9_000);
    let stored =
        lifecycle::create(&operator, &NewIncident { description: big.clone(), ..new("SBL", Some("C"), hostile) })
            .await
            .unwrap();
    assert_eq!(stored.title, hostile, "stored as given; shown neutralised");
    let detail = incidents::detail_by_id(&db.pool, stored.id).await.unwrap().unwrap();
    assert_eq!(detail.description.len(), big.len(), "a 100 kB description is kept whole");
}

#[tokio::test]
async fn stockholm_incidents_are_closed_only_by_the_service_desk_even_with_sql() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (login, operator) = db.login("operator").await;
    let created = lifecycle::create(&operator, &new("SOCIALA", Some("P2"), "Sociala systemet segt")).await.unwrap();
    lifecycle::perform(&operator, created.id, None, &IncidentAction::Resolve).await.unwrap();
    let err = lifecycle::perform(&operator, created.id, None, &IncidentAction::Close).await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)) && err.to_string().contains("vakt_servicedesk"), "{err:?}");
    let err: DbError = sqlx::query("UPDATE incidents SET status = 'closed' WHERE id = $1")
        .bind(created.id)
        .execute(&operator)
        .await
        .unwrap_err()
        .into();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
    sqlx::query("SELECT vakt_staff_servicedesk($1, true)").bind(&login).execute(&db.pool).await.unwrap();
    let closed = lifecycle::perform(&operator, created.id, None, &IncidentAction::Close).await.unwrap();
    assert_eq!(closed.status, Status::Closed);
    // Other agreements have no such rule.
    let ror = lifecycle::create(&operator, &new("MOLDE-EPJ", Some("Lav"), "VPN")).await.unwrap();
    lifecycle::perform(&operator, ror.id, None, &IncidentAction::Resolve).await.unwrap();
    lifecycle::perform(&operator, ror.id, None, &IncidentAction::Close).await.unwrap();
}

#[tokio::test]
async fn altinn_security_incidents_are_raised_to_a_and_stay_a_even_with_sql() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let created = lifecycle::create(&operator, &new("SBL", Some("B"), "Mistenkelig innlogging")).await.unwrap();
    let flagged = lifecycle::perform(&operator, created.id, None, &IncidentAction::FlagSecurity).await.unwrap();
    assert_eq!((flagged.priority.as_deref(), flagged.flags.security), (Some("A"), true));
    let err = lifecycle::perform(
        &operator,
        created.id,
        None,
        &IncidentAction::ChangePriority { to: "C".into(), reason: None },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("while it is flagged"), "{err}");
    let err: DbError = sqlx::query("UPDATE incidents SET priority = 'C' WHERE id = $1")
        .bind(created.id)
        .execute(&operator)
        .await
        .unwrap_err()
        .into();
    assert!(matches!(err, DbError::BadInput(_)), "{err:?}");
}

#[tokio::test]
async fn links_are_recorded_on_both_incidents() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let a = lifecycle::create(&operator, &new("MOLDE-EPJ", Some("Høy"), "EPJ nede")).await.unwrap();
    let b = lifecycle::create(&operator, &new("RAUMA-EPJ", Some("Høy"), "EPJ nede")).await.unwrap();
    lifecycle::link(&operator, a.id, &b.reference).await.unwrap();
    let err = lifecycle::link(&operator, b.id, &a.reference).await.unwrap_err();
    assert!(err.to_string().contains("already linked"), "{err}");
    assert!(lifecycle::link(&operator, a.id, &a.reference).await.is_err());
    let detail = incidents::detail_by_id(&db.pool, b.id).await.unwrap().unwrap();
    assert_eq!(detail.linked, vec![a.reference.clone()]);
    assert!(detail.events.iter().any(|e| e.kind == "linked"));
}

#[tokio::test]
async fn agreed_replans_and_deprioritising_pass_the_database_checks() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let ror = lifecycle::create(&operator, &new("MOLDE-EPJ", Some("Høy"), "Journal treg")).await.unwrap();
    lifecycle::perform(&operator, ror.id, None, &IncidentAction::Acknowledge).await.unwrap();
    let replan = IncidentAction::Replan {
        target: TargetKind::Resolution,
        new_due: chrono::Utc::now() + chrono::Duration::days(3),
        counterpart: "systemeier".into(),
        reason: "venter på leverandør".into(),
    };
    lifecycle::perform(&operator, ror.id, None, &replan).await.unwrap();

    let altinn = lifecycle::create(&operator, &new("SBL", Some("C"), "Feil lenke i hjelpetekst")).await.unwrap();
    lifecycle::perform(&operator, altinn.id, None, &IncidentAction::Acknowledge).await.unwrap();
    lifecycle::perform(&operator, altinn.id, None, &IncidentAction::MarkWorkaround).await.unwrap();
    let deprioritise = IncidentAction::Deprioritise { reason: "kunden aksepterer".into() };
    let done = lifecycle::perform(&operator, altinn.id, None, &deprioritise).await.unwrap();
    assert!(done.flags.deprioritised, "{done:?}");
}
