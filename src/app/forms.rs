//! The one path every form takes, whichever screen it belongs to: open (with the draft put back), send (unless
//! offline: then the text stays), and the answer (the draft dropped on success; on failure the overlay stays
//! with its text and says why). Screens supply what differs: the fields, how to build a command from the
//! values, and what to reload afterwards.

use chrono::{DateTime, Utc};

use super::effect::Effect;
use super::form::Field;
use super::state::{Connection, Form, FormPurpose, Overlay, State};

/// Shows a form, with what was typed into it earlier. Returns whether a draft came back.
pub fn open(state: &mut State, purpose: FormPurpose, title: String, mut fields: Vec<Field>) -> bool {
    let restored = state.drafts.get(&purpose.draft_key()).map(|draft| draft.restore(&mut fields)).is_some();
    state.overlay = Some(Overlay::Form(Form { purpose, title, fields, focus: 0, error: None, saving: false }));
    restored
}

/// Sends a write from the open form, confirmation or preview; offline, nothing is sent and the text stays.
pub fn send(state: &mut State, effect: Effect, now: DateTime<Utc>) -> Vec<Effect> {
    if let Connection::Offline { .. } = state.link.connection {
        let message = "offline: not sent; your text is kept as a draft".to_string();
        match overlay_status(state) {
            Some((_, error)) => *error = Some(message),
            None => state.warn(message, now),
        }
        return Vec::new();
    }
    if let Some((saving, error)) = overlay_status(state) {
        *saving = true;
        *error = None;
    }
    vec![effect]
}

/// The write went through: the overlay closes and its draft is dropped (and saved as dropped).
pub fn succeeded(state: &mut State) -> Vec<Effect> {
    let key = match &state.overlay {
        Some(Overlay::Form(form)) => Some(form.purpose.draft_key()),
        Some(Overlay::Confirm(confirm)) => confirm.form.as_ref().map(|f| f.purpose.draft_key()),
        Some(Overlay::Preview(preview)) => Some(preview.form.purpose.draft_key()),
        _ => None,
    };
    if matches!(state.overlay, Some(Overlay::Form(_) | Overlay::Confirm(_) | Overlay::Preview(_))) {
        state.overlay = None;
    }
    match key {
        Some(key) if state.drafts.remove(&key).is_some() => vec![Effect::SaveDrafts(state.drafts.clone())],
        _ => Vec::new(),
    }
}

/// The write was refused or failed: the overlay stays, with its text, and says why.
pub fn failed(state: &mut State, message: String, now: DateTime<Utc>) {
    match overlay_status(state) {
        Some((saving, error)) => {
            *saving = false;
            *error = Some(message);
        }
        None => state.warn(message, now),
    }
}

/// The saving flag and the error line of whatever overlay is waiting for a write.
fn overlay_status(state: &mut State) -> Option<(&mut bool, &mut Option<String>)> {
    match &mut state.overlay {
        Some(Overlay::Form(form)) => Some((&mut form.saving, &mut form.error)),
        Some(Overlay::Confirm(confirm)) => Some((&mut confirm.saving, &mut confirm.error)),
        Some(Overlay::Preview(preview)) => Some((&mut preview.saving, &mut preview.error)),
        _ => None,
    }
}

/// The answer to a write whose success is a sentence (the admin and problems tabs): on success the form closes, the
/// sentence is shown and `reload` follows; on failure the form keeps its text and says why.
pub fn answered(
    state: &mut State,
    result: Result<String, crate::app::model::WriteError>,
    reload: Vec<Effect>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    match result {
        Ok(done) => {
            let mut effects = succeeded(state);
            state.inform(done, now);
            effects.extend(reload);
            effects
        }
        Err(error) => {
            failed(state, format!("the database refused: {}", error.message()), now);
            Vec::new()
        }
    }
}
