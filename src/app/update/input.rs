//! Keys: to the overlay or text line that has focus, otherwise through the keymap.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::nav::{run, save_settings};
use crate::app::command::{Command, OverlayKey};
use crate::app::effect::Effect;
use crate::app::form::{self, FormKey};
use crate::app::keymap::{self, Scope};
use crate::app::screens::board::filter::Filter;
use crate::app::screens::board::{actions, known_errors};
use crate::app::state::{FormPurpose, Overlay, Palette, Severity, State};
use crate::domain::text;

pub fn on_key(state: &mut State, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    if state.message.as_ref().is_some_and(|m| m.severity == Severity::Error) {
        state.message = None;
    }
    if let Some(Overlay::Palette(palette)) = &state.overlay {
        let matches = palette_matches(state, &palette.input);
        let Some(Overlay::Palette(palette)) = &mut state.overlay else { return Vec::new() };
        return match on_palette_key(palette, &matches, key) {
            None => Vec::new(),
            Some(PaletteOutcome::Close) => {
                state.overlay = None;
                Vec::new()
            }
            Some(PaletteOutcome::Run(command)) => {
                state.overlay = None;
                run(state, command, now)
            }
            Some(PaletteOutcome::Unknown(name)) => {
                state.overlay = None;
                state.warn(format!("unknown command '{name}' (press : and type to see the list)"), now);
                Vec::new()
            }
        };
    }
    if let Some(Overlay::Form(form)) = &mut state.overlay {
        // While a submission is on its way the form waits for the answer: closing it now would keep a draft
        // of text that is about to be saved.
        if form.saving {
            return Vec::new();
        }
        let creating = form.purpose == FormPurpose::Create;
        let outcome = match keymap::resolve_only(&state.keymap, Scope::Form, &key) {
            Some(Command::Overlay(OverlayKey::KnownError)) if creating => {
                known_errors::cycle(state);
                return Vec::new();
            }
            // Other forms leave the key to the field (the text editor's own Ctrl-k).
            Some(Command::Overlay(OverlayKey::KnownError)) => form::on_key(&mut form.fields, &mut form.focus, key),
            Some(Command::Overlay(overlay_key)) => form::apply(&form.fields, &mut form.focus, overlay_key),
            _ => form::on_key(&mut form.fields, &mut form.focus, key),
        };
        return match outcome {
            FormKey::Submit => actions::submit(state, now),
            FormKey::Cancel => {
                actions::remember_draft(state);
                state.overlay = None;
                Vec::new()
            }
            FormKey::Edited => {
                form.error = None;
                actions::remember_draft(state);
                known_errors::title_changed(state)
            }
            FormKey::ChoiceChanged => {
                actions::choice_changed(state);
                Vec::new()
            }
            FormKey::Moved => Vec::new(),
        };
    }
    if let Some(Overlay::Preview(_)) = &state.overlay {
        return match keymap::resolve_only(&state.keymap, Scope::Confirm, &key) {
            Some(Command::Overlay(OverlayKey::Yes)) => crate::app::screens::major::update::send_preview(state),
            Some(Command::Overlay(OverlayKey::No)) => {
                crate::app::screens::major::update::cancel_preview(state);
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    if let Some(Overlay::Confirm(_)) = &state.overlay {
        return match keymap::resolve_only(&state.keymap, Scope::Confirm, &key) {
            Some(Command::Overlay(OverlayKey::Yes)) => actions::confirmed(state, now),
            Some(Command::Overlay(OverlayKey::Children)) => {
                crate::app::screens::board::masters::toggle(state);
                Vec::new()
            }
            Some(Command::Overlay(OverlayKey::No)) => {
                actions::cancel_confirm(state);
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    if let Some(Overlay::Help { scroll }) = &mut state.overlay {
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => state.overlay = None,
            KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
            _ => {}
        }
        return Vec::new();
    }
    if state.screens.board.filter_input.is_some() {
        return on_filter_key(state, key, now);
    }
    match keymap::resolve(&state.keymap, state.scope(), &key) {
        Some(command) => run(state, command, now),
        None => Vec::new(),
    }
}

pub fn on_paste(state: &mut State, pasted: &str, now: DateTime<Utc>) -> Vec<Effect> {
    let clean = text::one_line(pasted).into_owned();
    if let Some(Overlay::Form(form)) = &mut state.overlay {
        if form.saving {
            return Vec::new();
        }
        form::on_paste(&mut form.fields, form.focus, pasted);
        actions::remember_draft(state);
        return known_errors::title_changed(state);
    } else if let Some(Overlay::Palette(palette)) = &mut state.overlay {
        palette.input.push_str(&clean);
        palette.selected = 0;
    } else if let Some(input) = &mut state.screens.board.filter_input {
        input.text.push_str(&clean);
        apply_typed_filter(state, now);
    }
    Vec::new()
}

fn on_filter_key(state: &mut State, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(input) = &mut state.screens.board.filter_input else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => {
            let previous = input.previous.clone();
            state.screens.board.filter_input = None;
            if let Ok(filter) = Filter::parse(&previous) {
                state.screens.board.queue.set_filter(filter, now);
            }
            return Vec::new();
        }
        KeyCode::Enter => {
            let error = input.error.clone();
            state.screens.board.filter_input = None;
            if let Some(error) = error {
                state.warn(format!("filter not applied: {error}"), now);
                return Vec::new();
            }
            return vec![save_settings(state)];
        }
        KeyCode::Backspace => {
            input.text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => input.text.clear(),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => input.text.push(c),
        _ => return Vec::new(),
    }
    apply_typed_filter(state, now);
    Vec::new()
}

/// Filters as the user types; an unreadable word keeps the last good filter and shows why.
fn apply_typed_filter(state: &mut State, now: DateTime<Utc>) {
    let Some(input) = &mut state.screens.board.filter_input else {
        return;
    };
    match Filter::parse(&input.text) {
        Ok(filter) => {
            input.error = None;
            state.screens.board.queue.set_filter(filter, now);
        }
        Err(e) => input.error = Some(e.to_string()),
    }
}

enum PaletteOutcome {
    Close,
    Run(Command),
    Unknown(String),
}

/// Commands the user may run whose name contains the typed text, in registry order.
pub fn palette_matches(state: &State, input: &str) -> Vec<Command> {
    let wanted = input.trim().to_lowercase();
    Command::every().filter(|c| state.permits(*c) && c.name().contains(&wanted)).collect()
}

fn on_palette_key(palette: &mut Palette, matches: &[Command], key: KeyEvent) -> Option<PaletteOutcome> {
    match key.code {
        KeyCode::Esc => return Some(PaletteOutcome::Close),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return Some(PaletteOutcome::Close),
        KeyCode::Enter => {
            return Some(match Command::by_name(&palette.input).or_else(|| matches.get(palette.selected).copied()) {
                Some(command) => PaletteOutcome::Run(command),
                None if palette.input.trim().is_empty() => PaletteOutcome::Close,
                None => PaletteOutcome::Unknown(palette.input.trim().to_string()),
            });
        }
        KeyCode::Backspace => {
            palette.input.pop();
            palette.selected = 0;
        }
        KeyCode::Down | KeyCode::Tab => {
            palette.selected = (palette.selected + 1).min(matches.len().saturating_sub(1));
        }
        KeyCode::Up | KeyCode::BackTab => palette.selected = palette.selected.saturating_sub(1),
        KeyCode::Char(c) if !c.is_control() => {
            palette.input.push(c);
            palette.selected = 0;
        }
        _ => {}
    }
    None
}
