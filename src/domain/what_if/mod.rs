//! What a new agreement version would do before it is imported: the open incidents' deadlines measured by the
//! version they use now and by the new one, and the current month's availability by both targets. Pure: the
//! incidents with their histories, the outages and the instant are arguments; nothing is written.
//!
//! An incident keeps the version in force when it was received (a stored version cannot change once used), so
//! this answers "what if these incidents were measured by the new version": the admin's question before a
//! change of targets or calendars.

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::agreement::Agreement;
use crate::domain::agreement::spec::TargetKind;
use crate::domain::availability::{self, Measure, Outage, PlannedWindow};
use crate::domain::sla::{self, ClockReport, ClockState, IncidentEvent};

/// An open incident with its history and the version that measures it today.
#[derive(Debug, Clone)]
pub struct OpenIncident<'a> {
    pub reference: String,
    pub events: Vec<IncidentEvent>,
    pub measured_by: &'a Agreement,
}

/// The outages and maintenance windows of one service in the period, for its availability.
#[derive(Debug, Clone, Default)]
pub struct ServiceRecord {
    pub service: String,
    pub outages: Vec<Outage>,
    pub windows: Vec<PlannedWindow>,
}

/// How one deadline would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Breached by the new version, not by the current one.
    BecomesBreached,
    /// Breached now, met (so far) by the new version.
    StopsBeingBreached,
    /// Later, earlier or newly (un)defined, breached or not either way.
    Moves,
}

/// One target of one incident whose deadline or breach would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineChange {
    pub reference: String,
    pub target: TargetKind,
    pub priority: Option<String>,
    pub due_before: Option<DateTime<Utc>>,
    pub due_after: Option<DateTime<Utc>>,
    /// How far the deadline moves (positive: later), when both exist.
    pub moved_seconds: Option<i64>,
    pub breached_before: bool,
    pub breached_after: bool,
    pub verdict: Verdict,
}

/// An open incident the new version cannot measure, and why (e.g. its priority no longer exists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmeasurable {
    pub reference: String,
    pub reason: String,
}

/// One service's availability in the period by the current and by the new target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AvailabilityChange {
    pub service: String,
    pub target_before: Option<f64>,
    pub target_after: Option<f64>,
    /// Fractions (0.999); `None` without operating time or without a target.
    pub availability_before: Option<f64>,
    pub availability_after: Option<f64>,
    pub met_before: Option<bool>,
    pub met_after: Option<bool>,
}

/// Everything the new version would change, as of `at`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub agreement: String,
    pub version: String,
    pub at: DateTime<Utc>,
    /// Open incidents looked at.
    pub incidents: usize,
    pub deadlines: Vec<DeadlineChange>,
    pub unmeasurable: Vec<Unmeasurable>,
    /// Services whose figures or target differ.
    pub availability: Vec<AvailabilityChange>,
}

impl Outcome {
    pub fn becoming_breached(&self) -> impl Iterator<Item = &DeadlineChange> {
        self.deadlines.iter().filter(|d| d.verdict == Verdict::BecomesBreached)
    }

    pub fn stopping_being_breached(&self) -> impl Iterator<Item = &DeadlineChange> {
        self.deadlines.iter().filter(|d| d.verdict == Verdict::StopsBeingBreached)
    }
}

/// The period availability is compared over: `[from, to)`, the current month in the agreement's zone.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// What `proposed` would change for `incidents` and, over `period`, for the availability of `services`
/// (measured today by `current`, the version in force), as of `at`.
pub fn what_if(
    proposed: &Agreement,
    current: Option<&Agreement>,
    incidents: &[OpenIncident<'_>],
    services: &[ServiceRecord],
    period: Period,
    at: DateTime<Utc>,
) -> Outcome {
    let mut outcome = Outcome {
        agreement: proposed.code().to_string(),
        version: proposed.spec().version.clone(),
        at,
        incidents: incidents.len(),
        deadlines: Vec::new(),
        unmeasurable: Vec::new(),
        availability: Vec::new(),
    };
    for incident in incidents {
        let before = sla::compute_clocks(incident.measured_by, &incident.events, at);
        let after = sla::compute_clocks(proposed, &incident.events, at);
        match (before, after) {
            (Ok(before), Ok(after)) => {
                outcome.deadlines.extend(compare(&incident.reference, &before, &after));
            }
            (_, Err(e)) => outcome
                .unmeasurable
                .push(Unmeasurable { reference: incident.reference.clone(), reason: format!("new version: {e}") }),
            (Err(e), _) => outcome
                .unmeasurable
                .push(Unmeasurable { reference: incident.reference.clone(), reason: format!("current version: {e}") }),
        }
    }
    for record in services {
        let before = current.map(|agreement| measure(agreement, record, period, at)).unwrap_or_default();
        let after = measure(proposed, record, period, at);
        if before != after {
            outcome.availability.push(AvailabilityChange {
                service: record.service.clone(),
                target_before: before.0,
                target_after: after.0,
                availability_before: before.1,
                availability_after: after.1,
                met_before: before.2,
                met_after: after.2,
            });
        }
    }
    outcome
}

fn compare(reference: &str, before: &sla::IncidentClocks, after: &sla::IncidentClocks) -> Vec<DeadlineChange> {
    TargetKind::ALL
        .iter()
        .filter_map(|&kind| {
            let (old, new) = (before.clock(kind), after.clock(kind));
            if old.is_none() && new.is_none() {
                return None;
            }
            let due_before = old.and_then(ClockReport::effective_due);
            let due_after = new.and_then(ClockReport::effective_due);
            let (breached_before, breached_after) = (old.is_some_and(breached), new.is_some_and(breached));
            if due_before == due_after && breached_before == breached_after {
                return None;
            }
            let verdict = match (breached_before, breached_after) {
                (false, true) => Verdict::BecomesBreached,
                (true, false) => Verdict::StopsBeingBreached,
                _ => Verdict::Moves,
            };
            Some(DeadlineChange {
                reference: reference.to_string(),
                target: kind,
                priority: after.priority.clone(),
                due_before,
                due_after,
                moved_seconds: due_before.zip(due_after).map(|(b, a)| (a - b).num_seconds()),
                breached_before,
                breached_after,
                verdict,
            })
        })
        .collect()
}

fn breached(clock: &ClockReport) -> bool {
    matches!(clock.state, ClockState::Breached { .. }) || clock.breached_at.is_some()
}

/// (target, availability, met) of one service by one version.
type Figures = (Option<f64>, Option<f64>, Option<bool>);

fn measure(agreement: &Agreement, record: &ServiceRecord, period: Period, at: DateTime<Utc>) -> Figures {
    let target = agreement.spec().availability.iter().find(|t| t.services.contains(&record.service));
    let Some((target, calendar)) = target.and_then(|t| agreement.clock_calendar(&t.calendar).map(|c| (t, c))) else {
        return (None, None, None);
    };
    let measured = availability::measure(
        Measure {
            calendar,
            target,
            from: period.from,
            to: period.to,
            now: at,
            degraded_is_down: target.degraded_is_down,
        },
        &record.outages,
        &record.windows,
    );
    (Some(target.percent), measured.availability, measured.met)
}
