//! The pure core of the console: `update(&mut State, Action, now) -> Vec<Effect>`. No I/O, no clock of its own.

pub(crate) mod coalesce;
mod input;
mod nav;
mod sync;

use chrono::{DateTime, Duration, Utc};

use super::action::Action;
use super::effect::{DbCommand, Effect};
use super::state::{Severity, State};
use coalesce::Since;

pub use crate::app::screens::major::update::{cadence as major_cadence, proposal as major_proposal};
pub use input::palette_matches;

/// How long an informational message stays in the status line; errors stay until the next key.
const INFO_MESSAGE_SECONDS: i64 = 6;
/// Service windows are loaded again this long before the period they were loaded for runs out.
const SERVICE_WINDOW_MARGIN_HOURS: i64 = 12;
/// How often a console whose commands cannot reach the database tries again.
const WORKER_PROBE_SECONDS: i64 = 5;

pub fn update(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    // Once a second and when a whole list arrives: a burst of change notices costs one count, on the next tick.
    let refigure = matches!(
        action,
        Action::Tick
            | Action::BoardLoaded(_)
            | Action::BoardFirstPage { .. }
            | Action::MajorsLoaded(_)
            | Action::AgreementsLoaded(_)
            | Action::ServiceWindowsLoaded(_)
    );
    let mut effects = dispatch(state, action, now);
    effects.extend(presence(state, now));
    if refigure {
        state.summary = crate::app::summary::Summary::compute(state, now);
    }
    effects
}

/// How often a console refreshes its presence while it stays on an incident.
const PRESENCE_REFRESH_SECONDS: i64 = 30;

/// Tells others where this console is when that changes (and refreshes it while it stays).
fn presence(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if state.presence.console_id.is_empty() {
        return Vec::new();
    }
    let here = state.whereabouts();
    let due = match &state.presence.sent {
        None => here.0.is_some(),
        Some((sent, at)) => {
            *sent != here || (here.0.is_some() && now - *at >= Duration::seconds(PRESENCE_REFRESH_SECONDS))
        }
    };
    if !due {
        return Vec::new();
    }
    state.presence.sent = Some((here, now));
    vec![Effect::Db(DbCommand::SetPresence {
        console: state.presence.console_id.clone(),
        incident: here.0,
        editing: here.1,
    })]
}

fn dispatch(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    match action {
        Action::Key(key) => input::on_key(state, key, now),
        Action::Paste(pasted) => input::on_paste(state, &pasted, now),
        Action::Resize { width, height } => {
            state.viewport = (width, height);
            Vec::new()
        }
        Action::Tick => {
            let expired = state
                .message
                .as_ref()
                .is_some_and(|m| m.severity == Severity::Info && now - m.at >= Duration::seconds(INFO_MESSAGE_SECONDS));
            if expired {
                state.message = None;
            }
            crate::app::screens::major::update::remind(state, now);
            let mut effects = crate::app::screens::calendar::update::tick(state, now);
            effects.extend(crate::app::screens::heatmap::update::tick(state, now));
            // Time-based filters (breached, today) change with the clock, not only with the data.
            if state.screens.board.queue.filter().depends_on_time() {
                state.screens.board.queue.refresh(now);
            }
            // While the worker cannot reach the database, probe it every few seconds.
            if state.link.worker_down
                && state.link.probed_at.is_none_or(|at| now - at >= Duration::seconds(WORKER_PROBE_SECONDS))
            {
                state.link.probed_at = Some(now);
                effects.push(Effect::Db(DbCommand::LoadBoard));
            }
            // Windows are loaded for the coming hours; well before those run out, the next ones are loaded.
            if state.service_windows.until.is_some()
                && state.service_windows.stale(now, Duration::hours(SERVICE_WINDOW_MARGIN_HOURS))
            {
                state.service_windows.until = None;
                effects.extend(
                    state.link.in_flight.admit(vec![Effect::Db(DbCommand::LoadServiceWindows)], Since::Unknown),
                );
            }
            // Drafts are written at most once a second, however fast the typing.
            if state.drafts_dirty {
                state.drafts_dirty = false;
                effects.push(Effect::SaveDrafts(state.drafts.clone()));
            }
            effects
        }
        Action::Run(command) => nav::run(state, command, now),
        other => sync::on_data(state, other, now),
    }
}

#[cfg(test)]
mod admin_tests;
#[cfg(test)]
mod calendar_tests;
#[cfg(test)]
mod first_page_tests;
#[cfg(test)]
mod flood_tests;
#[cfg(test)]
mod follow_ups_tests;
#[cfg(test)]
mod heatmap_tests;
#[cfg(test)]
mod incident_problems_tests;
#[cfg(test)]
mod known_errors_tests;
#[cfg(test)]
mod minutes_tests;
#[cfg(test)]
mod problems_tests;
#[cfg(test)]
mod security_tests;
#[cfg(test)]
mod tests;
