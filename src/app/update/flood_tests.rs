//! Change notices from anyone: a flood must cost a bounded number of database commands and lose no change.

use std::collections::{BTreeMap, VecDeque};

use super::coalesce::MAX_FETCHES;
use super::tests::{now, row, state};
use super::update;
use crate::app::action::{Action, ChangeNotice};
use crate::app::command::Command;
use crate::app::effect::{DbCommand, Effect};
use crate::app::state::State;
use crate::domain::incident::Status;

fn notice(table: &str, id: i64, version: i32) -> Action {
    Action::Changed(ChangeNotice { table: table.into(), id: Some(id), version: Some(version), op: "update".into() })
}

fn commands(effects: Vec<Effect>) -> Vec<DbCommand> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Db(command) => Some(command),
            _ => None,
        })
        .collect()
}

#[test]
fn a_flood_of_change_notices_costs_a_bounded_number_of_database_commands() {
    let mut s = state(true);
    s.presence.console_id = "console-1".into();
    update(&mut s, Action::Run(Command::Open), now());
    let open = s.screens.board.incident.as_ref().map(|v| v.id).expect("an incident is open");
    let mut sent = Vec::new();
    // Forged or real, before any answer arrives: 10,000 incidents announced twice, the open incident 10,000 times,
    // every list 10,000 times, and junk.
    for round in 0..2 {
        for id in 0..10_000 {
            sent.extend(commands(update(&mut s, notice("incidents", id, 99 + round), now())));
        }
    }
    let tables = [
        "majors",
        "outbox",
        "maintenance_series",
        "maintenance_approvals",
        "maintenance_announcements",
        "presence",
        "rota_shifts",
        "settings",
        "handovers",
        "agreements",
        "services",
        "organisations",
        "staff",
        "bulk",
        "follow_ups",
        "no_such_table",
        "",
    ];
    for id in 0..10_000 {
        sent.extend(commands(update(&mut s, notice("incidents", open, 200 + id as i32), now())));
        for table in tables {
            sent.extend(commands(update(&mut s, notice(table, id, 1), now())));
        }
    }
    // MAX_FETCHES fetches, then the board, the open incident, the agreements, the majors, the calendar, the
    // service windows, the rota, the presence and the user's follow-ups: once each.
    assert!(sent.len() <= MAX_FETCHES + 9, "{} commands: {:?}", sent.len(), &sent[MAX_FETCHES..]);
    let calendar = s.screens.calendar.reload().expect("the calendar knows its dates once connected");
    for list in [
        DbCommand::LoadBoard,
        calendar,
        DbCommand::LoadServiceWindows,
        DbCommand::LoadDetail { id: open },
        DbCommand::LoadMyFollowUps,
    ] {
        assert_eq!(sent.iter().filter(|c| **c == list).count(), 1, "{list:?}");
    }
}

/// A tiny deterministic generator: the same interleaving on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn notices_and_answers_interleaved_keep_the_queue_short_and_lose_no_change() {
    let mut s = state(true);
    // The database: 200 open incidents and their versions. Rows 1 and 2 are on the board at version 3.
    let mut db: BTreeMap<i64, i32> = (1..=200).map(|id| (id, 3)).collect();
    let line = |id: i64, version: i32| {
        let mut r = row(id, "Høy", 2, Status::Acknowledged);
        r.version = version;
        r
    };
    let mut queue: VecDeque<DbCommand> = VecDeque::new();
    let mut longest = 0;
    let mut rng = Lcg(8);
    let mut total = 0;
    for step in 0..20_000 {
        // A change or none (a burst now and then), and mostly the worker reads one command: its answer is delivered
        // only after the changes that commit meanwhile, as with a real database.
        let changes = if step % 1_000 == 0 { 500 } else { rng.below(2) };
        let answer = match (rng.below(4), queue.pop_front()) {
            (1..=3, Some(command)) => Some(match command {
                DbCommand::FetchSummary { id } => {
                    Action::SummaryFetched { id, summary: db.get(&id).map(|v| Box::new(line(id, *v))) }
                }
                DbCommand::LoadBoard => Action::BoardLoaded(db.iter().map(|(id, v)| line(*id, *v)).collect()),
                other => panic!("only incidents change here: {other:?}"),
            }),
            (_, Some(command)) => {
                queue.push_front(command);
                None
            }
            (_, None) => None,
        };
        // Often the very row being read changes before its answer arrives.
        let racing = match &answer {
            Some(Action::SummaryFetched { id, .. }) if rng.below(2) == 0 => Some(*id),
            Some(Action::BoardLoaded(_)) => Some(1 + rng.below(200) as i64),
            _ => None,
        };
        let mut changed: Vec<i64> = (0..changes).map(|_| 1 + rng.below(200) as i64).collect();
        changed.extend(racing);
        for id in changed {
            let version = db.entry(id).or_default();
            *version += 1;
            let effects = commands(update(&mut s, notice("incidents", id, *version), now()));
            total += effects.len();
            queue.extend(effects);
        }
        if let Some(answer) = answer {
            let effects = commands(update(&mut s, answer, now()));
            total += effects.len();
            queue.extend(effects);
        }
        longest = longest.max(queue.len());
    }
    // Drain: every command is answered, and the answers ask for little more.
    let mut rounds = 0;
    while let Some(command) = queue.pop_front() {
        rounds += 1;
        assert!(rounds < 10 * MAX_FETCHES, "the answers keep asking");
        let answer = match command {
            DbCommand::FetchSummary { id } => {
                Action::SummaryFetched { id, summary: db.get(&id).map(|v| Box::new(line(id, *v))) }
            }
            _ => Action::BoardLoaded(db.iter().map(|(id, v)| line(*id, *v)).collect()),
        };
        queue.extend(commands(update(&mut s, answer, now())));
    }
    assert!(longest <= 2 * MAX_FETCHES + 1, "{longest} commands waited at once");
    assert!(total < 20_000, "{total} commands for about 30,000 notices");
    for (id, version) in &db {
        assert_eq!(s.screens.board.queue.version_of(*id), Some(*version), "incident {id} is stale");
    }
}

#[test]
fn a_failed_or_unsent_load_is_not_waited_for() {
    let mut s = state(true);
    assert_eq!(commands(update(&mut s, notice("majors", 1, 2), now())), vec![DbCommand::LoadMajors]);
    assert!(update(&mut s, notice("majors", 1, 3), now()).is_empty(), "on its way");
    update(&mut s, Action::DbFailed { what: "loading major incidents".into(), error: "x".into() }, now());
    assert_eq!(commands(update(&mut s, notice("majors", 1, 4), now())), vec![DbCommand::LoadMajors]);
    s.link.in_flight.not_sent(&DbCommand::LoadMajors);
    assert_eq!(commands(update(&mut s, notice("majors", 1, 5), now())), vec![DbCommand::LoadMajors]);
}

#[test]
fn every_watched_table_is_acted_on_and_no_other() {
    for table in crate::app::action::WATCHED_TABLES {
        let mut s = state(true);
        s.presence.console_id = "console-1".into();
        let asked = !commands(update(&mut s, notice(table, 1, 99), now())).is_empty();
        // Deliveries are read when the major cockpit is shown (`deliveries_stale`), not on the board.
        let noted = table == "outbox" && s.screens.major.deliveries_stale;
        assert!(asked || noted, "{table}");
    }
    for table in ["incident_events", "audit_log", "contacts", "INCIDENTS", "incidents ", ""] {
        let mut s = state(true);
        let notice = ChangeNotice { table: table.into(), id: Some(1), version: Some(99), op: "update".into() };
        assert!(!notice.is_watched(), "{table}");
        assert!(commands(update(&mut s, Action::Changed(notice), now())).is_empty(), "{table}");
    }
    for junk in ["", "vakt", "{}", "{\"t\":1}", "{\"t\":\"incidents\",\"id\":\"1; DROP\",\"op\":\"x\"}"] {
        assert_eq!(ChangeNotice::parse(junk), None, "{junk}");
    }
}

/// The console draws no frame for a batch of incident notices (`Action::changes_no_frame`): that is only right while
/// such a notice changes nothing on any screen until its answer comes, which this renders on each screen it touches.
#[test]
fn an_incident_notice_changes_no_frame_until_its_answer_comes() {
    use super::tests::snapshots::render;
    use crate::app::command::Screen;
    type Show = fn(&mut State);
    let screens: [(&str, Show); 3] = [
        ("board", |_| {}),
        ("incident view", |s| {
            *s = super::incident_problems_tests::viewing(true, Default::default());
        }),
        ("heat-map", |s| {
            update(s, Action::Run(Command::Show(Screen::Heatmap)), now());
        }),
    ];
    for (name, show) in screens {
        let mut s = state(true);
        show(&mut s);
        assert!(!render(&s, now(), (80, 24)).is_empty(), "{name}");
        let notices = [
            notice("incidents", 1, 9),
            notice("incidents", 99, 1),
            Action::Changed(ChangeNotice {
                table: "incidents".into(),
                id: Some(2),
                version: None,
                op: "delete".into(),
            }),
        ];
        for action in notices {
            assert!(action.changes_no_frame());
            let before = render(&s, now(), (80, 24));
            update(&mut s, action, now());
            assert_eq!(render(&s, now(), (80, 24)), before, "{name}");
        }
    }
    // The answer does change the board.
    let mut s = state(true);
    let mut changed = row(1, "Høy", 2, Status::Acknowledged);
    changed.title = "Title edited elsewhere".into();
    changed.version = 9;
    update(&mut s, notice("incidents", 1, 9), now());
    let before = render(&s, now(), (160, 48));
    update(&mut s, Action::SummaryFetched { id: 1, summary: Some(Box::new(changed)) }, now());
    assert_ne!(render(&s, now(), (160, 48)), before);
    assert!(!notice("majors", 1, 2).changes_no_frame());
    assert!(!notice("outbox", 1, 2).changes_no_frame());
    assert!(!Action::Tick.changes_no_frame());
}
