use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::domain::minutes::carry::Why;

fn utc(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

fn meeting(kind: MeetingKind, last: Option<DateTime<Utc>>) -> Meeting {
    Meeting {
        kind,
        starts_at: utc(24, 9),
        local_date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        last_starts_at: last,
        horizon: Duration::days(14),
    }
}

fn point(id: i64, due: u32, answer: Option<&str>, state: &str) -> FollowUpRow {
    FollowUpRow {
        id,
        text: format!("point {id}"),
        owner: "nav".into(),
        due: NaiveDate::from_ymd_opt(2026, 11, due).unwrap(),
        state: state.into(),
        answer: answer.map(String::from),
        answered_at: answer.map(|_| utc(20, 12)),
        overdue: false,
    }
}

fn incident(reference: &str, rank: Option<i32>, major: bool, received: u32) -> IncidentRow {
    IncidentRow {
        reference: reference.into(),
        service: "SBL".into(),
        priority: rank.map(|r| ["A", "B", "C"][(r - 1) as usize].to_string()),
        rank,
        title: "Innsending feiler".into(),
        status: "in_progress".into(),
        major,
        received_at: utc(received, 8),
    }
}

fn breach(reference: &str, at: DateTime<Utc>) -> BreachRow {
    BreachRow {
        reference: reference.into(),
        service: "SBL".into(),
        priority: Some("B".into()),
        target: "resolution".into(),
        breached_at: at,
        title: "Treg".into(),
    }
}

fn window(id: i64, start: DateTime<Utc>, hours: i64) -> WindowRow {
    WindowRow {
        series_id: id,
        kind: "release".into(),
        services: vec!["SBL".into()],
        start,
        end: start + Duration::hours(hours),
        state: "announced".into(),
        reason: "Kvartalsvis release".into(),
    }
}

fn ids(section: &Section) -> Vec<String> {
    section
        .rows
        .iter()
        .map(|r| match r {
            Row::Correction(c) => c.id.to_string(),
            Row::FollowUp(p) => p.id.to_string(),
            Row::Incident(i) => i.reference.clone(),
            Row::Breach(b) => b.reference.clone(),
            Row::Window(w) => w.series_id.to_string(),
            Row::Availability(a) => a.service.clone(),
            Row::Carried(c) => c.item_id.to_string(),
            Row::Problem(p) => p.reference.clone(),
        })
        .collect()
}

#[test]
fn follow_ups_overdue_first_then_open_then_answered_and_closed_ones_left_out() {
    let inputs = Inputs {
        follow_ups: vec![
            point(1, 30, None, "open"),
            point(2, 20, Some("done"), "answered"),
            point(3, 23, None, "open"),
            point(4, 10, None, "closed"),
            point(5, 24, None, "open"),
            point(6, 18, None, "open"),
        ],
        ..Inputs::default()
    };
    let agenda = build(&meeting(MeetingKind::WeeklyStatus, None), inputs);
    let section = agenda.section(SectionKind::FollowUps).unwrap();
    // 6 and 3 were due before the 24th; 5 is due on the day (not overdue); 2 is answered although its date passed.
    assert_eq!(ids(section), ["6", "3", "5", "1", "2"]);
    assert_eq!(section.title, "Follow-up points (5, 2 overdue, 1 answered)");
    let Row::FollowUp(answered) = &section.rows[4] else { panic!("{section:?}") };
    assert!(!answered.overdue && answered.answer.as_deref() == Some("done"));
}

#[test]
fn incidents_are_majors_and_ranks_one_and_two_majors_first_once_each() {
    let inputs = Inputs {
        incidents: vec![
            incident("INC-3", Some(3), false, 1),
            incident("INC-2", Some(2), false, 2),
            incident("INC-1", Some(1), false, 5),
            incident("INC-4", Some(3), true, 9),
            incident("INC-1", Some(1), false, 5),
            incident("INC-5", None, false, 3),
        ],
        ..Inputs::default()
    };
    let agenda = build(&meeting(MeetingKind::WeeklyStatus, None), inputs);
    let section = agenda.section(SectionKind::Incidents).unwrap();
    assert_eq!(ids(section), ["INC-4", "INC-1", "INC-2"]);
    assert_eq!(section.title, "Open major and most severe incidents (3, 1 major)");
}

#[test]
fn breaches_since_the_last_meeting_or_the_default_look_back() {
    let inputs = || Inputs {
        breaches: vec![
            breach("INC-old", utc(10, 9)),
            breach("INC-a", utc(17, 9)),
            breach("INC-b", utc(20, 9)),
            breach("INC-after", utc(24, 10)),
        ],
        ..Inputs::default()
    };
    let since_last = build(&meeting(MeetingKind::WeeklyStatus, Some(utc(17, 9))), inputs());
    assert_eq!(ids(since_last.section(SectionKind::Breaches).unwrap()), ["INC-a", "INC-b"]);
    assert_eq!(since_last.since, utc(17, 9));
    // No last meeting: a week back for a weekly meeting, a month for the monthly one.
    let weekly = build(&meeting(MeetingKind::WeeklyStatus, None), inputs());
    assert_eq!(ids(weekly.section(SectionKind::Breaches).unwrap()), ["INC-a", "INC-b"]);
    let monthly = build(&meeting(MeetingKind::MonthlyDelivery, None), inputs());
    assert_eq!(ids(monthly.section(SectionKind::Breaches).unwrap()), ["INC-old", "INC-a", "INC-b"]);
}

#[test]
fn windows_in_the_coming_period_and_availability_only_for_the_monthly_meeting() {
    let inputs = || Inputs {
        windows: vec![
            window(1, utc(30, 17), 4),
            window(2, utc(24, 7), 4),
            window(3, utc(20, 7), 4),
            window(4, utc(24, 9) + Duration::days(15), 2),
        ],
        availability: vec![
            AvailabilityRow {
                service: "TT02".into(),
                period: "2026-10".into(),
                target: Some(99.0),
                measured: Some(99.5),
                met: Some(true),
            },
            AvailabilityRow {
                service: "SBL".into(),
                period: "2026-10".into(),
                target: Some(99.9),
                measured: Some(99.2),
                met: Some(false),
            },
        ],
        ..Inputs::default()
    };
    let weekly = build(&meeting(MeetingKind::WeeklyStatus, None), inputs());
    // Window 2 is running when the meeting starts; 3 is over; 4 is beyond 14 days.
    assert_eq!(ids(weekly.section(SectionKind::Maintenance).unwrap()), ["2", "1"]);
    assert!(weekly.section(SectionKind::Availability).is_none());
    let change = build(&meeting(MeetingKind::WeeklyChange, None), inputs());
    assert!(change.section(SectionKind::Maintenance).unwrap().title.starts_with("Changes, windows and freezes"));
    let monthly = build(&meeting(MeetingKind::MonthlyDelivery, None), inputs());
    let availability = monthly.section(SectionKind::Availability).unwrap();
    assert_eq!(ids(availability), ["SBL", "TT02"], "the deviation first");
    assert_eq!(availability.title, "Availability against target (2 services, 1 below target)");
}

#[test]
fn corrections_count_the_late_ones_and_carried_items_come_last_and_only_when_there_are_some() {
    let correction = |id: i64, late: bool| CorrectionRow {
        id,
        text: "Punkt 2: B, ikke A".into(),
        by: "nav".into(),
        at: utc(18 + id as u32, 9),
        late,
    };
    let carried = Carried { item_id: 7, title: "Kapasitet".into(), notes: String::new(), why: Why::NotDiscussed };
    let inputs = Inputs {
        corrections: vec![correction(2, true), correction(1, false)],
        carried: vec![carried],
        ..Inputs::default()
    };
    let agenda = build(&meeting(MeetingKind::WeeklyStatus, None), inputs);
    let kinds: Vec<SectionKind> = agenda.sections.iter().map(|s| s.kind).collect();
    use SectionKind as K;
    assert_eq!(
        kinds,
        [K::Corrections, K::FollowUps, K::Incidents, K::Breaches, K::Maintenance, K::Problems, K::Carried]
    );
    let corrections = agenda.section(K::Corrections).unwrap();
    assert_eq!(ids(corrections), ["1", "2"]);
    assert_eq!(corrections.title, "Corrections to the last minutes (2, 1 late)");
    let empty = build(&meeting(MeetingKind::WeeklyStatus, None), Inputs::default());
    assert!(empty.section(K::Carried).is_none());
    assert_eq!(empty.section(K::Incidents).unwrap().rows.len(), 0);
}

#[test]
fn the_frozen_agenda_reads_back_as_it_was_written() {
    let inputs = Inputs {
        follow_ups: vec![point(1, 20, None, "open")],
        incidents: vec![incident("INC-1", Some(1), true, 5)],
        ..Inputs::default()
    };
    let agenda = build(&meeting(MeetingKind::MonthlyDelivery, None), inputs);
    let json = serde_json::to_string(&agenda).unwrap();
    let back: Agenda = serde_json::from_str(&json).unwrap();
    assert_eq!(back, agenda);
    assert!(json.contains("\"kind\":\"follow_up\""), "{json}");
}

#[test]
fn recurring_problems_most_incidents_since_first_and_only_where_problems_are_reviewed() {
    let problem = |reference: &str, since: i64| ProblemRow {
        reference: reference.into(),
        title: format!("Problem {reference}"),
        state: "known_error".into(),
        incidents_since: since,
        incidents: since + 3,
        has_workaround: true,
    };
    let inputs = || Inputs {
        problems: vec![problem("PRB-1", 1), problem("PRB-2", 0), problem("PRB-3", 4)],
        ..Inputs::default()
    };
    let review = build(&meeting(MeetingKind::ProblemReview, None), inputs());
    let section = review.section(SectionKind::Problems).unwrap();
    assert_eq!(ids(section), ["PRB-3", "PRB-1"], "none since the last meeting: not on the agenda");
    assert_eq!(section.title, "Recurring problems since the last meeting (2)");
    let line = crate::domain::minutes::text::line(&section.rows[0], chrono_tz::Europe::Oslo);
    assert_eq!(
        line,
        "PRB-3 Problem PRB-3 · known error · 4 incident(s) since the last meeting, 7 in all · workaround known"
    );
    let delivery = build(&meeting(MeetingKind::MonthlyDelivery, None), inputs());
    assert!(delivery.section(SectionKind::Problems).is_none(), "the delivery meeting is about availability");
}
