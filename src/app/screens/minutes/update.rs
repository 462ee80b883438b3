//! The minutes screen's keys and answers: reading the list when the tab is shown, opening a meeting, stepping
//! between meetings.

use chrono::{DateTime, Utc};

use super::data::{MeetingList, MinutesDetail};
use crate::app::command::{MinutesAct, Screen};
use crate::app::effect::{DbCommand, Effect};
use crate::app::state::State;

/// The tab is shown: read the series and meetings afresh (minutes change rarely and mostly elsewhere).
pub fn shown(_state: &mut State) -> Vec<Effect> {
    vec![Effect::Db(DbCommand::LoadMeetings)]
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
    let minutes = &mut state.screens.minutes;
    let command = match act {
        MinutesAct::OpenMeeting => return [effects, super::chair::open_meeting(state, now)].concat(),
        MinutesAct::Publish => return [effects, super::chair::publish(state, now)].concat(),
        MinutesAct::Attendance => return [effects, super::chair::attendance(state, now)].concat(),
        MinutesAct::Decision => return [effects, super::chair::decision(state, now)].concat(),
        MinutesAct::FollowUp => return [effects, super::chair::follow_up(state, now)].concat(),
        MinutesAct::Present(n) => return [effects, super::chair::toggle_present(state, n, now)].concat(),
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
