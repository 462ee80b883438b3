//! Heat-map benchmark (`cargo bench --bench heatmap`, `harness = false`), issue 11's budget on design.md §9's
//! dataset: 500 services × 52 ISO weeks ≤ 300 ms, and within 1.5× of the plain SQL aggregation measured in the same
//! run. Timed interleaved, as the console login (an operator), so both sides see the same cache and load:
//!
//! (a) the heat-map's own path, `db::heatmap_grid::grid`: the services, the rollup of migration 20 summed per week
//!     in the database, folded into the grid (metric breaches), for the 52 whole weeks ending with the dataset's
//!     latest week, all agreements;
//! (b) the plain aggregation `db::heatmap::service_days_recounted` over the same range, folded into the same grid;
//! (c) the drill-down, `db::heatmap_grid::cell`: the incidents and outages of one service in one week (budget
//!     100 ms), for the busiest cell and for cells taken in turn across the grid;
//! (d) the monthly service report of every agreement for the dataset's last whole month, figures and document, as
//!     `vakt report monthly` builds them (budget 2 s for all agreements together).
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

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgPool;
use vakt::db::{self, heatmap, heatmap_grid};
use vakt::domain::heatmap::grid::{Grid, GridRequest};
use vakt::domain::heatmap::{Bucket, Cell, DayFigures, Metric};
use vakt::domain::report::period::{ReportKind, ReportPeriod};

use common::{CONSOLE_LOGIN, Samples, thousands};

/// Columns of the budget: 52 ISO weeks.
const WEEKS: i64 = 52;
/// Drill-downs per repetition of the grid, taken in turn across the cells.
const DRILLS_PER_ROUND: usize = 10;

/// The plain aggregation folded into the grid the heat-map would show for `request`.
async fn plain_grid(pool: &PgPool, request: &GridRequest, like: &Grid) -> (Grid, std::time::Duration) {
    let started = Instant::now();
    let days = heatmap::service_days_recounted(pool, request.from, request.to, None).await.expect("recount");
    let queried = started.elapsed();
    let mut grid = Grid::new(request.clone(), like.rows.iter().map(|r| r.service.clone()).collect());
    grid.add_days(days.iter().map(|d| {
        let figures = DayFigures {
            received: u32::try_from(d.received).unwrap_or(u32::MAX),
            breaches: u32::try_from(d.breaches).unwrap_or(u32::MAX),
            worst_used: d.worst_used,
        };
        (d.service.as_str(), d.day, figures)
    }));
    (grid, queried)
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
        let request = |metric| GridRequest { bucket: Bucket::Week, metric, from, to, agreement: None, max_rank: None };
        check_range(&dataset.owner, from, to).await;

        // Untimed first round: warms the caches and checks both paths give the same grid, metric by metric.
        for metric in [Metric::Breaches, Metric::Consumed, Metric::Received] {
            let rolled = heatmap_grid::grid(&pool, &request(metric)).await.expect("the heat-map");
            let (counted, _) = plain_grid(&pool, &request(metric), &rolled).await;
            assert!(rolled.rows == counted.rows, "both paths give the same {metric:?} grid");
        }
        let received = heatmap_grid::grid(&pool, &request(Metric::Received)).await.expect("the heat-map");
        assert_eq!(received.columns.len() as i64, WEEKS, "52 whole ISO weeks");
        let cells = received.rows.len() * received.columns.len();
        println!(
            "range: {from} to {to} (exclusive), {} ISO weeks {}–{}; grid {} services × {} weeks = {} cells; both paths agree",
            received.columns.len(),
            Bucket::Week.label(from),
            Bucket::Week.label(last_week),
            received.rows.len(),
            received.columns.len(),
            thousands(cells as u64)
        );

        let drills = drill_cells(&received);
        let repeat = common::repeat(20);
        let (mut rollup, mut plain, mut plain_query) = (Samples::new(), Samples::new(), Samples::new());
        let (mut busiest, mut turns) = (Samples::new(), Samples::new());
        let (mut fewest, mut most) = (usize::MAX, 0);
        for round in 0..repeat {
            // Alternate which path goes first, so neither always finds the other's pages in the cache.
            for side in [round % 2, 1 - round % 2] {
                let started = Instant::now();
                if side == 0 {
                    std::hint::black_box(heatmap_grid::grid(&pool, &request(Metric::Breaches)).await.expect("grid"));
                    rollup.push(started.elapsed());
                } else {
                    let (grid, queried) = plain_grid(&pool, &request(Metric::Breaches), &received).await;
                    std::hint::black_box(grid);
                    plain.push(started.elapsed());
                    plain_query.push(queried);
                }
            }
            let (service, start, end, expected) = &drills[0];
            let started = Instant::now();
            let found = heatmap_grid::cell(&pool, service, *start, *end, None).await.expect("drill down");
            busiest.push(started.elapsed());
            assert_eq!(found.incidents.len(), *expected, "the busiest cell's drill-down lists its incidents");
            for n in 0..DRILLS_PER_ROUND {
                let (service, start, end, expected) = &drills[1 + (round * DRILLS_PER_ROUND + n) % (drills.len() - 1)];
                let started = Instant::now();
                let found = heatmap_grid::cell(&pool, service, *start, *end, None).await.expect("drill down");
                turns.push(started.elapsed());
                assert_eq!(found.incidents.len(), *expected, "a drill-down lists its cell's incidents");
                (fewest, most) = (fewest.min(found.incidents.len()), most.max(found.incidents.len()));
            }
        }
        // (d) The monthly report of every agreement for the last whole month.
        let month = chrono::Datelike::with_day(&latest.date_naive(), 1).expect("the first of the month") - Duration::days(1);
        let label = format!("{}", month.format("%Y-%m"));
        let period = ReportPeriod::parse(ReportKind::Monthly, &label).expect("a month");
        let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM public.agreements ORDER BY code")
            .fetch_all(&pool)
            .await
            .expect("agreements");
        let mut reports = Samples::new();
        let mut sizes = Vec::new();
        for _ in 0..common::repeat(5).max(1) {
            let started = Instant::now();
            sizes.clear();
            for code in &codes {
                let figures = db::reports::figures(&pool, code, &period).await.expect("the report's figures");
                let document = vakt::report::service::document(&figures, &vakt::domain::report::issue::IssueState::NotIssued { late: false }, chrono_tz::UTC);
                sizes.push(vakt::report::markdown::render(&document).len());
            }
            reports.push(started.elapsed());
        }
        let (load1, load5, load15) = load_average();
        let (rows, weeks) = (received.rows.len(), received.columns.len());
        println!("\nheat-map, {rows} services × {weeks} weeks, all agreements ({repeat} rounds, interleaved):");
        println!("{}", rollup.line("(a) heatmap_grid::grid (rollup by week)", "budget ≤ 300 ms"));
        println!("{}", plain.line("(b) plain service_days_recounted + fold", ""));
        println!("{}", plain_query.line("    of which: the query, rows decoded", ""));
        println!(
            "  ratio (a)/(b): p50 {:.3}, p99 {:.3}, max {:.3}   budget ≤ 1.5",
            rollup.quantile(0.5) / plain.quantile(0.5),
            rollup.quantile(0.99) / plain.quantile(0.99),
            rollup.max() / plain.max()
        );
        println!("\ndrill-down, one service × one week (heatmap_grid::cell, incidents and outages):");
        println!("{}", busiest.line(&format!("(c) busiest cell ({} incidents)", drills[0].3), "budget ≤ 100 ms"));
        println!("{}", turns.line(&format!("(c) cells in turn ({fewest}–{most} incidents)"), "budget ≤ 100 ms"));
        println!("\nmonthly service report {label}, all {} agreements, figures and Markdown ({} bytes in all):", codes.len(), sizes.iter().sum::<usize>());
        println!("{}", reports.line("(d) every agreement's monthly report", "budget ≤ 2 s"));
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
    let (rolled, weeks, incidents): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT coalesce(sum(received), 0)::bigint FROM public.service_days),
                (SELECT coalesce(sum(received), 0)::bigint FROM public.service_weeks),
                (SELECT count(*) FROM public.incidents)",
    )
    .fetch_one(owner)
    .await
    .expect("compare the rollup with the incidents");
    if rolled == incidents && weeks == incidents {
        println!("rollup: service_days and service_weeks hold all {} incidents", thousands(incidents as u64));
        return;
    }
    println!(
        "rollup: service_days holds {} of {} incidents; rebuilding it from the incidents …",
        thousands(rolled as u64),
        thousands(incidents as u64)
    );
    let started = Instant::now();
    vakt::db::heatmap::rebuild_rollup(owner).await.expect("rebuild the rollup");
    sqlx::query("ANALYZE public.service_days, public.service_weeks").execute(owner).await.expect("analyse the rollup");
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
/// grid's size visits rows and columns in turn), each with its service, local dates and the incidents it counts.
fn drill_cells(received: &Grid) -> Vec<(String, NaiveDate, NaiveDate, usize)> {
    let width = received.columns.len();
    let count = |cell: Cell| cell.value().map_or(0, |v| v as usize);
    let cell = |at: usize| {
        let row = &received.rows[at / width];
        let (start, end) = received.columns[at % width];
        (row.service.code.clone(), start, end, count(row.cells[at % width]))
    };
    let total = received.rows.len() * width;
    let busiest = (0..total).max_by_key(|at| count(received.rows[at / width].cells[at % width])).unwrap_or(0);
    let mut cells = vec![cell(busiest)];
    let stride = 7_919; // prime, larger than one row
    cells.extend((0..100).map(|n| cell((n * stride) % total)));
    cells
}

fn load_average() -> (String, String, String) {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut parts = text.split_whitespace().map(str::to_string);
    let mut next = || parts.next().unwrap_or_default();
    (next(), next(), next())
}
