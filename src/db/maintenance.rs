//! The maintenance calendar's series (migration 14). Occurrences are expanded by the domain from what is stored
//! here; the database holds the series, never its expansion.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use sqlx::PgPool;

use super::DbError;
use crate::app::model::{MaintenanceNotice, MaintenanceWarning, MaintenanceWindow};
use crate::domain::maintenance::notice;
use crate::domain::maintenance::series::Occurrence;
use crate::domain::maintenance::series::{Linked, Series};
use crate::domain::maintenance::warnings::{self, Warning};
use crate::domain::maintenance::{Impact, WindowKind, WindowState};

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
}

type Row = (
    i64,
    Vec<String>,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    i64,
    Option<String>,
    Option<i64>,
    Option<i32>,
    String,
    Vec<NaiveDate>,
    String,
    i32,
);

const SELECT: &str = "SELECT id, services, kind, state, impact, zone, start_local, length_seconds, rule, follows, \
                      follow_days, reason, cancelled_dates, created_by, version FROM maintenance_series";

fn stored(row: Row) -> Result<StoredSeries, DbError> {
    let (id, services, kind, state, impact, zone, start, length, rule, follows, days, reason, cancelled, by, version) =
        row;
    let unexpected =
        |what: &str, value: &str| DbError::Schema(format!("unexpected {what} '{value}' in maintenance_series"));
    Ok(StoredSeries {
        id,
        state: state.parse().map_err(|_| unexpected("state", &state))?,
        reason,
        series: Series {
            services,
            kind: kind.parse().map_err(|_| unexpected("kind", &kind))?,
            impact: impact.parse::<Impact>().map_err(|_| unexpected("impact", &impact))?,
            zone: zone.parse().map_err(|_| unexpected("zone", &zone))?,
            start,
            length: Duration::seconds(length),
            rule,
            cancelled,
        },
        follows: follows.zip(days.map(i64::from)),
        created_by: by,
        version,
    })
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
    let s = &new.series;
    let id = sqlx::query_scalar(
        "INSERT INTO maintenance_series (services, kind, impact, zone, start_local, length_seconds, rule, follows,
                                         follow_days, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
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
    .fetch_one(pool)
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::Refused(_) => DbError::Refused("only an admin (vakt_admin) may plan maintenance".into()),
        other => other,
    })?;
    Ok(id)
}

/// Cancels one occurrence of a series (its local start date) or, without a date, the whole series (admins).
/// Returns what was cancelled, for the message.
pub async fn cancel(pool: &PgPool, id: i64, occurrence: Option<NaiveDate>, reason: &str) -> Result<String, DbError> {
    let Some(stored) = list_all(pool).await?.into_iter().find(|s| s.id == id) else {
        return Err(DbError::NotFound(format!("no maintenance series {id} (`vakt maintenance list`)")));
    };
    if stored.state == WindowState::Cancelled {
        return Err(DbError::BadInput(format!("series {id} is cancelled already")));
    }
    let note = |what: String| if reason.trim().is_empty() { what } else { format!("{what}: {}", reason.trim()) };
    let refused = |e: sqlx::Error| match DbError::from(e) {
        DbError::Refused(_) => DbError::Refused("only an admin (vakt_admin) may cancel maintenance".into()),
        other => other,
    };
    match occurrence {
        Some(date) => {
            // The date must name a window of the series: that day, a day either side for windows past midnight.
            let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            let all = list_all(pool).await?;
            let windows = expand(&all, day(date) - Duration::days(1), day(date) + Duration::days(2))?;
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
            .execute(pool)
            .await
            .map_err(refused)?;
            Ok(note(format!("the window of series {id} on {date} is cancelled")))
        }
        None => {
            sqlx::query("UPDATE maintenance_series SET state = 'cancelled' WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await
                .map_err(refused)?;
            Ok(note(format!("series {id} is cancelled")))
        }
    }
}

/// Every series that is not cancelled as a whole.
pub async fn list(pool: &PgPool) -> Result<Vec<StoredSeries>, DbError> {
    Ok(list_all(pool).await?.into_iter().filter(|s| s.state != WindowState::Cancelled).collect())
}

/// Every series, cancelled ones too (an export says they are cancelled).
pub async fn list_all(pool: &PgPool) -> Result<Vec<StoredSeries>, DbError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY id"));
    let rows: Vec<Row> = sqlx::query_as(sql).fetch_all(pool).await?;
    rows.into_iter().map(stored).collect()
}

/// One occurrence of a stored series, for lists, exports and checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub series: StoredSeries,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub local_date: NaiveDate,
}

/// The occurrences of every series overlapping `[from, to)`, secondary windows after the primaries they follow,
/// sorted by start.
pub fn expand(all: &[StoredSeries], from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Planned>, DbError> {
    let mut planned = Vec::new();
    for stored in all {
        let occurrences = match (stored.follows, stored.linked()) {
            (Some((primary, days)), Some(linked)) => {
                let Some(primary) = all.iter().find(|p| p.id == primary) else { continue };
                let reach = Duration::days(days);
                let primaries =
                    primary.series.occurrences(from - reach, to).map_err(|e| DbError::Schema(e.to_string()))?;
                linked
                    .follow(&primaries, stored.series.zone)
                    .into_iter()
                    .filter(|o| o.end > from && o.start < to && !stored.series.cancelled.contains(&o.local_date))
                    .collect()
            }
            _ => stored.series.occurrences(from, to).map_err(|e| DbError::Schema(e.to_string()))?,
        };
        planned.extend(occurrences.into_iter().map(|o| Planned {
            series: stored.clone(),
            start: o.start,
            end: o.end,
            local_date: o.local_date,
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

/// A window with its notice (as of `now`) and its warnings: overlaps on shared services, freezes and high-volume
/// periods, daylight-saving changes, notice too short.
pub fn annotate(p: &Planned, all: &[Planned], agreements: &Agreements, now: DateTime<Utc>) -> MaintenanceWindow {
    let s = &p.series.series;
    let window = occurrence(p);
    let mut found: Vec<Warning> = Vec::new();
    if !s.kind.is_period() {
        let others: Vec<(&[String], Vec<Occurrence>)> = all
            .iter()
            .filter(|o| o.series.id != p.series.id && !o.series.series.kind.is_period())
            .map(|o| (&o.series.series.services[..], vec![occurrence(o)]))
            .collect();
        found.extend(warnings::overlaps(&window, &s.services, others.iter().map(|(sv, oc)| (*sv, &oc[..]))));
        let periods: Vec<Occurrence> = all
            .iter()
            .filter(|o| {
                o.series.series.kind.is_period() && o.series.series.services.iter().any(|x| s.services.contains(x))
            })
            .map(occurrence)
            .collect();
        found.extend(warnings::inside_periods(&window, &periods));
    }
    found.extend(warnings::crosses_dst(&window, s.zone));
    let mut texts: Vec<MaintenanceWarning> =
        found.iter().map(|w| MaintenanceWarning { code: w.code().into(), text: describe(w, s.zone) }).collect();
    // Until announcements are recorded, notice is measured from now: what announcing now would give.
    let rule = s
        .services
        .iter()
        .filter_map(|sv| agreements.get(sv).and_then(|a| notice::required(a, sv).map(|n| (a.clone(), n))))
        .max_by_key(|(_, n)| n.amount);
    let notice = rule.filter(|_| !s.kind.is_period() && p.start > now).map(|(agreement, required)| {
        let checked = notice::check(&agreement, required, now, p.start);
        if !checked.ok {
            texts.push(MaintenanceWarning {
                code: "notice_short".into(),
                text: format!(
                    "announced now it gets {} of the {} {} {} requires",
                    checked.given,
                    required.amount,
                    unit(required.unit),
                    agreement.code()
                ),
            });
        }
        let working = required.unit == crate::domain::agreement::spec::NoticeUnit::WorkingDays;
        MaintenanceNotice {
            given_working_days: working.then_some(checked.given),
            required_working_days: working.then_some(required.amount),
            given_days: (!working).then_some(checked.given),
            required_days: (!working).then_some(required.amount),
            ok: checked.ok,
        }
    });
    MaintenanceWindow {
        id: format!("{}:{}", p.series.id, p.local_date),
        series_id: p.series.id,
        services: s.services.clone(),
        kind: s.kind.as_str().into(),
        state: p.series.state.as_str().into(),
        impact: s.impact.as_str().into(),
        start: p.start,
        end: p.end,
        zone: s.zone.name().into(),
        notice,
        warnings: texts,
    }
}

fn unit(unit: crate::domain::agreement::spec::NoticeUnit) -> &'static str {
    match unit {
        crate::domain::agreement::spec::NoticeUnit::WorkingDays => "working days",
        crate::domain::agreement::spec::NoticeUnit::Days => "days",
    }
}

fn describe(warning: &Warning, zone: chrono_tz::Tz) -> String {
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    match warning {
        Warning::Overlap { service, other } => {
            format!("overlaps another window on {service} from {}", local(other.start))
        }
        Warning::InsidePeriod { period } => {
            format!("inside a freeze or high-volume period {} – {}", local(period.start), local(period.end))
        }
        Warning::CrossesDst { wall } => format!(
            "crosses a daylight-saving change: {} on the wall clock",
            crate::domain::text::duration::compact(*wall)
        ),
    }
}

/// The windows of the next four months by the database's clock, annotated, for the console's calendar.
pub async fn agenda(pool: &PgPool) -> Result<Vec<MaintenanceWindow>, DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let all = list(pool).await?;
    let planned = expand(&all, now, now + Duration::days(122))?;
    let agreements = agreements_by_service(pool, now.date_naive()).await?;
    Ok(planned.iter().map(|p| annotate(p, &planned, &agreements, now)).collect())
}
