//! Heat-map benchmark (`cargo bench --bench heatmap`, `harness = false`), issue 11's budget on design.md §9's
//! dataset: 500 services × 52 ISO weeks ≤ 300 ms, and within 1.5× of the plain SQL aggregation measured in the same
//! run. Timed interleaved, as the console login (an operator), so both sides see the same cache and load:
//!
//! (a) the heat-map path: `db::heatmap::service_days` (the rollup of migration 20) over the 52 whole weeks ending
//!     with the dataset's latest week, all agreements, folded into the grid with `heatmap::columns` and
//!     `Cell::add_day` (metrics breaches and consumed, from the same rows);
//! (b) the plain aggregation `db::heatmap::service_days_recounted` over the same range, folded the same way;
//! (c) a drill-down, `db::heatmap::cell_incidents`: the incidents of one service in one week (budget 100 ms), for
//!     the busiest cell and for cells taken in turn across the grid.
//!
//! Before timing, the rollup is checked against the incidents (its received counts must add up to the incidents
//! received in the range, and both paths must give the same grid), so the comparison is between equal answers.
//! Results are printed, never asserted.
//!
//! Environment: `VAKT_BENCH_INCIDENTS` (default 1,010,000), `VAKT_BENCH_REPEAT` (default 20),
//! `VAKT_BENCH_REUSE=1|0`, `VAKT_BENCH_KEEP_CLUSTER=1`, as for the other benchmarks.

#![allow(clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgPool;
use vakt::db::heatmap::{self, ServiceDay};
use vakt::db::{self, outages};
use vakt::domain::heatmap::{self as grid, Bucket, Cell, DayFigures, Metric};

use common::{CONSOLE_LOGIN, Samples, thousands};

/// Columns of the budget: 52 ISO weeks.
const WEEKS: i64 = 52;
/// Drill-downs per repetition of the grid, taken in turn across the cells.
const DRILLS_PER_ROUND: usize = 10;

/// The grid's shape: services (rows) and week columns, with the index of each.
struct Shape {
    services: Vec<String>,
    row_of: HashMap<String, usize>,
    columns: Vec<(NaiveDate, NaiveDate)>,
    column_of: HashMap<NaiveDate, usize>,
}

impl Shape {
    fn cells(&self) -> usize {
        self.services.len() * self.columns.len()
    }
}

/// Folds service-days into one grid per metric, as the CLI does: every cell starts empty (no incidents is a count
/// of 0), each day is added to its service's week column.
fn fold(shape: &Shape, days: &[ServiceDay], metrics: &[Metric]) -> Vec<Vec<Cell>> {
    let mut grids: Vec<Vec<Cell>> = metrics.iter().map(|m| vec![Cell::empty(*m); shape.cells()]).collect();
    for day in days {
        let (Some(row), Some(column)) =
            (shape.row_of.get(&day.service), shape.column_of.get(&Bucket::Week.start_of(day.day)))
        else {
            continue;
        };
        let figures = DayFigures {
            received: u32::try_from(day.received).unwrap_or(u32::MAX),
            breaches: u32::try_from(day.breaches).unwrap_or(u32::MAX),
            worst_used: day.worst_used,
        };
        let at = row * shape.columns.len() + column;
        for (cells, metric) in grids.iter_mut().zip(metrics) {
            cells[at] = cells[at].add_day(*metric, &figures);
        }
    }
    grids
}

const TIMED: [Metric; 2] = [Metric::Breaches, Metric::Consumed];

/// The two ways to the same service-days: the rollup (the heat-map's path) or the plain aggregation.
#[derive(Clone, Copy)]
enum Path {
    Rollup,
    Plain,
}

async fn fetch(path: Path, pool: &PgPool, from: NaiveDate, to: NaiveDate) -> Vec<ServiceDay> {
    match path {
        Path::Rollup => heatmap::service_days(pool, from, to, None).await.expect("read the rollup"),
        Path::Plain => heatmap::service_days_recounted(pool, from, to, None).await.expect("recount from the incidents"),
    }
}

fn main() {
    let scale = common::Scale::from_env();
    println!("== vakt heat-map benchmark");
    println!("reproduce: {}cargo bench --bench heatmap", scale.env());
    println!("scale: {}", scale.describe());
    let cluster = common::start_cluster();
    let runtime = common::runtime();
    runtime.block_on(async {
        let dataset = common::dataset(&cluster, scale, false).await;
        ensure_rollup(&dataset.owner).await;
        let url = cluster.url(CONSOLE_LOGIN, &dataset.name);
        let pool = db::connect(&url, 4).await.expect("connect as the console login");
        println!("console login: {CONSOLE_LOGIN} (operator) on {}", dataset.name);

        // The 52 whole weeks ending with the week of the latest incident (UTC date; the columns are local dates).
        let latest: DateTime<Utc> = sqlx::query_scalar("SELECT max(received_at) FROM public.incidents")
            .fetch_one(&pool)
            .await
            .expect("latest incident");
        let last_week = Bucket::Week.start_of(latest.date_naive());
        let to = Bucket::Week.next(last_week);
        let from = to - Duration::weeks(WEEKS);
        let columns = grid::columns(Bucket::Week, from, to);
        assert_eq!(columns.len() as i64, WEEKS, "52 whole ISO weeks");
        let services: Vec<String> = sqlx::query_scalar("SELECT code FROM public.services ORDER BY code")
            .fetch_all(&pool)
            .await
            .expect("services");
        let shape = Shape {
            row_of: services.iter().enumerate().map(|(n, s)| (s.clone(), n)).collect(),
            column_of: columns.iter().enumerate().map(|(n, (start, _))| (*start, n)).collect(),
            services,
            columns,
        };
        println!(
            "range: {from} to {to} (exclusive), {} ISO weeks {}–{}; grid {} services × {} weeks = {} cells",
            shape.columns.len(),
            Bucket::Week.label(from),
            Bucket::Week.label(last_week),
            shape.services.len(),
            shape.columns.len(),
            thousands(shape.cells() as u64)
        );
        check_range(&dataset.owner, from, to).await;

        // Untimed first round: warms the caches and checks both paths give the same grid.
        let rolled = fetch(Path::Rollup, &pool, from, to).await;
        let counted = fetch(Path::Plain, &pool, from, to).await;
        let rollup_rows = rolled.len();
        assert_eq!(rollup_rows, counted.len(), "the rollup and the recount give as many service-days");
        assert!(fold(&shape, &rolled, &TIMED) == fold(&shape, &counted, &TIMED), "both give the same grid");
        let cells = thousands(shape.cells() as u64);
        println!("check: both paths give {} service-days and the same {cells} cells", thousands(rollup_rows as u64));

        let drills = drill_cells(&pool, &shape, from, to).await;
        let repeat = common::repeat(20);
        // Per path: the whole (query + fold), the query alone (rows decoded), the fold alone.
        let mut timings =
            [[Samples::new(), Samples::new(), Samples::new()], [Samples::new(), Samples::new(), Samples::new()]];
        let (mut busiest, mut turns) = (Samples::new(), Samples::new());
        let (mut fewest, mut most) = (usize::MAX, 0);
        for round in 0..repeat {
            // Alternate which path goes first, so neither always finds the other's pages in the cache.
            for side in [round % 2, 1 - round % 2] {
                let path = if side == 0 { Path::Rollup } else { Path::Plain };
                let started = Instant::now();
                let days = fetch(path, &pool, from, to).await;
                let fetched = Instant::now();
                std::hint::black_box(fold(&shape, &days, &TIMED));
                let folded = Instant::now();
                let [whole, query, folding] = &mut timings[side];
                whole.push(folded - started);
                query.push(fetched - started);
                folding.push(folded - fetched);
            }
            let (service, start, end, expected) = &drills[0];
            let started = Instant::now();
            let found = heatmap::cell_incidents(&pool, service, *start, *end).await.expect("drill down");
            busiest.push(started.elapsed());
            assert_eq!(found.len(), *expected, "the busiest cell's drill-down lists its incidents");
            for n in 0..DRILLS_PER_ROUND {
                let (service, start, end, expected) = &drills[1 + (round * DRILLS_PER_ROUND + n) % (drills.len() - 1)];
                let started = Instant::now();
                let found = heatmap::cell_incidents(&pool, service, *start, *end).await.expect("drill down");
                turns.push(started.elapsed());
                assert_eq!(found.len(), *expected, "a drill-down lists its cell's incidents");
                (fewest, most) = (fewest.min(found.len()), most.max(found.len()));
            }
        }
        let (load1, load5, load15) = load_average();
        let (rows, weeks) = (shape.services.len(), shape.columns.len());
        println!("\nheat-map, {rows} services × {weeks} weeks, all agreements ({repeat} rounds, interleaved):");
        let [rollup, plain] = &timings;
        println!("{}", rollup[0].line("(a) rollup service_days + fold", "budget ≤ 300 ms"));
        println!("{}", rollup[1].line("    of which: the query, rows decoded", ""));
        println!("{}", rollup[2].line("    of which: the fold (breaches, consumed)", ""));
        println!("{}", plain[0].line("(b) plain service_days_recounted + fold", ""));
        println!("{}", plain[1].line("    of which: the query, rows decoded", ""));
        println!("{}", plain[2].line("    of which: the fold (breaches, consumed)", ""));
        let (rollup, plain) = (&rollup[0], &plain[0]);
        println!(
            "  ratio (a)/(b): p50 {:.3}, p99 {:.3}, max {:.3}   budget ≤ 1.5",
            rollup.quantile(0.5) / plain.quantile(0.5),
            rollup.quantile(0.99) / plain.quantile(0.99),
            rollup.max() / plain.max()
        );
        println!("\ndrill-down, one service × one week (cell_incidents):");
        println!("{}", busiest.line(&format!("(c) busiest cell ({} incidents)", drills[0].3), "budget ≤ 100 ms"));
        println!("{}", turns.line(&format!("(c) cells in turn ({fewest}–{most} incidents)"), "budget ≤ 100 ms"));
        println!("load average at the end: {load1} {load5} {load15}");
        pool.close().await;
        dataset.owner.close().await;
    });
    drop(runtime);
    common::finish(&cluster);
}

/// A bulk load writes incidents with the triggers off and must recount the rollup itself (`db::demo` does); a
/// database loaded before it did has an empty or partial rollup. Rebuilt here, as migration 20's backfill does, so
/// the heat-map is not timed reading less than it should.
async fn ensure_rollup(owner: &PgPool) {
    let (rolled, incidents): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT coalesce(sum(received), 0)::bigint FROM public.service_days),
                (SELECT count(*) FROM public.incidents)",
    )
    .fetch_one(owner)
    .await
    .expect("compare the rollup with the incidents");
    if rolled == incidents {
        println!("rollup: service_days holds all {} incidents", thousands(incidents as u64));
        return;
    }
    println!(
        "rollup: service_days holds {} of {} incidents; rebuilding it from the incidents …",
        thousands(rolled as u64),
        thousands(incidents as u64)
    );
    let started = Instant::now();
    let mut tx = owner.begin().await.expect("begin");
    sqlx::query("DELETE FROM public.service_days").execute(&mut *tx).await.expect("empty the rollup");
    sqlx::query(
        "INSERT INTO public.service_days (service_id, day, priority, received, breaches, worst_used)
         SELECT i.service_id, (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date,
                coalesce(i.priority, ''), count(*), coalesce(sum(c.breaches), 0), max(c.worst_used)
         FROM public.incidents i
         JOIN public.agreement_versions v ON v.id = i.agreement_version_id
         CROSS JOIN LATERAL public.vakt_clock_figures(i.sla_outcome, i.clocks) c
         GROUP BY 1, 2, 3",
    )
    .execute(&mut *tx)
    .await
    .expect("rebuild the rollup");
    tx.commit().await.expect("commit the rollup");
    sqlx::query("ANALYZE public.service_days").execute(owner).await.expect("analyse the rollup");
    println!("rollup: rebuilt in {:.1} s", started.elapsed().as_secs_f64());
}

/// The rollup's incidents received in the range must be the incidents whose local day (on their agreement's wall
/// clock) falls in it; otherwise the two paths would not be answering the same question.
async fn check_range(owner: &PgPool, from: NaiveDate, to: NaiveDate) {
    let (rolled, counted): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT coalesce(sum(received), 0)::bigint FROM public.service_days WHERE day >= $1 AND day < $2),
                (SELECT count(*) FROM public.incidents i
                 JOIN public.agreement_versions v ON v.id = i.agreement_version_id
                 WHERE (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date >= $1
                   AND (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date < $2)",
    )
    .bind(from)
    .bind(to)
    .fetch_one(owner)
    .await
    .expect("count the range");
    assert_eq!(rolled, counted, "the rollup's received in the range equals the incidents received in it");
    println!("check: the rollup's received in the range = incidents received in it = {}", thousands(counted as u64));
}

/// The drill-downs to time: the busiest cell first, then cells spread across the grid (a stride prime to the
/// grid's size visits rows and columns in turn). Each with its service, UTC bounds (the week's local midnights on
/// the service's agreement's wall clock) and the incidents the rollup counts in it.
async fn drill_cells(
    pool: &PgPool,
    shape: &Shape,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(String, DateTime<Utc>, DateTime<Utc>, usize)> {
    let days = heatmap::service_days(pool, from, to, None).await.expect("read the rollup");
    let received = fold(shape, &days, &[Metric::Received]).remove(0);
    let agreements = db::maintenance::agreements_by_service(pool, Utc::now().date_naive()).await.expect("agreements");
    let cell = |at: usize| {
        let service = &shape.services[at / shape.columns.len()];
        let (start, end) = shape.columns[at % shape.columns.len()];
        let zone = agreements.get(service).map_or(chrono_tz::UTC, |a| a.zone());
        let bound = |day| outages::midnight_in(day, zone).expect("a local midnight");
        let count = received[at].value().map_or(0, |v| v as usize);
        (service.clone(), bound(start), bound(end), count)
    };
    let busiest = (0..received.len()).max_by_key(|at| received[*at].value().map_or(0, |v| v as usize)).unwrap_or(0);
    let mut cells = vec![cell(busiest)];
    let stride = 7_919; // prime, larger than one row
    cells.extend((0..100).map(|n| cell((n * stride) % shape.cells())));
    cells
}

fn load_average() -> (String, String, String) {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut parts = text.split_whitespace().map(str::to_string);
    let mut next = || parts.next().unwrap_or_default();
    (next(), next(), next())
}
