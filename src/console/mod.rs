//! The interactive console: a terminal front end over a `Session`.

mod session;
pub mod terminal;
pub mod themes_dir;

pub use session::Session;

use std::time::Duration;

use chrono::Utc;
use chrono_tz::Tz;
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::app::Action;
use crate::ui::{self, Theme, View};

/// Runs the console until the user quits or the session ends (SIGHUP/SIGTERM).
pub async fn run(
    routes: crate::db::route::Routes,
    database_label: &str,
    theme: Theme,
    zone: Tz,
    drafts_of: impl FnOnce(&crate::app::model::UserInfo) -> Option<std::path::PathBuf>,
) -> color_eyre::Result<()> {
    let mut session = Session::start_routed(routes, database_label, zone, Utc::now(), drafts_of).await?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut terminal = terminal::enter()?;
    let size = terminal.size()?;
    session.dispatch(Action::Resize { width: size.width, height: size.height }, Utc::now());
    let events = tokio::spawn(terminal::forward_events(session.action_sender()));
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let mut frame_due = true;
    let result = loop {
        let view_now = Utc::now();
        if frame_due
            && let Err(e) =
                terminal.draw(|frame| ui::render(frame, session.state(), View { theme: &theme, now: view_now, zone }))
        {
            break Err(e.into());
        }
        frame_due = true;
        tokio::select! {
            action = session.next_action() => {
                let Some(action) = action else { break Ok(()) };
                frame_due = !action.changes_no_frame();
                session.dispatch(action, Utc::now());
                // Apply everything already waiting before drawing again, so a burst costs one frame.
                while let Some(action) = session.try_next_action() {
                    frame_due |= !action.changes_no_frame();
                    session.dispatch(action, Utc::now());
                }
            }
            _ = tick.tick() => session.dispatch(Action::Tick, Utc::now()),
            _ = hangup.recv() => break Ok(()),
            _ = terminate.recv() => break Ok(()),
        }
        if session.state().should_quit {
            break Ok(());
        }
    };
    events.abort();
    session.flush_drafts();
    terminal::restore();
    result
}

/// Used by the event task: crossterm's stream, filtered to what the console acts on.
pub(crate) fn translate(event: crossterm::event::Event) -> Option<Action> {
    use crossterm::event::{Event, KeyEventKind};
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Action::Key(key)),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    }
}

pub(crate) async fn pump(sender: tokio::sync::mpsc::Sender<Action>) {
    let mut stream = crossterm::event::EventStream::new();
    while let Some(event) = stream.next().await {
        let Ok(event) = event else { break };
        if let Some(action) = translate(event)
            && sender.send(action).await.is_err()
        {
            break;
        }
    }
}
