//! The post-incident report: a draft assembled from the timeline, the SLA clocks, the communications
//! ledger and the escalation steps, completed by the MIM (summary, impact, root cause, actions and
//! lessons are editable), due a configurable time after resolution. None of the seeds sets a deadline or
//! a content for it (digest A §7.5, B §7.4), so both are explicit settings: `[major.report] due`.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::escalation::EscalationStep;
use super::locale::local_time;
use super::model::MajorIncident;
use super::records::{LedgerEntry, TimelineEntry};
use crate::domain::agreement::Agreement;
use crate::domain::agreement::major_policy::MajorPolicy;
use crate::domain::agreement::spec::{Notice, NoticeUnit};
use crate::domain::sla::record::ClockRecord;
use crate::domain::text::duration::human;

/// An action or follow-up point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// What is to be done.
    pub text: String,
    /// Who owns it.
    pub owner: String,
    /// By when, if agreed.
    pub due: Option<NaiveDate>,
}

impl FollowUp {
    /// One action as typed: `text | owner | YYYY-MM-DD` (owner and date optional).
    pub fn parse_line(line: &str) -> Result<FollowUp, String> {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let due = parts
            .get(2)
            .filter(|d| !d.is_empty())
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
            .transpose()
            .map_err(|_| format!("'{}': the due date must be YYYY-MM-DD", line.trim()))?;
        let text = parts.first().copied().unwrap_or_default();
        if text.is_empty() {
            return Err(format!("'{}': an action needs a text before the first |", line.trim()));
        }
        Ok(FollowUp { text: text.to_string(), owner: parts.get(1).copied().unwrap_or_default().to_string(), due })
    }
}

/// Facts about the incident, fixed when the draft is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportHeader {
    /// Incident reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Agreement code.
    pub agreement: String,
    /// Priority label.
    pub priority: String,
    /// Exercise.
    pub exercise: bool,
    /// Declared.
    pub declared_at: DateTime<Utc>,
    /// Resolved.
    pub resolved_at: DateTime<Utc>,
    /// When the report is due.
    pub due: DateTime<Utc>,
}

/// What the records say: assembled, not edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRecords {
    /// Timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// SLA clocks as frozen at resolution.
    pub clocks: Vec<ClockRecord>,
    /// The communications ledger, oldest first.
    pub communications: Vec<LedgerEntry>,
    /// Escalation steps.
    pub escalations: Vec<EscalationStep>,
}

/// What the MIM writes (pre-filled where the records allow).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportFindings {
    /// Summary.
    pub summary: String,
    /// Impact.
    pub impact: String,
    /// Root cause.
    pub root_cause: String,
    /// Actions and follow-ups.
    pub actions: Vec<FollowUp>,
    /// Lessons learned.
    pub lessons: String,
}

/// Who completed the report, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A post-incident report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostIncidentReport {
    /// Fixed facts.
    pub header: ReportHeader,
    /// Assembled records.
    pub records: ReportRecords,
    /// The MIM's findings.
    pub findings: ReportFindings,
    /// Set once completed.
    pub completed: Option<Completion>,
}

/// A refused report action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Drafting before resolution.
    #[error("the major incident is {state}: the post-incident report is drafted once it is resolved")]
    NotResolved {
        /// The state.
        state: String,
    },
    /// The due date could not be computed.
    #[error("cannot compute the report's due date: {0}")]
    Due(String),
    /// Required sections are empty.
    #[error("the report cannot be completed: fill in {sections}")]
    Incomplete {
        /// The empty sections, comma-separated.
        sections: String,
    },
    /// An action without text or owner.
    #[error("action {number} needs both a description and an owner")]
    FollowUpIncomplete {
        /// 1-based.
        number: usize,
    },
    /// Completed twice.
    #[error("the report was already completed by {by} at {at}")]
    AlreadyCompleted {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// No completer.
    #[error("completing the report needs the login of who completes it")]
    NoCompleter,
}

/// When a report for an incident resolved at `resolved_at` is due: N working days of the agreement's
/// support calendar (the same local time on the Nth following working day, counted from the next
/// opening), or N calendar days at the same local time.
pub fn report_due(
    agreement: &Agreement,
    due: &Notice,
    resolved_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, ReportError> {
    match due.unit {
        NoticeUnit::WorkingDays => agreement
            .support_calendar()
            .same_time_on_nth_working_day(resolved_at, due.amount)
            .map_err(|e| ReportError::Due(e.to_string())),
        NoticeUnit::Days => {
            let local = resolved_at.with_timezone(&agreement.zone());
            // A local time that does not exist (or exists twice) on the due date falls back to whole days.
            let shifted = local.checked_add_days(Days::new(u64::from(due.amount))).map(|t| t.with_timezone(&Utc));
            shifted
                .or_else(|| resolved_at.checked_add_signed(chrono::Duration::days(i64::from(due.amount))))
                .ok_or_else(|| ReportError::Due(format!("{} days after {resolved_at} is out of range", due.amount)))
        }
    }
}

/// Drafts the report of a resolved (or closed) major incident. The summary and impact are pre-filled
/// from the declaration; timeline and ledger are sorted oldest first.
pub fn draft_report(
    major: &MajorIncident,
    agreement: &Agreement,
    policy: &MajorPolicy,
    timeline: &[TimelineEntry],
    clocks: &[ClockRecord],
    ledger: &[LedgerEntry],
) -> Result<PostIncidentReport, ReportError> {
    let resolved_at = major.resolved_at().ok_or_else(|| ReportError::NotResolved { state: major.state.to_string() })?;
    let d = &major.declaration;
    let zone = agreement.zone();
    let mut timeline = timeline.to_vec();
    timeline.sort_by_key(|e| e.at);
    let mut communications = ledger.to_vec();
    communications.sort_by_key(|e| e.at);
    let summary = format!(
        "{}. {} – {} ({}).",
        d.title.trim(),
        local_time(d.at, zone),
        local_time(resolved_at, zone),
        human(resolved_at - d.at)
    );
    Ok(PostIncidentReport {
        header: ReportHeader {
            reference: d.reference.clone(),
            title: d.title.clone(),
            agreement: d.agreement.clone(),
            priority: d.priority.clone(),
            exercise: d.exercise,
            declared_at: d.at,
            resolved_at,
            due: report_due(agreement, &policy.report.due, resolved_at)?,
        },
        records: ReportRecords {
            timeline,
            clocks: clocks.to_vec(),
            communications,
            escalations: major.escalations.clone(),
        },
        findings: ReportFindings {
            summary,
            impact: d.impact.clone(),
            root_cause: String::new(),
            actions: Vec::new(),
            lessons: String::new(),
        },
        completed: None,
    })
}

impl PostIncidentReport {
    /// Whether the report is still open after its due date.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.completed.is_none() && now > self.header.due
    }

    /// Completes the report: summary, impact, root cause and lessons must be filled in, and every action
    /// needs a description and an owner.
    pub fn complete(&mut self, by: &str, at: DateTime<Utc>) -> Result<(), ReportError> {
        if let Some(done) = &self.completed {
            return Err(ReportError::AlreadyCompleted { by: done.by.clone(), at: done.at });
        }
        if by.trim().is_empty() {
            return Err(ReportError::NoCompleter);
        }
        let f = &self.findings;
        let empty: Vec<&str> = [
            ("summary", &f.summary),
            ("impact", &f.impact),
            ("root cause", &f.root_cause),
            ("lessons learned", &f.lessons),
        ]
        .into_iter()
        .filter(|(_, text)| text.trim().is_empty())
        .map(|(name, _)| name)
        .collect();
        if !empty.is_empty() {
            return Err(ReportError::Incomplete { sections: empty.join(", ") });
        }
        if let Some(i) = f.actions.iter().position(|a| a.text.trim().is_empty() || a.owner.trim().is_empty()) {
            return Err(ReportError::FollowUpIncomplete { number: i + 1 });
        }
        self.completed = Some(Completion { by: by.to_string(), at });
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
