//! The incident view's problems and master incidents through `update`: K links the open incident to a problem
//! (workaround applied unless the operator says no), the view is read again once linked, a refusal stays in the form.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent};

use super::tests::{now, row, state};
use super::update;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{EventEntry, IncidentDetail, IncidentSummary, Relations, WriteError};
use crate::app::screens::board::known_errors::KnownError;
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::incident::Status;
use crate::domain::incident::lifecycle::IncidentAction;

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
        description_restricted: false,
        regulatory: Vec::new(),
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
    // (The proposal for the title never came: the form keeps what was typed.)
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

/// The board with INC-1 the master of INC-5 (open) and INC-6 a child of another master.
fn board_with_children() -> State {
    let mut s = state(true);
    let child =
        |id: i64, master: &str| IncidentSummary { master: Some(master.into()), ..row(id, "Lav", 2, Status::New) };
    let rows = vec![row(1, "Høy", 2, Status::Acknowledged), child(5, "INC-1"), child(6, "INC-2")];
    update(&mut s, Action::BoardLoaded(rows), now());
    s.screens.board.queue.select_id(1);
    s
}

fn resolve_confirmed(s: &mut State) -> Vec<Effect> {
    press(s, KeyCode::Char('r'));
    update(s, Action::WhatIfReady { target: 1, result: Ok(Vec::new()) }, now());
    press(s, KeyCode::Enter)
}

fn resolved(id: i64) -> Action {
    let mut summary = row(id, "Høy", 2, Status::Resolved);
    summary.version = 4;
    Action::Written { what: "resolve done".into(), result: Ok(Box::new(summary)) }
}

fn resolves(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::Perform { target, action: IncidentAction::Resolve }) => {
                Some(target.reference.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn resolving_a_master_offers_its_open_children_and_resolves_them_once_the_master_is_resolved() {
    let mut s = board_with_children();
    press(&mut s, KeyCode::Char('r'));
    let Some(Overlay::Confirm(confirm)) = &s.overlay else { panic!("r asks first: {:?}", s.overlay) };
    assert_eq!(confirm.children.iter().map(|c| c.reference.as_str()).collect::<Vec<_>>(), vec!["INC-5"]);
    assert!(confirm.with_children, "the children are offered, resolved too unless switched off");
    update(&mut s, Action::WhatIfReady { target: 1, result: Ok(Vec::new()) }, now());
    let sent = press(&mut s, KeyCode::Enter);
    assert_eq!(resolves(&sent), vec!["INC-1"], "the master first, on its own");
    let after = update(&mut s, resolved(1), now());
    assert_eq!(resolves(&after), vec!["INC-5"], "then each open child through its own lifecycle");
    let again = update(&mut s, resolved(5), now());
    assert!(resolves(&again).is_empty(), "once: {again:?}");
}

#[test]
fn the_children_key_resolves_the_master_only() {
    let mut s = board_with_children();
    press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Char('c'));
    update(&mut s, Action::WhatIfReady { target: 1, result: Ok(Vec::new()) }, now());
    press(&mut s, KeyCode::Enter);
    let after = update(&mut s, resolved(1), now());
    assert!(resolves(&after).is_empty(), "{after:?}");
}

#[test]
fn a_master_that_is_refused_keeps_its_children_open() {
    let mut s = board_with_children();
    resolve_confirmed(&mut s);
    let refusal = Action::Written { what: "resolve done".into(), result: Err(WriteError::Refused("no".into())) };
    update(&mut s, refusal, now());
    let later = update(&mut s, resolved(1), now());
    assert!(resolves(&later).is_empty(), "{later:?}");
}

#[test]
fn an_incident_without_children_is_resolved_as_before() {
    let mut s = board_with_children();
    s.screens.board.queue.select_id(5);
    press(&mut s, KeyCode::Char('r'));
    let Some(Overlay::Confirm(confirm)) = &s.overlay else { panic!("r asks first") };
    assert!(confirm.children.is_empty() && !confirm.with_children);
}

fn field(s: &State, name: &str) -> String {
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("a form is open: {:?}", s.overlay) };
    form.fields.iter().find(|f| f.name == name).map(|f| f.value()).unwrap_or_default()
}

fn known(reference: &str, workaround: &str) -> KnownError {
    KnownError { reference: reference.into(), title: "Tidsavbrudd".into(), workaround: workaround.into() }
}

#[test]
fn the_link_form_proposes_the_best_known_error_for_the_title_and_applies_only_an_existing_workaround() {
    let mut s = viewing(true, Relations::default());
    let opened = press(&mut s, KeyCode::Char('K'));
    assert!(opened.contains(&Effect::Db(DbCommand::SearchKnownErrors { text: "incident 1".into() })), "{opened:?}");
    let found = vec![known("PRB-9", "  "), known("PRB-3", "Start på nytt")];
    update(&mut s, Action::KnownErrorsFound { text: "incident 1".into(), result: Ok(found) }, now());
    assert_eq!(field(&s, "problem"), "PRB-9");
    assert_eq!(field(&s, "apply"), "no", "PRB-9 has no workaround to apply");

    let mut s = viewing(true, Relations::default());
    press(&mut s, KeyCode::Char('K'));
    update(
        &mut s,
        Action::KnownErrorsFound { text: "incident 1".into(), result: Ok(vec![known("PRB-3", "w")]) },
        now(),
    );
    assert_eq!((field(&s, "problem"), field(&s, "apply")), ("PRB-3".to_string(), "yes".to_string()));
}

#[test]
fn a_reference_typed_before_the_proposal_arrives_is_kept() {
    let mut s = viewing(true, Relations::default());
    press(&mut s, KeyCode::Char('K'));
    typed(&mut s, "12");
    update(&mut s, Action::KnownErrorsFound { text: "incident 1".into(), result: Ok(vec![known("PRB-3", "")]) }, now());
    assert_eq!((field(&s, "problem"), field(&s, "apply")), ("PRB-12".to_string(), "yes".to_string()));
}

#[test]
fn a_problem_the_incident_is_linked_to_already_is_not_proposed() {
    let mut s = viewing(true, Relations { problems: vec!["PRB-3".into()], ..Relations::default() });
    press(&mut s, KeyCode::Char('K'));
    let found = vec![known("PRB-3", "w"), known("PRB-4", "v")];
    update(&mut s, Action::KnownErrorsFound { text: "incident 1".into(), result: Ok(found) }, now());
    assert_eq!(field(&s, "problem"), "PRB-4");
}
