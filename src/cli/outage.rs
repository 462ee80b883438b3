//! `vakt outage` (record and end outages) and `vakt availability` (each service against its target in its
//! operating hours, with the maintenance calendar treated as its agreement says).

use chrono::{Duration, NaiveDate, Utc};

use super::output::{self, Format};
use super::{CliError, CliResult, when};
use crate::config::Settings;
use crate::db::outages::{self, NewOutage};

#[derive(Debug, clap::Subcommand)]
pub enum OutageCommand {
    /// Record an outage of a service (operators); without --end it is open until ended.
    Add {
        #[arg(long)]
        service: String,
        /// Start: RFC 3339, "YYYY-MM-DD HH:MM" (your zone) or a date.
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: Option<String>,
        /// unavailable (the default) or degraded.
        #[arg(long, default_value = "unavailable")]
        impact: String,
        /// The incident that caused it (INC-…).
        #[arg(long)]
        incident: Option<String>,
        /// One of the agreement's exclusion reasons, when it does not count (ROR-IKT §6.2).
        #[arg(long)]
        exclusion: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// End an open outage.
    End {
        id: i64,
        #[arg(long)]
        at: String,
    },
    /// Outages in a period.
    List {
        /// First day, YYYY-MM-DD (default: 30 days ago).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Day after the last (default: tomorrow).
        #[arg(long)]
        to: Option<NaiveDate>,
        #[arg(long)]
        service: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, clap::Args)]
pub struct AvailabilityArgs {
    #[arg(long, conflicts_with = "agreement")]
    pub service: Option<String>,
    /// Every service of an agreement (the default: every service with a target).
    #[arg(long)]
    pub agreement: Option<String>,
    /// A month, YYYY-MM.
    #[arg(long, conflicts_with_all = ["tertial", "year"])]
    pub month: Option<String>,
    /// A tertial, YYYY-T1, -T2 or -T3 (January-April, May-August, September-December).
    #[arg(long, conflicts_with = "year")]
    pub tertial: Option<String>,
    #[arg(long)]
    pub year: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub async fn outage(command: &OutageCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        OutageCommand::Add { service, start, end, impact, incident, exclusion, note, format } => {
            let degraded = match impact.trim() {
                "unavailable" => false,
                "degraded" => true,
                other => return Err(CliError::bad_input(format!("--impact '{other}': unavailable or degraded"))),
            };
            let new = NewOutage {
                service: service.clone(),
                incident: incident.clone(),
                start: when::instant("--start", start)?,
                end: end.as_deref().map(|e| when::instant("--end", e)).transpose()?,
                degraded,
                exclusion: exclusion.clone(),
                note: note.clone(),
            };
            let id = outages::add(&pool, &new).await?;
            match format {
                Format::Json => print!("{}", output::json(&serde_json::json!({ "id": id }))),
                _ => println!("outage {id} recorded"),
            }
        }
        OutageCommand::End { id, at } => {
            outages::end(&pool, *id, when::instant("--at", at)?).await?;
            println!("outage {id} ended");
        }
        OutageCommand::List { from, to, service, format } => {
            let today = Utc::now().date_naive();
            let from = from.unwrap_or(today - Duration::days(30));
            let to = to.unwrap_or(today + Duration::days(1));
            if to <= from {
                return Err(CliError::bad_input("--to must be after --from"));
            }
            let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
            let rows = outages::list(&pool, midnight(from), midnight(to), service.as_deref()).await?;
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|o| {
                    vec![
                        o.id.to_string(),
                        o.service.clone(),
                        when::local(o.start),
                        o.end.map(when::local).unwrap_or_else(|| "open".into()),
                        o.impact.clone(),
                        o.incident.clone().unwrap_or_default(),
                        o.exclusion.clone().unwrap_or_default(),
                        if o.exercise { "exercise".into() } else { String::new() },
                    ]
                })
                .collect();
            let headers = ["id", "service", "start", "end", "impact", "incident", "exclusion", "exercise"];
            print!("{}", output::render(*format, &headers, &cells, &rows));
        }
    }
    Ok(())
}

pub async fn availability(args: &AvailabilityArgs, settings: &Settings) -> CliResult {
    let (period, text) = match (&args.month, &args.tertial, &args.year) {
        (Some(m), _, _) => (m.clone(), "--month YYYY-MM"),
        (_, Some(t), _) => (t.to_uppercase(), "--tertial YYYY-T1|T2|T3"),
        (_, _, Some(y)) => (y.clone(), "--year YYYY"),
        _ => return Err(CliError::bad_input("give the period: --month YYYY-MM, --tertial YYYY-Tn or --year YYYY")),
    };
    let Some((first, after)) = outages::period_dates(&period) else {
        return Err(CliError::bad_input(format!("'{period}' is not a period ({text})")));
    };
    let pool = super::connect(settings).await?;
    let agreements = crate::db::maintenance::agreements_by_service(&pool, Utc::now().date_naive()).await?;
    let services = match &args.service {
        Some(service) => vec![service.trim().to_uppercase()],
        None => with_targets(&agreements, args.agreement.as_deref())?,
    };
    let bounds = |zone| Some((outages::midnight_in(first, zone)?, outages::midnight_in(after, zone)?));
    let rows = outages::availability(&pool, &services, &period, bounds).await?;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let measured = r.measured.as_ref();
            let minutes = |s: i64| format!("{:.1}", s as f64 / 60.0);
            vec![
                r.service.clone(),
                r.agreement.clone(),
                r.period.clone(),
                measured.map(|m| m.percent_text()).unwrap_or_else(|| "no target".into()),
                r.target.map(|t| format!("{t} %")).unwrap_or_default(),
                measured.map(|m| minutes(m.downtime_seconds)).unwrap_or_default(),
                measured.map(|m| minutes(m.allowed_seconds)).unwrap_or_default(),
                measured.map(|m| m.outages_counted.to_string()).unwrap_or_default(),
                match measured.and_then(|m| m.met) {
                    Some(true) => "met".into(),
                    Some(false) => "MISSED".into(),
                    None => "—".into(),
                },
            ]
        })
        .collect();
    let headers =
        ["service", "agreement", "period", "availability", "target", "down min", "allowed min", "outages", "met"];
    print!("{}", output::render(args.format, &headers, &cells, &rows));
    Ok(())
}

/// The services with an availability target, of one agreement or all, sorted.
pub fn with_targets(
    agreements: &std::collections::HashMap<String, std::sync::Arc<crate::domain::agreement::Agreement>>,
    agreement: Option<&str>,
) -> Result<Vec<String>, CliError> {
    let wanted = |code: &str| agreement.is_none_or(|a| a.eq_ignore_ascii_case(code));
    let mut chosen: Vec<String> = agreements
        .iter()
        .filter(|(service, a)| wanted(a.code()) && a.spec().availability.iter().any(|t| t.services.contains(service)))
        .map(|(service, _)| service.clone())
        .collect();
    if chosen.is_empty() {
        let what = agreement.unwrap_or("any agreement");
        return Err(CliError::bad_input(format!("no service of {what} has an availability target")));
    }
    chosen.sort();
    Ok(chosen)
}
