//! The escalation ladder: ordered levels per agreement (Altinn 4.1: operational → serviceleder →
//! seksjonsleder → avdelingsdirektør/direktør; Stockholm §3.2: SD analyst → incident manager → SD manager →
//! the City). A major incident starts at the first level.
//!
//! [`propose`] suggests the next step when a watched clock crosses a threshold (the n-th threshold means
//! level n) or when an update is missed beyond the grace period. A proposal never names a level already
//! reached, never skips a level unless the policy allows it, and never repeats a trigger that already led
//! to a step or that the MIM dismissed. [`escalate`] records a step, automatic or manual, with who, whom,
//! when and why.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::cadence::CadenceStatus;
use super::model::MajorIncident;
use crate::domain::agreement::major_policy::EscalationPolicy;
use crate::domain::agreement::spec::TargetKind;
use crate::domain::sla::record::ClockRecord;

/// Why a step was taken or proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum EscalationReason {
    /// Decided by a person.
    Manual {
        /// Why, as written.
        note: String,
    },
    /// A clock used `percent` of its budget.
    ClockThreshold {
        /// The clock.
        target: TargetKind,
        /// The threshold crossed.
        percent: u8,
    },
    /// The update due at `due` was not sent within the grace period.
    MissedUpdate {
        /// The missed due instant.
        due: DateTime<Utc>,
    },
}

impl std::fmt::Display for EscalationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EscalationReason::Manual { note } => write!(f, "manual: {note}"),
            EscalationReason::ClockThreshold { target, percent } => {
                write!(f, "{percent} % of the {target} time used")
            }
            EscalationReason::MissedUpdate { due } => write!(f, "stakeholder update due {due} missed"),
        }
    }
}

/// One recorded step up the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationStep {
    /// The level reached (index into the ladder; 0 is the first level).
    pub level: usize,
    /// The level's name at the time.
    pub level_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who escalated (database login).
    pub by: String,
    /// To whom.
    pub whom: String,
    /// Why.
    pub reason: EscalationReason,
}

/// A suggested next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The level to go to.
    pub level: usize,
    /// Its name.
    pub level_name: String,
    /// Whom, if the ladder says.
    pub whom: Option<String>,
    /// The trigger.
    pub reason: EscalationReason,
}

/// A step to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRequest {
    /// The level to go to; None means the next one.
    pub level: Option<usize>,
    /// When.
    pub at: DateTime<Utc>,
    /// Who escalates.
    pub by: String,
    /// To whom; None takes the level's `whom`.
    pub whom: Option<String>,
    /// Why.
    pub reason: EscalationReason,
}

/// A refused escalation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EscalationError {
    /// No ladder.
    #[error("agreement {agreement} defines no escalation ladder: add [major.escalation] levels to the agreement")]
    NoLadder {
        /// Agreement code.
        agreement: String,
    },
    /// Already at (or past) the requested level.
    #[error("the major incident is already at level {current} '{name}'")]
    AlreadyReached {
        /// Current level.
        current: usize,
        /// Its name.
        name: String,
    },
    /// At the top.
    #[error("the major incident is already at the top of the ladder ('{name}')")]
    AtTop {
        /// The top level's name.
        name: String,
    },
    /// A level that does not exist.
    #[error("the ladder has no level {level} (levels 0–{top})")]
    NoSuchLevel {
        /// Requested.
        level: usize,
        /// Highest.
        top: usize,
    },
    /// Skipping levels is not allowed.
    #[error("escalate one level at a time: the next level is '{next}' (the agreement does not allow skipping levels)")]
    Skip {
        /// The next level's name.
        next: String,
    },
    /// Not while resolved or closed.
    #[error("the major incident is {state}: escalation applies only while it is declared or mitigated")]
    Inactive {
        /// The state.
        state: String,
    },
    /// Missing who/whom/why.
    #[error("the escalation needs {field}")]
    Missing {
        /// What.
        field: &'static str,
    },
    /// Dated before the last step or the declaration.
    #[error("the escalation at {at} is earlier than the last recorded change ({last}): check the time")]
    BackInTime {
        /// Requested instant.
        at: DateTime<Utc>,
        /// Last recorded instant.
        last: DateTime<Utc>,
    },
}

/// How much of a clock's budget is used, in whole percent (a breached clock counts as at least 100).
fn percent_used(clock: &ClockRecord) -> Option<i64> {
    let budget = clock.budget_seconds.filter(|b| *b > 0)?;
    let used = clock.elapsed_seconds.saturating_mul(100) / budget;
    Some(if clock.breached_at.is_some() { used.max(100) } else { used })
}

/// The next escalation step to suggest at this moment, if any.
///
/// `clocks` are the incident's clocks as of now, `cadence` its update cadence as of now, and `dismissed`
/// the triggers the MIM has declined.
pub fn propose(
    policy: &EscalationPolicy,
    major: &MajorIncident,
    clocks: &[ClockRecord],
    cadence: Option<&CadenceStatus>,
    dismissed: &[EscalationReason],
) -> Option<Proposal> {
    if !major.state.is_active() || policy.levels.is_empty() {
        return None;
    }
    let top = policy.levels.len() - 1;
    let current = major.level();
    // A trigger is spent once dismissed, or once a step cited it for the level it wants; a missed update
    // warrants one step whatever the level.
    let spent = |level: usize, reason: &EscalationReason| {
        dismissed.contains(reason)
            || major.escalations.iter().any(|s| {
                &s.reason == reason && (s.level >= level || matches!(reason, EscalationReason::MissedUpdate { .. }))
            })
    };
    // Each trigger wants a level.
    let mut wanted: Vec<(usize, EscalationReason)> = Vec::new();
    for clock in clocks.iter().filter(|c| c.counting && policy.clock_targets.contains(&c.target)) {
        let Some(used) = percent_used(clock) else { continue };
        for (i, percent) in policy.clock_thresholds.iter().enumerate() {
            if used >= i64::from(*percent) {
                let reason = EscalationReason::ClockThreshold { target: clock.target, percent: *percent };
                wanted.push(((i + 1).min(top), reason));
            }
        }
    }
    if policy.on_missed_update
        && let Some(status) = cadence.filter(|c| c.notify_deputy())
    {
        wanted.push(((current + 1).min(top), EscalationReason::MissedUpdate { due: status.due }));
    }
    wanted.retain(|(level, reason)| *level > current && !spent(*level, reason));
    // Without skipping, cite a trigger that wants exactly the next level if there is one; otherwise the
    // trigger that wants the highest level. Clock thresholds before missed updates, lower thresholds first.
    let next = current + 1;
    let rank = |(level, reason): &(usize, EscalationReason)| {
        let exact = !policy.allow_skip && *level == next;
        let percent = match reason {
            EscalationReason::ClockThreshold { percent, .. } => 100 - i32::from(*percent),
            _ => -1,
        };
        (exact, *level, percent)
    };
    let (level, reason) = wanted.into_iter().max_by_key(rank)?;
    let level = if policy.allow_skip { level } else { next };
    let step = &policy.levels[level];
    Some(Proposal { level, level_name: step.name.clone(), whom: step.whom.clone(), reason })
}

/// Records a step up the ladder: the next level unless the request names one (skipping needs the
/// policy's permission). Returns the recorded step.
pub fn escalate<'a>(
    policy: Option<&EscalationPolicy>,
    major: &'a mut MajorIncident,
    request: EscalationRequest,
) -> Result<&'a EscalationStep, EscalationError> {
    let agreement = major.declaration.agreement.clone();
    let policy = policy.filter(|p| !p.levels.is_empty()).ok_or(EscalationError::NoLadder { agreement })?;
    if !major.state.is_active() {
        return Err(EscalationError::Inactive { state: major.state.to_string() });
    }
    let top = policy.levels.len() - 1;
    let current = major.level();
    if current >= top {
        return Err(EscalationError::AtTop { name: policy.levels[top].name.clone() });
    }
    let level = request.level.unwrap_or(current + 1);
    if level > top {
        return Err(EscalationError::NoSuchLevel { level, top });
    }
    if level <= current {
        return Err(EscalationError::AlreadyReached { current, name: policy.levels[current].name.clone() });
    }
    if level > current + 1 && !policy.allow_skip {
        return Err(EscalationError::Skip { next: policy.levels[current + 1].name.clone() });
    }
    if request.by.trim().is_empty() {
        return Err(EscalationError::Missing { field: "who escalates" });
    }
    if matches!(&request.reason, EscalationReason::Manual { note } if note.trim().is_empty()) {
        return Err(EscalationError::Missing { field: "a reason (what could not be solved at this level)" });
    }
    let whom = request.whom.filter(|w| !w.trim().is_empty()).or_else(|| policy.levels[level].whom.clone());
    let whom = whom.ok_or(EscalationError::Missing { field: "whom it goes to (name or role)" })?;
    let last = major.last_change();
    if request.at < last {
        return Err(EscalationError::BackInTime { at: request.at, last });
    }
    major.escalations.push(EscalationStep {
        level,
        level_name: policy.levels[level].name.clone(),
        at: request.at,
        by: request.by,
        whom,
        reason: request.reason,
    });
    let recorded = major.escalations.len() - 1;
    Ok(&major.escalations[recorded])
}

#[cfg(test)]
mod tests;
