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

/// Records a decision in meeting `id` (not tied to one item); who decided is the database's `current_user`.
pub async fn add_decision(pool: &PgPool, id: i64, text: &str) -> Result<(), DbError> {
    if text.trim().is_empty() {
        return Err(DbError::BadInput("a decision needs a text".into()));
    }
    sqlx::query("INSERT INTO public.meeting_decisions (meeting_id, text) VALUES ($1, $2)")
        .bind(id)
        .bind(text.trim())
        .execute(pool)
        .await
        .map_err(|e| match DbError::from(e) {
            DbError::Refused(_) => {
                DbError::Refused("permission denied: only chairs (vakt_chair) and admins record decisions".into())
            }
            other => other,
        })?;
    Ok(())
}
