//! The three clocks on Altinn's support calendar (Mon–Fri 08:00–15:45, Norwegian public holidays; Christmas Eve
//! and New Year's Eve are working days), with dates counted by hand.

use chrono::{DateTime, Utc};

use super::tests_support::{altinn, oslo};
use super::*;

fn received(at: DateTime<Utc>) -> NeedTimes {
    NeedTimes { received: at, feedback: None, qualified: None, analysed: None, rejected: None, priority: None }
}

#[test]
fn feedback_is_due_on_the_fifth_working_day_across_christmas() {
    // Mon 21 Dec 10:00 → Tue 22, Wed 23, Thu 24 (Christmas Eve works), Fri 25 closed (1. juledag), weekend,
    // Mon 28, Tue 29: the 5th working day, at the same time.
    let due = due(&altinn(), NeedClockKind::Feedback, oslo(2026, 12, 21, 10, 0)).unwrap();
    assert_eq!(due, oslo(2026, 12, 29, 10, 0));
}

#[test]
fn qualification_is_due_twenty_working_days_later_over_new_year() {
    // Dec 22, 23, 24, 28, 29, 30, 31 (7), Jan 1 closed (1. nyttårsdag), Jan 4–8 (12), 11–15 (17), 18, 19, 20.
    let due = due(&altinn(), NeedClockKind::Qualification, oslo(2026, 12, 21, 10, 0)).unwrap();
    assert_eq!(due, oslo(2027, 1, 20, 10, 0));
}

#[test]
fn a_need_received_on_a_saturday_starts_at_mondays_opening() {
    // Counted from Mon 21 Dec 08:00, the 5th working day's 08:00 is Tue 29 Dec; in business time that instant is
    // the close of Mon 28 Dec, which the SLA engine names (as it does for incidents' working-day targets).
    let due = due(&altinn(), NeedClockKind::Feedback, oslo(2026, 12, 19, 12, 0)).unwrap();
    assert_eq!(due, oslo(2026, 12, 28, 15, 45));
}

#[test]
fn analysis_of_a_high_need_skips_easter_and_keeps_the_wall_clock_over_summer_time() {
    // Qualified Mon 22 Mar 2027 14:00 (CET). Mar 23, 24 (2); Thu 25, Fri 26 and Mon 29 are Easter holidays;
    // Mar 30, 31, Apr 1, 2 (6); Apr 5–9 (11), 12–16 (16), 19, 20, 21, 22: due Thu 22 Apr 14:00 CEST.
    let agreement = altinn();
    let qualified = oslo(2027, 3, 22, 14, 0);
    let times = NeedTimes {
        feedback: Some(oslo(2027, 3, 10, 9, 0)),
        qualified: Some(qualified),
        priority: Some(NeedPriority::High),
        ..received(oslo(2027, 3, 8, 9, 0))
    };
    let clocks = clocks(&agreement, &times, oslo(2027, 4, 20, 9, 0)).unwrap();
    let analysis = clocks.iter().find(|c| c.kind == NeedClockKind::Analysis).expect("high priority is analysed");
    assert_eq!(analysis.started, qualified);
    assert_eq!(analysis.due, oslo(2027, 4, 22, 14, 0));
    assert_eq!(analysis.due.to_rfc3339(), "2027-04-22T12:00:00+00:00");
    assert_eq!(analysis.outcome, NeedClockOutcome::Running);
    // Tue 20 Apr → Wed 21, Thu 22.
    assert_eq!(analysis.working_days_left, Some(2));
    assert_eq!(analysis.countdown_text(), "2 wd left");
}

#[test]
fn only_a_high_priority_need_has_an_analysis_clock() {
    let agreement = altinn();
    let medium = NeedTimes {
        feedback: Some(oslo(2027, 3, 9, 9, 0)),
        qualified: Some(oslo(2027, 3, 22, 14, 0)),
        priority: Some(NeedPriority::Medium),
        ..received(oslo(2027, 3, 8, 9, 0))
    };
    let kinds: Vec<_> = clocks(&agreement, &medium, oslo(2027, 4, 1, 9, 0)).unwrap().iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [NeedClockKind::Feedback, NeedClockKind::Qualification]);
}

#[test]
fn a_step_on_the_due_minute_meets_the_clock_and_one_after_breaches_it() {
    let agreement = altinn();
    let start = oslo(2026, 12, 21, 10, 0);
    let on_time = NeedTimes { feedback: Some(oslo(2026, 12, 29, 10, 0)), ..received(start) };
    let late = NeedTimes { feedback: Some(oslo(2026, 12, 29, 10, 1)), ..received(start) };
    let now = oslo(2027, 1, 5, 9, 0);
    assert_eq!(clocks(&agreement, &on_time, now).unwrap()[0].outcome, NeedClockOutcome::Met);
    let breached = &clocks(&agreement, &late, now).unwrap()[0];
    assert_eq!(breached.outcome, NeedClockOutcome::Breached);
    assert_eq!(breached.working_days_left, None, "a stopped clock has no countdown");
}

#[test]
fn a_running_clock_past_its_due_is_breached_and_counts_working_days_overdue() {
    let agreement = altinn();
    // Feedback due Tue 29 Dec 10:00; on Mon 4 Jan it is 3 working days overdue (Dec 30, 31, Jan 4; Jan 1 closed).
    let clock = &clocks(&agreement, &received(oslo(2026, 12, 21, 10, 0)), oslo(2027, 1, 4, 9, 0)).unwrap()[0];
    assert_eq!(clock.outcome, NeedClockOutcome::Breached);
    assert_eq!(clock.working_days_left, Some(-3));
    assert_eq!(clock.countdown_text(), "BREACHED 3 wd ago");
    // On the due day before the due time it is running, due today.
    let today = &clocks(&agreement, &received(oslo(2026, 12, 21, 10, 0)), oslo(2026, 12, 29, 9, 0)).unwrap()[0];
    assert_eq!((today.outcome, today.countdown_text().as_str()), (NeedClockOutcome::Running, "due today"));
}

#[test]
fn rejection_stops_the_clocks_still_running() {
    let agreement = altinn();
    let times = NeedTimes { rejected: Some(oslo(2026, 12, 22, 12, 0)), ..received(oslo(2026, 12, 21, 10, 0)) };
    let all = clocks(&agreement, &times, oslo(2027, 3, 1, 9, 0)).unwrap();
    assert!(all.iter().all(|c| c.outcome == NeedClockOutcome::Met && !c.is_running()));
}

#[test]
fn high_needs_a_justification_and_priorities_read_norwegian() {
    assert!(check_justification(NeedPriority::High, None).is_err());
    assert!(check_justification(NeedPriority::High, Some("  ")).is_err());
    assert!(check_justification(NeedPriority::High, Some("lovkrav fra 1.1")).is_ok());
    assert!(check_justification(NeedPriority::Low, None).is_ok());
    assert_eq!(NeedPriority::parse("Høy"), Some(NeedPriority::High));
    assert_eq!(NeedPriority::parse("middels"), Some(NeedPriority::Medium));
    assert_eq!(NeedPriority::parse("urgent"), None);
    assert_eq!(NeedState::parse("feedback_given"), Some(NeedState::FeedbackGiven));
}
