//! What `update` asks the shell to do. The UI loop hands these to tasks and never awaits them.

use super::model::{ActionTarget, NewIncident};
use crate::domain::incident::lifecycle::IncidentAction;
use crate::domain::major::report::ReportFindings;
use crate::domain::major::{CallOutcome, EscalationReason, MajorRole, MajorState, StatusUpdate};

/// A request for the database worker.
#[derive(Debug, Clone, PartialEq)]
pub enum DbCommand {
    /// Reload the whole open queue (start, reconnect, or a change that may touch many rows).
    LoadBoard,
    /// The first `rows` of the open queue in the board's default order (an index serves it), for the first frame.
    LoadBoardFirstPage {
        rows: usize,
    },
    /// Refetch one incident's board line after a change notice.
    FetchSummary {
        id: i64,
    },
    /// Load the incident view with its history.
    LoadDetail {
        id: i64,
    },
    /// Load every agreement version (for the clocks).
    LoadAgreements,
    /// Remember the board's filter, view and sort for this user.
    SaveSettings(BoardSettings),
    /// Services and staff, for the forms.
    LoadChoices,
    /// Perform an action on an incident, checking the version the user saw.
    Perform {
        target: ActionTarget,
        action: IncidentAction,
    },
    Create(NewIncident),
    Link {
        target: ActionTarget,
        other: String,
    },
    /// The deadlines before and after an action, for its confirmation.
    WhatIf {
        target: ActionTarget,
        action: IncidentAction,
    },
    LoadMajors,
    /// The maintenance windows touching the dates `from` up to, not including, `to` (read as UTC midnights),
    /// annotated (the calendar; it chooses the dates around its cursor).
    /// The windows of `[from, to)` as iCalendar, for a file.
    ExportCalendar {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    LoadMaintenance {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    /// Approved or announced windows running now or in the coming hours (the board marks their incidents).
    LoadServiceWindows,
    LoadRota,
    /// Tell others where this console is (a soft lock); `None` when it leaves.
    SetPresence {
        console: String,
        incident: Option<i64>,
        editing: bool,
    },
    LoadPresence {
        console: String,
    },
    Major(MajorCommand),
    Maintenance(MaintenanceWrite),
    /// An outage caused by an incident (`vakt outage add --incident`).
    RecordOutage {
        incident: String,
        service: String,
        start: chrono::DateTime<chrono::Utc>,
        end: Option<chrono::DateTime<chrono::Utc>>,
        degraded: bool,
        exclusion: Option<String>,
        note: String,
    },
    LoadReport {
        major_id: i64,
    },
    /// The heat-map's grid, and where each service stands in the month holding `today`.
    LoadHeatmap {
        request: crate::domain::heatmap::grid::GridRequest,
        today: chrono::NaiveDate,
    },
    /// The incidents and outages behind one cell of the heat-map.
    LoadHeatCell {
        service: String,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        max_rank: Option<i32>,
    },
    /// Every meeting series and the meetings the user may read.
    LoadMeetings,
    /// One meeting's minutes in full.
    LoadMinutes {
        id: i64,
    },
    /// Chairs: open the meeting of a series running at `at` (or its next); the database writes the agenda.
    OpenMeeting {
        series: String,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// Chairs: publish a draft's minutes.
    PublishMinutes {
        id: i64,
    },
    /// Chairs: a decision in a draft's minutes, on one of its items or the meeting as a whole.
    AddDecision {
        id: i64,
        item: Option<i64>,
        text: String,
    },
    /// Chairs: a follow-up point in a draft's minutes, made on one of its items or on the meeting.
    AddFollowUp {
        id: i64,
        item: Option<i64>,
        owner: String,
        due: chrono::NaiveDate,
        text: String,
        concerns: crate::domain::minutes::concerns::Concerns,
    },
    /// One register of the problems tab.
    LoadRegister {
        section: crate::app::screens::problems::data::RegisterSection,
    },
    /// One problem in full.
    LoadProblem {
        reference: String,
    },
    /// Chairs and admins: a change to a register of the problems tab.
    Register(crate::app::screens::problems::data::RegisterWrite),
    /// One section of the admin tab.
    LoadAdmin {
        section: crate::app::screens::admin::data::AdminSection,
    },
    /// Admins: a change from the admin tab.
    Admin(crate::app::screens::admin::data::AdminWrite),
    /// A meeting's minutes as Markdown and self-contained HTML files, times in `zone`.
    ExportMinutes {
        id: i64,
        zone: chrono_tz::Tz,
    },
    /// Chairs: notes, the discussed mark, or the order of a draft's agenda items.
    EditMinutes {
        id: i64,
        edit: crate::app::screens::minutes::data::MinutesEdit,
    },
    /// Chairs: mark a participant of a draft present or absent.
    SetPresent {
        id: i64,
        participant: String,
        present: bool,
    },
    /// The logged-in user's follow-up points that are not closed ("my follow-ups").
    LoadMyFollowUps,
    /// The owner answers a follow-up point (the database checks that they own it).
    AnswerFollowUp {
        id: i64,
        text: String,
    },
    /// Known errors matching a new incident's title, best first (`db::problems::search`).
    SearchKnownErrors {
        text: String,
    },
    /// Operators: link an incident to a problem, optionally applying its workaround (`db::problems::link`).
    LinkProblem {
        problem: String,
        incident: String,
        apply_workaround: bool,
    },
    /// Admins: read an agreement file and say what importing it would change (the diff and the what-if); nothing
    /// is written.
    AdminImportPreview {
        path: String,
    },
    /// The admin tab's audit section: the entries the query lets through, newest first (admins only; the
    /// database refuses others). Answered with `Action::AdminLoaded`.
    LoadAdminAudit {
        query: crate::app::screens::admin::data::AuditQuery,
    },
}

/// A write to a major incident.
#[derive(Debug, Clone, PartialEq)]
pub enum MajorCommand {
    Declare {
        incident_id: i64,
        services: Vec<String>,
        organisations: Vec<String>,
        impact: String,
        exercise: bool,
    },
    Update {
        major_id: i64,
        update: StatusUpdate,
        sms: bool,
        /// Names this update across attempts, restarts included (`major::update::update_request_draft_key`).
        request: String,
    },
    Escalate {
        major_id: i64,
        reason: EscalationReason,
    },
    State {
        major_id: i64,
        to: MajorState,
        note: String,
    },
    Role {
        major_id: i64,
        role: MajorRole,
        person: String,
        organisation: Option<String>,
    },
    Call {
        task_id: i64,
        outcome: CallOutcome,
        note: String,
    },
    Notified {
        major_id: i64,
    },
    /// `zone` is the writer's, for the times in the note.
    Handover {
        note: String,
        zone: chrono_tz::Tz,
    },
    AcknowledgeHandover {
        id: i64,
    },
    /// `zone` is the admin's, for the times in a refusal.
    AddShift {
        shift: crate::domain::major::Shift,
        zone: chrono_tz::Tz,
    },
    ReassignShift {
        id: i64,
        mim: Option<String>,
        deputy: Option<String>,
    },
    RemoveShift {
        id: i64,
    },
    RetryDead {
        major_id: i64,
    },
    Report {
        major_id: i64,
        findings: ReportFindings,
        complete: bool,
        version: i32,
    },
}

/// An admin's write to the maintenance calendar, as the CLI's `vakt maintenance` does it.
#[derive(Debug, Clone, PartialEq)]
pub enum MaintenanceWrite {
    /// A window or series, in the zone of its first service's agreement.
    Plan {
        series: crate::domain::maintenance::series::Series,
        reason: String,
        freeze_override: Option<String>,
        breaking: bool,
    },
    /// One window of a series (named by its local date) to another start and length.
    Move {
        series_id: i64,
        date: chrono::NaiveDate,
        start: chrono::NaiveDateTime,
        length: chrono::Duration,
        note: String,
        freeze_override: Option<String>,
        /// The series' version when the form was opened (a change since is a conflict).
        seen_version: Option<i32>,
    },
    /// The whole series: its length, impact or reason.
    Edit {
        series_id: i64,
        length: Option<chrono::Duration>,
        impact: Option<crate::domain::maintenance::Impact>,
        reason: Option<String>,
        seen_version: Option<i32>,
    },
    Approve {
        series_id: i64,
        by: String,
        role: String,
    },
    Announce {
        series_id: i64,
    },
    /// One window (`Some(date)`) or the whole series.
    Cancel {
        series_id: i64,
        date: Option<chrono::NaiveDate>,
        reason: String,
    },
}

/// What is remembered of the board per user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardSettings {
    pub filter: String,
    pub view: String,
    pub sort: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Db(DbCommand),
    /// Keep the typed text of forms on disk, so a dropped SSH session or a failed write loses nothing.
    SaveDrafts(crate::app::form::Drafts),
    /// Write a post-incident report as Markdown and HTML files (`<stem>.md`, `<stem>.html`).
    ExportReport {
        stem: String,
        markdown: String,
        html: String,
    },
    /// Write files into the reports directory (`name`, text); `what` names them in the message.
    ExportFiles {
        what: String,
        files: Vec<(String, String)>,
    },
    Quit,
}
