//! What the admin tab shows, as the database side hands it over. Plain types of the app ring.

use serde::Serialize;

use crate::app::model::{ContactEntry, StaffMember};

/// The admin tab's sections, in the order `[` and `]` step through them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub enum AdminSection {
    #[default]
    Staff,
    Contacts,
}

impl AdminSection {
    pub const ALL: [AdminSection; 2] = [AdminSection::Staff, AdminSection::Contacts];

    pub fn title(self) -> &'static str {
        match self {
            AdminSection::Staff => "Staff",
            AdminSection::Contacts => "Contacts",
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
}

/// An admin's change from the console (`DbCommand::Admin`).
#[derive(Debug, Clone, PartialEq)]
pub enum AdminWrite {
    AddStaff { login: String, full_name: String, role: String, email: Option<String>, phone: Option<String> },
    Deactivate { login: String },
}
