//! What `vakt agreement what-if` reads: the open incidents of an agreement with their histories, its services'
//! outages and maintenance windows this month, and the version in force. Read-only; the domain does the rest.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{DbError, agreements, lifecycle, outages};
use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::MeasuringPeriod;
use crate::domain::sla::IncidentEvent;
use crate::domain::what_if::{self, OpenIncident, Outcome, Period, ServiceRecord};

/// An open incident as read: reference, the version measuring it, its clock events.
struct Open {
    reference: String,
    version_id: i64,
    events: Vec<IncidentEvent>,
}

/// Reads what the proposed version would touch and computes the outcome as of `at`.
pub async fn what_if(pool: &PgPool, proposed: &Agreement, at: DateTime<Utc>) -> Result<Outcome, DbError> {
    let set = agreements::load_all(pool).await?;
    let code = proposed.code();
    let zone = proposed.zone();
    let today = at.with_timezone(&zone).date_naive();
    let current: Option<Arc<Agreement>> = set
        .values()
        .filter(|a| a.code().eq_ignore_ascii_case(code) && a.spec().valid_from <= today)
        .max_by_key(|a| a.spec().valid_from)
        .cloned();
    let open = open_incidents(pool, code).await?;
    let incidents: Vec<OpenIncident<'_>> = open
        .into_iter()
        .filter_map(|o| {
            let measured_by = set.get(&o.version_id)?;
            Some(OpenIncident { reference: o.reference, events: o.events, measured_by: measured_by.as_ref() })
        })
        .collect();
    let (first, next) = MeasuringPeriod::CalendarMonth
        .containing(today)
        .ok_or_else(|| DbError::BadInput(format!("no month contains {today}")))?;
    let (Some(from), Some(to)) = (outages::midnight_in(first, zone), outages::midnight_in(next, zone)) else {
        return Err(DbError::BadInput(format!("the month of {today} has no midnight in {zone}")));
    };
    let mut codes: Vec<String> = sqlx::query_scalar(
        "SELECT s.code FROM services s JOIN agreements a ON a.id = s.agreement_id
         WHERE upper(a.code) = upper($1) ORDER BY s.code",
    )
    .bind(code)
    .fetch_all(pool)
    .await?;
    for service in &proposed.spec().services {
        if !codes.contains(&service.code) {
            codes.push(service.code.clone());
        }
    }
    let mut services = Vec::new();
    for service in codes {
        let counted_by = current.as_deref().unwrap_or(proposed);
        let (outages, windows) = outages::measuring_inputs(pool, counted_by, &service, from, to).await?;
        services.push(ServiceRecord { service, outages, windows });
    }
    Ok(what_if::what_if(proposed, current.as_deref(), &incidents, &services, Period { from, to }, at))
}

async fn open_incidents(pool: &PgPool, code: &str) -> Result<Vec<Open>, DbError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT i.id, i.ref, i.agreement_version_id FROM incidents i
         JOIN agreement_versions v ON v.id = i.agreement_version_id JOIN agreements a ON a.id = v.agreement_id
         WHERE upper(a.code) = upper($1) AND i.status NOT IN ('resolved', 'closed') ORDER BY i.id",
    )
    .bind(code)
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let events: Vec<(i64, DateTime<Utc>, String, serde_json::Value)> = sqlx::query_as(
        "SELECT incident_id, at, kind, data FROM public.incident_history WHERE incident_id = ANY($1)
         ORDER BY incident_id, at, id",
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
    Ok(rows
        .into_iter()
        .map(|(id, reference, version_id)| Open {
            reference,
            version_id,
            events: by_incident.remove(&id).unwrap_or_default(),
        })
        .collect())
}
