//! "My follow-ups" on the board through `update`: F shows them (and reads them), overdue first; Enter answers the
//! selected point in a form whose text is kept as typed; the database's refusal stays in the form in its words.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{now, state};
use super::update;
use crate::app::action::Action;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;
use crate::app::model::WriteError;
use crate::app::screens::board::follow_ups::{self, MyFollowUp, Standing};
use crate::app::state::{FormPurpose, Overlay, State};

fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::from(code)), now())
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

fn ctrl_s(s: &mut State) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), now())
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn point(id: i64, due: &str, state: &str, answer: Option<&str>) -> MyFollowUp {
    MyFollowUp {
        id,
        series: "Ukentlig statusmøte Altinn".into(),
        meeting_at: Utc.with_ymd_and_hms(2026, 11, 17, 9, 0, 0).single().expect("valid"),
        text: format!("Punkt {id}"),
        due: day(due),
        state: state.into(),
        answer: answer.map(str::to_string),
        answered_at: answer.map(|_| Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).single().expect("valid")),
        agreement: "ALTINN".into(),
    }
}

/// Today is Tuesday 24 November 2026: 11 is overdue, 12 falls due Thursday (two working days: due soon), 13 in
/// December, 14 is answered (its due date has passed, but it is not overdue).
fn points() -> Vec<MyFollowUp> {
    vec![
        point(13, "2026-12-10", "open", None),
        point(14, "2026-11-23", "answered", Some("Gjort")),
        point(12, "2026-11-26", "open", None),
        point(11, "2026-11-20", "open", None),
    ]
}

fn loads_follow_ups(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Db(DbCommand::LoadMyFollowUps)))
}

fn shown_ids(s: &State) -> Vec<i64> {
    s.screens.board.follow_ups.points().iter().map(|p| p.id).collect()
}

#[test]
fn f_shows_my_follow_ups_reads_them_and_lists_overdue_first_then_by_due_date() {
    let mut s = state(true);
    assert_eq!(s.scope(), Scope::Board);
    let shown = press(&mut s, KeyCode::Char('F'));
    assert!(loads_follow_ups(&shown), "showing the view reads the points: {shown:?}");
    assert_eq!(s.scope(), Scope::FollowUps);
    update(&mut s, Action::MyFollowUpsLoaded(Ok(points())), now());
    assert_eq!(shown_ids(&s), vec![11, 12, 13, 14]);
    let today = day("2026-11-24");
    let standings: Vec<Standing> =
        s.screens.board.follow_ups.points().iter().map(|p| follow_ups::standing(p, today, &s.agreements)).collect();
    assert_eq!(standings, vec![Standing::Overdue, Standing::DueSoon, Standing::Later, Standing::Answered]);
    assert_eq!(follow_ups::due_count(&s, now()), 2, "overdue and due within two working days, not answered");
    press(&mut s, KeyCode::Char('j'));
    assert_eq!(s.screens.board.follow_ups.selected().map(|p| p.id), Some(12));
    // j moves in the list, not in the queue behind it.
    assert_eq!(s.screens.board.queue.selected_index(), 0);
    press(&mut s, KeyCode::Char('F'));
    assert_eq!(s.scope(), Scope::Board, "F again hides the view");
    press(&mut s, KeyCode::Char('F'));
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.scope(), Scope::Board, "Esc hides it too");
    assert_eq!(follow_ups::due_count(&s, now()), 2, "the count stays while the view is hidden");
}

#[test]
fn the_count_uses_the_agreements_holidays() {
    // Monday 28 December is two Altinn working days away on Wednesday 23 (24 is a working day, 25 and 26 are
    // holidays), not yet on Tuesday 22.
    let mut s = state(true);
    let mut christmas = point(21, "2026-12-28", "open", None);
    christmas.agreement = "ALTINN".into();
    update(&mut s, Action::MyFollowUpsLoaded(Ok(vec![christmas])), now());
    let at = |d: u32| -> DateTime<Utc> { Utc.with_ymd_and_hms(2026, 12, d, 10, 0, 0).single().expect("valid") };
    assert_eq!(follow_ups::due_count(&s, at(22)), 0);
    assert_eq!(follow_ups::due_count(&s, at(23)), 1);
}

#[test]
fn enter_answers_the_selected_point_keeping_the_text_through_a_refusal() {
    let mut s = state(true);
    press(&mut s, KeyCode::Char('F'));
    update(&mut s, Action::MyFollowUpsLoaded(Ok(points())), now());
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no answer form: {:?}", s.overlay) };
    assert_eq!(form.purpose, FormPurpose::AnswerFollowUp(12));
    typed(&mut s, "Analysen er sendt");
    // Closed and opened again: the draft comes back as typed.
    press(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no answer form: {:?}", s.overlay) };
    assert_eq!(form.fields[0].value(), "Analysen er sendt");
    let sent = ctrl_s(&mut s);
    let asked: Vec<(i64, String)> = sent
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::AnswerFollowUp { id, text }) => Some((*id, text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(asked, vec![(12, "Analysen er sendt".to_string())]);
    let refusal = "follow-up point 12 is closed";
    update(&mut s, Action::FollowUpAnswered { id: 12, result: Err(WriteError::BadInput(refusal.into())) }, now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form closed on a refusal: {:?}", s.overlay) };
    assert!(form.error.as_deref().is_some_and(|e| e.contains(refusal)), "{:?}", form.error);
    assert_eq!(form.fields[0].value(), "Analysen er sendt", "the text stays");
    ctrl_s(&mut s);
    let done = update(&mut s, Action::FollowUpAnswered { id: 12, result: Ok(()) }, now());
    assert!(s.overlay.is_none(), "the form closes once the answer is stored");
    assert!(loads_follow_ups(&done), "the list is read again: {done:?}");
    assert!(!s.drafts.contains_key("answer:12"), "the draft is dropped");
}

#[test]
fn an_answered_point_opens_with_its_answer_to_replace() {
    let mut s = state(true);
    press(&mut s, KeyCode::Char('F'));
    update(&mut s, Action::MyFollowUpsLoaded(Ok(points())), now());
    press(&mut s, KeyCode::Char('G'));
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no answer form: {:?}", s.overlay) };
    assert_eq!(form.purpose, FormPurpose::AnswerFollowUp(14));
    assert_eq!(form.fields[0].value(), "Gjort");
}

#[test]
fn a_change_to_follow_ups_reads_them_again() {
    let mut s = state(true);
    let notice = crate::app::action::ChangeNotice {
        table: "follow_ups".into(),
        id: Some(12),
        version: Some(2),
        op: "update".into(),
    };
    assert!(loads_follow_ups(&update(&mut s, Action::Changed(notice), now())));
}
