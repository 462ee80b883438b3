//! Change needs (issue 13; Altinn Tjenesteavtale §2.10): their states and the three clocks the agreement sets on
//! them, measured in the agreement's working days by the SLA engine's own rule (`Agreement::budget` on the support
//! calendar, Norwegian holidays included):
//! * feedback on status and plan within 5 working days of receipt (§2.10.1);
//! * qualified and prioritised within 20 working days of receipt (§2.10.4);
//! * a high-priority need analysed within 20 working days after qualification (§2.10.5).
//!
//! Pure: the caller passes `now`.

pub mod overview;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::agreement::spec::{ClockRef, Target, TargetKind, TargetUnit};
use crate::domain::agreement::{Agreement, AgreementError};

/// Working days from receipt to feedback (§2.10.1).
pub const FEEDBACK_WORKING_DAYS: u32 = 5;
/// Working days from receipt to qualification (§2.10.4).
pub const QUALIFICATION_WORKING_DAYS: u32 = 20;
/// Working days from qualification to analysis, for high priority (§2.10.5).
pub const ANALYSIS_WORKING_DAYS: u32 = 20;

/// Where a need is, as the database stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedState {
    Received,
    FeedbackGiven,
    Qualified,
    Analysed,
    Planned,
    Delivered,
    Rejected,
}

impl NeedState {
    pub const ALL: [NeedState; 7] = [
        NeedState::Received,
        NeedState::FeedbackGiven,
        NeedState::Qualified,
        NeedState::Analysed,
        NeedState::Planned,
        NeedState::Delivered,
        NeedState::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NeedState::Received => "received",
            NeedState::FeedbackGiven => "feedback_given",
            NeedState::Qualified => "qualified",
            NeedState::Analysed => "analysed",
            NeedState::Planned => "planned",
            NeedState::Delivered => "delivered",
            NeedState::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<NeedState> {
        NeedState::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// Delivered or rejected: nothing more happens to it.
    pub fn is_closed(self) -> bool {
        matches!(self, NeedState::Delivered | NeedState::Rejected)
    }
}

/// A need's priority, as requested by the submitter and as decided when qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedPriority {
    High,
    Medium,
    Low,
}

impl NeedPriority {
    pub fn as_str(self) -> &'static str {
        match self {
            NeedPriority::High => "high",
            NeedPriority::Medium => "medium",
            NeedPriority::Low => "low",
        }
    }

    /// Accepts the English words and Altinn's Norwegian ones (høy, middels, lav).
    pub fn parse(text: &str) -> Option<NeedPriority> {
        match text.trim().to_lowercase().as_str() {
            "high" | "høy" | "hoy" => Some(NeedPriority::High),
            "medium" | "middels" => Some(NeedPriority::Medium),
            "low" | "lav" => Some(NeedPriority::Low),
            _ => None,
        }
    }
}

/// Checks a new need before it is sent: the submitter must justify "high" (§2.10.5). The database holds the same
/// rule; this gives the message before the round trip.
pub fn check_justification(priority: NeedPriority, justification: Option<&str>) -> Result<(), String> {
    let justified = justification.is_some_and(|j| !j.trim().is_empty());
    if priority == NeedPriority::High && !justified {
        return Err("a high-priority change need must say why it is high: give --justification".into());
    }
    Ok(())
}

/// The step times the clocks are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedTimes {
    pub received: DateTime<Utc>,
    pub feedback: Option<DateTime<Utc>>,
    pub qualified: Option<DateTime<Utc>>,
    pub analysed: Option<DateTime<Utc>>,
    /// Rejection stops every clock still running (the need is answered).
    pub rejected: Option<DateTime<Utc>>,
    /// ASF's priority once qualified.
    pub priority: Option<NeedPriority>,
}

/// Which clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NeedClockKind {
    Feedback,
    Qualification,
    Analysis,
}

impl NeedClockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NeedClockKind::Feedback => "feedback",
            NeedClockKind::Qualification => "qualification",
            NeedClockKind::Analysis => "analysis",
        }
    }

    pub fn working_days(self) -> u32 {
        match self {
            NeedClockKind::Feedback => FEEDBACK_WORKING_DAYS,
            NeedClockKind::Qualification => QUALIFICATION_WORKING_DAYS,
            NeedClockKind::Analysis => ANALYSIS_WORKING_DAYS,
        }
    }
}

/// How a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedClockOutcome {
    /// Stopped by its step on or before the due time.
    Met,
    /// Stopped after the due time, or still running past it.
    Breached,
    /// Still running, not yet due.
    Running,
}

impl NeedClockOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            NeedClockOutcome::Met => "met",
            NeedClockOutcome::Breached => "breached",
            NeedClockOutcome::Running => "running",
        }
    }
}

/// One clock of a need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedClock {
    pub kind: NeedClockKind,
    pub started: DateTime<Utc>,
    pub due: DateTime<Utc>,
    /// When its step was taken (or the need rejected), if it was.
    pub stopped: Option<DateTime<Utc>>,
    pub outcome: NeedClockOutcome,
    /// Working days (of the support calendar) from today to the due date: 0 on the due day, negative once past
    /// it; `None` once stopped.
    pub working_days_left: Option<i64>,
}

impl NeedClock {
    /// Whether it is still running (not stopped), breached or not.
    pub fn is_running(&self) -> bool {
        self.stopped.is_none()
    }

    /// "due 2026-12-14, 3 wd left", "2 wd overdue", "met": the board's countdown in working days.
    pub fn countdown_text(&self) -> String {
        match (self.outcome, self.working_days_left) {
            (NeedClockOutcome::Met, _) => "met".into(),
            (NeedClockOutcome::Breached, None) => "BREACHED".into(),
            (_, Some(0)) if self.outcome == NeedClockOutcome::Running => "due today".into(),
            (_, Some(left)) if left > 0 => format!("{left} wd left"),
            (_, Some(0)) => "BREACHED today".into(),
            (_, Some(left)) => format!("BREACHED {} wd ago", -left),
            (_, None) => self.outcome.as_str().into(),
        }
    }
}

/// The clocks of a need as of `now`: feedback and qualification always, analysis once qualified as high.
pub fn clocks(agreement: &Agreement, times: &NeedTimes, now: DateTime<Utc>) -> Result<Vec<NeedClock>, AgreementError> {
    let stop = |step: Option<DateTime<Utc>>| step.or(times.rejected);
    let mut out = vec![
        clock(agreement, NeedClockKind::Feedback, times.received, stop(times.feedback), now)?,
        clock(agreement, NeedClockKind::Qualification, times.received, stop(times.qualified), now)?,
    ];
    if let (Some(qualified), Some(NeedPriority::High)) = (times.qualified, times.priority) {
        out.push(clock(agreement, NeedClockKind::Analysis, qualified, stop(times.analysed), now)?);
    }
    Ok(out)
}

/// When a clock started at `start` falls due: N working days by the agreement's working-day rule on its support
/// calendar (Altinn: the same time on the Nth following working day, counted from the next opening).
pub fn due(agreement: &Agreement, kind: NeedClockKind, start: DateTime<Utc>) -> Result<DateTime<Utc>, AgreementError> {
    let target = Target {
        kind: TargetKind::Resolution,
        amount: kind.working_days(),
        unit: TargetUnit::WorkingDays,
        clock: ClockRef::Support,
        starts_on: None,
        stops_on: None,
        deprioritise_on_workaround: false,
        allow_replan: false,
        note: None,
    };
    let budget = agreement.budget(&target, start)?;
    let calendar = agreement.support_calendar();
    calendar
        .add_business(start, budget)
        .map_err(|source| AgreementError::Calendar { agreement: agreement.code().to_string(), source })
}

fn clock(
    agreement: &Agreement,
    kind: NeedClockKind,
    started: DateTime<Utc>,
    stopped: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<NeedClock, AgreementError> {
    let due = due(agreement, kind, started)?;
    // A step recorded "after now" (clock skew between hosts) counts as taken.
    let outcome = match stopped {
        Some(at) if at <= due => NeedClockOutcome::Met,
        Some(_) => NeedClockOutcome::Breached,
        None if now > due => NeedClockOutcome::Breached,
        None => NeedClockOutcome::Running,
    };
    let working_days_left = match stopped {
        Some(_) => None,
        None => Some(working_days_between(agreement, now, due)),
    };
    Ok(NeedClock { kind, started, due, stopped, outcome, working_days_left })
}

/// Working days after `from`'s local date up to and including `to`'s (negative when `to` is earlier): how many
/// working days remain before the due day.
pub fn working_days_between(agreement: &Agreement, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let calendar = agreement.support_calendar();
    let (a, b) = (calendar.local_date(from), calendar.local_date(to));
    let (first, last, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    let is_working = |d: NaiveDate| !calendar.hours_on(d).is_empty();
    let mut count = 0;
    let mut day = first;
    while day < last {
        day += Duration::days(1);
        if is_working(day) {
            count += 1;
        }
    }
    sign * count
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_support;
