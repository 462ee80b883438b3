//! The maintenance calendar through `update`: its keys, the dates it asks for, and its three views on screen.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::tests::snapshots::{SIZES, render};
use super::tests::{now, state};
use super::update;
use crate::app::action::{Action, ChangeNotice};
use crate::app::command::{Command, Screen};
use crate::app::effect::{DbCommand, Effect};
use crate::app::model::{MaintenanceNotice, MaintenanceWarning, MaintenanceWindow};
use crate::app::screens::calendar::CalendarView;
use crate::app::screens::calendar::meetings::CalendarMeeting;
use crate::app::state::State;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::from(code)), now())
}

fn keys(s: &mut State, typed: &str) -> Vec<Effect> {
    typed.chars().flat_map(|c| press(s, KeyCode::Char(c))).collect()
}

fn load(from: NaiveDate, to: NaiveDate) -> Effect {
    Effect::Db(DbCommand::LoadMaintenance { from, to })
}

/// The calendar on screen, as the session starts it: today's dates asked for (and on their way).
fn calendar() -> State {
    let mut s = state(true);
    let start = s.screens.calendar.reload().expect("the dates around today");
    s.link.in_flight.admit(vec![Effect::Db(start)], super::coalesce::Since::Unknown);
    update(&mut s, Action::Run(Command::Show(Screen::Calendar)), now());
    s
}

#[test]
fn the_cursor_moves_by_day_week_and_month_across_the_year_end() {
    let mut s = calendar();
    assert_eq!((s.screens.calendar.view, s.screens.calendar.day()), (CalendarView::Month, Some(date(2026, 11, 24))));
    keys(&mut s, "]");
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 24)));
    keys(&mut s, "jl");
    assert_eq!(s.screens.calendar.day(), Some(date(2027, 1, 1)), "a week and a day on, into the new year");
    keys(&mut s, "[");
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 1)));
    press(&mut s, KeyCode::PageDown);
    press(&mut s, KeyCode::Left);
    keys(&mut s, "k");
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 24)));
    keys(&mut s, "G");
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 31)));
    keys(&mut s, "w");
    press(&mut s, KeyCode::Down);
    assert_eq!((s.screens.calendar.view, s.screens.calendar.day()), (CalendarView::Week, Some(date(2027, 1, 7))));
    keys(&mut s, "t");
    assert_eq!((s.screens.calendar.cursor, s.screens.calendar.day()), (None, Some(date(2026, 11, 24))));
    // In the agenda j/k move the row, not the day.
    keys(&mut s, "aj");
    assert_eq!((s.screens.calendar.view, s.screens.calendar.day()), (CalendarView::Agenda, Some(date(2026, 11, 24))));
    // From the palette anywhere, a calendar command shows the calendar.
    update(&mut s, Action::Run(Command::Show(Screen::Board)), now());
    update(&mut s, Action::Run(Command::by_name("month").unwrap()), now());
    assert_eq!((s.screen, s.screens.calendar.view), (Screen::Calendar, CalendarView::Month));
}

#[test]
fn leaving_the_loaded_dates_loads_the_months_around_the_cursor_once() {
    let mut s = calendar();
    // October 2026 to March 2027 were asked for at the start; up to February nothing more is needed.
    assert!(keys(&mut s, "]]]").is_empty());
    assert_eq!(s.screens.calendar.day(), Some(date(2027, 2, 24)));
    // March's grid runs into April: its months are asked for once the start's answer is in.
    let march = load(date(2027, 2, 1), date(2027, 8, 1));
    assert!(keys(&mut s, "]").is_empty(), "one load on its way at a time");
    let start = Action::MaintenanceLoaded {
        from: date(2026, 10, 1),
        to: date(2027, 4, 1),
        windows: Vec::new(),
        meetings: Vec::new(),
    };
    assert_eq!(update(&mut s, start, now()), vec![march]);
    assert!(keys(&mut s, "]]").is_empty(), "April and May are on their way");
    let answer = Action::MaintenanceLoaded {
        from: date(2027, 2, 1),
        to: date(2027, 8, 1),
        windows: Vec::new(),
        meetings: Vec::new(),
    };
    assert!(update(&mut s, answer, now()).is_empty());
    // Back to today: its months are asked for again.
    assert_eq!(keys(&mut s, "t"), vec![load(date(2026, 10, 1), date(2027, 4, 1))]);
    // A change to the windows reloads the dates last asked for, and the board's service windows.
    let notice =
        ChangeNotice { table: "maintenance_series".into(), id: Some(3), version: Some(1), op: "insert".into() };
    let loaded = Action::MaintenanceLoaded {
        from: date(2026, 10, 1),
        to: date(2027, 4, 1),
        windows: Vec::new(),
        meetings: Vec::new(),
    };
    update(&mut s, loaded, now());
    assert_eq!(
        update(&mut s, Action::Changed(notice), now()),
        vec![load(date(2026, 10, 1), date(2027, 4, 1)), Effect::Db(DbCommand::LoadServiceWindows)]
    );
}

#[test]
fn a_cursor_that_follows_today_loads_new_dates_as_the_days_pass() {
    let mut s = calendar();
    // The start's load has arrived.
    s.link.in_flight.forget();
    assert!(update(&mut s, Action::Tick, now() + Duration::days(1)).is_empty());
    let later = now() + Duration::days(120);
    assert_eq!(update(&mut s, Action::Tick, later), vec![load(date(2027, 2, 1), date(2027, 8, 1))]);
    // A cursor the user moved stays where it is.
    keys(&mut s, "l");
    assert!(update(&mut s, Action::Tick, later + Duration::days(200)).is_empty());
}

fn windows() -> Vec<MaintenanceWindow> {
    let stockholm = chrono_tz::Europe::Stockholm;
    let oslo = chrono_tz::Europe::Oslo;
    let notice = |given, required, ok| MaintenanceNotice {
        given_working_days: None,
        required_working_days: None,
        given_days: Some(given),
        required_days: Some(required),
        ok,
        announced_at: None,
    };
    let window = |id: &str, zone: chrono_tz::Tz, start: (u32, u32, u32), hours, kind: &str, services: &[&str]| {
        let (month, day, hour) = start;
        let year = if month == 1 { 2027 } else { 2026 };
        let start = zone.with_ymd_and_hms(year, month, day, hour, 0, 0).unwrap().with_timezone(&Utc);
        MaintenanceWindow {
            id: id.into(),
            series_id: id.split(':').next().and_then(|s| s.parse().ok()).unwrap_or(0),
            version: 1,
            services: services.iter().map(|s| s.to_string()).collect(),
            kind: kind.into(),
            state: "approved".into(),
            impact: "unavailable".into(),
            start,
            end: start + Duration::hours(hours),
            zone: zone.name().into(),
            notice: Some(notice(20, 3, true)),
            warnings: Vec::new(),
        }
    };
    let mut primary = window("1:2026-12-15", stockholm, (12, 15, 18), 4, "primary_window", &["TRA-EPOST", "ULR-EPOST"]);
    primary.warnings.push(MaintenanceWarning {
        code: "overlap".into(),
        text: "overlaps another window on ULR-EPOST from 2026-12-15 20:00".into(),
    });
    let mut patch = window("3:2026-12-03", oslo, (12, 3, 22), 4, "release", &["SBL"]);
    patch.notice = Some(notice(2, 5, false));
    patch.warnings.push(MaintenanceWarning {
        code: "notice_short".into(),
        text: "announcing now gives 2 working days' notice, the agreement needs 5 (Altinn 2.1.2)".into(),
    });
    vec![
        patch,
        window("4:2026-12-15", oslo, (12, 15, 8), 1, "change", &["AT"]),
        primary,
        window("5:2026-12-15", oslo, (12, 15, 20), 2, "release", &["SBL", "TT01"]),
        window("6:2026-12-18", oslo, (12, 18, 0), 24 * 17, "freeze", &["SBL", "AT", "YT"]),
        window("2:2026-12-22", stockholm, (12, 22, 18), 3, "secondary_window", &["TRA-EPOST", "ULR-EPOST"]),
    ]
}

#[test]
fn the_calendar_as_a_month_a_week_and_an_agenda() {
    let mut s = calendar();
    let loaded = Action::MaintenanceLoaded {
        from: date(2026, 10, 1),
        to: date(2027, 4, 1),
        windows: windows(),
        meetings: Vec::new(),
    };
    update(&mut s, loaded, now());
    assert_eq!(s.scope(), crate::app::keymap::Scope::Calendar);
    // December, on the 15th: three windows that day.
    keys(&mut s, "]khh");
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 15)));
    for size in SIZES {
        let screen = render(&s, now(), size);
        assert!(screen.contains("December 2026") && screen.contains("overlaps another window"), "{screen}");
        assert!(screen.contains("!22–02 re"), "{screen}");
        insta::assert_snapshot!(format!("calendar_month_{}x{}", size.0, size.1), screen);
    }
    keys(&mut s, "w");
    for size in SIZES {
        let screen = render(&s, now(), size);
        assert!(screen.contains("week 51") && screen.contains("Tue 15"), "{screen}");
        insta::assert_snapshot!(format!("calendar_week_{}x{}", size.0, size.1), screen);
    }
    keys(&mut s, "a");
    for size in SIZES {
        let screen = render(&s, now(), size);
        assert!(screen.contains("2026-12-15 18:00") && screen.contains("announced now"), "{screen}");
        insta::assert_snapshot!(format!("calendar_agenda_{}x{}", size.0, size.1), screen);
    }
    keys(&mut s, "j");
    assert_eq!(s.screens.calendar.selected().map(|w| w.id.as_str()), Some("1:2026-12-15"));
    keys(&mut s, "l");
    assert_eq!(s.screens.calendar.selected().map(|w| w.id.as_str()), Some("6:2026-12-18"), "the list starts anew");
    // November, today marked.
    keys(&mut s, "tm");
    let screen = render(&s, now(), (80, 24));
    assert!(screen.contains("24 today"), "{screen}");
}

/// The calendar with the sketch's windows, as an admin sees it.
fn admin_calendar() -> State {
    use crate::app::model::{Rights, ServiceChoice, UserInfo};
    let mut s = calendar();
    let rights = Rights { viewer: true, operator: true, mim: true, admin: true, ..Rights::default() };
    update(&mut s, Action::Connected { user: UserInfo { login: "ada".into(), full_name: None, rights } }, now());
    let service = |code: &str, agreement: &str| ServiceChoice {
        code: code.into(),
        name: code.into(),
        organisation: "x".into(),
        agreement: agreement.into(),
    };
    let services = vec![service("SBL", "ALTINN"), service("TRA-EPOST", "TU-IT")];
    update(&mut s, Action::ChoicesLoaded { services, staff: Vec::new() }, now());
    let loaded = Action::MaintenanceLoaded {
        from: date(2026, 10, 1),
        to: date(2027, 4, 1),
        windows: windows(),
        meetings: Vec::new(),
    };
    update(&mut s, loaded, now());
    s
}

fn form_error(s: &State) -> Option<String> {
    match &s.overlay {
        Some(crate::app::state::Overlay::Form(form)) => form.error.clone(),
        _ => None,
    }
}

#[test]
fn an_admin_approves_announces_moves_and_cancels_from_the_calendar() {
    use crate::app::effect::MaintenanceWrite;
    let mut s = admin_calendar();
    keys(&mut s, "]khh");
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 15)));
    // Approve: the day's first window is chosen; who and in which role are typed.
    keys(&mut s, "A");
    assert!(matches!(s.overlay, Some(crate::app::state::Overlay::Form(_))), "{:?}", s.overlay);
    press(&mut s, KeyCode::Tab);
    keys(&mut s, "Siri Dahl");
    press(&mut s, KeyCode::Tab);
    keys(&mut s, "systemansvarlig");
    let sent = press(&mut s, KeyCode::Enter);
    let approve = sent.iter().find_map(|e| match e {
        Effect::Db(DbCommand::Maintenance(MaintenanceWrite::Approve { series_id, by, role })) => {
            Some((*series_id, by.clone(), role.clone()))
        }
        _ => None,
    });
    assert_eq!(approve, Some((4, "Siri Dahl".into(), "systemansvarlig".into())), "{sent:?} {:?}", form_error(&s));
    // The database's answer closes the form and loads the calendar and the board's windows again.
    let effects =
        update(&mut s, Action::MaintenanceWritten(Ok("approval recorded: series 3 is approved".into())), now());
    assert!(s.overlay.is_none());
    assert!(effects.contains(&Effect::Db(DbCommand::LoadServiceWindows)), "{effects:?}");
    // A refusal keeps the form and its text, and says why.
    keys(&mut s, "N");
    press(&mut s, KeyCode::Enter);
    let refusal = crate::app::model::WriteError::BadInput("series 3 needs approval from driftsansvarlig first".into());
    update(&mut s, Action::MaintenanceWritten(Err(refusal)), now());
    assert!(form_error(&s).is_some_and(|e| e.contains("driftsansvarlig")));
    press(&mut s, KeyCode::Esc);
    // Move this window of its series to the next evening; a time that is not one is explained in the form.
    keys(&mut s, "e");
    let mut effects = Vec::new();
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    for _ in 0..16 {
        press(&mut s, KeyCode::Backspace);
    }
    keys(&mut s, "2026-12-16 xx:00");
    press(&mut s, KeyCode::Enter);
    assert!(form_error(&s).is_some_and(|e| e.contains("is not a time")), "{:?}", form_error(&s));
    for _ in 0..5 {
        press(&mut s, KeyCode::Backspace);
    }
    keys(&mut s, "22:00");
    effects.extend(press(&mut s, KeyCode::Enter));
    let moved = effects.iter().any(|e| {
        matches!(e, Effect::Db(DbCommand::Maintenance(MaintenanceWrite::Move { series_id: 4, date: d, .. }))
            if *d == date(2026, 12, 15))
    });
    assert!(moved, "{effects:?} {:?}", form_error(&s));
    update(&mut s, Action::MaintenanceWritten(Ok("moved".into())), now());
    // Cancel the whole series of the day's first window, with a reason.
    keys(&mut s, "x");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Tab);
    keys(&mut s, "leverandøren er ikke klar");
    let sent = press(&mut s, KeyCode::Enter);
    let cancel = sent.iter().any(|e| {
        matches!(e, Effect::Db(DbCommand::Maintenance(MaintenanceWrite::Cancel { series_id: 4, date: None, reason }))
            if reason == "leverandøren er ikke klar")
    });
    assert!(cancel, "{sent:?} {:?}", form_error(&s));
    for size in SIZES {
        let screen = render(&s, now(), size);
        assert!(screen.contains("Cancel a window or its series"), "{screen}");
        insta::assert_snapshot!(format!("calendar_cancel_form_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn others_are_told_the_calendar_is_read_only_and_a_new_window_is_checked_first() {
    let mut s = calendar();
    let effects = keys(&mut s, "n");
    assert!(effects.is_empty() && s.overlay.is_none());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("read-only")), "{:?}", s.message);
    let mut s = admin_calendar();
    keys(&mut s, "n");
    keys(&mut s, "sbl");
    press(&mut s, KeyCode::Tab);
    // The spring gap in Oslo: refused in the form, nothing sent.
    for _ in 0..16 {
        press(&mut s, KeyCode::Backspace);
    }
    keys(&mut s, "2027-03-28 02:30");
    let sent = press(&mut s, KeyCode::Enter);
    assert!(sent.is_empty(), "{sent:?}");
    assert!(form_error(&s).is_some_and(|e| e.contains("does not exist in Europe/Oslo")), "{:?}", form_error(&s));
    for _ in 0..5 {
        press(&mut s, KeyCode::Backspace);
    }
    keys(&mut s, "22:00");
    let sent = press(&mut s, KeyCode::Enter);
    let planned = sent.iter().any(|e| {
        matches!(e, Effect::Db(DbCommand::Maintenance(crate::app::effect::MaintenanceWrite::Plan { series, .. }))
            if series.zone == chrono_tz::Europe::Oslo && series.services == ["SBL"])
    });
    assert!(planned, "{sent:?} {:?}", form_error(&s));
}

#[test]
fn anyone_exports_a_year_of_windows_from_the_chosen_month_as_a_file() {
    let mut s = calendar();
    keys(&mut s, "]");
    let effects = keys(&mut s, "i");
    let from = date(2026, 12, 1);
    assert_eq!(effects, vec![Effect::Db(DbCommand::ExportCalendar { from, to: date(2027, 12, 1) })]);
    let ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_string();
    let written = update(&mut s, Action::CalendarExported { from, result: Ok(ics.clone()) }, now());
    let expected =
        Effect::ExportFiles { what: "the calendar".into(), files: vec![("maintenance-2026-12-01.ics".into(), ics)] };
    assert_eq!(written, vec![expected]);
    update(&mut s, Action::CalendarExported { from, result: Err("the database is unreachable".into()) }, now());
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("could not be exported")), "{:?}", s.message);
}

#[test]
fn overlays_show_holidays_and_the_mim_on_duty_and_hide_periods_and_releases_by_key() {
    let mut s = calendar();
    let loaded = Action::MaintenanceLoaded {
        from: date(2026, 10, 1),
        to: date(2027, 4, 1),
        windows: windows(),
        meetings: Vec::new(),
    };
    update(&mut s, loaded, now());
    let shift = crate::app::model::ShiftRow {
        id: 1,
        mim: "ola".into(),
        mim_name: "Ola Nordmann".into(),
        deputy: "ingrid".into(),
        deputy_name: "Ingrid Solberg".into(),
        starts_at: Utc.with_ymd_and_hms(2026, 12, 25, 6, 0, 0).unwrap(),
        ends_at: Utc.with_ymd_and_hms(2026, 12, 25, 18, 0, 0).unwrap(),
    };
    update(&mut s, Action::RotaLoaded { shifts: vec![shift], duty: Default::default(), handover: None }, now());
    // Christmas Day: a holiday in both countries, with Ola on duty.
    keys(&mut s, "]");
    for _ in 0..24 {
        if s.screens.calendar.day() == Some(date(2026, 12, 25)) {
            break;
        }
        keys(&mut s, "l");
    }
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 25)));
    let screen = render(&s, now(), (160, 48));
    assert!(screen.contains("holiday: Første juledag (NO), Juldagen (SE)"), "{screen}");
    assert!(screen.contains("MIM on duty: Ola Nordmann"), "{screen}");
    assert!(screen.contains("25 hol"), "{screen}");
    assert!(screen.contains("H holidays ✓ R rota ✓ F freezes ✓ P plan ✓"), "{screen}");
    // The freeze over Christmas is a period: F hides it, and the release plan's windows go with P.
    assert!(s.screens.calendar.on_day(date(2026, 12, 25)).any(|w| w.kind == "freeze"));
    keys(&mut s, "FHR");
    assert!(s.screens.calendar.on_day(date(2026, 12, 25)).all(|w| w.kind != "freeze"));
    let screen = render(&s, now(), (160, 48));
    assert!(!screen.contains("holiday:") && !screen.contains("MIM on duty: Ola"), "{screen}");
    assert!(s.screens.calendar.on_day(date(2026, 12, 15)).any(|w| w.kind == "release"));
    keys(&mut s, "P");
    assert!(s.screens.calendar.on_day(date(2026, 12, 15)).all(|w| w.kind != "release"));
    keys(&mut s, "FP");
    assert!(s.screens.calendar.on_day(date(2026, 12, 15)).any(|w| w.kind == "release"));
}

/// Status meetings as the database expands them: Altinn's weekly on Tuesdays, Stockholm's on Wednesdays.
fn meetings() -> Vec<CalendarMeeting> {
    let meeting = |series: &str, title: &str, zone: chrono_tz::Tz, (month, day, hour): (u32, u32, u32), minutes| {
        let start = zone.with_ymd_and_hms(2026, month, day, hour, 0, 0).unwrap().with_timezone(&Utc);
        CalendarMeeting {
            series: series.into(),
            title: title.into(),
            chair: "Karin Berg".into(),
            zone: zone.name().into(),
            start,
            end: start + Duration::minutes(minutes),
        }
    };
    let (oslo, stockholm) = (chrono_tz::Europe::Oslo, chrono_tz::Europe::Stockholm);
    vec![
        meeting("ALT-DELIVERY", "Månedlig leveransemøte Altinn", oslo, (12, 3, 13), 90),
        meeting("ALT-STATUS", "Ukentlig statusmøte Altinn", oslo, (12, 15, 10), 60),
        meeting("STH-CHANGE", "Veckomöte om förändringar", stockholm, (12, 16, 9), 60),
        meeting("ALT-STATUS", "Ukentlig statusmøte Altinn", oslo, (12, 22, 10), 60),
    ]
}

#[test]
fn meetings_show_in_the_month_the_week_and_the_agenda_and_hide_by_key() {
    let mut s = calendar();
    let loaded = Action::MaintenanceLoaded {
        from: date(2026, 10, 1),
        to: date(2027, 4, 1),
        windows: windows(),
        meetings: meetings(),
    };
    update(&mut s, loaded, now());
    // December, on the 15th: Altinn's status meeting between the morning's change and the evening's windows; the
    // viewer's clock is UTC here, so 10:00 in Oslo is 09:00.
    keys(&mut s, "]khh");
    assert_eq!(s.screens.calendar.day(), Some(date(2026, 12, 15)));
    for size in SIZES {
        let screen = render(&s, now(), size);
        assert!(screen.contains("3 windows · 1 meeting"), "{screen}");
        assert!(screen.contains("Tue 15 Dec 09:00–10:00  meeting · Ukentlig"), "{screen}");
        assert!(screen.contains("08 mtg S"), "Stockholm's meeting on the 16th: {screen}");
        insta::assert_snapshot!(format!("calendar_meetings_month_{}x{}", size.0, size.1), screen);
    }
    let wide = render(&s, now(), (160, 48));
    assert!(wide.contains("ALT-STATUS · chair Karin Berg") && wide.contains("M meetings ✓"), "{wide}");
    assert!(wide.contains("09 mtg ALT-STATUS") && wide.contains("12 mtg ALT-DELIVERY"), "{wide}");
    keys(&mut s, "w");
    for size in SIZES {
        let screen = render(&s, now(), size);
        assert!(screen.contains("09:00–10:00") && screen.contains(" meeting"), "{screen}");
        insta::assert_snapshot!(format!("calendar_meetings_week_{}x{}", size.0, size.1), screen);
    }
    // The agenda lists them among the windows by start; a selected meeting is no target for the admins' forms.
    keys(&mut s, "a");
    let rows: Vec<String> = s.screens.calendar.agenda_rows().iter().take(5).map(|row| row.key()).collect();
    let at = |h: u32| Utc.with_ymd_and_hms(2026, 12, h / 100, h % 100, 0, 0).unwrap().timestamp();
    assert_eq!(
        rows,
        [
            "4:2026-12-15".to_string(),
            format!("meeting:ALT-STATUS:{}", at(1509)),
            "1:2026-12-15".to_string(),
            "5:2026-12-15".to_string(),
            format!("meeting:STH-CHANGE:{}", at(1608)),
        ]
    );
    keys(&mut s, "j");
    assert_eq!(s.screens.calendar.selected(), None);
    for size in SIZES {
        let screen = render(&s, now(), size);
        assert!(screen.contains("5 windows · 3 meetings") && screen.contains("chair Karin Berg"), "{screen}");
        assert!(screen.contains("Europe/Oslo's clock"), "{screen}");
        insta::assert_snapshot!(format!("calendar_meetings_agenda_{}x{}", size.0, size.1), screen);
    }
    // M hides them everywhere; the agenda's selection goes back to a window.
    keys(&mut s, "M");
    assert!(s.screens.calendar.hidden.meetings);
    assert!(s.screens.calendar.agenda_rows().iter().all(|row| row.window().is_some()));
    assert_eq!(s.screens.calendar.selected().map(|w| w.id.as_str()), Some("4:2026-12-15"));
    keys(&mut s, "m");
    let wide = render(&s, now(), (160, 48));
    assert!(!wide.contains("mtg") && !wide.contains("meeting ·") && wide.contains("M meetings –"), "{wide}");
    assert!(s.screens.calendar.meetings_on(date(2026, 12, 15)).is_empty());
    // And M shows them again, without asking the database.
    assert!(keys(&mut s, "M").is_empty());
    assert_eq!(s.screens.calendar.meetings_on(date(2026, 12, 15)).len(), 1);
    assert!(render(&s, now(), (160, 48)).contains("09 mtg ALT-STATUS"));
}

#[test]
fn a_change_to_a_meeting_series_loads_the_calendar_again() {
    let mut s = calendar();
    s.link.in_flight.forget();
    let notice = ChangeNotice { table: "meeting_series".into(), op: "update".into(), id: Some(1), version: Some(2) };
    let effects = update(&mut s, Action::Changed(notice), now());
    assert!(effects.contains(&load(date(2026, 10, 1), date(2027, 4, 1))), "{effects:?}");
}
