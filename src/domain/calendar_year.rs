//! A business calendar over one year, day by day: its hours, the season that sets them, and why a closed day is
//! closed (weekend, a named holiday, an override). `vakt calendar show` draws it as twelve small months; the admin
//! screen can draw the same data.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::domain::calendar::time::MonthDay;
use crate::domain::calendar::{BusinessCalendar, ClosedReason};

/// One local day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub weekday: String,
    /// Opening hours, e.g. ["08:00-15:45"]; empty when closed all day.
    pub hours: Vec<String>,
    /// The season whose hours apply, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub season: Option<String>,
    /// Why it is closed: a holiday's or override's name, or "no hours on Saturday".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// Closed on a day the weekly hours would open (a holiday, a named day, an override): what the drawing marks.
    pub closed_by_exception: bool,
}

/// A calendar's year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Year {
    pub calendar: String,
    pub name: String,
    pub zone: String,
    pub year: i32,
    pub days: Vec<Day>,
}

/// Every day of `year` on `calendar`; `None` for a year the calendar cannot represent.
pub fn year(calendar: &BusinessCalendar, year: i32) -> Option<Year> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let after = NaiveDate::from_ymd_opt(year + 1, 1, 1)?;
    let spec = calendar.spec();
    let days = first
        .iter_days()
        .take_while(|d| *d < after)
        .map(|date| {
            let hours: Vec<String> = calendar.hours_on(date).iter().map(ToString::to_string).collect();
            let reason = calendar.closed_reason(date);
            let season = season_on(calendar, date);
            let closed_by_exception = matches!(
                reason,
                Some(ClosedReason::Holiday { .. } | ClosedReason::Named { .. } | ClosedReason::Override { .. })
            ) && scheduled(calendar, season.as_deref(), date.weekday());
            Day {
                date,
                weekday: date.format("%a").to_string(),
                season,
                closed: reason.map(|r| r.to_string()),
                closed_by_exception,
                hours,
            }
        })
        .collect();
    Some(Year {
        calendar: spec.code.clone(),
        name: spec.name.clone(),
        zone: calendar.zone().name().to_string(),
        year,
        days,
    })
}

/// The first season that covers `date` and sets hours for its weekday.
fn season_on(calendar: &BusinessCalendar, date: NaiveDate) -> Option<String> {
    let key = (date.month(), date.day());
    let within = |from: MonthDay, to: MonthDay| {
        let (from, to) =
            ((u32::from(from.month()), u32::from(from.day())), (u32::from(to.month()), u32::from(to.day())));
        if from <= to { from <= key && key <= to } else { key >= from || key <= to }
    };
    calendar
        .spec()
        .seasons
        .iter()
        .find(|s| within(s.from, s.to) && s.hours.keys().any(|set| set.contains(date.weekday())))
        .map(|s| s.name.clone())
}

/// Whether the weekly (or the season's) hours open on this weekday: a holiday on a Sunday is no exception.
fn scheduled(calendar: &BusinessCalendar, season: Option<&str>, weekday: Weekday) -> bool {
    let spec = calendar.spec();
    let table = season.and_then(|name| spec.seasons.iter().find(|s| s.name == name)).map_or(&spec.hours, |s| &s.hours);
    table.iter().any(|(days, ranges)| days.contains(weekday) && !ranges.is_empty())
}

/// One month as the lines of a small calendar: a title, the weekday initials, then weeks from Monday. An open day
/// is its number; a day closed by its weekly hours is `·`; a day closed by a holiday or another exception is `x`.
pub fn month_lines(year: &Year, month: u32) -> Vec<String> {
    let days: Vec<&Day> = year.days.iter().filter(|d| d.date.month() == month).collect();
    let Some(first) = days.first() else { return Vec::new() };
    let mut lines = vec![format!("{:<20}", first.date.format("%B")), "Mo Tu We Th Fr Sa Su".to_string()];
    let mut week = "   ".repeat(first.date.weekday().num_days_from_monday() as usize);
    for day in days {
        let cell = if day.closed_by_exception {
            " x".to_string()
        } else if day.hours.is_empty() {
            " ·".to_string()
        } else {
            format!("{:>2}", day.date.day())
        };
        week.push_str(&cell);
        if day.date.weekday() == Weekday::Sun {
            lines.push(week.clone());
            week.clear();
        } else {
            week.push(' ');
        }
    }
    if !week.trim().is_empty() {
        lines.push(week.trim_end().to_string());
    }
    lines.iter().map(|l| format!("{:<20}", l.trim_end())).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::agreement::Agreement;

    const ALTINN: &str = include_str!("../../agreements/altinn.toml");

    #[test]
    fn holidays_are_named_and_marked_and_seasons_set_the_hours() {
        let agreement = Agreement::from_toml(ALTINN).unwrap();
        let servicedesk = agreement.calendar("servicedesk").unwrap();
        let year = year(servicedesk, 2026).unwrap();
        assert_eq!(year.days.len(), 365);
        let day = |m, d| year.days.iter().find(|x| x.date == NaiveDate::from_ymd_opt(2026, m, d).unwrap()).unwrap();
        // 17 May 2026 is a Sunday: closed by the weekly hours first, so not an exception.
        let constitution = day(5, 17);
        assert!(constitution.hours.is_empty() && !constitution.closed_by_exception, "{constitution:?}");
        // Kristi himmelfartsdag 2026 is Thursday 14 May.
        let ascension = day(5, 14);
        assert!(ascension.closed_by_exception, "{ascension:?}");
        assert!(ascension.closed.as_deref().unwrap().contains("Kristi himmelfartsdag"), "{ascension:?}");
        assert_eq!(day(11, 24).hours, ["08:00-15:45"]);
        assert_eq!(day(11, 24).season, None);
        assert_eq!(day(6, 16).season.as_deref(), Some("Sommertid"));
        assert_eq!(day(6, 16).hours, ["08:00-15:00"]);
        let may = month_lines(&year, 5);
        assert_eq!(may[0].trim(), "May");
        // Friday 1 May (Arbeidernes dag) is an exception; the first week starts on Friday.
        assert_eq!(may[2].trim_end(), "             x  ·  ·");
    }
}
