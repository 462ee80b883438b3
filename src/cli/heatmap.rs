//! `vakt heatmap`: services by days, weeks, months or tertials, with the metric of the console's tab 3 and the step
//! of its scale (`glyph`), for scripts and for the status meeting.

use chrono::NaiveDate;
use serde::Serialize;

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::heatmap_grid;
use crate::domain::heatmap::grid::GridRequest;
use crate::domain::heatmap::{self as grid, Bucket, Metric};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum By {
    Day,
    Week,
    Month,
    Tertial,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MetricArg {
    /// SLA clocks breached by the incidents received in the period.
    Breaches,
    /// The worst share of an SLA budget used by an incident received in the period.
    Consumed,
    /// Share of the period's allowed downtime used (in operating hours, maintenance as the agreement says).
    Availability,
    /// Incidents received.
    Received,
}

#[derive(Debug, clap::Args)]
pub struct HeatmapArgs {
    #[arg(long)]
    pub agreement: Option<String>,
    #[arg(long, value_enum)]
    pub by: By,
    #[arg(long, value_enum)]
    pub metric: MetricArg,
    /// First day, YYYY-MM-DD (the whole column holding it is shown).
    #[arg(long)]
    pub from: NaiveDate,
    /// The day after the last.
    #[arg(long)]
    pub to: NaiveDate,
    /// Only incidents whose priority ranks this high in their agreement (1 = the most severe: A, Kritisk).
    #[arg(long)]
    pub max_rank: Option<i32>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// One cell, as scripts read it.
#[derive(Debug, Serialize)]
struct Row {
    service: String,
    agreement: String,
    start: NaiveDate,
    end: NaiveDate,
    /// A count, or a share (1.0 = the whole budget); null when there is nothing to measure.
    value: Option<f64>,
    /// The step of the scale, 0–4; null for nothing to measure.
    step: Option<usize>,
    glyph: String,
}

/// Columns kept for one run: about three years of days.
const MAX_COLUMNS: usize = 1_100;

pub async fn heatmap(args: &HeatmapArgs, settings: &Settings) -> CliResult {
    if args.to <= args.from {
        return Err(CliError::bad_input("--to must be after --from"));
    }
    let bucket = match args.by {
        By::Day => Bucket::Day,
        By::Week => Bucket::Week,
        By::Month => Bucket::Month,
        By::Tertial => Bucket::Tertial,
    };
    let metric = match args.metric {
        MetricArg::Breaches => Metric::Breaches,
        MetricArg::Consumed => Metric::Consumed,
        MetricArg::Availability => Metric::Availability,
        MetricArg::Received => Metric::Received,
    };
    let columns = grid::columns(bucket, args.from, args.to);
    if columns.len() > MAX_COLUMNS {
        return Err(CliError::bad_input(format!(
            "{} columns is more than {MAX_COLUMNS}: choose a shorter range or a wider --by",
            columns.len()
        )));
    }
    if columns.is_empty() {
        return Err(CliError::bad_input("the range holds no whole column"));
    }
    if args.max_rank.is_some_and(|rank| rank < 1) {
        return Err(CliError::bad_input("--max-rank counts from 1, the most severe priority"));
    }
    let pool = super::connect(settings).await?;
    let request = GridRequest {
        bucket,
        metric,
        from: args.from,
        to: args.to,
        agreement: args.agreement.clone(),
        max_rank: args.max_rank,
    };
    let found = heatmap_grid::grid(&pool, &request).await?;
    let rows: Vec<Row> = found
        .rows
        .iter()
        .flat_map(|row| {
            row.cells.iter().zip(&found.columns).map(|(cell, (start, end))| Row {
                service: row.service.code.clone(),
                agreement: row.service.agreement.clone(),
                start: *start,
                end: *end,
                value: cell.value(),
                step: grid::step(*cell),
                glyph: cell.glyph().to_string(),
            })
        })
        .collect();
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let value = match (metric, r.value) {
                (_, None) => "—".to_string(),
                (Metric::Breaches | Metric::Received, Some(v)) => format!("{v}"),
                (_, Some(v)) => format!("{:.1} %", v * 100.0),
            };
            vec![
                r.service.clone(),
                r.agreement.clone(),
                bucket.label(r.start),
                r.start.to_string(),
                value,
                r.glyph.clone(),
            ]
        })
        .collect();
    let headers = ["service", "agreement", "column", "from", "value", "glyph"];
    print!("{}", output::render(args.format, &headers, &table, &rows));
    Ok(())
}
