//! The admin tab's keys and answers.

use chrono::{DateTime, Utc};

use super::act::AdminAct;
use super::data::{AdminData, AdminSection, AdminWrite};
use crate::app::command::Screen;
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::Field;
use crate::app::model::WriteError;
use crate::app::state::{FormPurpose, Overlay, State};

const READ_ONLY: &str = "administration is read-only for you: only admins (vakt_admin) change staff and contacts";

/// The tab is shown: its section is read afresh.
pub fn shown(state: &mut State) -> Vec<Effect> {
    vec![Effect::Db(state.screens.admin.load())]
}

/// A change notice on one of the tables the admin tab shows: the shown section is read again.
pub fn changed(state: &mut State, table: &str) -> Vec<Effect> {
    let shows = match state.screens.admin.section {
        AdminSection::Staff => matches!(table, "staff" | "rota_shifts"),
        AdminSection::Contacts => matches!(table, "contacts" | "outbox" | "organisations"),
    };
    if state.screen == Screen::Admin && shows { shown(state) } else { Vec::new() }
}

pub fn run(state: &mut State, act: AdminAct, now: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.screen != Screen::Admin {
        state.screen = Screen::Admin;
        effects.extend(shown(state));
    }
    if act != AdminAct::Deactivate {
        state.screens.admin.deactivating = None;
    }
    let admin = state.user.as_ref().is_some_and(|u| u.rights.admin);
    match act {
        AdminAct::NextSection => effects.push(Effect::Db(state.screens.admin.switch(1))),
        AdminAct::PreviousSection => effects.push(Effect::Db(state.screens.admin.switch(-1))),
        AdminAct::Add | AdminAct::Deactivate if !admin => state.warn(READ_ONLY, now),
        AdminAct::Add => add(state, now),
        AdminAct::Deactivate => effects.extend(deactivate(state, now)),
    }
    effects
}

fn add(state: &mut State, now: DateTime<Utc>) {
    match state.screens.admin.section {
        AdminSection::Staff => {
            let fields = vec![
                Field::line("login (a-z 0-9 _ . -)", "", true).named("login"),
                Field::line("full name", "", true).named("name"),
                Field::line("role (viewer operator mim chair admin)", "viewer", true).named("role"),
                Field::line("e-mail", "", false).named("email"),
                Field::line("phone", "", false).named("phone"),
            ];
            crate::app::forms::open(state, FormPurpose::AddStaff, "A new member of staff".into(), fields);
        }
        AdminSection::Contacts => {
            state.warn("contacts are added with `vakt contact add` for now (see the README)", now);
        }
    }
}

/// The staff form was sent.
pub fn submit_staff(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let values = crate::app::form::Values::of(&form.fields);
    let write = AdminWrite::AddStaff {
        login: values.text("login").trim().to_string(),
        full_name: values.text("name").trim().to_string(),
        role: values.text("role").trim().to_lowercase(),
        email: values.optional("email"),
        phone: values.optional("phone"),
    };
    crate::app::forms::send(state, Effect::Db(DbCommand::Admin(write)), now)
}

/// `D` twice: the selected member of staff can no longer sign in; what they wrote stays theirs.
fn deactivate(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(line) = state.screens.admin.selected_staff() else {
        state.warn("select a member of staff in the staff section first", now);
        return Vec::new();
    };
    let (login, name, shifts) = (line.member.login.clone(), line.member.full_name.clone(), line.shifts_ahead);
    if !line.member.active {
        state.warn(format!("{login} is deactivated already (`vakt staff add` brings them back)"), now);
        return Vec::new();
    }
    if state.user.as_ref().is_some_and(|u| u.login == login) {
        state.warn("you cannot deactivate your own login", now);
        return Vec::new();
    }
    if state.screens.admin.deactivating.as_deref() != Some(login.as_str()) {
        let rota = if shifts > 0 { format!(" They have {shifts} shift(s) on the rota ahead.") } else { String::new() };
        state.inform(format!("Deactivate {name} ({login})? They can no longer sign in.{rota} Press D again."), now);
        state.screens.admin.deactivating = Some(login);
        return Vec::new();
    }
    state.screens.admin.deactivating = None;
    crate::app::forms::send(state, Effect::Db(DbCommand::Admin(AdminWrite::Deactivate { login })), now)
}

/// The rows of a section arrived.
pub fn loaded(state: &mut State, section: AdminSection, rows: Result<AdminData, String>, now: DateTime<Utc>) {
    if let Err(why) = &rows {
        state.warn(format!("{} could not be read: {why}", section.title().to_lowercase()), now);
    }
    state.screens.admin.loaded(section, rows);
}

/// The database's answer to a change: said in words, and the section read again.
pub fn written(state: &mut State, result: Result<String, WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    let reload = vec![Effect::Db(state.screens.admin.load())];
    crate::app::forms::answered(state, result, reload, now)
}
