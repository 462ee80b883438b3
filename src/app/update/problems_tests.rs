//! The problems tab through `update`: showing it reads the change needs; a chair takes a need's next step in a form
//! (the step follows the need's state: feedback, qualify, analyse when high, plan, deliver twice), registers a new
//! one (a high priority must say why before anything is sent) and rejects with a reason; a reader is offered none
//! of it; the selection follows a need the list re-sorts; drawn at 80×24 and 160×48.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{now, state};
use super::update;
use crate::app::action::Action;
use crate::app::effect::{DbCommand, Effect};
use crate::app::screens::problems::data::{NeedLine, RegisterData, RegisterSection, RegisterWrite};
use crate::app::state::{Overlay, State};
use crate::domain::change_need::{NeedClock, NeedClockKind, NeedClockOutcome, NeedPriority, NeedState};

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

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).single().expect("valid")
}

fn clock(kind: NeedClockKind, outcome: NeedClockOutcome, left: Option<i64>) -> NeedClock {
    NeedClock {
        kind,
        started: at(2),
        due: at(9),
        stopped: if outcome == NeedClockOutcome::Met { Some(at(4)) } else { None },
        outcome,
        working_days_left: left,
    }
}

fn need(reference: &str, state: NeedState, priority: Option<NeedPriority>, clocks: Vec<NeedClock>) -> NeedLine {
    NeedLine {
        reference: reference.into(),
        agreement: "ALTINN".into(),
        title: format!("Behov {reference}"),
        description: "Sluttbrukersystemet trenger et eget scope.".into(),
        submitter: "Regnskapshuset Nord AS Lars Eide (system vendor)".into(),
        requested_priority: "medium".into(),
        justification: None,
        state,
        priority,
        received_at: at(2) - Duration::hours(1),
        feedback: None,
        analysis: None,
        release: None,
        rejection_reason: None,
        clocks,
    }
}

fn needs() -> RegisterData {
    use NeedClockKind::*;
    use NeedClockOutcome::*;
    RegisterData::ChangeNeeds(vec![
        need(
            "END-3",
            NeedState::Received,
            None,
            vec![clock(Feedback, Breached, Some(-6)), clock(Qualification, Running, Some(9))],
        ),
        need(
            "END-7",
            NeedState::Qualified,
            Some(NeedPriority::High),
            vec![clock(Feedback, Met, None), clock(Qualification, Met, None), clock(Analysis, Running, Some(1))],
        ),
        need(
            "END-2",
            NeedState::Qualified,
            Some(NeedPriority::Medium),
            vec![clock(Feedback, Met, None), clock(Qualification, Met, None)],
        ),
        need(
            "END-1",
            NeedState::Planned,
            Some(NeedPriority::High),
            vec![clock(Feedback, Met, None), clock(Qualification, Met, None), clock(Analysis, Met, None)],
        ),
        need(
            "END-6",
            NeedState::Delivered,
            Some(NeedPriority::Medium),
            vec![clock(Feedback, Met, None), clock(Qualification, Met, None)],
        ),
    ])
}

fn as_chair() -> State {
    let mut s = state(false);
    if let Some(user) = s.user.as_mut() {
        user.rights.chair = true;
    }
    let effects = press(&mut s, KeyCode::Char('7'));
    assert!(effects.contains(&Effect::Db(DbCommand::LoadRegister { section: RegisterSection::Problems })));
    let effects = press(&mut s, KeyCode::Char(']'));
    assert!(effects.contains(&Effect::Db(DbCommand::LoadRegister { section: RegisterSection::ChangeNeeds })));
    update(&mut s, Action::RegisterLoaded { section: RegisterSection::ChangeNeeds, result: Ok(needs()) }, now());
    s
}

fn writes(effects: &[Effect]) -> Vec<RegisterWrite> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::Register(write)) => Some(write.clone()),
            _ => None,
        })
        .collect()
}

fn form_title(s: &State) -> String {
    match &s.overlay {
        Some(Overlay::Form(form)) => form.title.clone(),
        other => panic!("no form: {other:?}"),
    }
}

#[test]
fn the_next_step_follows_the_state_of_the_need() {
    let mut s = as_chair();
    press(&mut s, KeyCode::Char('s'));
    assert!(form_title(&s).starts_with("END-3: feedback"), "{}", form_title(&s));
    typed(&mut s, "Mottatt");
    assert_eq!(
        writes(&ctrl_s(&mut s)),
        vec![RegisterWrite::Feedback { reference: "END-3".into(), text: "Mottatt".into() }]
    );
    update(&mut s, Action::RegisterWritten(Ok("END-3: feedback given".into())), now());
    assert!(s.overlay.is_none());
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('s'));
    assert!(form_title(&s).starts_with("END-7: analysis"), "high: analysed before planned");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('s'));
    assert!(form_title(&s).starts_with("END-2: plan"), "not high: planned straight away");
    assert!(writes(&ctrl_s(&mut s)).is_empty(), "no release named: nothing sent");
    let Some(Overlay::Form(form)) = &s.overlay else { panic!() };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("name the release")), "{:?}", form.error);
    typed(&mut s, "Release 1/2027");
    assert_eq!(
        writes(&ctrl_s(&mut s)),
        vec![RegisterWrite::Plan { reference: "END-2".into(), label: Some("Release 1/2027".into()), series: None }]
    );
    update(&mut s, Action::RegisterWritten(Ok("END-2: planned".into())), now());
    press(&mut s, KeyCode::Char('j'));
    assert!(writes(&press(&mut s, KeyCode::Char('s'))).is_empty(), "delivery asks first");
    assert_eq!(writes(&press(&mut s, KeyCode::Char('s'))), vec![RegisterWrite::Deliver { reference: "END-1".into() }]);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('s'));
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("takes no more steps")), "{:?}", s.message);
    press(&mut s, KeyCode::Char('x'));
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("delivered already")), "{:?}", s.message);
}

#[test]
fn a_high_need_says_why_before_anything_is_sent_and_a_refusal_keeps_the_form() {
    let mut s = as_chair();
    press(&mut s, KeyCode::Char('n'));
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "Samtykke-API");
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "Deling av data");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "brreg");
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "Erik Dahl");
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "high");
    assert!(writes(&ctrl_s(&mut s)).is_empty(), "high without a reason: nothing sent");
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form closed") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("say why in the last field")), "{:?}", form.error);
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "Lovpålagt fra 1. juli");
    let sent = writes(&ctrl_s(&mut s));
    let [RegisterWrite::NewNeed { agreement, title, priority, justification, submitter_kind, .. }] = sent.as_slice()
    else {
        panic!("{sent:?}")
    };
    assert_eq!((agreement.as_str(), title.as_str(), *priority), ("ALTINN", "Samtykke-API", NeedPriority::High));
    assert_eq!((justification.as_deref(), submitter_kind.as_str()), (Some("Lovpålagt fra 1. juli"), "service_owner"));
    let refused = crate::app::model::WriteError::Refused("permission denied: only chairs".into());
    update(&mut s, Action::RegisterWritten(Err(refused)), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form closed on a refusal") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("only chairs")), "{:?}", form.error);
}

#[test]
fn a_reader_is_offered_nothing_and_the_selection_follows_a_resorted_need() {
    let mut s = state(false);
    press(&mut s, KeyCode::Char('7'));
    press(&mut s, KeyCode::Char(']'));
    update(&mut s, Action::RegisterLoaded { section: RegisterSection::ChangeNeeds, result: Ok(needs()) }, now());
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    let key_line = screen.lines().last().unwrap_or_default();
    assert!(!key_line.contains("next-step"), "{key_line}");
    assert!(screen.contains("read-only: chairs and admins handle change needs"), "{screen}");
    for c in ['n', 's', 'x'] {
        assert!(writes(&press(&mut s, KeyCode::Char(c))).is_empty());
    }
    assert!(s.overlay.is_none());
    press(&mut s, KeyCode::Char('j'));
    let RegisterData::ChangeNeeds(mut rows) = needs() else { unreachable!() };
    rows.swap(0, 1);
    rows.reverse();
    update(
        &mut s,
        Action::RegisterLoaded { section: RegisterSection::ChangeNeeds, result: Ok(RegisterData::ChangeNeeds(rows)) },
        now(),
    );
    assert_eq!(s.screens.problems.selected_need().map(|n| n.reference.as_str()), Some("END-7"));
}

#[test]
fn change_needs_snapshots() {
    let mut s = as_chair();
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("BREACHED 6 wd ago"), "{screen}");
        insta::assert_snapshot!(format!("change_needs_{}x{}", size.0, size.1), screen);
    }
    press(&mut s, KeyCode::Char('j'));
    let screen = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(screen.contains("analysis 1 wd left"), "the clock that matters now: {screen}");
}

fn problems() -> RegisterData {
    use crate::app::screens::problems::data::ProblemLine;
    use crate::domain::problem::ProblemState;
    let line = |reference: &str, state, workaround, title: &str| ProblemLine {
        reference: reference.into(),
        title: title.into(),
        state,
        owner: "supplier driftsleverandor".into(),
        services: vec!["SBL".into()],
        incidents: 3,
        has_workaround: workaround,
        version: 4,
        per_month: vec![0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 4, 1],
    };
    RegisterData::Problems(vec![
        line("PRB-5", ProblemState::KnownError, true, "Tidsavbrudd ved innlogging i sluttbrukerløsningen"),
        line("PRB-7", ProblemState::Open, false, "Avbrott när stamnätets växel startar om"),
    ])
}

fn view() -> crate::app::screens::problems::data::ProblemView {
    use crate::app::screens::problems::data::{LinkedIncident, ProblemView};
    let RegisterData::Problems(lines) = problems() else { unreachable!() };
    ProblemView {
        line: lines[0].clone(),
        description: "Innlogging tar over 30 s i perioder.".into(),
        root_cause: "Sesjonslageret fylles opp.".into(),
        workaround: "Tøm hurtigbufferet og logg inn igjen.".into(),
        linked: vec![LinkedIncident {
            reference: "INC-11501".into(),
            title: "REST API utilgjengelig".into(),
            status: "in_progress".into(),
            workaround_applied: true,
        }],
    }
}

fn as_operator() -> State {
    let mut s = state(false);
    if let Some(user) = s.user.as_mut() {
        user.rights.operator = true;
    }
    press(&mut s, KeyCode::Char('7'));
    update(&mut s, Action::RegisterLoaded { section: RegisterSection::Problems, result: Ok(problems()) }, now());
    s
}

#[test]
fn enter_reads_a_problem_and_e_edits_it_on_the_version_read() {
    use crate::app::screens::problems::data::ProblemFields;
    use crate::domain::problem::ProblemState;
    let mut s = as_operator();
    let read = press(&mut s, KeyCode::Enter);
    assert_eq!(read, vec![Effect::Db(DbCommand::LoadProblem { reference: "PRB-5".into() })]);
    update(&mut s, Action::ProblemLoaded { reference: "PRB-5".into(), result: Ok(Box::new(view())) }, now());
    let screen = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(screen.contains("Tøm hurtigbufferet"), "{screen}");
    press(&mut s, KeyCode::Char('e'));
    assert_eq!(form_title(&s), "Change PRB-5");
    // Down to the workaround (title, services, state, description, root cause, workaround).
    for _ in 0..5 {
        press(&mut s, KeyCode::Tab);
    }
    typed(&mut s, " Gjelder TT02 også.");
    let sent = writes(&ctrl_s(&mut s));
    let [RegisterWrite::EditProblem { reference, version, fields }] = sent.as_slice() else { panic!("{sent:?}") };
    assert_eq!((reference.as_str(), *version), ("PRB-5", 4), "typed over the version read");
    assert_eq!(
        *fields,
        ProblemFields {
            title: "Tidsavbrudd ved innlogging i sluttbrukerløsningen".into(),
            services: vec!["SBL".into()],
            description: "Innlogging tar over 30 s i perioder.".into(),
            root_cause: "Sesjonslageret fylles opp.".into(),
            workaround: "Tøm hurtigbufferet og logg inn igjen. Gjelder TT02 også.".into(),
            state: ProblemState::KnownError,
        }
    );
    let conflict =
        crate::app::model::WriteError::Conflict { message: "PRB-5 is at version 5 now, not 4".into(), fresh: None };
    update(&mut s, Action::RegisterWritten(Err(conflict)), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form closed on a conflict") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("version 5 now")), "{:?}", form.error);
    press(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
    press(&mut s, KeyCode::Esc);
    assert!(s.screens.problems.open.is_none(), "Esc closes the problem");
}

#[test]
fn linking_applies_the_workaround_by_default_and_checks_the_reference() {
    let mut s = as_operator();
    press(&mut s, KeyCode::Char('l'));
    assert_eq!(form_title(&s), "Link an incident to PRB-5");
    typed(&mut s, "fredag");
    assert!(writes(&ctrl_s(&mut s)).is_empty());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!() };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("is not an incident reference")), "{:?}", form.error);
    for _ in 0.."fredag".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "11501");
    assert_eq!(
        writes(&ctrl_s(&mut s)),
        vec![RegisterWrite::LinkIncident {
            problem: "PRB-5".into(),
            incident: "INC-11501".into(),
            apply_workaround: true
        }]
    );
    update(&mut s, Action::RegisterWritten(Ok("INC-11501 linked to PRB-5".into())), now());
    // A problem without a workaround links only, unless asked.
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('l'));
    typed(&mut s, "7");
    let sent = writes(&ctrl_s(&mut s));
    assert!(matches!(sent.as_slice(), [RegisterWrite::LinkIncident { apply_workaround: false, .. }]), "{sent:?}");
}

#[test]
fn a_reader_reads_problems_but_is_offered_no_change() {
    let mut s = state(false);
    press(&mut s, KeyCode::Char('7'));
    update(&mut s, Action::RegisterLoaded { section: RegisterSection::Problems, result: Ok(problems()) }, now());
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    assert!(screen.contains("read-only: operators work problems"), "{screen}");
    let key_line = screen.lines().last().unwrap_or_default();
    assert!(key_line.contains("open-problem") && !key_line.contains("new-problem"), "{key_line}");
    for c in ['n', 'e', 'l'] {
        assert!(writes(&press(&mut s, KeyCode::Char(c))).is_empty());
    }
    assert!(s.overlay.is_none());
}

#[test]
fn problems_snapshots() {
    let mut s = as_operator();
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("PRB-5"), "{screen}");
        insta::assert_snapshot!(format!("problems_{}x{}", size.0, size.1), screen);
    }
    press(&mut s, KeyCode::Enter);
    update(&mut s, Action::ProblemLoaded { reference: "PRB-5".into(), result: Ok(Box::new(view())) }, now());
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        insta::assert_snapshot!(format!("problem_open_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn slash_filters_the_register_by_words_and_esc_clears_it() {
    let mut s = as_operator();
    press(&mut s, KeyCode::Char('/'));
    typed(&mut s, "stamnät");
    update(&mut s, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), now());
    assert!(s.overlay.is_none(), "Enter applies a one-line form");
    assert_eq!(s.screens.problems.selected_problem().map(|p| p.reference.as_str()), Some("PRB-7"));
    let screen = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(screen.contains("/ stamnät (Esc clears)") && !screen.contains("PRB-5"), "{screen}");
    press(&mut s, KeyCode::Char('/'));
    for _ in 0.."stamnät".chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "ingenting her");
    update(&mut s, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), now());
    let screen = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(screen.contains("Nothing matches the filter"), "{screen}");
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screens.problems.filter, "");
    assert_eq!(s.screens.problems.selected_problem().map(|p| p.reference.as_str()), Some("PRB-5"));
}
