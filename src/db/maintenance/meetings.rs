//! The status meetings (issue 12) on the maintenance calendar: their occurrences in the dates the console loads, and
//! the series as iCalendar for `vakt meeting ics`, written by the same iCalendar code as the windows (one VEVENT per
//! series with its RRULE, so a calendar program follows later changes of the schedule).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgPool;

use crate::app::screens::calendar::meetings::CalendarMeeting;
use crate::db::DbError;
use crate::db::minutes::{self, SeriesRow};
use crate::report::ics::{self, Event, Organizer};

/// What a series' row does not say itself: its chair's name and address, and how often it changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeriesExtras {
    pub chair_name: Option<String>,
    pub chair_email: Option<String>,
    pub version: i32,
}

/// The extras of every series the caller may read, by code.
pub async fn extras(pool: &PgPool) -> Result<HashMap<String, SeriesExtras>, DbError> {
    let rows: Vec<(String, i32, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT s.code, s.version, st.full_name, st.email
         FROM public.meeting_series s LEFT JOIN public.staff st ON st.login = s.chair_login",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, version, chair_name, chair_email)| (code, SeriesExtras { chair_name, chair_email, version }))
        .collect())
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The meetings starting in the dates `from` up to `to` (UTC midnights, as the windows are read), for the console.
pub async fn between(pool: &PgPool, from: NaiveDate, to: NaiveDate) -> Result<Vec<CalendarMeeting>, DbError> {
    let all = minutes::series(pool).await?;
    let extras = extras(pool).await?;
    occurrences(&all, &extras, midnight(from), midnight(to))
}

/// The meetings of the series starting in `[from, to)`, soonest first.
pub fn occurrences(
    all: &[SeriesRow],
    extras: &HashMap<String, SeriesExtras>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalendarMeeting>, DbError> {
    let mut meetings = Vec::new();
    for series in all {
        let schedule = series.schedule()?;
        let chair = extras.get(&series.code).and_then(|e| e.chair_name.clone()).unwrap_or_else(|| series.chair.clone());
        for start in starts(series, from, to)? {
            meetings.push(CalendarMeeting {
                series: series.code.clone(),
                title: series.title.clone(),
                chair: chair.clone(),
                zone: series.zone.clone(),
                start,
                end: start + schedule.length,
            });
        }
    }
    meetings.sort_by_key(|m| m.start);
    Ok(meetings)
}

fn starts(series: &SeriesRow, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>, DbError> {
    series.schedule()?.starts(from, to).map_err(|e| DbError::Schema(format!("series {}: {e}", series.code)))
}

/// The series that meet in `[from, to)` as iCalendar: one VEVENT each with its first start and rule in its own zone
/// (and that zone's VTIMEZONE), the chair as ORGANIZER and the participants in the description.
pub fn calendar(
    all: &[SeriesRow],
    extras: &HashMap<String, SeriesExtras>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let mut events = Vec::new();
    for series in all {
        if starts(series, from, to)?.is_empty() {
            continue;
        }
        let schedule = series.schedule()?;
        let extra = extras.get(&series.code).cloned().unwrap_or_default();
        let name = extra.chair_name.clone().unwrap_or_else(|| series.chair.clone());
        // A chair without an address is still named; the URN keeps the property valid (RFC 5545 wants a URI).
        let address = match &extra.chair_email {
            Some(email) if !email.trim().is_empty() => format!("mailto:{}", email.trim()),
            _ => format!("urn:vakt:staff:{}", series.chair),
        };
        events.push(Event {
            uid: format!("meeting-{}@vakt", series.code),
            sequence: u32::try_from(extra.version.saturating_sub(1)).unwrap_or(0),
            summary: format!("{} ({})", series.title, series.code),
            description: description(series, &name),
            categories: vec!["meeting".to_string(), series.kind.to_string()],
            cancelled: false,
            zone: schedule.zone,
            start: schedule.start,
            length: schedule.length,
            rule: schedule.rule.clone(),
            extra: Vec::new(),
            excluded: Vec::new(),
            recurrence_id: None,
            organizer: Some(Organizer { name, address }),
        });
    }
    let years = (chrono::Datelike::year(&from), chrono::Datelike::year(&to));
    Ok(ics::calendar("vakt meetings", &events, now, years))
}

/// The agreement, the chair, who must and who may attend: what a participant reads in their calendar program.
fn description(series: &SeriesRow, chair: &str) -> String {
    let named = |mandatory: bool| -> String {
        let names: Vec<String> = series
            .participants
            .iter()
            .filter(|p| p.mandatory == mandatory)
            .map(|p| if p.role.is_empty() { p.who.clone() } else { format!("{} ({})", p.role, p.who) })
            .collect();
        if names.is_empty() { "—".to_string() } else { names.join(", ") }
    };
    format!(
        "Agreement {} · {}\nChair: {chair}\nMust attend: {}\nMay attend: {}",
        series.agreement,
        series.kind.to_string().replace('_', " "),
        named(true),
        named(false)
    )
}
