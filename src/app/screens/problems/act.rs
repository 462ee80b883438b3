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
    /// The selected problem in full (description, root cause, workaround, linked incidents).
    OpenProblem,
    /// Operators, MIMs and admins: register a problem or known error.
    NewProblem,
    /// Operators, MIMs and admins: change the open problem (state, root cause, workaround …).
    EditProblem,
    /// Operators, MIMs and admins: link an incident to the selected problem, applying its workaround if asked.
    LinkIncident,
    /// Filter the shown register by words (Esc clears it).
    Filter,
}

impl ProblemsAct {
    pub const ALL: [ProblemsAct; 10] = [
        ProblemsAct::NextSection,
        ProblemsAct::PreviousSection,
        ProblemsAct::New,
        ProblemsAct::Step,
        ProblemsAct::Reject,
        ProblemsAct::OpenProblem,
        ProblemsAct::NewProblem,
        ProblemsAct::EditProblem,
        ProblemsAct::LinkIncident,
        ProblemsAct::Filter,
    ];

    /// Change needs are handled by chairs (the monthly delivery meeting decides them) and admins; the database
    /// holds the same rule (migration 30).
    pub fn permitted(self, rights: &Rights) -> bool {
        match self {
            ProblemsAct::NextSection
            | ProblemsAct::PreviousSection
            | ProblemsAct::OpenProblem
            | ProblemsAct::Filter => true,
            ProblemsAct::New | ProblemsAct::Step | ProblemsAct::Reject => rights.chair || rights.admin,
            // Problems are worked like incidents (migration 29): operators, MIMs and admins.
            ProblemsAct::NewProblem | ProblemsAct::EditProblem | ProblemsAct::LinkIncident => {
                rights.operator || rights.mim || rights.admin
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ProblemsAct::NextSection => "next-register",
            ProblemsAct::PreviousSection => "previous-register",
            ProblemsAct::New => "new-need",
            ProblemsAct::Step => "next-step",
            ProblemsAct::Reject => "reject-need",
            ProblemsAct::OpenProblem => "open-problem",
            ProblemsAct::NewProblem => "new-problem",
            ProblemsAct::EditProblem => "edit-problem",
            ProblemsAct::LinkIncident => "link-incident",
            ProblemsAct::Filter => "register-filter",
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
            ProblemsAct::OpenProblem => "the selected problem in full: root cause, workaround, linked incidents",
            ProblemsAct::NewProblem => {
                "operators: register a problem or known error (title, services, root cause, workaround)"
            }
            ProblemsAct::EditProblem => "operators: change the selected problem (state, root cause, workaround …)",
            ProblemsAct::LinkIncident => {
                "operators: link an incident to the selected problem, applying its workaround (clocks follow)"
            }
            ProblemsAct::Filter => "show the rows holding these words (reference, title, state, service …); Esc clears",
        }
    }
}
