//! The admin tab through `update`: showing it reads the staff, `[` `]` change section, an admin adds a member of
//! staff in a form that keeps its text when the database refuses, deactivating asks first and names the shifts
//! ahead, and everyone else reads without being offered a change; drawn at 80×24 and 160×48.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{now, state};
use super::update;
use crate::app::action::Action;
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{ContactEntry, StaffMember, WriteError};
use crate::app::screens::admin::data::{AdminData, AdminSection, AdminWrite, ContactLine, StaffLine};
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
        StaffLine { member: member("admin", "Astrid Admin", "admin", true), shifts_ahead: 0, servicedesk: false },
        StaffLine { member: member("ola", "Ola Nordmann", "mim", true), shifts_ahead: 3, servicedesk: false },
        StaffLine { member: member("per", "Per Gått", "operator", false), shifts_ahead: 0, servicedesk: true },
    ])
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
