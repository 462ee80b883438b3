//! Commands that move around, open and close things, and arrange the board.

use chrono::{DateTime, Utc};

use super::coalesce::Since;
use super::sync::resync;
use crate::app::command::{Command, Screen};
use crate::app::effect::{BoardSettings, DbCommand, Effect};
use crate::app::screens::board::filter::Filter;
use crate::app::screens::board::queue::VIEWS;
use crate::app::screens::board::{FilterInput, IncidentView};
use crate::app::screens::calendar;
use crate::app::state::{Overlay, Palette, State};

pub fn run(state: &mut State, command: Command, now: DateTime<Utc>) -> Vec<Effect> {
    // The month and week views move their cursor day with the movement keys.
    if state.screen == Screen::Calendar
        && let Some(effects) = calendar::update::navigate(state, command, now)
    {
        return effects;
    }
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
            let screen = state.screen;
            if state.overlay.is_some() {
                state.overlay = None;
            } else if state.screens.get_mut(screen).is_some_and(|s| s.back()) {
                // The screen closed what it had open (the incident view).
            } else if state.screen != Screen::Board {
                state.screen = Screen::Board;
            } else if !state.screens.board.queue.filter().is_empty() {
                state.screens.board.view = 0;
                state.screens.board.queue.set_filter(Filter::default(), now);
                return vec![save_settings(state)];
            }
            Vec::new()
        }
        Command::NextTab => show(state, step_screen(state.screen, 1), now),
        Command::PreviousTab => show(state, step_screen(state.screen, -1), now),
        Command::Show(screen) => show(state, screen, now),
        Command::Filter => {
            let current = state.screens.board.queue.filter().source().to_string();
            state.screens.board.filter_input =
                Some(FilterInput { text: current.clone(), previous: current, error: None });
            Vec::new()
        }
        Command::NextView => {
            state.screens.board.view = (state.screens.board.view + 1) % VIEWS.len();
            let view = VIEWS[state.screens.board.view];
            if let Ok(filter) = Filter::parse(view.filter) {
                state.screens.board.queue.set_filter(filter, now);
            }
            state.inform(format!("view: {}", view.name), now);
            vec![save_settings(state)]
        }
        Command::SortNext => {
            let (key, _) = state.screens.board.queue.sort();
            state.screens.board.queue.set_sort(key.next(), false, now);
            vec![save_settings(state)]
        }
        Command::SortReverse => {
            let (key, descending) = state.screens.board.queue.sort();
            state.screens.board.queue.set_sort(key, !descending, now);
            vec![save_settings(state)]
        }
        Command::Act(act) => crate::app::screens::board::actions::start(state, act, now),
        Command::Major(act) => crate::app::screens::major::update::start(state, act, now),
        Command::Calendar(act) => calendar::update::run(state, act, now),
        Command::Heatmap(act) => crate::app::screens::heatmap::update::run(state, act, now),
        Command::Minutes(act) => crate::app::screens::minutes::update::run(state, act, now),
        Command::Admin(act) => crate::app::screens::admin::update::run(state, act, now),
        Command::Problems(act) => crate::app::screens::problems::update::run(state, act, now),
        // Only an open overlay takes these (update::input).
        Command::Overlay(_) => Vec::new(),
        Command::FollowUps => crate::app::screens::board::follow_ups::toggle(state),
        Command::AnswerFollowUp => crate::app::screens::board::follow_ups::answer(state, now),
    }
}

/// The effect that remembers the board's arrangement for this user.
pub fn save_settings(state: &State) -> Effect {
    let (key, descending) = state.screens.board.queue.sort();
    Effect::Db(DbCommand::SaveSettings(BoardSettings {
        filter: state.screens.board.queue.filter().source().to_string(),
        view: VIEWS[state.screens.board.view].name.to_string(),
        sort: format!("{}{}", if descending { "-" } else { "" }, key.name()),
    }))
}

fn show(state: &mut State, screen: Screen, now: DateTime<Utc>) -> Vec<Effect> {
    let was = state.screen;
    state.screen = screen;
    state.overlay = None;
    if screen == Screen::Heatmap && was != Screen::Heatmap {
        return crate::app::screens::heatmap::update::shown(state, now);
    }
    if screen == Screen::Minutes && was != Screen::Minutes {
        return crate::app::screens::minutes::update::shown(state);
    }
    if screen == Screen::Admin && was != Screen::Admin {
        return crate::app::screens::admin::update::shown(state);
    }
    if screen == Screen::Problems && was != Screen::Problems {
        return crate::app::screens::problems::update::shown(state);
    }
    if screen == Screen::Major && was != Screen::Major && state.screens.major.deliveries_stale {
        return state.link.in_flight.admit(vec![Effect::Db(DbCommand::LoadMajors)], Since::Unknown);
    }
    Vec::new()
}

fn step_screen(current: Screen, delta: isize) -> Screen {
    let count = Screen::ALL.len() as isize;
    let index = (current.number() as isize - 1 + delta).rem_euclid(count);
    Screen::ALL[index as usize]
}

fn move_selection(state: &mut State, delta: isize) -> Vec<Effect> {
    if let Some(screen) = state.screens.get_mut(state.screen) {
        screen.move_selection(delta);
    }
    Vec::new()
}

fn open_selected(state: &mut State) -> Vec<Effect> {
    let Some(row) = state.screens.board.queue.selected() else {
        return Vec::new();
    };
    let id = row.id;
    state.screens.board.incident = Some(IncidentView { id, reference: row.reference.clone(), detail: None, scroll: 0 });
    vec![Effect::Db(DbCommand::LoadDetail { id })]
}
