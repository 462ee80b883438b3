//! `vakt report monthly|tertial|yearly`: the service report an agreement asks for, in Markdown, HTML, CSV or JSON.

use std::path::PathBuf;

use chrono::Utc;

use super::output;
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::reports;
use crate::domain::report::issue::IssueState;
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
    };
    let pool = super::connect(settings).await?;
    let figures = reports::figures(&pool, agreement, &period).await?;
    let zone = reports::agreement(&pool, agreement, &period).await?.zone();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let state = IssueState::of(figures.header.due, today, None);
    emit(&render(&figures, &state, zone, out.format), out)
}

/// The report in the chosen format.
pub fn render(figures: &ReportFigures, state: &IssueState, zone: chrono_tz::Tz, format: ReportFormat) -> String {
    match format {
        ReportFormat::Md => crate::report::markdown::render(&service::document(figures, state, zone)),
        ReportFormat::Html => crate::report::html::render(&service::document(figures, state, zone)),
        ReportFormat::Csv => {
            let (headers, rows) = service::csv_rows(figures);
            crate::report::csv::render(&headers, &rows)
        }
        ReportFormat::Json => output::json(&serde_json::json!({ "status": state, "figures": figures })),
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
