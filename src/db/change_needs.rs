//! The register of change needs (issue 13, Altinn §2.10): read, register, and take a need through its steps. The
//! order of the steps, who may take them and when each was taken are the database's (migration 30); here they are
//! only asked for, and the clocks computed on the agreement version in force when the need was received.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::DbError;
use crate::domain::agreement::Agreement;
use crate::domain::change_need::overview::NeedFacts;
use crate::domain::change_need::{self, NeedClock, NeedPriority, NeedState, NeedTimes};

const COLUMNS: &str = "n.id, n.ref AS reference, a.code AS agreement, n.title, n.description, n.submitter_kind,
    n.submitter_org, n.submitter_contact, n.requested_priority, n.justification, n.state, n.received_by,
    n.received_at, n.feedback, n.feedback_at, n.priority, n.qualified_at, n.analysis, n.analysed_at,
    n.release_series_id, n.release_label, n.planned_at, n.delivered_at, n.rejection_reason, n.rejected_at, n.version";

/// A need as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ChangeNeedRow {
    pub id: i64,
    pub reference: String,
    pub agreement: String,
    pub title: String,
    pub description: String,
    pub submitter_kind: String,
    pub submitter_org: String,
    pub submitter_contact: String,
    pub requested_priority: String,
    pub justification: Option<String>,
    pub state: String,
    pub received_by: String,
    pub received_at: DateTime<Utc>,
    pub feedback: Option<String>,
    pub feedback_at: Option<DateTime<Utc>>,
    pub priority: Option<String>,
    pub qualified_at: Option<DateTime<Utc>>,
    pub analysis: Option<String>,
    pub analysed_at: Option<DateTime<Utc>>,
    pub release_series_id: Option<i64>,
    pub release_label: Option<String>,
    pub planned_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl ChangeNeedRow {
    pub fn state(&self) -> NeedState {
        NeedState::parse(&self.state).unwrap_or(NeedState::Received)
    }

    pub fn times(&self) -> NeedTimes {
        NeedTimes {
            received: self.received_at,
            feedback: self.feedback_at,
            qualified: self.qualified_at,
            analysed: self.analysed_at,
            rejected: self.rejected_at,
            priority: self.priority.as_deref().and_then(NeedPriority::parse),
        }
    }

    /// The release it is planned for: its name, and the calendar's release series where it links one.
    pub fn release_text(&self) -> Option<String> {
        match (&self.release_label, self.release_series_id) {
            (Some(label), Some(id)) => Some(format!("{label} (maintenance series {id})")),
            (Some(label), None) => Some(label.clone()),
            (None, Some(id)) => Some(format!("maintenance series {id}")),
            (None, None) => None,
        }
    }
}

/// A need with its clocks as of `now`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedWithClocks {
    #[serde(flatten)]
    pub need: ChangeNeedRow,
    pub clocks: Vec<NeedClock>,
}

/// What registering a need takes.
#[derive(Debug, Clone)]
pub struct NewNeed {
    pub agreement: String,
    pub title: String,
    pub description: String,
    /// `service_owner` or `system_vendor`.
    pub submitter_kind: String,
    pub submitter_org: String,
    pub submitter_contact: String,
    pub requested_priority: NeedPriority,
    pub justification: Option<String>,
}

/// One step of a need, with what it records.
#[derive(Debug, Clone)]
pub enum Step {
    Feedback { text: String },
    Qualify { priority: NeedPriority },
    Analyse { text: String },
    Plan { series: Option<i64>, label: Option<String> },
    Deliver,
    Reject { reason: String },
}

fn refused(e: sqlx::Error) -> DbError {
    match DbError::from(e) {
        DbError::Refused(message) if message.contains("permission denied") => DbError::Refused(format!(
            "{message}: only chairs (vakt_chair) and admins register and handle change needs; everyone reads them"
        )),
        other => other,
    }
}

fn trimmed(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// Needs of one agreement (or all), oldest first; closed ones (delivered, rejected) only when asked for.
pub async fn list(pool: &PgPool, agreement: Option<&str>, closed_too: bool) -> Result<Vec<ChangeNeedRow>, DbError> {
    // Safe: only constant fragments are joined; every value is a parameter.
    let sql = format!(
        "SELECT {COLUMNS} FROM public.change_needs n JOIN public.agreements a ON a.id = n.agreement_id
         WHERE ($1::text IS NULL OR a.code = upper($1)) AND ($2 OR n.state NOT IN ('delivered', 'rejected'))
         ORDER BY n.received_at, n.id"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(agreement.map(str::trim)).bind(closed_too).fetch_all(pool).await?)
}

/// One need by its reference (END-1, any case).
pub async fn get(pool: &PgPool, reference: &str) -> Result<ChangeNeedRow, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM public.change_needs n JOIN public.agreements a ON a.id = n.agreement_id
         WHERE n.ref = upper($1)"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(reference.trim())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("no change need {}", reference.trim())))
}

/// The needs with their clocks, each measured on the agreement version in force on the day it was received.
pub async fn with_clocks(
    pool: &PgPool,
    needs: Vec<ChangeNeedRow>,
    now: DateTime<Utc>,
) -> Result<Vec<NeedWithClocks>, DbError> {
    let mut versions: HashMap<(String, NaiveDate), Arc<Agreement>> = HashMap::new();
    let mut out = Vec::with_capacity(needs.len());
    for need in needs {
        let key = (need.agreement.clone(), need.received_at.date_naive());
        let agreement = match versions.get(&key) {
            Some(a) => a.clone(),
            None => {
                let stored = super::agreements::version_in_force(pool, &key.0, key.1).await?;
                versions.insert(key, stored.agreement.clone());
                stored.agreement
            }
        };
        let clocks = change_need::clocks(&agreement, &need.times(), now).map_err(|e| DbError::Other(e.to_string()))?;
        out.push(NeedWithClocks { need, clocks });
    }
    Ok(out)
}

/// Registers a need; returns its reference.
pub async fn create(pool: &PgPool, new: &NewNeed) -> Result<String, DbError> {
    change_need::check_justification(new.requested_priority, new.justification.as_deref())
        .map_err(DbError::BadInput)?;
    let agreement: Option<i64> = sqlx::query_scalar("SELECT id FROM public.agreements WHERE code = upper($1)")
        .bind(new.agreement.trim())
        .fetch_optional(pool)
        .await?;
    let agreement = agreement.ok_or_else(|| DbError::BadInput(format!("unknown agreement '{}'", new.agreement)))?;
    sqlx::query_scalar(
        "INSERT INTO public.change_needs (agreement_id, title, description, submitter_kind, submitter_org,
                                          submitter_contact, requested_priority, justification)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ref",
    )
    .bind(agreement)
    .bind(new.title.trim())
    .bind(new.description.trim())
    .bind(new.submitter_kind.trim())
    .bind(new.submitter_org.trim())
    .bind(new.submitter_contact.trim())
    .bind(new.requested_priority.as_str())
    .bind(new.justification.as_deref().and_then(trimmed))
    .fetch_one(pool)
    .await
    .map_err(refused)
}

/// Takes one step; the database refuses a step out of order (bad input) or by a login that may not (refused).
pub async fn step(pool: &PgPool, reference: &str, step: &Step) -> Result<ChangeNeedRow, DbError> {
    let (state, sql) = match step {
        Step::Feedback { .. } => ("feedback_given", ", feedback = $3"),
        Step::Qualify { .. } => ("qualified", ", priority = $3"),
        Step::Analyse { .. } => ("analysed", ", analysis = $3"),
        Step::Plan { .. } => ("planned", ", release_label = $3, release_series_id = $4"),
        Step::Deliver => ("delivered", ""),
        Step::Reject { .. } => ("rejected", ", rejection_reason = $3"),
    };
    let text: Option<String> = match step {
        Step::Feedback { text } | Step::Analyse { text } | Step::Reject { reason: text } => {
            Some(trimmed(text).ok_or_else(|| DbError::BadInput("the text of this step is empty".into()))?.into())
        }
        Step::Qualify { priority } => Some(priority.as_str().into()),
        Step::Plan { label, series } => {
            if label.as_deref().and_then(trimmed).is_none() && series.is_none() {
                return Err(DbError::BadInput(
                    "plan names the release: --release NAME and/or --series ID (a release in the maintenance \
                     calendar)"
                        .into(),
                ));
            }
            label.as_deref().and_then(trimmed).map(String::from)
        }
        Step::Deliver => None,
    };
    let series = match step {
        Step::Plan { series, .. } => *series,
        _ => None,
    };
    // Safe: the fragment is one of the constants above; every value is a parameter.
    let update = format!("UPDATE public.change_needs SET state = $2{sql} WHERE ref = upper($1) RETURNING id");
    let updated: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(update))
        .bind(reference.trim())
        .bind(state)
        .bind(text)
        .bind(series)
        .fetch_optional(pool)
        .await
        .map_err(refused)?;
    if updated.is_none() {
        return Err(DbError::NotFound(format!("no change need {}", reference.trim())));
    }
    get(pool, reference).await
}

/// Every need of an agreement, for the monthly report (the report picks what falls in its period).
pub async fn report_facts(pool: &PgPool, agreement: &str) -> Result<Vec<NeedFacts>, DbError> {
    Ok(list(pool, Some(agreement), true)
        .await?
        .into_iter()
        .map(|n| NeedFacts {
            reference: n.reference.clone(),
            title: n.title.clone(),
            submitter: n.submitter_org.clone(),
            state: n.state(),
            times: n.times(),
            release: n.release_text(),
        })
        .collect())
}
