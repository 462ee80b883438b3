//! Outages (migration 19) and the availability they give with the maintenance calendar, per service and period.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::DbError;
use crate::domain::availability::{self, Availability, Measure, Outage, PlannedWindow};
use crate::domain::maintenance::{Impact, WindowState, notice};

/// A new outage; the service and incident by their codes and reference.
#[derive(Debug, Clone, Default)]
pub struct NewOutage {
    pub service: String,
    pub incident: Option<String>,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub degraded: bool,
    pub exclusion: Option<String>,
    pub note: String,
}

/// An outage as listed.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OutageRow {
    pub id: i64,
    pub service: String,
    pub incident: Option<String>,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub impact: String,
    pub exclusion: Option<String>,
    pub exercise: bool,
    pub note: String,
    pub created_by: String,
}

fn refused(e: sqlx::Error) -> DbError {
    match DbError::from(e) {
        DbError::Refused(_) => DbError::Refused("only operators (vakt_operator) record outages".into()),
        other => other,
    }
}

pub async fn add(pool: &PgPool, new: &NewOutage) -> Result<i64, DbError> {
    if new.end.is_some_and(|end| end <= new.start) {
        return Err(DbError::BadInput("an outage ends after it starts".into()));
    }
    let service: Option<i64> = sqlx::query_scalar("SELECT id FROM services WHERE upper(code) = upper($1)")
        .bind(new.service.trim())
        .fetch_optional(pool)
        .await?;
    let service = service.ok_or_else(|| DbError::BadInput(format!("unknown service '{}'", new.service.trim())))?;
    let incident = match &new.incident {
        Some(reference) => Some(super::incidents::id_by_ref(pool, reference).await?),
        None => None,
    };
    sqlx::query_scalar(
        "INSERT INTO outages (service_id, incident_id, starts_at, ends_at, impact, exclusion, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(service)
    .bind(incident)
    .bind(new.start)
    .bind(new.end)
    .bind(if new.degraded { "degraded" } else { "unavailable" })
    .bind(new.exclusion.as_deref().map(str::trim).filter(|e| !e.is_empty()))
    .bind(new.note.trim())
    .fetch_one(pool)
    .await
    .map_err(refused)
}

/// Ends an open outage (or moves the end of a closed one).
pub async fn end(pool: &PgPool, id: i64, at: DateTime<Utc>) -> Result<(), DbError> {
    let start: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT starts_at FROM outages WHERE id = $1").bind(id).fetch_optional(pool).await?;
    let start = start.ok_or_else(|| DbError::NotFound(format!("no outage {id} (vakt outage list)")))?;
    if at <= start {
        return Err(DbError::BadInput(format!("outage {id} started {start}; it ends after that")));
    }
    sqlx::query("UPDATE outages SET ends_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(pool)
        .await
        .map_err(refused)?;
    Ok(())
}

/// Outages overlapping `[from, to)`, of one service or all, oldest first. An outage of an exercise's incident says
/// so.
pub async fn list(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    service: Option<&str>,
) -> Result<Vec<OutageRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT o.id, s.code AS service, i.ref AS incident, o.starts_at AS start, o.ends_at AS end, o.impact,
                o.exclusion, coalesce(m.exercise, false) AS exercise, o.note, o.created_by
         FROM outages o JOIN services s ON s.id = o.service_id
         LEFT JOIN incidents i ON i.id = o.incident_id LEFT JOIN majors m ON m.incident_id = o.incident_id
         WHERE o.starts_at < $2 AND (o.ends_at IS NULL OR o.ends_at > $1)
           AND ($3::text IS NULL OR upper(s.code) = upper($3))
         ORDER BY o.starts_at, o.id",
    )
    .bind(from)
    .bind(to)
    .bind(service)
    .fetch_all(pool)
    .await?)
}

/// One service's availability over a period, as `vakt availability` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAvailability {
    pub service: String,
    pub agreement: String,
    pub period: String,
    /// The target in percent, e.g. 99.9; `None` when the service has no availability target.
    pub target: Option<f64>,
    #[serde(flatten)]
    pub measured: Option<Availability>,
}

/// The availability of each service in scope over `[from, to)` (local midnights of the period in each agreement's
/// zone are the caller's), with the maintenance calendar's windows treated as each agreement says.
pub async fn availability(
    pool: &PgPool,
    services: &[String],
    period: &str,
    bounds: impl Fn(chrono_tz::Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<Vec<ServiceAvailability>, DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let agreements = super::maintenance::agreements_by_service(pool, now.date_naive()).await?;
    let series = super::maintenance::list(pool).await?;
    let mut found = Vec::new();
    for service in services {
        let Some(agreement) = agreements.get(service) else {
            return Err(DbError::BadInput(format!("unknown service '{service}'")));
        };
        let (from, to) =
            bounds(agreement.zone()).ok_or_else(|| DbError::BadInput(format!("no such period {period}")))?;
        let outages = list(pool, from, to, Some(service)).await?;
        let planned = super::maintenance::expand(&series, from, to)?;
        let context = Measuring { agreement, now, outages: &outages, planned: &planned };
        found.push(context.measure(service, period, from, to));
    }
    Ok(found)
}

/// The availability of each service in each of `periods` (label, first local day, first day after), from one read
/// of the outages and the maintenance calendar over them all: the heat-map's columns.
pub async fn availability_in(
    pool: &PgPool,
    services: &[String],
    periods: &[(String, NaiveDate, NaiveDate)],
) -> Result<Vec<Vec<ServiceAvailability>>, DbError> {
    let (Some(first), Some(after)) = (periods.iter().map(|p| p.1).min(), periods.iter().map(|p| p.2).max()) else {
        return Ok(Vec::new());
    };
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let agreements = super::maintenance::agreements_by_service(pool, now.date_naive()).await?;
    let series = super::maintenance::list(pool).await?;
    // A day either side covers every zone's midnights.
    let day = chrono::Duration::days(1);
    let span = (
        first.and_time(chrono::NaiveTime::MIN).and_utc() - day,
        after.and_time(chrono::NaiveTime::MIN).and_utc() + day,
    );
    let all_outages = list(pool, span.0, span.1, None).await?;
    let all_planned = super::maintenance::expand(&series, span.0, span.1)?;
    let mut found = vec![Vec::new(); periods.len()];
    for service in services {
        let Some(agreement) = agreements.get(service) else {
            return Err(DbError::BadInput(format!("unknown service '{service}'")));
        };
        let outages: Vec<OutageRow> = all_outages.iter().filter(|o| &o.service == service).cloned().collect();
        let context = Measuring { agreement, now, outages: &outages, planned: &all_planned };
        for ((label, first, after), column) in periods.iter().zip(found.iter_mut()) {
            let zone = agreement.zone();
            let (Some(from), Some(to)) = (midnight_in(*first, zone), midnight_in(*after, zone)) else {
                return Err(DbError::BadInput(format!("no such period {label}")));
            };
            column.push(context.measure(service, label, from, to));
        }
    }
    Ok(found)
}

/// What one agreement's measure needs, read once.
struct Measuring<'a> {
    agreement: &'a crate::domain::agreement::Agreement,
    now: DateTime<Utc>,
    /// The service's outages (at least those overlapping the period).
    outages: &'a [OutageRow],
    /// The maintenance calendar's windows (at least those overlapping the period).
    planned: &'a [super::maintenance::Planned],
}

impl Measuring<'_> {
    fn measure(&self, service: &str, period: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> ServiceAvailability {
        let agreement = self.agreement;
        let target = agreement.spec().availability.iter().find(|t| t.services.iter().any(|s| s == service));
        let Some((target, calendar)) = target.and_then(|t| agreement.clock_calendar(&t.calendar).map(|c| (t, c)))
        else {
            return ServiceAvailability {
                service: service.into(),
                agreement: agreement.code().into(),
                period: period.into(),
                target: None,
                measured: None,
            };
        };
        let (outages, windows) = self.inputs(service, from, to);
        let measure = Measure { calendar, target, from, to, now: self.now, degraded_is_down: target.degraded_is_down };
        ServiceAvailability {
            service: service.into(),
            agreement: agreement.code().into(),
            period: period.into(),
            target: Some(target.percent),
            measured: Some(availability::measure(measure, &outages, &windows)),
        }
    }

    /// The service's outages and maintenance windows in `[from, to)`, as the availability counts them.
    fn inputs(&self, service: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> (Vec<Outage>, Vec<PlannedWindow>) {
        let agreement = self.agreement;
        let outages: Vec<Outage> = self
            .outages
            .iter()
            .filter(|o| o.service == service && o.start < to && o.end.is_none_or(|end| end > from))
            .map(|o| Outage {
                id: o.id,
                start: o.start,
                end: o.end,
                degraded: o.impact == "degraded",
                exclusion: o.exclusion.clone(),
                exercise: o.exercise,
            })
            .collect();
        let rule = notice::required(agreement, service);
        let windows: Vec<PlannedWindow> = self
            .planned
            .iter()
            .filter(|p| p.start < to && p.end > from)
            .filter(|p| p.series.series.services.iter().any(|s| s == service) && !p.series.series.kind.is_period())
            .filter(|p| matches!(p.series.state, WindowState::Approved | WindowState::Announced))
            .map(|p| PlannedWindow {
                series_id: p.series.id,
                start: p.start,
                end: p.end,
                unavailable: p.series.series.impact == Impact::Unavailable,
                notice_ok: match (rule, p.series.announced_at) {
                    (None, _) => true,
                    (Some(rule), Some(at)) => notice::check(agreement, rule, at, p.start).ok,
                    (Some(_), None) => false,
                },
            })
            .collect();
        (outages, windows)
    }
}

/// The outages and maintenance windows of `service` in `[from, to)` as `agreement` counts them: what
/// `vakt agreement what-if` measures both versions' availability over.
pub async fn measuring_inputs(
    pool: &PgPool,
    agreement: &crate::domain::agreement::Agreement,
    service: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Vec<Outage>, Vec<PlannedWindow>), DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let outages = list(pool, from, to, Some(service)).await?;
    let series = super::maintenance::list(pool).await?;
    let planned = super::maintenance::expand(&series, from, to)?;
    let context = Measuring { agreement, now, outages: &outages, planned: &planned };
    Ok(context.inputs(service, from, to))
}

/// `[first day, first day after)` of a period written `2027-03`, `2027-T1` or `2027`.
pub fn period_dates(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let text = text.trim();
    if let Some((year, tertial)) = text.split_once("-T").or_else(|| text.split_once("-t")) {
        let (year, n): (i32, u32) = (year.parse().ok()?, tertial.parse().ok()?);
        let first = NaiveDate::from_ymd_opt(year, 1 + 4 * (n.checked_sub(1)?), 1).filter(|_| n <= 3)?;
        return Some((first, first.checked_add_months(chrono::Months::new(4))?));
    }
    if let Some((year, month)) = text.split_once('-') {
        let first = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?;
        return Some((first, first.checked_add_months(chrono::Months::new(1))?));
    }
    let first = NaiveDate::from_ymd_opt(text.parse().ok()?, 1, 1)?;
    Some((first, first.checked_add_months(chrono::Months::new(12))?))
}

/// Local midnight of `day` in `zone` (the first instant of the day).
pub fn midnight_in(day: NaiveDate, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    crate::domain::calendar::wall_clock::at_local(day.and_hms_opt(0, 0, 0)?, zone)
        .or_else(|| crate::domain::calendar::wall_clock::at_local(day.and_hms_opt(1, 0, 0)?, zone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_months_tertials_and_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(period_dates("2027-03"), Some((d(2027, 3, 1), d(2027, 4, 1))));
        assert_eq!(period_dates("2027-T2"), Some((d(2027, 5, 1), d(2027, 9, 1))));
        assert_eq!(period_dates("2027-T3"), Some((d(2027, 9, 1), d(2028, 1, 1))));
        assert_eq!(period_dates("2027"), Some((d(2027, 1, 1), d(2028, 1, 1))));
        for bad in ["2027-T4", "2027-T0", "2027-13", "soon", ""] {
            assert_eq!(period_dates(bad), None, "{bad}");
        }
    }
}
