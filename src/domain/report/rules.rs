//! The rules a report applied, in words, from the agreement version itself: a reader must be able to check every
//! figure against the text of the agreement.

use crate::domain::agreement::spec::{AgreementSpec, MaintenancePolicy, MeasuringPeriod, NoticeUnit, TargetUnit};

pub fn rules_applied(spec: &AgreementSpec) -> Vec<String> {
    let mut rules = Vec::new();
    for target in &spec.availability {
        let period = match target.period {
            MeasuringPeriod::CalendarMonth => "per calendar month",
            MeasuringPeriod::Tertial => "per tertial",
            MeasuringPeriod::Year => "per year (this report shows the period's share)",
        };
        let maintenance = match (target.maintenance, target.notice) {
            (MaintenancePolicy::Excluded, _) => "agreed maintenance is excluded".to_string(),
            (MaintenancePolicy::ExcludedWithNotice, Some(n)) => format!(
                "maintenance is excluded only when announced {} {} ahead; otherwise it counts and is a notice deviation",
                n.amount,
                match n.unit {
                    NoticeUnit::Days => "days",
                    NoticeUnit::WorkingDays => "working days",
                }
            ),
            (MaintenancePolicy::ExcludedWithNotice, None) => "maintenance is excluded when announced".to_string(),
            (MaintenancePolicy::Counts, _) => "service windows count as downtime".to_string(),
        };
        let mut rule = format!(
            "{}: {} % {period}, within operating hours «{}»; {maintenance}; {}",
            target.services.join(", "),
            target.percent,
            target.calendar,
            if target.degraded_is_down {
                "degraded counts as down"
            } else {
                "only unavailability counts (degraded does not)"
            },
        );
        if let Some(cap) = target.max_outages_per_year {
            rule.push_str(&format!("; at most {cap} outages a year"));
        }
        if !target.exclusion_reasons.is_empty() {
            rule.push_str(&format!("; not counted: {}", target.exclusion_reasons.join(", ")));
        }
        if !target.measured {
            rule.push_str("; the agreement states this target but does not measure it (figures are vakt's)");
        }
        rules.push(rule);
    }
    for priority in &spec.priorities {
        let targets: Vec<String> = priority
            .targets
            .iter()
            .map(|t| {
                let unit = match t.unit {
                    TargetUnit::Minutes => "min",
                    TargetUnit::Hours => "h",
                    TargetUnit::WorkingDays => "working days",
                };
                format!("{} {} {unit} ({})", t.kind, t.amount, t.clock)
            })
            .collect();
        if !targets.is_empty() {
            rules.push(format!("priority {}: {}", priority.label, targets.join(", ")));
        }
    }
    rules.push("outages of exercises never count; incidents are counted in the period they were received in, against the agreement version in force then, with the clocks frozen at resolution".into());
    rules
}
