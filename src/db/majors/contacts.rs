//! The contacts of the organisations a major incident affects: whom stakeholder updates reach and whom phone
//! duty calls.

use sqlx::{Postgres, Transaction};

use crate::db::DbError;
use crate::domain::major::Contact;

/// A contact as stored, with its channels.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactRow {
    pub id: i64,
    pub organisation: String,
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_preset: Option<String>,
}

impl From<&ContactRow> for Contact {
    fn from(row: &ContactRow) -> Self {
        Contact {
            organisation: row.organisation.clone(),
            name: row.name.clone(),
            role: row.role.clone(),
            email: row.email.clone(),
            phone: row.phone.clone(),
            mobile: row.mobile.clone(),
        }
    }
}

/// The contacts of these organisations (by code), with their channels, in a stable order.
pub(crate) async fn contacts_of(
    tx: &mut Transaction<'_, Postgres>,
    organisations: &[String],
) -> Result<Vec<ContactRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT c.id, o.code AS organisation, c.name, c.role, c.email, c.phone, c.mobile, c.webhook_url, c.webhook_preset
         FROM contacts c JOIN organisations o ON o.id = c.organisation_id
         WHERE o.code = ANY($1) ORDER BY o.code, c.id",
    )
    .bind(organisations)
    .fetch_all(&mut **tx)
    .await?)
}
