//! The minutes screen's keys and answers: reading the list when the tab is shown, opening a meeting, stepping
//! between meetings.

use chrono::{DateTime, Utc};

use super::data::{MeetingList, MinutesDetail};
use crate::app::command::{MinutesAct, Screen};
use crate::app::effect::{DbCommand, Effect};
use crate::app::state::State;

/// The tab is shown: read the series and meetings afresh, and the open minutes (changes while the tab was hidden
/// were not followed).
pub fn shown(state: &mut State) -> Vec<Effect> {
    let open = state.screens.minutes.open.as_ref().map(|o| DbCommand::LoadMinutes { id: o.id });
    std::iter::once(DbCommand::LoadMeetings).chain(open).map(Effect::Db).collect()
}

/// Someone changed minutes (a chair at another console, an owner answering): on screen, the list and the open
/// minutes are read again (a burst of notices reads them at most twice); hidden, they are read when shown.
pub fn changed(state: &mut State) -> Vec<Effect> {
    if state.screen != Screen::Minutes {
        return Vec::new();
    }
    crate::app::screens::ScreenState::resync(&state.screens.minutes)
}

/// A minutes command, from its keys or the palette (which shows the minutes).
pub fn run(state: &mut State, act: MinutesAct, now: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.screen != Screen::Minutes {
        state.screen = Screen::Minutes;
        effects.extend(shown(state));
    }
    if act != MinutesAct::Publish {
        state.screens.minutes.publishing = None;
    }
    if act != MinutesAct::DropItem {
        state.screens.minutes.dropping = None;
    }
    let minutes = &mut state.screens.minutes;
    let command = match act {
        MinutesAct::OpenMeeting => return [effects, super::chair::open_meeting(state, now)].concat(),
        MinutesAct::Publish => return [effects, super::chair::publish(state, now)].concat(),
        MinutesAct::Attendance => return [effects, super::chair::attendance(state, now)].concat(),
        MinutesAct::Decision => return [effects, super::chair::decision(state, now)].concat(),
        MinutesAct::FollowUp => return [effects, super::chair::follow_up(state, now)].concat(),
        MinutesAct::Present(n) => return [effects, super::chair::toggle_present(state, n, now)].concat(),
        MinutesAct::EditNotes => return [effects, super::chair::notes(state, now)].concat(),
        MinutesAct::Discussed => return [effects, super::chair::discussed(state, now)].concat(),
        MinutesAct::AddItem => return [effects, super::chair::add_item(state, now)].concat(),
        MinutesAct::DropItem => return [effects, super::chair::drop_item(state, now)].concat(),
        MinutesAct::MoveItemUp => return [effects, super::chair::move_item(state, true, now)].concat(),
        MinutesAct::MoveItemDown => return [effects, super::chair::move_item(state, false, now)].concat(),
        MinutesAct::NextItem | MinutesAct::PreviousItem => {
            let step = if act == MinutesAct::NextItem { 1 } else { -1 };
            match &mut state.screens.minutes.open {
                Some(open) => open.step_item(step),
                None => state.warn("open a meeting's minutes first (Enter)", now),
            }
            return effects;
        }
        MinutesAct::Export => {
            let target = minutes.open.as_ref().map(|o| o.id).or_else(|| minutes.selected_meeting().map(|m| m.id));
            match target {
                Some(id) => {
                    state.inform(format!("writing the minutes of meeting {id} …"), now);
                    Some(DbCommand::ExportMinutes { id, zone: state.zone })
                }
                None => {
                    state.warn("select a meeting to export", now);
                    None
                }
            }
        }
        MinutesAct::Read => minutes.open_selected(),
        // The list holds the latest first: an earlier meeting is further down.
        MinutesAct::EarlierMeeting => minutes.step_meeting(1),
        MinutesAct::LaterMeeting => minutes.step_meeting(-1),
    };
    effects.extend(command.map(Effect::Db));
    effects
}

/// The series and meetings arrived.
pub fn listed(state: &mut State, result: Result<MeetingList, String>, now: DateTime<Utc>) -> Vec<Effect> {
    match result {
        Ok(list) => state.screens.minutes.listed(list),
        Err(why) => {
            state.warn(format!("the meetings could not be read: {why}"), now);
            state.screens.minutes.error = Some(why);
        }
    }
    Vec::new()
}

/// A meeting's minutes arrived.
pub fn loaded(state: &mut State, id: i64, result: Result<Box<MinutesDetail>, String>) -> Vec<Effect> {
    state.screens.minutes.loaded(id, result);
    Vec::new()
}
