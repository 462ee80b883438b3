//! The outbox of stakeholder messages. A message is written in the same transaction as the action that causes
//! it, so a rolled-back action never sends anything, and `vakt serve` delivers it at least once.
//!
//! Several workers may run at once, on several hosts. They share the rows through row locks (`FOR UPDATE SKIP
//! LOCKED`) and a lease (`locked_by`, `locked_until`): a claimed row is `sending` until its worker records the
//! outcome, and a worker that died leaves its rows to be claimed again once the lease has expired. A worker
//! only records an outcome on a row it still holds, so a late worker never overwrites the one that took over.
//!
//! Every function that depends on the time takes it as an argument (`vakt serve` passes the database's
//! clock, so that hosts with skewed clocks agree on leases; tests pass any instant).

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use super::DbError;
use crate::notify::{OutboundMessage, Recipient};

/// Attempts before a message that keeps failing is dead-lettered. With the schedule of [`retry_delay`] the
/// last attempt comes about 3 hours after the first: long enough to ride out a relay's outage, short enough
/// that the MIM sees a dead letter while the incident is still running.
pub const MAX_ATTEMPTS: i32 = 10;
const FIRST_RETRY_DELAY: TimeDelta = TimeDelta::seconds(30);
const MAX_RETRY_DELAY: TimeDelta = TimeDelta::hours(1);
/// Errors and receipts come from remote servers and can be long; the ledger needs the gist.
const MAX_STORED_TEXT_CHARS: usize = 1000;

/// The wait before the next attempt after `failed_attempts` attempts have failed: 30 s, 1 min, 2 min, 4 min …
/// doubling up to 1 h. Deterministic (no jitter): the attempts of different messages are spread by when
/// they were written, and a fixed schedule is one a MIM can predict from the ledger.
pub fn retry_delay(failed_attempts: i32) -> TimeDelta {
    let doublings = u32::try_from(failed_attempts.saturating_sub(1)).unwrap_or(0).min(16);
    (FIRST_RETRY_DELAY * 2_i32.pow(doublings)).min(MAX_RETRY_DELAY)
}

/// Where a message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Written, waiting for its first attempt.
    Pending,
    /// Claimed by a worker that is delivering it now.
    Sending,
    /// An attempt failed in a way that may pass; the next one is at `next_attempt_at`.
    Retrying,
    /// Accepted by the receiving server.
    Sent,
    /// Given up: refused for good, or failed [`MAX_ATTEMPTS`] times. Only a person puts it back ([`retry`]).
    Dead,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Retrying => "retrying",
            Self::Sent => "sent",
            Self::Dead => "dead",
        }
    }

    fn parse(text: &str) -> Result<Self, DbError> {
        Ok(match text {
            "pending" => Self::Pending,
            "sending" => Self::Sending,
            "retrying" => Self::Retrying,
            "sent" => Self::Sent,
            "dead" => Self::Dead,
            other => return Err(DbError::Schema(format!("unknown outbox state {other:?}"))),
        })
    }
}

/// Which messages [`list`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Not delivered and not given up: pending, being sent, or waiting to be retried.
    Pending,
    /// Only those waiting for another attempt after a failure.
    Retrying,
    Sent,
    Dead,
    All,
}

impl StateFilter {
    fn states(self) -> Vec<&'static str> {
        let states: &[OutboxState] = match self {
            Self::Pending => &[OutboxState::Pending, OutboxState::Sending, OutboxState::Retrying],
            Self::Retrying => &[OutboxState::Retrying],
            Self::Sent => &[OutboxState::Sent],
            Self::Dead => &[OutboxState::Dead],
            Self::All => &[
                OutboxState::Pending,
                OutboxState::Sending,
                OutboxState::Retrying,
                OutboxState::Sent,
                OutboxState::Dead,
            ],
        };
        states.iter().map(|state| state.as_str()).collect()
    }
}

/// One message as the ledger and `vakt outbox list` show it. Never carries the body or a webhook's URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub version: i32,
    pub idempotency_key: String,
    pub major_id: Option<i64>,
    /// `email`, `sms` or `webhook`.
    pub channel: String,
    /// Who the message is for, in words (e.g. "Digdir: Serviceleder").
    pub audience: String,
    /// Addresses or the phone number; for a webhook only its scheme and host, since the URL is a secret.
    pub recipient: String,
    pub summary: String,
    pub exercise: bool,
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// The worker that holds (or last held) the message.
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub receipt: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    id: i64,
    version: i32,
    idempotency_key: String,
    major_id: Option<i64>,
    channel: String,
    audience: String,
    recipient: Option<serde_json::Value>,
    summary: String,
    exercise: bool,
    state: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    locked_by: Option<String>,
    last_error: Option<String>,
    receipt: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    created_by: String,
}

impl StoredRow {
    fn into_row(self) -> Result<OutboxRow, DbError> {
        let recipient = self
            .recipient
            .and_then(|json| serde_json::from_value::<Recipient>(json).ok())
            .map_or_else(|| "(unreadable)".to_owned(), |recipient| recipient_label(&recipient));
        Ok(OutboxRow {
            id: self.id,
            version: self.version,
            idempotency_key: self.idempotency_key,
            major_id: self.major_id,
            channel: self.channel,
            audience: self.audience,
            recipient,
            summary: self.summary,
            exercise: self.exercise,
            state: OutboxState::parse(&self.state)?,
            attempts: self.attempts,
            next_attempt_at: self.next_attempt_at,
            locked_by: self.locked_by,
            last_error: self.last_error,
            receipt: self.receipt,
            sent_at: self.sent_at,
            created_at: self.created_at,
            created_by: self.created_by,
        })
    }
}

/// A recipient fit to show and log: a webhook URL carries its secret in the path, so only the origin is kept.
pub fn recipient_label(recipient: &Recipient) -> String {
    match recipient {
        Recipient::Email { to } => to.join(", "),
        Recipient::Sms { to } => to.clone(),
        Recipient::Webhook { url, .. } => {
            let after_scheme = url.find("://").map_or(0, |i| i + 3);
            let origin_end = url[after_scheme..].find(['/', '?', '#']).map_or(url.len(), |i| after_scheme + i);
            // Credentials in the authority (`https://user:token@host`) are a secret too.
            let host_start = url[after_scheme..origin_end].rfind('@').map_or(after_scheme, |i| after_scheme + i + 1);
            format!("{}{}/…", &url[..after_scheme], &url[host_start..origin_end])
        }
    }
}

fn channel_of(recipient: &Recipient) -> &'static str {
    match recipient {
        Recipient::Email { .. } => "email",
        Recipient::Sms { .. } => "sms",
        Recipient::Webhook { .. } => "webhook",
    }
}

/// What the communications ledger says of a message: which major incident it belongs to, who it is for, the line
/// shown for it, and whether it is part of an exercise.
#[derive(Debug, Clone, Copy)]
pub struct Ledger<'a> {
    pub major_id: Option<i64>,
    pub audience: &'a str,
    pub summary: &'a str,
    pub exercise: bool,
}

/// Writes a message into the outbox as part of the caller's transaction; it is delivered only if that
/// transaction commits. The message's idempotency key identifies it: writing the same key again is not an
/// error and returns the id of the message already there (which keeps its content).
pub async fn enqueue(
    tx: &mut Transaction<'_, Postgres>,
    ledger: &Ledger<'_>,
    message: &OutboundMessage,
) -> Result<i64, DbError> {
    insert(tx, ledger, message, None).await
}

/// An SMS to queue in an e-mail's place if the e-mail keeps failing (migration 11 queues it).
#[derive(Debug, Clone, Copy)]
pub struct Fallback<'a> {
    pub message: &'a OutboundMessage,
    /// Its line in the ledger.
    pub summary: &'a str,
}

/// As [`enqueue`], with an SMS that is queued automatically when the message fails three times or goes dead.
pub async fn enqueue_with_fallback(
    tx: &mut Transaction<'_, Postgres>,
    ledger: &Ledger<'_>,
    message: &OutboundMessage,
    fallback: Fallback<'_>,
) -> Result<i64, DbError> {
    if !matches!(fallback.message.recipient, Recipient::Sms { .. }) || fallback.summary.trim().is_empty() {
        return Err(DbError::BadInput("a fallback is an SMS with a summary for the ledger".into()));
    }
    insert(tx, ledger, message, Some(fallback)).await
}

async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    ledger: &Ledger<'_>,
    message: &OutboundMessage,
    fallback: Option<Fallback<'_>>,
) -> Result<i64, DbError> {
    let Ledger { major_id, audience, summary, exercise } = *ledger;
    if message.idempotency_key.trim().is_empty() {
        return Err(DbError::BadInput("an outbox message needs an idempotency key".into()));
    }
    if audience.trim().is_empty() || summary.trim().is_empty() {
        return Err(DbError::BadInput("an outbox message needs an audience and a summary for the ledger".into()));
    }
    let to_json = |message: &OutboundMessage| {
        serde_json::to_value(message).map_err(|e| DbError::Other(format!("cannot store the message: {e}")))
    };
    let stored = to_json(message)?;
    let stored_fallback = fallback.map(|f| to_json(f.message)).transpose()?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO outbox (idempotency_key, major_id, channel, audience, message, summary, exercise, fallback,
                             fallback_summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id",
    )
    .bind(&message.idempotency_key)
    .bind(major_id)
    .bind(channel_of(&message.recipient))
    .bind(audience)
    .bind(&stored)
    .bind(summary)
    .bind(exercise)
    .bind(stored_fallback)
    .bind(fallback.map(|f| f.summary))
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = inserted {
        return Ok(id);
    }
    // The key is taken; ON CONFLICT waited for the writer of that row to commit, so it is visible now.
    let existing: i64 = sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = $1")
        .bind(&message.idempotency_key)
        .fetch_one(&mut **tx)
        .await?;
    Ok(existing)
}

/// A message claimed by a worker, to be delivered now and its outcome recorded with [`mark_sent`] or
/// [`mark_failed`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedMessage {
    pub id: i64,
    /// The number of this attempt, from 1.
    pub attempt: i32,
    pub major_id: Option<i64>,
    pub exercise: bool,
    /// The stored message, or why it cannot be read (a row written by hand); such a message goes dead.
    pub message: Result<OutboundMessage, String>,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: i64,
    attempts: i32,
    major_id: Option<i64>,
    exercise: bool,
    message: serde_json::Value,
}

/// Claims up to `batch` messages that are due at `now` for `worker` for the length of `lease`: pending and
/// retrying ones whose time has come, and ones whose previous worker's lease has expired. Rows another worker
/// is claiming at the same moment are skipped, not waited for, so concurrent workers never take the same
/// message. Each claim counts as an attempt. Expired claims that have used up their attempts are
/// dead-lettered instead of being tried again, so a message that kills its worker cannot loop forever.
pub async fn claim(
    pool: &PgPool,
    worker: &str,
    batch: usize,
    lease: std::time::Duration,
    now: DateTime<Utc>,
) -> Result<Vec<ClaimedMessage>, DbError> {
    let batch = i64::try_from(batch).unwrap_or(i64::MAX);
    let lease = TimeDelta::from_std(lease).map_err(|_| DbError::BadInput("the lease is too long".into()))?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE outbox
         SET state = 'dead', locked_until = NULL,
             last_error = format('gave up after %s attempts: worker %s did not finish within its lease (last error: %s)',
                                 attempts, coalesce(locked_by, '?'), coalesce(last_error, 'none'))
         WHERE id IN (SELECT id FROM outbox
                      WHERE state = 'sending' AND (locked_until IS NULL OR locked_until <= $1) AND attempts >= $2
                      FOR UPDATE SKIP LOCKED)",
    )
    .bind(now)
    .bind(MAX_ATTEMPTS)
    .execute(&mut *tx)
    .await?;
    // MATERIALIZED: the locking subquery runs exactly once, so the LIMIT bounds the claim.
    let rows: Vec<ClaimedRow> = sqlx::query_as(
        "WITH due AS MATERIALIZED (
             SELECT id FROM outbox
             WHERE (state IN ('pending', 'retrying') AND next_attempt_at <= $1)
                OR (state = 'sending' AND (locked_until IS NULL OR locked_until <= $1))
             ORDER BY next_attempt_at, id
             LIMIT $2
             FOR UPDATE SKIP LOCKED
         )
         UPDATE outbox o
         SET state = 'sending', locked_by = $3, locked_until = $4, attempts = o.attempts + 1
         FROM due
         WHERE o.id = due.id
         RETURNING o.id, o.attempts, o.major_id, o.exercise, o.message",
    )
    .bind(now)
    .bind(batch)
    .bind(worker)
    .bind(now + lease)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut claimed: Vec<ClaimedMessage> = rows
        .into_iter()
        .map(|row| ClaimedMessage {
            id: row.id,
            attempt: row.attempts,
            major_id: row.major_id,
            exercise: row.exercise,
            message: serde_json::from_value(row.message).map_err(|e| e.to_string()),
        })
        .collect();
    claimed.sort_by_key(|message| message.id);
    Ok(claimed)
}

/// What recording an attempt's outcome did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    Sent,
    Retrying {
        next_attempt_at: DateTime<Utc>,
    },
    Dead,
    /// The worker no longer holds the message (its lease expired and another worker took it, or a person
    /// changed it); nothing was written.
    NotHeld,
}

/// Records that the receiving server accepted the message.
pub async fn mark_sent(pool: &PgPool, id: i64, worker: &str, receipt: &str) -> Result<Marked, DbError> {
    let updated = sqlx::query(
        "UPDATE outbox SET state = 'sent', receipt = $3, sent_at = now(), locked_until = NULL
         WHERE id = $1 AND locked_by = $2 AND state = 'sending'",
    )
    .bind(id)
    .bind(worker)
    .bind(bounded(receipt))
    .execute(pool)
    .await?;
    Ok(if updated.rows_affected() == 1 { Marked::Sent } else { Marked::NotHeld })
}

/// Records a failed attempt at `now`. A retryable failure is tried again after [`retry_delay`]; a permanent
/// one, or the last of [`MAX_ATTEMPTS`], dead-letters the message with the error for the ledger.
pub async fn mark_failed(
    pool: &PgPool,
    id: i64,
    worker: &str,
    error: &str,
    retryable: bool,
    now: DateTime<Utc>,
) -> Result<Marked, DbError> {
    let mut tx = pool.begin().await?;
    let attempts: Option<i32> = sqlx::query_scalar(
        "SELECT attempts FROM outbox WHERE id = $1 AND locked_by = $2 AND state = 'sending' FOR UPDATE",
    )
    .bind(id)
    .bind(worker)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(attempts) = attempts else {
        return Ok(Marked::NotHeld);
    };
    let (marked, error) = if !retryable {
        (Marked::Dead, error.to_owned())
    } else if attempts >= MAX_ATTEMPTS {
        (Marked::Dead, format!("gave up after {attempts} attempts: {error}"))
    } else {
        (Marked::Retrying { next_attempt_at: now + retry_delay(attempts) }, error.to_owned())
    };
    let (state, next_attempt_at) = match marked {
        Marked::Retrying { next_attempt_at } => ("retrying", Some(next_attempt_at)),
        _ => ("dead", None),
    };
    sqlx::query(
        "UPDATE outbox
         SET state = $2, last_error = $3, next_attempt_at = coalesce($4, next_attempt_at), locked_until = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(state)
    .bind(bounded(&error))
    .bind(next_attempt_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(marked)
}

/// Puts a dead message back in the queue with a fresh set of attempts: a MIM or an admin does this once the
/// cause (a wrong address, a missing config section) is fixed. The last error stays until the next attempt.
pub async fn retry(pool: &PgPool, id: i64) -> Result<(), DbError> {
    let updated = sqlx::query(
        "UPDATE outbox
         SET state = 'pending', attempts = 0, next_attempt_at = now(), locked_by = NULL, locked_until = NULL
         WHERE id = $1 AND state = 'dead'",
    )
    .bind(id)
    .execute(pool)
    .await?;
    if updated.rows_affected() == 1 {
        return Ok(());
    }
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM outbox WHERE id = $1").bind(id).fetch_optional(pool).await?;
    match state {
        None => Err(DbError::NotFound(format!("no outbox message with id {id}"))),
        Some(state) => {
            Err(DbError::BadInput(format!("outbox message {id} is {state}; only a dead message can be retried")))
        }
    }
}

/// Puts every dead message of a major incident back in the queue (MIMs, from the cockpit); returns how many.
pub async fn retry_dead_of_major(pool: &PgPool, major_id: i64) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE outbox
         SET state = 'pending', attempts = 0, next_attempt_at = now(), locked_by = NULL, locked_until = NULL
         WHERE major_id = $1 AND state = 'dead'",
    )
    .bind(major_id)
    .execute(pool)
    .await?
    .rows_affected())
}

/// The newest messages first, at most `limit`.
pub async fn list(pool: &PgPool, filter: StateFilter, limit: i64) -> Result<Vec<OutboxRow>, DbError> {
    let rows: Vec<StoredRow> = sqlx::query_as(
        "SELECT id, version, idempotency_key, major_id, channel, audience, message -> 'recipient' AS recipient,
                summary, exercise, state, attempts, next_attempt_at, locked_by, last_error, receipt, sent_at,
                created_at, created_by
         FROM outbox
         WHERE state = ANY($1)
         ORDER BY id DESC
         LIMIT $2",
    )
    .bind(filter.states())
    .bind(limit.max(0))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(StoredRow::into_row).collect()
}

/// Totals for the console's summary strip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OutboxCounts {
    /// Not delivered yet and not given up (pending, being sent, or retrying).
    pub pending: i64,
    /// Of those, the ones that failed at least once and wait for another attempt.
    pub retrying: i64,
    pub sent: i64,
    pub dead: i64,
}

pub async fn counts(pool: &PgPool) -> Result<OutboxCounts, DbError> {
    Ok(sqlx::query_as(
        "SELECT count(*) FILTER (WHERE state IN ('pending', 'sending', 'retrying')) AS pending,
                count(*) FILTER (WHERE state = 'retrying') AS retrying,
                count(*) FILTER (WHERE state = 'sent') AS sent,
                count(*) FILTER (WHERE state = 'dead') AS dead
         FROM outbox",
    )
    .fetch_one(pool)
    .await?)
}

/// The database server's clock. Workers on several hosts measure leases and back-off against it, so a host
/// whose clock is off cannot take another worker's messages early or leave its own stranded.
pub async fn database_now(pool: &PgPool) -> Result<DateTime<Utc>, DbError> {
    Ok(sqlx::query_scalar("SELECT statement_timestamp()").fetch_one(pool).await?)
}

fn bounded(text: &str) -> String {
    crate::domain::text::truncate(text, MAX_STORED_TEXT_CHARS).into_owned()
}

/// A member of staff reminded by e-mail: id, name, address.
pub type Addressee = (i64, String, String);

/// The active MIMs and admins with an e-mail address: who is reminded of what the agreements ask for.
pub async fn duty_staff(pool: &PgPool) -> Result<Vec<Addressee>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, full_name, email FROM public.staff
         WHERE active AND role IN ('mim', 'admin') AND email IS NOT NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await?)
}

/// Queues one e-mail to each of `staff` in one transaction, under the key `key_of` gives them; a key already in
/// the outbox (an earlier tick, another worker) is not queued again. Returns how many were new.
pub async fn mail_each_once(
    pool: &PgPool,
    staff: &[Addressee],
    key_of: impl Fn(i64) -> String,
    subject: &str,
    body: &str,
) -> Result<usize, DbError> {
    let mut queued = 0;
    let mut tx = pool.begin().await?;
    for (id, name, email) in staff {
        let key = key_of(*id);
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.outbox WHERE idempotency_key = $1)")
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
        let message = OutboundMessage {
            idempotency_key: key,
            recipient: Recipient::Email { to: vec![email.clone()] },
            subject: subject.to_string(),
            body: body.to_string(),
            payload: None,
        };
        let ledger = Ledger { major_id: None, audience: name, summary: subject, exercise: false };
        enqueue(&mut tx, &ledger, &message).await?;
        queued += usize::from(!known);
    }
    tx.commit().await?;
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::WebhookPreset;

    #[test]
    fn back_off_doubles_from_thirty_seconds_up_to_an_hour() {
        let delays: Vec<i64> = (1..=MAX_ATTEMPTS).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(retry_delay(0), FIRST_RETRY_DELAY);
        assert_eq!(retry_delay(i32::MAX), MAX_RETRY_DELAY);
    }

    #[test]
    fn the_last_attempt_comes_about_three_hours_after_the_first() {
        let waited: TimeDelta = (1..MAX_ATTEMPTS).map(retry_delay).sum();
        assert_eq!(waited, TimeDelta::seconds(3 * 3600 + 210));
    }

    #[test]
    fn webhook_recipients_are_shown_without_their_secret_path_or_credentials() {
        let hook = |url: &str| Recipient::Webhook { url: url.into(), preset: WebhookPreset::Slack };
        assert_eq!(
            recipient_label(&hook("https://hooks.slack.com/services/T000/B000/XXXXSECRET")),
            "https://hooks.slack.com/…"
        );
        assert_eq!(recipient_label(&hook("https://user:token@example.org?key=secret")), "https://example.org/…");
        assert_eq!(recipient_label(&hook("example.org")), "example.org/…");
        let email = Recipient::Email { to: vec!["kari@example.org".into(), "ops@example.org".into()] };
        assert_eq!(recipient_label(&email), "kari@example.org, ops@example.org");
    }

    #[test]
    fn the_pending_filter_covers_everything_not_yet_delivered() {
        assert_eq!(StateFilter::Pending.states(), ["pending", "sending", "retrying"]);
        assert_eq!(StateFilter::All.states().len(), 5);
    }
}
