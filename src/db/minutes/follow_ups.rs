//! Follow-up points: listed for their owners, answered by them alone (the database's rule: row-level security and
//! a trigger), and added to a draft by its chair.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::db::DbError;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Point {
    pub id: i64,
    pub series: String,
    pub meeting: i64,
    pub meeting_at: DateTime<Utc>,
    pub text: String,
    /// A login, or a contact's name.
    pub owner: String,
    pub due: NaiveDate,
    pub state: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub incident: Option<String>,
}

/// Points the caller may read (those of published minutes; a chair's drafts too), by due date; `open` keeps those
/// not answered or closed.
pub async fn list(pool: &PgPool, owner: Option<&str>, open: bool) -> Result<Vec<Point>, DbError> {
    Ok(sqlx::query_as(
        "SELECT f.id, s.code AS series, m.id AS meeting, m.starts_at AS meeting_at, f.text,
                coalesce(f.owner_login, c.name, '?') AS owner, f.due_date AS due, f.state, f.answer, f.answered_by,
                f.answered_at, f.incident_ref AS incident
         FROM public.follow_ups f JOIN public.meetings m ON m.id = f.meeting_id
         JOIN public.meeting_series s ON s.id = m.series_id
         LEFT JOIN public.contacts c ON c.id = f.owner_contact_id
         WHERE ($1::text IS NULL OR f.owner_login = $1) AND (NOT $2 OR f.state = 'open')
         ORDER BY f.due_date, f.id",
    )
    .bind(owner.map(str::trim))
    .bind(open)
    .fetch_all(pool)
    .await?)
}

/// Answers a point addressed to the caller. Someone else's point is refused before anything is written.
pub async fn answer(pool: &PgPool, id: i64, text: &str) -> Result<(), DbError> {
    if text.trim().is_empty() {
        return Err(DbError::BadInput("an answer needs a text (--text)".into()));
    }
    let found: Option<(Option<String>, String, bool, String)> = sqlx::query_as(
        "SELECT f.owner_login, f.state, pg_has_role(current_user, 'vakt_chair', 'USAGE'), public.vakt_actor()
         FROM public.follow_ups f JOIN public.meetings m ON m.id = f.meeting_id
         WHERE f.id = $1 AND m.state = 'published'",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let Some((owner, state, chair, me)) = found else {
        return Err(DbError::BadInput(format!("no follow-up point {id} in published minutes")));
    };
    match owner {
        Some(owner) if owner != me => {
            return Err(DbError::BadInput(format!(
                "follow-up point {id} is addressed to {owner}: only {owner} answers it"
            )));
        }
        None if !chair => {
            return Err(DbError::BadInput(format!(
                "follow-up point {id} is addressed to a contact: a chair records their answer"
            )));
        }
        _ => {}
    }
    if state == "closed" {
        return Err(DbError::BadInput(format!("follow-up point {id} is closed")));
    }
    let done = sqlx::query("UPDATE public.follow_ups SET answer = $2 WHERE id = $1")
        .bind(id)
        .bind(text.trim())
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::Refused(format!("the database did not let you answer follow-up point {id}")));
    }
    Ok(())
}

/// A new point in a draft (chairs).
#[derive(Debug, Clone, Default)]
pub struct NewPoint<'a> {
    pub meeting: i64,
    pub text: &'a str,
    pub owner: &'a str,
    pub due: Option<NaiveDate>,
    pub incident: Option<&'a str>,
    /// The agenda item it was made on, if any (one of the meeting's own).
    pub item: Option<i64>,
}

pub async fn add(pool: &PgPool, new: &NewPoint<'_>) -> Result<i64, DbError> {
    let Some(due) = new.due else { return Err(DbError::BadInput("a follow-up point needs --due".into())) };
    let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.staff WHERE login = $1)")
        .bind(new.owner.trim())
        .fetch_one(pool)
        .await?;
    if !known {
        return Err(DbError::BadInput(format!("no staff login '{}' (`vakt staff list`)", new.owner.trim())));
    }
    // The item must be one of this meeting's: a point never lands in other minutes.
    let inserted = sqlx::query_scalar(
        "INSERT INTO public.follow_ups (meeting_id, text, owner_login, due_date, incident_ref, item_id)
         SELECT $1, $2, $3, $4, $5, $6
         WHERE $6::bigint IS NULL
            OR EXISTS (SELECT 1 FROM public.meeting_items i WHERE i.id = $6 AND i.meeting_id = $1)
         RETURNING id",
    )
    .bind(new.meeting)
    .bind(new.text.trim())
    .bind(new.owner.trim())
    .bind(due)
    .bind(new.incident.map(str::trim))
    .bind(new.item)
    .fetch_optional(pool)
    .await;
    match inserted.map_err(DbError::from) {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(DbError::BadInput(format!(
            "meeting {} has no agenda item {} (`vakt minutes show {}` lists them)",
            new.meeting,
            new.item.unwrap_or_default(),
            new.meeting
        ))),
        Err(DbError::Refused(_)) => {
            Err(DbError::Refused("permission denied: only chairs (vakt_chair) and admins write minutes".into()))
        }
        Err(DbError::BadInput(m)) if m.contains("foreign key") => Err(DbError::BadInput(format!(
            "no meeting {} or no incident {} you may write to",
            new.meeting,
            new.incident.unwrap_or("—")
        ))),
        Err(other) => Err(other),
    }
}
