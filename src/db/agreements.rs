//! Agreements in the database: imported from TOML (kept verbatim, comments included, for export), with their
//! priority schemes, organisations and services. Versions are immutable once an incident is measured against
//! them; a change is a new version with a later `valid_from`.

use std::sync::Arc;

use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use super::DbError;
use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::{AgreementSpec, OrganisationKind};

/// An agreement version as stored, ready for the clocks.
#[derive(Debug, Clone)]
pub struct StoredAgreement {
    pub version_id: i64,
    pub agreement: Arc<Agreement>,
}

pub use crate::app::model::AgreementSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub code: String,
    pub version: String,
    pub version_id: i64,
    /// `created`, `replaced` (no incident used it yet) or `unchanged`.
    pub result: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AgreementListing {
    pub code: String,
    pub name: String,
    pub version: String,
    pub valid_from: chrono::NaiveDate,
    pub services: i64,
    pub open_incidents: i64,
}

/// Parses, validates and stores one agreement version with its organisations, services and priorities.
pub async fn import(pool: &PgPool, toml_text: &str) -> Result<ImportOutcome, DbError> {
    let agreement = Agreement::from_toml(toml_text).map_err(|e| DbError::BadInput(e.to_string()))?;
    let mut tx = pool.begin().await?;
    let outcome = store(&mut tx, &agreement, toml_text).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Stores an already validated agreement inside a transaction (used by `import` and the demo loader).
pub async fn store(
    tx: &mut Transaction<'_, Postgres>,
    agreement: &Agreement,
    toml_text: &str,
) -> Result<ImportOutcome, DbError> {
    let spec = agreement.spec();
    let document = serde_json::to_value(spec).map_err(|e| DbError::Other(e.to_string()))?;
    let agreement_id: i64 = sqlx::query_scalar(
        "INSERT INTO agreements (code, name) VALUES ($1, $2)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id",
    )
    .bind(&spec.code)
    .bind(&spec.name)
    .fetch_one(&mut **tx)
    .await?;

    let existing: Option<(i64, serde_json::Value, bool)> = sqlx::query_as(
        "SELECT v.id, v.document, EXISTS (SELECT 1 FROM incidents i WHERE i.agreement_version_id = v.id)
         FROM agreement_versions v WHERE v.agreement_id = $1 AND v.valid_from = $2",
    )
    .bind(agreement_id)
    .bind(spec.valid_from)
    .fetch_optional(&mut **tx)
    .await?;
    let (version_id, result) = match existing {
        Some((id, stored, _)) if stored == document => (id, "unchanged"),
        Some((_, _, true)) => {
            return Err(DbError::BadInput(format!(
                "{} version {} (valid from {}) is already used by incidents and cannot change; \
                 import the change as a new version with a later valid_from",
                spec.code, spec.version, spec.valid_from
            )));
        }
        Some((id, _, false)) => {
            sqlx::query(
                "UPDATE agreement_versions SET document = $2, source_toml = $3, label = $4,
                        imported_at = now(), imported_by = current_user
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&document)
            .bind(toml_text)
            .bind(&spec.version)
            .execute(&mut **tx)
            .await?;
            sqlx::query("DELETE FROM priorities WHERE agreement_version_id = $1").bind(id).execute(&mut **tx).await?;
            (id, "replaced")
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO agreement_versions (agreement_id, number, valid_from, document, source_toml, label)
                 VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM agreement_versions WHERE agreement_id = $1),
                         $2, $3, $4, $5)
                 RETURNING id",
            )
            .bind(agreement_id)
            .bind(spec.valid_from)
            .bind(&document)
            .bind(toml_text)
            .bind(&spec.version)
            .fetch_one(&mut **tx)
            .await?;
            (id, "created")
        }
    };
    if result != "unchanged" {
        store_reference_data(tx, spec, agreement_id, version_id).await?;
    }
    Ok(ImportOutcome { code: spec.code.clone(), version: spec.version.clone(), version_id, result })
}

async fn store_reference_data(
    tx: &mut Transaction<'_, Postgres>,
    spec: &AgreementSpec,
    agreement_id: i64,
    version_id: i64,
) -> Result<(), DbError> {
    for (rank, priority) in spec.priorities.iter().enumerate() {
        sqlx::query("INSERT INTO priorities (agreement_version_id, label, rank, criteria) VALUES ($1, $2, $3, $4)")
            .bind(version_id)
            .bind(&priority.label)
            .bind(rank as i32 + 1)
            .bind(&priority.criteria)
            .execute(&mut **tx)
            .await?;
    }
    for organisation in &spec.organisations {
        let kind = match organisation.kind {
            OrganisationKind::ServiceOwner => "service_owner",
            OrganisationKind::Municipality => "municipality",
            OrganisationKind::Supplier => "supplier",
        };
        sqlx::query(
            "INSERT INTO organisations (code, name, kind) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind
             WHERE (organisations.name, organisations.kind) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind)",
        )
        .bind(&organisation.code)
        .bind(&organisation.name)
        .bind(kind)
        .execute(&mut **tx)
        .await?;
    }
    for service in &spec.services {
        sqlx::query(
            "INSERT INTO services (code, name, owner_id, agreement_id)
             VALUES ($1, $2, (SELECT id FROM organisations WHERE code = $3), $4)
             ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, owner_id = EXCLUDED.owner_id,
                                              agreement_id = EXCLUDED.agreement_id
             WHERE (services.name, services.owner_id, services.agreement_id)
                   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.owner_id, EXCLUDED.agreement_id)",
        )
        .bind(&service.code)
        .bind(&service.name)
        .bind(&service.owner)
        .bind(agreement_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The TOML of an agreement's newest version (or the one valid from `valid_from`), as imported.
/// The newest version of an agreement, or with `on` the one in force on that day, as imported.
pub async fn export(pool: &PgPool, code: &str, on: Option<chrono::NaiveDate>) -> Result<String, DbError> {
    let row: Option<(String, serde_json::Value)> = sqlx::query_as(
        "SELECT v.source_toml, v.document FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id
         WHERE upper(a.code) = upper($1) AND ($2::date IS NULL OR v.valid_from <= $2)
         ORDER BY v.valid_from DESC LIMIT 1",
    )
    .bind(code.trim())
    .bind(on)
    .fetch_optional(pool)
    .await?;
    let Some((source, document)) = row else {
        if let Some(day) = on {
            let known: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM agreements WHERE upper(code) = upper($1))")
                    .bind(code.trim())
                    .fetch_one(pool)
                    .await?;
            if known {
                return Err(DbError::NotFound(format!("{code} has no version in force on {day}")));
            }
        }
        return Err(unknown_agreement(pool, code).await);
    };
    if !source.trim().is_empty() {
        return Ok(source);
    }
    decode(&document)?.to_toml().map_err(|e| DbError::Other(e.to_string()))
}

/// Every agreement version, decoded, for the clocks.
/// A version this build cannot read is left out (and logged), so one bad row cannot keep the console from
/// starting; its incidents then count down in wall-clock time.
pub async fn load_all(db: impl sqlx::PgExecutor<'_>) -> Result<AgreementSet, DbError> {
    let rows: Vec<(i64, serde_json::Value)> =
        sqlx::query_as("SELECT id, document FROM agreement_versions").fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, document)| match decode(&document) {
            Ok(agreement) => Some((id, Arc::new(agreement))),
            Err(e) => {
                tracing::warn!(version_id = id, error = %e, "skipping an agreement version");
                None
            }
        })
        .collect())
}

/// The version of `code` in force at `date` (the newest whose valid_from is not after it).
pub async fn version_in_force(pool: &PgPool, code: &str, date: chrono::NaiveDate) -> Result<StoredAgreement, DbError> {
    let row: Option<(i64, serde_json::Value)> = sqlx::query_as(
        "SELECT v.id, v.document FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id
         WHERE a.code = $1 AND v.valid_from <= $2 ORDER BY v.valid_from DESC LIMIT 1",
    )
    .bind(code)
    .bind(date)
    .fetch_optional(pool)
    .await?;
    match row {
        Some((version_id, document)) => Ok(StoredAgreement { version_id, agreement: Arc::new(decode(&document)?) }),
        None => Err(unknown_agreement(pool, code).await),
    }
}

pub async fn list(pool: &PgPool) -> Result<Vec<AgreementListing>, DbError> {
    Ok(sqlx::query_as(
        "SELECT a.code, a.name, v.label AS version, v.valid_from,
                (SELECT count(*) FROM services s WHERE s.agreement_id = a.id) AS services,
                (SELECT count(*) FROM incidents i JOIN agreement_versions iv ON iv.id = i.agreement_version_id
                  WHERE iv.agreement_id = a.id AND i.status NOT IN ('resolved', 'closed')) AS open_incidents
         FROM agreements a
         JOIN LATERAL (SELECT label, valid_from FROM agreement_versions
                       WHERE agreement_id = a.id ORDER BY valid_from DESC LIMIT 1) v ON true
         ORDER BY a.code",
    )
    .fetch_all(pool)
    .await?)
}

/// An agreement version's stored document, as the domain's agreement: the one place it is read back.
pub(crate) fn decode(document: &serde_json::Value) -> Result<Agreement, DbError> {
    let spec: AgreementSpec = serde_json::from_value(document.clone())
        .map_err(|e| DbError::Schema(format!("a stored agreement cannot be read by this vakt: {e}")))?;
    Agreement::from_spec(spec).map_err(|e| DbError::Schema(format!("a stored agreement is invalid: {e}")))
}

async fn unknown_agreement(pool: &PgPool, code: &str) -> DbError {
    let known: Vec<String> =
        sqlx::query_scalar("SELECT code FROM agreements ORDER BY code").fetch_all(pool).await.unwrap_or_default();
    let known = if known.is_empty() { "none imported yet".to_string() } else { known.join(", ") };
    DbError::NotFound(format!("unknown agreement '{code}' (known: {known})"))
}
