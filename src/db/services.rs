//! Services as the admin keeps them: code, name, owner organisation, agreement, the support lines that handle
//! them and their supplier (migration 31). The operating-hours calendar is read from the agreement in force: it is
//! the calendar of the service's availability target, the one its availability is measured in.

use serde::Serialize;
use sqlx::PgPool;

use super::{DbError, agreements};

/// The support lines a service may name, as incidents do.
pub const SUPPORT_LINES: &[&str] = &["1st", "2nd", "3rd", "supplier"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceListing {
    pub code: String,
    pub name: String,
    pub owner: String,
    pub agreement: String,
    /// The operating-hours calendar (`24x7` or a calendar code); `None` without an availability target.
    pub calendar: Option<String>,
    pub support_lines: Vec<String>,
    pub supplier: Option<String>,
}

/// A new service, or the fields of one to change (`None`: unchanged; `supplier: Some(None)` removes it).
#[derive(Debug, Clone, Default)]
pub struct ServiceFields<'a> {
    pub name: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub agreement: Option<&'a str>,
    pub support_lines: Option<Vec<String>>,
    pub supplier: Option<Option<&'a str>>,
}

type Row = (String, String, String, String, Vec<String>, Option<String>);

pub async fn list(pool: &PgPool) -> Result<Vec<ServiceListing>, DbError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.code, s.name, o.code, a.code, s.support_lines, sup.code
         FROM services s JOIN organisations o ON o.id = s.owner_id JOIN agreements a ON a.id = s.agreement_id
         LEFT JOIN organisations sup ON sup.id = s.supplier_id
         ORDER BY s.code",
    )
    .fetch_all(pool)
    .await?;
    let set = agreements::load_all(pool).await?;
    let today = chrono::Utc::now().date_naive();
    Ok(rows
        .into_iter()
        .map(|(code, name, owner, agreement, support_lines, supplier)| {
            let in_force = set
                .values()
                .filter(|a| a.code() == agreement && a.spec().valid_from <= today)
                .max_by_key(|a| a.spec().valid_from);
            let calendar = in_force.and_then(|a| {
                a.spec().availability.iter().find(|t| t.services.contains(&code)).map(|t| t.calendar.to_string())
            });
            ServiceListing { code, name, owner, agreement, calendar, support_lines, supplier }
        })
        .collect())
}

/// Adds a service (admins only). Name, owner and agreement are required.
pub async fn add(pool: &PgPool, code: &str, fields: &ServiceFields<'_>) -> Result<(), DbError> {
    let (Some(name), Some(owner), Some(agreement)) = (fields.name, fields.owner, fields.agreement) else {
        return Err(DbError::BadInput("a new service needs --name, --owner and --agreement".into()));
    };
    if code.trim().is_empty() || name.trim().is_empty() {
        return Err(DbError::BadInput("a service needs a code and a name".into()));
    }
    if list(pool).await?.iter().any(|s| s.code.eq_ignore_ascii_case(code.trim())) {
        return Err(DbError::Conflict(format!(
            "service {code} exists already (`vakt service edit {code}` changes it)"
        )));
    }
    let owner_id = organisation(pool, owner, None).await?;
    let agreement_id = agreement_id(pool, agreement).await?;
    let supplier_id = match fields.supplier.flatten() {
        Some(supplier) => Some(organisation(pool, supplier, Some("supplier")).await?),
        None => None,
    };
    sqlx::query(
        "INSERT INTO services (code, name, owner_id, agreement_id, support_lines, supplier_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(code.trim())
    .bind(name.trim())
    .bind(owner_id)
    .bind(agreement_id)
    .bind(lines(fields.support_lines.as_deref().unwrap_or_default())?)
    .bind(supplier_id)
    .execute(pool)
    .await
    .map_err(refused)?;
    Ok(())
}

/// Changes the given fields of a service (admins only).
pub async fn edit(pool: &PgPool, code: &str, fields: &ServiceFields<'_>) -> Result<(), DbError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM services WHERE upper(code) = upper(btrim($1))")
        .bind(code)
        .fetch_optional(pool)
        .await?;
    let Some(id) = id else {
        return Err(DbError::NotFound(format!("no service {code} (`vakt service list` shows them)")));
    };
    if fields.name.is_some_and(|n| n.trim().is_empty()) {
        return Err(DbError::BadInput("a service needs a name".into()));
    }
    let owner_id = match fields.owner {
        Some(owner) => Some(organisation(pool, owner, None).await?),
        None => None,
    };
    let agreement_id = match fields.agreement {
        Some(agreement) => Some(agreement_id(pool, agreement).await?),
        None => None,
    };
    let supplier_id = match fields.supplier.flatten() {
        Some(supplier) => Some(organisation(pool, supplier, Some("supplier")).await?),
        None => None,
    };
    let support_lines = fields.support_lines.as_deref().map(lines).transpose()?;
    sqlx::query(
        "UPDATE services SET name = coalesce($2, name), owner_id = coalesce($3, owner_id),
                agreement_id = coalesce($4, agreement_id), support_lines = coalesce($5, support_lines),
                supplier_id = CASE WHEN $6 THEN $7 ELSE supplier_id END
         WHERE id = $1",
    )
    .bind(id)
    .bind(fields.name.map(str::trim))
    .bind(owner_id)
    .bind(agreement_id)
    .bind(support_lines)
    .bind(fields.supplier.is_some())
    .bind(supplier_id)
    .execute(pool)
    .await
    .map_err(refused)?;
    Ok(())
}

fn refused(e: sqlx::Error) -> DbError {
    match DbError::from(e) {
        DbError::Refused(_) => DbError::Refused("only an admin (vakt_admin) may add or change services".into()),
        other => other,
    }
}

/// Support lines checked against the known ones, in their order, each once.
fn lines(given: &[String]) -> Result<Vec<String>, DbError> {
    if let Some(unknown) = given.iter().find(|l| !SUPPORT_LINES.contains(&l.trim())) {
        return Err(DbError::BadInput(format!("unknown support line '{unknown}' (use: {})", SUPPORT_LINES.join(", "))));
    }
    Ok(SUPPORT_LINES.iter().filter(|l| given.iter().any(|g| g.trim() == **l)).map(|l| l.to_string()).collect())
}

/// An organisation's id by code, of a kind when one is asked for.
async fn organisation(pool: &PgPool, code: &str, kind: Option<&str>) -> Result<i64, DbError> {
    let found: Option<(i64, String)> =
        sqlx::query_as("SELECT id, kind FROM organisations WHERE upper(code) = upper(btrim($1))")
            .bind(code)
            .fetch_optional(pool)
            .await?;
    match found {
        Some((id, found_kind)) if kind.is_none_or(|k| k == found_kind) => Ok(id),
        Some((_, found_kind)) => Err(DbError::BadInput(format!(
            "organisation {code} is a {} and not a {}",
            found_kind.replace('_', " "),
            kind.unwrap_or_default()
        ))),
        None => {
            let known: Vec<String> =
                sqlx::query_scalar("SELECT code FROM organisations WHERE $1::text IS NULL OR kind = $1 ORDER BY code")
                    .bind(kind)
                    .fetch_all(pool)
                    .await?;
            Err(DbError::BadInput(format!("unknown organisation '{code}' (known: {})", known.join(", "))))
        }
    }
}

async fn agreement_id(pool: &PgPool, code: &str) -> Result<i64, DbError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM agreements WHERE upper(code) = upper(btrim($1))")
        .bind(code)
        .fetch_optional(pool)
        .await?;
    match id {
        Some(id) => Ok(id),
        None => {
            let known: Vec<String> =
                sqlx::query_scalar("SELECT code FROM agreements ORDER BY code").fetch_all(pool).await?;
            Err(DbError::BadInput(format!("unknown agreement '{code}' (known: {})", known.join(", "))))
        }
    }
}
