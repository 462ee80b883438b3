//! Load benchmark (`cargo bench --bench scale`, `harness = false`), issue 15: 50 headless consoles, each a child
//! process of this benchmark with its own login, runtime, pool, `Session` and a 160×48 test terminal, and 4
//! `vakt serve` processes, on one database of generated data (design.md §9), under a steady stream of changes:
//! incident updates, new incidents, and major-incident updates whose messages `vakt serve` delivers to a webhook
//! receiver run here. Measured: commit → every console's frame (p50/p99), each console's memory (its own process's
//! RSS), the connections in use (`pg_stat_activity`), and lost updates: at the end every console's board must equal
//! the database's open incidents (id and version), and every queued message must have arrived exactly once.
//!
//! With `VAKT_BENCH_READ_REPLICA=1` a streaming replica is made of the benchmark cluster (`pg_basebackup -R`) and
//! the consoles read their screens there (`db::route`), with writes and LISTEN on the primary.
//!
//! Environment: as `board` (`VAKT_BENCH_INCIDENTS`, `VAKT_BENCH_OPEN`, `VAKT_BENCH_REUSE`,
//! `VAKT_BENCH_KEEP_CLUSTER`); `VAKT_BENCH_CONSOLES` (50), `VAKT_BENCH_WORKERS` (4), `VAKT_BENCH_SECONDS` (60),
//! `VAKT_BENCH_RATE` (changes per second, 10). Results are printed, never asserted.

#![allow(clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use chrono_tz::Europe::Oslo;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sqlx::PgPool;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use vakt::app::state::{Connection, State};
use vakt::console::Session;
use vakt::db::embedded::EmbeddedCluster;
use vakt::db::{self, staff};
use vakt::ui::{self, Theme, View};

use common::{Samples, mib, thousands};

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
const CHILD: &str = "VAKT_SCALE_CONSOLE";

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn unix_nanos() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

fn main() {
    if std::env::var(CHILD).is_ok() {
        common::runtime().block_on(console());
        return;
    }
    let scale = common::Scale::from_env();
    let consoles = env_count("VAKT_BENCH_CONSOLES", 50);
    let workers = env_count("VAKT_BENCH_WORKERS", 4);
    let seconds = env_count("VAKT_BENCH_SECONDS", 60);
    let rate = env_count("VAKT_BENCH_RATE", 10).max(1);
    let replica = std::env::var("VAKT_BENCH_READ_REPLICA").is_ok_and(|v| v == "1");
    println!("== vakt load benchmark: {consoles} consoles, {workers} vakt serve, {rate} changes/s for {seconds} s");
    println!("reproduce: {}cargo bench --bench scale", scale.env());
    println!("scale: {}", scale.describe());
    println!("load average at start: {}", load_average());
    let cluster = common::start_cluster();
    let runtime = common::runtime();
    runtime.block_on(async {
        // The stream adds incidents: it runs on a copy, so the loaded set stays reusable.
        let loaded = common::dataset(&cluster, scale, false).await;
        let dataset = common::working_copy(&cluster, loaded).await;
        let plan = Plan { consoles, workers, seconds, rate, replica };
        run(&cluster, &dataset, plan).await;
        common::drop_copy(&cluster, dataset).await;
    });
    drop(runtime);
    common::finish(&cluster);
}

#[derive(Clone, Copy)]
struct Plan {
    consoles: usize,
    workers: usize,
    seconds: usize,
    rate: usize,
    replica: bool,
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A login of the given vakt role, made once per database (later runs reuse it).
async fn ensure_login(owner: &PgPool, login: &str, role: &str) {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE login = $1)")
        .bind(login)
        .fetch_one(owner)
        .await
        .expect("look up a login");
    if !exists {
        let name = format!("Scale {login}");
        staff::add(owner, &staff::NewStaff { login, full_name: &name, role, ..Default::default() })
            .await
            .expect("add a benchmark login");
    }
}

async fn run(cluster: &EmbeddedCluster, dataset: &common::Dataset, plan: Plan) {
    let owner = &dataset.owner;
    let receiver = Receiver::start().await;
    prepare_contacts(owner, &receiver.url).await;
    let replica = if plan.replica {
        let started = Instant::now();
        let root = std::env::temp_dir().join(format!("vakt-bench-replica-{}", std::process::id()));
        let source = cluster.clone();
        let replica = tokio::task::spawn_blocking(move || source.start_replica(root))
            .await
            .expect("the replica task")
            .expect("make and start a streaming replica (pg_basebackup -R)");
        println!("replica: pg_basebackup -R and start in {:.1} s", started.elapsed().as_secs_f64());
        // The benchmark cluster commits asynchronously (fsync off as well); a real primary commits synchronously,
        // and the consoles' replica fence is then the flush position (db::route::FENCE). Measure that case.
        set_synchronous_commit(owner, true).await;
        Some(replica)
    } else {
        None
    };

    // The benchmark's own MIM connection first: 50 consoles may take every connection slot there is.
    let mim = db::connect(&cluster.url("ola", &dataset.name), 2).await.expect("connect as the MIM ola");
    let reference = db::connect(&cluster.url("scale_console_00", &dataset.name), 1).await;
    // The serve workers: real `vakt serve` processes as a worker login.
    ensure_login(owner, "scale_serve", "worker").await;
    let work = std::env::temp_dir().join(format!("vakt-bench-scale-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("a work directory");
    let config = work.join("serve.toml");
    let serve_url = cluster.url("scale_serve", &dataset.name);
    std::fs::write(&config, format!("[database]\nurl = \"{serve_url}\"\n")).expect("write the serve config");
    let mut serves = Vec::new();
    for n in 0..plan.workers {
        let child = Command::new(env!("CARGO_BIN_EXE_vakt"))
            .args(["--config", &config.display().to_string(), "serve", "--worker-id", &format!("scale-w{n}")])
            .env("XDG_STATE_HOME", &work)
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start vakt serve");
        serves.push(child);
    }

    // The consoles: this benchmark's binary again, one process each.
    let (lines_tx, mut lines) = mpsc::unbounded_channel::<(usize, String)>();
    let mut children: Vec<(Child, ChildStdin)> = Vec::new();
    let starting = Instant::now();
    for n in 0..plan.consoles {
        let login = format!("scale_console_{n:02}");
        ensure_login(owner, &login, "operator").await;
        let mut command = Command::new(std::env::current_exe().expect("this benchmark's path"));
        command
            .env(CHILD, cluster.url(&login, &dataset.name))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if let Some(replica) = &replica {
            command.env("VAKT_SCALE_READ_URL", replica.url(&login, &dataset.name));
        }
        let mut child = command.spawn().expect("start a console process");
        let stdin = child.stdin.take().expect("the console's stdin");
        let stdout = child.stdout.take().expect("the console's stdout");
        let tx = lines_tx.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if tx.send((n, line)).is_err() {
                    return;
                }
            }
        });
        children.push((child, stdin));
    }
    let mut ready_rss = Vec::new();
    let mut rows = 0;
    while ready_rss.len() < plan.consoles {
        let (_, line) = tokio::time::timeout(Duration::from_secs(600), lines.recv())
            .await
            .expect("every console starts within ten minutes")
            .expect("the consoles' output");
        if let Some(rest) = line.strip_prefix("ready ") {
            let fields: Vec<u64> = rest.split_whitespace().filter_map(|f| f.parse().ok()).collect();
            rows = fields.first().copied().unwrap_or(0);
            ready_rss.push(fields.get(1).copied().unwrap_or(0));
        }
    }
    println!(
        "{} consoles live with {} open incidents each in {:.1} s (load {})",
        plan.consoles,
        thousands(rows),
        starting.elapsed().as_secs_f64(),
        load_average()
    );

    let connections = Arc::new(Mutex::new(ConnectionPeaks::default()));
    let sampler = tokio::spawn(sample_connections(
        owner.clone(),
        dataset.name.clone(),
        replica.as_ref().map(|r| r.url(vakt::db::embedded::SUPERUSER, &dataset.name)),
        connections.clone(),
    ));

    // The stream of changes.
    let targets: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM incidents WHERE status NOT IN ('resolved', 'closed') ORDER BY next_due_at NULLS LAST LIMIT 200",
    )
    .fetch_all(owner)
    .await
    .expect("pick open incidents to change");
    let (service, agreement_version): (i64, i64) = sqlx::query_as(
        "SELECT service_id, agreement_version_id FROM incidents WHERE status NOT IN ('resolved', 'closed') LIMIT 1",
    )
    .fetch_one(owner)
    .await
    .expect("a service for new incidents");
    let major = ensure_major(owner, &mim).await;
    let outbox_before: i64 =
        sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM outbox").fetch_one(owner).await.expect("outbox");
    let load_before = load_average();
    let pids = Pids {
        consoles: children.iter().filter_map(|(c, _)| c.id()).collect(),
        serves: serves.iter().filter_map(Child::id).collect(),
    };
    let cpu_before = CpuSnapshot::take(&pids);

    let mut started_at: HashMap<String, u128> = HashMap::new();
    let mut seen: HashMap<String, Vec<u128>> = HashMap::new();
    let (mut updates, mut created, mut major_updates, mut major_failures) = (0, 0, 0, 0);
    let interval = Duration::from_secs_f64(1.0 / plan.rate as f64);
    let total = plan.seconds * plan.rate;
    let run_started = Instant::now();
    for n in 0..total {
        let due = run_started + interval * n as u32;
        tokio::time::sleep_until(due.into()).await;
        drain(&mut lines, &mut seen);
        let kind = n % 20;
        if kind == 7 && major.is_some() {
            // A major-incident update: messages to every contact of the affected organisations.
            let update = vakt::domain::major::StatusUpdate {
                what_happened: format!("Oppdatering {n}: feilsøking pågår"),
                cause: "Under analyse".into(),
                expected_resolution: vakt::domain::major::Eta::Unknown("innen en time".into()),
                workaround: "Ingen".into(),
            };
            match db::majors::send_update(&mim, major.unwrap_or_default(), &update, false).await {
                Ok(_) => major_updates += 1,
                Err(e) => {
                    major_failures += 1;
                    if major_failures == 1 {
                        println!("  a major update failed: {e}");
                    }
                }
            }
        } else if kind % 5 == 3 {
            // A new incident: every console must show it.
            let title = format!("Scale new incident {n}");
            let key = format!("t{title}");
            broadcast(&mut children, &format!("title {title}")).await;
            started_at.insert(key, unix_nanos());
            insert_incident(owner, service, agreement_version, &title).await;
            created += 1;
        } else {
            let id = targets[n % targets.len()];
            let before: i32 = sqlx::query_scalar("SELECT version FROM incidents WHERE id = $1")
                .bind(id)
                .fetch_one(owner)
                .await
                .expect("read the incident's version");
            let key = format!("v{id}:{before}");
            broadcast(&mut children, &format!("version {id} {before}")).await;
            started_at.insert(key, unix_nanos());
            sqlx::query("UPDATE incidents SET title = $2 WHERE id = $1")
                .bind(id)
                .bind(format!("Scale change {n}: title edited elsewhere"))
                .execute(owner)
                .await
                .expect("commit the change");
            updates += 1;
        }
    }
    let stream_time = run_started.elapsed();
    // Let every console report on every change.
    let waiting = Instant::now();
    while seen.values().map(Vec::len).sum::<usize>() < started_at.len() * plan.consoles
        && waiting.elapsed() < Duration::from_secs(30)
    {
        if let Ok(Some((n, line))) = tokio::time::timeout(Duration::from_millis(200), lines.recv()).await {
            record(n, &line, &mut seen);
        }
    }
    let load_after = load_average();
    let cpu_after = CpuSnapshot::take(&pids);

    // Every message queued during the run delivered (or given up), then counted at the receiver.
    let delivery_wait = Instant::now();
    let (queued, pending) = loop {
        let (queued, pending): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE state IN ('pending', 'sending', 'retrying')) FROM outbox WHERE id > $1",
        )
        .bind(outbox_before)
        .fetch_one(owner)
        .await
        .expect("count the outbox");
        if pending == 0 || delivery_wait.elapsed() > Duration::from_secs(120) {
            break (queued, pending);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let states: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT channel, state, count(*) FROM outbox WHERE id > $1 GROUP BY channel, state ORDER BY channel, state",
    )
    .bind(outbox_before)
    .fetch_all(owner)
    .await
    .expect("outbox states");
    sampler.abort();

    // Lost updates: every console's board against the database, read as a console login.
    let reference = match reference {
        Ok(pool) => pool,
        Err(_) => db::connect(&cluster.url("scale_console_00", &dataset.name), 1).await.expect("a reference login"),
    };
    let truth = board_digest(&db::incidents::list_open(&reference).await.expect("the open incidents"));
    broadcast(&mut children, "dump").await;
    let mut digests = Vec::new();
    let mut end_rss = Vec::new();
    let mut read_counts = Vec::new();
    let dumping = Instant::now();
    while digests.len() < plan.consoles && dumping.elapsed() < Duration::from_secs(60) {
        let Ok(Some((_, line))) = tokio::time::timeout(Duration::from_secs(5), lines.recv()).await else { continue };
        if let Some(rest) = line.strip_prefix("dump ") {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            digests.push((fields[0].parse::<usize>().unwrap_or(0), fields[1].to_string()));
            end_rss.push((fields[2].parse::<u64>().unwrap_or(0), fields[3].parse::<u64>().unwrap_or(0)));
            if fields.len() > 4 {
                read_counts.push(fields[4..].join(" "));
            }
        }
    }

    // The report.
    let mut every = Samples::new();
    let mut each = Samples::new();
    let mut missing = 0;
    for (key, started) in &started_at {
        let times = seen.get(key).cloned().unwrap_or_default();
        if times.len() < plan.consoles {
            missing += plan.consoles - times.len();
            continue;
        }
        let slowest = times.iter().copied().max().unwrap_or(*started);
        every.push_ms(slowest.saturating_sub(*started) as f64 / 1e6);
        for time in times {
            each.push_ms(time.saturating_sub(*started) as f64 / 1e6);
        }
    }
    println!(
        "\nstream: {updates} incident updates, {created} new incidents, {major_updates} major updates \
         ({major_failures} failed) in {:.1} s; load {load_before} before, {load_after} after",
        stream_time.as_secs_f64()
    );
    println!("commit → the change on every console's 160×48 frame:");
    println!("{}", every.line(&format!("all {} consoles (slowest)", plan.consoles), "budget ≤ 250 ms p99"));
    println!("{}", each.line("each console", ""));
    println!("  console answers missing after 30 s: {missing}");
    cpu_after.report_since(&cpu_before, started_at.len(), plan.consoles);
    let peaks = connections.lock().map(|p| p.clone()).unwrap_or_default();
    println!(
        "connections (pg_stat_activity, peak during the stream): primary {} in all, consoles {} ({:.1} each), \
         vakt serve {} ({:.1} each), other {}{}",
        peaks.total,
        peaks.consoles,
        peaks.consoles as f64 / plan.consoles.max(1) as f64,
        peaks.serve,
        peaks.serve as f64 / plan.workers.max(1) as f64,
        peaks.total.saturating_sub(peaks.consoles + peaks.serve),
        if plan.replica { format!("; replica: consoles {}", peaks.replica_consoles) } else { String::new() }
    );
    let mut ready = Samples::new();
    ready_rss.iter().for_each(|kib| ready.push_ms(mib(*kib)));
    let mut rss = Samples::new();
    let mut hwm = Samples::new();
    for (now, peak) in &end_rss {
        rss.push_ms(mib(*now));
        hwm.push_ms(mib(*peak));
    }
    println!(
        "memory per console process (VmRSS, MiB): at ready p50 {:.1} max {:.1}; at the end p50 {:.1} max {:.1}; \
         peak (VmHWM) max {:.1}   budget ≤ 64 MiB",
        ready.quantile(0.5),
        ready.max(),
        rss.quantile(0.5),
        rss.max(),
        hwm.max()
    );
    let lost =
        digests.iter().filter(|(count, digest)| (*count, digest.as_str()) != (truth.0, truth.1.as_str())).count();
    println!(
        "lost updates: {lost} of {} consoles differ from the database ({} open incidents, digest {}); {} did not answer",
        digests.len(),
        thousands(truth.0 as u64),
        truth.1,
        plan.consoles - digests.len()
    );
    let received = receiver.received.lock().map(|r| r.clone()).unwrap_or_default();
    let distinct: HashSet<&String> = received.iter().collect();
    println!(
        "outbox: {queued} messages queued during the run, {pending} still pending; by channel and state {states:?}; \
         the receiver got {} requests, {} distinct idempotency keys ({} duplicates)",
        received.len(),
        distinct.len(),
        received.len() - distinct.len()
    );
    if !read_counts.is_empty() {
        let mut sums: BTreeMap<String, u64> = BTreeMap::new();
        for counts in &read_counts {
            for pair in counts.split_whitespace() {
                if let Some((name, n)) = pair.split_once('=') {
                    *sums.entry(name.to_string()).or_default() += n.parse::<u64>().unwrap_or(0);
                }
            }
        }
        println!("reads over all consoles: {sums:?}");
    }
    println!(
        "note: {} console processes, {} vakt serve, PostgreSQL{} and this benchmark share {} CPU core(s)",
        plan.consoles,
        plan.workers,
        if plan.replica { " (primary and replica)" } else { "" },
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (mut child, stdin) in children {
        drop(stdin);
        let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
        let _ = child.kill().await;
    }
    for mut serve in serves {
        let _ = serve.kill().await;
    }
    mim.close().await;
    reference.close().await;
    if let Some(replica) = replica {
        set_synchronous_commit(owner, false).await;
        let root = replica.root().to_path_buf();
        let _ = tokio::task::spawn_blocking(move || replica.stop()).await;
        let _ = std::fs::remove_dir_all(root);
    }
    let _ = std::fs::remove_dir_all(&work);
}

struct Pids {
    consoles: Vec<u32>,
    serves: Vec<u32>,
}

/// CPU time by whom, in clock ticks, to see where the time of one change goes (the machine has few cores: a
/// budget missed under a load average of 50 says little without it).
struct CpuSnapshot {
    at: Instant,
    machine_busy: u64,
    consoles: u64,
    serves: u64,
    postgres: HashMap<u32, u64>,
    this: u64,
}

impl CpuSnapshot {
    fn take(pids: &Pids) -> CpuSnapshot {
        let postgres = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
            .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres"))
            .map(|pid| (pid, process_ticks(pid)))
            .collect();
        CpuSnapshot {
            at: Instant::now(),
            machine_busy: machine_busy_ticks(),
            consoles: pids.consoles.iter().map(|p| process_ticks(*p)).sum(),
            serves: pids.serves.iter().map(|p| process_ticks(*p)).sum(),
            postgres,
            this: process_ticks(std::process::id()),
        }
    }

    fn report_since(&self, before: &CpuSnapshot, changes: usize, consoles: usize) {
        let ticks = clock_ticks_per_second();
        let seconds = |t: u64| t as f64 / ticks;
        let postgres: u64 = self
            .postgres
            .iter()
            .map(|(pid, now)| now.saturating_sub(before.postgres.get(pid).copied().unwrap_or(0)))
            .sum();
        let wall = self.at.duration_since(before.at).as_secs_f64();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let busy = seconds(self.machine_busy.saturating_sub(before.machine_busy));
        let console = seconds(self.consoles.saturating_sub(before.consoles));
        let per = |cpu: f64, n: usize| cpu * 1000.0 / n.max(1) as f64;
        println!(
            "CPU over the stream ({wall:.1} s, {cores} cores = {:.1} CPU-s): machine busy {busy:.1} CPU-s; \
             consoles {console:.1} ({:.2} ms per change per console); PostgreSQL {:.1} ({:.2} ms per change); \
             vakt serve {:.1}; this benchmark {:.1}",
            wall * cores,
            per(console, changes * consoles),
            seconds(postgres),
            per(seconds(postgres), changes),
            seconds(self.serves.saturating_sub(before.serves)),
            seconds(self.this.saturating_sub(before.this)),
        );
    }
}

/// utime + stime of a process, in clock ticks (0 when it is gone).
fn process_ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0 };
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the
    // 14th and 15th fields of the line, the 12th and 13th after it.
    let Some((_, rest)) = stat.rsplit_once(") ") else { return 0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    field(11) + field(12)
}

/// All CPUs' ticks spent other than idle or waiting for I/O, from /proc/stat.
fn machine_busy_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let numbers: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|n| n.parse().ok())
        .collect();
    let idle = numbers.get(3).copied().unwrap_or(0) + numbers.get(4).copied().unwrap_or(0);
    numbers.iter().sum::<u64>().saturating_sub(idle)
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}

/// `synchronous_commit` for the whole cluster: on, or back to the benchmark cluster's own setting (off).
async fn set_synchronous_commit(owner: &PgPool, on: bool) {
    let statement =
        if on { "ALTER SYSTEM SET synchronous_commit = 'on'" } else { "ALTER SYSTEM RESET synchronous_commit" };
    sqlx::query(statement).execute(owner).await.expect("set synchronous_commit");
    sqlx::query("SELECT pg_reload_conf()").execute(owner).await.expect("reload the configuration");
    println!(
        "synchronous_commit: {}",
        if on { "on (as on a real server)" } else { "back to the benchmark cluster's off" }
    );
}

async fn broadcast(children: &mut [(Child, ChildStdin)], line: &str) {
    for (_, stdin) in children.iter_mut() {
        let _ = stdin.write_all(format!("{line}\n").as_bytes()).await;
    }
}

fn drain(lines: &mut mpsc::UnboundedReceiver<(usize, String)>, seen: &mut HashMap<String, Vec<u128>>) {
    while let Ok((n, line)) = lines.try_recv() {
        record(n, &line, seen);
    }
}

fn record(_console: usize, line: &str, seen: &mut HashMap<String, Vec<u128>>) {
    if let Some((time, key)) = line.strip_prefix("seen ").and_then(|rest| rest.split_once(' ')) {
        seen.entry(key.to_string()).or_default().push(time.parse().unwrap_or(0));
    }
}

async fn insert_incident(owner: &PgPool, service: i64, version: i64, title: &str) {
    sqlx::query(
        "WITH incident AS (
             INSERT INTO incidents (service_id, agreement_version_id, title, priority, status)
             VALUES ($1, $2, $3, NULL, 'new') RETURNING id)
         INSERT INTO incident_events (incident_id, kind, data)
         SELECT id, 'received', jsonb_build_object('priority', NULL::text) FROM incident",
    )
    .bind(service)
    .bind(version)
    .bind(title)
    .execute(owner)
    .await
    .expect("insert a new incident");
}

/// Every contact becomes a webhook channel to the receiver (no e-mail or SMS), and every organisation gets two
/// more, so that each message a major update queues reaches something that counts it.
async fn prepare_contacts(owner: &PgPool, receiver: &str) {
    sqlx::query(
        "UPDATE contacts SET email = NULL, phone = NULL, mobile = NULL, webhook_url = $1 || '/hooks/' || id, \
         webhook_preset = 'generic'",
    )
    .bind(receiver)
    .execute(owner)
    .await
    .expect("point every contact at the receiver");
    sqlx::query(
        "INSERT INTO contacts (organisation_id, name, webhook_url, webhook_preset)
         SELECT o.id, '#scale-' || o.code || '-' || g, $1 || '/hooks/' || o.code || '-' || g, 'generic'
         FROM organisations o CROSS JOIN generate_series(1, 2) g
         WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.name = '#scale-' || o.code || '-' || g)",
    )
    .bind(receiver)
    .execute(owner)
    .await
    .expect("add webhook channels for every organisation");
}

/// The major incident in progress, declared by the MIM on the most severe open Altinn or ROR-IKT incident when
/// there is none (the generated data has none).
async fn ensure_major(owner: &PgPool, mim: &PgPool) -> Option<i64> {
    let active: Option<i64> =
        sqlx::query_scalar("SELECT id FROM majors WHERE state IN ('declared', 'mitigated') LIMIT 1")
            .fetch_optional(owner)
            .await
            .expect("look for a major incident in progress");
    if active.is_some() {
        return active;
    }
    // Generated services are not in the seed agreements' service lists: name Altinn's SBL as the affected one.
    let candidate: Option<i64> = sqlx::query_scalar(
        "SELECT i.id FROM incidents i
         JOIN agreement_versions v ON v.id = i.agreement_version_id JOIN agreements a ON a.id = v.agreement_id
         WHERE i.status NOT IN ('resolved', 'closed') AND a.code = 'ALTINN' ORDER BY i.received_at LIMIT 1",
    )
    .fetch_optional(owner)
    .await
    .expect("find an incident to declare major");
    let request = db::majors::DeclareRequest {
        impact: "Skalatest: mange brukere berørt".into(),
        services: vec!["SBL".into()],
        ..Default::default()
    };
    match db::majors::declare(mim, candidate?, &request).await {
        Ok(view) => Some(view.id),
        Err(e) => {
            println!("  no major incident could be declared ({e}); the stream has no major updates");
            None
        }
    }
}

/// (rows, digest of every (id, version)), the same on both sides.
fn board_digest(rows: &[vakt::app::model::IncidentSummary]) -> (usize, String) {
    let mut pairs: Vec<(i64, i32)> = rows.iter().map(|r| (r.id, r.version)).collect();
    pairs.sort_unstable();
    // FNV-1a over the sorted pairs: any missing, extra or stale row changes it.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (id, version) in &pairs {
        for byte in id.to_le_bytes().iter().chain(version.to_le_bytes().iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (pairs.len(), format!("{hash:016x}"))
}

#[derive(Debug, Clone, Default)]
struct ConnectionPeaks {
    total: i64,
    consoles: i64,
    serve: i64,
    replica_consoles: i64,
}

async fn sample_connections(
    owner: PgPool,
    database: String,
    replica: Option<String>,
    peaks: Arc<Mutex<ConnectionPeaks>>,
) {
    let replica = match replica {
        Some(url) => db::connect(&url, 1).await.ok(),
        None => None,
    };
    let query = "SELECT count(*), count(*) FILTER (WHERE usename LIKE 'scale\\_console\\_%'), \
                 count(*) FILTER (WHERE usename = 'scale_serve') FROM pg_stat_activity WHERE datname = $1";
    loop {
        if let Ok((total, consoles, serve)) =
            sqlx::query_as::<_, (i64, i64, i64)>(query).bind(&database).fetch_one(&owner).await
        {
            let on_replica = match &replica {
                Some(pool) => sqlx::query_as::<_, (i64, i64, i64)>(query)
                    .bind(&database)
                    .fetch_one(pool)
                    .await
                    .map(|(_, consoles, _)| consoles)
                    .unwrap_or(0),
                None => 0,
            };
            if let Ok(mut peaks) = peaks.lock() {
                peaks.total = peaks.total.max(total);
                peaks.consoles = peaks.consoles.max(consoles);
                peaks.serve = peaks.serve.max(serve);
                peaks.replica_consoles = peaks.replica_consoles.max(on_replica);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A webhook receiver on loopback: answers 200 and records each request's idempotency key.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the receiver");
        let url = format!("http://{}", listener.local_addr().expect("the receiver's address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut reader = BufReader::new(stream);
                    loop {
                        let mut key = String::new();
                        let mut length = 0usize;
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        loop {
                            line.clear();
                            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                                return;
                            }
                            let header = line.trim_end();
                            if header.is_empty() {
                                break;
                            }
                            if let Some((name, value)) = header.split_once(':') {
                                match name.trim().to_ascii_lowercase().as_str() {
                                    "content-length" => length = value.trim().parse().unwrap_or(0),
                                    "idempotency-key" => key = value.trim().to_string(),
                                    _ => {}
                                }
                            }
                        }
                        let mut body = vec![0u8; length];
                        if reader.read_exact(&mut body).await.is_err() {
                            return;
                        }
                        if let Ok(mut store) = store.lock() {
                            store.push(key);
                        }
                        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                        if reader.get_mut().write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Receiver { url, received }
    }
}

/// One console process: a session with the board loaded and live; then, on stdin, `version ID V` (report when
/// the board shows ID newer than V), `title T` (report when a row titled T is on the board) and `dump` (print the
/// board's digest and this process's memory, then exit). Reports are `seen <unix ns after the frame> <key>`.
async fn console() {
    let url = std::env::var(CHILD).expect("the console's URL");
    let theme = Theme::builtin("dark").expect("the built-in dark theme");
    // As `vakt` connects a console.
    let read_url = std::env::var("VAKT_SCALE_READ_URL").ok();
    let routes = db::route::connect(&url, read_url.as_deref(), None, db::route::CONSOLE_CONNECTIONS)
        .await
        .expect("connect a console");
    let counts = routes.clone();
    let mut session =
        Session::start_routed(routes, "bench", Oslo, Utc::now(), |_| None).await.expect("start a console session");
    session.dispatch(vakt::app::Action::Resize { width: WIDTH, height: HEIGHT }, Utc::now());
    session.run_until(|s| s.screens.board.queue.loaded && s.link.connection == Connection::Live).await;
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal");
    let draw = |terminal: &mut Terminal<TestBackend>, session: &Session| {
        terminal
            .draw(|frame| ui::render(frame, session.state(), View { theme: &theme, now: Utc::now(), zone: Oslo }))
            .expect("render a frame");
    };
    draw(&mut terminal, &session);
    let (rss, _) = common::memory_kib();
    println!("ready {} {rss}", session.state().screens.board.queue.all().len());
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    // What is watched for: key → the test on the state.
    let mut watches: Vec<(String, Watch)> = Vec::new();
    // As the console: a tick every second (countdowns, the summary line's figures) and a frame after it.
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                session.dispatch(vakt::app::Action::Tick, Utc::now());
                draw(&mut terminal, &session);
                report(&mut watches, session.state());
            }
            line = stdin.next_line() => {
                let Ok(Some(line)) = line else { return };
                if line == "dump" {
                    // Settle first: apply what is still arriving until nothing has come for two seconds, so that a
                    // console that is merely behind is not counted as one that lost an update.
                    while let Ok(Some(action)) =
                        tokio::time::timeout(Duration::from_secs(2), session.next_action()).await
                    {
                        session.dispatch(action, Utc::now());
                    }
                    let (rows, digest) = board_digest(session.state().screens.board.queue.all());
                    let (rss, hwm) = common::memory_kib();
                    let reads = counts.read_counts().map(|c| {
                        use std::sync::atomic::Ordering::Relaxed;
                        format!(
                            " replica={} primary={} fell_back={} waited={}",
                            c.on_replica.load(Relaxed),
                            c.on_primary.load(Relaxed),
                            c.fell_back.load(Relaxed),
                            c.waited.load(Relaxed)
                        )
                    });
                    println!("dump {rows} {digest} {rss} {hwm}{}", reads.unwrap_or_default());
                    return;
                }
                if let Some(rest) = line.strip_prefix("version ") {
                    let mut parts = rest.split_whitespace().filter_map(|p| p.parse::<i64>().ok());
                    if let (Some(id), Some(before)) = (parts.next(), parts.next()) {
                        watches.push((format!("v{id}:{before}"), Watch::Version { id, before: before as i32 }));
                    }
                } else if let Some(title) = line.strip_prefix("title ") {
                    watches.push((format!("t{title}"), Watch::Title(title.to_string())));
                }
                report(&mut watches, session.state());
            }
            action = session.next_action() => {
                let Some(action) = action else { return };
                // As the console: no frame for a batch that cannot change it.
                let mut frame_due = !action.changes_no_frame();
                session.dispatch(action, Utc::now());
                while let Some(action) = session.try_next_action() {
                    frame_due |= !action.changes_no_frame();
                    session.dispatch(action, Utc::now());
                }
                if frame_due {
                    draw(&mut terminal, &session);
                    report(&mut watches, session.state());
                }
            }
        }
    }
}

enum Watch {
    Version { id: i64, before: i32 },
    Title(String),
}

/// Reports (and forgets) every watch the state now satisfies; called right after a frame was drawn.
fn report(watches: &mut Vec<(String, Watch)>, state: &State) {
    let board = &state.screens.board.queue;
    watches.retain(|(key, watch)| {
        let done = match watch {
            Watch::Version { id, before } => board.version_of(*id).is_some_and(|v| v > *before),
            Watch::Title(title) => board.all().iter().any(|r| &r.title == title),
        };
        if done {
            println!("seen {} {key}", unix_nanos());
        }
        !done
    });
}
