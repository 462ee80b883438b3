//! The stakeholder update cadence. The seeds only say "løpende"/"fortløpende"/"löpande" (continuously), so
//! the interval per priority is an explicit `[major.cadence]` setting.
//!
//! From the last update (or the declaration) the next update is due after the interval. Each state holds
//! from its instant on, inclusive:
//!
//! ```text
//! since ─ on time ─ due_soon_at ─ due soon ─ due ─ overdue (remind the MIM) ─ missed_at ─ missed (notify deputy)
//! ```
//!
//! The cadence runs while the major incident is declared or mitigated.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::model::MajorIncident;
use crate::domain::agreement::major_policy::CadencePolicy;

/// The instant the next update is due.
pub fn next_update_due(since: DateTime<Utc>, interval: Duration) -> DateTime<Utc> {
    since + interval
}

/// Where the countdown to the next update stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CadenceState {
    /// More than the lead time left.
    OnTime,
    /// Due within the lead time.
    DueSoon,
    /// Past due: remind the MIM.
    Overdue,
    /// Past due by more than the grace period: notify the deputy.
    Missed,
}

/// The cadence as of `now`, with the instants at which each state begins (for the countdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadenceStatus {
    /// The state at `now`.
    pub state: CadenceState,
    /// The last update, or the declaration.
    pub since: DateTime<Utc>,
    /// The interval.
    pub interval: Duration,
    /// "Due soon" from here.
    pub due_soon_at: DateTime<Utc>,
    /// Overdue from here.
    pub due: DateTime<Utc>,
    /// Missed (deputy notified) from here.
    pub missed_at: DateTime<Utc>,
    /// The instant this status is for.
    pub now: DateTime<Utc>,
}

impl CadenceStatus {
    /// Time left until the update is due; negative when overdue.
    pub fn remaining(&self) -> Duration {
        self.due - self.now
    }

    /// The next instant at which the state changes, if any (for scheduling the next repaint or reminder).
    pub fn next_change(&self) -> Option<DateTime<Utc>> {
        [self.due_soon_at, self.due, self.missed_at].into_iter().find(|t| *t > self.now)
    }

    /// Whether the MIM must be reminded now.
    pub fn remind_mim(&self) -> bool {
        self.state >= CadenceState::Overdue
    }

    /// Whether the deputy must be notified now.
    pub fn notify_deputy(&self) -> bool {
        self.state == CadenceState::Missed
    }
}

/// The cadence for an update interval, a "due soon" lead and a grace period.
pub fn cadence_at(
    since: DateTime<Utc>,
    interval: Duration,
    due_soon: Duration,
    grace: Duration,
    now: DateTime<Utc>,
) -> CadenceStatus {
    let due = next_update_due(since, interval);
    let due_soon_at = (due - due_soon).max(since);
    let missed_at = due + grace;
    let state = if now >= missed_at {
        CadenceState::Missed
    } else if now >= due {
        CadenceState::Overdue
    } else if now >= due_soon_at {
        CadenceState::DueSoon
    } else {
        CadenceState::OnTime
    };
    CadenceStatus { state, since, interval, due_soon_at, due, missed_at, now }
}

/// The cadence of a major incident: counted from its last update (or the declaration, whichever is
/// later), at its priority's interval. None when the incident is resolved or closed, or when the
/// agreement sets no interval for the priority.
pub fn major_cadence(
    major: &MajorIncident,
    policy: &CadencePolicy,
    last_update: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<CadenceStatus> {
    if !major.state.is_active() {
        return None;
    }
    let interval = policy.interval_for(&major.declaration.priority)?;
    let since = last_update.map_or(major.declaration.at, |u| u.max(major.declaration.at));
    Some(cadence_at(since, interval, policy.due_soon, policy.grace, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn states_change_at_their_exact_instants() {
        let since = utc("2026-03-02T13:00:00Z");
        let (interval, lead, grace) = (Duration::minutes(30), Duration::minutes(5), Duration::minutes(15));
        let second = Duration::seconds(1);
        let due_soon_at = utc("2026-03-02T13:25:00Z");
        let due = utc("2026-03-02T13:30:00Z");
        let missed_at = utc("2026-03-02T13:45:00Z");
        let cases = [
            (since, CadenceState::OnTime),
            (due_soon_at - second, CadenceState::OnTime),
            (due_soon_at, CadenceState::DueSoon),
            (due - second, CadenceState::DueSoon),
            (due, CadenceState::Overdue),
            (missed_at - second, CadenceState::Overdue),
            (missed_at, CadenceState::Missed),
            (missed_at + Duration::hours(5), CadenceState::Missed),
        ];
        for (now, want) in cases {
            let status = cadence_at(since, interval, lead, grace, now);
            assert_eq!(status.state, want, "at {now}");
            assert_eq!((status.due_soon_at, status.due, status.missed_at), (due_soon_at, due, missed_at));
        }
        let overdue = cadence_at(since, interval, lead, grace, due + Duration::minutes(3));
        assert!(overdue.remind_mim() && !overdue.notify_deputy());
        assert_eq!(overdue.remaining(), Duration::minutes(-3));
        assert_eq!(overdue.next_change(), Some(missed_at));
        let missed = cadence_at(since, interval, lead, grace, missed_at);
        assert!(missed.notify_deputy());
        assert_eq!(missed.next_change(), None);
        assert_eq!(cadence_at(since, interval, lead, grace, since).next_change(), Some(due_soon_at));
    }

    #[test]
    fn a_lead_longer_than_the_interval_starts_due_soon_at_the_last_update() {
        let since = utc("2026-03-02T13:00:00Z");
        let status = cadence_at(since, Duration::minutes(10), Duration::minutes(30), Duration::minutes(5), since);
        assert_eq!(status.state, CadenceState::DueSoon);
        assert_eq!(status.due_soon_at, since);
    }
}
