//! Is this database vakt's, and is its schema the one this build expects? A shared database is never migrated
//! by a console: the console refuses and names the command to run.

use std::collections::BTreeSet;

use sqlx::PgPool;

use super::{DbError, MIGRATOR};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaState {
    /// Every migration this build knows is applied.
    Current,
    /// No tables at all: a new database, ready for `vakt migrate`.
    Empty,
    /// vakt's, but some migrations are missing.
    Behind { missing: usize },
    /// vakt's, with migrations this build does not know: the database was migrated by a newer vakt.
    Ahead,
    /// Tables of something else, and no vakt marker.
    Foreign { tables: Vec<String> },
}

pub async fn schema_state(pool: &PgPool) -> Result<SchemaState, DbError> {
    schema_state_on(&mut *pool.acquire().await?).await
}

/// As [`schema_state`], on a connection already held.
pub async fn schema_state_on(conn: &mut sqlx::PgConnection) -> Result<SchemaState, DbError> {
    let (has_meta, has_migrations): (bool, bool) = sqlx::query_as(
        "SELECT to_regclass('public.vakt_meta') IS NOT NULL, to_regclass('public._sqlx_migrations') IS NOT NULL",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !has_meta {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY 1 LIMIT 6",
        )
        .fetch_all(&mut *conn)
        .await?;
        return Ok(if tables.is_empty() { SchemaState::Empty } else { SchemaState::Foreign { tables } });
    }
    if !has_migrations {
        return Ok(SchemaState::Behind { missing: MIGRATOR.iter().count() });
    }
    let applied: BTreeSet<i64> = sqlx::query_scalar::<_, i64>("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let known: BTreeSet<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    if applied.difference(&known).next().is_some() {
        return Ok(SchemaState::Ahead);
    }
    let missing = known.difference(&applied).count();
    Ok(if missing == 0 { SchemaState::Current } else { SchemaState::Behind { missing } })
}

/// Refuses anything but a current vakt schema, with a message that says what to do.
pub async fn require_current(pool: &PgPool) -> Result<(), DbError> {
    require_current_on(&mut *pool.acquire().await?).await
}

/// As [`require_current`], on a connection already held.
pub async fn require_current_on(conn: &mut sqlx::PgConnection) -> Result<(), DbError> {
    match schema_state_on(conn).await? {
        SchemaState::Current => Ok(()),
        SchemaState::Empty => Err(DbError::Schema(
            "this database is empty.\nhint: run `vakt migrate` (as the database owner) to create vakt's schema".into(),
        )),
        SchemaState::Behind { missing } => Err(DbError::Schema(format!(
            "this database's schema is behind this vakt ({missing} migration(s) missing).\n\
             hint: run `vakt migrate` as the database owner, then start the console again"
        ))),
        SchemaState::Ahead => Err(DbError::Schema(
            "this database was migrated by a newer vakt than this one.\nhint: upgrade vakt on this machine".into(),
        )),
        SchemaState::Foreign { tables } => Err(DbError::Schema(format!(
            "this database belongs to another application (it has tables such as {}).\n\
             hint: point vakt at its own database, or leave DATABASE_URL unset to use the embedded one",
            tables.join(", ")
        ))),
    }
}

/// Refuses to migrate a database that belongs to another application.
pub async fn migrate_checked(pool: &PgPool) -> Result<usize, DbError> {
    let missing = match schema_state(pool).await? {
        SchemaState::Current => 0,
        SchemaState::Empty => MIGRATOR.iter().count(),
        SchemaState::Behind { missing } => missing,
        SchemaState::Ahead => {
            return Err(DbError::Schema("this database was migrated by a newer vakt; refusing to touch it".into()));
        }
        SchemaState::Foreign { tables } => {
            return Err(DbError::Schema(format!(
                "refusing to migrate: this database belongs to another application (tables: {})",
                tables.join(", ")
            )));
        }
    };
    super::migrate(pool).await?;
    Ok(missing)
}
