//! The database stops mid-session and comes back. A private cluster is started for this test alone (the shared
//! test cluster is not disturbed), stopped with `pg_ctl stop -m fast` while a headless console and two `vakt
//! serve` processes run, and started again.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sqlx::PgPool;
use tokio::process::{Child, Command};
use vakt::app::Action;
use vakt::app::command::{Act, Command as Run};
use vakt::app::state::{Connection, Overlay, State};
use vakt::console::Session;
use vakt::db::embedded::{Durability, EmbeddedCluster, SUPERUSER};
use vakt::db::outbox::{self, OutboxState, StateFilter};
use vakt::notify::{OutboundMessage, Recipient, WebhookPreset};
use vakt::ui::{self, Theme, View};

use super::{ctrl, type_text, until};
use crate::harness::{insert_incident, seed_reference};
use crate::servers::HttpReceiver;

const DATABASE: &str = "vakt_fault";

/// The private cluster, stopped and removed on drop (also when the test fails).
struct Cluster {
    cluster: EmbeddedCluster,
    root: PathBuf,
}

impl Cluster {
    async fn start() -> Cluster {
        let root = std::env::temp_dir().join(format!("vakt-fault-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let cluster = EmbeddedCluster::at(&root);
        let starting = cluster.clone();
        tokio::task::spawn_blocking(move || starting.ensure_running(Durability::Disposable))
            .await
            .unwrap()
            .expect("start the private cluster");
        Cluster { cluster, root }
    }

    fn url(&self, login: &str) -> String {
        self.cluster.url(login, DATABASE)
    }

    async fn stop(&self) {
        let cluster = self.cluster.clone();
        tokio::task::spawn_blocking(move || cluster.stop()).await.unwrap().expect("pg_ctl stop -m fast");
    }

    async fn start_again(&self) {
        let cluster = self.cluster.clone();
        tokio::task::spawn_blocking(move || cluster.ensure_running(Durability::Disposable))
            .await
            .unwrap()
            .expect("pg_ctl start");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

async fn migrated(cluster: &Cluster) -> PgPool {
    let admin = vakt::db::connect(&cluster.cluster.url(SUPERUSER, "postgres"), 2).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {DATABASE}"))).execute(&admin).await.unwrap();
    admin.close().await;
    let pool = vakt::db::connect(&cluster.url(SUPERUSER), 4).await.unwrap();
    vakt::db::migrate(&pool).await.unwrap();
    vakt::db::secure_database(&pool).await.unwrap();
    pool
}

async fn enqueue(pool: &PgPool, key: &str, url: String) {
    let message = OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Webhook { url, preset: WebhookPreset::Generic },
        subject: "Altinn".into(),
        body: "Neste oppdatering 14:30.".into(),
        payload: None,
    };
    let mut tx = pool.begin().await.unwrap();
    let ledger = outbox::Ledger { major_id: None, audience: "Digdir", summary: key, exercise: false };
    outbox::enqueue(&mut tx, &ledger, &message).await.unwrap();
    tx.commit().await.unwrap();
}

fn serve(url: &str, dir: &std::path::Path, worker: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vakt"))
        .args(["--database-url", url, "serve", "--worker-id", worker, "--lease", "5"])
        .env("VAKT_CONFIG", dir.join("config.toml"))
        .env_remove("DATABASE_URL")
        .env("XDG_STATE_HOME", dir)
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start vakt serve")
}

fn screen(state: &State) -> String {
    let theme = Theme::builtin("dark").unwrap();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let view = View { theme: &theme, now: Utc::now(), zone: chrono_tz::Europe::Oslo };
    terminal.draw(|frame| ui::render(frame, state, view)).unwrap();
    terminal.backend().to_string()
}

fn note_form(state: &State) -> Option<(String, Option<String>, bool)> {
    match &state.overlay {
        Some(Overlay::Form(form)) => {
            Some((form.fields[0].typed().unwrap_or_default(), form.error.clone(), form.saving))
        }
        _ => None,
    }
}

/// Waits until the outbox holds `n` messages, all sent (polled: the notices stop with the server).
async fn all_sent(pool: &PgPool, n: usize) {
    let deadline = tokio::time::Instant::now() + super::LIMIT;
    loop {
        let rows = outbox::list(pool, StateFilter::All, 100).await.unwrap_or_default();
        if rows.len() == n && rows.iter().all(|r| r.state == OutboxState::Sent) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "not delivered: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_database_stops_mid_session_and_comes_back_and_nothing_is_lost_or_sent_twice() {
    let cluster = Cluster::start().await;
    let owner = migrated(&cluster).await;
    let (service, version) = seed_reference(&owner).await;
    let incident = insert_incident(&owner, service, version, "SBL down", Some("A")).await;
    let staff =
        vakt::db::staff::NewStaff { login: "kari", full_name: "Kari Nordmann", role: "operator", ..Default::default() };
    vakt::db::staff::add(&owner, &staff).await.unwrap();
    let receiver = HttpReceiver::answering_after(Duration::from_millis(300)).await;
    let dir = std::env::temp_dir().join(format!("vakt-fault-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "").unwrap();
    let mut workers = vec![serve(&cluster.url(SUPERUSER), &dir, "w1"), serve(&cluster.url(SUPERUSER), &dir, "w2")];

    let kari = vakt::db::connect(&cluster.url("kari"), 4).await.unwrap();
    let mut console = Session::start(kari, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    until(&mut console, "the board", |s| s.link.connection == Connection::Live && s.screens.board.queue.loaded).await;
    enqueue(&owner, "before", receiver.url("/hook")).await;
    all_sent(&owner, 1).await;

    // Kari is typing a note when the server stops; one message is being delivered at that moment.
    console.dispatch(Action::Run(Run::Open), Utc::now());
    until(&mut console, "the incident", |s| s.screens.board.incident.as_ref().is_some_and(|v| v.detail.is_some()))
        .await;
    console.dispatch(Action::Run(Run::Act(Act::Note)), Utc::now());
    type_text(&mut console, "Ringt leverandør");
    enqueue(&owner, "in-flight", receiver.url("/hook")).await;
    let deadline = tokio::time::Instant::now() + super::LIMIT;
    while !receiver.requests().iter().any(|r| r.header("Idempotency-Key") == Some("in-flight")) {
        assert!(tokio::time::Instant::now() < deadline, "the second message never reached the receiver");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cluster.stop().await;

    // Offline: said with the time, the last state still shown, the text kept and a save refused.
    until(&mut console, "offline", |s| matches!(s.link.connection, Connection::Offline { .. })).await;
    let drawn = screen(console.state());
    assert!(drawn.contains("OFFLINE since "), "{drawn}");
    assert!(drawn.contains("SBL down"), "the last known board stays: {drawn}");
    ctrl(&mut console, 's');
    let (text, error, saving) = note_form(console.state()).expect("the form stays open");
    assert_eq!(text, "Ringt leverandør");
    assert!(!saving && error.as_deref().is_some_and(|e| e.contains("offline: not sent")), "{error:?}");
    type_text(&mut console, " kl. 14");

    // The server comes back; what changed meanwhile is on the board once the console is live again.
    cluster.start_again().await;
    sqlx::query("UPDATE incidents SET title = 'SBL down for everyone' WHERE id = $1")
        .bind(incident)
        .execute(&owner)
        .await
        .unwrap();
    let second = insert_incident(&owner, service, version, "TT02 slow", Some("B")).await;
    until(&mut console, "live again with the changes", |s| {
        s.link.connection == Connection::Live
            && s.screens.board.queue.find(second).is_some()
            && s.screens.board.queue.find(incident).is_some_and(|r| r.title == "SBL down for everyone")
    })
    .await;
    let (text, _, _) = note_form(console.state()).expect("the form is still open");
    assert_eq!(text, "Ringt leverandør kl. 14");
    // The incident changed while Kari was offline: her note is checked against the version she saw.
    ctrl(&mut console, 's');
    until(&mut console, "the answer", |s| note_form(s).is_none_or(|(_, error, saving)| !saving && error.is_some()))
        .await;
    let (_, error, _) = note_form(console.state()).expect("the conflict keeps the form");
    assert!(error.as_deref().is_some_and(|e| e.contains("was changed since version")), "{error:?}");
    ctrl(&mut console, 's');
    until(&mut console, "the note", |s| s.overlay.is_none()).await;
    let notes: Vec<String> = sqlx::query_scalar(
        "SELECT data->>'text' FROM incident_events WHERE incident_id = $1 AND kind = 'note' ORDER BY id",
    )
    .bind(incident)
    .fetch_all(&owner)
    .await
    .unwrap();
    assert_eq!(notes, ["Ringt leverandør kl. 14"]);

    // vakt serve goes on: a new message is delivered, the interrupted one again under its key, nothing else twice.
    enqueue(&owner, "after", receiver.url("/hook")).await;
    all_sent(&owner, 3).await;
    for worker in &mut workers {
        assert!(worker.try_wait().unwrap().is_none(), "vakt serve kept running through the outage");
        worker.start_kill().unwrap();
        worker.wait().await.unwrap();
    }
    let mut per_key: BTreeMap<String, usize> = BTreeMap::new();
    for request in receiver.requests() {
        *per_key.entry(request.header("Idempotency-Key").unwrap_or_default().to_string()).or_default() += 1;
    }
    eprintln!("deliveries per idempotency key across the outage: {per_key:?}");
    assert_eq!(per_key.get("before"), Some(&1), "{per_key:?}");
    assert_eq!(per_key.get("after"), Some(&1), "{per_key:?}");
    assert!(matches!(per_key.get("in-flight"), Some(1 | 2)), "{per_key:?}");
    assert_eq!(per_key.len(), 3, "{per_key:?}");
    let _ = std::fs::remove_dir_all(dir);
}
