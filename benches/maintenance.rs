//! Maintenance calendar benchmark (`cargo bench --bench maintenance`, `harness = false`), issue 10's budgets with
//! 2,000 windows on 500 services: the iCalendar export of a year of every window (≤ 200 ms), measured as a user
//! runs it (`vakt maintenance export --format ics`, a process: start, connect, read, expand, write), and the month
//! view's key to frame (≤ 16 ms p99) with the year's windows loaded, and with all 2,000 in the month shown.
//! Results are printed, never asserted.
//!
//! Environment: `VAKT_BENCH_INCIDENTS` (default 10,000 here: the calendar does not depend on the incidents),
//! `VAKT_BENCH_REPEAT` (default 30), `VAKT_BENCH_REUSE=1`, `VAKT_BENCH_KEEP_CLUSTER=1` as for the other benchmarks.

#![allow(clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::process::Command;
use std::time::Instant;

use chrono::{Duration, Utc};
use sqlx::PgPool;
use vakt::db::embedded;

use common::Samples;

/// The calendar does not depend on the incidents: a small dataset unless `VAKT_BENCH_INCIDENTS` asks for more.
const DEFAULT_INCIDENTS: usize = 10_000;
/// Windows in the calendar: one-off windows spread over the year and monthly series on the rest.
const ONE_OFF_WINDOWS: i64 = 1_400;
const MONTHLY_SERIES: i64 = 50;

fn main() {
    let cluster = common::start_cluster();
    let runtime = common::runtime();
    let scale = match std::env::var("VAKT_BENCH_INCIDENTS") {
        Ok(_) => common::Scale::from_env(),
        Err(_) => {
            let open = vakt::demo::Plan::bench(Utc::now(), DEFAULT_INCIDENTS, common::SERVICES).open;
            common::Scale { incidents: DEFAULT_INCIDENTS, open }
        }
    };
    let dataset = runtime.block_on(common::dataset(&cluster, scale, false));
    let windows = runtime.block_on(plan_windows(&dataset.owner));
    println!("calendar: {windows} windows in the coming year on 500 generated services");
    let url = cluster.url(embedded::SUPERUSER, &dataset.name);
    let today = Utc::now().date_naive();
    let (from, to) = (today.to_string(), (today + Duration::days(365)).to_string());
    let repeat = common::repeat(30);
    let mut export = Samples::new();
    let mut bytes = 0;
    for _ in 0..repeat {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_vakt"))
            .args(["--database-url", &url, "maintenance", "export", "--from", &from, "--to", &to, "--format", "ics"])
            .env_remove("DATABASE_URL")
            .output()
            .expect("run vakt maintenance export");
        export.push(started.elapsed());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        bytes = out.stdout.len();
    }
    println!("{}", export.line("ICS export of a year, as a process", "budget 200 ms"));
    println!("  ({} KiB of iCalendar)", bytes / 1024);
    let year = runtime.block_on(async {
        let pool = vakt::db::connect(&url, 2).await.expect("connect");
        let windows = vakt::db::maintenance::agenda(&pool, today, today + Duration::days(365)).await.expect("agenda");
        pool.close().await;
        windows
    });
    month_view("the year's windows loaded", today, today + Duration::days(365), year.clone(), repeat);
    // Every window moved into the month on screen: the densest month the budget speaks of.
    let dense: Vec<_> = year
        .iter()
        .enumerate()
        .map(|(n, w)| {
            let shift = w.start.date_naive() - today - Duration::days((n % 28) as i64);
            let mut w = w.clone();
            w.start -= shift;
            w.end -= shift;
            w.id = format!("{}:{n}", w.series_id);
            w
        })
        .collect();
    month_view("all of them in the month shown", today, today + Duration::days(365), dense, repeat);
    runtime.block_on(dataset.owner.close());
    common::finish(&cluster);
}

/// Moves the cursor a day at a time through the month view (`l`, then `h` back), timing each key with the frame it
/// causes, at 160×48.
fn month_view(
    label: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    windows: Vec<vakt::app::model::MaintenanceWindow>,
    repeat: usize,
) {
    use crossterm::event::{KeyCode, KeyEvent};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use vakt::app::command::{Command, Screen};
    use vakt::app::state::{Connection, State};
    use vakt::app::{Action, update};
    use vakt::ui::{self, Theme, View};
    let count = windows.len();
    let mut state = State::new("bench");
    state.link.connection = Connection::Live;
    let now = Utc::now();
    update(&mut state, Action::MaintenanceLoaded { from, to, windows, meetings: Vec::new() }, now);
    update(&mut state, Action::Run(Command::Show(Screen::Calendar)), now);
    let theme = Theme::builtin("dark").expect("the built-in dark theme");
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("a test terminal");
    let zone = chrono_tz::Europe::Oslo;
    let mut draw = |state: &State| {
        terminal.draw(|frame| ui::render(frame, state, View { theme: &theme, now, zone })).expect("render");
    };
    draw(&state);
    let presses = repeat * 100;
    let (mut total, mut keys, mut frames) = (Samples::new(), Samples::new(), Samples::new());
    for n in 0..presses {
        let key = if (n / 60) % 2 == 0 { 'l' } else { 'h' };
        let t0 = Instant::now();
        update(&mut state, Action::Key(KeyEvent::from(KeyCode::Char(key))), now);
        let t1 = Instant::now();
        draw(&state);
        let t2 = Instant::now();
        total.push(t2 - t0);
        keys.push(t1 - t0);
        frames.push(t2 - t1);
    }
    println!("\nmonth view 160×48, {label} ({count} windows, {presses} presses of l/h):");
    println!("{}", total.line("key to frame", "budget ≤ 16 ms p99"));
    println!("{}", keys.line("  of which: app::update", ""));
    println!("{}", frames.line("  of which: render the frame", ""));
}

/// Replaces the calendar with 2,000 windows of the coming year: one-off changes and releases on the generated
/// services at 20:00 local, and monthly windows on the third Tuesday.
async fn plan_windows(owner: &PgPool) -> i64 {
    sqlx::query("DELETE FROM maintenance_announcements").execute(owner).await.expect("clear announcements");
    for table in ["maintenance_approvals", "maintenance_moves", "maintenance_notes", "maintenance_series"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(owner).await.expect("clear");
    }
    sqlx::query(
        "INSERT INTO maintenance_series (services, kind, zone, start_local, length_seconds, state)
         SELECT ARRAY[s.code], CASE WHEN n % 3 = 0 THEN 'release' ELSE 'change' END, 'Europe/Oslo',
                date_trunc('day', localtimestamp) + make_interval(days => (n % 365)::int) + interval '20 hours', 7200,
                'approved'
         FROM generate_series(1, $1) n
         JOIN LATERAL (SELECT code FROM services ORDER BY id OFFSET (n % 500) LIMIT 1) s ON true",
    )
    .bind(ONE_OFF_WINDOWS)
    .execute(owner)
    .await
    .expect("plan one-off windows");
    sqlx::query(
        "INSERT INTO maintenance_series (services, kind, zone, start_local, length_seconds, rule, state)
         SELECT ARRAY[s.code], 'primary_window', 'Europe/Stockholm',
                date_trunc('day', localtimestamp) + interval '18 hours', 14400, 'FREQ=MONTHLY;BYDAY=3TU', 'announced'
         FROM generate_series(1, $1) n
         JOIN LATERAL (SELECT code FROM services ORDER BY id DESC OFFSET n LIMIT 1) s ON true",
    )
    .bind(MONTHLY_SERIES)
    .execute(owner)
    .await
    .expect("plan monthly windows");
    ONE_OFF_WINDOWS + MONTHLY_SERIES * 12
}
