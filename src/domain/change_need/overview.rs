//! What the monthly service report states about change needs (Altinn §2.10, "rapportert på månedlig basis"): the
//! clocks that fell due in the period with their breaches, and the overview of prioritised needs (§2.10.2: updated
//! at least monthly), as of the report's figures.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{NeedClockKind, NeedClockOutcome, NeedPriority, NeedState, NeedTimes, clocks};
use crate::domain::agreement::{Agreement, AgreementError};

/// One need as read from the register.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedFacts {
    pub reference: String,
    pub title: String,
    pub submitter: String,
    pub state: NeedState,
    pub times: NeedTimes,
    /// The release it is planned for, by name.
    pub release: Option<String>,
}

/// Met, breached and still running clocks of one kind that fell due in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedClockTally {
    pub kind: NeedClockKind,
    pub working_days: u32,
    pub met: usize,
    pub breached: usize,
    pub running: usize,
}

/// A breached clock: due in the period, or due earlier and still not stopped when the period began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedBreach {
    pub reference: String,
    pub title: String,
    pub kind: NeedClockKind,
    pub due: DateTime<Utc>,
    /// When the step was taken; `None`: still not taken.
    pub stopped: Option<DateTime<Utc>>,
}

/// A line of the overview of prioritised needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrioritisedNeed {
    pub reference: String,
    pub title: String,
    pub submitter: String,
    pub priority: NeedPriority,
    pub state: NeedState,
    pub release: Option<String>,
}

/// The change-need section of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNeedFigures {
    /// Needs received in the period.
    pub received: usize,
    pub clocks: Vec<NeedClockTally>,
    pub breaches: Vec<NeedBreach>,
    /// Every qualified need not yet delivered or rejected, high priority first.
    pub prioritised: Vec<PrioritisedNeed>,
}

/// The section for the needs of one agreement, for the period `[from, to)`, as of `now`.
pub fn figures(
    agreement: &Agreement,
    needs: &[NeedFacts],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<ChangeNeedFigures, AgreementError> {
    let kinds = [NeedClockKind::Feedback, NeedClockKind::Qualification, NeedClockKind::Analysis];
    let mut tallies: Vec<NeedClockTally> = kinds
        .iter()
        .map(|&kind| NeedClockTally { kind, working_days: kind.working_days(), met: 0, breached: 0, running: 0 })
        .collect();
    let mut breaches = Vec::new();
    for need in needs {
        for clock in clocks(agreement, &need.times, now)? {
            let due_in_period = clock.due >= from && clock.due < to;
            if due_in_period && let Some(tally) = tallies.iter_mut().find(|t| t.kind == clock.kind) {
                match clock.outcome {
                    NeedClockOutcome::Met => tally.met += 1,
                    NeedClockOutcome::Breached => tally.breached += 1,
                    NeedClockOutcome::Running => tally.running += 1,
                }
            }
            let open_at_start = clock.due < from && clock.stopped.is_none_or(|at| at >= from);
            if clock.outcome == NeedClockOutcome::Breached && (due_in_period || open_at_start) {
                breaches.push(NeedBreach {
                    reference: need.reference.clone(),
                    title: need.title.clone(),
                    kind: clock.kind,
                    due: clock.due,
                    stopped: clock.stopped,
                });
            }
        }
    }
    breaches.sort_by(|a, b| (a.due, &a.reference).cmp(&(b.due, &b.reference)));
    let mut prioritised: Vec<PrioritisedNeed> = needs
        .iter()
        .filter(|n| !n.state.is_closed())
        .filter_map(|n| {
            Some(PrioritisedNeed {
                reference: n.reference.clone(),
                title: n.title.clone(),
                submitter: n.submitter.clone(),
                priority: n.times.priority?,
                state: n.state,
                release: n.release.clone(),
            })
        })
        .collect();
    prioritised.sort_by(|a, b| (a.priority, &a.reference).cmp(&(b.priority, &b.reference)));
    let received = needs.iter().filter(|n| n.times.received >= from && n.times.received < to).count();
    Ok(ChangeNeedFigures { received, clocks: tallies, breaches, prioritised })
}

impl NeedClockTally {
    /// "feedback (5 working days): 3 met, 1 breached, 0 running".
    pub fn text(&self) -> String {
        format!(
            "{} ({} working days): {} met, {} breached, {} running",
            self.kind.as_str(),
            self.working_days,
            self.met,
            self.breached,
            self.running
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::change_need::tests_support::{altinn, oslo};

    fn need(reference: &str, state: NeedState, times: NeedTimes) -> NeedFacts {
        NeedFacts {
            reference: reference.into(),
            title: format!("need {reference}"),
            submitter: "Skatteetaten".into(),
            state,
            times,
            release: None,
        }
    }

    #[test]
    fn the_month_counts_the_clocks_due_in_it_and_lists_breaches_and_the_prioritised_needs() {
        let agreement = altinn();
        let base = NeedTimes {
            received: oslo(2026, 12, 21, 10, 0),
            feedback: None,
            qualified: None,
            analysed: None,
            rejected: None,
            priority: None,
        };
        // END-1: feedback late (due Tue 29 Dec 10:00, given 30 Dec); END-2: feedback on time and qualified as high;
        // END-3: received in November, feedback given in time, delivered.
        let late = NeedTimes { feedback: Some(oslo(2026, 12, 30, 9, 0)), ..base };
        let high = NeedTimes {
            received: oslo(2026, 12, 1, 9, 0),
            feedback: Some(oslo(2026, 12, 2, 9, 0)),
            qualified: Some(oslo(2026, 12, 10, 9, 0)),
            priority: Some(NeedPriority::High),
            ..base
        };
        let old = NeedTimes {
            received: oslo(2026, 11, 2, 9, 0),
            feedback: Some(oslo(2026, 11, 3, 9, 0)),
            qualified: Some(oslo(2026, 11, 4, 9, 0)),
            priority: Some(NeedPriority::Low),
            ..base
        };
        let needs = [
            need("END-1", NeedState::FeedbackGiven, late),
            need("END-2", NeedState::Qualified, high),
            need("END-3", NeedState::Delivered, old),
        ];
        let (from, to) = (oslo(2026, 12, 1, 0, 0), oslo(2027, 1, 1, 0, 0));
        let f = figures(&agreement, &needs, from, to, oslo(2027, 1, 4, 9, 0)).unwrap();
        assert_eq!(f.received, 2);
        // Feedback due in December: END-1 (29 Dec, late) and END-2 (8 Dec, met).
        assert_eq!(f.clocks[0].text(), "feedback (5 working days): 1 met, 1 breached, 0 running");
        assert_eq!(f.breaches.len(), 1);
        assert_eq!((f.breaches[0].reference.as_str(), f.breaches[0].kind), ("END-1", NeedClockKind::Feedback));
        // Only END-2 is prioritised and open; the delivered one has left the overview.
        let refs: Vec<&str> = f.prioritised.iter().map(|p| p.reference.as_str()).collect();
        assert_eq!(refs, ["END-2"]);
    }
}
