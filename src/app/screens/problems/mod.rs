//! Tab 7: the registers behind recurring incidents and planned change: Altinn's change needs with their three
//! working-day clocks (and problems and known errors as they land). One section at a time (`[` `]`), the rows as a
//! table sorted as they were received, the selected row in words below. Read when shown, on Ctrl-r and on change
//! notices of its tables.

pub mod act;
pub mod data;
pub mod problem_forms;
pub mod update;

use data::{NeedLine, ProblemLine, ProblemView, RegisterData, RegisterSection};

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;

/// A problem as it was read, or why it could not be.
pub type ProblemRead = Result<Box<ProblemView>, String>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProblemsScreen {
    pub section: RegisterSection,
    pub rows: Option<Result<RegisterData, String>>,
    pub selected: usize,
    /// The need a first `s` asked to mark delivered; a second `s` does it, anything else forgets it.
    pub delivering: Option<String>,
    /// The problem shown in full (Enter): its reference and, once read, what it says.
    pub open: Option<(String, Option<ProblemRead>)>,
    /// Words every listed row must contain (reference, title, state, services, owner; any case); empty: all.
    pub filter: String,
}

/// A form of this tab, with what it writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterForm {
    NewNeed,
    Step {
        reference: String,
        step: data::NextStep,
    },
    Reject {
        reference: String,
    },
    NewProblem,
    EditProblem {
        reference: String,
        version: i32,
    },
    Link {
        problem: String,
    },
    /// `/`: the words the list is filtered by.
    Filter,
}

impl RegisterForm {
    pub fn draft_key(&self) -> String {
        match self {
            RegisterForm::NewNeed => "need-new".into(),
            RegisterForm::Step { reference, step } => format!("need-{step:?}:{reference}").to_lowercase(),
            RegisterForm::Reject { reference } => format!("need-reject:{reference}").to_lowercase(),
            RegisterForm::NewProblem => "problem-new".into(),
            RegisterForm::EditProblem { reference, .. } => format!("problem-edit:{reference}").to_lowercase(),
            RegisterForm::Link { problem } => format!("problem-link:{problem}").to_lowercase(),
            RegisterForm::Filter => "register-filter".into(),
        }
    }
}

impl ProblemsScreen {
    fn len(&self) -> usize {
        match &self.rows {
            Some(Ok(RegisterData::ChangeNeeds(_))) => self.visible_needs().len(),
            Some(Ok(RegisterData::Problems(_))) => self.visible_problems().len(),
            _ => 0,
        }
    }

    /// Whether a row's words hold every word of the filter.
    fn shows(&self, words: &[&str]) -> bool {
        let text = words.join(" ").to_lowercase();
        self.filter.split_whitespace().all(|w| text.contains(&w.to_lowercase()))
    }

    /// The change needs the filter lets through, in order.
    pub fn visible_needs(&self) -> Vec<&NeedLine> {
        match &self.rows {
            Some(Ok(RegisterData::ChangeNeeds(rows))) => rows
                .iter()
                .filter(|n| self.shows(&[&n.reference, &n.title, n.state.as_str(), &n.submitter, &n.agreement]))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The problems the filter lets through, in order.
    pub fn visible_problems(&self) -> Vec<&ProblemLine> {
        match &self.rows {
            Some(Ok(RegisterData::Problems(rows))) => rows
                .iter()
                .filter(|p| {
                    let services = p.services.join(" ");
                    self.shows(&[&p.reference, &p.title, p.state.label(), &services, &p.owner])
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `/` was answered: the list shows what matches, from its top.
    pub fn set_filter(&mut self, words: &str) {
        self.filter = words.trim().to_string();
        self.selected = 0;
        self.open = None;
    }

    pub fn load(&self) -> DbCommand {
        DbCommand::LoadRegister { section: self.section }
    }

    pub fn switch(&mut self, delta: isize) -> DbCommand {
        self.section = self.section.step(delta);
        self.rows = None;
        self.selected = 0;
        self.delivering = None;
        self.open = None;
        self.filter.clear();
        self.load()
    }

    /// A section's rows arrived: the selected need stays selected where it moved to (a step re-sorts the list).
    pub fn loaded(&mut self, section: RegisterSection, rows: Result<RegisterData, String>) {
        if section != self.section {
            return;
        }
        let kept = self.selected_reference();
        self.rows = Some(rows);
        let found = kept.and_then(|reference| {
            let needs = self.visible_needs().iter().position(|n| n.reference == reference);
            needs.or_else(|| self.visible_problems().iter().position(|p| p.reference == reference))
        });
        self.selected = found.unwrap_or(self.selected).min(self.len().saturating_sub(1));
    }

    fn selected_reference(&self) -> Option<String> {
        let problem = || self.selected_problem().map(|p| p.reference.clone());
        self.selected_need().map(|n| n.reference.clone()).or_else(problem)
    }

    pub fn selected_problem(&self) -> Option<&ProblemLine> {
        match &self.rows {
            Some(Ok(RegisterData::Problems(_))) => self.visible_problems().get(self.selected).copied(),
            _ => None,
        }
    }

    /// The open problem, once read.
    pub fn open_problem(&self) -> Option<&ProblemView> {
        match &self.open {
            Some((_, Some(Ok(view)))) => Some(view),
            _ => None,
        }
    }

    /// A problem arrived; one no longer open is dropped.
    pub fn problem_loaded(&mut self, reference: &str, result: ProblemRead) {
        if let Some((open, detail)) = &mut self.open
            && open == reference
        {
            *detail = Some(result);
        }
    }

    pub fn selected_need(&self) -> Option<&NeedLine> {
        match &self.rows {
            Some(Ok(RegisterData::ChangeNeeds(_))) => self.visible_needs().get(self.selected).copied(),
            _ => None,
        }
    }
}

impl ScreenState for ProblemsScreen {
    fn scope(&self) -> Scope {
        match self.section {
            RegisterSection::Problems => Scope::Problems,
            RegisterSection::ChangeNeeds => Scope::ChangeNeeds,
        }
    }

    fn move_selection(&mut self, delta: isize) {
        self.delivering = None;
        self.open = None;
        let last = self.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(last);
    }

    fn back(&mut self) -> bool {
        if self.delivering.take().is_some() || self.open.take().is_some() {
            return true;
        }
        let filtered = !self.filter.is_empty();
        self.set_filter("");
        filtered
    }

    fn resync(&self) -> Vec<Effect> {
        let open = self.open.as_ref().map(|(reference, _)| DbCommand::LoadProblem { reference: reference.clone() });
        self.rows.as_ref().map(|_| self.load()).into_iter().chain(open).map(Effect::Db).collect()
    }
}
