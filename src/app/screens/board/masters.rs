//! Resolving a master incident from the console (issue 13): its confirmation offers to resolve the open children
//! too, and once the master is resolved each child is resolved through its own lifecycle (its own clocks and
//! history), as `vakt incident resolve --children` does.

use crate::app::effect::{DbCommand, Effect};
use crate::app::model::ActionTarget;
use crate::app::state::{Overlay, State};
use crate::domain::incident::lifecycle::IncidentAction;

/// Children waiting for their master's resolution to go through.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PendingChildren {
    pub master: Option<i64>,
    pub children: Vec<ActionTarget>,
}

/// The open children of `master` on the board (the board holds every open incident).
pub fn open_children(state: &State, master: &str) -> Vec<ActionTarget> {
    state
        .screens
        .board
        .queue
        .all()
        .iter()
        .filter(|row| row.master.as_deref() == Some(master) && row.status.is_open())
        .map(|row| ActionTarget {
            id: row.id,
            reference: row.reference.clone(),
            version: row.version,
            agreement_version_id: row.agreement_version_id,
        })
        .collect()
}

/// The children key in a resolve confirmation: resolve the children too, or the master only.
pub fn toggle(state: &mut State) {
    if let Some(Overlay::Confirm(confirm)) = &mut state.overlay
        && !confirm.children.is_empty()
    {
        confirm.with_children = !confirm.with_children;
    }
}

/// The confirmation was accepted: the children wait for the master's answer.
pub fn confirmed(state: &mut State) {
    let pending = match &state.overlay {
        Some(Overlay::Confirm(confirm)) if confirm.with_children && !confirm.children.is_empty() => {
            PendingChildren { master: Some(confirm.target.id), children: confirm.children.clone() }
        }
        _ => PendingChildren::default(),
    };
    state.screens.board.pending_children = pending;
}

/// A write answered: when it resolved the master, resolve its children, each on its own.
pub fn written(state: &mut State, id: i64, resolved: bool) -> Vec<Effect> {
    if state.screens.board.pending_children.master != Some(id) {
        return Vec::new();
    }
    let pending = std::mem::take(&mut state.screens.board.pending_children);
    if !resolved {
        return Vec::new();
    }
    pending
        .children
        .into_iter()
        .map(|mut child| {
            // The version the board holds now: a change since the confirmation is not a conflict with it.
            if let Some(row) = state.screens.board.queue.find(child.id) {
                child.version = row.version;
            }
            Effect::Db(DbCommand::Perform { target: child, action: IncidentAction::Resolve })
        })
        .collect()
}
