//! What changed in a period's figures since its report was issued, and why: the restatement printed next to the
//! frozen figures. The frozen figures are never rewritten; this only says how today's count differs.

use serde::Serialize;

use super::figures::{IncidentLine, OutageLine, ReportFigures};
use crate::domain::availability::Entry;

/// One figure that differs, with the facts behind the difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub what: String,
    pub was: String,
    pub now: String,
    pub why: Vec<String>,
}

pub fn changes(frozen: &ReportFigures, current: &ReportFigures) -> Vec<Change> {
    let mut found = Vec::new();
    let mut change = |what: String, was: String, now: String, why: Vec<String>| {
        if was != now {
            found.push(Change { what, was, now, why });
        }
    };
    change(
        "agreement version".into(),
        frozen.header.version.clone(),
        current.header.version.clone(),
        vec!["a new version of the agreement was imported for the period".into()],
    );

    let services: Vec<&str> =
        frozen.services.iter().chain(&current.services).map(|s| s.service.as_str()).fold(Vec::new(), |mut seen, s| {
            if !seen.contains(&s) {
                seen.push(s);
            }
            seen
        });
    for service in services {
        let figure = |f: &ReportFigures| {
            f.services.iter().find(|s| s.service == service).map_or_else(
                || "no target".to_string(),
                |s| {
                    let m = &s.measured;
                    format!(
                        "{} (down {} s, excluded {} s, {} outages counted)",
                        m.percent_text(),
                        m.downtime_seconds,
                        m.excluded_seconds,
                        m.outages_counted
                    )
                },
            )
        };
        let why = accounting_changes(frozen, current, service);
        change(format!("{service} availability"), figure(frozen), figure(current), why);
    }

    let cap = |f: &ReportFigures| f.outage_cap.as_ref().map_or_else(|| "no cap".to_string(), |c| c.text());
    change("outages against the yearly cap".into(), cap(frozen), cap(current), outage_changes(frozen, current));

    let priorities: Vec<&str> = frozen.priorities.iter().chain(&current.priorities).map(|p| p.priority.as_str()).fold(
        Vec::new(),
        |mut seen, p| {
            if !seen.contains(&p) {
                seen.push(p);
            }
            seen
        },
    );
    for priority in priorities {
        let figure = |f: &ReportFigures| {
            f.priorities.iter().find(|p| p.priority == priority).map_or_else(
                || "none".to_string(),
                |p| {
                    let clocks: Vec<String> = p
                        .clocks
                        .iter()
                        .map(|c| format!("{} met {} breached {}", c.target, c.met, c.breached))
                        .collect();
                    format!(
                        "received {}, resolved {}, major {}; {}",
                        p.received,
                        p.resolved,
                        p.major,
                        clocks.join(", ")
                    )
                },
            )
        };
        let why = incident_changes(frozen, current, priority);
        change(format!("priority {priority}"), figure(frozen), figure(current), why);
    }
    found
}

fn accounting_changes(frozen: &ReportFigures, current: &ReportFigures, service: &str) -> Vec<String> {
    let entries = |f: &ReportFigures| -> Vec<Entry> {
        f.services.iter().filter(|s| s.service == service).flat_map(|s| s.measured.accounting.clone()).collect()
    };
    let (was, now) = (entries(frozen), entries(current));
    let mut why: Vec<String> =
        now.iter().filter(|e| !was.contains(e)).map(|e| format!("now: {}", entry_text(e))).collect();
    why.extend(was.iter().filter(|e| !now.contains(e)).map(|e| format!("no longer: {}", entry_text(e))));
    why.extend(outage_changes(frozen, current).into_iter().filter(|line| line.contains(&format!(" {service} "))));
    why
}

fn entry_text(entry: &Entry) -> String {
    match entry {
        Entry::Counted { outage, downtime_seconds } => format!("outage {outage} counted {downtime_seconds} s"),
        Entry::NotCounted { outage, reason } => format!("outage {outage} not counted ({reason})"),
        Entry::WindowExcluded { series_id, seconds } => format!("maintenance {series_id} excluded {seconds} s"),
        Entry::WindowCounted { series_id, downtime_seconds } => {
            format!("maintenance {series_id} counted {downtime_seconds} s")
        }
        Entry::NoticeDeviation { series_id } => format!("maintenance {series_id} a notice deviation"),
    }
}

/// Outages recorded, removed or edited since the issue (by id).
fn outage_changes(frozen: &ReportFigures, current: &ReportFigures) -> Vec<String> {
    let describe = |o: &OutageLine| {
        let end = o.end.map_or_else(|| "open".to_string(), |e| e.to_rfc3339());
        let exclusion = o.exclusion.as_deref().map(|e| format!(", excluded: {e}")).unwrap_or_default();
        format!("outage {} of {} {} – {end} ({}{exclusion})", o.id, o.service, o.start.to_rfc3339(), o.impact)
    };
    let mut why = Vec::new();
    for o in &current.outages {
        match frozen.outages.iter().find(|f| f.id == o.id) {
            None => why.push(format!("recorded after the issue: {}", describe(o))),
            Some(f) if f != o => why.push(format!("edited after the issue: {} (was {})", describe(o), describe(f))),
            Some(_) => {}
        }
    }
    for f in frozen.outages.iter().filter(|f| !current.outages.iter().any(|o| o.id == f.id)) {
        why.push(format!("no longer in the period: {}", describe(f)));
    }
    why
}

/// Incidents of a priority that appeared, left or changed since the issue (by reference).
fn incident_changes(frozen: &ReportFigures, current: &ReportFigures, priority: &str) -> Vec<String> {
    let of = |f: &'_ ReportFigures| -> Vec<IncidentLine> {
        f.incidents
            .iter()
            .filter(|i| i.priority.as_deref().unwrap_or(super::figures::NO_PRIORITY) == priority)
            .cloned()
            .collect()
    };
    let (was, now) = (of(frozen), of(current));
    let describe = |i: &IncidentLine| {
        let clocks: Vec<String> = i.clocks.iter().map(|(t, o)| format!("{t} {o:?}").to_lowercase()).collect();
        format!(
            "{} on {}: {}{}{}",
            i.reference,
            i.service,
            if i.resolved { "resolved" } else { "open" },
            if i.major { ", major" } else { "" },
            if clocks.is_empty() { String::new() } else { format!(", {}", clocks.join(", ")) }
        )
    };
    let mut why = Vec::new();
    for i in &now {
        match was.iter().find(|w| w.reference == i.reference) {
            None => why.push(format!("counted here since the issue: {}", describe(i))),
            Some(w) if w != i => why.push(format!("changed since the issue: {} (was {})", describe(i), describe(w))),
            Some(_) => {}
        }
    }
    for w in was.iter().filter(|w| !now.iter().any(|i| i.reference == w.reference)) {
        why.push(format!("no longer counted here (priority changed or removed): {}", describe(w)));
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agreement::spec::TargetKind;
    use crate::domain::availability::Availability;
    use crate::domain::report::figures::{ClockOutcome, PriorityTally, ServiceFigure, tally};
    use crate::domain::report::{ReportHeader, ReportKind, ReportPeriod};
    use chrono::{TimeZone, Utc};

    fn figures(outages: Vec<OutageLine>, incidents: Vec<IncidentLine>, downtime: i64) -> ReportFigures {
        let period = ReportPeriod::parse(ReportKind::Monthly, "2027-03").unwrap();
        let accounting = outages
            .iter()
            .map(|o| Entry::Counted { outage: o.id, downtime_seconds: downtime / outages.len().max(1) as i64 })
            .collect();
        let scheme = vec![("A".to_string(), vec![TargetKind::Resolution])];
        let priorities: Vec<PriorityTally> = tally(&incidents, &scheme);
        ReportFigures {
            header: ReportHeader {
                agreement: "ALTINN".into(),
                agreement_name: "Altinn".into(),
                version: "2.0".into(),
                due: period.due(),
                due_rule: String::new(),
                period,
                generated_at: Utc.with_ymd_and_hms(2027, 4, 2, 8, 0, 0).unwrap(),
            },
            rules: vec![],
            services: vec![ServiceFigure {
                service: "SBL".into(),
                target: 99.9,
                measured: Availability {
                    operating_seconds: 2_678_400,
                    downtime_seconds: downtime,
                    excluded_seconds: 0,
                    availability: Some(1.0 - downtime as f64 / 2_678_400.0),
                    allowed_seconds: 2678,
                    budget_used: None,
                    met: Some(downtime <= 2678),
                    outages_counted: outages.len(),
                    accounting,
                },
            }],
            outages,
            outage_cap: None,
            priorities,
            incidents,
            exercises: vec![],
            first_line: None,
            survey: None,
            change_needs: None,
            problems: Vec::new(),
            notifications: Vec::new(),
        }
    }

    fn outage(id: i64, minutes: i64) -> OutageLine {
        let start = Utc.with_ymd_and_hms(2027, 3, 10, 10, 0, 0).unwrap();
        OutageLine {
            id,
            service: "SBL".into(),
            start,
            end: Some(start + chrono::Duration::minutes(minutes)),
            impact: "unavailable".into(),
            incident: None,
            exclusion: None,
        }
    }

    fn incident(reference: &str, outcome: ClockOutcome) -> IncidentLine {
        IncidentLine {
            reference: reference.into(),
            service: "SBL".into(),
            priority: Some("A".into()),
            resolved: true,
            major: false,
            clocks: vec![(TargetKind::Resolution, outcome)],
        }
    }

    #[test]
    fn the_same_figures_have_no_restatement() {
        let f = figures(vec![outage(1, 30)], vec![incident("INC-1", ClockOutcome::Met)], 1800);
        assert_eq!(changes(&f, &f.clone()), vec![]);
    }

    #[test]
    fn a_late_outage_and_a_late_incident_are_named_as_the_reason() {
        let frozen = figures(vec![outage(1, 30)], vec![incident("INC-1", ClockOutcome::Met)], 1800);
        let current = figures(
            vec![outage(1, 30), outage(2, 10)],
            vec![incident("INC-1", ClockOutcome::Met), incident("INC-2", ClockOutcome::Breached)],
            2400,
        );
        let found = changes(&frozen, &current);
        assert_eq!(found.len(), 2, "{found:#?}");
        let sbl = &found[0];
        assert_eq!(sbl.what, "SBL availability");
        assert!(sbl.was.contains("down 1800 s") && sbl.now.contains("down 2400 s"), "{sbl:?}");
        assert!(sbl.why.iter().any(|w| w.starts_with("recorded after the issue: outage 2 of SBL ")), "{sbl:?}");
        let a = &found[1];
        assert_eq!(
            (a.was.as_str(), a.now.as_str()),
            (
                "received 1, resolved 1, major 0; resolution met 1 breached 0",
                "received 2, resolved 2, major 0; resolution met 1 breached 1"
            )
        );
        assert_eq!(a.why, ["counted here since the issue: INC-2 on SBL: resolved, resolution breached"]);
    }
}
