//! Sending minutes through the outbox (migration 27): published minutes to every recipient of the series'
//! distribution list, and a correction notice with the difference to everyone they were queued to. Each message is
//! once per meeting (or correction) and recipient: the idempotency key says which, and the database's rules check
//! that a chair queues it to an address on that meeting's list.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, Postgres, Transaction};

use super::show::Minutes;
use crate::db::DbError;
use crate::domain::minutes::agenda::CorrectionRow;

/// Someone the minutes go to: `suffix` names them in idempotency keys (a contact's id, or `a` and a hash of an
/// address on the list), as `public.vakt_minutes_recipients` computes it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Recipient {
    pub suffix: String,
    pub name: String,
    pub email: String,
}

pub fn minutes_key(meeting: i64, recipient: &Recipient) -> String {
    format!("min{meeting}-email-{}", recipient.suffix)
}

pub fn notice_key(correction: i64, recipient: &Recipient) -> String {
    format!("minc{correction}-email-{}", recipient.suffix)
}

/// The distribution list of a meeting, resolved to addresses.
pub async fn recipients(conn: &mut PgConnection, meeting: i64) -> Result<Vec<Recipient>, DbError> {
    Ok(sqlx::query_as("SELECT suffix, name, email FROM public.vakt_minutes_recipients($1) ORDER BY name, email")
        .bind(meeting)
        .fetch_all(conn)
        .await?)
}

/// Those of the list the minutes were queued to: a correction notice goes to them and nobody else.
pub async fn received(conn: &mut PgConnection, meeting: i64) -> Result<Vec<Recipient>, DbError> {
    Ok(sqlx::query_as(
        "SELECT r.suffix, r.name, r.email FROM public.vakt_minutes_recipients($1) r
         WHERE EXISTS (SELECT 1 FROM public.outbox o WHERE o.idempotency_key = 'min' || $1 || '-email-' || r.suffix)
         ORDER BY r.name, r.email",
    )
    .bind(meeting)
    .fetch_all(conn)
    .await?)
}

fn render(minutes: &Minutes, zone: Tz) -> String {
    crate::report::markdown::render(&crate::report::minutes::document(minutes, zone))
}

fn day(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%Y-%m-%d").to_string()
}

/// Queues one message unless its key is there already; returns whether it was new.
async fn queue(
    tx: &mut Transaction<'_, Postgres>,
    key: String,
    to: &Recipient,
    subject: &str,
    body: &str,
) -> Result<bool, DbError> {
    let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.outbox WHERE idempotency_key = $1)")
        .bind(&key)
        .fetch_one(&mut **tx)
        .await?;
    let message = crate::notify::OutboundMessage {
        idempotency_key: key,
        recipient: crate::notify::Recipient::Email { to: vec![to.email.clone()] },
        subject: subject.to_string(),
        body: body.to_string(),
        payload: None,
    };
    let ledger = crate::db::outbox::Ledger { major_id: None, audience: &to.name, summary: subject, exercise: false };
    crate::db::outbox::enqueue(tx, &ledger, &message).await?;
    Ok(!known)
}

/// Queues the published minutes (as Markdown, on the series' clock) to every recipient of the meeting's list, in
/// the caller's transaction. Returns how many were new.
pub async fn send_minutes(tx: &mut Transaction<'_, Postgres>, minutes: &Minutes, zone: Tz) -> Result<usize, DbError> {
    let subject = format!("Minutes: {} {}", minutes.title, day(minutes.starts_at, zone));
    let body = render(minutes, zone);
    let mut new = 0;
    for r in recipients(tx, minutes.id).await? {
        new += usize::from(queue(tx, minutes_key(minutes.id, &r), &r, &subject, &body).await?);
    }
    Ok(new)
}

/// The notice of correction `id`: the correction, whether it came late, and the line difference between the
/// minutes as sent (no corrections yet: they are made to published minutes) and as they read with every correction
/// up to this one. `minutes` holds the corrections known so far, this one included.
pub fn notice(minutes: &Minutes, id: i64, zone: Tz) -> Option<(String, String)> {
    let correction = minutes.corrections.iter().find(|c| c.id == id)?;
    let mut sent = minutes.clone();
    sent.corrections.clear();
    let mut now = minutes.clone();
    now.corrections.retain(|c| c.id <= id);
    let late = if correction.late { "LATE " } else { "" };
    let subject = format!("{late}Correction to the minutes: {} {}", minutes.title, day(minutes.starts_at, zone));
    let mut body = format!(
        "{late}correction to the minutes of {} ({}, meeting {}) by {} at {}:\n\n{}\n",
        minutes.title,
        day(minutes.starts_at, zone),
        minutes.id,
        correction.by,
        correction.at.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z"),
        correction.text,
    );
    if correction.late {
        body.push_str(
            "\nThis correction came after the next meeting of the series had started: it is recorded as late.\n",
        );
    }
    body.push_str("\nWhat the minutes say now against what was sent (- sent, + now):\n\n");
    for line in crate::domain::minutes::diff::lines(&render(&sent, zone), &render(&now, zone)) {
        body.push_str(&line);
        body.push('\n');
    }
    Some((subject, body))
}

/// Queues the notice of `correction` to everyone the minutes were queued to, in the caller's transaction. Returns
/// how many were new.
pub async fn send_notice(
    tx: &mut Transaction<'_, Postgres>,
    minutes: &Minutes,
    correction: &CorrectionRow,
    zone: Tz,
) -> Result<usize, DbError> {
    let mut with = minutes.clone();
    if !with.corrections.iter().any(|c| c.id == correction.id) {
        with.corrections.push(correction.clone());
    }
    let Some((subject, body)) = notice(&with, correction.id, zone) else { return Ok(0) };
    let mut new = 0;
    for r in received(tx, minutes.id).await? {
        new += usize::from(queue(tx, notice_key(correction.id, &r), &r, &subject, &body).await?);
    }
    Ok(new)
}

/// `vakt serve`'s duty: the notices of corrections nobody queued yet (a participant who is no chair may correct but
/// not write the outbox), for corrections of the last 92 days. The worker writes them; the keys keep each to one per
/// correction and recipient however many workers run. Returns how many were queued.
pub async fn notify_corrections(pool: &sqlx::PgPool, now: DateTime<Utc>) -> Result<usize, DbError> {
    let waiting: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.meeting_id FROM public.minutes_corrections c
         WHERE c.corrected_at > $1 - interval '92 days'
           AND EXISTS (SELECT 1 FROM public.vakt_minutes_recipients(c.meeting_id) r
                       WHERE EXISTS (SELECT 1 FROM public.outbox o
                                     WHERE o.idempotency_key = 'min' || c.meeting_id || '-email-' || r.suffix)
                         AND NOT EXISTS (SELECT 1 FROM public.outbox o
                                         WHERE o.idempotency_key = 'minc' || c.id || '-email-' || r.suffix))
         ORDER BY c.id",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    let mut queued = 0;
    for (correction, meeting) in waiting {
        let minutes = super::show::minutes(pool, meeting).await?;
        let zone = super::series_by_code(pool, &minutes.series).await?.zone()?;
        let Some(row) = minutes.corrections.iter().find(|c| c.id == correction).cloned() else { continue };
        let mut tx = pool.begin().await?;
        queued += send_notice(&mut tx, &minutes, &row, zone).await?;
        tx.commit().await?;
    }
    Ok(queued)
}
