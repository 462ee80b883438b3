//! The audit log, read-only: every change the database's triggers recorded, with the login that made it. Only
//! vakt_admin may read it (migration 1's grant, kept by migration 31): its rows hold whole records, contact details
//! among them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::DbError;

/// Which entries to read; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    pub table: Option<&'a str>,
    pub login: Option<&'a str>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The login that made the change.
    pub login: String,
    pub table: String,
    pub row_id: Option<i64>,
    /// insert, update or delete.
    pub action: String,
    /// The fields an update changed (the row version aside); every field for an insert or delete.
    #[sqlx(skip)]
    pub changed: Vec<String>,
    pub old_row: Option<serde_json::Value>,
    pub new_row: Option<serde_json::Value>,
}

/// The newest entries first.
pub async fn list(pool: &PgPool, filter: &AuditFilter<'_>) -> Result<Vec<AuditEntry>, DbError> {
    let mut entries: Vec<AuditEntry> = sqlx::query_as(
        "SELECT id, at, actor AS login, table_name AS table, row_id, action, old_row, new_row FROM audit_log
         WHERE ($1::text IS NULL OR table_name = $1) AND ($2::text IS NULL OR actor = $2)
           AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
         ORDER BY at DESC, id DESC LIMIT $5",
    )
    .bind(filter.table)
    .bind(filter.login)
    .bind(filter.from)
    .bind(filter.to)
    .bind(filter.limit)
    .fetch_all(pool)
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::Refused(_) => DbError::Refused(
            "only admins (vakt_admin) read the audit log: its rows hold whole records, contact details among them"
                .into(),
        ),
        other => other,
    })?;
    for entry in &mut entries {
        entry.changed = changed_fields(entry.old_row.as_ref(), entry.new_row.as_ref());
    }
    Ok(entries)
}

/// The keys whose values differ between the two rows, `version` aside (every update bumps it).
fn changed_fields(old: Option<&serde_json::Value>, new: Option<&serde_json::Value>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let old = old.and_then(|v| v.as_object()).unwrap_or(&empty);
    let new = new.and_then(|v| v.as_object()).unwrap_or(&empty);
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).filter(|k| k.as_str() != "version").collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| old.get(*k) != new.get(*k)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_names_only_what_it_changed() {
        let old = serde_json::json!({"role": "operator", "login": "per", "version": 1});
        let new = serde_json::json!({"role": "mim", "login": "per", "version": 2});
        assert_eq!(changed_fields(Some(&old), Some(&new)), ["role"]);
        assert_eq!(changed_fields(None, Some(&new)), ["login", "role"]);
    }
}
