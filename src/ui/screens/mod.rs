//! One file per screen; `render` is the only place that chooses between them (see app/screens for the state).

mod admin;
mod board;
pub mod board_known_errors;
mod calendar;
mod heatmap;
mod incident;
mod incident_regulatory;
mod major;
mod minutes;
mod problems;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::View;
use crate::app::{Screen, State};

/// Draws the body of the current screen.
pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    match state.screen {
        Screen::Board => match &state.screens.board.incident {
            None => board::render(frame, area, state, view),
            Some(incident) => incident::render(frame, area, state, incident, view),
        },
        Screen::Major => major::render(frame, area, state, view),
        Screen::Calendar => calendar::render(frame, area, state, view),
        Screen::Heatmap => heatmap::render(frame, area, state, view),
        Screen::Minutes => minutes::render(frame, area, state, view),
        Screen::Admin => admin::render(frame, area, state, view),
        Screen::Problems => problems::render(frame, area, state, view),
    }
}
