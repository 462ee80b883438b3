//! The heat-map's grid, side panel and drill-down as the console and `vakt heatmap` read them: the grid from the
//! per-service-day rollup (or, for availability, the measure of each column), where each service stands this month,
//! and the incidents and outages behind one cell.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::PgPool;

use super::{DbError, heatmap, outages};
use crate::domain::availability::forecast::year_forecast;
use crate::domain::heatmap::grid::{CellDetail, CellIncident, CellOutage, Grid, GridRequest, Service, Standing};
use crate::domain::heatmap::{Cell, DayFigures, Metric};

/// Incidents listed behind one cell at most; the count says when there were more.
pub const CELL_INCIDENTS: i64 = 500;

/// The grid of a request: every service of the agreement (or all), one cell per whole column.
pub async fn grid(pool: &PgPool, request: &GridRequest) -> Result<Grid, DbError> {
    let services: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT s.code, s.name, a.code, o.name
         FROM public.services s
         JOIN public.agreements a ON a.id = s.agreement_id
         JOIN public.organisations o ON o.id = s.owner_id
         WHERE $1::text IS NULL OR upper(a.code) = upper($1)",
    )
    .bind(request.agreement.as_deref())
    .fetch_all(pool)
    .await?;
    if services.is_empty() {
        return Err(DbError::BadInput(match &request.agreement {
            Some(code) => format!("no agreement '{code}' with services"),
            None => "there are no services yet".into(),
        }));
    }
    let services = services
        .into_iter()
        .map(|(code, name, agreement, organisation)| Service { code, name, agreement, organisation })
        .collect();
    let mut grid = Grid::new(request.clone(), services);
    let Some((first, after)) = grid.span() else { return Ok(grid) };
    if request.metric == Metric::Availability {
        let targeted = with_targets(pool, &grid).await?;
        let periods: Vec<(String, NaiveDate, NaiveDate)> =
            grid.columns.iter().map(|(start, end)| (start.to_string(), *start, *end)).collect();
        for (column, measured) in outages::availability_in(pool, &targeted, &periods).await?.into_iter().enumerate() {
            for found in measured {
                grid.set(&found.service, column, Cell::of_availability(found.measured.as_ref()));
            }
        }
        return Ok(grid);
    }
    let bucket = request.bucket;
    let days =
        heatmap::service_columns(pool, bucket, first, after, request.agreement.as_deref(), request.max_rank).await?;
    grid.add_days(days.iter().map(|d| {
        let figures = DayFigures {
            received: u32::try_from(d.received).unwrap_or(u32::MAX),
            breaches: u32::try_from(d.breaches).unwrap_or(u32::MAX),
            worst_used: d.worst_used,
        };
        (d.service.as_str(), d.day, figures)
    }));
    Ok(grid)
}

/// The grid's services that have an availability target, by code.
async fn with_targets(pool: &PgPool, grid: &Grid) -> Result<Vec<String>, DbError> {
    let agreements = super::maintenance::agreements_by_service(pool, Utc::now().date_naive()).await?;
    Ok(grid
        .rows
        .iter()
        .map(|row| &row.service.code)
        .filter(|code| {
            agreements.get(*code).is_some_and(|a| a.spec().availability.iter().any(|t| t.services.contains(code)))
        })
        .cloned()
        .collect())
}

/// Where each service with an availability target stands in the month holding `today`, and, where its agreement
/// caps the outages of a year, how many the year has counted.
pub async fn standings(pool: &PgPool, today: NaiveDate) -> Result<HashMap<String, Standing>, DbError> {
    let agreements = super::maintenance::agreements_by_service(pool, today).await?;
    let mut targeted: Vec<String> = agreements
        .iter()
        .filter(|(code, a)| a.spec().availability.iter().any(|t| t.services.contains(code)))
        .map(|(code, _)| code.clone())
        .collect();
    targeted.sort();
    let month = today.format("%Y-%m").to_string();
    let measure = |first: NaiveDate, after: NaiveDate| {
        move |zone| Some((outages::midnight_in(first, zone)?, outages::midnight_in(after, zone)?))
    };
    let (first, after) = outages::period_dates(&month).ok_or_else(|| DbError::BadInput(month.clone()))?;
    let mut found: HashMap<String, Standing> = outages::availability(pool, &targeted, &month, measure(first, after))
        .await?
        .into_iter()
        .map(|a| {
            let standing =
                Standing { period: month.clone(), target: a.target, measured: a.measured, outages: None, year: None };
            (a.service, standing)
        })
        .collect();
    // The year's outages against a cap, and the year-end forecast of a yearly target.
    let yearly: Vec<String> = targeted
        .iter()
        .filter(|code| {
            agreements
                .get(*code)
                .and_then(|a| a.spec().availability.iter().find(|t| t.services.contains(code)))
                .is_some_and(|t| {
                    t.max_outages_per_year.is_some()
                        || t.period == crate::domain::agreement::spec::MeasuringPeriod::Year
                })
        })
        .cloned()
        .collect();
    if !yearly.is_empty() {
        let year = today.year().to_string();
        let (first, after) = outages::period_dates(&year).ok_or_else(|| DbError::BadInput(year.clone()))?;
        let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
        for a in outages::availability(pool, &yearly, &year, measure(first, after)).await? {
            let (Some(agreement), Some(standing), Some(measured)) =
                (agreements.get(&a.service), found.get_mut(&a.service), &a.measured)
            else {
                continue;
            };
            let Some(target) = agreement.spec().availability.iter().find(|t| t.services.contains(&a.service)) else {
                continue;
            };
            let cap = target.max_outages_per_year;
            standing.outages = cap.map(|cap| (measured.outages_counted, cap));
            let calendar = agreement.clock_calendar(&target.calendar);
            let year_start = outages::midnight_in(first, agreement.zone());
            if target.period == crate::domain::agreement::spec::MeasuringPeriod::Year {
                // A yearly target is judged on the year: the month alone would compare it with the wrong budget.
                standing.period = year.clone();
                standing.measured = Some(measured.clone());
                if let (Some(calendar), Some(year_start)) = (calendar, year_start) {
                    standing.year = year_forecast(measured, calendar, year_start, now, cap)
                        .map(|f| f.text(target.percent, cap, agreement.zone()));
                }
            }
        }
    }
    Ok(found)
}

/// The incidents received on `[from, to)` (local dates of the service's agreement) and the outages overlapping
/// those days, for one service.
pub async fn cell(
    pool: &PgPool,
    service: &str,
    from: NaiveDate,
    to: NaiveDate,
    max_rank: Option<i32>,
) -> Result<CellDetail, DbError> {
    // A day either side of the UTC bounds covers every zone; the local date decides, as in the rollup.
    type Row = (i64, String, String, String, DateTime<Utc>, String, i64);
    let mut rows: Vec<Row> = sqlx::query_as(
        "SELECT i.id, i.ref, coalesce(i.priority, ''), i.title, i.received_at, i.status,
                (public.vakt_clock_figures(i.sla_outcome, i.clocks)).breaches
         FROM public.incidents i
         JOIN public.services s ON s.id = i.service_id
         JOIN public.agreement_versions v ON v.id = i.agreement_version_id
         WHERE s.code = $1
           AND i.received_at >= ($2::date - 1)::timestamp AT TIME ZONE 'UTC'
           AND i.received_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
           AND (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date >= $2
           AND (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date < $3
           AND ($4::int IS NULL OR EXISTS (
                SELECT 1 FROM public.priorities p
                JOIN public.agreement_versions pv ON pv.id = p.agreement_version_id
                WHERE pv.agreement_id = s.agreement_id AND p.label = i.priority AND p.rank <= $4))
         ORDER BY i.received_at, i.id
         LIMIT $5",
    )
    .bind(service)
    .bind(from)
    .bind(to)
    .bind(max_rank)
    .bind(CELL_INCIDENTS + 1)
    .fetch_all(pool)
    .await?;
    let more = rows.len() > CELL_INCIDENTS as usize;
    rows.truncate(CELL_INCIDENTS as usize);
    let incidents = rows
        .into_iter()
        .map(|(id, reference, priority, title, received_at, status, breaches)| CellIncident {
            id,
            reference,
            priority,
            title,
            received_at,
            status,
            breaches,
        })
        .collect();
    let zone: Option<String> = sqlx::query_scalar(
        "SELECT v.document ->> 'zone' FROM public.services s
         JOIN public.agreement_versions v ON v.agreement_id = s.agreement_id
         WHERE s.code = $1 ORDER BY v.id DESC LIMIT 1",
    )
    .bind(service)
    .fetch_optional(pool)
    .await?
    .flatten();
    let zone: chrono_tz::Tz = zone.and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC);
    let bounds = outages::midnight_in(from, zone).zip(outages::midnight_in(to, zone));
    let outages = match bounds {
        Some((start, end)) => outages::list(pool, start, end, Some(service)).await?,
        None => Vec::new(),
    };
    let outages = outages
        .into_iter()
        .map(|o| CellOutage {
            id: o.id,
            start: o.start,
            end: o.end,
            impact: o.impact,
            exclusion: o.exclusion,
            incident: o.incident,
        })
        .collect();
    Ok(CellDetail { incidents, more, outages })
}
