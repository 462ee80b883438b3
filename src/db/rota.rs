//! The MIM on-duty rota, the duty phone and mailbox, the contact directory, and shift hand-overs.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;

use super::DbError;
use crate::domain::major::contact_rules;
use crate::domain::major::{self, HandoverNote, OpenMajor, Shift};
use crate::domain::sla::record::ClockRecord;

pub use crate::app::model::{ContactEntry, DutyLine, PendingHandover, ShiftRow};

fn shift_of(row: &ShiftRow) -> Shift {
    Shift { mim: row.mim.clone(), deputy: row.deputy.clone(), start: row.starts_at, end: row.ends_at }
}

type ShiftTuple = (i64, String, String, String, String, DateTime<Utc>, DateTime<Utc>);

fn row((id, mim, mim_name, deputy, deputy_name, starts_at, ends_at): ShiftTuple) -> ShiftRow {
    ShiftRow { id, mim, mim_name, deputy, deputy_name, starts_at, ends_at }
}

/// Shifts overlapping `[from, to)`, in order.
pub async fn shifts(pool: &PgPool, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ShiftRow>, DbError> {
    let rows: Vec<ShiftTuple> = sqlx::query_as(
        "SELECT r.id, r.mim, m.full_name, r.deputy, d.full_name, r.starts_at, r.ends_at
         FROM rota_shifts r JOIN staff m ON m.login = r.mim JOIN staff d ON d.login = r.deputy
         WHERE r.ends_at > $1 AND r.starts_at < $2 ORDER BY r.starts_at",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(row).collect())
}

/// The shifts from a day ago to a week ahead, by the database's clock (what the cockpit shows).
pub async fn shifts_around_now(pool: &PgPool) -> Result<Vec<ShiftRow>, DbError> {
    let (from, to): (DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("SELECT now() - interval '24 hours', now() + interval '7 days'").fetch_one(pool).await?;
    shifts(pool, from, to).await
}

/// The shift on duty at `at`.
pub async fn on_duty(pool: &PgPool, at: DateTime<Utc>) -> Result<Option<ShiftRow>, DbError> {
    Ok(shifts(pool, at, at + Duration::seconds(1)).await?.into_iter().find(|s| s.starts_at <= at && at < s.ends_at))
}

/// Adds a shift. The rota must stay continuous: a shift that overlaps another is refused by the database, and
/// one that would leave a gap next to the existing rota is refused here, naming the gap.
pub async fn add_shift(pool: &PgPool, shift: &Shift, zone: Tz) -> Result<ShiftRow, DbError> {
    // Whole seconds: the database keeps microseconds, and shifts must meet exactly.
    let shift = &Shift { start: shift.start.trunc_subsecs(0), end: shift.end.trunc_subsecs(0), ..shift.clone() };
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE rota_shifts IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
    let existing: Vec<(String, String, DateTime<Utc>, DateTime<Utc>)> =
        sqlx::query_as("SELECT mim, deputy, starts_at, ends_at FROM rota_shifts ORDER BY starts_at")
            .fetch_all(&mut *tx)
            .await?;
    let mut all: Vec<Shift> =
        existing.into_iter().map(|(mim, deputy, start, end)| Shift { mim, deputy, start, end }).collect();
    all.push(shift.clone());
    all.sort_by_key(|s| s.start);
    let from = all.iter().map(|s| s.start).min().unwrap_or(shift.start);
    let to = all.iter().map(|s| s.end).max().unwrap_or(shift.end);
    major::validate_rota(&all, from, to, zone).map_err(|e| DbError::BadInput(e.to_string()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rota_shifts (mim, deputy, starts_at, ends_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&shift.mim)
    .bind(&shift.deputy)
    .bind(shift.start)
    .bind(shift.end)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::BadInput(m) if m.contains("foreign key") => {
            DbError::BadInput("the MIM and the deputy must both be staff (vakt staff list)".into())
        }
        DbError::BadInput(m) if m.contains("conflicting key") || m.contains("exclusion") => {
            DbError::BadInput("the shift overlaps another one: exactly one MIM is on duty at a time".into())
        }
        other => other,
    })?;
    tx.commit().await?;
    shifts(pool, shift.start, shift.end)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| DbError::NotFound("the new shift disappeared".into()))
}

pub async fn duty_line(pool: &PgPool) -> Result<DutyLine, DbError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key IN ('duty_phone', 'duty_mailbox')")
            .fetch_all(pool)
            .await?;
    let get = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    Ok(DutyLine { phone: get("duty_phone"), mailbox: get("duty_mailbox") })
}

/// Sets the duty phone and/or mailbox (admins only).
pub async fn set_duty_line(pool: &PgPool, phone: Option<&str>, mailbox: Option<&str>) -> Result<(), DbError> {
    for (key, value) in [("duty_phone", phone), ("duty_mailbox", mailbox)] {
        if let Some(value) = value {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = current_user",
            )
            .bind(key)
            .bind(value.trim())
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// A contact to add to an organisation's directory.
#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub organisation: String,
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_preset: Option<String>,
}

pub async fn add_contact(pool: &PgPool, contact: &NewContact) -> Result<i64, DbError> {
    let organisation: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE lower(code) = lower($1)")
        .bind(contact.organisation.trim())
        .fetch_optional(pool)
        .await?;
    let Some(organisation) = organisation else {
        let known: Vec<String> =
            sqlx::query_scalar("SELECT code FROM organisations ORDER BY code").fetch_all(pool).await?;
        return Err(DbError::BadInput(format!(
            "unknown organisation '{}' (known: {})",
            contact.organisation.trim(),
            known.join(", ")
        )));
    };
    let (email, phone, mobile, webhook) =
        (given(&contact.email), given(&contact.phone), given(&contact.mobile), given(&contact.webhook_url));
    contact_rules::check(email, phone, mobile, webhook).map_err(DbError::BadInput)?;
    if contact.name.trim().is_empty() {
        return Err(DbError::BadInput("a contact needs a name (a person, or a channel such as #drift)".into()));
    }
    let duplicate: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE organisation_id = $1 AND lower(name) = lower($2)
           AND email IS NOT DISTINCT FROM $3 AND mobile IS NOT DISTINCT FROM $4 AND webhook_url IS NOT DISTINCT FROM $5",
    )
    .bind(organisation)
    .bind(contact.name.trim())
    .bind(email)
    .bind(mobile)
    .bind(webhook)
    .fetch_optional(pool)
    .await?;
    if let Some(id) = duplicate {
        return Err(DbError::BadInput(format!(
            "{} is already in the directory as contact {id} (`vakt contact list`)",
            contact.name.trim()
        )));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO contacts (organisation_id, name, role, email, phone, mobile, webhook_url, webhook_preset)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(organisation)
    .bind(contact.name.trim())
    .bind(contact.role.trim())
    .bind(email)
    .bind(phone)
    .bind(mobile)
    .bind(webhook)
    .bind(&contact.webhook_preset)
    .fetch_one(pool)
    .await?)
}

/// A field as given: trimmed, and absent when empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The contact directory, or the part of it of these organisations (codes, ignoring case), as every role may
/// read it.
pub async fn contacts<'e>(
    db: impl sqlx::PgExecutor<'e>,
    organisations: Option<&[String]>,
) -> Result<Vec<ContactEntry>, DbError> {
    type Row =
        (i64, String, String, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, o.code AS organisation, c.name, c.role, c.email, c.phone, c.mobile,
                c.webhook_host, c.webhook_preset
         FROM contacts c JOIN organisations o ON o.id = c.organisation_id
         WHERE $1::text[] IS NULL OR lower(o.code) IN (SELECT lower(btrim(code)) FROM unnest($1::text[]) code)
         ORDER BY o.code, c.name, c.id",
    )
    .bind(organisations)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, organisation, name, role, email, phone, mobile, webhook_host, webhook_preset)| ContactEntry {
            id,
            organisation,
            name,
            role,
            email,
            phone,
            mobile,
            webhook_host,
            webhook_preset,
        })
        .collect())
}

/// Removes a contact (admins): later updates no longer go to them; what was sent stays in the ledger.
pub async fn remove_contact(pool: &PgPool, id: i64) -> Result<String, DbError> {
    sqlx::query_scalar("DELETE FROM contacts WHERE id = $1 RETURNING name")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("no contact {id} (`vakt contact list`)")))
}

/// Writes a hand-over from the outgoing MIM: their note plus every open major incident's clocks, cadence,
/// escalation level and open calls, assembled by the domain. The incoming MIM acknowledges it.
pub async fn hand_over(pool: &PgPool, note: &str, zone: Tz) -> Result<(i64, HandoverNote, String), DbError> {
    let (now, actor): (DateTime<Utc>, String) =
        sqlx::query_as("SELECT now(), current_user::text").fetch_one(pool).await?;
    let current = on_duty(pool, now)
        .await?
        .ok_or_else(|| DbError::BadInput("nobody is on duty now: the rota has a gap".into()))?;
    let next = on_duty(pool, current.ends_at).await?.ok_or_else(|| {
        DbError::BadInput(format!(
            "the rota has nobody after {}; add the next shift first",
            current.ends_at.with_timezone(&zone)
        ))
    })?;
    let admin: bool =
        sqlx::query_scalar("SELECT pg_has_role(current_user, 'vakt_admin', 'MEMBER')").fetch_one(pool).await?;
    if actor != current.mim && actor != current.deputy && !admin {
        return Err(DbError::Refused(format!(
            "only the MIM on duty ({}), the deputy or an admin writes the hand-over",
            current.mim
        )));
    }
    let mut views = Vec::new();
    for id in super::majors::active_ids(pool).await? {
        views.push(super::majors::load(pool, id).await?);
    }
    let mut agreements = Vec::new();
    for view in &views {
        agreements.push(super::majors::agreement_of(pool, view.agreement_version_id).await?);
    }
    type Facts = (Option<major::CadenceStatus>, Option<major::Proposal>, Vec<major::CallTask>, Vec<ClockRecord>);
    let facts: Vec<Facts> = views
        .iter()
        .zip(&agreements)
        .map(|(view, agreement)| {
            let policy = &agreement.spec().major;
            let cadence = major::major_cadence(&view.major, &policy.cadence, view.last_update_at, now);
            let clocks = view.live_clocks(agreement, now);
            let proposal = policy
                .escalation
                .as_ref()
                .and_then(|ladder| major::propose(ladder, &view.major, &clocks, cadence.as_ref(), &[]));
            (cadence, proposal, view.calls.iter().map(|c| c.task.clone()).collect(), clocks)
        })
        .collect();
    let open: Vec<OpenMajor> = views
        .iter()
        .zip(&facts)
        .map(|(view, (cadence, proposal, tasks, clocks))| OpenMajor {
            major: &view.major,
            clocks,
            cadence: *cadence,
            proposal: proposal.as_ref(),
            call_tasks: tasks,
        })
        .collect();
    let handover = major::assemble_handover(&shift_of(&current), &shift_of(&next), note, now, &open)
        .map_err(|e| DbError::BadInput(e.to_string()))?;
    let lang = agreements.first().map_or(major::Lang::En, |a| a.spec().major.lang(a.spec().region));
    let markdown = handover.to_markdown(lang, zone);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO handovers (outgoing, incoming, note, document, markdown) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&current.mim)
    .bind(&next.mim)
    .bind(note)
    .bind(serde_json::to_value(&handover).map_err(|e| DbError::Other(e.to_string()))?)
    .bind(&markdown)
    .fetch_one(pool)
    .await?;
    Ok((id, handover, markdown))
}

/// The incoming MIM acknowledges a hand-over (once).
pub async fn acknowledge_handover(pool: &PgPool, id: i64) -> Result<(), DbError> {
    let (incoming, acknowledged): (String, Option<DateTime<Utc>>) =
        sqlx::query_as("SELECT incoming, acknowledged_at FROM handovers WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("no hand-over {id}")))?;
    if acknowledged.is_some() {
        return Err(DbError::BadInput("the hand-over is already acknowledged".into()));
    }
    let updated = sqlx::query(
        "UPDATE handovers SET acknowledged_at = now(), acknowledged_by = current_user WHERE id = $1 AND incoming = current_user",
    )
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(DbError::Refused(format!("only the incoming MIM ({incoming}) acknowledges this hand-over")));
    }
    Ok(())
}

/// The newest hand-over waiting for this login to acknowledge.
pub async fn pending_handover(pool: &PgPool) -> Result<Option<PendingHandover>, DbError> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, outgoing, markdown FROM handovers WHERE incoming = current_user AND acknowledged_at IS NULL
         ORDER BY written_at DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, outgoing, markdown)| PendingHandover { id, outgoing, markdown }))
}

/// One entry of the hand-over log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct HandoverEntry {
    pub id: i64,
    pub outgoing: String,
    pub incoming: String,
    pub written_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub note: String,
    pub markdown: String,
}

/// The hand-over log, newest first.
pub async fn handovers(pool: &PgPool, limit: i64) -> Result<Vec<HandoverEntry>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, outgoing, incoming, written_at, acknowledged_at, acknowledged_by, note, markdown
         FROM handovers ORDER BY written_at DESC, id DESC LIMIT $1",
    )
    .bind(limit.clamp(1, 10_000))
    .fetch_all(pool)
    .await?)
}

/// One hand-over by id.
/// One hand-over as written; once acknowledged, its text says by whom and when (times in `zone`).
pub async fn handover(pool: &PgPool, id: i64, zone: Tz) -> Result<HandoverEntry, DbError> {
    let mut entry: HandoverEntry = sqlx::query_as(
        "SELECT id, outgoing, incoming, written_at, acknowledged_at, acknowledged_by, note, markdown
         FROM handovers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| DbError::NotFound(format!("no hand-over {id} (see vakt handover list)")))?;
    if let (Some(at), Some(by)) = (entry.acknowledged_at, entry.acknowledged_by.clone()) {
        // The text was rendered when written, before anyone acknowledged it.
        let document: serde_json::Value =
            sqlx::query_scalar("SELECT document FROM handovers WHERE id = $1").bind(id).fetch_one(pool).await?;
        if let Ok(mut note) = serde_json::from_value::<HandoverNote>(document) {
            note.acknowledged = Some(major::Acknowledgement { by, at });
            entry.markdown = note.to_markdown(major::Lang::of_handover(&entry.markdown), zone);
        }
    }
    Ok(entry)
}

/// Removes a shift (admins). Only the first or last shift can go: removing one between two others would leave
/// a gap, which the database refuses; give such a shift to someone else with [`reassign_shift`] instead.
pub async fn remove_shift(pool: &PgPool, id: i64) -> Result<(), DbError> {
    let removed = sqlx::query("DELETE FROM rota_shifts WHERE id = $1").bind(id).execute(pool).await?.rows_affected();
    if removed == 0 {
        return Err(DbError::NotFound(format!("no shift {id}")));
    }
    Ok(())
}

/// Gives a shift to another MIM and/or deputy (admins), keeping its times so the rota stays continuous.
pub async fn reassign_shift(pool: &PgPool, id: i64, mim: Option<&str>, deputy: Option<&str>) -> Result<(), DbError> {
    let changed =
        sqlx::query("UPDATE rota_shifts SET mim = coalesce($2, mim), deputy = coalesce($3, deputy) WHERE id = $1")
            .bind(id)
            .bind(mim)
            .bind(deputy)
            .execute(pool)
            .await
            .map_err(|e| match DbError::from(e) {
                DbError::BadInput(m) if m.contains("foreign key") => {
                    DbError::BadInput("the MIM and the deputy must both be staff (vakt staff list)".into())
                }
                DbError::BadInput(m) if m.contains("check") => {
                    DbError::BadInput("the MIM and the deputy must be two different people".into())
                }
                other => other,
            })?
            .rows_affected();
    if changed == 0 {
        return Err(DbError::NotFound(format!("no shift {id}")));
    }
    Ok(())
}
