//! Tab 4: the maintenance calendar, as a month, a week or an agenda of the windows with their notice and warnings.
//! Read-only in this step; planning is `vakt maintenance add` (admins). A cursor day moves through the dates; the
//! screen asks for the dates around it whenever the view would show days that are not loaded.

pub mod days;
pub mod plan;
pub mod update;

use chrono::NaiveDate;

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;
use crate::app::model::MaintenanceWindow;
use days::Dates;

/// How the calendar is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CalendarView {
    /// A Monday-first grid of the cursor's month (the sketch's calendar, so the default).
    #[default]
    Month,
    /// The seven days of the cursor's week side by side.
    Week,
    /// A list of the windows from the cursor's day on.
    Agenda,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CalendarScreen {
    /// The loaded windows, soonest first.
    pub windows: Vec<MaintenanceWindow>,
    /// Each window's first and last date on its zone's wall clock, worked out once when the windows arrive: a
    /// month's grid asks for them 42 times per window on every frame.
    pub spans: Vec<(NaiveDate, NaiveDate)>,
    /// The dates the windows were loaded for; `None` until the first answer.
    pub loaded: Option<Dates>,
    /// The dates last asked for (maybe still on their way), so a key press asks at most once for them.
    pub requested: Option<Dates>,
    /// The selected row of the agenda.
    pub selected: usize,
    pub view: CalendarView,
    /// The chosen day; `None` follows today.
    pub cursor: Option<NaiveDate>,
    /// The viewer's date as of the last tick (the app has no clock of its own).
    pub today: Option<NaiveDate>,
}

impl CalendarScreen {
    /// The cursor's day: the chosen one, or today.
    pub fn day(&self) -> Option<NaiveDate> {
        self.cursor.or(self.today)
    }

    /// The agenda's rows: the loaded windows still running on or after the cursor's day.
    pub fn agenda(&self) -> Vec<&MaintenanceWindow> {
        let from = self.day().unwrap_or(NaiveDate::MIN);
        self.with_spans().filter(|(_, (_, last))| *last >= from).map(|(w, _)| w).collect()
    }

    /// The windows with their first and last local dates.
    pub fn with_spans(&self) -> impl Iterator<Item = (&MaintenanceWindow, (NaiveDate, NaiveDate))> {
        self.windows
            .iter()
            .enumerate()
            .map(|(i, w)| (w, self.spans.get(i).copied().unwrap_or_else(|| days::local_days(w))))
    }

    pub fn selected(&self) -> Option<&MaintenanceWindow> {
        self.agenda().get(self.selected).copied()
    }

    /// The windows shown on a day (its start date on its zone's wall clock, and the dates it runs into).
    pub fn on_day(&self, day: NaiveDate) -> impl Iterator<Item = &MaintenanceWindow> {
        self.on_day_from(day).map(|(w, _)| w)
    }

    /// As [`Self::on_day`], with each window's first local date.
    pub fn on_day_from(&self, day: NaiveDate) -> impl Iterator<Item = (&MaintenanceWindow, NaiveDate)> {
        self.with_spans().filter(move |(_, (first, last))| *first <= day && day <= *last).map(|(w, (f, _))| (w, f))
    }

    /// New windows arrived for `dates`: the same window stays selected where it still exists.
    pub fn replace(&mut self, dates: Dates, windows: Vec<MaintenanceWindow>) {
        self.keep_selection(|screen| {
            screen.spans = windows.iter().map(days::local_days).collect();
            screen.windows = windows;
            screen.loaded = Some(dates);
        });
    }

    /// Moves the cursor (`None`: back to following today); the agenda then starts at its first window, as a jump
    /// to a date does.
    pub fn set_cursor(&mut self, day: Option<NaiveDate>) {
        self.cursor = day;
        self.selected = 0;
    }

    fn keep_selection(&mut self, change: impl FnOnce(&mut Self)) {
        let keep = self.selected().map(|w| w.id.clone());
        change(self);
        let rows = self.agenda();
        self.selected =
            keep.and_then(|id| rows.iter().position(|w| w.id == id)).unwrap_or(0).min(rows.len().saturating_sub(1));
    }

    /// The load of the dates around the cursor when the view would show dates that are neither loaded nor asked
    /// for; it is remembered as asked for.
    pub fn wanted_load(&mut self) -> Option<DbCommand> {
        let day = self.day()?;
        let shown = days::shown(self.view, day);
        if self.requested.is_some_and(|asked| asked.serves(shown)) {
            return None;
        }
        let dates = days::to_load(day);
        self.requested = Some(dates);
        Some(load(dates))
    }

    /// The dates to load again after a reconnect or a change notice: what was last asked for.
    pub fn reload(&self) -> Option<DbCommand> {
        self.requested.or_else(|| self.day().map(days::to_load)).map(load)
    }
}

fn load(dates: Dates) -> DbCommand {
    DbCommand::LoadMaintenance { from: dates.from, to: dates.to }
}

impl ScreenState for CalendarScreen {
    fn scope(&self) -> Scope {
        Scope::Calendar
    }

    /// Moves the agenda's row; the month and week views move their cursor in `update::navigate` instead.
    fn move_selection(&mut self, delta: isize) {
        let last = self.agenda().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(last);
    }

    fn back(&mut self) -> bool {
        false
    }

    fn resync(&self) -> Vec<Effect> {
        self.reload().map(Effect::Db).into_iter().collect()
    }
}

#[cfg(test)]
mod tests;
