//! `vakt maintenance show` and `edit`: one series with its approvals and announcements, and changing it.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::{EditArgs, cells, local_minute};
use crate::app::model::MaintenanceWindow;
use crate::app::screens::calendar::days::zone_of;
use crate::cli::output::{self, Format};
use crate::cli::{CliError, CliResult};
use crate::db::maintenance::{self, Changes, Ledger};
use crate::domain::maintenance::{Impact, WindowKind};
use crate::domain::text;

/// Windows `show` lists.
const WINDOWS_SHOWN: usize = 6;

#[derive(Serialize)]
struct Shown<'a> {
    id: i64,
    kind: &'static str,
    state: &'static str,
    impact: &'static str,
    services: &'a [String],
    zone: &'static str,
    start_local: String,
    length_minutes: i64,
    rule: Option<&'a str>,
    follows: Option<i64>,
    days_after: Option<i64>,
    reason: &'a str,
    freeze_override: Option<&'a str>,
    notes: &'a [crate::domain::maintenance::OccurrenceNote],
    version: i32,
    created_by: &'a str,
    windows: Vec<MaintenanceWindow>,
    ledger: Ledger,
}

pub(super) async fn show(pool: &PgPool, id: i64, format: Format, now: DateTime<Utc>) -> CliResult {
    let all = maintenance::list_all(pool).await?;
    let Some(stored) = all.iter().find(|s| s.id == id) else {
        return Err(CliError::bad_input(format!("no maintenance series {id} (`vakt maintenance list`)")));
    };
    let planned = maintenance::expand(&all, now, now + Duration::days(366))?;
    let agreements = maintenance::agreements_by_service(pool, now.date_naive()).await?;
    let windows: Vec<MaintenanceWindow> = planned
        .iter()
        .filter(|p| p.series.id == id)
        .take(WINDOWS_SHOWN)
        .map(|p| maintenance::annotate(p, &planned, &agreements, now))
        .collect();
    let s = &stored.series;
    let shown = Shown {
        id,
        kind: s.kind.as_str(),
        state: stored.state.as_str(),
        impact: s.impact.as_str(),
        services: &s.services,
        zone: s.zone.name(),
        start_local: s.start.format("%Y-%m-%d %H:%M").to_string(),
        length_minutes: s.length.num_minutes(),
        rule: s.rule.as_deref(),
        follows: stored.follows.map(|(primary, _)| primary),
        days_after: stored.follows.map(|(_, days)| days),
        reason: &stored.reason,
        freeze_override: stored.freeze_override.as_deref(),
        notes: &stored.notes,
        version: stored.version,
        created_by: &stored.created_by,
        windows,
        ledger: maintenance::ledger(pool, id).await?,
    };
    match format {
        Format::Json => print!("{}", output::json(&shown)),
        _ => print!("{}", table(&shown)),
    }
    Ok(())
}

fn table(shown: &Shown<'_>) -> String {
    let mut lines = vec![
        format!("series {} · {} · {} · {}", shown.id, shown.kind, shown.state, shown.impact),
        format!("services   {}", shown.services.join(", ")),
        format!(
            "first      {} {} for {}",
            shown.start_local,
            shown.zone,
            text::duration::compact(Duration::minutes(shown.length_minutes))
        ),
    ];
    if let Some(rule) = shown.rule {
        lines.push(format!("repeats    {rule}"));
    }
    if let (Some(primary), Some(days)) = (shown.follows, shown.days_after) {
        lines.push(format!("follows    series {primary}, {days} days after each of its windows"));
    }
    if !shown.reason.is_empty() {
        lines.push(format!("reason     {}", shown.reason));
    }
    if let Some(why) = shown.freeze_override {
        lines.push(format!("in freeze  allowed: {why}"));
    }
    for note in shown.notes {
        let unfinished = if note.unfinished { " · work unfinished" } else { "" };
        lines.push(format!("note       {}{unfinished} {}", note.date, note.note));
    }
    let ledger = &shown.ledger;
    if !ledger.required.is_empty() {
        let missing = if ledger.missing.is_empty() {
            "all given".to_string()
        } else {
            format!("missing {}", ledger.missing.join(", "))
        };
        lines.push(format!("approvals  {} required; {missing}", ledger.required.join(", ")));
    }
    for a in &ledger.approvals {
        lines.push(format!(
            "  approved {} by {} ({}), recorded by {} (version {})",
            a.recorded_at.format("%Y-%m-%d %H:%M UTC"),
            a.approver,
            a.role,
            a.recorded_by,
            a.version
        ));
    }
    if ledger.announcements.is_empty() {
        lines.push("announced  not yet".into());
    }
    for a in &ledger.announcements {
        let occurrence = a.occurrence.map(|d| format!(" {d}")).unwrap_or_default();
        lines.push(format!(
            "  {} {}{occurrence} · SEQUENCE {} · {} recipients · by {}",
            a.announced_at.format("%Y-%m-%d %H:%M UTC"),
            a.what,
            a.sequence,
            a.recipients,
            a.announced_by
        ));
    }
    // The daylight-saving preview: the same wall-clock time is another UTC time on each side of a change.
    if shown
        .windows
        .iter()
        .map(|w| w.start.with_timezone(&zone_of(w)).format("%Z").to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        > 1
    {
        lines.push("daylight saving: the windows keep their wall-clock time".into());
        for w in &shown.windows {
            let (start, end) = (w.start.with_timezone(&zone_of(w)), w.end.with_timezone(&zone_of(w)));
            lines.push(format!(
                "  {} – {} {} = {} – {} UTC",
                start.format("%Y-%m-%d %H:%M"),
                end.format("%H:%M"),
                start.format("%Z"),
                w.start.format("%H:%M"),
                w.end.format("%H:%M")
            ));
        }
    }
    let rows: Vec<Vec<String>> = shown.windows.iter().map(cells).collect();
    let headers = ["series", "start", "end", "zone", "kind", "state", "impact", "services", "warnings"];
    let mut out: Vec<String> = lines.iter().map(|l| text::one_line(l).into_owned()).collect();
    out.push(String::new());
    out.push(output::table(&headers, &rows));
    out.join("\n")
}

pub(super) async fn edit(pool: &PgPool, args: &EditArgs) -> CliResult {
    let id = args.id;
    let all = maintenance::list_all(pool).await?;
    let Some(stored) = all.iter().find(|s| s.id == id) else {
        return Err(CliError::bad_input(format!("no maintenance series {id} (`vakt maintenance list`)")));
    };
    let zone = stored.series.zone;
    let start = args.start.as_deref().map(|t| local_minute("--start", t)).transpose()?;
    let length = match (&args.end, &args.duration) {
        (Some(end), _) => {
            let end = local_minute("--end", end)?;
            let first = start.unwrap_or(stored.series.start);
            let at = |t| crate::domain::calendar::wall_clock::at_local(t, zone);
            Some(match (at(first), at(end)) {
                (Some(s), Some(e)) => e - s,
                _ => end - first,
            })
        }
        (None, Some(text)) => {
            Some(text::duration::parse_compact(text).map_err(|e| CliError::bad_input(format!("--duration: {e}")))?)
        }
        (None, None) => None,
    };
    if let (Some(date), Some(start)) = (args.occurrence, start) {
        let note = args.reason.as_deref().unwrap_or("");
        let to = maintenance::MoveTo {
            start,
            length,
            note,
            freeze_override: args.override_freeze.as_deref(),
            seen_version: None,
        };
        let edited = maintenance::move_occurrence(pool, id, date, &to).await?;
        let local = start.format("%Y-%m-%d %H:%M");
        match edited.announced_to {
            Some(n) => println!("the window of {date} is moved to {local}; the move is announced to {n} recipients"),
            None => println!("the window of {date} is moved to {local}"),
        }
        return Ok(());
    }
    let parse_kind = |k: &String| k.parse::<WindowKind>().map_err(|e| CliError::bad_input(format!("--kind: {e}")));
    let parse_impact = |i: &String| i.parse::<Impact>().map_err(|e| CliError::bad_input(format!("--impact: {e}")));
    let changes = Changes {
        services: args.services.as_ref().map(|list| list.iter().map(|s| s.trim().to_uppercase()).collect()),
        kind: args.kind.as_ref().map(parse_kind).transpose()?,
        impact: args.impact.as_ref().map(parse_impact).transpose()?,
        start,
        length,
        rule: args.rrule.as_ref().map(|r| Some(r.clone()).filter(|r| !r.trim().is_empty())),
        reason: args.reason.clone(),
        freeze_override: args.override_freeze.clone(),
        breaking: args.breaking,
        seen_version: None,
    };
    let edited = maintenance::edit(pool, id, &changes).await?;
    match edited.announced_to {
        Some(n) => {
            println!("series {id} changed (version {}); the change is announced to {n} recipients", edited.version)
        }
        None => println!("series {id} changed (version {})", edited.version),
    }
    Ok(())
}
