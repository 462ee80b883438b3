//! Major incidents through the database: declaring, updates into the outbox, phone duty, escalation,
//! post-incident reports, the rota and hand-overs, and who may do what.

use chrono::{Duration, Utc};
use vakt::db::lifecycle::{self, NewIncident};
use vakt::db::majors::{self, DeclareRequest};
use vakt::db::rota::{self, NewContact};
use vakt::db::{DbError, agreements, pir};
use vakt::demo::SEED_AGREEMENTS;
use vakt::domain::major::{CallOutcome, EscalationReason, Eta, MajorState, Shift, StatusUpdate};

use crate::harness::TestDb;

async fn altinn_a(db: &TestDb, pool: &sqlx::PgPool) -> i64 {
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
    for (name, role, email, mobile) in [
        ("Siri Serviceleder", "Serviceleder", Some("siri@te.example"), Some("+47 900 00 001")),
        ("Hans Hendelse", "Hendelsesansvarlig", Some("hans@te.example"), Some("+47 900 00 002")),
    ] {
        let contact = NewContact {
            organisation: "asf".into(),
            name: name.into(),
            role: role.into(),
            email: email.map(String::from),
            mobile: mobile.map(String::from),
            ..NewContact::default()
        };
        add_once(db, &contact).await;
    }
    let channel = NewContact {
        organisation: "asf".into(),
        name: "#drift".into(),
        webhook_url: Some("http://127.0.0.1:9/hook".into()),
        webhook_preset: Some("slack".into()),
        ..NewContact::default()
    };
    add_once(db, &channel).await;
    let new = NewIncident {
        service: "SBL".into(),
        priority: Some("A".into()),
        title: "SBL utilgjengelig".into(),
        ..NewIncident::default()
    };
    lifecycle::create(pool, &new).await.unwrap().id
}

/// Adds a contact unless a test that makes several incidents added it already.
async fn add_once(db: &TestDb, contact: &NewContact) {
    match rota::add_contact(&db.pool, contact).await {
        Err(e) if !e.to_string().contains("already in the directory") => panic!("{e}"),
        _ => {}
    }
}

fn update(what: &str, cause: &str) -> StatusUpdate {
    StatusUpdate {
        what_happened: what.into(),
        cause: cause.into(),
        expected_resolution: Eta::At(Utc::now() + Duration::hours(2)),
        workaround: "ingen".into(),
    }
}

#[tokio::test]
async fn a_mim_runs_a_major_incident_from_declaration_to_report() {
    let db = TestDb::new().await;
    let (mim_login, mim) = db.login("mim").await;
    let incident = altinn_a(&db, &mim).await;
    let request = DeclareRequest { impact: "Ingen kan sende inn skjema".into(), ..DeclareRequest::default() };
    let view = majors::declare(&mim, incident, &request).await.unwrap();
    assert_eq!(view.major.incident_manager(), Some(mim_login.as_str()), "the declarer manages it");
    assert_eq!(view.major.declaration.organisations, ["asf"]);
    assert_eq!(view.calls.len(), 2, "Altinn A: call tasks for the Serviceleder and the Hendelsesansvarlig");
    // Whoever opens the cockpit sees who an update goes to; a webhook only by its host.
    let (_, viewer) = db.login("viewer").await;
    let recipients = majors::load(&viewer, view.id).await.unwrap().recipients;
    let names: Vec<&str> = recipients.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["#drift", "Hans Hendelse", "Siri Serviceleder"]);
    assert_eq!(recipients[0].webhook_host.as_deref(), Some("127.0.0.1:9"));
    let flagged: bool = sqlx::query_scalar("SELECT major FROM incidents WHERE id = $1")
        .bind(incident)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(flagged);
    let err = majors::declare(&mim, incident, &request).await.unwrap_err();
    assert!(err.to_string().contains("already a major incident"), "{err}");

    let err = majors::send_update(&mim, view.id, &update("SBL er nede", " "), false).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(_)), "all four fields are required: {err:?}");
    let sent = majors::send_update(&mim, view.id, &update("SBL er nede", "Databasefeil"), true).await.unwrap();
    // The incident can still be worked after major-incident events are in its history.
    let acked =
        lifecycle::perform(&mim, incident, None, &vakt::domain::incident::lifecycle::IncidentAction::Acknowledge)
            .await
            .unwrap();
    assert_eq!(acked.status, vakt::domain::incident::Status::Acknowledged);
    assert_eq!((sent.sequence, sent.emails, sent.webhooks, sent.sms), (1, 2, 1, 2));
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT idempotency_key FROM outbox ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(keys.len(), 5);
    assert_eq!(keys.iter().collect::<std::collections::BTreeSet<_>>().len(), 5, "every message has its own key");
    let authors: Vec<String> = sqlx::query_scalar(
        "SELECT author FROM major_updates UNION ALL SELECT created_by FROM outbox UNION ALL SELECT declared_by FROM majors",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(authors.iter().all(|a| *a == mim_login), "the server stamps who did it: {authors:?}");
    sqlx::query("INSERT INTO major_updates (major_id, at, what, cause, eta, workaround, author) VALUES ($1, now(), 'x', 'x', 'x', 'x', 'someone_else')")
        .bind(view.id)
        .execute(&mim)
        .await
        .unwrap_or_default();
    let claimed: i64 = sqlx::query_scalar("SELECT count(*) FROM major_updates WHERE author = 'someone_else'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(claimed, 0, "a client cannot claim to be someone else");
    sqlx::query("UPDATE outbox SET state = 'dead'").execute(&db.pool).await.unwrap();
    assert_eq!(vakt::db::outbox::retry_dead_of_major(&mim, view.id).await.unwrap(), 5, "the cockpit's R");
    let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 0")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(pending, 5);

    // Altinn 2.9.8: an A needs phone calls as well as e-mails before the notify step closes.
    let err = majors::complete_notify(&mim, view.id).await.unwrap_err();
    assert!(err.to_string().contains("call"), "{err}");
    for task in &view.calls {
        majors::log_call(&mim, task.id, CallOutcome::Reached, "Informert om utfallet").await.unwrap();
    }
    majors::complete_notify(&mim, view.id).await.unwrap();

    let escalated =
        majors::escalate(&mim, view.id, None, None, EscalationReason::Manual { note: "gjentatte avvik".into() })
            .await
            .unwrap();
    assert_eq!(escalated.major.level(), 1);
    assert!(escalated.major.escalations[0].level_name.to_lowercase().contains("serviceleder"));

    majors::set_state(&mim, view.id, MajorState::Mitigated, "workaround i drift").await.unwrap();
    let resolved = majors::set_state(&mim, view.id, MajorState::Resolved, "løst").await.unwrap();
    assert_eq!(resolved.major.state, MajorState::Resolved);
    let (report, _) = pir::get(&mim, view.id).await.unwrap().expect("a report is drafted on resolution");
    assert!(report.header.due > Utc::now(), "with its own due date");
    let err = pir::complete(&mim, view.id).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(_)), "empty sections cannot be completed: {err:?}");
    let err = majors::send_update(&mim, view.id, &update("x", "y"), false).await.unwrap_err();
    assert!(err.to_string().contains("no more updates"), "{err}");
    majors::set_state(&mim, view.id, MajorState::Closed, "").await.unwrap();
}

#[tokio::test]
async fn only_a_mim_declares_and_exercises_are_marked_in_every_message() {
    let db = TestDb::new().await;
    let (_, mim) = db.login("mim").await;
    let (_, operator) = db.login("operator").await;
    let incident = altinn_a(&db, &mim).await;
    let request = DeclareRequest { impact: "Øvelse".into(), exercise: true, ..DeclareRequest::default() };
    let err = majors::declare(&operator, incident, &request).await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
    let typo = DeclareRequest {
        impact: "Øvelse".into(),
        organisations: vec!["ASF".into(), "asff".into()],
        ..DeclareRequest::default()
    };
    let err = majors::declare(&mim, incident, &typo).await.unwrap_err();
    assert!(err.to_string().contains("unknown organisation(s): asff (known:"), "a typo reaches nobody: {err}");
    let view = majors::declare(&mim, incident, &request).await.unwrap();
    majors::send_update(&mim, view.id, &update("Øvelse: SBL nede", "Planlagt øvelse"), false).await.unwrap();
    let subjects: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT message FROM outbox WHERE channel = 'email'").fetch_all(&db.pool).await.unwrap();
    assert!(subjects.iter().all(|m| m["subject"].as_str().unwrap().contains("ØVELSE")), "{subjects:?}");
    let exercise: Vec<bool> = sqlx::query_scalar("SELECT exercise FROM outbox").fetch_all(&db.pool).await.unwrap();
    assert!(exercise.iter().all(|e| *e));

    let (_, viewer) = db.login("viewer").await;
    let real = altinn_a(&db, &mim).await;
    let counted: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM incidents_for_figures").fetch_all(&viewer).await.unwrap();
    assert_eq!(counted, [real], "the exercise is left out of SLA figures");
}

#[tokio::test]
async fn the_rota_has_exactly_one_mim_at_every_instant() {
    let db = TestDb::new().await;
    let (ola, _) = db.login("mim").await;
    let (ingrid, _) = db.login("mim").await;
    let (_, admin) = db.login("admin").await;
    let zone = chrono_tz::Europe::Oslo;
    let start = Utc::now() - Duration::hours(1);
    let shift = |mim: &str, deputy: &str, from: i64, to: i64| Shift {
        mim: mim.into(),
        deputy: deputy.into(),
        start: start + Duration::hours(from),
        end: start + Duration::hours(to),
    };
    rota::add_shift(&admin, &shift(&ola, &ingrid, 0, 12), zone).await.unwrap();
    rota::add_shift(&admin, &shift(&ingrid, &ola, 12, 24), zone).await.unwrap();
    let err = rota::add_shift(&admin, &shift(&ola, &ingrid, 30, 36), zone).await.unwrap_err();
    assert!(err.to_string().contains("without a MIM"), "a gap is named: {err}");
    let err = rota::add_shift(&admin, &shift(&ola, &ingrid, 20, 30), zone).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(_)), "an overlap is refused: {err:?}");
    let on_duty = rota::on_duty(&admin, Utc::now()).await.unwrap().unwrap();
    assert_eq!(on_duty.mim, ola);
    let later = rota::on_duty(&admin, start + Duration::hours(12)).await.unwrap().unwrap();
    assert_eq!(later.mim, ingrid, "a shift ending at 12 and the next starting at 12 are continuous");
    let (lars, viewer) = db.login("viewer").await;
    let err = rota::add_shift(&viewer, &shift(&ola, &ingrid, 24, 36), zone).await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)), "only admins edit the rota: {err:?}");
    let err = rota::add_shift(&admin, &shift(&lars, &ingrid, 24, 36), zone).await.unwrap_err();
    assert!(err.to_string().contains("do not hold the MIM role"), "a viewer is not put on duty: {err}");

    let last = rota::add_shift(&admin, &shift(&ola, &ingrid, 24, 36), zone).await.unwrap();
    let middle = rota::on_duty(&admin, start + Duration::hours(13)).await.unwrap().unwrap();
    let err = rota::remove_shift(&admin, middle.id).await.unwrap_err();
    assert!(err.to_string().contains("UTC without a MIM"), "the database refuses a gap in the middle: {err}");
    rota::reassign_shift(&admin, middle.id, Some(&ola), Some(&ingrid)).await.unwrap();
    assert_eq!(rota::on_duty(&admin, start + Duration::hours(13)).await.unwrap().unwrap().mim, ola);
    let err = rota::reassign_shift(&admin, middle.id, Some(&lars), None).await.unwrap_err();
    assert!(err.to_string().contains("do not hold the MIM role"), "{err}");
    let err = rota::reassign_shift(&admin, middle.id, None, Some(&ola)).await.unwrap_err();
    assert!(err.to_string().contains("two different people"), "{err}");
    rota::remove_shift(&admin, last.id).await.unwrap();
    assert!(matches!(rota::remove_shift(&admin, last.id).await, Err(DbError::NotFound(_))));
}

#[tokio::test]
async fn the_outgoing_mim_hands_over_and_only_the_incoming_one_acknowledges() {
    let db = TestDb::new().await;
    let (ola, ola_pool) = db.login("mim").await;
    let (ingrid, ingrid_pool) = db.login("mim").await;
    let (_, admin) = db.login("admin").await;
    let zone = chrono_tz::Europe::Oslo;
    let now = Utc::now();
    rota::add_shift(
        &admin,
        &Shift {
            mim: ola.clone(),
            deputy: ingrid.clone(),
            start: now - Duration::hours(2),
            end: now + Duration::hours(1),
        },
        zone,
    )
    .await
    .unwrap();
    rota::add_shift(
        &admin,
        &Shift {
            mim: ingrid.clone(),
            deputy: ola.clone(),
            start: now + Duration::hours(1),
            end: now + Duration::hours(13),
        },
        zone,
    )
    .await
    .unwrap();
    let incident = altinn_a(&db, &ola_pool).await;
    majors::declare(&ola_pool, incident, &DeclareRequest { impact: "SBL nede".into(), ..DeclareRequest::default() })
        .await
        .unwrap();
    let (id, note, markdown) = rota::hand_over(&ola_pool, "Leverandøren jobber med databasen", zone).await.unwrap();
    assert_eq!(note.majors.len(), 1, "the open major is carried over");
    assert!(markdown.contains("Leverandøren jobber med databasen"));
    let err = rota::acknowledge_handover(&ola_pool, id).await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
    rota::acknowledge_handover(&ingrid_pool, id).await.unwrap();
    assert!(rota::acknowledge_handover(&ingrid_pool, id).await.is_err(), "once");
    let log = rota::handovers(&ingrid_pool, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].id, log[0].acknowledged_by.as_deref()), (id, Some(ingrid.as_str())), "the log keeps who acked");
    // Shown after the acknowledgement, the text says by whom.
    let shown = rota::handover(&ingrid_pool, id, zone).await.unwrap().markdown;
    assert!(shown.contains("Kvittert av:") && !shown.contains("Ikke kvittert"), "{shown}");
    assert!(matches!(rota::handover(&ingrid_pool, id + 1, zone).await, Err(DbError::NotFound(_))));

    // The deputy may write it when the MIM on duty cannot; it is still the MIM's hand-over.
    let (by_deputy, _, _) = rota::hand_over(&ingrid_pool, "Ola er syk; skrevet av Ingrid", zone).await.unwrap();
    let log = rota::handovers(&ingrid_pool, 10).await.unwrap();
    let entry = log.iter().find(|h| h.id == by_deputy).unwrap();
    assert_eq!(entry.outgoing, ola);
    // So may an admin.
    rota::hand_over(&admin, "Skrevet av vaktsjefen", zone).await.unwrap();
}

#[tokio::test]
async fn a_missed_update_notifies_the_deputy_once_by_mail_and_sms_through_vakt_serve() {
    use crate::servers::{HttpReceiver, SmtpServer, mail_and_sms_notifier};

    let db = TestDb::new().await;
    let (ola, mim) = db.login("mim").await;
    let (ingrid, _) = db.login("mim").await;
    let (_, admin) = db.login("admin").await;
    sqlx::query("UPDATE staff SET email = 'ingrid@vakt.example', phone = '+47 900 11 222' WHERE login = $1")
        .bind(&ingrid)
        .execute(&db.pool)
        .await
        .unwrap();
    let now = Utc::now();
    let shift = Shift {
        mim: ola.clone(),
        deputy: ingrid.clone(),
        start: now - Duration::hours(1),
        end: now + Duration::hours(6),
    };
    rota::add_shift(&admin, &shift, chrono_tz::Europe::Oslo).await.unwrap();
    let incident = altinn_a(&db, &mim).await;
    let view =
        majors::declare(&mim, incident, &DeclareRequest { impact: "SBL nede".into(), ..DeclareRequest::default() })
            .await
            .unwrap();
    // Altinn A: an update every 30 min, 15 min grace. Nothing is due yet now; two hours on it is missed.
    assert_eq!(majors::notify_deputies(&db.pool, now).await.unwrap(), 0);
    let later = now + Duration::hours(2);
    assert_eq!(majors::notify_deputies(&db.pool, later).await.unwrap(), 2, "an e-mail and an SMS to the deputy");
    assert_eq!(majors::notify_deputies(&db.pool, later).await.unwrap(), 0, "once per missed deadline");
    let audiences: Vec<String> = sqlx::query_scalar("SELECT audience FROM outbox WHERE major_id = $1")
        .bind(view.id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(audiences, ["deputy", "deputy"]);

    // A worker login (vakt staff add --role worker) runs the same duty; the deadline stays missed until the
    // next update, and its messages are not queued twice.
    let (_, worker) = db.login("worker").await;
    assert_eq!(majors::notify_deputies(&worker, later + Duration::hours(1)).await.unwrap(), 0);

    // `vakt serve` delivers both to real servers.
    let smtp = SmtpServer::start().await;
    let http = HttpReceiver::start().await;
    let options = vakt::serve::ServeOptions::new("serve-deputy");
    let report =
        vakt::serve::deliver_due(&worker, &mail_and_sms_notifier(&smtp, &http), &options, later).await.unwrap();
    assert_eq!((report.sent, report.dead), (2, 0), "{report:?}");
    let mails = smtp.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_tos, ["ingrid@vakt.example"]);
    let subject = mails[0].header("Subject").unwrap_or_default();
    assert!(subject.contains(&view.reference), "{subject}");
    let texts: Vec<serde_json::Value> = http.requests().iter().filter(|r| r.path == "/sms").map(|r| r.json()).collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0]["to"].as_str().unwrap_or_default().replace(' ', "").ends_with("4790011222"), "{texts:?}");
    assert!(texts[0]["text"].as_str().unwrap_or_default().contains(&view.reference), "{texts:?}");
}

#[tokio::test]
async fn raising_the_priority_brings_phone_duty_and_the_shorter_cadence() {
    let db = TestDb::new().await;
    let (_, mim) = db.login("mim").await;
    let incident = altinn_a(&db, &mim).await;
    lifecycle::perform(
        &mim,
        incident,
        None,
        &vakt::domain::incident::lifecycle::IncidentAction::ChangePriority { to: "C".into(), reason: None },
    )
    .await
    .unwrap();
    let view = majors::declare(&mim, incident, &DeclareRequest { impact: "treg".into(), ..DeclareRequest::default() })
        .await
        .unwrap();
    assert!(view.calls.is_empty(), "no phone duty for C");
    lifecycle::perform(
        &mim,
        incident,
        None,
        &vakt::domain::incident::lifecycle::IncidentAction::ChangePriority { to: "A".into(), reason: None },
    )
    .await
    .unwrap();
    majors::send_update(&mim, view.id, &update("SBL nede", "ukjent"), false).await.unwrap();
    let raised = majors::load(&mim, view.id).await.unwrap();
    assert_eq!(raised.major.declaration.priority, "A", "measured at the current priority");
    assert_eq!(raised.calls.len(), 2, "the calls A requires are added");
    let err = majors::complete_notify(&mim, view.id).await.unwrap_err();
    assert!(err.to_string().contains("call"), "{err}");
}

#[tokio::test]
async fn a_stakeholder_update_reaches_real_mail_sms_and_webhook_servers_through_vakt_serve() {
    use crate::servers::{HttpReceiver, SmtpServer, mail_and_sms_notifier};

    let db = TestDb::new().await;
    let smtp = SmtpServer::start().await;
    let http = HttpReceiver::start().await;
    let (_, mim) = db.login("mim").await;
    let incident = altinn_a(&db, &mim).await;
    sqlx::query("UPDATE contacts SET webhook_url = $1 WHERE name = '#drift'")
        .bind(http.url("/hook/drift"))
        .execute(&db.pool)
        .await
        .unwrap();
    let request = DeclareRequest { impact: "Ingen kan logge inn i Altinn".into(), ..DeclareRequest::default() };
    let view = majors::declare(&mim, incident, &request).await.unwrap();
    majors::send_update(&mim, view.id, &update("Innlogging feiler", "Feil i lastbalanserer"), true).await.unwrap();

    let notifier = mail_and_sms_notifier(&smtp, &http);
    let (_, worker) = db.login("worker").await;
    let now = vakt::db::outbox::database_now(&worker).await.unwrap();
    let report =
        vakt::serve::deliver_due(&worker, &notifier, &vakt::serve::ServeOptions::new("serve-1"), now).await.unwrap();
    assert_eq!(report.sent, 5, "{report:?}");

    let mails = smtp.received();
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.rcpt_tos.clone()).collect();
    to.sort();
    assert_eq!(to, ["hans@te.example", "siri@te.example"]);
    for mail in &mails {
        let subject = mail.header("Subject").unwrap_or_default();
        assert!(subject.contains(&view.reference), "{subject}");
        assert!(
            mail.body.contains("Innlogging feiler") && mail.body.contains("Feil i lastbalanserer"),
            "{}",
            mail.body
        );
    }
    let requests = http.requests();
    let hook = requests.iter().find(|r| r.path == "/hook/drift").expect("the webhook channel was posted to");
    assert!(hook.body_text().contains("Innlogging feiler"), "{}", hook.body_text());
    let texts: Vec<String> = requests.iter().filter(|r| r.path == "/sms").map(|r| r.json()["to"].to_string()).collect();
    assert_eq!(texts.len(), 2, "an SMS to each mobile: {texts:?}");

    let ledger = majors::load(&mim, view.id).await.unwrap().ledger;
    assert!(
        ledger
            .iter()
            .filter(|e| e.channel.as_str() != "call")
            .all(|e| e.state == vakt::domain::major::DeliveryState::Sent),
        "{ledger:?}"
    );
}

#[tokio::test]
async fn an_email_that_does_not_go_through_is_followed_by_sms_where_the_agreement_names_it() {
    use crate::servers::{HttpReceiver, SmtpServer, mail_and_sms_notifier};

    let db = TestDb::new().await;
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
    // ROR names SMS as its alternative channel. One address works, one is refused for good, one only for now.
    for (name, email, mobile) in [
        ("Geir Drift", "geir@molde.example", "+47 900 00 011"),
        ("Mona Leder", "reject-permanently@molde.example", "+47 900 00 010"),
        ("Kari Vakt", "reject-temporarily@molde.example", "+47 900 00 012"),
    ] {
        let contact = NewContact {
            organisation: "molde".into(),
            name: name.into(),
            role: "Hendelsesansvarlig".into(),
            email: Some(email.into()),
            mobile: Some(mobile.into()),
            ..NewContact::default()
        };
        rota::add_contact(&db.pool, &contact).await.unwrap();
    }
    let (_, mim) = db.login("mim").await;
    let new = NewIncident {
        service: "MOLDE-EPJ".into(),
        priority: Some("Kritisk".into()),
        title: "Helsejournal nede".into(),
        ..NewIncident::default()
    };
    let incident = lifecycle::create(&mim, &new).await.unwrap().id;
    let view =
        majors::declare(&mim, incident, &DeclareRequest { impact: "EPJ nede".into(), ..DeclareRequest::default() })
            .await
            .unwrap();
    let outcome = majors::send_update(&mim, view.id, &update("EPJ nede", "nettverk"), false).await.unwrap();
    assert_eq!((outcome.emails, outcome.sms), (3, 0), "no SMS asked for");

    let smtp = SmtpServer::start().await;
    let http = HttpReceiver::start().await;
    let notifier = mail_and_sms_notifier(&smtp, &http);
    let (_, worker) = db.login("worker").await;
    let options = vakt::serve::ServeOptions::new("serve-fallback");
    let start = vakt::db::outbox::database_now(&worker).await.unwrap();
    for minutes in [0, 10, 20, 30, 40] {
        vakt::serve::deliver_due(&worker, &notifier, &options, start + Duration::minutes(minutes)).await.unwrap();
    }
    let mut texted: Vec<String> = http
        .requests()
        .iter()
        .filter(|r| r.path == "/sms")
        .map(|r| r.json()["to"].as_str().unwrap_or_default().to_string())
        .collect();
    texted.sort();
    assert_eq!(texted, ["+4790000010", "+4790000012"], "once each, and not to whom the e-mail reached");
    assert_eq!(smtp.received().len(), 1);

    let ledger = majors::load(&mim, view.id).await.unwrap().ledger;
    let fallbacks: Vec<&str> = ledger.iter().filter(|e| e.channel.as_str() == "sms").map(|e| e.text.as_str()).collect();
    assert_eq!(fallbacks.len(), 2, "{ledger:?}");
    assert!(fallbacks.iter().all(|s| s.ends_with("SMS (e-mail did not go through)")), "{fallbacks:?}");

    // Where the agreement names no alternative channel (Altinn), a failing e-mail stays an e-mail.
    let altinn = altinn_a(&db, &mim).await;
    let altinn_major =
        majors::declare(&mim, altinn, &DeclareRequest { impact: "SBL".into(), ..DeclareRequest::default() })
            .await
            .unwrap();
    majors::send_update(&mim, altinn_major.id, &update("SBL nede", "ukjent"), false).await.unwrap();
    let fallback_rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE major_id = $1 AND fallback IS NOT NULL")
            .bind(altinn_major.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(fallback_rows, 0);
}

#[tokio::test]
async fn declarations_reports_hand_overs_agreements_and_the_rota_hold_against_psql() {
    let db = TestDb::new().await;
    let (ola, mim) = db.login("mim").await;
    let (ingrid, other_mim) = db.login("mim").await;
    let (_, admin) = db.login("admin").await;
    let incident = altinn_a(&db, &mim).await;
    let view = majors::declare(&mim, incident, &DeclareRequest { impact: "SBL".into(), ..DeclareRequest::default() })
        .await
        .unwrap();
    let run = |pool: &sqlx::PgPool, sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query(sql).execute(&pool).await.map_err(DbError::from) }
    };

    // The scribe is a vakt login; a typo is not taken for a person.
    let err = majors::assign_role(&mim, view.id, vakt::domain::major::MajorRole::Scribe, "nobdy", None).await;
    assert!(err.unwrap_err().to_string().contains("not an active member of staff"));
    majors::assign_role(&mim, view.id, vakt::domain::major::MajorRole::Scribe, &ingrid, None).await.unwrap();

    // A real major incident cannot be turned into an exercise (which would drop it from the figures).
    let err = run(&mim, "UPDATE majors SET exercise = true").await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
    // The last update time is the server's and moves only with an update, so the deputy's reminder cannot be put
    // off.
    let err = run(&mim, "UPDATE majors SET last_update_at = now() + interval '1 day'").await.unwrap_err();
    assert!(err.to_string().contains("only when an update is sent"), "{err}");
    let ahead: bool = sqlx::query_scalar(
        "SELECT coalesce(last_update_at > now() + interval '1 hour', false) FROM majors WHERE id = $1",
    )
    .bind(view.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(!ahead);

    // A completed report stays as completed.
    sqlx::query(
        "INSERT INTO post_incident_reports (major_id, document, completed_at, completed_by) VALUES ($1, '{}', now(), $2)",
    )
    .bind(view.id)
    .bind(&ola)
    .execute(&db.pool)
    .await
    .unwrap();
    let err = run(&mim, "UPDATE post_incident_reports SET document = '{\"rewritten\": true}'").await.unwrap_err();
    assert!(err.to_string().contains("no longer changes"), "{err}");

    // A hand-over is written by the outgoing MIM and acknowledged by the incoming one, once.
    let forged = sqlx::query(
        "INSERT INTO handovers (outgoing, incoming, note, document, markdown) VALUES ($1, $2, 'n', '{}', 'n')",
    )
    .bind(&ingrid)
    .bind(&ola)
    .execute(&mim)
    .await;
    assert!(forged.unwrap_err().to_string().contains("written by the outgoing MIM"));
    sqlx::query("INSERT INTO handovers (outgoing, incoming, note, document, markdown) VALUES ($1, $2, 'n', '{}', 'n')")
        .bind(&ola)
        .bind(&ingrid)
        .execute(&mim)
        .await
        .unwrap();
    let err = run(&mim, "UPDATE handovers SET acknowledged_by = 'me', acknowledged_at = now()").await.unwrap_err();
    assert!(err.to_string().contains("only the incoming MIM"), "{err}");
    run(&other_mim, "UPDATE handovers SET acknowledged_at = now()").await.unwrap();
    let err = run(&other_mim, "UPDATE handovers SET acknowledged_at = now()").await.unwrap_err();
    assert!(err.to_string().contains("acknowledged by"), "{err}");

    // The agreement version the incident is measured against does not change under it.
    let err = run(&admin, "UPDATE agreement_versions SET document = document || '{\"x\": 1}'").await.unwrap_err();
    assert!(err.to_string().contains("used by incidents"), "{err}");

    // Someone on the rota keeps the MIM role until their shifts are reassigned.
    let now = Utc::now();
    let shift = Shift { mim: ola.clone(), deputy: ingrid.clone(), start: now, end: now + Duration::hours(8) };
    rota::add_shift(&admin, &shift, chrono_tz::Europe::Oslo).await.unwrap();
    let demote =
        vakt::db::staff::NewStaff { login: &ingrid, full_name: "Ingrid", role: "operator", ..Default::default() };
    let err = vakt::db::staff::add(&admin, &demote).await.unwrap_err();
    assert!(err.to_string().contains("keeps the MIM role"), "{err}");
}
