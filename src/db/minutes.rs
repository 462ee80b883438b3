//! Status meetings (issue 12, migration 24): series, meetings opened with their generated agenda frozen, publishing
//! and corrections. The rights are the database's: chairs and admins open and publish, drafts are theirs to read,
//! everyone reads published minutes. What the agenda reads is in `minutes::inputs`, follow-up points in
//! `minutes::follow_ups`.

pub mod edit;
pub mod follow_ups;
pub mod inputs;
pub mod reminders;
pub mod screen;
pub mod sending;
pub mod show;
pub mod stored_agenda;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::DbError;
use crate::domain::minutes::agenda::{Agenda, CorrectionRow, Section};
use crate::domain::minutes::schedule::{Schedule, Slot};
use crate::domain::minutes::{MeetingKind, Participant};

/// A meeting series as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesRow {
    pub id: i64,
    pub code: String,
    pub agreement: String,
    #[serde(skip)]
    pub agreement_id: i64,
    pub title: String,
    pub kind: MeetingKind,
    pub zone: String,
    pub start_local: NaiveDateTime,
    pub rule: Option<String>,
    pub duration_minutes: i32,
    pub chair: String,
    pub participants: Vec<Participant>,
    pub distribution: Vec<String>,
    pub horizon_days: i32,
}

type SeriesTuple = (
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    NaiveDateTime,
    Option<String>,
    i32,
    String,
    String,
    Vec<String>,
    i32,
);

const SERIES: &str = "SELECT s.id, s.code, a.code, s.agreement_id, s.title, s.kind, s.zone, s.start_local, s.rule,
        s.duration_minutes, s.chair_login, s.participants::text, s.distribution, s.horizon_days
     FROM public.meeting_series s JOIN public.agreements a ON a.id = s.agreement_id";

fn series_row(t: SeriesTuple) -> Result<SeriesRow, DbError> {
    let kind = t.5.parse().map_err(DbError::Schema)?;
    let participants: Vec<Participant> =
        serde_json::from_str(&t.11).map_err(|e| DbError::Schema(format!("participants of series {}: {e}", t.1)))?;
    Ok(SeriesRow {
        id: t.0,
        code: t.1,
        agreement: t.2,
        agreement_id: t.3,
        title: t.4,
        kind,
        zone: t.6,
        start_local: t.7,
        rule: t.8,
        duration_minutes: t.9,
        chair: t.10,
        participants,
        distribution: t.12,
        horizon_days: t.13,
    })
}

impl SeriesRow {
    pub fn zone(&self) -> Result<chrono_tz::Tz, DbError> {
        self.zone
            .parse()
            .map_err(|_| DbError::Schema(format!("series {} has an unknown zone {}", self.code, self.zone)))
    }

    pub fn schedule(&self) -> Result<Schedule, DbError> {
        Ok(Schedule {
            zone: self.zone()?,
            start: self.start_local,
            length: chrono::Duration::minutes(i64::from(self.duration_minutes)),
            rule: self.rule.clone(),
        })
    }

    /// The meeting running at `at`, or the next one.
    pub fn slot_at(&self, at: DateTime<Utc>) -> Result<Slot, DbError> {
        self.schedule()?
            .slot_at(at)
            .map_err(|e| DbError::Schema(e.to_string()))?
            .ok_or_else(|| DbError::BadInput(format!("series {} has no meeting after {at}", self.code)))
    }
}

/// Every series, by code.
pub async fn series(pool: &PgPool) -> Result<Vec<SeriesRow>, DbError> {
    let sql = sqlx::AssertSqlSafe(format!("{SERIES} ORDER BY s.code"));
    let rows: Vec<SeriesTuple> = sqlx::query_as(sql).fetch_all(pool).await?;
    rows.into_iter().map(series_row).collect()
}

/// One series by its code (any case); an unknown code names the known ones.
pub async fn series_by_code(pool: &PgPool, code: &str) -> Result<SeriesRow, DbError> {
    let sql = sqlx::AssertSqlSafe(format!("{SERIES} WHERE s.code = upper($1)"));
    let row: Option<SeriesTuple> = sqlx::query_as(sql).bind(code.trim()).fetch_optional(pool).await?;
    match row {
        Some(row) => series_row(row),
        None => {
            let known: Vec<String> =
                sqlx::query_scalar("SELECT code FROM public.meeting_series ORDER BY code").fetch_all(pool).await?;
            Err(DbError::BadInput(format!(
                "unknown meeting series '{}' (known: {})",
                code.trim(),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )))
        }
    }
}

/// A new series (chairs and admins), as the demo and imports write it.
#[derive(Debug, Clone)]
pub struct NewSeries<'a> {
    pub code: &'a str,
    pub agreement: &'a str,
    pub title: &'a str,
    pub kind: MeetingKind,
    pub schedule: Schedule,
    pub chair: &'a str,
    pub participants: Vec<Participant>,
    pub distribution: Vec<String>,
    pub horizon_days: i32,
}

pub async fn add_series(pool: &PgPool, new: &NewSeries<'_>) -> Result<i64, DbError> {
    new.schedule.validate().map_err(|e| DbError::BadInput(e.to_string()))?;
    let participants = serde_json::to_string(&new.participants).map_err(|e| DbError::Other(e.to_string()))?;
    let minutes = new.schedule.length.num_minutes();
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO public.meeting_series (code, agreement_id, title, kind, zone, start_local, rule, duration_minutes,
                                            chair_login, participants, distribution, horizon_days)
         SELECT upper($1), a.id, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12
         FROM public.agreements a WHERE upper(a.code) = upper($2)
         RETURNING id",
    )
    .bind(new.code)
    .bind(new.agreement)
    .bind(new.title)
    .bind(new.kind.as_str())
    .bind(new.schedule.zone.name())
    .bind(new.schedule.start)
    .bind(&new.schedule.rule)
    .bind(i32::try_from(minutes).unwrap_or(i32::MAX))
    .bind(new.chair)
    .bind(participants)
    .bind(&new.distribution)
    .bind(new.horizon_days)
    .fetch_optional(pool)
    .await?;
    id.ok_or_else(|| DbError::BadInput(format!("unknown agreement '{}'", new.agreement)))
}

/// A meeting as listed.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub series: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub state: String,
    pub opened_by: String,
    pub published_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub follow_ups_open: i64,
    pub corrections: i64,
}

/// Meetings the caller may read (drafts only for chairs and admins), oldest first.
pub async fn meetings(
    pool: &PgPool,
    series: Option<&str>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Vec<MeetingRow>, DbError> {
    if let Some(code) = series {
        series_by_code(pool, code).await?;
    }
    Ok(sqlx::query_as(
        "SELECT m.id, s.code AS series, s.title, m.starts_at, m.state, m.opened_by, m.published_by, m.published_at,
                (SELECT count(*) FROM public.follow_ups f WHERE f.meeting_id = m.id AND f.state = 'open')
                    AS follow_ups_open,
                (SELECT count(*) FROM public.minutes_corrections c WHERE c.meeting_id = m.id) AS corrections
         FROM public.meetings m JOIN public.meeting_series s ON s.id = m.series_id
         WHERE ($1::text IS NULL OR s.code = upper($1)) AND ($2::timestamptz IS NULL OR m.starts_at >= $2)
           AND ($3::timestamptz IS NULL OR m.starts_at < $3)
         ORDER BY m.starts_at, m.id",
    )
    .bind(series)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}

/// A meeting opened: its id and when it starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opened {
    pub id: i64,
    pub series: String,
    pub starts_at: DateTime<Utc>,
    pub items: usize,
}

/// Opens the meeting of `code` running at `at` (or the next one): the agenda is generated now and frozen, one item
/// per section and per carried item, attendance from the series' participants (nobody present yet).
pub async fn open(pool: &PgPool, code: &str, at: DateTime<Utc>) -> Result<Opened, DbError> {
    let series = series_by_code(pool, code).await?;
    let (slot, agenda) = inputs::agenda(pool, &series, at).await?;
    let frozen = serde_json::to_string(&agenda).map_err(|e| DbError::Other(e.to_string()))?;
    let mut tx = pool.begin().await?;
    let inserted: Result<i64, DbError> = sqlx::query_scalar(
        "INSERT INTO public.meetings (series_id, starts_at, next_starts_at, agenda) VALUES ($1, $2, $3, $4::jsonb)
         RETURNING id",
    )
    .bind(series.id)
    .bind(slot.starts_at)
    .bind(slot.next_starts_at)
    .bind(frozen)
    .fetch_one(&mut *tx)
    .await
    .map_err(DbError::from);
    let id = match inserted {
        Ok(id) => id,
        Err(DbError::Conflict(_)) => {
            return Err(DbError::BadInput(format!(
                "the meeting of {} at {} is open already (`vakt meeting list --series {}`)",
                series.code, slot.starts_at, series.code
            )));
        }
        Err(DbError::Refused(_)) => {
            return Err(DbError::Refused(
                "permission denied: only chairs (vakt_chair) and admins open meetings".into(),
            ));
        }
        Err(other) => return Err(other),
    };
    let mut position = 1;
    for section in &agenda.sections {
        position += insert_item(&mut tx, id, position, section).await?;
    }
    for participant in &series.participants {
        sqlx::query("INSERT INTO public.meeting_attendance (meeting_id, participant, mandatory) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(&participant.who)
            .bind(participant.mandatory)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Opened { id, series: series.code, starts_at: slot.starts_at, items: (position - 1) as usize })
}

/// A section becomes an item; a carried section becomes one item per carried item, linked to where it came from.
/// Returns how many items it wrote.
async fn insert_item(
    tx: &mut sqlx::PgConnection,
    meeting: i64,
    position: i32,
    section: &Section,
) -> Result<i32, DbError> {
    use crate::domain::minutes::agenda::Row;
    let carried: Vec<_> =
        section.rows.iter().filter_map(|r| if let Row::Carried(c) = r { Some(c) } else { None }).collect();
    if carried.is_empty() {
        sqlx::query("INSERT INTO public.meeting_items (meeting_id, position, section, title) VALUES ($1, $2, $3, $4)")
            .bind(meeting)
            .bind(position)
            .bind(section.kind.as_str())
            .bind(&section.title)
            .execute(&mut *tx)
            .await?;
        return Ok(1);
    }
    // Carried items follow the generated ones, in their order.
    for (n, item) in (0..).zip(carried.iter()) {
        sqlx::query(
            "INSERT INTO public.meeting_items (meeting_id, position, section, title, notes, carried_from)
             VALUES ($1, $2, 'carried', $3, $4, $5)",
        )
        .bind(meeting)
        .bind(position + n)
        .bind(&item.title)
        .bind(&item.notes)
        .bind(item.item_id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(i32::try_from(carried.len()).unwrap_or(i32::MAX))
}

/// The state of a meeting the caller can see.
async fn state_of(pool: &PgPool, id: i64) -> Result<(String, i32, Option<String>, Option<DateTime<Utc>>), DbError> {
    sqlx::query_as("SELECT state, version, published_by, published_at FROM public.meetings WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| DbError::BadInput(format!("no meeting {id} (or its minutes are a draft you may not read)")))
}

/// Publishes a draft: the minutes become read-only and, in the same transaction, are queued by e-mail to every
/// recipient of the series' distribution list (migration 27). Returns how many messages were queued.
pub async fn publish(pool: &PgPool, id: i64) -> Result<usize, DbError> {
    let (state, version, by, at) = state_of(pool, id).await?;
    if state == "published" {
        return Err(DbError::BadInput(format!(
            "meeting {id} is published already (by {} at {}); send a correction with `vakt minutes correct {id}`",
            by.unwrap_or_default(),
            at.map(|t| t.to_rfc3339()).unwrap_or_default()
        )));
    }
    let refused = |e: DbError| match e {
        DbError::Refused(_) => {
            DbError::Refused("permission denied: only chairs (vakt_chair) and admins publish minutes".into())
        }
        other => other,
    };
    // The minutes as they are sent: read before the update (the draft is the chair's alone to change), stamped with
    // who published them and when as the server records it.
    let mut minutes = show::minutes(pool, id).await?;
    let zone = series_by_code(pool, &minutes.series).await?.zone()?;
    let mut tx = pool.begin().await?;
    let done: Option<(Option<String>, Option<DateTime<Utc>>)> = sqlx::query_as(
        "UPDATE public.meetings SET state = 'published' WHERE id = $1 AND version = $2
         RETURNING published_by, published_at",
    )
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| refused(DbError::from(e)))?;
    let Some((published_by, published_at)) = done else {
        return Err(DbError::Conflict(format!("meeting {id} changed while publishing; look again and retry")));
    };
    minutes.state = "published".into();
    minutes.published_by = published_by;
    minutes.published_at = published_at;
    let queued = sending::send_minutes(&mut tx, &minutes, zone).await.map_err(refused)?;
    tx.commit().await?;
    Ok(queued)
}

/// A correction recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Corrected {
    pub id: i64,
    /// After the next meeting of the series started.
    pub late: bool,
    /// Correction notices queued to those who received the minutes; `None` when the caller is no chair (they may
    /// not write the outbox), and `vakt serve` queues them instead.
    pub notices: Option<usize>,
}

/// Records a correction to published minutes; returns whether it came late (after the next meeting started).
pub async fn correct(pool: &PgPool, id: i64, text: &str) -> Result<bool, DbError> {
    Ok(correct_and_notify(pool, id, text).await?.late)
}

/// As [`correct`], and queues the correction notice with the difference in the same transaction when the caller
/// is a chair or an admin.
pub async fn correct_and_notify(pool: &PgPool, id: i64, text: &str) -> Result<Corrected, DbError> {
    if text.trim().is_empty() {
        return Err(DbError::BadInput("a correction needs a text (--text)".into()));
    }
    let (state, ..) = state_of(pool, id).await?;
    if state != "published" {
        return Err(DbError::BadInput(format!(
            "meeting {id} is a draft: corrections are made to published minutes (edit the draft instead)"
        )));
    }
    let minutes = show::minutes(pool, id).await?;
    let zone = series_by_code(pool, &minutes.series).await?.zone()?;
    let mut tx = pool.begin().await?;
    let (cid, by, at, late): (i64, String, DateTime<Utc>, bool) = sqlx::query_as(
        "INSERT INTO public.minutes_corrections (meeting_id, text) VALUES ($1, $2)
         RETURNING id, corrected_by, corrected_at, late",
    )
    .bind(id)
    .bind(text.trim())
    .fetch_one(&mut *tx)
    .await?;
    let chair: bool = sqlx::query_scalar("SELECT pg_catalog.pg_has_role(public.vakt_actor(), 'vakt_chair', 'MEMBER')")
        .fetch_one(&mut *tx)
        .await?;
    let notices = if chair {
        let row = CorrectionRow { id: cid, text: text.trim().to_string(), by, at, late };
        Some(sending::send_notice(&mut tx, &minutes, &row, zone).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok(Corrected { id: cid, late, notices })
}

/// A meeting's frozen agenda.
pub async fn frozen_agenda(pool: &PgPool, id: i64) -> Result<Agenda, DbError> {
    let text: Option<String> = sqlx::query_scalar("SELECT agenda::text FROM public.meetings WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    let text = text
        .ok_or_else(|| DbError::BadInput(format!("no meeting {id} (or its minutes are a draft you may not read)")))?;
    stored_agenda::parse(&text).map_err(|e| DbError::Schema(format!("the agenda of meeting {id}: {e}")))
}
