//! The admin tab's keys and answers.

use chrono::{DateTime, Utc};

use super::act::AdminAct;
use super::data::{AdminData, AdminSection, AdminWrite};
use crate::app::command::Screen;
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{ChoiceOption, Field};
use crate::app::model::{Rights, WriteError};
use crate::app::state::{FormPurpose, Overlay, State};

const READ_ONLY: &str = "administration is read-only for you: only admins (vakt_admin) change anything here";

/// The tab is shown: its section is read afresh.
pub fn shown(state: &mut State) -> Vec<Effect> {
    vec![Effect::Db(state.screens.admin.load())]
}

/// A change notice on one of the tables the admin tab shows: the shown section is read again.
pub fn changed(state: &mut State, table: &str) -> Vec<Effect> {
    let shows = match state.screens.admin.section {
        AdminSection::Staff => matches!(table, "staff" | "rota_shifts"),
        AdminSection::Contacts => matches!(table, "contacts" | "outbox" | "organisations"),
        AdminSection::Services => matches!(table, "services" | "organisations" | "agreements"),
        AdminSection::Agreements => matches!(table, "agreements" | "services" | "incidents"),
        AdminSection::Calendars => table == "agreements",
        // Every change is audited: the log is read again when the user asks (Ctrl-r, or a new filter).
        AdminSection::Audit => false,
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
        // What only admins may do, asked for by someone else (from the palette, say).
        act if !admin && !act.permitted(&Rights::default()) => state.warn(READ_ONLY, now),
        AdminAct::Add => add(state, now),
        AdminAct::Deactivate => effects.extend(deactivate(state, now)),
        AdminAct::ChangeRole => change_role(state, now),
        AdminAct::Reactivate => effects.extend(reactivate(state, now)),
        AdminAct::Edit if state.screens.admin.section == AdminSection::Contacts => super::contacts::edit(state, now),
        AdminAct::Edit => super::services::edit(state, now),
        AdminAct::Open => super::agreements::open(state, now),
        AdminAct::Import => super::agreements::import_form(state),
        AdminAct::Confirm => effects.extend(super::agreements::confirm(state, now)),
        AdminAct::PreviousYear => step_year(state, -1, now),
        AdminAct::NextYear => step_year(state, 1, now),
        AdminAct::ScrollDown => state.screens.admin.scroll_detail(1),
        AdminAct::ScrollUp => state.screens.admin.scroll_detail(-1),
        AdminAct::Filter => filter_form(state, now),
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
        AdminSection::Contacts => super::contacts::add(state),
        AdminSection::Services => super::services::add(state),
        AdminSection::Agreements => super::agreements::import_form(state),
        AdminSection::Audit => state.warn("the audit log is written by the database alone", now),
        AdminSection::Calendars => state.warn("calendars come with their agreement: i in the agreements section", now),
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

/// `/` in the audit section: the filter line, as it is now.
fn filter_form(state: &mut State, now: DateTime<Utc>) {
    if state.screens.admin.section != AdminSection::Audit {
        state.warn("/ filters the audit section (] changes section)", now);
        return;
    }
    let line = state.screens.admin.audit.line();
    let fields = vec![Field::line("table= login= from= to=", &line, false).named("filter")];
    // The filter shown is the one in force, not an older draft.
    state.drafts.remove(&FormPurpose::AuditFilter.draft_key());
    crate::app::forms::open(state, FormPurpose::AuditFilter, "Audit entries (empty: all)".into(), fields);
}

/// The filter line was sent: a line that does not read keeps the form and says why; otherwise the log is read
/// again with it.
pub fn submit_filter(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &mut state.overlay else { return Vec::new() };
    let line = crate::app::form::Values::of(&form.fields).text("filter");
    match super::data::AuditQuery::parse(&line) {
        Ok(query) => {
            state.overlay = None;
            state.screens.admin.audit = query;
            state.screens.admin.rows = None;
            state.screens.admin.selected = 0;
            vec![Effect::Db(state.screens.admin.load())]
        }
        Err(why) => {
            form.error = Some(why);
            Vec::new()
        }
    }
}

/// `h` / `l` in the calendars section: the year before or after, within the years the holidays are known for.
fn step_year(state: &mut State, delta: i32, now: DateTime<Utc>) {
    use crate::domain::calendar::holidays::{FIRST_YEAR, LAST_YEAR};
    if state.screens.admin.section != AdminSection::Calendars {
        state.warn("h and l change the year in the calendars section (] changes section)", now);
        return;
    }
    let year = state.screens.admin.year.unwrap_or_else(|| chrono::Datelike::year(&now.date_naive()));
    state.screens.admin.year = Some((year + delta).clamp(FIRST_YEAR, LAST_YEAR));
    state.screens.admin.scroll = 0;
}

/// The roles a member of staff can be given, in the order the form offers them.
const ROLES: [&str; 5] = ["viewer", "operator", "mim", "chair", "admin"];

/// `r`: a choice of roles; each role the database would refuse says why beside it, before anything is sent.
fn change_role(state: &mut State, now: DateTime<Utc>) {
    let Some(line) = state.screens.admin.selected_staff() else {
        state.warn("select a member of staff in the staff section first", now);
        return;
    };
    if !line.member.active {
        state.warn(format!("{} is deactivated: R lets them sign in again first", line.member.login), now);
        return;
    }
    let options = ROLES
        .iter()
        .map(|role| {
            let hint = match line.refusal(role) {
                Some(why) => format!("refused: {why}"),
                None if *role == line.member.role => "their role now".to_string(),
                None => String::new(),
            };
            ChoiceOption::new(*role, *role, hint)
        })
        .collect();
    let current = ROLES.iter().position(|r| *r == line.member.role).unwrap_or(0);
    let title = format!("Role of {} ({})", line.member.full_name, line.member.login);
    let purpose = FormPurpose::StaffRole(line.member.login.clone());
    crate::app::forms::open(state, purpose, title, vec![Field::choice("role", options, current)]);
}

/// The role form was sent: a role the database would refuse is not sent; the form says why instead.
pub fn submit_role(state: &mut State, login: String, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let role = crate::app::form::Values::of(&form.fields).text("role");
    let line = state.screens.admin.staff_line(&login);
    let refusal = line.and_then(|l| l.refusal(&role)).map(str::to_string);
    let unchanged = line.is_some_and(|l| l.member.role == role);
    let stop = match (refusal, unchanged) {
        (Some(why), _) => Some(format!("the database would refuse: {why}")),
        (None, true) => Some(format!("{login} is {role} already: choose another role or Esc")),
        (None, false) => None,
    };
    if let Some(stop) = stop {
        if let Some(Overlay::Form(form)) = &mut state.overlay {
            form.error = Some(stop);
        }
        return Vec::new();
    }
    crate::app::forms::send(state, Effect::Db(DbCommand::Admin(AdminWrite::SetRole { login, role })), now)
}

/// `R`: a deactivated member of staff signs in again, with the role they had.
fn reactivate(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(line) = state.screens.admin.selected_staff() else {
        state.warn("select a member of staff in the staff section first", now);
        return Vec::new();
    };
    if line.member.active {
        state.warn(format!("{} is active already", line.member.login), now);
        return Vec::new();
    }
    let login = line.member.login.clone();
    crate::app::forms::send(state, Effect::Db(DbCommand::Admin(AdminWrite::Reactivate { login })), now)
}

/// The rows of a section arrived.
pub fn loaded(state: &mut State, section: AdminSection, rows: Result<AdminData, String>, now: DateTime<Utc>) {
    let admin = state.user.as_ref().is_some_and(|u| u.rights.admin);
    // Others are refused the audit log by design: the section says so, without an alarm.
    if let Err(why) = &rows
        && (section != AdminSection::Audit || admin)
    {
        state.warn(format!("{} could not be read: {why}", section.title().to_lowercase()), now);
    }
    state.screens.admin.loaded(section, rows);
}

/// The database's answer to a change: said in words, and the section read again.
pub fn written(state: &mut State, result: Result<String, WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    let mut reload = vec![Effect::Db(state.screens.admin.load())];
    // An import is confirmed from the preview, not from its form: the path's draft is dropped here.
    if result.is_ok()
        && state.screens.admin.import.take().is_some()
        && state.drafts.remove(&FormPurpose::ImportAgreement.draft_key()).is_some()
    {
        reload.push(Effect::SaveDrafts(state.drafts.clone()));
    }
    crate::app::forms::answered(state, result, reload, now)
}
