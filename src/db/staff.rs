//! Staff are database logins. Adding one creates the login role and grants its vakt role, through a function
//! only `vakt_admin` may execute, so the rule holds for psql as much as for the console.

use sqlx::PgPool;

use super::DbError;
use crate::app::model::{Rights, UserInfo};

/// The vakt roles, as `vakt staff add --role` takes them.
pub const ROLES: &[&str] = &["viewer", "operator", "mim", "chair", "admin", "worker"];

pub use crate::app::model::StaffMember;

type StaffRow = (String, String, String, Option<String>, Option<String>, bool);

fn member((login, full_name, role, email, phone, active): StaffRow) -> StaffMember {
    StaffMember { login, full_name, role, email, phone, active }
}

/// New or changed member of staff.
#[derive(Debug, Clone, Default)]
pub struct NewStaff<'a> {
    pub login: &'a str,
    pub full_name: &'a str,
    pub role: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// Creates the login role (if needed), grants exactly the given vakt role and records the staff row.
pub async fn add(pool: &PgPool, staff: &NewStaff<'_>) -> Result<i64, DbError> {
    let id: i64 = sqlx::query_scalar("SELECT vakt_staff_add($1, $2, $3, $4, $5)")
        .bind(staff.login)
        .bind(staff.full_name)
        .bind(staff.role)
        .bind(staff.email)
        .bind(staff.phone)
        .fetch_one(pool)
        .await
        .map_err(|e| match DbError::from(e) {
            DbError::Refused(_) => DbError::Refused("only an admin (vakt_admin) may add staff".into()),
            other => other,
        })?;
    Ok(id)
}

pub async fn list(pool: &PgPool) -> Result<Vec<StaffMember>, DbError> {
    let rows: Vec<StaffRow> =
        sqlx::query_as("SELECT login, full_name, role, email, phone, active FROM staff ORDER BY login")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(member).collect())
}

/// Who this connection is, and which vakt roles PostgreSQL says it holds.
pub async fn whoami(db: impl sqlx::PgExecutor<'_>) -> Result<UserInfo, DbError> {
    let (login, full_name, viewer, operator, mim, chair, admin, servicedesk, security): (
        String,
        Option<String>,
        bool,
        bool,
        bool,
        bool,
        bool,
        bool,
        bool,
    ) = sqlx::query_as(
        "SELECT current_user::text,
                (SELECT full_name FROM staff WHERE login = current_user),
                pg_has_role(current_user, 'vakt_viewer', 'USAGE'),
                pg_has_role(current_user, 'vakt_operator', 'USAGE'),
                pg_has_role(current_user, 'vakt_mim', 'USAGE'),
                pg_has_role(current_user, 'vakt_chair', 'USAGE'),
                pg_has_role(current_user, 'vakt_admin', 'USAGE'),
                pg_has_role(current_user, 'vakt_servicedesk', 'USAGE'),
                pg_has_role(current_user, 'vakt_security', 'MEMBER')",
    )
    .fetch_one(db)
    .await?;
    Ok(UserInfo { login, full_name, rights: Rights { viewer, operator, mim, chair, admin, servicedesk, security } })
}

/// Active staff, for choosing an assignee.
pub async fn active(pool: &PgPool) -> Result<Vec<StaffMember>, DbError> {
    let rows: Vec<StaffRow> = sqlx::query_as(
        "SELECT login, full_name, role, email, phone, active FROM staff WHERE active ORDER BY full_name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(member).collect())
}

/// Deactivates a member of staff (admins only): no sign-in, no vakt role; the staff row and history stay.
pub async fn deactivate(pool: &PgPool, login: &str) -> Result<(), DbError> {
    sqlx::query("SELECT vakt_staff_deactivate($1)").bind(login).execute(pool).await.map_err(
        |e| match DbError::from(e) {
            DbError::Refused(_) => DbError::Refused("only an admin (vakt_admin) may deactivate staff".into()),
            other => other,
        },
    )?;
    Ok(())
}

/// Clears a member of staff for security incidents, or takes the clearance away (admins only; admins keep it).
pub async fn set_security(pool: &PgPool, login: &str, cleared: bool) -> Result<(), DbError> {
    sqlx::query("SELECT vakt_staff_security($1, $2)").bind(login).bind(cleared).execute(pool).await?;
    Ok(())
}

/// Puts a member of staff in or out of the service desk (admins only).
pub async fn set_servicedesk(pool: &PgPool, login: &str, member: bool) -> Result<(), DbError> {
    sqlx::query("SELECT vakt_staff_servicedesk($1, $2)").bind(login).bind(member).execute(pool).await?;
    Ok(())
}

/// Why the database would refuse giving `login` the role `role` (or, with `active` false, deactivating them), in
/// words; `None` when it would not. The same rules the admin functions enforce, so a screen can explain first.
pub async fn change_refusal(pool: &PgPool, login: &str, role: &str, active: bool) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT vakt_staff_change_refusal($1, $2, $3)")
        .bind(login)
        .bind(role)
        .bind(active)
        .fetch_one(pool)
        .await?)
}

/// Why deactivating `login` would be refused, in words (`None` when it would not, or when they are unknown).
pub async fn deactivation_refusal(pool: &PgPool, login: &str) -> Result<Option<String>, DbError> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM staff WHERE login = $1").bind(login).fetch_optional(pool).await?;
    match role {
        Some(role) => change_refusal(pool, login, &role, false).await,
        None => Ok(Some(format!("no member of staff with login '{login}'"))),
    }
}

/// Gives an active member of staff exactly this vakt role (admins only).
pub async fn set_role(pool: &PgPool, login: &str, role: &str) -> Result<(), DbError> {
    sqlx::query("SELECT vakt_staff_role($1, $2)").bind(login).bind(role).execute(pool).await.map_err(|e| {
        match DbError::from(e) {
            DbError::Refused(_) => DbError::Refused("only an admin (vakt_admin) may change roles".into()),
            other => other,
        }
    })?;
    Ok(())
}

/// Lets a deactivated member of staff sign in again, with the role they had (admins only).
pub async fn reactivate(pool: &PgPool, login: &str) -> Result<(), DbError> {
    sqlx::query("SELECT vakt_staff_reactivate($1)").bind(login).execute(pool).await.map_err(
        |e| match DbError::from(e) {
            DbError::Refused(_) => DbError::Refused("only an admin (vakt_admin) may reactivate staff".into()),
            other => other,
        },
    )?;
    Ok(())
}

/// A member of staff's current or next shift on the rota, as MIM or deputy: what keeps their MIM role.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RotaDuty {
    pub login: String,
    /// `mim` or `deputy`.
    pub duty: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
}

/// Everyone on a current or future shift, with the first such shift: for a staff list that shows who is on the
/// rota (and so cannot lose the MIM role yet).
pub async fn rota_duties(pool: &PgPool) -> Result<Vec<RotaDuty>, DbError> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT ON (d.login) d.login, d.duty, d.starts_at, d.ends_at
         FROM (SELECT mim AS login, 'mim' AS duty, starts_at, ends_at FROM rota_shifts WHERE ends_at > now()
               UNION ALL
               SELECT deputy, 'deputy', starts_at, ends_at FROM rota_shifts WHERE ends_at > now()) d
         ORDER BY d.login, d.starts_at",
    )
    .fetch_all(pool)
    .await?)
}
