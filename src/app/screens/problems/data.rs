//! What the problems tab shows, as the database side hands it over: the change needs with their clocks (and, as
//! they land, problems and known errors). Plain types of the app ring.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::change_need::{NeedClock, NeedPriority, NeedState};
use crate::domain::problem::ProblemState;

/// A problem as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemLine {
    pub reference: String,
    pub title: String,
    pub state: ProblemState,
    /// A login, or `supplier CODE`; empty when nobody owns it yet.
    pub owner: String,
    pub services: Vec<String>,
    pub incidents: i64,
    pub has_workaround: bool,
    pub version: i32,
    /// Incidents linked to it received in each of the last twelve months (UTC months), oldest first.
    pub per_month: Vec<u32>,
}

/// An incident linked to a problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedIncident {
    pub reference: String,
    pub title: String,
    pub status: String,
    pub workaround_applied: bool,
}

/// One problem in full (`DbCommand::LoadProblem`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemView {
    pub line: ProblemLine,
    pub description: String,
    pub root_cause: String,
    pub workaround: String,
    pub linked: Vec<LinkedIncident>,
}

/// The tab's sections, in the order `[` and `]` step through them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub enum RegisterSection {
    #[default]
    Problems,
    ChangeNeeds,
}

impl RegisterSection {
    pub const ALL: [RegisterSection; 2] = [RegisterSection::Problems, RegisterSection::ChangeNeeds];

    pub fn title(self) -> &'static str {
        match self {
            RegisterSection::Problems => "Problems and known errors",
            RegisterSection::ChangeNeeds => "Change needs",
        }
    }

    pub fn step(self, delta: isize) -> RegisterSection {
        let count = Self::ALL.len() as isize;
        let here = Self::ALL.iter().position(|s| *s == self).unwrap_or(0) as isize;
        Self::ALL[(here + delta).rem_euclid(count) as usize]
    }
}

/// A change need as the tab lists it, with its clocks as of when it was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedLine {
    pub reference: String,
    pub agreement: String,
    pub title: String,
    pub description: String,
    pub submitter: String,
    pub requested_priority: String,
    pub justification: Option<String>,
    pub state: NeedState,
    pub priority: Option<NeedPriority>,
    pub received_at: DateTime<Utc>,
    pub feedback: Option<String>,
    pub analysis: Option<String>,
    pub release: Option<String>,
    pub rejection_reason: Option<String>,
    pub clocks: Vec<NeedClock>,
}

impl NeedLine {
    /// The step that comes next, if any: what `s` offers.
    pub fn next_step(&self) -> Option<NextStep> {
        match self.state {
            NeedState::Received => Some(NextStep::Feedback),
            NeedState::FeedbackGiven => Some(NextStep::Qualify),
            NeedState::Qualified if self.priority == Some(NeedPriority::High) => Some(NextStep::Analyse),
            NeedState::Qualified | NeedState::Analysed => Some(NextStep::Plan),
            NeedState::Planned => Some(NextStep::Deliver),
            NeedState::Delivered | NeedState::Rejected => None,
        }
    }
}

/// The steps of a need, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    Feedback,
    Qualify,
    Analyse,
    Plan,
    Deliver,
}

impl NextStep {
    pub fn title(self) -> &'static str {
        match self {
            NextStep::Feedback => "feedback on status and plan (within 5 working days)",
            NextStep::Qualify => "qualify and prioritise (within 20 working days)",
            NextStep::Analyse => "analysis of a high-priority need (within 20 working days of qualification)",
            NextStep::Plan => "plan for a release",
            NextStep::Deliver => "delivered",
        }
    }
}

/// One section's rows (`DbCommand::LoadRegister`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RegisterData {
    Problems(Vec<ProblemLine>),
    ChangeNeeds(Vec<NeedLine>),
}

/// A change to a register from the console (`DbCommand::Register`).
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterWrite {
    NewNeed {
        agreement: String,
        title: String,
        description: String,
        submitter_kind: String,
        submitter_org: String,
        submitter_contact: String,
        priority: NeedPriority,
        justification: Option<String>,
    },
    Feedback {
        reference: String,
        text: String,
    },
    Qualify {
        reference: String,
        priority: NeedPriority,
    },
    Analyse {
        reference: String,
        text: String,
    },
    Plan {
        reference: String,
        label: Option<String>,
        series: Option<i64>,
    },
    Deliver {
        reference: String,
    },
    Reject {
        reference: String,
        reason: String,
    },
    NewProblem(ProblemFields),
    /// The fields as typed over `version` of the problem (a change made since is refused as a conflict).
    EditProblem {
        reference: String,
        version: i32,
        fields: ProblemFields,
    },
    LinkIncident {
        problem: String,
        incident: String,
        apply_workaround: bool,
    },
}

/// What a problem's form holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemFields {
    pub title: String,
    /// Service codes.
    pub services: Vec<String>,
    pub description: String,
    pub root_cause: String,
    pub workaround: String,
    pub state: ProblemState,
}
