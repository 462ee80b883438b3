//! `vakt incident …`: the scripting interface to incidents. Every action is the same database operation the
//! console performs, with the same rules and rights.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::app::model::IncidentSummary;
use crate::config::Settings;
use crate::db::lifecycle::{self, NewIncident};
use crate::db::{DbError, incidents};
use crate::domain::agreement::spec::TargetKind;
use crate::domain::incident::lifecycle::IncidentAction;
use crate::domain::incident::{Channel, SupportLine};
use crate::domain::sla::record::ClockRecord;
use crate::domain::text;
use crate::ui::format;

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// List incidents: the whole open queue with --open, otherwise the most recent ones (--limit, default 200),
    /// then sorted.
    List {
        /// Only open incidents.
        #[arg(long)]
        open: bool,
        /// deadline (time to breach), priority, age or reference.
        #[arg(long, default_value = "deadline")]
        sort: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// At most this many: the most recent ones without --open (default 200), the first after sorting with it.
        #[arg(long)]
        limit: Option<i64>,
    },
    /// The services incidents can be registered on, with their owner and agreement.
    Services {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show one incident with its clocks and history.
    Show {
        /// The reference, e.g. INC-10423.
        reference: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Register a new incident; prints its reference.
    New(NewArgs),
    /// Acknowledge (first response).
    Ack(Target),
    /// Assign to a person, a support line and/or a group or supplier.
    Assign {
        #[command(flatten)]
        target: Target,
        /// The assignee's login.
        #[arg(long)]
        to: Option<String>,
        /// 1st, 2nd, 3rd or supplier.
        #[arg(long)]
        line: Option<String>,
        /// A group or supplier, in words.
        #[arg(long)]
        group: Option<String>,
    },
    /// Change the priority (prints the deadlines before and after).
    Priority {
        #[command(flatten)]
        target: Target,
        /// The new priority in the agreement's own words.
        label: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Pause the clocks, for a reason the agreement allows.
    Pause {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        reason: String,
    },
    /// Resume paused clocks.
    Resume(Target),
    /// Record that a workaround is in place.
    Workaround(Target),
    /// Record that the solution is described (Altinn: stops the resolution clock).
    Solution(Target),
    /// Record that the supplier solved and closed the case (Altinn: starts the feedback clock).
    SupplierClosed(Target),
    /// Log feedback given to the reporter.
    Feedback {
        #[command(flatten)]
        target: Target,
        /// email, phone or sms.
        #[arg(long, default_value = "email")]
        channel: String,
        #[arg(long)]
        text: String,
    },
    /// Resolve. A master incident with open children says so; --children resolves them too, each through its own
    /// lifecycle (its own clocks and history).
    Resolve {
        #[command(flatten)]
        target: Target,
        /// Also resolve the master's open children.
        #[arg(long)]
        children: bool,
    },
    /// Master incidents (one master ticket across suppliers): attach children, detach one, or list them.
    Master {
        /// The master incident, e.g. INC-10423.
        reference: String,
        /// Children to attach, comma-separated (INC-2,INC-3).
        #[arg(long, value_delimiter = ',', conflicts_with = "detach")]
        children: Vec<String>,
        /// A child to detach.
        #[arg(long)]
        detach: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Close a resolved incident.
    Close(Target),
    /// Reopen a resolved or closed incident.
    Reopen(Target),
    /// Add a note to the history.
    Note {
        #[command(flatten)]
        target: Target,
        /// The note (or use --file).
        text: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Link two incidents that have the same cause.
    Link {
        #[command(flatten)]
        target: Target,
        other: String,
    },
    /// ROR: record an agreed new plan for a target that cannot be met.
    Replan {
        #[command(flatten)]
        target: Target,
        /// response or resolution.
        #[arg(long, default_value = "resolution")]
        clock: String,
        /// The agreed new due instant (RFC 3339).
        #[arg(long)]
        due: String,
        /// innmelder, systemeier or systemansvarlig.
        #[arg(long)]
        counterpart: String,
        #[arg(long)]
        reason: String,
    },
    /// Altinn: deprioritise a C that has a workaround.
    Deprioritise {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        reason: String,
    },
    /// Flag (or with --clear, unflag) a security incident; with --personal-data, flag (or clear) that it involves
    /// personal data. Anyone who works incidents may flag; only a login cleared for security incidents
    /// (vakt_security, admins) may clear the security flag, since that shows its description and notes to all.
    Security {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        clear: bool,
        /// The personal-data flag (a GDPR personal-data breach) instead of the security flag.
        #[arg(long)]
        personal_data: bool,
    },
    /// Record that a notification to an authority was made (a duty of the agreement: nis2-early,
    /// nis2-notification, nis2-final, gdpr-breach …).
    Notified {
        #[command(flatten)]
        target: Target,
        /// The duty's code, as `vakt incident show` lists them.
        duty: String,
        /// When it was made (RFC 3339 or local "YYYY-MM-DD HH:MM"); now when left out.
        #[arg(long)]
        at: Option<String>,
        /// A reference or remark (the authority's case number); readable by cleared logins only.
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct Target {
    /// The incident's reference, e.g. INC-10423.
    pub reference: String,
    /// Refuse (exit 4) if the incident is no longer at this version.
    #[arg(long)]
    pub if_version: Option<i32>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Service code, e.g. SBL or MOLDE-EPJ.
    #[arg(long)]
    pub service: String,
    /// In the agreement's own words (A, Kritisk, intefunktion …); may be set later.
    #[arg(long)]
    pub priority: Option<String>,
    #[arg(long)]
    pub title: String,
    /// A file with the description ("-" reads standard input).
    #[arg(long)]
    pub description_file: Option<PathBuf>,
    #[arg(long, default_value = "")]
    pub reporter: String,
    /// web, email, phone, sms or monitoring.
    #[arg(long)]
    pub channel: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const HEADERS: [&str; 11] = [
    "reference",
    "priority",
    "service",
    "organisation",
    "agreement",
    "status",
    "support_line",
    "assignee",
    "received_at",
    "next_due",
    "title",
];

/// An incident as `show --format json` prints it: the detail, and its master, children and problems.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    detail: &'a crate::app::model::IncidentDetail,
    #[serde(flatten)]
    relations: &'a super::incident_master::Relations,
}

/// A listed incident with its clocks, their states brought up to now.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    summary: &'a IncidentSummary,
    clocks: Vec<ClockRecord>,
}

pub async fn run(command: &IncidentCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    let now = Utc::now();
    match command {
        IncidentCommand::List { open, sort, format, limit } => {
            let limit = limit.map(|n| n.max(0));
            let mut list = if *open {
                incidents::list_open_with_clocks(&pool).await?
            } else {
                incidents::list_recent_with_clocks(&pool, limit.unwrap_or(200)).await?
            };
            sort_list(&mut list, sort)?;
            if let Some(n) = limit {
                list.truncate(usize::try_from(n).unwrap_or(0));
            }
            print!("{}", render_list(&list, *format, now));
        }
        IncidentCommand::Services { format } => {
            let services = incidents::services(&pool).await?;
            let headers = ["code", "name", "organisation", "agreement"];
            let rows: Vec<Vec<String>> = services
                .iter()
                .map(|s| vec![s.code.clone(), s.name.clone(), s.organisation.clone(), s.agreement.clone()])
                .collect();
            print!("{}", output::render(*format, &headers, &rows, &services));
        }
        IncidentCommand::Show { reference, format } => {
            let id = incidents::id_by_ref(&pool, reference).await?;
            let detail = incidents::detail_by_id(&pool, id)
                .await?
                .ok_or_else(|| CliError::bad_input(format!("no incident with reference '{reference}'")))?;
            let relations = super::incident_master::relations(&pool, id).await?;
            match format {
                Format::Json => print!("{}", output::json(&Shown { detail: &detail, relations: &relations })),
                Format::Table | Format::Csv => {
                    print!("{}", describe(&detail, now));
                    print!("{}", super::incident_master::describe(&relations));
                }
            }
        }
        IncidentCommand::New(args) => {
            let description = match &args.description_file {
                Some(path) if path.as_os_str() == "-" => std::io::read_to_string(std::io::stdin()).map_err(|e| {
                    CliError::bad_input(format!("cannot read the description from standard input: {e}"))
                })?,
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| CliError::bad_input(format!("cannot read {}: {e}", path.display())))?,
                None => String::new(),
            };
            let channel = args
                .channel
                .as_deref()
                .map(str::parse::<Channel>)
                .transpose()
                .map_err(|e| CliError::bad_input(e.to_string()))?;
            let new = NewIncident {
                service: args.service.clone(),
                priority: args.priority.clone(),
                title: args.title.clone(),
                description,
                reporter: args.reporter.clone(),
                channel,
            };
            let summary = lifecycle::create(&pool, &new).await?;
            match args.format {
                Format::Json => print!("{}", output::json(&summary)),
                _ => println!("{}", text::one_line(&summary.reference)),
            }
        }
        IncidentCommand::Link { target, other } => {
            let id = incidents::id_by_ref(&pool, &target.reference).await?;
            check_version(&pool, id, target).await?;
            let summary = lifecycle::link(&pool, id, other).await?;
            report(&summary, target.format, now);
        }
        IncidentCommand::Master { reference, children, detach, format } => {
            super::incident_master::master(&pool, reference, children, detach.as_deref(), *format).await?;
        }
        IncidentCommand::Resolve { target, children } => {
            let id = incidents::id_by_ref(&pool, &target.reference).await?;
            let current = incidents::summary_by_id(&pool, id).await?;
            // A master resolved earlier may still have its children resolved with --children.
            let summary = match current {
                Some(done) if *children && !done.status.is_open() => done,
                _ => lifecycle::perform(&pool, id, target.if_version, &IncidentAction::Resolve).await?,
            };
            report(&summary, target.format, now);
            super::incident_master::after_resolving(&pool, id, &summary.reference, *children, target.format, now)
                .await?;
        }
        other => {
            let (target, action) = action_of(other, now)?;
            let id = incidents::id_by_ref(&pool, &target.reference).await?;
            let before = match &action {
                IncidentAction::ChangePriority { .. } => Some(lifecycle::what_if(&pool, id, &action).await?),
                _ => None,
            };
            let summary = lifecycle::perform(&pool, id, target.if_version, &action).await?;
            if let (Some((was, will)), Format::Table) = (before, target.format) {
                for (old, new) in was.clocks.iter().zip(&will.clocks) {
                    if old.due != new.due {
                        println!("{}: due {} → {}", new.kind, instant(old.due), instant(new.due));
                    }
                }
            }
            report(&summary, target.format, now);
        }
    }
    Ok(())
}

/// The action a subcommand stands for, with its target.
fn action_of(command: &IncidentCommand, now: DateTime<Utc>) -> Result<(&Target, IncidentAction), CliError> {
    Ok(match command {
        IncidentCommand::Ack(t) => (t, IncidentAction::Acknowledge),
        IncidentCommand::Assign { target, to, line, group } => {
            let line = line.as_deref().map(parse_line).transpose()?;
            (target, IncidentAction::Assign { assignee: to.clone(), line, group: group.clone() })
        }
        IncidentCommand::Priority { target, label, reason } => {
            (target, IncidentAction::ChangePriority { to: label.clone(), reason: reason.clone() })
        }
        IncidentCommand::Pause { target, reason } => (target, IncidentAction::Pause { reason: reason.clone() }),
        IncidentCommand::Resume(t) => (t, IncidentAction::Resume),
        IncidentCommand::Workaround(t) => (t, IncidentAction::MarkWorkaround),
        IncidentCommand::Solution(t) => (t, IncidentAction::MarkSolutionDescribed),
        IncidentCommand::SupplierClosed(t) => (t, IncidentAction::MarkSupplierClosed),
        IncidentCommand::Feedback { target, channel, text } => {
            (target, IncidentAction::LogFeedback { channel: channel.clone(), text: text.clone() })
        }
        IncidentCommand::Resolve { target, .. } => (target, IncidentAction::Resolve),
        IncidentCommand::Close(t) => (t, IncidentAction::Close),
        IncidentCommand::Reopen(t) => (t, IncidentAction::Reopen),
        IncidentCommand::Note { target, text, file } => {
            let text = match (text, file) {
                (Some(text), None) => text.clone(),
                (None, Some(path)) => std::fs::read_to_string(path)
                    .map_err(|e| CliError::bad_input(format!("cannot read {}: {e}", path.display())))?,
                _ => return Err(CliError::bad_input("give the note as an argument or with --file")),
            };
            (target, IncidentAction::Note { text })
        }
        IncidentCommand::Replan { target, clock, due, counterpart, reason } => {
            let kind: TargetKind = clock.parse().map_err(CliError::bad_input)?;
            let new_due = super::when::instant("--due", due)?;
            (
                target,
                IncidentAction::Replan {
                    target: kind,
                    new_due,
                    counterpart: counterpart.clone(),
                    reason: reason.clone(),
                },
            )
        }
        IncidentCommand::Deprioritise { target, reason } => {
            (target, IncidentAction::Deprioritise { reason: reason.clone() })
        }
        IncidentCommand::Security { target, clear, personal_data } => (
            target,
            match (*personal_data, *clear) {
                (false, false) => IncidentAction::FlagSecurity,
                (false, true) => IncidentAction::ClearSecurity,
                (true, false) => IncidentAction::FlagPersonalData,
                (true, true) => IncidentAction::ClearPersonalData,
            },
        ),
        IncidentCommand::Notified { target, duty, at, note } => {
            let at = match at {
                Some(text) => super::when::instant("--at", text)?,
                None => now,
            };
            (target, IncidentAction::RecordNotification { duty: duty.clone(), at, note: note.clone() })
        }
        IncidentCommand::List { .. }
        | IncidentCommand::Services { .. }
        | IncidentCommand::Show { .. }
        | IncidentCommand::New(_)
        | IncidentCommand::Master { .. }
        | IncidentCommand::Link { .. } => {
            return Err(CliError::bad_input("not an action"));
        }
    })
}

fn parse_line(text: &str) -> Result<SupportLine, CliError> {
    let normalised = match text.trim() {
        "1" => "1st",
        "2" => "2nd",
        "3" => "3rd",
        other => other,
    };
    normalised.parse().map_err(|e: crate::domain::incident::UnknownName| CliError::bad_input(e.to_string()))
}

async fn check_version(pool: &sqlx::PgPool, id: i64, target: &Target) -> Result<(), CliError> {
    if let Some(expected) = target.if_version {
        let current = incidents::summary_by_id(pool, id).await?.map(|s| s.version);
        if current != Some(expected) {
            return Err(DbError::Conflict(format!(
                "{} is at version {} now, not {expected}",
                target.reference,
                current.map_or("?".into(), |v| v.to_string())
            ))
            .into());
        }
    }
    Ok(())
}

pub(super) fn report(summary: &IncidentSummary, format: Format, now: DateTime<Utc>) {
    match format {
        Format::Json => print!("{}", output::json(summary)),
        _ => {
            let next = summary.next_due.as_ref().map_or(String::new(), |d| {
                format!(
                    " · next: {} due {} ({})",
                    d.target,
                    super::when::local(d.at),
                    live_state(d.state.as_str(), Some(d.at), true, now)
                )
            });
            println!("{} {} v{}{next}", text::one_line(&summary.reference), summary.status.as_str(), summary.version);
        }
    }
}

/// A stored state brought up to now: a counting clock past its due is breached.
fn live_state(stored: &str, due: Option<DateTime<Utc>>, counting: bool, now: DateTime<Utc>) -> String {
    match due {
        Some(due) if counting && due <= now && matches!(stored, "running" | "warning") => "breached".into(),
        _ => stored.into(),
    }
}

fn live(records: &[ClockRecord], now: DateTime<Utc>) -> Vec<ClockRecord> {
    records.iter().map(|r| ClockRecord { state: live_state(&r.state, r.due, r.counting, now), ..r.clone() }).collect()
}

fn instant(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "—".into(), super::when::local)
}

fn sort_list(list: &mut [(IncidentSummary, Vec<ClockRecord>)], sort: &str) -> Result<(), CliError> {
    match sort {
        "deadline" => list.sort_by_key(|(s, _)| {
            (s.next_due.as_ref().map(|d| d.at).is_none(), s.next_due.as_ref().map(|d| d.at), s.received_at)
        }),
        "priority" => list.sort_by_key(|(s, _)| (s.priority_rank.unwrap_or(i32::MAX), s.received_at)),
        "age" => list.sort_by_key(|(s, _)| s.received_at),
        "reference" => list.sort_by_key(|(s, _)| s.id),
        other => {
            return Err(CliError::bad_input(format!(
                "unknown sort '{other}' (use deadline, priority, age or reference)"
            )));
        }
    }
    Ok(())
}

fn render_list(list: &[(IncidentSummary, Vec<ClockRecord>)], format: Format, now: DateTime<Utc>) -> String {
    match format {
        Format::Json => {
            let listed: Vec<Listed> =
                list.iter().map(|(summary, clocks)| Listed { summary, clocks: live(clocks, now) }).collect();
            output::json(&listed)
        }
        Format::Csv => output::csv(&HEADERS, &list.iter().map(|(i, _)| row(i, false, now)).collect::<Vec<_>>()),
        Format::Table => {
            let mut headers = HEADERS.to_vec();
            headers[8] = "age";
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|(i, _)| {
                    let mut r = row(i, true, now);
                    r[8] = format::age(i.received_at, now);
                    r
                })
                .collect();
            output::table(&headers, &rows)
        }
    }
}

fn row(incident: &IncidentSummary, for_terminal: bool, now: DateTime<Utc>) -> Vec<String> {
    let clean = |s: &str| if for_terminal { text::one_line(s).into_owned() } else { s.to_string() };
    vec![
        incident.reference.clone(),
        incident.priority.clone().unwrap_or_default(),
        clean(&incident.service.code),
        clean(&incident.service.organisation),
        incident.service.agreement.clone(),
        incident.status.as_str().to_string(),
        incident.support_line.map(|l| l.to_string()).unwrap_or_default(),
        incident.assignee.as_ref().map(|a| clean(&a.name)).unwrap_or_default(),
        super::when::local(incident.received_at),
        incident.next_due.as_ref().map_or(String::new(), |d| {
            format!("{} {} {}", d.target, super::when::local(d.at), live_state(d.state.as_str(), Some(d.at), true, now))
        }),
        clean(&incident.title),
    ]
}

fn describe(detail: &crate::app::model::IncidentDetail, now: DateTime<Utc>) -> String {
    let s = &detail.summary;
    let mut out = format!("{}  {}  (version {})\n", text::one_line(&s.reference), text::one_line(&s.title), s.version);
    out.push_str(&format!(
        "priority {} · {} ({}) · {} · status {}\n",
        text::one_line(s.priority.as_deref().unwrap_or("—")),
        text::one_line(&s.service.name),
        text::one_line(&s.service.organisation),
        text::one_line(&s.service.agreement),
        s.status.label()
    ));
    out.push_str(&format!(
        "received {} · reporter {} · channel {}\n",
        super::when::local(s.received_at),
        text::one_line(&detail.reporter),
        detail.channel
    ));
    if !detail.linked.is_empty() {
        out.push_str(&format!("linked: {}\n", text::one_line(&detail.linked.join(", "))));
    }
    if detail.description_restricted {
        out.push_str("\ndescription and notes: restricted (security incident; readable with vakt_security)\n");
    } else if !detail.description.is_empty() {
        out.push_str(&format!("\n{}\n", text::block(&detail.description)));
    }
    if s.flags.security {
        out.push_str(if s.flags.personal_data {
            "security incident · involves personal data\n"
        } else {
            "security incident\n"
        });
    }
    if !detail.regulatory.is_empty() {
        out.push('\n');
        out.push_str(&regulatory_table(&detail.regulatory, now));
    }
    let clocks: Vec<Vec<String>> = live(&detail.clocks, now)
        .iter()
        .map(|c| {
            vec![c.target.to_string(), c.clock.clone(), c.state.clone(), instant(c.due), c.elapsed_seconds.to_string()]
        })
        .collect();
    if !clocks.is_empty() {
        out.push('\n');
        out.push_str(&output::table(&["clock", "calendar", "state", "due", "elapsed_s"], &clocks));
    }
    let rows: Vec<Vec<String>> = detail
        .events
        .iter()
        .map(|e| {
            vec![
                super::when::local(e.at),
                e.kind.clone(),
                e.actor.clone(),
                text::one_line(&e.data.to_string()).into_owned(),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&output::table(&["at", "event", "actor", "data"], &rows));
    out
}

/// The notifications to authorities: due vs made, as the reports show them.
fn regulatory_table(clocks: &[crate::domain::regulatory::RegulatoryClock], now: DateTime<Utc>) -> String {
    use crate::domain::regulatory::ClockState;
    let rows: Vec<Vec<String>> = clocks
        .iter()
        .map(|c| {
            let state = match c.state(now, 100) {
                ClockState::Met => "made in time",
                ClockState::MetLate => "made late",
                ClockState::Overdue => "overdue",
                ClockState::Running | ClockState::Warning => "due",
            };
            vec![
                c.code.clone(),
                text::one_line(&c.authority).into_owned(),
                c.within.to_string(),
                instant(Some(c.due)),
                instant(c.notified),
                state.to_string(),
            ]
        })
        .collect();
    output::table(&["notification", "authority", "within", "due", "made", "state"], &rows)
}
