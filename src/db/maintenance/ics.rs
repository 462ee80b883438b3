//! The maintenance calendar as iCalendar (RFC 5545), for `vakt maintenance export` and the console's export: one
//! event per series with its rule, rather than every window, so a calendar program follows later changes.

use chrono::{DateTime, Utc};

use super::{StoredSeries, expand};
use crate::db::DbError;
use crate::report::ics::{self, Event};

/// Reads every series (cancelled ones too: the export says they are cancelled) and writes the calendar.
pub async fn export(pool: &sqlx::PgPool, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<String, DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    calendar(&super::list_all(pool).await?, from, to, now)
}

/// The series as iCalendar: a series with a rule is one VEVENT with its RRULE and EXDATEs; a secondary window
/// is one VEVENT whose occurrences in the period (those of its primary, days later) are its DTSTART and RDATEs.
pub fn calendar(
    all: &[StoredSeries],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let planned = expand(all, from, to)?;
    let mut events = Vec::new();
    for stored in all {
        let s = &stored.series;
        let local = |at: DateTime<Utc>| at.with_timezone(&s.zone).naive_local();
        let (start, extra, rule) = if stored.follows.is_some() {
            let mut occurrences = planned.iter().filter(|p| p.series.id == stored.id);
            let Some(first) = occurrences.next() else { continue };
            (local(first.start), occurrences.map(|o| local(o.start)).collect(), None)
        } else {
            (s.start, Vec::new(), s.rule.clone())
        };
        let time = s.start.time();
        let recurring = rule.is_some();
        let master = Event {
            uid: format!("maintenance-{}@vakt", stored.id),
            sequence: u32::try_from(stored.version.saturating_sub(1)).unwrap_or(0),
            summary: format!("{} · {}", s.kind.as_str().replace('_', " "), s.services.join(", ")),
            description: stored.reason.clone(),
            categories: vec![s.kind.as_str().to_string(), s.impact.as_str().to_string()],
            cancelled: stored.state == crate::domain::maintenance::WindowState::Cancelled,
            zone: s.zone,
            start,
            length: s.length,
            rule,
            extra,
            excluded: s.cancelled.iter().map(|d| d.and_time(time)).collect(),
            recurrence_id: None,
            organizer: None,
        };
        // A window moved on its own is an event of the same UID naming the start it had (RECURRENCE-ID).
        if recurring {
            for moved in s.moved.iter().filter(|m| !s.cancelled.contains(&m.date)) {
                events.push(Event {
                    start: moved.start,
                    length: moved.length,
                    rule: None,
                    extra: Vec::new(),
                    excluded: Vec::new(),
                    recurrence_id: Some(moved.date.and_time(time)),
                    ..master.clone()
                });
            }
        }
        events.push(master);
    }
    let years = (chrono::Datelike::year(&from), chrono::Datelike::year(&to));
    Ok(ics::calendar("vakt maintenance", &events, now, years))
}
