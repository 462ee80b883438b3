//! `vakt serve`: the always-on worker. It delivers the outbox and, every tick, runs the [`periodic`] duties.
//!
//! Each pass claims due messages in batches of at most `concurrency`, delivers a batch concurrently and
//! records each outcome before claiming the next, so no claimed message waits in a queue while its lease runs.
//! Between passes the worker waits for an `outbox` change notice on the `vakt` channel or for the poll
//! interval, whichever comes first: notices make delivery prompt, the poll catches retries that fall due and
//! notices lost with a dropped connection. Shutdown lets the deliveries in flight finish and record their
//! outcome, and claims nothing new.

use std::future::Future;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::FutureExt;
use serde::Serialize;
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgNotification};
use tokio::sync::watch;

use crate::app::ChangeNotice;
use crate::db::outbox::{self, ClaimedMessage, Marked};
use crate::db::{DbError, listener};
use crate::notify::{DeliveryError, Notifier};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Recorded as `locked_by` on claimed messages. Must be unique among running workers: a worker only records
    /// outcomes on messages held under its own id.
    pub worker_id: String,
    /// Deliveries at once, and messages claimed per batch.
    pub concurrency: usize,
    /// How long a claim holds a message. Longer than any delivery may take (see [`Self::delivery_limit`]),
    /// since another worker takes the message once it runs out.
    pub lease: Duration,
    /// The longest wait between passes when no notice arrives.
    pub poll_interval: Duration,
}

impl ServeOptions {
    pub fn new(worker_id: impl Into<String>) -> Self {
        Self {
            worker_id: worker_id.into(),
            concurrency: 4,
            lease: Duration::from_secs(5 * 60),
            poll_interval: Duration::from_secs(2),
        }
    }

    /// A delivery still running after this is abandoned as a retryable failure, leaving a margin before the
    /// lease runs out to record the outcome (the notifier's own timeouts, 30–60 s by default, come first).
    pub fn delivery_limit(&self) -> Duration {
        self.lease.saturating_sub(Duration::from_secs(60)).max(self.lease / 2)
    }
}

/// The worker id used when none is given: the host name and the process id, unique per running process.
pub fn default_worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "vakt".to_owned());
    format!("{host}-{}", std::process::id())
}

/// What a pass did with the messages it claimed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
    /// Delivered or failed, but the message had been taken over by another worker: nothing was recorded.
    pub not_held: usize,
    /// The outcome could not be written (the database went away); the lease will expire and the message be
    /// tried again.
    pub unrecorded: usize,
}

impl PassReport {
    pub fn claimed(&self) -> usize {
        self.sent + self.retrying + self.dead + self.not_held + self.unrecorded
    }

    fn add(&mut self, outcome: &Result<Marked, DbError>) {
        match outcome {
            Ok(Marked::Sent) => self.sent += 1,
            Ok(Marked::Retrying { .. }) => self.retrying += 1,
            Ok(Marked::Dead) => self.dead += 1,
            Ok(Marked::NotHeld) => self.not_held += 1,
            Err(_) => self.unrecorded += 1,
        }
    }
}

/// Delivers every message that is due at `now`, batch after batch, until none is left; returns what happened.
/// `now` is the database's clock in `vakt serve`; the time spent in the pass is added to it for the leases
/// and back-off of later batches.
pub async fn deliver_due(
    pool: &PgPool,
    notifier: &Notifier,
    options: &ServeOptions,
    now: DateTime<Utc>,
) -> Result<PassReport, DbError> {
    deliver_due_until(pool, notifier, options, now, &|| false).await
}

async fn deliver_due_until(
    pool: &PgPool,
    notifier: &Notifier,
    options: &ServeOptions,
    now: DateTime<Utc>,
    stopping: &(dyn Fn() -> bool + Sync),
) -> Result<PassReport, DbError> {
    let clock = PassClock { start: now, started: Instant::now() };
    let batch_size = options.concurrency.max(1);
    let mut report = PassReport::default();
    while !stopping() {
        let batch = outbox::claim(pool, &options.worker_id, batch_size, options.lease, clock.now()).await?;
        let full = batch.len() == batch_size;
        if !batch.is_empty() {
            tracing::debug!(worker = %options.worker_id, claimed = batch.len(), "outbox batch claimed");
        }
        let deliveries = batch.into_iter().map(|claimed| deliver_one(pool, notifier, options, claimed, &clock));
        for outcome in futures_util::future::join_all(deliveries).await {
            report.add(&outcome);
        }
        if !full {
            break;
        }
    }
    Ok(report)
}

/// The pass's start on the database clock plus the time elapsed since, read from the monotonic clock.
struct PassClock {
    start: DateTime<Utc>,
    started: Instant,
}

impl PassClock {
    fn now(&self) -> DateTime<Utc> {
        self.start + TimeDelta::from_std(self.started.elapsed()).unwrap_or(TimeDelta::MAX)
    }
}

async fn deliver_one(
    pool: &PgPool,
    notifier: &Notifier,
    options: &ServeOptions,
    claimed: ClaimedMessage,
    clock: &PassClock,
) -> Result<Marked, DbError> {
    let worker = options.worker_id.as_str();
    let outcome = match &claimed.message {
        Err(reason) => Err(DeliveryError::permanent(format!("the stored message cannot be read: {reason}"))),
        Ok(message) => {
            let limit = options.delivery_limit();
            tokio::time::timeout(limit, notifier.deliver(message)).await.unwrap_or_else(|_| {
                Err(DeliveryError::transient(format!("no outcome within {} s; abandoned", limit.as_secs())))
            })
        }
    };
    let marked = match &outcome {
        Ok(receipt) => outbox::mark_sent(pool, claimed.id, worker, &receipt.detail).await,
        Err(error) => outbox::mark_failed(pool, claimed.id, worker, &error.message, error.retryable, clock.now()).await,
    };
    // Ids, keys and states only: bodies and webhook URLs may carry secrets.
    let key = claimed.message.as_ref().map(|message| message.idempotency_key.as_str()).unwrap_or("?");
    match &marked {
        Ok(Marked::Sent) => tracing::info!(id = claimed.id, key, attempt = claimed.attempt, "outbox message sent"),
        Ok(Marked::Retrying { next_attempt_at }) => tracing::warn!(
            id = claimed.id,
            key,
            attempt = claimed.attempt,
            %next_attempt_at,
            "outbox message will be retried"
        ),
        Ok(Marked::Dead) => tracing::error!(
            id = claimed.id,
            key,
            attempt = claimed.attempt,
            error = outcome.as_ref().err().map_or("", |e| e.message.as_str()),
            "outbox message dead-lettered"
        ),
        Ok(Marked::NotHeld) => tracing::warn!(
            id = claimed.id,
            key,
            attempt = claimed.attempt,
            "outbox message was taken over by another worker before its outcome was recorded"
        ),
        Err(error) => tracing::error!(
            id = claimed.id,
            key,
            attempt = claimed.attempt,
            delivered = outcome.is_ok(),
            %error,
            "cannot record the outcome of an outbox delivery; it will be tried again when the lease expires"
        ),
    }
    marked
}

/// Duties that run on every tick of `vakt serve`, after the outbox pass, with the database's clock.
///
/// Left for the lead to fill: cadence reminders for stakeholder updates (and notifying the deputy after the
/// grace period) and breach escalations. Several workers may run at once, so a duty that must happen once
/// should take a transaction-level advisory lock (`pg_try_advisory_xact_lock`) or claim rows with
/// `FOR UPDATE SKIP LOCKED`, and write its messages with `db::outbox::enqueue` in the same transaction.
pub async fn periodic(pool: &PgPool, now: DateTime<Utc>) -> Result<(), DbError> {
    let notified = crate::db::majors::notify_deputies(pool, now).await?;
    if notified > 0 {
        tracing::info!(notified, "deputies told of missed stakeholder updates");
    }
    let reminded = crate::db::maintenance::remind_due(pool, now).await?;
    if reminded > 0 {
        tracing::info!(reminded, "recipients reminded of maintenance windows starting within a day");
    }
    let reports = crate::db::report_issues::remind_due(pool, now).await?;
    if reports > 0 {
        tracing::info!(reports, "MIMs and admins reminded of service reports due or late");
    }
    let regulatory = crate::db::regulatory::remind_due(pool, now).await?;
    if regulatory > 0 {
        tracing::info!(regulatory, "MIMs and admins reminded of notifications to authorities due or overdue");
    }
    let notices = crate::db::minutes::sending::notify_corrections(pool, now).await?;
    if notices > 0 {
        tracing::info!(notices, "correction notices sent to the recipients of corrected minutes");
    }
    let follow_ups = crate::db::minutes::reminders::remind_follow_ups(pool, now).await?;
    if follow_ups > 0 {
        tracing::info!(follow_ups, "owners reminded of follow-up points due soon or overdue");
    }
    Ok(())
}

/// The longest wait after the database could not be reached, growing from the poll interval.
const MAX_ERROR_BACKOFF: Duration = Duration::from_secs(30);
/// Notices drained at once after a wake-up; each costs nothing but a read.
const MAX_NOTICES_DRAINED: usize = 10_000;

/// Runs the worker until `shutdown` completes (`vakt serve` passes SIGTERM/SIGINT). Database outages are
/// logged and waited out; they never end the loop.
pub async fn run(
    pool: &PgPool,
    notifier: &Notifier,
    options: &ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    run_listening_on(pool, pool, notifier, options, shutdown).await
}

/// As [`run`], with the outbox notices heard on `listen_on`: PostgreSQL itself or a session-mode pool when `pool`
/// is a transaction-mode PgBouncer, where a LISTEN would be lost with the server connection it ran on.
pub async fn run_listening_on(
    pool: &PgPool,
    listen_on: &PgPool,
    notifier: &Notifier,
    options: &ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // A flag the delivery loop can read between batches without polling the caller's future.
    let (stop_sender, mut stop) = watch::channel(false);
    let signal_task = tokio::spawn(async move {
        shutdown.await;
        let _ = stop_sender.send(true);
    });
    tracing::info!(worker = %options.worker_id, concurrency = options.concurrency, "vakt serve started");
    let mut notices: Option<PgListener> = None;
    let mut error_wait = options.poll_interval;
    while !*stop.borrow() {
        if notices.is_none() {
            // Listening starts before the pass, so nothing written after the pass goes unnoticed.
            notices = listen(listen_on).await;
        }
        let tick = tick(pool, notifier, options, &stop).await;
        let wait = match tick {
            Ok(()) => {
                error_wait = options.poll_interval;
                options.poll_interval
            }
            Err(error) => {
                tracing::warn!(%error, retry_in_s = error_wait.as_secs(), "serve tick failed");
                let wait = error_wait;
                error_wait = (error_wait * 2).min(MAX_ERROR_BACKOFF.max(options.poll_interval));
                wait
            }
        };
        if *stop.borrow() || wait_for_work(&mut notices, &mut stop, wait).await == Wake::Stop {
            break;
        }
    }
    signal_task.abort();
    tracing::info!(worker = %options.worker_id, "vakt serve stopped");
}

/// One tick: the outbox pass, then the periodic duties, both at the database's time.
async fn tick(
    pool: &PgPool,
    notifier: &Notifier,
    options: &ServeOptions,
    stop: &watch::Receiver<bool>,
) -> Result<(), DbError> {
    let now = outbox::database_now(pool).await?;
    let report = deliver_due_until(pool, notifier, options, now, &|| *stop.borrow()).await?;
    if report.claimed() > 0 {
        tracing::info!(
            sent = report.sent,
            retrying = report.retrying,
            dead = report.dead,
            not_held = report.not_held,
            unrecorded = report.unrecorded,
            "outbox pass done"
        );
    }
    periodic(pool, now).await
}

/// Delivers what is due now and runs the periodic duties once: `vakt serve --once`.
pub async fn run_once(pool: &PgPool, notifier: &Notifier, options: &ServeOptions) -> Result<PassReport, DbError> {
    let now = outbox::database_now(pool).await?;
    let report = deliver_due(pool, notifier, options, now).await?;
    periodic(pool, now).await?;
    Ok(report)
}

async fn listen(pool: &PgPool) -> Option<PgListener> {
    let connected = async {
        let mut notices = PgListener::connect_with(pool).await?;
        notices.listen(listener::CHANNEL).await?;
        Ok::<_, sqlx::Error>(notices)
    };
    match connected.await {
        Ok(notices) => Some(notices),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for outbox changes; polling only until the next tick");
            None
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Wake {
    Work,
    Stop,
}

/// Returns after `wait`, on a change to the outbox, or when asked to stop.
async fn wait_for_work(notices: &mut Option<PgListener>, stop: &mut watch::Receiver<bool>, wait: Duration) -> Wake {
    let deadline = tokio::time::sleep(wait);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            // An error means the sender is gone: the stop was sent, or the task waiting for it died.
            _ = stop.changed() => return Wake::Stop,
            () = &mut deadline => return Wake::Work,
            notice = next_notice(notices) => match notice {
                Ok(Some(notice)) if is_outbox_change(&notice) => {
                    drain(notices);
                    return Wake::Work;
                }
                Ok(Some(_)) => {}
                // The connection was lost and re-established: notices may be lost, so look now.
                Ok(None) => return Wake::Work,
                Err(error) => {
                    tracing::warn!(%error, "lost the change listener; polling until it is back");
                    *notices = None;
                }
            },
        }
    }
}

async fn next_notice(notices: &mut Option<PgListener>) -> Result<Option<PgNotification>, sqlx::Error> {
    match notices {
        Some(notices) => notices.try_recv().await,
        None => std::future::pending().await,
    }
}

/// Reads the notices already waiting, so that a burst of changes (including this worker's own) causes one pass.
fn drain(notices: &mut Option<PgListener>) {
    let Some(listener) = notices else { return };
    for _ in 0..MAX_NOTICES_DRAINED {
        match listener.try_recv().now_or_never() {
            Some(Ok(Some(_))) => {}
            _ => return,
        }
    }
}

fn is_outbox_change(notice: &PgNotification) -> bool {
    ChangeNotice::parse(notice.payload()).is_some_and(|notice| notice.table == "outbox")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_ends_well_before_its_lease() {
        let options = ServeOptions::new("w");
        assert_eq!(options.delivery_limit(), Duration::from_secs(4 * 60));
        let short = ServeOptions { lease: Duration::from_secs(60), ..ServeOptions::new("w") };
        assert_eq!(short.delivery_limit(), Duration::from_secs(30));
    }

    #[test]
    fn the_default_worker_id_names_the_host_and_process() {
        let id = default_worker_id();
        assert!(id.ends_with(&format!("-{}", std::process::id())), "{id}");
        assert!(id.len() > format!("-{}", std::process::id()).len(), "{id}");
    }
}
