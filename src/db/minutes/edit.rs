//! Writes a chair makes while the meeting runs (the console's minutes screen): attendance. The database holds the
//! rules (migration 24): only chairs and admins write, and only drafts; a refusal comes back in its words.

use sqlx::PgPool;

use crate::db::DbError;

/// Marks `participant` present or absent at meeting `id`.
pub async fn set_present(pool: &PgPool, id: i64, participant: &str, present: bool) -> Result<(), DbError> {
    let done =
        sqlx::query("UPDATE public.meeting_attendance SET present = $3 WHERE meeting_id = $1 AND participant = $2")
            .bind(id)
            .bind(participant)
            .bind(present)
            .execute(pool)
            .await
            .map_err(|e| match DbError::from(e) {
                DbError::Refused(_) => DbError::Refused(
                    "permission denied: only chairs (vakt_chair) and admins take the attendance".into(),
                ),
                other => other,
            })?;
    if done.rows_affected() == 0 {
        // Row-level security hides a draft from readers: for them the row is simply not there.
        return Err(DbError::BadInput(format!(
            "{participant} is not on the attendance list of meeting {id} (or its minutes are a draft you may not edit)"
        )));
    }
    Ok(())
}

/// Records a decision in meeting `id`, on agenda item `item` or on the meeting as a whole; who decided is the
/// database's `current_user`.
pub async fn add_decision(pool: &PgPool, id: i64, item: Option<i64>, text: &str) -> Result<(), DbError> {
    if text.trim().is_empty() {
        return Err(DbError::BadInput("a decision needs a text".into()));
    }
    // The item must be one of this meeting's: a decision never lands in other minutes.
    let done = sqlx::query(
        "INSERT INTO public.meeting_decisions (meeting_id, item_id, text)
         SELECT $1, $2, $3
         WHERE $2::bigint IS NULL
            OR EXISTS (SELECT 1 FROM public.meeting_items i WHERE i.id = $2 AND i.meeting_id = $1)",
    )
    .bind(id)
    .bind(item)
    .bind(text.trim())
    .execute(pool)
    .await
    .map_err(refused("record decisions"))?;
    if done.rows_affected() == 0 {
        return Err(DbError::BadInput(format!(
            "meeting {id} has no agenda item {} (`vakt minutes show {id}` lists them)",
            item.unwrap_or_default()
        )));
    }
    Ok(())
}

/// How a notes save ended: written, or someone else saved the item's notes since `base_version` was read (their
/// text and version come back so the editor can show both; nothing was overwritten).
#[derive(Debug, Clone, PartialEq)]
pub enum NotesSaved {
    Written { version: i32 },
    Moved { version: i32, notes: String },
}

fn refused(what: &str) -> impl Fn(sqlx::Error) -> DbError + '_ {
    move |e| match DbError::from(e) {
        DbError::Refused(_) => {
            DbError::Refused(format!("permission denied: only chairs (vakt_chair) and admins {what}"))
        }
        other => other,
    }
}

fn no_item(item: i64) -> DbError {
    DbError::BadInput(format!("no agenda item {item} (or its minutes are a draft you may not edit)"))
}

/// Writes an item's notes if they are still at `base_version`; otherwise returns what is there now.
pub async fn save_notes(pool: &PgPool, item: i64, base_version: i32, notes: &str) -> Result<NotesSaved, DbError> {
    let written: Option<i32> = sqlx::query_scalar(
        "UPDATE public.meeting_items SET notes = $3 WHERE id = $1 AND version = $2 RETURNING version",
    )
    .bind(item)
    .bind(base_version)
    .bind(notes)
    .fetch_optional(pool)
    .await
    .map_err(refused("take notes"))?;
    if let Some(version) = written {
        return Ok(NotesSaved::Written { version });
    }
    let now: Option<(i32, String)> = sqlx::query_as("SELECT version, notes FROM public.meeting_items WHERE id = $1")
        .bind(item)
        .fetch_optional(pool)
        .await?;
    match now {
        Some((version, notes)) => Ok(NotesSaved::Moved { version, notes }),
        None => Err(no_item(item)),
    }
}

/// Marks an item discussed or not (an item not discussed is carried to the next meeting of the series).
pub async fn set_discussed(pool: &PgPool, item: i64, discussed: bool) -> Result<(), DbError> {
    let done = sqlx::query("UPDATE public.meeting_items SET discussed = $2 WHERE id = $1")
        .bind(item)
        .bind(discussed)
        .execute(pool)
        .await
        .map_err(refused("take the minutes"))?;
    if done.rows_affected() == 0 {
        return Err(no_item(item));
    }
    Ok(())
}

/// Adds an item titled `title` to meeting `meeting` after position `after` (0: first); the items below move down.
/// Returns the new item's id.
pub async fn add_item(pool: &PgPool, meeting: i64, after: i32, title: &str) -> Result<i64, DbError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(DbError::BadInput("an agenda item needs a title".into()));
    }
    let mut tx = pool.begin().await?;
    // Positions are unique per meeting, checked at commit, so the items below can move first.
    sqlx::query("UPDATE public.meeting_items SET position = position + 1 WHERE meeting_id = $1 AND position > $2")
        .bind(meeting)
        .bind(after)
        .execute(&mut *tx)
        .await
        .map_err(refused("change the agenda"))?;
    let id = sqlx::query_scalar(
        "INSERT INTO public.meeting_items (meeting_id, position, section, title) VALUES ($1, $2, 'other', $3)
         RETURNING id",
    )
    .bind(meeting)
    .bind(after.saturating_add(1).max(1))
    .bind(title)
    .fetch_one(&mut *tx)
    .await
    .map_err(refused("change the agenda"))?;
    tx.commit().await?;
    Ok(id)
}

/// Drops an item from a draft's agenda; one that holds decisions or follow-up points stays (they would lose where
/// they were made), and the items below move up.
pub async fn drop_item(pool: &PgPool, item: i64) -> Result<(), DbError> {
    let mut tx = pool.begin().await?;
    let found: Option<(i64, i32, bool)> = sqlx::query_as(
        "SELECT i.meeting_id, i.position,
                EXISTS (SELECT 1 FROM public.meeting_decisions d WHERE d.item_id = i.id)
                OR EXISTS (SELECT 1 FROM public.follow_ups f WHERE f.item_id = i.id)
         FROM public.meeting_items i WHERE i.id = $1",
    )
    .bind(item)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((meeting, position, holds_rows)) = found else { return Err(no_item(item)) };
    if holds_rows {
        return Err(DbError::BadInput(format!(
            "agenda item {item} holds decisions or follow-up points made on it, so it stays; mark it discussed instead"
        )));
    }
    let done = sqlx::query("DELETE FROM public.meeting_items WHERE id = $1")
        .bind(item)
        .execute(&mut *tx)
        .await
        .map_err(refused("change the agenda"))?;
    if done.rows_affected() == 0 {
        return Err(no_item(item));
    }
    sqlx::query("UPDATE public.meeting_items SET position = position - 1 WHERE meeting_id = $1 AND position > $2")
        .bind(meeting)
        .bind(position)
        .execute(&mut *tx)
        .await
        .map_err(refused("change the agenda"))?;
    tx.commit().await?;
    Ok(())
}

/// Moves an item one place up (`up`) or down the agenda, trading places with its neighbour; at the end it stays.
pub async fn move_item(pool: &PgPool, item: i64, up: bool) -> Result<(), DbError> {
    let mut tx = pool.begin().await?;
    let found: Option<(i64, i32)> =
        sqlx::query_as("SELECT meeting_id, position FROM public.meeting_items WHERE id = $1")
            .bind(item)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((meeting, position)) = found else { return Err(no_item(item)) };
    let neighbour: Option<(i64, i32)> = sqlx::query_as(
        "SELECT id, position FROM public.meeting_items WHERE meeting_id = $1
           AND CASE WHEN $3 THEN position < $2 ELSE position > $2 END
         ORDER BY CASE WHEN $3 THEN -position ELSE position END LIMIT 1",
    )
    .bind(meeting)
    .bind(position)
    .bind(up)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((other, other_position)) = neighbour else { return Ok(()) };
    for (id, to) in [(item, other_position), (other, position)] {
        sqlx::query("UPDATE public.meeting_items SET position = $2 WHERE id = $1")
            .bind(id)
            .bind(to)
            .execute(&mut *tx)
            .await
            .map_err(refused("change the agenda"))?;
    }
    tx.commit().await?;
    Ok(())
}

/// Carries out a chair's change from the console and says what it did.
pub async fn apply(
    pool: &PgPool,
    meeting: i64,
    edit: crate::app::screens::minutes::data::MinutesEdit,
) -> Result<crate::app::screens::minutes::data::MinutesWrite, DbError> {
    use crate::app::screens::minutes::data::{MinutesEdit, MinutesWrite};
    let agenda = |what: String| MinutesWrite::Agenda { id: meeting, what };
    Ok(match edit {
        MinutesEdit::Notes { item, version, text } => match save_notes(pool, item, version, &text).await? {
            NotesSaved::Written { .. } => MinutesWrite::Notes { id: meeting, item },
            NotesSaved::Moved { version, notes } => MinutesWrite::NotesMoved { id: meeting, item, version, notes },
        },
        MinutesEdit::Discussed { item, discussed } => {
            set_discussed(pool, item, discussed).await?;
            agenda(if discussed { "item marked discussed".into() } else { "item marked not discussed".into() })
        }
        MinutesEdit::AddItem { after, title } => {
            add_item(pool, meeting, after, &title).await?;
            agenda(format!("item added at place {}", after.saturating_add(1)))
        }
        MinutesEdit::DropItem { item } => {
            drop_item(pool, item).await?;
            agenda("item dropped from the agenda".into())
        }
        MinutesEdit::MoveItem { item, up } => {
            move_item(pool, item, up).await?;
            agenda(if up { "item moved up".into() } else { "item moved down".into() })
        }
    })
}
