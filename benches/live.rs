//! Live-update benchmark (`cargo bench --bench live`, `harness = false`): 20 headless consoles (`Session`s, each
//! with its own login) on one database of generated data; a 21st connection commits a change to one open incident
//! and the benchmark measures the time until every console's state shows the new version and it has rendered a
//! frame (160×48 test terminal). design.md §9 / issue 4: ≤ 250 ms p99 with 20 consoles. Results are printed, never
//! asserted.
//!
//! Environment: as `board` (`VAKT_BENCH_INCIDENTS`, `VAKT_BENCH_OPEN`, `VAKT_BENCH_KEEP_CLUSTER`); the database of
//! that scale is reused when an earlier run loaded it completely (`VAKT_BENCH_REUSE=0` reloads it);
//! `VAKT_BENCH_CHANGES` (default 200) and `VAKT_BENCH_CONSOLES` (default 20).

#![allow(clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use chrono_tz::Europe::Oslo;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::{broadcast, mpsc};
use vakt::app::state::Connection;
use vakt::console::Session;
use vakt::db;
use vakt::ui::{self, Theme, View};

use common::Samples;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
/// Changes made before the measured ones, to warm caches and connections.
const WARM_UP: usize = 5;

/// One change to watch for: the incident, the version it had before, and when the change was started.
#[derive(Debug, Clone, Copy)]
struct Probe {
    id: i64,
    before: i32,
    started: Instant,
}

/// What one console reports for one change: when the notice reached its loop, when the fresh line came back from
/// its worker, when its state showed it (after `update`), and when its frame was rendered.
struct Seen {
    notice: Option<Duration>,
    fetched: Option<Duration>,
    /// How long `update` took for the action that brought the change.
    apply: Duration,
    state: Duration,
    frame: Duration,
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn main() {
    let scale = common::Scale::from_env();
    let consoles = env_count("VAKT_BENCH_CONSOLES", 20);
    let changes = env_count("VAKT_BENCH_CHANGES", 200);
    println!("== vakt live-update benchmark");
    println!("reproduce: {}cargo bench --bench live", scale.env());
    println!("scale: {}", scale.describe());
    let cluster = common::start_cluster();
    let runtime = common::runtime();
    runtime.block_on(async {
        let dataset = common::dataset(&cluster, scale, false).await;
        let owner = &dataset.owner;

        // One login per console.
        let mut urls = Vec::new();
        for n in 1..=consoles {
            let login = format!("bench_console_{n:02}");
            let name = format!("Bench Console {n:02}");
            let staff = db::staff::NewStaff { login: &login, full_name: &name, role: "operator", ..Default::default() };
            db::staff::add(owner, &staff).await.expect("add a console login");
            urls.push(cluster.url(&login, &dataset.name));
        }

        let (probes, _) = broadcast::channel::<Probe>(16);
        let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<(usize, Seen)>();
        let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<usize>();
        let starting = Instant::now();
        let mut tasks = Vec::new();
        for (index, url) in urls.iter().enumerate() {
            let url = url.clone();
            let probes = probes.subscribe();
            let seen = seen_tx.clone();
            let ready = ready_tx.clone();
            tasks.push(tokio::spawn(console(index, url, probes, seen, ready)));
        }
        let mut open_rows = 0;
        for _ in 0..consoles {
            open_rows = tokio::time::timeout(Duration::from_secs(300), ready_rx.recv())
                .await
                .expect("every console starts within five minutes")
                .expect("a console task ended before it was ready");
        }
        let (connections,): (i64,) = sqlx::query_as("SELECT count(*) FROM pg_stat_activity WHERE datname = $1")
            .bind(&dataset.name)
            .fetch_one(owner)
            .await
            .expect("count the connections");
        println!(
            "{consoles} consoles live with {} open incidents each in {:.1} s; {connections} connections to {} \
             (max_connections 200)",
            common::thousands(open_rows as u64),
            starting.elapsed().as_secs_f64(),
            dataset.name
        );

        // The 21st connection: the owner pool, writing like psql would.
        let targets: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM incidents WHERE status NOT IN ('resolved', 'closed') ORDER BY next_due_at NULLS LAST LIMIT 10",
        )
        .fetch_all(owner)
        .await
        .expect("pick open incidents to change");
        let (mut per_change_frame, mut per_change_state) = (Samples::new(), Samples::new());
        let (mut per_console_frame, mut per_console_state) = (Samples::new(), Samples::new());
        let (mut notices, mut fetches, mut applies, mut frames) =
            (Samples::new(), Samples::new(), Samples::new(), Samples::new());
        let mut missed = 0;
        for n in 0..WARM_UP + changes {
            let id = targets[n % targets.len()];
            let before: i32 = sqlx::query_scalar("SELECT version FROM incidents WHERE id = $1")
                .bind(id)
                .fetch_one(owner)
                .await
                .expect("read the incident's version");
            let started = Instant::now();
            probes.send(Probe { id, before, started }).expect("the consoles listen for probes");
            sqlx::query("UPDATE incidents SET title = $2 WHERE id = $1")
                .bind(id)
                .bind(format!("Benchmark change {n}: title edited elsewhere"))
                .execute(owner)
                .await
                .expect("commit the change");
            let (mut slowest_state, mut slowest_frame) = (0.0f64, 0.0f64);
            let mut answered = 0;
            while answered < consoles {
                match tokio::time::timeout(Duration::from_secs(10), seen_rx.recv()).await {
                    Ok(Some((_, seen))) => {
                        answered += 1;
                        let (state, frame) = (seen.state.as_secs_f64() * 1e3, seen.frame.as_secs_f64() * 1e3);
                        slowest_state = slowest_state.max(state);
                        slowest_frame = slowest_frame.max(frame);
                        if n >= WARM_UP {
                            per_console_state.push_ms(state);
                            per_console_frame.push_ms(frame);
                            // The path in steps: commit → notice in the loop → fresh line back → update → frame.
                            if let (Some(notice), Some(fetched)) = (seen.notice, seen.fetched) {
                                notices.push(notice);
                                fetches.push(fetched.saturating_sub(notice));
                            }
                            applies.push(seen.apply);
                            frames.push(seen.frame.saturating_sub(seen.state));
                        }
                    }
                    _ => {
                        missed += consoles - answered;
                        break;
                    }
                }
            }
            if n >= WARM_UP && answered == consoles {
                per_change_state.push_ms(slowest_state);
                per_change_frame.push_ms(slowest_frame);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        println!(
            "\ncommit on a 21st connection → new version in every console's state + one {WIDTH}×{HEIGHT} frame \
             ({changes} changes after {WARM_UP} warm-up ones; timed from just before the UPDATE is sent):"
        );
        println!("{}", per_change_frame.line(&format!("all {consoles} consoles show it (slowest)"), "budget ≤ 250 ms p99"));
        println!("{}", per_change_state.line("  same, state updated (before the frame)", ""));
        println!("{}", per_console_frame.line("each console, state + frame", ""));
        println!("{}", per_console_state.line("each console, state only", ""));
        println!("  the path, per console (where the steps could be seen):");
        println!("{}", notices.line("  commit → notice reaches the console's loop", ""));
        println!("{}", fetches.line("  notice → fresh line back from its worker", ""));
        println!("{}", applies.line("  update applying it (app::update)", ""));
        println!("{}", frames.line("  the frame (160×48)", ""));
        if missed > 0 {
            println!("  {missed} console answers did not arrive within 10 s and are left out");
        }
        println!(
            "  note: all {consoles} consoles, PostgreSQL and this benchmark share this machine's {} CPU core(s)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        drop(probes);
        for task in tasks {
            task.abort();
        }
        dataset.owner.close().await;
    });
    drop(runtime);
    common::finish(&cluster);
}

/// One headless console: starts its session, then keeps applying what arrives (like the console's loop) and, for
/// each probe, reports when its state shows the change and when it has drawn the frame.
async fn console(
    index: usize,
    url: String,
    mut probes: broadcast::Receiver<Probe>,
    seen: mpsc::UnboundedSender<(usize, Seen)>,
    ready: mpsc::UnboundedSender<usize>,
) {
    let theme = Theme::builtin("dark").expect("the built-in dark theme");
    let pool = db::connect(&url, db::route::CONSOLE_CONNECTIONS).await.expect("connect a console");
    let mut session = Session::start(pool, "bench", Oslo, Utc::now(), None).await.expect("start a console session");
    session.dispatch(vakt::app::Action::Resize { width: WIDTH, height: HEIGHT }, Utc::now());
    session.run_until(|s| s.screens.board.queue.loaded && s.link.connection == Connection::Live).await;
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal");
    let draw = |terminal: &mut Terminal<TestBackend>, session: &Session| {
        terminal
            .draw(|frame| ui::render(frame, session.state(), View { theme: &theme, now: Utc::now(), zone: Oslo }))
            .expect("render a frame");
    };
    draw(&mut terminal, &session);
    let _ = ready.send(session.state().screens.board.queue.all().len());
    loop {
        tokio::select! {
            probe = probes.recv() => {
                let probe = match probe {
                    Ok(probe) => probe,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let (id, before) = (probe.id, probe.before);
                let shows = |s: &vakt::app::State| s.screens.board.queue.version_of(id).is_some_and(|v| v > before);
                let (mut notice, mut fetched, mut apply) = (None, None, Duration::ZERO);
                while !shows(session.state()) {
                    let Some(action) = session.next_action().await else { return };
                    match &action {
                        vakt::app::Action::Changed(n) if n.id == Some(id) => {
                            notice.get_or_insert(probe.started.elapsed());
                        }
                        vakt::app::Action::SummaryFetched { id: fetched_id, .. } if *fetched_id == id => {
                            fetched.get_or_insert(probe.started.elapsed());
                        }
                        _ => {}
                    }
                    let t = Instant::now();
                    session.dispatch(action, Utc::now());
                    apply = t.elapsed();
                }
                let state = probe.started.elapsed();
                draw(&mut terminal, &session);
                let frame = probe.started.elapsed();
                if seen.send((index, Seen { notice, fetched, apply, state, frame })).is_err() {
                    return;
                }
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
                }
            }
        }
    }
}
