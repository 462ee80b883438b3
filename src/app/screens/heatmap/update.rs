//! The heat-map's keys and answers: switching what the grid shows (which asks for it through the in-flight book, so
//! a burst of keys costs one load on its way and one pending), the filters, folding and the drill-down.

use chrono::{DateTime, NaiveDate, Utc};

use super::Line;
use crate::app::action::HeatmapData;
use crate::app::command::{HeatmapAct, Screen};
use crate::app::effect::{DbCommand, Effect};
use crate::app::screens::board::IncidentView;
use crate::app::state::State;
use crate::app::update::coalesce::{Load, Since};
use crate::domain::heatmap::grid::{CellDetail, GridRequest};
use crate::domain::heatmap::{Bucket, Metric};

fn today(state: &State, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&state.zone).date_naive()
}

/// The tab is shown: read the grid afresh (it follows the incidents only when asked).
pub fn shown(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    state.screens.heatmap.today = Some(today(state, now));
    state.screens.heatmap.asked_at = Some(now);
    state.screens.heatmap.requested = None;
    follow(state)
}

/// A heat-map command, from its keys or the palette (which shows the heat-map).
pub fn run(state: &mut State, act: HeatmapAct, now: DateTime<Utc>) -> Vec<Effect> {
    let was_shown = state.screen == Screen::Heatmap;
    state.screen = Screen::Heatmap;
    state.screens.heatmap.today = Some(today(state, now));
    state.screens.heatmap.asked_at = Some(now);
    if !was_shown {
        state.screens.heatmap.requested = None;
    }
    let heatmap = &mut state.screens.heatmap;
    match act {
        HeatmapAct::Days => set_bucket(heatmap, Bucket::Day),
        HeatmapAct::Weeks => set_bucket(heatmap, Bucket::Week),
        HeatmapAct::Months => set_bucket(heatmap, Bucket::Month),
        HeatmapAct::Tertials => set_bucket(heatmap, Bucket::Tertial),
        HeatmapAct::Breaches => heatmap.metric = Metric::Breaches,
        HeatmapAct::Consumed => heatmap.metric = Metric::Consumed,
        HeatmapAct::Availability => heatmap.metric = Metric::Availability,
        HeatmapAct::Received => heatmap.metric = Metric::Received,
        HeatmapAct::Earlier => heatmap.page(-1),
        HeatmapAct::Later => heatmap.page(1),
        HeatmapAct::Now => heatmap.anchor = None,
        HeatmapAct::PreviousColumn => {
            let last = heatmap.grid.as_ref().map_or(0, |g| g.columns.len().saturating_sub(1));
            heatmap.column = heatmap.column.min(last).saturating_sub(1);
        }
        HeatmapAct::NextColumn => {
            let last = heatmap.grid.as_ref().map_or(0, |g| g.columns.len().saturating_sub(1));
            heatmap.column = heatmap.column.saturating_add(1).min(last);
        }
        HeatmapAct::Agreement => {
            heatmap.agreement = heatmap.next_filter(false);
            heatmap.selected = 0;
            let shown = heatmap.agreement.clone().unwrap_or_else(|| "all".into());
            state.inform(format!("agreement: {shown}"), now);
        }
        HeatmapAct::Organisation => {
            heatmap.organisation = heatmap.next_filter(true);
            heatmap.selected = 0;
            let shown = heatmap.organisation.clone().unwrap_or_else(|| "all".into());
            state.inform(format!("organisation: {shown}"), now);
        }
        HeatmapAct::Priority => {
            heatmap.max_rank = match heatmap.max_rank {
                None => Some(1),
                Some(1) => Some(2),
                Some(_) => None,
            };
        }
        HeatmapAct::Group => {
            heatmap.by_organisation = !heatmap.by_organisation;
            heatmap.folded.clear();
            heatmap.selected = 0;
        }
        HeatmapAct::Fold => fold(heatmap),
        HeatmapAct::Drill => return drill(state),
    }
    follow(state)
}

fn set_bucket(heatmap: &mut super::HeatmapScreen, bucket: Bucket) {
    if heatmap.bucket != bucket {
        heatmap.bucket = bucket;
        heatmap.anchor = None;
        heatmap.column = usize::MAX;
    }
}

/// Space on a group's heading folds or unfolds it; on a service, its group.
fn fold(heatmap: &mut super::HeatmapScreen) {
    let lines = heatmap.lines();
    let name = lines[..=heatmap.selected.min(lines.len().saturating_sub(1))].iter().rev().find_map(|line| match line {
        Line::Group { name, .. } => Some(name.to_string()),
        Line::Service(_) => None,
    });
    let Some(name) = name else { return };
    let heading = lines.iter().position(|l| matches!(l, Line::Group { name: n, .. } if *n == name));
    if !heatmap.folded.remove(&name) {
        heatmap.folded.insert(name);
    }
    if let Some(heading) = heading {
        heatmap.selected = heading;
    }
}

/// Enter: on a group, fold it; on a cell, the incidents and outages behind it; in the drill-down, open the
/// selected incident on the board.
fn drill(state: &mut State) -> Vec<Effect> {
    if let Some(drill) = &state.screens.heatmap.drill {
        let Some(Ok(detail)) = &drill.detail else { return Vec::new() };
        let Some(incident) = detail.incidents.get(drill.selected) else { return Vec::new() };
        let (id, reference) = (incident.id, incident.reference.clone());
        state.screen = Screen::Board;
        state.screens.board.incident = Some(IncidentView { id, reference, detail: None, scroll: 0 });
        return vec![Effect::Db(DbCommand::LoadDetail { id })];
    }
    let heatmap = &mut state.screens.heatmap;
    if heatmap.selected_row().is_none() {
        fold(heatmap);
        return Vec::new();
    }
    match heatmap.drill_in() {
        Some(command) => state.link.in_flight.admit(vec![Effect::Db(command)], Since::Unknown),
        None => Vec::new(),
    }
}

/// Asks for the grid when what the screen shows is neither loaded nor on its way.
fn follow(state: &mut State) -> Vec<Effect> {
    match state.screens.heatmap.wanted_load() {
        Some(command) => state.link.in_flight.admit(vec![Effect::Db(command)], Since::Unknown),
        None => Vec::new(),
    }
}

/// Incidents or outages changed: the grid is read again while it is on screen (at the next tick, at most every
/// [`super::REFRESH_SECONDS`]), and when the tab is next shown otherwise.
pub fn changed(state: &mut State) {
    if state.screens.heatmap.requested.is_some() {
        state.screens.heatmap.stale = true;
    }
}

/// Every tick: a stale grid on screen is read again, not more often than every [`super::REFRESH_SECONDS`].
pub fn tick(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let heatmap = &state.screens.heatmap;
    let due = heatmap.asked_at.is_none_or(|at| now - at >= chrono::Duration::seconds(super::REFRESH_SECONDS));
    if state.screen != Screen::Heatmap || !heatmap.stale || !due {
        return Vec::new();
    }
    state.screens.heatmap.today = Some(today(state, now));
    state.screens.heatmap.requested = None;
    state.screens.heatmap.asked_at = Some(now);
    let mut effects = follow(state);
    if let Some(drill) = &state.screens.heatmap.drill {
        let command = DbCommand::LoadHeatCell {
            service: drill.service.clone(),
            from: drill.from,
            to: drill.to,
            max_rank: state.screens.heatmap.max_rank,
        };
        effects.extend(state.link.in_flight.admit(vec![Effect::Db(command)], Since::Unknown));
    }
    effects
}

/// The grid arrived.
pub fn loaded(
    state: &mut State,
    request: GridRequest,
    result: Result<HeatmapData, String>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    if let Err(why) = &result {
        state.warn(format!("the heat-map could not be read: {why}"), now);
    }
    state.screens.heatmap.loaded(&request, result.map(|data| (data.grid, data.standings)));
    state.link.in_flight.loaded(Load::Heatmap)
}

/// The cell's incidents and outages arrived; an answer for a cell no longer open is dropped.
pub fn cell_loaded(
    state: &mut State,
    service: String,
    from: NaiveDate,
    result: Result<CellDetail, String>,
) -> Vec<Effect> {
    if let Some(drill) = &mut state.screens.heatmap.drill
        && drill.service == service
        && drill.from == from
    {
        drill.detail = Some(result);
        drill.selected = 0;
    }
    state.link.in_flight.loaded(Load::HeatCell)
}
