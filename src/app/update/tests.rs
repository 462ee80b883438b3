//! The console's core, driven by actions, without a terminal or a database.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::update;
use crate::app::action::{Action, ChangeNotice};
use crate::app::command::{Act, Command};
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::*;
use crate::app::state::{Connection, Overlay, State};
use crate::demo::seed_agreements;
use crate::domain::incident::Status;
use crate::domain::incident::lifecycle::IncidentAction;

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
}

pub(super) fn row(id: i64, priority: &str, agreement_version_id: i64, status: Status) -> IncidentSummary {
    IncidentSummary {
        id,
        reference: format!("INC-{id}"),
        title: format!("incident {id}"),
        priority: Some(priority.into()),
        priority_rank: Some(1),
        service: ServiceRef {
            code: "SVC".into(),
            name: "Service".into(),
            organisation: "Molde kommune".into(),
            agreement: "ROR-IKT".into(),
        },
        agreement_version_id,
        status,
        support_line: None,
        assignee: None,
        received_at: now() - Duration::minutes(100 - id),
        next_due: None,
        flags: Flags::default(),
        version: 3,
        master: None,
    }
}

pub(super) fn state(operator: bool) -> State {
    let mut state = State::new("test");
    state.link.connection = Connection::Live;
    let agreements: AgreementSet =
        seed_agreements().unwrap().into_iter().enumerate().map(|(i, (a, _))| (i as i64 + 1, Arc::new(a))).collect();
    update(&mut state, Action::AgreementsLoaded(agreements), now());
    let rights = Rights { viewer: true, operator, ..Rights::default() };
    update(&mut state, Action::Connected { user: UserInfo { login: "kari".into(), full_name: None, rights } }, now());
    // Version 2 is ROR-IKT.
    update(
        &mut state,
        Action::BoardLoaded(vec![row(1, "Høy", 2, Status::Acknowledged), row(2, "Lav", 2, Status::New)]),
        now(),
    );
    state
}

fn key(c: char) -> Action {
    Action::Key(KeyEvent::from(KeyCode::Char(c)))
}

fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::from(code)), now())
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, key(c), now());
    }
}

#[test]
fn viewers_are_told_they_are_read_only_and_nothing_is_sent() {
    let mut s = state(false);
    let effects = update(&mut s, key('a'), now());
    assert!(effects.is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("read-only"), "{:?}", s.message);
}

#[test]
fn an_operator_records_the_outage_an_incident_caused_with_rors_exclusion_reasons_offered() {
    let mut s = state(true);
    update(&mut s, key('O'), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no form: {:?}", s.message) };
    assert_eq!(form.title, "Outage caused by INC-1");
    // The outage starts when the incident was received; it lasts until ended.
    let sent = press(&mut s, KeyCode::Enter);
    let start = now() - Duration::minutes(99);
    let expected = DbCommand::RecordOutage {
        incident: "INC-1".into(),
        service: "SVC".into(),
        start,
        end: None,
        degraded: false,
        exclusion: None,
        note: String::new(),
    };
    assert_eq!(sent, vec![Effect::Db(expected)], "{:?}", s.overlay);
    update(&mut s, Action::OutageRecorded(Ok("outage 4 recorded for INC-1".into())), now());
    assert!(s.overlay.is_none());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("outage 4 recorded")));
    // A viewer records nothing.
    let mut viewer = state(false);
    assert!(update(&mut viewer, key('O'), now()).is_empty() && viewer.overlay.is_none());
}

#[test]
fn acknowledging_sends_the_version_the_user_saw() {
    let mut s = state(true);
    let effects = update(&mut s, key('a'), now());
    let target = ActionTarget { id: 1, reference: "INC-1".into(), version: 3, agreement_version_id: 2 };
    assert_eq!(effects, vec![Effect::Db(DbCommand::Perform { target, action: IncidentAction::Acknowledge })]);
}

#[test]
fn a_priority_change_shows_the_deadlines_before_it_is_sent() {
    let mut s = state(true);
    update(&mut s, Action::Run(Command::Act(Act::Priority)), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("a form") };
    assert_eq!(form.fields[0].value(), "Høy", "starts at the current priority");
    press(&mut s, KeyCode::Down);
    let effects = press(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Db(DbCommand::WhatIf { action: IncidentAction::ChangePriority { to, .. }, .. })] if to == "Middels")
    );
    assert!(matches!(s.overlay, Some(Overlay::Confirm(_))));
    let deltas = vec![DueDelta {
        target: "resolution".into(),
        before: Some(now()),
        after: Some(now() + Duration::days(3)),
        state_after: "running".into(),
    }];
    update(&mut s, Action::WhatIfReady { target: 1, result: Ok(deltas.clone()) }, now());
    let Some(Overlay::Confirm(confirm)) = &s.overlay else { panic!("a confirmation") };
    assert_eq!(confirm.what_if, Some(Ok(deltas)));
    let effects = press(&mut s, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::Db(DbCommand::Perform { .. })]));
    // Esc would have gone back to the form; success closes everything and updates the board.
    let mut changed = row(1, "Middels", 2, Status::Acknowledged);
    changed.version = 4;
    update(&mut s, Action::Written { what: "change priority done".into(), result: Ok(Box::new(changed)) }, now());
    assert!(s.overlay.is_none());
    assert_eq!(s.screens.board.queue.find(1).unwrap().priority.as_deref(), Some("Middels"));
}

#[test]
fn typed_text_survives_cancel_failures_and_conflicts() {
    let mut s = state(true);
    update(&mut s, Action::Run(Command::Act(Act::Note)), now());
    type_text(&mut s, "Leverandøren bekrefter rotårsak");
    assert_eq!(
        update(&mut s, Action::Tick, now()),
        vec![Effect::SaveDrafts(s.drafts.clone())],
        "drafts go to disk on the tick"
    );
    let kept =
        crate::app::form::Draft::ByName([("note".to_string(), "Leverandøren bekrefter rotårsak".to_string())].into());
    assert_eq!(s.drafts.get("note:INC-1"), Some(&kept));
    press(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
    update(&mut s, Action::Run(Command::Act(Act::Note)), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("a form") };
    assert_eq!(form.fields[0].value(), "Leverandøren bekrefter rotårsak", "the draft comes back");

    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let effects = update(&mut s, Action::Key(ctrl_s), now());
    assert!(matches!(&effects[..], [Effect::Db(DbCommand::Perform { action: IncidentAction::Note { .. }, .. })]));
    let mut fresh = row(1, "Høy", 2, Status::Resolved);
    fresh.version = 5;
    let conflict = WriteError::Conflict { message: "INC-1 was changed by ola".into(), fresh: Some(Box::new(fresh)) };
    update(&mut s, Action::Written { what: "note added".into(), result: Err(conflict) }, now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form stays") };
    assert!(
        form.error.as_ref().unwrap().contains("changed by ola")
            && form.error.as_ref().unwrap().contains("Enter applies")
    );
    assert_eq!(form.fields[0].value(), "Leverandøren bekrefter rotårsak");
    let effects = update(&mut s, Action::Key(ctrl_s), now());
    let Some(Effect::Db(DbCommand::Perform { target, .. })) = effects.first() else { panic!("resubmitted") };
    assert_eq!(target.version, 5, "a second submit applies on top of the new version");
    update(
        &mut s,
        Action::Written { what: "note added".into(), result: Ok(Box::new(row(1, "Høy", 2, Status::Acknowledged))) },
        now(),
    );
    assert!(!s.drafts.contains_key("note:INC-1"), "the draft is dropped once saved");
}

#[test]
fn offline_consoles_send_nothing_and_keep_the_text() {
    let mut s = state(true);
    update(&mut s, Action::Offline { reason: "connection lost".into() }, now());
    assert!(update(&mut s, key('a'), now()).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("offline since"));
    update(&mut s, Action::Run(Command::Act(Act::Note)), now());
    type_text(&mut s, "notat");
    let effects = update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), now());
    assert!(effects.is_empty());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form stays") };
    assert!(form.error.as_ref().unwrap().contains("offline"));
    assert_eq!(form.fields[0].value(), "notat");
    let effects = update(&mut s, Action::Online, now());
    assert!(effects.contains(&Effect::Db(DbCommand::LoadBoard)), "back online: resync");
}

#[test]
fn a_write_that_never_reached_the_database_task_leaves_the_form_usable() {
    let mut s = state(true);
    update(&mut s, Action::Run(Command::Act(Act::Note)), now());
    type_text(&mut s, "notat");
    let effects = update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), now());
    assert_eq!(effects.len(), 1);
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("a form") };
    assert!(form.saving, "the form waits for the database");
    s.write_not_sent("the database task stopped", now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form stays") };
    assert!(!form.saving && form.error.as_deref() == Some("the database task stopped"));
    assert_eq!(form.fields[0].value(), "notat");
}

#[test]
fn the_palette_offers_only_what_the_role_may_do() {
    let names = |s: &State, input: &str| -> Vec<&'static str> {
        crate::app::palette_matches(s, input).into_iter().map(|c| c.name()).collect()
    };
    let viewer = state(false);
    assert!(names(&viewer, "").contains(&"board"));
    assert!(!names(&viewer, "").iter().any(|n| *n == "ack" || *n == "resolve"), "{:?}", names(&viewer, ""));
    let mut operator = state(true);
    assert!(names(&operator, "").contains(&"ack"));
    assert!(names(&operator, "declare").is_empty(), "declaring is for the MIM");
    operator.user.as_mut().unwrap().rights.mim = true;
    assert!(!names(&operator, "declare").is_empty());
}

#[test]
fn a_proposed_escalation_is_announced_once_on_any_screen() {
    let mut s = state(true);
    let view = altinn_major_view();
    let declared = view.major.declaration.at;
    update(&mut s, Action::MajorsLoaded(vec![view]), declared);
    let later = declared + Duration::hours(2);
    update(&mut s, Action::Tick, later);
    let seen: Vec<String> = s.message.iter().map(|m| m.text.clone()).collect();
    s.message = None;
    update(&mut s, Action::Tick, later + Duration::seconds(1));
    let proposal = crate::app::major_proposal(&s, &s.screens.major.list[0], later).expect("the ladder proposes a step");
    assert!(s.screens.major.proposed.contains(&(7, proposal.level)), "announced: {seen:?}, proposal {proposal:?}");
    assert!(s.message.as_ref().is_none_or(|m| !m.text.contains("escalate to")), "announced once, not every second");
}

#[test]
fn every_sort_key_is_reachable_and_flags_put_majors_first() {
    use crate::app::screens::board::queue::SortKey;
    let mut s = state(true);
    let mut rows = vec![row(1, "Høy", 2, Status::New), row(2, "Lav", 2, Status::New), row(3, "Lav", 2, Status::New)];
    rows[1].flags.workaround = true;
    rows[2].flags.major = true;
    rows[0].title = "b".into();
    rows[1].title = "C".into();
    rows[2].title = "a".into();
    update(&mut s, Action::BoardLoaded(rows), now());
    let order = |s: &State| s.screens.board.queue.visible().map(|r| r.id).collect::<Vec<_>>();
    let mut seen = Vec::new();
    for _ in 0..SortKey::ALL.len() {
        update(&mut s, Action::Run(Command::SortNext), now());
        seen.push(s.screens.board.queue.sort().0);
        match s.screens.board.queue.sort().0 {
            SortKey::Flags => assert_eq!(order(&s), [3, 2, 1], "major, then workaround, then none"),
            SortKey::Title => assert_eq!(order(&s), [3, 1, 2], "case-insensitive"),
            _ => {}
        }
    }
    assert!(SortKey::ALL.iter().all(|k| seen.contains(k)), "{seen:?}");
}

#[test]
fn a_mim_creates_and_declares_in_one_go() {
    use crate::app::state::FormPurpose;
    let mut operator = state(true);
    update(&mut operator, Action::Run(Command::Act(Act::New)), now());
    let Some(Overlay::Form(form)) = &operator.overlay else { panic!("the new-incident form") };
    assert!(!form.fields.iter().any(|f| f.label.contains("major")), "only a MIM is offered to declare");

    let mut s = state(true);
    s.user.as_mut().unwrap().rights.mim = true;
    update(&mut s, Action::Run(Command::Act(Act::New)), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the new-incident form") };
    assert_eq!(form.fields.last().map(|f| f.label), Some("declare a major incident"));
    // As if "yes" was chosen and the incident was saved.
    s.screens.major.declare_new = true;
    let created = row(9, "Høy", 2, Status::New);
    update(&mut s, Action::Written { what: "created".into(), result: Ok(Box::new(created)) }, now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the declare form follows") };
    assert!(matches!(&form.purpose, FormPurpose::Declare(t) if t.id == 9), "{:?}", form.purpose);
    assert!(!s.screens.major.declare_new, "once");
}

/// The shared Altinn A major (declared 2026-03-02 14:00 Oslo) as the cockpit sees it, agreement version 1.
fn altinn_major_view() -> MajorView {
    MajorView {
        id: 7,
        incident_id: 1,
        reference: "INC-2026-0042".into(),
        agreement_version_id: 1,
        major: crate::domain::major::test_support::altinn_major(false),
        last_update_at: None,
        updates: 0,
        clocks: Vec::new(),
        ledger: Vec::new(),
        calls: Vec::new(),
        timeline: Vec::new(),
        recipients: vec![
            ContactEntry {
                id: 1,
                organisation: "asf".into(),
                name: "Siri Serviceleder".into(),
                role: "Serviceleder".into(),
                email: Some("siri@asf.example".into()),
                phone: None,
                mobile: Some("+47 900 00 001".into()),
                webhook_host: None,
                webhook_preset: None,
            },
            ContactEntry {
                id: 2,
                organisation: "asf".into(),
                name: "#drift".into(),
                role: String::new(),
                email: None,
                phone: None,
                mobile: None,
                webhook_host: Some("hooks.example".into()),
                webhook_preset: Some("slack".into()),
            },
        ],
        version: 1,
    }
}

#[test]
fn an_update_is_previewed_per_channel_before_it_is_sent() {
    use crate::app::command::MajorAct;
    let mut s = state(true);
    s.user.as_mut().unwrap().rights.mim = true;
    let view = altinn_major_view();
    let at = view.major.declaration.at + Duration::minutes(20);
    update(&mut s, Action::MajorsLoaded(vec![view]), at);
    update(&mut s, Action::Run(Command::Major(MajorAct::Update)), at);
    let Some(Overlay::Form(form)) = &mut s.overlay else { panic!("the update form") };
    for (i, text) in ["Innlogging feiler", "Feil i lastbalanserer", "2026-03-02 16:00", "Ingen"].into_iter().enumerate()
    {
        form.fields[i].set_typed(text);
    }
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let effects = update(&mut s, Action::Key(ctrl_s), at);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Db(_))), "nothing is sent before the preview: {effects:?}");
    let Some(Overlay::Preview(preview)) = &s.overlay else { panic!("the preview, not a send: {:?}", s.overlay) };
    let all = preview.lines.join("\n");
    assert!(all.contains("Subject:") && all.contains("INC-2026-0042"), "{all}");
    assert!(all.contains("Webhook channels") && all.contains("Feil i lastbalanserer"), "{all}");
    // Who it reaches, by name and address; a webhook by its host only.
    assert!(all.contains("E-mail to 1 contact(s) of nav, skatteetaten: Siri Serviceleder <siri@asf.example>"), "{all}");
    assert!(all.contains("Webhook channels: #drift <hooks.example>"), "{all}");
    let effects = update(&mut s, key('y'), at);
    assert!(matches!(&effects[..], [Effect::Db(DbCommand::Major(_))]), "{effects:?}");
}

/// The request key of a stakeholder update is saved with the drafts before the first attempt, so a console started
/// again after a lost answer sends under the same key; once the update is recorded the key is forgotten.
#[test]
fn an_update_keeps_its_request_key_across_a_restart_until_it_is_recorded() {
    use crate::app::command::MajorAct;
    use crate::app::effect::MajorCommand;
    let ctrl_s = Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let request_of = |effects: &[Effect]| match effects {
        [Effect::Db(DbCommand::Major(MajorCommand::Update { request, .. }))] => request.clone(),
        other => panic!("one update sent: {other:?}"),
    };
    let console = |drafts: crate::app::form::Drafts, console_id: &str| {
        let mut s = state(true);
        s.user.as_mut().unwrap().rights.mim = true;
        s.presence.console_id = console_id.into();
        update(&mut s, Action::DraftsLoaded(drafts), now());
        let said = s.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
        let view = altinn_major_view();
        update(&mut s, Action::MajorsLoaded(vec![view]), now());
        (s, said)
    };
    let write_text = |s: &mut State, at, what: &str| {
        update(s, Action::Run(Command::Major(MajorAct::Update)), at);
        let Some(Overlay::Form(form)) = &mut s.overlay else { panic!("the update form") };
        for (i, text) in [what, "Feil i lastbalanserer", "2026-03-02 16:00", "Ingen"].into_iter().enumerate() {
            form.fields[i].set_typed(text);
        }
        update(s, ctrl_s.clone(), at)
    };
    let write = |s: &mut State, at| write_text(s, at, "Innlogging feiler");
    let at = altinn_major_view().major.declaration.at + Duration::minutes(20);

    let (mut first, _) = console(Default::default(), "first");
    let saved = write(&mut first, at);
    let Some(Effect::SaveDrafts(drafts)) = saved.iter().find(|e| matches!(e, Effect::SaveDrafts(_))) else {
        panic!("the key is saved before the first attempt: {saved:?}")
    };
    let request = request_of(&update(&mut first, key('y'), at));
    assert!(request.starts_with("first-"), "{request}");
    // The answer is lost; the console is stopped and started again with what it had saved.
    let (mut second, said) = console(drafts.clone(), "second");
    assert!(said.contains("got no answer"), "{said}");
    // Another text is another request, even while the first is unanswered: under the first key a recorded first
    // attempt would swallow it.
    write_text(&mut second, at + Duration::minutes(5), "Innlogging feiler fortsatt");
    assert_ne!(request_of(&update(&mut second, key('y'), at)), request, "another text, another request");
    let (mut second, _) = console(drafts.clone(), "second");
    write(&mut second, at + Duration::minutes(5));
    assert_eq!(request_of(&update(&mut second, key('y'), at)), request, "the same request after the restart");
    let done = Action::MajorWritten { what: "update 1 had been recorded".into(), result: Ok(()) };
    let effects = update(&mut second, done, at);
    let Some(Effect::SaveDrafts(drafts)) = effects.iter().find(|e| matches!(e, Effect::SaveDrafts(_))) else {
        panic!("the drafts are saved without the key: {effects:?}")
    };
    assert!(drafts.is_empty(), "the key and the text are dropped once recorded: {drafts:?}");
    write(&mut second, at + Duration::minutes(10));
    assert_ne!(request_of(&update(&mut second, key('y'), at)), request, "the next update is a new request");
}

#[test]
fn ror_refuses_a_pause_before_any_form_opens() {
    let mut s = state(true);
    update(&mut s, key('P'), now());
    assert!(s.overlay.is_none());
    assert!(s.message.as_ref().unwrap().text.contains("allows no pausing"));
}

/// Delivery steps are read only where they show: the major cockpit. Elsewhere they are read once it is shown.
#[test]
fn delivery_notices_reload_the_majors_only_in_the_cockpit() {
    use crate::app::Screen;
    let mut s = state(true);
    let outbox =
        || Action::Changed(ChangeNotice { table: "outbox".into(), id: Some(7), version: None, op: "update".into() });
    let loads_majors = |effects: &[Effect]| effects.iter().any(|e| matches!(e, Effect::Db(DbCommand::LoadMajors)));
    for _ in 0..3 {
        assert!(!loads_majors(&update(&mut s, outbox(), now())), "not read on the board");
    }
    assert!(s.screens.major.deliveries_stale);
    let shown = update(&mut s, Action::Run(Command::Show(Screen::Major)), now());
    assert!(loads_majors(&shown), "read once the cockpit is shown: {shown:?}");
    update(&mut s, Action::MajorsLoaded(vec![altinn_major_view()]), now());
    assert!(!s.screens.major.deliveries_stale);
    assert!(loads_majors(&update(&mut s, outbox(), now())), "read at once in the cockpit");
    let majors =
        Action::Changed(ChangeNotice { table: "majors".into(), id: Some(1), version: None, op: "update".into() });
    update(&mut s, Action::MajorsLoaded(vec![altinn_major_view()]), now());
    update(&mut s, Action::Run(Command::Show(Screen::Board)), now());
    assert!(loads_majors(&update(&mut s, majors, now())), "a major incident itself is read on every screen");
}

#[test]
fn notices_fetch_only_what_is_newer() {
    let mut s = state(true);
    let notice = |v: i32| {
        Action::Changed(ChangeNotice { table: "incidents".into(), id: Some(1), version: Some(v), op: "update".into() })
    };
    assert!(update(&mut s, notice(3), now()).is_empty(), "our own echo or an old notice");
    assert_eq!(update(&mut s, notice(4), now()), vec![Effect::Db(DbCommand::FetchSummary { id: 1 })]);
    let unknown = Action::Changed(ChangeNotice {
        table: "incidents".into(),
        id: Some(99),
        version: Some(1),
        op: "insert".into(),
    });
    assert_eq!(update(&mut s, unknown, now()), vec![Effect::Db(DbCommand::FetchSummary { id: 99 })]);
}

#[test]
fn the_filter_applies_as_you_type_and_is_saved_on_enter() {
    let mut s = state(true);
    update(&mut s, key('/'), now());
    update(&mut s, Action::Paste("prio:".into()), now());
    assert!(s.screens.board.filter_input.as_ref().unwrap().error.is_some(), "a field needs a value");
    assert_eq!(s.screens.board.queue.visible_len(), 2, "the last good filter (none) stays applied");
    type_text(&mut s, "lav");
    assert_eq!(s.screens.board.queue.visible_len(), 1);
    let effects = press(&mut s, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::Db(DbCommand::SaveSettings(settings))] if settings.filter == "prio:lav"));
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screens.board.queue.visible_len(), 2, "Esc on the board clears the filter");
}

#[test]
fn a_waiting_hand_over_is_announced_and_acknowledged_from_the_cockpit() {
    let mut s = state(true);
    s.user.as_mut().unwrap().rights.mim = true;
    let handover = Some(PendingHandover { id: 7, outgoing: "ola".into(), markdown: "# Vaktoverlevering".into() });
    update(&mut s, Action::RotaLoaded { shifts: Vec::new(), duty: DutyLine::default(), handover }, now());
    assert!(s.message.as_ref().unwrap().text.contains("hand-over from ola"));
    update(&mut s, key('2'), now());
    let effects = update(&mut s, key('H'), now());
    assert_eq!(
        effects,
        vec![Effect::Db(DbCommand::Major(crate::app::effect::MajorCommand::AcknowledgeHandover { id: 7 }))]
    );
}

#[test]
fn only_a_mim_runs_the_cockpit() {
    let mut s = state(true);
    update(&mut s, key('2'), now());
    assert!(update(&mut s, key('u'), now()).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("MIM role"));
}

#[test]
fn an_exported_report_stays_in_the_reports_directory_whatever_its_reference() {
    use crate::app::screens::major::update::report_file_stem;
    assert_eq!(report_file_stem("INC-10423"), "INC-10423-post-incident-report");
    assert_eq!(report_file_stem("../../etc/x"), "______etc_x-post-incident-report");
}

fn shift(id: i64, mim: &str, deputy: &str, from_hours: i64, to_hours: i64) -> ShiftRow {
    ShiftRow {
        id,
        mim: mim.into(),
        mim_name: mim.into(),
        deputy: deputy.into(),
        deputy_name: deputy.into(),
        starts_at: now() + Duration::hours(from_hours),
        ends_at: now() + Duration::hours(to_hours),
    }
}

#[test]
fn an_admin_adds_a_shift_where_the_rota_ends_and_others_are_told_it_is_for_admins() {
    use crate::app::effect::MajorCommand;
    let mut s = state(true);
    s.user.as_mut().unwrap().rights.mim = true;
    let rota = vec![shift(1, "ola", "ingrid", -2, 6)];
    update(&mut s, Action::RotaLoaded { shifts: rota, duty: DutyLine::default(), handover: None }, now());
    update(&mut s, key('2'), now());
    assert!(update(&mut s, key('a'), now()).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("only admins edit the rota"));

    s.user.as_mut().unwrap().rights.admin = true;
    update(&mut s, key('a'), now());
    // Prefilled: the deputy takes over where the last shift ends (UTC here), for twelve hours.
    let effects = press(&mut s, KeyCode::Enter);
    let expected = MajorCommand::AddShift {
        shift: crate::domain::major::Shift {
            mim: "ingrid".into(),
            deputy: "ola".into(),
            start: now() + Duration::hours(6),
            end: now() + Duration::hours(18),
        },
        zone: chrono_tz::UTC,
    };
    assert_eq!(effects, vec![Effect::Db(DbCommand::Major(expected))]);
}

#[test]
fn an_admin_reassigns_or_removes_a_shift_and_an_empty_change_is_explained() {
    use crate::app::effect::MajorCommand;
    let mut s = state(true);
    let user = s.user.as_mut().unwrap();
    (user.rights.mim, user.rights.admin) = (true, true);
    let rota = vec![shift(1, "ola", "ingrid", -2, 6), shift(2, "ingrid", "ola", 6, 18)];
    update(&mut s, Action::RotaLoaded { shifts: rota, duty: DutyLine::default(), handover: None }, now());
    update(&mut s, key('2'), now());
    update(&mut s, key('E'), now());
    assert!(press(&mut s, KeyCode::Enter).is_empty(), "neither a new MIM nor a new deputy");
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form stays open") };
    assert!(form.error.as_deref().unwrap().contains("give a new MIM or a new deputy"));
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "anna");
    let effects = press(&mut s, KeyCode::Enter);
    let expected = MajorCommand::ReassignShift { id: 1, mim: Some("anna".into()), deputy: None };
    assert_eq!(effects, vec![Effect::Db(DbCommand::Major(expected))]);
}

/// Every screen and overlay as the user sees it, at the smallest supported terminal and a large one.
pub(super) mod snapshots {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::command::MajorAct;
    use crate::app::command::Screen;
    use crate::ui::{self, Theme, View};

    pub(in crate::app::update) fn render(state: &State, at: DateTime<Utc>, (width, height): (u16, u16)) -> String {
        let theme = Theme::builtin("dark").unwrap();
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| ui::render(frame, state, View { theme: &theme, now: at, zone: chrono_tz::UTC })).unwrap();
        terminal.backend().to_string()
    }

    pub(in crate::app::update) const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

    fn mim_with_major() -> (State, DateTime<Utc>) {
        let mut s = state(true);
        s.user.as_mut().unwrap().rights.mim = true;
        let view = altinn_major_view();
        let at = view.major.declaration.at + Duration::minutes(20);
        update(&mut s, Action::MajorsLoaded(vec![view]), at);
        (s, at)
    }

    #[test]
    fn the_cockpit() {
        let (mut s, at) = mim_with_major();
        update(&mut s, Action::Run(Command::Show(Screen::Major)), at);
        for size in SIZES {
            let screen = render(&s, at, size);
            assert!(screen.contains("INC-2026-0042"), "{screen}");
            insta::assert_snapshot!(format!("cockpit_{}x{}", size.0, size.1), screen);
        }
    }

    #[test]
    fn the_update_preview() {
        let (mut s, at) = mim_with_major();
        update(&mut s, Action::Run(Command::Major(MajorAct::Update)), at);
        let Some(Overlay::Form(form)) = &mut s.overlay else { panic!("the update form") };
        for (i, text) in
            ["Innlogging feiler", "Feil i lastbalanserer", "2026-03-02 16:00", "Ingen"].into_iter().enumerate()
        {
            form.fields[i].set_typed(text);
        }
        for size in SIZES {
            insta::assert_snapshot!(format!("update_form_{}x{}", size.0, size.1), render(&s, at, size));
        }
        update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), at);
        assert!(matches!(s.overlay, Some(Overlay::Preview(_))));
        for size in SIZES {
            let screen = render(&s, at, size);
            assert!(screen.contains("Enter/y yes"), "{screen}");
            insta::assert_snapshot!(format!("update_preview_{}x{}", size.0, size.1), screen);
        }
    }

    #[test]
    fn the_board_with_help_the_palette_and_a_screen_still_to_come() {
        let mut s = state(true);
        update(&mut s, Action::Run(Command::Help), now());
        for size in SIZES {
            let screen = render(&s, now(), size);
            assert!(screen.contains("Keys") && screen.contains("board"), "{screen}");
            insta::assert_snapshot!(format!("help_{}x{}", size.0, size.1), screen);
        }
        update(&mut s, Action::Run(Command::Back), now());
        update(&mut s, Action::Run(Command::Palette), now());
        for c in "sor".chars() {
            update(&mut s, Action::Key(KeyEvent::from(KeyCode::Char(c))), now());
        }
        for size in SIZES {
            let screen = render(&s, now(), size);
            assert!(screen.contains("sort-reverse"), "{screen}");
            insta::assert_snapshot!(format!("palette_{}x{}", size.0, size.1), screen);
        }
    }

    #[test]
    fn incidents_on_a_service_in_maintenance_are_marked_while_the_window_runs() {
        use crate::app::model::{ServiceWindow, ServiceWindows};
        let mut s = state(true);
        let rows = vec![row(1, "Høy", 2, Status::Acknowledged), row(2, "Middels", 2, Status::New)];
        update(&mut s, Action::BoardLoaded(rows), now());
        let window = ServiceWindow {
            series_id: 4,
            services: vec!["SVC".into()],
            kind: "primary_window".into(),
            start: now() - Duration::hours(1),
            end: now() + Duration::hours(3),
        };
        let until = now() + Duration::hours(36);
        update(
            &mut s,
            Action::ServiceWindowsLoaded(ServiceWindows { windows: vec![window], until: Some(until) }),
            now(),
        );
        assert_eq!((s.summary.in_maintenance.clone(), s.summary.incidents_in_maintenance), (vec!["SVC".into()], 2));
        let narrow = render(&s, now(), (80, 24));
        assert!(narrow.contains("maint. 2"), "{narrow}");
        let wide = render(&s, now(), (160, 48));
        assert!(wide.contains("maintenance SVC (2 open)"), "{wide}");
        assert!(wide.contains("in maintenance (primary window) until 12:30"), "{wide}");
        // After the window no incident is marked, on the next tick.
        let later = now() + Duration::hours(4);
        update(&mut s, Action::Tick, later);
        assert!(s.summary.in_maintenance.is_empty());
        // Well before the loaded period runs out, the next one is loaded, once.
        let effects = update(&mut s, Action::Tick, until - Duration::hours(11));
        assert!(effects.contains(&Effect::Db(DbCommand::LoadServiceWindows)), "{effects:?}");
        let effects = update(&mut s, Action::Tick, until - Duration::hours(10));
        assert!(!effects.contains(&Effect::Db(DbCommand::LoadServiceWindows)), "{effects:?}");
    }

    #[test]
    fn the_incident_view_and_a_confirmation() {
        let mut s = state(true);
        update(&mut s, Action::Run(Command::Open), now());
        let summary = row(1, "Høy", 2, Status::Acknowledged);
        let detail = IncidentDetail {
            summary,
            description: "Brukere får ikke logget inn i journalsystemet.".into(),
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
                data: serde_json::json!({"priority": "Høy"}),
            }],
            clocks: Vec::new(),
            clock_events: Vec::new(),
            linked: Vec::new(),
            relations: Default::default(),
        };
        update(&mut s, Action::DetailLoaded { id: 1, detail: Some(Box::new(detail)) }, now());
        for size in SIZES {
            let screen = render(&s, now(), size);
            assert!(screen.contains("INC-1") && screen.contains("Silje Aasen"), "{screen}");
            insta::assert_snapshot!(format!("incident_{}x{}", size.0, size.1), screen);
        }
        update(&mut s, Action::Run(Command::Act(Act::Resolve)), now());
        assert!(matches!(s.overlay, Some(Overlay::Confirm(_))), "{:?}", s.overlay);
        for size in SIZES {
            let screen = render(&s, now(), size);
            assert!(screen.contains("Enter/y yes"), "{screen}");
            insta::assert_snapshot!(format!("confirm_{}x{}", size.0, size.1), screen);
        }
    }
}

#[test]
fn a_person_with_several_consoles_at_an_incident_is_named_once() {
    let mut s = state(true);
    let at = |login: &str, name: &str, incident_id: i64, editing: bool| Presence {
        incident_id,
        login: login.into(),
        name: name.into(),
        editing,
    };
    s.presence.others = vec![
        at("ola", "Ola Nordmann", 1, false),
        at("ola", "Ola Nordmann", 1, true),
        at("ola", "Ola Nordmann", 2, false),
        at("karin", "Karin Berg", 1, false),
        at("karin", "Karin Berg", 1, false),
    ];
    assert_eq!(s.people_at(1), ["Ola Nordmann (editing)", "Karin Berg"]);
    assert_eq!(s.people_at(2), ["Ola Nordmann"]);
    assert!(s.people_at(3).is_empty());
}

/// The summary line counts breached and due-within-the-hour deadlines from what each row records (its due instant and
/// its state), without a business-time countdown per row; a paused clock counts as neither.
#[test]
fn the_summary_counts_breached_and_due_soon_from_the_rows() {
    use crate::domain::agreement::spec::TargetKind;
    use crate::domain::sla::record::DueState;
    let mut s = state(true);
    let due = |id: i64, minutes: i64, due_state: DueState| {
        let mut r = row(id, "Høy", 2, Status::InProgress);
        r.next_due = Some(NextDue {
            at: now() + Duration::minutes(minutes),
            target: TargetKind::Resolution,
            state: due_state,
            clock: Some("kundeservice".into()),
            budget_seconds: Some(4 * 3600),
        });
        r
    };
    let rows = vec![
        due(1, -5, DueState::Running),  // past due: breached
        due(2, 90, DueState::Breached), // recorded as breached (e.g. by a re-prioritisation): breached
        due(3, -30, DueState::Paused),  // paused: neither, even past its instant
        due(4, 30, DueState::Running),  // within the hour
        due(5, 45, DueState::Warning),  // within the hour, over a warning threshold
        due(6, 61, DueState::Running),  // later
        row(7, "Lav", 2, Status::New),  // no deadline
    ];
    update(&mut s, Action::BoardLoaded(rows), now());
    assert_eq!((s.summary.open, s.summary.breached, s.summary.due_soon), (7, 2, 2));
    // 31 minutes on, the one due in 30 minutes is breached and the one due in 61 comes within the hour.
    update(&mut s, Action::Tick, now() + Duration::minutes(31));
    assert_eq!((s.summary.breached, s.summary.due_soon), (3, 2));
}
