//! The admin tab's commands: moving between its sections and the admins' changes. Names and descriptions feed the
//! palette, `?` and the key line like every other command.

use crate::app::model::Rights;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminAct {
    /// The next section (staff, contacts, …).
    NextSection,
    PreviousSection,
    /// Admins: add a member of staff (or a service, in the services section).
    Add,
    /// Admins: deactivate the selected member of staff (press twice).
    Deactivate,
    /// Admins: give the selected member of staff another role.
    ChangeRole,
    /// Admins: let the selected deactivated member of staff sign in again.
    Reactivate,
    /// Admins: change the selected service.
    Edit,
    /// The selected agreement version in words (calendars, priorities, availability targets).
    Open,
    /// Admins: import a new agreement version from a TOML file, after a preview.
    Import,
    /// Admins: import the previewed agreement version.
    Confirm,
    /// The calendars section: the year before.
    PreviousYear,
    /// The calendars section: the year after.
    NextYear,
    /// The audit section: which entries to show (table=, login=, from=, to=).
    Filter,
    /// Scrolls the detail down: the agreement in words, or the calendar's year and closed days.
    ScrollDown,
    ScrollUp,
}

impl AdminAct {
    pub const ALL: [AdminAct; 15] = [
        AdminAct::NextSection,
        AdminAct::PreviousSection,
        AdminAct::Add,
        AdminAct::Deactivate,
        AdminAct::ChangeRole,
        AdminAct::Reactivate,
        AdminAct::Edit,
        AdminAct::Open,
        AdminAct::Import,
        AdminAct::Confirm,
        AdminAct::PreviousYear,
        AdminAct::NextYear,
        AdminAct::Filter,
        AdminAct::ScrollDown,
        AdminAct::ScrollUp,
    ];

    /// Only admins change anything here; the database holds the same rule.
    pub fn permitted(self, rights: &Rights) -> bool {
        match self {
            AdminAct::NextSection
            | AdminAct::PreviousSection
            | AdminAct::Open
            | AdminAct::PreviousYear
            | AdminAct::NextYear
            | AdminAct::ScrollDown
            | AdminAct::ScrollUp => true,
            // The database refuses the audit log to everyone but admins.
            AdminAct::Filter => rights.admin,
            AdminAct::Import | AdminAct::Confirm => rights.admin,
            AdminAct::Add | AdminAct::Deactivate | AdminAct::ChangeRole | AdminAct::Reactivate | AdminAct::Edit => {
                rights.admin
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AdminAct::NextSection => "next-section",
            AdminAct::PreviousSection => "previous-section",
            AdminAct::Add => "add",
            AdminAct::Deactivate => "deactivate",
            AdminAct::ChangeRole => "role",
            AdminAct::Reactivate => "reactivate",
            AdminAct::Edit => "edit",
            AdminAct::Open => "agreement",
            AdminAct::Import => "import",
            AdminAct::Confirm => "confirm-import",
            AdminAct::PreviousYear => "previous-year",
            AdminAct::NextYear => "next-year",
            AdminAct::Filter => "audit-filter",
            AdminAct::ScrollDown => "scroll-down",
            AdminAct::ScrollUp => "scroll-up",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            AdminAct::NextSection => "admin: the next section (staff, contacts, services)",
            AdminAct::PreviousSection => "admin: the previous section",
            AdminAct::Add => "admins: add a member of staff, or a service in the services section",
            AdminAct::Deactivate => {
                "admins: deactivate the selected member of staff (press twice): no sign-in, history kept"
            }
            AdminAct::ChangeRole => "admins: give the selected member of staff another role (the refusal shows first)",
            AdminAct::Reactivate => "admins: let the selected deactivated member of staff sign in again, same role",
            AdminAct::Edit => "admins: change the selected service, or contact (e.g. an address after a dead letter)",
            AdminAct::Open => "admin: the selected agreement version in words (calendars, priorities, availability)",
            AdminAct::Import => "admins: import an agreement version from a TOML file, after a preview of what changes",
            AdminAct::Confirm => "admins: import the previewed agreement version (Esc cancels, nothing written)",
            AdminAct::PreviousYear => "admin: the calendars section shows the year before",
            AdminAct::NextYear => "admin: the calendars section shows the year after",
            AdminAct::Filter => "admins: which audit entries to show (table=staff login=admin from=YYYY-MM-DD to=…)",
            AdminAct::ScrollDown => {
                "admin: scroll the agreement in words, or the calendar's year and closed days, down"
            }
            AdminAct::ScrollUp => "admin: scroll the agreement in words, or the calendar's year and closed days, up",
        }
    }
}
