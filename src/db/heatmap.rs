//! The heat-map's incident figures per service and day on each agreement's wall clock (issue 11): incidents
//! received, SLA clocks breached and the worst share of a budget used, read from the clocks stored with each
//! incident (frozen at resolution, so a later agreement edit never moves a past cell).

use chrono::{Datelike, NaiveDate};
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
    Ok(sqlx::query_as(
        "SELECT s.code AS service, a.code AS agreement, d.day, sum(d.received)::bigint AS received,
                sum(d.breaches)::bigint AS breaches, max(d.worst_used) AS worst_used
         FROM public.service_days d
         JOIN public.services s ON s.id = d.service_id
         JOIN public.agreements a ON a.id = s.agreement_id
         WHERE d.day >= $1 AND d.day < $2 AND ($3::text IS NULL OR upper(a.code) = upper($3))
         GROUP BY s.code, a.code, d.day ORDER BY s.code, d.day",
    )
    .bind(from)
    .bind(to)
    .bind(agreement)
    .fetch_all(pool)
    .await?)
}

/// The figures of whole columns (`[from, to)` in whole days, weeks, months or tertials), summed in the database: one
/// row per service and column instead of one per service, day and priority, which is what the heat-map reads. The
/// row's `day` is the column's first day.
pub async fn service_columns(
    pool: &PgPool,
    bucket: crate::domain::heatmap::Bucket,
    from: NaiveDate,
    to: NaiveDate,
    agreement: Option<&str>,
    max_rank: Option<i32>,
) -> Result<Vec<ServiceDay>, DbError> {
    use crate::domain::heatmap::Bucket;
    let width = match bucket {
        Bucket::Day => "day",
        Bucket::Week => "week",
        Bucket::Month => "month",
        Bucket::Tertial => "tertial",
    };
    // Whole ISO weeks of every service come summed already (migration 38). Otherwise, without filters the rollup is
    // summed on its own and named afterwards: no join inside the sum, no sort (the grid places each row itself).
    // With a filter the services are narrowed first.
    let whole_weeks = bucket == Bucket::Week && [from, to].iter().all(|d| d.weekday() == chrono::Weekday::Mon);
    let sql = match (agreement, max_rank) {
        (None, None) if whole_weeks => WEEKS_ALL,
        (None, None) => COLUMNS_ALL,
        _ => COLUMNS_FILTERED,
    };
    Ok(sqlx::query_as(sql).bind(from).bind(to).bind(agreement).bind(max_rank).bind(width).fetch_all(pool).await?)
}

/// A service-day's column start: the day, its ISO week's Monday, the first of its month or of its tertial ($5).
macro_rules! column_start {
    () => {
        "CASE $5::text
             WHEN 'day' THEN d.day
             WHEN 'week' THEN date_trunc('week', d.day)::date
             WHEN 'month' THEN date_trunc('month', d.day)::date
             ELSE make_date(extract(year FROM d.day)::int, 1 + 4 * ((extract(month FROM d.day)::int - 1) / 4), 1)
         END"
    };
}

const COLUMNS_ALL: &str = concat!(
    "WITH columns AS (
         SELECT d.service_id, ",
    column_start!(),
    " AS day, sum(d.received) AS received, sum(d.breaches) AS breaches, max(d.worst_used) AS worst_used
         FROM public.service_days d
         WHERE d.day >= $1 AND d.day < $2 AND $3::text IS NULL AND $4::int IS NULL
         GROUP BY 1, 2)
     SELECT s.code AS service, a.code AS agreement, k.day, k.received::bigint AS received,
            k.breaches::bigint AS breaches, k.worst_used
     FROM columns k JOIN public.services s ON s.id = k.service_id JOIN public.agreements a ON a.id = s.agreement_id"
);

/// The weekly rollup of `[from, to)`, both Mondays; the parameters as the other column queries take them.
const WEEKS_ALL: &str =
    "SELECT s.code AS service, a.code AS agreement, w.week AS day, w.received, w.breaches, w.worst_used
     FROM public.service_weeks w
     JOIN public.services s ON s.id = w.service_id
     JOIN public.agreements a ON a.id = s.agreement_id
     WHERE w.week >= $1 AND w.week < $2 AND $3::text IS NULL AND $4::int IS NULL AND $5::text = 'week'";

const COLUMNS_FILTERED: &str = concat!(
    "WITH columns AS (
         SELECT d.service_id, ",
    column_start!(),
    " AS day, sum(d.received) AS received, sum(d.breaches) AS breaches, max(d.worst_used) AS worst_used
         FROM public.service_days d
         WHERE d.day >= $1 AND d.day < $2
           AND ($3::text IS NULL OR d.service_id IN (
                SELECT s.id FROM public.services s JOIN public.agreements a ON a.id = s.agreement_id
                WHERE upper(a.code) = upper($3)))
           AND ($4::int IS NULL OR EXISTS (
                SELECT 1 FROM public.services s
                JOIN public.agreement_versions v ON v.agreement_id = s.agreement_id
                JOIN public.priorities p ON p.agreement_version_id = v.id
                WHERE s.id = d.service_id AND p.label = d.priority AND p.rank <= $4))
         GROUP BY 1, 2)
     SELECT s.code AS service, a.code AS agreement, k.day, k.received::bigint AS received,
            k.breaches::bigint AS breaches, k.worst_used
     FROM columns k JOIN public.services s ON s.id = k.service_id JOIN public.agreements a ON a.id = s.agreement_id"
);

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

/// Counts the whole rollup (service-days, then their weeks) afresh from the incidents, as migrations 20 and 38's
/// backfills did: after a bulk load that wrote
/// incidents with the triggers off (the owner's work; the rollup's own rules refuse everyone else).
pub async fn rebuild_rollup(owner: &PgPool) -> Result<u64, DbError> {
    let mut tx = owner.begin().await?;
    sqlx::query("DELETE FROM public.service_days").execute(&mut *tx).await?;
    let rows = sqlx::query(
        "INSERT INTO public.service_days (service_id, day, priority, received, breaches, worst_used)
         SELECT i.service_id, (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date,
                coalesce(i.priority, ''), count(*), coalesce(sum(c.breaches), 0), max(c.worst_used)
         FROM public.incidents i
         JOIN public.agreement_versions v ON v.id = i.agreement_version_id
         CROSS JOIN LATERAL public.vakt_clock_figures(i.sla_outcome, i.clocks) c
         GROUP BY 1, 2, 3",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM public.service_weeks").execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO public.service_weeks (service_id, week, received, breaches, worst_used)
         SELECT service_id, date_trunc('week', day::timestamp)::date, sum(received), sum(breaches), max(worst_used)
         FROM public.service_days GROUP BY 1, 2",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}
