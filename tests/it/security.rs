//! Security incidents (issue 15): the description and notes of a flagged incident are readable only by logins in
//! vakt_security (admins and staff an admin cleared). Each role tries with plain SQL, as psql would, to read them
//! anyway — the tables, the views, the audit log, the figures view, a leaky function on the history view, SET ROLE,
//! temporary objects, odd values — and to clear the flag without clearance.

use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::{AssertSqlSafe, PgPool, Postgres};
use vakt::db::lifecycle::{self, NewIncident};
use vakt::db::{agreements, incidents, staff};
use vakt::demo::SEED_AGREEMENTS;
use vakt::domain::incident::lifecycle::IncidentAction;

use crate::harness::{Psql, TestDb};

const SECRET: &str = "HEMMELIG";

async fn scalar<T>(pool: &PgPool, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin,
{
    sqlx::query_scalar(AssertSqlSafe(sql.to_string())).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// An Altinn incident registered, noted, flagged, noted again, flagged as a personal-data breach and notified by
/// an operator: every piece of free text carries the secret word.
async fn flagged_incident(db: &TestDb) -> (i64, PgPool) {
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
    let (_, operator) = db.login("operator").await;
    let new = NewIncident {
        service: "SBL".into(),
        priority: Some("B".into()),
        title: "Innlogging feiler".into(),
        description: format!("{SECRET} beskrivelse: uvanlige innlogginger fra én adresse"),
        ..NewIncident::default()
    };
    let id = lifecycle::create(&operator, &new).await.unwrap().id;
    let note = |text: &str| IncidentAction::Note { text: format!("{SECRET} {text}") };
    lifecycle::perform(&operator, id, None, &note("før flagging")).await.unwrap();
    lifecycle::perform(&operator, id, None, &IncidentAction::FlagSecurity).await.unwrap();
    lifecycle::perform(&operator, id, None, &note("etter flagging")).await.unwrap();
    lifecycle::perform(&operator, id, None, &IncidentAction::FlagPersonalData).await.unwrap();
    let at = chrono::Utc::now() - chrono::Duration::minutes(5);
    let notified =
        IncidentAction::RecordNotification { duty: "nis2-early".into(), at, note: Some(format!("{SECRET} sak 42")) };
    lifecycle::perform(&operator, id, None, &notified).await.unwrap();
    (id, operator)
}

/// Every way an uncleared login might read the text, none of which may show it.
async fn cannot_read(pool: &PgPool, id: i64, who: &str) {
    let mut psql = Psql::open(pool).await;
    let leaked: i64 = scalar(
        pool,
        &format!(
            "SELECT count(*) FROM (SELECT i::text AS t FROM incidents i UNION ALL SELECT f::text FROM incidents_for_figures f
             UNION ALL SELECT h::text FROM incident_history h UNION ALL SELECT s::text FROM incident_sealed_texts s) x
             WHERE t LIKE '%{SECRET}%'"
        ),
    )
    .await;
    assert_eq!(leaked, 0, "{who} read the secret");
    let sealed: i64 = scalar(pool, "SELECT count(*) FROM incident_sealed_texts").await;
    assert_eq!(sealed, 0, "{who} sees a sealed row");
    let masked: String =
        scalar(pool, &format!("SELECT string_agg(data::text, ' ') FROM incident_history WHERE incident_id = {id}"))
            .await;
    assert!(masked.contains("[restricted]") && masked.contains("nis2-early"), "{who}: {masked}");
    for script in [
        format!("SELECT data FROM incident_events WHERE incident_id = {id}"),
        "SELECT e FROM incident_events e".to_string(),
        format!("SELECT count(*) FROM incident_events WHERE data::text LIKE '%{SECRET}%'"),
        "SELECT * FROM audit_log".to_string(),
        "SELECT count(*) FROM audit_log".to_string(),
    ] {
        psql.refused(&script, "permission denied").await;
    }
    psql.refused("SET ROLE vakt_security", "permission denied").await;
    psql.refused("SET ROLE vakt_admin", "permission denied").await;
    // A condition that would raise on the secret sees the masked data only (security_barrier), so it never raises
    // (the divisor is not a constant, which the planner would fold and raise on before reading a row).
    psql.ok(&format!(
        "SELECT count(*) FROM incident_history h
         WHERE (CASE WHEN h.data::text LIKE '%{SECRET}%' THEN 1 / (h.id - h.id) ELSE 1 END) = 1"
    ))
    .await;
    // The reader's application sees the same through vakt's queries.
    let detail = incidents::detail_by_id(pool, id).await.unwrap().unwrap();
    assert!(detail.description_restricted && detail.description.is_empty(), "{who}: {:?}", detail.description);
    assert!(!serde_json::to_string(&detail.events).unwrap().contains(SECRET), "{who}: the history leaks");
    assert_eq!(detail.regulatory.len(), 4, "{who} sees the regulatory clocks");
}

#[tokio::test]
async fn uncleared_roles_cannot_read_a_security_incidents_description_or_notes() {
    let db = TestDb::new().await;
    let (id, operator) = flagged_incident(&db).await;
    cannot_read(&operator, id, "the operator who wrote it").await;
    for role in ["viewer", "mim", "chair", "worker"] {
        let (_, pool) = db.login(role).await;
        cannot_read(&pool, id, role).await;
    }
    let (desk, pool) = db.login("operator").await;
    staff::set_servicedesk(&db.pool, &desk, true).await.unwrap();
    cannot_read(&pool, id, "servicedesk").await;

    // The notices every console listens to carry ids, never text.
    let (_, viewer) = db.login("viewer").await;
    let mut listener = PgListener::connect_with(&viewer).await.unwrap();
    listener.listen("vakt").await.unwrap();
    let note = IncidentAction::Note { text: format!("{SECRET} i varselet") };
    lifecycle::perform(&operator, id, None, &note).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), listener.recv()).await.unwrap().unwrap();
    assert!(first.payload().contains("incident"), "{}", first.payload());
    let mut payloads = vec![first.payload().to_string()];
    while let Ok(Ok(notice)) = tokio::time::timeout(Duration::from_millis(500), listener.recv()).await {
        payloads.push(notice.payload().to_string());
    }
    assert!(payloads.iter().all(|p| !p.contains(SECRET)), "{payloads:?}");
}

#[tokio::test]
async fn cleared_logins_read_it_and_only_they_may_clear_the_flag() {
    let db = TestDb::new().await;
    let (id, operator) = flagged_incident(&db).await;
    let (_, admin) = db.login("admin").await;
    let (ola, mim) = db.login("mim").await;
    staff::set_security(&admin, &ola, true).await.unwrap();
    for (pool, who) in [(&admin, "admin"), (&mim, "a cleared MIM")] {
        let detail = incidents::detail_by_id(pool, id).await.unwrap().unwrap();
        assert!(!detail.description_restricted && detail.description.starts_with(SECRET), "{who}");
        let history = serde_json::to_string(&detail.events).unwrap();
        assert_eq!(history.matches(SECRET).count(), 3, "{who}: {history}");
    }
    // The audit log (admins only) holds row images; the incidents row never holds the sealed text.
    let in_audit: i64 = scalar(
        &admin,
        &format!("SELECT count(*) FROM audit_log WHERE table_name = 'incidents' AND row_id = {id} AND new_row ->> 'description' LIKE '{SECRET}%' AND (new_row ->> 'security')::boolean"),
    )
    .await;
    assert_eq!(in_audit, 0);

    // An operator may not clear it, through vakt or with psql.
    let refused = lifecycle::perform(&operator, id, None, &IncidentAction::ClearSecurity).await.unwrap_err();
    assert!(refused.to_string().contains("vakt_security"), "{refused}");
    let mut psql = Psql::open(&operator).await;
    psql.refused(
        &format!(
            "INSERT INTO incident_events (incident_id, kind) VALUES ({id}, 'security_cleared');
             UPDATE incidents SET security = false, personal_data = false WHERE id = {id}"
        ),
        "vakt_security",
    )
    .await;
    // Nor move the flags or the regulatory deadline without their history entry, or insert a flagged incident.
    psql.refused(&format!("UPDATE incidents SET personal_data = false WHERE id = {id}"), "history entry").await;
    psql.refused(&format!("UPDATE incidents SET regulatory_due_at = now() WHERE id = {id}"), "follows its history")
        .await;
    // Odd notifications: an unknown duty, an instant in the future, 'infinity', not an instant at all.
    for (data, because) in [
        (r#"{"duty": "nis2-late", "notified_at": "2026-01-01T00:00:00Z"}"#, "no notification duty"),
        (r#"{"duty": "nis2-early", "notified_at": "2999-01-01T00:00:00Z"}"#, "in the future"),
        (r#"{"duty": "nis2-early", "notified_at": "infinity"}"#, "in the future"),
        (r#"{"duty": "nis2-early", "notified_at": "-infinity"}"#, "before 1900"),
        (r#"{"duty": "nis2-early", "notified_at": "soon"}"#, "invalid input syntax"),
        (r#"{"duty": "nis2-early"}"#, "notified_at"),
    ] {
        psql.refused(
            &format!(
                "INSERT INTO incident_events (incident_id, kind, data) VALUES ({id}, 'authority_notified', '{data}')"
            ),
            because,
        )
        .await;
    }
    let odd: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT vakt_event_data_restricted('note', v) FROM (VALUES ('[1, 2]'::jsonb), ('\"x\"'), ('null'), ('{}')) t(v)",
    )
    .fetch_all(&operator)
    .await
    .unwrap();
    assert!(odd.iter().all(|v| v == &serde_json::json!({})), "{odd:?}");

    // The cleared MIM clears it: the description is back for everyone, the personal-data flag and clocks go.
    lifecycle::perform(&mim, id, None, &IncidentAction::ClearSecurity).await.unwrap();
    let (_, viewer) = db.login("viewer").await;
    let detail = incidents::detail_by_id(&viewer, id).await.unwrap().unwrap();
    assert!(detail.description.starts_with(SECRET) && !detail.description_restricted);
    assert!(detail.regulatory.is_empty() && !detail.summary.flags.personal_data);
    let sealed: i64 = scalar(&db.pool, "SELECT count(*) FROM incident_sealed_texts").await;
    assert_eq!(sealed, 0);
    let due: Option<chrono::DateTime<chrono::Utc>> =
        scalar(&db.pool, &format!("SELECT regulatory_due_at FROM incidents WHERE id = {id}")).await;
    assert_eq!(due, None);

    // Clearance is an admin's to give, and an admin's cannot be taken.
    let (kari, kari_pool) = db.login("operator").await;
    let err = staff::set_security(&kari_pool, &kari, true).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    let (other_admin, _) = db.login("admin").await;
    let err = staff::set_security(&admin, &other_admin, false).await.unwrap_err();
    assert!(err.to_string().contains("always cleared"), "{err}");
}

#[tokio::test]
async fn the_regulatory_clocks_and_the_stored_deadline_follow_the_history() {
    let db = TestDb::new().await;
    let (id, operator) = flagged_incident(&db).await;
    let detail = incidents::detail_by_id(&operator, id).await.unwrap().unwrap();
    let codes: Vec<(&str, bool)> = detail.regulatory.iter().map(|c| (c.code.as_str(), c.notified.is_some())).collect();
    assert_eq!(
        codes,
        [("nis2-early", true), ("nis2-notification", false), ("nis2-final", false), ("gdpr-breach", false)]
    );
    let flagged_at = detail.events.iter().find(|e| e.kind == "security_flagged").unwrap().at;
    assert_eq!(detail.regulatory[0].due, flagged_at + chrono::Duration::hours(24));
    let stored: chrono::DateTime<chrono::Utc> =
        scalar(&db.pool, &format!("SELECT regulatory_due_at FROM incidents WHERE id = {id}")).await;
    assert_eq!(stored, detail.regulatory[1].due, "the earliest notification not yet made");
    // A duty that only a personal-data breach has is refused once that flag is cleared.
    lifecycle::perform(&operator, id, None, &IncidentAction::ClearPersonalData).await.unwrap();
    let at = chrono::Utc::now();
    let gdpr = IncidentAction::RecordNotification { duty: "gdpr-breach".into(), at, note: None };
    let err = lifecycle::perform(&operator, id, None, &gdpr).await.unwrap_err();
    assert!(err.to_string().contains("personal-data breach"), "{err}");
}

#[tokio::test]
async fn the_service_report_records_when_each_notification_was_due_and_made() {
    use vakt::domain::report::issue::IssueState;
    use vakt::domain::report::{ReportKind, ReportPeriod};
    let db = TestDb::new().await;
    let (_, _) = flagged_incident(&db).await;
    let month = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Oslo).format("%Y-%m").to_string();
    let period = ReportPeriod::parse(ReportKind::Monthly, &month).unwrap();
    let figures = vakt::db::reports::figures(&db.pool, "ALTINN", &period).await.unwrap();
    let lines: Vec<(&str, bool)> = figures.notifications.iter().map(|n| (n.code.as_str(), n.made.is_some())).collect();
    assert_eq!(
        lines,
        [("nis2-early", true), ("nis2-notification", false), ("nis2-final", false), ("gdpr-breach", false)],
        "every duty of the flagged incident, with the one made"
    );
    let document =
        vakt::report::service::document(&figures, &IssueState::NotIssued { late: false }, chrono_tz::Europe::Oslo);
    let markdown = vakt::report::markdown::render(&document);
    assert!(markdown.contains("## Notifications to authorities (security incidents)"), "{markdown}");
    assert!(markdown.contains("made in time") && markdown.contains("NSM NorCERT"), "{markdown}");
    assert!(!markdown.contains("OVERDUE"), "nothing is overdue yet in the running month: {markdown}");
    let (_, rows) = vakt::report::service::csv_rows(&figures);
    assert_eq!(rows.iter().filter(|r| r[0] == "notifications" && r[2] == "made").count(), 4);
    // Instants in whole seconds, UTC: the notification was recorded at a time with microseconds.
    let made = rows.iter().find(|r| r[0] == "notifications" && r[2] == "made" && !r[3].is_empty()).unwrap();
    let parsed = chrono::DateTime::parse_from_rfc3339(&made[3]).unwrap();
    assert!(made[3].ends_with('Z') && !made[3].contains('.'), "{made:?}");
    assert_eq!(parsed.timestamp_subsec_nanos(), 0, "{made:?}");
    // Another agreement's report has none.
    let tranemo = vakt::db::reports::figures(&db.pool, "TU-IT", &period).await.unwrap();
    assert!(tranemo.notifications.is_empty());
}

/// `vakt serve` reminds MIMs and admins of a notification past its first warning and again when overdue, once
/// however often it runs, and never of one already made; the mail names the authority, not the description.
#[tokio::test]
async fn the_worker_reminds_of_notifications_due_and_overdue_once() {
    let db = TestDb::new().await;
    let (id, _) = flagged_incident(&db).await;
    let (_, worker) = db.login("worker").await;
    let staff = vakt::db::staff::NewStaff {
        login: "vt_security_mim",
        full_name: "Ola Nordmann",
        role: "mim",
        email: Some("ola@example.org"),
        phone: None,
    };
    vakt::db::staff::add(&db.pool, &staff).await.unwrap();
    let flagged_at: chrono::DateTime<chrono::Utc> = scalar(
        &db.pool,
        &format!("SELECT min(at) FROM incident_events WHERE incident_id = {id} AND kind = 'security_flagged'"),
    )
    .await;
    let remind = |now| vakt::db::regulatory::remind_due(&worker, now);
    assert_eq!(remind(flagged_at + chrono::Duration::minutes(1)).await.unwrap(), 0, "nothing near its due time yet");
    // 70 h on: the 72-hour notification (NSM) and the personal-data breach (Datatilsynet) are past their first
    // warning; the early warning was made, and the final report is a month away.
    let near = flagged_at + chrono::Duration::hours(70);
    assert_eq!(remind(near).await.unwrap(), 2);
    assert_eq!(remind(near).await.unwrap(), 0, "once");
    assert_eq!(remind(flagged_at + chrono::Duration::hours(73)).await.unwrap(), 2, "and again when overdue");
    let mails: Vec<String> = sqlx::query_scalar(
        "SELECT message ->> 'subject' || ' ' || (message ->> 'body') FROM outbox
         WHERE idempotency_key LIKE 'regdue-%' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(mails.len(), 4);
    assert!(mails.iter().any(|m| m.contains("Datatilsynet")) && mails.iter().any(|m| m.contains("NSM")), "{mails:?}");
    assert!(!mails.iter().any(|m| m.contains(SECRET)), "the description never goes out: {mails:?}");
}
