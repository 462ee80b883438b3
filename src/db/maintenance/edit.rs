//! Editing a series (admins): the same checks as planning it, a freeze still refused without a reason, and an
//! announced series announced again with its new SEQUENCE. An edit of the window itself voids earlier approvals
//! (the database keeps `content_version`).

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use sqlx::PgPool;

use super::{StoredSeries, check_freezes, ledger, one, stored_all};
use crate::db::DbError;
use crate::domain::maintenance::announcement::AnnouncementKind;
use crate::domain::maintenance::series::Moved;
use crate::domain::maintenance::{Impact, WindowKind, WindowState};

/// What to change; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub services: Option<Vec<String>>,
    pub kind: Option<WindowKind>,
    pub impact: Option<Impact>,
    /// The first start in the series' zone.
    pub start: Option<NaiveDateTime>,
    pub length: Option<Duration>,
    /// `Some(None)` removes the rule (a single window).
    pub rule: Option<Option<String>>,
    pub reason: Option<String>,
    pub freeze_override: Option<String>,
    pub breaking: Option<bool>,
    /// The series' version the user saw when deciding on the change; a series changed since is a conflict, so
    /// another console's change is never overwritten unseen. `None` (the CLI) changes whatever is there.
    pub seen_version: Option<i32>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.services.is_none()
            && self.kind.is_none()
            && self.impact.is_none()
            && self.start.is_none()
            && self.length.is_none()
            && self.rule.is_none()
            && self.reason.is_none()
            && self.freeze_override.is_none()
            && self.breaking.is_none()
    }

    fn apply(&self, stored: &StoredSeries) -> StoredSeries {
        let mut next = stored.clone();
        let s = &mut next.series;
        if let Some(services) = &self.services {
            s.services.clone_from(services);
        }
        s.kind = self.kind.unwrap_or(s.kind);
        s.impact = self.impact.unwrap_or(s.impact);
        s.start = self.start.unwrap_or(s.start);
        s.length = self.length.unwrap_or(s.length);
        if let Some(rule) = &self.rule {
            s.rule = rule.as_ref().map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        }
        if let Some(reason) = &self.reason {
            next.reason = reason.trim().to_string();
        }
        next.breaking = self.breaking.unwrap_or(next.breaking);
        if let Some(why) = &self.freeze_override {
            next.freeze_override = Some(why.trim().to_string()).filter(|w| !w.is_empty());
        }
        next
    }
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edited {
    pub version: i32,
    /// Recipients of the change announcement, when the series was announced.
    pub announced_to: Option<usize>,
}

pub async fn edit(pool: &PgPool, id: i64, changes: &Changes) -> Result<Edited, DbError> {
    if changes.is_empty() {
        return Err(DbError::BadInput("nothing to change: give at least one field (see --help)".into()));
    }
    let agreements = ledger::agreements_now(pool).await?;
    let mut tx = pool.begin().await?;
    let stored = one(&mut tx, id, true).await?;
    still_as_seen(&stored, changes.seen_version)?;
    if stored.state == WindowState::Cancelled {
        return Err(DbError::BadInput(format!("series {id} is cancelled")));
    }
    let next = changes.apply(&stored);
    next.series.validate().map_err(|e| DbError::BadInput(e.to_string()))?;
    if stored.follows.is_some() && (next.series.kind != WindowKind::Secondary || next.series.rule.is_some()) {
        return Err(DbError::BadInput("a secondary window keeps its kind and follows its primary's dates".into()));
    }
    let all = stored_all(&mut tx).await?;
    check_freezes(&all, &next, next.freeze_override.as_deref())?;
    let s = &next.series;
    sqlx::query(
        "UPDATE maintenance_series SET services = $2, kind = $3, impact = $4, start_local = $5, length_seconds = $6,
                rule = $7, reason = $8, freeze_override = $9, breaking = $10
         WHERE id = $1",
    )
    .bind(id)
    .bind(&s.services)
    .bind(s.kind.as_str())
    .bind(s.impact.as_str())
    .bind(s.start)
    .bind(s.length.num_seconds())
    .bind(&s.rule)
    .bind(&next.reason)
    .bind(&next.freeze_override)
    .bind(next.breaking)
    .execute(&mut *tx)
    .await
    .map_err(ledger::refused("edit maintenance"))?;
    let moves = (s.start, s.length, &s.rule) != (stored.series.start, stored.series.length, &stored.series.rule)
        || s.services != stored.series.services;
    // A change of the window itself voids its approvals: an approved window waits for them again.
    if stored.state == WindowState::Approved && !ledger::missing_now(&mut tx, &agreements, id).await?.is_empty() {
        ledger::set_state(&mut tx, id, WindowState::Proposed).await?;
    }
    let announced_to = if stored.state == WindowState::Announced {
        Some(ledger::tell(&mut tx, &agreements, id, AnnouncementKind::Change, None, moves).await?)
    } else {
        None
    };
    let version = one(&mut tx, id, false).await?.version;
    tx.commit().await?;
    Ok(Edited { version, announced_to })
}

/// Where one window goes, and on what the move was decided.
#[derive(Debug, Clone, Copy)]
pub struct MoveTo<'a> {
    pub start: NaiveDateTime,
    /// `None` keeps its current length.
    pub length: Option<Duration>,
    pub note: &'a str,
    pub freeze_override: Option<&'a str>,
    /// As [`Changes::seen_version`].
    pub seen_version: Option<i32>,
}

/// Moves one window of a series (named by the local date it has in the series) to `start` for `length` (by
/// default its current length), like iCalendar's RECURRENCE-ID. An announced series announces the move.
pub async fn move_occurrence(
    pool: &PgPool,
    id: i64,
    date: chrono::NaiveDate,
    to: &MoveTo<'_>,
) -> Result<Edited, DbError> {
    let MoveTo { start, length, note, freeze_override, seen_version } = *to;
    let agreements = ledger::agreements_now(pool).await?;
    let mut tx = pool.begin().await?;
    let stored = one(&mut tx, id, true).await?;
    still_as_seen(&stored, seen_version)?;
    if stored.state == WindowState::Cancelled {
        return Err(DbError::BadInput(format!("series {id} is cancelled")));
    }
    if stored.follows.is_some() {
        return Err(DbError::BadInput(format!(
            "series {id} follows its primary: move the primary's window and this one moves with it"
        )));
    }
    let all = stored_all(&mut tx).await?;
    let current = stored.series.moved.iter().find(|m| m.date == date);
    let unmoved = {
        let mut plain = stored.series.clone();
        plain.moved.retain(|m| m.date != date);
        plain
    };
    let day = date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let exists = unmoved
        .occurrences(day - Duration::days(1), day + Duration::days(2))
        .map_err(|e| DbError::BadInput(e.to_string()))?
        .iter()
        .any(|o| o.local_date == date);
    if !exists {
        return Err(DbError::BadInput(format!("series {id} has no window on {date} (the date it has in the series)")));
    }
    let moved = Moved { date, start, length: length.or(current.map(|m| m.length)).unwrap_or(stored.series.length) };
    stored.series.validate_move(&moved).map_err(|e| DbError::BadInput(e.to_string()))?;
    let mut candidate = stored.clone();
    candidate.series.moved = unmoved.moved.clone();
    candidate.series.moved.push(moved);
    check_freezes(&all, &candidate, freeze_override.or(stored.freeze_override.as_deref()))?;
    sqlx::query(
        "INSERT INTO maintenance_moves (series_id, occurrence, start_local, length_seconds, note)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (series_id, occurrence) DO UPDATE
         SET start_local = excluded.start_local, length_seconds = excluded.length_seconds, note = excluded.note",
    )
    .bind(id)
    .bind(date)
    .bind(start)
    .bind(moved.length.num_seconds())
    .bind(note.trim())
    .execute(&mut *tx)
    .await
    .map_err(ledger::refused("move maintenance"))?;
    let announced_to = if stored.state == WindowState::Announced {
        Some(ledger::tell(&mut tx, &agreements, id, AnnouncementKind::Change, Some(date), true).await?)
    } else {
        None
    };
    let version = one(&mut tx, id, false).await?.version;
    tx.commit().await?;
    Ok(Edited { version, announced_to })
}

/// The series (locked by the caller) is still at the version the user saw, or the change is a conflict.
fn still_as_seen(stored: &StoredSeries, seen_version: Option<i32>) -> Result<(), DbError> {
    match seen_version {
        Some(seen) if seen != stored.version => Err(DbError::Conflict(format!(
            "series {} was changed by someone else since you opened the form (version {seen}, now {}); nothing \
             was overwritten",
            stored.id, stored.version
        ))),
        _ => Ok(()),
    }
}
