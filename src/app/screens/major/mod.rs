//! Tab 2: the major-incident cockpit, with the on-duty rota, the report editor and the hand-over.

pub mod update;

use chrono::{DateTime, Utc};

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;
use crate::app::model::{DutyLine, MajorView, PendingHandover, ReportDraft, ShiftRow};

/// The major-incident screen: active majors, the rota, and what the console has already reminded about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MajorScreen {
    pub list: Vec<MajorView>,
    pub selected: usize,
    pub loaded: bool,
    pub rota: Vec<ShiftRow>,
    pub duty: DutyLine,
    /// Update deadlines the MIM was already reminded of (major id, due), so a reminder shows once.
    pub reminded: std::collections::BTreeSet<(i64, DateTime<Utc>)>,
    /// The incident being created is to be declared a major incident as soon as it is saved (a MIM's choice in
    /// the new-incident form).
    pub declare_new: bool,
    /// Escalation proposals already announced (major id, proposed level), so each shows once on every screen.
    pub proposed: std::collections::BTreeSet<(i64, usize)>,
    /// The report being completed.
    pub report: Option<ReportDraft>,
    /// A major incident whose report should be exported once it has loaded.
    pub export_pending: Option<i64>,
    /// Deliveries changed while the cockpit was not on screen: read again when it is shown.
    pub deliveries_stale: bool,
    /// A hand-over waiting for this user to acknowledge.
    pub handover: Option<PendingHandover>,
}

impl MajorScreen {
    pub fn selected(&self) -> Option<&MajorView> {
        self.list.get(self.selected)
    }

    /// Who is MIM on duty at `now`.
    pub fn on_duty(&self, now: DateTime<Utc>) -> Option<&ShiftRow> {
        self.rota.iter().find(|s| s.starts_at <= now && now < s.ends_at)
    }
}

impl ScreenState for MajorScreen {
    fn scope(&self) -> Scope {
        Scope::Major
    }

    fn move_selection(&mut self, delta: isize) {
        let last = self.list.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(last);
    }

    fn back(&mut self) -> bool {
        false
    }

    fn resync(&self) -> Vec<Effect> {
        vec![Effect::Db(DbCommand::LoadMajors), Effect::Db(DbCommand::LoadRota)]
    }
}
