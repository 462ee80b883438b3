//! The major-incident cockpit: declaring from an incident, status updates, escalation, calls, roles, state,
//! the notify step, the report and the shift hand-over; and the reminder when an update is overdue.

use chrono::{DateTime, Utc};

use crate::domain::calendar::wall_clock::{self, WallClockError};

use crate::app::command::{Command, MajorAct, Screen};
use crate::app::effect::{DbCommand, Effect, MajorCommand};
use crate::app::form::{ChoiceOption, Draft, Field};
use crate::app::keymap::{self, Scope};
use crate::app::model::{ActionTarget, MajorView, WriteError};
use crate::app::state::{Connection, FormPurpose, MajorTarget, Overlay, State};
use crate::domain::agreement::Agreement;
use crate::domain::major::report::ReportFindings;
use crate::domain::major::{
    self, CadenceState, CadenceStatus, CallOutcome, DeliveryState, EscalationReason, Eta, FollowUp, MajorRole,
    MajorState, Proposal, Shift, StatusUpdate,
};

fn agreement<'a>(state: &'a State, view: &MajorView) -> Option<&'a Agreement> {
    state.agreements.get(&view.agreement_version_id).map(|a| a.as_ref())
}

/// The update cadence of a major incident as of now.
pub fn cadence(state: &State, view: &MajorView, now: DateTime<Utc>) -> Option<CadenceStatus> {
    let policy = &agreement(state, view)?.spec().major;
    major::major_cadence(&view.major, &policy.cadence, view.last_update_at, now)
}

/// The escalation the ladder suggests now.
pub fn proposal(state: &State, view: &MajorView, now: DateTime<Utc>) -> Option<Proposal> {
    let agreement = agreement(state, view)?;
    let policy = &agreement.spec().major;
    let cadence = major::major_cadence(&view.major, &policy.cadence, view.last_update_at, now);
    let clocks = view.live_clocks(agreement, now);
    major::propose(policy.escalation.as_ref()?, &view.major, &clocks, cadence.as_ref(), &[])
}

/// On every tick: remind the MIM once per missed update deadline and once per escalation the ladder proposes,
/// whichever screen is showing.
pub fn remind(state: &mut State, now: DateTime<Utc>) {
    let proposals: Vec<(i64, String, Proposal)> = state
        .screens
        .major
        .list
        .iter()
        .filter_map(|view| proposal(state, view, now).map(|p| (view.id, view.reference.clone(), p)))
        .filter(|(id, _, p)| !state.screens.major.proposed.contains(&(*id, p.level)))
        .collect();
    let route = |act: MajorAct| keymap::route_to(&state.keymap, Screen::Major, Scope::Major, Command::Major(act));
    let (escalate_keys, update_keys) = (route(MajorAct::Escalate), route(MajorAct::Update));
    for (id, reference, proposal) in proposals {
        state.screens.major.proposed.insert((id, proposal.level));
        state.warn(
            format!("{reference}: escalate to {} ({}) — press {escalate_keys}", proposal.level_name, proposal.reason),
            now,
        );
    }
    let mut reminders = Vec::new();
    for view in &state.screens.major.list {
        if let Some(status) = cadence(state, view, now)
            && matches!(status.state, CadenceState::Overdue | CadenceState::Missed)
            && !state.screens.major.reminded.contains(&(view.id, status.due))
        {
            reminders.push((view.id, status.due, view.reference.clone(), status.state));
        }
    }
    for (id, due, reference, cadence_state) in reminders {
        state.screens.major.reminded.insert((id, due));
        let local = due.with_timezone(&state.zone).format("%H:%M");
        let deputy = if cadence_state == CadenceState::Missed { "; vakt serve notifies the deputy" } else { "" };
        state.warn(
            format!("{reference}: the stakeholder update due {local} is overdue — press {update_keys}{deputy}"),
            now,
        );
    }
}

pub fn start(state: &mut State, act: MajorAct, now: DateTime<Utc>) -> Vec<Effect> {
    if matches!(act, MajorAct::AddShift | MajorAct::EditShift) {
        if !state.user.as_ref().is_some_and(|u| u.rights.admin) {
            state.warn("only admins edit the rota (vakt_admin)", now);
            return Vec::new();
        }
        if act == MajorAct::EditShift && state.screens.major.rota.iter().all(|s| s.ends_at <= now) {
            state.warn("no current or future shift to change; add one with a", now);
            return Vec::new();
        }
        let purpose = if act == MajorAct::AddShift { FormPurpose::AddShift } else { FormPurpose::EditShift };
        return open(state, purpose, now);
    }
    let mim = state.user.as_ref().is_some_and(|u| u.rights.mim);
    if !mim {
        state.warn("only the MIM role (vakt_mim) runs major incidents", now);
        return Vec::new();
    }
    if act == MajorAct::Handover {
        return open(state, FormPurpose::Handover, now);
    }
    if act == MajorAct::AcknowledgeHandover {
        return match &state.screens.major.handover {
            Some(waiting) => write(state, MajorCommand::AcknowledgeHandover { id: waiting.id }, now),
            None => {
                state.inform("no hand-over is waiting for you", now);
                Vec::new()
            }
        };
    }
    let Some(view) = state.screens.major.selected() else {
        state.warn("no major incident selected (declare one with m on an incident)", now);
        return Vec::new();
    };
    let target = MajorTarget { id: view.id, reference: view.reference.clone() };
    match act {
        MajorAct::Notified => write(state, MajorCommand::Notified { major_id: target.id }, now),
        MajorAct::RetryDead => {
            // The ledger may be behind when the cockpit is not on screen: then the database decides.
            let stale = state.screens.major.deliveries_stale;
            if !stale && view.ledger.iter().all(|entry| entry.state != DeliveryState::Dead) {
                state.inform(format!("{}: no dead messages to send again", target.reference), now);
                return Vec::new();
            }
            write(state, MajorCommand::RetryDead { major_id: target.id }, now)
        }
        MajorAct::Update => open(state, FormPurpose::MajorUpdate(target), now),
        MajorAct::Call => {
            if view.calls.is_empty() {
                state.warn(
                    "no call tasks: this agreement's phone duty does not apply, or the contacts lack numbers",
                    now,
                );
                return Vec::new();
            }
            open(state, FormPurpose::MajorCall(target), now)
        }
        MajorAct::Role => open(state, FormPurpose::MajorRole(target), now),
        MajorAct::State | MajorAct::Close | MajorAct::Escalate => {
            let effects = open(state, FormPurpose::MajorState(target), now);
            preselect(state, act);
            effects
        }
        MajorAct::Report => {
            state.screens.major.report = None;
            let major_id = target.id;
            let mut effects = open(state, FormPurpose::Report(target), now);
            effects.push(Effect::Db(DbCommand::LoadReport { major_id }));
            effects
        }
        MajorAct::ExportReport => {
            state.screens.major.export_pending = Some(target.id);
            vec![Effect::Db(DbCommand::LoadReport { major_id: target.id })]
        }
        MajorAct::Handover | MajorAct::AcknowledgeHandover | MajorAct::AddShift | MajorAct::EditShift => Vec::new(),
    }
}

/// Escalate and close reuse the state form with their own choice selected.
fn preselect(state: &mut State, act: MajorAct) {
    if let Some(Overlay::Form(form)) = &mut state.overlay
        && let Some(field) = form.fields.first_mut()
    {
        match act {
            MajorAct::Escalate => field.select_value("escalate"),
            MajorAct::Close => field.select_value("closed"),
            _ => field.select_value("mitigated"),
        }
    }
}

/// Declaring from the board or the incident view.
pub fn declare(state: &mut State, target: ActionTarget, now: DateTime<Utc>) -> Vec<Effect> {
    if !state.user.as_ref().is_some_and(|u| u.rights.mim) {
        state.warn("only the MIM role (vakt_mim) declares major incidents", now);
        return Vec::new();
    }
    open(state, FormPurpose::Declare(target), now)
}

fn open(state: &mut State, purpose: FormPurpose, now: DateTime<Utc>) -> Vec<Effect> {
    let fields = fields_for(state, &purpose, now);
    let title = title_of(&purpose);
    crate::app::forms::open(state, purpose, title, fields);
    Vec::new()
}

fn title_of(purpose: &FormPurpose) -> String {
    match purpose {
        FormPurpose::Declare(t) => format!("Declare {} a major incident", t.reference),
        FormPurpose::MajorUpdate(m) => format!("Stakeholder update for {}", m.reference),
        FormPurpose::MajorCall(m) => format!("Log a call for {}", m.reference),
        FormPurpose::MajorRole(m) => format!("Role in {}", m.reference),
        FormPurpose::MajorState(m) => format!("Escalate or change the state of {}", m.reference),
        FormPurpose::Report(m) => format!("Post-incident report for {}", m.reference),
        FormPurpose::Handover => "Shift hand-over to the next MIM".into(),
        FormPurpose::AddShift => "Add a shift to the on-duty rota".into(),
        FormPurpose::EditShift => "Change or remove a shift of the rota".into(),
        _ => String::new(),
    }
}

pub(crate) fn yes_no() -> Vec<ChoiceOption> {
    vec![ChoiceOption::new("no", "no", ""), ChoiceOption::new("yes", "yes", "")]
}

/// The fields of the cockpit's forms (used by the generic form code too).
pub fn fields_for(state: &State, purpose: &FormPurpose, now: DateTime<Utc>) -> Vec<Field> {
    let view = |id: i64| state.screens.major.list.iter().find(|m| m.id == id);
    match purpose {
        FormPurpose::Declare(t) => {
            let service = state.screens.board.queue.find(t.id).map(|r| r.service.code.clone()).unwrap_or_default();
            vec![
                Field::line("affected services (codes, comma-separated)", &service, true).named("services"),
                Field::line("affected organisations (codes; empty: the services' owners)", "", false)
                    .named("organisations"),
                Field::area("impact", "", true),
                Field::choice("exercise", yes_no(), 0),
            ]
        }
        FormPurpose::MajorUpdate(m) => {
            // Stockholm and ROR name SMS as the channel to fall back on when the network is affected.
            let sms_is_fallback = view(m.id)
                .and_then(|v| agreement(state, v))
                .is_some_and(|a| a.spec().major.alternative_channels.contains(&crate::domain::major::ChannelKind::Sms));
            let sms_label = if sms_is_fallback {
                "also by SMS now (otherwise SMS follows where an e-mail fails three times)"
            } else {
                "also by SMS"
            };
            vec![
                Field::area("what happened", "", true),
                Field::area("cause", "", true),
                Field::line("expected resolution (YYYY-MM-DD HH:MM, or words)", "", true).named("eta"),
                Field::line("workaround", "", true),
                Field::choice(sms_label, yes_no(), 0).named("sms"),
            ]
        }
        FormPurpose::MajorCall(m) => {
            let tasks = view(m.id)
                .map(|v| {
                    v.calls
                        .iter()
                        .map(|c| {
                            let done = c.task.last_outcome().map_or("to do".into(), |o| o.to_string());
                            ChoiceOption::new(
                                c.id.to_string(),
                                format!("{} ({}, {}) {}", c.task.name, c.task.role, c.task.organisation, c.task.number),
                                done,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let outcomes = CallOutcome::ALL.iter().map(|o| ChoiceOption::new(o.as_str(), o.as_str(), "")).collect();
            vec![Field::choice("call", tasks, 0), Field::choice("outcome", outcomes, 0), Field::area("note", "", true)]
        }
        FormPurpose::MajorRole(_) => {
            let roles = MajorRole::ALL
                .iter()
                .map(|r| ChoiceOption::new(r.as_str(), r.as_str().replace('_', " "), ""))
                .collect();
            vec![
                Field::choice("role", roles, 0),
                Field::line("who (login, name or group)", "", true).named("who"),
                Field::line("for organisation", "", false).named("organisation"),
            ]
        }
        FormPurpose::MajorState(m) => {
            let proposed = view(m.id).and_then(|v| proposal(state, v, now));
            let hint = proposed
                .as_ref()
                .map_or("manual escalation".to_string(), |p| format!("proposed: {} — {}", p.level_name, p.reason));
            let options = vec![
                ChoiceOption::new("escalate", "escalate one level", hint.clone()),
                ChoiceOption::new("mitigated", "mitigated (impact contained)", ""),
                ChoiceOption::new("resolved", "resolved (drafts the post-incident report)", ""),
                ChoiceOption::new("closed", "closed", ""),
                ChoiceOption::new("declared", "back to declared (impact returned)", ""),
            ];
            let note = proposed.map_or(String::new(), |p| p.reason.to_string());
            vec![Field::choice("action", options, 0), Field::line("note / reason", &note, false).named("note")]
        }
        FormPurpose::Report(m) => {
            let findings = state
                .screens
                .major
                .report
                .as_ref()
                .filter(|draft| draft.major_id == m.id)
                .map(|draft| draft.report.findings.clone())
                .unwrap_or_default();
            let actions: Vec<String> = findings
                .actions
                .iter()
                .map(|a| format!("{} | {} | {}", a.text, a.owner, a.due.map_or(String::new(), |d| d.to_string())))
                .collect();
            vec![
                Field::area("summary", &findings.summary, true),
                Field::area("impact", &findings.impact, true),
                Field::area("root cause", &findings.root_cause, true),
                Field::area("actions (text | owner | YYYY-MM-DD, one per line)", &actions.join("\n"), false)
                    .named("actions"),
                Field::area("lessons", &findings.lessons, true),
                Field::choice("mark complete", yes_no(), 0).named("complete"),
            ]
        }
        FormPurpose::Handover => vec![Field::area("hand-over note", "", true).named("note")],
        FormPurpose::AddShift => {
            // The rota must stay continuous: the natural next shift starts where the last one ends.
            let local = |t: DateTime<Utc>| t.with_timezone(&state.zone).format("%Y-%m-%d %H:%M").to_string();
            let last = state.screens.major.rota.iter().max_by_key(|s| s.ends_at);
            let start = last.map_or(now, |s| s.ends_at);
            vec![
                Field::line("MIM on duty (login)", last.map_or("", |s| s.deputy.as_str()), true).named("mim"),
                Field::line("deputy (login)", last.map_or("", |s| s.mim.as_str()), true).named("deputy"),
                Field::line("from (YYYY-MM-DD HH:MM, your time)", &local(start), true).named("from"),
                Field::line("to (YYYY-MM-DD HH:MM, your time)", &local(start + chrono::Duration::hours(12)), true)
                    .named("to"),
            ]
        }
        FormPurpose::EditShift => {
            let local = |t: DateTime<Utc>| t.with_timezone(&state.zone).format("%a %d %b %H:%M").to_string();
            let shifts: Vec<ChoiceOption> = state
                .screens
                .major
                .rota
                .iter()
                .filter(|s| s.ends_at > now)
                .map(|s| {
                    let label = format!("{} – {}", local(s.starts_at), local(s.ends_at));
                    ChoiceOption::new(s.id.to_string(), label, format!("MIM {}, deputy {}", s.mim, s.deputy))
                })
                .collect();
            let actions = vec![
                ChoiceOption::new("reassign", "give it another MIM or deputy", ""),
                ChoiceOption::new("remove", "remove it (the rota must stay without gaps)", ""),
            ];
            vec![
                Field::choice("shift", shifts, 0),
                Field::choice("change", actions, 0),
                Field::line("new MIM on duty (login; empty: keep)", "", false).named("mim"),
                Field::line("new deputy (login; empty: keep)", "", false).named("deputy"),
            ]
        }
        _ => Vec::new(),
    }
}

/// Whether a form belongs to the cockpit.
pub fn owns(purpose: &FormPurpose) -> bool {
    matches!(
        purpose,
        FormPurpose::Declare(_)
            | FormPurpose::MajorUpdate(_)
            | FormPurpose::MajorCall(_)
            | FormPurpose::MajorRole(_)
            | FormPurpose::MajorState(_)
            | FormPurpose::Report(_)
            | FormPurpose::Handover
            | FormPurpose::AddShift
            | FormPurpose::EditShift
    )
}

pub fn submit(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &mut state.overlay else {
        return Vec::new();
    };
    let values = crate::app::form::Values::of(&form.fields);
    let report = state.screens.major.report.as_ref().map(|r| (r.major_id, r.version));
    match build(&form.purpose, &values, state.zone, report) {
        Ok(MajorCommand::Update { major_id, update, sms, .. }) => {
            let (request, mut effects) = update_request(state, major_id, &update, sms, now);
            effects.extend(preview(state, MajorCommand::Update { major_id, update, sms, request }, now));
            effects
        }
        Ok(command) => write(state, command, now),
        Err(message) => {
            form.error = Some(message);
            Vec::new()
        }
    }
}

fn build(
    purpose: &FormPurpose,
    values: &crate::app::form::Values,
    zone: chrono_tz::Tz,
    report: Option<(i64, i32)>,
) -> Result<MajorCommand, String> {
    let value = |name: &str| values.text(name);
    let optional = |name: &str| values.optional(name);
    let list = |name: &str| -> Vec<String> {
        value(name).split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    };
    Ok(match purpose {
        FormPurpose::Declare(t) => MajorCommand::Declare {
            incident_id: t.id,
            services: list("services"),
            organisations: list("organisations"),
            impact: value("impact"),
            exercise: values.yes("exercise"),
        },
        FormPurpose::MajorUpdate(m) => {
            let eta = value("eta");
            let expected_resolution = match wall_clock::parse_minute(&eta, zone) {
                Ok(at) => Eta::At(at),
                Err(e @ (WallClockError::DaylightSavingGap { .. } | WallClockError::OutOfRange(_))) => {
                    return Err(e.to_string());
                }
                Err(_) if Eta::looks_like_a_date(&eta) => {
                    return Err(format!("expected resolution '{}' is not a date YYYY-MM-DD HH:MM", eta.trim()));
                }
                Err(_) => Eta::Unknown(eta),
            };
            let update = StatusUpdate {
                what_happened: value("what happened"),
                cause: value("cause"),
                expected_resolution,
                workaround: value("workaround"),
            };
            MajorCommand::Update { major_id: m.id, update, sms: values.yes("sms"), request: String::new() }
        }
        FormPurpose::MajorCall(_) => MajorCommand::Call {
            task_id: value("call").parse().map_err(|_| "choose a call".to_string())?,
            outcome: value("outcome").parse()?,
            note: value("note"),
        },
        FormPurpose::MajorRole(m) => {
            let role = value("role").parse()?;
            MajorCommand::Role { major_id: m.id, role, person: value("who"), organisation: optional("organisation") }
        }
        FormPurpose::MajorState(m) => match value("action").as_str() {
            "escalate" => MajorCommand::Escalate {
                major_id: m.id,
                reason: EscalationReason::Manual {
                    note: optional("note").unwrap_or_else(|| "escalated by the MIM".into()),
                },
            },
            other => MajorCommand::State { major_id: m.id, to: other.parse::<MajorState>()?, note: value("note") },
        },
        FormPurpose::Report(m) => {
            let (id, version) = report.filter(|(id, _)| *id == m.id).ok_or(
                "the report is still loading (or not drafted yet: it is drafted when the major incident is resolved)",
            )?;
            let actions = value("actions")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(FollowUp::parse_line)
                .collect::<Result<Vec<_>, String>>()?;
            let findings = ReportFindings {
                summary: value("summary"),
                impact: value("impact"),
                root_cause: value("root cause"),
                actions,
                lessons: value("lessons"),
            };
            MajorCommand::Report { major_id: id, findings, complete: values.yes("complete"), version }
        }
        FormPurpose::Handover => MajorCommand::Handover { note: value("note"), zone },
        FormPurpose::AddShift => {
            let at = |name: &str, what: &str| -> Result<DateTime<Utc>, String> {
                wall_clock::parse_minute(&value(name), zone).map_err(|e| format!("{what}: {e}"))
            };
            let shift = Shift {
                mim: value("mim").trim().to_string(),
                deputy: value("deputy").trim().to_string(),
                start: at("from", "from")?,
                end: at("to", "to")?,
            };
            MajorCommand::AddShift { shift, zone }
        }
        FormPurpose::EditShift => {
            let id = value("shift").parse().map_err(|_| "choose a shift".to_string())?;
            if value("change") == "remove" {
                MajorCommand::RemoveShift { id }
            } else {
                let (mim, deputy) =
                    (optional("mim").map(|m| m.trim().to_string()), optional("deputy").map(|d| d.trim().to_string()));
                if mim.is_none() && deputy.is_none() {
                    return Err("give a new MIM or a new deputy (or choose remove)".into());
                }
                MajorCommand::ReassignShift { id, mim, deputy }
            }
        }
        _ => return Err("not a major-incident form".into()),
    })
}

/// Who the update reaches, by channel, so the MIM sees a missing address before sending, not after.
fn recipient_lines(view: &MajorView, sms: bool) -> Vec<String> {
    let organisations = view.major.declaration.organisations.join(", ");
    let list = |pick: &dyn Fn(&crate::app::model::ContactEntry) -> Option<String>| -> Vec<String> {
        view.recipients.iter().filter_map(|r| pick(r).map(|to| format!("{} <{to}>", r.name))).collect()
    };
    let emails = list(&|r| r.email.clone());
    let mobiles = list(&|r| r.mobile.clone());
    let hooks = list(&|r| r.webhook_host.clone());
    let mut lines = Vec::new();
    if emails.is_empty() {
        lines.push(format!("No contact of {organisations} has an e-mail address: nobody will be e-mailed."));
    } else {
        lines.push(format!("E-mail to {} contact(s) of {organisations}: {}", emails.len(), emails.join(", ")));
    }
    if sms && !mobiles.is_empty() {
        lines.push(format!("SMS to {}", mobiles.join(", ")));
    }
    if !hooks.is_empty() {
        lines.push(format!("Webhook channels: {}", hooks.join(", ")));
    }
    lines
}

/// Shows the update as e-mail, SMS and chat will show it; Enter sends, Esc goes back to the text.
fn preview(state: &mut State, command: MajorCommand, now: DateTime<Utc>) -> Vec<Effect> {
    let MajorCommand::Update { major_id, update, sms, .. } = &command else {
        return Vec::new();
    };
    let Some(view) = state.screens.major.list.iter().find(|m| m.id == *major_id) else {
        return write(state, command, now);
    };
    let Some(agreement) = agreement(state, view) else {
        return write(state, command, now);
    };
    if let Err(e) = update.validate(now, agreement.zone()) {
        if let Some(Overlay::Form(form)) = &mut state.overlay {
            form.error = Some(e.to_string());
        }
        return Vec::new();
    }
    let policy = &agreement.spec().major;
    let next = policy.cadence.interval_for(&view.major.declaration.priority).map(|i| now + i);
    let sequence = u32::try_from(view.updates + 1).unwrap_or(u32::MAX);
    let header = major::MessageHeader::for_major(
        &view.major,
        sequence,
        now,
        next,
        policy.lang(agreement.spec().region),
        agreement.zone(),
    );
    let email = major::render_email(&header, update);
    let text = major::render_sms(&header, update);
    let mut lines = recipient_lines(view, *sms);
    lines.extend([format!("Subject: {}", email.subject), String::new()]);
    lines.extend(email.body.lines().map(String::from));
    lines.push(String::new());
    if *sms {
        let encoding = match text.encoding {
            major::SmsEncoding::Gsm7 => "GSM-7",
            major::SmsEncoding::Ucs2 => "UCS-2",
        };
        let shortened = if text.truncated { ", shortened" } else { "" };
        lines.push(format!("SMS to their mobiles ({} {encoding} units{shortened}):", text.units));
        lines.push(text.text.clone());
    } else {
        lines.push(format!("SMS not selected ({} units if it were)", text.units));
    }
    let generic = major::render_webhook(major::WebhookPreset::Generic, &header, update);
    lines.push(String::new());
    lines.push(format!(
        "Webhook channels (as generic JSON; Slack and Teams channels get the same fields in their layout): {}",
        serde_json::to_string(&generic).unwrap_or_default()
    ));
    let form = match state.overlay.take() {
        Some(Overlay::Form(form)) => Box::new(form),
        other => {
            state.overlay = other;
            return write(state, command, now);
        }
    };
    state.overlay =
        Some(Overlay::Preview(crate::app::state::Preview { command, lines, form, error: None, saving: false }));
    Vec::new()
}

/// The request key of the update to `major_id` being sent: the one made for an earlier attempt of the same text
/// that got no answer, or a new one from this console's id and the time (unique per console; the app draws no
/// random numbers). It is kept with the drafts, so it outlives a restart between a lost answer and the attempt
/// after it, and saved at once, before the first attempt leaves. A different text is a new request: were it sent
/// under the old key, an earlier attempt that did get recorded would swallow it.
fn update_request(
    state: &mut State,
    major_id: i64,
    update: &StatusUpdate,
    sms: bool,
    now: DateTime<Utc>,
) -> (String, Vec<Effect>) {
    let draft_key = update_request_draft_key(major_id);
    let content = serde_json::to_string(&(update, sms)).unwrap_or_default();
    if let Some(Draft::ByName(kept)) = state.drafts.get(&draft_key)
        && kept.get(CONTENT_FIELD) == Some(&content)
        && let Some(key) = kept.get(REQUEST_FIELD)
    {
        return (key.clone(), Vec::new());
    }
    let key = format!("{}-{major_id}-{}", state.presence.console_id, now.timestamp_micros());
    let kept = [(REQUEST_FIELD.to_string(), key.clone()), (CONTENT_FIELD.to_string(), content)];
    state.drafts.insert(draft_key, Draft::ByName(kept.into()));
    (key, vec![Effect::SaveDrafts(state.drafts.clone())])
}

/// Where the drafts keep the request key of the update to `major_id` that is not yet known to be recorded.
pub fn update_request_draft_key(major_id: i64) -> String {
    format!("{UPDATE_REQUEST_PREFIX}{major_id}")
}

pub const UPDATE_REQUEST_PREFIX: &str = "major-update-request:";

const REQUEST_FIELD: &str = "request key";
const CONTENT_FIELD: &str = "sent text";

/// Enter in the preview: send.
pub fn send_preview(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Preview(preview)) = &mut state.overlay else {
        return Vec::new();
    };
    if preview.saving {
        return Vec::new();
    }
    if let Connection::Offline { .. } = state.link.connection {
        preview.error = Some("offline: not sent; your text is kept as a draft".into());
        return Vec::new();
    }
    preview.saving = true;
    preview.error = None;
    vec![Effect::Db(DbCommand::Major(preview.command.clone()))]
}

/// Esc in the preview: back to the text.
pub fn cancel_preview(state: &mut State) {
    if let Some(Overlay::Preview(preview)) = state.overlay.take() {
        let mut form = *preview.form;
        form.saving = false;
        state.overlay = Some(Overlay::Form(form));
    }
}

fn write(state: &mut State, command: MajorCommand, now: DateTime<Utc>) -> Vec<Effect> {
    crate::app::forms::send(state, Effect::Db(DbCommand::Major(command)), now)
}

pub fn written(state: &mut State, what: String, result: Result<(), WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    match result {
        Ok(()) => {
            // The update is recorded: the next one is a new request.
            let recorded = match &state.overlay {
                Some(Overlay::Preview(preview)) => match &preview.command {
                    MajorCommand::Update { major_id, .. } => Some(*major_id),
                    _ => None,
                },
                _ => None,
            };
            let mut effects = vec![Effect::Db(DbCommand::LoadMajors)];
            let forgotten = recorded.is_some_and(|id| state.drafts.remove(&update_request_draft_key(id)).is_some());
            let succeeded = crate::app::forms::succeeded(state);
            if forgotten && succeeded.is_empty() {
                effects.push(Effect::SaveDrafts(state.drafts.clone()));
            }
            effects.extend(succeeded);
            if what.starts_with("declared") {
                state.screen = crate::app::Screen::Major;
                state.screens.board.incident = None;
            }
            state.inform(what, now);
            effects
        }
        Err(error) => {
            crate::app::forms::failed(state, error.message().to_string(), now);
            Vec::new()
        }
    }
}

/// A report arrived: export it if that was asked for, and fill the open report form with it (unless the user
/// has typed already).
pub fn report_loaded(
    state: &mut State,
    major_id: i64,
    report: Option<(Box<major::PostIncidentReport>, i32)>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.screens.major.export_pending == Some(major_id) {
        state.screens.major.export_pending = None;
        let view = state.screens.major.list.iter().find(|m| m.id == major_id);
        match (&report, view.and_then(|v| agreement(state, v))) {
            (Some((report, _)), Some(agreement)) => {
                let lang = agreement.spec().major.lang(agreement.spec().region);
                let stem = report_file_stem(&report.header.reference);
                effects.push(Effect::ExportReport {
                    stem,
                    markdown: crate::report::pir::markdown(report, lang, agreement.zone()),
                    html: crate::report::pir::html(report, lang, agreement.zone()),
                });
            }
            _ => state.warn("no report yet: it is drafted when the major incident is resolved", now),
        }
    }
    let Some((report, version)) = report else {
        if let Some(Overlay::Form(form)) = &mut state.overlay
            && matches!(form.purpose, FormPurpose::Report(_))
        {
            form.error = Some("no report yet: it is drafted when the major incident is resolved (s → resolved)".into());
        }
        return effects;
    };
    state.screens.major.report = Some(crate::app::model::ReportDraft { major_id, report: *report, version });
    let draft_exists =
        matches!(&state.overlay, Some(Overlay::Form(f)) if state.drafts.contains_key(&f.purpose.draft_key()));
    if let Some(Overlay::Form(form)) = &state.overlay
        && matches!(form.purpose, FormPurpose::Report(_))
        && !draft_exists
    {
        let purpose = form.purpose.clone();
        let fields = fields_for(state, &purpose, now);
        if let Some(Overlay::Form(form)) = &mut state.overlay {
            form.fields = fields;
        }
    }
    effects
}

/// The file name (without extension) of an exported report. The reference comes from the database; only safe
/// characters go into a file name, so no reference can point the export outside the reports directory.
pub fn report_file_stem(reference: &str) -> String {
    let safe: String = reference.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{safe}-post-incident-report")
}
