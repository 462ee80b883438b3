//! Due times counted by hand on a calendar, Europe/Oslo: summer time starts on Sunday 29 March 2026 at 02:00
//! (01:00 UTC) and ends on Sunday 25 October 2026 at 03:00 (01:00 UTC).

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Oslo;

use super::*;
use crate::domain::agreement::regulatory::{DutyTrigger, RegulatoryDuty, RegulatoryPeriod, RegulatoryUnit};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid")
}

fn duty(code: &str, amount: u32, unit: RegulatoryUnit, when: DutyTrigger, after: Option<&str>) -> RegulatoryDuty {
    RegulatoryDuty {
        code: code.into(),
        name: code.into(),
        authority: if when == DutyTrigger::PersonalData { "Datatilsynet".into() } else { "NSM".into() },
        within: RegulatoryPeriod { amount, unit },
        when,
        after: after.map(str::to_string),
        note: None,
    }
}

fn nis2_and_gdpr() -> Vec<RegulatoryDuty> {
    vec![
        duty("nis2-early", 24, RegulatoryUnit::Hours, DutyTrigger::Security, None),
        duty("nis2-notification", 72, RegulatoryUnit::Hours, DutyTrigger::Security, None),
        duty("nis2-final", 1, RegulatoryUnit::Months, DutyTrigger::Security, Some("nis2-notification")),
        duty("gdpr-breach", 72, RegulatoryUnit::Hours, DutyTrigger::PersonalData, None),
    ]
}

fn dues(clocks: &[RegulatoryClock]) -> Vec<(&str, DateTime<Utc>)> {
    clocks.iter().map(|c| (c.code.as_str(), c.due)).collect()
}

#[test]
fn flagged_the_day_before_summer_time_counts_elapsed_hours() {
    // Saturday 28 March 12:00 CET = 11:00 UTC. 24 h later is Sunday 13:00 CEST (the night lost an hour): 11:00 UTC.
    let history = [(utc(2026, 3, 28, 11, 0), FlagEvent::SecurityFlagged)];
    let clocks = clocks(&nis2_and_gdpr(), Oslo, &history);
    assert_eq!(
        dues(&clocks),
        vec![
            ("nis2-early", utc(2026, 3, 29, 11, 0)),
            ("nis2-notification", utc(2026, 3, 31, 11, 0)),
            // Not notified yet: one month from the notification's due time, Tuesday 31 March 13:00 CEST →
            // Thursday 30 April 13:00 CEST = 11:00 UTC.
            ("nis2-final", utc(2026, 4, 30, 11, 0)),
        ],
        "no GDPR clock without the personal-data flag"
    );
    assert_eq!(next_due(&clocks), Some(utc(2026, 3, 29, 11, 0)));
}

#[test]
fn a_month_keeps_the_wall_clock_time_across_a_dst_change() {
    let month = RegulatoryPeriod { amount: 1, unit: RegulatoryUnit::Months };
    // 10 March 09:00 CET (08:00 UTC) → 10 April 09:00 CEST (07:00 UTC): 31 days less one hour.
    assert_eq!(add(utc(2026, 3, 10, 8, 0), month, Oslo), utc(2026, 4, 10, 7, 0));
    // 20 October 10:00 CEST (08:00 UTC) → 20 November 10:00 CET (09:00 UTC).
    assert_eq!(add(utc(2026, 10, 20, 8, 0), month, Oslo), utc(2026, 11, 20, 9, 0));
    // 25 September 02:30 CEST → 25 October 02:30, which happens twice: the first (CEST, 00:30 UTC).
    assert_eq!(add(utc(2026, 9, 25, 0, 30), month, Oslo), utc(2026, 10, 25, 0, 30));
    // 29 January 02:30 CET (01:30 UTC) + 2 months → 29 March 02:30, which does not exist: 03:30 CEST = 01:30 UTC.
    let two = RegulatoryPeriod { amount: 2, unit: RegulatoryUnit::Months };
    assert_eq!(add(utc(2026, 1, 29, 1, 30), two, Oslo), utc(2026, 3, 29, 1, 30));
    // Days are 24 elapsed hours: 24 October 12:00 CEST (10:00 UTC) + 1 day = 25 October 11:00 CET.
    let day = RegulatoryPeriod { amount: 1, unit: RegulatoryUnit::Days };
    assert_eq!(add(utc(2026, 10, 24, 10, 0), day, Oslo), utc(2026, 10, 25, 10, 0));
}

#[test]
fn personal_data_starts_its_own_clock_and_notifications_are_kept() {
    let history = [
        (utc(2026, 3, 28, 11, 0), FlagEvent::SecurityFlagged),
        (utc(2026, 3, 28, 20, 0), FlagEvent::PersonalDataFlagged),
        // Recorded later than it was made: the made time counts.
        (utc(2026, 3, 29, 12, 0), FlagEvent::Notified { duty: "nis2-early".into(), at: utc(2026, 3, 29, 10, 0) }),
        (utc(2026, 3, 30, 9, 0), FlagEvent::Notified { duty: "nis2-notification".into(), at: utc(2026, 3, 30, 9, 0) }),
        // A second record of the same duty does not move its deadline's outcome.
        (utc(2026, 3, 30, 10, 0), FlagEvent::Notified { duty: "nis2-early".into(), at: utc(2026, 3, 30, 10, 0) }),
    ];
    let clocks = clocks(&nis2_and_gdpr(), Oslo, &history);
    assert_eq!(
        dues(&clocks),
        vec![
            ("nis2-early", utc(2026, 3, 29, 11, 0)),
            ("nis2-notification", utc(2026, 3, 31, 11, 0)),
            // One month from the notification made on 30 March 11:00 CEST: 30 April 11:00 CEST = 09:00 UTC.
            ("nis2-final", utc(2026, 4, 30, 9, 0)),
            ("gdpr-breach", utc(2026, 3, 31, 20, 0)),
        ]
    );
    let now = utc(2026, 3, 31, 21, 0);
    let states: Vec<ClockState> = clocks.iter().map(|c| c.state(now, 50)).collect();
    assert_eq!(states, vec![ClockState::Met, ClockState::Met, ClockState::Running, ClockState::Overdue]);
    assert_eq!(next_due(&clocks), Some(utc(2026, 3, 31, 20, 0)));
}

#[test]
fn late_and_warning_states() {
    let history = [
        (utc(2026, 6, 1, 0, 0), FlagEvent::SecurityFlagged),
        (utc(2026, 6, 3, 0, 0), FlagEvent::Notified { duty: "nis2-early".into(), at: utc(2026, 6, 2, 0, 1) }),
    ];
    let clocks = clocks(&nis2_and_gdpr(), Oslo, &history);
    assert_eq!(clocks[0].state(utc(2026, 6, 3, 0, 0), 50), ClockState::MetLate);
    // 72 h: 50 % is 36 h in.
    assert_eq!(clocks[1].state(utc(2026, 6, 2, 11, 59), 50), ClockState::Running);
    assert_eq!(clocks[1].state(utc(2026, 6, 2, 12, 0), 50), ClockState::Warning);
    assert_eq!(clocks[1].state(utc(2026, 6, 4, 0, 0), 50), ClockState::Overdue);
}

#[test]
fn clearing_stops_every_clock_and_a_new_flag_starts_over() {
    let duties = nis2_and_gdpr();
    let mut history = vec![
        (utc(2026, 5, 1, 8, 0), FlagEvent::SecurityFlagged),
        (utc(2026, 5, 1, 9, 0), FlagEvent::PersonalDataFlagged),
        (utc(2026, 5, 1, 10, 0), FlagEvent::Notified { duty: "nis2-early".into(), at: utc(2026, 5, 1, 10, 0) }),
        (utc(2026, 5, 2, 8, 0), FlagEvent::SecurityCleared),
    ];
    assert!(clocks(&duties, Oslo, &history).is_empty());
    history.push((utc(2026, 5, 3, 8, 0), FlagEvent::SecurityFlagged));
    let again = clocks(&duties, Oslo, &history);
    assert_eq!(again[0].due, utc(2026, 5, 4, 8, 0));
    assert_eq!(again[0].notified, None, "the earlier episode's notification does not count");
    assert!(again.iter().all(|c| c.code != "gdpr-breach"), "the personal-data flag went with the security flag");
}

#[test]
fn duties_are_validated() {
    use crate::domain::agreement::regulatory::problem;
    assert_eq!(problem(&nis2_and_gdpr()), None);
    let mut bad = nis2_and_gdpr();
    bad[2].after = Some("later".into());
    assert!(problem(&bad).unwrap_or_default().contains("after"));
    let mut bad = nis2_and_gdpr();
    bad[1].code = "nis2-early".into();
    assert!(problem(&bad).unwrap_or_default().contains("twice"));
    let mut bad = nis2_and_gdpr();
    bad[0].within.amount = 0;
    assert!(problem(&bad).is_some());
    let mut bad = nis2_and_gdpr();
    bad[0].code = "NIS2 early".into();
    assert!(problem(&bad).is_some());
}
