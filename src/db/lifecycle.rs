//! Writing incidents: every action is one transaction that locks the row, checks the version the user saw,
//! applies the agreement's rules (domain::incident::lifecycle), records the events, recomputes the SLA clocks from the
//! whole history and stores the next deadline, all or nothing.

use super::agreements::decode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use super::{DbError, incidents, regulatory};
use crate::app::model::IncidentSummary;
use crate::domain::incident::lifecycle::{self, Current, IncidentAction, NewEvent};
use crate::domain::incident::{Channel, Status};
use crate::domain::sla::event_log::{self, EventData};
use crate::domain::sla::record::{self, NextDueColumns};
use crate::domain::sla::{self, IncidentClocks, IncidentEvent};
use crate::domain::text;

/// Largest description accepted, in bytes; larger text is refused with a clear message rather than cut.
pub const MAX_DESCRIPTION: usize = 256 * 1024;
/// Largest title accepted, in characters.
pub const MAX_TITLE: usize = 300;

pub use crate::app::model::NewIncident;

#[derive(sqlx::FromRow)]
struct Locked {
    id: i64,
    #[sqlx(rename = "ref")]
    reference: String,
    status: String,
    priority: Option<String>,
    security: bool,
    personal_data: bool,
    workaround: bool,
    deprioritised: bool,
    assignee: Option<String>,
    version: i32,
    document: serde_json::Value,
    resolved_once: bool,
}

/// Performs `action` on an incident. With `expected_version`, a change made by someone else since the user
/// looked is refused as a conflict that says what changed; nothing is overwritten silently.
pub async fn perform(
    pool: &PgPool,
    incident_id: i64,
    expected_version: Option<i32>,
    action: &IncidentAction,
) -> Result<IncidentSummary, DbError> {
    let mut tx = pool.begin().await?;
    let reference = perform_in(&mut tx, incident_id, expected_version, action).await?;
    tx.commit().await?;
    incidents::summary_by_id(pool, incident_id)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("{reference} disappeared")))
}

/// `perform` inside the caller's transaction, so a change made with it stands or falls with the rest (a
/// problem link and the workaround it applies). Returns the incident's reference.
pub async fn perform_in(
    tx: &mut Transaction<'_, Postgres>,
    incident_id: i64,
    expected_version: Option<i32>,
    action: &IncidentAction,
) -> Result<String, DbError> {
    let row: Locked = sqlx::query_as(
        "SELECT i.id, i.ref, i.status, i.priority, i.security, i.personal_data, i.workaround, i.deprioritised,
                s.login AS assignee,
                i.version, v.document, i.sla_outcome IS NOT NULL AS resolved_once
         FROM incidents i JOIN agreement_versions v ON v.id = i.agreement_version_id
         LEFT JOIN staff s ON s.id = i.assignee_id
         WHERE i.id = $1 FOR UPDATE OF i",
    )
    .bind(incident_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| DbError::NotFound(format!("incident {incident_id} does not exist")))?;
    if let Some(expected) = expected_version
        && expected != row.version
    {
        return Err(conflict(tx, &row, expected).await);
    }
    let agreement = decode(&row.document)?;
    let current = Current {
        status: row.status.parse().map_err(|e| DbError::Schema(format!("{e}")))?,
        priority: row.priority.clone(),
        security: row.security,
        personal_data: row.personal_data,
        workaround: row.workaround,
        deprioritised: row.deprioritised,
        assignee: row.assignee.clone(),
    };
    let outcome = lifecycle::plan(&agreement, &current, action)
        .map_err(|e| DbError::BadInput(format!("{}: {}", row.reference, e.0)))?;
    if let IncidentAction::Assign { assignee: Some(login), .. } = action {
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE login = $1 AND active)")
            .bind(login)
            .fetch_one(&mut **tx)
            .await?;
        if !known {
            return Err(DbError::BadInput(format!("no active member of staff with login '{login}'")));
        }
    }
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&mut **tx).await?;
    lifecycle::check_at(action, now).map_err(|e| DbError::BadInput(format!("{}: {}", row.reference, e.0)))?;
    let mut history = clock_events(tx, row.id).await?;
    history.extend(outcome.events.iter().filter_map(|e| e.clock.clone().map(|k| IncidentEvent::new(now, k))));
    let clocks = sla::compute_clocks(&agreement, &history, now).map_err(|e| DbError::BadInput(e.to_string()))?;
    let mut flag_history = regulatory::flag_events(&mut **tx, row.id).await?;
    flag_history.extend(outcome.events.iter().filter_map(|e| regulatory::flag_event(now, e.kind, &e.data)));
    let regulatory_due = regulatory::next_due(&agreement, &flag_history);
    insert_events(tx, row.id, &outcome.events).await?;

    let changes = &outcome.changes;
    let status = changes.status.unwrap_or(current.status);
    let next = if status.is_open() { record::next_due_columns(&clocks) } else { NextDueColumns::default() };
    let records = records_json(&clocks)?;
    // The outcome is frozen when the incident is resolved (again, after a reopen); reports read it.
    let freeze = changes.status == Some(Status::Resolved);
    let assignee = changes.assignee.clone();
    sqlx::query(
        "UPDATE incidents SET
            status = $2,
            priority = coalesce($3, priority),
            assignee_id = CASE WHEN $4 THEN (SELECT id FROM staff WHERE login = $5) ELSE assignee_id END,
            support_line = coalesce($6, support_line),
            security = coalesce($7, security),
            workaround = coalesce($8, workaround),
            reopened = coalesce($9, reopened),
            deprioritised = coalesce($10, deprioritised),
            resolved_at = CASE WHEN $2 = 'resolved' AND status <> 'resolved' THEN now()
                               WHEN $2 IN ('resolved', 'closed') THEN resolved_at ELSE NULL END,
            closed_at = CASE WHEN $2 = 'closed' THEN coalesce(closed_at, now()) ELSE NULL END,
            next_due_at = $11, next_due_target = $12, next_due_state = $13, next_due_clock = $14,
            next_due_budget = $15, clocks = $16,
            sla_outcome = CASE WHEN $17 THEN $16 ELSE sla_outcome END,
            personal_data = coalesce($18, personal_data),
            regulatory_due_at = $19
         WHERE id = $1",
    )
    .bind(row.id)
    .bind(status.as_str())
    .bind(&changes.priority)
    .bind(assignee.is_some())
    .bind(assignee.flatten())
    .bind(changes.line.map(|l| l.as_str()))
    .bind(changes.security)
    .bind(changes.workaround)
    .bind(changes.reopened)
    .bind(changes.deprioritised)
    .bind(next.due)
    .bind(&next.target)
    .bind(&next.state)
    .bind(&next.clock)
    .bind(next.budget_seconds)
    .bind(&records)
    .bind(freeze || (status == Status::Closed && !row.resolved_once))
    .bind(changes.personal_data)
    .bind(regulatory_due)
    .execute(&mut **tx)
    .await?;
    Ok(row.reference)
}

/// Registers a new incident against the version of its service's agreement in force today.
pub async fn create(pool: &PgPool, new: &NewIncident) -> Result<IncidentSummary, DbError> {
    let title = new.title.trim();
    if title.is_empty() {
        return Err(DbError::BadInput("the title must not be empty".into()));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(DbError::BadInput(format!(
            "the title is longer than {MAX_TITLE} characters; put the rest in the description"
        )));
    }
    if new.description.len() > MAX_DESCRIPTION {
        return Err(DbError::BadInput(format!(
            "the description is {} kB; at most {} kB is accepted (attach long logs elsewhere and refer to them)",
            new.description.len() / 1024,
            MAX_DESCRIPTION / 1024
        )));
    }
    let mut tx = pool.begin().await?;
    let service: Option<(i64, String)> = sqlx::query_as(
        "SELECT s.id, a.code FROM services s JOIN agreements a ON a.id = s.agreement_id WHERE upper(s.code) = upper($1)",
    )
    .bind(new.service.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((service_id, agreement_code)) = service else {
        return Err(DbError::BadInput(format!(
            "unknown service '{}' (see vakt incident services)",
            text::one_line(&new.service)
        )));
    };
    let (version_id, document): (i64, serde_json::Value) = sqlx::query_as(
        "SELECT v.id, v.document FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id
         WHERE a.code = $1 AND v.valid_from <= (now() AT TIME ZONE (v.document ->> 'zone'))::date
         ORDER BY v.valid_from DESC LIMIT 1",
    )
    .bind(&agreement_code)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| DbError::BadInput(format!("agreement {agreement_code} has no version in force today")))?;
    let agreement = decode(&document)?;
    let received = lifecycle::received(&agreement, new.priority.as_deref()).map_err(|e| DbError::BadInput(e.0))?;
    let priority = received.data.priority.clone();
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&mut *tx).await?;
    let events: Vec<IncidentEvent> = received.clock.clone().map(|k| IncidentEvent::new(now, k)).into_iter().collect();
    let clocks = sla::compute_clocks(&agreement, &events, now).map_err(|e| DbError::BadInput(e.to_string()))?;
    let next = record::next_due_columns(&clocks);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (service_id, agreement_version_id, priority, title, description, reporter, channel,
                                received_at, next_due_at, next_due_target, next_due_state, next_due_clock,
                                next_due_budget, clocks)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(service_id)
    .bind(version_id)
    .bind(&priority)
    .bind(title)
    .bind(&new.description)
    .bind(new.reporter.trim())
    .bind(new.channel.unwrap_or(Channel::Web).as_str())
    .bind(next.due)
    .bind(&next.target)
    .bind(&next.state)
    .bind(&next.clock)
    .bind(next.budget_seconds)
    .bind(records_json(&clocks)?)
    .fetch_one(&mut *tx)
    .await?;
    let mut received = received;
    received.data.channel = Some(new.channel.unwrap_or(Channel::Web).as_str().to_string());
    insert_events(&mut tx, id, &[received]).await?;
    tx.commit().await?;
    incidents::summary_by_id(pool, id).await?.ok_or_else(|| DbError::NotFound("the new incident disappeared".into()))
}

/// Links two incidents as having the same cause; recorded on both histories.
pub async fn link(pool: &PgPool, incident_id: i64, other_reference: &str) -> Result<IncidentSummary, DbError> {
    let other = incidents::id_by_ref(pool, other_reference).await?;
    if other == incident_id {
        return Err(DbError::BadInput("an incident cannot be linked to itself".into()));
    }
    let mut tx = pool.begin().await?;
    let refs: Vec<(i64, String)> = sqlx::query_as("SELECT id, ref FROM incidents WHERE id IN ($1, $2)")
        .bind(incident_id)
        .bind(other)
        .fetch_all(&mut *tx)
        .await?;
    let reference_of = |id: i64| refs.iter().find(|(i, _)| *i == id).map(|(_, r)| r.clone()).unwrap_or_default();
    let inserted = sqlx::query(
        "INSERT INTO incident_links (incident_id, linked_id) VALUES (least($1, $2), greatest($1, $2))
         ON CONFLICT DO NOTHING",
    )
    .bind(incident_id)
    .bind(other)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(DbError::BadInput(format!("already linked to {}", reference_of(other))));
    }
    for (this, that) in [(incident_id, other), (other, incident_id)] {
        let data = EventData { linked: Some(reference_of(that)), ..EventData::default() };
        insert_events(&mut tx, this, &[NewEvent { kind: "linked", data, clock: None }]).await?;
    }
    tx.commit().await?;
    incidents::summary_by_id(pool, incident_id).await?.ok_or_else(|| DbError::NotFound("incident disappeared".into()))
}

/// The clocks of an incident as they would be after `action`, for the console's confirmation.
pub async fn what_if(
    pool: &PgPool,
    incident_id: i64,
    action: &IncidentAction,
) -> Result<(IncidentClocks, IncidentClocks), DbError> {
    let mut tx = pool.begin().await?;
    let (document, status, priority, security, personal_data, workaround, deprioritised): (
        serde_json::Value,
        String,
        Option<String>,
        bool,
        bool,
        bool,
        bool,
    ) = sqlx::query_as(
        "SELECT v.document, i.status, i.priority, i.security, i.personal_data, i.workaround, i.deprioritised
             FROM incidents i JOIN agreement_versions v ON v.id = i.agreement_version_id WHERE i.id = $1",
    )
    .bind(incident_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| DbError::NotFound(format!("incident {incident_id} does not exist")))?;
    let agreement = decode(&document)?;
    let current = Current {
        status: status.parse().map_err(|e| DbError::Schema(format!("{e}")))?,
        priority,
        security,
        personal_data,
        workaround,
        deprioritised,
        assignee: None,
    };
    let outcome = lifecycle::plan(&agreement, &current, action).map_err(|e| DbError::BadInput(e.0))?;
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&mut *tx).await?;
    let history = clock_events(&mut tx, incident_id).await?;
    let mut after = history.clone();
    after.extend(outcome.events.iter().filter_map(|e| e.clock.clone().map(|k| IncidentEvent::new(now, k))));
    let compute = |events: &[IncidentEvent]| {
        sla::compute_clocks(&agreement, events, now).map_err(|e| DbError::BadInput(e.to_string()))
    };
    Ok((compute(&history)?, compute(&after)?))
}

async fn clock_events(tx: &mut Transaction<'_, Postgres>, incident_id: i64) -> Result<Vec<IncidentEvent>, DbError> {
    let rows: Vec<(DateTime<Utc>, String, serde_json::Value)> =
        sqlx::query_as("SELECT at, kind, data FROM public.incident_history WHERE incident_id = $1 ORDER BY at, id")
            .bind(incident_id)
            .fetch_all(&mut **tx)
            .await?;
    Ok(rows.into_iter().filter_map(|(at, kind, data)| clock_event(incident_id, at, &kind, data)).collect())
}

/// The clock event a stored row stands for. A row this build cannot read (a kind from a newer vakt, or
/// written by hand) is logged and skipped rather than blocking every action on the incident.
pub fn clock_event(incident_id: i64, at: DateTime<Utc>, kind: &str, data: serde_json::Value) -> Option<IncidentEvent> {
    let data: EventData = match serde_json::from_value(data) {
        Ok(data) => data,
        Err(e) => {
            tracing::warn!(incident_id, kind, error = %e, "skipping an event with unreadable data");
            return None;
        }
    };
    match event_log::load(kind, &data, at) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(incident_id, kind, error = %e, "skipping an event this vakt cannot read");
            None
        }
    }
}

async fn insert_events(
    tx: &mut Transaction<'_, Postgres>,
    incident_id: i64,
    events: &[NewEvent],
) -> Result<(), DbError> {
    for event in events {
        let data = serde_json::to_value(&event.data).map_err(|e| DbError::Other(e.to_string()))?;
        sqlx::query("INSERT INTO incident_events (incident_id, kind, data) VALUES ($1, $2, $3)")
            .bind(incident_id)
            .bind(event.kind)
            .bind(data)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn records_json(clocks: &IncidentClocks) -> Result<serde_json::Value, DbError> {
    serde_json::to_value(record::records(clocks)).map_err(|e| DbError::Other(e.to_string()))
}

/// What someone else changed: the newest event since the version the user saw.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedBy {
    pub actor: String,
    pub kind: String,
    pub at: DateTime<Utc>,
}

async fn conflict(tx: &mut Transaction<'_, Postgres>, row: &Locked, expected: i32) -> DbError {
    if expected > row.version {
        return DbError::Conflict(format!(
            "{} is at version {}; version {expected} does not exist yet; nothing was saved",
            row.reference, row.version
        ));
    }
    let last: Option<(String, String, DateTime<Utc>)> =
        sqlx::query_as("SELECT actor, kind, at FROM incident_events WHERE incident_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(row.id)
            .fetch_optional(&mut **tx)
            .await
            .ok()
            .flatten();
    let what = match last {
        Some((actor, kind, at)) => format!("; last: {kind} by {actor} at {}", at.format("%H:%M:%S UTC")),
        None => String::new(),
    };
    DbError::Conflict(format!(
        "{} was changed since version {expected} (now {}{what}); nothing was saved — review the change and try again",
        row.reference, row.version
    ))
}
