//! The named commands of the console. Keys map to them (keymap) and the `:` palette runs them by name, so every
//! action has both a key and a palette command, and `?` help is generated from the same registry.

use super::model::Rights;

/// The screens, in tab order (`1`..`6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Board,
    Major,
    Heatmap,
    Calendar,
    Minutes,
    Admin,
    Problems,
}

impl Screen {
    pub const ALL: [Screen; 7] = [
        Screen::Board,
        Screen::Major,
        Screen::Heatmap,
        Screen::Calendar,
        Screen::Minutes,
        Screen::Admin,
        Screen::Problems,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Board => "Board",
            Screen::Major => "Major",
            Screen::Heatmap => "Heat-map",
            Screen::Calendar => "Calendar",
            Screen::Minutes => "Minutes",
            Screen::Admin => "Admin",
            Screen::Problems => "Problems",
        }
    }

    pub fn number(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).map_or(1, |i| i + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Help,
    Palette,
    Refresh,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextTab,
    PreviousTab,
    Show(Screen),
    Filter,
    NextView,
    SortNext,
    SortReverse,
    Act(Act),
    Major(MajorAct),
    Calendar(CalendarAct),
    Heatmap(HeatmapAct),
    Minutes(MinutesAct),
    Admin(crate::app::screens::admin::act::AdminAct),
    Problems(crate::app::screens::problems::act::ProblemsAct),
    /// Keys of an open form, confirmation or preview: not in the palette, listed by `?` like every other key.
    Overlay(OverlayKey),
    /// Show or hide "my follow-ups" on the board.
    FollowUps,
    /// Answer the selected follow-up point.
    AnswerFollowUp,
}

/// What the keys do while an overlay has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverlayKey {
    /// Send the form.
    Submit,
    /// Close the form; the text stays as a draft.
    Cancel,
    NextField,
    PreviousField,
    /// Confirm the action, or send the previewed update.
    Yes,
    /// Go back to the form.
    No,
    /// The new-incident form: pick the first known error suggested, then the next, then none.
    KnownError,
    /// Resolving a master incident: resolve its open children too, or the master only.
    Children,
}

impl OverlayKey {
    pub fn name(self) -> &'static str {
        match self {
            OverlayKey::Submit => "submit",
            OverlayKey::Cancel => "cancel",
            OverlayKey::NextField => "next-field",
            OverlayKey::PreviousField => "previous-field",
            OverlayKey::Yes => "yes",
            OverlayKey::No => "no",
            OverlayKey::KnownError => "known-error",
            OverlayKey::Children => "children",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            OverlayKey::Submit => "send the form (Enter too, outside a multi-line field)",
            OverlayKey::Cancel => "close the form; what you typed is kept as a draft",
            OverlayKey::NextField => "next field",
            OverlayKey::PreviousField => "previous field",
            OverlayKey::Yes => "confirm, or send the update to everyone listed",
            OverlayKey::No => "go back to the text",
            OverlayKey::KnownError => "new incident: pick a suggested known error (its workaround is applied on save)",
            OverlayKey::Children => "resolving a master incident: resolve its open children too, or not",
        }
    }
}

/// Actions in the major-incident cockpit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MajorAct {
    Update,
    Escalate,
    Call,
    Role,
    State,
    Close,
    Notified,
    Report,
    Handover,
    ExportReport,
    AcknowledgeHandover,
    RetryDead,
    /// Admins: add a shift to the on-duty rota.
    AddShift,
    /// Admins: give a shift another MIM or deputy, or remove it.
    EditShift,
}

impl MajorAct {
    pub const ALL: [MajorAct; 14] = [
        MajorAct::Update,
        MajorAct::Escalate,
        MajorAct::Call,
        MajorAct::Role,
        MajorAct::State,
        MajorAct::Close,
        MajorAct::Notified,
        MajorAct::Report,
        MajorAct::Handover,
        MajorAct::ExportReport,
        MajorAct::AcknowledgeHandover,
        MajorAct::RetryDead,
        MajorAct::AddShift,
        MajorAct::EditShift,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MajorAct::Update => "major-update",
            MajorAct::Escalate => "escalate",
            MajorAct::Call => "log-call",
            MajorAct::Role => "major-role",
            MajorAct::State => "major-state",
            MajorAct::Close => "major-close",
            MajorAct::Notified => "notified",
            MajorAct::Report => "report",
            MajorAct::Handover => "handover",
            MajorAct::ExportReport => "report-export",
            MajorAct::AcknowledgeHandover => "handover-ack",
            MajorAct::RetryDead => "retry-dead",
            MajorAct::AddShift => "rota-add",
            MajorAct::EditShift => "rota-edit",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            MajorAct::Update => "write and send a stakeholder update",
            MajorAct::Escalate => "escalate one level (the proposal, or manually)",
            MajorAct::Call => "log a phone-duty call",
            MajorAct::Role => "give someone a role (incident manager, communications lead …)",
            MajorAct::State => "mark mitigated or resolved (resolved drafts the report)",
            MajorAct::Close => "close the major incident",
            MajorAct::Notified => "close the notify step (refused while calls or e-mails are missing)",
            MajorAct::Report => "complete the post-incident report",
            MajorAct::Handover => "write the shift hand-over to the next MIM",
            MajorAct::ExportReport => "export the post-incident report as Markdown and HTML files",
            MajorAct::AcknowledgeHandover => "acknowledge the hand-over waiting for you",
            MajorAct::RetryDead => "send this major's dead-lettered messages again",
            MajorAct::AddShift => "add a shift to the on-duty rota (admins)",
            MajorAct::EditShift => "give a shift another MIM or deputy, or remove it (admins)",
        }
    }
}

/// Moving around the maintenance calendar and choosing how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarAct {
    Month,
    Week,
    Agenda,
    PreviousDay,
    NextDay,
    PreviousMonth,
    NextMonth,
    Today,
    /// Admins: plan a window or a series.
    New,
    /// Admins: move one window, or change the length, impact or reason of its series.
    Edit,
    /// Admins: record an approval.
    Approve,
    /// Admins: announce to the owners' contacts.
    Announce,
    /// Admins: cancel one window or its series.
    Cancel,
    /// Everyone: the windows of a year from the chosen month as an iCalendar file.
    Export,
    /// Overlays shown or hidden: public holidays, the MIM rota, freezes and periods, the release plan.
    Holidays,
    Rota,
    Periods,
    Plan,
    /// The status meetings of the meeting series.
    Meetings,
}

impl CalendarAct {
    /// The admins' actions on windows.
    pub fn plans(self) -> bool {
        matches!(
            self,
            CalendarAct::New | CalendarAct::Edit | CalendarAct::Approve | CalendarAct::Announce | CalendarAct::Cancel
        )
    }

    pub const ALL: [CalendarAct; 19] = [
        CalendarAct::Month,
        CalendarAct::Week,
        CalendarAct::Agenda,
        CalendarAct::PreviousDay,
        CalendarAct::NextDay,
        CalendarAct::PreviousMonth,
        CalendarAct::NextMonth,
        CalendarAct::Today,
        CalendarAct::New,
        CalendarAct::Edit,
        CalendarAct::Approve,
        CalendarAct::Announce,
        CalendarAct::Cancel,
        CalendarAct::Export,
        CalendarAct::Holidays,
        CalendarAct::Rota,
        CalendarAct::Periods,
        CalendarAct::Plan,
        CalendarAct::Meetings,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CalendarAct::Month => "month",
            CalendarAct::Week => "week",
            CalendarAct::Agenda => "agenda",
            CalendarAct::PreviousDay => "previous-day",
            CalendarAct::NextDay => "next-day",
            CalendarAct::PreviousMonth => "previous-month",
            CalendarAct::NextMonth => "next-month",
            CalendarAct::Today => "today",
            CalendarAct::New => "window-new",
            CalendarAct::Edit => "window-edit",
            CalendarAct::Approve => "window-approve",
            CalendarAct::Announce => "window-announce",
            CalendarAct::Cancel => "window-cancel",
            CalendarAct::Export => "calendar-export",
            CalendarAct::Holidays => "holidays",
            CalendarAct::Rota => "rota",
            CalendarAct::Periods => "freezes",
            CalendarAct::Plan => "release-plan",
            CalendarAct::Meetings => "meetings",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            CalendarAct::Month => "the maintenance calendar as a month",
            CalendarAct::Week => "the maintenance calendar as a week",
            CalendarAct::Agenda => "the maintenance windows as a list, from the chosen day",
            CalendarAct::PreviousDay => "the calendar's day before",
            CalendarAct::NextDay => "the calendar's day after",
            CalendarAct::PreviousMonth => "the calendar a month back",
            CalendarAct::NextMonth => "the calendar a month forward",
            CalendarAct::Today => "the calendar back to today",
            CalendarAct::New => "plan a maintenance window or series (admins)",
            CalendarAct::Edit => "move a window, or change its series' length, impact or reason (admins)",
            CalendarAct::Approve => "record an approval of a window's series (admins)",
            CalendarAct::Announce => "announce a window's series to the owners' contacts (admins)",
            CalendarAct::Cancel => "cancel a window or its whole series (admins)",
            CalendarAct::Export => "write the windows of a year from the chosen month as an .ics file",
            CalendarAct::Holidays => "show or hide the public holidays of the agreements' countries",
            CalendarAct::Rota => "show or hide the MIM on duty of the chosen day",
            CalendarAct::Periods => "show or hide freezes, high-volume and critical periods",
            CalendarAct::Plan => "show or hide the release plan (release windows)",
            CalendarAct::Meetings => "show or hide the status meetings of the meeting series",
        }
    }
}

/// Actions on incidents, each with a key and a palette name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    New,
    Acknowledge,
    Assign,
    Priority,
    PauseResume,
    Workaround,
    SolutionDescribed,
    SupplierClosed,
    Feedback,
    Resolve,
    Close,
    Reopen,
    Note,
    Link,
    Replan,
    Deprioritise,
    Security,
    Declare,
    /// Record the outage the incident caused (availability).
    Outage,
    /// Link to a problem (known error), optionally applying its workaround.
    LinkProblem,
    /// Flag or clear "involves personal data" on a security incident.
    PersonalData,
    /// Record a notification made to an authority (NIS2, GDPR).
    Notified,
}

impl Act {
    pub const ALL: [Act; 22] = [
        Act::New,
        Act::Acknowledge,
        Act::Assign,
        Act::Priority,
        Act::PauseResume,
        Act::Workaround,
        Act::SolutionDescribed,
        Act::SupplierClosed,
        Act::Feedback,
        Act::Resolve,
        Act::Close,
        Act::Reopen,
        Act::Note,
        Act::Link,
        Act::Replan,
        Act::Deprioritise,
        Act::Security,
        Act::Declare,
        Act::Outage,
        Act::LinkProblem,
        Act::PersonalData,
        Act::Notified,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Act::New => "new",
            Act::Acknowledge => "ack",
            Act::Assign => "assign",
            Act::Priority => "priority",
            Act::PauseResume => "pause",
            Act::Workaround => "workaround",
            Act::SolutionDescribed => "solution",
            Act::SupplierClosed => "supplier-closed",
            Act::Feedback => "feedback",
            Act::Resolve => "resolve",
            Act::Close => "close",
            Act::Reopen => "reopen",
            Act::Note => "note",
            Act::Link => "link",
            Act::Replan => "replan",
            Act::Deprioritise => "deprioritise",
            Act::Security => "security",
            Act::Declare => "declare",
            Act::Outage => "outage",
            Act::LinkProblem => "link-problem",
            Act::PersonalData => "personal-data",
            Act::Notified => "notify",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Act::New => "register a new incident",
            Act::Acknowledge => "acknowledge (first response)",
            Act::Assign => "assign to a person, line or group",
            Act::Priority => "change the priority (shows the new deadlines first)",
            Act::PauseResume => "pause or resume the clocks (where the agreement allows)",
            Act::Workaround => "record that a workaround is in place",
            Act::SolutionDescribed => "record that the solution is described",
            Act::SupplierClosed => "record that the supplier solved and closed it",
            Act::Feedback => "log feedback given to the reporter",
            Act::Resolve => "resolve",
            Act::Close => "close a resolved incident",
            Act::Reopen => "reopen a resolved or closed incident",
            Act::Note => "add a note",
            Act::Link => "link to another incident with the same cause",
            Act::Replan => "record an agreed new plan (ROR)",
            Act::Deprioritise => "deprioritise a C with a workaround (Altinn)",
            Act::Security => "flag or unflag as a security incident",
            Act::Declare => "declare a major incident",
            Act::Outage => "record the outage this incident caused (for availability)",
            Act::LinkProblem => "link to a problem (PRB-…), applying its workaround if you choose",
            Act::PersonalData => "flag or unflag personal data involved (a GDPR breach)",
            Act::Notified => "record a notification made to an authority (NIS2, GDPR)",
        }
    }
}

/// The heat-map's keys: the width of its columns, what the cells show, where the range ends, the filters and the
/// drill-down. Everyone may use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeatmapAct {
    Days,
    Weeks,
    Months,
    Tertials,
    Breaches,
    Consumed,
    Availability,
    Received,
    Earlier,
    Later,
    Now,
    PreviousColumn,
    NextColumn,
    Agreement,
    Organisation,
    Priority,
    Group,
    Fold,
    Drill,
}

impl HeatmapAct {
    pub const ALL: [HeatmapAct; 19] = [
        HeatmapAct::Days,
        HeatmapAct::Weeks,
        HeatmapAct::Months,
        HeatmapAct::Tertials,
        HeatmapAct::Breaches,
        HeatmapAct::Consumed,
        HeatmapAct::Availability,
        HeatmapAct::Received,
        HeatmapAct::Earlier,
        HeatmapAct::Later,
        HeatmapAct::Now,
        HeatmapAct::PreviousColumn,
        HeatmapAct::NextColumn,
        HeatmapAct::Agreement,
        HeatmapAct::Organisation,
        HeatmapAct::Priority,
        HeatmapAct::Group,
        HeatmapAct::Fold,
        HeatmapAct::Drill,
    ];

    pub fn name(self) -> &'static str {
        match self {
            HeatmapAct::Days => "heat-days",
            HeatmapAct::Weeks => "heat-weeks",
            HeatmapAct::Months => "heat-months",
            HeatmapAct::Tertials => "heat-tertials",
            HeatmapAct::Breaches => "heat-breaches",
            HeatmapAct::Consumed => "heat-share-used",
            HeatmapAct::Availability => "heat-availability",
            HeatmapAct::Received => "heat-received",
            HeatmapAct::Earlier => "heat-earlier",
            HeatmapAct::Later => "heat-later",
            HeatmapAct::Now => "heat-now",
            HeatmapAct::PreviousColumn => "heat-left",
            HeatmapAct::NextColumn => "heat-right",
            HeatmapAct::Agreement => "heat-agreement",
            HeatmapAct::Organisation => "heat-organisation",
            HeatmapAct::Priority => "heat-priority",
            HeatmapAct::Group => "heat-group",
            HeatmapAct::Fold => "heat-fold",
            HeatmapAct::Drill => "heat-drill",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            HeatmapAct::Days => "heat-map columns are days",
            HeatmapAct::Weeks => "heat-map columns are ISO weeks",
            HeatmapAct::Months => "heat-map columns are months",
            HeatmapAct::Tertials => "heat-map columns are tertials (Jan–Apr, May–Aug, Sep–Dec)",
            HeatmapAct::Breaches => "cells count SLA clocks breached",
            HeatmapAct::Consumed => "cells show the worst share of an SLA budget used",
            HeatmapAct::Availability => {
                "cells show the share of the allowed downtime used (own target, operating hours)"
            }
            HeatmapAct::Received => "cells count incidents received",
            HeatmapAct::Earlier => "the heat-map a page of columns earlier",
            HeatmapAct::Later => "the heat-map a page of columns later",
            HeatmapAct::Now => "the heat-map back to the current period",
            HeatmapAct::PreviousColumn => "the column to the left",
            HeatmapAct::NextColumn => "the column to the right",
            HeatmapAct::Agreement => "show one agreement after the other, then all",
            HeatmapAct::Organisation => "show one organisation after the other, then all",
            HeatmapAct::Priority => "count all priorities, the most severe only, or the two most severe",
            HeatmapAct::Group => "group the rows by agreement or by organisation",
            HeatmapAct::Fold => "fold or unfold the selected group",
            HeatmapAct::Drill => "the incidents and outages behind the cell (Enter again opens an incident)",
        }
    }
}

/// The minutes screen's keys. Everyone may read the minutes they can see (drafts only chairs and admins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MinutesAct {
    Read,
    EarlierMeeting,
    LaterMeeting,
    /// Chairs and admins: open the selected series' meeting; its agenda writes itself.
    OpenMeeting,
    /// Chairs and admins: publish the minutes (asks first).
    Publish,
    /// Chairs and admins: take the attendance of the open draft (then one key per participant).
    Attendance,
    /// While taking the attendance: the participant with this number (1–9) is present, or absent again.
    Present(u8),
    /// Chairs and admins: record a decision in the open draft.
    Decision,
    /// Chairs and admins: add a follow-up point (owner, due date, text) to the open draft.
    FollowUp,
    /// With minutes open: the next agenda item (the notes, decisions and follow-ups keys act on it).
    NextItem,
    /// With minutes open: the previous agenda item (before the first: the meeting as a whole).
    PreviousItem,
    /// Chairs and admins: write the selected item's notes.
    EditNotes,
    /// Chairs and admins: mark the selected item discussed, or not (an item not discussed is carried over).
    Discussed,
    /// Chairs and admins: add an item to the agenda after the selected one.
    AddItem,
    /// Chairs and admins: drop the selected item from the agenda (press twice).
    DropItem,
    /// Chairs and admins: move the selected item up the agenda.
    MoveItemUp,
    /// Chairs and admins: move the selected item down the agenda.
    MoveItemDown,
    /// The open (or selected) meeting's minutes as Markdown and HTML files.
    Export,
}

impl MinutesAct {
    pub const ALL: [MinutesAct; 26] = [
        MinutesAct::Read,
        MinutesAct::EarlierMeeting,
        MinutesAct::LaterMeeting,
        MinutesAct::OpenMeeting,
        MinutesAct::Publish,
        MinutesAct::Attendance,
        MinutesAct::Present(1),
        MinutesAct::Present(2),
        MinutesAct::Present(3),
        MinutesAct::Present(4),
        MinutesAct::Present(5),
        MinutesAct::Present(6),
        MinutesAct::Present(7),
        MinutesAct::Present(8),
        MinutesAct::Present(9),
        MinutesAct::Decision,
        MinutesAct::FollowUp,
        MinutesAct::NextItem,
        MinutesAct::PreviousItem,
        MinutesAct::EditNotes,
        MinutesAct::Discussed,
        MinutesAct::AddItem,
        MinutesAct::DropItem,
        MinutesAct::MoveItemUp,
        MinutesAct::MoveItemDown,
        MinutesAct::Export,
    ];

    /// Only chairs and admins write minutes.
    pub fn writes(self) -> bool {
        !matches!(
            self,
            MinutesAct::Read
                | MinutesAct::EarlierMeeting
                | MinutesAct::LaterMeeting
                | MinutesAct::NextItem
                | MinutesAct::PreviousItem
                | MinutesAct::Export
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            MinutesAct::Read => "read-minutes",
            MinutesAct::EarlierMeeting => "earlier-meeting",
            MinutesAct::LaterMeeting => "later-meeting",
            MinutesAct::OpenMeeting => "open-meeting",
            MinutesAct::Publish => "publish-minutes",
            MinutesAct::Attendance => "attendance",
            MinutesAct::Decision => "decision",
            MinutesAct::FollowUp => "follow-up",
            MinutesAct::NextItem => "next-item",
            MinutesAct::PreviousItem => "previous-item",
            MinutesAct::EditNotes => "notes",
            MinutesAct::Discussed => "discussed",
            MinutesAct::AddItem => "add-item",
            MinutesAct::DropItem => "drop-item",
            MinutesAct::MoveItemUp => "item-up",
            MinutesAct::MoveItemDown => "item-down",
            MinutesAct::Export => "minutes-export",
            MinutesAct::Present(n) => {
                const NAMES: [&str; 9] = [
                    "present-1",
                    "present-2",
                    "present-3",
                    "present-4",
                    "present-5",
                    "present-6",
                    "present-7",
                    "present-8",
                    "present-9",
                ];
                NAMES[usize::from(n.clamp(1, 9)) - 1]
            }
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            MinutesAct::Read => "read the selected meeting's minutes",
            MinutesAct::EarlierMeeting => "the meeting before the selected one (the open minutes follow)",
            MinutesAct::LaterMeeting => "the meeting after the selected one (the open minutes follow)",
            MinutesAct::OpenMeeting => {
                "chairs: open the selected series' meeting now (or its next); the agenda writes itself"
            }
            MinutesAct::Publish => "chairs: publish the open minutes (press twice); they become read-only",
            MinutesAct::Attendance => {
                "chairs: take the attendance of the open draft (1–9 mark a participant, Esc ends)"
            }
            MinutesAct::Present(_) => "while taking the attendance: this participant is present, or absent again",
            MinutesAct::Decision => "chairs: record a decision on the selected item (or the meeting) of the open draft",
            MinutesAct::FollowUp => "chairs: add a follow-up point (owner, due date, text) on the selected item",
            MinutesAct::NextItem => "the next agenda item of the open minutes",
            MinutesAct::PreviousItem => "the previous agenda item of the open minutes",
            MinutesAct::EditNotes => "chairs: write the selected item's notes (kept as you type)",
            MinutesAct::Discussed => "chairs: mark the selected item discussed, or not (not discussed: carried over)",
            MinutesAct::AddItem => "chairs: add an agenda item after the selected one",
            MinutesAct::DropItem => "chairs: drop the selected agenda item (press twice)",
            MinutesAct::MoveItemUp => "chairs: move the selected agenda item up",
            MinutesAct::MoveItemDown => "chairs: move the selected agenda item down",
            MinutesAct::Export => "write the open (or selected) minutes as Markdown and self-contained HTML files",
        }
    }
}

impl Command {
    /// Whether a login with these rights may run the command. The database enforces the rights; this only keeps
    /// the key line, help and palette to what the user can actually do.
    pub fn permitted(self, rights: &Rights) -> bool {
        match self {
            Command::Act(Act::Declare) => rights.mim,
            Command::Act(_) => rights.operator,
            Command::Major(MajorAct::ExportReport) => true,
            Command::Major(MajorAct::AddShift | MajorAct::EditShift) => rights.admin,
            Command::Major(_) => rights.mim,
            Command::Calendar(act) if act.plans() => rights.admin,
            Command::Minutes(act) if act.writes() => rights.chair || rights.admin,
            Command::Admin(act) => act.permitted(rights),
            Command::Problems(act) => act.permitted(rights),
            _ => true,
        }
    }

    /// Every command the palette offers, in the order it lists them: navigation, then the incident actions,
    /// then the major-incident ones, then the calendar's.
    pub fn every() -> impl Iterator<Item = Command> {
        Command::GENERAL
            .iter()
            .copied()
            .chain(Act::ALL.into_iter().map(Command::Act))
            .chain(MajorAct::ALL.into_iter().map(Command::Major))
            .chain(CalendarAct::ALL.into_iter().map(Command::Calendar))
            .chain(HeatmapAct::ALL.into_iter().map(Command::Heatmap))
            .chain(MinutesAct::ALL.into_iter().map(Command::Minutes))
            .chain(crate::app::screens::admin::act::AdminAct::ALL.into_iter().map(Command::Admin))
            .chain(crate::app::screens::problems::act::ProblemsAct::ALL.into_iter().map(Command::Problems))
    }

    const GENERAL: &'static [Command] = &[
        Command::Show(Screen::Board),
        Command::Show(Screen::Major),
        Command::Show(Screen::Heatmap),
        Command::Show(Screen::Calendar),
        Command::Show(Screen::Minutes),
        Command::Show(Screen::Admin),
        Command::Show(Screen::Problems),
        Command::Open,
        Command::Back,
        Command::Filter,
        Command::NextView,
        Command::SortNext,
        Command::SortReverse,
        Command::Refresh,
        Command::Help,
        Command::Palette,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::NextTab,
        Command::PreviousTab,
        Command::Quit,
        Command::FollowUps,
        Command::AnswerFollowUp,
    ];

    /// The palette name: lower-case, hyphenated, stable.
    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Palette => "palette",
            Command::Refresh => "refresh",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page-up",
            Command::PageDown => "page-down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Open => "open",
            Command::Back => "back",
            Command::NextTab => "next-tab",
            Command::PreviousTab => "previous-tab",
            Command::Show(Screen::Board) => "board",
            Command::Show(Screen::Major) => "major",
            Command::Show(Screen::Heatmap) => "heatmap",
            Command::Show(Screen::Calendar) => "calendar",
            Command::Show(Screen::Minutes) => "minutes",
            Command::Show(Screen::Admin) => "admin",
            Command::Show(Screen::Problems) => "problems",
            Command::Filter => "filter",
            Command::NextView => "view",
            Command::SortNext => "sort",
            Command::SortReverse => "sort-reverse",
            Command::Act(act) => act.name(),
            Command::Major(act) => act.name(),
            Command::Calendar(act) => act.name(),
            Command::Heatmap(act) => act.name(),
            Command::Minutes(act) => act.name(),
            Command::Admin(act) => act.name(),
            Command::Problems(act) => act.name(),
            Command::Overlay(key) => key.name(),
            Command::FollowUps => "follow-ups",
            Command::AnswerFollowUp => "answer",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Command::Quit => "quit vakt",
            Command::Help => "show all keys",
            Command::Palette => "run a command by name",
            Command::Refresh => "reload everything from the database",
            Command::Up => "move up",
            Command::Down => "move down",
            Command::PageUp => "move a page up",
            Command::PageDown => "move a page down",
            Command::Top => "go to the first line",
            Command::Bottom => "go to the last line",
            Command::Open => "open the selected incident",
            Command::Back => "close the view or overlay",
            Command::NextTab => "next screen",
            Command::PreviousTab => "previous screen",
            Command::Show(Screen::Board) => "the incident board",
            Command::Show(Screen::Major) => "major incidents",
            Command::Show(Screen::Heatmap) => "the SLA breach heat-map",
            Command::Show(Screen::Calendar) => "the maintenance calendar",
            Command::Show(Screen::Minutes) => "status-meeting minutes",
            Command::Show(Screen::Admin) => "administration",
            Command::Show(Screen::Problems) => "problems, known errors and change needs",
            Command::Filter => "filter the board (prio:A svc:SBL org:Molde line:2 mine …)",
            Command::NextView => "next saved view (all, my queue, breaching today, unassigned)",
            Command::SortNext => "sort by the next column",
            Command::SortReverse => "reverse the sort order",
            Command::Act(act) => act.description(),
            Command::Major(act) => act.description(),
            Command::Calendar(act) => act.description(),
            Command::Heatmap(act) => act.description(),
            Command::Minutes(act) => act.description(),
            Command::Admin(act) => act.description(),
            Command::Problems(act) => act.description(),
            Command::Overlay(key) => key.description(),
            Command::FollowUps => "my follow-ups: your follow-up points from the minutes, overdue first",
            Command::AnswerFollowUp => "answer the selected follow-up point",
        }
    }

    pub fn by_name(name: &str) -> Option<Command> {
        let wanted = name.trim().to_lowercase();
        Command::every().find(|c| c.name() == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_unique_name_that_finds_it_again() {
        let mut names: Vec<_> = Command::every().map(|c| c.name()).collect();
        for command in Command::every() {
            assert_eq!(Command::by_name(command.name()), Some(command));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Command::every().count());
    }

    #[test]
    fn screens_are_numbered_in_tab_order() {
        assert_eq!(Screen::Board.number(), 1);
        assert_eq!(Screen::Admin.number(), 6);
    }
}
