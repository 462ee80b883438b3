//! A service report's figures: what an agreement's report states for one period, built from facts the caller
//! read (incidents with their clocks, outages, the availability measure). The same figures are frozen when the
//! report is issued, so they serialise both ways.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::period::ReportPeriod;
use crate::domain::agreement::spec::TargetKind;
use crate::domain::availability::Availability;
use crate::domain::sla::record::ClockRecord;

/// Who, what and when: the lines at the top of every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportHeader {
    pub agreement: String,
    pub agreement_name: String,
    /// The agreement version in force on the period's last day.
    pub version: String,
    pub period: ReportPeriod,
    pub due: NaiveDate,
    pub due_rule: String,
    pub generated_at: DateTime<Utc>,
}

/// Everything a report states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFigures {
    pub header: ReportHeader,
    /// The rules applied, in words (targets, operating hours, maintenance, exclusions).
    pub rules: Vec<String>,
    pub services: Vec<ServiceFigure>,
    /// The outages behind the accounting statement.
    pub outages: Vec<OutageLine>,
    /// A cap on the number of outages a year, counted from the 1st of January to the period's end.
    pub outage_cap: Option<OutageCap>,
    pub priorities: Vec<PriorityTally>,
    /// Every incident received in the period (exercises left out), the lines the tallies count.
    pub incidents: Vec<IncidentLine>,
    /// Incidents of exercises received in the period: never in the figures.
    pub exercises: Vec<String>,
    /// The share of the incidents resolved in the period that the first line resolved, where the agreement sets a goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_line: Option<FirstLine>,
    /// The random survey of the incidents closed in the period, where the agreement asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveyFigures>,
    /// Change needs (Altinn §2.10): their clocks in the period, the breaches and the overview of prioritised
    /// needs, where the agreement's register holds any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_needs: Option<crate::domain::change_need::overview::ChangeNeedFigures>,
    /// Problems behind the incidents received in the period (incidents linked to a problem), most first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<RecurringProblem>,
    /// Notifications to authorities of the agreement's security incidents (NIS2, GDPR) due or made in the
    /// period, or still owed at its end: when each was due and when it was made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<AuthorityNotification>,
}

/// One notification a security incident owes an authority, as the report records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityNotification {
    pub incident: String,
    /// The agreement's code for it (`nis2-early`) and its name.
    pub code: String,
    pub name: String,
    pub authority: String,
    pub due: DateTime<Utc>,
    /// When it was made; `None`: not made by the report's end.
    pub made: Option<DateTime<Utc>>,
}

impl AuthorityNotification {
    /// In words: made in time, made late (by how long), or owed.
    pub fn verdict(&self, period_end: DateTime<Utc>) -> String {
        match self.made {
            Some(made) if made <= self.due => "made in time".into(),
            Some(made) => format!("LATE by {}", crate::domain::text::duration::compact(made - self.due)),
            None if self.due < period_end => "OVERDUE: not made".into(),
            None => "not made yet (not due)".into(),
        }
    }
}

/// A problem with incidents of the agreement received in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringProblem {
    pub reference: String,
    pub title: String,
    pub state: String,
    pub services: Vec<String>,
    /// Incidents linked to it received in the period, and in all.
    pub in_period: i64,
    pub total: i64,
}

/// Incidents resolved in the period by the first line against the agreement's goal (Tranemo/Ulricehamn: 50 %).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstLine {
    pub goal_percent: u32,
    pub resolved: i64,
    pub by_first_line: i64,
}

impl FirstLine {
    /// "7 of 12 resolved by the first line (58 %), goal 50 %: met"; nothing resolved has no share.
    pub fn text(&self) -> String {
        if self.resolved == 0 {
            return format!("no incident resolved in the period (goal {} %)", self.goal_percent);
        }
        let share = 100.0 * self.by_first_line as f64 / self.resolved as f64;
        let verdict = if share + 1e-9 >= f64::from(self.goal_percent) { "met" } else { "NOT met" };
        format!(
            "{} of {} resolved by the first line ({share:.0} %), goal {} %: {verdict}",
            self.by_first_line, self.resolved, self.goal_percent
        )
    }
}

/// Tranemo/Ulricehamn's survey of the incidents closed in the period («Slumpenkät … 25 % av alla avslutade ärenden»).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyFigures {
    /// One closed incident in `every` is drawn.
    pub every: u32,
    pub questions: Vec<String>,
    pub closed: i64,
    pub drawn: i64,
    pub answered: i64,
    /// Answered yes to the first question (solved satisfactorily).
    pub solved: i64,
    /// Mean answer to the second (treatment, 1–5); `None` before any answer.
    pub treatment_mean: Option<f64>,
}

impl SurveyFigures {
    /// "12 of 47 closed incidents drawn (one in 4), 5 answered: 4 solved satisfactorily (80 %), treatment 4.2 of 5".
    pub fn text(&self) -> String {
        let mut text = format!(
            "{} of {} closed incidents drawn (one in {}), {} answered",
            self.drawn, self.closed, self.every, self.answered
        );
        if self.answered > 0 {
            let share = 100.0 * self.solved as f64 / self.answered as f64;
            text.push_str(&format!(": {} solved satisfactorily ({share:.0} %)", self.solved));
        }
        if let Some(mean) = self.treatment_mean {
            text.push_str(&format!(", treatment {mean:.1} of 5"));
        }
        text
    }
}

/// One service against its availability target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceFigure {
    pub service: String,
    /// The target in percent (99.9).
    pub target: f64,
    pub measured: Availability,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutageLine {
    pub id: i64,
    pub service: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub impact: String,
    pub incident: Option<String>,
    pub exclusion: Option<String>,
}

/// "3 of 5 outages used" (Tranemo/Ulricehamn: «Avbrott och incidenter ska inte överstiga fem (5) stycken per år»).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageCap {
    pub year: i32,
    pub counted: usize,
    pub cap: u32,
}

impl OutageCap {
    pub fn text(&self) -> String {
        let verdict = if self.counted > self.cap as usize { " — cap exceeded" } else { "" };
        format!("{} of {} outages used in {}{verdict}", self.counted, self.cap, self.year)
    }
}

/// How one clock of one incident ended up (or stands, while it runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockOutcome {
    Met,
    Breached,
    /// Deprioritised after a workaround (Altinn C): neither met nor breached.
    Deprioritised,
    /// Still running or not started.
    Open,
}

impl ClockOutcome {
    /// A stored clock brought up to `now`, as `vakt incident list` shows it: a counting clock past its due is
    /// breached even before an event has written so.
    pub fn of(clock: &ClockRecord, now: DateTime<Utc>) -> ClockOutcome {
        let overdue = clock.counting && clock.due.is_some_and(|due| due <= now);
        match clock.state.as_str() {
            "breached" => ClockOutcome::Breached,
            "running" | "warning" if overdue => ClockOutcome::Breached,
            "met" => ClockOutcome::Met,
            "deprioritised" => ClockOutcome::Deprioritised,
            _ => ClockOutcome::Open,
        }
    }
}

/// An incident as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentLine {
    pub reference: String,
    pub service: String,
    /// `None` while it has no priority.
    pub priority: Option<String>,
    /// Resolved or closed.
    pub resolved: bool,
    /// Declared a major incident (escalated).
    pub major: bool,
    pub clocks: Vec<(TargetKind, ClockOutcome)>,
}

/// The facts one incident is counted from.
#[derive(Debug, Clone)]
pub struct IncidentFacts {
    pub reference: String,
    pub service: String,
    pub priority: Option<String>,
    pub resolved: bool,
    pub major: bool,
    pub exercise: bool,
    /// The clocks frozen at resolution, else as last stored.
    pub clocks: Vec<ClockRecord>,
}

/// Met and breached of one kind of clock of one priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockTally {
    pub target: TargetKind,
    pub met: usize,
    pub breached: usize,
    pub deprioritised: usize,
    pub open: usize,
}

/// Incidents received, resolved and escalated of one priority, and its clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityTally {
    /// The priority's label, or `(none)` for incidents not yet prioritised.
    pub priority: String,
    pub received: usize,
    pub resolved: usize,
    pub major: usize,
    pub clocks: Vec<ClockTally>,
}

/// The label of incidents without a priority.
pub const NO_PRIORITY: &str = "(none)";

/// The incidents as report lines, exercises apart, each clock judged as of `now`.
pub fn incident_lines(facts: &[IncidentFacts], now: DateTime<Utc>) -> (Vec<IncidentLine>, Vec<String>) {
    let mut lines = Vec::new();
    let mut exercises = Vec::new();
    for f in facts {
        if f.exercise {
            exercises.push(f.reference.clone());
            continue;
        }
        lines.push(IncidentLine {
            reference: f.reference.clone(),
            service: f.service.clone(),
            priority: f.priority.clone(),
            resolved: f.resolved,
            major: f.major,
            clocks: f.clocks.iter().map(|c| (c.target, ClockOutcome::of(c, now))).collect(),
        });
    }
    (lines, exercises)
}

/// Tallies per priority in the agreement's order (`scheme`: each label with the kinds of clock it has), every
/// priority listed even when nothing was received; incidents without a priority come last, if any.
pub fn tally(lines: &[IncidentLine], scheme: &[(String, Vec<TargetKind>)]) -> Vec<PriorityTally> {
    let mut tallies: Vec<PriorityTally> = scheme
        .iter()
        .map(|(label, kinds)| PriorityTally {
            priority: label.clone(),
            received: 0,
            resolved: 0,
            major: 0,
            clocks: kinds
                .iter()
                .map(|&target| ClockTally { target, met: 0, breached: 0, deprioritised: 0, open: 0 })
                .collect(),
        })
        .collect();
    for line in lines {
        let label = line.priority.as_deref().unwrap_or(NO_PRIORITY);
        let index = match tallies.iter().position(|t| t.priority == label) {
            Some(i) => i,
            None => {
                tallies.push(PriorityTally {
                    priority: label.to_string(),
                    received: 0,
                    resolved: 0,
                    major: 0,
                    clocks: Vec::new(),
                });
                tallies.len() - 1
            }
        };
        let tally = &mut tallies[index];
        tally.received += 1;
        tally.resolved += usize::from(line.resolved);
        tally.major += usize::from(line.major);
        for &(target, outcome) in &line.clocks {
            let clock = match tally.clocks.iter().position(|c| c.target == target) {
                Some(i) => &mut tally.clocks[i],
                None => {
                    tally.clocks.push(ClockTally { target, met: 0, breached: 0, deprioritised: 0, open: 0 });
                    let last = tally.clocks.len() - 1;
                    &mut tally.clocks[last]
                }
            };
            match outcome {
                ClockOutcome::Met => clock.met += 1,
                ClockOutcome::Breached => clock.breached += 1,
                ClockOutcome::Deprioritised => clock.deprioritised += 1,
                ClockOutcome::Open => clock.open += 1,
            }
        }
    }
    tallies
}

impl ClockTally {
    /// "2 of 3 met (67 %)", or "none closed" when no clock has ended.
    pub fn compliance_text(&self) -> String {
        let judged = self.met + self.breached;
        if judged == 0 {
            return "none closed".into();
        }
        format!("{} of {judged} met ({:.0} %)", self.met, self.met as f64 * 100.0 / judged as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn clock(target: TargetKind, state: &str, due: Option<DateTime<Utc>>, counting: bool) -> ClockRecord {
        ClockRecord {
            target,
            clock: "24x7".into(),
            state: state.into(),
            counting,
            due,
            replanned_due: None,
            elapsed_seconds: 0,
            budget_seconds: Some(3600),
            breached_at: None,
            met_at: None,
        }
    }

    fn facts(
        reference: &str,
        priority: Option<&str>,
        resolved: bool,
        major: bool,
        clocks: Vec<ClockRecord>,
    ) -> IncidentFacts {
        IncidentFacts {
            reference: reference.into(),
            service: "SBL".into(),
            priority: priority.map(String::from),
            resolved,
            major,
            exercise: false,
            clocks,
        }
    }

    #[test]
    fn a_counting_clock_past_its_due_is_breached_and_a_paused_one_is_not() {
        let now = Utc.with_ymd_and_hms(2027, 3, 2, 12, 0, 0).unwrap();
        let past = Some(now - chrono::Duration::minutes(1));
        assert_eq!(
            ClockOutcome::of(&clock(TargetKind::Resolution, "running", past, true), now),
            ClockOutcome::Breached
        );
        assert_eq!(ClockOutcome::of(&clock(TargetKind::Resolution, "paused", past, false), now), ClockOutcome::Open);
        assert_eq!(
            ClockOutcome::of(&clock(TargetKind::Resolution, "running", Some(now), true), now),
            ClockOutcome::Breached
        );
        let later = Some(now + chrono::Duration::minutes(1));
        assert_eq!(ClockOutcome::of(&clock(TargetKind::Resolution, "warning", later, true), now), ClockOutcome::Open);
        assert_eq!(ClockOutcome::of(&clock(TargetKind::Response, "met", past, false), now), ClockOutcome::Met);
        assert_eq!(
            ClockOutcome::of(&clock(TargetKind::Resolution, "deprioritised", past, false), now),
            ClockOutcome::Deprioritised
        );
    }

    #[test]
    fn tallies_follow_the_scheme_and_leave_exercises_out() {
        let now = Utc.with_ymd_and_hms(2027, 3, 2, 12, 0, 0).unwrap();
        let met = |t| clock(t, "met", None, false);
        let breached = |t| clock(t, "breached", None, false);
        let mut exercise = facts("INC-9", Some("A"), true, true, vec![breached(TargetKind::Resolution)]);
        exercise.exercise = true;
        let all = [
            facts("INC-1", Some("A"), true, true, vec![met(TargetKind::Resolution), breached(TargetKind::Feedback)]),
            facts("INC-2", Some("A"), false, false, vec![breached(TargetKind::Resolution)]),
            facts("INC-3", Some("B"), true, false, vec![met(TargetKind::Resolution)]),
            facts("INC-4", None, false, false, vec![]),
            exercise,
        ];
        let (lines, exercises) = incident_lines(&all, now);
        assert_eq!(exercises, ["INC-9"]);
        let scheme = vec![
            ("A".to_string(), vec![TargetKind::Resolution, TargetKind::Feedback]),
            ("B".to_string(), vec![TargetKind::Resolution]),
            ("C".to_string(), vec![TargetKind::Resolution]),
        ];
        let tallies = tally(&lines, &scheme);
        let labels: Vec<&str> = tallies.iter().map(|t| t.priority.as_str()).collect();
        assert_eq!(labels, ["A", "B", "C", NO_PRIORITY]);
        let a = &tallies[0];
        assert_eq!((a.received, a.resolved, a.major), (2, 1, 1));
        assert_eq!((a.clocks[0].met, a.clocks[0].breached), (1, 1));
        assert_eq!(a.clocks[0].compliance_text(), "1 of 2 met (50 %)");
        assert_eq!((a.clocks[1].met, a.clocks[1].breached), (0, 1));
        assert_eq!((tallies[1].received, tallies[1].clocks[0].met), (1, 1));
        assert_eq!((tallies[2].received, tallies[2].clocks[0].compliance_text().as_str()), (0, "none closed"));
        assert_eq!(tallies[3].received, 1);
    }

    #[test]
    fn the_first_line_share_is_judged_against_its_goal() {
        let first = FirstLine { goal_percent: 50, resolved: 12, by_first_line: 7 };
        assert_eq!(first.text(), "7 of 12 resolved by the first line (58 %), goal 50 %: met");
        assert_eq!(
            FirstLine { by_first_line: 5, ..first.clone() }.text(),
            "5 of 12 resolved by the first line (42 %), goal 50 %: NOT met"
        );
        assert_eq!(
            FirstLine { by_first_line: 6, ..first.clone() }.text(),
            "6 of 12 resolved by the first line (50 %), goal 50 %: met"
        );
        assert_eq!(
            FirstLine { resolved: 0, by_first_line: 0, ..first }.text(),
            "no incident resolved in the period (goal 50 %)"
        );
    }

    #[test]
    fn the_survey_reads_drawn_answered_and_solved() {
        let survey = SurveyFigures {
            every: 4,
            questions: Vec::new(),
            closed: 47,
            drawn: 12,
            answered: 5,
            solved: 4,
            treatment_mean: Some(4.2),
        };
        assert_eq!(
            survey.text(),
            "12 of 47 closed incidents drawn (one in 4), 5 answered: 4 solved satisfactorily (80 %), treatment 4.2 of 5"
        );
        let quiet = SurveyFigures { answered: 0, solved: 0, treatment_mean: None, ..survey };
        assert_eq!(quiet.text(), "12 of 47 closed incidents drawn (one in 4), 0 answered");
    }

    #[test]
    fn the_outage_cap_reads_used_of_allowed() {
        let cap = OutageCap { year: 2027, counted: 3, cap: 5 };
        assert_eq!(cap.text(), "3 of 5 outages used in 2027");
        assert_eq!(OutageCap { counted: 6, ..cap }.text(), "6 of 5 outages used in 2027 — cap exceeded");
    }
}
