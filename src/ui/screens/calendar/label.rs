//! The short texts a window is shown with on the calendar: its times as seen on one day, its kind, its notice.
//! Times are the window's own zone's wall clock, as it was planned.

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};

use crate::app::model::MaintenanceWindow;
use crate::app::screens::calendar::days::{local_days, shift, zone_of};
use crate::app::screens::calendar::meetings::CalendarMeeting;

/// How a meeting is named where a window's kind would be: in a day cell, and in full.
pub const MEETING_SHORT: &str = "mtg";
pub const MEETING: &str = "meeting";

/// The kind in a few letters, for narrow day cells.
pub fn short_kind(kind: &str) -> &str {
    match kind {
        "primary_window" => "prim",
        "secondary_window" => "sec",
        "planned_downtime" => "down",
        "release" => "rel",
        "change" => "chg",
        "freeze" => "frz",
        "high_volume" => "peak",
        "critical_period" => "crit",
        other => other,
    }
}

/// The kind in words: `primary window`.
pub fn kind_name(kind: &str) -> String {
    kind.replace('_', " ")
}

/// `18` on the hour, `18:30` otherwise (`compact`), or always `18:00`.
fn clock(time: NaiveTime, compact: bool) -> String {
    if compact && time.minute() == 0 { format!("{:02}", time.hour()) } else { time.format("%H:%M").to_string() }
}

fn local(window: &MaintenanceWindow, at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&zone_of(window)).naive_local()
}

/// The window's times as seen on `day`: `18–22` within the day or overnight into the next, `22→` on the first of
/// several days, `→02` on its last, and a day it covers whole `00–24` (`compact`) or `all day`.
pub fn span_on(window: &MaintenanceWindow, day: NaiveDate, compact: bool) -> String {
    let (first, last) = local_days(window);
    let (start, end) = (local(window, window.start), local(window, window.end));
    let whole_day = if compact { "00–24" } else { "all day" };
    // From the day's first minute, or up to the next day's midnight.
    let from_midnight = day > first || start.time() == NaiveTime::MIN;
    let to_midnight = day < last || end.date() > day;
    if from_midnight && to_midnight {
        return whole_day.to_string();
    }
    let (start, end) = (clock(start.time(), compact), clock(end.time(), compact));
    let overnight = last == shift(first, 1);
    match (day == first, day == last) {
        (true, false) if !overnight => format!("{start}→"),
        (false, true) => format!("→{end}"),
        _ => format!("{start}–{end}"),
    }
}

/// Start and end in full, the end with its date when it falls on a later day: `Tue 15 Dec 18:00–22:00`.
pub fn full_span(window: &MaintenanceWindow) -> String {
    let (start, end) = (local(window, window.start), local(window, window.end));
    if start.date() == end.date() {
        format!("{}–{}", start.format("%a %-d %b %H:%M"), end.format("%H:%M"))
    } else {
        format!("{} → {}", start.format("%a %-d %b %H:%M"), end.format("%a %-d %b %H:%M"))
    }
}

/// A meeting's start and end on the viewer's clock: `10–11` (`compact`, on the hour) or `10:00–11:00`.
pub fn meeting_span(meeting: &CalendarMeeting, zone: chrono_tz::Tz, compact: bool) -> String {
    let (start, end) = (meeting.start.with_timezone(&zone), meeting.end.with_timezone(&zone));
    format!("{}–{}", clock(start.time(), compact), clock(end.time(), compact))
}

/// A meeting's start on the viewer's clock, for narrow day cells: `10`, or `10:30`.
pub fn meeting_start(meeting: &CalendarMeeting, zone: chrono_tz::Tz) -> String {
    clock(meeting.start.with_timezone(&zone).time(), true)
}

/// A meeting in full on the viewer's clock: `Tue 15 Dec 10:00–11:00`.
pub fn meeting_full_span(meeting: &CalendarMeeting, zone: chrono_tz::Tz) -> String {
    let start = meeting.start.with_timezone(&zone);
    format!("{} {}", start.format("%a %-d %b"), meeting_span(meeting, zone, false))
}

/// The notice against the agreement's rule, as the detail panes show it.
pub fn notice(window: &MaintenanceWindow) -> String {
    let late = |ok: bool| if ok { "" } else { " — too late" };
    match &window.notice {
        None => "no notice rule".to_string(),
        Some(n) => {
            // Before it is announced, what announcing now would give; after, what it got.
            let when = match n.announced_at {
                Some(at) => format!("announced {}", local(window, at).format("%-d %b")),
                None => "announced now".to_string(),
            };
            match (n.given_working_days, n.required_working_days, n.given_days, n.required_days) {
                (Some(given), Some(required), _, _) => {
                    format!("{when}: {given} of {required} working days' notice{}", late(n.ok))
                }
                (_, _, Some(given), Some(required)) => {
                    format!("{when}: {given} of {required} days' notice{}", late(n.ok))
                }
                _ => "notice unknown".to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::app::model::MaintenanceNotice;

    #[test]
    fn notice_says_when_it_was_announced_once_it_was() {
        let start = Utc.with_ymd_and_hms(2027, 1, 5, 21, 0, 0).unwrap();
        let mut window = MaintenanceWindow {
            id: "3:2027-01-05".into(),
            series_id: 3,
            version: 1,
            services: vec!["SBL".into()],
            kind: "release".into(),
            state: "announced".into(),
            impact: "degraded".into(),
            start,
            end: start + chrono::Duration::hours(3),
            zone: "Europe/Oslo".into(),
            notice: Some(MaintenanceNotice {
                given_working_days: Some(19),
                required_working_days: Some(5),
                given_days: None,
                required_days: None,
                ok: true,
                announced_at: None,
            }),
            warnings: Vec::new(),
        };
        assert_eq!(notice(&window), "announced now: 19 of 5 working days' notice");
        if let Some(n) = window.notice.as_mut() {
            n.announced_at = Some(Utc.with_ymd_and_hms(2026, 12, 5, 11, 0, 0).unwrap());
            n.ok = false;
        }
        assert_eq!(notice(&window), "announced 5 Dec: 19 of 5 working days' notice — too late");
    }
}
