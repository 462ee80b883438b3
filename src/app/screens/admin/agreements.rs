//! The agreements section: the versions with the days they are in force, one version in words (Enter), and an
//! admin's import of a new version from a TOML file. The import is previewed first (what changes against the
//! version in force, and what it would do to the open incidents and the availability figures); only `y` writes it,
//! Esc leaves everything as it was.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::data::{AdminWrite, ImportPreview};
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{Field, Values};
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::agreement::AgreementSpec;
use crate::domain::agreement_diff;
use crate::domain::text::duration;
use crate::domain::what_if::{Outcome, Verdict};

/// Enter: the selected version in words.
pub fn open(state: &mut State, now: DateTime<Utc>) {
    if state.screens.admin.selected_agreement().is_some() {
        state.screens.admin.reading = true;
        state.screens.admin.scroll = 0;
    } else {
        state.warn("select an agreement version in the agreements section first (] changes section)", now);
    }
}

/// `i`: the path of the file to import.
pub fn import_form(state: &mut State) {
    let fields = vec![Field::line("TOML file (path)", "", true).named("path")];
    crate::app::forms::open(state, FormPurpose::ImportAgreement, "Import an agreement version".into(), fields);
}

/// The path was sent: the database side reads the file and says what it would change; nothing is written yet.
pub fn submit(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let path = Values::of(&form.fields).text("path").trim().to_string();
    crate::app::forms::send(state, Effect::Db(DbCommand::AdminImportPreview { path }), now)
}

/// The preview arrived: the form gives way to it; a file that cannot be used keeps the form, with every error.
pub fn previewed(state: &mut State, result: Result<ImportPreview, String>, now: DateTime<Utc>) {
    match result {
        Ok(preview) => {
            // The path stays as a draft until the import is done, so a cancelled preview can be asked again.
            state.overlay = None;
            state.screens.admin.import = Some(preview);
            state.screens.admin.reading = false;
        }
        Err(why) => crate::app::forms::failed(state, why, now),
    }
}

/// `y` on a preview: exactly the previewed text is imported.
pub fn confirm(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(preview) = &state.screens.admin.import else {
        state.warn("nothing to import: i reads an agreement file and shows what it would change first", now);
        return Vec::new();
    };
    let write = AdminWrite::ImportAgreement { toml: preview.toml.clone() };
    crate::app::forms::send(state, Effect::Db(DbCommand::Admin(write)), now)
}

/// An agreement version in words: its calendars, priorities with their targets and availability targets.
pub fn summary(spec: &AgreementSpec) -> Vec<String> {
    let mut lines = vec![format!(
        "{} {} · {} · valid from {} · zone {}",
        spec.code, spec.version, spec.name, spec.valid_from, spec.zone
    )];
    lines.push(String::new());
    lines.push("Calendars".into());
    if spec.calendars.is_empty() {
        lines.push("  none (targets run on the support clock or 24x7)".into());
    }
    for calendar in &spec.calendars {
        lines.push(format!("  {} — {}: {}", calendar.code, calendar.name, opening_hours(&calendar.hours)));
    }
    lines.push(String::new());
    lines.push("Priorities".into());
    for priority in &spec.priorities {
        let name = priority.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
        let targets: Vec<String> = priority
            .targets
            .iter()
            .map(|t| {
                let unit =
                    serde_json::to_value(t.unit).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                format!("{} {} {} on {}", t.kind, t.amount, unit.replace('_', " "), t.clock)
            })
            .collect();
        let targets = if let Some(pending) = &priority.pending {
            format!("pending: {pending}")
        } else if targets.is_empty() {
            "no targets".to_string()
        } else {
            targets.join(" · ")
        };
        lines.push(format!("  {}{name}: {targets}", priority.label));
    }
    lines.push(String::new());
    lines.push("Availability targets".into());
    if spec.availability.is_empty() {
        lines.push("  none".into());
    }
    for target in &spec.availability {
        let period =
            serde_json::to_value(target.period).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        let period = period.replace('_', " ");
        lines.push(format!("  {} % {period} in {}: {}", target.percent, target.calendar, target.services.join(", ")));
    }
    lines
}

/// Weekly opening hours as written in the agreement ("mon-fri 08:00-15:45"), without the file's punctuation.
fn opening_hours(hours: &impl serde::Serialize) -> String {
    match serde_json::to_value(hours) {
        Ok(serde_json::Value::Object(days)) if days.is_empty() => "closed every day".into(),
        Ok(serde_json::Value::Object(days)) => days
            .iter()
            .map(|(days, spans)| {
                let spans = match spans {
                    serde_json::Value::Array(spans) => {
                        spans.iter().filter_map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    }
                    other => other.to_string(),
                };
                format!("{days} {spans}")
            })
            .collect::<Vec<_>>()
            .join(" · "),
        _ => "—".into(),
    }
}

/// What importing `after` would change, in words: against the version in force (`before`, if there is one), and
/// what it would do to the open incidents and the availability figures (`outcome`).
pub fn preview_lines(
    before: Option<&AgreementSpec>,
    after: &AgreementSpec,
    outcome: &Outcome,
    zone: Tz,
) -> Vec<String> {
    let mut lines = Vec::new();
    match before {
        Some(before) => {
            let changes = agreement_diff::diff(before, after);
            lines.push(format!(
                "{} {} (valid from {}) → {} (valid from {}): {} change(s)",
                after.code,
                before.version,
                before.valid_from,
                after.version,
                after.valid_from,
                changes.len()
            ));
            lines.extend(changes.iter().map(|c| format!("  {c}")));
        }
        None => {
            lines.push(format!("{} {}: a new agreement (valid from {})", after.code, after.version, after.valid_from))
        }
    }
    lines.push(String::new());
    lines.push(format!(
        "If it were in force now, on {} open incident(s): {} deadline(s) move, {} become breached, {} stop being breached",
        outcome.incidents,
        outcome.deadlines.len(),
        outcome.becoming_breached().count(),
        outcome.stopping_being_breached().count()
    ));
    let local = |at: Option<DateTime<Utc>>| {
        at.map_or_else(|| "—".to_string(), |at| at.with_timezone(&zone).format("%d %b %H:%M").to_string())
    };
    for d in &outcome.deadlines {
        let moved = d.moved_seconds.map(|s| {
            let sign = if s < 0 { "−" } else { "+" };
            format!(" ({sign}{})", duration::human(chrono::Duration::seconds(s.abs())))
        });
        let verdict = match d.verdict {
            Verdict::BecomesBreached => " · becomes breached",
            Verdict::StopsBeingBreached => " · stops being breached",
            Verdict::Moves => "",
        };
        lines.push(format!(
            "  {} {}: due {} → {}{}{verdict}",
            d.reference,
            d.target,
            local(d.due_before),
            local(d.due_after),
            moved.unwrap_or_default()
        ));
    }
    for u in &outcome.unmeasurable {
        lines.push(format!("  {} cannot be measured: {}", u.reference, u.reason));
    }
    if !outcome.availability.is_empty() {
        lines.push(String::new());
        lines.push("Availability this period".into());
    }
    let percent = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{:.3} %", v * 100.0));
    let target = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v} %"));
    for a in &outcome.availability {
        let met = |m: Option<bool>| match m {
            Some(true) => "met",
            Some(false) => "not met",
            None => "—",
        };
        lines.push(format!(
            "  {}: {} of {} ({}) → {} of {} ({})",
            a.service,
            percent(a.availability_before),
            target(a.target_before),
            met(a.met_before),
            percent(a.availability_after),
            target(a.target_after),
            met(a.met_after)
        ));
    }
    lines
}
