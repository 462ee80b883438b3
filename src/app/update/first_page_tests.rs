//! The board at start: the first page first, the whole queue behind it, and no change lost in between. Also that
//! a live change moves one row into place exactly as a full re-sort would put it.

use chrono::Duration;

use super::tests::{now, row};
use super::update;
use crate::app::action::{Action, ChangeNotice};
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{IncidentSummary, NextDue, Rights, UserInfo};
use crate::app::screens::board::FIRST_PAGE_ROWS;
use crate::app::screens::board::filter::Filter;
use crate::app::screens::board::queue::{Board, SortKey};
use crate::app::state::State;
use crate::domain::incident::Status;

fn connected() -> (State, Vec<Effect>) {
    let mut state = State::new("test");
    let user = UserInfo { login: "kari".into(), full_name: None, rights: Rights { viewer: true, ..Rights::default() } };
    let effects = update(&mut state, Action::Connected { user }, now());
    (state, effects)
}

/// An open incident due `minutes` from now, at `version`.
fn due(id: i64, minutes: i64, version: i32) -> IncidentSummary {
    let mut incident = row(id, "Høy", 2, Status::New);
    incident.next_due = Some(NextDue {
        at: now() + Duration::minutes(minutes),
        target: crate::domain::agreement::spec::TargetKind::Resolution,
        state: crate::domain::sla::record::DueState::Running,
        clock: None,
        budget_seconds: None,
    });
    incident.version = version;
    incident
}

fn changed(id: i64, version: i32) -> Action {
    Action::Changed(ChangeNotice {
        table: "incidents".into(),
        id: Some(id),
        version: Some(version),
        op: "update".into(),
    })
}

fn ids(state: &State) -> Vec<i64> {
    state.screens.board.queue.visible().map(|r| r.id).collect()
}

#[test]
fn the_first_page_is_asked_for_at_connect_and_shown_until_the_whole_queue_arrives() {
    let (mut s, effects) = connected();
    assert_eq!(effects, vec![Effect::Db(DbCommand::LoadBoardFirstPage { rows: FIRST_PAGE_ROWS })]);
    assert!(!s.screens.board.queue.showing());

    update(
        &mut s,
        Action::BoardFirstPage { rows: vec![due(3, 30, 1), due(1, 10, 1), due(2, 20, 1)], open: 500 },
        now(),
    );
    let queue = &s.screens.board.queue;
    assert!(queue.showing() && !queue.loaded);
    assert_eq!(queue.still_to_come(), Some(497));
    assert_eq!(ids(&s), vec![1, 2, 3], "soonest deadline first");

    // The listener comes online: the whole queue is asked for, and replaces the page when it comes.
    let effects = update(&mut s, Action::Online, now());
    assert!(effects.contains(&Effect::Db(DbCommand::LoadBoard)), "{effects:?}");
    let whole: Vec<IncidentSummary> = (1..=500).map(|id| due(id, id * 10, 1)).collect();
    update(&mut s, Action::BoardLoaded(whole), now());
    let queue = &s.screens.board.queue;
    assert!(queue.loaded && queue.still_to_come().is_none());
    assert_eq!(queue.visible_len(), 500);
}

#[test]
fn a_first_page_later_than_the_whole_queue_is_dropped() {
    let (mut s, _) = connected();
    update(&mut s, Action::BoardLoaded(vec![due(1, 10, 2), due(2, 20, 2)]), now());
    update(&mut s, Action::BoardFirstPage { rows: vec![due(1, 10, 1)], open: 1 }, now());
    assert_eq!(ids(&s), vec![1, 2]);
    assert_eq!(s.screens.board.queue.find(1).map(|r| r.version), Some(2));
    // A resync after a reconnect asks for the whole queue, never the first page again.
    let (mut s, _) = connected();
    update(&mut s, Action::BoardLoaded(vec![due(1, 10, 2)]), now());
    let user = UserInfo { login: "kari".into(), full_name: None, rights: Rights::default() };
    assert!(update(&mut s, Action::Connected { user }, now()).is_empty());
}

#[test]
fn changes_between_the_first_page_the_whole_queue_and_the_listener_are_not_missed() {
    let (mut s, _) = connected();
    // The first page was read before the listener was online: incident 1 at version 1.
    update(&mut s, Action::BoardFirstPage { rows: vec![due(1, 10, 1), due(2, 20, 1)], open: 3 }, now());
    // Online: the whole queue is on its way. Notices arriving meanwhile wait for it instead of fetching now.
    let effects = update(&mut s, Action::Online, now());
    assert!(effects.contains(&Effect::Db(DbCommand::LoadBoard)));
    assert!(update(&mut s, changed(1, 3), now()).is_empty(), "the reload on its way may already show it");
    assert!(update(&mut s, changed(9, 1), now()).is_empty(), "a new incident, noticed during the reload");
    assert!(update(&mut s, changed(2, 2), now()).is_empty());
    // The whole queue was read before the change to 1 and before 9 existed, after the change to 2.
    let effects = update(&mut s, Action::BoardLoaded(vec![due(1, 10, 2), due(2, 20, 2), due(3, 30, 1)]), now());
    assert_eq!(
        effects,
        vec![Effect::Db(DbCommand::FetchSummary { id: 1 }), Effect::Db(DbCommand::FetchSummary { id: 9 })],
        "only what the whole queue may not show yet is fetched"
    );
    update(&mut s, Action::SummaryFetched { id: 9, summary: Some(Box::new(due(9, 5, 1))) }, now());
    update(&mut s, Action::SummaryFetched { id: 1, summary: Some(Box::new(due(1, 40, 3))) }, now());
    assert_eq!(ids(&s), vec![9, 2, 3, 1], "both changes in place, in deadline order");
    assert_eq!(s.screens.board.queue.find(1).map(|r| r.version), Some(3));
}

#[test]
fn filters_and_sorts_apply_to_the_first_page_and_to_everything_once_loaded() {
    let (mut s, _) = connected();
    let mut page: Vec<IncidentSummary> = (1..=4).map(|id| due(id, id * 10, 1)).collect();
    page[2].priority_rank = Some(0);
    update(&mut s, Action::BoardFirstPage { rows: page.clone(), open: 6 }, now());
    s.screens.board.queue.set_sort(SortKey::Priority, false, now());
    assert_eq!(ids(&s), vec![3, 1, 2, 4], "the rows here, by priority");
    s.screens.board.queue.set_filter(Filter::parse("incident 4").unwrap(), now());
    assert_eq!(ids(&s), vec![4]);
    let mut whole = page;
    whole.push(due(5, 50, 1));
    whole.push(due(6, 60, 1));
    whole[4].priority_rank = Some(0);
    whole[5].title = "incident 4 again".into();
    update(&mut s, Action::BoardLoaded(whole), now());
    assert_eq!(ids(&s), vec![4, 6], "the filter over everything");
    s.screens.board.queue.set_filter(Filter::default(), now());
    assert_eq!(ids(&s), vec![3, 5, 1, 2, 4, 6], "the sort over everything");
}

/// A small deterministic generator (no dependency needed for this).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[test]
fn a_live_change_puts_its_row_where_a_full_re_sort_would() {
    let mut rng = Lcg(15);
    for (key, descending, filter) in [
        (SortKey::Deadline, false, ""),
        (SortKey::Priority, true, ""),
        (SortKey::Title, false, "-paused"),
        (SortKey::Age, true, "prio:Høy"),
    ] {
        let mut board = Board::default();
        board.set_filter(Filter::parse(filter).unwrap(), now());
        board.set_sort(key, descending, now());
        let start: Vec<IncidentSummary> = (1..=60).map(|id| due(id, (id * 7) % 25, 1)).collect();
        board.replace(start, now());
        for step in 0..2_000 {
            let id = 1 + rng.below(80) as i64;
            let version = board.version_of(id).unwrap_or(0) + 1;
            let fresh = match rng.below(6) {
                0 => None,
                1 => Some(row(id, "Lav", 2, Status::Resolved)),
                n => {
                    let mut incident = due(id, rng.below(30) as i64 - 5, version);
                    incident.priority = Some(if n == 2 { "Lav" } else { "Høy" }.into());
                    incident.priority_rank = Some(rng.below(3) as i32);
                    incident.status = if n == 3 { Status::Paused } else { Status::InProgress };
                    incident.title = format!("incident {}", rng.below(10));
                    Some(incident)
                }
            };
            let selected = board.selected().map(|r| r.id);
            board.apply(id, fresh, now());
            let mut resorted = board.clone();
            resorted.refresh(now());
            let order = |b: &Board| b.visible().map(|r| r.id).collect::<Vec<_>>();
            assert_eq!(order(&board), order(&resorted), "step {step}, sort {key:?}, filter {filter:?}");
            if let Some(kept) = selected.filter(|kept| board.visible().any(|r| r.id == *kept)) {
                assert_eq!(board.selected().map(|r| r.id), Some(kept), "the selection follows its incident");
            }
            board.move_by(rng.below(5) as isize - 2);
        }
    }
}
