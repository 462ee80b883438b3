//! Presence: who else is looking at or editing an incident. Soft locks: shown to others, never enforced.

use sqlx::PgPool;

use super::DbError;
use crate::app::model::Presence;

/// How long a console's presence counts without a refresh.
pub const FRESH_SECONDS: i64 = 90;

/// Records where this console is (or clears it with `None`).
pub async fn set(pool: &PgPool, console: &str, incident: Option<i64>, editing: bool) -> Result<(), DbError> {
    match incident {
        Some(id) => {
            sqlx::query(
                "INSERT INTO presence (console, incident_id, editing, seen_at) VALUES ($1, $2, $3, now())
                 ON CONFLICT (login, console) DO UPDATE
                 SET incident_id = EXCLUDED.incident_id, editing = EXCLUDED.editing, seen_at = now()",
            )
            .bind(console)
            .bind(id)
            .bind(editing)
            .execute(pool)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM presence WHERE login = current_user AND console = $1")
                .bind(console)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// Everyone present on some incident, except this console.
pub async fn others(pool: &PgPool, console: &str) -> Result<Vec<Presence>, DbError> {
    let rows: Vec<(i64, String, Option<String>, bool)> = sqlx::query_as(
        "SELECT p.incident_id, p.login, s.full_name, p.editing FROM presence p LEFT JOIN staff s ON s.login = p.login
         WHERE p.incident_id IS NOT NULL AND p.seen_at > now() - make_interval(secs => $2)
           AND NOT (p.login = current_user AND p.console = $1)
         ORDER BY p.incident_id, p.login",
    )
    .bind(console)
    .bind(FRESH_SECONDS as f64)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(incident_id, login, name, editing)| Presence {
            incident_id,
            name: name.unwrap_or_else(|| login.clone()),
            login,
            editing,
        })
        .collect())
}
