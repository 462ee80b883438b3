//! How `vakt agreement diff` and `vakt agreement what-if` print what a new version would change.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::output::{self, Format};
use crate::domain::agreement::Agreement;
use crate::domain::agreement_diff::{self, Change};
use crate::domain::text::duration;
use crate::domain::what_if::{Outcome, Verdict};

#[derive(Serialize)]
struct VersionRef<'a> {
    code: &'a str,
    version: &'a str,
    valid_from: chrono::NaiveDate,
}

impl<'a> VersionRef<'a> {
    fn of(agreement: &'a Agreement) -> Self {
        let spec = agreement.spec();
        Self { code: &spec.code, version: &spec.version, valid_from: spec.valid_from }
    }
}

#[derive(Serialize)]
struct DiffReport<'a> {
    against: VersionRef<'a>,
    file: VersionRef<'a>,
    changes: Vec<Change>,
}

pub fn print_diff(base: &Agreement, proposed: &Agreement, format: Format) {
    let changes = agreement_diff::diff(base.spec(), proposed.spec());
    match format {
        Format::Json => {
            let report = DiffReport { against: VersionRef::of(base), file: VersionRef::of(proposed), changes };
            print!("{}", output::json(&report));
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = changes
                .iter()
                .map(|c| {
                    let kind = serde_json::to_value(c.kind).ok().and_then(|v| v.as_str().map(String::from));
                    vec![
                        c.what.clone(),
                        kind.unwrap_or_default(),
                        c.before.clone().unwrap_or_default(),
                        c.after.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print!("{}", output::csv(&["what", "change", "before", "after"], &rows));
        }
        Format::Table => {
            let (old, new) = (base.spec(), proposed.spec());
            let count = match changes.len() {
                0 => "no changes".to_string(),
                1 => "1 change".to_string(),
                n => format!("{n} changes"),
            };
            let header = format!(
                "{} {} (valid from {}) → {} (valid from {}): {count}",
                old.code, old.version, old.valid_from, new.version, new.valid_from
            );
            println!("{}", crate::domain::text::one_line(&header));
            for change in &changes {
                println!("  {}", crate::domain::text::one_line(&change.to_string()));
            }
        }
    }
}

/// "+1 h 30 min", "−18 h 15 min".
fn signed(seconds: i64) -> String {
    let sign = if seconds < 0 { "−" } else { "+" };
    format!("{sign}{}", duration::human(Duration::seconds(seconds.abs())))
}

fn local(at: Option<DateTime<Utc>>, zone: Tz) -> String {
    at.map_or_else(|| "—".to_string(), |at| at.with_timezone(&zone).format("%d %b %H:%M").to_string())
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |v| format!("{:.3} %", v * 100.0))
}

fn met(value: Option<bool>) -> String {
    match value {
        Some(true) => "met".into(),
        Some(false) => "not met".into(),
        None => "—".into(),
    }
}

pub fn print_what_if(outcome: &Outcome, zone: Tz, format: Format) {
    if format == Format::Json {
        print!("{}", output::json(outcome));
        return;
    }
    let deadline_rows: Vec<Vec<String>> = outcome
        .deadlines
        .iter()
        .map(|d| {
            vec![
                d.reference.clone(),
                d.target.to_string(),
                d.priority.clone().unwrap_or_default(),
                local(d.due_before, zone),
                local(d.due_after, zone),
                d.moved_seconds.map(signed).unwrap_or_else(|| "—".into()),
                match d.verdict {
                    Verdict::BecomesBreached => "newly breached".into(),
                    Verdict::StopsBeingBreached => "breach lifted".into(),
                    Verdict::Moves if d.breached_after => "breached both".into(),
                    Verdict::Moves => String::new(),
                },
            ]
        })
        .collect();
    // Fits 80 columns: the day without its year (JSON has the instants).
    let deadline_headers = ["reference", "target", "prio", "due now", "due by new", "moves", "breach"];
    if format == Format::Csv {
        print!("{}", output::csv(&deadline_headers, &deadline_rows));
        return;
    }
    let at = outcome.at.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z");
    println!(
        "{}",
        crate::domain::text::one_line(&format!(
            "{} {} on {} open incident(s) at {at} (nothing written):",
            outcome.agreement, outcome.version, outcome.incidents
        ))
    );
    println!(
        "  {} deadline(s) move, {} become breached, {} stop being breached",
        outcome.deadlines.len(),
        outcome.becoming_breached().count(),
        outcome.stopping_being_breached().count()
    );
    if !deadline_rows.is_empty() {
        println!();
        print!("{}", output::table(&deadline_headers, &deadline_rows));
    }
    if !outcome.unmeasurable.is_empty() {
        println!();
        let rows: Vec<Vec<String>> =
            outcome.unmeasurable.iter().map(|u| vec![u.reference.clone(), u.reason.clone()]).collect();
        print!("{}", output::table(&["cannot be measured", "why"], &rows));
    }
    println!();
    if outcome.availability.is_empty() {
        println!("Availability this month: no figure changes");
        return;
    }
    println!("Availability this month:");
    let rows: Vec<Vec<String>> = outcome
        .availability
        .iter()
        .map(|a| {
            let target = |t: Option<f64>| t.map_or_else(|| "—".to_string(), |t| format!("{t} %"));
            vec![
                a.service.clone(),
                target(a.target_before),
                target(a.target_after),
                percent(a.availability_before),
                percent(a.availability_after),
                met(a.met_before),
                met(a.met_after),
            ]
        })
        .collect();
    print!("{}", output::table(&["service", "target now", "target new", "now", "by new", "now met", "new met"], &rows));
}
