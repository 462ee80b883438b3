//! The problems tab's commands.

use crate::app::model::Rights;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemsAct {
    NextSection,
    PreviousSection,
    /// Chairs and admins: register a change need.
    New,
    /// Chairs and admins: the selected need's next step (feedback, qualify, analyse, plan, deliver).
    Step,
    /// Chairs and admins: reject the selected need, with a reason.
    Reject,
}

impl ProblemsAct {
    pub const ALL: [ProblemsAct; 5] = [
        ProblemsAct::NextSection,
        ProblemsAct::PreviousSection,
        ProblemsAct::New,
        ProblemsAct::Step,
        ProblemsAct::Reject,
    ];

    /// Change needs are handled by chairs (the monthly delivery meeting decides them) and admins; the database
    /// holds the same rule (migration 30).
    pub fn permitted(self, rights: &Rights) -> bool {
        match self {
            ProblemsAct::NextSection | ProblemsAct::PreviousSection => true,
            ProblemsAct::New | ProblemsAct::Step | ProblemsAct::Reject => rights.chair || rights.admin,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ProblemsAct::NextSection => "next-register",
            ProblemsAct::PreviousSection => "previous-register",
            ProblemsAct::New => "new-need",
            ProblemsAct::Step => "next-step",
            ProblemsAct::Reject => "reject-need",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ProblemsAct::NextSection => "problems tab: the next register",
            ProblemsAct::PreviousSection => "problems tab: the previous register",
            ProblemsAct::New => "chairs and admins: register a change need (Altinn §2.10)",
            ProblemsAct::Step => {
                "chairs and admins: the selected change need's next step (feedback, qualify, analyse, plan, deliver)"
            }
            ProblemsAct::Reject => "chairs and admins: reject the selected change need, saying why",
        }
    }
}
