//! The minutes screen through `update`: showing the tab reads the meetings, Enter reads the selected meeting's
//! minutes, `[` and `]` step between meetings with the open minutes following, Esc closes them; and how they are
//! drawn at 80×24 and 160×48.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::tests::{now, state};
use super::update;
use crate::app::action::Action;
use crate::app::command::{Command, Screen};
use crate::app::effect::{DbCommand, Effect};
use crate::app::screens::minutes::data::{
    AttendanceLine, DecisionLine, FollowUpLine, ItemLine, MeetingHead, MeetingLine, MeetingList, MinutesDetail,
    SeriesLine,
};
use crate::app::state::State;
use crate::domain::minutes::agenda::{Agenda, CorrectionRow, FollowUpRow, Row, Section, SectionKind, WindowRow};

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::from(code)), now())
}

fn loads(effects: &[Effect]) -> Vec<DbCommand> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(command @ (DbCommand::LoadMeetings | DbCommand::LoadMinutes { .. })) => Some(command.clone()),
            _ => None,
        })
        .collect()
}

fn meeting_at(days_ago: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().expect("valid") - Duration::days(days_ago)
}

fn list() -> MeetingList {
    let meeting = |id, days_ago, state: &str| MeetingLine {
        id,
        series: "ALT-STATUS".into(),
        starts_at: meeting_at(days_ago),
        state: state.into(),
        follow_ups_open: 2,
        corrections: 1,
    };
    MeetingList {
        series: vec![SeriesLine {
            code: "ALT-STATUS".into(),
            title: "Ukentlig statusmøte Altinn".into(),
            agreement: "ALTINN".into(),
            chair: "karin".into(),
        }],
        meetings: vec![meeting(1, 7, "published"), meeting(2, 0, "draft")],
    }
}

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("valid")
}

/// The meeting of today with a bit of everything: a mandatory participant absent, a generated section with its
/// rows, a window, notes, a decision, follow-up points (one answered) and a late correction. One title carries an
/// escape sequence that must never reach the terminal.
fn detail() -> MinutesDetail {
    let starts_at = meeting_at(0);
    let point = FollowUpRow {
        id: 7,
        text: "Send rotårsaksanalyse".into(),
        owner: "ola".into(),
        due: date(20),
        state: "open".into(),
        answer: None,
        answered_at: None,
        overdue: true,
    };
    let window = WindowRow {
        series_id: 3,
        kind: "freeze".into(),
        services: vec!["SBL".into()],
        start: starts_at + Duration::days(3),
        end: starts_at + Duration::days(5),
        state: "approved".into(),
        reason: "Julefrys".into(),
    };
    let section = |kind, title: &str, rows| Section { kind, title: title.into(), rows };
    let item = |id, position, section: &str, title: &str, notes: &str| ItemLine {
        id,
        position,
        section: section.into(),
        title: title.into(),
        notes: notes.into(),
        discussed: !notes.is_empty(),
        version: 1,
    };
    MinutesDetail {
        head: MeetingHead {
            id: 2,
            series: "ALT-STATUS".into(),
            title: "Ukentlig statusmøte Altinn".into(),
            agreement: "ALTINN".into(),
            starts_at,
            state: "draft".into(),
            opened_by: "karin".into(),
            published_by: None,
            published_at: None,
        },
        attendance: vec![
            AttendanceLine { participant: "asf".into(), mandatory: true, present: true },
            AttendanceLine { participant: "driftsleverandor".into(), mandatory: true, present: false },
            AttendanceLine { participant: "tjenesteeiere".into(), mandatory: false, present: false },
        ],
        agenda: Agenda {
            starts_at,
            since: starts_at - Duration::days(7),
            until: starts_at + Duration::days(14),
            sections: vec![
                section(SectionKind::FollowUps, "Follow-up points (1, 1 overdue)", vec![Row::FollowUp(point)]),
                section(
                    SectionKind::Maintenance,
                    "Maintenance and freezes, next 14 days (1)",
                    vec![Row::Window(window)],
                ),
            ],
        },
        items: vec![
            item(11, 1, "follow_ups", "Follow-up points (1, 1 overdue)", "Ola lover analysen fredag"),
            item(12, 2, "maintenance", "Maintenance \u{1b}[2Jand freezes, next 14 days (1)", ""),
        ],
        decisions: vec![DecisionLine {
            item_id: Some(11),
            text: "Analysen behandles på neste møte".into(),
            decided_by: "karin".into(),
        }],
        follow_ups: vec![FollowUpLine {
            id: 9,
            text: "Bekreft releasedato".into(),
            owner: "ingrid".into(),
            due: date(30),
            state: "answered".into(),
            answer: Some("Dato 14. desember".into()),
            answered_at: Some(starts_at - Duration::hours(20)),
            concerns: "INC-11501".into(),
        }],
        corrections: vec![CorrectionRow {
            id: 1,
            text: "Punkt 2 gjaldt TUL".into(),
            by: "ingrid".into(),
            at: starts_at + Duration::days(8),
            late: true,
        }],
    }
}

#[test]
fn showing_the_tab_reads_the_meetings_and_enter_reads_the_latest_minutes() {
    let mut s = state(false);
    let effects = update(&mut s, Action::Key(KeyEvent::from(KeyCode::Char('5'))), now());
    assert_eq!(s.screen, Screen::Minutes);
    assert_eq!(loads(&effects), vec![DbCommand::LoadMeetings]);
    assert!(loads(&key(&mut s, KeyCode::Enter)).is_empty(), "nothing listed yet, nothing to read");
    update(&mut s, Action::MeetingsLoaded(Ok(list())), now());
    assert_eq!(loads(&key(&mut s, KeyCode::Enter)), vec![DbCommand::LoadMinutes { id: 2 }], "the latest first");
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    assert!(matches!(&s.screens.minutes.open, Some(open) if matches!(open.detail, Some(Ok(_)))));
    assert_eq!(loads(&key(&mut s, KeyCode::Char('['))), vec![DbCommand::LoadMinutes { id: 1 }], "the week before");
    assert_eq!(s.screens.minutes.open.as_ref().map(|o| (o.id, o.detail.is_none())), Some((1, true)));
    // The answer for the meeting left behind is dropped.
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    assert_eq!(s.screens.minutes.open.as_ref().map(|o| o.detail.is_none()), Some(true));
    key(&mut s, KeyCode::Esc);
    assert_eq!((s.screen, s.screens.minutes.open.is_none()), (Screen::Minutes, true));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Board, "a second Esc goes on to the board");
}

#[test]
fn the_palette_command_shows_the_tab_and_reads_the_meetings_first() {
    let mut s = state(false);
    let effects = update(&mut s, Action::Run(Command::Minutes(crate::app::command::MinutesAct::Read)), now());
    assert_eq!(s.screen, Screen::Minutes);
    assert_eq!(loads(&effects), vec![DbCommand::LoadMeetings]);
}

#[test]
fn a_list_that_cannot_be_read_says_why() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('5'));
    update(&mut s, Action::MeetingsLoaded(Err("connection lost".into())), now());
    assert_eq!(s.screens.minutes.error.as_deref(), Some("connection lost"));
    let screen = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(screen.contains("could not be read"), "{screen}");
}

#[test]
fn minutes_snapshots() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('5'));
    update(&mut s, Action::MeetingsLoaded(Ok(list())), now());
    key(&mut s, KeyCode::Enter);
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("driftsleverandor ✗ mandatory"), "{screen}");
        assert!(!screen.contains('\u{1b}'), "an escape sequence reached the terminal: {screen}");
        insta::assert_snapshot!(format!("minutes_{}x{}", size.0, size.1), screen);
    }
}

fn chair() -> State {
    let mut s = state(false);
    if let Some(user) = s.user.as_mut() {
        user.rights.chair = true;
    }
    key(&mut s, KeyCode::Char('5'));
    update(&mut s, Action::MeetingsLoaded(Ok(list())), now());
    s
}

fn writes(effects: &[Effect]) -> Vec<DbCommand> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(command @ (DbCommand::OpenMeeting { .. } | DbCommand::PublishMinutes { .. })) => {
                Some(command.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_reader_is_told_the_minutes_are_read_only_and_nothing_is_sent() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('5'));
    update(&mut s, Action::MeetingsLoaded(Ok(list())), now());
    for c in ['o', 'P', 'P'] {
        assert!(writes(&key(&mut s, KeyCode::Char(c))).is_empty());
    }
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("read-only")), "{:?}", s.message);
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    assert!(!screen.contains("publish-minutes"), "the key line offers only what the reader may do: {screen}");
}

#[test]
fn a_chair_opens_the_selected_series_meeting_and_reads_it_when_it_is_written() {
    let mut s = chair();
    let effects = key(&mut s, KeyCode::Char('o'));
    assert_eq!(writes(&effects), vec![DbCommand::OpenMeeting { series: "ALT-STATUS".into(), at: now() }]);
    let effects = update(
        &mut s,
        Action::MinutesWritten(Ok(crate::app::screens::minutes::data::MinutesWrite::Opened { id: 3, items: 6 })),
        now(),
    );
    assert_eq!(loads(&effects), vec![DbCommand::LoadMeetings, DbCommand::LoadMinutes { id: 3 }]);
    assert_eq!(s.screens.minutes.open.as_ref().map(|o| o.id), Some(3));
}

#[test]
fn publishing_asks_first_and_any_other_key_forgets_the_question() {
    let mut s = chair();
    assert!(writes(&key(&mut s, KeyCode::Char('P'))).is_empty(), "the first P only asks");
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("Press P again")), "{:?}", s.message);
    key(&mut s, KeyCode::Char('j'));
    assert!(writes(&key(&mut s, KeyCode::Char('P'))).is_empty(), "j in between: asked again");
    key(&mut s, KeyCode::Char('k'));
    key(&mut s, KeyCode::Char('P'));
    assert_eq!(writes(&key(&mut s, KeyCode::Char('P'))), vec![DbCommand::PublishMinutes { id: 2 }]);
    // A published meeting is not offered again.
    key(&mut s, KeyCode::Char('j'));
    assert!(writes(&[key(&mut s, KeyCode::Char('P')), key(&mut s, KeyCode::Char('P'))].concat()).is_empty());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("published already")), "{:?}", s.message);
}

#[test]
fn a_refusal_by_the_database_is_shown_in_its_words() {
    let mut s = chair();
    let refused = crate::app::model::WriteError::Refused("permission denied: only chairs".into());
    let effects = update(&mut s, Action::MinutesWritten(Err(refused)), now());
    assert!(effects.is_empty());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("permission denied: only chairs")), "{:?}", s.message);
}

#[test]
fn a_chair_takes_the_attendance_with_one_key_per_participant() {
    let mut s = chair();
    key(&mut s, KeyCode::Char('a'));
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("open a meeting")), "{:?}", s.message);
    key(&mut s, KeyCode::Enter);
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    key(&mut s, KeyCode::Char('a'));
    let effects = key(&mut s, KeyCode::Char('2'));
    assert_eq!(s.screen, Screen::Minutes, "2 marks a participant here, it does not change tabs");
    assert_eq!(writes_attendance(&effects), vec![("driftsleverandor".to_string(), true)]);
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    assert!(screen.contains("[2] driftsleverandor ✓"), "shown at once: {screen}");
    assert_eq!(writes_attendance(&key(&mut s, KeyCode::Char('1'))), vec![("asf".to_string(), false)]);
    assert!(writes_attendance(&key(&mut s, KeyCode::Char('9'))).is_empty(), "nobody is number 9");
    // The database refuses: what it holds is read again.
    let refused = crate::app::model::WriteError::BadInput("the minutes are published and read-only".into());
    assert_eq!(
        loads(&update(&mut s, Action::MinutesWritten(Err(refused)), now())),
        vec![DbCommand::LoadMinutes { id: 2 }]
    );
    key(&mut s, KeyCode::Esc);
    assert!(!s.screens.minutes.taking_attendance && s.screens.minutes.open.is_some(), "Esc ends the attendance only");
    assert_eq!(s.screen, Screen::Minutes);
    key(&mut s, KeyCode::Char('2'));
    assert_eq!(s.screen, Screen::Major, "after the attendance the digits change tabs again");
}

fn writes_attendance(effects: &[Effect]) -> Vec<(String, bool)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::SetPresent { participant, present, .. }) => Some((participant.clone(), *present)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_decision_is_written_from_a_form_that_keeps_its_text_when_the_database_refuses() {
    use crate::app::state::Overlay;
    let mut s = chair();
    key(&mut s, KeyCode::Enter);
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    key(&mut s, KeyCode::Char('d'));
    assert!(matches!(&s.overlay, Some(Overlay::Form(_))), "{:?}", s.overlay);
    for c in "Patch fredag".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), crossterm::event::KeyModifiers::CONTROL);
    let sent = update(&mut s, Action::Key(ctrl_s), now());
    let asked: Vec<_> = sent
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::AddDecision { id, item: None, text }) => Some((*id, text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(asked, vec![(2, "Patch fredag".to_string())]);
    let refused = crate::app::model::WriteError::BadInput("the minutes are published and read-only".into());
    update(&mut s, Action::MinutesWritten(Err(refused)), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form closed on a refusal: {:?}", s.overlay) };
    assert_eq!(form.fields[0].value(), "Patch fredag", "the text stays");
    assert!(form.error.as_deref().is_some_and(|e| e.contains("read-only")), "{:?}", form.error);
    let done = update(
        &mut s,
        Action::MinutesWritten(Ok(crate::app::screens::minutes::data::MinutesWrite::Decision { id: 2 })),
        now(),
    );
    assert!(s.overlay.is_none(), "the form closes once the decision is recorded");
    assert!(loads(&done).contains(&DbCommand::LoadMinutes { id: 2 }), "{done:?}");
}

#[test]
fn a_follow_up_point_needs_a_date_and_keeps_its_text_until_it_is_one() {
    use crate::app::state::Overlay;
    let mut s = chair();
    key(&mut s, KeyCode::Enter);
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    key(&mut s, KeyCode::Char('f'));
    let typed = |s: &mut State, text: &str| {
        for c in text.chars() {
            key(s, KeyCode::Char(c));
        }
    };
    typed(&mut s, "ola");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "fredag");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "Send analysen");
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), crossterm::event::KeyModifiers::CONTROL);
    assert!(writes_follow_up(&update(&mut s, Action::Key(ctrl_s), now())).is_empty(), "not a date: nothing sent");
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form closed: {:?}", s.overlay) };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("'fredag' is not a date")), "{:?}", form.error);
    assert_eq!(form.fields[2].value(), "Send analysen", "the text stays");
    key(&mut s, KeyCode::BackTab);
    for _ in 0.."fredag".len() {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "2026-12-04");
    let sent = writes_follow_up(&update(&mut s, Action::Key(ctrl_s), now()));
    assert_eq!(sent, vec![("ola".to_string(), date(30) + Duration::days(4), "Send analysen".to_string())]);
}

fn writes_follow_up(effects: &[Effect]) -> Vec<(String, NaiveDate, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::AddFollowUp { owner, due, text, .. }) => Some((owner.clone(), *due, text.clone())),
            _ => None,
        })
        .collect()
}

fn edits(effects: &[Effect]) -> Vec<crate::app::screens::minutes::data::MinutesEdit> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::EditMinutes { id: 2, edit }) => Some(edit.clone()),
            _ => None,
        })
        .collect()
}

fn chair_with_minutes_open() -> State {
    let mut s = chair();
    key(&mut s, KeyCode::Enter);
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    s
}

fn ctrl_s(s: &mut State) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(KeyCode::Char('s'), crossterm::event::KeyModifiers::CONTROL)), now())
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

#[test]
fn braces_step_through_the_items_and_the_item_keys_act_on_the_selected_one() {
    use crate::app::screens::minutes::data::MinutesEdit;
    let mut s = chair_with_minutes_open();
    key(&mut s, KeyCode::Char('x'));
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("select an agenda item")), "{:?}", s.message);
    key(&mut s, KeyCode::Char('}'));
    key(&mut s, KeyCode::Char('}'));
    assert_eq!(s.screens.minutes.open.as_ref().and_then(|o| o.item), Some(12));
    key(&mut s, KeyCode::Char('}'));
    assert_eq!(s.screens.minutes.open.as_ref().and_then(|o| o.item), Some(12), "the last item stays selected");
    assert_eq!(edits(&key(&mut s, KeyCode::Char('x'))), vec![MinutesEdit::Discussed { item: 12, discussed: true }]);
    assert_eq!(edits(&key(&mut s, KeyCode::Char('K'))), vec![MinutesEdit::MoveItem { item: 12, up: true }]);
    assert_eq!(edits(&key(&mut s, KeyCode::Char('J'))), vec![MinutesEdit::MoveItem { item: 12, up: false }]);
    assert!(edits(&key(&mut s, KeyCode::Char('-'))).is_empty(), "the first - only asks");
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("Press - again")), "{:?}", s.message);
    key(&mut s, KeyCode::Char('j'));
    assert!(edits(&key(&mut s, KeyCode::Char('-'))).is_empty(), "j in between: asked again");
    assert_eq!(edits(&key(&mut s, KeyCode::Char('-'))), vec![MinutesEdit::DropItem { item: 12 }]);
    // A decision and a follow-up point are made on the selected item.
    key(&mut s, KeyCode::Char('d'));
    typed(&mut s, "Frys holder");
    let decided: Vec<_> = ctrl_s(&mut s)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::AddDecision { id, item, text }) => Some((id, item, text)),
            _ => None,
        })
        .collect();
    assert_eq!(decided, vec![(2, Some(12), "Frys holder".to_string())]);
    let recorded = crate::app::screens::minutes::data::MinutesWrite::Decision { id: 2 };
    update(&mut s, Action::MinutesWritten(Ok(recorded)), now());
    // The dropped item gives its place to the one now there; before the first comes the meeting as a whole.
    let mut fewer = detail();
    fewer.items.truncate(1);
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(fewer)) }, now());
    assert_eq!(s.screens.minutes.open.as_ref().and_then(|o| o.item), Some(11));
    key(&mut s, KeyCode::Char('{'));
    assert_eq!(s.screens.minutes.open.as_ref().and_then(|o| o.item), None);
}

#[test]
fn a_reader_steps_through_items_but_changes_none() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('5'));
    update(&mut s, Action::MeetingsLoaded(Ok(list())), now());
    key(&mut s, KeyCode::Enter);
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    key(&mut s, KeyCode::Char('}'));
    assert_eq!(s.screens.minutes.open.as_ref().and_then(|o| o.item), Some(11));
    for c in ['e', 'x', '+', '-', '-', 'K', 'J'] {
        assert!(edits(&key(&mut s, KeyCode::Char(c))).is_empty(), "{c}");
    }
    assert!(s.overlay.is_none());
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    assert!(!screen.contains("notes"), "the key line offers only what the reader may do: {screen}");
}

#[test]
fn notes_are_written_on_the_version_they_were_typed_on() {
    use crate::app::screens::minutes::data::{MinutesEdit, MinutesWrite};
    use crate::app::state::Overlay;
    let mut s = chair_with_minutes_open();
    key(&mut s, KeyCode::Char('}'));
    key(&mut s, KeyCode::Char('e'));
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no editor: {:?}", s.overlay) };
    assert_eq!(form.fields[0].value(), "Ola lover analysen fredag", "the notes so far");
    typed(&mut s, ", mandag senest");
    let sent = edits(&ctrl_s(&mut s));
    assert_eq!(
        sent,
        vec![MinutesEdit::Notes { item: 11, version: 1, text: "Ola lover analysen fredag, mandag senest".into() }]
    );
    // The scribe saved first: nothing was written, and the editor now holds both texts on top of theirs.
    let moved = MinutesWrite::NotesMoved { id: 2, item: 11, version: 2, notes: "Ola: fredag kl 12".into() };
    let effects = update(&mut s, Action::MinutesWritten(Ok(moved)), now());
    assert!(loads(&effects).contains(&DbCommand::LoadMinutes { id: 2 }));
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the editor closed: {:?}", s.overlay) };
    let text = form.fields[0].value();
    assert!(text.starts_with("Ola lover analysen fredag, mandag senest"), "{text}");
    assert!(text.ends_with("Ola: fredag kl 12"), "{text}");
    assert!(form.error.as_deref().is_some_and(|e| e.contains("Someone else saved")), "{:?}", form.error);
    assert!(s.drafts.contains_key("notes:11@2") && !s.drafts.contains_key("notes:11@1"), "{:?}", s.drafts.keys());
    let again = edits(&ctrl_s(&mut s));
    assert!(matches!(again.as_slice(), [MinutesEdit::Notes { item: 11, version: 2, .. }]), "{again:?}");
    update(&mut s, Action::MinutesWritten(Ok(MinutesWrite::Notes { id: 2, item: 11 })), now());
    assert!(s.overlay.is_none(), "saved: the editor closes");
    assert!(!s.drafts.keys().any(|k| k.starts_with("notes:11@")), "{:?}", s.drafts.keys());
}

#[test]
fn a_notes_draft_kept_from_an_older_version_is_sent_on_that_version() {
    use crate::app::form::Draft;
    use crate::app::screens::minutes::data::MinutesEdit;
    let mut s = chair_with_minutes_open();
    let kept = Draft::ByName([("notes".to_string(), "skrevet før bruddet".to_string())].into_iter().collect());
    s.drafts.insert("notes:11@0".into(), kept);
    key(&mut s, KeyCode::Char('}'));
    key(&mut s, KeyCode::Char('e'));
    let sent = edits(&ctrl_s(&mut s));
    // Version 0 is older than the item's: the database answers with theirs, and nothing is overwritten.
    assert_eq!(sent, vec![MinutesEdit::Notes { item: 11, version: 0, text: "skrevet før bruddet".into() }]);
}

#[test]
fn a_new_item_goes_after_the_selected_one() {
    use crate::app::screens::minutes::data::{MinutesEdit, MinutesWrite};
    let mut s = chair_with_minutes_open();
    key(&mut s, KeyCode::Char('}'));
    key(&mut s, KeyCode::Char('+'));
    typed(&mut s, "Eventuelt");
    assert_eq!(edits(&ctrl_s(&mut s)), vec![MinutesEdit::AddItem { after: 1, title: "Eventuelt".into() }]);
    let added = MinutesWrite::Agenda { id: 2, what: "item added at place 2".into(), added: Some(13) };
    let effects = update(&mut s, Action::MinutesWritten(Ok(added)), now());
    assert!(s.overlay.is_none());
    assert_eq!(s.screens.minutes.open.as_ref().and_then(|o| o.item), Some(13), "the new item is selected");
    assert_eq!(loads(&effects), vec![DbCommand::LoadMinutes { id: 2 }]);
}

#[test]
fn changes_by_others_read_the_open_minutes_again_once_per_burst() {
    use crate::app::action::ChangeNotice;
    let mut s = chair_with_minutes_open();
    let notice = |table: &str, id| {
        Action::Changed(ChangeNotice { table: table.into(), id: Some(id), version: Some(2), op: "update".into() })
    };
    let first = update(&mut s, notice("meeting_items", 11), now());
    assert_eq!(loads(&first), vec![DbCommand::LoadMeetings, DbCommand::LoadMinutes { id: 2 }]);
    for (table, id) in [("meeting_attendance", 5), ("meeting_decisions", 6), ("follow_ups", 9), ("meeting_items", 12)] {
        assert!(loads(&update(&mut s, notice(table, id), now())).is_empty(), "{table}: already on its way");
    }
    let arrived = update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(detail())) }, now());
    assert_eq!(loads(&arrived), vec![DbCommand::LoadMinutes { id: 2 }], "once more, for what came meanwhile");
    // On another tab nothing is read; showing the tab again reads the list and the open minutes.
    key(&mut s, KeyCode::Char('1'));
    assert!(loads(&update(&mut s, notice("meetings", 2), now())).is_empty());
    assert_eq!(
        loads(&key(&mut s, KeyCode::Char('5'))),
        vec![DbCommand::LoadMeetings, DbCommand::LoadMinutes { id: 2 }]
    );
}

#[test]
fn minutes_chair_snapshots() {
    let mut s = chair_with_minutes_open();
    key(&mut s, KeyCode::Char('}'));
    key(&mut s, KeyCode::Char('}'));
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("▶2 Maintenance") || screen.contains(">2 Maintenance"), "selected: {screen}");
        insta::assert_snapshot!(format!("minutes_chair_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn x_writes_the_minutes_as_files_and_a_point_names_what_it_concerns() {
    let mut s = chair_with_minutes_open();
    let asked = key(&mut s, KeyCode::Char('X'));
    assert!(asked.contains(&Effect::Db(DbCommand::ExportMinutes { id: 2, zone: s.zone })), "{asked:?}");
    let files = vec![("minutes.md".to_string(), "# m".to_string()), ("minutes.html".to_string(), "<html>".to_string())];
    let written = update(&mut s, Action::MinutesExported { id: 2, result: Ok(files.clone()) }, now());
    assert!(matches!(written.as_slice(), [Effect::ExportFiles { files: f, .. }] if *f == files), "{written:?}");
    update(&mut s, Action::MinutesExported { id: 2, result: Err("gone".into()) }, now());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("could not be exported: gone")), "{:?}", s.message);

    key(&mut s, KeyCode::Char('f'));
    typed(&mut s, "siri@drift.example");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "2026-12-04");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "Svar");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "fredag");
    assert!(writes_follow_up(&ctrl_s(&mut s)).is_empty(), "not something a point concerns: nothing sent");
    let Some(crate::app::state::Overlay::Form(form)) = &s.overlay else { panic!("the form closed") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("'fredag' is not something")), "{:?}", form.error);
    for _ in 0.."fredag".len() {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "inc-11501 w3");
    let sent: Vec<_> = ctrl_s(&mut s)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::AddFollowUp { owner, concerns, .. }) => Some((owner, concerns.describe())),
            _ => None,
        })
        .collect();
    assert_eq!(sent, vec![("siri@drift.example".to_string(), "INC-11501, window 3".to_string())]);
}

#[test]
fn the_key_line_offers_no_writes_on_published_minutes() {
    use crate::app::command::{Command, MinutesAct};
    let mut s = chair_with_minutes_open();
    let edit_notes = Command::Minutes(MinutesAct::EditNotes);
    let export = Command::Minutes(MinutesAct::Export);
    assert!(s.offers(edit_notes) && s.offers(export), "a draft offers both");
    let mut published = detail();
    published.head.state = "published".into();
    update(&mut s, Action::MinutesLoaded { id: 2, result: Ok(Box::new(published)) }, now());
    assert!(!s.offers(edit_notes), "published minutes are read-only");
    assert!(!s.offers(Command::Minutes(MinutesAct::Discussed)));
    assert!(s.offers(export), "they can still be exported");
    assert!(s.offers(Command::Minutes(MinutesAct::NextItem)), "and read item by item");
}
