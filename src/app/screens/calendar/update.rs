//! The calendar's keys and clock: moving the cursor day, switching views, and asking for the dates the view needs
//! (through the in-flight book, so that holding a key down costs one load on its way and one pending).

use chrono::{DateTime, NaiveDate, Utc};

use super::CalendarView;
use super::days::{self, shift, shift_months};
use crate::app::command::{CalendarAct, Command, Screen};
use crate::app::effect::Effect;
use crate::app::state::State;
use crate::app::update::coalesce::Since;

/// The viewer's date at `now`.
fn today(state: &State, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&state.zone).date_naive()
}

/// At sign-in: today is known, and the dates around it are what the session loads first (`resync`).
pub fn start(state: &mut State, now: DateTime<Utc>) {
    let today = Some(today(state, now));
    let calendar = &mut state.screens.calendar;
    calendar.today = today;
    // The session sends the resync's load itself; remembering it here keeps the first key from asking again.
    let _ = calendar.wanted_load();
}

/// Every tick: a new day moves a cursor that follows today, which may need other dates.
pub fn tick(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let today = Some(today(state, now));
    let calendar = &mut state.screens.calendar;
    if calendar.today == today {
        return Vec::new();
    }
    calendar.today = today;
    if calendar.cursor.is_some() || calendar.requested.is_none() {
        return Vec::new();
    }
    follow(state)
}

/// A calendar command: from the keys on the calendar or from the palette anywhere (which shows the calendar).
pub fn run(state: &mut State, act: CalendarAct, now: DateTime<Utc>) -> Vec<Effect> {
    state.screen = Screen::Calendar;
    if act.plans() {
        return super::plan::start(state, act, now);
    }
    if act == CalendarAct::Export {
        let from = days::first_of_month(state.screens.calendar.day().unwrap_or(today(state, now)));
        let to = days::shift_months(from, 12);
        state.inform(format!("exporting the windows from {from} to {to} …"), now);
        return vec![Effect::Db(crate::app::effect::DbCommand::ExportCalendar { from, to })];
    }
    state.screens.calendar.today = Some(today(state, now));
    let calendar = &mut state.screens.calendar;
    let Some(day) = calendar.day() else { return Vec::new() };
    match act {
        CalendarAct::Month => calendar.view = CalendarView::Month,
        CalendarAct::Week => calendar.view = CalendarView::Week,
        CalendarAct::Agenda => calendar.view = CalendarView::Agenda,
        CalendarAct::PreviousDay => calendar.set_cursor(Some(shift(day, -1))),
        CalendarAct::NextDay => calendar.set_cursor(Some(shift(day, 1))),
        CalendarAct::PreviousMonth => calendar.set_cursor(Some(shift_months(day, -1))),
        CalendarAct::NextMonth => calendar.set_cursor(Some(shift_months(day, 1))),
        CalendarAct::Today => calendar.set_cursor(None),
        CalendarAct::Holidays => calendar.hidden.holidays = !calendar.hidden.holidays,
        CalendarAct::Rota => calendar.hidden.rota = !calendar.hidden.rota,
        CalendarAct::Periods => calendar.hidden.periods = !calendar.hidden.periods,
        CalendarAct::Plan => calendar.hidden.plan = !calendar.hidden.plan,
        CalendarAct::Meetings => calendar.toggle_meetings(),
        CalendarAct::New
        | CalendarAct::Edit
        | CalendarAct::Approve
        | CalendarAct::Announce
        | CalendarAct::Cancel
        | CalendarAct::Export => {}
    }
    follow(state)
}

/// The movement keys in the month and week views move the cursor: a week up or down, a month a page, the first or
/// last of the month. `None` leaves them to the agenda's rows.
pub fn navigate(state: &mut State, command: Command, now: DateTime<Utc>) -> Option<Vec<Effect>> {
    if state.screens.calendar.view == CalendarView::Agenda {
        return None;
    }
    state.screens.calendar.today = Some(today(state, now));
    let calendar = &mut state.screens.calendar;
    let day = calendar.day()?;
    let moved = match command {
        Command::Up => shift(day, -7),
        Command::Down => shift(day, 7),
        Command::PageUp => shift_months(day, -1),
        Command::PageDown => shift_months(day, 1),
        Command::Top => days::first_of_month(day),
        Command::Bottom => days::last_of_month(day),
        _ => return None,
    };
    calendar.set_cursor(Some(moved));
    Some(follow(state))
}

/// Asks for the dates around the cursor when the view would show dates not loaded or on their way.
fn follow(state: &mut State) -> Vec<Effect> {
    match state.screens.calendar.wanted_load() {
        Some(command) => state.link.in_flight.admit(vec![Effect::Db(command)], Since::Unknown),
        None => Vec::new(),
    }
}
