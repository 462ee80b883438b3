//! Known errors while registering an incident (issue 13): as the new-incident form's title is typed, the known
//! errors matching it are shown with their workaround, and one key picks one to link (workaround applied) once the
//! incident is saved. The search is coalesced: one request on its way, the latest text asked for once it answers,
//! and an answer for a text that is no longer the title is dropped.

use chrono::{DateTime, Utc};

use crate::app::effect::{DbCommand, Effect};
use crate::app::form::ChoiceOption;
use crate::app::model::WriteError;
use crate::app::state::{FormPurpose, Overlay, State};

/// Suggestions shown under the form.
pub const SHOWN: i64 = 3;
/// Titles shorter than this (in characters, trimmed) are not searched: every known error would match.
const MIN_CHARS: usize = 3;

/// A known error matching the title typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownError {
    pub reference: String,
    pub title: String,
    /// The whole workaround; the form shows its first line.
    pub workaround: String,
}

impl KnownError {
    pub fn workaround_line(&self) -> &str {
        self.workaround.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
    }
}

/// The suggestions of the open new-incident form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Suggestions {
    /// The title the shown suggestions answer.
    pub text: String,
    pub shown: Vec<KnownError>,
    /// The text of the search on its way.
    pub asked: Option<String>,
    /// The latest text typed while a search was on its way: asked for once it answers.
    pub pending: Option<String>,
    /// The suggestion picked: linked, with its workaround applied, once the incident is created.
    pub chosen: Option<String>,
    /// Taken from `chosen` on submit; the link waits for the created incident.
    pub link_after_create: Option<String>,
    /// The incident title searched for when the link form opened, to propose its best known error.
    pub for_link: Option<String>,
}

/// The typed title of the open new-incident form, if that is the form open.
fn typed_title(state: &State) -> Option<String> {
    match &state.overlay {
        Some(Overlay::Form(form)) if form.purpose == FormPurpose::Create => {
            form.fields.iter().find(|f| f.name == "title").map(|f| f.value().trim().to_string())
        }
        _ => None,
    }
}

/// A fresh form: nothing shown, nothing picked (a search on its way stays accounted for).
pub fn reset(state: &mut State) -> Vec<Effect> {
    let suggestions = &mut state.screens.board.known_errors;
    suggestions.text.clear();
    suggestions.shown.clear();
    suggestions.chosen = None;
    suggestions.pending = None;
    title_changed(state)
}

/// After an edit of the new-incident form: search for the title if it changed.
pub fn title_changed(state: &mut State) -> Vec<Effect> {
    let Some(title) = typed_title(state) else {
        return Vec::new();
    };
    let suggestions = &mut state.screens.board.known_errors;
    if title.chars().count() < MIN_CHARS {
        suggestions.text = title;
        suggestions.shown.clear();
        suggestions.chosen = None;
        suggestions.pending = None;
        return Vec::new();
    }
    let current = suggestions.pending.as_ref().or(suggestions.asked.as_ref()).unwrap_or(&suggestions.text);
    if *current == title {
        return Vec::new();
    }
    if suggestions.asked.is_some() {
        suggestions.pending = Some(title);
        return Vec::new();
    }
    suggestions.asked = Some(title.clone());
    vec![Effect::Db(DbCommand::SearchKnownErrors { text: title })]
}

/// The link form opened: ask for the known errors matching the incident's title, to propose the best.
pub fn link_form_opened(state: &mut State, title: &str) -> Vec<Effect> {
    let title = title.trim().to_string();
    if title.chars().count() < MIN_CHARS {
        return Vec::new();
    }
    state.screens.board.known_errors.for_link = Some(title.clone());
    vec![Effect::Db(DbCommand::SearchKnownErrors { text: title })]
}

/// The link form, untouched so far, proposes the best known error; "apply its workaround" is yes when it has one.
fn propose(state: &mut State, found: &[KnownError]) {
    // One the incident is linked to already is not proposed again.
    let linked: Vec<String> = match state.screens.board.incident.as_ref().and_then(|v| v.detail.as_ref()) {
        Some(detail) => detail.relations.problems.clone(),
        None => Vec::new(),
    };
    let Some(best) = found.iter().find(|k| !linked.contains(&k.reference)) else {
        return;
    };
    if let Some(Overlay::Form(form)) = &mut state.overlay
        && matches!(form.purpose, FormPurpose::LinkProblem(_))
        && form.fields.iter().any(|f| f.name == "problem" && f.value().trim() == "PRB-")
    {
        for field in &mut form.fields {
            match field.name {
                "problem" => field.set_typed(&best.reference),
                "apply" => field.select_value(if best.workaround.trim().is_empty() { "no" } else { "yes" }),
                _ => {}
            }
        }
    }
}

/// The database answered the search for `text`.
pub fn found(state: &mut State, text: String, result: Result<Vec<KnownError>, String>) -> Vec<Effect> {
    if state.screens.board.known_errors.for_link.as_deref() == Some(text.as_str()) {
        state.screens.board.known_errors.for_link = None;
        if let Ok(found) = &result {
            propose(state, found);
        }
        return Vec::new();
    }
    let title = typed_title(state);
    let suggestions = &mut state.screens.board.known_errors;
    if suggestions.asked.as_deref() == Some(text.as_str()) {
        suggestions.asked = None;
    }
    // Only an answer for the title as it stands is shown; an older one is dropped.
    if title.as_deref() == Some(text.as_str()) {
        match result {
            Ok(mut found) => {
                found.truncate(SHOWN as usize);
                if suggestions.chosen.as_ref().is_some_and(|c| !found.iter().any(|k| &k.reference == c)) {
                    suggestions.chosen = None;
                }
                suggestions.shown = found;
                suggestions.text = text;
            }
            // A failed search costs only the hint: the form goes on.
            Err(_) => suggestions.shown.clear(),
        }
    }
    match (suggestions.pending.take(), title) {
        (Some(pending), Some(title)) if pending == title && suggestions.asked.is_none() => {
            suggestions.asked = Some(pending.clone());
            vec![Effect::Db(DbCommand::SearchKnownErrors { text: pending })]
        }
        _ => Vec::new(),
    }
}

/// The pick key: the first suggestion, then the next, then none.
pub fn cycle(state: &mut State) {
    let suggestions = &mut state.screens.board.known_errors;
    let position = suggestions.chosen.as_ref().and_then(|c| suggestions.shown.iter().position(|k| &k.reference == c));
    let next = match position {
        None => suggestions.shown.first(),
        Some(i) => suggestions.shown.get(i + 1),
    };
    suggestions.chosen = next.map(|k| k.reference.clone());
}

/// The new-incident form was sent: remember what to link once the incident exists.
pub fn submitted(state: &mut State) {
    let suggestions = &mut state.screens.board.known_errors;
    suggestions.link_after_create = suggestions.chosen.clone();
}

/// The incident was created: link it to the picked known error, applying its workaround.
pub fn created(state: &mut State, incident: &str) -> Vec<Effect> {
    let suggestions = &mut state.screens.board.known_errors;
    suggestions.chosen = None;
    suggestions.shown.clear();
    suggestions.text.clear();
    match suggestions.link_after_create.take() {
        Some(problem) => {
            vec![Effect::Db(DbCommand::LinkProblem { problem, incident: incident.to_string(), apply_workaround: true })]
        }
        None => Vec::new(),
    }
}

/// "yes" first, for a choice that defaults to yes.
pub fn yes_first() -> Vec<ChoiceOption> {
    vec![ChoiceOption::new("yes", "yes", ""), ChoiceOption::new("no", "no", "")]
}

/// The answer to a link. From the incident view's form: the form closes and the incident is read again, or the
/// form stays and says why. After a create: said in the status line; a failure keeps the incident, which exists.
pub fn linked(
    state: &mut State,
    problem: String,
    incident: String,
    result: Result<String, WriteError>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    if let Some(Overlay::Form(form)) = &state.overlay
        && matches!(&form.purpose, FormPurpose::LinkProblem(t) if t.reference == incident)
    {
        let reload = match &state.screens.board.incident {
            Some(view) => vec![Effect::Db(DbCommand::LoadDetail { id: view.id })],
            None => Vec::new(),
        };
        return crate::app::forms::answered(state, result, reload, now);
    }
    match result {
        Ok(done) => state.inform(done, now),
        Err(error) => {
            state.warn(format!("{incident} is saved, but linking it to {problem} failed: {}", error.message()), now)
        }
    }
    Vec::new()
}
