//! The maintenance calendar's series (migration 14). Occurrences are expanded by the domain from what is stored
//! here; the database holds the series, never its expansion.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use sqlx::PgPool;

use super::DbError;

mod annotate;
mod edit;
pub mod ics;
mod ledger;
pub mod meetings;
pub mod periods;

use crate::app::model::MaintenanceWindow;
use crate::domain::maintenance::series::Occurrence;
use crate::domain::maintenance::series::{Linked, Moved, Series};
use crate::domain::maintenance::{Impact, OccurrenceNote, WindowKind, WindowState};
pub use annotate::annotate;
pub use edit::{Changes, Edited, MoveTo, edit, move_occurrence};
pub use ledger::{
    Announced, AnnouncementRow, ApprovalRow, Approved, Ledger, REMINDER_LEAD, announce, approve, ledger, remind_due,
};

/// A series as stored, with the domain's view of it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSeries {
    pub id: i64,
    pub state: WindowState,
    pub reason: String,
    pub series: Series,
    /// A secondary window: the primary it follows and how many days later.
    pub follows: Option<(i64, i64)>,
    pub created_by: String,
    pub version: i32,
    /// The version at which the window itself last changed (approvals before it are void).
    pub content_version: i32,
    /// Why an admin planned it inside a freeze.
    pub freeze_override: Option<String>,
    /// When its times were last announced: notice is measured from here.
    pub announced_at: Option<DateTime<Utc>>,
    /// Notes on single windows, by their local date.
    pub notes: Vec<OccurrenceNote>,
    /// It forces service owners or vendors to change their side (Altinn: 6 months' notice).
    pub breaking: bool,
}

impl StoredSeries {
    /// The link to its primary, when it is a secondary window.
    pub fn linked(&self) -> Option<Linked> {
        self.follows.map(|(_, days)| Linked {
            days_after: days,
            start_time: self.series.start.time(),
            length: self.series.length,
        })
    }
}

/// A new series; checked by the domain before it is written.
#[derive(Debug, Clone)]
pub struct NewSeries {
    pub series: Series,
    pub reason: String,
    pub follows: Option<(i64, i64)>,
    /// Why it may fall inside a freeze; without it, a window inside a freeze is refused.
    pub freeze_override: Option<String>,
    /// It forces service owners or vendors to change their side.
    pub breaking: bool,
}

/// How far around its date a window named by that date may be: moved, or running past midnight.
const REACH: Duration = Duration::days(33);

/// How far ahead a new or edited series is checked against freezes.
const FREEZE_HORIZON_DAYS: i64 = 2 * 366;

/// Refuses a window that falls inside a freeze on one of its services unless an admin says why (the one wall in
/// the calendar). `candidate` replaces the stored series with its id (an edit) or is new (id 0).
pub(crate) fn check_freezes(
    all: &[StoredSeries],
    candidate: &StoredSeries,
    override_reason: Option<&str>,
) -> Result<(), DbError> {
    if candidate.series.kind.is_period() || override_reason.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    let mut others: Vec<StoredSeries> = all.iter().filter(|s| s.id != candidate.id).cloned().collect();
    others.push(candidate.clone());
    let Some(first) = crate::domain::calendar::wall_clock::at_local(candidate.series.start, candidate.series.zone)
    else {
        return Ok(());
    };
    let (from, to) = (first - Duration::days(32), first + Duration::days(FREEZE_HORIZON_DAYS));
    let planned = expand(&others, from, to)?;
    let freezes: Vec<&Planned> = planned
        .iter()
        .filter(|p| p.series.series.kind == WindowKind::Freeze && p.series.state != WindowState::Cancelled)
        .filter(|p| p.series.series.services.iter().any(|s| candidate.series.services.contains(s)))
        .collect();
    for window in planned.iter().filter(|p| p.series.id == candidate.id) {
        if let Some(freeze) = freezes.iter().find(|f| f.start < window.end && window.start < f.end) {
            let local = |t: DateTime<Utc>| t.with_timezone(&candidate.series.zone).format("%Y-%m-%d %H:%M");
            return Err(DbError::BadInput(format!(
                "the window {} – {} falls inside the freeze {} – {} (series {}); an admin may plan it anyway \
                 with a reason (--override-freeze REASON)",
                local(window.start),
                local(window.end),
                local(freeze.start),
                local(freeze.end),
                freeze.series.id
            )));
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    services: Vec<String>,
    kind: String,
    state: String,
    impact: String,
    zone: String,
    start_local: NaiveDateTime,
    length_seconds: i64,
    rule: Option<String>,
    follows: Option<i64>,
    follow_days: Option<i32>,
    reason: String,
    cancelled_dates: Vec<NaiveDate>,
    created_by: String,
    version: i32,
    content_version: i32,
    freeze_override: Option<String>,
    announced_at: Option<DateTime<Utc>>,
    breaking: bool,
}

const SELECT: &str = "SELECT id, services, kind, state, impact, zone, start_local, length_seconds, rule, follows, \
                      follow_days, reason, cancelled_dates, created_by, version, content_version, freeze_override, breaking, \
                      (SELECT max(a.announced_at) FROM maintenance_announcements a \
                       WHERE a.series_id = maintenance_series.id AND a.moves) AS announced_at \
                      FROM maintenance_series";

fn stored(row: Row) -> Result<StoredSeries, DbError> {
    let unexpected =
        |what: &str, value: &str| DbError::Schema(format!("unexpected {what} '{value}' in maintenance_series"));
    Ok(StoredSeries {
        id: row.id,
        state: row.state.parse().map_err(|_| unexpected("state", &row.state))?,
        reason: row.reason,
        series: Series {
            services: row.services,
            kind: row.kind.parse().map_err(|_| unexpected("kind", &row.kind))?,
            impact: row.impact.parse::<Impact>().map_err(|_| unexpected("impact", &row.impact))?,
            zone: row.zone.parse().map_err(|_| unexpected("zone", &row.zone))?,
            start: row.start_local,
            length: Duration::seconds(row.length_seconds),
            rule: row.rule,
            cancelled: row.cancelled_dates,
            moved: Vec::new(),
        },
        follows: row.follows.zip(row.follow_days.map(i64::from)),
        created_by: row.created_by,
        version: row.version,
        content_version: row.content_version,
        freeze_override: row.freeze_override,
        announced_at: row.announced_at,
        notes: Vec::new(),
        breaking: row.breaking,
    })
}

/// One series by id, locked for the rest of the transaction when `lock`.
pub(crate) async fn one(conn: &mut sqlx::PgConnection, id: i64, lock: bool) -> Result<StoredSeries, DbError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1{}", if lock { " FOR UPDATE" } else { "" }));
    let row: Option<Row> = sqlx::query_as(sql).bind(id).fetch_optional(&mut *conn).await?;
    let mut one = match row {
        Some(row) => stored(row)?,
        None => return Err(DbError::NotFound(format!("no maintenance series {id} (`vakt maintenance list`)"))),
    };
    one.series.moved = moves(&mut *conn, Some(id)).await?.into_iter().map(|(_, m)| m).collect();
    one.notes = notes(conn, Some(id)).await?.into_iter().map(|(_, n)| n).collect();
    Ok(one)
}

/// Notes on single windows, of one series or of all, by series id.
async fn notes(conn: &mut sqlx::PgConnection, series: Option<i64>) -> Result<Vec<(i64, OccurrenceNote)>, DbError> {
    let rows: Vec<(i64, NaiveDate, bool, String)> = sqlx::query_as(
        "SELECT series_id, occurrence, unfinished, note FROM maintenance_notes
         WHERE $1::bigint IS NULL OR series_id = $1 ORDER BY series_id, occurrence",
    )
    .bind(series)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id, date, unfinished, note)| (id, OccurrenceNote { date, unfinished, note })).collect())
}

/// Notes a window of a series (admins): its work left unfinished (the secondary window is then for it), and text.
pub async fn annotate_occurrence(
    pool: &PgPool,
    id: i64,
    date: NaiveDate,
    unfinished: bool,
    note: &str,
) -> Result<(), DbError> {
    let mut tx = pool.begin().await?;
    let stored = one(&mut tx, id, false).await?;
    let all = stored_all(&mut tx).await?;
    let day = date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    if !expand(&all, day - REACH, day + REACH)?.iter().any(|p| p.series.id == stored.id && p.local_date == date) {
        return Err(DbError::BadInput(format!("series {id} has no window on {date} (the date it has in the series)")));
    }
    sqlx::query(
        "INSERT INTO maintenance_notes (series_id, occurrence, unfinished, note) VALUES ($1, $2, $3, $4)
         ON CONFLICT (series_id, occurrence) DO UPDATE SET unfinished = excluded.unfinished, note = excluded.note",
    )
    .bind(id)
    .bind(date)
    .bind(unfinished)
    .bind(note.trim())
    .execute(&mut *tx)
    .await
    .map_err(ledger::refused("note maintenance"))?;
    tx.commit().await?;
    Ok(())
}

/// Windows moved on their own, of one series or of all, by series id.
async fn moves(conn: &mut sqlx::PgConnection, series: Option<i64>) -> Result<Vec<(i64, Moved)>, DbError> {
    let rows: Vec<(i64, NaiveDate, NaiveDateTime, i64)> = sqlx::query_as(
        "SELECT series_id, occurrence, start_local, length_seconds FROM maintenance_moves
         WHERE $1::bigint IS NULL OR series_id = $1 ORDER BY series_id, occurrence",
    )
    .bind(series)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, date, start, length)| (id, Moved { date, start, length: Duration::seconds(length) }))
        .collect())
}

/// Adds a series (admins). The domain checks it first, so a bad one is explained, not half-saved.
pub async fn add(pool: &PgPool, new: &NewSeries) -> Result<i64, DbError> {
    new.series.validate().map_err(|e| DbError::BadInput(e.to_string()))?;
    if new.follows.is_some() && new.series.kind != WindowKind::Secondary {
        return Err(DbError::BadInput("only a secondary window follows a primary one".into()));
    }
    if let Some((primary, _)) = new.follows {
        let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM maintenance_series WHERE id = $1")
            .bind(primary)
            .fetch_optional(pool)
            .await?;
        if kind.as_deref() != Some(WindowKind::Primary.as_str()) {
            return Err(DbError::BadInput(format!("series {primary} is not a primary window to follow")));
        }
    }
    let candidate = StoredSeries {
        id: 0,
        state: WindowState::Draft,
        reason: new.reason.clone(),
        series: new.series.clone(),
        follows: new.follows,
        created_by: String::new(),
        version: 1,
        content_version: 1,
        freeze_override: None,
        announced_at: None,
        notes: Vec::new(),
        breaking: new.breaking,
    };
    check_freezes(&list(pool).await?, &candidate, new.freeze_override.as_deref())?;
    let s = &new.series;
    let id = sqlx::query_scalar(
        "INSERT INTO maintenance_series (services, kind, impact, zone, start_local, length_seconds, rule, follows,
                                         follow_days, reason, freeze_override, breaking)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&s.services)
    .bind(s.kind.as_str())
    .bind(s.impact.as_str())
    .bind(s.zone.name())
    .bind(s.start)
    .bind(s.length.num_seconds())
    .bind(&s.rule)
    .bind(new.follows.map(|(id, _)| id))
    .bind(new.follows.and_then(|(_, days)| i32::try_from(days).ok()))
    .bind(new.reason.trim())
    .bind(new.freeze_override.as_deref().map(str::trim).filter(|r| !r.is_empty()))
    .bind(new.breaking)
    .fetch_one(pool)
    .await
    .map_err(ledger::refused("plan maintenance"))?;
    Ok(id)
}

/// Cancels one occurrence of a series (its local start date) or, without a date, the whole series (admins). An
/// announced series announces the cancellation to the same recipients. Returns what was cancelled, for the
/// message.
pub async fn cancel(pool: &PgPool, id: i64, occurrence: Option<NaiveDate>, reason: &str) -> Result<String, DbError> {
    let agreements = ledger::agreements_now(pool).await?;
    let mut tx = pool.begin().await?;
    let stored = one(&mut tx, id, true).await?;
    if stored.state == WindowState::Cancelled {
        return Err(DbError::BadInput(format!("series {id} is cancelled already")));
    }
    let what = match occurrence {
        Some(date) => {
            // The date must name a window of the series (it may have been moved away from it).
            let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            let all = stored_all(&mut tx).await?;
            let windows = expand(&all, day(date) - REACH, day(date) + REACH)?;
            if !windows.iter().any(|w| w.series.id == id && w.local_date == date) {
                return Err(DbError::BadInput(format!("series {id} has no window starting on {date}")));
            }
            sqlx::query(
                "UPDATE maintenance_series SET cancelled_dates = array_append(cancelled_dates, $2),
                        reason = CASE WHEN $3 = '' THEN reason ELSE left(reason || E'\\n' || $3, 4000) END
                 WHERE id = $1",
            )
            .bind(id)
            .bind(date)
            .bind(reason.trim())
            .execute(&mut *tx)
            .await
            .map_err(ledger::refused("cancel maintenance"))?;
            format!("the window of series {id} on {date} is cancelled")
        }
        None => {
            ledger::set_state(&mut tx, id, WindowState::Cancelled).await?;
            format!("series {id} is cancelled")
        }
    };
    let told = if stored.state == WindowState::Announced {
        let kind = crate::domain::maintenance::announcement::AnnouncementKind::Cancel;
        Some(ledger::tell(&mut tx, &agreements, id, kind, occurrence, true).await?)
    } else {
        None
    };
    tx.commit().await?;
    let what = match told {
        Some(n) => format!("{what}; the cancellation is announced to {n} recipients"),
        None => what,
    };
    Ok(if reason.trim().is_empty() { what } else { format!("{what}: {}", reason.trim()) })
}

/// Every series that is not cancelled as a whole.
pub async fn list(pool: &PgPool) -> Result<Vec<StoredSeries>, DbError> {
    Ok(list_all(pool).await?.into_iter().filter(|s| s.state != WindowState::Cancelled).collect())
}

/// Every series, cancelled ones too (an export says they are cancelled).
pub async fn list_all(pool: &PgPool) -> Result<Vec<StoredSeries>, DbError> {
    stored_all(&mut *pool.acquire().await?).await
}

/// As [`list_all`], on a connection (inside a transaction).
pub(crate) async fn stored_all(conn: &mut sqlx::PgConnection) -> Result<Vec<StoredSeries>, DbError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY id"));
    let rows: Vec<Row> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    let mut all: Vec<StoredSeries> = rows.into_iter().map(stored).collect::<Result<_, _>>()?;
    for (id, moved) in moves(&mut *conn, None).await? {
        if let Some(series) = all.iter_mut().find(|s| s.id == id) {
            series.series.moved.push(moved);
        }
    }
    for (id, note) in notes(conn, None).await? {
        if let Some(series) = all.iter_mut().find(|s| s.id == id) {
            series.notes.push(note);
        }
    }
    Ok(all)
}

/// One occurrence of a stored series, for lists, exports and checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub series: StoredSeries,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub local_date: NaiveDate,
    /// A secondary window: the date (its name) of the primary window it follows.
    pub primary_date: Option<NaiveDate>,
}

/// The occurrences of every series overlapping `[from, to)`, secondary windows after the primaries they follow,
/// sorted by start.
pub fn expand(all: &[StoredSeries], from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Planned>, DbError> {
    let mut planned = Vec::new();
    for stored in all {
        let occurrences: Vec<(Occurrence, Option<NaiveDate>)> = match (stored.follows, stored.linked()) {
            (Some((primary, days)), Some(linked)) => {
                let Some(primary) = all.iter().find(|p| p.id == primary) else { continue };
                let reach = Duration::days(days);
                let primaries =
                    primary.series.occurrences(from - reach, to).map_err(|e| DbError::Schema(e.to_string()))?;
                primaries
                    .iter()
                    .flat_map(|p| {
                        linked
                            .follow(std::slice::from_ref(p), stored.series.zone)
                            .into_iter()
                            .map(|o| (o, Some(p.local_date)))
                    })
                    .filter(|(o, _)| o.end > from && o.start < to && !stored.series.cancelled.contains(&o.local_date))
                    .collect()
            }
            _ => stored
                .series
                .occurrences(from, to)
                .map_err(|e| DbError::Schema(e.to_string()))?
                .into_iter()
                .map(|o| (o, None))
                .collect(),
        };
        planned.extend(occurrences.into_iter().map(|(o, primary_date)| Planned {
            series: stored.clone(),
            start: o.start,
            end: o.end,
            local_date: o.local_date,
            primary_date,
        }));
    }
    planned.sort_by_key(|p| (p.start, p.series.id));
    Ok(planned)
}

/// The agreement in force today for each service, by service code (notice rules, budgets, zones).
pub async fn agreements_by_service(
    pool: &PgPool,
    today: NaiveDate,
) -> Result<std::collections::HashMap<String, std::sync::Arc<crate::domain::agreement::Agreement>>, DbError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT s.code, a.code FROM services s JOIN agreements a ON a.id = s.agreement_id")
            .fetch_all(pool)
            .await?;
    let mut by_code = std::collections::HashMap::new();
    let mut result = std::collections::HashMap::new();
    for (service, agreement) in rows {
        if !by_code.contains_key(&agreement) {
            let stored = super::agreements::version_in_force(pool, &agreement, today).await?;
            by_code.insert(agreement.clone(), stored.agreement);
        }
        if let Some(found) = by_code.get(&agreement) {
            result.insert(service, found.clone());
        }
    }
    Ok(result)
}

pub type Agreements = std::collections::HashMap<String, std::sync::Arc<crate::domain::agreement::Agreement>>;

pub fn occurrence(p: &Planned) -> Occurrence {
    Occurrence { start: p.start, end: p.end, local_date: p.local_date }
}

/// How far ahead the board's service windows are loaded.
const SERVICE_WINDOW_HORIZON: Duration = Duration::hours(36);

/// Approved or announced windows that take services down or degrade them, running now or within the next
/// [`SERVICE_WINDOW_HORIZON`] by the database's clock: the board marks the incidents of services under them.
pub async fn service_windows(pool: &PgPool) -> Result<crate::app::model::ServiceWindows, DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let until = now + SERVICE_WINDOW_HORIZON;
    let windows = expand(&list(pool).await?, now, until)?
        .into_iter()
        .filter(|p| matches!(p.series.state, WindowState::Approved | WindowState::Announced))
        .filter(|p| !p.series.series.kind.is_period() && p.series.series.impact != Impact::None)
        .map(|p| crate::app::model::ServiceWindow {
            series_id: p.series.id,
            services: p.series.series.services.clone(),
            kind: p.series.series.kind.as_str().into(),
            start: p.start,
            end: p.end,
        })
        .collect();
    Ok(crate::app::model::ServiceWindows { windows, until: Some(until) })
}

/// The windows touching the dates `from` up to `to` (UTC midnights; the console asks with a day to spare at each
/// end), annotated by the database's clock, for the console's calendar.
pub async fn agenda(pool: &PgPool, from: NaiveDate, to: NaiveDate) -> Result<Vec<MaintenanceWindow>, DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let all = list(pool).await?;
    let midnight = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    let planned = expand(&all, midnight(from), midnight(to))?;
    let agreements = agreements_by_service(pool, now.date_naive()).await?;
    let mut rows: Vec<MaintenanceWindow> = planned.iter().map(|p| annotate(p, &planned, &agreements, now)).collect();
    with_period_warnings(&mut rows, &all, &agreements, from, to, now)?;
    Ok(rows)
}

/// The budget and release-plan warnings of the period, on the windows they concern (the console's calendar).
pub fn with_period_warnings(
    rows: &mut [MaintenanceWindow],
    all: &[StoredSeries],
    agreements: &Agreements,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let budgets = periods::budget_warnings(all, agreements, from, to)?;
    let plans = periods::release_plan_warnings(all, agreements, now)?;
    periods::attach(rows, &budgets, &plans, periods::local_year);
    Ok(())
}
