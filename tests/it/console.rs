//! Headless consoles on one database: what one changes, every other one sees.

use std::time::Duration;

use chrono::Utc;
use vakt::app::{Action, Command};
use vakt::console::Session;

use crate::harness::{TestDb, insert_incident, seed_reference};

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(15), fut).await.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

#[tokio::test]
async fn a_change_made_elsewhere_appears_on_every_console() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let first = insert_incident(&db.pool, service, version, "SBL down", Some("A")).await;
    let (_, kari_pool) = db.login("operator").await;
    let (_, ola_pool) = db.login("viewer").await;
    let mut kari = Session::start(kari_pool, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    let mut ola = Session::start(ola_pool, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    within(
        "both boards",
        kari.run_until(|s| s.screens.board.queue.loaded && s.link.connection == vakt::app::state::Connection::Live),
    )
    .await;
    within(
        "both boards",
        ola.run_until(|s| s.screens.board.queue.loaded && s.link.connection == vakt::app::state::Connection::Live),
    )
    .await;
    assert_eq!(kari.state().screens.board.queue.all().len(), 1);
    assert_eq!(ola.state().user.as_ref().unwrap().rights.label(), "viewer");

    // Ola opens the incident; then someone changes it with plain SQL and a new one arrives.
    ola.dispatch(Action::Run(Command::Open), Utc::now());
    within("the detail", ola.run_until(|s| s.screens.board.incident.as_ref().is_some_and(|v| v.detail.is_some())))
        .await;
    sqlx::query("UPDATE incidents SET title = 'SBL down for everyone' WHERE id = $1")
        .bind(first)
        .execute(&db.pool)
        .await
        .unwrap();
    let second = insert_incident(&db.pool, service, version, "TT02 slow", Some("B")).await;

    for console in [&mut kari, &mut ola] {
        within(
            "the change",
            console.run_until(|s| {
                s.screens.board.queue.all().len() == 2
                    && s.screens.board.queue.all().iter().any(|r| r.id == first && r.title == "SBL down for everyone")
            }),
        )
        .await;
    }
    within(
        "the open incident view to refresh",
        ola.run_until(|s| {
            s.screens
                .board
                .incident
                .as_ref()
                .and_then(|v| v.detail.as_ref())
                .is_some_and(|d| d.summary.title == "SBL down for everyone")
        }),
    )
    .await;

    // Resolving takes an incident off every board.
    sqlx::query("UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = $1")
        .bind(second)
        .execute(&db.pool)
        .await
        .unwrap();
    within(
        "the resolved incident to leave",
        kari.run_until(|s| s.screens.board.queue.all().iter().all(|r| r.id != second)),
    )
    .await;
}

#[tokio::test]
async fn consoles_see_who_else_is_at_an_incident_and_edits_go_live() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let id = insert_incident(&db.pool, service, version, "SBL down", Some("A")).await;
    let (kari_login, kari_pool) = db.login("operator").await;
    let (_, ola_pool) = db.login("operator").await;
    let mut kari = Session::start(kari_pool, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    let mut ola = Session::start(ola_pool, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    within("boards", kari.run_until(|s| s.screens.board.queue.loaded)).await;
    within("boards", ola.run_until(|s| s.screens.board.queue.loaded)).await;

    // Kari opens the incident and starts a note: Ola sees her there, editing.
    kari.dispatch(Action::Run(Command::Open), Utc::now());
    within("the detail", kari.run_until(|s| s.screens.board.incident.as_ref().is_some_and(|v| v.detail.is_some())))
        .await;
    kari.dispatch(Action::Run(Command::Act(vakt::app::command::Act::Note)), Utc::now());
    within(
        "kari to show up as editing",
        ola.run_until(|s| s.presence.others.iter().any(|p| p.incident_id == id && p.login == kari_login && p.editing)),
    )
    .await;

    // Ola acknowledges from his console; Kari's board and open view follow.
    ola.dispatch(Action::Run(Command::Act(vakt::app::command::Act::Acknowledge)), Utc::now());
    within(
        "kari's console to see the acknowledgement",
        kari.run_until(|s| {
            s.screens.board.queue.find(id).is_some_and(|r| r.status == vakt::domain::incident::Status::Acknowledged)
        }),
    )
    .await;
}

#[tokio::test]
async fn an_admin_keeps_the_rota_from_the_console_and_every_console_sees_it() {
    use vakt::app::command::MajorAct;
    let db = TestDb::new().await;
    let (ola, _) = db.login("mim").await;
    let (ingrid, _) = db.login("mim").await;
    let (_, admin_pool) = db.login("admin").await;
    let (_, viewer_pool) = db.login("viewer").await;
    let mut admin = Session::start(admin_pool, "test", chrono_tz::UTC, Utc::now(), None).await.unwrap();
    let mut viewer = Session::start(viewer_pool, "test", chrono_tz::UTC, Utc::now(), None).await.unwrap();
    for console in [&mut admin, &mut viewer] {
        within("the console", console.run_until(|s| s.link.connection == vakt::app::state::Connection::Live)).await;
    }

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |code: KeyCode| Action::Key(KeyEvent::from(code));
    admin.dispatch(Action::Run(Command::Major(MajorAct::AddShift)), Utc::now());
    let start = Utc::now().format("%Y-%m-%d %H:00").to_string();
    let end = (Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:00").to_string();
    for text in [ola.as_str(), ingrid.as_str(), start.as_str(), end.as_str()] {
        admin.dispatch(Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)), Utc::now());
        for c in text.chars() {
            admin.dispatch(key(KeyCode::Char(c)), Utc::now());
        }
        admin.dispatch(key(KeyCode::Tab), Utc::now());
    }
    admin.dispatch(key(KeyCode::Enter), Utc::now());
    for console in [&mut admin, &mut viewer] {
        within("the new shift", console.run_until(|s| s.screens.major.rota.iter().any(|r| r.mim == ola))).await;
    }
    // A viewer is not offered the rota editor, and the database would refuse it anyway.
    viewer.dispatch(Action::Run(Command::Major(MajorAct::EditShift)), Utc::now());
    assert!(viewer.state().message.as_ref().unwrap().text.contains("only admins edit the rota"));
}

#[tokio::test]
async fn the_calendar_is_exported_from_the_console_as_a_file_a_calendar_program_reads() {
    use vakt::app::command::CalendarAct;
    let db = TestDb::new().await;
    for (_, text) in vakt::demo::SEED_AGREEMENTS {
        vakt::db::agreements::import(&db.pool, text).await.unwrap();
    }
    let (_, admin_pool) = db.login("admin").await;
    let (_, viewer_pool) = db.login("viewer").await;
    let year = chrono::Datelike::year(&Utc::now()) + 1;
    let third_tuesday = chrono::NaiveDate::from_weekday_of_month_opt(year, 1, chrono::Weekday::Tue, 3).unwrap();
    let series = vakt::domain::maintenance::series::Series {
        services: vec!["TRA-EPOST".into(), "ULR-EPOST".into()],
        kind: vakt::domain::maintenance::WindowKind::Primary,
        impact: vakt::domain::maintenance::Impact::Unavailable,
        zone: chrono_tz::Europe::Stockholm,
        start: third_tuesday.and_hms_opt(18, 0, 0).unwrap(),
        length: chrono::Duration::hours(4),
        rule: Some("FREQ=MONTHLY;BYDAY=3TU".into()),
        cancelled: Vec::new(),
        moved: Vec::new(),
    };
    let new = vakt::db::maintenance::NewSeries {
        series,
        reason: String::new(),
        follows: None,
        freeze_override: None,
        breaking: false,
    };
    vakt::db::maintenance::add(&admin_pool, &new).await.unwrap();
    // A viewer may export too: reading the calendar is everyone's right.
    let state_dir = std::env::temp_dir().join(format!("vakt-console-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state_dir);
    std::fs::create_dir_all(&state_dir).unwrap();
    let mut viewer =
        Session::start(viewer_pool, "test", chrono_tz::UTC, Utc::now(), Some(state_dir.join("drafts.json")))
            .await
            .unwrap();
    within("the board", viewer.run_until(|s| s.link.connection == vakt::app::state::Connection::Live)).await;
    // The chosen month is January of next year: a year of windows from there.
    viewer.dispatch(Action::Run(Command::Calendar(CalendarAct::Today)), Utc::now());
    for _ in 0..12 {
        if viewer.state().screens.calendar.day().is_some_and(|d| chrono::Datelike::year(&d) == year) {
            break;
        }
        viewer.dispatch(Action::Run(Command::Calendar(CalendarAct::NextMonth)), Utc::now());
    }
    viewer.dispatch(Action::Run(Command::Calendar(CalendarAct::Export)), Utc::now());
    within(
        "the file",
        viewer.run_until(|s| s.message.as_ref().is_some_and(|m| m.text.contains("the calendar written to"))),
    )
    .await;
    let file = state_dir.join("reports").join(format!("maintenance-{year}-01-01.ics"));
    let theirs = crate::servers::expand_ics(&file, &format!("{year}-01-01"), &format!("{}-01-01", year + 1));
    assert_eq!(theirs.len(), 12, "{theirs:?}");
    let _ = std::fs::remove_dir_all(&state_dir);
}

#[tokio::test]
async fn the_first_page_shows_first_and_the_rest_follows_without_losing_a_change_made_in_between() {
    use vakt::app::screens::board::FIRST_PAGE_ROWS;
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let mut ids = Vec::new();
    for n in 0..FIRST_PAGE_ROWS + 30 {
        ids.push(insert_incident(&db.pool, service, version, &format!("incident {n}"), Some("A")).await);
    }
    // The count of the rest is PostgreSQL's estimate, which ANALYZE (or autovacuum) brings up to date.
    sqlx::query("ANALYZE public.incidents").execute(&db.pool).await.unwrap();
    let (_, pool) = db.login("operator").await;
    let mut console = Session::start(pool, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    within("the first page", console.run_until(|s| s.screens.board.queue.showing())).await;
    let queue = &console.state().screens.board.queue;
    assert!(!queue.loaded, "the first page comes before the whole queue");
    assert_eq!(queue.all().len(), FIRST_PAGE_ROWS);
    assert_eq!(queue.still_to_come(), Some(30));
    let first_page: Vec<i64> = queue.visible().map(|r| r.id).collect();

    // Changes made after the first page was read, while the rest and the listener are on their way: one to a row
    // of the first page, one to a row only the rest has, and a new incident.
    let (on_page, in_rest) = (first_page[0], *ids.iter().rev().find(|id| !first_page.contains(id)).unwrap());
    for (id, title) in [(on_page, "changed on the first page"), (in_rest, "changed in the rest")] {
        sqlx::query("UPDATE incidents SET title = $2 WHERE id = $1")
            .bind(id)
            .bind(title)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let added = insert_incident(&db.pool, service, version, "opened in between", Some("A")).await;

    within(
        "the whole queue with every change",
        console.run_until(|s| {
            let queue = &s.screens.board.queue;
            let title = |id| queue.find(id).map(|r| r.title.as_str());
            queue.loaded
                && s.link.connection == vakt::app::state::Connection::Live
                && queue.all().len() == FIRST_PAGE_ROWS + 31
                && title(on_page) == Some("changed on the first page")
                && title(in_rest) == Some("changed in the rest")
                && title(added) == Some("opened in between")
        }),
    )
    .await;
    assert_eq!(console.state().screens.board.queue.still_to_come(), None);
}
