//! The chair's keys: open the meeting of the selected series (the database writes and freezes its agenda) and
//! publish the minutes after a second press of the key. Chairs (vakt_chair) and admins only; the database holds the
//! same rule, and its refusal is shown as it comes.

use chrono::{DateTime, Utc};

use super::data::{MinutesEdit, MinutesWrite};
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

/// A form of the open minutes, with what it writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MinutesForm {
    /// A decision on `item`, or on the meeting as a whole.
    Decision { meeting: i64, item: Option<i64> },
    /// A follow-up point made on `item`, or on the meeting as a whole.
    FollowUp { meeting: i64, item: Option<i64> },
    /// An item's notes, typed on top of `version` of them.
    Notes { meeting: i64, item: i64, version: i32 },
    /// A new agenda item after position `after`.
    Item { meeting: i64, after: i32 },
}

impl MinutesForm {
    /// The key its draft is kept under. Notes carry the version they were typed on, so a draft that outlived
    /// someone else's save is merged with it rather than written over it.
    pub fn draft_key(&self) -> String {
        let on = |item: &Option<i64>| item.map(|i| format!(":{i}")).unwrap_or_default();
        match self {
            MinutesForm::Decision { meeting, item } => format!("decision:{meeting}{}", on(item)),
            MinutesForm::FollowUp { meeting, item } => format!("follow-up:{meeting}{}", on(item)),
            MinutesForm::Notes { item, version, .. } => format!("{}{version}", notes_key_prefix(*item)),
            MinutesForm::Item { meeting, after } => format!("item:{meeting}:{after}"),
        }
    }
}

fn notes_key_prefix(item: i64) -> String {
    format!("notes:{item}@")
}

/// What the item keys act on: the open draft's selected item, if any.
fn selected_item(state: &State) -> Option<super::data::ItemLine> {
    state.screens.minutes.open.as_ref()?.selected_item().cloned()
}

/// "on item 3 Incidents" or "in meeting 12", for form titles.
fn on_what(id: i64, item: Option<&super::data::ItemLine>) -> String {
    match item {
        Some(item) => format!("on item {} {}", item.position, crate::domain::text::one_line(&item.title)),
        None => format!("in meeting {id}"),
    }
}

/// `d`: the form for a decision on the selected item (or the meeting) of the open draft.
pub fn decision(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let Some((id, _)) = open_draft(state, now) else { return Vec::new() };
    let item = selected_item(state);
    let fields = vec![crate::app::form::Field::area("decision", "", true)];
    let title = format!("A decision {}", on_what(id, item.as_ref()));
    let purpose = FormPurpose::Minutes(MinutesForm::Decision { meeting: id, item: item.map(|i| i.id) });
    crate::app::forms::open(state, purpose, title, fields);
    Vec::new()
}

/// `f`: the form for a follow-up point on the selected item: who answers it (a staff login), by when, and what.
pub fn follow_up(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let Some((id, _)) = open_draft(state, now) else { return Vec::new() };
    let item = selected_item(state);
    let fields = vec![
        crate::app::form::Field::line("owner (login, e-mail or ORG:name)", "", true).named("owner"),
        crate::app::form::Field::line("due (YYYY-MM-DD)", "", true).named("due"),
        crate::app::form::Field::area("point", "", true),
        crate::app::form::Field::line("concerns (INC-…, W<window>, R<report>)", "", false).named("concerns"),
    ];
    let title = format!("A follow-up point {}", on_what(id, item.as_ref()));
    let purpose = FormPurpose::Minutes(MinutesForm::FollowUp { meeting: id, item: item.map(|i| i.id) });
    crate::app::forms::open(state, purpose, title, fields);
    Vec::new()
}

/// The selected item of the open draft, or a message saying to pick one.
fn draft_item(state: &mut State, now: DateTime<Utc>) -> Option<(i64, super::data::ItemLine)> {
    if !may_write(state, now) {
        return None;
    }
    let (id, _) = open_draft(state, now)?;
    match selected_item(state) {
        Some(item) => Some((id, item)),
        None => {
            state.warn("select an agenda item first: } and { step through them", now);
            None
        }
    }
}

/// `e`: the selected item's notes in an editor. A draft kept from an earlier try comes back; typed on an older
/// version, it is sent as such, and the database's newer text is merged in rather than overwritten.
pub fn notes(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some((id, item)) = draft_item(state, now) else { return Vec::new() };
    let prefix = notes_key_prefix(item.id);
    let kept = state.drafts.keys().filter_map(|key| key.strip_prefix(&prefix)?.parse::<i32>().ok()).max();
    let version = kept.unwrap_or(item.version);
    let fields = vec![crate::app::form::Field::area("notes", &item.notes, false)];
    let title = format!("Notes on item {} {}", item.position, crate::domain::text::one_line(&item.title));
    crate::app::forms::open(
        state,
        FormPurpose::Minutes(MinutesForm::Notes { meeting: id, item: item.id, version }),
        title,
        fields,
    );
    Vec::new()
}

/// `x`: the selected item discussed, or not again.
pub fn discussed(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some((id, item)) = draft_item(state, now) else { return Vec::new() };
    edit(state, id, MinutesEdit::Discussed { item: item.id, discussed: !item.discussed }, now)
}

/// `+`: the form for a new agenda item after the selected one (first when none is selected).
pub fn add_item(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if !may_write(state, now) {
        return Vec::new();
    }
    let Some((id, _)) = open_draft(state, now) else { return Vec::new() };
    let after = selected_item(state).map_or(0, |i| i.position);
    let fields = vec![crate::app::form::Field::line("title", "", true)];
    let title = format!("A new agenda item at place {}", after.saturating_add(1));
    crate::app::forms::open(state, FormPurpose::Minutes(MinutesForm::Item { meeting: id, after }), title, fields);
    Vec::new()
}

/// `-`: the first press asks, the second drops the selected item.
pub fn drop_item(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some((id, item)) = draft_item(state, now) else { return Vec::new() };
    if state.screens.minutes.dropping != Some(item.id) {
        state.screens.minutes.dropping = Some(item.id);
        let title = crate::domain::text::one_line(&item.title).into_owned();
        state.inform(format!("Drop item {} \"{title}\" from the agenda? Press - again.", item.position), now);
        return Vec::new();
    }
    state.screens.minutes.dropping = None;
    edit(state, id, MinutesEdit::DropItem { item: item.id }, now)
}

/// `K` and `J`: the selected item one place up or down the agenda.
pub fn move_item(state: &mut State, up: bool, now: DateTime<Utc>) -> Vec<Effect> {
    let Some((id, item)) = draft_item(state, now) else { return Vec::new() };
    edit(state, id, MinutesEdit::MoveItem { item: item.id, up }, now)
}

fn edit(state: &mut State, id: i64, edit: MinutesEdit, now: DateTime<Utc>) -> Vec<Effect> {
    crate::app::forms::send(state, Effect::Db(DbCommand::EditMinutes { id, edit }), now)
}

/// A minutes form was sent; a due date that is not a date is explained in the form, where the text stays.
pub fn submit(state: &mut State, form: MinutesForm, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(open)) = &mut state.overlay else { return Vec::new() };
    let values = crate::app::form::Values::of(&open.fields);
    let command = match form {
        MinutesForm::Decision { meeting, item } => {
            DbCommand::AddDecision { id: meeting, item, text: values.text("decision") }
        }
        MinutesForm::FollowUp { meeting, item } => {
            let due = values.text("due");
            let Ok(due) = chrono::NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d") else {
                open.error = Some(format!("'{}' is not a date: write it as YYYY-MM-DD", due.trim()));
                return Vec::new();
            };
            let concerns = match crate::domain::minutes::concerns::Concerns::parse(&values.text("concerns")) {
                Ok(concerns) => concerns,
                Err(why) => {
                    open.error = Some(why);
                    return Vec::new();
                }
            };
            let (owner, text) = (values.text("owner"), values.text("point"));
            DbCommand::AddFollowUp { id: meeting, item, owner, due, text, concerns }
        }
        MinutesForm::Notes { meeting, item, version } => DbCommand::EditMinutes {
            id: meeting,
            edit: MinutesEdit::Notes { item, version, text: values.text("notes") },
        },
        MinutesForm::Item { meeting, after } => {
            DbCommand::EditMinutes { id: meeting, edit: MinutesEdit::AddItem { after, title: values.text("title") } }
        }
    };
    crate::app::forms::send(state, Effect::Db(command), now)
}

/// Someone saved the item's notes while these were typed: the editor keeps what was typed and adds their text
/// below a marked line, now on top of their version, so the next send writes both as the chair left them.
fn notes_moved(state: &mut State, item: i64, version: i32, theirs: &str, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &mut state.overlay else {
        state.warn("someone else saved these notes meanwhile; yours were not written: open them again (e)", now);
        return Vec::new();
    };
    let FormPurpose::Minutes(MinutesForm::Notes { item: open_item, version: base, .. }) = &mut form.purpose else {
        return Vec::new();
    };
    if *open_item != item {
        return Vec::new();
    }
    let old_key = format!("{}{base}", notes_key_prefix(item));
    *base = version;
    if let Some(field) = form.fields.first_mut() {
        let mine = field.value();
        field.set_typed(&format!("{}\n\n── saved meanwhile by someone else ──\n{}", mine.trim_end(), theirs.trim()));
    }
    form.saving = false;
    form.error = Some(
        "Someone else saved these notes while you typed. Nothing was written: yours are above the line, theirs \
         below. Edit, then Ctrl-s saves both as you leave them."
            .into(),
    );
    let key = form.purpose.draft_key();
    let draft = crate::app::form::Draft::of(&form.fields);
    state.drafts.remove(&old_key);
    if let Some(draft) = draft {
        state.drafts.insert(key, draft);
    }
    vec![Effect::SaveDrafts(state.drafts.clone())]
}

/// The database's answer to a chair's write: the list and the minutes are read again; a refusal is shown in the
/// database's words.
pub fn written(state: &mut State, result: Result<MinutesWrite, WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    match result {
        Ok(MinutesWrite::Opened { id, items }) => {
            state.inform(format!("meeting {id} opened: the agenda wrote itself ({items} items)"), now);
            state.screens.minutes.open = Some(super::OpenMinutes::new(id));
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
        Ok(MinutesWrite::Notes { id, item }) => {
            // Every draft of these notes is done with, also one typed on an older version.
            let prefix = notes_key_prefix(item);
            let before = state.drafts.len();
            state.drafts.retain(|key, _| !key.starts_with(&prefix));
            let mut effects = crate::app::forms::succeeded(state);
            if state.drafts.len() != before {
                effects.push(Effect::SaveDrafts(state.drafts.clone()));
            }
            state.inform(format!("notes saved in meeting {id}"), now);
            effects.push(Effect::Db(DbCommand::LoadMinutes { id }));
            effects
        }
        Ok(MinutesWrite::NotesMoved { id, item, version, notes }) => {
            let mut effects = notes_moved(state, item, version, &notes, now);
            effects.push(Effect::Db(DbCommand::LoadMinutes { id }));
            effects
        }
        Ok(MinutesWrite::Agenda { id, what, added }) => {
            // A new item is selected, so its notes are one key away.
            if let Some(open) = &mut state.screens.minutes.open
                && open.id == id
                && added.is_some()
            {
                open.item = added;
                open.scroll = 0;
            }
            // Only the new-item form closes; the other agenda keys have none, and another open form stays.
            let item_form = matches!(&state.overlay,
                Some(Overlay::Form(f)) if matches!(f.purpose, FormPurpose::Minutes(MinutesForm::Item { .. })));
            let mut effects = if item_form { crate::app::forms::succeeded(state) } else { Vec::new() };
            state.inform(format!("meeting {id}: {what}"), now);
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
