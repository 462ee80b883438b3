//! Tab 7: the registers behind recurring incidents and planned change: Altinn's change needs with their three
//! working-day clocks (and problems and known errors as they land). One section at a time (`[` `]`), the rows as a
//! table sorted as they were received, the selected row in words below. Read when shown, on Ctrl-r and on change
//! notices of its tables.

pub mod act;
pub mod data;
pub mod update;

use data::{NeedLine, RegisterData, RegisterSection};

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProblemsScreen {
    pub section: RegisterSection,
    pub rows: Option<Result<RegisterData, String>>,
    pub selected: usize,
    /// The need a first `s` asked to mark delivered; a second `s` does it, anything else forgets it.
    pub delivering: Option<String>,
}

/// A form of this tab, with what it writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterForm {
    NewNeed,
    Step { reference: String, step: data::NextStep },
    Reject { reference: String },
}

impl RegisterForm {
    pub fn draft_key(&self) -> String {
        match self {
            RegisterForm::NewNeed => "need-new".into(),
            RegisterForm::Step { reference, step } => format!("need-{step:?}:{reference}").to_lowercase(),
            RegisterForm::Reject { reference } => format!("need-reject:{reference}").to_lowercase(),
        }
    }
}

impl ProblemsScreen {
    fn len(&self) -> usize {
        match &self.rows {
            Some(Ok(RegisterData::ChangeNeeds(rows))) => rows.len(),
            _ => 0,
        }
    }

    pub fn load(&self) -> DbCommand {
        DbCommand::LoadRegister { section: self.section }
    }

    pub fn switch(&mut self, delta: isize) -> DbCommand {
        self.section = self.section.step(delta);
        self.rows = None;
        self.selected = 0;
        self.delivering = None;
        self.load()
    }

    /// A section's rows arrived: the selected need stays selected where it moved to (a step re-sorts the list).
    pub fn loaded(&mut self, section: RegisterSection, rows: Result<RegisterData, String>) {
        if section != self.section {
            return;
        }
        let kept = self.selected_need().map(|n| n.reference.clone());
        self.rows = Some(rows);
        let found = match (&self.rows, kept) {
            (Some(Ok(RegisterData::ChangeNeeds(needs))), Some(reference)) => {
                needs.iter().position(|n| n.reference == reference)
            }
            _ => None,
        };
        self.selected = found.unwrap_or(self.selected).min(self.len().saturating_sub(1));
    }

    pub fn selected_need(&self) -> Option<&NeedLine> {
        match &self.rows {
            Some(Ok(RegisterData::ChangeNeeds(rows))) => rows.get(self.selected),
            _ => None,
        }
    }
}

impl ScreenState for ProblemsScreen {
    fn scope(&self) -> Scope {
        Scope::Problems
    }

    fn move_selection(&mut self, delta: isize) {
        self.delivering = None;
        let last = self.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(last);
    }

    fn back(&mut self) -> bool {
        self.delivering.take().is_some()
    }

    fn resync(&self) -> Vec<Effect> {
        self.rows.as_ref().map(|_| Effect::Db(self.load())).into_iter().collect()
    }
}
