//! `vakt agreement …`, `vakt calendar holidays` and `vakt sla …`: agreements, holidays and business-time
//! arithmetic for scripts.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde::Serialize;

use super::output::{self, Format};
use super::when::instant;
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::agreements::{self, AgreementSet};
use crate::db::clock_audit;
use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::{TWENTY_FOUR_SEVEN, TargetKind};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::calendar::holidays::{self, HolidayKind, Region};
use crate::domain::calendar_year;
use crate::domain::sla::record::ClockRecord;
use crate::domain::sla::{self, EventKind, IncidentEvent};

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// Import (or update) an agreement version from a TOML file (admins only).
    Import { file: PathBuf },
    /// Print an agreement's newest version as TOML (as imported), or with --on the one in force that day.
    Export {
        code: String,
        /// YYYY-MM-DD: the version in force on that day (a future version may already be imported).
        #[arg(long)]
        on: Option<String>,
    },
    /// List the agreements.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// What a version in a TOML file changes, field by field and in words, against the version in force (or
    /// --against CODE[@VERSION]). Nothing is written.
    Diff {
        file: PathBuf,
        /// The version to compare with: CODE (its version in force) or CODE@VERSION (by its version label).
        #[arg(long, value_name = "CODE[@VERSION]")]
        against: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// What a version in a TOML file would do to the open incidents (deadlines that move, breaches that start or
    /// stop) and to this month's availability, if they were measured by it. Nothing is written.
    WhatIf {
        file: PathBuf,
        /// The instant to measure at (RFC 3339; default: now).
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Public and customary holidays of a country in a year (computed by rule, 1900–2200).
    Holidays {
        /// NO or SE.
        #[arg(long)]
        region: String,
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// An agreement's calendar over a year: opening hours, seasons, and closed days marked and named
    /// (CODE, or AGREEMENT/CODE when several agreements use the code).
    Show {
        code: String,
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// When a target is due for a case received at an instant, in the agreement's business time.
    Deadline {
        #[arg(long)]
        agreement: String,
        #[arg(long)]
        priority: String,
        /// response, resolution or feedback.
        #[arg(long)]
        target: String,
        /// When the case was received (RFC 3339, e.g. 2026-11-24T09:00:00+01:00).
        #[arg(long)]
        from: String,
        /// Measure elapsed/remaining as of this instant (default: now).
        #[arg(long)]
        now: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Business seconds between two instants on a calendar (CODE or AGREEMENT/CODE; `24x7` is real time).
    Elapsed {
        #[arg(long)]
        calendar: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Recompute the stored clocks of open incidents (or all, or one) from their history and list every
    /// difference. Exit code 5 when something differs.
    Verify {
        /// Check resolved and closed incidents too, with their frozen SLA outcome.
        #[arg(long)]
        all: bool,
        /// Check only this incident.
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub async fn agreement(command: &AgreementCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        AgreementCommand::Import { file } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| CliError::bad_input(format!("cannot read {}: {e}", file.display())))?;
            let outcome = agreements::import(&pool, &text).await?;
            println!(
                "{}",
                crate::domain::text::one_line(&format!(
                    "{} version {}: {}",
                    outcome.code, outcome.version, outcome.result
                ))
            );
        }
        AgreementCommand::Export { code, on } => {
            let on = on
                .as_deref()
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .map_err(|_| CliError::bad_input(format!("--on '{d}' is not a date YYYY-MM-DD")))
                })
                .transpose()?;
            print!("{}", output::exact_unless_terminal(&agreements::export(&pool, code, on).await?))
        }
        AgreementCommand::List { format } => {
            let list = agreements::list(&pool).await?;
            let headers = ["code", "version", "valid_from", "services", "open_incidents", "name"];
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.code.clone(),
                        a.version.clone(),
                        a.valid_from.to_string(),
                        a.services.to_string(),
                        a.open_incidents.to_string(),
                        a.name.clone(),
                    ]
                })
                .collect();
            print!("{}", output::render(*format, &headers, &rows, &list));
        }
        AgreementCommand::Diff { file, against, format } => {
            let proposed = read_agreement(file)?;
            let set = agreements::load_all(&pool).await?;
            let base = compared_with(&set, against.as_deref().unwrap_or(proposed.code()), Utc::now())?;
            super::agreement_change::print_diff(base, &proposed, *format);
        }
        AgreementCommand::WhatIf { file, at, format } => {
            let proposed = read_agreement(file)?;
            let at = at.as_deref().map(|t| instant("--at", t)).transpose()?.unwrap_or_else(Utc::now);
            let outcome = crate::db::what_if::what_if(&pool, &proposed, at).await?;
            super::agreement_change::print_what_if(&outcome, proposed.zone(), *format);
        }
    }
    Ok(())
}

/// Reads and validates an agreement file; every error says where (line and column).
fn read_agreement(file: &std::path::Path) -> Result<Agreement, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::bad_input(format!("cannot read {}: {e}", file.display())))?;
    Agreement::from_toml(&text).map_err(|e| CliError::bad_input(format!("{}: {e}", file.display())))
}

/// `CODE` (its version in force at `at`) or `CODE@VERSION` (by version label).
fn compared_with<'a>(set: &'a AgreementSet, against: &str, at: DateTime<Utc>) -> Result<&'a Agreement, CliError> {
    let Some((code, version)) = against.split_once('@') else {
        return in_force(set, against, at);
    };
    let code = newest(set, code)?.code();
    let mut versions: Vec<&Agreement> = set.values().map(|a| a.as_ref()).filter(|a| a.code() == code).collect();
    versions.sort_by_key(|a| a.spec().valid_from);
    versions.iter().copied().find(|a| a.spec().version == version.trim()).ok_or_else(|| {
        let known: Vec<&str> = versions.iter().map(|a| a.spec().version.as_str()).collect();
        CliError::bad_input(format!("{code} has no version '{version}' (known: {})", known.join(", ")))
    })
}

#[derive(Serialize)]
struct HolidayRow {
    date: chrono::NaiveDate,
    weekday: String,
    name: &'static str,
    /// `public` or `de_facto`.
    kind: &'static str,
}

pub async fn calendar(command: &CalendarCommand, settings: &Settings) -> CliResult {
    let (region, year, format) = match command {
        CalendarCommand::Holidays { region, year, format } => (region, year, format),
        CalendarCommand::Show { code, year, format } => return show_calendar(code, *year, *format, settings).await,
    };
    let region: Region = region.parse().map_err(|e| CliError::bad_input(format!("{e}")))?;
    if !(holidays::FIRST_YEAR..=holidays::LAST_YEAR).contains(year) {
        return Err(CliError::bad_input(format!(
            "year {year} is outside {}–{}",
            holidays::FIRST_YEAR,
            holidays::LAST_YEAR
        )));
    }
    let list: Vec<HolidayRow> = holidays::holidays(region, *year)
        .into_iter()
        .map(|h| HolidayRow {
            date: h.date,
            weekday: h.date.format("%a").to_string(),
            name: h.name,
            kind: match h.kind {
                HolidayKind::Public => "public",
                HolidayKind::DeFacto(_) => "de_facto",
            },
        })
        .collect();
    let rows: Vec<Vec<String>> =
        list.iter().map(|h| vec![h.date.to_string(), h.weekday.clone(), h.name.to_string(), h.kind.into()]).collect();
    print!("{}", output::render(*format, &["date", "weekday", "name", "kind"], &rows, &list));
    Ok(())
}

#[derive(Serialize)]
struct DeadlineReport<'a> {
    agreement: &'a str,
    priority: &'a str,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    remaining_seconds: Option<i64>,
    #[serde(flatten)]
    clock: ClockRecord,
}

#[derive(Serialize)]
struct ElapsedReport<'a> {
    calendar: &'a str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    business_seconds: i64,
}

pub async fn sla(command: &SlaCommand, settings: &Settings) -> CliResult {
    match command {
        SlaCommand::Deadline { agreement, priority, target, from, now, format } => {
            let target: TargetKind = target.parse().map_err(CliError::bad_input)?;
            let from = instant("--from", from)?;
            let now = now.as_deref().map(|n| instant("--now", n)).transpose()?.unwrap_or_else(Utc::now);
            let pool = super::connect(settings).await?;
            let set = agreements::load_all(&pool).await?;
            let agreement = in_force(&set, agreement, from)?;
            let label = agreement.priority(priority).map_err(|e| CliError::bad_input(e.to_string()))?.label.clone();
            let events = [IncidentEvent::new(from, EventKind::Received { priority: Some(label.clone()) })];
            let clocks =
                sla::compute_clocks(agreement, &events, now).map_err(|e| CliError::bad_input(e.to_string()))?;
            let report = clocks.clock(target).ok_or_else(|| {
                CliError::bad_input(format!("{} priority '{label}' defines no {target} target", agreement.code()))
            })?;
            let zone = agreement.zone();
            match format {
                Format::Json => {
                    let report = DeadlineReport {
                        agreement: agreement.code(),
                        priority: &label,
                        from,
                        now,
                        remaining_seconds: report.remaining.map(|r| r.num_seconds()),
                        clock: ClockRecord::from(report),
                    };
                    print!("{}", output::json(&report));
                }
                Format::Table | Format::Csv => match report.due {
                    Some(due) => println!("{}", due.with_timezone(&zone).to_rfc3339()),
                    None => return Err(CliError::bad_input("the clock has no due instant".to_string())),
                },
            }
        }
        SlaCommand::Elapsed { calendar, from, to, format } => {
            let from = instant("--from", from)?;
            let to = instant("--to", to)?;
            if to < from {
                return Err(CliError::bad_input(format!("--to ({to}) is before --from ({from})")));
            }
            let pool = super::connect(settings).await?;
            let set = agreements::load_all(&pool).await?;
            let seconds = if calendar.eq_ignore_ascii_case(TWENTY_FOUR_SEVEN) {
                (to - from).num_seconds().max(0)
            } else {
                find_calendar(&set, calendar)?.business_duration(from, to).num_seconds()
            };
            match format {
                Format::Json => {
                    print!("{}", output::json(&ElapsedReport { calendar, from, to, business_seconds: seconds }))
                }
                Format::Table | Format::Csv => println!("{seconds}"),
            }
        }
        SlaCommand::Verify { all, reference, format } => {
            let pool = super::connect(settings).await?;
            let scope = if *all { clock_audit::Scope::All } else { clock_audit::Scope::Open };
            let report = clock_audit::verify(&pool, scope, reference.as_deref(), Utc::now()).await?;
            print_verification(&report, *format);
            if !report.differing.is_empty() || !report.unreadable.is_empty() {
                return Err(CliError {
                    code: VERIFY_DIFFERS,
                    message: format!(
                        "{} of {} incidents differ from their history{}",
                        report.differing.len(),
                        report.checked,
                        match report.unreadable.len() {
                            0 => String::new(),
                            n => format!(", {n} cannot be recomputed"),
                        }
                    ),
                });
            }
        }
    }
    Ok(())
}

/// `vakt sla verify` found stored clocks that differ from the history.
pub const VERIFY_DIFFERS: i32 = 5;

fn print_verification(report: &clock_audit::Report, format: Format) {
    if format == Format::Json {
        print!("{}", output::json(report));
        return;
    }
    let rows: Vec<Vec<String>> = report
        .differing
        .iter()
        .chain(&report.unreadable)
        .flat_map(|incident| {
            incident
                .findings
                .iter()
                .map(|f| vec![incident.reference.clone(), f.field.clone(), f.stored.clone(), f.expected.clone()])
        })
        .collect();
    if format == Format::Table && rows.is_empty() {
        let incidents = if report.checked == 1 { "incident" } else { "incidents" };
        println!("{} {incidents} checked: every stored clock agrees with the history", report.checked);
        return;
    }
    print!("{}", output::render(format, &["reference", "field", "stored", "expected"], &rows, &rows));
}

/// The newest stored version of an agreement, by code (case-insensitive).
fn newest<'a>(set: &'a AgreementSet, code: &str) -> Result<&'a Agreement, CliError> {
    set.values()
        .map(|a| a.as_ref())
        .filter(|a| a.code().eq_ignore_ascii_case(code))
        .max_by_key(|a| a.spec().valid_from)
        .ok_or_else(|| {
            let mut known: Vec<&str> = set.values().map(|a| a.code()).collect();
            known.sort();
            known.dedup();
            CliError::bad_input(format!("unknown agreement '{code}' (known: {})", known.join(", ")))
        })
}

/// The version of an agreement in force at an instant (its `valid_from` day, in the agreement's zone, has begun),
/// so a deadline for a case received last year uses last year's targets.
fn in_force<'a>(set: &'a AgreementSet, code: &str, at: DateTime<Utc>) -> Result<&'a Agreement, CliError> {
    let newest = newest(set, code)?;
    let day = at.with_timezone(&newest.zone()).date_naive();
    set.values()
        .map(|a| a.as_ref())
        .filter(|a| a.code() == newest.code() && a.spec().valid_from <= day)
        .max_by_key(|a| a.spec().valid_from)
        .ok_or_else(|| {
            let first = set.values().filter(|a| a.code() == newest.code()).map(|a| a.spec().valid_from).min();
            CliError::bad_input(format!(
                "{} has no version in force on {day} (the first is valid from {})",
                newest.code(),
                first.map_or_else(|| "?".to_string(), |d| d.to_string())
            ))
        })
}

/// A calendar of an agreement by its code, ignoring case like agreement codes and priorities do.
fn calendar_named<'a>(agreement: &'a Agreement, code: &str) -> Option<&'a BusinessCalendar> {
    agreement.calendar(code).or_else(|| agreement.calendars().iter().find(|c| c.code().eq_ignore_ascii_case(code)))
}

/// A calendar by `CODE` (unique across agreements) or `AGREEMENT/CODE`.
fn find_calendar<'a>(set: &'a AgreementSet, name: &str) -> Result<&'a BusinessCalendar, CliError> {
    if let Some((agreement, code)) = name.split_once('/') {
        return calendar_named(newest(set, agreement)?, code)
            .ok_or_else(|| CliError::bad_input(format!("agreement {agreement} has no calendar '{code}'")));
    }
    // The newest version of each agreement, so the answer does not depend on the order versions are stored.
    let mut codes: Vec<&str> = set.values().map(|a| a.code()).collect();
    codes.sort();
    codes.dedup();
    let mut found: Vec<(&str, &BusinessCalendar)> = Vec::new();
    for code in codes {
        if let Some(calendar) = calendar_named(newest(set, code)?, name) {
            found.push((code, calendar));
        }
    }
    match found.as_slice() {
        [(_, calendar)] => Ok(calendar),
        [] => {
            let mut known: Vec<String> = set
                .values()
                .flat_map(|a| a.calendars().iter().map(move |c| format!("{}/{}", a.code(), c.code())))
                .collect();
            known.sort();
            known.dedup();
            Err(CliError::bad_input(format!("unknown calendar '{name}' (known: {})", known.join(", "))))
        }
        several => Err(CliError::bad_input(format!(
            "calendar '{name}' exists in several agreements ({}); write AGREEMENT/{name}",
            several.iter().map(|(a, _)| *a).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// `vakt calendar show`: the year as data (JSON) or as twelve small months with the closed days named.
async fn show_calendar(code: &str, year: i32, format: Format, settings: &Settings) -> CliResult {
    if !(holidays::FIRST_YEAR..=holidays::LAST_YEAR).contains(&year) {
        return Err(CliError::bad_input(format!(
            "year {year} is outside {}–{}",
            holidays::FIRST_YEAR,
            holidays::LAST_YEAR
        )));
    }
    let pool = super::connect(settings).await?;
    let set = agreements::load_all(&pool).await?;
    let calendar = find_calendar(&set, code)?;
    let drawn = calendar_year::year(calendar, year)
        .ok_or_else(|| CliError::bad_input(format!("year {year} cannot be drawn")))?;
    match format {
        Format::Json => print!("{}", output::json(&drawn)),
        Format::Csv => {
            let rows: Vec<Vec<String>> = drawn
                .days
                .iter()
                .map(|d| {
                    vec![
                        d.date.to_string(),
                        d.weekday.clone(),
                        d.hours.join(" "),
                        d.season.clone().unwrap_or_default(),
                        d.closed.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print!("{}", output::csv(&["date", "weekday", "hours", "season", "closed"], &rows));
        }
        Format::Table => print!("{}", crate::domain::text::block(&year_table(calendar, &drawn))),
    }
    Ok(())
}

fn year_table(calendar: &BusinessCalendar, drawn: &calendar_year::Year) -> String {
    let spec = calendar.spec();
    let mut out = format!("{} — {} ({}), {}\n", drawn.calendar, drawn.name, drawn.zone, drawn.year);
    let hours = |table: &crate::domain::calendar::spec::WeeklyHours| {
        let parts: Vec<String> = table
            .iter()
            .map(|(days, ranges)| {
                let ranges: Vec<String> = ranges.iter().map(ToString::to_string).collect();
                format!("{days} {}", ranges.join(", "))
            })
            .collect();
        if parts.is_empty() { "closed".to_string() } else { parts.join("; ") }
    };
    if calendar.is_always_open() {
        out.push_str("Hours: around the clock, no holidays\n");
    } else {
        out.push_str(&format!("Hours: {}\n", hours(&spec.hours)));
    }
    for season in &spec.seasons {
        out.push_str(&format!("Season {} ({} – {}): {}\n", season.name, season.from, season.to, hours(&season.hours)));
    }
    out.push('\n');
    for quarter in 0..4u32 {
        let months: Vec<Vec<String>> = (1..=3).map(|m| calendar_year::month_lines(drawn, quarter * 3 + m)).collect();
        let height = months.iter().map(Vec::len).max().unwrap_or(0);
        for row in 0..height {
            let cells: Vec<String> =
                months.iter().map(|m| m.get(row).cloned().unwrap_or_else(|| " ".repeat(20))).collect();
            out.push_str(cells.join("   ").trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str("A number is an open day; · closed by the weekly hours; x closed by a holiday or exception:\n");
    for day in drawn.days.iter().filter(|d| d.closed_by_exception) {
        out.push_str(&format!("  {} {}  {}\n", day.date, day.weekday, day.closed.clone().unwrap_or_default()));
    }
    out
}
