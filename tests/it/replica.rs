//! A console over a primary and a streaming read replica (`db::route`), both started here from the same server
//! binaries: `pg_basebackup -R` from a small primary. Reads go to the replica once it has replayed what the
//! console heard of or wrote; while it lags they go to the primary, so a screen never shows less than a notice
//! said. Writes and LISTEN stay on the primary (NOTIFY is not replicated).

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;
use vakt::app::DbCommand;
use vakt::app::effect::BoardSettings;
use vakt::app::state::Connection;
use vakt::console::Session;
use vakt::db::embedded::{self, Durability, EmbeddedCluster};
use vakt::db::route::Routes;
use vakt::db::{self, staff};

use crate::harness::{insert_incident, seed_reference};

const LOGIN: &str = "rt_kari";

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), fut).await.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// A primary and its replica under one directory, stopped and removed when dropped.
struct Pair {
    root: PathBuf,
    primary: EmbeddedCluster,
    replica: EmbeddedCluster,
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = self.replica.stop();
        let _ = self.primary.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A migrated primary with one incident and an operator login, and a streaming replica of it.
async fn pair() -> (Pair, PgPool, i64) {
    let root = std::env::temp_dir().join(format!("vakt-rt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let primary = EmbeddedCluster::at(root.join("p"));
    tokio::task::spawn_blocking({
        let primary = primary.clone();
        move || primary.ensure_running(Durability::Disposable)
    })
    .await
    .unwrap()
    .expect("start the primary (needs the PostgreSQL server binaries)");
    // Owned from here on, so that a failure below still stops the primary (and a replica, once started).
    let pair = Pair { root: root.clone(), primary: primary.clone(), replica: EmbeddedCluster::at(root.join("r")) };
    let maintenance = db::connect(&primary.url(embedded::SUPERUSER, "postgres"), 1).await.unwrap();
    vakt::setup::ensure_database(&maintenance, embedded::DATABASE).await.unwrap();
    maintenance.close().await;
    let owner = db::connect(&primary.url(embedded::SUPERUSER, embedded::DATABASE), 2).await.unwrap();
    db::migrate(&owner).await.unwrap();
    let (service, version) = seed_reference(&owner).await;
    let incident = insert_incident(&owner, service, version, "SBL down", Some("A")).await;
    staff::add(
        &owner,
        &staff::NewStaff { login: LOGIN, full_name: "Kari Replica", role: "operator", ..Default::default() },
    )
    .await
    .unwrap();
    tokio::task::spawn_blocking({
        let primary = primary.clone();
        let at = root.join("r");
        move || primary.start_replica(at)
    })
    .await
    .unwrap()
    .expect("pg_basebackup a replica and start it");
    (pair, owner, incident)
}

async fn replica_superuser(pair: &Pair) -> PgPool {
    db::connect(&pair.replica.url(embedded::SUPERUSER, embedded::DATABASE), 1).await.unwrap()
}

async fn set_synchronous_commit(owner: &PgPool, value: &str) {
    let statement = match value {
        "on" => "ALTER SYSTEM SET synchronous_commit = 'on'",
        _ => "ALTER SYSTEM SET synchronous_commit = 'off'",
    };
    sqlx::query(statement).execute(owner).await.unwrap();
    sqlx::query("SELECT pg_reload_conf()").execute(owner).await.unwrap();
}

async fn title_on(pool: &PgPool, id: i64) -> String {
    sqlx::query_scalar("SELECT title FROM incidents WHERE id = $1").bind(id).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn a_console_reads_the_replica_yet_never_shows_less_than_it_heard_or_wrote() {
    let (pair, owner, incident) = pair().await;
    // As on a real server (the test cluster commits asynchronously): the replica fence is the flush position.
    set_synchronous_commit(&owner, "on").await;
    let replica_admin = replica_superuser(&pair).await;
    let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()").fetch_one(&replica_admin).await.unwrap();
    assert!(in_recovery, "the second server is a standby");
    let refused = sqlx::query("UPDATE incidents SET title = 'x'").execute(&replica_admin).await.unwrap_err();
    assert!(refused.to_string().contains("read-only"), "{refused}");

    let primary = db::connect(&pair.primary.url(LOGIN, embedded::DATABASE), 4).await.unwrap();
    let replica = db::connect(&pair.replica.url(LOGIN, embedded::DATABASE), 4).await.unwrap();
    // Short while the replica is paused (the reads fall back), long while it replays (they wait for it however
    // loaded the machine is).
    let (paused_wait, replaying_wait) = (Duration::from_millis(300), Duration::from_secs(30));
    let routes = Routes::single(primary).reading_from(replica);
    routes.set_replica_wait(replaying_wait);
    let counts = routes.clone();
    let counts = || counts.read_counts().unwrap();
    let mut console =
        Session::start_routed(routes.clone(), "test", chrono_tz::Europe::Oslo, Utc::now(), |_| None).await.unwrap();
    within("the board", console.run_until(|s| s.screens.board.queue.loaded && s.link.connection == Connection::Live))
        .await;
    assert_eq!(console.state().screens.board.queue.all().len(), 1);
    assert!(counts().on_replica.load(std::sync::atomic::Ordering::SeqCst) >= 1, "the board was read on the replica");

    // The replica stops replaying: a change heard on the primary must still reach the screen, from the primary.
    sqlx::query("SELECT pg_wal_replay_pause()").execute(&replica_admin).await.unwrap();
    routes.set_replica_wait(paused_wait);
    let fell_back = counts().fell_back.load(std::sync::atomic::Ordering::SeqCst);
    sqlx::query("UPDATE incidents SET title = 'SBL down for everyone' WHERE id = $1")
        .bind(incident)
        .execute(&owner)
        .await
        .unwrap();
    within(
        "the change while the replica lags",
        console.run_until(|s| s.screens.board.queue.all().iter().any(|r| r.title == "SBL down for everyone")),
    )
    .await;
    assert!(counts().fell_back.load(std::sync::atomic::Ordering::SeqCst) > fell_back, "read from the primary");
    assert_eq!(title_on(&replica_admin, incident).await, "SBL down", "the replica had not replayed the change");

    // Replaying again: the next change is read on the replica, after it has replayed that far.
    sqlx::query("SELECT pg_wal_replay_resume()").execute(&replica_admin).await.unwrap();
    routes.set_replica_wait(replaying_wait);
    let (on_replica, fell_back) = (
        counts().on_replica.load(std::sync::atomic::Ordering::SeqCst),
        counts().fell_back.load(std::sync::atomic::Ordering::SeqCst),
    );
    sqlx::query("UPDATE incidents SET title = 'SBL back' WHERE id = $1").bind(incident).execute(&owner).await.unwrap();
    within(
        "the change with the replica replaying",
        console.run_until(|s| s.screens.board.queue.all().iter().any(|r| r.title == "SBL back")),
    )
    .await;
    assert!(counts().on_replica.load(std::sync::atomic::Ordering::SeqCst) > on_replica, "read on the replica");
    assert_eq!(counts().fell_back.load(std::sync::atomic::Ordering::SeqCst), fell_back);
    drop(console);

    // Read-your-writes: a write on the primary (here the board settings) is seen by the next read, from the
    // primary while the replica is paused, from the replica once it replays; with synchronous commit (the flush
    // position as the fence) and without it (the insert position).
    let cases = [("on", true, "mine"), ("on", false, "breaching"), ("off", true, "sla"), ("off", false, "mine")];
    for (commit, paused, filter) in cases {
        set_synchronous_commit(&owner, commit).await;
        let pause = if paused { "SELECT pg_wal_replay_pause()" } else { "SELECT pg_wal_replay_resume()" };
        sqlx::query(pause).execute(&replica_admin).await.unwrap();
        routes.set_replica_wait(if paused { paused_wait } else { replaying_wait });
        let settings = BoardSettings { filter: filter.into(), ..Default::default() };
        db::settings::save(routes.primary(), &settings).await.unwrap();
        routes.wrote();
        let read_on = routes.pool_for(&DbCommand::LoadBoard).await;
        assert_eq!(db::settings::load(&read_on).await.unwrap().filter, filter);
        let on_replica: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()").fetch_one(&read_on).await.unwrap();
        assert_eq!(on_replica, !paused, "paused: {paused}, synchronous_commit {commit}");
    }
    // A write is never sent to the replica.
    let write = DbCommand::SaveSettings(BoardSettings::default());
    let in_recovery: bool =
        sqlx::query_scalar("SELECT pg_is_in_recovery()").fetch_one(&routes.pool_for(&write).await).await.unwrap();
    assert!(!in_recovery);
    replica_admin.close().await;
    owner.close().await;
}
