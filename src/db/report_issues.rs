//! Issued service reports (migration 21): the figures frozen when a report was issued, who issued it and when.
//! The database refuses a second issue of the same report, an issue before the period is over, and any change to
//! an issued report.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::DbError;
use crate::domain::report::{ReportFigures, ReportPeriod};

/// A report as issued.
#[derive(Debug, Clone)]
pub struct Issued {
    pub figures: ReportFigures,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
}

/// The issued report of this agreement, kind and period, if there is one.
pub async fn find(pool: &PgPool, agreement: &str, period: &ReportPeriod) -> Result<Option<Issued>, DbError> {
    let row: Option<(serde_json::Value, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT r.figures, r.issued_at, r.issued_by FROM public.service_reports r
         JOIN public.agreements a ON a.id = r.agreement_id
         WHERE a.code = $1 AND r.kind = $2 AND r.period = $3",
    )
    .bind(agreement)
    .bind(period.kind.as_str())
    .bind(&period.label)
    .fetch_optional(pool)
    .await?;
    row.map(|(figures, issued_at, issued_by)| {
        let figures = serde_json::from_value(figures)
            .map_err(|e| DbError::Schema(format!("an issued report this build cannot read: {e}")))?;
        Ok(Issued { figures, issued_at, issued_by })
    })
    .transpose()
}

/// Freezes the figures as the issued report of their agreement and period.
pub async fn issue(pool: &PgPool, figures: &ReportFigures) -> Result<Issued, DbError> {
    let h = &figures.header;
    let what = format!("the {} report {} of {}", h.period.kind.as_str(), h.period.label, h.agreement);
    let document = serde_json::to_value(figures).map_err(|e| DbError::Other(e.to_string()))?;
    let (issued_at, issued_by): (DateTime<Utc>, String) = sqlx::query_as(
        "INSERT INTO public.service_reports (agreement_id, kind, period, figures)
         SELECT a.id, $2, $3, $4 FROM public.agreements a WHERE a.code = $1
         RETURNING issued_at, issued_by",
    )
    .bind(&h.agreement)
    .bind(h.period.kind.as_str())
    .bind(&h.period.label)
    .bind(document)
    .fetch_one(pool)
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict(format!(
            "{what} is already issued and stays as issued; `vakt report {} …` shows it with what changed since",
            h.period.kind.as_str()
        )),
        DbError::Refused(_) => DbError::Refused(format!("only MIMs and admins issue service reports ({what})")),
        other => other,
    })?;
    Ok(Issued { figures: figures.clone(), issued_at, issued_by })
}
