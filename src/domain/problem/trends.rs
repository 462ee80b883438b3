//! Trends over incidents linked to problems (Stockholm §3.3.4: the service desk analyses trends to find
//! improvements): incidents per problem and per service by month, and the services with the most recurring
//! incidents. Pure functions over rows the database returns; months are the viewer's, passed in as a zone.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::Serialize;

/// One incident linked to one problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedIncident {
    pub problem: String,
    pub service: String,
    pub incident: String,
    pub received_at: DateTime<Utc>,
}

/// Incidents per month for one problem or service, every month of the range present (zero when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    pub key: String,
    /// (month as YYYY-MM, incidents received in it).
    pub months: Vec<(String, u32)>,
    pub total: u32,
}

/// A service whose incidents keep coming back to the same problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recurring {
    pub service: String,
    /// Incidents of the service linked to a problem that has more than one incident.
    pub incidents: u32,
    /// How many such problems.
    pub problems: u32,
}

/// The first days of the months from `from`'s month up to and including `to`'s month.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut month = from.with_day(1).unwrap_or(from);
    let mut out = Vec::new();
    while month <= to && out.len() < 1200 {
        out.push(month);
        month = match month.checked_add_months(Months::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    out
}

fn month_label(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

fn series_by(
    rows: &[LinkedIncident],
    zone: chrono_tz::Tz,
    range: &[NaiveDate],
    key: impl Fn(&LinkedIncident) -> &str,
) -> Vec<Series> {
    let labels: Vec<String> = range.iter().map(|d| month_label(*d)).collect();
    // An incident linked to two problems counts once per service.
    let mut counted: BTreeMap<&str, BTreeMap<String, std::collections::BTreeSet<&str>>> = BTreeMap::new();
    for row in rows {
        let label = month_label(row.received_at.with_timezone(&zone).date_naive());
        if !labels.contains(&label) {
            continue;
        }
        counted.entry(key(row)).or_default().entry(label).or_default().insert(row.incident.as_str());
    }
    let mut series: Vec<Series> = counted
        .into_iter()
        .map(|(key, by_month)| {
            let months: Vec<(String, u32)> = labels
                .iter()
                .map(|l| (l.clone(), by_month.get(l).map_or(0, |s| u32::try_from(s.len()).unwrap_or(u32::MAX))))
                .collect();
            let total = months.iter().map(|(_, n)| n).sum();
            Series { key: key.to_string(), months, total }
        })
        .collect();
    series.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
    series
}

/// Incidents per problem per month, the busiest problem first.
pub fn per_problem(rows: &[LinkedIncident], zone: chrono_tz::Tz, range: &[NaiveDate]) -> Vec<Series> {
    series_by(rows, zone, range, |r| r.problem.as_str())
}

/// Incidents linked to problems per service per month, the busiest service first.
pub fn per_service(rows: &[LinkedIncident], zone: chrono_tz::Tz, range: &[NaiveDate]) -> Vec<Series> {
    series_by(rows, zone, range, |r| r.service.as_str())
}

/// The services with the most recurring incidents: incidents linked to a problem that more than one incident is
/// linked to. At most `top`, most first (ties by name).
pub fn most_recurring(rows: &[LinkedIncident], top: usize) -> Vec<Recurring> {
    let mut per_problem: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for row in rows {
        per_problem.entry(row.problem.as_str()).or_default().insert(row.incident.as_str());
    }
    let mut by_service: BTreeMap<&str, (std::collections::BTreeSet<&str>, std::collections::BTreeSet<&str>)> =
        BTreeMap::new();
    for row in rows {
        if per_problem.get(row.problem.as_str()).is_some_and(|incidents| incidents.len() > 1) {
            let entry = by_service.entry(row.service.as_str()).or_default();
            entry.0.insert(row.incident.as_str());
            entry.1.insert(row.problem.as_str());
        }
    }
    let mut out: Vec<Recurring> = by_service
        .into_iter()
        .map(|(service, (incidents, problems))| Recurring {
            service: service.to_string(),
            incidents: u32::try_from(incidents.len()).unwrap_or(u32::MAX),
            problems: u32::try_from(problems.len()).unwrap_or(u32::MAX),
        })
        .collect();
    out.sort_by(|a, b| b.incidents.cmp(&a.incidents).then_with(|| a.service.cmp(&b.service)));
    out.truncate(top);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(problem: &str, service: &str, incident: &str, at: DateTime<Utc>) -> LinkedIncident {
        LinkedIncident { problem: problem.into(), service: service.into(), incident: incident.into(), received_at: at }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_month_of_the_range_is_there_and_months_are_local() {
        let range = months(day(2026, 10, 15), day(2026, 12, 1));
        assert_eq!(range, [day(2026, 10, 1), day(2026, 11, 1), day(2026, 12, 1)]);
        // 23:30 UTC on 31 October is 00:30 on 1 November in Stockholm.
        let late = Utc.with_ymd_and_hms(2026, 10, 31, 23, 30, 0).unwrap();
        let rows = [
            row("PRB-1", "STH-SD", "INC-1", late),
            row("PRB-1", "STH-SD", "INC-2", Utc.with_ymd_and_hms(2026, 10, 2, 9, 0, 0).unwrap()),
            row("PRB-1", "STH-SD", "INC-3", Utc.with_ymd_and_hms(2027, 1, 2, 9, 0, 0).unwrap()),
        ];
        let series = per_problem(&rows, chrono_tz::Europe::Stockholm, &range);
        assert_eq!(series.len(), 1);
        assert_eq!(
            series[0].months,
            [("2026-10".to_string(), 1), ("2026-11".to_string(), 1), ("2026-12".to_string(), 0)],
            "the January incident is outside the range"
        );
        assert_eq!(series[0].total, 2);
    }

    #[test]
    fn an_incident_linked_to_two_problems_counts_once_for_its_service() {
        let at = Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap();
        let rows =
            [row("PRB-1", "SBL", "INC-1", at), row("PRB-2", "SBL", "INC-1", at), row("PRB-2", "ALT", "INC-2", at)];
        let range = months(day(2026, 11, 1), day(2026, 11, 30));
        let services = per_service(&rows, chrono_tz::Europe::Oslo, &range);
        assert_eq!(services.iter().map(|s| (s.key.as_str(), s.total)).collect::<Vec<_>>(), [("ALT", 1), ("SBL", 1)]);
        let problems = per_problem(&rows, chrono_tz::Europe::Oslo, &range);
        assert_eq!(problems[0].key, "PRB-2", "the busiest problem first");
        assert_eq!(problems[0].total, 2);
    }

    #[test]
    fn recurring_means_a_problem_with_more_than_one_incident() {
        let at = Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap();
        let rows = [
            row("PRB-1", "SBL", "INC-1", at),
            row("PRB-1", "SBL", "INC-2", at),
            row("PRB-1", "ALT", "INC-3", at),
            row("PRB-2", "MOLDE", "INC-4", at),
            row("PRB-3", "ALT", "INC-5", at),
            row("PRB-3", "ALT", "INC-6", at),
        ];
        let top = most_recurring(&rows, 10);
        assert_eq!(
            top,
            [
                Recurring { service: "ALT".into(), incidents: 3, problems: 2 },
                Recurring { service: "SBL".into(), incidents: 2, problems: 1 },
            ],
            "MOLDE's single incident is not recurring"
        );
        assert_eq!(most_recurring(&rows, 1).len(), 1);
    }
}
