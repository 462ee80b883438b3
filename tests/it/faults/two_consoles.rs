//! Two consoles editing the same incident or maintenance window: the second write, made on what its user saw
//! before the first, is a conflict that keeps its text and overwrites nothing; only when the user says so again
//! does it go on top. (The minutes' notes: `minutes_screen::chair_and_scribe_take_notes_on_items_without_overwriting_each_other`.)

use chrono::{Duration, Utc};
use crossterm::event::KeyCode;
use vakt::app::Action;
use vakt::app::command::{Act, CalendarAct, Command};
use vakt::app::state::{Connection, Overlay, State};
use vakt::console::Session;

use super::{ctrl, key, type_text, until};
use crate::harness::{TestDb, insert_incident, seed_reference};

/// The error the open form or confirmation shows once its write has been answered.
fn form_error(state: &State) -> Option<String> {
    match &state.overlay {
        Some(Overlay::Form(form)) if !form.saving => form.error.clone(),
        Some(Overlay::Confirm(confirm)) if !confirm.saving => confirm.error.clone(),
        _ => None,
    }
}

/// What the user typed into a field of the open form, or of the form behind the confirmation.
fn typed(state: &State, field: usize) -> Option<String> {
    let form = match &state.overlay {
        Some(Overlay::Form(form)) => Some(form),
        Some(Overlay::Confirm(confirm)) => confirm.form.as_deref(),
        _ => None,
    };
    form.and_then(|form| form.fields.get(field)).and_then(|f| f.typed())
}

/// Submits the open form (Ctrl-s), or confirms the open confirmation (Enter) once its deadlines are shown, and
/// goes through the confirmation a form may bring up.
async fn submit(console: &mut Session) {
    loop {
        match &console.state().overlay {
            Some(Overlay::Form(_)) => ctrl(console, 's'),
            Some(Overlay::Confirm(_)) => {
                until(
                    console,
                    "the deadlines",
                    |s| matches!(&s.overlay, Some(Overlay::Confirm(c)) if c.what_if.is_some()),
                )
                .await;
                key(console, KeyCode::Enter);
            }
            _ => return,
        }
        until(console, "the answer", |s| match &s.overlay {
            Some(Overlay::Form(f)) => !f.saving && f.error.is_some(),
            Some(Overlay::Confirm(c)) => !c.saving && (c.error.is_some() || c.what_if.is_some()),
            _ => true,
        })
        .await;
        if form_error(console.state()).is_some() {
            return;
        }
    }
}

/// Moves the focus `n` fields on and types `text` there instead of what it held.
fn fill(console: &mut Session, n: usize, text: &str) {
    for _ in 0..n {
        key(console, KeyCode::Tab);
    }
    ctrl(console, 'u');
    type_text(console, text);
}

async fn started(pool: sqlx::PgPool) -> Session {
    let mut console = Session::start(pool, "test", chrono_tz::Europe::Oslo, Utc::now(), None).await.unwrap();
    until(&mut console, "the console", |s| s.link.connection == Connection::Live && s.screens.board.queue.loaded).await;
    console
}

async fn groups_assigned(db: &TestDb, id: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT data->>'group' FROM incident_events WHERE incident_id = $1 AND kind = 'assigned' ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn two_consoles_assigning_one_incident_never_overwrite_each_other_unseen() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let id = insert_incident(&db.pool, service, version, "SBL down", Some("A")).await;
    let (kari_login, kari_pool) = db.login("operator").await;
    let (ola_login, ola_pool) = db.login("operator").await;
    let (mut kari, mut ola) = (started(kari_pool).await, started(ola_pool).await);
    for console in [&mut kari, &mut ola] {
        console.dispatch(Action::Run(Command::Open), Utc::now());
        until(console, "the incident", |s| s.screens.board.incident.as_ref().is_some_and(|v| v.detail.is_some())).await;
        console.dispatch(Action::Run(Command::Act(Act::Assign)), Utc::now());
        assert!(matches!(console.state().overlay, Some(Overlay::Form(_))), "{:?}", console.state().message);
        until(console, "the staff to choose from", |s| !s.staff.is_empty()).await;
    }
    for (console, person, group) in [(&mut kari, &ola_login, "Leverandør AS"), (&mut ola, &kari_login, "Drift Nord")] {
        type_text(console, person);
        fill(console, 1, "2nd");
        fill(console, 1, group);
    }

    // Kari saves first; Ola's save was made on the version before hers.
    submit(&mut kari).await;
    assert!(kari.state().overlay.is_none(), "{:?}", form_error(kari.state()));
    until(&mut ola, "kari's change to reach ola", |s| s.screens.board.queue.find(id).is_some_and(|r| r.version > 1))
        .await;
    submit(&mut ola).await;
    let error = form_error(ola.state()).unwrap();
    assert!(error.contains("Enter applies yours on top of it"), "{error}");
    assert_eq!(typed(ola.state(), 2).as_deref(), Some("Drift Nord"), "ola's text is kept");
    assert_eq!(groups_assigned(&db, id).await, ["Leverandør AS"], "nothing overwritten");

    // Told, Ola confirms again: now on top of Kari's, and both are in the history.
    submit(&mut ola).await;
    assert!(ola.state().overlay.is_none(), "{:?}", form_error(ola.state()));
    assert_eq!(groups_assigned(&db, id).await, ["Leverandør AS", "Drift Nord"]);
}

#[tokio::test]
async fn two_admins_moving_one_maintenance_window_never_overwrite_each_other_unseen() {
    let db = TestDb::new().await;
    for (_, text) in vakt::demo::SEED_AGREEMENTS {
        vakt::db::agreements::import(&db.pool, text).await.unwrap();
    }
    let (_, karin_pool) = db.login("admin").await;
    let (_, ingrid_pool) = db.login("admin").await;
    let day = (Utc::now() + Duration::days(3)).date_naive();
    let series = vakt::domain::maintenance::series::Series {
        services: vec!["TRA-EPOST".into()],
        kind: vakt::domain::maintenance::WindowKind::Primary,
        impact: vakt::domain::maintenance::Impact::Unavailable,
        zone: chrono_tz::Europe::Stockholm,
        start: day.and_hms_opt(18, 0, 0).unwrap(),
        length: Duration::hours(4),
        rule: None,
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
    let series_id = vakt::db::maintenance::add(&karin_pool, &new).await.unwrap();
    let start_of = |db: &TestDb| {
        let pool = db.pool.clone();
        async move {
            let start: chrono::NaiveDateTime =
                sqlx::query_scalar("SELECT start_local FROM maintenance_moves WHERE series_id = $1")
                    .bind(series_id)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            start.format("%H:%M").to_string()
        }
    };
    let (mut karin, mut ingrid) = (started(karin_pool).await, started(ingrid_pool).await);
    for console in [&mut karin, &mut ingrid] {
        console.dispatch(Action::Run(Command::Calendar(CalendarAct::Agenda)), Utc::now());
        until(console, "the window", |s| s.screens.calendar.windows.iter().any(|w| w.series_id == series_id)).await;
        console.dispatch(Action::Run(Command::Calendar(CalendarAct::Edit)), Utc::now());
        assert!(matches!(console.state().overlay, Some(Overlay::Form(_))), "{:?}", console.state().message);
    }
    fill(&mut karin, 2, &format!("{day} 19:00"));
    fill(&mut ingrid, 2, &format!("{day} 20:00"));

    ctrl(&mut karin, 's');
    until(&mut karin, "karin's move", |s| s.overlay.is_none()).await;
    assert_eq!(start_of(&db).await, "19:00");
    until(&mut ingrid, "karin's move to reach ingrid", |s| {
        s.screens.calendar.windows.iter().any(|w| w.series_id == series_id && w.version > 1)
    })
    .await;
    ctrl(&mut ingrid, 's');
    until(&mut ingrid, "ingrid's answer", |s| form_error(s).is_some()).await;
    let error = form_error(ingrid.state()).unwrap();
    assert!(error.contains("changed by someone else") && error.contains("nothing was overwritten"), "{error}");
    assert_eq!(typed(ingrid.state(), 2), Some(format!("{day} 20:00")), "ingrid's text is kept");
    assert_eq!(start_of(&db).await, "19:00", "nothing overwritten");

    ctrl(&mut ingrid, 's');
    until(&mut ingrid, "ingrid's move", |s| s.overlay.is_none()).await;
    assert_eq!(start_of(&db).await, "20:00");
}
