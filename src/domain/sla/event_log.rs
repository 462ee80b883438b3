//! How incident events are stored: a kind name and a small data record. The names are stable (they are in the
//! database and in `vakt incident show --format json`). Clock events map to `sla::EventKind`; the others
//! (assignments, notes, links, flags) are history only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::agreement::spec::TargetKind;
use crate::domain::sla::{EventKind, IncidentEvent};

/// The data stored with an event. Every field is optional; each kind uses the ones it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventData {
    /// `received`: the initial priority; `priority_changed`: the previous one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// `priority_changed`: the new priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `paused`, `replanned`, `deprioritised`, `priority_changed`: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `replanned`: which target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetKind>,
    /// `replanned`: the agreed new due instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_due: Option<DateTime<Utc>>,
    /// `replanned`: who agreed (innmelder, systemeier, systemansvarlig).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<String>,
    /// `note`, `feedback_given`, and free text on any event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `assigned`: the login of the assignee (none when unassigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// `assigned`: the support line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// `assigned`: a group or supplier named in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `linked`: the other incident's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked: Option<String>,
    /// `feedback_given`: the channel used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// `authority_notified`: the agreement's duty (`nis2-early`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<String>,
    /// `authority_notified`: whom, as the agreement named them then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// `authority_notified`: when the notification was made (it may be recorded later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_at: Option<DateTime<Utc>>,
}

/// Event kinds that only record history and never move a clock.
pub const HISTORY_KINDS: &[&str] = &[
    "assigned",
    "note",
    "linked",
    "security_flagged",
    "security_cleared",
    "personal_data_flagged",
    "personal_data_cleared",
    "authority_notified",
    "edited",
    "major_declared",
    "major_update",
    "major_escalated",
    "major_state",
    "major_role",
    "major_call",
    "major_notified",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventLogError {
    #[error("event '{kind}' is missing '{field}'")]
    Missing { kind: String, field: &'static str },
    #[error("unknown event kind '{0}'")]
    UnknownKind(String),
}

/// The stored name and data of a clock event.
pub fn store(kind: &EventKind) -> (&'static str, EventData) {
    let data = EventData::default();
    match kind {
        EventKind::Received { priority } => ("received", EventData { priority: priority.clone(), ..data }),
        EventKind::Responded => ("responded", data),
        EventKind::Paused { reason } => ("paused", EventData { reason: Some(reason.clone()), ..data }),
        EventKind::Resumed => ("resumed", data),
        EventKind::PriorityChanged { to } => ("priority_changed", EventData { to: Some(to.clone()), ..data }),
        EventKind::WorkaroundEstablished => ("workaround_established", data),
        EventKind::SolutionDescribed => ("solution_described", data),
        EventKind::SupplierClosed => ("supplier_closed", data),
        EventKind::FeedbackGiven => ("feedback_given", data),
        EventKind::Resolved => ("resolved", data),
        EventKind::Reopened => ("reopened", data),
        EventKind::Closed => ("closed", data),
        EventKind::Replanned { target, new_due, counterpart, reason } => (
            "replanned",
            EventData {
                target: Some(*target),
                new_due: Some(*new_due),
                counterpart: Some(counterpart.clone()),
                reason: Some(reason.clone()),
                ..data
            },
        ),
        EventKind::Deprioritised => ("deprioritised", data),
    }
}

/// The clock event a stored event stands for, or `None` for history-only kinds.
pub fn load(kind: &str, data: &EventData, at: DateTime<Utc>) -> Result<Option<IncidentEvent>, EventLogError> {
    let need = |field: &'static str, value: &Option<String>| {
        value.clone().ok_or_else(|| EventLogError::Missing { kind: kind.to_string(), field })
    };
    let event = match kind {
        "received" => EventKind::Received { priority: data.priority.clone() },
        "responded" => EventKind::Responded,
        "paused" => EventKind::Paused { reason: need("reason", &data.reason)? },
        "resumed" => EventKind::Resumed,
        "priority_changed" => EventKind::PriorityChanged { to: need("to", &data.to)? },
        "workaround_established" => EventKind::WorkaroundEstablished,
        "solution_described" => EventKind::SolutionDescribed,
        "supplier_closed" => EventKind::SupplierClosed,
        "feedback_given" => EventKind::FeedbackGiven,
        "resolved" => EventKind::Resolved,
        "reopened" => EventKind::Reopened,
        "closed" => EventKind::Closed,
        "replanned" => EventKind::Replanned {
            target: data.target.ok_or_else(|| EventLogError::Missing { kind: kind.into(), field: "target" })?,
            new_due: data.new_due.ok_or_else(|| EventLogError::Missing { kind: kind.into(), field: "new_due" })?,
            counterpart: need("counterpart", &data.counterpart)?,
            reason: need("reason", &data.reason)?,
        },
        "deprioritised" => EventKind::Deprioritised,
        other if HISTORY_KINDS.contains(&other) => return Ok(None),
        other => return Err(EventLogError::UnknownKind(other.to_string())),
    };
    Ok(Some(IncidentEvent::new(at, event)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_clock_event_survives_a_round_trip() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let kinds = [
            EventKind::Received { priority: Some("A".into()) },
            EventKind::Received { priority: None },
            EventKind::Responded,
            EventKind::Paused { reason: "venter på kunde".into() },
            EventKind::Resumed,
            EventKind::PriorityChanged { to: "Høy".into() },
            EventKind::WorkaroundEstablished,
            EventKind::SolutionDescribed,
            EventKind::SupplierClosed,
            EventKind::FeedbackGiven,
            EventKind::Resolved,
            EventKind::Reopened,
            EventKind::Closed,
            EventKind::Replanned {
                target: TargetKind::Resolution,
                new_due: at,
                counterpart: "systemeier".into(),
                reason: "tredjepart".into(),
            },
            EventKind::Deprioritised,
        ];
        for kind in kinds {
            let (name, data) = store(&kind);
            let back = load(name, &data, at).unwrap().unwrap();
            assert_eq!(back.kind, kind, "{name}");
        }
    }

    #[test]
    fn history_kinds_move_no_clock_and_unknown_kinds_are_errors() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        assert_eq!(load("note", &EventData::default(), at), Ok(None));
        assert!(matches!(load("teleported", &EventData::default(), at), Err(EventLogError::UnknownKind(_))));
        assert!(matches!(
            load("paused", &EventData::default(), at),
            Err(EventLogError::Missing { field: "reason", .. })
        ));
    }
}
