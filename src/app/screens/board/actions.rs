//! Incident actions from the console: the direct ones go straight to the database, the ones that need words
//! open a form, and the ones that move clocks show the deadlines before and after for confirmation. A failed
//! write keeps the form and its text; a conflict shows what changed and lets the user decide.

use chrono::{DateTime, Utc};

use crate::app::command::Act;
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{ChoiceOption, Field};
use crate::app::model::{ActionTarget, NewIncident, WriteError};
use crate::app::state::{Confirm, Connection, Form, FormPurpose, Overlay, State};
use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::TargetKind;
use crate::domain::incident::lifecycle::IncidentAction;
use crate::domain::incident::{Channel, Status, SupportLine};

pub fn start(state: &mut State, act: Act, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(user) = &state.user else {
        return Vec::new();
    };
    if !user.rights.operator {
        state.warn(format!("read-only: your role ({}) cannot change incidents", user.rights.label()), now);
        return Vec::new();
    }
    if act == Act::New {
        return open_form(state, FormPurpose::Create, now);
    }
    let Some((target, status, flags)) = target(state) else {
        state.warn("select an incident first", now);
        return Vec::new();
    };
    match act {
        Act::New => Vec::new(),
        Act::Acknowledge => perform(state, target, IncidentAction::Acknowledge, now),
        // These move clocks and cannot be undone: they show the deadlines after them and ask first.
        Act::Workaround => confirm(state, target, IncidentAction::MarkWorkaround, None),
        Act::SolutionDescribed => confirm(state, target, IncidentAction::MarkSolutionDescribed, None),
        Act::SupplierClosed => confirm(state, target, IncidentAction::MarkSupplierClosed, None),
        Act::PauseResume if status == Status::Paused => perform(state, target, IncidentAction::Resume, now),
        Act::PauseResume => {
            let allowed = agreement(state, &target).map(|a| a.clock_rules().pause_reasons.clone()).unwrap_or_default();
            if allowed.is_empty() {
                let code = agreement(state, &target).map_or("this agreement", |a| a.code()).to_string();
                state.warn(format!("{code} allows no pausing of its clocks (none of the seeds defines a reason)"), now);
                return Vec::new();
            }
            open_form(state, FormPurpose::Pause(target), now)
        }
        Act::Resolve => {
            let children = super::masters::open_children(state, &target.reference);
            let effects = confirm(state, target, IncidentAction::Resolve, None);
            if let Some(Overlay::Confirm(confirm)) = &mut state.overlay {
                confirm.with_children = !children.is_empty();
                confirm.children = children;
            }
            effects
        }
        Act::Reopen => confirm(state, target, IncidentAction::Reopen, None),
        Act::Close => {
            let close_role = agreement(state, &target).and_then(|a| a.spec().rules.close_role.clone());
            let member = state.user.as_ref().is_some_and(|u| u.rights.servicedesk);
            if let (Some(role), false) = (close_role, member) {
                state.warn(format!("only the service desk ({role}) may close incidents under this agreement"), now);
                return Vec::new();
            }
            confirm(state, target, IncidentAction::Close, None)
        }
        Act::Security if flags.security && !cleared(state) => {
            state.warn(
                "only a login cleared for security incidents (vakt_security) may clear the flag: \
                 clearing shows its description and notes to everyone",
                now,
            );
            Vec::new()
        }
        Act::Security => {
            let action = if flags.security { IncidentAction::ClearSecurity } else { IncidentAction::FlagSecurity };
            confirm(state, target, action, None)
        }
        Act::PersonalData | Act::Notified if !flags.security => {
            state.warn("flag it as a security incident first (x)", now);
            Vec::new()
        }
        Act::PersonalData => {
            let action =
                if flags.personal_data { IncidentAction::ClearPersonalData } else { IncidentAction::FlagPersonalData };
            confirm(state, target, action, None)
        }
        Act::Notified => {
            if agreement(state, &target).is_some_and(|a| a.spec().regulatory.is_empty()) {
                let code = agreement(state, &target).map_or("this agreement", |a| a.code()).to_string();
                state.warn(format!("{code} lists no notifications to authorities"), now);
                return Vec::new();
            }
            open_form(state, FormPurpose::Notified(target), now)
        }
        Act::Assign => open_form(state, FormPurpose::Assign(target), now),
        Act::Priority => open_form(state, FormPurpose::Priority(target), now),
        Act::Feedback => open_form(state, FormPurpose::Feedback(target), now),
        Act::Note => open_form(state, FormPurpose::Note(target), now),
        Act::Link => open_form(state, FormPurpose::Link(target), now),
        Act::Replan => open_form(state, FormPurpose::Replan(target), now),
        Act::Deprioritise => open_form(state, FormPurpose::Deprioritise(target), now),
        Act::Declare => crate::app::screens::major::update::declare(state, target, now),
        Act::Outage => super::outage::start(state, target),
        Act::LinkProblem => {
            let title = incident_title(state, target.id);
            let mut effects = open_form(state, FormPurpose::LinkProblem(target), now);
            effects.extend(super::known_errors::link_form_opened(state, &title));
            effects
        }
    }
}

/// The incident actions apply to: the open incident view, else the selected board line.
fn target(state: &State) -> Option<(ActionTarget, Status, crate::app::model::Flags)> {
    let summary = match &state.screens.board.incident {
        Some(view) => view.detail.as_ref().map(|d| &d.summary)?,
        None => state.screens.board.queue.selected()?,
    };
    let target = ActionTarget {
        id: summary.id,
        reference: summary.reference.clone(),
        version: summary.version,
        agreement_version_id: summary.agreement_version_id,
    };
    Some((target, summary.status, summary.flags))
}

/// Whether this login may read (and so clear) what a security incident restricts.
fn cleared(state: &State) -> bool {
    state.user.as_ref().is_some_and(|u| u.rights.security)
}

/// The title of the incident actions apply to (the open view's, else the board line's).
fn incident_title(state: &State, id: i64) -> String {
    let from_view = state.screens.board.incident.as_ref().and_then(|v| v.detail.as_ref()).map(|d| &d.summary);
    from_view
        .filter(|s| s.id == id)
        .or_else(|| state.screens.board.queue.find(id))
        .map_or_else(String::new, |s| s.title.clone())
}

fn agreement<'a>(state: &'a State, target: &ActionTarget) -> Option<&'a Agreement> {
    state.agreements.get(&target.agreement_version_id).map(|a| a.as_ref())
}

fn offline(state: &mut State, now: DateTime<Utc>) -> bool {
    if let Connection::Offline { since, .. } = &state.link.connection {
        let since = since.with_timezone(&state.zone).format("%H:%M");
        state.warn(format!("offline since {since}: nothing was sent and nothing changed"), now);
        return true;
    }
    false
}

fn perform(state: &mut State, target: ActionTarget, action: IncidentAction, now: DateTime<Utc>) -> Vec<Effect> {
    if offline(state, now) {
        return Vec::new();
    }
    state.inform(format!("{}: {} …", target.reference, action.verb()), now);
    vec![Effect::Db(DbCommand::Perform { target, action })]
}

fn confirm(state: &mut State, target: ActionTarget, action: IncidentAction, form: Option<Form>) -> Vec<Effect> {
    let effect = Effect::Db(DbCommand::WhatIf { target: target.clone(), action: action.clone() });
    state.overlay = Some(Overlay::Confirm(Confirm {
        target,
        action,
        what_if: None,
        form: form.map(Box::new),
        error: None,
        saving: false,
        children: Vec::new(),
        with_children: false,
    }));
    vec![effect]
}

fn open_form(state: &mut State, purpose: FormPurpose, now: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.services.is_empty() || state.staff.is_empty() {
        effects.push(Effect::Db(DbCommand::LoadChoices));
    }
    let (title, mut fields) = fields_for(state, &purpose);
    // The priority form starts at the current priority.
    if let FormPurpose::Priority(target) = &purpose
        && let Some(current) = state.screens.board.queue.find(target.id).and_then(|r| r.priority.clone())
        && let Some(field) = fields.first_mut()
    {
        field.select_value(&current);
    }
    let creating = purpose == FormPurpose::Create;
    if crate::app::forms::open(state, purpose, title, fields) {
        state.inform("restored the text you typed earlier (kept as a draft)", now);
    }
    if creating {
        effects.extend(super::known_errors::reset(state));
    }
    effects
}

fn fields_for(state: &State, purpose: &FormPurpose) -> (String, Vec<Field>) {
    let staff_options = || {
        let mut options = vec![ChoiceOption::new("", "— nobody", "")];
        options.extend(state.staff.iter().map(|s| ChoiceOption::new(&s.login, &s.full_name, &s.role)));
        options
    };
    let lines = || {
        let mut options = vec![ChoiceOption::new("", "— unchanged", "")];
        options.extend(SupportLine::ALL.iter().map(|l| ChoiceOption::new(l.as_str(), l.as_str(), "")));
        options
    };
    let channels = |list: &[Channel]| list.iter().map(|c| ChoiceOption::new(c.as_str(), c.as_str(), "")).collect();
    match purpose {
        FormPurpose::Create => {
            let services = state
                .services
                .iter()
                .map(|s| {
                    ChoiceOption::new(
                        &s.code,
                        format!("{} · {}", s.code, s.name),
                        format!("{} · {}", s.organisation, s.agreement),
                    )
                })
                .collect();
            let priorities =
                state.services.first().map(|s| priority_options(state, &s.agreement, true)).unwrap_or_default();
            let mut fields = vec![
                Field::choice("service", services, 0),
                Field::choice("priority", priorities, 0),
                Field::line("title", "", true),
                Field::area("description", "", false),
                Field::line("reporter", "", false),
                Field::choice("channel", channels(Channel::ALL), 0),
            ];
            // The MIM on duty often learns of an outage first: create and declare in one go.
            if state.user.as_ref().is_some_and(|u| u.rights.mim) {
                fields.push(
                    Field::choice("declare a major incident", crate::app::screens::major::update::yes_no(), 0)
                        .named("declare"),
                );
            }
            ("New incident".into(), fields)
        }
        FormPurpose::Assign(t) => (
            format!("Assign {}", t.reference),
            vec![
                Field::choice("person", staff_options(), 0),
                Field::choice("line", lines(), 0),
                Field::line("group or supplier", "", false).named("group"),
            ],
        ),
        FormPurpose::Priority(t) => {
            let code = agreement(state, t).map(|a| a.code().to_string()).unwrap_or_default();
            let options = priority_options(state, &code, false);
            (
                format!("Priority of {} ({code})", t.reference),
                vec![Field::choice("priority", options, 0), Field::line("reason", "", false)],
            )
        }
        FormPurpose::Pause(t) => {
            let reasons = agreement(state, t)
                .map(|a| a.clock_rules().pause_reasons.iter().map(|r| ChoiceOption::new(r, r, "")).collect())
                .unwrap_or_default();
            (format!("Pause the clocks of {}", t.reference), vec![Field::choice("reason", reasons, 0)])
        }
        FormPurpose::Feedback(t) => (
            format!("Feedback to the reporter of {}", t.reference),
            vec![
                Field::choice("channel", channels(&[Channel::Email, Channel::Phone, Channel::Sms]), 0),
                Field::area("what was said", "", true).named("text"),
            ],
        ),
        FormPurpose::Note(t) => (format!("Note on {}", t.reference), vec![Field::area("note", "", true)]),
        FormPurpose::Link(t) => {
            (format!("Link {} to (same cause)", t.reference), vec![Field::line("reference", "INC-", true)])
        }
        FormPurpose::Replan(t) => {
            let counterparts = agreement(state, t)
                .map(|a| a.spec().rules.replan_counterparts.iter().map(|c| ChoiceOption::new(c, c, "")).collect())
                .unwrap_or_default();
            let targets =
                vec![ChoiceOption::new("resolution", "resolution", ""), ChoiceOption::new("response", "response", "")];
            (
                format!("Agreed re-plan for {}", t.reference),
                vec![
                    Field::choice("target", targets, 0),
                    Field::line("new due (YYYY-MM-DD HH:MM)", "", true).named("new due"),
                    Field::choice("agreed with", counterparts, 0).named("counterpart"),
                    Field::line("reason", "", true),
                ],
            )
        }
        FormPurpose::Deprioritise(t) => {
            (format!("Deprioritise {} (workaround in place)", t.reference), vec![Field::line("reason", "", true)])
        }
        FormPurpose::Notified(t) => {
            let duties = agreement(state, t)
                .map(|a| {
                    a.spec()
                        .regulatory
                        .iter()
                        .map(|d| {
                            let label = format!("{} — {}, within {}", d.code, d.authority, d.within);
                            ChoiceOption::new(&d.code, label, &d.name)
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                format!("Notification made about {}", t.reference),
                vec![
                    Field::choice("notification", duties, 0).named("duty"),
                    Field::line("made at (empty: now)", "", false).named("at"),
                    Field::line("reference or remark", "", false).named("note"),
                ],
            )
        }
        FormPurpose::LinkProblem(t) => (
            format!("Link {} to a problem", t.reference),
            vec![
                Field::line("problem (PRB-…)", "PRB-", true).named("problem"),
                // Yes by default: linking to a known error is mostly about its workaround.
                Field::choice("apply its workaround", super::known_errors::yes_first(), 0).named("apply"),
            ],
        ),
        // The cockpit's forms are built by the majors module.
        _ => (String::new(), Vec::new()),
    }
}

/// The fields a form starts with, for rebuilding it once its choices arrive.
pub fn fresh_fields(state: &State, purpose: &FormPurpose) -> Vec<Field> {
    fields_for(state, purpose).1
}

/// The priorities of an agreement (its newest version), with their criteria as hints.
fn priority_options(state: &State, agreement_code: &str, allow_none: bool) -> Vec<ChoiceOption> {
    let mut options = Vec::new();
    if allow_none {
        options.push(ChoiceOption::new("", "— set later", "priority is mandatory before the incident leaves new"));
    }
    let newest = state.agreements.values().filter(|a| a.code() == agreement_code).max_by_key(|a| a.spec().valid_from);
    if let Some(agreement) = newest {
        options.extend(agreement.priorities().iter().map(|p| {
            let name = p.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            let pending = p.pending.as_deref().map(|n| format!(" [{n}]")).unwrap_or_default();
            ChoiceOption::new(&p.label, format!("{}{name}{pending}", p.label), p.criteria.trim())
        }));
    }
    options
}

/// After a choice changed: the new-incident form offers the priorities of the chosen service's agreement.
pub fn choice_changed(state: &mut State) {
    let Some(Overlay::Form(form)) = &state.overlay else {
        return;
    };
    if form.purpose != FormPurpose::Create {
        return;
    }
    let Some(service) = form.fields.iter().find(|f| f.name == "service").map(|f| f.value()) else {
        return;
    };
    let Some(agreement) = state.services.iter().find(|s| s.code == service).map(|s| s.agreement.clone()) else {
        return;
    };
    let options = priority_options(state, &agreement, true);
    if let Some(Overlay::Form(form)) = &mut state.overlay
        && let Some(priority) = form.fields.iter_mut().find(|f| f.name == "priority")
        && let crate::app::form::FieldKind::Choice { options: current, selected, query } = &mut priority.kind
        && *current != options
    {
        *current = options;
        *selected = 0;
        query.clear();
    }
}

/// The form was submitted: validate, then perform, or confirm first when clocks move.
pub fn submit(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &mut state.overlay else {
        return Vec::new();
    };
    if let FormPurpose::Outage(target) = &form.purpose {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        let target = target.clone();
        return super::outage::submit(state, &target, now);
    }
    if let FormPurpose::Minutes(minutes_form) = &form.purpose {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        let minutes_form = minutes_form.clone();
        return crate::app::screens::minutes::chair::submit(state, minutes_form, now);
    }
    if let FormPurpose::Register(register_form) = &form.purpose {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        let register_form = register_form.clone();
        return crate::app::screens::problems::update::submit(state, register_form, now);
    }
    if form.purpose == FormPurpose::AddStaff {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        return crate::app::screens::admin::update::submit_staff(state, now);
    }
    if let FormPurpose::StaffRole(login) = &form.purpose {
        let login = login.clone();
        return crate::app::screens::admin::update::submit_role(state, login, now);
    }
    if let FormPurpose::Contact(id) = form.purpose {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        return crate::app::screens::admin::contacts::submit(state, id, now);
    }
    if let FormPurpose::Service(code) = &form.purpose {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        let code = code.clone();
        return crate::app::screens::admin::services::submit(state, code, now);
    }
    if form.purpose == FormPurpose::ImportAgreement {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        return crate::app::screens::admin::agreements::submit(state, now);
    }
    if form.purpose == FormPurpose::AuditFilter {
        return crate::app::screens::admin::update::submit_filter(state);
    }
    if let FormPurpose::AnswerFollowUp(point) = form.purpose {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        return super::follow_ups::submit(state, point, now);
    }
    if crate::app::screens::calendar::plan::owns(&form.purpose) {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        return crate::app::screens::calendar::plan::submit(state, now);
    }
    if crate::app::screens::major::update::owns(&form.purpose) {
        if let Some(missing) = crate::app::form::missing(&form.fields) {
            form.error = Some(missing);
            return Vec::new();
        }
        return crate::app::screens::major::update::submit(state, now);
    }
    if let Some(missing) = crate::app::form::missing(&form.fields) {
        form.error = Some(missing);
        return Vec::new();
    }
    let values = crate::app::form::Values::of(&form.fields);
    let zone = state.zone;
    let built = build(&form.purpose, &values, zone, now);
    let purpose = form.purpose.clone();
    match built {
        Err(message) => {
            form.error = Some(message);
            Vec::new()
        }
        Ok(Submission::Create(new)) => {
            state.screens.major.declare_new = values.yes("declare");
            super::known_errors::submitted(state);
            write(state, DbCommand::Create(new), now)
        }
        Ok(Submission::Link(target, other)) => write(state, DbCommand::Link { target, other }, now),
        Ok(Submission::Problem(target, problem, apply_workaround)) => {
            let command = DbCommand::LinkProblem { problem, incident: target.reference, apply_workaround };
            write(state, command, now)
        }
        Ok(Submission::Act(target, action)) => {
            let needs_confirm = matches!(
                purpose,
                FormPurpose::Priority(_)
                    | FormPurpose::Pause(_)
                    | FormPurpose::Replan(_)
                    | FormPurpose::Deprioritise(_)
            );
            if needs_confirm {
                let form = match state.overlay.take() {
                    Some(Overlay::Form(form)) => Some(form),
                    _ => None,
                };
                confirm(state, target, action, form)
            } else {
                write(state, DbCommand::Perform { target, action }, now)
            }
        }
    }
}

enum Submission {
    Create(NewIncident),
    Link(ActionTarget, String),
    Problem(ActionTarget, String, bool),
    Act(ActionTarget, IncidentAction),
}

fn build(
    purpose: &FormPurpose,
    values: &crate::app::form::Values,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Submission, String> {
    let value = |name: &str| values.text(name);
    let optional = |name: &str| values.optional(name);
    let act = |target: &ActionTarget, action| Ok(Submission::Act(target.clone(), action));
    match purpose {
        FormPurpose::Create => Ok(Submission::Create(NewIncident {
            service: value("service"),
            priority: optional("priority"),
            title: value("title"),
            description: value("description"),
            reporter: value("reporter"),
            channel: value("channel").parse().ok(),
        })),
        FormPurpose::Assign(t) => {
            let line = optional("line").map(|l| l.parse::<SupportLine>()).transpose().map_err(|e| e.to_string())?;
            act(t, IncidentAction::Assign { assignee: optional("person"), line, group: optional("group") })
        }
        FormPurpose::Priority(t) => {
            act(t, IncidentAction::ChangePriority { to: value("priority"), reason: optional("reason") })
        }
        FormPurpose::Pause(t) => act(t, IncidentAction::Pause { reason: value("reason") }),
        FormPurpose::Feedback(t) => {
            act(t, IncidentAction::LogFeedback { channel: value("channel"), text: value("text") })
        }
        FormPurpose::Note(t) => act(t, IncidentAction::Note { text: value("note") }),
        FormPurpose::Link(t) => Ok(Submission::Link(t.clone(), value("reference").trim().to_string())),
        FormPurpose::Replan(t) => {
            let target: TargetKind = value("target").parse()?;
            let new_due = local_instant(&value("new due"), zone)?;
            if new_due <= now {
                return Err("the agreed new due must be in the future".into());
            }
            act(
                t,
                IncidentAction::Replan { target, new_due, counterpart: value("counterpart"), reason: value("reason") },
            )
        }
        FormPurpose::Deprioritise(t) => act(t, IncidentAction::Deprioritise { reason: value("reason") }),
        FormPurpose::Notified(t) => {
            let at = match optional("at") {
                Some(text) => local_instant(&text, zone)?,
                None => now,
            };
            if at > now {
                return Err("record a notification once it is made, not before".into());
            }
            act(t, IncidentAction::RecordNotification { duty: value("duty"), at, note: optional("note") })
        }
        FormPurpose::LinkProblem(t) => {
            let problem = value("problem").trim().to_uppercase();
            if problem.trim_start_matches("PRB-").is_empty() {
                return Err("give the problem's reference, e.g. PRB-3".into());
            }
            Ok(Submission::Problem(t.clone(), problem, values.yes("apply")))
        }
        _ => Err("not an incident form".into()),
    }
}

/// "2026-11-30 12:00" in the viewer's zone.
fn local_instant(text: &str, zone: chrono_tz::Tz) -> Result<DateTime<Utc>, String> {
    crate::domain::calendar::wall_clock::parse_minute(text, zone).map_err(|e| e.to_string())
}

fn write(state: &mut State, command: DbCommand, now: DateTime<Utc>) -> Vec<Effect> {
    crate::app::forms::send(state, Effect::Db(command), now)
}

/// Enter in a confirmation.
pub fn confirmed(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Confirm(confirm)) = &state.overlay else {
        return Vec::new();
    };
    // Only once the deadlines after the action are known (and the action is possible).
    if confirm.saving || !matches!(confirm.what_if, Some(Ok(_))) {
        return Vec::new();
    }
    let command = DbCommand::Perform { target: confirm.target.clone(), action: confirm.action.clone() };
    super::masters::confirmed(state);
    write(state, command, now)
}

/// Esc in a confirmation: back to the form it came from, text intact.
pub fn cancel_confirm(state: &mut State) {
    if let Some(Overlay::Confirm(confirm)) = state.overlay.take() {
        state.overlay = confirm.form.map(|mut form| {
            form.saving = false;
            Overlay::Form(*form)
        });
    }
}

/// The result of a write.
pub fn written(
    state: &mut State,
    what: String,
    result: Result<Box<crate::app::model::IncidentSummary>, WriteError>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    match result {
        Ok(summary) => {
            let mut effects = crate::app::forms::succeeded(state);
            state.inform(format!("{}: {what} ({})", summary.reference, summary.status.label()), now);
            let id = summary.id;
            let target = ActionTarget {
                id,
                reference: summary.reference.clone(),
                version: summary.version,
                agreement_version_id: summary.agreement_version_id,
            };
            if what == "created" {
                effects.extend(super::known_errors::created(state, &summary.reference));
            }
            effects.extend(super::masters::written(state, summary.id, !summary.status.is_open()));
            state.screens.board.queue.apply(id, Some(*summary), now);
            if state.screens.board.incident.as_ref().is_some_and(|v| v.id == id) {
                effects.push(Effect::Db(DbCommand::LoadDetail { id }));
            } else if what == "created" {
                state.screens.board.queue.select_id(id);
                if std::mem::take(&mut state.screens.major.declare_new) {
                    effects.extend(crate::app::screens::major::update::declare(state, target, now));
                }
            }
            effects
        }
        Err(error) => {
            // A master that was not resolved keeps its children as they are.
            if let Some(Overlay::Confirm(confirm)) = &state.overlay {
                let id = confirm.target.id;
                super::masters::written(state, id, false);
            }
            let mut message = error.message().to_string();
            let mut effects = Vec::new();
            if let WriteError::Conflict { fresh: Some(fresh), .. } = &error {
                state.screens.board.queue.apply(fresh.id, Some((**fresh).clone()), now);
                if matches!(state.overlay, Some(Overlay::Form(_) | Overlay::Confirm(_))) {
                    // Adopt the new version: pressing Enter again applies the action on top of what changed.
                    retarget(state, fresh.id, fresh.version);
                    message.push_str(" — Enter applies yours on top of it, Esc cancels (your text is kept)");
                }
                // The deadlines shown were computed before the other change: compute them again.
                if let Some(Overlay::Confirm(confirm)) = &mut state.overlay {
                    confirm.what_if = None;
                    effects.push(Effect::Db(DbCommand::WhatIf {
                        target: confirm.target.clone(),
                        action: confirm.action.clone(),
                    }));
                }
            }
            crate::app::forms::failed(state, message, now);
            effects
        }
    }
}

fn retarget(state: &mut State, id: i64, version: i32) {
    match &mut state.overlay {
        Some(Overlay::Form(form)) => {
            if let Some(target) = form.purpose.target_mut().filter(|t| t.id == id) {
                target.version = version;
            }
        }
        Some(Overlay::Confirm(confirm)) if confirm.target.id == id => {
            confirm.target.version = version;
            if let Some(target) = confirm.form.as_mut().and_then(|f| f.purpose.target_mut()) {
                target.version = version;
            }
        }
        _ => {}
    }
}

/// Keeps what was typed in the open form as a draft.
pub fn remember_draft(state: &mut State) {
    let Some(Overlay::Form(form)) = &state.overlay else {
        return;
    };
    let key = form.purpose.draft_key();
    match crate::app::form::Draft::of(&form.fields) {
        None => {
            if state.drafts.remove(&key).is_some() {
                state.drafts_dirty = true;
            }
        }
        Some(draft) if state.drafts.get(&key) != Some(&draft) => {
            state.drafts.insert(key, draft);
            state.drafts_dirty = true;
        }
        Some(_) => {}
    }
}
