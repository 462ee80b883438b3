//! Stakeholder updates: recorded, rendered once per channel and queued in the outbox to every contact of the
//! affected organisations, in the same transaction.

use serde::Serialize;
use sqlx::PgPool;

use super::{calls::ensure_call_tasks, contacts::contacts_of, history, json, locked, now_and_actor};
use crate::db::{DbError, outbox};
use crate::domain::major::{self, MessageHeader, StatusUpdate};
use crate::notify::{OutboundMessage, Recipient, WebhookPreset};

/// What a sent update reached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateOutcome {
    pub sequence: u32,
    pub emails: usize,
    pub sms: usize,
    pub webhooks: usize,
    /// The update had been recorded already under the same request key (a send repeated after its answer was
    /// lost); nothing was queued again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub already_recorded: bool,
}

impl UpdateOutcome {
    pub fn total(&self) -> usize {
        self.emails + self.sms + self.webhooks
    }
}

/// Records a status update and queues it to every contact of the affected organisations: e-mail to those
/// with an address, the webhook channels, and SMS to mobiles when `sms` is asked for (the alternative channel
/// when the network is affected). All in one transaction with the outbox rows.
pub async fn send_update(
    pool: &PgPool,
    major_id: i64,
    update: &StatusUpdate,
    sms: bool,
) -> Result<UpdateOutcome, DbError> {
    record_update(pool, major_id, update, sms, None).await
}

/// As [`send_update`], named by a request key the caller made before its first attempt: when a connection drops
/// during COMMIT the caller cannot know whether the update was recorded, and sending it again under the same key
/// returns the recorded update instead of queueing every message a second time under new idempotency keys.
pub async fn send_update_once(
    pool: &PgPool,
    major_id: i64,
    update: &StatusUpdate,
    sms: bool,
    request_key: &str,
) -> Result<UpdateOutcome, DbError> {
    if request_key.trim().is_empty() {
        return Err(DbError::BadInput("an update's request key is empty".into()));
    }
    record_update(pool, major_id, update, sms, Some(request_key)).await
}

async fn record_update(
    pool: &PgPool,
    major_id: i64,
    update: &StatusUpdate,
    sms: bool,
    request_key: Option<&str>,
) -> Result<UpdateOutcome, DbError> {
    let mut tx = pool.begin().await?;
    let (row, major, agreement) = locked(&mut tx, major_id).await?;
    // The major's row is locked, so an earlier attempt under this key has committed or is gone for good.
    if let Some(key) = request_key
        && let Some(recorded) = recorded_update(&mut tx, major_id, key).await?
    {
        tx.commit().await?;
        return Ok(recorded);
    }
    if !major.state.is_active() {
        return Err(DbError::BadInput(format!("the major incident is {}; no more updates", major.state)));
    }
    let (now, _) = now_and_actor(&mut tx).await?;
    let zone = agreement.zone();
    update.validate(now, zone).map_err(|e| DbError::BadInput(e.to_string()))?;
    ensure_call_tasks(&mut tx, major_id, &major, &agreement).await?;
    let sequence: i64 = sqlx::query_scalar("SELECT count(*) + 1 FROM major_updates WHERE major_id = $1")
        .bind(major_id)
        .fetch_one(&mut *tx)
        .await?;
    let sequence = u32::try_from(sequence).unwrap_or(u32::MAX);
    let policy = &agreement.spec().major;
    let next_update = policy.cadence.interval_for(&major.declaration.priority).map(|interval| now + interval);
    let lang = policy.lang(agreement.spec().region);
    let header = MessageHeader::for_major(&major, sequence, now, next_update, lang, zone);
    let eta = match &update.expected_resolution {
        major::Eta::At(at) => at.to_rfc3339(),
        major::Eta::Unknown(text) => text.clone(),
    };
    let update_id: i64 = sqlx::query_scalar(
        "INSERT INTO major_updates (major_id, at, what, cause, eta, workaround, request_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(major_id)
    .bind(now)
    .bind(&update.what_happened)
    .bind(&update.cause)
    .bind(&eta)
    .bind(&update.workaround)
    .bind(request_key)
    .fetch_one(&mut *tx)
    .await?;
    let email = major::render_email(&header, update);
    let sms_text = major::render_sms(&header, update).text;
    // Where the agreement names SMS as the alternative channel, an e-mail that keeps failing is followed by SMS.
    let sms_is_fallback = policy.alternative_channels.contains(&major::ChannelKind::Sms);
    let contacts = contacts_of(&mut tx, &major.declaration.organisations).await?;
    let mut outcome = UpdateOutcome { sequence, ..UpdateOutcome::default() };
    let exercise = major.declaration.exercise;
    for contact in &contacts {
        let audience = &contact.organisation;
        let mobile = contact.mobile.as_deref().filter(|m| !m.trim().is_empty());
        let sms_message = |mobile: &str| OutboundMessage {
            idempotency_key: format!("upd{update_id}-sms-{}", contact.id),
            recipient: Recipient::Sms { to: mobile.to_string() },
            subject: String::new(),
            body: sms_text.clone(),
            payload: None,
        };
        if let Some(address) = contact.email.as_deref().filter(|a| !a.trim().is_empty()) {
            let message = OutboundMessage {
                idempotency_key: format!("upd{update_id}-email-{}", contact.id),
                recipient: Recipient::Email { to: vec![address.to_string()] },
                subject: email.subject.clone(),
                body: email.body.clone(),
                payload: None,
            };
            let summary = format!("{} ({}) · {}", contact.name, contact.role, email.subject);
            match mobile.filter(|_| sms_is_fallback && !sms) {
                Some(mobile) => {
                    let fallback_summary = format!("{} · SMS (e-mail did not go through)", contact.name);
                    let fallback = outbox::Fallback { message: &sms_message(mobile), summary: &fallback_summary };
                    outbox::enqueue_with_fallback(
                        &mut tx,
                        &outbox::Ledger { major_id: Some(major_id), audience, summary: &summary, exercise },
                        &message,
                        fallback,
                    )
                    .await?;
                }
                None => {
                    outbox::enqueue(
                        &mut tx,
                        &outbox::Ledger { major_id: Some(major_id), audience, summary: &summary, exercise },
                        &message,
                    )
                    .await?;
                }
            }
            outcome.emails += 1;
        }
        if let Some(url) = contact.webhook_url.as_deref().filter(|u| !u.trim().is_empty()) {
            let preset = match contact.webhook_preset.as_deref() {
                Some("slack") => (WebhookPreset::Slack, major::WebhookPreset::Slack),
                Some("teams") => (WebhookPreset::Teams, major::WebhookPreset::Teams),
                _ => (WebhookPreset::Generic, major::WebhookPreset::Generic),
            };
            let payload = json(&major::render_webhook(preset.1, &header, update))?;
            let message = OutboundMessage {
                idempotency_key: format!("upd{update_id}-webhook-{}", contact.id),
                recipient: Recipient::Webhook { url: url.to_string(), preset: preset.0 },
                subject: email.subject.clone(),
                body: email.body.clone(),
                payload: Some(payload),
            };
            outbox::enqueue(
                &mut tx,
                &outbox::Ledger {
                    major_id: Some(major_id),
                    audience,
                    summary: &format!("{} · webhook", contact.name),
                    exercise,
                },
                &message,
            )
            .await?;
            outcome.webhooks += 1;
        }
        if sms && let Some(mobile) = mobile {
            let message = sms_message(mobile);
            outbox::enqueue(
                &mut tx,
                &outbox::Ledger {
                    major_id: Some(major_id),
                    audience,
                    summary: &format!("{} · SMS", contact.name),
                    exercise,
                },
                &message,
            )
            .await?;
            outcome.sms += 1;
        }
    }
    sqlx::query("UPDATE major_updates SET recipients = $2 WHERE id = $1")
        .bind(update_id)
        .bind(outcome.total() as i32)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE majors SET last_update_at = $2 WHERE id = $1")
        .bind(major_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let text = format!("update {sequence} queued to {} recipient(s): {}", outcome.total(), update.what_happened);
    history(&mut tx, row.incident_id, "major_update", &text).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The update recorded under `request_key`, with its number and the messages queued for it.
async fn recorded_update(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    major_id: i64,
    request_key: &str,
) -> Result<Option<UpdateOutcome>, DbError> {
    let found: Option<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT (SELECT count(*) FROM public.major_updates p WHERE p.major_id = u.major_id AND p.id <= u.id),
                (SELECT count(*) FROM public.outbox o WHERE o.idempotency_key LIKE 'upd' || u.id || '-email-%'),
                (SELECT count(*) FROM public.outbox o WHERE o.idempotency_key LIKE 'upd' || u.id || '-sms-%'),
                (SELECT count(*) FROM public.outbox o WHERE o.idempotency_key LIKE 'upd' || u.id || '-webhook-%')
         FROM public.major_updates u WHERE u.major_id = $1 AND u.request_key = $2",
    )
    .bind(major_id)
    .bind(request_key)
    .fetch_optional(&mut **tx)
    .await?;
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(found.map(|(sequence, emails, sms, webhooks)| UpdateOutcome {
        sequence: u32::try_from(sequence).unwrap_or(u32::MAX),
        emails: count(emails),
        sms: count(sms),
        webhooks: count(webhooks),
        already_recorded: true,
    }))
}
