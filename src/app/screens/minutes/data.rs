//! What the minutes screen shows, as the database side hands it over: the series, their meetings and one meeting's
//! minutes in full. Plain types of the app ring (the database's row types stay in `db`).

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::minutes::agenda::{Agenda, CorrectionRow};

/// A meeting series, as the list heads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesLine {
    pub code: String,
    pub title: String,
    pub agreement: String,
    pub chair: String,
}

/// A meeting the viewer may read (drafts only for chairs and admins).
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingLine {
    pub id: i64,
    pub series: String,
    pub starts_at: DateTime<Utc>,
    /// draft or published.
    pub state: String,
    pub follow_ups_open: i64,
    pub corrections: i64,
}

/// Every series and every meeting the viewer may read (`DbCommand::LoadMeetings`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeetingList {
    pub series: Vec<SeriesLine>,
    pub meetings: Vec<MeetingLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceLine {
    pub participant: String,
    pub mandatory: bool,
    pub present: bool,
}

/// An agenda item of the minutes with the notes taken on it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemLine {
    pub id: i64,
    pub position: i32,
    pub section: String,
    pub title: String,
    pub notes: String,
    pub discussed: bool,
    /// Rises with every write: a notes save names the version it was typed on, so nobody overwrites unseen.
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionLine {
    pub item_id: Option<i64>,
    pub text: String,
    pub decided_by: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpLine {
    pub id: i64,
    pub text: String,
    pub owner: String,
    pub due: NaiveDate,
    pub state: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// What it concerns (`INC-1, window 3`), empty when nothing.
    pub concerns: String,
}

/// Who and when: the meeting's heading.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingHead {
    pub id: i64,
    pub series: String,
    pub title: String,
    pub agreement: String,
    pub starts_at: DateTime<Utc>,
    pub state: String,
    pub opened_by: String,
    pub published_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

/// One meeting's minutes in full (`DbCommand::LoadMinutes`).
#[derive(Debug, Clone, PartialEq)]
pub struct MinutesDetail {
    pub head: MeetingHead,
    pub attendance: Vec<AttendanceLine>,
    pub agenda: Agenda,
    pub items: Vec<ItemLine>,
    pub decisions: Vec<DecisionLine>,
    pub follow_ups: Vec<FollowUpLine>,
    pub corrections: Vec<CorrectionRow>,
}

/// What a chair's write did (`DbCommand::OpenMeeting`, `DbCommand::PublishMinutes`).
#[derive(Debug, Clone, PartialEq)]
pub enum MinutesWrite {
    /// A meeting was opened with its agenda written and frozen: its id and how many items it has.
    Opened {
        id: i64,
        items: usize,
    },
    Published {
        id: i64,
    },
    /// The attendance of meeting `id` changed.
    Attendance {
        id: i64,
    },
    /// A decision was recorded in meeting `id`.
    Decision {
        id: i64,
    },
    /// A follow-up point was added to meeting `id`.
    FollowUp {
        id: i64,
        point: i64,
    },
    /// An item's notes were saved.
    Notes {
        id: i64,
        item: i64,
    },
    /// Someone else saved the item's notes since the editor read them: theirs, at `version`. Nothing was written.
    NotesMoved {
        id: i64,
        item: i64,
        version: i32,
        notes: String,
    },
    /// The agenda of meeting `id` changed (`what` in words, for the message line); `added` is a new item's id.
    Agenda {
        id: i64,
        what: String,
        added: Option<i64>,
    },
}

/// A chair's change to a draft's agenda items (`DbCommand::EditMinutes`).
#[derive(Debug, Clone, PartialEq)]
pub enum MinutesEdit {
    /// The notes typed on top of `version`.
    Notes {
        item: i64,
        version: i32,
        text: String,
    },
    Discussed {
        item: i64,
        discussed: bool,
    },
    /// A new item after position `after` (0: first).
    AddItem {
        after: i32,
        title: String,
    },
    DropItem {
        item: i64,
    },
    MoveItem {
        item: i64,
        up: bool,
    },
}
