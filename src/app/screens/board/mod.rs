//! Tab 1: the incident board (the queue sorted by time to breach) and the incident view opened from it.

pub mod actions;
pub mod filter;
pub mod follow_ups;
pub mod known_errors;
pub mod masters;
pub mod outage;
pub mod queue;

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;
use crate::app::model::IncidentDetail;
use queue::Board;

/// Rows of the first page read at start, before the whole queue: more than a tall terminal shows.
pub const FIRST_PAGE_ROWS: usize = 100;

/// How many rows the first page asks for: what fits the screen, and never fewer than `FIRST_PAGE_ROWS`.
pub fn first_page_rows(state: &crate::app::State) -> usize {
    FIRST_PAGE_ROWS.max(usize::from(state.viewport.1))
}

/// The board's own state: the queue with its filter, sort and selection, the saved view in use, the filter line
/// while it is typed, and the incident opened from the queue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoardScreen {
    pub queue: Board,
    /// Index into the saved views.
    pub view: usize,
    pub filter_input: Option<FilterInput>,
    pub incident: Option<IncidentView>,
    /// "My follow-ups": the user's follow-up points, shown in place of the queue while `shown`.
    pub follow_ups: follow_ups::FollowUps,
    /// Known errors matching the new-incident form's title, and the one picked.
    pub known_errors: known_errors::Suggestions,
    /// A master's open children, resolved once the master's resolution goes through.
    pub pending_children: masters::PendingChildren,
}

/// The incident view: which incident, and its loaded detail once it arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentView {
    pub id: i64,
    pub reference: String,
    pub detail: Option<IncidentDetail>,
    /// First visible line of the history pane.
    pub scroll: usize,
}

/// The filter line while it is being typed. The board filters as you type; a word it cannot read is shown as
/// an error and the last good filter stays applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterInput {
    pub text: String,
    /// The filter that was applied before editing started, restored by Esc.
    pub previous: String,
    pub error: Option<String>,
}

impl ScreenState for BoardScreen {
    fn scope(&self) -> Scope {
        match (&self.incident, self.follow_ups.shown) {
            (Some(_), _) => Scope::Incident,
            (None, true) => Scope::FollowUps,
            (None, false) => Scope::Board,
        }
    }

    fn move_selection(&mut self, delta: isize) {
        if let Some(view) = &mut self.incident {
            view.scroll = view.scroll.saturating_add_signed(delta);
            if let Some(detail) = &view.detail {
                view.scroll = view.scroll.min(detail.events.len().saturating_sub(1));
            }
            return;
        }
        if self.follow_ups.shown {
            match delta {
                d if d <= isize::MIN / 2 => self.follow_ups.selected = 0,
                d => self.follow_ups.move_by(d),
            }
            return;
        }
        match delta {
            d if d <= isize::MIN / 2 => self.queue.select_first(),
            d if d >= isize::MAX / 2 => self.queue.select_last(),
            d => self.queue.move_by(d),
        }
    }

    fn back(&mut self) -> bool {
        if self.incident.take().is_some() {
            return true;
        }
        std::mem::take(&mut self.follow_ups.shown)
    }

    fn resync(&self) -> Vec<Effect> {
        // The follow-ups are read even while hidden: the board counts those falling due.
        let mut effects = vec![
            Effect::Db(DbCommand::LoadBoard),
            Effect::Db(DbCommand::LoadServiceWindows),
            Effect::Db(DbCommand::LoadMyFollowUps),
        ];
        if let Some(view) = &self.incident {
            effects.push(Effect::Db(DbCommand::LoadDetail { id: view.id }));
        }
        effects
    }
}
