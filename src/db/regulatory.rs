//! Regulatory clocks of security incidents in the database: the flag history read through the masked view (its
//! structural fields are visible to every role), the clocks of one incident, and the worker's reminders.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use super::DbError;
use super::agreements::decode;
use crate::domain::agreement::Agreement;
use crate::domain::regulatory::{self as clocks, ClockState, FlagEvent, RegulatoryClock};
use crate::domain::sla::event_log::EventData;

/// The history entries of an incident that move its regulatory clocks, oldest first.
pub async fn flag_events<'e>(
    executor: impl PgExecutor<'e>,
    incident_id: i64,
) -> Result<Vec<(DateTime<Utc>, FlagEvent)>, DbError> {
    let rows: Vec<(DateTime<Utc>, String, serde_json::Value)> = sqlx::query_as(
        "SELECT at, kind, data FROM public.incident_history
         WHERE incident_id = $1 AND kind IN ('security_flagged', 'security_cleared', 'personal_data_flagged',
                                             'personal_data_cleared', 'authority_notified')
         ORDER BY at, id",
    )
    .bind(incident_id)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(at, kind, data)| {
            let data: EventData = serde_json::from_value(data).unwrap_or_default();
            flag_event(at, &kind, &data)
        })
        .collect())
}

/// The flag event of one stored (or about to be stored) history entry.
pub fn flag_event(at: DateTime<Utc>, kind: &str, data: &EventData) -> Option<(DateTime<Utc>, FlagEvent)> {
    FlagEvent::from_stored(kind, data.duty.as_deref(), data.notified_at).map(|event| (at, event))
}

pub fn clocks_of(agreement: &Agreement, history: &[(DateTime<Utc>, FlagEvent)]) -> Vec<RegulatoryClock> {
    clocks::clocks(&agreement.spec().regulatory, agreement.zone(), history)
}

/// The earliest notification still to make, stored on the incident for reminders.
pub fn next_due(agreement: &Agreement, history: &[(DateTime<Utc>, FlagEvent)]) -> Option<DateTime<Utc>> {
    clocks::next_due(&clocks_of(agreement, history))
}

/// The regulatory clocks of one incident, for the incident view, the CLI and the reports.
pub async fn of_incident(pool: &PgPool, incident_id: i64) -> Result<Vec<RegulatoryClock>, DbError> {
    let document: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT v.document FROM public.incidents i JOIN public.agreement_versions v ON v.id = i.agreement_version_id
         WHERE i.id = $1 AND i.security",
    )
    .bind(incident_id)
    .fetch_optional(pool)
    .await?;
    let Some(document) = document else { return Ok(Vec::new()) };
    let agreement = decode(&document)?;
    if agreement.spec().regulatory.is_empty() {
        return Ok(Vec::new());
    }
    Ok(clocks_of(&agreement, &flag_events(pool, incident_id).await?))
}

/// Reminds MIMs and admins of regulatory notifications past the agreement's first warning threshold or overdue,
/// once per notification, state and person (the idempotency key names all three, so several workers queue each
/// once). The message names the incident and the authority, never its description or notes.
pub async fn remind_due(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, DbError> {
    let incidents: Vec<(i64, String, String, serde_json::Value)> = sqlx::query_as(
        "SELECT i.id, i.ref, i.title, v.document FROM public.incidents i
         JOIN public.agreement_versions v ON v.id = i.agreement_version_id
         WHERE i.regulatory_due_at IS NOT NULL AND i.security ORDER BY i.regulatory_due_at LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    if incidents.is_empty() {
        return Ok(0);
    }
    let staff = super::outbox::duty_staff(pool).await?;
    let mut queued = 0;
    for (id, reference, title, document) in incidents {
        let agreement = decode(&document)?;
        let first_warning = agreement.clock_rules().warning_thresholds.first().copied().unwrap_or(50);
        for clock in clocks_of(&agreement, &flag_events(pool, id).await?) {
            let state = match clock.state(now, first_warning) {
                ClockState::Warning => "due",
                ClockState::Overdue => "overdue",
                _ => continue,
            };
            let subject = format!(
                "{}: {} to {} {state} {}",
                reference,
                clock.name,
                clock.authority,
                clock.due.format("%Y-%m-%d %H:%M UTC")
            );
            let body = format!(
                "{subject}\n\n{reference} {}\n\nWhen it is made, record it:\n  \
                 vakt incident notified {reference} {} --at <when it was made>\n",
                crate::domain::text::one_line(&title),
                clock.code
            );
            let key_of =
                |staff_id: i64| format!("regdue-{id}-{}-{}-{state}-{staff_id}", clock.code, clock.starts.timestamp());
            queued += super::outbox::mail_each_once(pool, &staff, key_of, &subject, &body).await?;
        }
    }
    Ok(queued)
}
