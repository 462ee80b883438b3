//! Checks an incident's stored clocks against its history. The stored values are a cache written with every
//! action; the history is append-only and stamped by the server. Someone with psql may still write odd clock
//! values together with a history entry, so `vakt sla verify` recomputes them and names every difference.
//!
//! Only what the history alone decides is compared (due instants, budgets, met and breach instants, the
//! state's kind, the current priority, the outcome frozen at resolution), never what depends on the moment
//! the cache was written (business time elapsed, warning thresholds), so a correct cache never differs.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use crate::domain::agreement::Agreement;
use crate::domain::sla::record::{self, ClockRecord};
use crate::domain::sla::{self, ClockError, EventKind, IncidentEvent};

/// What an incident row stores about its clocks.
#[derive(Debug, Clone, Default)]
pub struct StoredClocks {
    pub priority: Option<String>,
    pub open: bool,
    pub clocks: Vec<ClockRecord>,
    pub next_due_at: Option<DateTime<Utc>>,
    pub outcome: Option<Vec<ClockRecord>>,
}

/// One stored value that the history does not give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `clocks.resolution.due`, `next_due_at`, `sla_outcome.response.state`, `priority` …
    pub field: String,
    pub stored: String,
    pub expected: String,
}

/// Compares the stored clocks with those computed from `events` (the incident's clock events, oldest first).
/// `now` is the time of the check: a breach that happened since the cache was written is not a difference.
pub fn audit(
    agreement: &Agreement,
    events: &[IncidentEvent],
    stored: &StoredClocks,
    now: DateTime<Utc>,
) -> Result<Vec<Finding>, ClockError> {
    let mut findings = Vec::new();
    let Some(last_clock_event) = events.iter().map(|e| e.at).max() else {
        return Ok(findings);
    };
    let current = sla::compute_clocks(agreement, events, now.max(last_clock_event))?;
    if stored.priority != current.priority {
        findings.push(Finding {
            field: "priority".into(),
            stored: shown(&stored.priority),
            expected: shown(&current.priority),
        });
    }
    let expected = record::records(&current);
    compare_clocks("clocks", &stored.clocks, &expected, last_clock_event, &mut findings);

    let expected_next = if stored.open { current.next_due().map(|n| n.due) } else { None };
    if stored.open && instant(stored.next_due_at) != instant(expected_next) {
        findings.push(Finding {
            field: "next_due_at".into(),
            stored: instant(stored.next_due_at),
            expected: instant(expected_next),
        });
    }

    if let Some(outcome) = &stored.outcome {
        let frozen = freezing_point(events);
        let (history, at) = (&events[..=frozen], events[frozen].at);
        let at_resolution = record::records(&sla::compute_clocks(agreement, history, at)?);
        compare_clocks("sla_outcome", outcome, &at_resolution, at, &mut findings);
        for (stored, expected) in outcome.iter().zip(&at_resolution) {
            if stored.target == expected.target && stored.elapsed_seconds != expected.elapsed_seconds {
                findings.push(Finding {
                    field: format!("sla_outcome.{}.elapsed_seconds", stored.target),
                    stored: stored.elapsed_seconds.to_string(),
                    expected: expected.elapsed_seconds.to_string(),
                });
            }
        }
    }
    Ok(findings)
}

/// The event the stored outcome was frozen at: the last resolution (a reopened incident is frozen again when it
/// is resolved again), or, for an incident closed without ever being resolved, its first closing. Events after
/// it (a reopen, a later close) do not touch the outcome.
fn freezing_point(events: &[IncidentEvent]) -> usize {
    let last_resolved = events.iter().rposition(|e| e.kind == EventKind::Resolved);
    let first_closed = events.iter().position(|e| e.kind == EventKind::Closed);
    last_resolved.or(first_closed).unwrap_or(events.len() - 1)
}

/// The part of a state the history decides: `running`, `warning` and `breached` all mean "counting".
fn state_kind(state: &str) -> &str {
    match state {
        "running" | "warning" | "breached" => "counting",
        other => other,
    }
}

fn compare_clocks(
    prefix: &str,
    stored: &[ClockRecord],
    expected: &[ClockRecord],
    last_clock_event: DateTime<Utc>,
    findings: &mut Vec<Finding>,
) {
    let targets = |records: &[ClockRecord]| records.iter().map(|r| r.target.to_string()).collect::<Vec<_>>().join(", ");
    if stored.iter().map(|r| r.target).ne(expected.iter().map(|r| r.target)) {
        findings.push(Finding {
            field: format!("{prefix}.targets"),
            stored: targets(stored),
            expected: targets(expected),
        });
        return;
    }
    for (stored, expected) in stored.iter().zip(expected) {
        let field = |name: &str| format!("{prefix}.{}.{name}", expected.target);
        let mut check = |name: &str, stored: String, expected: String| {
            if stored != expected {
                findings.push(Finding { field: field(name), stored, expected });
            }
        };
        check("clock", stored.clock.clone(), expected.clock.clone());
        check("state", state_kind(&stored.state).to_string(), state_kind(&expected.state).to_string());
        if expected.state != "paused" {
            check("due", instant(stored.due), instant(expected.due));
        }
        check("replanned_due", instant(stored.replanned_due), instant(expected.replanned_due));
        check("budget_seconds", shown(&stored.budget_seconds), shown(&expected.budget_seconds));
        check("met_at", instant(stored.met_at), instant(expected.met_at));
        // A breach recorded must be the real one; a breach missing is a difference only when it happened
        // before the last clock event, since every clock event rewrites the cache.
        let missing_old_breach =
            stored.breached_at.is_none() && expected.breached_at.is_some_and(|b| b < last_clock_event);
        if stored.breached_at.is_some() || missing_old_breach {
            check("breached_at", instant(stored.breached_at), instant(expected.breached_at));
        }
    }
}

/// An instant as PostgreSQL keeps it (microseconds); JSON may carry more digits than the history has.
fn instant(at: Option<DateTime<Utc>>) -> String {
    shown(&at.map(|at| at.trunc_subsecs(6)))
}

fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| "none".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{Duration, TimeZone};

    use super::*;

    fn ror() -> Agreement {
        Agreement::from_toml(include_str!("../../../agreements/ror-ikt.toml")).unwrap()
    }

    /// Tuesday 22 October 2024, h:00 Oslo time.
    fn tue(h: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Oslo.with_ymd_and_hms(2024, 10, 22, h, 0, 0).single().unwrap().with_timezone(&Utc)
    }

    fn events() -> Vec<IncidentEvent> {
        vec![
            IncidentEvent::new(tue(9), EventKind::Received { priority: Some("Høy".into()) }),
            IncidentEvent::new(tue(9) + Duration::minutes(10), EventKind::Responded),
        ]
    }

    /// What the lifecycle writes after its last action at `at`.
    fn cache(events: &[IncidentEvent], at: DateTime<Utc>) -> StoredClocks {
        let clocks = sla::compute_clocks(&ror(), events, at).unwrap();
        let resolved = events.iter().any(|e| e.kind == EventKind::Resolved);
        StoredClocks {
            priority: clocks.priority.clone(),
            open: !resolved,
            clocks: record::records(&clocks),
            next_due_at: if resolved { None } else { clocks.next_due().map(|n| n.due) },
            outcome: resolved.then(|| record::records(&clocks)),
        }
    }

    fn fields(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn a_cache_written_by_the_lifecycle_agrees_later_too_even_after_its_breach() {
        let events = events();
        let stored = cache(&events, tue(9) + Duration::minutes(10));
        // Høy resolution is due 4 business hours later; a week on it is breached, which the cache did not know.
        assert_eq!(audit(&ror(), &events, &stored, tue(9) + Duration::days(7)).unwrap(), vec![]);
        let mut resolved = events.clone();
        resolved.push(IncidentEvent::new(tue(15), EventKind::Resolved));
        let stored = cache(&resolved, tue(15));
        assert_eq!(audit(&ror(), &resolved, &stored, tue(15) + Duration::days(30)).unwrap(), vec![]);
    }

    #[test]
    fn a_moved_deadline_a_wrong_priority_and_a_false_met_are_named() {
        let events = events();
        let mut stored = cache(&events, tue(10));
        let resolution = stored.clocks.iter_mut().find(|c| c.target.to_string() == "resolution").unwrap();
        let real_due = resolution.due.unwrap();
        resolution.due = Some(real_due + Duration::days(2));
        stored.next_due_at = Some(real_due + Duration::days(2));
        stored.priority = Some("Lav".into());
        let findings = audit(&ror(), &events, &stored, tue(11)).unwrap();
        assert_eq!(fields(&findings), ["priority", "clocks.resolution.due", "next_due_at"]);
        assert_eq!(findings[1].expected, real_due.to_string());

        let mut stored = cache(&events, tue(10));
        let resolution = stored.clocks.iter_mut().find(|c| c.target.to_string() == "resolution").unwrap();
        resolution.state = "met".into();
        resolution.met_at = Some(tue(10));
        let findings = audit(&ror(), &events, &stored, tue(11)).unwrap();
        assert_eq!(fields(&findings), ["clocks.resolution.state", "clocks.resolution.met_at"]);
    }

    #[test]
    fn an_erased_breach_in_the_frozen_outcome_is_named() {
        let mut events = events();
        events.push(IncidentEvent::new(tue(9) + Duration::days(2), EventKind::Resolved));
        let mut stored = cache(&events, tue(9) + Duration::days(2));
        let outcome = stored.outcome.as_mut().unwrap();
        let resolution = outcome.iter_mut().find(|c| c.target.to_string() == "resolution").unwrap();
        assert_eq!(resolution.state, "breached");
        resolution.state = "met".into();
        resolution.breached_at = None;
        resolution.met_at = Some(tue(9) + Duration::days(2));
        let findings = audit(&ror(), &events, &stored, tue(9) + Duration::days(3)).unwrap();
        assert_eq!(
            fields(&findings),
            ["sla_outcome.resolution.state", "sla_outcome.resolution.met_at", "sla_outcome.resolution.breached_at"]
        );
    }

    #[test]
    fn a_reopen_leaves_the_outcome_frozen_at_the_resolution() {
        let mut events = events();
        events.push(IncidentEvent::new(tue(11), EventKind::Resolved));
        let frozen = cache(&events, tue(11)).outcome;
        events.push(IncidentEvent::new(tue(12), EventKind::Reopened));
        events.push(IncidentEvent::new(tue(13), EventKind::Closed));
        let mut stored = cache(&events, tue(13));
        stored.outcome = frozen;
        assert_eq!(audit(&ror(), &events, &stored, tue(14)).unwrap(), vec![]);

        // Resolved again after the reopen: frozen anew at that resolution.
        events.push(IncidentEvent::new(tue(14), EventKind::Reopened));
        events.push(IncidentEvent::new(tue(15), EventKind::Resolved));
        let refrozen = cache(&events, tue(15));
        assert_eq!(audit(&ror(), &events, &refrozen, tue(16)).unwrap(), vec![]);
        let mut stale = refrozen;
        stale.outcome = cache(&events[..3], tue(11)).outcome;
        assert!(!audit(&ror(), &events, &stale, tue(16)).unwrap().is_empty(), "the first freeze no longer holds");
    }

    #[test]
    fn no_history_means_nothing_to_compare() {
        assert_eq!(audit(&ror(), &[], &StoredClocks::default(), tue(9)).unwrap(), vec![]);
    }
}
