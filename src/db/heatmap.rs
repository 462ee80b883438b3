//! The heat-map's incident figures per service and day on each agreement's wall clock (issue 11): incidents
//! received, SLA clocks breached and the worst share of a budget used, read from the clocks stored with each
//! incident (frozen at resolution, so a later agreement edit never moves a past cell).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use super::DbError;

/// One service's incidents received on one local day.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ServiceDay {
    pub service: String,
    pub agreement: String,
    pub day: NaiveDate,
    pub received: i64,
    pub breaches: i64,
    /// The worst elapsed/budget of any clock of the day's incidents; `None` when no clock has a budget.
    pub worst_used: Option<f64>,
}

/// The service-days of `[from, to)` (local dates), of one agreement or all, from the rollup (migration 20).
pub async fn service_days(
    pool: &PgPool,
    from: NaiveDate,
    to: NaiveDate,
    agreement: Option<&str>,
) -> Result<Vec<ServiceDay>, DbError> {
    service_days_ranked(pool, from, to, agreement, None).await
}

/// As [`service_days`], counting only incidents whose priority ranks `max_rank` or higher in their agreement.
pub async fn service_days_ranked(
    pool: &PgPool,
    from: NaiveDate,
    to: NaiveDate,
    agreement: Option<&str>,
    max_rank: Option<i32>,
) -> Result<Vec<ServiceDay>, DbError> {
    Ok(sqlx::query_as(
        "SELECT s.code AS service, a.code AS agreement, d.day, sum(d.received)::bigint AS received,
                sum(d.breaches)::bigint AS breaches, max(d.worst_used) AS worst_used
         FROM public.service_days d
         JOIN public.services s ON s.id = d.service_id
         JOIN public.agreements a ON a.id = s.agreement_id
         WHERE d.day >= $1 AND d.day < $2 AND ($3::text IS NULL OR upper(a.code) = upper($3))
           AND ($4::int IS NULL OR EXISTS (
                SELECT 1 FROM public.priorities p
                JOIN public.agreement_versions v ON v.id = p.agreement_version_id
                WHERE v.agreement_id = s.agreement_id AND p.label = d.priority AND p.rank <= $4))
         GROUP BY s.code, a.code, d.day ORDER BY s.code, d.day",
    )
    .bind(from)
    .bind(to)
    .bind(agreement)
    .bind(max_rank)
    .fetch_all(pool)
    .await?)
}

/// The same figures counted from the incidents themselves: what the rollup must always equal (its tests), and the
/// plain aggregation the heat-map is measured against (benches).
pub async fn service_days_recounted(
    pool: &PgPool,
    from: NaiveDate,
    to: NaiveDate,
    agreement: Option<&str>,
) -> Result<Vec<ServiceDay>, DbError> {
    // A day either side of the UTC bounds covers every zone; the local date decides.
    let rows: Vec<ServiceDay> = sqlx::query_as(
        "WITH days AS (
             SELECT s.code AS service, a.code AS agreement,
                    (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date AS day,
                    public.vakt_clock_figures(i.sla_outcome, i.clocks) AS f
             FROM public.incidents i
             JOIN public.services s ON s.id = i.service_id
             JOIN public.agreements a ON a.id = s.agreement_id
             JOIN public.agreement_versions v ON v.id = i.agreement_version_id
             WHERE i.received_at >= ($1::date - 1)::timestamp AT TIME ZONE 'UTC'
               AND i.received_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
               AND ($3::text IS NULL OR upper(a.code) = upper($3)))
         SELECT service, agreement, day, count(*)::bigint AS received,
                coalesce(sum((f).breaches), 0)::bigint AS breaches, max((f).worst_used) AS worst_used
         FROM days WHERE day >= $1 AND day < $2
         GROUP BY service, agreement, day ORDER BY service, day",
    )
    .bind(from)
    .bind(to)
    .bind(agreement)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// One incident of a heat-map cell, as a drill-down lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CellIncident {
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub priority: Option<String>,
    pub title: String,
    pub received_at: DateTime<Utc>,
}

/// The incidents of one service (by code) received in `[from, to)`, oldest first: the drill-down of one cell. The
/// caller turns the cell's local dates into instants on the agreement's wall clock, so the query stays a plain
/// range on `incidents (service_id, received_at)`, the index it is served from.
pub async fn cell_incidents(
    pool: &PgPool,
    service: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CellIncident>, DbError> {
    Ok(sqlx::query_as(
        "SELECT i.ref, i.priority, i.title, i.received_at
         FROM public.incidents i
         WHERE i.service_id = (SELECT s.id FROM public.services s WHERE s.code = $1)
           AND i.received_at >= $2 AND i.received_at < $3
         ORDER BY i.received_at, i.id",
    )
    .bind(service)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}
