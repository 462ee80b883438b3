//! Faults (issue 15): the database stopping mid-session, `vakt serve` killed mid-delivery, a commit whose answer
//! is lost, two consoles editing the same thing, and a state directory that cannot be written.

mod db_restart;
mod in_doubt;
mod proxy;
mod serve_kill;
mod state_dir;
mod two_consoles;

use std::time::Duration;

use chrono::Utc;
use vakt::app::Action;
use vakt::app::state::State;
use vakt::console::Session;

/// A bound for waits on events that normally take milliseconds.
const LIMIT: Duration = Duration::from_secs(30);

/// Runs the session, with a tick every 200 ms (the terminal front end ticks every second; the worker's probe
/// after a lost connection rides on the tick), until `done` holds.
async fn until(session: &mut Session, what: &str, done: impl Fn(&State) -> bool) {
    let deadline = tokio::time::Instant::now() + LIMIT;
    let mut last_tick = tokio::time::Instant::now();
    while !done(session.state()) {
        if tokio::time::Instant::now() > deadline {
            let overlay = format!("{:?}", session.state().overlay);
            let overlay: String = overlay.chars().rev().take(700).collect::<Vec<_>>().into_iter().rev().collect();
            panic!("timed out waiting for {what}; message: {:?}; overlay: {overlay}", session.state().message);
        }
        if last_tick.elapsed() >= Duration::from_millis(200) {
            last_tick = tokio::time::Instant::now();
            session.dispatch(Action::Tick, Utc::now());
        }
        if let Ok(Some(action)) = tokio::time::timeout(Duration::from_millis(50), session.next_action()).await {
            session.dispatch(action, Utc::now());
        }
    }
}

/// Types `text` into the focused field of the open form.
fn type_text(session: &mut Session, text: &str) {
    use crossterm::event::{KeyCode, KeyEvent};
    for c in text.chars() {
        session.dispatch(Action::Key(KeyEvent::from(KeyCode::Char(c))), Utc::now());
    }
}

fn key(session: &mut Session, code: crossterm::event::KeyCode) {
    session.dispatch(Action::Key(crossterm::event::KeyEvent::from(code)), Utc::now());
}

fn ctrl(session: &mut Session, c: char) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    session.dispatch(Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)), Utc::now());
}
