//! Tab 6: administration. Sections (staff, contacts, services) listed one at a time; every role reads what the database
//! lets it read, and only admins change anything (the key line offers the changes only to them, and the database
//! refuses the rest). A section is read when it is shown, on Ctrl-r and on change notices of its tables.

pub mod act;
pub mod agreements;
pub mod contacts;
pub mod data;
pub mod services;
pub mod update;

use data::{AdminData, AdminSection};

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdminScreen {
    pub section: AdminSection,
    /// The shown section's rows; `None` until they arrive.
    pub rows: Option<Result<AdminData, String>>,
    pub selected: usize,
    /// The login a first `D` asked to deactivate; a second `D` does it, anything else forgets it.
    pub deactivating: Option<String>,
    /// The selected agreement version shown in words (Enter); Esc goes back to the list.
    pub reading: bool,
    /// What importing an agreement file would change, waiting for `y` (or Esc: nothing written).
    pub import: Option<data::ImportPreview>,
    /// The year the calendars section draws; `None`: this year.
    pub year: Option<i32>,
    /// What the audit section lets through (`/` changes it).
    pub audit: data::AuditQuery,
    /// Lines the detail is scrolled (the agreement in words, the calendar's year), so a small terminal reads it all.
    pub scroll: u16,
}

impl AdminScreen {
    fn len(&self) -> usize {
        match &self.rows {
            Some(Ok(AdminData::Staff(rows))) => rows.len(),
            Some(Ok(AdminData::Contacts(rows))) => rows.len(),
            Some(Ok(AdminData::Services(rows))) => rows.len(),
            Some(Ok(AdminData::Agreements(rows))) => rows.len(),
            Some(Ok(AdminData::Calendars(rows))) => rows.len(),
            Some(Ok(AdminData::Audit(rows))) => rows.len(),
            _ => 0,
        }
    }

    /// Scrolls the detail by `delta` lines; the drawing stops at its last line.
    pub fn scroll_detail(&mut self, delta: i32) {
        self.scroll = u16::try_from((i32::from(self.scroll) + delta).clamp(0, 10_000)).unwrap_or(0);
    }

    /// The shown section's load.
    pub fn load(&self) -> DbCommand {
        match self.section {
            AdminSection::Audit => DbCommand::LoadAdminAudit { query: self.audit.clone() },
            section => DbCommand::LoadAdmin { section },
        }
    }

    /// Another section: its rows are read afresh.
    pub fn switch(&mut self, delta: isize) -> DbCommand {
        self.section = self.section.step(delta);
        self.rows = None;
        self.selected = 0;
        self.deactivating = None;
        self.reading = false;
        self.scroll = 0;
        self.import = None;
        self.load()
    }

    /// A section's rows arrived; an answer for a section no longer shown is dropped.
    pub fn loaded(&mut self, section: AdminSection, rows: Result<AdminData, String>) {
        if section == self.section {
            self.rows = Some(rows);
            self.selected = self.selected.min(self.len().saturating_sub(1));
        }
    }

    /// The selected member of staff, in the staff section.
    pub fn selected_staff(&self) -> Option<&data::StaffLine> {
        match &self.rows {
            Some(Ok(AdminData::Staff(rows))) => rows.get(self.selected),
            _ => None,
        }
    }
}

impl AdminScreen {
    /// The member of staff with this login, in the staff section.
    pub fn staff_line(&self, login: &str) -> Option<&data::StaffLine> {
        match &self.rows {
            Some(Ok(AdminData::Staff(rows))) => rows.iter().find(|l| l.member.login == login),
            _ => None,
        }
    }
}

impl AdminScreen {
    /// The selected agreement version, in the agreements section.
    pub fn selected_agreement(&self) -> Option<&data::AgreementLine> {
        match &self.rows {
            Some(Ok(AdminData::Agreements(rows))) => rows.get(self.selected),
            _ => None,
        }
    }

    /// The selected contact, in the contacts section.
    pub fn selected_contact(&self) -> Option<&data::ContactLine> {
        match &self.rows {
            Some(Ok(AdminData::Contacts(rows))) => rows.get(self.selected),
            _ => None,
        }
    }

    /// The selected service, in the services section.
    pub fn selected_service(&self) -> Option<&data::ServiceLine> {
        match &self.rows {
            Some(Ok(AdminData::Services(rows))) => rows.get(self.selected),
            _ => None,
        }
    }
}

impl ScreenState for AdminScreen {
    fn scope(&self) -> Scope {
        Scope::Admin
    }

    fn move_selection(&mut self, delta: isize) {
        self.deactivating = None;
        // Reading an agreement, j and k read on.
        if self.reading {
            return self.scroll_detail(delta.clamp(-10_000, 10_000) as i32);
        }
        self.scroll = 0;
        let last = self.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(last);
    }

    fn back(&mut self) -> bool {
        let cancelled = self.import.take().is_some();
        let read = std::mem::take(&mut self.reading);
        self.scroll = 0;
        self.deactivating.take().is_some() || cancelled || read
    }

    fn resync(&self) -> Vec<Effect> {
        self.rows.as_ref().map(|_| Effect::Db(self.load())).into_iter().collect()
    }
}

#[cfg(test)]
mod tests;
