//! The random survey of closed incidents (Tranemo/Ulricehamn, migration 23): the incidents the database drew when
//! they closed, their answers, and a tertial's summary for the follow-up.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::DbError;

/// A drawn incident: who to ask, and the answer once recorded.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Drawn {
    pub incident: String,
    pub agreement: String,
    pub period: String,
    /// Its place among the tertial's closed incidents, in closing order.
    pub position: i32,
    pub title: String,
    pub reporter: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub solved: Option<bool>,
    pub treatment: Option<i16>,
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The drawn incidents of an agreement (or all) and a tertial (or all), oldest first; only the unanswered with
/// `open`.
pub async fn list(
    pool: &PgPool,
    agreement: Option<&str>,
    period: Option<&str>,
    open: bool,
) -> Result<Vec<Drawn>, DbError> {
    Ok(sqlx::query_as(
        "SELECT i.ref AS incident, a.code AS agreement, d.period, d.position, i.title, i.reporter, i.closed_at,
                s.solved, s.treatment, s.comment, s.answered_at
         FROM public.survey_draws d
         JOIN public.incidents i ON i.id = d.incident_id
         JOIN public.agreements a ON a.id = d.agreement_id
         LEFT JOIN public.survey_answers s ON s.incident_id = d.incident_id
         WHERE d.selected
           AND ($1::text IS NULL OR upper(a.code) = upper($1))
           AND ($2::text IS NULL OR d.period = upper($2))
           AND (NOT $3 OR s.incident_id IS NULL)
         ORDER BY a.code, d.period, d.position",
    )
    .bind(agreement)
    .bind(period)
    .bind(open)
    .fetch_all(pool)
    .await?)
}

/// Records the answers for a drawn incident (operators).
pub async fn answer(
    pool: &PgPool,
    reference: &str,
    solved: bool,
    treatment: i16,
    comment: &str,
) -> Result<(), DbError> {
    if !(1..=5).contains(&treatment) {
        return Err(DbError::BadInput("the treatment is rated from 1 (very poor) to 5 (very good)".into()));
    }
    let id = super::incidents::id_by_ref(pool, reference).await?;
    let drawn: Option<bool> = sqlx::query_scalar("SELECT selected FROM public.survey_draws WHERE incident_id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    match drawn {
        None => {
            return Err(DbError::BadInput(format!(
                "{} was not drawn for the survey (only closed incidents of an agreement with a survey are)",
                reference.trim()
            )));
        }
        Some(false) => {
            return Err(DbError::BadInput(format!(
                "{} was not among the incidents drawn for the survey",
                reference.trim()
            )));
        }
        Some(true) => {}
    }
    let inserted = sqlx::query(
        "INSERT INTO public.survey_answers (incident_id, solved, treatment, comment) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(solved)
    .bind(treatment)
    .bind(comment.trim())
    .execute(pool)
    .await;
    match inserted.map_err(DbError::from) {
        Ok(_) => Ok(()),
        Err(DbError::Conflict(_)) => {
            Err(DbError::Conflict(format!("the survey for {} is answered already", reference.trim())))
        }
        Err(DbError::Refused(_)) => {
            Err(DbError::Refused("only operators (vakt_operator) record survey answers".into()))
        }
        Err(other) => Err(other),
    }
}

/// A tertial's survey for the follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Summary {
    pub agreement: String,
    pub period: String,
    /// Closed incidents drawn from (every closed incident of the tertial).
    pub closed: i64,
    pub selected: i64,
    pub answered: i64,
    /// Answered "yes, solved satisfactorily".
    pub solved: i64,
    /// Mean rating of the treatment, 1–5; `None` before any answer.
    pub treatment_mean: Option<f64>,
}

/// The summary per agreement and tertial.
pub async fn summary(pool: &PgPool, agreement: Option<&str>, period: Option<&str>) -> Result<Vec<Summary>, DbError> {
    Ok(sqlx::query_as(
        "SELECT a.code AS agreement, d.period, count(*) AS closed, count(*) FILTER (WHERE d.selected) AS selected,
                count(s.incident_id) AS answered, count(*) FILTER (WHERE s.solved) AS solved,
                avg(s.treatment)::float8 AS treatment_mean
         FROM public.survey_draws d
         JOIN public.agreements a ON a.id = d.agreement_id
         LEFT JOIN public.survey_answers s ON s.incident_id = d.incident_id
         WHERE ($1::text IS NULL OR upper(a.code) = upper($1)) AND ($2::text IS NULL OR d.period = upper($2))
         GROUP BY a.code, d.period ORDER BY a.code, d.period",
    )
    .bind(agreement)
    .bind(period)
    .fetch_all(pool)
    .await?)
}
