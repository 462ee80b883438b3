//! Plain input records the database layer maps its rows onto: the timeline, the communications ledger and
//! the contact directory. Stored names are stable (`as_str`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::names::stored_names;

pub use crate::domain::agreement::channel::ChannelKind;

stored_names!(
    /// Where an outgoing message is in the outbox.
    DeliveryState {
        /// Written, not yet delivered.
        Pending => "pending",
        /// Handed to the server or gateway.
        Sent => "sent",
        /// Delivery failed; retried with back-off.
        Retrying => "retrying",
        /// Given up on: never arrived.
        Dead => "dead",
    }
);

stored_names!(
    /// What a timeline entry records.
    TimelineKind {
        /// An incident event (received, priority changed, resolved, …).
        Event => "event",
        /// A note written by someone working the incident.
        Note => "note",
        /// A message sent to stakeholders.
        Message => "message",
        /// A logged phone call.
        Call => "call",
        /// An escalation step.
        Escalation => "escalation",
    }
);

/// One entry of a major incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// What kind of entry.
    pub kind: TimelineKind,
    /// Who (database login), or "vakt" for automatic entries.
    pub actor: String,
    /// The text as written.
    pub text: String,
}

/// One message in the communications ledger: who was told what, when, how, and whether it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// When it was written to the outbox (or the call was logged).
    pub at: DateTime<Utc>,
    /// The organisation code or contact list it went to.
    pub audience: String,
    /// The channel.
    pub channel: ChannelKind,
    /// The text sent (for e-mail, the subject and body).
    pub text: String,
    /// Who sent it (database login).
    pub sender: String,
    /// Delivery state.
    pub state: DeliveryState,
}

impl LedgerEntry {
    /// Whether the message counts as told: everything but a dead letter.
    pub fn counts(&self) -> bool {
        self.state != DeliveryState::Dead
    }
}

/// A person in an organisation's contact directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The organisation's code.
    pub organisation: String,
    /// Full name.
    pub name: String,
    /// Role, e.g. "Serviceleder", "Hendelsesansvarlig", "Informasjonsansvarlig".
    pub role: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Desk phone.
    pub phone: Option<String>,
    /// Mobile phone (preferred for calls and SMS).
    pub mobile: Option<String>,
}

impl Contact {
    /// The number to call: the mobile if known, else the desk phone.
    pub fn call_number(&self) -> Option<&str> {
        self.mobile.as_deref().or(self.phone.as_deref()).filter(|n| !n.trim().is_empty())
    }
}
