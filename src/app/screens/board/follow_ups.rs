//! "My follow-ups" on the board: the follow-up points of published minutes addressed to the logged-in user, with
//! their due dates, overdue first; Enter answers the selected one in a form. The database decides who may answer
//! (row-level security and a trigger); its refusal is shown in its words and the typed answer stays.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{AgreementSet, WriteError};
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::minutes::remind::{self, Reminder};

/// One follow-up point addressed to the user, as the board lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct MyFollowUp {
    pub id: i64,
    /// The meeting series' title.
    pub series: String,
    pub meeting_at: DateTime<Utc>,
    pub text: String,
    pub due: NaiveDate,
    /// `open` or `answered` (closed points are not listed).
    pub state: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The code of the series' agreement, whose working days count towards the due date.
    pub agreement: String,
}

impl MyFollowUp {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

/// Where a point stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Overdue,
    /// Within the reminder's working days of its due date.
    DueSoon,
    Later,
    Answered,
}

/// The view's state: whether it is shown, the points (kept while hidden, for the count on the board) and the
/// selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUps {
    pub shown: bool,
    /// None until the first load arrives.
    pub rows: Option<Result<Vec<MyFollowUp>, String>>,
    pub selected: usize,
}

impl FollowUps {
    pub fn points(&self) -> &[MyFollowUp] {
        match &self.rows {
            Some(Ok(rows)) => rows,
            _ => &[],
        }
    }

    pub fn selected(&self) -> Option<&MyFollowUp> {
        self.points().get(self.selected)
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.points().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }
}

/// The agreement's holidays around a due date (none when the agreement is not loaded: weekends alone count).
pub fn holidays(agreements: &AgreementSet, code: &str, due: NaiveDate) -> BTreeSet<NaiveDate> {
    let versions = || agreements.values().filter(|a| a.code() == code);
    let in_force = versions().find(|a| a.in_force_on(due)).or_else(|| versions().next());
    in_force.map(|a| remind::agreement_holidays(a, remind::years_around(due))).unwrap_or_default()
}

/// Where `point` stands on `today`, counted on its agreement's working days.
pub fn standing(point: &MyFollowUp, today: NaiveDate, agreements: &AgreementSet) -> Standing {
    if !point.is_open() {
        return Standing::Answered;
    }
    match remind::of(point.due, today, &holidays(agreements, &point.agreement, point.due)) {
        Some(Reminder::Overdue) => Standing::Overdue,
        Some(Reminder::DueSoon) => Standing::DueSoon,
        None => Standing::Later,
    }
}

/// How many open points are overdue or due within the reminder's working days (the board's "N follow-ups due").
pub fn due_count(state: &State, now: DateTime<Utc>) -> usize {
    let today = now.with_timezone(&state.zone).date_naive();
    let points = state.screens.board.follow_ups.points();
    points
        .iter()
        .filter(|p| matches!(standing(p, today, &state.agreements), Standing::Overdue | Standing::DueSoon))
        .count()
}

/// Overdue first, then open points by due date, then the answered ones.
fn arrange(rows: &mut [MyFollowUp], today: NaiveDate) {
    rows.sort_by_key(|p| (!(p.is_open() && p.due < today), !p.is_open(), p.due, p.id));
}

/// `F`: shows the view (and reads the points again), or hides it.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    let on_board = state.screen == crate::app::command::Screen::Board;
    let board = &mut state.screens.board;
    if on_board && board.follow_ups.shown && board.incident.is_none() {
        board.follow_ups.shown = false;
        return Vec::new();
    }
    state.screen = crate::app::command::Screen::Board;
    board.incident = None;
    board.follow_ups.shown = true;
    vec![Effect::Db(DbCommand::LoadMyFollowUps)]
}

/// The points arrived: sorted for today, the selection kept on its point.
pub fn loaded(state: &mut State, result: Result<Vec<MyFollowUp>, String>, now: DateTime<Utc>) -> Vec<Effect> {
    let today = now.with_timezone(&state.zone).date_naive();
    let view = &mut state.screens.board.follow_ups;
    let keep = view.selected().map(|p| p.id);
    view.rows = Some(result.map(|mut rows| {
        arrange(&mut rows, today);
        rows
    }));
    let points = view.points();
    view.selected = keep
        .and_then(|id| points.iter().position(|p| p.id == id))
        .unwrap_or(view.selected)
        .min(points.len().saturating_sub(1));
    state.link.in_flight.loaded(crate::app::update::coalesce::Load::MyFollowUps)
}

/// Enter: the answer form for the selected point; what was typed before comes back, else its current answer.
pub fn answer(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !state.screens.board.follow_ups.shown {
        state.warn("show your follow-ups first (F on the board)", now);
        return Vec::new();
    }
    let Some(point) = state.screens.board.follow_ups.selected().cloned() else {
        state.warn("no follow-up point to answer", now);
        return Vec::new();
    };
    let fields = vec![crate::app::form::Field::area("answer", point.answer.as_deref().unwrap_or(""), true)];
    let title = format!(
        "Answer follow-up point #{} (due {}): {}",
        point.id,
        point.due,
        crate::domain::text::truncate(&crate::domain::text::one_line(&point.text), 60)
    );
    crate::app::forms::open(state, FormPurpose::AnswerFollowUp(point.id), title, fields);
    Vec::new()
}

/// The answer form was sent.
pub fn submit(state: &mut State, id: i64, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let text = crate::app::form::Values::of(&form.fields).text("answer");
    crate::app::forms::send(state, Effect::Db(DbCommand::AnswerFollowUp { id, text }), now)
}

/// The database's answer: the form closes and the list is read again, or the form stays with the refusal.
pub fn answered(state: &mut State, id: i64, result: Result<(), WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    match result {
        Ok(()) => {
            let mut effects = crate::app::forms::succeeded(state);
            state.inform(format!("follow-up point #{id} answered"), now);
            effects.push(Effect::Db(DbCommand::LoadMyFollowUps));
            effects
        }
        Err(error) => {
            crate::app::forms::failed(state, format!("the database refused: {}", error.message()), now);
            vec![Effect::Db(DbCommand::LoadMyFollowUps)]
        }
    }
}
