//! Post-incident reports: drafted when a major incident is resolved (from its timeline, clocks and
//! communications ledger), completed by the MIM, exported as Markdown and HTML.

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Transaction};

use super::DbError;
use crate::domain::agreement::Agreement;
use crate::domain::major::{self, MajorIncident, PostIncidentReport, TimelineEntry, TimelineKind};
use crate::domain::sla::record::ClockRecord;

/// Drafts the report when the major incident is resolved (again after a reopen: the draft is replaced only
/// while nobody has completed it).
pub async fn start(
    tx: &mut Transaction<'_, Postgres>,
    major_id: i64,
    major: &MajorIncident,
    agreement: &Agreement,
    clocks: &[ClockRecord],
) -> Result<(), DbError> {
    let timeline = timeline(tx, major_id).await?;
    let ledger = super::majors::ledger_in(tx, major_id).await?;
    let report = major::draft_report(major, agreement, &agreement.spec().major, &timeline, clocks, &ledger)
        .map_err(|e| DbError::BadInput(e.to_string()))?;
    let document = serde_json::to_value(&report).map_err(|e| DbError::Other(e.to_string()))?;
    sqlx::query(
        "INSERT INTO post_incident_reports (major_id, due_at, document) VALUES ($1, $2, $3)
         ON CONFLICT (major_id) DO UPDATE SET due_at = EXCLUDED.due_at, document = EXCLUDED.document, updated_at = now()
         WHERE post_incident_reports.completed_at IS NULL",
    )
    .bind(major_id)
    .bind(report.header.due)
    .bind(document)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The incident's history as the report's timeline.
async fn timeline(tx: &mut Transaction<'_, Postgres>, major_id: i64) -> Result<Vec<TimelineEntry>, DbError> {
    let rows: Vec<(DateTime<Utc>, String, String, serde_json::Value)> = sqlx::query_as(
        "SELECT e.at, e.kind, e.actor, e.data FROM public.incident_history e JOIN majors m ON m.incident_id = e.incident_id
         WHERE m.id = $1 ORDER BY e.at, e.id",
    )
    .bind(major_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, kind, actor, data)| {
            let text = data.get("text").and_then(|t| t.as_str()).map_or_else(|| kind.replace('_', " "), String::from);
            let kind = match kind.as_str() {
                "note" => TimelineKind::Note,
                "major_update" => TimelineKind::Message,
                "major_call" => TimelineKind::Call,
                "major_escalated" => TimelineKind::Escalation,
                _ => TimelineKind::Event,
            };
            TimelineEntry { at, kind, actor, text }
        })
        .collect())
}

/// The report of a major incident, if one was drafted.
pub async fn get(pool: &PgPool, major_id: i64) -> Result<Option<(PostIncidentReport, i32)>, DbError> {
    let row: Option<(serde_json::Value, i32)> =
        sqlx::query_as("SELECT document, version FROM post_incident_reports WHERE major_id = $1")
            .bind(major_id)
            .fetch_optional(pool)
            .await?;
    row.map(|(document, version)| {
        serde_json::from_value(document)
            .map(|report| (report, version))
            .map_err(|e| DbError::Schema(format!("a stored report cannot be read: {e}")))
    })
    .transpose()
}

/// Saves the MIM's edits (with a version check, so two editors never overwrite each other).
pub async fn save(
    pool: &PgPool,
    major_id: i64,
    report: &PostIncidentReport,
    expected_version: i32,
) -> Result<i32, DbError> {
    let document = serde_json::to_value(report).map_err(|e| DbError::Other(e.to_string()))?;
    let saved: Option<i32> = sqlx::query_scalar(
        "UPDATE post_incident_reports SET document = $2, updated_at = now()
         WHERE major_id = $1 AND version = $3 AND completed_at IS NULL RETURNING version",
    )
    .bind(major_id)
    .bind(document)
    .bind(expected_version)
    .fetch_optional(pool)
    .await?;
    if let Some(version) = saved {
        return Ok(version);
    }
    // Say which of the two it was: a completed report is final, a newer version is someone else's edit.
    let state: Option<(i32, Option<DateTime<Utc>>, Option<String>)> =
        sqlx::query_as("SELECT version, completed_at, completed_by FROM post_incident_reports WHERE major_id = $1")
            .bind(major_id)
            .fetch_optional(pool)
            .await?;
    Err(match state {
        None => DbError::NotFound("no report yet: it is drafted when the major incident is resolved".into()),
        Some((_, Some(at), by)) => DbError::BadInput(format!(
            "the report was completed at {} by {} and no longer changes",
            at.format("%Y-%m-%d %H:%M UTC"),
            by.unwrap_or_else(|| "?".into())
        )),
        Some((version, None, _)) => DbError::Conflict(format!(
            "the report was changed by someone else since you opened it (it is at version {version}, you had \
             {expected_version}); nothing was saved — reopen it and try again"
        )),
    })
}

/// Marks the report complete: refused while a required section is empty.
pub async fn complete(pool: &PgPool, major_id: i64) -> Result<PostIncidentReport, DbError> {
    let mut tx = pool.begin().await?;
    let (document, actor, now): (serde_json::Value, String, DateTime<Utc>) = sqlx::query_as(
        "SELECT document, current_user::text, now() FROM post_incident_reports WHERE major_id = $1 FOR UPDATE",
    )
    .bind(major_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| DbError::NotFound("no report yet: it is drafted when the major incident is resolved".into()))?;
    let mut report: PostIncidentReport = serde_json::from_value(document)
        .map_err(|e| DbError::Schema(format!("a stored report cannot be read: {e}")))?;
    report.complete(&actor, now).map_err(|e| DbError::BadInput(e.to_string()))?;
    sqlx::query(
        "UPDATE post_incident_reports SET document = $2, completed_at = $3, completed_by = $4 WHERE major_id = $1",
    )
    .bind(major_id)
    .bind(serde_json::to_value(&report).map_err(|e| DbError::Other(e.to_string()))?)
    .bind(now)
    .bind(&actor)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(report)
}
