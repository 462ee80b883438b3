//! `vakt change-need …`: the register of change needs (Altinn §2.10) and its steps, with the three clocks shown like
//! the board's countdowns in working days. Chairs and admins take the steps; everyone lists and shows.

use chrono::Utc;
use clap::Subcommand;

use super::output::{self, Format};
use super::{CliError, CliResult, when};
use crate::config::Settings;
use crate::db::change_needs::{self, NeedWithClocks, NewNeed, Step};
use crate::domain::change_need::{NeedClock, NeedClockKind, NeedPriority};

#[derive(Debug, Subcommand)]
pub enum ChangeNeedCommand {
    /// Open needs (with --all also delivered and rejected ones) and their clocks.
    List {
        #[arg(long)]
        agreement: Option<String>,
        /// Delivered and rejected needs too.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One need: what was asked, each step and its clocks.
    Show {
        reference: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Register a need received now (chairs and admins).
    New {
        #[arg(long, default_value = "ALTINN")]
        agreement: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        description: String,
        /// The submitting organisation (a service owner or a system vendor).
        #[arg(long)]
        submitter: String,
        /// service_owner (the default) or system_vendor.
        #[arg(long, default_value = "service_owner")]
        submitter_kind: String,
        /// The person to answer (name, e-mail).
        #[arg(long)]
        contact: String,
        /// The submitter's priority: high, medium or low (høy, middels, lav).
        #[arg(long, default_value = "medium")]
        priority: String,
        /// Why it is high: required for high (§2.10.5).
        #[arg(long)]
        justification: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Feedback on status and plan to the submitter (stops the 5-working-day clock).
    Feedback {
        reference: String,
        #[arg(long)]
        text: String,
    },
    /// Qualify and prioritise (stops the 20-working-day clock; high starts the analysis clock).
    Qualify {
        reference: String,
        /// high, medium or low.
        #[arg(long)]
        priority: String,
    },
    /// Record the analysis (stops the analysis clock of a high-priority need).
    Analyse {
        reference: String,
        #[arg(long)]
        text: String,
    },
    /// Plan for a release: by name, and/or a release series of the maintenance calendar.
    Plan {
        reference: String,
        #[arg(long)]
        release: Option<String>,
        /// The id of a release series in the maintenance calendar (`vakt maintenance list`).
        #[arg(long)]
        series: Option<i64>,
    },
    /// The planned change was delivered.
    Deliver { reference: String },
    /// Reject (or close as withdrawn) with a reason.
    Reject {
        reference: String,
        #[arg(long)]
        reason: String,
    },
}

fn priority(text: &str) -> Result<NeedPriority, CliError> {
    NeedPriority::parse(text)
        .ok_or_else(|| CliError::bad_input(format!("priority '{text}': high, medium or low (høy, middels, lav)")))
}

/// "2026-12-29 10:00 · 3 wd left"; a clock the need does not have is empty.
fn clock_cell(clocks: &[NeedClock], kind: NeedClockKind) -> String {
    clocks
        .iter()
        .find(|c| c.kind == kind)
        .map(|c| format!("{} · {}", when::local(c.due), c.countdown_text()))
        .unwrap_or_default()
}

fn priority_cell(n: &NeedWithClocks) -> String {
    match &n.need.priority {
        Some(decided) => decided.clone(),
        None => format!("({} asked)", n.need.requested_priority),
    }
}

pub async fn run(command: &ChangeNeedCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    let now = Utc::now();
    let (reference, step) = match command {
        ChangeNeedCommand::List { agreement, all, format } => {
            let rows = change_needs::list(&pool, agreement.as_deref(), *all).await?;
            let needs = change_needs::with_clocks(&pool, rows, now).await?;
            let cells: Vec<Vec<String>> = needs
                .iter()
                .map(|n| {
                    vec![
                        n.need.reference.clone(),
                        n.need.state.clone(),
                        priority_cell(n),
                        n.need.submitter_org.clone(),
                        n.need.title.clone(),
                        clock_cell(&n.clocks, NeedClockKind::Feedback),
                        clock_cell(&n.clocks, NeedClockKind::Qualification),
                        clock_cell(&n.clocks, NeedClockKind::Analysis),
                    ]
                })
                .collect();
            let headers = ["ref", "state", "priority", "submitter", "title", "feedback", "qualification", "analysis"];
            print!("{}", output::render(*format, &headers, &cells, &needs));
            return Ok(());
        }
        ChangeNeedCommand::Show { reference, format } => {
            let row = change_needs::get(&pool, reference).await?;
            let need = change_needs::with_clocks(&pool, vec![row], now).await?;
            let Some(n) = need.first() else { return Ok(()) };
            match format {
                Format::Json => print!("{}", output::json(n)),
                _ => print!("{}", output::render(*format, &["field", "value"], &show_rows(n), n)),
            }
            return Ok(());
        }
        ChangeNeedCommand::New {
            agreement,
            title,
            description,
            submitter,
            submitter_kind,
            contact,
            priority: requested,
            justification,
            format,
        } => {
            if !matches!(submitter_kind.as_str(), "service_owner" | "system_vendor") {
                return Err(CliError::bad_input(format!(
                    "--submitter-kind '{submitter_kind}': service_owner or system_vendor"
                )));
            }
            let new = NewNeed {
                agreement: agreement.clone(),
                title: title.clone(),
                description: description.clone(),
                submitter_kind: submitter_kind.clone(),
                submitter_org: submitter.clone(),
                submitter_contact: contact.clone(),
                requested_priority: priority(requested)?,
                justification: justification.clone(),
            };
            let reference = change_needs::create(&pool, &new).await?;
            match format {
                Format::Json => print!("{}", output::json(&serde_json::json!({ "reference": reference }))),
                _ => println!("{reference} registered"),
            }
            return Ok(());
        }
        ChangeNeedCommand::Feedback { reference, text } => (reference, Step::Feedback { text: text.clone() }),
        ChangeNeedCommand::Qualify { reference, priority: p } => (reference, Step::Qualify { priority: priority(p)? }),
        ChangeNeedCommand::Analyse { reference, text } => (reference, Step::Analyse { text: text.clone() }),
        ChangeNeedCommand::Plan { reference, release, series } => {
            (reference, Step::Plan { series: *series, label: release.clone() })
        }
        ChangeNeedCommand::Deliver { reference } => (reference, Step::Deliver),
        ChangeNeedCommand::Reject { reference, reason } => (reference, Step::Reject { reason: reason.clone() }),
    };
    let need = change_needs::step(&pool, reference, &step).await?;
    println!("{} is {}", need.reference, need.state);
    Ok(())
}

fn show_rows(n: &NeedWithClocks) -> Vec<Vec<String>> {
    let need = &n.need;
    let at = |t: Option<chrono::DateTime<Utc>>| t.map(when::local).unwrap_or_default();
    let mut rows = vec![
        vec!["ref".into(), need.reference.clone()],
        vec!["agreement".into(), need.agreement.clone()],
        vec!["title".into(), need.title.clone()],
        vec!["state".into(), need.state.clone()],
        vec![
            "submitter".into(),
            format!("{} ({}), {}", need.submitter_org, need.submitter_kind, need.submitter_contact),
        ],
        vec!["requested priority".into(), need.requested_priority.clone()],
        vec!["justification".into(), need.justification.clone().unwrap_or_default()],
        vec!["priority".into(), need.priority.clone().unwrap_or_default()],
        vec!["received".into(), format!("{} by {}", when::local(need.received_at), need.received_by)],
        vec!["feedback".into(), format!("{} {}", at(need.feedback_at), need.feedback.clone().unwrap_or_default())],
        vec!["qualified".into(), at(need.qualified_at)],
        vec!["analysed".into(), format!("{} {}", at(need.analysed_at), need.analysis.clone().unwrap_or_default())],
        vec!["planned".into(), format!("{} {}", at(need.planned_at), need.release_text().unwrap_or_default())],
        vec!["delivered".into(), at(need.delivered_at)],
        vec![
            "rejected".into(),
            format!("{} {}", at(need.rejected_at), need.rejection_reason.clone().unwrap_or_default()),
        ],
        vec!["description".into(), need.description.clone()],
    ];
    for clock in &n.clocks {
        rows.push(vec![
            format!("{} clock", clock.kind.as_str()),
            format!(
                "{} working days, due {}: {}",
                clock.kind.working_days(),
                when::local(clock.due),
                clock.countdown_text()
            ),
        ]);
    }
    rows.iter_mut().for_each(|r| r[1] = r[1].trim().to_string());
    rows
}
