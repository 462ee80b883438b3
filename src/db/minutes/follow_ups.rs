//! Follow-up points: listed for their owners, answered by them alone (the database's rule: row-level security and
//! a trigger), and added to a draft by its chair.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::app::screens::board::follow_ups::MyFollowUp;
use crate::db::DbError;
use crate::domain::minutes::concerns::Concerns;

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
    /// The maintenance window (series) it concerns.
    pub window: Option<i64>,
    /// The issued service report it concerns.
    pub report: Option<i64>,
}

impl Point {
    /// `INC-1, window 3`: what it concerns, empty when nothing.
    pub fn concerns(&self) -> String {
        Concerns { incident: self.incident.clone(), window: self.window, report: self.report }.describe()
    }
}

/// Points the caller may read (those of published minutes; a chair's drafts too), by due date; `open` keeps those
/// not answered or closed.
pub async fn list(pool: &PgPool, owner: Option<&str>, open: bool) -> Result<Vec<Point>, DbError> {
    Ok(sqlx::query_as(
        "SELECT f.id, s.code AS series, m.id AS meeting, m.starts_at AS meeting_at, f.text,
                coalesce(f.owner_login, c.name, '?') AS owner, f.due_date AS due, f.state, f.answer, f.answered_by,
                f.answered_at, f.incident_ref AS incident, f.maintenance_series_id AS window,
                f.service_report_id AS report
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

/// The caller's own points (owner_login = the acting login) of published minutes that are not closed, for "my
/// follow-ups" on the board; the console sorts them.
pub async fn mine(pool: &PgPool) -> Result<Vec<MyFollowUp>, DbError> {
    let rows: Vec<Mine> = sqlx::query_as(
        "SELECT f.id, s.title AS series, m.starts_at AS meeting_at, f.text, f.due_date AS due, f.state, f.answer,
                f.answered_at, a.code AS agreement
         FROM public.follow_ups f JOIN public.meetings m ON m.id = f.meeting_id
         JOIN public.meeting_series s ON s.id = m.series_id
         JOIN public.agreements a ON a.id = s.agreement_id
         WHERE f.owner_login = public.vakt_actor() AND m.state = 'published' AND f.state <> 'closed'
         ORDER BY f.due_date, f.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Mine::into_point).collect())
}

#[derive(sqlx::FromRow)]
struct Mine {
    id: i64,
    series: String,
    meeting_at: DateTime<Utc>,
    text: String,
    due: NaiveDate,
    state: String,
    answer: Option<String>,
    answered_at: Option<DateTime<Utc>>,
    agreement: String,
}

impl Mine {
    fn into_point(self) -> MyFollowUp {
        MyFollowUp {
            id: self.id,
            series: self.series,
            meeting_at: self.meeting_at,
            text: self.text,
            due: self.due,
            state: self.state,
            answer: self.answer,
            answered_at: self.answered_at,
            agreement: self.agreement,
        }
    }
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
    /// A staff login, a contact's e-mail address, or `ORG:Contact name`.
    pub owner: &'a str,
    pub due: Option<NaiveDate>,
    /// The incident, maintenance window or report it concerns.
    pub concerns: Concerns,
    /// The agenda item it was made on, if any (one of the meeting's own).
    pub item: Option<i64>,
}

/// Who a point is addressed to: a login, or a contact (who has none).
enum Owner {
    Login(String),
    Contact(i64),
}

/// Finds the owner a chair typed: a login; an e-mail address of exactly one contact; or `ORG:Name` of a contact.
async fn owner(pool: &PgPool, typed: &str) -> Result<Owner, DbError> {
    let typed = typed.trim();
    let contacts: Vec<(i64, String, String)> = if typed.contains('@') {
        sqlx::query_as(
            "SELECT c.id, o.code, c.name FROM public.contacts c JOIN public.organisations o ON o.id = c.organisation_id
             WHERE lower(c.email) = lower($1) ORDER BY c.id",
        )
        .bind(typed)
        .fetch_all(pool)
        .await?
    } else if let Some((organisation, name)) = typed.split_once(':') {
        sqlx::query_as(
            "SELECT c.id, o.code, c.name FROM public.contacts c JOIN public.organisations o ON o.id = c.organisation_id
             WHERE upper(o.code) = upper($1) AND lower(c.name) = lower($2) ORDER BY c.id",
        )
        .bind(organisation.trim())
        .bind(name.trim())
        .fetch_all(pool)
        .await?
    } else {
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.staff WHERE login = $1)")
            .bind(typed)
            .fetch_one(pool)
            .await?;
        if !known {
            return Err(DbError::BadInput(format!(
                "no staff login '{typed}' (`vakt staff list`); a contact is named by e-mail address or as ORG:Name"
            )));
        }
        return Ok(Owner::Login(typed.to_string()));
    };
    match contacts.as_slice() {
        [(id, _, _)] => Ok(Owner::Contact(*id)),
        [] => Err(DbError::BadInput(format!("no contact '{typed}' (`vakt contact list` shows them)"))),
        many => Err(DbError::BadInput(format!(
            "'{typed}' names {} contacts ({}): name one as ORG:Name",
            many.len(),
            many.iter().map(|(_, org, name)| format!("{org}:{name}")).collect::<Vec<_>>().join(", ")
        ))),
    }
}

pub async fn add(pool: &PgPool, new: &NewPoint<'_>) -> Result<i64, DbError> {
    let Some(due) = new.due else { return Err(DbError::BadInput("a follow-up point needs --due".into())) };
    let (login, contact) = match owner(pool, new.owner).await? {
        Owner::Login(login) => (Some(login), None),
        Owner::Contact(id) => (None, Some(id)),
    };
    // The item must be one of this meeting's: a point never lands in other minutes.
    let inserted = sqlx::query_scalar(
        "INSERT INTO public.follow_ups (meeting_id, text, owner_login, owner_contact_id, due_date, incident_ref,
                                        maintenance_series_id, service_report_id, item_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
         WHERE $9::bigint IS NULL
            OR EXISTS (SELECT 1 FROM public.meeting_items i WHERE i.id = $9 AND i.meeting_id = $1)
         RETURNING id",
    )
    .bind(new.meeting)
    .bind(new.text.trim())
    .bind(login)
    .bind(contact)
    .bind(due)
    .bind(new.concerns.incident.as_deref())
    .bind(new.concerns.window)
    .bind(new.concerns.report)
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
            "no meeting {} you may write to, or it concerns something that does not exist ({})",
            new.meeting,
            new.concerns.describe()
        ))),
        Err(other) => Err(other),
    }
}
