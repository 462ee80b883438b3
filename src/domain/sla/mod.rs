//! SLA clocks computed from an incident's event log.
//!
//! Rules (the seeds define no pauses; everything else follows issue 3 and the agreement file):
//! - A clock starts at its target's start milestone (received; feedback: supplier closed) and
//!   stops at the first of its stop milestones, or at `closed`. Elapsed time is business time on
//!   the target's clock, counted over the stretches in which the clock was running.
//! - A pause needs a reason the agreement allows; it suspends every running clock until resumed.
//! - A priority change re-targets the clocks: elapsed time (pauses excluded) is kept and
//!   re-measured on the new target's clock, and the new due is computed from it. If the new
//!   target is already used up, it counts as exhausted at the change. Each change is recorded in
//!   the clock's history with the due before and after.
//! - A breach is sticky: once a running clock passed its due, a later change does not undo it.
//!   Finishing exactly at the due instant is met.
//! - A reopen resumes stopped resolution clocks from the reopen instant, keeping the elapsed time
//!   before resolution (time while resolved is not counted); a running feedback clock is reset,
//!   and the next "supplier closed" starts a fresh feedback cycle.
//! - "Deprioritised" (Altinn C with a workaround) suspends targets that allow it; an agreed
//!   re-plan (ROR) records a new due, counterpart and reason, while the state keeps measuring
//!   the original target so the breach stays in statistics. The board sorts by the re-planned due.
//! - `now` is raised to the last event's instant if the log is ahead of the caller's clock.
//!
//! The caller freezes the outcome at resolution; this module always computes from the log.

pub mod audit;
pub mod event_log;
pub mod record;

use chrono::{DateTime, Duration, Utc};

use crate::domain::agreement::{Agreement, AgreementError, Milestone, TargetKind};

/// One entry of an incident's event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: EventKind,
}

impl IncidentEvent {
    /// An event at `at`.
    pub fn new(at: DateTime<Utc>, kind: EventKind) -> Self {
        Self { at, kind }
    }
}

/// What happened to the incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Registered; the priority may be set later.
    Received {
        /// Initial priority label.
        priority: Option<String>,
    },
    /// First response to the reporter.
    Responded,
    /// Clocks paused for a reason the agreement allows.
    Paused {
        /// The reason.
        reason: String,
    },
    /// Clocks resumed.
    Resumed,
    /// Priority set or changed.
    PriorityChanged {
        /// New label.
        to: String,
    },
    /// A satisfactory workaround is in place.
    WorkaroundEstablished,
    /// The solution is described / the analysis is available.
    SolutionDescribed,
    /// The supplier solved and closed the case.
    SupplierClosed,
    /// Feedback given to the reporter.
    FeedbackGiven,
    /// Resolved.
    Resolved,
    /// Reopened after resolution or closure.
    Reopened,
    /// Closed.
    Closed,
    /// ROR "agreed re-plan" for a target that cannot be met.
    Replanned {
        /// Which target.
        target: TargetKind,
        /// The agreed new due instant.
        new_due: DateTime<Utc>,
        /// Who agreed (innmelder, systemeier, systemansvarlig).
        counterpart: String,
        /// Why (complexity, third party).
        reason: String,
    },
    /// Altinn C deprioritised once a workaround exists.
    Deprioritised,
}

impl EventKind {
    fn milestone(&self) -> Option<Milestone> {
        Some(match self {
            EventKind::Received { .. } => Milestone::Received,
            EventKind::Responded => Milestone::Responded,
            EventKind::WorkaroundEstablished => Milestone::WorkaroundEstablished,
            EventKind::SolutionDescribed => Milestone::SolutionDescribed,
            EventKind::SupplierClosed => Milestone::SupplierClosed,
            EventKind::FeedbackGiven => Milestone::FeedbackGiven,
            EventKind::Resolved => Milestone::Resolved,
            EventKind::Closed => Milestone::Closed,
            _ => return None,
        })
    }
}

/// Errors from computing clocks; shown to the user when an action is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClockError {
    /// The first event is not "received".
    #[error("the event log must start with a 'received' event")]
    NotReceived,
    /// A second "received".
    #[error("the incident is received twice (again at {at})")]
    ReceivedTwice {
        /// The second one.
        at: DateTime<Utc>,
    },
    /// An agreement lookup or calendar computation failed.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// A pause reason the agreement does not allow.
    #[error("pausing for '{reason}' is not allowed by agreement {agreement} (allowed reasons: {allowed})")]
    PauseNotAllowed {
        /// The reason given.
        reason: String,
        /// Agreement code.
        agreement: String,
        /// Allowed reasons, or "none".
        allowed: String,
    },
    /// Paused twice.
    #[error("the clocks are already paused (since {since})")]
    AlreadyPaused {
        /// When the pause began.
        since: DateTime<Utc>,
    },
    /// Resumed without a pause.
    #[error("the clocks are not paused (resume at {at})")]
    NotPaused {
        /// The resume instant.
        at: DateTime<Utc>,
    },
    /// Deprioritised before a workaround.
    #[error("deprioritising needs an established workaround first")]
    DeprioritiseWithoutWorkaround,
    /// No running target allows deprioritising.
    #[error("no running target of priority '{priority}' in agreement {agreement} may be deprioritised")]
    DeprioritiseNotAllowed {
        /// Agreement code.
        agreement: String,
        /// Current priority, or "none".
        priority: String,
    },
    /// A re-plan the target does not allow.
    #[error("agreement {agreement} does not allow re-planning the {kind} target of priority '{priority}'")]
    ReplanNotAllowed {
        /// Agreement code.
        agreement: String,
        /// Current priority, or "none".
        priority: String,
        /// The target.
        kind: TargetKind,
    },
    /// A deadline asked for a target the priority does not define.
    #[error("priority '{priority}' of agreement {agreement} has no {kind} target")]
    NoTarget {
        /// Agreement code.
        agreement: String,
        /// Priority label.
        priority: String,
        /// The target.
        kind: TargetKind,
    },
}

/// A clock's state, for colour and sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    /// Its start milestone has not happened.
    NotStarted,
    /// Counting, below every warning threshold.
    Running,
    /// Counting, at or above `threshold` percent consumed.
    Warning {
        /// The highest threshold reached.
        threshold: u8,
    },
    /// Suspended by an allowed pause.
    Paused,
    /// The due instant passed while the clock was counting.
    Breached {
        /// The due instant that was missed.
        at: DateTime<Utc>,
    },
    /// Stopped in time.
    Met {
        /// When it stopped.
        at: DateTime<Utc>,
    },
    /// Deprioritised after a workaround (Altinn C), not a breach.
    Deprioritised {
        /// When.
        at: DateTime<Utc>,
    },
}

/// A recorded agreed re-plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replan {
    /// When it was agreed.
    pub at: DateTime<Utc>,
    /// The agreed new due instant.
    pub new_due: DateTime<Utc>,
    /// Who agreed.
    pub counterpart: String,
    /// Why.
    pub reason: String,
}

/// A change of a clock's due instant caused by a priority change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueChange {
    /// When the priority changed.
    pub at: DateTime<Utc>,
    /// The priority before (None if none was set).
    pub from_priority: Option<String>,
    /// The priority after.
    pub to_priority: String,
    /// The due instant before (None if paused, not started or no target).
    pub due_before: Option<DateTime<Utc>>,
    /// The due instant after.
    pub due_after: Option<DateTime<Utc>>,
}

/// One target's clock as of `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockReport {
    /// Response, resolution or feedback.
    pub kind: TargetKind,
    /// Code of the calendar the clock runs on (`24x7` for real time).
    pub clock: String,
    /// State.
    pub state: ClockState,
    /// Whether the clock is counting now (started, not stopped, paused or deprioritised),
    /// also when it is breached or its calendar is closed.
    pub counting: bool,
    /// When the clock (this cycle) started.
    pub started_at: Option<DateTime<Utc>>,
    /// The due instant; None while paused or not started.
    pub due: Option<DateTime<Utc>>,
    /// Business time counted so far.
    pub elapsed: Duration,
    /// The business-time budget of the target (known once started).
    pub budget: Option<Duration>,
    /// Budget minus elapsed; negative when overdue.
    pub remaining: Option<Duration>,
    /// Elapsed / budget (1.0 = used up).
    pub share: Option<f64>,
    /// The due instant that was missed, if any.
    pub breached_at: Option<DateTime<Utc>>,
    /// When counting and the calendar is closed: its next opening ("closed until Mon 08:00").
    pub closed_until: Option<DateTime<Utc>>,
    /// An agreed re-plan, if recorded.
    pub replan: Option<Replan>,
    /// Due instants before and after each priority change.
    pub history: Vec<DueChange>,
}

impl ClockReport {
    /// The due instant the board sorts by: the agreed re-plan if any, else the target's.
    pub fn effective_due(&self) -> Option<DateTime<Utc>> {
        self.replan.as_ref().map(|r| r.new_due).or(self.due)
    }
}

/// The next deadline of an incident, for the board row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NextDue {
    /// Which clock.
    pub kind: TargetKind,
    /// Its effective due instant.
    pub due: DateTime<Utc>,
    /// Its state.
    pub state: ClockState,
    /// Whether the due is an agreed re-plan.
    pub replanned: bool,
}

/// The current pause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// Since when.
    pub since: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// All clocks of an incident as of `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentClocks {
    /// The current priority label.
    pub priority: Option<String>,
    /// The current pause, if any.
    pub paused: Option<Pause>,
    /// One report per target the current priority defines.
    pub clocks: Vec<ClockReport>,
    /// The instant the clocks were computed for.
    pub now: DateTime<Utc>,
}

impl IncidentClocks {
    /// The clock of a target kind.
    pub fn clock(&self, kind: TargetKind) -> Option<&ClockReport> {
        self.clocks.iter().find(|c| c.kind == kind)
    }

    /// The earliest due among the clocks still counting (what the board sorts by).
    pub fn next_due(&self) -> Option<NextDue> {
        self.clocks
            .iter()
            .filter(|c| c.counting)
            .filter_map(|c| {
                c.effective_due().map(|due| NextDue {
                    kind: c.kind,
                    due,
                    state: c.state,
                    replanned: c.replan.is_some(),
                })
            })
            .min_by_key(|n| n.due)
    }
}

/// The clocks before and after a proposed action.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    /// As they are.
    pub before: IncidentClocks,
    /// As they would be after the action.
    pub after: IncidentClocks,
}

/// Computes every clock of an incident from its events as of `now`.
pub fn compute_clocks(
    agreement: &Agreement,
    events: &[IncidentEvent],
    now: DateTime<Utc>,
) -> Result<IncidentClocks, ClockError> {
    let mut ordered: Vec<&IncidentEvent> = events.iter().collect();
    ordered.sort_by_key(|e| e.at); // stable: same-instant events keep their log order
    let first = ordered.first().ok_or(ClockError::NotReceived)?;
    if !matches!(first.kind, EventKind::Received { .. }) {
        return Err(ClockError::NotReceived);
    }
    let now = ordered.last().map_or(now, |e| e.at.max(now));
    replay::replay(agreement, &ordered, now)
}

/// The clocks as they would be after `action` (pause, priority change, …), for a confirmation.
pub fn what_if(
    agreement: &Agreement,
    events: &[IncidentEvent],
    action: IncidentEvent,
    now: DateTime<Utc>,
) -> Result<WhatIf, ClockError> {
    let before = compute_clocks(agreement, events, now)?;
    let mut with_action = events.to_vec();
    with_action.push(action);
    let after = compute_clocks(agreement, &with_action, now)?;
    Ok(WhatIf { before, after })
}

/// The clock of one target for a case received at `received` with nothing else done yet
/// (`vakt sla deadline`).
pub fn deadline(
    agreement: &Agreement,
    priority: &str,
    kind: TargetKind,
    received: DateTime<Utc>,
) -> Result<ClockReport, ClockError> {
    let label = agreement.priority(priority)?.label.clone();
    let events = [IncidentEvent::new(received, EventKind::Received { priority: Some(label.clone()) })];
    let clocks = compute_clocks(agreement, &events, received)?;
    clocks.clock(kind).cloned().ok_or_else(|| ClockError::NoTarget {
        agreement: agreement.code().to_string(),
        priority: label,
        kind,
    })
}

/// When a target falls due for a case received at `received` if nothing else happens, without replaying events:
/// the hot path behind [`deadline`] for scripts and bulk checks. `None` when the priority sets no such target or
/// its clock starts at a later milestone (feedback starts when the supplier closes).
pub fn due_at_reception(
    agreement: &Agreement,
    priority: &crate::domain::agreement::Priority,
    kind: TargetKind,
    received: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ClockError> {
    let Some(target) = priority.target(kind).filter(|t| t.start_milestone() == Milestone::Received) else {
        return Ok(None);
    };
    let budget = agreement.budget(target, received)?;
    let calendar = agreement.clock_calendar(&target.clock).unwrap_or(agreement.support_calendar());
    replay::add(agreement, calendar, received, budget).map(Some)
}

mod replay;

#[cfg(test)]
mod tests;
