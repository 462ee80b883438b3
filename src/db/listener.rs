//! Listens for change notices on the `vakt` channel. A lost connection means notices may have been missed, so
//! the console is told it is offline, and told again when the listener is back so it resynchronises.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use crate::app::{Action, ChangeNotice};
use crate::db::route::Heard;

/// The channel the row trigger notifies on.
pub const CHANNEL: &str = "vakt";

/// Runs until the action channel closes.
pub async fn run(pool: PgPool, actions: mpsc::Sender<Action>) {
    run_heard(pool, actions, Heard::default()).await
}

/// As [`run`], and marks `heard` on every notice and every (re)connection, before the console hears of it, so
/// that a read replica is read only once it has replayed the change (`db::route`).
pub async fn run_heard(pool: PgPool, actions: mpsc::Sender<Action>, heard: Heard) {
    let mut delay = Duration::from_millis(500);
    loop {
        let reason = match listen(&pool, &actions, &heard).await {
            Ok(Stop::ConsoleGone) => return,
            Ok(Stop::ConnectionLost) => {
                delay = Duration::from_millis(500);
                "connection lost".to_string()
            }
            Err(e) => e.to_string(),
        };
        tracing::warn!(%reason, "change listener offline");
        if actions.send(Action::Offline { reason: short(&reason) }).await.is_err() {
            return;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

enum Stop {
    ConsoleGone,
    ConnectionLost,
}

async fn listen(pool: &PgPool, actions: &mpsc::Sender<Action>, heard: &Heard) -> Result<Stop, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    heard.changed();
    if actions.send(Action::Online).await.is_err() {
        return Ok(Stop::ConsoleGone);
    }
    // Any login may send anything on the channel: junk costs a count here, and a log line only at 1, 2, 4, 8 …
    let mut malformed: u64 = 0;
    loop {
        match listener.try_recv().await? {
            Some(notification) => {
                let Some(notice) = ChangeNotice::parse(notification.payload()) else {
                    malformed += 1;
                    if malformed.is_power_of_two() {
                        let sample = crate::domain::text::truncate(notification.payload(), 80);
                        tracing::warn!(malformed, sample = %sample.escape_debug(), "ignoring malformed change notices");
                    }
                    continue;
                };
                // Tables the console shows nothing of never reach its loop.
                if !notice.is_watched() {
                    continue;
                }
                heard.changed();
                if actions.send(Action::Changed(notice)).await.is_err() {
                    return Ok(Stop::ConsoleGone);
                }
            }
            None => return Ok(Stop::ConnectionLost),
        }
    }
}

/// The first line of an error, short enough for the status bar.
fn short(reason: &str) -> String {
    crate::domain::text::truncate(reason.lines().next().unwrap_or(reason), 60).into_owned()
}
