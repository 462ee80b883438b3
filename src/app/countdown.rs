//! The live countdown of an incident's next deadline, in the business time of the calendar it is measured on.
//! The row stores the due instant and the budget as of the last event; between events only time passes, so
//! remaining business time is the calendar's business duration from now to the due instant.

use crate::domain::agreement::spec::TargetKind;
use crate::domain::sla::record::DueState;
use chrono::{DateTime, Duration, Utc};

use super::model::NextDue;
use crate::domain::agreement::Agreement;
use crate::domain::calendar::{CalendarStatus, ClosedReason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Counting, below every warning threshold.
    Running,
    /// A warning threshold is passed (e.g. 75 % of the budget used).
    Warning,
    /// Past due.
    Breached,
    /// Suspended by an allowed pause.
    Paused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Countdown {
    pub target: TargetKind,
    pub urgency: Urgency,
    /// Business time left; negative when overdue.
    pub remaining: Duration,
    /// Share of the budget used, when the budget is known.
    pub share: Option<f64>,
    /// When the clock is counting but its calendar is closed now: the next opening.
    pub closed_until: Option<DateTime<Utc>>,
    /// Why the calendar is closed all day today, when it is a named day ("Kristi himmelfartsdag").
    pub closed_because: Option<String>,
    /// The due instant.
    pub due: DateTime<Utc>,
}

/// Paused or past due, which needs no business time: the state recorded with the last event and the due instant.
/// `None` while the clock counts towards its deadline (running, or over a warning threshold).
pub fn settled(next: &NextDue, now: DateTime<Utc>) -> Option<Urgency> {
    if next.state == DueState::Paused {
        Some(Urgency::Paused)
    } else if next.state == DueState::Breached || next.at <= now {
        Some(Urgency::Breached)
    } else {
        None
    }
}

/// Where the countdown of `next` stands at `now`. Without the agreement (not loaded yet) it falls back to
/// wall-clock time.
pub fn countdown(next: &NextDue, agreement: Option<&Agreement>, now: DateTime<Utc>) -> Countdown {
    let calendar = agreement.and_then(|a| a.calendar(next.clock.as_deref().unwrap_or("support")));
    let measure = |from: DateTime<Utc>, to: DateTime<Utc>| match calendar {
        Some(calendar) => calendar.business_duration(from, to),
        None => to - from,
    };
    let remaining = if next.at >= now { measure(now, next.at) } else { -measure(next.at, now) };
    let share = next
        .budget_seconds
        .filter(|b| *b > 0)
        .map(|budget| 1.0 - remaining.num_milliseconds() as f64 / (budget as f64 * 1000.0));
    let first_threshold = agreement
        .and_then(|a| a.clock_rules().warning_thresholds.first().copied())
        .map_or(0.5, |t| f64::from(t) / 100.0);
    let urgency = match settled(next, now) {
        Some(urgency) => urgency,
        None if share.is_some_and(|s| s >= first_threshold) || next.state == DueState::Warning => Urgency::Warning,
        None => Urgency::Running,
    };
    let (closed_until, closed_because) = match (calendar, urgency) {
        (Some(calendar), Urgency::Running | Urgency::Warning) if !calendar.is_open(now) => {
            match calendar.status_at(now) {
                CalendarStatus::Closed { until, reason } => {
                    // A weekend needs no explanation; a holiday or an override does.
                    let named = reason.filter(|r| !matches!(r, ClosedReason::NoHours { .. })).map(|r| r.to_string());
                    (until, named)
                }
                CalendarStatus::Open { .. } => (None, None),
            }
        }
        _ => (None, None),
    };
    Countdown { target: next.target, urgency, remaining, share, closed_until, closed_because, due: next.at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::seed_agreements;
    use chrono::TimeZone;

    fn ror() -> Agreement {
        seed_agreements().unwrap().into_iter().map(|(a, _)| a).find(|a| a.code() == "ROR-IKT").unwrap()
    }

    fn due(at: DateTime<Utc>, budget_minutes: i64) -> NextDue {
        NextDue {
            at,
            target: TargetKind::Resolution,
            state: DueState::Running,
            clock: Some("kundeservice".into()),
            budget_seconds: Some(budget_minutes * 60),
        }
    }

    #[test]
    fn counts_business_time_and_says_when_the_desk_is_closed() {
        let agreement = ror();
        // Høy received Tue 14:00 (CET) → due Wed 10:30; at Tue 16:00 the desk is closed, 2 h 30 m remain.
        let next = due(Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap(), 240);
        let evening = Utc.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap();
        let c = countdown(&next, Some(&agreement), evening);
        assert_eq!(c.remaining, Duration::minutes(150));
        assert_eq!(c.urgency, Urgency::Running);
        assert_eq!(c.closed_until, Some(Utc.with_ymd_and_hms(2026, 11, 25, 7, 0, 0).unwrap()));
        // Wed 09:45: 45 min left of 4 h → over 75 % used: a warning, desk open.
        let c = countdown(&next, Some(&agreement), Utc.with_ymd_and_hms(2026, 11, 25, 8, 45, 0).unwrap());
        assert_eq!((c.urgency, c.remaining, c.closed_until), (Urgency::Warning, Duration::minutes(45), None));
        // Wed 10:42: 12 business minutes over.
        let c = countdown(&next, Some(&agreement), Utc.with_ymd_and_hms(2026, 11, 25, 9, 42, 0).unwrap());
        assert_eq!((c.urgency, c.remaining), (Urgency::Breached, Duration::minutes(-12)));
        assert_eq!(countdown(&next, Some(&agreement), evening).closed_because, None, "an evening needs no name");
    }

    #[test]
    fn a_holiday_is_named_while_the_desk_is_closed_for_it() {
        let agreement = ror();
        // Kristi himmelfartsdag, Thursday 2026-05-14, 10:00 in Oslo (CEST).
        let holiday = Utc.with_ymd_and_hms(2026, 5, 14, 8, 0, 0).unwrap();
        let c = countdown(&due(Utc.with_ymd_and_hms(2026, 5, 15, 12, 0, 0).unwrap(), 480), Some(&agreement), holiday);
        assert_eq!(c.closed_because.as_deref(), Some("Kristi himmelfartsdag"));
        assert_eq!(c.closed_until, Some(Utc.with_ymd_and_hms(2026, 5, 15, 6, 0, 0).unwrap()));
    }

    #[test]
    fn paused_and_unknown_agreements() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let mut next = due(now + Duration::minutes(90), 120);
        next.state = DueState::Paused;
        assert_eq!(countdown(&next, None, now).urgency, Urgency::Paused);
        next.state = DueState::Running;
        let c = countdown(&next, None, now);
        assert_eq!((c.urgency, c.remaining), (Urgency::Running, Duration::minutes(90)));
    }
}
