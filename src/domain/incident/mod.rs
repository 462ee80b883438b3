//! The incident's vocabulary: its status, the channel it came in by and the support line that holds it.
//! Stored as text in PostgreSQL (with CHECK constraints) and parsed back here.

pub mod lifecycle;

use serde::{Deserialize, Serialize};

/// A closed set of names stored as text: parse with a message that lists what is allowed.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and scripted) name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownName;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let wanted = text.trim().to_lowercase();
                Self::ALL.iter().copied().find(|v| v.as_str() == wanted).ok_or_else(|| UnknownName {
                    what: $what,
                    given: text.to_string(),
                    allowed: Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                })
            }
        }
    };
}

/// A name outside a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}' (use one of: {allowed})")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub allowed: String,
}

text_enum!(
    /// Where an incident is in its life.
    Status, "status" {
        New => "new",
        Acknowledged => "acknowledged",
        InProgress => "in_progress",
        Paused => "paused",
        Resolved => "resolved",
        Closed => "closed",
    }
);

impl Status {
    /// Open incidents are the board's queue.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    /// The words shown in the console.
    pub fn label(self) -> &'static str {
        match self {
            Status::InProgress => "in progress",
            other => other.as_str(),
        }
    }
}

text_enum!(
    /// How the incident was reported.
    Channel, "channel" {
        Web => "web",
        Email => "email",
        Phone => "phone",
        Sms => "sms",
        Monitoring => "monitoring",
    }
);

text_enum!(
    /// Who holds the incident: 1st/2nd/3rd line or a supplier (Altinn 1.2; Stockholm §3.3.2).
    SupportLine, "support line" {
        First => "1st",
        Second => "2nd",
        Third => "3rd",
        Supplier => "supplier",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>().unwrap(), *status);
        }
        assert_eq!(" Phone ".parse::<Channel>().unwrap(), Channel::Phone);
        let err = "fax".parse::<Channel>().unwrap_err();
        assert_eq!(err.to_string(), "unknown channel 'fax' (use one of: web, email, phone, sms, monitoring)");
    }

    #[test]
    fn only_resolved_and_closed_leave_the_queue() {
        let open: Vec<_> = Status::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open.len(), 4);
        assert!(!Status::Resolved.is_open());
        assert_eq!(Status::InProgress.label(), "in progress");
    }

    #[test]
    fn serde_uses_the_stored_names() {
        assert_eq!(serde_json::to_string(&SupportLine::Second).unwrap(), "\"2nd\"");
    }
}
