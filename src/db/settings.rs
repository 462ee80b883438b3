//! Per-user board settings (filter, view, sort), remembered between starts.

use sqlx::PgPool;

use super::DbError;
use crate::app::BoardSettings;

pub async fn load(db: impl sqlx::PgExecutor<'_>) -> Result<BoardSettings, DbError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT board_filter, board_view, board_sort FROM user_settings WHERE login = current_user")
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(filter, view, sort)| BoardSettings { filter, view, sort }).unwrap_or_default())
}

pub async fn save(pool: &PgPool, settings: &BoardSettings) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO user_settings (login, board_filter, board_view, board_sort) VALUES (current_user, $1, $2, $3)
         ON CONFLICT (login) DO UPDATE
         SET board_filter = EXCLUDED.board_filter, board_view = EXCLUDED.board_view,
             board_sort = EXCLUDED.board_sort, updated_at = now()",
    )
    .bind(&settings.filter)
    .bind(&settings.view)
    .bind(&settings.sort)
    .execute(pool)
    .await?;
    Ok(())
}
