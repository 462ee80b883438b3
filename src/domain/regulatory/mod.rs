//! Regulatory clocks of a security incident: when each notification to an authority is due, computed from the
//! incident's history like the SLA clocks, and whether it was made in time.
//!
//! A clock starts when the incident is flagged (NIS2 counts from becoming aware of the incident, and the flag is
//! where vakt records that someone became aware that it is a security incident; the reception of an incident
//! later found to be one is not awareness) or, for GDPR, when it is flagged as involving personal data. Clearing
//! the security flag stops every clock; flagging again starts a new episode. The clocks run on the
//! around-the-clock calendar: hours and days are elapsed time, months end at the same wall-clock time in the
//! agreement's zone.

use chrono::{DateTime, Duration, LocalResult, Months, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::agreement::regulatory::{DutyTrigger, RegulatoryDuty, RegulatoryPeriod, RegulatoryUnit};

/// The history entries that move a regulatory clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagEvent {
    SecurityFlagged,
    SecurityCleared,
    PersonalDataFlagged,
    PersonalDataCleared,
    /// A notification of duty `duty` was made at `at` (which may be earlier than when it was recorded).
    Notified {
        duty: String,
        at: DateTime<Utc>,
    },
}

impl FlagEvent {
    /// The flag event a stored history entry stands for (`duty` and `notified_at` from its data).
    pub fn from_stored(kind: &str, duty: Option<&str>, notified_at: Option<DateTime<Utc>>) -> Option<FlagEvent> {
        match kind {
            "security_flagged" => Some(FlagEvent::SecurityFlagged),
            "security_cleared" => Some(FlagEvent::SecurityCleared),
            "personal_data_flagged" => Some(FlagEvent::PersonalDataFlagged),
            "personal_data_cleared" => Some(FlagEvent::PersonalDataCleared),
            "authority_notified" => Some(FlagEvent::Notified { duty: duty?.to_string(), at: notified_at? }),
            _ => None,
        }
    }
}

/// One duty's clock on one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatoryClock {
    pub code: String,
    pub name: String,
    pub authority: String,
    pub within: RegulatoryPeriod,
    pub starts: DateTime<Utc>,
    pub due: DateTime<Utc>,
    /// When the notification was made, if it was.
    pub notified: Option<DateTime<Utc>>,
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    Running,
    /// Past the agreement's first warning threshold of its period.
    Warning,
    Overdue,
    Met,
    /// Notified, but after the due time.
    MetLate,
}

impl RegulatoryClock {
    pub fn state(&self, now: DateTime<Utc>, first_warning_percent: u8) -> ClockState {
        match self.notified {
            Some(at) if at <= self.due => ClockState::Met,
            Some(_) => ClockState::MetLate,
            None if now >= self.due => ClockState::Overdue,
            None => {
                let budget = (self.due - self.starts).num_seconds().max(1);
                let used = (now - self.starts).num_seconds();
                if used * 100 >= budget * i64::from(first_warning_percent) {
                    ClockState::Warning
                } else {
                    ClockState::Running
                }
            }
        }
    }
}

/// The clocks of the current flagged episode, in the duties' order; empty when the incident is not flagged.
/// `history` is in recorded order.
pub fn clocks(duties: &[RegulatoryDuty], zone: Tz, history: &[(DateTime<Utc>, FlagEvent)]) -> Vec<RegulatoryClock> {
    let mut security_since = None;
    let mut personal_since = None;
    let mut notified: Vec<(String, DateTime<Utc>)> = Vec::new();
    for (at, event) in history {
        match event {
            FlagEvent::SecurityFlagged => {
                if security_since.is_none() {
                    security_since = Some(*at);
                    notified.clear();
                }
            }
            FlagEvent::SecurityCleared => {
                security_since = None;
                personal_since = None;
                notified.clear();
            }
            FlagEvent::PersonalDataFlagged => {
                personal_since = personal_since.or(Some(*at));
            }
            FlagEvent::PersonalDataCleared => personal_since = None,
            FlagEvent::Notified { duty, at } => {
                // The first notification of a duty is the one that counts for its deadline.
                if !notified.iter().any(|(d, _)| d == duty) {
                    notified.push((duty.clone(), *at));
                }
            }
        }
    }
    let Some(security_since) = security_since else {
        return Vec::new();
    };
    let mut out: Vec<RegulatoryClock> = Vec::new();
    for duty in duties {
        let flagged = match duty.when {
            DutyTrigger::Security => Some(security_since),
            DutyTrigger::PersonalData => personal_since,
        };
        let Some(flagged) = flagged else { continue };
        let starts = match &duty.after {
            Some(after) => match out.iter().find(|c| &c.code == after) {
                Some(previous) => previous.notified.unwrap_or(previous.due),
                None => continue,
            },
            None => flagged,
        };
        out.push(RegulatoryClock {
            code: duty.code.clone(),
            name: duty.name.clone(),
            authority: duty.authority.clone(),
            within: duty.within,
            starts,
            due: add(starts, duty.within, zone),
            notified: notified.iter().find(|(d, _)| d == &duty.code).map(|(_, at)| *at),
        });
    }
    out
}

/// The earliest due time of a notification not yet made, for sorting and reminders.
pub fn next_due(clocks: &[RegulatoryClock]) -> Option<DateTime<Utc>> {
    clocks.iter().filter(|c| c.notified.is_none()).map(|c| c.due).min()
}

/// `start` plus `period` on the around-the-clock calendar.
pub fn add(start: DateTime<Utc>, period: RegulatoryPeriod, zone: Tz) -> DateTime<Utc> {
    let amount = i64::from(period.amount);
    match period.unit {
        RegulatoryUnit::Hours => start + Duration::hours(amount),
        RegulatoryUnit::Days => start + Duration::hours(24 * amount),
        RegulatoryUnit::Months => {
            let local = start.with_timezone(&zone).naive_local();
            let Some(end) = local.checked_add_months(Months::new(period.amount)) else {
                return start + Duration::days(31 * amount);
            };
            match zone.from_local_datetime(&end) {
                LocalResult::Single(t) => t.with_timezone(&Utc),
                // The repeated hour in autumn: the first of the two, the earlier deadline.
                LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
                // The skipped hour in spring: the wall clock jumps past it, so the same elapsed hour later.
                LocalResult::None => zone
                    .from_local_datetime(&(end + Duration::hours(1)))
                    .earliest()
                    .map_or(start + Duration::days(31 * amount), |t| t.with_timezone(&Utc)),
            }
        }
    }
}

#[cfg(test)]
mod tests;
