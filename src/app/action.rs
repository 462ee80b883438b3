//! Everything that can happen to the console: keys from the user, ticks, and results and notices from the
//! database side. `update` turns each into state changes and effects.

use crossterm::event::KeyEvent;

use super::command::Command;
use super::effect::BoardSettings;
use super::model::{
    AgreementSet, DueDelta, DutyLine, IncidentDetail, IncidentSummary, MajorView, Presence, ServiceChoice, ShiftRow,
    StaffMember, UserInfo, WriteError,
};

/// The heat-map's grid with each service's standing this month.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapData {
    pub grid: crate::domain::heatmap::grid::Grid,
    pub standings: std::collections::HashMap<String, crate::domain::heatmap::grid::Standing>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A key press (releases and repeats are filtered out by the terminal task).
    Key(KeyEvent),
    /// Text pasted in one piece (bracketed paste).
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// The 1 s clock tick that keeps countdowns moving.
    Tick,
    /// A named command, from the palette or a test.
    Run(Command),
    /// The database side has a session: who we are and where.
    Connected {
        user: UserInfo,
    },
    BoardLoaded(Vec<IncidentSummary>),
    /// The first page of the open queue, soonest deadline first, and PostgreSQL's estimate of how many are open in
    /// all (0: none); shown until the whole queue (`BoardLoaded`) arrives.
    BoardFirstPage {
        rows: Vec<IncidentSummary>,
        open: usize,
    },
    AgreementsLoaded(AgreementSet),
    /// The board settings this user saved last time.
    SettingsLoaded(BoardSettings),
    /// A fresh copy of one incident after a change notice; `None` means it is gone.
    SummaryFetched {
        id: i64,
        summary: Option<Box<IncidentSummary>>,
    },
    DetailLoaded {
        id: i64,
        detail: Option<Box<IncidentDetail>>,
    },
    /// A change notice from PostgreSQL (`pg_notify` from the row trigger).
    Changed(ChangeNotice),
    /// The listener lost its connection: notices may have been missed.
    Offline {
        reason: String,
    },
    /// A database command could not reach the server.
    WorkerOffline {
        reason: String,
    },
    /// The listener is back: resynchronise everything.
    Online,
    /// A database command failed; the message is for the status bar.
    DbFailed {
        what: String,
        error: String,
    },
    /// A file the console wrote (an exported report): where it went, or why it could not be written.
    FileWritten {
        result: Result<String, String>,
    },
    ChoicesLoaded {
        services: Vec<ServiceChoice>,
        staff: Vec<StaffMember>,
    },
    /// Drafts kept from an earlier session.
    DraftsLoaded(crate::app::form::Drafts),
    /// The result of Perform, Create or Link.
    Written {
        what: String,
        result: Result<Box<IncidentSummary>, WriteError>,
    },
    WhatIfReady {
        target: i64,
        result: Result<Vec<DueDelta>, String>,
    },
    MajorsLoaded(Vec<MajorView>),
    /// The heat-map's grid and standings for the request asked for (`DbCommand::LoadHeatmap`).
    HeatmapLoaded {
        request: crate::domain::heatmap::grid::GridRequest,
        result: Result<HeatmapData, String>,
    },
    /// What lies behind a heat-map cell (`DbCommand::LoadHeatCell`).
    HeatCellLoaded {
        service: String,
        from: chrono::NaiveDate,
        result: Result<crate::domain::heatmap::grid::CellDetail, String>,
    },
    /// The meeting series and meetings (`DbCommand::LoadMeetings`).
    MeetingsLoaded(Result<crate::app::screens::minutes::data::MeetingList, String>),
    /// One meeting's minutes (`DbCommand::LoadMinutes`).
    MinutesLoaded {
        id: i64,
        result: Result<Box<crate::app::screens::minutes::data::MinutesDetail>, String>,
    },
    /// A chair's write to the minutes (`DbCommand::OpenMeeting`, `DbCommand::PublishMinutes`).
    MinutesWritten(Result<crate::app::screens::minutes::data::MinutesWrite, WriteError>),
    /// The maintenance windows of the dates asked for (`DbCommand::LoadMaintenance`), and the status meetings in
    /// them for the calendar's meetings overlay.
    MaintenanceLoaded {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        windows: Vec<crate::app::model::MaintenanceWindow>,
        meetings: Vec<crate::app::screens::calendar::meetings::CalendarMeeting>,
    },
    ServiceWindowsLoaded(crate::app::model::ServiceWindows),
    /// The calendar export asked for: the dates and the iCalendar text, or why not.
    RegisterLoaded {
        section: crate::app::screens::problems::data::RegisterSection,
        result: Result<crate::app::screens::problems::data::RegisterData, String>,
    },
    ProblemLoaded {
        reference: String,
        result: Result<Box<crate::app::screens::problems::data::ProblemView>, String>,
    },
    /// A change to a register went through (what it did, in words) or not.
    RegisterWritten(Result<String, WriteError>),
    AdminLoaded {
        section: crate::app::screens::admin::data::AdminSection,
        result: Result<crate::app::screens::admin::data::AdminData, String>,
    },
    /// An admin's change went through (what it did, in words) or not.
    AdminWritten(Result<String, WriteError>),
    /// A meeting's minutes as files: (name, content) pairs, or why not.
    MinutesExported {
        id: i64,
        result: Result<Vec<(String, String)>, String>,
    },
    CalendarExported {
        from: chrono::NaiveDate,
        result: Result<String, String>,
    },
    PresenceLoaded(Vec<Presence>),
    RotaLoaded {
        shifts: Vec<ShiftRow>,
        duty: DutyLine,
        handover: Option<crate::app::model::PendingHandover>,
    },
    /// The result of a major-incident write; `what` says what was done.
    MajorWritten {
        what: String,
        result: Result<(), WriteError>,
    },
    /// An outage recorded from an incident: what was recorded, in words.
    OutageRecorded(Result<String, WriteError>),
    /// An admin's write to the maintenance calendar: what it did, in words.
    MaintenanceWritten(Result<String, WriteError>),
    ReportLoaded {
        major_id: i64,
        report: Option<(Box<crate::domain::major::PostIncidentReport>, i32)>,
    },
    /// The user's follow-up points (`DbCommand::LoadMyFollowUps`).
    MyFollowUpsLoaded(Result<Vec<crate::app::screens::board::follow_ups::MyFollowUp>, String>),
    /// The answer to a follow-up point was stored, or why not (`DbCommand::AnswerFollowUp`).
    FollowUpAnswered {
        id: i64,
        result: Result<(), WriteError>,
    },
    /// The known errors matching `text` (`DbCommand::SearchKnownErrors`).
    KnownErrorsFound {
        text: String,
        result: Result<Vec<crate::app::screens::board::known_errors::KnownError>, String>,
    },
    /// An incident linked to a problem, what was done in words, or why not (`DbCommand::LinkProblem`).
    ProblemLinked {
        problem: String,
        incident: String,
        result: Result<String, WriteError>,
    },
    /// What importing an agreement file would change, or every reason it cannot be read
    /// (`DbCommand::AdminImportPreview`).
    AdminImportPreviewed(Result<crate::app::screens::admin::data::ImportPreview, String>),
}

impl Action {
    /// Whether the frame after this action would be the frame before it, so the console need not draw one. A change
    /// notice of an incident only asks for the row (or the open incident) again; the answer is what changes the
    /// screen. Each change reaches every console, and drawing the unchanged board for the notice as well doubled
    /// the frames each console draws per change (`cargo bench --bench scale`, issue 15).
    pub fn changes_no_frame(&self) -> bool {
        matches!(self, Action::Changed(notice) if notice.table == "incidents")
    }
}

/// The payload of a change notice: table, row id, row version and operation. Never the row itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ChangeNotice {
    #[serde(rename = "t")]
    pub table: String,
    pub id: Option<i64>,
    #[serde(rename = "v")]
    pub version: Option<i32>,
    pub op: String,
}

/// The tables whose notices the console acts on (`update` reloads or refetches for each); every other audited table
/// notifies too, and those notices are dropped where they arrive.
pub const WATCHED_TABLES: [&str; 17] = [
    "incidents",
    "agreements",
    "majors",
    "outbox",
    "maintenance_series",
    "maintenance_approvals",
    "maintenance_announcements",
    "maintenance_moves",
    "maintenance_notes",
    "presence",
    "rota_shifts",
    "settings",
    "handovers",
    "services",
    "organisations",
    "staff",
    "bulk",
];

impl ChangeNotice {
    /// Parses a notice payload; anything else on the channel is ignored by the caller.
    pub fn parse(payload: &str) -> Option<Self> {
        serde_json::from_str(payload).ok()
    }

    /// Whether the console has anything to do for this notice.
    pub fn is_watched(&self) -> bool {
        WATCHED_TABLES.contains(&self.table.as_str())
    }
}
