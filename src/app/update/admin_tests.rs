//! The admin tab through `update`: showing it reads the staff, `[` `]` change section, an admin adds a member of
//! staff in a form that keeps its text when the database refuses, deactivating asks first and names the shifts
//! ahead, and everyone else reads without being offered a change; drawn at 80×24 and 160×48.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{now, state};
use super::update;
use crate::app::action::Action;
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{ContactEntry, StaffMember, WriteError};
use crate::app::screens::admin::data::{
    AdminData, AdminSection, AdminWrite, AgreementLine, AuditLine, AuditQuery, CalendarLine, ContactLine,
    ImportPreview, ServiceChange, ServiceLine, StaffDuty, StaffLine,
};
use crate::app::state::{Overlay, State};

fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::from(code)), now())
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

fn member(login: &str, name: &str, role: &str, active: bool) -> StaffMember {
    StaffMember {
        login: login.into(),
        full_name: name.into(),
        role: role.into(),
        email: Some(format!("{login}@vakt.example")),
        phone: None,
        active,
    }
}

fn staff() -> AdminData {
    AdminData::Staff(vec![
        StaffLine {
            member: member("admin", "Astrid Admin", "admin", true),
            shifts_ahead: 0,
            servicedesk: false,
            duty: None,
            refusals: refused(&["viewer", "operator", "mim", "chair", "admin"], "you cannot change your own login"),
        },
        StaffLine {
            member: member("ola", "Ola Nordmann", "mim", true),
            shifts_ahead: 3,
            servicedesk: false,
            duty: Some(StaffDuty {
                duty: "mim".into(),
                starts_at: now() + chrono::Duration::days(1),
                ends_at: now() + chrono::Duration::days(8),
            }),
            refusals: refused(&["viewer", "operator", "chair"], "ola is MIM on a shift ahead"),
        },
        StaffLine {
            member: member("per", "Per Gått", "operator", false),
            shifts_ahead: 0,
            servicedesk: true,
            duty: None,
            refusals: Vec::new(),
        },
    ])
}

fn refused(roles: &[&str], why: &str) -> Vec<(String, String)> {
    roles.iter().map(|role| ((*role).to_string(), why.to_string())).collect()
}

fn contacts() -> AdminData {
    let contact = |id, name: &str, email: &str| ContactEntry {
        id,
        organisation: "DIGDIR".into(),
        name: name.into(),
        role: "ASF".into(),
        email: Some(email.into()),
        phone: None,
        mobile: Some("+47 912 34 567".into()),
        webhook_host: None,
        webhook_preset: None,
    };
    AdminData::Contacts(vec![
        ContactLine { contact: contact(1, "Siri Drift", "siri@drift.example"), dead: 0 },
        ContactLine { contact: contact(2, "Feil Adresse", "feil@@drift.example"), dead: 2 },
    ])
}

fn loads(effects: &[Effect]) -> Vec<DbCommand> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(command @ DbCommand::LoadAdmin { .. }) => Some(command.clone()),
            _ => None,
        })
        .collect()
}

fn writes(effects: &[Effect]) -> Vec<AdminWrite> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::Admin(write)) => Some(write.clone()),
            _ => None,
        })
        .collect()
}

fn as_admin() -> State {
    let mut s = state(false);
    if let Some(user) = s.user.as_mut() {
        user.rights.admin = true;
        user.login = "admin".into();
    }
    s
}

#[test]
fn showing_the_tab_reads_the_staff_and_brackets_change_section() {
    let mut s = state(false);
    assert_eq!(loads(&press(&mut s, KeyCode::Char('6'))), vec![DbCommand::LoadAdmin { section: AdminSection::Staff }]);
    update(&mut s, Action::AdminLoaded { section: AdminSection::Staff, result: Ok(staff()) }, now());
    assert_eq!(
        loads(&press(&mut s, KeyCode::Char(']'))),
        vec![DbCommand::LoadAdmin { section: AdminSection::Contacts }]
    );
    update(&mut s, Action::AdminLoaded { section: AdminSection::Contacts, result: Ok(contacts()) }, now());
    assert_eq!(s.screens.admin.rows, Some(Ok(contacts())));
}

#[test]
fn a_reader_sees_everything_read_only_and_is_offered_no_change() {
    let mut s = state(false);
    press(&mut s, KeyCode::Char('6'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Staff, result: Ok(staff()) }, now());
    press(&mut s, KeyCode::Char('j'));
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    assert!(screen.contains("read-only: only admins change this"), "{screen}");
    let key_line = screen.lines().last().unwrap_or_default();
    assert!(key_line.contains("next-section"), "{key_line}");
    assert!(!key_line.contains("deactivate"), "the key line offers only what the reader may do: {key_line}");
    for c in ['a', 'D', 'D'] {
        assert!(writes(&press(&mut s, KeyCode::Char(c))).is_empty());
    }
    assert!(s.overlay.is_none());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("read-only for you")), "{:?}", s.message);
}

#[test]
fn deactivating_asks_first_and_names_the_shifts_ahead() {
    let mut s = as_admin();
    press(&mut s, KeyCode::Char('6'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Staff, result: Ok(staff()) }, now());
    assert!(writes(&press(&mut s, KeyCode::Char('D'))).is_empty());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("your own login")), "{:?}", s.message);
    press(&mut s, KeyCode::Char('j'));
    assert!(writes(&press(&mut s, KeyCode::Char('D'))).is_empty(), "the first D only asks");
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("3 shift(s) on the rota ahead")), "{:?}", s.message);
    assert_eq!(writes(&press(&mut s, KeyCode::Char('D'))), vec![AdminWrite::Deactivate { login: "ola".into() }]);
    press(&mut s, KeyCode::Char('j'));
    assert!(writes(&[press(&mut s, KeyCode::Char('D')), press(&mut s, KeyCode::Char('D'))].concat()).is_empty());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("deactivated already")), "{:?}", s.message);
    let done = update(&mut s, Action::AdminWritten(Ok("ola deactivated".into())), now());
    assert_eq!(loads(&done), vec![DbCommand::LoadAdmin { section: AdminSection::Staff }], "read again");
}

#[test]
fn a_new_member_of_staff_keeps_the_form_when_the_database_refuses() {
    let mut s = as_admin();
    press(&mut s, KeyCode::Char('6'));
    press(&mut s, KeyCode::Char('a'));
    assert!(matches!(&s.overlay, Some(Overlay::Form(_))), "{:?}", s.overlay);
    typed(&mut s, "lise");
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "Lise Ny");
    press(&mut s, KeyCode::Tab);
    for _ in 0.."viewer".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "Operator");
    let sent = update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), now());
    assert_eq!(
        writes(&sent),
        vec![AdminWrite::AddStaff {
            login: "lise".into(),
            full_name: "Lise Ny".into(),
            role: "operator".into(),
            email: None,
            phone: None
        }]
    );
    update(&mut s, Action::AdminWritten(Err(WriteError::BadInput("login 'lise' exists".into()))), now());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form closed on a refusal") };
    assert_eq!(form.fields[1].value(), "Lise Ny");
    assert!(form.error.as_deref().is_some_and(|e| e.contains("login 'lise' exists")), "{:?}", form.error);
    update(&mut s, Action::AdminWritten(Ok("Lise Ny (lise) added as operator".into())), now());
    assert!(s.overlay.is_none());
    assert!(!s.drafts.contains_key("staff-add"), "the draft is dropped once added");
}

#[test]
fn admin_snapshots() {
    let mut s = as_admin();
    press(&mut s, KeyCode::Char('6'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Staff, result: Ok(staff()) }, now());
    press(&mut s, KeyCode::Char('j'));
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("3 shift(s) on the rota ahead"), "{screen}");
        insta::assert_snapshot!(format!("admin_staff_{}x{}", size.0, size.1), screen);
    }
    press(&mut s, KeyCode::Char(']'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Contacts, result: Ok(contacts()) }, now());
    press(&mut s, KeyCode::Char('j'));
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("2 message(s) to them are dead-lettered"), "{screen}");
        insta::assert_snapshot!(format!("admin_contacts_{}x{}", size.0, size.1), screen);
    }
}

fn choose(s: &mut State, role: &str) {
    typed(s, role);
}

fn send_form(s: &mut State) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), now())
}

fn form_error(s: &State) -> Option<String> {
    match &s.overlay {
        Some(Overlay::Form(form)) => form.error.clone(),
        _ => None,
    }
}

#[test]
fn a_role_the_database_would_refuse_says_why_before_anything_is_sent() {
    let mut s = as_admin();
    press(&mut s, KeyCode::Char('6'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Staff, result: Ok(staff()) }, now());
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('r'));
    assert!(matches!(&s.overlay, Some(Overlay::Form(_))), "{:?}", s.overlay);
    let screen = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(screen.contains("their role now"), "the current role is marked: {screen}");
    choose(&mut s, "operator");
    let screen = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(screen.contains("refused: ola is MIM on a shift ahead"), "the refusal shows as it is chosen: {screen}");
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        insta::assert_snapshot!(format!("admin_role_form_{}x{}", size.0, size.1), screen);
    }
    assert!(writes(&send_form(&mut s)).is_empty(), "a refused role is not sent");
    assert!(form_error(&s).is_some_and(|e| e.contains("would refuse: ola is MIM")), "{:?}", form_error(&s));
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('r'));
    choose(&mut s, "admin");
    assert_eq!(writes(&send_form(&mut s)), vec![AdminWrite::SetRole { login: "ola".into(), role: "admin".into() }]);
    let done = update(&mut s, Action::AdminWritten(Ok("ola is now admin".into())), now());
    assert!(s.overlay.is_none());
    assert_eq!(loads(&done), vec![DbCommand::LoadAdmin { section: AdminSection::Staff }], "read again");
}

#[test]
fn the_same_role_again_is_not_sent_and_a_deactivated_member_is_reactivated_with_capital_r() {
    let mut s = as_admin();
    press(&mut s, KeyCode::Char('6'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Staff, result: Ok(staff()) }, now());
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('r'));
    assert!(writes(&send_form(&mut s)).is_empty());
    assert!(form_error(&s).is_some_and(|e| e.contains("mim already")), "{:?}", form_error(&s));
    press(&mut s, KeyCode::Esc);
    assert!(writes(&press(&mut s, KeyCode::Char('R'))).is_empty(), "ola is active");
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("active already")), "{:?}", s.message);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('r'));
    assert!(s.overlay.is_none(), "a deactivated member gets no role form");
    assert_eq!(writes(&press(&mut s, KeyCode::Char('R'))), vec![AdminWrite::Reactivate { login: "per".into() }]);
}

#[test]
fn a_reader_is_offered_no_role_change_nor_reactivation() {
    let mut s = state(false);
    press(&mut s, KeyCode::Char('6'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Staff, result: Ok(staff()) }, now());
    press(&mut s, KeyCode::Char('G'));
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    let key_line = screen.lines().last().unwrap_or_default();
    assert!(!key_line.contains("role") && !key_line.contains("reactivate"), "{key_line}");
    for c in ['r', 'R'] {
        assert!(writes(&press(&mut s, KeyCode::Char(c))).is_empty());
    }
    assert!(s.overlay.is_none());
}

fn services() -> AdminData {
    let service = |code: &str, name: &str, supplier: Option<&str>| ServiceLine {
        code: code.into(),
        name: name.into(),
        owner: "DIGDIR".into(),
        agreement: "ALTINN".into(),
        calendar: Some("business".into()),
        support_lines: vec!["1st".into(), "2nd".into()],
        supplier: supplier.map(String::from),
    };
    AdminData::Services(vec![
        service("ALTINN-API", "Altinn API", None),
        service("ALTINN-PORTAL", "Altinn portal", Some("ACME")),
    ])
}

fn on_services(s: &mut State) {
    press(s, KeyCode::Char('6'));
    press(s, KeyCode::Char(']'));
    let effects = press(s, KeyCode::Char(']'));
    assert_eq!(loads(&effects), vec![DbCommand::LoadAdmin { section: AdminSection::Services }]);
    update(s, Action::AdminLoaded { section: AdminSection::Services, result: Ok(services()) }, now());
}

fn clear_and_type(s: &mut State, text: &str) {
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no form") };
    for _ in 0..form.fields[form.focus].value().chars().count() {
        press(s, KeyCode::Backspace);
    }
    typed(s, text);
}

#[test]
fn an_admin_changes_a_service_in_a_form_filled_with_what_it_is_now() {
    let mut s = as_admin();
    on_services(&mut s);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('e'));
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no form: {:?}", s.overlay) };
    assert_eq!(form.fields[0].value(), "Altinn portal", "filled with the service as it is");
    clear_and_type(&mut s, "Altinn-portalen");
    for _ in 0..3 {
        press(&mut s, KeyCode::Tab);
    }
    clear_and_type(&mut s, "1st, 3rd");
    press(&mut s, KeyCode::Tab);
    clear_and_type(&mut s, "");
    assert_eq!(
        writes(&send_form(&mut s)),
        vec![AdminWrite::EditService(ServiceChange {
            code: "ALTINN-PORTAL".into(),
            name: "Altinn-portalen".into(),
            owner: "DIGDIR".into(),
            agreement: "ALTINN".into(),
            support_lines: vec!["1st".into(), "3rd".into()],
            supplier: None,
        })],
        "an emptied supplier is removed"
    );
    update(&mut s, Action::AdminWritten(Err(WriteError::BadInput("no organisation XYZ".into()))), now());
    assert!(form_error(&s).is_some_and(|e| e.contains("no organisation XYZ")), "{:?}", form_error(&s));
    let done = update(&mut s, Action::AdminWritten(Ok("service ALTINN-PORTAL changed".into())), now());
    assert!(s.overlay.is_none());
    assert_eq!(loads(&done), vec![DbCommand::LoadAdmin { section: AdminSection::Services }]);
}

#[test]
fn an_admin_adds_a_service_and_a_reader_may_not() {
    let mut s = as_admin();
    on_services(&mut s);
    press(&mut s, KeyCode::Char('a'));
    for (i, text) in ["NEW-SVC", "New service", "DIGDIR", "ALTINN", "1st supplier", "ACME"].iter().enumerate() {
        if i > 0 {
            press(&mut s, KeyCode::Tab);
        }
        typed(&mut s, text);
    }
    assert_eq!(
        writes(&send_form(&mut s)),
        vec![AdminWrite::AddService(ServiceChange {
            code: "NEW-SVC".into(),
            name: "New service".into(),
            owner: "DIGDIR".into(),
            agreement: "ALTINN".into(),
            support_lines: vec!["1st".into(), "supplier".into()],
            supplier: Some("ACME".into()),
        })]
    );

    let mut reader = state(false);
    on_services(&mut reader);
    for c in ['a', 'e'] {
        assert!(writes(&press(&mut reader, KeyCode::Char(c))).is_empty());
    }
    assert!(reader.overlay.is_none());
    let screen = super::tests::snapshots::render(&reader, now(), (160, 48));
    let key_line = screen.lines().last().unwrap_or_default();
    assert!(!key_line.contains("edit") && !key_line.contains(" add"), "{key_line}");
}

#[test]
fn services_snapshots() {
    let mut s = as_admin();
    on_services(&mut s);
    press(&mut s, KeyCode::Char('j'));
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("supplier: ACME"), "{screen}");
        insta::assert_snapshot!(format!("admin_services_{}x{}", size.0, size.1), screen);
    }
}

fn altinn() -> crate::domain::agreement::Agreement {
    match crate::domain::agreement::Agreement::from_toml(include_str!("../../../agreements/altinn.toml")) {
        Ok(agreement) => agreement,
        Err(e) => panic!("the seed agreement reads: {e}"),
    }
}

fn agreements() -> AdminData {
    let spec = altinn().spec().clone();
    let line = |version: &str, from: (i32, u32, u32), until: Option<(i32, u32, u32)>| AgreementLine {
        code: spec.code.clone(),
        name: spec.name.clone(),
        version: version.into(),
        valid_from: chrono::NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap_or_default(),
        valid_until: until.and_then(|u| chrono::NaiveDate::from_ymd_opt(u.0, u.1, u.2)),
        services: 7,
        open_incidents: 2,
        summary: crate::app::screens::admin::agreements::summary(&spec),
    };
    AdminData::Agreements(vec![line("2024.1", (2024, 1, 1), Some((2025, 1, 1))), line("2025.1", (2025, 1, 1), None)])
}

fn on_agreements(s: &mut State) {
    press(s, KeyCode::Char('6'));
    let mut effects = Vec::new();
    for _ in 0..AdminSection::ALL.iter().position(|x| *x == AdminSection::Agreements).unwrap_or(0) {
        effects = press(s, KeyCode::Char(']'));
    }
    assert_eq!(loads(&effects), vec![DbCommand::LoadAdmin { section: AdminSection::Agreements }]);
    update(s, Action::AdminLoaded { section: AdminSection::Agreements, result: Ok(agreements()) }, now());
}

/// The preview of a version of Altinn whose priority A's last target is twice as long as the seed's.
fn preview() -> ImportPreview {
    let before = altinn().spec().clone();
    let mut after = before.clone();
    after.version = "2026.1".into();
    if let Some(target) = after.priorities.first_mut().and_then(|p| p.targets.last_mut()) {
        target.amount *= 2;
    }
    let outcome = crate::domain::what_if::Outcome {
        agreement: after.code.clone(),
        version: after.version.clone(),
        at: now(),
        incidents: 2,
        deadlines: vec![crate::domain::what_if::DeadlineChange {
            reference: "INC-7".into(),
            target: crate::domain::agreement::spec::TargetKind::Resolution,
            priority: Some("A".into()),
            due_before: Some(now() - chrono::Duration::hours(1)),
            due_after: Some(now() + chrono::Duration::hours(3)),
            moved_seconds: Some(4 * 3600),
            breached_before: true,
            breached_after: false,
            verdict: crate::domain::what_if::Verdict::StopsBeingBreached,
        }],
        unmeasurable: Vec::new(),
        availability: Vec::new(),
    };
    let lines =
        crate::app::screens::admin::agreements::preview_lines(Some(&before), &after, &outcome, chrono_tz::Europe::Oslo);
    ImportPreview { path: "/tmp/altinn-2026.toml".into(), toml: "code = \"ALTINN\"".into(), lines }
}

#[test]
fn the_preview_says_in_words_what_changes_and_what_it_would_do() {
    let lines = preview().lines.join("\n");
    assert!(lines.contains("→ 2026.1") && lines.contains("2 change(s)"), "the target and the version: {lines}");
    assert!(lines.contains("priority A feedback target: 1 h → 2 h"), "{lines}");
    assert!(lines.contains("INC-7 resolution") && lines.contains("stops being breached"), "{lines}");
    assert!(lines.contains("(+4 h"), "how far the deadline moves: {lines}");
}

#[test]
fn anyone_reads_an_agreement_version_in_words_and_esc_goes_back() {
    let mut s = state(false);
    on_agreements(&mut s);
    press(&mut s, KeyCode::Enter);
    assert!(s.screens.admin.reading);
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    assert!(screen.contains("Priorities") && screen.contains("Availability targets"), "{screen}");
    press(&mut s, KeyCode::Esc);
    assert!(!s.screens.admin.reading);
    assert!(writes(&press(&mut s, KeyCode::Char('i'))).is_empty());
    assert!(s.overlay.is_none(), "readers import nothing");
}

#[test]
fn an_import_is_previewed_and_written_only_on_y() {
    let mut s = as_admin();
    on_agreements(&mut s);
    press(&mut s, KeyCode::Char('i'));
    typed(&mut s, "/tmp/altinn-2026.toml");
    let asked = send_form(&mut s);
    assert!(
        asked.contains(&Effect::Db(DbCommand::AdminImportPreview { path: "/tmp/altinn-2026.toml".into() })),
        "{asked:?}"
    );
    assert!(writes(&asked).is_empty(), "nothing is written to preview");
    let errors = "/tmp/altinn-2026.toml: TOML parse error at line 3, column 7\nexpected `=`";
    update(&mut s, Action::AdminImportPreviewed(Err(errors.into())), now());
    assert!(form_error(&s).is_some_and(|e| e.contains("line 3, column 7")), "{:?}", form_error(&s));
    send_form(&mut s);
    update(&mut s, Action::AdminImportPreviewed(Ok(preview())), now());
    assert!(s.overlay.is_none() && s.screens.admin.import.is_some());
    assert!(writes(&press(&mut s, KeyCode::Esc)).is_empty());
    assert_eq!(s.screens.admin.import, None, "Esc cancels: nothing written");
    press(&mut s, KeyCode::Char('i'));
    send_form(&mut s);
    update(&mut s, Action::AdminImportPreviewed(Ok(preview())), now());
    assert!(s.drafts.contains_key("agreement-import"), "the path is kept while the preview is open");
    assert_eq!(
        writes(&press(&mut s, KeyCode::Char('y'))),
        vec![AdminWrite::ImportAgreement { toml: "code = \"ALTINN\"".into() }],
        "exactly the previewed text"
    );
    let done = update(&mut s, Action::AdminWritten(Ok("agreement ALTINN version 2026.1: created".into())), now());
    assert_eq!(s.screens.admin.import, None);
    assert_eq!(loads(&done), vec![DbCommand::LoadAdmin { section: AdminSection::Agreements }]);
    assert!(!s.drafts.contains_key("agreement-import"), "the path's draft goes once imported");
}

#[test]
fn agreements_snapshots() {
    let mut s = as_admin();
    on_agreements(&mut s);
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("2024.1") && screen.contains("replaced"), "{screen}");
        insta::assert_snapshot!(format!("admin_agreements_{}x{}", size.0, size.1), screen);
    }
    press(&mut s, KeyCode::Enter);
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        insta::assert_snapshot!(format!("admin_agreement_read_{}x{}", size.0, size.1), screen);
    }
    press(&mut s, KeyCode::Esc);
    s.screens.admin.import = Some(preview());
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("nothing is written until you press y"), "{screen}");
        insta::assert_snapshot!(format!("admin_import_preview_{}x{}", size.0, size.1), screen);
    }
}

fn on_calendars(s: &mut State) {
    let agreement = altinn();
    s.agreements.insert(1, std::sync::Arc::new(agreement.clone()));
    let calendars: Vec<CalendarLine> = agreement
        .spec()
        .calendars
        .iter()
        .map(|c| CalendarLine {
            agreement: agreement.code().into(),
            version: agreement.spec().version.clone(),
            code: c.code.clone(),
            name: c.name.clone(),
        })
        .collect();
    press(s, KeyCode::Char('6'));
    for _ in 0..AdminSection::ALL.iter().position(|x| *x == AdminSection::Calendars).unwrap_or(0) {
        press(s, KeyCode::Char(']'));
    }
    assert_eq!(s.screens.admin.section, AdminSection::Calendars);
    update(
        s,
        Action::AdminLoaded { section: AdminSection::Calendars, result: Ok(AdminData::Calendars(calendars)) },
        now(),
    );
}

#[test]
fn a_calendar_year_names_its_closed_days_and_h_l_change_the_year() {
    let mut s = state(false);
    on_calendars(&mut s);
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    let this_year = chrono::Datelike::year(&now().date_naive());
    assert!(screen.contains(&format!("servicedesk {this_year}")), "{screen}");
    assert!(screen.contains("ASF Servicedesk (åpningstid) (Europe/Oslo)"), "{screen}");
    assert!(screen.contains("1 Jan Thu  Første nyttårsdag"), "a holiday is named: {screen}");
    press(&mut s, KeyCode::Char('l'));
    press(&mut s, KeyCode::Char('l'));
    press(&mut s, KeyCode::Char('h'));
    assert_eq!(s.screens.admin.year, Some(this_year + 1));
    let screen = super::tests::snapshots::render(&s, now(), (160, 48));
    assert!(screen.contains(&format!("servicedesk {}", this_year + 1)), "{screen}");
    assert!(s.message.is_none(), "anyone may look at another year: {:?}", s.message);
}

#[test]
fn calendars_snapshots() {
    let mut s = state(false);
    on_calendars(&mut s);
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("Closed by a holiday"), "{screen}");
        insta::assert_snapshot!(format!("admin_calendars_{}x{}", size.0, size.1), screen);
    }
}

fn audit_entries() -> AdminData {
    let entry = |minutes: i64, login: &str, table: &str, action: &str, changes: &[&str]| AuditLine {
        at: now() - chrono::Duration::minutes(minutes),
        login: login.into(),
        table: table.into(),
        row_id: Some(12),
        action: action.into(),
        changes: changes.iter().map(|c| (*c).to_string()).collect(),
    };
    AdminData::Audit(vec![
        entry(5, "admin", "staff", "update", &["role: operator → chair"]),
        entry(90, "kari", "incidents", "update", &["status: new → acknowledged", "assignee: — → kari"]),
    ])
}

fn on_audit(s: &mut State) -> Vec<Effect> {
    press(s, KeyCode::Char('6'));
    let mut effects = Vec::new();
    for _ in 0..AdminSection::ALL.iter().position(|x| *x == AdminSection::Audit).unwrap_or(0) {
        effects = press(s, KeyCode::Char(']'));
    }
    effects
}

fn audit_loads(effects: &[Effect]) -> Vec<AuditQuery> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Db(DbCommand::LoadAdminAudit { query }) => Some(query.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_admin_reads_the_audit_log_under_a_filter_line() {
    let mut s = as_admin();
    assert_eq!(audit_loads(&on_audit(&mut s)), vec![AuditQuery::default()], "everything, newest first");
    update(&mut s, Action::AdminLoaded { section: AdminSection::Audit, result: Ok(audit_entries()) }, now());
    press(&mut s, KeyCode::Char('/'));
    typed(&mut s, "table=staff from=yesterday");
    assert!(audit_loads(&send_form(&mut s)).is_empty());
    assert!(form_error(&s).is_some_and(|e| e.contains("YYYY-MM-DD")), "{:?}", form_error(&s));
    for _ in 0.."yesterday".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "2026-11-01");
    let query = AuditQuery {
        table: Some("staff".into()),
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
        ..AuditQuery::default()
    };
    assert_eq!(audit_loads(&send_form(&mut s)), vec![query.clone()]);
    assert!(s.overlay.is_none());
    assert_eq!(
        audit_loads(&update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)), now())),
        Vec::<AuditQuery>::new(),
        "nothing shown yet, so nothing to read again"
    );
    update(&mut s, Action::AdminLoaded { section: AdminSection::Audit, result: Ok(audit_entries()) }, now());
    press(&mut s, KeyCode::Char('/'));
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no filter form") };
    assert_eq!(form.fields[0].value(), "table=staff from=2026-11-01", "the filter in force, to change");
}

#[test]
fn others_are_told_the_audit_log_is_for_admins_without_an_alarm() {
    let mut s = state(false);
    on_audit(&mut s);
    let refused = "only admins (vakt_admin) read the audit log".to_string();
    update(&mut s, Action::AdminLoaded { section: AdminSection::Audit, result: Err(refused) }, now());
    assert!(s.message.is_none(), "{:?}", s.message);
    press(&mut s, KeyCode::Char('/'));
    assert!(s.overlay.is_none(), "no filter for a log they may not read");
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("Only admins read the audit log"), "{screen}");
        if size.0 == 80 {
            insta::assert_snapshot!("admin_audit_refused_80x24", screen);
        }
    }
}

#[test]
fn audit_snapshots() {
    let mut s = as_admin();
    on_audit(&mut s);
    update(&mut s, Action::AdminLoaded { section: AdminSection::Audit, result: Ok(audit_entries()) }, now());
    press(&mut s, KeyCode::Char('j'));
    for size in super::tests::snapshots::SIZES {
        let screen = super::tests::snapshots::render(&s, now(), size);
        assert!(screen.contains("status: new → acknowledged"), "{screen}");
        insta::assert_snapshot!(format!("admin_audit_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn an_admin_fixes_a_contacts_address_in_a_form_that_names_the_dead_letters() {
    use crate::app::screens::admin::data::ContactChange;
    let mut s = as_admin();
    press(&mut s, KeyCode::Char('6'));
    press(&mut s, KeyCode::Char(']'));
    update(&mut s, Action::AdminLoaded { section: AdminSection::Contacts, result: Ok(contacts()) }, now());
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('e'));
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no form: {:?}", s.overlay) };
    assert!(form.title.contains("2 message(s) to them are dead-lettered"), "{}", form.title);
    assert_eq!(form.fields[3].value(), "feil@@drift.example", "the address as it is");
    for _ in 0..3 {
        press(&mut s, KeyCode::Tab);
    }
    for _ in 0.."feil@@drift.example".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "feil@drift.example");
    let sent = update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), now());
    assert_eq!(
        writes(&sent),
        vec![AdminWrite::EditContact {
            id: 2,
            change: ContactChange {
                organisation: "DIGDIR".into(),
                name: "Feil Adresse".into(),
                role: "ASF".into(),
                email: Some("feil@drift.example".into()),
                mobile: Some("+47 912 34 567".into()),
                phone: None,
                resend_dead: true,
            }
        }]
    );
}

#[test]
fn at_80x24_the_agreement_in_words_scrolls_to_its_last_line() {
    let mut s = state(false);
    on_agreements(&mut s);
    press(&mut s, KeyCode::Enter);
    let top = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(!top.contains("Esc: back to the versions"), "the whole agreement does not fit at 80x24: {top}");
    for _ in 0..200 {
        press(&mut s, KeyCode::Char('j'));
    }
    let bottom = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(bottom.contains("Esc: back to the versions"), "{bottom}");
    press(&mut s, KeyCode::Char('g'));
    assert_eq!(super::tests::snapshots::render(&s, now(), (80, 24)), top, "g goes back to the top");
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screens.admin.scroll, 0, "the next agreement is read from its top");
}

#[test]
fn at_80x24_shift_j_scrolls_the_calendar_to_its_last_closed_day() {
    let mut s = state(false);
    on_calendars(&mut s);
    let top = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(!top.contains("25 Dec"), "the closed days of the year do not all fit at 80x24: {top}");
    for _ in 0..100 {
        press(&mut s, KeyCode::Char('J'));
    }
    let bottom = super::tests::snapshots::render(&s, now(), (80, 24));
    assert!(
        bottom.contains("25 Dec"),
        "the last closed day (Christmas Day; the 26th is a Saturday) is in sight: {bottom}"
    );
    press(&mut s, KeyCode::Char('l'));
    assert_eq!(s.screens.admin.scroll, 0, "another year is read from its top");
}
