//! The console's whole state. Rendering is a function of it; only `update` changes it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::command::Screen;
use super::form::Field;
use super::keymap::{Binding, Scope, default_keymap};
use super::model::{ActionTarget, AgreementSet, DueDelta, ServiceChoice, StaffMember, UserInfo};
use super::screens::Screens;
use crate::domain::incident::lifecycle::IncidentAction;

#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    Connecting,
    Live,
    Offline { since: DateTime<Utc>, reason: String },
}

/// What floats over the screen and takes the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help { scroll: usize },
    Palette(Palette),
    Form(Form),
    Confirm(Confirm),
    Preview(Preview),
}

/// A stakeholder update as each channel will show it, before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub command: crate::app::effect::MajorCommand,
    pub lines: Vec<String>,
    /// The form it came from, to return to on Esc.
    pub form: Box<Form>,
    pub error: Option<String>,
    pub saving: bool,
}

/// What a form is for.
#[derive(Debug, Clone, PartialEq)]
pub enum FormPurpose {
    Create,
    Assign(ActionTarget),
    Priority(ActionTarget),
    Pause(ActionTarget),
    Feedback(ActionTarget),
    Note(ActionTarget),
    Link(ActionTarget),
    Replan(ActionTarget),
    Deprioritise(ActionTarget),
    /// A notification made to an authority about a security incident.
    Notified(ActionTarget),
    Declare(ActionTarget),
    MajorUpdate(MajorTarget),
    MajorCall(MajorTarget),
    MajorRole(MajorTarget),
    MajorState(MajorTarget),
    Report(MajorTarget),
    Handover,
    /// Admins: a new shift of the on-duty rota.
    AddShift,
    /// Admins: another MIM or deputy for a shift, or its removal.
    EditShift,
    /// The outage an incident caused.
    Outage(ActionTarget),
    /// Admins: an action on the maintenance calendar, from the cursor's day.
    Maintenance(crate::app::command::CalendarAct, Option<chrono::NaiveDate>),
    /// Chairs: a form of the open minutes (a decision, a follow-up point, an item's notes, a new item).
    Minutes(crate::app::screens::minutes::chair::MinutesForm),
    /// The owner's answer to this follow-up point ("my follow-ups" on the board).
    AnswerFollowUp(i64),
    /// Admins: a new member of staff.
    AddStaff,
    /// Chairs and admins: a form of the problems tab (a change need, one of its steps).
    Register(crate::app::screens::problems::RegisterForm),
    /// Operators: link an incident to a problem (known error), optionally applying its workaround.
    LinkProblem(ActionTarget),
    /// Admins: another role for this member of staff (their login).
    StaffRole(String),
    /// Admins: a new service (`None`) or a change to the service with this code.
    Service(Option<String>),
    /// Admins: the path of an agreement file to import, previewed first.
    ImportAgreement,
    /// Admins: the audit section's filter line.
    AuditFilter,
    /// Admins: a contact of the directory, new (`None`) or changed.
    Contact(Option<i64>),
}

/// The major incident a cockpit action is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MajorTarget {
    pub id: i64,
    pub reference: String,
}

impl FormPurpose {
    /// The key under which the typed text is kept as a draft.
    pub fn draft_key(&self) -> String {
        let (what, target) = match self {
            FormPurpose::Create => return "new".into(),
            FormPurpose::Handover => return "handover".into(),
            FormPurpose::AddShift => return "rota-add".into(),
            FormPurpose::EditShift => return "rota-edit".into(),
            FormPurpose::Maintenance(act, day) => {
                return format!("{}:{}", act.name(), day.map(|d| d.to_string()).unwrap_or_default());
            }
            FormPurpose::Minutes(form) => return form.draft_key(),
            FormPurpose::AnswerFollowUp(point) => return format!("answer:{point}"),
            FormPurpose::AddStaff => return "staff-add".into(),
            FormPurpose::Register(form) => return form.draft_key(),
            FormPurpose::StaffRole(login) => return format!("staff-role:{login}"),
            FormPurpose::Service(code) => return format!("service:{}", code.as_deref().unwrap_or("new")),
            FormPurpose::Contact(id) => {
                return format!("contact:{}", id.map(|i| i.to_string()).unwrap_or("new".into()));
            }
            FormPurpose::ImportAgreement => return "agreement-import".into(),
            FormPurpose::AuditFilter => return "audit-filter".into(),
            FormPurpose::MajorUpdate(m) => return format!("major-update:{}", m.reference),
            FormPurpose::MajorCall(m) => return format!("call:{}", m.reference),
            FormPurpose::MajorRole(m) => return format!("role:{}", m.reference),
            FormPurpose::MajorState(m) => return format!("state:{}", m.reference),
            FormPurpose::Report(m) => return format!("report:{}", m.reference),
            FormPurpose::Declare(t) => ("declare", t),
            FormPurpose::Outage(t) => ("outage", t),
            FormPurpose::Assign(t) => ("assign", t),
            FormPurpose::Priority(t) => ("priority", t),
            FormPurpose::Pause(t) => ("pause", t),
            FormPurpose::Feedback(t) => ("feedback", t),
            FormPurpose::Note(t) => ("note", t),
            FormPurpose::Link(t) => ("link", t),
            FormPurpose::Replan(t) => ("replan", t),
            FormPurpose::Deprioritise(t) => ("deprioritise", t),
            FormPurpose::Notified(t) => ("notified", t),
            FormPurpose::LinkProblem(t) => ("link-problem", t),
        };
        format!("{what}:{}", target.reference)
    }

    pub fn target_mut(&mut self) -> Option<&mut ActionTarget> {
        match self {
            FormPurpose::Create
            | FormPurpose::Handover
            | FormPurpose::AddShift
            | FormPurpose::EditShift
            | FormPurpose::Maintenance(..)
            | FormPurpose::Minutes(_)
            | FormPurpose::AnswerFollowUp(_)
            | FormPurpose::AddStaff
            | FormPurpose::Register(_)
            | FormPurpose::StaffRole(_)
            | FormPurpose::Service(_)
            | FormPurpose::Contact(_)
            | FormPurpose::ImportAgreement
            | FormPurpose::AuditFilter
            | FormPurpose::MajorUpdate(_)
            | FormPurpose::MajorCall(_)
            | FormPurpose::MajorRole(_)
            | FormPurpose::MajorState(_)
            | FormPurpose::Report(_)
            | FormPurpose::Declare(_)
            | FormPurpose::Outage(_) => None,
            FormPurpose::Assign(t)
            | FormPurpose::Priority(t)
            | FormPurpose::Pause(t)
            | FormPurpose::Feedback(t)
            | FormPurpose::Note(t)
            | FormPurpose::Link(t)
            | FormPurpose::Replan(t)
            | FormPurpose::Deprioritise(t)
            | FormPurpose::Notified(t)
            | FormPurpose::LinkProblem(t) => Some(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub purpose: FormPurpose,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last submission failed; the text stays.
    pub error: Option<String>,
    /// A submission is on its way to the database.
    pub saving: bool,
}

/// "Are you sure?" with the deadlines before and after, for actions that move the clocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub target: ActionTarget,
    pub action: IncidentAction,
    /// None while the what-if is being computed.
    pub what_if: Option<Result<Vec<DueDelta>, String>>,
    /// The form this came from, to return to on Esc.
    pub form: Option<Box<Form>>,
    pub error: Option<String>,
    pub saving: bool,
    /// Resolving a master: its open children, offered to be resolved too (issue 13).
    pub children: Vec<ActionTarget>,
    /// Whether the children are resolved too (the children key switches).
    pub with_children: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    pub input: String,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub severity: Severity,
    pub at: DateTime<Utc>,
}

/// Where a console is: the incident it shows (if any) and whether a form for it is open.
pub type Whereabouts = (Option<i64>, bool);

/// The connection to the database as the console sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub connection: Connection,
    /// Which side lost the database: the listener (notices) or the worker (commands). Live needs both.
    pub listener_down: bool,
    pub worker_down: bool,
    /// When the worker was last probed while down.
    pub probed_at: Option<DateTime<Utc>>,
    /// Where we are connected, for the status bar (never with a password).
    pub database: String,
    /// What change notices have asked the database for and not yet received (a burst costs a bounded number).
    pub in_flight: super::update::coalesce::InFlight,
}

/// Who else is at which incident (soft locks), and what this console last told the others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PresenceBook {
    pub others: Vec<crate::app::model::Presence>,
    /// This console's name among the user's others (several terminals, one login).
    pub console_id: String,
    /// Where this console last said it was and when, so it tells others only on a change or to refresh.
    pub sent: Option<(Whereabouts, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub screen: Screen,
    /// Each screen's own state (app/screens).
    pub screens: Screens,
    /// The summary line's figures, as of the last tick or data arrival.
    pub summary: super::summary::Summary,
    /// The connection to the database and what is on its way.
    pub link: Link,
    pub agreements: AgreementSet,
    /// Maintenance running now or soon: the board marks the incidents of services under it.
    pub service_windows: super::model::ServiceWindows,
    /// For the new-incident form and the assign form.
    pub services: Vec<ServiceChoice>,
    pub staff: Vec<StaffMember>,
    /// Text typed into forms, by draft key; kept until the action succeeds (and across restarts).
    pub drafts: super::form::Drafts,
    /// Typed since the drafts were last saved.
    pub drafts_dirty: bool,
    /// Others at incidents (soft locks), and this console's own.
    pub presence: PresenceBook,
    pub overlay: Option<Overlay>,
    pub user: Option<UserInfo>,
    pub message: Option<Message>,
    pub viewport: (u16, u16),
    /// The viewer's time zone.
    pub zone: Tz,
    pub keymap: Vec<Binding>,
    pub should_quit: bool,
}

impl State {
    pub fn new(database: impl Into<String>) -> Self {
        Self {
            screen: Screen::Board,
            screens: Screens::default(),
            summary: Default::default(),
            link: Link {
                connection: Connection::Connecting,
                listener_down: false,
                worker_down: false,
                probed_at: None,
                database: database.into(),
                in_flight: Default::default(),
            },
            agreements: AgreementSet::default(),
            service_windows: Default::default(),
            services: Vec::new(),
            staff: Vec::new(),
            drafts: Default::default(),
            drafts_dirty: false,
            presence: PresenceBook::default(),
            overlay: None,
            user: None,
            message: None,
            viewport: (80, 24),
            zone: chrono_tz::UTC,
            keymap: default_keymap(),
            should_quit: false,
        }
    }

    /// The key scope of what has focus.
    pub fn scope(&self) -> Scope {
        match &self.overlay {
            Some(Overlay::Form(_)) => Scope::Form,
            Some(Overlay::Confirm(_) | Overlay::Preview(_)) => Scope::Confirm,
            _ => self.screens.get(self.screen).map_or(Scope::Global, |screen| screen.scope()),
        }
    }

    /// Rows of the table that fit on screen, for paging.
    pub fn page_size(&self) -> usize {
        usize::from(self.viewport.1.saturating_sub(8)).max(1)
    }

    /// The people at an incident, each named once however many consoles they have open there, and marked
    /// "(editing)" when any of those consoles is editing it.
    pub fn people_at(&self, incident: i64) -> Vec<String> {
        let mut people: Vec<(&str, &str, bool)> = Vec::new();
        for p in self.presence.others.iter().filter(|p| p.incident_id == incident) {
            match people.iter_mut().find(|(login, _, _)| *login == p.login) {
                Some(person) => person.2 |= p.editing,
                None => people.push((&p.login, &p.name, p.editing)),
            }
        }
        people
            .into_iter()
            .map(|(_, name, editing)| if editing { format!("{name} (editing)") } else { name.to_string() })
            .collect()
    }

    /// Where this console is now: the open incident, or the one a form is for (editing).
    pub fn whereabouts(&self) -> Whereabouts {
        let editing = match &self.overlay {
            Some(Overlay::Form(form)) => form.purpose.clone().target_mut().map(|t| t.id),
            Some(Overlay::Preview(_)) => None,
            Some(Overlay::Confirm(confirm)) => Some(confirm.target.id),
            _ => None,
        };
        match (editing, &self.screens.board.incident) {
            (Some(id), _) => (Some(id), true),
            (None, Some(view)) => (Some(view.id), false),
            (None, None) => (None, false),
        }
    }

    /// Whether the signed-in user may run a command (nothing that writes before the login is known).
    pub fn permits(&self, command: super::command::Command) -> bool {
        command.permitted(&self.user.as_ref().map(|u| u.rights).unwrap_or_default())
    }

    /// Whether the key line lists `command`: the role may use it, and the screen offers it in what it shows.
    pub fn offers(&self, command: super::command::Command) -> bool {
        self.permits(command) && self.screens.get(self.screen).is_none_or(|screen| screen.offers(command))
    }

    pub fn inform(&mut self, text: impl Into<String>, now: DateTime<Utc>) {
        self.message = Some(Message { text: text.into(), severity: Severity::Info, at: now });
    }

    pub fn warn(&mut self, text: impl Into<String>, now: DateTime<Utc>) {
        self.message = Some(Message { text: text.into(), severity: Severity::Error, at: now });
    }

    /// A write could not even be handed to the database task: the open form, confirmation or preview stops
    /// waiting and shows why, its text intact, so it can be sent again.
    pub fn write_not_sent(&mut self, text: &str, now: DateTime<Utc>) {
        let (saving, error) = match &mut self.overlay {
            Some(Overlay::Form(form)) => (&mut form.saving, &mut form.error),
            Some(Overlay::Confirm(confirm)) => (&mut confirm.saving, &mut confirm.error),
            Some(Overlay::Preview(preview)) => (&mut preview.saving, &mut preview.error),
            _ => return self.warn(text, now),
        };
        *saving = false;
        *error = Some(text.to_string());
    }
}
