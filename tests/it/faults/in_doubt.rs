//! A stakeholder update whose COMMIT's answer is lost: the console cannot know whether it was recorded, keeps the
//! text, and sending it again finds the recorded update instead of queueing every message a second time under new
//! idempotency keys.

use chrono::Utc;
use crossterm::event::KeyCode;
use vakt::app::Action;
use vakt::app::command::{Command, MajorAct};
use vakt::app::state::{Connection, Overlay};
use vakt::console::Session;
use vakt::db::lifecycle::{self, NewIncident};
use vakt::db::majors::{self, DeclareRequest};
use vakt::db::rota::{self, NewContact};

use super::proxy::CommitCutter;
use super::{ctrl, key, type_text, until};
use crate::harness::{Psql, TestDb};

/// An Altinn A major incident declared by a MIM, with two e-mail contacts and a webhook channel at ASF.
async fn altinn_major(db: &TestDb, mim: &sqlx::PgPool) -> i64 {
    for (_, text) in vakt::demo::SEED_AGREEMENTS {
        vakt::db::agreements::import(&db.pool, text).await.unwrap();
    }
    for (name, email, webhook) in [
        ("Siri Serviceleder", Some("siri@te.example"), None),
        ("Hans Hendelse", Some("hans@te.example"), None),
        ("#drift", None, Some("http://127.0.0.1:9/hook")),
    ] {
        let contact = NewContact {
            organisation: "asf".into(),
            name: name.into(),
            role: "Serviceleder".into(),
            email: email.map(String::from),
            webhook_url: webhook.map(String::from),
            ..NewContact::default()
        };
        rota::add_contact(&db.pool, &contact).await.unwrap();
    }
    let new = NewIncident {
        service: "SBL".into(),
        priority: Some("A".into()),
        title: "SBL utilgjengelig".into(),
        ..NewIncident::default()
    };
    let incident = lifecycle::create(mim, &new).await.unwrap().id;
    let request = DeclareRequest { impact: "Ingen kan sende inn skjema".into(), ..DeclareRequest::default() };
    majors::declare(mim, incident, &request).await.unwrap().id
}

async fn recorded(db: &TestDb, major: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM major_updates WHERE major_id = $1),
                (SELECT count(*) FROM outbox WHERE major_id = $1 AND idempotency_key LIKE 'upd%')",
    )
    .bind(major)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

/// Writes a stakeholder update in the form, previews it and sends it; the database commits it, and the answer
/// never reaches the console, which keeps the text and says so.
async fn send_with_the_answer_lost(console: &mut Session, proxy: &CommitCutter) {
    console.dispatch(Action::Run(Command::Major(MajorAct::Update)), Utc::now());
    assert!(matches!(console.state().overlay, Some(Overlay::Form(_))), "{:?}", console.state().message);
    for text in ["Innlogging feiler", "Sertifikat utløpt", "ukjent", "ingen"] {
        type_text(console, text);
        key(console, KeyCode::Tab);
    }
    ctrl(console, 's');
    assert!(matches!(console.state().overlay, Some(Overlay::Preview(_))), "{:?}", console.state().overlay);
    proxy.arm();
    key(console, KeyCode::Enter);
    tokio::time::timeout(super::LIMIT, proxy.cut()).await.expect("the COMMIT to be cut");
    until(console, "the write to fail", |s| matches!(&s.overlay, Some(Overlay::Preview(p)) if !p.saving)).await;
    let Some(Overlay::Preview(preview)) = &console.state().overlay else { unreachable!() };
    let error = preview.error.clone().unwrap_or_default();
    assert!(error.contains("unreachable") && error.contains("kept"), "{error}");
    assert!(preview.form.fields[0].typed().is_some_and(|t| t == "Innlogging feiler"), "the text is kept");
}

#[tokio::test]
async fn an_update_sent_again_after_its_commit_answer_was_lost_is_queued_once() {
    let db = TestDb::new().await;
    let (mim_login, mim) = db.login("mim").await;
    let major = altinn_major(&db, &mim).await;
    let proxy = CommitCutter::start(&db.url(), "INSERT INTO major_updates").await;
    let through_proxy = vakt::db::connect(&proxy.url(&mim_login, &db.name), 4).await.unwrap();
    let mut console = Session::start(through_proxy, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    until(&mut console, "the majors", |s| s.link.connection == Connection::Live && s.screens.major.loaded).await;

    send_with_the_answer_lost(&mut console, &proxy).await;
    assert_eq!(recorded(&db, major).await, (1, 3), "committed: one update, two e-mails and a webhook queued");

    // Back online, Enter again: the recorded update is found and nothing is queued a second time.
    until(&mut console, "the console to be live again", |s| s.link.connection == Connection::Live).await;
    key(&mut console, KeyCode::Enter);
    until(&mut console, "the answer", |s| s.overlay.is_none()).await;
    let said = console.state().message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("update 1 had been recorded") && said.contains("nothing was queued again"), "{said}");
    assert_eq!(recorded(&db, major).await, (1, 3), "nothing queued twice");

    // The next update is a new request and goes out.
    console.dispatch(Action::Run(Command::Major(MajorAct::Update)), Utc::now());
    for text in ["Fortsatt nede", "Sertifikat utløpt", "ukjent", "ingen"] {
        type_text(&mut console, text);
        key(&mut console, KeyCode::Tab);
    }
    ctrl(&mut console, 's');
    key(&mut console, KeyCode::Enter);
    until(&mut console, "the second update", |s| s.overlay.is_none()).await;
    assert_eq!(recorded(&db, major).await, (2, 6));

    // In the database: one request key records one update, whoever tries with psql.
    let mut psql = Psql::open(&mim).await;
    let insert = format!(
        "INSERT INTO public.major_updates (major_id, what, cause, eta, workaround, request_key)
         VALUES ({major}, 'a', 'b', 'c', 'd', 'same-key')"
    );
    psql.ok(&insert).await;
    psql.refused(&insert, "major_updates_request_key").await;
    let empty = insert.replace("'same-key'", "''");
    psql.refused(&empty, "major_updates_request_key_shape").await;
}

#[tokio::test]
async fn an_update_sent_again_after_a_restart_is_queued_once() {
    let db = TestDb::new().await;
    let (mim_login, mim) = db.login("mim").await;
    let major = altinn_major(&db, &mim).await;
    let proxy = CommitCutter::start(&db.url(), "INSERT INTO major_updates").await;
    let dir = std::env::temp_dir().join(format!("vakt-faults-{}-restart", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let drafts = dir.join("drafts.json");
    let _ = std::fs::remove_file(&drafts);
    let start = |pool| Session::start(pool, "test", chrono_tz::Europe::Oslo, Utc::now(), Some(drafts.clone()));

    let through_proxy = vakt::db::connect(&proxy.url(&mim_login, &db.name), 4).await.unwrap();
    let mut console = start(through_proxy).await.unwrap();
    until(&mut console, "the majors", |s| s.link.connection == Connection::Live && s.screens.major.loaded).await;
    send_with_the_answer_lost(&mut console, &proxy).await;
    assert_eq!(recorded(&db, major).await, (1, 3));
    // The console dies without a word (no flush at exit): what it saved on its own is all there is.
    let kept = || std::fs::read_to_string(&drafts).unwrap_or_default();
    let deadline = std::time::Instant::now() + super::LIMIT;
    while !(kept().contains("major-update-request") && kept().contains("Innlogging feiler")) {
        assert!(std::time::Instant::now() < deadline, "the drafts file holds the key and the text: {}", kept());
        console.dispatch(Action::Tick, Utc::now());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    drop(console);

    let mut console = start(vakt::db::connect(&db.url_as(&mim_login), 4).await.unwrap()).await.unwrap();
    let said = console.state().message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("got no answer"), "{said}");
    until(&mut console, "the majors", |s| s.link.connection == Connection::Live && s.screens.major.loaded).await;
    console.dispatch(Action::Run(Command::Major(MajorAct::Update)), Utc::now());
    let Some(Overlay::Form(form)) = &console.state().overlay else { panic!("{:?}", console.state().message) };
    assert!(form.fields[0].typed().is_some_and(|t| t == "Innlogging feiler"), "the draft is back");
    ctrl(&mut console, 's');
    key(&mut console, KeyCode::Enter);
    until(&mut console, "the answer", |s| s.overlay.is_none()).await;
    let said = console.state().message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("update 1 had been recorded") && said.contains("nothing was queued again"), "{said}");
    assert_eq!(recorded(&db, major).await, (1, 3), "nothing queued twice after the restart");
    // Recorded: the key is forgotten, and the next update is a new request.
    until(&mut console, "the key to be dropped from the file", |_| !kept().contains("major-update-request")).await;
    let _ = std::fs::remove_dir_all(&dir);
}
