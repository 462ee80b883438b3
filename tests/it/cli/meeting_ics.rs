//! `vakt meeting ics`: the demo's meeting series as iCalendar, read back by an independent parser (Python's icalendar
//! with recurring-ical-events), which must find every meeting where vakt's calendar puts it, on each series' own
//! wall clock across the daylight-saving change.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use vakt::db::demo;
use vakt::demo::Plan;

use super::{fresh_dir, stdout, temp_config};
use crate::harness::TestDb;

/// The first Tuesday 10:00 in Oslo after `now`, worked out here from the calendar alone.
fn next_tuesday_ten_in_oslo(now: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    let oslo = chrono_tz::Europe::Oslo;
    let mut day = now.with_timezone(&oslo).date_naive();
    loop {
        if day.weekday() == Weekday::Tue {
            let start = oslo.from_local_datetime(&day.and_hms_opt(10, 0, 0).unwrap()).single().unwrap();
            if start > now {
                return start.with_timezone(&Utc);
            }
        }
        day += Duration::days(1);
    }
}

#[tokio::test]
async fn the_demo_meetings_export_expands_in_an_independent_parser_to_the_calendars_meetings() {
    let db = TestDb::new().await;
    let now = Utc::now();
    demo::load(&db.pool, Plan::demo(now), &mut |_, _| {}).await.unwrap();
    let config = temp_config("meeting-ics", "");
    let (viewer, viewer_pool) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    // A period across a daylight-saving change whichever day the test runs on (they are at most 217 days apart).
    let from = now.date_naive();
    let to = from + Duration::days(240);
    let (from_text, to_text) = (from.to_string(), to.to_string());
    let range = ["--from", from_text.as_str(), "--to", to_text.as_str()];

    let ics = stdout(&run(&viewer, &["meeting", "ics", range[0], range[1], range[2], range[3]]));
    // One event per series with its rule and its zone's definition; the chair organises.
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 4, "{ics}");
    assert!(ics.contains("UID:meeting-ALT-STATUS@vakt"), "{ics}");
    assert!(ics.contains("RRULE:FREQ=WEEKLY;BYDAY=TU") && ics.contains("RRULE:FREQ=MONTHLY;BYDAY=1TH"), "{ics}");
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo") && ics.contains("TZID:Europe/Stockholm"), "{ics}");
    assert!(ics.contains("DTSTART;TZID=Europe/Oslo:") && ics.contains("T100000\r\n"), "{ics}");
    assert!(ics.contains("ORGANIZER;CN=\"Karin Dahl\":mailto:karin@vakt.example"), "{ics}");
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("Must attend: Altinn brukerservice (ABS) (abs)\\, "), "{unfolded}");
    assert!(unfolded.contains("May attend: Tjenesteeiere (tjenesteeiere)"), "{unfolded}");

    // The parser's meetings are the console calendar's, one for one.
    let file = fresh_dir("meeting-ics").join("meetings.ics");
    std::fs::write(&file, format!("{ics}\r\n")).unwrap();
    let theirs = crate::servers::expand_ics(&file, &from_text, &to_text);
    let mut ours: Vec<String> = vakt::db::maintenance::meetings::between(&viewer_pool, from, to)
        .await
        .unwrap()
        .iter()
        .map(|m| format!("meeting-{}@vakt {}", m.series, m.start.format("%Y-%m-%dT%H:%M:%SZ")))
        .collect();
    ours.sort();
    assert!(ours.len() > 50, "four series over 240 days: {ours:?}");
    assert_eq!(theirs, ours, "the independent parser expands the export to vakt's own meetings");

    // Altinn's status meeting is every Tuesday at 10:00 Oslo time, summer and winter, as the parser reads it; and
    // its next one is the next Tuesday 10:00.
    let status: Vec<chrono::DateTime<Utc>> = theirs
        .iter()
        .filter_map(|line| line.strip_prefix("meeting-ALT-STATUS@vakt "))
        .map(|at| chrono::DateTime::parse_from_rfc3339(at).unwrap().with_timezone(&Utc))
        .collect();
    let tuesdays = (0..(to - from).num_days())
        .map(|n| from + Duration::days(n))
        .filter(|d: &NaiveDate| d.weekday() == Weekday::Tue)
        .count();
    assert_eq!(status.len(), tuesdays, "{status:?}");
    let offsets: std::collections::BTreeSet<u32> = status.iter().map(|at| at.hour()).collect();
    assert_eq!(offsets.len(), 2, "09:00 UTC in winter, 08:00 in summer: {offsets:?}");
    for at in &status {
        let local = at.with_timezone(&chrono_tz::Europe::Oslo);
        assert_eq!((local.weekday(), local.hour(), local.minute()), (Weekday::Tue, 10, 0), "{at}");
    }
    let next = status.iter().copied().find(|at| *at > now);
    assert_eq!(next, Some(next_tuesday_ten_in_oslo(now)));

    // One series; an unknown one or an empty period is refused with exit 2.
    let one =
        stdout(&run(&viewer, &["meeting", "ics", "--series", "sth-change", range[0], range[1], range[2], range[3]]));
    assert_eq!(one.matches("BEGIN:VEVENT").count(), 1, "{one}");
    assert!(one.contains("UID:meeting-STH-CHANGE@vakt") && one.contains("DTSTART;TZID=Europe/Stockholm:"), "{one}");
    assert!(!one.contains("TZID:Europe/Oslo"), "only the zones used: {one}");
    let unknown = run(&viewer, &["meeting", "ics", "--series", "NOPE"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown meeting series 'NOPE'"));
    let backwards = run(&viewer, &["meeting", "ics", "--from", &to_text, "--to", &from_text]);
    assert_eq!(backwards.status.code(), Some(2));
}
