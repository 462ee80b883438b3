//! The chair's keys: open the meeting of the selected series (the database writes and freezes its agenda) and
//! publish the minutes after a second press of the key. Chairs (vakt_chair) and admins only; the database holds the
//! same rule, and its refusal is shown as it comes.

use chrono::{DateTime, Utc};

use super::data::MinutesWrite;
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::WriteError;
use crate::app::state::{FormPurpose, Overlay, State};

const READ_ONLY: &str =
    "the minutes are read-only for you: only chairs (vakt_chair) and admins open and publish meetings";

fn may_write(state: &mut State, now: DateTime<Utc>) -> bool {
    let chair = state.user.as_ref().is_some_and(|u| u.rights.chair || u.rights.admin);
    if !chair {
        state.warn(READ_ONLY, now);
    }
    chair
}

/// `o`: opens the meeting of the selected series running now, or its next one.
pub fn open_meeting(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let Some(series) = state.screens.minutes.selected_series().map(|s| s.code.clone()) else {
        state.warn("select a meeting series first", now);
        return Vec::new();
    };
    state.inform(format!("{series}: opening the meeting and writing its agenda …"), now);
    vec![Effect::Db(DbCommand::OpenMeeting { series, at: now })]
}

/// `P`: the first press asks, the second publishes the open (or else the selected) meeting's minutes.
pub fn publish(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let minutes = &state.screens.minutes;
    let target = minutes.open.as_ref().map(|o| o.id).or_else(|| minutes.selected_meeting().map(|m| m.id));
    let Some(id) = target else {
        state.warn("select a meeting to publish", now);
        return Vec::new();
    };
    let listed = minutes.list.iter().flat_map(|l| l.meetings.iter()).find(|m| m.id == id);
    if listed.is_some_and(|m| m.state == "published") {
        state.warn(
            format!("meeting {id} is published already; corrections are sent with `vakt minutes correct {id}`"),
            now,
        );
        return Vec::new();
    }
    if state.screens.minutes.publishing != Some(id) {
        let when = listed
            .map(|m| format!(" of {} {}", m.series, m.starts_at.with_timezone(&state.zone).format("%a %-d %b %H:%M")));
        state.screens.minutes.publishing = Some(id);
        state.inform(
            format!("Publish the minutes{}? Press P again: they become read-only.", when.unwrap_or_default()),
            now,
        );
        return Vec::new();
    }
    state.screens.minutes.publishing = None;
    state.inform(format!("publishing the minutes of meeting {id} …"), now);
    vec![Effect::Db(DbCommand::PublishMinutes { id })]
}

/// The open draft's minutes, if they are loaded; otherwise says why not.
fn open_draft(state: &mut State, now: DateTime<Utc>) -> Option<(i64, Vec<super::data::AttendanceLine>)> {
    let found = match state.screens.minutes.open.as_ref().map(|o| (o.id, &o.detail)) {
        Some((id, Some(Ok(detail)))) if detail.head.state != "published" => Ok((id, detail.attendance.clone())),
        Some((_, Some(Ok(_)))) => Err("these minutes are published and read-only: send a correction instead"),
        _ => Err("open a meeting's minutes first (Enter)"),
    };
    found.map_err(|why| state.warn(why, now)).ok()
}

/// `a`: starts (or ends) taking the attendance of the open draft.
pub fn attendance(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let Some((_, people)) = open_draft(state, now) else { return Vec::new() };
    if people.is_empty() {
        state.warn("the series lists no participants", now);
        return Vec::new();
    }
    state.screens.minutes.taking_attendance = true;
    let last = people.len().min(9);
    state.inform(format!("attendance: 1–{last} mark a participant present or absent again; Esc when done"), now);
    Vec::new()
}

/// A digit while taking the attendance: that participant is present, or absent again. Shown at once, then read
/// back from the database (which may refuse).
pub fn toggle_present(state: &mut State, n: u8, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) || !state.screens.minutes.taking_attendance {
        return Vec::new();
    }
    let Some((id, people)) = open_draft(state, now) else { return Vec::new() };
    let Some(person) = usize::from(n).checked_sub(1).and_then(|i| people.get(i)) else {
        state.warn(format!("there is no participant {n}"), now);
        return Vec::new();
    };
    let (participant, present) = (person.participant.clone(), !person.present);
    if let Some(super::OpenMinutes { detail: Some(Ok(detail)), .. }) = &mut state.screens.minutes.open
        && let Some(line) = detail.attendance.iter_mut().find(|a| a.participant == participant)
    {
        line.present = present;
    }
    vec![Effect::Db(DbCommand::SetPresent { id, participant, present })]
}

/// `d`: the form for a decision in the open draft (what was typed before comes back).
pub fn decision(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let Some((id, _)) = open_draft(state, now) else { return Vec::new() };
    let fields = vec![crate::app::form::Field::area("decision", "", true)];
    crate::app::forms::open(state, FormPurpose::MinutesDecision(id), format!("A decision in meeting {id}"), fields);
    Vec::new()
}

/// The decision form was sent.
pub fn submit_decision(state: &mut State, id: i64, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let text = crate::app::form::Values::of(&form.fields).text("decision");
    crate::app::forms::send(state, Effect::Db(DbCommand::AddDecision { id, text }), now)
}

/// `f`: the form for a follow-up point in the open draft: who answers it (a staff login), by when, and what.
pub fn follow_up(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let Some((id, _)) = open_draft(state, now) else { return Vec::new() };
    let fields = vec![
        crate::app::form::Field::line("owner (login)", "", true).named("owner"),
        crate::app::form::Field::line("due (YYYY-MM-DD)", "", true).named("due"),
        crate::app::form::Field::area("point", "", true),
    ];
    crate::app::forms::open(
        state,
        FormPurpose::MinutesFollowUp(id),
        format!("A follow-up point in meeting {id}"),
        fields,
    );
    Vec::new()
}

/// The follow-up form was sent; a due date that is not a date is explained in the form, where the text stays.
pub fn submit_follow_up(state: &mut State, id: i64, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let values = crate::app::form::Values::of(&form.fields);
    let due = values.text("due");
    let Ok(due) = chrono::NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d") else {
        if let Some(Overlay::Form(form)) = &mut state.overlay {
            form.error = Some(format!("'{}' is not a date: write it as YYYY-MM-DD", due.trim()));
        }
        return Vec::new();
    };
    let command = DbCommand::AddFollowUp { id, owner: values.text("owner"), due, text: values.text("point") };
    crate::app::forms::send(state, Effect::Db(command), now)
}

/// The database's answer to a chair's write: the list and the minutes are read again; a refusal is shown in the
/// database's words.
pub fn written(state: &mut State, result: Result<MinutesWrite, WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    match result {
        Ok(MinutesWrite::Opened { id, items }) => {
            state.inform(format!("meeting {id} opened: the agenda wrote itself ({items} items)"), now);
            state.screens.minutes.open = Some(super::OpenMinutes { id, detail: None, scroll: 0 });
            vec![Effect::Db(DbCommand::LoadMeetings), Effect::Db(DbCommand::LoadMinutes { id })]
        }
        Ok(MinutesWrite::Published { id }) => {
            state.inform(format!("the minutes of meeting {id} are published: read-only from now on"), now);
            let open = state.screens.minutes.open.as_ref().filter(|o| o.id == id).map(|o| o.id);
            std::iter::once(DbCommand::LoadMeetings)
                .chain(open.map(|id| DbCommand::LoadMinutes { id }))
                .map(Effect::Db)
                .collect()
        }
        Ok(MinutesWrite::FollowUp { id, point }) => {
            let mut effects = crate::app::forms::succeeded(state);
            state.inform(format!("follow-up point #{point} added to meeting {id}"), now);
            effects.push(Effect::Db(DbCommand::LoadMinutes { id }));
            effects
        }
        Ok(MinutesWrite::Decision { id }) => {
            let mut effects = crate::app::forms::succeeded(state);
            state.inform(format!("decision recorded in meeting {id}"), now);
            effects.push(Effect::Db(DbCommand::LoadMinutes { id }));
            effects
        }
        Ok(MinutesWrite::Attendance { id }) => {
            let open = state.screens.minutes.open.as_ref().is_some_and(|o| o.id == id);
            if open { vec![Effect::Db(DbCommand::LoadMinutes { id })] } else { Vec::new() }
        }
        Err(error) => {
            // An open form keeps its text and says why; otherwise the message line does.
            crate::app::forms::failed(state, format!("the database refused: {}", error.message()), now);
            // What was shown ahead of the answer is read again as it is.
            state
                .screens
                .minutes
                .open
                .as_ref()
                .map(|o| Effect::Db(DbCommand::LoadMinutes { id: o.id }))
                .into_iter()
                .collect()
        }
    }
}
