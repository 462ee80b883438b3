//! Security incidents through `update`: `x` clears the flag only for a cleared login, `X` and `N` need a flagged
//! incident, and `N` records a notification made at the time typed (in the viewer's zone), never one to come.

use crossterm::event::{KeyCode, KeyEvent};

use super::tests::{now, row, state};
use super::update;
use crate::app::action::Action;
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{Rights, UserInfo};
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::incident::Status;
use crate::domain::incident::lifecycle::IncidentAction;

fn key(s: &mut State, c: char) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::from(KeyCode::Char(c))), now())
}

/// An operator's board with one flagged Altinn incident (agreement version 1 is Altinn), selected.
fn flagged(cleared: bool) -> State {
    let mut s = state(true);
    let rights = Rights { viewer: true, operator: true, security: cleared, ..Rights::default() };
    update(&mut s, Action::Connected { user: UserInfo { login: "kari".into(), full_name: None, rights } }, now());
    let mut incident = row(7, "A", 1, Status::InProgress);
    incident.flags.security = true;
    update(&mut s, Action::BoardLoaded(vec![incident, row(8, "B", 1, Status::InProgress)]), now());
    s.screens.board.queue.select_id(7);
    s
}

#[test]
fn only_a_cleared_login_may_clear_the_flag() {
    let mut s = flagged(false);
    assert!(key(&mut s, 'x').is_empty());
    assert!(s.overlay.is_none());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("vakt_security")), "{:?}", s.message);

    let mut s = flagged(true);
    key(&mut s, 'x');
    let Some(Overlay::Confirm(confirm)) = &s.overlay else { panic!("a confirmation: {:?}", s.message) };
    assert_eq!(confirm.action, IncidentAction::ClearSecurity);
}

#[test]
fn personal_data_and_notifications_need_the_security_flag() {
    let mut s = flagged(false);
    s.screens.board.queue.select_id(8);
    for c in ['X', 'N'] {
        assert!(key(&mut s, c).is_empty());
        assert!(s.message.as_ref().is_some_and(|m| m.text.contains("security incident first")), "{c}");
    }
    s.screens.board.queue.select_id(7);
    key(&mut s, 'X');
    let Some(Overlay::Confirm(confirm)) = &s.overlay else { panic!("a confirmation") };
    assert_eq!(confirm.action, IncidentAction::FlagPersonalData);
}

#[test]
fn a_notification_is_recorded_with_the_time_it_was_made() {
    let mut s = flagged(false);
    key(&mut s, 'N');
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("a form: {:?}", s.message) };
    assert!(matches!(form.purpose, FormPurpose::Notified(_)));
    // The second duty of Altinn's list, a time in the future (refused in the form), then one in the past.
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Down)), now());
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Tab)), now());
    let zone = s.zone;
    let typed = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    for c in typed(now() + chrono::Duration::hours(2)).chars() {
        key(&mut s, c);
    }
    assert!(
        update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('s'), crossterm::event::KeyModifiers::CONTROL)), now())
            .is_empty()
    );
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("the form stays") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("once it is made")), "{:?}", form.error);
    for _ in 0..20 {
        update(&mut s, Action::Key(KeyEvent::from(KeyCode::Backspace)), now());
    }
    let made = now() - chrono::Duration::minutes(40);
    for c in typed(made).chars() {
        key(&mut s, c);
    }
    let effects =
        update(&mut s, Action::Key(KeyEvent::new(KeyCode::Char('s'), crossterm::event::KeyModifiers::CONTROL)), now());
    let Some(Effect::Db(DbCommand::Perform { action, .. })) = effects.first() else { panic!("{effects:?}") };
    let IncidentAction::RecordNotification { duty, at, note } = action else { panic!("{action:?}") };
    assert_eq!((duty.as_str(), note), ("nis2-notification", &None));
    assert_eq!(at.timestamp() / 60, made.timestamp() / 60);
}
