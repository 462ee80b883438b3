//! `vakt heatmap`: services by days, weeks, months or tertials, with the metric of the console's tab 3 and the step
//! of its scale (`glyph`), for scripts and for the status meeting.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::{heatmap, outages};
use crate::domain::heatmap::{self as grid, Bucket, Cell, DayFigures, Metric};

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
    let (first, after) = match (columns.first(), columns.last()) {
        (Some(first), Some(last)) => (first.0, last.1),
        _ => return Err(CliError::bad_input("the range holds no whole column")),
    };
    let pool = super::connect(settings).await?;
    let agreements = crate::db::maintenance::agreements_by_service(&pool, Utc::now().date_naive()).await?;
    let mut cells: BTreeMap<(String, NaiveDate), (String, Cell)> = BTreeMap::new();
    if metric == Metric::Availability {
        let services = super::outage::with_targets(&agreements, args.agreement.as_deref())?;
        for (start, end) in &columns {
            let bounds = |zone| Some((outages::midnight_in(*start, zone)?, outages::midnight_in(*end, zone)?));
            for found in outages::availability(&pool, &services, &start.to_string(), bounds).await? {
                let cell = Cell::of_availability(found.measured.as_ref());
                cells.insert((found.service, *start), (found.agreement, cell));
            }
        }
    } else {
        let wanted = |code: &str| args.agreement.as_deref().is_none_or(|a| a.eq_ignore_ascii_case(code));
        if !agreements.values().any(|a| wanted(a.code())) {
            return Err(CliError::bad_input(format!(
                "no agreement '{}'",
                args.agreement.as_deref().unwrap_or_default()
            )));
        }
        for (service, agreement) in agreements.iter().filter(|(_, a)| wanted(a.code())) {
            for (start, _) in &columns {
                cells.insert((service.clone(), *start), (agreement.code().to_string(), Cell::empty(metric)));
            }
        }
        for day in heatmap::service_days(&pool, first, after, args.agreement.as_deref()).await? {
            let start = bucket.start_of(day.day);
            let Some((_, cell)) = cells.get_mut(&(day.service.clone(), start)) else { continue };
            let figures = DayFigures {
                received: u32::try_from(day.received).unwrap_or(u32::MAX),
                breaches: u32::try_from(day.breaches).unwrap_or(u32::MAX),
                worst_used: day.worst_used,
            };
            *cell = cell.add_day(metric, &figures);
        }
    }
    let rows: Vec<Row> = cells
        .into_iter()
        .map(|((service, start), (agreement, cell))| {
            let (value, step, glyph) = (cell.value(), grid::step(cell), cell.glyph().to_string());
            Row { service, agreement, start, end: bucket.next(start), value, step, glyph }
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
