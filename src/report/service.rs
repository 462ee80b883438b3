//! A service report (monthly, tertial, yearly) as a [`Document`] for Markdown and HTML, and as CSV rows: the
//! figures of `domain::report` in words, with the accounting statement behind every availability figure.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Bar, Block, Document, Records};
use crate::domain::availability::Entry;
use crate::domain::report::ReportFigures;
use crate::domain::report::issue::IssueState;
use crate::domain::report::restatement::Change;

fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

fn minutes(seconds: i64) -> String {
    format!("{:.1}", seconds as f64 / 60.0)
}

fn percent(fraction: Option<f64>) -> String {
    fraction.map_or_else(|| "no operating time".into(), |a| format!("{:.3} %", a * 100.0))
}

fn met_text(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "—",
    }
}

/// What the status line says: issued or not, and late.
pub fn status_text(state: &IssueState, zone: Tz) -> String {
    match state {
        IssueState::NotIssued { late: false } => "draft: not issued yet".into(),
        IssueState::NotIssued { late: true } => "LATE: not issued by its due date".into(),
        IssueState::Issued { at, by, late } => {
            format!("issued {} by {by}{}", local(*at, zone), if *late { " (LATE: after its due date)" } else { "" })
        }
    }
}

pub fn document(f: &ReportFigures, state: &IssueState, zone: Tz) -> Document {
    let h = &f.header;
    let title = format!("{} – {} service report {}", h.agreement_name, h.period.kind.as_str(), h.period.label);
    let heading = |level: u8, text: &str| Block::Heading { level, text: text.to_string() };
    let mut blocks = vec![heading(1, &title)];
    if state.late() {
        blocks.push(Block::Banner(status_text(state, zone)));
    }
    let deviations = f
        .services
        .iter()
        .flat_map(|s| &s.measured.accounting)
        .filter(|e| matches!(e, Entry::NoticeDeviation { .. }))
        .count();
    let mut facts = vec![
        ("Agreement".to_string(), format!("{} – {}", h.agreement, h.agreement_name)),
        ("Version".into(), h.version.clone()),
        ("Period".into(), format!("{} ({} to {})", h.period.label, h.period.first, h.period.last())),
        ("Due".into(), format!("{} ({})", h.due, h.due_rule)),
        ("Status".into(), status_text(state, zone)),
        ("Figures as of".into(), local(h.generated_at, zone)),
        ("Notice deviations".into(), deviations.to_string()),
    ];
    if let Some(cap) = &f.outage_cap {
        facts.push(("Outages against the yearly cap".into(), cap.text()));
    }
    if let Some(first) = &f.first_line {
        facts.push(("Resolved by the first line".into(), first.text()));
    }
    if let Some(survey) = &f.survey {
        facts.push(("Survey of closed incidents".into(), survey.text()));
    }
    blocks.push(Block::Facts(facts));

    blocks.push(heading(2, "Rules applied"));
    blocks.push(Block::Bullets { items: f.rules.clone(), empty: "no rules".into() });

    blocks.push(heading(2, "Availability against target, in operating hours"));
    blocks.push(Block::Bars(
        f.services
            .iter()
            .map(|s| Bar {
                label: s.service.clone(),
                percent: s.measured.availability.map(|a| a * 100.0),
                target: s.target,
                text: format!("{} of {} %: {}", percent(s.measured.availability), s.target, met_text(s.measured.met)),
            })
            .collect(),
    ));
    let heads =
        ["Service", "Availability", "Target", "Down (min)", "Allowed (min)", "Excluded (min)", "Outages", "Met"];
    let rows = f
        .services
        .iter()
        .map(|s| {
            let m = &s.measured;
            vec![
                s.service.clone(),
                percent(m.availability),
                format!("{} %", s.target),
                minutes(m.downtime_seconds),
                minutes(m.allowed_seconds),
                minutes(m.excluded_seconds),
                m.outages_counted.to_string(),
                met_text(m.met).to_string(),
            ]
        })
        .collect();
    blocks.push(Block::Records(records(&heads, rows, "no service of this agreement has an availability target")));

    blocks.push(heading(2, "Accounting statement"));
    blocks.push(Block::Bullets {
        items: accounting(f, zone),
        empty: "no outages and no maintenance in the period".into(),
    });

    blocks.push(heading(2, "Incidents received, per priority"));
    let heads = ["Priority", "Received", "Resolved", "Escalated (major)", "SLA per clock"];
    let rows = f
        .priorities
        .iter()
        .map(|p| {
            let clocks: Vec<String> =
                p.clocks.iter().map(|c| format!("{}: {}", c.target, c.compliance_text())).collect();
            vec![
                p.priority.clone(),
                p.received.to_string(),
                p.resolved.to_string(),
                p.major.to_string(),
                if clocks.is_empty() { "no clock".into() } else { clocks.join("; ") },
            ]
        })
        .collect();
    blocks.push(Block::Records(records(&heads, rows, "no priorities")));

    blocks.push(heading(2, "Escalated (major) incidents"));
    let majors = f
        .incidents
        .iter()
        .filter(|i| i.major)
        .map(|i| format!("{} · {} · {}", i.reference, i.service, i.priority.as_deref().unwrap_or("(none)")))
        .collect();
    blocks.push(Block::Bullets { items: majors, empty: "none".into() });
    if !f.exercises.is_empty() {
        blocks.push(Block::Prose(format!("Exercises, not counted: {}", f.exercises.join(", "))));
    }
    if !f.problems.is_empty() {
        blocks.push(Block::Heading { level: 2, text: "Recurring problems".into() });
        let items = f
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{} {} · {} · {} · {} incident(s) in the period, {} in all",
                    p.reference,
                    p.title,
                    p.state.replace('_', " "),
                    p.services.join(", "),
                    p.in_period,
                    p.total
                )
            })
            .collect();
        blocks.push(Block::Bullets { items, empty: String::new() });
    }
    if !f.notifications.is_empty() {
        blocks.push(heading(2, "Notifications to authorities (security incidents)"));
        // Owed or overdue as of the period's end (local midnight after its last day), or now while it runs.
        let period_end = h
            .period
            .last()
            .succ_opt()
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .and_then(|midnight| chrono::TimeZone::from_local_datetime(&zone, &midnight).earliest())
            .map_or(h.generated_at, |at| at.with_timezone(&Utc));
        let end = period_end.min(h.generated_at);
        let heads = ["Incident", "Notification", "Authority", "Due", "Made", "Verdict"];
        let rows = f
            .notifications
            .iter()
            .map(|n| {
                vec![
                    n.incident.clone(),
                    format!("{} ({})", n.name, n.code),
                    n.authority.clone(),
                    local(n.due, zone),
                    n.made.map_or_else(|| "—".into(), |made| local(made, zone)),
                    n.verdict(end),
                ]
            })
            .collect();
        blocks.push(Block::Records(records(&heads, rows, "none")));
    }
    if let Some(needs) = &f.change_needs {
        blocks.extend(super::change_needs::blocks(needs, zone));
    }
    Document { lang: "en".into(), title, blocks }
}

/// What changed since the report was issued, below the frozen figures.
pub fn restatement(changes: &[Change]) -> Vec<Block> {
    let items = changes
        .iter()
        .map(|c| {
            let why = if c.why.is_empty() { String::new() } else { format!(" — {}", c.why.join("; ")) };
            format!("{}: issued {}; now {}{why}", c.what, c.was, c.now)
        })
        .collect();
    vec![
        Block::Heading { level: 2, text: "Changes since the report was issued (restatement)".into() },
        Block::Prose("The figures above are the issued ones and stay as issued. Counted today:".into()),
        Block::Bullets { items, empty: "nothing has changed since the report was issued".into() },
    ]
}

pub(super) fn records(heads: &[&str], rows: Vec<Vec<String>>, empty: &str) -> Records {
    let line = (0..heads.len())
        .flat_map(|i| {
            let lead = if i == 0 { String::new() } else { format!(" · {}: ", heads[i]) };
            [super::Part::Lit(lead), super::Part::Text(i)]
        })
        .collect();
    Records::plain(heads.iter().map(|h| h.to_string()).collect(), rows, line, empty)
}

/// The accounting statement: every outage and window of the period, what it cost or why it did not count.
pub fn accounting(f: &ReportFigures, zone: Tz) -> Vec<String> {
    let outage = |id: i64| {
        f.outages.iter().find(|o| o.id == id).map_or_else(
            || format!("outage {id}"),
            |o| {
                let end = o.end.map_or_else(|| "open".into(), |e| local(e, zone));
                let incident = o.incident.as_deref().map(|r| format!(", {r}")).unwrap_or_default();
                format!("outage {id} ({} – {end}, {}{incident})", local(o.start, zone), o.impact)
            },
        )
    };
    let mut lines = Vec::new();
    for s in &f.services {
        for entry in &s.measured.accounting {
            let text = match entry {
                Entry::Counted { outage: id, downtime_seconds } => {
                    format!("{} counted: {} min in operating hours", outage(*id), minutes(*downtime_seconds))
                }
                Entry::NotCounted { outage: id, reason } => format!("{} not counted: {reason}", outage(*id)),
                Entry::WindowExcluded { series_id, seconds } => format!(
                    "maintenance (series {series_id}) excluded as agreed maintenance: {} min of operating time",
                    minutes(*seconds)
                ),
                Entry::WindowCounted { series_id, downtime_seconds } => format!(
                    "maintenance (series {series_id}) counted as downtime, as the agreement says: {} min",
                    minutes(*downtime_seconds)
                ),
                Entry::NoticeDeviation { series_id } => format!(
                    "notice deviation: maintenance (series {series_id}) announced with less notice than the agreement \
                     asks, so it is not excluded and any outage in it counts"
                ),
            };
            lines.push(format!("{}: {text}", s.service));
        }
    }
    lines
}

/// The figures as long CSV: one figure a row (`section,item,figure,value`), for spreadsheets and scripts.
pub fn csv_rows(f: &ReportFigures) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let h = &f.header;
    let mut rows = Vec::new();
    let mut push = |section: &str, item: &str, figure: &str, value: String| {
        rows.push(vec![section.to_string(), item.to_string(), figure.to_string(), value]);
    };
    push("report", &h.agreement, "version", h.version.clone());
    push("report", &h.agreement, "kind", h.period.kind.as_str().into());
    push("report", &h.agreement, "period", h.period.label.clone());
    push("report", &h.agreement, "due", h.due.to_string());
    for s in &f.services {
        let m = &s.measured;
        push("availability", &s.service, "availability", m.availability.map(|a| a.to_string()).unwrap_or_default());
        push("availability", &s.service, "target_percent", s.target.to_string());
        push("availability", &s.service, "operating_seconds", m.operating_seconds.to_string());
        push("availability", &s.service, "downtime_seconds", m.downtime_seconds.to_string());
        push("availability", &s.service, "excluded_seconds", m.excluded_seconds.to_string());
        push("availability", &s.service, "allowed_seconds", m.allowed_seconds.to_string());
        push("availability", &s.service, "outages_counted", m.outages_counted.to_string());
        push("availability", &s.service, "met", m.met.map(|b| b.to_string()).unwrap_or_default());
    }
    if let Some(cap) = &f.outage_cap {
        push("outage_cap", &cap.year.to_string(), "counted", cap.counted.to_string());
        push("outage_cap", &cap.year.to_string(), "cap", cap.cap.to_string());
    }
    if let Some(first) = &f.first_line {
        push("first_line", &f.header.period.label, "resolved", first.resolved.to_string());
        push("first_line", &f.header.period.label, "by_first_line", first.by_first_line.to_string());
        push("first_line", &f.header.period.label, "goal_percent", first.goal_percent.to_string());
    }
    if let Some(survey) = &f.survey {
        push("survey", &f.header.period.label, "closed", survey.closed.to_string());
        push("survey", &f.header.period.label, "drawn", survey.drawn.to_string());
        push("survey", &f.header.period.label, "answered", survey.answered.to_string());
        push("survey", &f.header.period.label, "solved", survey.solved.to_string());
        let mean = survey.treatment_mean.map(|m| format!("{m:.2}")).unwrap_or_default();
        push("survey", &f.header.period.label, "treatment_mean", mean);
    }
    for p in &f.priorities {
        push("incidents", &p.priority, "received", p.received.to_string());
        push("incidents", &p.priority, "resolved", p.resolved.to_string());
        push("incidents", &p.priority, "major", p.major.to_string());
        for c in &p.clocks {
            let item = format!("{}/{}", p.priority, c.target);
            push("sla", &item, "met", c.met.to_string());
            push("sla", &item, "breached", c.breached.to_string());
            push("sla", &item, "deprioritised", c.deprioritised.to_string());
            push("sla", &item, "open", c.open.to_string());
        }
    }
    for p in &f.problems {
        push("problems", &p.reference, "incidents", p.in_period.to_string());
    }
    for n in &f.notifications {
        let item = format!("{}/{}", n.incident, n.code);
        push("notifications", &item, "due", csv_instant(n.due));
        push("notifications", &item, "made", n.made.map(csv_instant).unwrap_or_default());
    }
    if let Some(needs) = &f.change_needs {
        push("change_needs", &f.header.period.label, "received", needs.received.to_string());
        for c in &needs.clocks {
            push("change_needs", c.kind.as_str(), "met", c.met.to_string());
            push("change_needs", c.kind.as_str(), "breached", c.breached.to_string());
            push("change_needs", c.kind.as_str(), "running", c.running.to_string());
        }
        push("change_needs", &f.header.period.label, "prioritised", needs.prioritised.len().to_string());
    }
    (vec!["section", "item", "figure", "value"], rows)
}

/// An instant as spreadsheets and parsers read it: UTC, whole seconds (the clocks are kept to the microsecond).
fn csv_instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::availability::Availability;
    use crate::domain::report::figures::{OutageCap, OutageLine, ServiceFigure};
    use crate::domain::report::{ReportHeader, ReportKind, ReportPeriod};
    use chrono::TimeZone;

    fn figures() -> ReportFigures {
        let period = ReportPeriod::parse(ReportKind::Tertial, "2027-T1").unwrap();
        let at = |d, h, m| Utc.with_ymd_and_hms(2027, 2, d, h, m, 0).unwrap();
        let measured = Availability {
            operating_seconds: 10_000,
            downtime_seconds: 3_600,
            excluded_seconds: 0,
            availability: Some(0.64),
            allowed_seconds: 90,
            budget_used: Some(40.0),
            met: Some(false),
            outages_counted: 1,
            accounting: vec![
                Entry::Counted { outage: 7, downtime_seconds: 1_800 },
                Entry::WindowCounted { series_id: 3, downtime_seconds: 1_800 },
                Entry::NoticeDeviation { series_id: 4 },
            ],
        };
        ReportFigures {
            header: ReportHeader {
                agreement: "TU-IT".into(),
                agreement_name: "Tranemo och Ulricehamn".into(),
                version: "2022".into(),
                due: period.due(),
                due_rule: period.due_rule("TU-IT"),
                period,
                generated_at: at(3, 9, 0),
            },
            rules: vec!["a rule".into()],
            services: vec![ServiceFigure { service: "TRA-EPOST".into(), target: 99.1, measured }],
            outages: vec![OutageLine {
                id: 7,
                service: "TRA-EPOST".into(),
                start: at(2, 9, 0),
                end: Some(at(2, 9, 30)),
                impact: "unavailable".into(),
                incident: Some("INC-4".into()),
                exclusion: None,
            }],
            outage_cap: Some(OutageCap { year: 2027, counted: 1, cap: 5 }),
            priorities: vec![],
            incidents: vec![],
            exercises: vec![],
            first_line: None,
            survey: None,
            change_needs: None,
            problems: Vec::new(),
            notifications: Vec::new(),
        }
    }

    #[test]
    fn the_accounting_statement_says_what_counted_and_why_on_the_agreements_clock() {
        let lines = accounting(&figures(), chrono_tz::Europe::Stockholm);
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            "TRA-EPOST: outage 7 (2027-02-02 10:00 – 2027-02-02 10:30, unavailable, INC-4) counted: 30.0 min in \
             operating hours"
        );
        assert_eq!(lines[1], "TRA-EPOST: maintenance (series 3) counted as downtime, as the agreement says: 30.0 min");
        assert!(lines[2].starts_with("TRA-EPOST: notice deviation: maintenance (series 4)"), "{}", lines[2]);
    }

    #[test]
    fn a_late_report_says_so_first_and_the_cap_is_a_fact() {
        let late = IssueState::NotIssued { late: true };
        let document = document(&figures(), &late, chrono_tz::Europe::Stockholm);
        assert_eq!(document.blocks[1], Block::Banner("LATE: not issued by its due date".into()));
        let Block::Facts(facts) = &document.blocks[2] else { panic!("{:?}", document.blocks[2]) };
        assert!(facts.contains(&("Due".into(), format!("2027-05-15 ({})", period_rule()))));
        assert!(facts.contains(&("Notice deviations".into(), "1".into())));
        assert!(facts.contains(&("Outages against the yearly cap".into(), "1 of 5 outages used in 2027".into())));
    }

    fn period_rule() -> String {
        "the 15th of the month after the period (vakt's rule: the agreement names no day)".into()
    }
}
