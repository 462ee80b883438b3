//! The heat-map through `update`: its keys ask for the grid once per change of what it shows, Enter drills into a
//! cell, Esc comes back, and Enter on an incident opens it on the board.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};

use super::tests::{now, state};
use super::update;
use crate::app::action::{Action, HeatmapData};
use crate::app::command::Screen;
use crate::app::effect::{DbCommand, Effect};
use crate::app::state::State;
use crate::domain::heatmap::grid::{CellDetail, CellIncident, Grid, GridRequest, Service};
use crate::domain::heatmap::{Bucket, Metric};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn keys(s: &mut State, typed: &str) -> Vec<Effect> {
    typed.chars().flat_map(|c| update(s, Action::Key(KeyEvent::from(KeyCode::Char(c))), now())).collect()
}

fn asked(effects: &[Effect]) -> Vec<GridRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::LoadHeatmap { request, .. }) => Some(request.clone()),
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, request: GridRequest) {
    let services = vec![Service {
        code: "SBL".into(),
        name: "Sluttbrukerløsningen".into(),
        agreement: "ALTINN".into(),
        organisation: "Digdir".into(),
    }];
    let data = HeatmapData { grid: Grid::new(request.clone(), services), standings: Default::default() };
    update(s, Action::HeatmapLoaded { request, result: Ok(data) }, now());
}

#[test]
fn the_keys_change_what_is_asked_for_and_a_burst_costs_one_load_on_its_way() {
    let mut s = state(false);
    let shown = asked(&keys(&mut s, "3"));
    assert_eq!(s.screen, Screen::Heatmap);
    assert_eq!(shown.len(), 1);
    // Tuesday 24 November 2026 is in 2026-W48; 52 weeks back starts Monday 1 December 2025.
    assert_eq!((shown[0].bucket, shown[0].from, shown[0].to), (Bucket::Week, date(2025, 12, 1), date(2026, 11, 30)));
    // While the first load is on its way, M and v are remembered as one more load, not sent.
    assert!(asked(&keys(&mut s, "Mv")).is_empty());
    let services = Vec::new();
    let data = HeatmapData { grid: Grid::new(shown[0].clone(), services), standings: Default::default() };
    let then = update(&mut s, Action::HeatmapLoaded { request: shown[0].clone(), result: Ok(data) }, now());
    let pending = asked(&then);
    assert_eq!(pending.len(), 1, "the remembered load goes out when the first answer arrives");
    assert_eq!((pending[0].bucket, pending[0].metric), (Bucket::Month, Metric::Availability));
    assert_eq!(s.screens.heatmap.grid, None, "the answer to an older request is not shown as the new one");
    answer(&mut s, pending[0].clone());
    assert_eq!(s.screens.heatmap.grid.as_ref().unwrap().columns.len(), 24, "two years of months");
}

#[test]
fn enter_drills_into_the_cell_esc_comes_back_and_enter_on_an_incident_opens_it() {
    let mut s = state(false);
    let shown = asked(&keys(&mut s, "3"));
    answer(&mut s, shown[0].clone());
    assert_eq!(s.screens.heatmap.selected, 1, "the first service is selected, so the side panel speaks");
    let effects = update(&mut s, Action::Key(KeyEvent::from(KeyCode::Enter)), now());
    let cell = DbCommand::LoadHeatCell {
        service: "SBL".into(),
        from: date(2026, 11, 23),
        to: date(2026, 11, 30),
        max_rank: None,
    };
    assert_eq!(effects, vec![Effect::Db(cell)]);
    let incident = CellIncident {
        id: 42,
        reference: "INC-42".into(),
        priority: "A".into(),
        title: "SBL nede".into(),
        received_at: now(),
        status: "resolved".into(),
        breaches: 1,
    };
    let detail = CellDetail { incidents: vec![incident], more: false, outages: Vec::new() };
    update(
        &mut s,
        Action::HeatCellLoaded { service: "SBL".into(), from: date(2026, 11, 23), result: Ok(detail) },
        now(),
    );
    assert!(s.screens.heatmap.drill.as_ref().is_some_and(|d| d.detail.is_some()));
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Esc)), now());
    assert_eq!(
        (s.screen, s.screens.heatmap.drill.is_none()),
        (Screen::Heatmap, true),
        "Esc closes the drill-down only"
    );
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Enter)), now());
    let detail = CellDetail {
        incidents: vec![CellIncident {
            id: 42,
            reference: "INC-42".into(),
            priority: "A".into(),
            title: "SBL nede".into(),
            received_at: now(),
            status: "resolved".into(),
            breaches: 1,
        }],
        more: false,
        outages: Vec::new(),
    };
    update(
        &mut s,
        Action::HeatCellLoaded { service: "SBL".into(), from: date(2026, 11, 23), result: Ok(detail) },
        now(),
    );
    let effects = update(&mut s, Action::Key(KeyEvent::from(KeyCode::Enter)), now());
    assert_eq!(effects, vec![Effect::Db(DbCommand::LoadDetail { id: 42 })]);
    assert_eq!(s.screen, Screen::Board);
    assert_eq!(s.screens.board.incident.as_ref().map(|v| v.reference.as_str()), Some("INC-42"));
}

#[test]
fn filters_step_and_a_viewer_may_use_every_key() {
    let mut s = state(false);
    let shown = asked(&keys(&mut s, "3"));
    answer(&mut s, shown[0].clone());
    keys(&mut s, "a");
    assert_eq!(s.screens.heatmap.agreement.as_deref(), Some("ALTINN"));
    keys(&mut s, "a");
    assert_eq!(s.screens.heatmap.agreement, None, "after the last agreement comes all");
    let ranked = asked(&keys(&mut s, "p"));
    assert_eq!(ranked.len(), 1);
    assert_eq!(ranked[0].max_rank, Some(1));
    keys(&mut s, "h");
    assert_eq!(s.screens.heatmap.column, 50);
    keys(&mut s, " ");
    assert!(s.screens.heatmap.folded.contains("ALTINN"), "Space folds the selected service's group");
}

#[test]
fn a_change_to_the_incidents_reloads_the_grid_on_screen_at_most_every_fifteen_seconds() {
    use crate::app::action::ChangeNotice;
    use chrono::Duration;
    let mut s = state(false);
    let shown = asked(&keys(&mut s, "3"));
    answer(&mut s, shown[0].clone());
    let notice = ChangeNotice { table: "incidents".into(), id: Some(7), version: Some(2), op: "update".into() };
    update(&mut s, Action::Changed(notice.clone()), now());
    assert!(asked(&update(&mut s, Action::Tick, now() + Duration::seconds(5))).is_empty(), "not sooner than 15 s");
    let reload = asked(&update(&mut s, Action::Tick, now() + Duration::seconds(15)));
    assert_eq!(reload, shown, "the same grid, read again");
    answer(&mut s, reload[0].clone());
    assert!(asked(&update(&mut s, Action::Tick, now() + Duration::seconds(60))).is_empty(), "nothing changed since");
    // Off screen, a change waits for the tab to be shown again.
    update(&mut s, Action::Changed(notice), now() + Duration::seconds(61));
    keys(&mut s, "1");
    assert!(asked(&update(&mut s, Action::Tick, now() + Duration::seconds(120))).is_empty());
    assert_eq!(asked(&keys(&mut s, "3")).len(), 1);
}
