//! Tab 4: the maintenance calendar, as a month, a week or an agenda of the windows with their notice and warnings.
//! Read-only in this step; planning is `vakt maintenance add` (admins). A cursor day moves through the dates; the
//! screen asks for the dates around it whenever the view would show days that are not loaded.

pub mod days;
pub mod meetings;
pub mod plan;
pub mod update;

use chrono::NaiveDate;

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;
use crate::app::model::MaintenanceWindow;
use days::Dates;
use meetings::{CalendarMeeting, Entry};

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
    /// Overlays the user has hidden (all are shown at first).
    pub hidden: Hidden,
    /// Public holidays of the agreements' countries in the loaded dates: date, name and country.
    pub holidays: Vec<(NaiveDate, String)>,
    /// The MIM rota as loaded: start, end, the MIM on duty.
    pub duty: Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, String)>,
    /// The meetings of the series in the loaded dates, soonest first, each with its date on the viewer's clock.
    pub meetings: Vec<(NaiveDate, CalendarMeeting)>,
    /// Each series' version when the open form was opened: what the admin saw, checked when the change is written
    /// so another console's change in between is never overwritten unseen.
    pub seen_versions: std::collections::BTreeMap<i64, i32>,
}

/// The overlays that are off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hidden {
    pub holidays: bool,
    pub rota: bool,
    /// Freezes, high-volume and critical periods.
    pub periods: bool,
    /// The release plan's windows.
    pub plan: bool,
    /// The status meetings.
    pub meetings: bool,
}

impl CalendarScreen {
    /// The cursor's day: the chosen one, or today.
    pub fn day(&self) -> Option<NaiveDate> {
        self.cursor.or(self.today)
    }

    /// The agenda's windows: the loaded windows still running on or after the cursor's day.
    pub fn agenda(&self) -> Vec<&MaintenanceWindow> {
        let from = self.day().unwrap_or(NaiveDate::MIN);
        self.with_spans().filter(|(_, (_, last))| *last >= from).map(|(w, _)| w).collect()
    }

    /// The agenda's rows: its windows and, with the overlay on, the meetings from the cursor's day, by start.
    pub fn agenda_rows(&self) -> Vec<Entry<'_>> {
        let from = self.day().unwrap_or(NaiveDate::MIN);
        let mut rows: Vec<Entry> = self.agenda().into_iter().map(Entry::Window).collect();
        rows.extend(self.shown_meetings().filter(|(day, _)| *day >= from).map(|(_, m)| Entry::Meeting(m)));
        // Stable: windows that start together keep their order, and a window comes before a meeting at its start.
        rows.sort_by_key(Entry::start);
        rows
    }

    /// The meetings with their dates on the viewer's clock, none when the overlay is off.
    pub fn shown_meetings(&self) -> impl Iterator<Item = (NaiveDate, &CalendarMeeting)> {
        let shown = if self.hidden.meetings { &self.meetings[..0] } else { &self.meetings[..] };
        shown.iter().map(|(day, m)| (*day, m))
    }

    /// The meetings starting on `day` (the viewer's date), soonest first.
    pub fn meetings_on(&self, day: NaiveDate) -> Vec<&CalendarMeeting> {
        self.shown_meetings().filter(|(d, _)| *d == day).map(|(_, m)| m).collect()
    }

    /// New meetings arrived with the windows: each is placed on the viewer's date.
    pub fn replace_meetings(&mut self, meetings: Vec<CalendarMeeting>, viewer: chrono_tz::Tz) {
        self.keep_selection(|screen| {
            screen.meetings = meetings.into_iter().map(|m| (m.day(viewer), m)).collect();
            screen.meetings.sort_by_key(|(_, m)| m.start);
        });
    }

    /// The windows with their first and last local dates, less those of hidden overlays.
    pub fn with_spans(&self) -> impl Iterator<Item = (&MaintenanceWindow, (NaiveDate, NaiveDate))> {
        self.windows
            .iter()
            .enumerate()
            .filter(|(_, w)| self.shows(w))
            .map(|(i, w)| (w, self.spans.get(i).copied().unwrap_or_else(|| days::local_days(w))))
    }

    /// Whether a window is shown with the overlays as they are.
    pub fn shows(&self, window: &MaintenanceWindow) -> bool {
        let period = matches!(window.kind.as_str(), "freeze" | "high_volume" | "critical_period");
        let hidden = (self.hidden.periods && period) || (self.hidden.plan && window.kind == "release");
        !hidden
    }

    /// The public holiday names on `day`, when holidays are shown.
    pub fn holidays_on(&self, day: NaiveDate) -> Vec<&str> {
        if self.hidden.holidays {
            return Vec::new();
        }
        self.holidays.iter().filter(|(d, _)| *d == day).map(|(_, name)| name.as_str()).collect()
    }

    /// The overlay lines of a day: its holidays and who is MIM on duty (in `zone`), as shown.
    pub fn day_notes(&self, day: NaiveDate, zone: chrono_tz::Tz) -> Vec<String> {
        let mut notes = Vec::new();
        let holidays = self.holidays_on(day);
        if !holidays.is_empty() {
            notes.push(format!("holiday: {}", holidays.join(", ")));
        }
        if !self.hidden.rota {
            let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&zone);
            let on_duty: Vec<String> = self
                .duty
                .iter()
                .filter(|(start, end, _)| local(*start).date_naive() <= day && day <= local(*end).date_naive())
                .filter(|(start, end, _)| local(*end).date_naive() != day || local(*start).date_naive() == day)
                .map(|(start, end, mim)| {
                    format!("{mim} {}–{}", local(*start).format("%H:%M"), local(*end).format("%H:%M"))
                })
                .collect();
            if !on_duty.is_empty() {
                notes.push(format!("MIM on duty: {}", on_duty.join(", ")));
            }
        }
        notes
    }

    /// The overlays as the heading shows them: `[H]olidays ✓ [R]ota ✓ [F]reezes ✓ [P]lan ✓ [M]eetings ✓`.
    pub fn overlay_line(&self, on: &str, off: &str) -> String {
        let mark = |hidden: bool| if hidden { off } else { on };
        format!(
            "H holidays {} R rota {} F freezes {} P plan {} M meetings {}",
            mark(self.hidden.holidays),
            mark(self.hidden.rota),
            mark(self.hidden.periods),
            mark(self.hidden.plan),
            mark(self.hidden.meetings)
        )
    }

    /// The agenda's selected window (none when a meeting is selected: the admins' forms act on windows).
    pub fn selected(&self) -> Option<&MaintenanceWindow> {
        self.selected_row().and_then(Entry::window)
    }

    /// The agenda's selected row.
    pub fn selected_row(&self) -> Option<Entry<'_>> {
        self.agenda_rows().get(self.selected).copied()
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
        let keep = self.selected_row().map(|row| row.key());
        change(self);
        let rows = self.agenda_rows();
        self.selected = keep
            .and_then(|key| rows.iter().position(|row| row.key() == key))
            .unwrap_or(0)
            .min(rows.len().saturating_sub(1));
    }

    /// Shows or hides the meetings; the agenda keeps its selected row where it is still listed.
    pub fn toggle_meetings(&mut self) {
        self.keep_selection(|screen| screen.hidden.meetings = !screen.hidden.meetings);
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
        let last = self.agenda_rows().len().saturating_sub(1);
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
