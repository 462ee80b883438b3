use chrono::{DateTime, TimeZone, Utc};

use super::data::{MeetingLine, MeetingList, SeriesLine};
use super::{Line, MinutesScreen};
use crate::app::effect::DbCommand;
use crate::app::screens::ScreenState;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, 9, 0, 0).single().expect("a valid instant")
}

fn series(code: &str) -> SeriesLine {
    SeriesLine {
        code: code.into(),
        title: format!("{code} meeting"),
        agreement: "ALTINN".into(),
        chair: "karin".into(),
    }
}

fn meeting(id: i64, series: &str, day: u32) -> MeetingLine {
    MeetingLine {
        id,
        series: series.into(),
        starts_at: at(day),
        state: "published".into(),
        follow_ups_open: 0,
        corrections: 0,
    }
}

/// An empty series first, then ALT-STATUS with three meetings given oldest first.
fn list() -> MeetingList {
    MeetingList {
        series: vec![series("ALT-DELIVERY"), series("ALT-STATUS")],
        meetings: vec![meeting(1, "ALT-STATUS", 1), meeting(2, "ALT-STATUS", 8), meeting(3, "ALT-STATUS", 15)],
    }
}

fn meeting_ids(screen: &MinutesScreen) -> Vec<Option<i64>> {
    screen
        .lines()
        .iter()
        .map(|l| match l {
            Line::Series(_) => None,
            Line::Meeting(m) => Some(m.id),
        })
        .collect()
}

#[test]
fn each_series_lists_its_meetings_latest_first_and_the_first_meeting_is_selected() {
    let mut screen = MinutesScreen::default();
    screen.listed(list());
    assert_eq!(meeting_ids(&screen), vec![None, None, Some(3), Some(2), Some(1)]);
    assert_eq!(screen.selected_meeting().map(|m| m.id), Some(3));
    assert_eq!(screen.selected_series().map(|s| s.code.as_str()), Some("ALT-STATUS"));
}

#[test]
fn a_new_list_keeps_the_selected_meeting_where_it_moved() {
    let mut screen = MinutesScreen::default();
    screen.listed(list());
    screen.move_selection(1);
    assert_eq!(screen.selected_meeting().map(|m| m.id), Some(2));
    let mut newer = list();
    newer.meetings.push(meeting(4, "ALT-STATUS", 22));
    screen.listed(newer);
    assert_eq!(screen.selected_meeting().map(|m| m.id), Some(2));
}

#[test]
fn stepping_between_meetings_skips_headings_and_the_open_minutes_follow() {
    let mut screen = MinutesScreen::default();
    screen.listed(list());
    assert_eq!(screen.step_meeting(1), None, "nothing open, nothing to load");
    assert_eq!(screen.selected_meeting().map(|m| m.id), Some(2));
    assert_eq!(screen.open_selected(), Some(DbCommand::LoadMinutes { id: 2 }));
    assert_eq!(screen.step_meeting(1), Some(DbCommand::LoadMinutes { id: 1 }));
    assert_eq!(screen.step_meeting(1), None, "the oldest is the last");
    assert_eq!(screen.open.as_ref().map(|o| o.id), Some(1));
    assert_eq!(screen.step_meeting(-2), Some(DbCommand::LoadMinutes { id: 3 }));
    assert_eq!(screen.step_meeting(-1), None, "the latest is the first");
    // From a heading, the next meeting is the first one under it.
    screen.selected = 1;
    screen.open = None;
    screen.step_meeting(1);
    assert_eq!(screen.selected_meeting().map(|m| m.id), Some(3));
}

#[test]
fn an_answer_for_a_meeting_no_longer_open_is_dropped() {
    let mut screen = MinutesScreen::default();
    screen.listed(list());
    screen.open_selected();
    screen.loaded(2, Err("late".into()));
    assert_eq!(screen.open.as_ref().and_then(|o| o.detail.clone()), None);
    screen.loaded(3, Err("refused".into()));
    assert_eq!(screen.open.as_ref().and_then(|o| o.detail.clone()), Some(Err("refused".into())));
}

#[test]
fn with_minutes_open_the_keys_scroll_them_and_esc_closes_them() {
    let mut screen = MinutesScreen::default();
    screen.listed(list());
    screen.open_selected();
    screen.move_selection(5);
    screen.move_selection(-2);
    assert_eq!(screen.open.as_ref().map(|o| o.scroll), Some(3));
    screen.move_selection(isize::MIN / 2);
    assert_eq!(screen.open.as_ref().map(|o| o.scroll), Some(0));
    assert_eq!(screen.selected_meeting().map(|m| m.id), Some(3), "the list stays put");
    assert!(screen.back());
    assert!(!screen.back(), "nothing more to close");
}

#[test]
fn after_a_reconnect_the_list_and_the_open_minutes_are_read_again() {
    let mut screen = MinutesScreen::default();
    assert!(screen.resync().is_empty(), "never shown, nothing to read");
    screen.listed(list());
    screen.open_selected();
    let effects = screen.resync();
    assert_eq!(effects.len(), 2, "{effects:?}");
}
