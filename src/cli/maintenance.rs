//! `vakt maintenance`: plan service windows and see their occurrences with the warnings the calendar shows.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

mod ledger;

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::app::model::MaintenanceWindow;
use crate::config::Settings;
use crate::db::maintenance::{self, NewSeries};
use crate::domain::maintenance::series::Series;
use crate::domain::maintenance::{Impact, WindowKind};
use crate::domain::text;

#[derive(Debug, clap::Subcommand)]
pub enum MaintenanceCommand {
    /// Plan a window, or a recurring series of windows (admins).
    Add(Box<AddArgs>),
    /// The windows in a period, with notice and warnings.
    List(ListArgs),
    /// Every warning in a period: notice, overlaps, freezes, daylight-saving changes, the windows' budget.
    Check(ListArgs),
    /// The windows for a calendar program (iCalendar), or as JSON or CSV.
    Export(ExportArgs),
    /// One series: its windows ahead, the approvals its agreements ask for, and what was announced when.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Change a series (admins); an announced one is announced again with the change.
    Edit(Box<EditArgs>),
    /// Record an approval of a series, by a person in a role (admins record it; the approver may be a contact).
    Approve {
        id: i64,
        /// Who approved, e.g. "Kari Nordmann".
        #[arg(long)]
        by: String,
        /// In which role, e.g. systemansvarlig.
        #[arg(long)]
        role: String,
    },
    /// Note one window of a series (by its local date): its work left unfinished (--unfinished), and a text.
    Annotate {
        id: i64,
        #[arg(long)]
        occurrence: NaiveDate,
        /// The work was not finished: the secondary window that follows is for it.
        #[arg(long)]
        unfinished: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Announce a series to the contacts of the organisations that own its services (admins).
    Announce { id: i64 },
    /// Cancel one window of a series (--occurrence, its local start date) or the whole series (admins).
    Cancel {
        id: i64,
        #[arg(long)]
        occurrence: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Ics,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// First day, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Day after the last, YYYY-MM-DD (default: a year after --from).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Service codes, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub services: Vec<String>,
    /// First start, "YYYY-MM-DD HH:MM" in the window's zone.
    #[arg(long)]
    pub start: String,
    /// End, "YYYY-MM-DD HH:MM" in the window's zone (or give --duration).
    #[arg(long, conflicts_with = "duration")]
    pub end: Option<String>,
    /// Length, e.g. 4h, 90m, 2d.
    #[arg(long)]
    pub duration: Option<String>,
    /// primary_window, secondary_window, planned_downtime, release, change, freeze, high_volume, critical_period.
    #[arg(long)]
    pub kind: String,
    /// An RFC 5545 recurrence rule, e.g. "FREQ=MONTHLY;BYDAY=3TU".
    #[arg(long)]
    pub rrule: Option<String>,
    /// unavailable, degraded or none.
    #[arg(long, default_value = "unavailable")]
    pub impact: String,
    #[arg(long, default_value = "")]
    pub reason: String,
    /// The zone of the start and end (default: the zone of the first service's agreement).
    #[arg(long)]
    pub zone: Option<String>,
    /// A secondary window: the id of the primary series it follows …
    #[arg(long, requires = "days_after")]
    pub follows: Option<i64>,
    /// … and how many days after each primary window it falls (its time and length are its own).
    #[arg(long, requires = "follows")]
    pub days_after: Option<i64>,
    /// Why the window may fall inside a freeze (without it a window inside a freeze is refused).
    #[arg(long)]
    pub override_freeze: Option<String>,
    /// The change forces service owners or vendors to change their side (Altinn: 6 months' notice).
    #[arg(long)]
    pub breaking: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    pub id: i64,
    /// Move one window of a recurring series, named by its local start date in the series (then give --start, and
    /// optionally --end or --duration and --reason as a note).
    #[arg(long, requires = "start", conflicts_with_all = ["services", "kind", "rrule", "impact", "breaking"])]
    pub occurrence: Option<NaiveDate>,
    /// Service codes, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub services: Option<Vec<String>>,
    /// First start, "YYYY-MM-DD HH:MM" in the series' zone.
    #[arg(long)]
    pub start: Option<String>,
    /// End of the first window, "YYYY-MM-DD HH:MM" in the series' zone (or give --duration).
    #[arg(long, conflicts_with = "duration")]
    pub end: Option<String>,
    #[arg(long)]
    pub duration: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    /// An RFC 5545 rule; "" makes it a single window.
    #[arg(long)]
    pub rrule: Option<String>,
    #[arg(long)]
    pub impact: Option<String>,
    #[arg(long)]
    pub reason: Option<String>,
    /// Why the window may fall inside a freeze (without it a window inside a freeze is refused).
    #[arg(long)]
    pub override_freeze: Option<String>,
    /// Whether the change forces service owners or vendors to change their side (true or false).
    #[arg(long)]
    pub breaking: Option<bool>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// First day, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Day after the last, YYYY-MM-DD (default: a year after --from).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    #[arg(long)]
    pub service: Option<String>,
    /// Only the windows on this agreement's services.
    #[arg(long)]
    pub agreement: Option<String>,
    /// table, json, csv, or ics (list only: the series of the listed windows for a calendar program).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
    Ics,
}

pub async fn maintenance(command: &MaintenanceCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    let now = Utc::now();
    match command {
        MaintenanceCommand::Add(args) => {
            let agreements = maintenance::agreements_by_service(&pool, now.date_naive()).await?;
            let first = args.services.first().map(|s| s.trim().to_uppercase()).unwrap_or_default();
            let services: Vec<String> = args.services.iter().map(|s| s.trim().to_uppercase()).collect();
            if let Some(unknown) = services.iter().find(|s| !agreements.contains_key(*s)) {
                return Err(CliError::bad_input(format!("unknown service '{unknown}' (see vakt incident services)")));
            }
            let zone: chrono_tz::Tz = match &args.zone {
                Some(name) => {
                    name.parse().map_err(|_| CliError::bad_input(format!("--zone '{name}' is not a time zone")))?
                }
                None => agreements.get(&first).map(|a| a.zone()).unwrap_or(chrono_tz::UTC),
            };
            let start = local_minute("--start", &args.start)?;
            let length = match (&args.end, &args.duration) {
                (Some(end), _) => {
                    let end = local_minute("--end", end)?;
                    let at = |t: NaiveDateTime| crate::domain::calendar::wall_clock::at_local(t, zone);
                    match (at(start), at(end)) {
                        (Some(s), Some(e)) => e - s,
                        _ => end - start,
                    }
                }
                (None, Some(text)) => crate::domain::text::duration::parse_compact(text)
                    .map_err(|e| CliError::bad_input(format!("--duration: {e}")))?,
                (None, None) => return Err(CliError::bad_input("give --end or --duration")),
            };
            let series = Series {
                services,
                kind: args.kind.parse::<WindowKind>().map_err(|e| CliError::bad_input(format!("--kind: {e}")))?,
                impact: args.impact.parse::<Impact>().map_err(|e| CliError::bad_input(format!("--impact: {e}")))?,
                zone,
                start,
                length,
                rule: args.rrule.as_ref().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
                cancelled: Vec::new(),
                moved: Vec::new(),
            };
            let follows = args.follows.zip(args.days_after);
            let new = NewSeries {
                series,
                reason: args.reason.clone(),
                follows,
                freeze_override: args.override_freeze.clone(),
                breaking: args.breaking,
            };
            let id = maintenance::add(&pool, &new).await?;
            match args.format {
                Format::Json => print!("{}", output::json(&serde_json::json!({ "series_id": id }))),
                _ => println!("series {id} planned; `vakt maintenance list` shows its windows"),
            }
        }
        MaintenanceCommand::Show { id, format } => ledger::show(&pool, *id, *format, now).await?,
        MaintenanceCommand::Edit(args) => ledger::edit(&pool, args).await?,
        MaintenanceCommand::Approve { id, by, role } => {
            let approved = maintenance::approve(&pool, *id, by, role).await?;
            let rest = if approved.missing.is_empty() {
                format!("series {id} is {}", approved.state)
            } else {
                format!("series {id} is {}; still needs {}", approved.state, approved.missing.join(" and "))
            };
            println!("{}", text::one_line(&format!("approval by {} ({}) recorded; {rest}", by.trim(), role.trim())));
        }
        MaintenanceCommand::Annotate { id, occurrence, unfinished, note } => {
            maintenance::annotate_occurrence(&pool, *id, *occurrence, *unfinished, note).await?;
            let what = if *unfinished { "its work is recorded as unfinished" } else { "noted" };
            println!("the window of series {id} on {occurrence}: {what}");
        }
        MaintenanceCommand::Announce { id } => {
            let announced = maintenance::announce(&pool, *id).await?;
            println!(
                "series {id} announced to {} recipients (SEQUENCE {}); vakt serve delivers it",
                announced.recipients, announced.sequence
            );
        }
        MaintenanceCommand::Cancel { id, occurrence, reason } => {
            println!("{}", text::one_line(&maintenance::cancel(&pool, *id, *occurrence, reason).await?));
        }
        MaintenanceCommand::Export(args) => {
            let from_day = args.from.unwrap_or_else(|| now.date_naive());
            let to_day = args.to.unwrap_or(from_day + Duration::days(365));
            if to_day <= from_day {
                return Err(CliError::bad_input("--to must be after --from"));
            }
            match args.format {
                ExportFormat::Ics => {
                    let all = maintenance::list_all(&pool).await?;
                    print!("{}", maintenance::ics::calendar(&all, midnight(from_day), midnight(to_day), now)?);
                }
                ExportFormat::Json | ExportFormat::Csv => {
                    let list = ListArgs {
                        from: Some(from_day),
                        to: Some(to_day),
                        service: None,
                        agreement: None,
                        format: if args.format == ExportFormat::Json { ListFormat::Json } else { ListFormat::Csv },
                    };
                    return Box::pin(maintenance(&MaintenanceCommand::List(list), settings)).await;
                }
            }
        }
        MaintenanceCommand::List(args) | MaintenanceCommand::Check(args) => {
            let check = matches!(command, MaintenanceCommand::Check(_));
            let from_day = args.from.unwrap_or_else(|| now.date_naive());
            let to_day = args.to.unwrap_or(from_day + Duration::days(365));
            if to_day <= from_day {
                return Err(CliError::bad_input("--to must be after --from"));
            }
            let (from, to) = (midnight(from_day), midnight(to_day));
            let all = maintenance::list(&pool).await?;
            let planned = maintenance::expand(&all, from, to)?;
            let agreements = maintenance::agreements_by_service(&pool, now.date_naive()).await?;
            if let Some(code) = &args.agreement
                && !agreements.values().any(|a| a.code().eq_ignore_ascii_case(code))
            {
                return Err(CliError::bad_input(format!("unknown agreement '{code}' (see vakt agreement list)")));
            }
            let wanted = |services: &[String]| {
                services.iter().any(|x| {
                    args.service.as_ref().is_none_or(|s| x.eq_ignore_ascii_case(s))
                        && args
                            .agreement
                            .as_ref()
                            .is_none_or(|code| agreements.get(x).is_some_and(|a| a.code().eq_ignore_ascii_case(code)))
                })
            };
            if args.format == ListFormat::Ics {
                if check {
                    return Err(CliError::bad_input(
                        "check writes table, json or csv; the calendar is `list --format ics`",
                    ));
                }
                let listed: Vec<_> =
                    maintenance::list_all(&pool).await?.into_iter().filter(|s| wanted(&s.series.services)).collect();
                print!("{}", maintenance::ics::calendar(&listed, from, to, now)?);
                return Ok(());
            }
            let mut rows: Vec<MaintenanceWindow> = planned
                .iter()
                .filter(|p| wanted(&p.series.series.services))
                .map(|p| maintenance::annotate(p, &planned, &agreements, now))
                .collect();
            let budgets = maintenance::periods::budget_warnings(&all, &agreements, from_day, to_day)?;
            let release_plans = maintenance::periods::release_plan_warnings(&all, &agreements, now)?;
            maintenance::periods::attach(&mut rows, &budgets, &release_plans, maintenance::periods::local_year);
            if check {
                rows.retain(|r| !r.warnings.is_empty());
            }
            let format = match args.format {
                ListFormat::Json => Format::Json,
                ListFormat::Csv => Format::Csv,
                ListFormat::Table | ListFormat::Ics => Format::Table,
            };
            match format {
                Format::Json if check => print!(
                    "{}",
                    output::json(
                        &serde_json::json!({ "windows": rows, "budgets": budgets, "release_plans": release_plans })
                    )
                ),
                Format::Json => print!("{}", output::json(&rows)),
                format => {
                    let headers = ["series", "start", "end", "zone", "kind", "state", "impact", "services", "warnings"];
                    let cells: Vec<Vec<String>> = rows.iter().map(cells).collect();
                    print!("{}", output::render(format, &headers, &cells, &rows));
                    if check || format == Format::Table {
                        for text in budgets.iter().map(|b| &b.text).chain(release_plans.iter().map(|r| &r.text)) {
                            eprintln!("{}", text::one_line(text));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

pub(super) fn cells(window: &MaintenanceWindow) -> Vec<String> {
    let zone = crate::app::screens::calendar::days::zone_of(window);
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    vec![
        window.series_id.to_string(),
        local(window.start),
        local(window.end),
        window.zone.clone(),
        window.kind.clone(),
        window.state.clone(),
        window.impact.clone(),
        window.services.join(" "),
        window.warnings.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join("; "),
    ]
}

pub(super) fn local_minute(flag: &str, text: &str) -> Result<NaiveDateTime, CliError> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M")
        .map_err(|_| CliError::bad_input(format!("{flag} '{}' is not a time like 2027-01-19 18:00", text.trim())))
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}
