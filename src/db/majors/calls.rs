//! Phone duty: the call tasks an agreement asks for, the calls logged on them, and the "notify" step they hold
//! open.

use sqlx::{PgPool, Postgres, Transaction};

use super::{MajorView, agreement_of, contacts::contacts_of, history, load, locked};
use crate::db::DbError;
use crate::domain::agreement::Agreement;
use crate::domain::major::{self, CallOutcome, CallTask, Contact, MajorIncident};

/// Phone duty: a call task for every contact in a configured role of each affected organisation, at the
/// incident's current priority. Run on declaring, on every update and before the notify step, so a raised
/// priority or a contact added later gets its call too. Returns how many tasks were added.
pub(super) async fn ensure_call_tasks(
    tx: &mut Transaction<'_, Postgres>,
    major_id: i64,
    major: &MajorIncident,
    agreement: &Agreement,
) -> Result<usize, DbError> {
    let organisations = &major.declaration.organisations;
    let contacts: Vec<Contact> = contacts_of(tx, organisations).await?.iter().map(Contact::from).collect();
    let plan =
        major::plan_calls(&agreement.spec().major.phone_duty, &major.declaration.priority, organisations, &contacts);
    let mut added = 0;
    for task in &plan.tasks {
        added += sqlx::query(
            "INSERT INTO call_tasks (major_id, organisation, name, role, number)
             SELECT $1, $2, $3, $4, $5
             WHERE NOT EXISTS (SELECT 1 FROM call_tasks WHERE major_id = $1 AND organisation = $2 AND name = $3
                               AND role = $4 AND number = $5)",
        )
        .bind(major_id)
        .bind(&task.organisation)
        .bind(&task.name)
        .bind(&task.role)
        .bind(&task.number)
        .execute(&mut **tx)
        .await?
        .rows_affected() as usize;
    }
    Ok(added)
}

/// Logs a call on a phone-duty task.
pub async fn log_call(pool: &PgPool, task_id: i64, outcome: CallOutcome, note: &str) -> Result<MajorView, DbError> {
    let mut tx = pool.begin().await?;
    let (major_id, name): (i64, String) = sqlx::query_as("SELECT major_id, name FROM call_tasks WHERE id = $1")
        .bind(task_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("no call task {task_id}")))?;
    let (row, _, _) = locked(&mut tx, major_id).await?;
    if note.trim().is_empty() {
        return Err(DbError::BadInput("a call log needs a note (what was said, or why nobody answered)".into()));
    }
    sqlx::query("INSERT INTO call_logs (task_id, outcome, note) VALUES ($1, $2, $3)")
        .bind(task_id)
        .bind(outcome.as_str())
        .bind(note)
        .execute(&mut *tx)
        .await?;
    // Touch the major so every console's cockpit refreshes.
    sqlx::query("UPDATE majors SET last_update_at = last_update_at WHERE id = $1")
        .bind(major_id)
        .execute(&mut *tx)
        .await?;
    history(&mut tx, row.incident_id, "major_call", &format!("call to {name}: {} — {note}", outcome.as_str())).await?;
    tx.commit().await?;
    load(pool, major_id).await
}

/// Closes the "notify" step: refused while an affected organisation has no e-mail that was not dead-lettered,
/// or, where the agreement requires phone duty (Altinn A/B), while a call task has no logged call.
pub async fn complete_notify(pool: &PgPool, major_id: i64) -> Result<(), DbError> {
    let mut tx = pool.begin().await?;
    let (_, major, agreement) = locked(&mut tx, major_id).await?;
    let added = ensure_call_tasks(&mut tx, major_id, &major, &agreement).await?;
    tx.commit().await?;
    if added > 0 {
        return Err(DbError::BadInput(format!(
            "{added} call(s) to make first: the priority or the contacts changed since the major incident was declared"
        )));
    }
    let view = load(pool, major_id).await?;
    let agreement = agreement_of(pool, view.agreement_version_id).await?;
    let tasks: Vec<CallTask> = view.calls.iter().map(|c| c.task.clone()).collect();
    major::complete_notify_step(
        &agreement.spec().major.phone_duty,
        &view.major.declaration.priority,
        &view.major.declaration.organisations,
        &view.ledger,
        &tasks,
    )
    .map_err(|e| DbError::BadInput(e.to_string()))?;
    let mut tx = pool.begin().await?;
    history(&mut tx, view.incident_id, "major_notified", "every affected organisation informed").await?;
    tx.commit().await?;
    Ok(())
}
