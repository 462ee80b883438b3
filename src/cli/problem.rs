//! `vakt problem …`: problems and known errors (Stockholm's KEDB/WADB), the incidents linked to them, the
//! known-error search and the trends. Operators and MIMs (and admins) write; every role reads; the database decides.

use std::path::PathBuf;

use chrono::{Datelike, Months, NaiveDate, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::output::{self, Format};
use super::{CliError, CliResult, when};
use crate::config::Settings;
use crate::db::problems::{self, ListFilter, NewProblem, ProblemDetail, ProblemEdit, ProblemRow};
use crate::domain::problem::trends;
use crate::domain::problem::{Owner, ProblemState};
use crate::domain::text;

#[derive(Debug, Subcommand)]
pub enum ProblemCommand {
    /// List problems: active ones first, most recently changed first.
    List {
        /// open, known_error, resolved or closed.
        #[arg(long)]
        state: Option<String>,
        /// Only problems touching this service (code).
        #[arg(long)]
        service: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show one problem with its root cause, workaround and linked incidents.
    Show {
        /// The reference, e.g. PRB-1.
        reference: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Register a problem (operators, MIMs); prints its reference.
    New {
        #[arg(long)]
        title: String,
        #[command(flatten)]
        fields: Fields,
        /// Register it as a known error straight away (needs --root-cause or --workaround).
        #[arg(long)]
        known_error: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Change a problem: only the fields given change.
    Edit {
        reference: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        fields: Fields,
        /// Remove the owner.
        #[arg(long, conflicts_with_all = ["owner", "supplier"])]
        no_owner: bool,
        /// open, known_error, resolved or closed (closed is final).
        #[arg(long)]
        state: Option<String>,
        /// Refuse (exit 4) if the problem is no longer at this version.
        #[arg(long)]
        if_version: Option<i32>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Link an incident to a problem; with --apply-workaround, record the problem's workaround on the incident.
    Link {
        reference: String,
        /// The incident, e.g. INC-10423.
        incident: String,
        /// Record "workaround in place" on the incident (its clocks and the agreement's rules follow) with a note
        /// quoting the workaround.
        #[arg(long)]
        apply_workaround: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Remove the link between an incident and a problem.
    Unlink { reference: String, incident: String },
    /// Resolve a problem: its root cause is removed (the root cause must be known).
    Resolve {
        reference: String,
        #[arg(long)]
        root_cause: Option<String>,
        #[arg(long)]
        if_version: Option<i32>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Known errors matching a text (e.g. an incident's title), best first; Norwegian and Swedish word forms match.
    Search {
        text: String,
        #[arg(long, default_value_t = 10)]
        limit: i64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Incidents per problem and per service by month, and the services with the most recurring incidents.
    Trends {
        /// Months back from this one (default 6, this month included).
        #[arg(long, default_value_t = 6)]
        months: u32,
        #[arg(long, default_value_t = 10)]
        top: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// The fields `new` and `edit` share.
#[derive(Debug, Args)]
pub struct Fields {
    /// A file with the description ("-" reads standard input).
    #[arg(long)]
    pub description_file: Option<PathBuf>,
    /// A service it touches (code); repeat for more. With `edit`, replaces the list.
    #[arg(long = "service")]
    pub services: Vec<String>,
    /// The owner: a member of staff (login).
    #[arg(long, conflicts_with = "supplier")]
    pub owner: Option<String>,
    /// The owner: a supplier organisation (code).
    #[arg(long)]
    pub supplier: Option<String>,
    #[arg(long)]
    pub root_cause: Option<String>,
    #[arg(long)]
    pub workaround: Option<String>,
}

impl Fields {
    fn description(&self) -> Result<Option<String>, CliError> {
        Ok(match &self.description_file {
            Some(path) if path.as_os_str() == "-" => {
                Some(std::io::read_to_string(std::io::stdin()).map_err(|e| {
                    CliError::bad_input(format!("cannot read the description from standard input: {e}"))
                })?)
            }
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| CliError::bad_input(format!("cannot read {}: {e}", path.display())))?,
            ),
            None => None,
        })
    }

    fn owner(&self) -> Option<Owner> {
        match (&self.owner, &self.supplier) {
            (Some(login), _) => Some(Owner::Staff(login.clone())),
            (None, Some(code)) => Some(Owner::Supplier(code.clone())),
            (None, None) => None,
        }
    }
}

fn parse_state(text: &str) -> Result<ProblemState, CliError> {
    text.parse().map_err(CliError::bad_input)
}

pub async fn run(command: &ProblemCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        ProblemCommand::List { state, service, format } => {
            let filter = ListFilter { state: state.as_deref().map(parse_state).transpose()?, service: service.clone() };
            let list = problems::list(&pool, &filter).await?;
            print!("{}", render_list(&list, *format));
        }
        ProblemCommand::Show { reference, format } => {
            let detail = problems::show(&pool, reference).await?;
            match format {
                Format::Json => print!("{}", output::json(&detail)),
                Format::Table | Format::Csv => print!("{}", describe(&detail)),
            }
        }
        ProblemCommand::New { title, fields, known_error, format } => {
            let new = NewProblem {
                title: title.clone(),
                description: fields.description()?.unwrap_or_default(),
                services: fields.services.clone(),
                owner: fields.owner(),
                root_cause: fields.root_cause.clone().unwrap_or_default(),
                workaround: fields.workaround.clone().unwrap_or_default(),
                state: if *known_error { ProblemState::KnownError } else { ProblemState::Open },
            };
            let reference = problems::create(&pool, &new).await?;
            match format {
                Format::Json => print!("{}", output::json(&problems::show(&pool, &reference).await?)),
                _ => println!("{}", text::one_line(&reference)),
            }
        }
        ProblemCommand::Edit { reference, title, fields, no_owner, state, if_version, format } => {
            let edit = ProblemEdit {
                title: title.clone(),
                description: fields.description()?,
                services: (!fields.services.is_empty()).then(|| fields.services.clone()),
                owner: if *no_owner { Some(None) } else { fields.owner().map(Some) },
                root_cause: fields.root_cause.clone(),
                workaround: fields.workaround.clone(),
                state: state.as_deref().map(parse_state).transpose()?,
            };
            let row = problems::edit(&pool, reference, *if_version, &edit).await?;
            report(&row, *format);
        }
        ProblemCommand::Resolve { reference, root_cause, if_version, format } => {
            let edit = ProblemEdit {
                root_cause: root_cause.clone(),
                state: Some(ProblemState::Resolved),
                ..ProblemEdit::default()
            };
            let row = problems::edit(&pool, reference, *if_version, &edit).await?;
            report(&row, *format);
        }
        ProblemCommand::Link { reference, incident, apply_workaround, format } => {
            let linked = problems::link(&pool, reference, incident, *apply_workaround).await?;
            match format {
                Format::Json => print!("{}", output::json(&linked)),
                _ => {
                    let note = if linked.workaround_applied {
                        " · workaround in place"
                    } else if linked.workaround_already {
                        " · the incident had a workaround already"
                    } else {
                        ""
                    };
                    println!("{} → {}{note}", text::one_line(&linked.incident), text::one_line(&linked.problem));
                }
            }
        }
        ProblemCommand::Unlink { reference, incident } => {
            problems::unlink(&pool, reference, incident).await?;
            println!("{} unlinked from {}", incident.trim().to_uppercase(), reference.trim().to_uppercase());
        }
        ProblemCommand::Search { text: query, limit, format } => {
            let found = problems::search(&pool, query, *limit).await?;
            let headers = ["reference", "title", "services", "incidents", "workaround"];
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|s| {
                    vec![
                        s.reference.clone(),
                        s.title.clone(),
                        s.services.join(" "),
                        s.incidents.to_string(),
                        s.workaround.clone(),
                    ]
                })
                .collect();
            print!("{}", output::render(*format, &headers, &rows, &found));
        }
        ProblemCommand::Trends { months, top, format } => trends_report(&pool, *months, *top, *format).await?,
    }
    Ok(())
}

#[derive(Serialize)]
struct Trends {
    from: NaiveDate,
    to: NaiveDate,
    per_problem: Vec<trends::Series>,
    per_service: Vec<trends::Series>,
    most_recurring: Vec<trends::Recurring>,
}

async fn trends_report(pool: &sqlx::PgPool, months: u32, top: usize, format: Format) -> CliResult {
    if !(1..=120).contains(&months) {
        return Err(CliError::bad_input("--months is between 1 and 120"));
    }
    let zone = when::zone();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let first = this_month.checked_sub_months(Months::new(months - 1)).unwrap_or(this_month);
    let end = this_month.checked_add_months(Months::new(1)).unwrap_or(this_month);
    let range = trends::months(first, this_month);
    let start_at = crate::domain::calendar::wall_clock::at_local(first.and_time(Default::default()), zone);
    let end_at = crate::domain::calendar::wall_clock::at_local(end.and_time(Default::default()), zone);
    let (Some(start_at), Some(end_at)) = (start_at, end_at) else {
        return Err(CliError::bad_input("the months do not start at a local midnight in your zone"));
    };
    let rows = problems::trend_rows(pool, start_at, end_at).await?;
    let report = Trends {
        from: first,
        to: end,
        per_problem: trends::per_problem(&rows, zone, &range).into_iter().take(top).collect(),
        per_service: trends::per_service(&rows, zone, &range).into_iter().take(top).collect(),
        most_recurring: trends::most_recurring(&rows, top),
    };
    if format == Format::Json {
        print!("{}", output::json(&report));
        return Ok(());
    }
    let mut headers = vec!["kind", "key"];
    let labels: Vec<String> = range.iter().map(|d| format!("{:04}-{:02}", d.year(), d.month())).collect();
    headers.extend(labels.iter().map(String::as_str));
    headers.push("total");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (kind, series) in [("problem", &report.per_problem), ("service", &report.per_service)] {
        for s in series {
            let mut row = vec![kind.to_string(), s.key.clone()];
            row.extend(s.months.iter().map(|(_, n)| n.to_string()));
            row.push(s.total.to_string());
            rows.push(row);
        }
    }
    if format == Format::Csv {
        print!("{}", output::csv(&headers, &rows));
        return Ok(());
    }
    print!("{}", output::table(&headers, &rows));
    let recurring: Vec<Vec<String>> = report
        .most_recurring
        .iter()
        .map(|r| vec![r.service.clone(), r.incidents.to_string(), r.problems.to_string()])
        .collect();
    println!("\nservices with the most recurring incidents");
    print!("{}", output::table(&["service", "incidents", "problems"], &recurring));
    Ok(())
}

fn report(row: &ProblemRow, format: Format) {
    match format {
        Format::Json => print!("{}", output::json(row)),
        _ => println!("{} {} v{}", text::one_line(&row.reference), row.state.label(), row.version),
    }
}

fn owner_text(owner: Option<&Owner>) -> String {
    owner.map(ToString::to_string).unwrap_or_default()
}

fn render_list(list: &[ProblemRow], format: Format) -> String {
    let headers = ["reference", "state", "services", "owner", "incidents", "workaround", "updated_at", "title"];
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            vec![
                p.reference.clone(),
                p.state.as_str().to_string(),
                p.services.join(" "),
                owner_text(p.owner.as_ref()),
                p.incidents.to_string(),
                if p.has_workaround { "yes" } else { "no" }.to_string(),
                when::local(p.updated_at),
                p.title.clone(),
            ]
        })
        .collect();
    output::render(format, &headers, &rows, list)
}

fn describe(detail: &ProblemDetail) -> String {
    let p = &detail.row;
    let mut out = format!("{}  {}  (version {})\n", text::one_line(&p.reference), text::one_line(&p.title), p.version);
    out.push_str(&format!(
        "state {} · owner {} · services {}\n",
        p.state.label(),
        text::one_line(&owner_text(p.owner.as_ref())),
        text::one_line(&p.services.join(", "))
    ));
    out.push_str(&format!(
        "created {} by {} · updated {} by {}",
        when::local(detail.created_at),
        text::one_line(&detail.created_by),
        when::local(p.updated_at),
        text::one_line(&detail.updated_by)
    ));
    if let Some(at) = detail.resolved_at {
        out.push_str(&format!(" · resolved {}", when::local(at)));
    }
    out.push('\n');
    for (label, body) in
        [("description", &detail.description), ("root cause", &detail.root_cause), ("workaround", &detail.workaround)]
    {
        if !body.trim().is_empty() {
            out.push_str(&format!("\n{label}:\n{}\n", text::block(body)));
        }
    }
    let rows: Vec<Vec<String>> = detail
        .linked
        .iter()
        .map(|l| {
            vec![
                l.reference.clone(),
                l.status.clone(),
                l.service.clone(),
                when::local(l.received_at),
                if l.workaround_applied { "applied" } else { "" }.to_string(),
                l.title.clone(),
            ]
        })
        .collect();
    out.push_str(&format!("\nlinked incidents: {}\n", rows.len()));
    if !rows.is_empty() {
        out.push_str(&output::table(&["incident", "status", "service", "received_at", "workaround", "title"], &rows));
    }
    out
}
