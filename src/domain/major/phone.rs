//! Phone duty (Altinn 2.9.8: "A- og B-saker meldes i tillegg på telefon"; digest R-35). For the
//! priorities the policy lists, every affected organisation's contacts in the configured roles get a call
//! task. A task is done once a call is logged (reached, not reached or voicemail) with a note; the notify
//! step is refused while calls are outstanding, so an e-mail alone never completes it for those
//! priorities. Every priority needs an e-mail to each affected organisation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::records::{ChannelKind, Contact, LedgerEntry};
use crate::domain::agreement::major_policy::PhoneDuty;
use crate::domain::names::stored_names;

stored_names!(
    /// How a call went.
    CallOutcome {
        /// Spoke to the contact.
        Reached => "reached",
        /// Nobody answered.
        NotReached => "not_reached",
        /// Left a voicemail.
        Voicemail => "voicemail",
    }
);

/// A logged call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallLog {
    /// When.
    pub at: DateTime<Utc>,
    /// Who called (database login).
    pub by: String,
    /// How it went.
    pub outcome: CallOutcome,
    /// What was said, or why nobody answered.
    pub note: String,
}

/// One contact to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallTask {
    /// The organisation's code.
    pub organisation: String,
    /// The contact's name.
    pub name: String,
    /// The contact's role.
    pub role: String,
    /// The number to call (mobile preferred).
    pub number: String,
    /// Calls logged so far.
    pub calls: Vec<CallLog>,
}

impl CallTask {
    /// Done once a call is logged.
    pub fn is_done(&self) -> bool {
        !self.calls.is_empty()
    }

    /// The last call's outcome.
    pub fn last_outcome(&self) -> Option<CallOutcome> {
        self.calls.last().map(|c| c.outcome)
    }

    /// Logs a call; a note is required.
    pub fn log_call(&mut self, call: CallLog) -> Result<(), PhoneDutyError> {
        if call.note.trim().is_empty() {
            return Err(PhoneDutyError::EmptyNote { name: self.name.clone() });
        }
        if call.by.trim().is_empty() {
            return Err(PhoneDutyError::NoCaller);
        }
        self.calls.push(call);
        Ok(())
    }

    fn describe(&self) -> String {
        format!("{} ({}, {}, {})", self.name, self.role, self.organisation, self.number)
    }
}

/// A contact that should be called but cannot be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactGap {
    /// The organisation has nobody in this role.
    NoContact {
        /// Organisation code.
        organisation: String,
        /// The role.
        role: String,
    },
    /// The contact has no phone or mobile number.
    NoNumber {
        /// Organisation code.
        organisation: String,
        /// The role.
        role: String,
        /// The contact's name.
        name: String,
    },
}

impl std::fmt::Display for ContactGap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContactGap::NoContact { organisation, role } => {
                write!(f, "{organisation} has no {role} in the contact directory")
            }
            ContactGap::NoNumber { organisation, role, name } => {
                write!(f, "{name} ({role}, {organisation}) has no phone or mobile number")
            }
        }
    }
}

/// The call tasks of a major incident and the contacts missing from the directory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PhoneDutyPlan {
    /// Calls to make.
    pub tasks: Vec<CallTask>,
    /// Warnings to show (fix the contact directory).
    pub gaps: Vec<ContactGap>,
}

/// Creates the call tasks for `priority`: one per contact with a configured role in each affected
/// organisation. Empty when the priority has no phone duty.
pub fn plan_calls(policy: &PhoneDuty, priority: &str, organisations: &[String], contacts: &[Contact]) -> PhoneDutyPlan {
    let mut plan = PhoneDutyPlan::default();
    if !policy.applies_to(priority) {
        return plan;
    }
    for organisation in organisations {
        for role in &policy.roles {
            let holders: Vec<&Contact> = contacts
                .iter()
                .filter(|c| {
                    c.organisation.eq_ignore_ascii_case(organisation) && c.role.to_lowercase() == role.to_lowercase()
                })
                .collect();
            if holders.is_empty() {
                plan.gaps.push(ContactGap::NoContact { organisation: organisation.clone(), role: role.clone() });
            }
            for contact in holders {
                match contact.call_number() {
                    Some(number) => plan.tasks.push(CallTask {
                        organisation: organisation.clone(),
                        name: contact.name.clone(),
                        role: contact.role.clone(),
                        number: number.to_string(),
                        calls: Vec::new(),
                    }),
                    None => plan.gaps.push(ContactGap::NoNumber {
                        organisation: organisation.clone(),
                        role: contact.role.clone(),
                        name: contact.name.clone(),
                    }),
                }
            }
        }
    }
    plan
}

/// Why the notify step cannot be completed, or a call not logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneDutyError {
    /// No e-mail to some affected organisations.
    #[error(
        "no e-mail to {organisations} is logged (or every one was dead-lettered): send the notification to every \
         affected organisation first, and send dead messages again once the channel works (R in the cockpit)"
    )]
    EmailMissing {
        /// Organisation codes, comma-separated.
        organisations: String,
    },
    /// Calls still to make.
    #[error(
        "priority {priority} must be notified by phone as well as e-mail; no call is logged yet to {outstanding}: \
         log each call (reached, not reached or voicemail) before completing the notify step"
    )]
    CallsOutstanding {
        /// The priority.
        priority: String,
        /// The contacts not yet called.
        outstanding: String,
    },
    /// Organisations without anyone to call.
    #[error(
        "priority {priority} must be notified by phone, but there is nobody to call at {organisations}: add a \
         contact in the role {roles} with a phone number to the contact directory"
    )]
    NobodyToCall {
        /// The priority.
        priority: String,
        /// Organisation codes, comma-separated.
        organisations: String,
        /// The configured roles, joined by " or ".
        roles: String,
    },
    /// A call log without a note.
    #[error("the call to {name} needs a note: what was said, or why nobody answered")]
    EmptyNote {
        /// The contact.
        name: String,
    },
    /// A call log without a caller.
    #[error("the call log needs the caller's login")]
    NoCaller,
}

/// Completes the notify step: every affected organisation has an e-mail logged (not dead-lettered), and for
/// priorities with phone duty every organisation has call tasks and each is done.
pub fn complete_notify_step(
    policy: &PhoneDuty,
    priority: &str,
    organisations: &[String],
    ledger: &[LedgerEntry],
    tasks: &[CallTask],
) -> Result<(), PhoneDutyError> {
    let emailed = |org: &String| {
        ledger.iter().any(|e| e.channel == ChannelKind::Email && e.counts() && e.audience.eq_ignore_ascii_case(org))
    };
    let unmailed: Vec<&str> = organisations.iter().filter(|o| !emailed(o)).map(String::as_str).collect();
    if !unmailed.is_empty() {
        return Err(PhoneDutyError::EmailMissing { organisations: unmailed.join(", ") });
    }
    if !policy.applies_to(priority) {
        return Ok(());
    }
    let uncovered: Vec<&str> = organisations
        .iter()
        .filter(|o| !tasks.iter().any(|t| t.organisation.eq_ignore_ascii_case(o)))
        .map(String::as_str)
        .collect();
    if !uncovered.is_empty() {
        return Err(PhoneDutyError::NobodyToCall {
            priority: priority.to_string(),
            organisations: uncovered.join(", "),
            roles: policy.roles.join(" or "),
        });
    }
    let outstanding: Vec<String> = tasks.iter().filter(|t| !t.is_done()).map(CallTask::describe).collect();
    if !outstanding.is_empty() {
        return Err(PhoneDutyError::CallsOutstanding {
            priority: priority.to_string(),
            outstanding: outstanding.join("; "),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
