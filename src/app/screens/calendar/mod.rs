//! Tab 4: the maintenance calendar, as an agenda of the windows ahead with their notice and warnings. Read-only in
//! this step; planning is `vakt maintenance add` (admins).

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;
use crate::app::model::MaintenanceWindow;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CalendarScreen {
    /// The windows ahead, soonest first.
    pub windows: Vec<MaintenanceWindow>,
    pub loaded: bool,
    pub selected: usize,
}

impl CalendarScreen {
    pub fn selected(&self) -> Option<&MaintenanceWindow> {
        self.windows.get(self.selected)
    }

    /// New windows arrived: the same window stays selected where it still exists.
    pub fn replace(&mut self, windows: Vec<MaintenanceWindow>) {
        let keep = self.selected().map(|w| w.id.clone());
        self.windows = windows;
        self.loaded = true;
        self.selected = keep
            .and_then(|id| self.windows.iter().position(|w| w.id == id))
            .unwrap_or(0)
            .min(self.windows.len().saturating_sub(1));
    }
}

impl ScreenState for CalendarScreen {
    fn scope(&self) -> Scope {
        Scope::Calendar
    }

    fn move_selection(&mut self, delta: isize) {
        let last = self.windows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(last);
    }

    fn back(&mut self) -> bool {
        false
    }

    fn resync(&self) -> Vec<Effect> {
        vec![Effect::Db(DbCommand::LoadMaintenance)]
    }
}
