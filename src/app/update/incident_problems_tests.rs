//! The incident view's problems and master incidents through `update`: K links the open incident to a problem
//! (workaround applied unless the operator says no), the view is read again once linked, a refusal stays in the form.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent};

use super::tests::{now, row, state};
use super::update;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{EventEntry, IncidentDetail, Relations, WriteError};
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::incident::Status;

fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::from(code)), now())
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

pub(super) fn detail(id: i64, status: Status, relations: Relations) -> IncidentDetail {
    IncidentDetail {
        summary: row(id, "Høy", 2, status),
        description: "Brukere får tidsavbrudd ved innlogging.".into(),
        reporter: "Silje Aasen".into(),
        channel: crate::domain::incident::Channel::Phone,
        created_by: "kari".into(),
        resolved_at: None,
        closed_at: None,
        events: vec![EventEntry {
            at: now() - Duration::minutes(99),
            kind: "received".into(),
            actor: "kari".into(),
            data: serde_json::json!({}),
        }],
        clocks: Vec::new(),
        clock_events: Vec::new(),
        linked: Vec::new(),
        relations,
    }
}

/// The incident view of INC-1 open, with `relations`.
pub(super) fn viewing(operator: bool, relations: Relations) -> State {
    let mut s = state(operator);
    update(&mut s, Action::Run(Command::Open), now());
    let detail = detail(1, Status::Acknowledged, relations);
    update(&mut s, Action::DetailLoaded { id: 1, detail: Some(Box::new(detail)) }, now());
    s
}

fn link_answer(s: &mut State, result: Result<String, WriteError>) -> Vec<Effect> {
    update(s, Action::ProblemLinked { problem: "PRB-3".into(), incident: "INC-1".into(), result }, now())
}

#[test]
fn k_links_the_open_incident_to_a_problem_applying_its_workaround_by_default() {
    let mut s = viewing(true, Relations::default());
    press(&mut s, KeyCode::Char('K'));
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("K opens a form: {:?}", s.overlay) };
    assert!(matches!(&form.purpose, FormPurpose::LinkProblem(t) if t.reference == "INC-1"));
    typed(&mut s, "3");
    let sent = press(&mut s, KeyCode::Enter);
    let wanted = DbCommand::LinkProblem { problem: "PRB-3".into(), incident: "INC-1".into(), apply_workaround: true };
    assert_eq!(sent, vec![Effect::Db(wanted)]);
    let refused = link_answer(&mut s, Err(WriteError::BadInput("PRB-3 has no workaround to apply".into())));
    assert!(refused.is_empty());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("a refusal keeps the form") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("no workaround")), "{:?}", form.error);
    // No workaround, then: link only.
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Down);
    let sent = press(&mut s, KeyCode::Enter);
    let wanted = DbCommand::LinkProblem { problem: "PRB-3".into(), incident: "INC-1".into(), apply_workaround: false };
    assert_eq!(sent, vec![Effect::Db(wanted)]);
    let done = link_answer(&mut s, Ok("INC-1 linked to PRB-3".into()));
    assert!(s.overlay.is_none(), "the form closes once linked");
    assert!(done.contains(&Effect::Db(DbCommand::LoadDetail { id: 1 })), "the view is read again: {done:?}");
}

#[test]
fn viewers_cannot_link_an_incident_to_a_problem() {
    let mut s = viewing(false, Relations::default());
    let effects = press(&mut s, KeyCode::Char('K'));
    assert!(effects.is_empty() && s.overlay.is_none());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("read-only")));
}

#[test]
fn a_reference_without_a_number_is_refused_in_the_form() {
    let mut s = viewing(true, Relations::default());
    press(&mut s, KeyCode::Char('K'));
    let sent = press(&mut s, KeyCode::Enter);
    assert!(sent.is_empty());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form stays") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("PRB-3")), "{:?}", form.error);
}
