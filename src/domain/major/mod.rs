//! Major incidents: the on-duty rota, the major incident and its roles, the stakeholder update cadence,
//! status updates rendered per channel, the escalation ladder, phone duty, shift hand-over and the
//! post-incident report. Pure: time is always an argument, text is data (never interpreted, escaped for
//! each output format), and every refusal is an error a user can act on.
//!
//! Where the seeds are silent the agreement's `[major]` section holds an explicit setting (see
//! [`policy`]); nothing here invents a number the agreement file does not state.
//!
//! Roles follow Netflix Dispatch's `ParticipantRoleType` and ServiceNow's major incident workbench,
//! adapted in [`model::MajorRole`].

pub mod cadence;
pub mod channels;
pub mod contact_rules;
pub mod escalation;
pub mod handover;
pub mod locale;
pub mod model;
pub mod phone;
pub mod records;
pub mod report;
pub mod rota;
pub mod sms;
pub mod update;
pub mod webhook;

pub use crate::domain::agreement::major_policy::{
    CadenceInterval, CadencePolicy, DutyLine, EscalationPolicy, LadderLevel, MajorPolicy, PhoneDuty, ReportPolicy,
};
pub use cadence::{CadenceState, CadenceStatus, cadence_at, major_cadence, next_update_due};
pub use channels::{EmailMessage, render_email};
pub use escalation::{
    EscalationError, EscalationReason, EscalationRequest, EscalationStep, Proposal, escalate, propose,
};
pub use handover::{Acknowledgement, HandoverError, HandoverMajor, HandoverNote, OpenMajor, assemble_handover};
pub use locale::Lang;
pub use model::{Declaration, MajorError, MajorIncident, MajorRole, MajorState, RoleAssignment, StateChange};
pub use phone::{
    CallLog, CallOutcome, CallTask, ContactGap, PhoneDutyError, PhoneDutyPlan, complete_notify_step, plan_calls,
};
pub use records::{ChannelKind, Contact, DeliveryState, LedgerEntry, TimelineEntry, TimelineKind};
pub use report::{FollowUp, PostIncidentReport, ReportError, draft_report, report_due};
pub use rota::{DutyContact, RotaError, Shift, duty_contact, on_duty, rota_problems, validate_rota};
pub use sms::{SmsEncoding, SmsMessage, render_sms};
pub use update::{Eta, MessageHeader, StatusUpdate, UpdateError};
pub use webhook::{WebhookPayload, WebhookPreset, render_webhook};

#[cfg(test)]
mod seed_tests;
#[cfg(test)]
pub(crate) mod test_support;
