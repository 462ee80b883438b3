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
        let rows = load_open(&pool).await;
        let mut state = board_state(&pool, rows).await;
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

/// Connect → `Session::start` → board loaded → one frame rendered, with its phases.
async fn first_frame(url: &str) {
    let runs = common::repeat(30);
    println!("\nconnect to first board frame ({runs} runs; new pool, Session::start, board loaded, one frame):");
    let theme = theme();
    let (mut total, mut connect, mut start, mut loaded, mut frame) =
        (Samples::new(), Samples::new(), Samples::new(), Samples::new(), Samples::new());
    let mut shown = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let pool = db::connect(url, 4).await.expect("connect as the console login");
        let t1 = Instant::now();
        let mut session = Session::start(pool.clone(), "bench", Oslo, Utc::now(), None).await.expect("start a session");
        session.dispatch(Action::Resize { width: WIDTH, height: HEIGHT }, Utc::now());
        let t2 = Instant::now();
        tokio::time::timeout(Duration::from_secs(60), session.run_until(|s| s.screens.board.queue.loaded))
            .await
            .expect("the board loads within a minute");
        let t3 = Instant::now();
        let mut terminal = terminal();
        draw(&mut terminal, session.state(), &theme);
        let t4 = Instant::now();
        shown = session.state().screens.board.queue.visible_len();
        total.push(t4 - t0);
        connect.push(t1 - t0);
        start.push(t2 - t1);
        loaded.push(t3 - t2);
        frame.push(t4 - t3);
        drop(session);
        pool.close().await;
    }
    println!("{}", total.line("first board frame after connect", "budget ≤ 300 ms"));
    println!("{}", connect.line("  of which: connect (probe + pool)", ""));
    println!("{}", start.line("  of which: Session::start (schema, whoami …)", ""));
    println!("{}", loaded.line("  of which: board query + BoardLoaded", ""));
    println!("{}", frame.line("  of which: render the first frame", ""));
    println!("  rows on the board: {}", common::thousands(shown as u64));
}

/// `db::incidents::list_open` then `Board::replace`, as the console's first load does.
async fn load_open(pool: &PgPool) -> Vec<vakt::app::model::IncidentSummary> {
    let runs = common::repeat(30);
    let (mut total, mut query, mut replace) = (Samples::new(), Samples::new(), Samples::new());
    let mut rows = Vec::new();
    for _ in 0..runs {
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
    rows
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
