//! `vakt major …`: running major incidents from scripts.

use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde::Serialize;

use super::output::{self, Format};
use super::when::instant;
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::majors::{self, DeclareRequest, MajorView};
use crate::db::{incidents, pir};
use crate::domain::major::{self, CallOutcome, EscalationReason, Eta, FollowUp, MajorRole, MajorState, StatusUpdate};
use crate::domain::text::one_line;

#[derive(Debug, Subcommand)]
pub enum MajorCommand {
    /// Declare a major incident on an incident.
    Declare {
        reference: String,
        /// Affected service codes, comma-separated (default: the incident's service).
        #[arg(long, value_delimiter = ',')]
        services: Vec<String>,
        /// Affected organisation codes, comma-separated (default: the services' owners).
        #[arg(long, value_delimiter = ',')]
        organisations: Vec<String>,
        /// The impact, in words: who cannot do what (default: the incident's title).
        #[arg(long, default_value = "")]
        impact: String,
        /// An exercise: runs the same way, marked in every message, excluded from SLA figures.
        #[arg(long)]
        exercise: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Send a stakeholder update (the four fields Stockholm's service description requires).
    Update {
        reference: String,
        #[arg(long)]
        what: String,
        #[arg(long)]
        cause: String,
        /// Expected resolution: an RFC 3339 instant, "YYYY-MM-DD HH:MM" in the agreement's zone, or words.
        #[arg(long)]
        eta: String,
        #[arg(long)]
        workaround: String,
        /// Also by SMS to the contacts' mobiles (the alternative channel when the network is affected).
        #[arg(long)]
        sms: bool,
    },
    /// Escalate one level up the agreement's ladder.
    Escalate {
        reference: String,
        /// Why (recorded).
        #[arg(long, default_value = "manual escalation")]
        reason: String,
        /// To whom, if not the level's usual person.
        #[arg(long)]
        whom: Option<String>,
    },
    /// Move to mitigated or resolved (resolved drafts the post-incident report).
    State {
        reference: String,
        /// declared, mitigated, resolved or closed.
        state: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close the major incident.
    Close {
        reference: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Give someone a role: incident_manager, communications_lead, scribe, technical_lead, supplier_liaison …
    Role {
        reference: String,
        role: String,
        person: String,
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Log a phone-duty call: reached, not_reached or voicemail, with a note.
    Call {
        reference: String,
        /// The call task's number (from `vakt major show`).
        #[arg(long)]
        task: i64,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        note: String,
    },
    /// Close the "notify" step (refused while an organisation lacks an e-mail, or a required call).
    Notified { reference: String },
    /// Show a major incident: roles, cadence, escalation, ledger, calls.
    Show {
        reference: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The post-incident report as Markdown or HTML (drafted when resolved).
    Report {
        reference: String,
        /// markdown or html.
        #[arg(long, default_value = "markdown")]
        format: String,
        /// Mark the report complete (refused while required sections are empty).
        #[arg(long)]
        complete: bool,
        /// Set the summary (before printing or completing).
        #[arg(long)]
        summary: Option<String>,
        /// Set the impact.
        #[arg(long)]
        impact: Option<String>,
        /// Set the root cause.
        #[arg(long)]
        root_cause: Option<String>,
        /// Set the lessons learned.
        #[arg(long)]
        lessons: Option<String>,
        /// Replace the actions; repeat for each: "text | owner | YYYY-MM-DD".
        #[arg(long = "action")]
        actions: Vec<String>,
    },
}

async fn major_id(pool: &sqlx::PgPool, reference: &str) -> Result<i64, CliError> {
    Ok(majors::id_by_incident_ref(pool, reference).await?)
}

pub async fn run(command: &MajorCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        MajorCommand::Declare { reference, services, organisations, impact, exercise, format } => {
            let id = incidents::id_by_ref(&pool, reference).await?;
            let impact = match impact.trim() {
                "" => incidents::summary_by_id(&pool, id).await?.map(|s| s.title).unwrap_or_default(),
                given => given.to_string(),
            };
            let request = DeclareRequest {
                services: services.clone(),
                organisations: organisations.clone(),
                impact,
                exercise: *exercise,
            };
            let view = majors::declare(&pool, id, &request).await?;
            print_major(&pool, &view, *format).await?;
        }
        MajorCommand::Update { reference, what, cause, eta, workaround, sms } => {
            let id = major_id(&pool, reference).await?;
            let expected_resolution = match instant("--eta", eta) {
                Ok(at) => Eta::At(at),
                Err(e) if Eta::looks_like_a_date(eta) => return Err(e),
                Err(_) => Eta::Unknown(eta.clone()),
            };
            let update = StatusUpdate {
                what_happened: what.clone(),
                cause: cause.clone(),
                expected_resolution,
                workaround: workaround.clone(),
            };
            let outcome = majors::send_update(&pool, id, &update, *sms).await?;
            println!(
                "update {} queued: {} e-mail, {} SMS, {} webhook (vakt serve delivers them)",
                outcome.sequence, outcome.emails, outcome.sms, outcome.webhooks
            );
            if outcome.total() == 0 {
                eprintln!(
                    "vakt: warning: the affected organisations have no contacts; add them with `vakt contact add`"
                );
            }
        }
        MajorCommand::Escalate { reference, reason, whom } => {
            let id = major_id(&pool, reference).await?;
            let view =
                majors::escalate(&pool, id, None, whom.clone(), EscalationReason::Manual { note: reason.clone() })
                    .await?;
            let step = view.major.escalations.last();
            let level = step.map_or("?", |s| s.level_name.as_str());
            println!("{}", one_line(&format!("{} escalated to {level}", view.reference)));
        }
        MajorCommand::State { reference, state, note } => {
            let to: MajorState = state.parse().map_err(CliError::bad_input)?;
            let id = major_id(&pool, reference).await?;
            let view = majors::set_state(&pool, id, to, note).await?;
            println!("{} is {}", one_line(&view.reference), view.major.state);
        }
        MajorCommand::Close { reference, note } => {
            let id = major_id(&pool, reference).await?;
            let view = majors::set_state(&pool, id, MajorState::Closed, note).await?;
            println!("{} is {}", one_line(&view.reference), view.major.state);
        }
        MajorCommand::Role { reference, role, person, organisation } => {
            let role: MajorRole = role.parse().map_err(CliError::bad_input)?;
            let id = major_id(&pool, reference).await?;
            majors::assign_role(&pool, id, role, person, organisation.as_deref()).await?;
            println!("{} is {role}", one_line(person));
        }
        MajorCommand::Call { reference, task, outcome, note } => {
            let outcome: CallOutcome = outcome.parse().map_err(CliError::bad_input)?;
            let id = major_id(&pool, reference).await?;
            let view = majors::load(&pool, id).await?;
            if !view.calls.iter().any(|c| c.id == *task) {
                return Err(CliError::bad_input(format!("{reference} has no call task {task}")));
            }
            majors::log_call(&pool, *task, outcome, note).await?;
            println!("call logged");
        }
        MajorCommand::Notified { reference } => {
            let id = major_id(&pool, reference).await?;
            majors::complete_notify(&pool, id).await?;
            println!("{}: notify step complete", one_line(reference));
        }
        MajorCommand::Show { reference, format } => {
            let id = major_id(&pool, reference).await?;
            print_major(&pool, &majors::load(&pool, id).await?, *format).await?;
        }
        MajorCommand::Report { reference, format, complete, summary, impact, root_cause, lessons, actions } => {
            let id = major_id(&pool, reference).await?;
            let edits = [summary, impact, root_cause, lessons];
            if edits.iter().any(|e| e.is_some()) || !actions.is_empty() {
                let (mut report, version) = pir::get(&pool, id).await?.ok_or_else(|| {
                    CliError::bad_input("no report yet: it is drafted when the major incident is resolved")
                })?;
                let findings = &mut report.findings;
                for (field, value) in [
                    (&mut findings.summary, summary),
                    (&mut findings.impact, impact),
                    (&mut findings.root_cause, root_cause),
                    (&mut findings.lessons, lessons),
                ] {
                    if let Some(value) = value {
                        *field = value.clone();
                    }
                }
                if !actions.is_empty() {
                    findings.actions = actions
                        .iter()
                        .map(|a| FollowUp::parse_line(a))
                        .collect::<Result<_, _>>()
                        .map_err(CliError::bad_input)?;
                }
                pir::save(&pool, id, &report, version).await?;
            }
            let report = if *complete {
                pir::complete(&pool, id).await?
            } else {
                pir::get(&pool, id).await?.map(|(r, _)| r).ok_or_else(|| {
                    CliError::bad_input("no report yet: it is drafted when the major incident is resolved")
                })?
            };
            let view = majors::load(&pool, id).await?;
            let agreement = majors::agreement_of(&pool, view.agreement_version_id).await?;
            let lang = agreement.spec().major.lang(agreement.spec().region);
            match format.as_str() {
                "markdown" | "md" => {
                    print!(
                        "{}",
                        crate::domain::text::block(&crate::report::pir::markdown(&report, lang, agreement.zone()))
                    )
                }
                "html" => {
                    print!("{}", crate::domain::text::block(&crate::report::pir::html(&report, lang, agreement.zone())))
                }
                other => {
                    return Err(CliError::bad_input(format!("unknown report format '{other}' (markdown or html)")));
                }
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct Cockpit<'a> {
    #[serde(flatten)]
    view: &'a MajorView,
    /// When the next stakeholder update is due, and its state (on_time, due_soon, overdue, missed).
    next_update_due: Option<DateTime<Utc>>,
    cadence: Option<String>,
    /// The escalation the ladder suggests now, if any.
    proposal: Option<major::Proposal>,
}

async fn print_major(pool: &sqlx::PgPool, view: &MajorView, format: Format) -> CliResult {
    let agreement = majors::agreement_of(pool, view.agreement_version_id).await?;
    let now = Utc::now();
    let policy = &agreement.spec().major;
    let cadence = major::major_cadence(&view.major, &policy.cadence, view.last_update_at, now);
    let proposal = policy
        .escalation
        .as_ref()
        .and_then(|ladder| major::propose(ladder, &view.major, &view.clocks, cadence.as_ref(), &[]));
    let cockpit = Cockpit {
        view,
        next_update_due: cadence.as_ref().map(|c| c.due),
        cadence: cadence.as_ref().map(|c| cadence_word(c.state).to_string()),
        proposal,
    };
    match format {
        Format::Json => print!("{}", output::json(&cockpit)),
        _ => print!("{}", show(&cockpit, super::when::zone())),
    }
    Ok(())
}

/// `vakt major show` for a terminal. Titles, names, services, levels and reasons come from the database (or an
/// agreement anyone with the rights may edit): every line is neutralised, so none of them can drive the terminal.
fn show(cockpit: &Cockpit, zone: chrono_tz::Tz) -> String {
    let view = cockpit.view;
    let at = |t: DateTime<Utc>| super::when::local_in(t, zone);
    let d = &view.major.declaration;
    let exercise = if d.exercise { " [EXERCISE]" } else { "" };
    let mut lines = vec![
        format!("{} {} · {} {} · {}{exercise}", view.reference, d.title, d.agreement, d.priority, view.major.state),
        format!("declared {} by {} · level {} · updates sent {}", at(d.at), d.by, view.major.level(), view.updates),
        format!("services {} · organisations {}", d.services.join(", "), d.organisations.join(", ")),
    ];
    for role in view.major.roles.iter().filter(|r| r.renounced_at.is_none()) {
        lines.push(format!("  {}: {}", role.role, role.person));
    }
    let mut out: String = lines.iter().map(|line| format!("{}\n", one_line(line))).collect();
    let escalations: Vec<Vec<String>> = view
        .major
        .escalations
        .iter()
        .map(|e| vec![at(e.at), e.level_name.clone(), e.whom.clone(), e.by.clone(), e.reason.to_string()])
        .collect();
    if !escalations.is_empty() {
        out.push('\n');
        out.push_str(&output::table(&["escalated", "level", "to", "by", "why"], &escalations));
    }
    let rows: Vec<Vec<String>> = view
        .ledger
        .iter()
        .map(|e| vec![at(e.at), e.channel.to_string(), e.audience.clone(), e.state.to_string(), e.text.clone()])
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&output::table(&["at", "channel", "audience", "state", "what"], &rows));
    }
    let calls: Vec<Vec<String>> = view
        .calls
        .iter()
        .map(|c| {
            let done = c.task.last_outcome().map_or("to do".to_string(), |o| o.to_string());
            vec![
                c.id.to_string(),
                c.task.organisation.clone(),
                c.task.name.clone(),
                c.task.role.clone(),
                c.task.number.clone(),
                done,
            ]
        })
        .collect();
    if !calls.is_empty() {
        out.push('\n');
        out.push_str(&output::table(&["task", "organisation", "name", "role", "number", "call"], &calls));
    }
    if let Some(due) = cockpit.next_update_due {
        out.push_str(&format!("next update due {} ({})\n", at(due), cockpit.cadence.as_deref().unwrap_or("")));
    }
    if let Some(p) = &cockpit.proposal {
        out.push_str(&format!("{}\n", one_line(&format!("proposed escalation: {} — {}", p.level_name, p.reason))));
    }
    out
}

fn cadence_word(state: major::CadenceState) -> &'static str {
    match state {
        major::CadenceState::OnTime => "on_time",
        major::CadenceState::DueSoon => "due_soon",
        major::CadenceState::Overdue => "overdue",
        major::CadenceState::Missed => "missed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::major::test_support::altinn_major;

    #[test]
    fn show_cannot_drive_the_terminal() {
        let mut major = altinn_major(false);
        major.declaration.title = "SBL nede\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}gnp.exe".into();
        major.declaration.by = "anna\u{9b}31m".into();
        major.declaration.services = vec!["sbl\n\rrm -rf".into()];
        major.declaration.agreement = "ALTINN\u{2028}".into();
        let view = MajorView {
            id: 7,
            incident_id: 1,
            reference: "INC-2026-0042\u{e0041}".into(),
            agreement_version_id: 1,
            major,
            last_update_at: None,
            updates: 0,
            clocks: Vec::new(),
            ledger: Vec::new(),
            calls: Vec::new(),
            timeline: Vec::new(),
            recipients: Vec::new(),
            version: 1,
        };
        let proposal = major::Proposal {
            level: 1,
            level_name: "Leder\u{1b}[31m".into(),
            whom: None,
            reason: EscalationReason::Manual { note: "fordi\u{1b}[2J".into() },
        };
        let cockpit = Cockpit {
            view: &view,
            next_update_due: Some(view.major.declaration.at),
            cadence: Some("overdue".into()),
            proposal: Some(proposal),
        };
        let out = show(&cockpit, chrono_tz::Europe::Oslo);
        let controls: Vec<char> = out.chars().filter(|c| c.is_control() && *c != '\n').collect();
        assert!(controls.is_empty(), "{controls:?} in {out}");
        for hidden in ['\u{202e}', '\u{2028}', '\u{e0041}'] {
            assert!(!out.contains(hidden), "{hidden:?} in {out}");
        }
        assert!(
            out.starts_with("INC-2026-0042<U+E0041> SBL nede␛]0;pwned␇␛[2J<U+202E>gnp.exe · ALTINN<U+2028> A"),
            "{out}"
        );
        assert!(out.contains("by anna<U+009B>31m") && out.contains("services sbl⏎⏎rm -rf"), "{out}");
        assert!(out.contains("declared 2026-03-02T14:00:00+01:00") && out.contains("next update due"), "{out}");
        assert!(out.contains("proposed escalation: Leder␛[31m — "), "{out}");
        assert_eq!(out.lines().count(), 6, "one line each: {out}");
    }
}
