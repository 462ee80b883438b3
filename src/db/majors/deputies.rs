//! Missed stakeholder updates: the periodic duty of `vakt serve` that tells the deputy of the MIM on duty.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{active_ids, agreement_of, load};
use crate::db::{DbError, outbox, rota};
use crate::domain::major;
use crate::notify::{OutboundMessage, Recipient};

/// For every active major incident whose stakeholder update was missed beyond the grace period, queues a
/// message to the deputy of the MIM on duty (e-mail, and SMS to their phone). The idempotency key names the
/// missed deadline, so several workers (and repeated ticks) queue it once. Returns how many were queued now.
pub async fn notify_deputies(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, DbError> {
    let mut queued = 0;
    for id in active_ids(pool).await? {
        let view = load(pool, id).await?;
        let agreement = agreement_of(pool, view.agreement_version_id).await?;
        let policy = &agreement.spec().major;
        let Some(cadence) = major::major_cadence(&view.major, &policy.cadence, view.last_update_at, now) else {
            continue;
        };
        if !cadence.notify_deputy() {
            continue;
        }
        let Some(shift) = rota::on_duty(pool, now).await? else {
            tracing::warn!(major = id, "an update was missed but nobody is on duty to deputise");
            continue;
        };
        let (email, phone): (Option<String>, Option<String>) =
            sqlx::query_as("SELECT email, phone FROM staff WHERE login = $1")
                .bind(&shift.deputy)
                .fetch_one(pool)
                .await?;
        let zone = agreement.zone();
        let due = cadence.due.with_timezone(&zone).format("%H:%M");
        let exercise = if view.major.declaration.exercise { "[ØVELSE/EXERCISE] " } else { "" };
        let subject = format!("{exercise}Missed stakeholder update for {} (due {due})", view.reference);
        let body = format!(
            "The stakeholder update for {} — {} — was due at {due} and has not been sent within the grace period.\n\
             MIM on duty: {} ({}). As deputy, please check with them or send the update.\n",
            view.reference, view.major.declaration.title, shift.mim_name, shift.mim
        );
        let key = format!("missed-{id}-{}", cadence.due.timestamp());
        let mut tx = pool.begin().await?;
        let before: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE idempotency_key LIKE $1 || '%'")
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
        if let Some(address) = email.filter(|e| !e.trim().is_empty()) {
            let message = OutboundMessage {
                idempotency_key: format!("{key}-email"),
                recipient: Recipient::Email { to: vec![address] },
                subject: subject.clone(),
                body: body.clone(),
                payload: None,
            };
            outbox::enqueue(
                &mut tx,
                &outbox::Ledger {
                    major_id: Some(id),
                    audience: "deputy",
                    summary: &format!("deputy {}: {subject}", shift.deputy_name),
                    exercise: view.major.declaration.exercise,
                },
                &message,
            )
            .await?;
        }
        if let Some(number) = phone.filter(|p| !p.trim().is_empty()) {
            let message = OutboundMessage {
                idempotency_key: format!("{key}-sms"),
                recipient: Recipient::Sms { to: number },
                subject: String::new(),
                body: subject.clone(),
                payload: None,
            };
            outbox::enqueue(
                &mut tx,
                &outbox::Ledger {
                    major_id: Some(id),
                    audience: "deputy",
                    summary: &format!("deputy {} · SMS", shift.deputy_name),
                    exercise: view.major.declaration.exercise,
                },
                &message,
            )
            .await?;
        }
        let after: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE idempotency_key LIKE $1 || '%'")
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        queued += usize::try_from(after - before).unwrap_or(0);
    }
    Ok(queued)
}
