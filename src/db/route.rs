//! Where a console's database work goes when a site runs more than one server: writes, version-checked edits and
//! the start-up checks on the primary; LISTEN on the primary too (or on a connection that bypasses a
//! transaction-mode pooler, which cannot hold one); the screens' reads on a streaming read replica.
//!
//! NOTIFY is not replicated, and a replica lags its primary. So a read goes to the replica only once the replica
//! has replayed everything this console has heard of or written: the listener marks the route "behind" on every
//! notice, the worker does so after every write, and before the next replica read the worker asks the primary
//! for its WAL position (see [`FENCE`]) and waits until `pg_last_wal_replay_lsn()` on the replica has reached it. A
//! console therefore never reads an older version than a notice it acted on, and reads its own writes, while the
//! queries themselves (the board's ten thousand rows) run on the replica. If the replica does not catch up within
//! [`Routes::REPLICA_WAIT`] (2 s), or cannot be reached, the read goes to the primary: a lagging replica costs load,
//! never a stale screen.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio::sync::mpsc;

use super::ReadyConnection;
use crate::app::{Action, DbCommand};

/// The pools a console uses. Cheap to clone (the pools and the marks are shared).
#[derive(Debug, Clone)]
pub struct Routes {
    primary: PgPool,
    listen: PgPool,
    replica: Option<Replica>,
    /// Primary connections opened side by side for the console's start-up reads (`db::connect_ready`).
    ready: Arc<std::sync::Mutex<Vec<ReadyConnection>>>,
}

#[derive(Debug, Clone)]
struct Replica {
    pool: PgPool,
    /// Set when the console may know of a change the replica has not shown yet.
    behind: Arc<AtomicBool>,
    /// The primary's WAL position (bytes) the replica must have replayed before it is read.
    fence: Arc<AtomicU64>,
    counts: Arc<ReadCounts>,
    /// How long a read waits for the replica before it goes to the primary, in milliseconds.
    wait_ms: Arc<AtomicU64>,
}

/// How the reads went, for the benchmarks and tests.
#[derive(Debug, Default)]
pub struct ReadCounts {
    pub on_replica: AtomicU64,
    pub on_primary: AtomicU64,
    /// Reads that went to the primary because the replica had not caught up in time or failed.
    pub fell_back: AtomicU64,
    /// Reads that had to wait for the replica to replay.
    pub waited: AtomicU64,
}

/// A handle the listener uses to say "a change was heard": the next replica read waits for it.
#[derive(Debug, Clone, Default)]
pub struct Heard(Option<Arc<AtomicBool>>);

impl Heard {
    pub fn changed(&self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::SeqCst);
        }
    }
}

impl Routes {
    /// How long a read waits for the replica to replay before it goes to the primary instead.
    pub const REPLICA_WAIT: Duration = Duration::from_secs(2);
    /// Between two looks at the replica's replay position.
    const REPLAY_POLL: Duration = Duration::from_millis(2);

    /// Everything on one server (or one pooler that can also LISTEN).
    pub fn single(pool: PgPool) -> Routes {
        Routes { listen: pool.clone(), primary: pool, replica: None, ready: Arc::default() }
    }

    /// Hands over primary connections opened (or being opened) for the start-up reads.
    pub fn with_ready(self, connections: Vec<ReadyConnection>) -> Routes {
        if let Ok(mut ready) = self.ready.lock() {
            ready.extend(connections);
        }
        self
    }

    /// The primary connections handed over by `with_ready` (each only once), the first open one first.
    pub fn take_ready(&self) -> Vec<ReadyConnection> {
        self.ready.lock().map(|mut ready| std::mem::take(&mut *ready)).unwrap_or_default()
    }

    /// LISTEN on its own pool: PostgreSQL itself or a session-mode pool when `primary` is a transaction-mode
    /// pooler.
    pub fn listening_on(mut self, listen: PgPool) -> Routes {
        self.listen = listen;
        self
    }

    /// Screens read from `replica` once it has caught up (see the module's comment).
    pub fn reading_from(mut self, replica: PgPool) -> Routes {
        self.replica = Some(Replica {
            pool: replica,
            behind: Arc::new(AtomicBool::new(true)),
            fence: Arc::new(AtomicU64::new(0)),
            counts: Arc::new(ReadCounts::default()),
            wait_ms: Arc::new(AtomicU64::new(Self::REPLICA_WAIT.as_millis() as u64)),
        });
        self
    }

    /// Another limit than [`Self::REPLICA_WAIT`] for a read waiting on the replica, for every clone of these routes.
    pub fn set_replica_wait(&self, wait: Duration) {
        if let Some(replica) = &self.replica {
            replica.wait_ms.store(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), Ordering::SeqCst);
        }
    }

    pub fn primary(&self) -> &PgPool {
        &self.primary
    }

    pub fn listen_pool(&self) -> &PgPool {
        &self.listen
    }

    /// What the listener marks on every notice.
    pub fn heard(&self) -> Heard {
        Heard(self.replica.as_ref().map(|r| r.behind.clone()))
    }

    pub fn read_counts(&self) -> Option<&ReadCounts> {
        self.replica.as_ref().map(|r| r.counts.as_ref())
    }

    /// The pool this command runs on: the replica for a read once it has caught up, the primary otherwise.
    pub async fn pool_for(&self, command: &DbCommand) -> PgPool {
        let Some(replica) = &self.replica else {
            return self.primary.clone();
        };
        if !is_read(command) {
            return self.primary.clone();
        }
        match self.caught_up(replica).await {
            Ok(true) => {
                replica.counts.on_replica.fetch_add(1, Ordering::Relaxed);
                replica.pool.clone()
            }
            Ok(false) => {
                replica.counts.fell_back.fetch_add(1, Ordering::Relaxed);
                replica.counts.on_primary.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("the read replica is behind; reading from the primary");
                self.primary.clone()
            }
            Err(error) => {
                replica.counts.fell_back.fetch_add(1, Ordering::Relaxed);
                replica.counts.on_primary.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%error, "the read replica cannot be asked; reading from the primary");
                // Whatever was learnt of the primary stays required.
                replica.behind.store(true, Ordering::SeqCst);
                self.primary.clone()
            }
        }
    }

    /// After a write on the primary: the next replica read must show it.
    pub fn wrote(&self) {
        if let Some(replica) = &self.replica {
            replica.behind.store(true, Ordering::SeqCst);
        }
    }

    /// True once the replica has replayed up to the fence (raised first to the primary's position when a change
    /// was heard or written since the last look); false when it did not within its wait limit.
    async fn caught_up(&self, replica: &Replica) -> Result<bool, sqlx::Error> {
        if replica.behind.swap(false, Ordering::SeqCst) {
            let position: i64 = sqlx::query_scalar(FENCE).fetch_one(&self.primary).await.inspect_err(|_| {
                replica.behind.store(true, Ordering::SeqCst);
            })?;
            replica.fence.fetch_max(u64::try_from(position).unwrap_or(0), Ordering::SeqCst);
        }
        let fence = replica.fence.load(Ordering::SeqCst);
        let started = Instant::now();
        let limit = Duration::from_millis(replica.wait_ms.load(Ordering::SeqCst));
        let mut waited = false;
        loop {
            // NULL when the "replica" is itself a primary (a test, or a site pointing both URLs at one server):
            // it is always current.
            let replayed: Option<i64> =
                sqlx::query_scalar("SELECT (pg_catalog.pg_last_wal_replay_lsn() - '0/0'::pg_catalog.pg_lsn)::int8")
                    .fetch_one(&replica.pool)
                    .await?;
            match replayed {
                None => return Ok(true),
                Some(replayed) if u64::try_from(replayed).unwrap_or(0) >= fence => {
                    if waited {
                        replica.counts.waited.fetch_add(1, Ordering::Relaxed);
                    }
                    return Ok(true);
                }
                Some(_) if started.elapsed() >= limit => return Ok(false),
                Some(_) => {
                    waited = true;
                    tokio::time::sleep(Self::REPLAY_POLL).await;
                }
            }
        }
    }
}

/// The primary's WAL position a replica must reach to show every change committed so far: the insert position.
/// It covers every commit already returned or notified, also with `synchronous_commit = off`, where a notice may
/// come before its commit record is flushed (the flush position, which a replica reaches sooner, would then let a
/// read miss the change; tests/it/replica.rs caught exactly that). The cost: records of transactions still open
/// on the primary are waited for too, until the next flush, which a busy primary makes within milliseconds.
const FENCE: &str = "SELECT (pg_catalog.pg_current_wal_insert_lsn() - '0/0'::pg_catalog.pg_lsn)::int8";

/// Commands that only read, and may therefore run on a replica. Anything not named here runs on the primary, so
/// a new command is safe by default (a write sent to a replica would be refused, never lost).
pub fn is_read(command: &DbCommand) -> bool {
    matches!(
        command,
        DbCommand::LoadBoard
            | DbCommand::FetchSummary { .. }
            | DbCommand::LoadDetail { .. }
            | DbCommand::LoadAgreements
            | DbCommand::LoadChoices
            | DbCommand::LoadMajors
            | DbCommand::LoadServiceWindows
            | DbCommand::LoadRota
            | DbCommand::LoadPresence { .. }
            | DbCommand::LoadMaintenance { .. }
            | DbCommand::LoadHeatmap { .. }
            | DbCommand::LoadHeatCell { .. }
            | DbCommand::LoadMeetings
            | DbCommand::LoadMinutes { .. }
            | DbCommand::LoadRegister { .. }
            | DbCommand::LoadProblem { .. }
            | DbCommand::LoadAdmin { .. }
            | DbCommand::LoadAdminAudit { .. }
            | DbCommand::LoadMyFollowUps
            | DbCommand::SearchKnownErrors { .. }
            | DbCommand::ExportCalendar { .. }
    )
}

/// The console's database worker over routes: commands one at a time, in order, each on the pool
/// [`Routes::pool_for`] picks; after a write, the replica must catch up before it is read again.
pub async fn run_worker(routes: Routes, mut commands: mpsc::Receiver<DbCommand>, actions: mpsc::Sender<Action>) {
    while let Some(command) = commands.recv().await {
        let read = is_read(&command);
        let pool = routes.pool_for(&command).await;
        let action = super::worker::execute(&pool, command).await;
        if !read {
            routes.wrote();
        }
        let Some(action) = action else { continue };
        if actions.send(action).await.is_err() {
            break;
        }
    }
}

/// A console's connections to each server: its change listener's, its worker's (one command at a time), and one
/// more, which the start-up reads use beside the worker's and which takes a query while the last connection is
/// still being returned to the pool (sqlx checks it first). A fourth was never needed, and fifty consoles and four
/// `vakt serve` with four each filled a server's 200 connections (`cargo bench --bench scale`).
pub const CONSOLE_CONNECTIONS: u32 = 3;

/// Opens the pools the settings name: the primary (`url`), and when given the read replica and the listen URL.
/// Each pool has `max` connections; the listen pool holds only the listener's.
pub async fn connect(
    url: &str,
    read_url: Option<&str>,
    listen_url: Option<&str>,
    max: u32,
) -> Result<Routes, super::DbError> {
    // Two primary connections at once: the console reads its first page on the first to open, and its start-up
    // checks on the other.
    let (primary, ready) = super::connect_ready(url, max, 2).await?;
    let mut routes = Routes::single(primary).with_ready(ready);
    if let Some(listen_url) = listen_url {
        routes = routes.listening_on(super::connect(listen_url, 1).await?);
    }
    if let Some(read_url) = read_url {
        routes = routes.reading_from(super::connect(read_url, max).await?);
    }
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_unknown_commands_stay_on_the_primary() {
        assert!(is_read(&DbCommand::LoadBoard));
        assert!(is_read(&DbCommand::FetchSummary { id: 1 }));
        assert!(!is_read(&DbCommand::SaveSettings(Default::default())));
        assert!(!is_read(&DbCommand::OpenMeeting { series: "x".into(), at: chrono::DateTime::UNIX_EPOCH }));
    }
}
