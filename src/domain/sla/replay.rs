//! The replay behind [`super::compute_clocks`]: events are applied in time order to one
//! simulated clock per target kind; running stretches are measured on the current target's clock.

use chrono::{DateTime, Duration, Utc};

use super::{ClockError, ClockReport, ClockState, DueChange, EventKind, IncidentClocks, IncidentEvent, Pause, Replan};
use crate::domain::agreement::{Agreement, AgreementError, Milestone, Priority, Target, TargetKind};
use crate::domain::calendar::BusinessCalendar;

/// Replays time-ordered `events` (the first is "received") and reports the clocks at `now`.
pub(super) fn replay(
    agreement: &Agreement,
    events: &[&IncidentEvent],
    now: DateTime<Utc>,
) -> Result<IncidentClocks, ClockError> {
    let mut sim = Sim::new(agreement);
    for event in events {
        sim.advance(event.at)?;
        sim.apply(event)?;
        sim.settle(event.at);
    }
    sim.advance(now)?;
    sim.report(now)
}

/// One clock during the replay.
#[derive(Default)]
struct ClockSim {
    started: Option<DateTime<Utc>>,
    segments: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    since: Option<DateTime<Utc>>,
    stopped: Option<DateTime<Utc>>,
    deprioritised: Option<DateTime<Utc>>,
    budget: Option<Duration>,
    elapsed: Duration,
    exhausted: Option<DateTime<Utc>>,
    breached: Option<DateTime<Utc>>,
    replan: Option<Replan>,
    history: Vec<DueChange>,
}

struct Sim<'a> {
    agreement: &'a Agreement,
    priority: Option<&'a Priority>,
    pause: Option<Pause>,
    workaround: bool,
    received: bool,
    clocks: [ClockSim; 3],
}

impl<'a> Sim<'a> {
    fn new(agreement: &'a Agreement) -> Self {
        Self { agreement, priority: None, pause: None, workaround: false, received: false, clocks: Default::default() }
    }

    fn target(&self, kind: TargetKind) -> Option<&'a Target> {
        self.priority.and_then(|p| p.target(kind))
    }

    fn calendar(&self, kind: TargetKind) -> &'a BusinessCalendar {
        self.target(kind)
            .and_then(|t| self.agreement.clock_calendar(&t.clock))
            .unwrap_or(self.agreement.support_calendar())
    }

    fn running(&self, i: usize) -> bool {
        let c = &self.clocks[i];
        c.started.is_some() && c.stopped.is_none() && c.deprioritised.is_none() && self.pause.is_none()
    }

    /// Counts running time up to `t`, noting when a budget is used up and when that is missed.
    fn advance(&mut self, t: DateTime<Utc>) -> Result<(), ClockError> {
        for (i, kind) in TargetKind::ALL.into_iter().enumerate() {
            let calendar = self.calendar(kind);
            let c = &mut self.clocks[i];
            let Some(since) = c.since.filter(|s| *s < t) else {
                continue;
            };
            let stretch = calendar.business_duration(since, t);
            if let (Some(budget), None) = (c.budget, c.exhausted)
                && c.elapsed + stretch >= budget
            {
                c.exhausted = Some(if c.elapsed < budget {
                    add(self.agreement, calendar, since, budget - c.elapsed)?
                } else {
                    since
                });
            }
            c.elapsed += stretch;
            c.segments.push((since, t));
            c.since = Some(t);
            if let Some(e) = c.exhausted.filter(|e| t > *e) {
                c.breached.get_or_insert(e);
            }
        }
        Ok(())
    }

    /// Starts or stops the `since` marker of each clock after an event.
    fn settle(&mut self, t: DateTime<Utc>) {
        for i in 0..3 {
            let running = self.running(i);
            let c = &mut self.clocks[i];
            c.since = match (running, c.since) {
                (true, None) => Some(t),
                (true, since) => since,
                (false, _) => None,
            };
        }
    }

    fn apply(&mut self, event: &IncidentEvent) -> Result<(), ClockError> {
        let t = event.at;
        match &event.kind {
            EventKind::Received { priority } => {
                if self.received {
                    return Err(ClockError::ReceivedTwice { at: t });
                }
                self.received = true;
                if let Some(label) = priority {
                    self.priority = Some(self.agreement.priority(label)?);
                }
            }
            EventKind::Paused { reason } => {
                if let Some(p) = &self.pause {
                    return Err(ClockError::AlreadyPaused { since: p.since });
                }
                let allowed = &self.agreement.clock_rules().pause_reasons;
                if !allowed.iter().any(|r| r == reason) {
                    return Err(ClockError::PauseNotAllowed {
                        reason: reason.clone(),
                        agreement: self.agreement.code().to_string(),
                        allowed: if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") },
                    });
                }
                self.pause = Some(Pause { since: t, reason: reason.clone() });
            }
            EventKind::Resumed => {
                if self.pause.is_none() {
                    return Err(ClockError::NotPaused { at: t });
                }
                self.pause = None;
            }
            EventKind::PriorityChanged { to } => self.retarget(t, to)?,
            EventKind::Reopened => self.reopen(),
            EventKind::Deprioritised => self.deprioritise(t)?,
            EventKind::Replanned { target, new_due, counterpart, reason } => {
                let allowed = self.target(*target).is_some_and(|x| x.allow_replan);
                let i = index(*target);
                if !allowed || self.clocks[i].started.is_none() {
                    return Err(ClockError::ReplanNotAllowed {
                        agreement: self.agreement.code().to_string(),
                        priority: self.priority_label(),
                        kind: *target,
                    });
                }
                self.clocks[i].replan =
                    Some(Replan { at: t, new_due: *new_due, counterpart: counterpart.clone(), reason: reason.clone() });
            }
            _ => {}
        }
        if matches!(event.kind, EventKind::WorkaroundEstablished) {
            self.workaround = true;
        }
        if let Some(milestone) = event.kind.milestone() {
            self.milestone(t, milestone)?;
        }
        Ok(())
    }

    fn priority_label(&self) -> String {
        self.priority.map_or_else(|| "none".to_string(), |p| p.label.clone())
    }

    fn milestone(&mut self, t: DateTime<Utc>, milestone: Milestone) -> Result<(), ClockError> {
        for kind in TargetKind::ALL {
            let (start, stops) = match self.target(kind) {
                Some(target) => (target.start_milestone(), target.stop_milestones()),
                None => (kind.default_start(), kind.default_stops()),
            };
            let i = index(kind);
            let c = &self.clocks[i];
            let fresh_cycle = c.started.is_none() || (kind == TargetKind::Feedback && c.stopped.is_some());
            if milestone == start && fresh_cycle {
                self.clocks[i] = ClockSim {
                    started: Some(t),
                    history: std::mem::take(&mut self.clocks[i].history),
                    ..Default::default()
                };
                self.clocks[i].budget = self.budget_for(kind)?;
            } else if c.started.is_some()
                && c.stopped.is_none()
                && c.deprioritised.is_none()
                && (milestone == Milestone::Closed || stops.contains(&milestone))
            {
                self.clocks[i].stopped = Some(t);
            }
        }
        Ok(())
    }

    fn budget_for(&self, kind: TargetKind) -> Result<Option<Duration>, ClockError> {
        match (self.target(kind), self.clocks[index(kind)].started) {
            (Some(target), Some(start)) => Ok(Some(self.agreement.budget(target, start)?)),
            _ => Ok(None),
        }
    }

    fn retarget(&mut self, t: DateTime<Utc>, label: &str) -> Result<(), ClockError> {
        let new = self.agreement.priority(label)?;
        if self.priority.is_some_and(|p| std::ptr::eq(p, new)) {
            return Ok(());
        }
        let from = self.priority.map(|p| p.label.clone());
        let before: Vec<(bool, Option<DateTime<Utc>>)> = TargetKind::ALL
            .into_iter()
            .map(|k| Ok((self.target(k).is_some(), self.due_at(k, t)?)))
            .collect::<Result<_, ClockError>>()?;
        self.priority = Some(new);
        for (i, kind) in TargetKind::ALL.into_iter().enumerate() {
            let calendar = self.calendar(kind);
            let budget = self.budget_for(kind)?;
            let c = &mut self.clocks[i];
            c.elapsed = c.segments.iter().map(|(a, b)| calendar.business_duration(*a, *b)).sum();
            c.budget = budget;
            c.exhausted = match budget {
                Some(b) if c.elapsed >= b => Some(c.breached.unwrap_or(t)),
                _ => None,
            };
            let due_after = self.due_at(kind, t)?;
            let (had_target, due_before) = before[i];
            if had_target || self.target(kind).is_some() {
                self.clocks[i].history.push(DueChange {
                    at: t,
                    from_priority: from.clone(),
                    to_priority: new.label.clone(),
                    due_before,
                    due_after,
                });
            }
        }
        Ok(())
    }

    fn reopen(&mut self) {
        let resolution = &mut self.clocks[index(TargetKind::Resolution)];
        if resolution.stopped.is_some() {
            resolution.stopped = None;
        }
        let feedback = &mut self.clocks[index(TargetKind::Feedback)];
        if feedback.started.is_some() && feedback.stopped.is_none() {
            let history = std::mem::take(&mut feedback.history);
            *feedback = ClockSim { history, ..Default::default() };
        }
    }

    fn deprioritise(&mut self, t: DateTime<Utc>) -> Result<(), ClockError> {
        if !self.workaround {
            return Err(ClockError::DeprioritiseWithoutWorkaround);
        }
        let mut any = false;
        for kind in TargetKind::ALL {
            let allowed = self.target(kind).is_some_and(|x| x.deprioritise_on_workaround);
            let c = &mut self.clocks[index(kind)];
            if allowed && c.started.is_some() && c.stopped.is_none() && c.deprioritised.is_none() {
                c.deprioritised = Some(t);
                any = true;
            }
        }
        if !any {
            return Err(ClockError::DeprioritiseNotAllowed {
                agreement: self.agreement.code().to_string(),
                priority: self.priority_label(),
            });
        }
        Ok(())
    }

    /// The due instant of a clock that has been advanced to `t`.
    fn due_at(&self, kind: TargetKind, t: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, ClockError> {
        let c = &self.clocks[index(kind)];
        let (Some(budget), Some(_)) = (c.budget, c.started) else {
            return Ok(None);
        };
        let halted = c.stopped.or(c.deprioritised);
        if halted.is_none() && self.pause.is_some() {
            return Ok(None);
        }
        if let Some(e) = c.exhausted {
            return Ok(Some(e));
        }
        let from = halted.unwrap_or(t);
        Ok(Some(add(self.agreement, self.calendar(kind), from, budget - c.elapsed)?))
    }

    fn report(&self, now: DateTime<Utc>) -> Result<IncidentClocks, ClockError> {
        let thresholds = &self.agreement.clock_rules().warning_thresholds;
        let mut clocks = Vec::new();
        for kind in TargetKind::ALL {
            if self.target(kind).is_none() {
                continue;
            }
            let i = index(kind);
            let c = &self.clocks[i];
            let calendar = self.calendar(kind);
            let remaining = c.budget.map(|b| b - c.elapsed);
            let share = c.budget.filter(|b| !b.is_zero()).map(|b| ratio(c.elapsed, b));
            let state = match (c.started, c.breached, c.stopped, c.deprioritised) {
                (None, ..) => ClockState::NotStarted,
                (_, Some(at), ..) => ClockState::Breached { at },
                (_, _, Some(at), _) => ClockState::Met { at },
                (_, _, _, Some(at)) => ClockState::Deprioritised { at },
                _ if self.pause.is_some() => ClockState::Paused,
                _ => match thresholds.iter().rev().find(|t| share.unwrap_or(0.0) * 100.0 >= f64::from(**t)) {
                    Some(threshold) => ClockState::Warning { threshold: *threshold },
                    None => ClockState::Running,
                },
            };
            let counting = self.running(i);
            clocks.push(ClockReport {
                kind,
                clock: calendar.code().to_string(),
                state,
                counting,
                started_at: c.started,
                due: self.due_at(kind, now)?,
                elapsed: c.elapsed,
                budget: c.budget,
                remaining,
                share,
                breached_at: c.breached,
                closed_until: if counting && !calendar.is_open(now) { calendar.next_opening(now) } else { None },
                replan: c.replan.clone(),
                history: c.history.clone(),
            });
        }
        Ok(IncidentClocks { priority: self.priority.map(|p| p.label.clone()), paused: self.pause.clone(), clocks, now })
    }
}

fn index(kind: TargetKind) -> usize {
    match kind {
        TargetKind::Response => 0,
        TargetKind::Resolution => 1,
        TargetKind::Feedback => 2,
    }
}

fn ratio(part: Duration, whole: Duration) -> f64 {
    part.num_milliseconds() as f64 / whole.num_milliseconds() as f64
}

pub(super) fn add(
    agreement: &Agreement,
    calendar: &BusinessCalendar,
    from: DateTime<Utc>,
    d: Duration,
) -> Result<DateTime<Utc>, ClockError> {
    calendar.add_business(from, d).map_err(|source| {
        ClockError::Agreement(AgreementError::Calendar { agreement: agreement.code().to_string(), source })
    })
}
