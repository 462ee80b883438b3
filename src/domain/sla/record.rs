//! A clock as stored on the incident row (`clocks`, and `sla_outcome` frozen at resolution) and printed by the
//! scripting interface. Names are stable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::agreement::spec::TargetKind;
use crate::domain::sla::{ClockReport, ClockState, IncidentClocks};

/// One target's clock as of the moment it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockRecord {
    // Every field is always written (null when empty): scripts read `incident list --format json`.
    pub target: TargetKind,
    /// The calendar it runs on (`24x7` for real time).
    pub clock: String,
    /// `not_started`, `running`, `warning`, `paused`, `breached`, `met`, `deprioritised`.
    pub state: String,
    /// Counting now (started, not stopped, paused or deprioritised).
    pub counting: bool,
    pub due: Option<DateTime<Utc>>,
    /// An agreed re-plan's due, which the board sorts by.
    #[serde(default)]
    pub replanned_due: Option<DateTime<Utc>>,
    pub elapsed_seconds: i64,
    pub budget_seconds: Option<i64>,
    pub breached_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub met_at: Option<DateTime<Utc>>,
}

/// The stable name of a clock state.
pub fn state_name(state: &ClockState) -> &'static str {
    DueState::of(state).as_str()
}

/// A clock's state as stored with the incident and shown in lists, without the details `ClockState` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    NotStarted,
    Running,
    Warning,
    Paused,
    Breached,
    Met,
    Deprioritised,
}

impl DueState {
    pub const ALL: [DueState; 7] = [
        DueState::NotStarted,
        DueState::Running,
        DueState::Warning,
        DueState::Paused,
        DueState::Breached,
        DueState::Met,
        DueState::Deprioritised,
    ];

    pub fn of(state: &ClockState) -> DueState {
        match state {
            ClockState::NotStarted => DueState::NotStarted,
            ClockState::Running => DueState::Running,
            ClockState::Warning { .. } => DueState::Warning,
            ClockState::Paused => DueState::Paused,
            ClockState::Breached { .. } => DueState::Breached,
            ClockState::Met { .. } => DueState::Met,
            ClockState::Deprioritised { .. } => DueState::Deprioritised,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DueState::NotStarted => "not_started",
            DueState::Running => "running",
            DueState::Warning => "warning",
            DueState::Paused => "paused",
            DueState::Breached => "breached",
            DueState::Met => "met",
            DueState::Deprioritised => "deprioritised",
        }
    }
}

impl std::fmt::Display for DueState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DueState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DueState::ALL.into_iter().find(|d| d.as_str() == s).ok_or_else(|| format!("unknown clock state '{s}'"))
    }
}

impl From<&ClockReport> for ClockRecord {
    fn from(report: &ClockReport) -> Self {
        ClockRecord {
            target: report.kind,
            clock: report.clock.clone(),
            state: state_name(&report.state).to_string(),
            counting: report.counting,
            due: report.due,
            replanned_due: report.replan.as_ref().map(|r| r.new_due),
            elapsed_seconds: report.elapsed.num_seconds(),
            budget_seconds: report.budget.map(|b| b.num_seconds()),
            breached_at: report.breached_at,
            met_at: match report.state {
                ClockState::Met { at } => Some(at),
                _ => None,
            },
        }
    }
}

/// Every clock of an incident, in target order.
pub fn records(clocks: &IncidentClocks) -> Vec<ClockRecord> {
    clocks.clocks.iter().map(ClockRecord::from).collect()
}

/// What the incident row stores about its next deadline: due, target, state, calendar and budget.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NextDueColumns {
    pub due: Option<DateTime<Utc>>,
    pub target: Option<String>,
    pub state: Option<String>,
    pub clock: Option<String>,
    pub budget_seconds: Option<i64>,
}

pub fn next_due_columns(clocks: &IncidentClocks) -> NextDueColumns {
    let Some(next) = clocks.next_due() else {
        return NextDueColumns::default();
    };
    let report = clocks.clock(next.kind);
    NextDueColumns {
        due: Some(next.due),
        target: Some(next.kind.to_string()),
        state: Some(state_name(&next.state).to_string()),
        clock: report.map(|r| r.clock.clone()),
        budget_seconds: report.and_then(|r| r.budget).map(|b| b.num_seconds()),
    }
}
