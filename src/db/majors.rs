//! Major incidents in the database: declaring, status updates (written to the outbox in the same
//! transaction), escalation, state, roles, phone duty. The domain (`domain::major`) decides; this module loads
//! the facts, applies its decisions atomically and records each step in the incident's history.
//!
//! This file declares, escalates, moves the state, assigns roles and loads; one submodule each holds the
//! contacts of the affected organisations (`contacts`), stakeholder updates and their outbox messages
//! (`updates`), phone duty and the notify step (`calls`), and the reminders to the deputy when an update was
//! missed (`deputies`). Everything public is re-exported here, so callers keep using `db::majors::…`.

mod calls;
pub(crate) mod contacts;
mod deputies;
mod updates;

use super::agreements::decode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use super::DbError;
use crate::domain::agreement::Agreement;
use crate::domain::major::{
    self, CallLog, CallOutcome, CallTask, ChannelKind, Declaration, DeliveryState, EscalationReason, EscalationRequest,
    LedgerEntry, MajorIncident, MajorRole, MajorState,
};

pub use self::calls::{complete_notify, log_call};
pub use self::contacts::ContactRow;
pub use self::deputies::notify_deputies;
pub use self::updates::{UpdateOutcome, send_update, send_update_once};
pub use crate::app::model::{CallTaskView, MajorView};

/// What the MIM gives when declaring.
#[derive(Debug, Clone, Default)]
pub struct DeclareRequest {
    /// Affected service codes; none means the incident's own service.
    pub services: Vec<String>,
    /// Affected organisations by code; none means the services' owners.
    pub organisations: Vec<String>,
    pub impact: String,
    pub exercise: bool,
}

#[derive(sqlx::FromRow)]
struct IncidentFacts {
    #[sqlx(rename = "ref")]
    reference: String,
    title: String,
    priority: Option<String>,
    status: String,
    service_code: String,
    document: serde_json::Value,
}

fn json<T: Serialize>(value: &T) -> Result<serde_json::Value, DbError> {
    serde_json::to_value(value).map_err(|e| DbError::Other(e.to_string()))
}

async fn now_and_actor(tx: &mut Transaction<'_, Postgres>) -> Result<(DateTime<Utc>, String), DbError> {
    Ok(sqlx::query_as("SELECT now(), current_user::text").fetch_one(&mut **tx).await?)
}

async fn history(tx: &mut Transaction<'_, Postgres>, incident_id: i64, kind: &str, text: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO incident_events (incident_id, kind, data) VALUES ($1, $2, jsonb_build_object('text', $3::text))",
    )
    .bind(incident_id)
    .bind(kind)
    .bind(text)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The given organisation codes as stored (case-insensitive), or a message naming the unknown ones: messages
/// go to the contacts of these organisations, so a typo must not silently reach nobody.
async fn known_organisations(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    given: &[String],
) -> Result<Vec<String>, DbError> {
    let wanted: Vec<String> = given.iter().map(|o| o.trim().to_lowercase()).filter(|o| !o.is_empty()).collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let known: Vec<String> =
        sqlx::query_scalar("SELECT code FROM organisations ORDER BY code").fetch_all(&mut **tx).await?;
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for code in &wanted {
        match known.iter().find(|k| k.to_lowercase() == *code) {
            Some(k) => found.push(k.clone()),
            None => unknown.push(code.as_str()),
        }
    }
    if !unknown.is_empty() {
        return Err(DbError::BadInput(format!(
            "unknown organisation(s): {} (known: {})",
            unknown.join(", "),
            known.join(", ")
        )));
    }
    Ok(found)
}

/// Declares a major incident on an open incident with a priority.
pub async fn declare(pool: &PgPool, incident_id: i64, request: &DeclareRequest) -> Result<MajorView, DbError> {
    let mut tx = pool.begin().await?;
    let facts: IncidentFacts = sqlx::query_as(
        "SELECT i.ref, i.title, i.priority, i.status, s.code AS service_code, v.document
         FROM incidents i JOIN services s ON s.id = i.service_id JOIN agreement_versions v ON v.id = i.agreement_version_id
         WHERE i.id = $1 FOR UPDATE OF i",
    )
    .bind(incident_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| DbError::NotFound(format!("incident {incident_id} does not exist")))?;
    if matches!(facts.status.as_str(), "resolved" | "closed") {
        return Err(DbError::BadInput(format!(
            "{} is {}; reopen it before declaring a major incident",
            facts.reference, facts.status
        )));
    }
    let priority = facts.priority.clone().ok_or_else(|| {
        DbError::BadInput(format!("{} has no priority yet; set one before declaring", facts.reference))
    })?;
    let existing: Option<String> = sqlx::query_scalar("SELECT state FROM majors WHERE incident_id = $1")
        .bind(incident_id)
        .fetch_optional(&mut *tx)
        .await?;
    match existing.as_deref() {
        None => {}
        Some("closed") => {
            return Err(DbError::BadInput(format!(
                "{} was a major incident, now closed; if it is back, register a new incident, link it \
                 (vakt incident link) and declare that one",
                facts.reference
            )));
        }
        Some(state) => {
            return Err(DbError::BadInput(format!(
                "{} is already a major incident ({state}): vakt major show {}",
                facts.reference, facts.reference
            )));
        }
    }
    let agreement = decode(&facts.document)?;
    let organisations = known_organisations(&mut tx, &request.organisations).await?;
    let (now, actor) = now_and_actor(&mut tx).await?;
    let services =
        if request.services.is_empty() { vec![facts.service_code.clone()] } else { request.services.clone() };
    let declaration = Declaration {
        reference: facts.reference.clone(),
        agreement: agreement.code().to_string(),
        priority: priority.clone(),
        title: facts.title.clone(),
        at: now,
        by: actor,
        services,
        organisations,
        impact: request.impact.clone(),
        exercise: request.exercise,
    };
    let major = MajorIncident::declare(declaration, &agreement).map_err(|e| DbError::BadInput(e.to_string()))?;
    let major_id: i64 = sqlx::query_scalar(
        "INSERT INTO majors (incident_id, declared_at, exercise, document) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(incident_id)
    .bind(now)
    .bind(request.exercise)
    .bind(json(&major)?)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE incidents SET major = true WHERE id = $1").bind(incident_id).execute(&mut *tx).await?;
    let exercise = if request.exercise { " (exercise)" } else { "" };
    history(&mut tx, incident_id, "major_declared", &format!("major incident declared{exercise}: {}", request.impact))
        .await?;
    calls::ensure_call_tasks(&mut tx, major_id, &major, &agreement).await?;
    tx.commit().await?;
    load(pool, major_id).await
}

#[derive(sqlx::FromRow)]
struct MajorRow {
    id: i64,
    incident_id: i64,
    #[sqlx(rename = "ref")]
    reference: String,
    agreement_version_id: i64,
    document: serde_json::Value,
    agreement: serde_json::Value,
    last_update_at: Option<DateTime<Utc>>,
    clocks: serde_json::Value,
    priority: Option<String>,
    version: i32,
}

/// The major incident as stored, measured at the incident's current priority (a raised priority brings its
/// cadence and phone duty with it).
fn decode_major(row: &MajorRow) -> Result<MajorIncident, DbError> {
    let mut major: MajorIncident = serde_json::from_value(row.document.clone())
        .map_err(|e| DbError::Schema(format!("a stored major incident cannot be read: {e}")))?;
    if let Some(priority) = &row.priority {
        major.declaration.priority = priority.clone();
    }
    Ok(major)
}

async fn locked(
    tx: &mut Transaction<'_, Postgres>,
    major_id: i64,
) -> Result<(MajorRow, MajorIncident, Agreement), DbError> {
    let row: MajorRow = sqlx::query_as(
        "SELECT m.id, m.incident_id, i.ref, i.agreement_version_id, m.document, v.document AS agreement,
                m.last_update_at, i.clocks, i.priority, m.version
         FROM majors m JOIN incidents i ON i.id = m.incident_id JOIN agreement_versions v ON v.id = i.agreement_version_id
         WHERE m.id = $1 FOR UPDATE OF m",
    )
    .bind(major_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| DbError::NotFound(format!("major incident {major_id} does not exist")))?;
    let major = decode_major(&row)?;
    let agreement = decode(&row.agreement)?;
    Ok((row, major, agreement))
}

async fn store(tx: &mut Transaction<'_, Postgres>, id: i64, major: &MajorIncident) -> Result<(), DbError> {
    sqlx::query("UPDATE majors SET document = $2, state = $3, level = $4 WHERE id = $1")
        .bind(id)
        .bind(json(major)?)
        .bind(major.state.as_str())
        .bind(major.level() as i32)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records a step up the escalation ladder (the next level, or a named one where the policy allows skipping).
pub async fn escalate(
    pool: &PgPool,
    major_id: i64,
    level: Option<usize>,
    whom: Option<String>,
    reason: EscalationReason,
) -> Result<MajorView, DbError> {
    let mut tx = pool.begin().await?;
    let (row, mut major, agreement) = locked(&mut tx, major_id).await?;
    let (now, actor) = now_and_actor(&mut tx).await?;
    let request = EscalationRequest { level, at: now, by: actor, whom, reason };
    let step = major::escalate(agreement.spec().major.escalation.as_ref(), &mut major, request)
        .map_err(|e| DbError::BadInput(e.to_string()))?
        .clone();
    store(&mut tx, major_id, &major).await?;
    let text = format!("escalated to {} ({}) — {}", step.level_name, step.whom, step.reason);
    history(&mut tx, row.incident_id, "major_escalated", &text).await?;
    tx.commit().await?;
    load(pool, major_id).await
}

/// Moves the major incident to another state (mitigated, resolved, closed), with a note.
pub async fn set_state(pool: &PgPool, major_id: i64, to: MajorState, note: &str) -> Result<MajorView, DbError> {
    let mut tx = pool.begin().await?;
    let (row, mut major, agreement) = locked(&mut tx, major_id).await?;
    let (now, actor) = now_and_actor(&mut tx).await?;
    major.transition(to, now, &actor, note).map_err(|e| DbError::BadInput(e.to_string()))?;
    store(&mut tx, major_id, &major).await?;
    if to == MajorState::Resolved {
        let clocks = clocks_now(&mut tx, row.incident_id, &agreement, now).await?;
        super::pir::start(&mut tx, major_id, &major, &agreement, &clocks).await?;
    }
    let text = match note.trim() {
        "" => format!("major incident {to}"),
        note => format!("major incident {to}: {note}"),
    };
    history(&mut tx, row.incident_id, "major_state", &text).await?;
    tx.commit().await?;
    load(pool, major_id).await
}

/// The incident's clocks as of `now`, from its whole history.
async fn clocks_now(
    tx: &mut Transaction<'_, Postgres>,
    incident_id: i64,
    agreement: &Agreement,
    now: DateTime<Utc>,
) -> Result<Vec<crate::domain::sla::record::ClockRecord>, DbError> {
    let rows: Vec<(DateTime<Utc>, String, serde_json::Value)> =
        sqlx::query_as("SELECT at, kind, data FROM public.incident_history WHERE incident_id = $1 ORDER BY at, id")
            .bind(incident_id)
            .fetch_all(&mut **tx)
            .await?;
    let events: Vec<_> = rows
        .into_iter()
        .filter_map(|(at, kind, data)| super::lifecycle::clock_event(incident_id, at, &kind, data))
        .collect();
    let clocks =
        crate::domain::sla::compute_clocks(agreement, &events, now).map_err(|e| DbError::Other(e.to_string()))?;
    Ok(crate::domain::sla::record::records(&clocks))
}

/// Gives a role (incident manager, communications lead, scribe …) to someone.
pub async fn assign_role(
    pool: &PgPool,
    major_id: i64,
    role: MajorRole,
    person: &str,
    organisation: Option<&str>,
) -> Result<MajorView, DbError> {
    let mut tx = pool.begin().await?;
    let (row, mut major, _) = locked(&mut tx, major_id).await?;
    let (now, actor) = now_and_actor(&mut tx).await?;
    // Those who run the cockpit are vakt logins; a technical lead or a participant may be a group or an outsider.
    if matches!(role, MajorRole::IncidentManager | MajorRole::CommunicationsLead | MajorRole::Scribe) {
        let staff: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE login = $1 AND active)")
            .bind(person.trim())
            .fetch_one(&mut *tx)
            .await?;
        if !staff {
            return Err(DbError::BadInput(format!(
                "'{person}' is not an active member of staff: the {role} is a vakt login (`vakt staff list`)"
            )));
        }
    }
    major.assign(role, person, organisation, now, &actor).map_err(|e| DbError::BadInput(e.to_string()))?;
    store(&mut tx, major_id, &major).await?;
    history(&mut tx, row.incident_id, "major_role", &format!("{person} is {role}")).await?;
    tx.commit().await?;
    load(pool, major_id).await
}

pub async fn agreement_of(pool: &PgPool, version_id: i64) -> Result<Agreement, DbError> {
    let document: serde_json::Value = sqlx::query_scalar("SELECT document FROM agreement_versions WHERE id = $1")
        .bind(version_id)
        .fetch_one(pool)
        .await?;
    decode(&document)
}

/// The major incident declared on an incident, by the incident's reference.
pub async fn id_by_incident_ref(pool: &PgPool, reference: &str) -> Result<i64, DbError> {
    sqlx::query_scalar("SELECT m.id FROM majors m JOIN incidents i ON i.id = m.incident_id WHERE i.ref = upper($1)")
        .bind(reference.trim())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("{} is not a major incident", reference.trim())))
}

/// Every major incident not closed, newest first.
pub async fn active_ids(pool: &PgPool) -> Result<Vec<i64>, DbError> {
    Ok(sqlx::query_scalar("SELECT id FROM majors WHERE state <> 'closed' ORDER BY declared_at DESC")
        .fetch_all(pool)
        .await?)
}

/// The outbox messages of a major incident as ledger entries (for the report and the notify check).
pub async fn ledger_in(tx: &mut Transaction<'_, Postgres>, major_id: i64) -> Result<Vec<LedgerEntry>, DbError> {
    let rows: Vec<(DateTime<Utc>, String, String, String, String, String)> = sqlx::query_as(
        "SELECT created_at, audience, channel, summary, created_by, state FROM outbox WHERE major_id = $1 ORDER BY created_at, id",
    )
    .bind(major_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, audience, channel, text, sender, state)| LedgerEntry {
            at,
            audience,
            channel: match channel.as_str() {
                "sms" => ChannelKind::Sms,
                "webhook" => ChannelKind::Webhook,
                _ => ChannelKind::Email,
            },
            text,
            sender,
            state: match state.as_str() {
                "sent" => DeliveryState::Sent,
                "dead" => DeliveryState::Dead,
                "retrying" => DeliveryState::Retrying,
                _ => DeliveryState::Pending,
            },
        })
        .collect())
}

/// Loads a major incident with its clocks, communications ledger and call tasks.
pub async fn load(pool: &PgPool, major_id: i64) -> Result<MajorView, DbError> {
    let mut tx = pool.begin().await?;
    let row: MajorRow = sqlx::query_as(
        "SELECT m.id, m.incident_id, i.ref, i.agreement_version_id, m.document, v.document AS agreement,
                m.last_update_at, i.clocks, i.priority, m.version
         FROM majors m JOIN incidents i ON i.id = m.incident_id JOIN agreement_versions v ON v.id = i.agreement_version_id
         WHERE m.id = $1",
    )
    .bind(major_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| DbError::NotFound(format!("major incident {major_id} does not exist")))?;
    let major = decode_major(&row)?;
    let updates: i64 = sqlx::query_scalar("SELECT count(*) FROM major_updates WHERE major_id = $1")
        .bind(major_id)
        .fetch_one(&mut *tx)
        .await?;
    let mut ledger = ledger_in(&mut tx, major_id).await?;
    let task_rows: Vec<(i64, String, String, String, String)> =
        sqlx::query_as("SELECT id, organisation, name, role, number FROM call_tasks WHERE major_id = $1 ORDER BY id")
            .bind(major_id)
            .fetch_all(&mut *tx)
            .await?;
    let log_rows: Vec<(i64, DateTime<Utc>, String, String, String)> = sqlx::query_as(
        "SELECT l.task_id, l.at, l.caller, l.outcome, l.note FROM call_logs l JOIN call_tasks t ON t.id = l.task_id
         WHERE t.major_id = $1 ORDER BY l.at, l.id",
    )
    .bind(major_id)
    .fetch_all(&mut *tx)
    .await?;
    let recipients = super::rota::contacts(&mut *tx, Some(&major.declaration.organisations)).await?;
    tx.commit().await?;
    let calls = task_rows
        .into_iter()
        .map(|(id, organisation, name, role, number)| {
            let calls = log_rows
                .iter()
                .filter(|l| l.0 == id)
                .map(|(_, at, caller, outcome, note)| CallLog {
                    at: *at,
                    by: caller.clone(),
                    outcome: outcome.parse().unwrap_or(CallOutcome::NotReached),
                    note: note.clone(),
                })
                .collect();
            CallTaskView { id, task: CallTask { organisation, name, role, number, calls } }
        })
        .collect::<Vec<_>>();
    for call in &calls {
        for log in &call.task.calls {
            ledger.push(LedgerEntry {
                at: log.at,
                audience: call.task.organisation.clone(),
                channel: ChannelKind::Phone,
                text: format!("{} ({}): {} — {}", call.task.name, call.task.role, log.outcome.as_str(), log.note),
                sender: log.by.clone(),
                state: DeliveryState::Sent,
            });
        }
    }
    ledger.sort_by_key(|e| e.at);
    let timeline = super::incidents::events_of(pool, row.incident_id).await?;
    Ok(MajorView {
        id: row.id,
        timeline,
        incident_id: row.incident_id,
        reference: row.reference,
        agreement_version_id: row.agreement_version_id,
        major,
        last_update_at: row.last_update_at,
        updates: usize::try_from(updates).unwrap_or(0),
        clocks: serde_json::from_value(row.clocks).unwrap_or_default(),
        ledger,
        calls,
        recipients,
        version: row.version,
    })
}
