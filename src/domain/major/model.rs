//! A major incident: its declaration (who, when, what is affected, whether it is an exercise), the roles
//! of the people working it, its state and its escalation steps.
//!
//! Roles adapt Netflix Dispatch's `ParticipantRoleType` (incident commander, scribe, liaison, reporter,
//! participant, observer) and ServiceNow's major incident workbench (major incident manager,
//! communications manager, resolver groups):
//!
//! | vakt role           | Dispatch                        | ServiceNow             | seeds                        |
//! |---------------------|---------------------------------|------------------------|------------------------------|
//! | incident manager    | incident commander (assignee)   | major incident manager | STH Incident Manager / MIM   |
//! | communications lead | liaison (towards stakeholders)  | communications manager | ALT 2.9.5 "berørte TE"       |
//! | scribe              | scribe                          | (work notes)           | —                            |
//! | technical lead      | participant leading the fix     | resolver group         | 2nd/3rd line                 |
//! | supplier liaison    | liaison (towards suppliers)     | (vendor contact)       | STH "styr och samordnar"     |
//! | reporter            | reporter                        | caller                 | innmelder                    |
//! | participant         | participant                     | collaborator           | —                            |
//! | observer            | observer                        | —                      | —                            |
//!
//! There is exactly one incident manager at a time: assigning a new one ends the previous assignment.
//! The declarer is the incident manager until someone else is assigned.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::escalation::EscalationStep;
use crate::domain::agreement::Agreement;
use crate::domain::names::stored_names;

stored_names!(
    /// Where a major incident is in its life.
    MajorState {
        /// Declared; the incident is being worked.
        Declared => "declared",
        /// The impact is contained (workaround in place); updates continue.
        Mitigated => "mitigated",
        /// Service restored; the post-incident report is due.
        Resolved => "resolved",
        /// Finished.
        Closed => "closed",
    }
);

impl MajorState {
    /// Index into [`super::locale::Words::states`].
    pub fn index(self) -> usize {
        match self {
            MajorState::Declared => 0,
            MajorState::Mitigated => 1,
            MajorState::Resolved => 2,
            MajorState::Closed => 3,
        }
    }

    /// While declared or mitigated, stakeholders expect updates and escalation may go on.
    pub fn is_active(self) -> bool {
        matches!(self, MajorState::Declared | MajorState::Mitigated)
    }

    /// The states this one may move to: forward (mitigation may be skipped), or back to declared when a
    /// mitigation fails or the incident comes back. Closed is final.
    pub fn may_become(self, to: MajorState) -> bool {
        use MajorState::*;
        matches!(
            (self, to),
            (Declared, Mitigated | Resolved) | (Mitigated, Resolved | Declared) | (Resolved, Closed | Declared)
        )
    }
}

stored_names!(
    /// A role in a major incident (see the module documentation for the mapping).
    MajorRole {
        /// Leads the response; exactly one at a time.
        IncidentManager => "incident_manager",
        /// Writes and sends stakeholder updates.
        CommunicationsLead => "communications_lead",
        /// Keeps the timeline.
        Scribe => "scribe",
        /// Leads the technical work (a person or a resolver group).
        TechnicalLead => "technical_lead",
        /// Steers and coordinates a supplier.
        SupplierLiaison => "supplier_liaison",
        /// Reported the incident.
        Reporter => "reporter",
        /// Takes part.
        Participant => "participant",
        /// Follows without acting.
        Observer => "observer",
    }
);

/// Someone holding a role, from `assumed_at` until `renounced_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    /// The role.
    pub role: MajorRole,
    /// Who: a database login, a name or a resolver group.
    pub person: String,
    /// The organisation they act for (supplier liaison, technical lead), if any.
    pub organisation: Option<String>,
    /// Since when.
    pub assumed_at: DateTime<Utc>,
    /// Who assigned it.
    pub assigned_by: String,
    /// Until when, once ended.
    pub renounced_at: Option<DateTime<Utc>>,
}

/// What the MIM states when declaring a major incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    /// The incident's reference ("INC-2026-0042").
    pub reference: String,
    /// The agreement's code.
    pub agreement: String,
    /// The priority label.
    pub priority: String,
    /// A short title.
    pub title: String,
    /// When it was declared.
    pub at: DateTime<Utc>,
    /// Who declared it (database login).
    pub by: String,
    /// Affected service codes.
    pub services: Vec<String>,
    /// Affected organisation codes (default: the owners of the services).
    pub organisations: Vec<String>,
    /// The impact as the MIM describes it.
    pub impact: String,
    /// An exercise: run the same way, excluded from SLA and availability figures, marked in every message.
    pub exercise: bool,
}

/// A change of state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// Before.
    pub from: MajorState,
    /// After.
    pub to: MajorState,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// Why, as written.
    pub note: String,
}

/// A refused action on a major incident.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MajorError {
    /// A required field is empty.
    #[error("the declaration needs {field}")]
    Missing {
        /// What is missing, in words.
        field: &'static str,
    },
    /// The priority is not the agreement's.
    #[error("agreement {agreement} has no priority '{priority}' (known: {known})")]
    UnknownPriority {
        /// Agreement code.
        agreement: String,
        /// The label given.
        priority: String,
        /// Known labels.
        known: String,
    },
    /// A service the agreement does not cover.
    #[error("agreement {agreement} does not cover service '{service}' (known: {known})")]
    UnknownService {
        /// Agreement code.
        agreement: String,
        /// The code given.
        service: String,
        /// Known codes.
        known: String,
    },
    /// The declaration names another agreement.
    #[error("the declaration is for agreement {declared}, not {given}")]
    WrongAgreement {
        /// In the declaration.
        declared: String,
        /// The agreement passed in.
        given: String,
    },
    /// A state change that is not allowed.
    #[error("a major incident cannot go from {from} to {to}{hint}")]
    Transition {
        /// Current state.
        from: MajorState,
        /// Requested state.
        to: MajorState,
        /// What to do instead.
        hint: &'static str,
    },
    /// An action dated before the incident's last recorded change.
    #[error("{what} at {at} is earlier than the last recorded change ({last}): check the time")]
    BackInTime {
        /// The action.
        what: &'static str,
        /// Its instant.
        at: DateTime<Utc>,
        /// The last recorded instant.
        last: DateTime<Utc>,
    },
    /// The person already holds the role.
    #[error("{person} is already {role}")]
    AlreadyAssigned {
        /// Who.
        person: String,
        /// The role.
        role: MajorRole,
    },
    /// Ending a role nobody holds.
    #[error("{person} does not hold the role {role}")]
    NotAssigned {
        /// Who.
        person: String,
        /// The role.
        role: MajorRole,
    },
    /// Ending the incident manager's role without a successor.
    #[error("the incident manager cannot step down without a successor: assign the new incident manager instead")]
    IncidentManagerRequired,
    /// Changing a closed major incident.
    #[error("the major incident is closed")]
    Closed,
}

/// A major incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorIncident {
    /// What was declared.
    pub declaration: Declaration,
    /// Every role assignment, current and ended.
    pub roles: Vec<RoleAssignment>,
    /// Current state.
    pub state: MajorState,
    /// State changes in order.
    pub state_changes: Vec<StateChange>,
    /// Escalation steps in order; the level is the last step's (0 = the ladder's first level).
    pub escalations: Vec<EscalationStep>,
}

impl MajorIncident {
    /// Declares a major incident under `agreement`: checks the fields, normalises the priority label and
    /// service codes to the agreement's spelling, fills the organisations from the services' owners when
    /// none are given, and makes the declarer the incident manager.
    pub fn declare(mut declaration: Declaration, agreement: &Agreement) -> Result<Self, MajorError> {
        let spec = agreement.spec();
        if declaration.agreement != spec.code {
            return Err(MajorError::WrongAgreement { declared: declaration.agreement, given: spec.code.clone() });
        }
        for (value, field) in [
            (&declaration.reference, "the incident's reference"),
            (&declaration.title, "a title"),
            (&declaration.by, "who declares it"),
            (&declaration.impact, "a description of the impact"),
        ] {
            if value.trim().is_empty() {
                return Err(MajorError::Missing { field });
            }
        }
        declaration.priority = agreement
            .priority(&declaration.priority)
            .map_err(|_| MajorError::UnknownPriority {
                agreement: spec.code.clone(),
                priority: declaration.priority.clone(),
                known: spec.priorities.iter().map(|p| p.label.as_str()).collect::<Vec<_>>().join(", "),
            })?
            .label
            .clone();
        if declaration.services.is_empty() {
            return Err(MajorError::Missing { field: "at least one affected service" });
        }
        let mut services = Vec::new();
        for code in &declaration.services {
            let service = spec.services.iter().find(|s| s.code.eq_ignore_ascii_case(code.trim())).ok_or_else(|| {
                MajorError::UnknownService {
                    agreement: spec.code.clone(),
                    service: code.clone(),
                    known: spec.services.iter().map(|s| s.code.as_str()).collect::<Vec<_>>().join(", "),
                }
            })?;
            push_unique(&mut services, &service.code);
        }
        let mut organisations = Vec::new();
        for org in declaration.organisations.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            push_unique(&mut organisations, org);
        }
        if organisations.is_empty() {
            for code in &services {
                if let Some(s) = spec.services.iter().find(|s| &s.code == code) {
                    push_unique(&mut organisations, &s.owner);
                }
            }
        }
        declaration.services = services;
        declaration.organisations = organisations;
        let manager = RoleAssignment {
            role: MajorRole::IncidentManager,
            person: declaration.by.clone(),
            organisation: None,
            assumed_at: declaration.at,
            assigned_by: declaration.by.clone(),
            renounced_at: None,
        };
        Ok(Self {
            declaration,
            roles: vec![manager],
            state: MajorState::Declared,
            state_changes: Vec::new(),
            escalations: Vec::new(),
        })
    }

    /// The current escalation level (0 = the ladder's first level).
    pub fn level(&self) -> usize {
        self.escalations.last().map_or(0, |s| s.level)
    }

    /// The latest recorded instant: declaration, state change, role change or escalation.
    pub fn last_change(&self) -> DateTime<Utc> {
        let roles = self.roles.iter().flat_map(|r| [Some(r.assumed_at), r.renounced_at]).flatten();
        let states = self.state_changes.iter().map(|c| c.at);
        let steps = self.escalations.iter().map(|s| s.at);
        roles.chain(states).chain(steps).fold(self.declaration.at, DateTime::max)
    }

    /// When the incident was (last) resolved, if it is resolved or closed.
    pub fn resolved_at(&self) -> Option<DateTime<Utc>> {
        if !matches!(self.state, MajorState::Resolved | MajorState::Closed) {
            return None;
        }
        self.state_changes.iter().rev().find(|c| c.to == MajorState::Resolved).map(|c| c.at)
    }

    /// The people holding `role` now.
    pub fn holders(&self, role: MajorRole) -> impl Iterator<Item = &RoleAssignment> {
        self.roles.iter().filter(move |r| r.role == role && r.renounced_at.is_none())
    }

    /// The incident manager now.
    pub fn incident_manager(&self) -> Option<&str> {
        self.holders(MajorRole::IncidentManager).next().map(|r| r.person.as_str())
    }

    /// Assigns a role. A new incident manager replaces the current one.
    pub fn assign(
        &mut self,
        role: MajorRole,
        person: &str,
        organisation: Option<&str>,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<(), MajorError> {
        self.check_open("the role change", at)?;
        let person = person.trim();
        if person.is_empty() {
            return Err(MajorError::Missing { field: "who takes the role" });
        }
        if self.holders(role).any(|r| r.person == person) {
            return Err(MajorError::AlreadyAssigned { person: person.to_string(), role });
        }
        if role == MajorRole::IncidentManager {
            for current in self.roles.iter_mut().filter(|r| r.role == role && r.renounced_at.is_none()) {
                current.renounced_at = Some(at);
            }
        }
        self.roles.push(RoleAssignment {
            role,
            person: person.to_string(),
            organisation: organisation.map(str::to_string),
            assumed_at: at,
            assigned_by: by.to_string(),
            renounced_at: None,
        });
        Ok(())
    }

    /// Ends someone's role. The incident manager is replaced through [`Self::assign`] instead.
    pub fn renounce(&mut self, role: MajorRole, person: &str, at: DateTime<Utc>) -> Result<(), MajorError> {
        self.check_open("the role change", at)?;
        if role == MajorRole::IncidentManager {
            return Err(MajorError::IncidentManagerRequired);
        }
        let held = self.roles.iter_mut().find(|r| r.role == role && r.person == person && r.renounced_at.is_none());
        let held = held.ok_or_else(|| MajorError::NotAssigned { person: person.to_string(), role })?;
        held.renounced_at = Some(at);
        Ok(())
    }

    /// Moves the incident to another state.
    pub fn transition(&mut self, to: MajorState, at: DateTime<Utc>, by: &str, note: &str) -> Result<(), MajorError> {
        self.check_open("the state change", at)?;
        if !self.state.may_become(to) {
            let hint = match (self.state, to) {
                (MajorState::Declared | MajorState::Mitigated, MajorState::Closed) => ": resolve it first",
                (from, to) if from == to => ": it already is",
                _ => "",
            };
            return Err(MajorError::Transition { from: self.state, to, hint });
        }
        self.state_changes.push(StateChange { from: self.state, to, at, by: by.to_string(), note: note.to_string() });
        self.state = to;
        Ok(())
    }

    fn check_open(&self, what: &'static str, at: DateTime<Utc>) -> Result<(), MajorError> {
        if self.state == MajorState::Closed {
            return Err(MajorError::Closed);
        }
        let last = self.last_change();
        if at < last {
            return Err(MajorError::BackInTime { what, at, last });
        }
        Ok(())
    }
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

#[cfg(test)]
mod tests;
