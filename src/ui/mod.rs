//! Rendering: a function of the state, the theme, the clock and the viewer's zone. Never does I/O.
#![deny(clippy::disallowed_methods)]

mod chrome;
mod deadline;
mod form;
pub mod format;
mod overlay;
pub mod safe_backend;
mod screens;
pub mod theme;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::keymap::{self, Scope};
use crate::app::state::{Overlay, State};
pub use theme::Theme;

/// The smallest terminal the console promises to work in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What every screen needs besides the state.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
    /// The viewer's time zone; times are shown in it.
    pub zone: Tz,
}

pub fn render(frame: &mut Frame, state: &State, view: View) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "vakt needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}.\n\
             Make the window larger (or the font smaller). Press q to quit.",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(text).style(view.theme.text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [tabs, summary, body, keys] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)])
            .areas(area);
    chrome::tabs(frame, tabs, state, view);
    chrome::summary(frame, summary, state, view);
    screens::render(frame, body, state, view);
    chrome::key_line(frame, keys, state, view);
    match &state.overlay {
        Some(Overlay::Help { scroll }) => overlay::help(frame, area, state, *scroll, view),
        Some(Overlay::Palette(palette)) => overlay::palette(frame, area, state, palette, view),
        Some(Overlay::Form(f)) if f.purpose == crate::app::state::FormPurpose::Create => {
            let pick = crate::app::command::Command::Overlay(crate::app::command::OverlayKey::KnownError);
            let pick_key = keymap::key_for(&state.keymap, Scope::Form, pick).map(|c| c.label()).unwrap_or_default();
            let keys = format!("{} · {pick_key} known-error", keymap::hints(&state.keymap, Scope::Form));
            let notes = screens::board_known_errors::lines(state, &pick_key, view);
            form::form(frame, area, f, &keys, notes, view)
        }
        Some(Overlay::Form(f)) => {
            form::form(frame, area, f, &keymap::hints(&state.keymap, Scope::Form), Vec::new(), view)
        }
        Some(Overlay::Confirm(c)) => form::confirm(frame, area, c, &keymap::hints(&state.keymap, Scope::Confirm), view),
        Some(Overlay::Preview(p)) => form::preview(frame, area, p, &keymap::hints(&state.keymap, Scope::Confirm), view),
        None => {}
    }
}
