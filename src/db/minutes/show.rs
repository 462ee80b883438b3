//! A meeting's minutes in full, as the caller may read them (a draft only for chairs and admins): the frozen
//! agenda, attendance, items with notes, decisions, follow-up points and corrections.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::db::DbError;
use crate::domain::minutes::agenda::{Agenda, CorrectionRow};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Attendance {
    pub participant: String,
    pub mandatory: bool,
    pub present: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Item {
    pub id: i64,
    pub position: i32,
    pub section: String,
    pub title: String,
    pub notes: String,
    pub discussed: bool,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Decision {
    pub item_id: Option<i64>,
    pub text: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Minutes {
    pub id: i64,
    pub series: String,
    pub title: String,
    pub agreement: String,
    pub starts_at: DateTime<Utc>,
    pub state: String,
    pub opened_by: String,
    pub published_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub attendance: Vec<Attendance>,
    pub agenda: Agenda,
    pub items: Vec<Item>,
    pub decisions: Vec<Decision>,
    pub follow_ups: Vec<super::follow_ups::Point>,
    pub corrections: Vec<CorrectionRow>,
}

type Head = (String, String, String, DateTime<Utc>, String, String, Option<String>, Option<DateTime<Utc>>);

pub async fn minutes(pool: &PgPool, id: i64) -> Result<Minutes, DbError> {
    let head: Option<Head> = sqlx::query_as(
        "SELECT s.code, s.title, a.code, m.starts_at, m.state, m.opened_by, m.published_by, m.published_at
         FROM public.meetings m JOIN public.meeting_series s ON s.id = m.series_id
         JOIN public.agreements a ON a.id = s.agreement_id WHERE m.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let Some((series, title, agreement, starts_at, state, opened_by, published_by, published_at)) = head else {
        return Err(DbError::BadInput(format!("no meeting {id} (or its minutes are a draft you may not read)")));
    };
    let attendance = sqlx::query_as(
        "SELECT participant, mandatory, present FROM public.meeting_attendance WHERE meeting_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let items = sqlx::query_as(
        "SELECT id, position, section, title, notes, discussed, version FROM public.meeting_items WHERE meeting_id = $1
         ORDER BY position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let decisions = sqlx::query_as(
        "SELECT item_id, text, decided_by, decided_at FROM public.meeting_decisions WHERE meeting_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let follow_ups =
        super::follow_ups::list(pool, None, false).await?.into_iter().filter(|p| p.meeting == id).collect();
    let corrections: Vec<(i64, String, String, DateTime<Utc>, bool)> = sqlx::query_as(
        "SELECT id, text, corrected_by, corrected_at, late FROM public.minutes_corrections WHERE meeting_id = $1
         ORDER BY corrected_at, id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Minutes {
        id,
        series,
        title,
        agreement,
        starts_at,
        state,
        opened_by,
        published_by,
        published_at,
        attendance,
        agenda: super::frozen_agenda(pool, id).await?,
        items,
        decisions,
        follow_ups,
        corrections: corrections
            .into_iter()
            .map(|(id, text, by, at, late)| CorrectionRow { id, text, by, at, late })
            .collect(),
    })
}
