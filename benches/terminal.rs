//! Terminal-output benchmark (`cargo bench --bench terminal`, `harness = false`): the bytes an idle board with
//! 50 ticking countdowns sends to the terminal. The board is drawn through a real
//! `ratatui::Terminal<CrosstermBackend<_>>` whose writer only counts bytes (ratatui sends only the cells that
//! changed), once per 1 s tick, for 10 minutes of simulated time. design.md §9: ≤ 2 KiB/s. No database: the 50
//! open incidents come from the demo generator and their clocks from the seed agreements. Results are printed,
//! never asserted.

#![allow(clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use vakt::app::model::{AgreementSet, Flags, IncidentSummary, NextDue, ServiceRef, StaffRef, UserInfo};
use vakt::app::state::{Connection, State};
use vakt::app::{Action, update};
use vakt::demo::{Generator, Plan, catalog, seed_agreements};
use vakt::domain::agreement::Agreement;
use vakt::domain::sla::{self, event_log, record as clock_record};
use vakt::ui::{self, Theme, View};

const INCIDENTS: usize = 50;
const SECONDS: i64 = 600;

/// A writer that counts what it is given and throws it away; the count is shared with the benchmark.
#[derive(Default, Clone)]
struct Counter {
    bytes: Rc<Cell<u64>>,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.set(self.bytes.get() + buf.len() as u64);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Tuesday 24 November 2026, 09:00 in Oslo and Stockholm: every service desk is open, so business-time
/// countdowns tick.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).single().expect("a valid start instant")
}

/// Agreement version ids 1..=4 in seed order, as a database would number them.
fn agreements() -> Vec<Agreement> {
    seed_agreements().expect("the seed agreements parse").into_iter().map(|(a, _)| a).collect()
}

/// 50 open incidents from the demo generator with a running deadline, computed as the database stores it. (Some
/// generated incidents have none: Stockholm's and Tranemo/Ulricehamn's lower priorities set no targets; those are
/// skipped.)
fn open_incidents(agreements: &[Agreement], now: DateTime<Utc>) -> Vec<IncidentSummary> {
    let plan = Plan { now, history: 0, history_days: 365, open: INCIDENTS * 4, extra_services: 0, seed: 2026 };
    let rows: Vec<IncidentSummary> = Generator::new(plan, agreements, &[])
        .enumerate()
        .map(|(n, incident)| {
            let agreement = &agreements[incident.agreement];
            let spec = agreement.spec();
            let events: Vec<sla::IncidentEvent> =
                incident.events.iter().filter_map(|e| event_log::load(e.kind, &e.data, e.at).ok().flatten()).collect();
            let clocks = sla::compute_clocks(agreement, &events, now).expect("clocks of a generated incident");
            let due = clock_record::next_due_columns(&clocks);
            let next_due = match (due.due, due.target, due.state) {
                (Some(at), Some(target), Some(state)) => Some(NextDue {
                    at,
                    target: target.parse().expect("a stored target"),
                    state: state.parse().expect("a stored clock state"),
                    clock: due.clock,
                    budget_seconds: due.budget_seconds,
                }),
                _ => None,
            };
            let service = spec.services.iter().find(|s| s.code == incident.service).expect("a seed service");
            let organisation = spec
                .organisations
                .iter()
                .find(|o| o.code == service.owner)
                .map_or_else(|| service.owner.clone(), |o| o.name.clone());
            let id = n as i64 + 1;
            IncidentSummary {
                id,
                reference: format!("INC-{}", 10_400 + id),
                title: incident.title.clone(),
                priority_rank: incident
                    .priority
                    .as_deref()
                    .and_then(|p| agreement.priorities().iter().position(|q| q.label == p))
                    .map(|i| i as i32 + 1),
                priority: incident.priority.clone(),
                service: ServiceRef {
                    code: service.code.clone(),
                    name: service.name.clone(),
                    organisation,
                    agreement: spec.code.clone(),
                },
                agreement_version_id: incident.agreement as i64 + 1,
                status: incident.status,
                support_line: incident.line,
                assignee: incident.assignee.and_then(|login| {
                    catalog::STAFF
                        .iter()
                        .find(|s| s.0 == login)
                        .map(|s| StaffRef { login: login.to_string(), name: s.1.to_string() })
                }),
                received_at: incident.received_at,
                next_due,
                flags: Flags { security: incident.security, workaround: incident.workaround, ..Flags::default() },
                version: 1,
                master: None,
            }
        })
        .filter(|row| row.next_due.is_some())
        .take(INCIDENTS)
        .collect();
    assert_eq!(rows.len(), INCIDENTS, "the generator gives {INCIDENTS} open incidents with a deadline");
    rows
}

fn board_state(agreements: &[Agreement], now: DateTime<Utc>) -> State {
    let mut state = State::new("embedded");
    state.zone = Oslo;
    state.link.connection = Connection::Live;
    let set: AgreementSet = agreements.iter().enumerate().map(|(i, a)| (i as i64 + 1, Arc::new(a.clone()))).collect();
    update(&mut state, Action::AgreementsLoaded(set), now);
    let user = UserInfo {
        login: "kari".into(),
        full_name: Some("Kari Nordmann".into()),
        rights: vakt::app::model::Rights { viewer: true, operator: true, ..Default::default() },
    };
    update(&mut state, Action::Connected { user }, now);
    update(&mut state, Action::BoardLoaded(open_incidents(agreements, now)), now);
    state
}

/// One idle run at a terminal size: the set-up and first full frame, then one tick and one frame per second.
fn run(width: u16, height: u16, agreements: &[Agreement], theme: &Theme) {
    let begin = start();
    let mut state = board_state(agreements, begin);
    update(&mut state, Action::Resize { width, height }, begin);
    let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
    let counter = Counter::default();
    let sent = || counter.bytes.get();
    let mut terminal = Terminal::with_options(CrosstermBackend::new(counter.clone()), TerminalOptions { viewport })
        .expect("a terminal over the counting writer");
    // As the console enters the terminal: hide the cursor and clear.
    terminal.hide_cursor().expect("hide the cursor");
    // (`Terminal::clear` asks a fixed viewport's backend for the window size, which needs a tty; the same escape
    // sequence is written directly.)
    crossterm::execute!(counter.clone(), crossterm::terminal::Clear(crossterm::terminal::ClearType::All))
        .expect("clear");
    let setup = sent();
    let draw = |terminal: &mut Terminal<CrosstermBackend<Counter>>, state: &State, now: DateTime<Utc>| {
        terminal.draw(|frame| ui::render(frame, state, View { theme, now, zone: Oslo })).expect("draw a frame");
    };
    draw(&mut terminal, &state, begin);
    let first = sent() - setup;
    let visible = state.screens.board.queue.visible_len().min(usize::from(height.saturating_sub(7)));
    let ticking = state.screens.board.queue.visible().take(visible).filter(|r| r.next_due.is_some()).count();
    let breached = state
        .screens
        .board
        .queue
        .visible()
        .take(visible)
        .filter(|r| r.next_due.as_ref().is_some_and(|d| d.at <= begin))
        .count();

    let mut per_second = Vec::with_capacity(SECONDS as usize);
    for second in 1..=SECONDS {
        let now = begin + Duration::seconds(second);
        let before = sent();
        update(&mut state, Action::Tick, now);
        draw(&mut terminal, &state, now);
        per_second.push(sent() - before);
    }
    let total: u64 = per_second.iter().sum();
    let quietest = per_second.iter().copied().min().unwrap_or(0);
    let busiest = per_second.iter().copied().max().unwrap_or(0);
    let mut sorted = per_second.clone();
    sorted.sort_unstable();
    let p99 = sorted[(sorted.len() * 99).div_ceil(100).saturating_sub(1)];
    let rate = total as f64 / SECONDS as f64;
    println!(
        "  {width:>3}×{height:<3} {:>2} countdowns on screen ({breached} already overdue): {:>7.1} bytes/s \
         ({:.2} KiB/s)   budget ≤ 2 KiB/s",
        ticking,
        rate,
        rate / 1024.0
    );
    println!(
        "           {total} bytes over {SECONDS} frames; per frame min {quietest} B (a frame with no changed cell still \
         resets the colours and hides the cursor), p99 {p99} B, max {busiest} B; set-up {setup} B and first full \
         frame {first} B not in the rate"
    );
}

fn main() {
    println!("== vakt terminal-output benchmark");
    println!("reproduce: cargo bench --bench terminal");
    let agreements = agreements();
    let theme = Theme::builtin("dark").expect("the built-in dark theme");
    println!(
        "idle board, {INCIDENTS} open incidents (demo generator, seed agreements), dark theme, one Tick + frame per \
         second for {} minutes of simulated time from {} (Oslo), ratatui diffing into a byte-counting \
         CrosstermBackend:",
        SECONDS / 60,
        start().with_timezone(&Oslo).format("%a %Y-%m-%d %H:%M")
    );
    // 160×60 shows all 50 rows; 160×48 and 80×24 show fewer (the table scrolls).
    for (width, height) in [(160, 60), (160, 48), (80, 24)] {
        run(width, height, &agreements, &theme);
    }
}
