//! Commands that move around, open and close things, and arrange the board.

use chrono::{DateTime, Utc};

use super::sync::resync;
use crate::app::board::VIEWS;
use crate::app::command::{Command, Screen};
use crate::app::effect::{BoardSettings, DbCommand, Effect};
use crate::app::filter::Filter;
use crate::app::state::{FilterInput, IncidentView, Overlay, Palette, State};

pub fn run(state: &mut State, command: Command, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_size() as isize;
    match command {
        Command::Quit => {
            state.should_quit = true;
            vec![Effect::Quit]
        }
        Command::Help => {
            state.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Command::Palette => {
            state.overlay = Some(Overlay::Palette(Palette::default()));
            Vec::new()
        }
        Command::Refresh => {
            state.inform("reloading", now);
            let mut effects = vec![Effect::Db(DbCommand::LoadAgreements)];
            effects.extend(resync(state));
            effects
        }
        Command::Up => move_selection(state, -1),
        Command::Down => move_selection(state, 1),
        Command::PageUp => move_selection(state, -page),
        Command::PageDown => move_selection(state, page),
        Command::Top => move_selection(state, isize::MIN / 2),
        Command::Bottom => move_selection(state, isize::MAX / 2),
        Command::Open => open_selected(state),
        Command::Back => {
            if state.overlay.is_some() {
                state.overlay = None;
            } else if state.incident.is_some() {
                state.incident = None;
            } else if state.screen != Screen::Board {
                state.screen = Screen::Board;
            } else if !state.board.filter().is_empty() {
                state.view = 0;
                state.board.set_filter(Filter::default(), now);
                return vec![save_settings(state)];
            }
            Vec::new()
        }
        Command::NextTab => show(state, step_screen(state.screen, 1)),
        Command::PreviousTab => show(state, step_screen(state.screen, -1)),
        Command::Show(screen) => show(state, screen),
        Command::Filter => {
            let current = state.board.filter().source().to_string();
            state.filter_input = Some(FilterInput { text: current.clone(), previous: current, error: None });
            Vec::new()
        }
        Command::NextView => {
            state.view = (state.view + 1) % VIEWS.len();
            let view = VIEWS[state.view];
            if let Ok(filter) = Filter::parse(view.filter) {
                state.board.set_filter(filter, now);
            }
            state.inform(format!("view: {}", view.name), now);
            vec![save_settings(state)]
        }
        Command::SortNext => {
            let (key, _) = state.board.sort();
            state.board.set_sort(key.next(), false, now);
            vec![save_settings(state)]
        }
        Command::SortReverse => {
            let (key, descending) = state.board.sort();
            state.board.set_sort(key, !descending, now);
            vec![save_settings(state)]
        }
        Command::Act(act) => super::actions::start(state, act, now),
        Command::Major(act) => super::majors::start(state, act, now),
    }
}

/// The effect that remembers the board's arrangement for this user.
pub fn save_settings(state: &State) -> Effect {
    let (key, descending) = state.board.sort();
    Effect::Db(DbCommand::SaveSettings(BoardSettings {
        filter: state.board.filter().source().to_string(),
        view: VIEWS[state.view].name.to_string(),
        sort: format!("{}{}", if descending { "-" } else { "" }, key.name()),
    }))
}

fn show(state: &mut State, screen: Screen) -> Vec<Effect> {
    state.screen = screen;
    state.overlay = None;
    Vec::new()
}

fn step_screen(current: Screen, delta: isize) -> Screen {
    let count = Screen::ALL.len() as isize;
    let index = (current.number() as isize - 1 + delta).rem_euclid(count);
    Screen::ALL[index as usize]
}

fn move_selection(state: &mut State, delta: isize) -> Vec<Effect> {
    if let Some(view) = &mut state.incident {
        view.scroll = view.scroll.saturating_add_signed(delta);
        if let Some(detail) = &view.detail {
            view.scroll = view.scroll.min(detail.events.len().saturating_sub(1));
        }
    } else if state.screen == Screen::Major {
        let last = state.majors.list.len().saturating_sub(1);
        state.majors.selected =
            state.majors.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(last);
    } else if state.screen == Screen::Board {
        match delta {
            d if d <= isize::MIN / 2 => state.board.select_first(),
            d if d >= isize::MAX / 2 => state.board.select_last(),
            d => state.board.move_by(d),
        }
    }
    Vec::new()
}

fn open_selected(state: &mut State) -> Vec<Effect> {
    let Some(row) = state.board.selected() else {
        return Vec::new();
    };
    let id = row.id;
    state.incident = Some(IncidentView { id, reference: row.reference.clone(), detail: None, scroll: 0 });
    vec![Effect::Db(DbCommand::LoadDetail { id })]
}
