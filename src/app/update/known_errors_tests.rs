//! Known errors in the new-incident form through `update`: typing a title searches (coalesced, one search on its
//! way), answers for an older title are dropped, Ctrl-k picks a suggestion, and saving links the new incident to
//! it with its workaround applied once the create has succeeded.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{now, row, state};
use super::update;
use crate::app::action::Action;
use crate::app::command::{Act, Command};
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{ServiceChoice, StaffMember, WriteError};
use crate::app::screens::board::known_errors::KnownError;
use crate::app::state::{Overlay, State};
use crate::domain::incident::Status;

fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::from(code)), now())
}

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)), now())
}

/// Types into the focused field; the searches asked for, in order.
fn typed(s: &mut State, text: &str) -> Vec<String> {
    text.chars().flat_map(|c| press(s, KeyCode::Char(c))).filter_map(searched).collect()
}

fn searched(effect: Effect) -> Option<String> {
    match effect {
        Effect::Db(DbCommand::SearchKnownErrors { text }) => Some(text),
        _ => None,
    }
}

fn known(reference: &str, workaround: &str) -> KnownError {
    KnownError { reference: reference.into(), title: format!("Tidsavbrudd {reference}"), workaround: workaround.into() }
}

/// An operator with the new-incident form open, a priority chosen and the focus on the title.
fn new_incident_form() -> State {
    let mut s = state(true);
    let service = ServiceChoice {
        code: "SVC".into(),
        name: "Service".into(),
        organisation: "Molde kommune".into(),
        agreement: "ROR-IKT".into(),
    };
    let staff = vec![StaffMember {
        login: "kari".into(),
        full_name: "Kari".into(),
        role: "operator".into(),
        email: None,
        phone: None,
        active: true,
    }];
    update(&mut s, Action::ChoicesLoaded { services: vec![service], staff }, now());
    update(&mut s, Action::Run(Command::Act(Act::New)), now());
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Tab);
    s
}

fn error(s: &State) -> Option<String> {
    match &s.overlay {
        Some(Overlay::Form(form)) => form.error.clone(),
        _ => None,
    }
}

fn found(s: &mut State, text: &str, result: Result<Vec<KnownError>, String>) -> Vec<Effect> {
    update(s, Action::KnownErrorsFound { text: text.into(), result }, now())
}

#[test]
fn typing_a_title_keeps_one_search_on_its_way_and_asks_for_the_latest_text_when_it_answers() {
    let mut s = new_incident_form();
    assert_eq!(typed(&mut s, "ti"), Vec::<String>::new(), "two letters are not searched for");
    assert_eq!(typed(&mut s, "d"), vec!["tid".to_string()]);
    assert_eq!(typed(&mut s, "savbrudd"), Vec::<String>::new(), "nothing more while one is on its way");
    let again = found(&mut s, "tid", Ok(vec![known("PRB-9", "old")]));
    assert_eq!(again.into_iter().filter_map(searched).collect::<Vec<_>>(), vec!["tidsavbrudd".to_string()]);
    assert!(s.screens.board.known_errors.shown.is_empty(), "the answer for an older title is dropped");
    let done = found(&mut s, "tidsavbrudd", Ok(vec![known("PRB-3", "Tøm hurtigbufferen\nså logg inn igjen")]));
    assert!(done.is_empty(), "nothing more to ask: {done:?}");
    let shown = &s.screens.board.known_errors.shown;
    assert_eq!(shown.iter().map(|k| k.reference.as_str()).collect::<Vec<_>>(), vec!["PRB-3"]);
    assert_eq!(shown[0].workaround_line(), "Tøm hurtigbufferen");
}

#[test]
fn an_answer_after_the_title_was_shortened_below_the_minimum_is_dropped() {
    let mut s = new_incident_form();
    typed(&mut s, "tid");
    press(&mut s, KeyCode::Backspace);
    let effects = found(&mut s, "tid", Ok(vec![known("PRB-3", "w")]));
    assert!(effects.is_empty());
    assert!(s.screens.board.known_errors.shown.is_empty());
    assert_eq!(typed(&mut s, "d"), vec!["tid".to_string()], "the same text is asked again once nothing is on its way");
}

#[test]
fn ctrl_k_picks_the_first_suggestion_then_the_next_then_none() {
    let mut s = new_incident_form();
    typed(&mut s, "tidsavbrudd");
    found(&mut s, "tidsavbrudd", Ok(vec![known("PRB-3", "a"), known("PRB-5", "b")]));
    let chosen = |s: &State| s.screens.board.known_errors.chosen.clone();
    ctrl(&mut s, 'k');
    assert_eq!(chosen(&s).as_deref(), Some("PRB-3"));
    ctrl(&mut s, 'k');
    assert_eq!(chosen(&s).as_deref(), Some("PRB-5"));
    ctrl(&mut s, 'k');
    assert_eq!(chosen(&s), None);
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form stays open") };
    assert_eq!(form.fields.iter().find(|f| f.name == "title").map(|f| f.value()), Some("tidsavbrudd".to_string()));
}

#[test]
fn saving_links_the_created_incident_to_the_picked_known_error_with_its_workaround() {
    let mut s = new_incident_form();
    typed(&mut s, "tidsavbrudd");
    found(&mut s, "tidsavbrudd", Ok(vec![known("PRB-3", "a")]));
    ctrl(&mut s, 'k');
    let sent = ctrl(&mut s, 's');
    assert!(sent.iter().any(|e| matches!(e, Effect::Db(DbCommand::Create(_)))), "{sent:?} {:?}", error(&s));
    assert!(
        !sent.iter().any(|e| matches!(e, Effect::Db(DbCommand::LinkProblem { .. }))),
        "nothing is linked before the incident exists"
    );
    let created = row(7, "Høy", 2, Status::New);
    let effects = update(&mut s, Action::Written { what: "created".into(), result: Ok(Box::new(created)) }, now());
    let link = DbCommand::LinkProblem { problem: "PRB-3".into(), incident: "INC-7".into(), apply_workaround: true };
    assert!(effects.contains(&Effect::Db(link)), "{effects:?}");
    // A failed link says so; the incident stays.
    let refusal = WriteError::Refused("permission denied".into());
    update(
        &mut s,
        Action::ProblemLinked { problem: "PRB-3".into(), incident: "INC-7".into(), result: Err(refusal) },
        now(),
    );
    let message = s.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(message.contains("INC-7 is saved") && message.contains("PRB-3"), "{message}");
    assert!(s.screens.board.queue.find(7).is_some(), "the created incident stays on the board");
}

#[test]
fn without_a_pick_saving_links_nothing_even_after_an_earlier_pick_was_dropped() {
    let mut s = new_incident_form();
    typed(&mut s, "tidsavbrudd");
    found(&mut s, "tidsavbrudd", Ok(vec![known("PRB-3", "a")]));
    ctrl(&mut s, 'k');
    ctrl(&mut s, 'k');
    ctrl(&mut s, 's');
    let created = row(8, "Høy", 2, Status::New);
    let effects = update(&mut s, Action::Written { what: "created".into(), result: Ok(Box::new(created)) }, now());
    assert!(!effects.iter().any(|e| matches!(e, Effect::Db(DbCommand::LinkProblem { .. }))), "{effects:?}");
}
