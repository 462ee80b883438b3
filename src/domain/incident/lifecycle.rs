//! What each action on an incident does: which events it records and which fields it changes, and which
//! actions an agreement refuses. Pure: the database layer applies the outcome in one transaction.

use chrono::{DateTime, Utc};

use crate::domain::agreement::Agreement;
use crate::domain::agreement::regulatory::DutyTrigger;
use crate::domain::agreement::spec::TargetKind;
use crate::domain::incident::{Channel, Status, SupportLine, UnknownName};
use crate::domain::sla::EventKind;
use crate::domain::sla::event_log::{self, EventData};

/// An action on an existing incident.
#[derive(Debug, Clone, PartialEq)]
pub enum IncidentAction {
    /// First response to the reporter.
    Acknowledge,
    /// Give the incident to a person (login), a support line and/or a named group or supplier.
    Assign {
        assignee: Option<String>,
        line: Option<SupportLine>,
        group: Option<String>,
    },
    ChangePriority {
        to: String,
        reason: Option<String>,
    },
    Pause {
        reason: String,
    },
    Resume,
    MarkWorkaround,
    MarkSolutionDescribed,
    MarkSupplierClosed,
    /// Feedback given to the reporter, with the channel used.
    LogFeedback {
        channel: String,
        text: String,
    },
    Resolve,
    Close,
    Reopen,
    Note {
        text: String,
    },
    /// ROR 5.5: an agreed new plan for a target that cannot be met; the breach stays in the statistics.
    Replan {
        target: TargetKind,
        new_due: DateTime<Utc>,
        counterpart: String,
        reason: String,
    },
    /// Altinn 2.9.7: a C with a workaround may be deprioritised.
    Deprioritise {
        reason: String,
    },
    FlagSecurity,
    ClearSecurity,
    /// A security incident that involves personal data (a GDPR personal-data breach).
    FlagPersonalData,
    ClearPersonalData,
    /// A notification to an authority (an agreement's regulatory duty, by code) was made at `at`.
    RecordNotification {
        duty: String,
        at: DateTime<Utc>,
        note: Option<String>,
    },
}

impl IncidentAction {
    /// The words for messages ("acknowledge", "change priority" …).
    pub fn verb(&self) -> &'static str {
        match self {
            IncidentAction::Acknowledge => "acknowledge",
            IncidentAction::Assign { .. } => "assign",
            IncidentAction::ChangePriority { .. } => "change priority",
            IncidentAction::Pause { .. } => "pause",
            IncidentAction::Resume => "resume",
            IncidentAction::MarkWorkaround => "mark workaround",
            IncidentAction::MarkSolutionDescribed => "mark solution described",
            IncidentAction::MarkSupplierClosed => "mark supplier closed",
            IncidentAction::LogFeedback { .. } => "log feedback",
            IncidentAction::Resolve => "resolve",
            IncidentAction::Close => "close",
            IncidentAction::Reopen => "reopen",
            IncidentAction::Note { .. } => "add a note",
            IncidentAction::Replan { .. } => "re-plan",
            IncidentAction::Deprioritise { .. } => "deprioritise",
            IncidentAction::FlagSecurity => "flag as security incident",
            IncidentAction::ClearSecurity => "clear the security flag",
            IncidentAction::FlagPersonalData => "flag as involving personal data",
            IncidentAction::ClearPersonalData => "clear the personal-data flag",
            IncidentAction::RecordNotification { .. } => "record a notification",
        }
    }
}

/// The incident as the rules need to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub status: Status,
    pub priority: Option<String>,
    pub security: bool,
    pub personal_data: bool,
    pub workaround: bool,
    pub deprioritised: bool,
    pub assignee: Option<String>,
}

/// A field change; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub status: Option<Status>,
    pub priority: Option<String>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<String>>,
    pub line: Option<SupportLine>,
    pub security: Option<bool>,
    pub personal_data: Option<bool>,
    pub workaround: Option<bool>,
    pub reopened: Option<bool>,
    pub deprioritised: Option<bool>,
}

/// One event to record: its stored kind and data, and the clock event it stands for (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: &'static str,
    pub data: EventData,
    pub clock: Option<EventKind>,
}

impl NewEvent {
    fn clock(kind: EventKind) -> Self {
        let (name, data) = event_log::store(&kind);
        NewEvent { kind: name, data, clock: Some(kind) }
    }

    fn history(kind: &'static str, data: EventData) -> Self {
        NewEvent { kind, data, clock: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub events: Vec<NewEvent>,
    pub changes: Changes,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(message.into()))
}

/// What `action` cannot be at `now` whatever the incident: an agreed re-plan sets a due time still to come.
pub fn check_at(action: &IncidentAction, now: DateTime<Utc>) -> Result<(), Refusal> {
    match action {
        IncidentAction::Replan { new_due, .. } if *new_due <= now => refuse(format!(
            "the re-planned due time {} has already passed; agree one still to come",
            new_due.format("%Y-%m-%d %H:%M UTC")
        )),
        IncidentAction::RecordNotification { at, .. } if *at > now => refuse(format!(
            "a notification is recorded once it is made; {} is still to come",
            at.format("%Y-%m-%d %H:%M UTC")
        )),
        _ => Ok(()),
    }
}

/// The events and changes of `action` on `current`, or why the agreement or the incident's state refuses it.
pub fn plan(agreement: &Agreement, current: &Current, action: &IncidentAction) -> Result<Outcome, Refusal> {
    let open = current.status.is_open();
    if !open
        && !matches!(
            action,
            IncidentAction::Reopen
                | IncidentAction::Close
                | IncidentAction::Note { .. }
                | IncidentAction::LogFeedback { .. }
                | IncidentAction::RecordNotification { .. }
        )
    {
        return refuse(format!("cannot {} a {} incident; reopen it first", action.verb(), current.status.label()));
    }
    let mut changes = Changes::default();
    let events = match action {
        IncidentAction::Acknowledge => {
            if current.status != Status::New {
                return refuse(format!("already {}", current.status.label()));
            }
            require_priority(current, "acknowledging")?;
            changes.status = Some(Status::Acknowledged);
            vec![NewEvent::clock(EventKind::Responded)]
        }
        IncidentAction::Assign { assignee, line, group } => {
            if assignee.is_none() && line.is_none() && group.is_none() {
                return refuse("say whom to assign: a person, a support line or a group");
            }
            if let Some(login) = assignee {
                changes.assignee = Some(Some(login.clone()));
                if current.status == Status::Acknowledged {
                    changes.status = Some(Status::InProgress);
                }
            }
            changes.line = *line;
            let data = EventData {
                assignee: assignee.clone(),
                line: line.map(|l| l.as_str().to_string()),
                group: group.clone().filter(|g| !g.trim().is_empty()),
                ..EventData::default()
            };
            vec![NewEvent::history("assigned", data)]
        }
        IncidentAction::ChangePriority { to, reason } => {
            let label = agreement.priority(to).map_err(|e| Refusal(e.to_string()))?.label.clone();
            if current.priority.as_deref() == Some(label.as_str()) {
                return refuse(format!("the priority is already {label}"));
            }
            if let Some(required) = security_priority(agreement, current)
                && label != required
            {
                return refuse(format!(
                    "a security incident under {} is {required} and cannot be changed while it is flagged",
                    agreement.code()
                ));
            }
            changes.priority = Some(label.clone());
            let mut event = NewEvent::clock(EventKind::PriorityChanged { to: label });
            event.data.priority = current.priority.clone();
            event.data.reason = reason.clone().filter(|r| !r.trim().is_empty());
            vec![event]
        }
        IncidentAction::Pause { reason } => {
            if current.status == Status::Paused {
                return refuse("already paused");
            }
            let allowed = &agreement.clock_rules().pause_reasons;
            if allowed.is_empty() {
                return refuse(format!("{} allows no pausing of its clocks", agreement.code()));
            }
            let Some(reason) = allowed.iter().find(|r| r.eq_ignore_ascii_case(reason.trim())) else {
                return refuse(format!("{} allows pausing only for: {}", agreement.code(), allowed.join(", ")));
            };
            changes.status = Some(Status::Paused);
            vec![NewEvent::clock(EventKind::Paused { reason: reason.clone() })]
        }
        IncidentAction::Resume => {
            if current.status != Status::Paused {
                return refuse("not paused");
            }
            changes.status = Some(Status::InProgress);
            vec![NewEvent::clock(EventKind::Resumed)]
        }
        IncidentAction::MarkWorkaround => {
            if current.workaround {
                return refuse("a workaround is already recorded");
            }
            changes.workaround = Some(true);
            vec![NewEvent::clock(EventKind::WorkaroundEstablished)]
        }
        IncidentAction::MarkSolutionDescribed => vec![NewEvent::clock(EventKind::SolutionDescribed)],
        IncidentAction::MarkSupplierClosed => vec![NewEvent::clock(EventKind::SupplierClosed)],
        IncidentAction::LogFeedback { channel, text } => {
            let channel: Channel = channel.parse().map_err(|e: UnknownName| Refusal(e.to_string()))?;
            if channel == Channel::Monitoring {
                return refuse("feedback goes to a person: by email, phone, sms or web");
            }
            let mut event = NewEvent::clock(EventKind::FeedbackGiven);
            event.data.channel = Some(channel.as_str().to_string());
            event.data.text = Some(non_empty(text, "the feedback")?);
            vec![event]
        }
        IncidentAction::Resolve => {
            require_priority(current, "resolving")?;
            changes.status = Some(Status::Resolved);
            vec![NewEvent::clock(EventKind::Resolved)]
        }
        IncidentAction::Close => {
            if current.status != Status::Resolved {
                return refuse(format!(
                    "only a resolved incident can be closed (this one is {})",
                    current.status.label()
                ));
            }
            changes.status = Some(Status::Closed);
            vec![NewEvent::clock(EventKind::Closed)]
        }
        IncidentAction::Reopen => {
            if open {
                return refuse("the incident is open");
            }
            changes.status = Some(Status::InProgress);
            changes.reopened = Some(true);
            vec![NewEvent::clock(EventKind::Reopened)]
        }
        IncidentAction::Note { text } => {
            let data = EventData { text: Some(non_empty(text, "a note")?), ..EventData::default() };
            vec![NewEvent::history("note", data)]
        }
        IncidentAction::Replan { target, new_due, counterpart, reason } => {
            let priority = require_priority(current, "re-planning")?;
            let allowed =
                agreement.priority(&priority).ok().and_then(|p| p.target(*target)).is_some_and(|t| t.allow_replan);
            if !allowed {
                return refuse(format!(
                    "{} does not allow re-planning the {target} target of {priority}",
                    agreement.code()
                ));
            }
            let counterparts = &agreement.spec().rules.replan_counterparts;
            if !counterparts.is_empty() && !counterparts.iter().any(|c| c.eq_ignore_ascii_case(counterpart.trim())) {
                return refuse(format!("a re-plan is agreed with one of: {}", counterparts.join(", ")));
            }
            vec![NewEvent::clock(EventKind::Replanned {
                target: *target,
                new_due: *new_due,
                counterpart: non_empty(counterpart, "the counterpart")?,
                reason: non_empty(reason, "the reason")?,
            })]
        }
        IncidentAction::Deprioritise { reason } => {
            let priority = require_priority(current, "deprioritising")?;
            let allowed = agreement
                .priority(&priority)
                .ok()
                .is_some_and(|p| p.targets.iter().any(|t| t.deprioritise_on_workaround));
            if !allowed {
                return refuse(format!("{} does not allow deprioritising {priority}", agreement.code()));
            }
            if !current.workaround {
                return refuse("deprioritising needs a workaround first (Altinn 2.9.7)");
            }
            if current.deprioritised {
                return refuse("already deprioritised");
            }
            changes.deprioritised = Some(true);
            let mut event = NewEvent::clock(EventKind::Deprioritised);
            event.data.reason = Some(non_empty(reason, "the reason")?);
            vec![event]
        }
        IncidentAction::FlagSecurity => {
            if current.security {
                return refuse("already flagged as a security incident");
            }
            changes.security = Some(true);
            let mut events = vec![NewEvent::history("security_flagged", EventData::default())];
            // Altinn 1.3: a (suspected) security incident is category A; raise it as part of the same action.
            if let Some(required) = &agreement.spec().rules.security_priority
                && current.priority.as_deref() != Some(required.as_str())
            {
                changes.priority = Some(required.clone());
                let mut raise = NewEvent::clock(EventKind::PriorityChanged { to: required.clone() });
                raise.data.priority = current.priority.clone();
                raise.data.reason = Some("security incident".into());
                events.push(raise);
            }
            events
        }
        IncidentAction::ClearSecurity => {
            if !current.security {
                return refuse("not flagged as a security incident");
            }
            changes.security = Some(false);
            if current.personal_data {
                changes.personal_data = Some(false);
            }
            vec![NewEvent::history("security_cleared", EventData::default())]
        }
        IncidentAction::FlagPersonalData => {
            if !current.security {
                return refuse("a personal-data breach is a security incident: flag it as one first");
            }
            if current.personal_data {
                return refuse("already flagged as involving personal data");
            }
            changes.personal_data = Some(true);
            vec![NewEvent::history("personal_data_flagged", EventData::default())]
        }
        IncidentAction::ClearPersonalData => {
            if !current.personal_data {
                return refuse("not flagged as involving personal data");
            }
            changes.personal_data = Some(false);
            vec![NewEvent::history("personal_data_cleared", EventData::default())]
        }
        IncidentAction::RecordNotification { duty, at, note } => {
            if !current.security {
                return refuse("notifications to authorities are recorded on a flagged security incident");
            }
            let duties = &agreement.spec().regulatory;
            let wanted = duty.trim().replace('_', "-").to_ascii_lowercase();
            let Some(known) = duties.iter().find(|d| d.code == wanted) else {
                let codes: Vec<&str> = duties.iter().map(|d| d.code.as_str()).collect();
                return if codes.is_empty() {
                    refuse(format!("{} lists no notification duties", agreement.code()))
                } else {
                    refuse(format!("unknown duty '{}': {} lists {}", duty.trim(), agreement.code(), codes.join(", ")))
                };
            };
            if known.when == DutyTrigger::PersonalData && !current.personal_data {
                return refuse(format!("{} applies to a personal-data breach: flag that first", known.code));
            }
            let data = EventData {
                duty: Some(known.code.clone()),
                authority: Some(known.authority.clone()),
                notified_at: Some(*at),
                text: note.clone().filter(|n| !n.trim().is_empty()),
                ..EventData::default()
            };
            vec![NewEvent::history("authority_notified", data)]
        }
    };
    Ok(Outcome { events, changes })
}

/// A new incident's first event: received, with its priority if one was given.
pub fn received(agreement: &Agreement, priority: Option<&str>) -> Result<NewEvent, Refusal> {
    let label = match priority.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(agreement.priority(p).map_err(|e| Refusal(e.to_string()))?.label.clone()),
        None => None,
    };
    Ok(NewEvent::clock(EventKind::Received { priority: label }))
}

fn require_priority(current: &Current, doing: &str) -> Result<String, Refusal> {
    current
        .priority
        .clone()
        .ok_or_else(|| Refusal(format!("set a priority before {doing}: it is mandatory once an incident leaves new")))
}

fn security_priority(agreement: &Agreement, current: &Current) -> Option<String> {
    current.security.then(|| agreement.spec().rules.security_priority.clone()).flatten()
}

fn non_empty(text: &str, what: &str) -> Result<String, Refusal> {
    if text.trim().is_empty() { refuse(format!("{what} must not be empty")) } else { Ok(text.to_string()) }
}

#[cfg(test)]
mod tests;
