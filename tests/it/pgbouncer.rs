//! vakt behind PgBouncer, started here as the server's system user on a Unix socket in front of the test cluster:
//! Debian 12's package (1.18), and 1.21 or later where one is installed (`.ci/pgbouncer-newer.py` unpacks Debian
//! 13's 1.24 under /opt/vakt-pgbouncer; CI does). Skipped, with a message, when no `pgbouncer` is installed.
//!
//! What holds, tried here:
//! - Session mode: everything, LISTEN included: a console and `vakt serve` work through it unchanged.
//! - Transaction mode: LISTEN cannot (the server connection goes back to the pool after each transaction), so
//!   consoles and `vakt serve` name a listen URL (PostgreSQL itself, or a session-mode pool). sqlx prepares every
//!   parameterised query as a named statement in one round trip and binds it in the next; PgBouncer before 1.21
//!   may hand the second round trip to another server connection, where the name is unknown or means another
//!   query, so on 1.18 transaction mode fails (shown below); with 1.21 or later and `max_prepared_statements` a
//!   console reads, follows a change and writes through transaction mode.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use vakt::app::state::Connection;
use vakt::console::Session;
use vakt::db;
use vakt::db::route::Routes;

use crate::harness::{TestDb, insert_incident, seed_reference};

const PORT: u16 = 6432;

/// Where `.ci/pgbouncer-newer.py` puts a PgBouncer of 1.21 or later.
const NEWER: &str = "/opt/vakt-pgbouncer/bin/pgbouncer";

/// Every PgBouncer installed: the distribution's, then a newer one beside it.
fn pgbouncer_binaries() -> Vec<PathBuf> {
    let system = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"]
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_file());
    system.into_iter().chain(Some(PathBuf::from(NEWER)).filter(|path| path.is_file())).collect()
}

fn pgbouncer_binary() -> Option<PathBuf> {
    pgbouncer_binaries().into_iter().next()
}

/// (major, minor) from `pgbouncer --version` ("PgBouncer 1.18.0").
fn pgbouncer_version(binary: &PathBuf) -> (u32, u32) {
    let out = Command::new(binary).arg("--version").output().expect("run pgbouncer --version");
    let text = String::from_utf8_lossy(&out.stdout);
    let number = text.split_whitespace().nth(1).unwrap_or("0.0");
    let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn supports_prepared_statements(version: (u32, u32)) -> bool {
    version >= (1, 21)
}

/// A PgBouncer process in its own directory, killed and removed when dropped.
struct Bouncer {
    dir: PathBuf,
    child: Child,
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        // As root the child is `runuser`, which does not pass a kill on: stop PgBouncer itself by its pid file.
        if let Ok(pid) = std::fs::read_to_string(self.dir.join("pgbouncer.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Bouncer {
    fn url(&self, login: &str, database: &str) -> String {
        format!("postgresql://{login}@localhost:{PORT}/{database}?host={}", self.dir.display())
    }

    /// Starts PgBouncer in `mode` in front of the test database's server, letting `logins` in.
    async fn start(binary: &PathBuf, db: &TestDb, mode: &str, pool_size: u32, logins: &[&str]) -> Bouncer {
        let backend: PgConnectOptions = db.url().parse().unwrap();
        let host = match backend.get_socket() {
            Some(dir) => dir.display().to_string(),
            None => backend.get_host().to_string(),
        };
        let dir = std::env::temp_dir().join(format!("vakt-pgb-{}-{mode}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let users: String = logins.iter().map(|login| format!("\"{login}\" \"\"\n")).collect();
        std::fs::write(dir.join("users.txt"), users).unwrap();
        let prepared = if supports_prepared_statements(pgbouncer_version(binary)) {
            "max_prepared_statements = 200\n"
        } else {
            ""
        };
        // No listen_addr: only the Unix socket in its own directory, so nothing else on the machine is disturbed.
        let ini = format!(
            "[databases]\n* = host={host} port={port}\n\n[pgbouncer]\nlisten_port = {PORT}\nunix_socket_dir = {dir}\n\
             auth_type = trust\nauth_file = {dir}/users.txt\npool_mode = {mode}\ndefault_pool_size = {pool_size}\n\
             max_client_conn = 500\nignore_startup_parameters = extra_float_digits\npidfile = {dir}/pgbouncer.pid\n\
             logfile = {dir}/pgbouncer.log\n{prepared}",
            port = backend.get_port(),
            dir = dir.display(),
        );
        std::fs::write(dir.join("pgbouncer.ini"), ini).unwrap();
        // PgBouncer refuses to run as root: as root, run it as the server's system user, as the harness does.
        let root =
            std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false);
        let mut command = if root {
            let status = Command::new("chown").arg("-R").arg("postgres:").arg(&dir).status().unwrap();
            assert!(status.success(), "chown the PgBouncer directory");
            let mut c = Command::new("runuser");
            c.arg("-u").arg("postgres").arg("--").arg(binary);
            c
        } else {
            Command::new(binary)
        };
        let child = command
            .arg(dir.join("pgbouncer.ini"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pgbouncer");
        let bouncer = Bouncer { dir, child };
        // Ready when its socket accepts a login.
        for _ in 0..200 {
            let options: PgConnectOptions = bouncer.url(logins[0], &db.name).parse().unwrap();
            if let Ok(conn) = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options).await {
                let _ = sqlx::Connection::close(conn).await;
                return bouncer;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let log = std::fs::read_to_string(bouncer.dir.join("pgbouncer.log")).unwrap_or_default();
        panic!("pgbouncer did not start:\n{log}");
    }
}

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), fut).await.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// A console on `routes` loads the board, then sees a change committed elsewhere.
async fn console_follows_a_change(routes: Routes, owner: &PgPool, incident: i64, title: &str) {
    let mut console =
        Session::start_routed(routes, "test", chrono_tz::Europe::Oslo, Utc::now(), |_| None).await.unwrap();
    within(
        "the board through PgBouncer",
        console.run_until(|s| s.screens.board.queue.loaded && s.link.connection == Connection::Live),
    )
    .await;
    assert!(console.state().screens.board.queue.all().iter().any(|r| r.id == incident));
    sqlx::query("UPDATE incidents SET title = $2 WHERE id = $1")
        .bind(incident)
        .bind(title)
        .execute(owner)
        .await
        .unwrap();
    within(
        "the change through PgBouncer",
        console.run_until(|s| s.screens.board.queue.all().iter().any(|r| r.id == incident && r.title == title)),
    )
    .await;
}

#[tokio::test]
async fn behind_pgbouncer_in_session_mode_consoles_and_listen_work_unchanged() {
    let Some(binary) = pgbouncer_binary() else {
        eprintln!("SKIPPED: pgbouncer is not installed (apt-get install -y pgbouncer)");
        return;
    };
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let incident = insert_incident(&db.pool, service, version, "SBL down", Some("A")).await;
    let (login, direct) = db.login("operator").await;
    direct.close().await;
    let bouncer = Bouncer::start(&binary, &db, "session", 10, &[&login]).await;
    // Everything, LISTEN included, through the session pool.
    let through = db::connect(&bouncer.url(&login, &db.name), 4).await.unwrap();
    console_follows_a_change(Routes::single(through.clone()), &db.pool, incident, "SBL down (session pool)").await;
    // Ten consoles' worth of connections take at most the pool's ten server connections at a time.
    let (servers,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = $2")
            .bind(&db.name)
            .bind(&login)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!((1..=10).contains(&servers), "{servers} server connections");
    through.close().await;
}

#[tokio::test]
async fn in_transaction_mode_listen_goes_direct_and_prepared_statements_need_pgbouncer_1_21() {
    let binaries = pgbouncer_binaries();
    if binaries.is_empty() {
        eprintln!("SKIPPED: pgbouncer is not installed (apt-get install -y pgbouncer)");
        return;
    }
    if !binaries.iter().any(|b| supports_prepared_statements(pgbouncer_version(b))) {
        eprintln!("NOT RUN: a console through transaction mode needs PgBouncer 1.21 or later (.ci/pgbouncer-newer.py)");
    }
    for binary in binaries {
        transaction_mode(&binary).await;
    }
}

async fn transaction_mode(binary: &PathBuf) {
    let version = pgbouncer_version(binary);
    let db = TestDb::new().await;
    let (service, agreement_version) = seed_reference(&db.pool).await;
    let incident = insert_incident(&db.pool, service, agreement_version, "SBL down", Some("A")).await;
    let (login, direct) = db.login("operator").await;
    // One server connection, so that two clients' statements meet on it.
    let bouncer = Bouncer::start(binary, &db, "transaction", 1, &[&login]).await;
    let first = db::connect(&bouncer.url(&login, &db.name), 1).await.unwrap();
    let second = db::connect(&bouncer.url(&login, &db.name), 1).await.unwrap();
    let one: i32 = sqlx::query_scalar("SELECT $1::int4").bind(1).fetch_one(&first).await.unwrap();
    assert_eq!(one, 1);
    let other = sqlx::query_scalar::<_, String>("SELECT $1::text || 'x'").bind("a").fetch_one(&second).await;
    if supports_prepared_statements(version) {
        assert_eq!(other.unwrap(), "ax", "PgBouncer {version:?}");
        // The console: queries through the transaction pool, LISTEN straight to PostgreSQL.
        let through = db::connect(&bouncer.url(&login, &db.name), 4).await.unwrap();
        let routes = Routes::single(through.clone()).listening_on(direct);
        console_follows_a_change(routes, &db.pool, incident, "SBL down (transaction pool)").await;
        // A write (a transaction with the incident's row lock, its event and its notice) through the same pool.
        let text = "written through a transaction-mode PgBouncer".to_string();
        let action = vakt::domain::incident::lifecycle::IncidentAction::Note { text: text.clone() };
        vakt::db::lifecycle::perform(&through, incident, None, &action).await.unwrap();
        let notes: i64 =
            sqlx::query_scalar("SELECT count(*) FROM incident_events WHERE incident_id = $1 AND data->>'text' = $2")
                .bind(incident)
                .bind(&text)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(notes, 1, "the note through PgBouncer {version:?} in transaction mode");
        through.close().await;
    } else {
        // PgBouncer before 1.21 passes sqlx's named statement to the one server connection, where the first
        // client's statement of the same name already lives.
        let error = other.expect_err("named prepared statements collide in transaction mode before PgBouncer 1.21");
        assert!(error.to_string().contains("prepared statement"), "{error}");
    }
    first.close().await;
    second.close().await;
}
