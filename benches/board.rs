//! Board benchmark (`cargo bench --bench board`, `harness = false`) on generated data in a private disposable
//! cluster: the load itself, connect → first board frame, loading the open queue into board state, filtering as
//! you type, navigation (key + frame) and the memory of a process holding the board. design.md §9 and issue 4
//! give the budgets; results are printed, never asserted.
//!
//! Environment: `VAKT_BENCH_INCIDENTS` (default 1,010,000), `VAKT_BENCH_OPEN` (default 1 % of them),
//! `VAKT_BENCH_REPEAT` (repetitions of the slow measurements, default 30), `VAKT_BENCH_REUSE=1` (reuse a complete
//! database of the same scale instead of reloading it), `VAKT_BENCH_KEEP_CLUSTER=1` (leave the cluster running).

#![allow(clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use chrono_tz::Europe::Oslo;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sqlx::PgPool;
use vakt::app::screens::board::FIRST_PAGE_ROWS;
use vakt::app::screens::board::queue::Board;
use vakt::app::state::{Connection, State};
use vakt::app::{Action, update};
use vakt::console::Session;
use vakt::db;
use vakt::ui::{self, Theme, View};

use common::{CONSOLE_LOGIN, Samples, mib};

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
/// Set in the child process that measures memory; holds the console login's URL.
const MEMORY_CHILD: &str = "VAKT_BENCH_MEMORY_CHILD";

/// The filters typed after `/`, one keystroke at a time.
const FILTERS: [(&str, &str); 5] = [
    ("free text", "utilgjengelig"),
    ("prio:A", "prio:A"),
    ("org:Molde line:2", "org:Molde line:2"),
    ("mine", "mine"),
    ("long", "prio:A,B,Kritisk,Høy,1,2 org:Molde,Digdir,Aukra,Rauma line:2,3 -unassigned -paused tjeneste"),
];

fn main() {
    if let Ok(url) = std::env::var(MEMORY_CHILD) {
        memory_child(&url);
        return;
    }
    let scale = common::Scale::from_env();
    println!("== vakt board benchmark");
    println!("reproduce: {}cargo bench --bench board", scale.env());
    println!("scale: {}", scale.describe());
    let cluster = common::start_cluster();
    let runtime = common::runtime();
    runtime.block_on(async {
        let dataset = common::dataset(&cluster, scale, true).await;
        let url = cluster.url(CONSOLE_LOGIN, &dataset.name);
        println!("console login: {CONSOLE_LOGIN} (operator) on {}; terminal {WIDTH}×{HEIGHT}", dataset.name);
        first_frame(&url).await;
        let pool = db::connect(&url, 4).await.expect("connect as the console login");
        let rows = load_open(&pool, &url).await;
        let mut state = board_state(&pool, rows).await;
        tick(&state);
        filter(&mut state);
        navigation(&mut state);
        pool.close().await;
        dataset.owner.close().await;
        memory(&url);
    });
    drop(runtime);
    common::finish(&cluster);
}

fn theme() -> Theme {
    Theme::builtin("dark").expect("the built-in dark theme")
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal")
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &State, theme: &Theme) {
    terminal
        .draw(|frame| ui::render(frame, state, View { theme, now: Utc::now(), zone: Oslo }))
        .expect("render into the test terminal");
}

/// Connect → `Session::start` → the first page shown → one frame (the first useful frame), then on in the same
/// session → the whole queue loaded with the listener online → one frame (what the first frame waited for before
/// issue 15), with their phases.
async fn first_frame(url: &str) {
    let runs = common::repeat(30);
    println!(
        "\nconnect to first board frame ({runs} runs; new pool, Session::start, first page shown, one frame; then \
         the whole queue and one more frame in the same session):"
    );
    let theme = theme();
    let (mut useful, mut connect, mut start, mut page, mut frame) =
        (Samples::new(), Samples::new(), Samples::new(), Samples::new(), Samples::new());
    let (mut whole, mut rest) = (Samples::new(), Samples::new());
    let (mut first_rows, mut shown) = (0, 0);
    for _ in 0..runs {
        let t0 = Instant::now();
        // As `vakt` itself starts a console: `route::connect`, then `Session::start_routed`.
        let routes = db::route::connect(url, None, None, db::route::CONSOLE_CONNECTIONS)
            .await
            .expect("connect as the console login");
        let pool = routes.primary().clone();
        let t1 = Instant::now();
        let mut session =
            Session::start_routed(routes, "bench", Oslo, Utc::now(), |_| None).await.expect("start a session");
        session.dispatch(Action::Resize { width: WIDTH, height: HEIGHT }, Utc::now());
        let t2 = Instant::now();
        tokio::time::timeout(Duration::from_secs(60), session.run_until(|s| s.screens.board.queue.showing()))
            .await
            .expect("the board shows within a minute");
        let t3 = Instant::now();
        let mut terminal = terminal();
        draw(&mut terminal, session.state(), &theme);
        let t4 = Instant::now();
        first_rows = session.state().screens.board.queue.all().len();
        tokio::time::timeout(
            Duration::from_secs(60),
            session.run_until(|s| s.screens.board.queue.loaded && s.link.connection == Connection::Live),
        )
        .await
        .expect("the whole board loads within a minute");
        draw(&mut terminal, session.state(), &theme);
        let t5 = Instant::now();
        shown = session.state().screens.board.queue.visible_len();
        useful.push(t4 - t0);
        connect.push(t1 - t0);
        start.push(t2 - t1);
        page.push(t3 - t2);
        frame.push(t4 - t3);
        whole.push(t5 - t0);
        rest.push(t5 - t4);
        drop(session);
        pool.close().await;
    }
    println!("{}", useful.line("first useful board frame after connect", "target ≤ 20 ms p99 (issue 15)"));
    println!("{}", connect.line("  of which: connect (route::connect)", ""));
    println!("{}", start.line("  of which: Session::start (checks ∥ first page)", ""));
    println!("{}", page.line("  of which: first page after Session::start", ""));
    println!("{}", frame.line("  of which: render the first frame", ""));
    println!("{}", whole.line("whole board shown after connect", "budget ≤ 300 ms"));
    println!("{}", rest.line("  of which: after the first frame", ""));
    let ratio = |q: f64| useful.quantile(q) / whole.quantile(q);
    println!("  ratio first useful / whole board frame: p50 {:.3}, p99 {:.3}", ratio(0.5), ratio(0.99));
    println!(
        "  rows in the first page: {}; rows on the whole board: {}",
        common::thousands(first_rows as u64),
        common::thousands(shown as u64)
    );
}

/// `db::incidents::list_open` then `Board::replace`, as the console's first load does.
async fn load_open(pool: &PgPool, url: &str) -> Vec<vakt::app::model::IncidentSummary> {
    let runs = common::repeat(30);
    let (mut total, mut query, mut replace) = (Samples::new(), Samples::new(), Samples::new());
    let mut rows = Vec::new();
    let mut first = Samples::new();
    for _ in 0..runs {
        let t = Instant::now();
        let page = db::incidents::list_open_first(pool, FIRST_PAGE_ROWS).await.expect("list the first page");
        first.push(t.elapsed());
        std::hint::black_box(page);
        let t0 = Instant::now();
        rows = db::incidents::list_open(pool).await.expect("list the open incidents");
        let t1 = Instant::now();
        let mut board = Board::default();
        board.replace(rows.clone(), Utc::now());
        let t2 = Instant::now();
        query.push(t1 - t0);
        replace.push(t2 - t1);
        total.push(t2 - t0);
        std::hint::black_box(&board);
    }
    println!(
        "\nloading {} open incidents into board state ({runs} runs; list_open then Board::replace):",
        common::thousands(rows.len() as u64)
    );
    println!("{}", total.line("list_open + Board::replace", "(part of the 300 ms first frame)"));
    println!("{}", query.line("  of which: db::incidents::list_open", ""));
    println!("{}", replace.line("  of which: Board::replace (filter + sort)", ""));
    println!(
        "{}",
        first.line(&format!("list_open_first ({FIRST_PAGE_ROWS} rows + count)"), "the first page, same joins")
    );
    println!("  ratio list_open_first / list_open: p50 {:.3}", first.quantile(0.5) / query.quantile(0.5));
    pgbench_ratio(url, &query);
    rows
}

/// Runs the board's own query (`db::incidents::LIST_OPEN_SQL`) through pgbench as the console login, right after
/// vakt's timings of `list_open`, and prints both and their ratio (issue 15: within 1.5×).
fn pgbench_ratio(url: &str, vakt: &Samples) {
    let seconds: u64 = std::env::var("VAKT_BENCH_PGBENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let Some(pgbench) = pgbench_program() else {
        println!("  pgbench not found (PATH, /usr/lib/postgresql/*/bin): no comparison");
        return;
    };
    let script = std::env::temp_dir().join(format!("vakt-bench-board-{}.sql", std::process::id()));
    std::fs::write(&script, format!("{};\n", db::incidents::LIST_OPEN_SQL)).expect("write the pgbench script");
    let started = Instant::now();
    let output = std::process::Command::new(&pgbench)
        .args(["-n", "-f"])
        .arg(&script)
        .args(["-T", &seconds.to_string(), "-c", "1"])
        .arg(url)
        .output()
        .expect("run pgbench");
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        println!("  pgbench failed: {}", String::from_utf8_lossy(&output.stderr).trim());
        return;
    }
    let latency = text
        .lines()
        .find_map(|l| l.strip_prefix("latency average = "))
        .and_then(|rest| rest.trim_end_matches(" ms").trim().parse::<f64>().ok());
    let transactions = text.lines().find(|l| l.starts_with("number of transactions actually processed")).unwrap_or("");
    println!(
        "\nthe same query through pgbench ({} -n -f board.sql -T {seconds} -c 1, as {CONSOLE_LOGIN}; {:.1} s): {}",
        pgbench.display(),
        started.elapsed().as_secs_f64(),
        transactions.trim()
    );
    let Some(latency) = latency else {
        println!("  no latency in pgbench's output:\n{text}");
        return;
    };
    println!("  pgbench latency average {latency:.3} ms (the query alone, rows not decoded)");
    println!(
        "  vakt list_open (query + rows into IncidentSummary): mean {:.3} ms, p50 {:.3} ms",
        vakt.mean(),
        vakt.quantile(0.5)
    );
    println!(
        "  ratio vakt / pgbench: mean {:.3}, p50 {:.3}   target ≤ 1.5 (issue 15)",
        vakt.mean() / latency,
        vakt.quantile(0.5) / latency
    );
}

/// pgbench from PATH, else the newest of Debian's /usr/lib/postgresql/<major>/bin.
fn pgbench_program() -> Option<std::path::PathBuf> {
    let in_path = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|d| d.join("pgbench")).find(|p| p.is_file()));
    in_path.or_else(|| {
        let mut found: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin/pgbench"))))
            .filter(|(_, p): &(u32, std::path::PathBuf)| p.is_file())
            .collect();
        found.sort();
        found.pop().map(|(_, p)| p)
    })
}

/// A console's state as `update` builds it: agreements, the user, the viewport and the loaded board.
async fn board_state(pool: &PgPool, rows: Vec<vakt::app::model::IncidentSummary>) -> State {
    let now = Utc::now();
    let mut state = State::new("bench");
    state.zone = Oslo;
    state.link.connection = Connection::Live;
    let agreements = db::agreements::load_all(pool).await.expect("load the agreements");
    update(&mut state, Action::AgreementsLoaded(agreements), now);
    let user = db::staff::whoami(pool).await.expect("who am I");
    update(&mut state, Action::Connected { user }, now);
    update(&mut state, Action::Resize { width: WIDTH, height: HEIGHT }, now);
    update(&mut state, Action::BoardLoaded(rows), now);
    state
}

/// What every console does once a second with the whole queue: the summary line's figures (breached, due within
/// the hour). Beside it, a business-time countdown for every row, which is how they were counted before: the per-tick
/// cost of 50 consoles on one machine is fifty times this (issue 15, `cargo bench --bench scale`).
fn tick(state: &State) {
    let runs = common::repeat(30);
    let rows = state.screens.board.queue.all();
    let (mut figures, mut countdowns) = (Samples::new(), Samples::new());
    for _ in 0..runs {
        let now = Utc::now();
        let t = Instant::now();
        std::hint::black_box(vakt::app::summary::Summary::compute(state, now));
        figures.push(t.elapsed());
        let t = Instant::now();
        for row in rows {
            if let Some(next) = &row.next_due {
                let agreement = state.agreements.get(&row.agreement_version_id).map(|a| a.as_ref());
                std::hint::black_box(vakt::app::countdown::countdown(next, agreement, now));
            }
        }
        countdowns.push(t.elapsed());
    }
    println!(
        "
once a second on every console, over {} open incidents ({runs} runs):",
        common::thousands(rows.len() as u64)
    );
    println!("{}", figures.line("summary line figures (Summary::compute)", ""));
    println!("{}", countdowns.line("a business-time countdown for every row", "how the figures were counted before"));
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Typing each filter after `/` and deleting it again, one keystroke at a time through `app::update` (each
/// keystroke re-parses the filter and refilters and re-sorts the board), timed per keystroke; and the same with a
/// frame rendered after each keystroke.
fn filter(state: &mut State) {
    let rounds = common::repeat(30).div_ceil(3);
    let theme = theme();
    let mut terminal = terminal();
    draw(&mut terminal, state, &theme);
    println!(
        "\nfilter as you type over {} open incidents ({rounds} rounds of typing each filter after / and \
         deleting it with Backspace; per keystroke):",
        common::thousands(state.screens.board.queue.all().len() as u64)
    );
    let (mut all, mut all_framed) = (Samples::new(), Samples::new());
    for (name, text) in FILTERS {
        let (mut keys, mut framed) = (Samples::new(), Samples::new());
        let mut matched = 0;
        for round in 0..rounds * 2 {
            let with_frame = round % 2 == 1;
            update(state, key(KeyCode::Char('/')), Utc::now());
            let mut press = |state: &mut State, code: KeyCode| {
                let t0 = Instant::now();
                update(state, key(code), Utc::now());
                if with_frame {
                    draw(&mut terminal, state, &theme);
                    framed.push(t0.elapsed());
                } else {
                    keys.push(t0.elapsed());
                }
            };
            for c in text.chars() {
                press(state, KeyCode::Char(c));
            }
            matched = state.screens.board.queue.visible_len();
            for _ in text.chars() {
                press(state, KeyCode::Backspace);
            }
            update(state, key(KeyCode::Esc), Utc::now());
        }
        println!("{}", keys.line(&format!("{name:<17} ({matched} match) update"), "budget ≤ 30 ms p99"));
        println!("{}", framed.line(&format!("{name:<17} update + frame"), ""));
        all.extend(&keys);
        all_framed.extend(&framed);
    }
    println!("{}", all.line("every filter keystroke, update only", "budget ≤ 30 ms p99"));
    println!("{}", all_framed.line("every filter keystroke, update + frame", "budget ≤ 30 ms p99"));
}

/// Down through `app::update`, then one frame rendered into a 160×48 test terminal (ratatui diffs against the
/// previous frame, as on a real terminal).
fn navigation(state: &mut State) {
    let presses = common::repeat(30) * 100;
    let theme = theme();
    let mut terminal = terminal();
    for _ in 0..50 {
        update(state, key(KeyCode::Down), Utc::now());
        draw(&mut terminal, state, &theme);
    }
    update(state, key(KeyCode::Char('g')), Utc::now());
    let (mut total, mut keys, mut frames) = (Samples::new(), Samples::new(), Samples::new());
    for _ in 0..presses {
        let t0 = Instant::now();
        update(state, key(KeyCode::Down), Utc::now());
        let t1 = Instant::now();
        draw(&mut terminal, state, &theme);
        let t2 = Instant::now();
        total.push(t2 - t0);
        keys.push(t1 - t0);
        frames.push(t2 - t1);
    }
    println!(
        "\nnavigation: Down + one frame {WIDTH}×{HEIGHT} ({presses} presses over {} rows):",
        common::thousands(state.screens.board.queue.visible_len() as u64)
    );
    println!("{}", total.line("Down key to frame", "budget ≤ 16 ms p99"));
    println!("{}", keys.line("  of which: app::update", ""));
    println!("{}", frames.line("  of which: render the frame", ""));
}

/// Memory is measured in a fresh process of this benchmark binary (not the vakt console binary), so the data
/// load and the other measurements above do not inflate it.
fn memory(url: &str) {
    let runs = 5;
    let exe = std::env::current_exe().expect("the benchmark's own path");
    println!(
        "\nmemory ({runs} fresh processes of this benchmark binary, not the console binary; each: tokio runtime + \
         pool + Session with the board loaded + one {WIDTH}×{HEIGHT} frame; VmRSS/VmHWM from /proc/self/status):"
    );
    let mut measured: Vec<[u64; 5]> = Vec::new();
    for _ in 0..runs {
        let output = std::process::Command::new(&exe)
            .env(MEMORY_CHILD, url)
            .output()
            .expect("run the memory measurement in a child process");
        if !output.status.success() {
            println!("  a child failed: {}", String::from_utf8_lossy(&output.stderr).trim());
            continue;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let values: Vec<u64> = text
            .lines()
            .find_map(|line| line.strip_prefix("MEMORY "))
            .map(|rest| rest.split_whitespace().filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_default();
        if let [start, runtime, holding, peak, rows] = values[..] {
            measured.push([start, runtime, holding, peak, rows]);
        }
    }
    let Some(rows) = measured.first().map(|m| m[4]) else {
        println!("  no measurement");
        return;
    };
    let column = |i: usize| {
        let mut values: Vec<u64> = measured.iter().map(|m| m[i]).collect();
        values.sort_unstable();
        let list: Vec<String> = values.iter().map(|v| format!("{:.1}", mib(*v))).collect();
        format!(
            "median {:>5.1} MiB, max {:>5.1} MiB  (all: {})",
            mib(values[values.len() / 2]),
            mib(values[values.len() - 1]),
            list.join(", ")
        )
    };
    println!("  {:<42} {}", "VmRSS at process start", column(0));
    println!("  {:<42} {}", "VmRSS with the tokio runtime", column(1));
    println!(
        "  {:<42} {}   budget ≤ 64 MiB (console)",
        format!("VmRSS holding {} open incidents", common::thousands(rows)),
        column(2)
    );
    println!("  {:<42} {}", "VmHWM (peak RSS of the process)", column(3));
}

fn memory_child(url: &str) {
    let (before, _) = common::memory_kib();
    let runtime = common::runtime();
    runtime.block_on(async {
        let (runtime_only, _) = common::memory_kib();
        let pool = db::connect(url, 4).await.expect("connect as the console login");
        let mut session = Session::start(pool.clone(), "bench", Oslo, Utc::now(), None).await.expect("start a session");
        session.dispatch(Action::Resize { width: WIDTH, height: HEIGHT }, Utc::now());
        tokio::time::timeout(
            Duration::from_secs(60),
            session.run_until(|s| s.screens.board.queue.loaded && s.link.connection == Connection::Live),
        )
        .await
        .expect("the board loads within a minute");
        // The listener's first Online asks for the board again: let that settle too.
        tokio::time::sleep(Duration::from_millis(500)).await;
        while let Some(action) = session.try_next_action() {
            session.dispatch(action, Utc::now());
        }
        let theme = theme();
        let mut terminal = terminal();
        draw(&mut terminal, session.state(), &theme);
        let (after, peak) = common::memory_kib();
        let rows = session.state().screens.board.queue.all().len();
        println!("MEMORY {before} {runtime_only} {after} {peak} {rows}");
        drop(session);
        pool.close().await;
    });
}
