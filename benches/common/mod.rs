//! Shared by the database benchmarks (`board`, `live`): the private disposable cluster, the database of generated
//! data named after its scale, timing summaries and the process's memory. Plain `std::time::Instant`; results
//! are printed, never asserted.

// Each benchmark uses a different part of this module.
#![allow(dead_code)]

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::{AssertSqlSafe, PgPool};
use vakt::db::embedded::{self, Durability, EmbeddedCluster};
use vakt::db::{self, demo};
use vakt::demo::Plan;

/// Incidents generated when `VAKT_BENCH_INCIDENTS` is not set: design.md §9's dataset, 1 % (10,100) open.
pub const DEFAULT_INCIDENTS: usize = 1_010_000;
/// Generated services added to the seed ones (design.md §9: 500 services).
pub const SERVICES: usize = 500;

/// The benchmark login used as "the console user" (an operator of the demo staff, who has incidents assigned).
pub const CONSOLE_LOGIN: &str = "kari";

fn uid() -> u32 {
    std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0)
}

fn env_count(name: &str) -> Option<usize> {
    let text = std::env::var(name).ok()?;
    let digits: String = text.chars().filter(|c| !matches!(c, '_' | ',' | ' ')).collect();
    match digits.parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name}={text} is not a number"),
    }
}

fn env_flag(name: &str) -> Option<bool> {
    std::env::var(name).ok().map(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// How many times to repeat a measurement: `VAKT_BENCH_REPEAT`, or the benchmark's default.
pub fn repeat(default: usize) -> usize {
    env_count("VAKT_BENCH_REPEAT").unwrap_or(default).max(1)
}

/// The dataset asked for: `VAKT_BENCH_INCIDENTS` in all (default 1,010,000), of which `VAKT_BENCH_OPEN` open
/// (default 1 %, as `Plan::bench` makes it), over five years, with 500 generated services.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub incidents: usize,
    pub open: usize,
}

impl Scale {
    pub fn from_env() -> Scale {
        let incidents = env_count("VAKT_BENCH_INCIDENTS").unwrap_or(DEFAULT_INCIDENTS);
        let default_open = Plan::bench(Utc::now(), incidents, SERVICES).open;
        let open = env_count("VAKT_BENCH_OPEN").unwrap_or(default_open).min(incidents);
        Scale { incidents, open }
    }

    pub fn plan(&self) -> Plan {
        let base = Plan::bench(Utc::now(), self.incidents, SERVICES);
        Plan { history: self.incidents - self.open, open: self.open, ..base }
    }

    pub fn database(&self) -> String {
        let bench_open = Plan::bench(Utc::now(), self.incidents, SERVICES).open;
        if self.open == bench_open {
            format!("vakt_bench_{}", self.incidents)
        } else {
            format!("vakt_bench_{}_open{}", self.incidents, self.open)
        }
    }

    /// The environment that reproduces this scale, for the command line printed at the top.
    pub fn env(&self) -> String {
        let mut env = String::new();
        if self.incidents != DEFAULT_INCIDENTS {
            env.push_str(&format!("VAKT_BENCH_INCIDENTS={} ", self.incidents));
        }
        if self.open != Plan::bench(Utc::now(), self.incidents, SERVICES).open {
            env.push_str(&format!("VAKT_BENCH_OPEN={} ", self.open));
        }
        env
    }

    pub fn describe(&self) -> String {
        format!(
            "{} incidents ({} open, {} closed over 5 years), {SERVICES} generated services + the seed ones",
            thousands(self.incidents as u64),
            thousands(self.open as u64),
            thousands((self.incidents - self.open) as u64)
        )
    }
}

/// The private disposable cluster of the benchmarks, under `$TMPDIR/vakt-bench-cluster-<uid>`. It listens only on
/// a Unix socket in its own directory (no TCP port).
pub fn start_cluster() -> EmbeddedCluster {
    let cluster = EmbeddedCluster::at(std::env::temp_dir().join(format!("vakt-bench-cluster-{}", uid())));
    let started = Instant::now();
    let created = cluster
        .ensure_running(Durability::Disposable)
        .expect("start the private benchmark cluster (needs the PostgreSQL server binaries)");
    println!(
        "cluster: {} ({}, ready in {:.1} s)",
        cluster.root().display(),
        if created { "created" } else { "reused" },
        started.elapsed().as_secs_f64()
    );
    cluster
}

/// Stops the cluster unless `VAKT_BENCH_KEEP_CLUSTER=1` (to run the next benchmark without a restart).
pub fn finish(cluster: &EmbeddedCluster) {
    if env_flag("VAKT_BENCH_KEEP_CLUSTER") == Some(true) {
        println!(
            "cluster left running (VAKT_BENCH_KEEP_CLUSTER=1); stop it with: VAKT_EMBEDDED_DIR={} vakt embedded stop",
            cluster.root().display()
        );
        return;
    }
    cluster.stop().expect("stop the benchmark cluster");
    println!("cluster stopped");
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("build the tokio runtime")
}

/// A superuser (schema owner) pool on a database of the cluster.
pub async fn owner_pool(cluster: &EmbeddedCluster, database: &str) -> PgPool {
    db::connect(&cluster.url(embedded::SUPERUSER, database), 4).await.expect("connect as the cluster's superuser")
}

/// How the dataset was made ready.
pub struct Dataset {
    pub name: String,
    /// A superuser pool on it.
    pub owner: PgPool,
}

/// Makes the database of this scale ready. `fresh` drops and reloads it (the load is timed and reported);
/// otherwise a complete database from an earlier run is reused. `VAKT_BENCH_REUSE=1|0` overrides the default.
pub async fn dataset(cluster: &EmbeddedCluster, scale: Scale, fresh_by_default: bool) -> Dataset {
    let name = scale.database();
    let maintenance = owner_pool(cluster, "postgres").await;
    let fresh = match env_flag("VAKT_BENCH_REUSE") {
        Some(reuse) => !reuse,
        None => fresh_by_default,
    };
    if !fresh && complete(&maintenance, cluster, &name, scale).await {
        println!("dataset: database {name} reused (loaded by an earlier run; VAKT_BENCH_REUSE=0 reloads it)");
        maintenance.close().await;
        let owner = owner_pool(cluster, &name).await;
        // Migrations added since the load apply to the kept data, as they would on a shared database.
        db::migrate(&owner).await.expect("migrate the reused benchmark database");
        return Dataset { owner, name };
    }
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
        .execute(&maintenance)
        .await
        .expect("drop the old benchmark database");
    vakt::setup::ensure_database(&maintenance, &name).await.expect("create the benchmark database");
    maintenance.close().await;
    let owner = owner_pool(cluster, &name).await;
    db::migrate(&owner).await.expect("migrate the benchmark database");

    println!("dataset: loading {} into a fresh database {name} …", scale.describe());
    let started = Instant::now();
    let mut next_report = 0.0;
    let summary = demo::load(&owner, scale.plan(), &mut |written, total| {
        let share = written as f64 / total.max(1) as f64;
        if share >= next_report {
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "  {:>9} of {} incidents, {:>6.1} s ({:.0} incidents/s)",
                thousands(written as u64),
                thousands(total as u64),
                seconds,
                written as f64 / seconds.max(1e-9)
            );
            next_report += 0.1;
        }
    })
    .await
    .expect("load the generated data");
    let load = started.elapsed();
    let analysing = Instant::now();
    sqlx::query("ANALYZE").execute(&owner).await.expect("analyse the benchmark database");
    let analyse = analysing.elapsed();
    let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
        .fetch_one(&owner)
        .await
        .expect("database size");
    println!(
        "dataset: LOAD TIME {:.1} s ({:.0} incidents/s): {} incidents ({} open), {} events, {} services, {} staff; \
         ANALYZE {:.1} s; database size {:.0} MiB",
        load.as_secs_f64(),
        summary.incidents as f64 / load.as_secs_f64().max(1e-9),
        thousands(summary.incidents as u64),
        thousands(summary.open as u64),
        thousands(summary.events as u64),
        summary.services,
        summary.staff,
        analyse.as_secs_f64(),
        size as f64 / 1_048_576.0
    );
    Dataset { name, owner }
}

/// True when the database exists and holds exactly the asked-for incidents.
/// A copy of the loaded data set (`CREATE DATABASE … TEMPLATE`) for a benchmark that writes, so that the set
/// itself stays as loaded and the next benchmark can reuse it. Remove it with [`drop_copy`].
pub async fn working_copy(cluster: &EmbeddedCluster, loaded: Dataset) -> Dataset {
    loaded.owner.close().await;
    let name = format!("{}_work", loaded.name);
    let maintenance = owner_pool(cluster, "postgres").await;
    let started = Instant::now();
    // A template must have no other sessions.
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&loaded.name)
    .execute(&maintenance)
    .await
    .expect("end the sessions on the loaded data set");
    for statement in [
        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        format!("CREATE DATABASE \"{name}\" TEMPLATE \"{}\"", loaded.name),
    ] {
        sqlx::query(AssertSqlSafe(statement)).execute(&maintenance).await.expect("copy the data set");
    }
    maintenance.close().await;
    let owner = owner_pool(cluster, &name).await;
    // Database privileges are not copied with a template: `migrate` grants them again.
    db::migrate(&owner).await.expect("migrate the copy");
    println!("dataset: working copy {name} of {} in {:.1} s", loaded.name, started.elapsed().as_secs_f64());
    Dataset { owner, name }
}

/// Drops a copy made by [`working_copy`].
pub async fn drop_copy(cluster: &EmbeddedCluster, copy: Dataset) {
    copy.owner.close().await;
    let maintenance = owner_pool(cluster, "postgres").await;
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", copy.name)))
        .execute(&maintenance)
        .await
        .expect("drop the working copy");
    maintenance.close().await;
}

async fn complete(maintenance: &PgPool, cluster: &EmbeddedCluster, name: &str, scale: Scale) -> bool {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(maintenance)
        .await
        .expect("look for the benchmark database");
    if !exists {
        return false;
    }
    let pool = owner_pool(cluster, name).await;
    let counts: Result<(i64, i64), sqlx::Error> =
        sqlx::query_as("SELECT count(*), count(*) FILTER (WHERE status NOT IN ('resolved', 'closed')) FROM incidents")
            .fetch_one(&pool)
            .await;
    pool.close().await;
    matches!(counts, Ok((all, open)) if all as usize == scale.incidents && open as usize == scale.open)
}

/// Timings in milliseconds, summarised as p50/p99/max (nearest rank).
#[derive(Debug, Clone, Default)]
pub struct Samples(Vec<f64>);

impl Samples {
    pub fn new() -> Self {
        Samples(Vec::new())
    }

    pub fn push(&mut self, elapsed: Duration) {
        self.0.push(elapsed.as_secs_f64() * 1e3);
    }

    pub fn push_ms(&mut self, ms: f64) {
        self.0.push(ms);
    }

    pub fn extend(&mut self, other: &Samples) {
        self.0.extend_from_slice(&other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The value at quantile `q` (0..=1), nearest rank.
    pub fn quantile(&self, q: f64) -> f64 {
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    pub fn mean(&self) -> f64 {
        self.0.iter().sum::<f64>() / self.0.len() as f64
    }

    pub fn max(&self) -> f64 {
        self.0.iter().copied().fold(f64::NAN, f64::max)
    }

    /// One result line: label, sample count, p50, p99, max in ms, and the budget.
    pub fn line(&self, label: &str, budget: &str) -> String {
        format!(
            "  {label:<46} n={:<5} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms   {budget}",
            self.len(),
            self.quantile(0.5),
            self.quantile(0.99),
            self.max()
        )
    }
}

/// `VmRSS` and `VmHWM` (peak) of this process in KiB, from /proc/self/status.
pub fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// 1010000 → "1,010,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
