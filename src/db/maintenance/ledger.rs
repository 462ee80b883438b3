//! Approvals and the announcement ledger (migration 15). An announcement, a change, a cancellation or a reminder
//! is recorded with the iCalendar SEQUENCE its recipients saw and queued to the contacts of the organisations
//! that own the window's services, in one transaction: a rolled-back action sends nothing.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use super::{Agreements, StoredSeries, agreements_by_service, expand, one, stored_all};
use crate::db::majors::contacts::contacts_of;
use crate::db::{DbError, outbox};
use crate::domain::agreement::lang::Lang;
use crate::domain::maintenance::WindowState;
use crate::domain::maintenance::announcement::{self, AnnouncedWindow, AnnouncementKind};
use crate::domain::maintenance::approval::{self, Approval};
use crate::domain::maintenance::series::Occurrence;
use crate::notify::{OutboundMessage, Recipient, WebhookPreset};

/// How long before a window `vakt serve` reminds its recipients.
pub const REMINDER_LEAD: Duration = Duration::hours(24);
/// How far ahead an announcement names the windows of a series.
const ANNOUNCED_HORIZON: Duration = Duration::days(366);

/// What an approval changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approved {
    pub state: String,
    /// Roles the agreement still asks for.
    pub missing: Vec<String>,
}

/// One line of the announcement ledger.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AnnouncementRow {
    pub what: String,
    pub occurrence: Option<NaiveDate>,
    pub sequence: i32,
    pub moves: bool,
    pub recipients: i32,
    pub announced_by: String,
    pub announced_at: DateTime<Utc>,
}

/// An approval as the ledger shows it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ApprovalRow {
    pub approver: String,
    pub role: String,
    pub version: i32,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A series' approvals and announcements, with the roles its agreements require and those still missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    pub required: Vec<String>,
    pub missing: Vec<String>,
    pub approvals: Vec<ApprovalRow>,
    pub announcements: Vec<AnnouncementRow>,
}

const MAX_NAME_CHARS: usize = 200;

/// Records that `approver` approved the series in `role` (an approver may be a contact, not a login). When every
/// role the agreements ask for has approved the window as it is now, it is approved; until then it is proposed.
pub async fn approve(pool: &PgPool, id: i64, approver: &str, role: &str) -> Result<Approved, DbError> {
    let (approver, role) = (approver.trim(), role.trim());
    for (flag, value) in [("--by", approver), ("--role", role)] {
        if value.is_empty() || value.chars().count() > MAX_NAME_CHARS || value.chars().any(char::is_control) {
            return Err(DbError::BadInput(format!("{flag}: a name of 1 to {MAX_NAME_CHARS} characters")));
        }
    }
    // Read before the transaction: a caller with a one-connection pool must not need a second one inside it.
    let agreements = agreements_now(pool).await?;
    let mut tx = pool.begin().await?;
    let stored = one(&mut tx, id, true).await?;
    if stored.state == WindowState::Cancelled {
        return Err(DbError::BadInput(format!("series {id} is cancelled")));
    }
    sqlx::query("INSERT INTO maintenance_approvals (series_id, approver, role, version) VALUES ($1, $2, $3, 1)")
        .bind(id)
        .bind(approver)
        .bind(role)
        .execute(&mut *tx)
        .await
        .map_err(refused("approve maintenance"))?;
    let missing = missing_approvals(&mut tx, &stored, &agreements).await?;
    let state = match stored.state {
        WindowState::Draft | WindowState::Proposed if missing.is_empty() => WindowState::Approved,
        WindowState::Draft => WindowState::Proposed,
        other => other,
    };
    if state != stored.state {
        set_state(&mut tx, id, state).await?;
    }
    tx.commit().await?;
    Ok(Approved { state: state.as_str().into(), missing })
}

/// What an announcement reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Announced {
    pub recipients: usize,
    pub sequence: i32,
}

/// Announces a series to the contacts of the organisations that own its services, once every approval its
/// agreements ask for is in. Notice is measured from here.
pub async fn announce(pool: &PgPool, id: i64) -> Result<Announced, DbError> {
    let agreements = agreements_now(pool).await?;
    let mut tx = pool.begin().await?;
    let stored = one(&mut tx, id, true).await?;
    match stored.state {
        WindowState::Cancelled => return Err(DbError::BadInput(format!("series {id} is cancelled"))),
        WindowState::Announced => {
            return Err(DbError::BadInput(format!(
                "series {id} is announced already; editing or moving it announces the change"
            )));
        }
        _ => {}
    }
    let missing = missing_approvals(&mut tx, &stored, &agreements).await?;
    if !missing.is_empty() {
        return Err(DbError::BadInput(format!(
            "series {id} needs approval from {} first (vakt maintenance approve {id} --by NAME --role ROLE)",
            missing.join(" and ")
        )));
    }
    set_state(&mut tx, id, WindowState::Announced).await?;
    let announced = send(&mut tx, id, AnnouncementKind::Announce, None, true, &agreements).await?;
    tx.commit().await?;
    Ok(announced.unwrap_or(Announced { recipients: 0, sequence: 0 }))
}

/// Sends what happened to an announced series (a change, a cancellation) in the caller's transaction, with the
/// series as it is now in it.
pub(super) async fn tell(
    tx: &mut Transaction<'_, Postgres>,
    agreements: &Agreements,
    id: i64,
    what: AnnouncementKind,
    occurrence: Option<NaiveDate>,
    moves: bool,
) -> Result<usize, DbError> {
    Ok(send(tx, id, what, occurrence, moves, agreements).await?.map_or(0, |a| a.recipients))
}

/// The agreements in force by the database's date, read before a transaction starts.
pub(super) async fn agreements_now(pool: &PgPool) -> Result<Agreements, DbError> {
    let today = database_today(&mut *pool.acquire().await?).await?;
    agreements_by_service(pool, today).await
}

/// Reminds the recipients of every announced window that starts within [`REMINDER_LEAD`] of `now`, once per
/// window and sequence however many workers run. Returns the reminders sent.
pub async fn remind_due(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, DbError> {
    let all = super::list(pool).await?;
    let due: Vec<(i64, NaiveDate)> = expand(&all, now, now + REMINDER_LEAD)?
        .into_iter()
        .filter(|p| p.series.state == WindowState::Announced && p.start > now)
        .map(|p| (p.series.id, p.local_date))
        .collect();
    let agreements = agreements_by_service(pool, now.date_naive()).await?;
    let mut sent = 0;
    for (id, date) in due {
        // Not locked (a worker may not lock the series): the unique reminder per sequence keeps it to one.
        let mut tx = pool.begin().await?;
        let stored = one(&mut tx, id, false).await?;
        if stored.state != WindowState::Announced {
            continue;
        }
        if send(&mut tx, id, AnnouncementKind::Reminder, Some(date), false, &agreements).await?.is_some() {
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// A series' ledger, for `vakt maintenance show` and the console.
pub async fn ledger(pool: &PgPool, id: i64) -> Result<Ledger, DbError> {
    let agreements = agreements_now(pool).await?;
    let mut conn = pool.acquire().await?;
    let stored = one(&mut conn, id, false).await?;
    let required = required_roles(&stored, &agreements);
    let approvals: Vec<ApprovalRow> = sqlx::query_as(
        "SELECT approver, role, version, recorded_by, recorded_at FROM maintenance_approvals
         WHERE series_id = $1 ORDER BY recorded_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let as_approvals: Vec<Approval> = approvals
        .iter()
        .map(|a| Approval { approver: a.approver.clone(), role: a.role.clone(), version: a.version })
        .collect();
    let announcements = sqlx::query_as(
        "SELECT what, occurrence, sequence, moves, recipients, announced_by, announced_at
         FROM maintenance_announcements WHERE series_id = $1 ORDER BY announced_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Ledger {
        missing: approval::missing(&required, &as_approvals, stored.content_version),
        required,
        approvals,
        announcements,
    })
}

fn required_roles(stored: &StoredSeries, agreements: &Agreements) -> Vec<String> {
    let mut involved: Vec<&crate::domain::agreement::Agreement> = Vec::new();
    for agreement in stored.series.services.iter().filter_map(|s| agreements.get(s)) {
        if !involved.iter().any(|a| a.code() == agreement.code()) {
            involved.push(agreement);
        }
    }
    approval::required_roles(involved, stored.series.kind)
}

/// The roles still missing for the series as it is now in the transaction.
pub(super) async fn missing_now(
    tx: &mut Transaction<'_, Postgres>,
    agreements: &Agreements,
    id: i64,
) -> Result<Vec<String>, DbError> {
    let stored = one(tx, id, false).await?;
    missing_approvals(tx, &stored, agreements).await
}

async fn missing_approvals(
    conn: &mut PgConnection,
    stored: &StoredSeries,
    agreements: &Agreements,
) -> Result<Vec<String>, DbError> {
    let rows: Vec<(String, String, i32)> =
        sqlx::query_as("SELECT approver, role, version FROM maintenance_approvals WHERE series_id = $1")
            .bind(stored.id)
            .fetch_all(conn)
            .await?;
    let approvals: Vec<Approval> =
        rows.into_iter().map(|(approver, role, version)| Approval { approver, role, version }).collect();
    Ok(approval::missing(&required_roles(stored, agreements), &approvals, stored.content_version))
}

pub(super) async fn set_state(conn: &mut PgConnection, id: i64, state: WindowState) -> Result<(), DbError> {
    sqlx::query("UPDATE maintenance_series SET state = $2 WHERE id = $1")
        .bind(id)
        .bind(state.as_str())
        .execute(conn)
        .await
        .map_err(refused("change maintenance"))?;
    Ok(())
}

async fn database_today(conn: &mut PgConnection) -> Result<NaiveDate, DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(conn).await?;
    Ok(now.date_naive())
}

pub(super) fn refused(what: &'static str) -> impl Fn(sqlx::Error) -> DbError {
    move |e| match DbError::from(e) {
        DbError::Refused(_) => DbError::Refused(format!("only an admin (vakt_admin) may {what}")),
        other => other,
    }
}

/// Records one announcement of the series as it is now in the transaction and queues it: e-mail to every contact
/// with an address, and the webhook channels. A reminder already sent at this sequence is not sent again (`None`).
async fn send(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    what: AnnouncementKind,
    occurrence: Option<NaiveDate>,
    moves: bool,
    agreements: &Agreements,
) -> Result<Option<Announced>, DbError> {
    let all = stored_all(tx).await?;
    let Some(stored) = all.iter().find(|s| s.id == id) else {
        return Err(DbError::NotFound(format!("no maintenance series {id}")));
    };
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&mut **tx).await?;
    let windows: Vec<Occurrence> = match occurrence {
        Some(date) => {
            let day = date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            // A cancelled occurrence is no longer expanded: expand the series as if it were not.
            let mut uncancelled = all.clone();
            for s in uncancelled.iter_mut().filter(|s| s.id == id) {
                s.series.cancelled.retain(|d| *d != date);
            }
            expand(&uncancelled, day - super::REACH, day + super::REACH)?
                .into_iter()
                .filter(|p| p.series.id == id && p.local_date == date)
                .map(|p| super::occurrence(&p))
                .collect()
        }
        None => expand(&all, now, now + ANNOUNCED_HORIZON)?
            .into_iter()
            .filter(|p| p.series.id == id)
            .map(|p| super::occurrence(&p))
            .collect(),
    };
    let organisations: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT o.code FROM services s JOIN organisations o ON o.id = s.owner_id WHERE s.code = ANY($1)",
    )
    .bind(&stored.series.services)
    .fetch_all(&mut **tx)
    .await?;
    let contacts = contacts_of(tx, &organisations).await?;
    let email = |c: &&crate::db::majors::contacts::ContactRow| c.email.as_deref().is_some_and(|a| !a.trim().is_empty());
    let webhook =
        |c: &&crate::db::majors::contacts::ContactRow| c.webhook_url.as_deref().is_some_and(|u| !u.trim().is_empty());
    let recipients = contacts.iter().filter(email).count() + contacts.iter().filter(webhook).count();
    let inserted: Option<(i64, i32)> = sqlx::query_as(
        "INSERT INTO maintenance_announcements (series_id, what, occurrence, sequence, moves, recipients)
         VALUES ($1, $2, $3, 0, $4, $5)
         ON CONFLICT (series_id, occurrence, sequence) WHERE what = 'reminder' DO NOTHING
         RETURNING id, sequence",
    )
    .bind(id)
    .bind(what.as_str())
    .bind(occurrence)
    .bind(moves)
    .bind(i32::try_from(recipients).unwrap_or(i32::MAX))
    .fetch_optional(&mut **tx)
    .await
    .map_err(refused("announce maintenance"))?;
    let Some((announcement, sequence)) = inserted else { return Ok(None) };
    let lang = stored
        .series
        .services
        .first()
        .and_then(|s| agreements.get(s))
        .map_or(Lang::En, |a| a.spec().major.lang(a.spec().region));
    let text = announcement::render(
        what,
        &AnnouncedWindow {
            series_id: id,
            sequence,
            kind: stored.series.kind,
            impact: stored.series.impact,
            services: &stored.series.services,
            zone: stored.series.zone,
            reason: &stored.reason,
            windows: &windows,
            occurrence,
        },
        lang,
    );
    for contact in &contacts {
        let ledger = |summary: String| (contact.organisation.clone(), summary);
        if let Some(address) = contact.email.as_deref().filter(|a| !a.trim().is_empty()) {
            let message = OutboundMessage {
                idempotency_key: format!("mnt{announcement}-email-{}", contact.id),
                recipient: Recipient::Email { to: vec![address.to_string()] },
                subject: text.subject.clone(),
                body: text.body.clone(),
                payload: None,
            };
            let (audience, summary) = ledger(format!("{} ({}) · {}", contact.name, contact.role, text.subject));
            enqueue(tx, &audience, &summary, &message).await?;
        }
        if let Some(url) = contact.webhook_url.as_deref().filter(|u| !u.trim().is_empty()) {
            let preset = match contact.webhook_preset.as_deref() {
                Some("slack") => WebhookPreset::Slack,
                Some("teams") => WebhookPreset::Teams,
                _ => WebhookPreset::Generic,
            };
            let message = OutboundMessage {
                idempotency_key: format!("mnt{announcement}-webhook-{}", contact.id),
                recipient: Recipient::Webhook { url: url.to_string(), preset },
                subject: text.subject.clone(),
                body: text.body.clone(),
                payload: None,
            };
            let (audience, summary) = ledger(format!("{} · webhook · {}", contact.name, text.subject));
            enqueue(tx, &audience, &summary, &message).await?;
        }
    }
    Ok(Some(Announced { recipients, sequence }))
}

async fn enqueue(
    tx: &mut Transaction<'_, Postgres>,
    audience: &str,
    summary: &str,
    message: &OutboundMessage,
) -> Result<(), DbError> {
    outbox::enqueue(tx, &outbox::Ledger { major_id: None, audience, summary, exercise: false }, message).await?;
    Ok(())
}
