//! What the admin tab reads and writes: staff with their shifts ahead, contacts with their dead letters, and the
//! admins' changes. The database holds the rights (only admins write staff and contacts).

use sqlx::PgPool;

use crate::app::screens::admin::data::{
    AdminData, AdminSection, AdminWrite, AgreementLine, AuditLine, AuditQuery, CalendarLine, ContactLine,
    ImportPreview, ServiceChange, ServiceLine, StaffDuty, StaffLine,
};
use crate::db::DbError;

pub async fn load(pool: &PgPool, section: AdminSection) -> Result<AdminData, DbError> {
    match section {
        AdminSection::Staff => staff(pool).await.map(AdminData::Staff),
        AdminSection::Contacts => contacts(pool).await.map(AdminData::Contacts),
        AdminSection::Services => services(pool).await.map(AdminData::Services),
        AdminSection::Agreements => agreements(pool).await.map(AdminData::Agreements),
        AdminSection::Calendars => calendars(pool).await.map(AdminData::Calendars),
        AdminSection::Audit => audit(pool, &AuditQuery::default()).await.map(AdminData::Audit),
    }
}

async fn staff(pool: &PgPool) -> Result<Vec<StaffLine>, DbError> {
    let members = super::staff::list(pool).await?;
    // Shifts ahead and the service desk, by login; what the caller may not read counts as none.
    // Every role reads the rota; should that change, a refusal is shown rather than hidden.
    let ahead: Vec<(String, i64)> = sqlx::query_as(
        "SELECT who, count(*) FROM (
             SELECT mim AS who FROM public.rota_shifts WHERE ends_at > now()
             UNION ALL SELECT deputy FROM public.rota_shifts WHERE ends_at > now()
         ) s GROUP BY who",
    )
    .fetch_all(pool)
    .await?;
    let desk: Vec<String> = sqlx::query_scalar(
        "SELECT r.rolname::text FROM pg_catalog.pg_auth_members m
         JOIN pg_catalog.pg_roles g ON g.oid = m.roleid AND g.rolname = 'vakt_servicedesk'
         JOIN pg_catalog.pg_roles r ON r.oid = m.member",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    let duties = super::staff::rota_duties(pool).await?;
    // What the database would refuse, per member and role, asked once so the role form can say it before sending.
    let refusals: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT s.login, r.role, public.vakt_staff_change_refusal(s.login, r.role, true)
         FROM public.staff s CROSS JOIN unnest($1::text[]) AS r(role)
         WHERE s.active AND public.vakt_staff_change_refusal(s.login, r.role, true) IS NOT NULL",
    )
    .bind(super::staff::ROLES)
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    Ok(members
        .into_iter()
        .map(|member| StaffLine {
            shifts_ahead: ahead.iter().find(|(who, _)| *who == member.login).map_or(0, |(_, n)| *n),
            servicedesk: desk.contains(&member.login),
            duty: duties.iter().find(|d| d.login == member.login).map(|d| StaffDuty {
                duty: d.duty.clone(),
                starts_at: d.starts_at,
                ends_at: d.ends_at,
            }),
            refusals: refusals
                .iter()
                .filter(|(login, _, _)| *login == member.login)
                .map(|(_, role, why)| (role.clone(), why.clone()))
                .collect(),
            member,
        })
        .collect())
}

async fn contacts(pool: &PgPool) -> Result<Vec<ContactLine>, DbError> {
    let contacts = super::rota::contacts(pool, None).await?;
    // Dead letters by recipient (an e-mail address inside the To list, or a number); readable by MIMs and admins.
    let dead: Vec<(String, String)> = sqlx::query_as(
        "SELECT message -> 'recipient' ->> 'channel', coalesce(message -> 'recipient' ->> 'to', '')
         FROM public.outbox WHERE state = 'dead'",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    Ok(contacts
        .into_iter()
        .map(|contact| {
            let email = contact.email.as_deref().map(str::to_lowercase).filter(|e| !e.is_empty());
            let numbers: Vec<String> = [&contact.mobile, &contact.phone]
                .into_iter()
                .flatten()
                .map(|n| digits(n))
                .filter(|n| !n.is_empty())
                .collect();
            let dead = dead
                .iter()
                .filter(|(channel, to)| match channel.as_str() {
                    "email" => email.as_ref().is_some_and(|e| to.to_lowercase().contains(e.as_str())),
                    "sms" => numbers.contains(&digits(to)),
                    _ => false,
                })
                .count();
            ContactLine { contact, dead: i64::try_from(dead).unwrap_or(i64::MAX) }
        })
        .collect())
}

async fn services(pool: &PgPool) -> Result<Vec<ServiceLine>, DbError> {
    Ok(super::services::list(pool)
        .await?
        .into_iter()
        .map(|s| ServiceLine {
            code: s.code,
            name: s.name,
            owner: s.owner,
            agreement: s.agreement,
            calendar: s.calendar,
            support_lines: s.support_lines,
            supplier: s.supplier,
        })
        .collect())
}

/// Every version of every agreement, each with the day the next one takes over and its content in words.
async fn agreements(pool: &PgPool) -> Result<Vec<AgreementLine>, DbError> {
    let counts = super::agreements::list(pool).await?;
    let set = super::agreements::load_all(pool).await?;
    let mut versions: Vec<&crate::domain::agreement::Agreement> = set.values().map(|a| a.as_ref()).collect();
    versions.sort_by(|a, b| (a.code(), a.spec().valid_from).cmp(&(b.code(), b.spec().valid_from)));
    Ok(versions
        .iter()
        .enumerate()
        .map(|(i, agreement)| {
            let spec = agreement.spec();
            let next = versions.get(i + 1).filter(|n| n.code() == agreement.code());
            let count = counts.iter().find(|c| c.code == spec.code);
            AgreementLine {
                code: spec.code.clone(),
                name: spec.name.clone(),
                version: spec.version.clone(),
                valid_from: spec.valid_from,
                valid_until: next.map(|n| n.spec().valid_from),
                services: count.map_or(0, |c| c.services),
                open_incidents: count.map_or(0, |c| c.open_incidents),
                summary: crate::app::screens::admin::agreements::summary(spec),
            }
        })
        .collect())
}

/// How many audit entries the section shows at most: the newest.
const AUDIT_ROWS: i64 = 500;

/// The audit entries the query lets through, newest first, each change in words (admins only: the database
/// refuses everyone else).
pub async fn audit(pool: &PgPool, query: &AuditQuery) -> Result<Vec<AuditLine>, DbError> {
    let midnight = |day: chrono::NaiveDate| day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let filter = super::audit::AuditFilter {
        table: query.table.as_deref(),
        login: query.login.as_deref(),
        from: query.from.and_then(midnight),
        to: query.to.and_then(|d| d.succ_opt()).and_then(midnight),
        limit: AUDIT_ROWS,
    };
    let entries = super::audit::list(pool, &filter).await?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let value =
                |row: &Option<serde_json::Value>, field: &str| row.as_ref().and_then(|r| r.get(field)).map(shown);
            let changes = e
                .changed
                .iter()
                .map(|field| match (value(&e.old_row, field), value(&e.new_row, field)) {
                    (Some(old), Some(new)) => format!("{field}: {old} → {new}"),
                    (None, Some(new)) => format!("{field}: {new}"),
                    (Some(old), None) => format!("{field} was {old}"),
                    (None, None) => field.clone(),
                })
                .collect();
            AuditLine { at: e.at, login: e.login, table: e.table, row_id: e.row_id, action: e.action, changes }
        })
        .collect())
}

/// A field's value as a reader wants it: text without its quotes, null as "—", long values cut.
fn shown(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 { format!("{}…", text.chars().take(59).collect::<String>()) } else { text }
}

/// The calendars of every agreement's version in force today.
async fn calendars(pool: &PgPool) -> Result<Vec<CalendarLine>, DbError> {
    let set = super::agreements::load_all(pool).await?;
    let today = chrono::Utc::now().date_naive();
    let mut in_force: Vec<&crate::domain::agreement::Agreement> = Vec::new();
    for agreement in set.values().map(|a| a.as_ref()).filter(|a| a.spec().valid_from <= today) {
        match in_force.iter_mut().find(|a| a.code() == agreement.code()) {
            Some(kept) if kept.spec().valid_from < agreement.spec().valid_from => *kept = agreement,
            Some(_) => {}
            None => in_force.push(agreement),
        }
    }
    in_force.sort_by_key(|a| a.code().to_string());
    Ok(in_force
        .iter()
        .flat_map(|a| {
            a.spec().calendars.iter().map(|c| CalendarLine {
                agreement: a.code().to_string(),
                version: a.spec().version.clone(),
                code: c.code.clone(),
                name: c.name.clone(),
            })
        })
        .collect())
}

/// Reads an agreement file and says, in words, what importing it would change: against the version in force, and
/// for the open incidents and this period's availability. Nothing is written; every reason it cannot be used is
/// returned, with its line.
pub async fn import_preview(pool: &PgPool, path: &str) -> Result<ImportPreview, String> {
    let toml = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let proposed = crate::domain::agreement::Agreement::from_toml(&toml).map_err(|e| unusable(path, &e.to_string()))?;
    let now = chrono::Utc::now();
    let set = super::agreements::load_all(pool).await.map_err(|e| e.to_string())?;
    let today = now.with_timezone(&proposed.zone()).date_naive();
    let in_force = set
        .values()
        .filter(|a| a.code().eq_ignore_ascii_case(proposed.code()) && a.spec().valid_from <= today)
        .max_by_key(|a| a.spec().valid_from);
    let outcome = super::what_if::what_if(pool, &proposed, now).await.map_err(|e| e.to_string())?;
    let lines = crate::app::screens::admin::agreements::preview_lines(
        in_force.map(|a| a.spec()),
        proposed.spec(),
        &outcome,
        proposed.zone(),
    );
    Ok(ImportPreview { path: path.to_string(), toml, lines })
}

/// Why a file cannot be imported, on one line per error: the TOML reader's excerpt of the file (the lines drawn
/// with `|` and `^`) is left out, its "line L, column C" and its words kept.
fn unusable(path: &str, error: &str) -> String {
    let words: Vec<&str> = error
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    format!("{path}: {}", words.join(": "))
}

/// A service's fields as `db::services` takes them; every field is given, so an edit also removes a supplier.
fn service_fields(change: &ServiceChange) -> super::services::ServiceFields<'_> {
    super::services::ServiceFields {
        name: Some(&change.name),
        owner: Some(&change.owner),
        agreement: Some(&change.agreement),
        support_lines: Some(change.support_lines.clone()),
        supplier: Some(change.supplier.as_deref()),
    }
}

fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// Carries out an admin's change and says what it did.
pub async fn write(pool: &PgPool, write: AdminWrite) -> Result<String, DbError> {
    match write {
        AdminWrite::AddStaff { login, full_name, role, email, phone } => {
            let staff = super::staff::NewStaff {
                login: &login,
                full_name: &full_name,
                role: &role,
                email: email.as_deref(),
                phone: phone.as_deref(),
            };
            super::staff::add(pool, &staff).await?;
            Ok(format!("{full_name} ({login}) added as {role}"))
        }
        AdminWrite::Deactivate { login } => {
            super::staff::deactivate(pool, &login).await?;
            Ok(format!("{login} deactivated: the login can no longer sign in; their history stays"))
        }
        AdminWrite::SetRole { login, role } => {
            super::staff::set_role(pool, &login, &role).await?;
            Ok(format!("{login} is now {role}"))
        }
        AdminWrite::Reactivate { login } => {
            super::staff::reactivate(pool, &login).await?;
            Ok(format!("{login} reactivated: they can sign in again with the role they had"))
        }
        AdminWrite::AddService(change) => {
            super::services::add(pool, &change.code, &service_fields(&change)).await?;
            Ok(format!("service {} added", change.code))
        }
        AdminWrite::EditService(change) => {
            super::services::edit(pool, &change.code, &service_fields(&change)).await?;
            Ok(format!("service {} changed", change.code))
        }
        AdminWrite::ImportAgreement { toml } => {
            let outcome = super::agreements::import(pool, &toml).await?;
            Ok(format!("agreement {} version {}: {}", outcome.code, outcome.version, outcome.result))
        }
        AdminWrite::AddContact(change) => {
            let contact = super::rota::NewContact {
                organisation: change.organisation,
                name: change.name,
                role: change.role,
                email: change.email,
                phone: change.phone,
                mobile: change.mobile,
                webhook_url: None,
                webhook_preset: None,
            };
            let id = super::rota::add_contact(pool, &contact).await?;
            Ok(format!("contact {id} added: {} ({})", contact.name.trim(), contact.organisation.trim()))
        }
        AdminWrite::EditContact { id, change } => edit_contact(pool, id, &change).await,
    }
}

/// Changes a contact's organisation, name, role and channels (its webhook stays as it is); the same checks as a new
/// contact. Messages already dead-lettered stay in the outbox as they were.
async fn edit_contact(
    pool: &PgPool,
    id: i64,
    change: &crate::app::screens::admin::data::ContactChange,
) -> Result<String, DbError> {
    // One transaction: a contact is never left changed with its dead letters half sent again.
    let mut tx = pool.begin().await?;
    let found: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT webhook_url, email FROM public.contacts WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(refused_contacts)?;
    let Some((webhook, old_email)) = found else { return Err(DbError::BadInput(format!("no contact {id}"))) };
    let given = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let (email, mobile, phone) = (given(&change.email), given(&change.mobile), given(&change.phone));
    crate::domain::major::contact_rules::check(
        email.as_deref(),
        phone.as_deref(),
        mobile.as_deref(),
        webhook.as_deref(),
    )
    .map_err(DbError::BadInput)?;
    if change.name.trim().is_empty() {
        return Err(DbError::BadInput("a contact needs a name".into()));
    }
    let updated = sqlx::query(
        "UPDATE public.contacts SET organisation_id = o.id, name = $3, role = $4, email = $5, mobile = $6, phone = $7
         FROM public.organisations o WHERE public.contacts.id = $1 AND lower(o.code) = lower($2)",
    )
    .bind(id)
    .bind(change.organisation.trim())
    .bind(change.name.trim())
    .bind(change.role.trim())
    .bind(&email)
    .bind(mobile)
    .bind(phone)
    .execute(&mut *tx)
    .await
    .map_err(refused_contacts)?;
    if updated.rows_affected() == 0 {
        return Err(DbError::BadInput(format!("unknown organisation '{}'", change.organisation.trim())));
    }
    let changed = format!("contact {id} changed: {} ({})", change.name.trim(), change.organisation.trim());
    let readdressed = change.resend_dead
        && old_email.as_deref().map(str::trim).map(str::to_lowercase) != email.as_deref().map(str::to_lowercase);
    match (readdressed, old_email) {
        (true, Some(old)) => {
            let queued: i32 = sqlx::query_scalar("SELECT public.vakt_resend_dead_to($1, $2)")
                .bind(id)
                .bind(old.trim())
                .fetch_one(&mut *tx)
                .await
                .map_err(refused_contacts)?;
            tx.commit().await?;
            Ok(format!("{changed}; {queued} dead message(s) sent again to the new address"))
        }
        _ => {
            tx.commit().await?;
            Ok(changed)
        }
    }
}

fn refused_contacts(e: sqlx::Error) -> DbError {
    match DbError::from(e) {
        DbError::Refused(_) => DbError::Refused("permission denied: only admins (vakt_admin) change contacts".into()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_toml_error_keeps_its_line_and_words_without_the_excerpt() {
        let error = "agreement file: TOML parse error at line 2, column 8\n  |\n2 | name = \n  |        ^\nstring values must be quoted";
        assert_eq!(
            super::unusable("/tmp/a.toml", error),
            "/tmp/a.toml: agreement file: TOML parse error at line 2, column 8: string values must be quoted"
        );
    }
}
