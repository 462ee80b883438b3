//! `vakt sla verify`: reads incidents with their history in pages and checks the stored clocks against it
//! (domain::sla::audit). Read-only, so a viewer may run it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::{DbError, agreements, lifecycle};
use crate::domain::sla::IncidentEvent;
use crate::domain::sla::audit::{self, Finding, StoredClocks};
use crate::domain::sla::record::ClockRecord;

/// Incidents read per query: enough to amortise the round trip, small enough to keep memory flat on a
/// million closed incidents.
const PAGE: i64 = 2_000;

/// Which incidents to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Open,
    All,
}

/// An incident whose stored clocks differ from its history.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentFindings {
    pub reference: String,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub checked: u64,
    pub differing: Vec<IncidentFindings>,
    /// Incidents whose clocks could not be computed at all (e.g. a pause the agreement does not allow).
    pub unreadable: Vec<IncidentFindings>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    #[sqlx(rename = "ref")]
    reference: String,
    agreement_version_id: i64,
    priority: Option<String>,
    open: bool,
    next_due_at: Option<DateTime<Utc>>,
    clocks: serde_json::Value,
    sla_outcome: Option<serde_json::Value>,
}

/// Checks the incidents in `scope`, or the one with `reference`, as of `now`.
pub async fn verify(
    pool: &PgPool,
    scope: Scope,
    reference: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Report, DbError> {
    let agreements = agreements::load_all(pool).await?;
    let mut report = Report::default();
    let mut after = 0i64;
    loop {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, ref, agreement_version_id, priority, status NOT IN ('resolved', 'closed') AS open,
                    next_due_at, clocks, sla_outcome
             FROM incidents
             WHERE id > $1 AND ($2 OR status NOT IN ('resolved', 'closed')) AND ($3::text IS NULL OR upper(ref) = upper(btrim($3)))
             ORDER BY id LIMIT $4",
        )
        .bind(after)
        .bind(scope == Scope::All || reference.is_some())
        .bind(reference)
        .bind(PAGE)
        .fetch_all(pool)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let mut events = clock_events(pool, &rows).await?;
        for row in rows {
            report.checked += 1;
            let history = events.remove(&row.id).unwrap_or_default();
            let findings = match check(&agreements, &row, &history, now) {
                Ok(findings) => findings,
                Err(message) => {
                    let finding = Finding { field: "history".into(), stored: String::new(), expected: message };
                    report.unreadable.push(IncidentFindings { reference: row.reference, findings: vec![finding] });
                    continue;
                }
            };
            if !findings.is_empty() {
                report.differing.push(IncidentFindings { reference: row.reference, findings });
            }
        }
    }
    if let Some(reference) = reference
        && report.checked == 0
    {
        return Err(DbError::NotFound(format!("no incident {reference}")));
    }
    Ok(report)
}

fn check(
    agreements: &agreements::AgreementSet,
    row: &Row,
    history: &[IncidentEvent],
    now: DateTime<Utc>,
) -> Result<Vec<Finding>, String> {
    if history.is_empty() {
        return Err("the history has no 'received' entry: no clock can be computed and no action taken".into());
    }
    let agreement = agreements
        .get(&row.agreement_version_id)
        .ok_or_else(|| format!("agreement version {} cannot be read by this vakt", row.agreement_version_id))?;
    let records = |value: &serde_json::Value| -> Result<Vec<ClockRecord>, String> {
        serde_json::from_value(value.clone()).map_err(|e| format!("stored clocks cannot be read: {e}"))
    };
    let stored = StoredClocks {
        priority: row.priority.clone(),
        open: row.open,
        clocks: records(&row.clocks)?,
        next_due_at: row.next_due_at,
        outcome: row.sla_outcome.as_ref().map(records).transpose()?,
    };
    audit::audit(agreement, history, &stored, now).map_err(|e| e.to_string())
}

async fn clock_events(pool: &PgPool, rows: &[Row]) -> Result<HashMap<i64, Vec<IncidentEvent>>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let events: Vec<(i64, DateTime<Utc>, String, serde_json::Value)> = sqlx::query_as(
        "SELECT incident_id, at, kind, data FROM public.incident_history WHERE incident_id = ANY($1) ORDER BY incident_id, at, id",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let mut by_incident: HashMap<i64, Vec<IncidentEvent>> = HashMap::new();
    for (id, at, kind, data) in events {
        if let Some(event) = lifecycle::clock_event(id, at, &kind, data) {
            by_incident.entry(id).or_default().push(event);
        }
    }
    Ok(by_incident)
}
