//! What a process checks or creates before it starts work: the database itself (the embedded cluster's, a
//! benchmark's), whether the OS user's login is already a member of staff, and whether a login may deliver the
//! outbox (`vakt serve`).

use sqlx::PgPool;

use super::DbError;

/// Creates a database if it does not exist, connected to the cluster's maintenance database. The name is checked,
/// then quoted, since CREATE DATABASE takes no parameters.
pub async fn ensure_database(pool: &PgPool, name: &str) -> Result<(), DbError> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(DbError::BadInput(format!("invalid database name '{name}'")));
    }
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(pool)
        .await?;
    if !exists {
        // The name was checked above to hold only [A-Za-z0-9_].
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(pool).await?;
    }
    Ok(())
}

/// Whether a login has a staff row, in any role.
pub async fn is_staff(pool: &PgPool, login: &str) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE login = $1)").bind(login).fetch_one(pool).await?)
}

/// Whether this connection's login may record delivery outcomes in the outbox (the `vakt_worker` role's right).
pub async fn may_deliver_outbox(pool: &PgPool) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar("SELECT pg_has_role(current_user, 'vakt_worker', 'MEMBER') OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)").fetch_one(pool).await?)
}
