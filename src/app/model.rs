//! What the console and the scripting interface know about incidents. The JSON field names here are the stable
//! scripting interface (documented in the README): snake_case, additive changes only.

use crate::domain::agreement::spec::TargetKind;
use crate::domain::sla::record::DueState;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::agreement::Agreement;

use crate::domain::incident::{Channel, Status, SupportLine};
use crate::domain::sla::IncidentEvent;
use crate::domain::sla::record::ClockRecord;

/// The service an incident is about, with its owner and agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRef {
    /// Service code, e.g. `SBL`.
    pub code: String,
    pub name: String,
    /// The organisation that owns the service.
    pub organisation: String,
    /// The agreement the service falls under, e.g. `ALTINN`.
    pub agreement: String,
}

/// The earliest running SLA deadline, as stored on the incident row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextDue {
    pub at: DateTime<Utc>,
    pub target: TargetKind,
    /// The state when last computed; consoles recompute it live.
    pub state: DueState,
    /// The calendar the deadline is measured on (`24x7` for real time).
    pub clock: Option<String>,
    /// The target's budget in business seconds.
    pub budget_seconds: Option<i64>,
}

/// A member of staff as shown on an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffRef {
    pub login: String,
    pub name: String,
}

/// Markers shown in the board's flag column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    /// Declared a major incident.
    pub major: bool,
    /// A (suspected) security incident; Altinn: always category A.
    pub security: bool,
    /// The security incident involves personal data (GDPR art. 33).
    pub personal_data: bool,
    /// A workaround is in place.
    pub workaround: bool,
    /// Reopened after resolution.
    pub reopened: bool,
    /// Deprioritised after a workaround (Altinn C), which is not a breach.
    pub deprioritised: bool,
}

/// One line of the board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentSummary {
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// The priority in the agreement's own words (`A`, `Kritisk`, `intefunktion`); none while new.
    pub priority: Option<String>,
    /// 1 is the most severe priority of the agreement.
    pub priority_rank: Option<i32>,
    pub service: ServiceRef,
    /// The agreement version the incident is measured against.
    pub agreement_version_id: i64,
    pub status: Status,
    pub support_line: Option<SupportLine>,
    pub assignee: Option<StaffRef>,
    pub received_at: DateTime<Utc>,
    pub next_due: Option<NextDue>,
    pub flags: Flags,
    /// Bumped by the database on every change; used to detect stale views and conflicting edits.
    pub version: i32,
    /// The master incident's reference, on a child (issue 13); `incident show` prints it, so JSON leaves it out.
    #[serde(skip)]
    pub master: Option<String>,
}

/// One entry of an incident's append-only history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventEntry {
    pub at: DateTime<Utc>,
    pub kind: String,
    /// The database login that wrote it.
    pub actor: String,
    pub data: serde_json::Value,
}

/// Everything the incident view shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub summary: IncidentSummary,
    /// Empty when sealed from this reader (see `description_restricted`).
    pub description: String,
    /// A flagged incident's description and notes, which this login is not cleared to read (vakt_security).
    pub description_restricted: bool,
    /// The notifications to authorities of a flagged security incident, with their due times.
    pub regulatory: Vec<crate::domain::regulatory::RegulatoryClock>,
    pub reporter: String,
    pub channel: Channel,
    pub created_by: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub events: Vec<EventEntry>,
    /// Every SLA clock as recorded with the last event.
    pub clocks: Vec<ClockRecord>,
    /// The clock events of the history, for computing the clocks live.
    #[serde(skip)]
    pub clock_events: Vec<IncidentEvent>,
    /// Other incidents linked to this one (same cause), by reference.
    pub linked: Vec<String>,
    /// Problems, master and children (issue 13); the CLI prints these itself, so JSON leaves them out here.
    #[serde(skip)]
    pub relations: Relations,
}

/// How an incident stands to problems and master incidents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Relations {
    /// The problems the incident is linked to, by reference.
    pub problems: Vec<String>,
    /// The master's reference, on a child.
    pub master: Option<String>,
    /// The children, on a master.
    pub children: Vec<ChildIncident>,
}

/// A child of a master incident.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildIncident {
    pub id: i64,
    pub reference: String,
    pub open: bool,
}

/// Who is at this console, as the database sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserInfo {
    pub login: String,
    pub full_name: Option<String>,
    pub rights: Rights,
}

/// The vakt roles the login holds (directly or inherited), as reported by PostgreSQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Rights {
    pub viewer: bool,
    pub operator: bool,
    pub mim: bool,
    pub chair: bool,
    pub admin: bool,
    /// Member of vakt_servicedesk (Stockholm: only the service desk closes).
    pub servicedesk: bool,
    /// Member of vakt_security: reads the description and notes of security incidents and may clear the flag.
    pub security: bool,
}

impl Rights {
    /// The highest role, for the status bar.
    pub fn label(&self) -> &'static str {
        if self.admin {
            "admin"
        } else if self.mim {
            "mim"
        } else if self.operator {
            "operator"
        } else if self.chair {
            "chair"
        } else if self.viewer {
            "viewer"
        } else {
            "no vakt role"
        }
    }
}

/// Every stored agreement version, by version id, for the clocks.
pub type AgreementSet = HashMap<i64, Arc<Agreement>>;

/// A new incident as entered in the console or the CLI.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewIncident {
    pub service: String,
    pub priority: Option<String>,
    pub title: String,
    pub description: String,
    pub reporter: String,
    pub channel: Option<Channel>,
}

/// A service to pick when creating an incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceChoice {
    pub code: String,
    pub name: String,
    pub organisation: String,
    pub agreement: String,
}

/// The incident an action is for, with the version the user saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionTarget {
    pub id: i64,
    pub reference: String,
    pub version: i32,
    pub agreement_version_id: i64,
}

/// A deadline before and after a proposed action (the "what-if" of a confirmation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelta {
    pub target: String,
    pub before: Option<DateTime<Utc>>,
    pub after: Option<DateTime<Utc>>,
    pub state_after: String,
}

/// Why a write failed, sorted the way the console reacts to it.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteError {
    /// Someone else changed the incident; `fresh` is how it is now.
    Conflict {
        message: String,
        fresh: Option<Box<IncidentSummary>>,
    },
    /// The database's rights or the agreement's rules refuse it.
    Refused(String),
    BadInput(String),
    /// The database could not be reached; nothing was sent.
    Offline(String),
    Other(String),
}

impl WriteError {
    pub fn message(&self) -> &str {
        match self {
            WriteError::Conflict { message, .. } => message,
            WriteError::Refused(m) | WriteError::BadInput(m) | WriteError::Offline(m) | WriteError::Other(m) => m,
        }
    }
}

/// A member of staff (a database login with one vakt role).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffMember {
    pub login: String,
    pub full_name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
}

/// A major incident with what the cockpit shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MajorView {
    pub id: i64,
    pub incident_id: i64,
    pub reference: String,
    pub agreement_version_id: i64,
    pub major: crate::domain::major::MajorIncident,
    pub last_update_at: Option<DateTime<Utc>>,
    /// Status updates sent so far.
    pub updates: usize,
    /// The incident's clocks as recorded with its last event.
    pub clocks: Vec<ClockRecord>,
    /// Who was told what and when: queued and sent messages, and logged calls.
    pub ledger: Vec<crate::domain::major::LedgerEntry>,
    pub calls: Vec<CallTaskView>,
    /// The incident's history, oldest first.
    pub timeline: Vec<EventEntry>,
    /// Who an update goes to: the contacts of the affected organisations.
    #[serde(default)]
    pub recipients: Vec<ContactEntry>,
    pub version: i32,
}

/// A contact in the directory as every role may read it: a webhook channel shows only its host (the path is
/// its secret). `vakt contact list` prints these; the update preview lists them as its recipients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactEntry {
    pub id: i64,
    pub organisation: String,
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub webhook_host: Option<String>,
    pub webhook_preset: Option<String>,
}

/// A hand-over waiting for this login to acknowledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingHandover {
    pub id: i64,
    /// The outgoing MIM.
    pub outgoing: String,
    pub markdown: String,
}

/// A post-incident report being completed in the cockpit, with the version the edit is based on.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDraft {
    pub major_id: i64,
    pub report: crate::domain::major::PostIncidentReport,
    pub version: i32,
}

/// A phone-duty call task with its id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallTaskView {
    pub id: i64,
    #[serde(flatten)]
    pub task: crate::domain::major::CallTask,
}

/// A shift of the MIM on-duty rota, with names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShiftRow {
    pub id: i64,
    pub mim: String,
    pub mim_name: String,
    pub deputy: String,
    pub deputy_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The fixed duty number and mailbox of whoever is MIM on duty (a setting, not a person's own number): the
/// domain's type, shown as it is.
pub use crate::domain::major::rota::DutyContact as DutyLine;

/// Someone else at an incident: looking at it, or editing it (a form is open). Never a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Presence {
    pub incident_id: i64,
    pub login: String,
    pub name: String,
    pub editing: bool,
}

impl MajorView {
    /// Every clock of the incident as of `now`, computed from its history (the stored clocks are as of the last
    /// lifecycle event, so thresholds crossed since then would go unnoticed).
    pub fn live_clocks(&self, agreement: &Agreement, now: DateTime<Utc>) -> Vec<ClockRecord> {
        let events: Vec<IncidentEvent> = self
            .timeline
            .iter()
            .filter_map(|e| {
                let data = serde_json::from_value(e.data.clone()).ok()?;
                crate::domain::sla::event_log::load(&e.kind, &data, e.at).ok().flatten()
            })
            .collect();
        match crate::domain::sla::compute_clocks(agreement, &events, now) {
            Ok(clocks) => crate::domain::sla::record::records(&clocks),
            Err(_) => self.clocks.clone(),
        }
    }
}

/// A maintenance window as the calendar and `vakt maintenance list --format json` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaintenanceWindow {
    /// `series:local date`.
    pub id: String,
    pub series_id: i64,
    /// The series' version as loaded (every change of the series or one of its windows raises it).
    pub version: i32,
    pub services: Vec<String>,
    pub kind: String,
    pub state: String,
    pub impact: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub zone: String,
    pub notice: Option<MaintenanceNotice>,
    pub warnings: Vec<MaintenanceWarning>,
}

/// One window of approved or announced maintenance that takes services down or degrades them, for marking the
/// board while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceWindow {
    pub series_id: i64,
    pub services: Vec<String>,
    /// The stored kind, e.g. `primary_window`.
    pub kind: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The service windows of the coming hours, as last loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceWindows {
    pub windows: Vec<ServiceWindow>,
    /// The end of the period they were loaded for: before it passes they are loaded again.
    pub until: Option<DateTime<Utc>>,
}

impl ServiceWindows {
    /// The window running on `service` at `now`, the one ending last when several do.
    pub fn running_on(&self, service: &str, now: DateTime<Utc>) -> Option<&ServiceWindow> {
        self.windows
            .iter()
            .filter(|w| w.start <= now && now < w.end && w.services.iter().any(|s| s == service))
            .max_by_key(|w| w.end)
    }

    /// Whether the loaded period runs out within `margin` of `now` (or nothing is loaded yet).
    pub fn stale(&self, now: DateTime<Utc>, margin: chrono::Duration) -> bool {
        self.until.is_none_or(|until| until - margin <= now)
    }
}

/// Notice given against the agreement's rule: from the announcement of the window's times, or, before it is
/// announced, what announcing it now would give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaintenanceNotice {
    pub given_working_days: Option<u32>,
    pub required_working_days: Option<u32>,
    pub given_days: Option<u32>,
    pub required_days: Option<u32>,
    pub ok: bool,
    /// When its times were announced; `None` while it is not announced.
    pub announced_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaintenanceWarning {
    pub code: String,
    pub text: String,
}
