//! `vakt report monthly|tertial|yearly`: the service report an agreement asks for, in Markdown, HTML, CSV or JSON;
//! `vakt report issue`: freeze a closed period's figures. An issued period is shown as issued, with what changed since.

use std::path::PathBuf;

use chrono::Utc;

use super::output;
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::{report_issues, reports};
use crate::domain::report::issue::IssueState;
use crate::domain::report::restatement::{self, Change};
use crate::domain::report::schedule;
use crate::domain::report::{ReportFigures, ReportKind, ReportPeriod};
use crate::report::service;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Output {
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Write to this file (readable by you only) instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// A month's report (Altinn's service report, due the 15th of the following month).
    Monthly {
        #[arg(long)]
        agreement: String,
        /// YYYY-MM.
        #[arg(long)]
        month: String,
        #[command(flatten)]
        out: Output,
    },
    /// A tertial's follow-up (Tranemo/Ulricehamn): T1 January-April, T2 May-August, T3 September-December.
    Tertial {
        #[arg(long)]
        agreement: String,
        /// YYYY-T1, YYYY-T2 or YYYY-T3.
        #[arg(long)]
        tertial: String,
        #[command(flatten)]
        out: Output,
    },
    /// A year's report (Tranemo/Ulricehamn's 99.1 % and at most 5 outages a year; ROR-IKT's key figures).
    Yearly {
        #[arg(long)]
        agreement: String,
        /// YYYY.
        #[arg(long)]
        year: String,
        #[command(flatten)]
        out: Output,
    },
    /// The reports the agreements require for their last two closed periods: issued, due, or late.
    Due {
        #[arg(long)]
        agreement: Option<String>,
        #[arg(long, value_enum, default_value_t = output::Format::Table)]
        format: output::Format,
    },
    /// Queue an issued report by e-mail to the agreement's report recipients (MIMs and admins; again is a no-op).
    Send {
        #[arg(long)]
        agreement: String,
        #[arg(long, conflicts_with_all = ["tertial", "year"])]
        month: Option<String>,
        #[arg(long, conflicts_with = "year")]
        tertial: Option<String>,
        #[arg(long)]
        year: Option<String>,
    },
    /// Issue a closed period's report (MIMs and admins): its figures are frozen, once.
    Issue {
        #[arg(long)]
        agreement: String,
        #[arg(long, conflicts_with_all = ["tertial", "year"])]
        month: Option<String>,
        #[arg(long, conflicts_with = "year")]
        tertial: Option<String>,
        #[arg(long)]
        year: Option<String>,
    },
}

/// The kind and period named by `--month`, `--tertial` or `--year`.
pub fn period(kind: ReportKind, text: &str) -> Result<ReportPeriod, CliError> {
    ReportPeriod::parse(kind, text).ok_or_else(|| {
        let form = match kind {
            ReportKind::Monthly => "--month YYYY-MM",
            ReportKind::Tertial => "--tertial YYYY-T1|T2|T3",
            ReportKind::Yearly => "--year YYYY",
        };
        CliError::bad_input(format!("'{text}' is not a period ({form})"))
    })
}

pub async fn run(command: &ReportCommand, settings: &Settings) -> CliResult {
    let (agreement, period, out) = match command {
        ReportCommand::Monthly { agreement, month, out } => (agreement, period(ReportKind::Monthly, month)?, out),
        ReportCommand::Tertial { agreement, tertial, out } => (agreement, period(ReportKind::Tertial, tertial)?, out),
        ReportCommand::Yearly { agreement, year, out } => (agreement, period(ReportKind::Yearly, year)?, out),
        ReportCommand::Issue { agreement, month, tertial, year } => {
            return issue(agreement, &one_period(month, tertial, year)?, settings).await;
        }
        ReportCommand::Send { agreement, month, tertial, year } => {
            return send(agreement, &one_period(month, tertial, year)?, settings).await;
        }
        ReportCommand::Due { agreement, format } => return due(agreement.as_deref(), *format, settings).await,
    };
    let pool = super::connect(settings).await?;
    let current = reports::figures(&pool, agreement, &period).await?;
    let zone = reports::agreement(&pool, agreement, &period).await?.zone();
    let today = Utc::now().with_timezone(&zone).date_naive();
    // An issued period shows what was issued, never today's count in its place, and then what changed since.
    let (figures, state, restated) = match report_issues::find(&pool, &current.header.agreement, &period).await? {
        Some(issued) => {
            let on = issued.issued_at.with_timezone(&zone).date_naive();
            let state =
                IssueState::of(issued.figures.header.due, today, Some((issued.issued_at, on, issued.issued_by)));
            let changes = restatement::changes(&issued.figures, &current);
            (issued.figures, state, Some(changes))
        }
        None => {
            let state = IssueState::of(current.header.due, today, None);
            (current, state, None)
        }
    };
    emit(&render(&figures, &state, restated.as_deref(), zone, out.format), out)
}

fn one_period(
    month: &Option<String>,
    tertial: &Option<String>,
    year: &Option<String>,
) -> Result<ReportPeriod, CliError> {
    match (month, tertial, year) {
        (Some(m), _, _) => period(ReportKind::Monthly, m),
        (_, Some(t), _) => period(ReportKind::Tertial, t),
        (_, _, Some(y)) => period(ReportKind::Yearly, y),
        _ => Err(CliError::bad_input("give the period: --month YYYY-MM, --tertial YYYY-Tn or --year YYYY")),
    }
}

/// Sends the report as issued (Markdown in the body), never today's figures.
async fn send(agreement: &str, period: &ReportPeriod, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    let stored = reports::agreement(&pool, agreement, period).await?;
    let (code, zone) = (stored.code().to_string(), stored.zone());
    let Some(issued) = report_issues::find(&pool, &code, period).await? else {
        return Err(CliError::bad_input(format!(
            "the {} report {} of {code} is not issued: issue it first (vakt report issue)",
            period.kind.as_str(),
            period.label
        )));
    };
    let recipients = report_issues::recipients(&pool, &code).await?;
    if recipients.is_empty() {
        return Err(CliError::bad_input(format!(
            "{code} has no report recipients: add a contact of one of its organisations with an e-mail and a role \
             naming reports (vakt contact add ORG --name … --role Rapportmottaker --email …)"
        )));
    }
    let today = Utc::now().with_timezone(&zone).date_naive();
    let on = issued.issued_at.with_timezone(&zone).date_naive();
    let state =
        IssueState::of(issued.figures.header.due, today, Some((issued.issued_at, on, issued.issued_by.clone())));
    let document = service::document(&issued.figures, &state, zone);
    let body = crate::report::markdown::render(&document);
    let new = report_issues::send(&pool, &issued, &recipients, &document.title, &body).await?;
    let names: Vec<&str> = recipients.iter().map(|r| r.name.as_str()).collect();
    println!("queued to {new} new of {} recipients: {}", recipients.len(), names.join(", "));
    Ok(())
}

async fn issue(agreement: &str, period: &ReportPeriod, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    let zone = reports::agreement(&pool, agreement, period).await?.zone();
    let today = Utc::now().with_timezone(&zone).date_naive();
    if !period.closed_on(today) {
        return Err(CliError::bad_input(format!(
            "{} is not over yet ({} on the agreement's clock): a report is issued for a closed period",
            period.label, today
        )));
    }
    let figures = reports::figures(&pool, agreement, period).await?;
    let issued = report_issues::issue(&pool, &figures).await?;
    let on = issued.issued_at.with_timezone(&zone).date_naive();
    let state = IssueState::of(figures.header.due, today, Some((issued.issued_at, on, issued.issued_by)));
    println!(
        "{} {} report {} {}",
        figures.header.agreement,
        period.kind.as_str(),
        period.label,
        service::status_text(&state, zone)
    );
    Ok(())
}

/// One required report of a closed period, as `vakt report due` lists it.
#[derive(serde::Serialize)]
struct DueReport {
    agreement: String,
    kind: &'static str,
    period: String,
    due: chrono::NaiveDate,
    #[serde(flatten)]
    status: IssueState,
}

async fn due(agreement: Option<&str>, format: output::Format, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    let mut found = Vec::new();
    let known = crate::db::agreements::list(&pool).await?;
    if let Some(wanted) = agreement
        && !known.iter().any(|a| a.code.eq_ignore_ascii_case(wanted))
    {
        return Err(CliError::bad_input(format!("unknown agreement '{wanted}' (vakt agreement list)")));
    }
    for listed in known.iter().filter(|a| agreement.is_none_or(|w| a.code.eq_ignore_ascii_case(w))) {
        for &kind in schedule::required(&listed.code) {
            let today_utc = Utc::now().date_naive();
            let Some(latest) = schedule::latest_closed(kind, today_utc) else { continue };
            let zone = reports::agreement(&pool, &listed.code, &latest).await?.zone();
            let today = Utc::now().with_timezone(&zone).date_naive();
            let Some(latest) = schedule::latest_closed(kind, today) else { continue };
            for period in [schedule::previous(&latest), Some(latest)].into_iter().flatten() {
                let issued = report_issues::find(&pool, &listed.code, &period).await?;
                let issued = issued.map(|i| (i.issued_at, i.issued_at.with_timezone(&zone).date_naive(), i.issued_by));
                found.push(DueReport {
                    agreement: listed.code.clone(),
                    kind: kind.as_str(),
                    period: period.label.clone(),
                    due: period.due(),
                    status: IssueState::of(period.due(), today, issued),
                });
            }
        }
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|r| {
            let status = match &r.status {
                IssueState::Issued { late: false, .. } => "issued".to_string(),
                IssueState::Issued { late: true, .. } => "issued late".to_string(),
                IssueState::NotIssued { late: true } => "LATE: not issued".to_string(),
                IssueState::NotIssued { late: false } => "due".to_string(),
            };
            vec![r.agreement.clone(), r.kind.into(), r.period.clone(), r.due.to_string(), status]
        })
        .collect();
    print!("{}", output::render(format, &["agreement", "report", "period", "due", "status"], &rows, &found));
    Ok(())
}

/// The report in the chosen format; for an issued period, `restated` is what changed since it was issued.
pub fn render(
    figures: &ReportFigures,
    state: &IssueState,
    restated: Option<&[Change]>,
    zone: chrono_tz::Tz,
    format: ReportFormat,
) -> String {
    let document = || {
        let mut document = service::document(figures, state, zone);
        if let Some(changes) = restated {
            document.blocks.extend(service::restatement(changes));
        }
        document
    };
    match format {
        ReportFormat::Md => crate::report::markdown::render(&document()),
        ReportFormat::Html => crate::report::html::render(&document()),
        ReportFormat::Csv => {
            let (headers, mut rows) = service::csv_rows(figures);
            for change in restated.unwrap_or_default() {
                let figure = format!("{} -> {}", change.was, change.now);
                rows.push(vec!["restatement".into(), change.what.clone(), figure, change.why.join("; ")]);
            }
            crate::report::csv::render(&headers, &rows)
        }
        ReportFormat::Json => {
            output::json(&serde_json::json!({ "status": state, "figures": figures, "restatement": restated }))
        }
    }
}

/// To the file named, or to standard output.
pub fn emit(text: &str, out: &Output) -> CliResult {
    match &out.output {
        Some(path) => crate::private_files::write(path, text)
            .map_err(|e| CliError { code: 1, message: format!("cannot write {}: {e}", path.display()) }),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
