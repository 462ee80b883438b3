//! What the admin tab shows, as the database side hands it over. Plain types of the app ring.

use serde::Serialize;

use crate::app::model::{ContactEntry, StaffMember};

/// The admin tab's sections, in the order `[` and `]` step through them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub enum AdminSection {
    #[default]
    Staff,
    Contacts,
    Services,
    Agreements,
    Calendars,
    Audit,
}

impl AdminSection {
    pub const ALL: [AdminSection; 6] = [
        AdminSection::Staff,
        AdminSection::Contacts,
        AdminSection::Services,
        AdminSection::Agreements,
        AdminSection::Calendars,
        AdminSection::Audit,
    ];

    pub fn title(self) -> &'static str {
        match self {
            AdminSection::Staff => "Staff",
            AdminSection::Contacts => "Contacts",
            AdminSection::Services => "Services",
            AdminSection::Agreements => "Agreements",
            AdminSection::Calendars => "Calendars",
            AdminSection::Audit => "Audit",
        }
    }

    /// The section `delta` places on, wrapping around.
    pub fn step(self, delta: isize) -> AdminSection {
        let count = Self::ALL.len() as isize;
        let here = Self::ALL.iter().position(|s| *s == self).unwrap_or(0) as isize;
        Self::ALL[(here + delta).rem_euclid(count) as usize]
    }
}

/// A member of staff with what an admin must know before changing their role or deactivating them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffLine {
    pub member: StaffMember,
    /// Shifts on the on-duty rota from now on, as MIM or deputy.
    pub shifts_ahead: i64,
    pub servicedesk: bool,
    /// Their current or next shift on the rota, as MIM or deputy: what keeps their MIM role.
    pub duty: Option<StaffDuty>,
    /// Why the database would refuse giving them each role (role, reason); a role not listed would be accepted.
    pub refusals: Vec<(String, String)>,
}

impl StaffLine {
    /// The database's reason to refuse giving them `role`, if it would.
    pub fn refusal(&self, role: &str) -> Option<&str> {
        self.refusals.iter().find(|(r, _)| r == role).map(|(_, why)| why.as_str())
    }
}

/// A shift on the on-duty rota a member of staff holds, now or next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffDuty {
    /// `mim` or `deputy`.
    pub duty: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
}

/// A contact with the messages to them that could not be delivered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactLine {
    pub contact: ContactEntry,
    /// Dead-lettered messages whose recipient is this contact's address or number.
    pub dead: i64,
}

/// One section's rows (`DbCommand::LoadAdmin`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AdminData {
    Staff(Vec<StaffLine>),
    Contacts(Vec<ContactLine>),
    Services(Vec<ServiceLine>),
    Agreements(Vec<AgreementLine>),
    Calendars(Vec<CalendarLine>),
    Audit(Vec<AuditLine>),
}

/// One change the database's triggers recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditLine {
    pub at: chrono::DateTime<chrono::Utc>,
    pub login: String,
    pub table: String,
    pub row_id: Option<i64>,
    /// insert, update or delete.
    pub action: String,
    /// What changed, a field each: "role: operator → chair" (an insert or delete: the fields it had).
    pub changes: Vec<String>,
}

/// Which audit entries to read, as the filter line says (`table=staff login=admin from=2026-12-01 to=2026-12-05`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub table: Option<String>,
    pub login: Option<String>,
    /// From the start of this day (UTC).
    pub from: Option<chrono::NaiveDate>,
    /// Up to the end of this day (UTC).
    pub to: Option<chrono::NaiveDate>,
}

impl AuditQuery {
    /// Reads the filter line; a word it does not know is refused with what it knows.
    pub fn parse(line: &str) -> Result<AuditQuery, String> {
        let mut query = AuditQuery::default();
        for word in line.split_whitespace() {
            let Some((key, value)) = word.split_once('=') else {
                return Err(format!("'{word}' is not key=value: use table=, login=, from=YYYY-MM-DD, to=YYYY-MM-DD"));
            };
            let date = || {
                chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| format!("{key}={value}: a day is written YYYY-MM-DD"))
            };
            match key {
                "table" => query.table = Some(value.to_string()),
                "login" => query.login = Some(value.to_string()),
                "from" => query.from = Some(date()?),
                "to" => query.to = Some(date()?),
                other => return Err(format!("unknown filter '{other}': use table=, login=, from= or to=")),
            }
        }
        if let (Some(from), Some(to)) = (query.from, query.to)
            && to < from
        {
            return Err(format!("to={to} is before from={from}"));
        }
        Ok(query)
    }

    /// The filter line that reads back as this query.
    pub fn line(&self) -> String {
        let mut words = Vec::new();
        words.extend(self.table.as_ref().map(|t| format!("table={t}")));
        words.extend(self.login.as_ref().map(|l| format!("login={l}")));
        words.extend(self.from.map(|d| format!("from={d}")));
        words.extend(self.to.map(|d| format!("to={d}")));
        words.join(" ")
    }
}

/// A calendar of an agreement version in force; the year is drawn from the agreements the console holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarLine {
    pub agreement: String,
    pub version: String,
    pub code: String,
    pub name: String,
}

/// One version of an agreement, with the days it is in force and its content in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementLine {
    pub code: String,
    pub name: String,
    pub version: String,
    pub valid_from: chrono::NaiveDate,
    /// The day the next version takes over; `None` for the newest.
    pub valid_until: Option<chrono::NaiveDate>,
    pub services: i64,
    pub open_incidents: i64,
    /// Calendars, priorities with their targets and availability targets, a line each (Enter shows them).
    pub summary: Vec<String>,
}

/// What importing an agreement file would do, shown before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPreview {
    pub path: String,
    /// The file's text as read for the preview: exactly this is imported on `y`.
    pub toml: String,
    /// The changes against the version in force and the what-if, in words.
    pub lines: Vec<String>,
}

/// A service as the admin keeps it (`db::services::list`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceLine {
    pub code: String,
    pub name: String,
    /// The owning organisation's code.
    pub owner: String,
    /// The agreement's code.
    pub agreement: String,
    /// The operating-hours calendar of its availability target, when it has one.
    pub calendar: Option<String>,
    pub support_lines: Vec<String>,
    /// The supplier organisation's code.
    pub supplier: Option<String>,
}

/// A service's fields as the admin's form sends them.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceChange {
    pub code: String,
    pub name: String,
    pub owner: String,
    pub agreement: String,
    pub support_lines: Vec<String>,
    /// `None`: no supplier (an edit removes it).
    pub supplier: Option<String>,
}

/// An admin's change from the console (`DbCommand::Admin`).
#[derive(Debug, Clone, PartialEq)]
pub enum AdminWrite {
    AddStaff {
        login: String,
        full_name: String,
        role: String,
        email: Option<String>,
        phone: Option<String>,
    },
    Deactivate {
        login: String,
    },
    SetRole {
        login: String,
        role: String,
    },
    Reactivate {
        login: String,
    },
    AddService(ServiceChange),
    EditService(ServiceChange),
    ImportAgreement {
        toml: String,
    },
    AddContact(ContactChange),
    /// A contact's name, role and channels as typed over what they were (`id`).
    EditContact {
        id: i64,
        change: ContactChange,
    },
}

/// What the contact form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChange {
    pub organisation: String,
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    /// When the e-mail address changed: send the messages that went dead at the old one again to the new one.
    pub resend_dead: bool,
}
