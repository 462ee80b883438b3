//! A console session without a terminal: the state, the database worker and the change listener. The terminal
//! front end drives it with keys; headless tests drive it with actions and read its state.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::model::UserInfo;
use crate::app::screens::board::FIRST_PAGE_ROWS;
use crate::app::{Action, DbCommand, Effect, State, update};
use crate::db::{self, DbError};

/// Commands queued for the worker beyond this are refused with a "busy" message rather than blocking the UI.
const COMMAND_QUEUE: usize = 256;
const ACTION_QUEUE: usize = 1024;

pub struct Session {
    state: State,
    /// Where the typed text of forms is kept between starts; none in tests.
    drafts_file: Option<PathBuf>,
    /// Whether the user has been told that the drafts cannot be saved (once per run of failures, not per key).
    drafts_failing: Arc<AtomicBool>,
    commands: mpsc::Sender<DbCommand>,
    actions_tx: mpsc::Sender<Action>,
    actions: mpsc::Receiver<Action>,
    tasks: Vec<JoinHandle<()>>,
}

impl Session {
    /// Checks the schema, learns who we are, starts the worker and the listener, and asks for the board.
    pub async fn start(
        pool: PgPool,
        database_label: &str,
        zone: Tz,
        now: DateTime<Utc>,
        drafts_file: Option<PathBuf>,
    ) -> Result<Session, DbError> {
        Self::start_routed(db::route::Routes::single(pool), database_label, zone, now, |_| drafts_file).await
    }

    /// As [`Session::start`], over a primary with an optional read replica and listen pool (`db::route`); the
    /// drafts file is named once the login is known.
    pub async fn start_routed(
        routes: db::route::Routes,
        database_label: &str,
        zone: Tz,
        now: DateTime<Utc>,
        drafts_of: impl FnOnce(&UserInfo) -> Option<PathBuf>,
    ) -> Result<Session, DbError> {
        let pool = routes.primary().clone();
        let mut ready = routes.take_ready().into_iter();
        let (first_open, second) = (ready.next(), ready.next());
        drop(ready);
        // The first screen's rows and the start-up reads side by side (issue 15): the page, whose planning on a
        // fresh server process is the longer, on the first connection to open (`route::connect`), the start-up
        // reads on the second once it is open, or both from the pool. The start-up reads keep one connection,
        // since a pool's next query may open another while the last is being returned. If the page fails the
        // worker asks again after `Connected`; a schema that is not current is said by the start-up reads.
        let start_up = async {
            let mut conn = match second {
                Some(ready) => ready.open(&pool).await?,
                None => pool.acquire().await?,
            };
            db::schema::require_current_on(&mut conn).await?;
            let user = db::staff::whoami(&mut *conn).await?;
            let agreements = db::agreements::load_all(&mut *conn).await?;
            let settings = db::settings::load(&mut *conn).await?;
            Ok::<_, DbError>((user, agreements, settings))
        };
        let page = async {
            match first_open {
                Some(ready) => db::incidents::list_open_first_on(&mut *ready.open(&pool).await?, FIRST_PAGE_ROWS).await,
                None => db::incidents::list_open_first(&pool, FIRST_PAGE_ROWS).await,
            }
        };
        let (start_up, first_page) = tokio::join!(start_up, page);
        let (user, agreements, settings) = start_up?;
        let drafts_file = drafts_of(&user);
        let (commands, command_rx) = mpsc::channel(COMMAND_QUEUE);
        let (actions_tx, actions) = mpsc::channel(ACTION_QUEUE);
        let tasks = vec![
            tokio::spawn(db::listener::run_heard(routes.listen_pool().clone(), actions_tx.clone(), routes.heard())),
            tokio::spawn(db::route::run_worker(routes, command_rx, actions_tx.clone())),
        ];
        let mut state = State::new(database_label);
        state.zone = zone;
        // Names this console among the user's others (several terminals, one login).
        state.presence.console_id = format!("{}-{}", std::process::id(), now.timestamp_millis() % 1_000_000);
        let drafts = drafts_file.as_deref().map(load_drafts).unwrap_or_default();
        let unwritable = drafts_file.as_deref().and_then(|file| state_dir_problem(file).err());
        let drafts_failing = Arc::new(AtomicBool::new(unwritable.is_some()));
        let mut session = Session { state, drafts_file, drafts_failing, commands, actions_tx, actions, tasks };
        session.dispatch(Action::DraftsLoaded(drafts), now);
        if let Some(problem) = unwritable {
            // Said after the drafts' own message, so it is the one on screen.
            session.state.warn(problem, now);
        }
        if let Ok((rows, open)) = first_page {
            session.dispatch(Action::BoardFirstPage { rows, open }, now);
        }
        session.dispatch(Action::Connected { user }, now);
        session.dispatch(Action::AgreementsLoaded(agreements), now);
        session.dispatch(Action::SettingsLoaded(settings), now);
        // The board itself is loaded once the change listener is online (`Action::Online` resyncs), so no change
        // falls between the load and the LISTEN, and ten thousand rows are not fetched twice at start. The calendar
        // loads the dates around today that `Connected` chose.
        let mut first = vec![
            Effect::Db(DbCommand::LoadMajors),
            Effect::Db(DbCommand::LoadRota),
            Effect::Db(DbCommand::LoadPresence { console: session.state.presence.console_id.clone() }),
        ];
        first.extend(crate::app::screens::ScreenState::resync(&session.state.screens.calendar));
        session.run_effects(first, now);
        Ok(session)
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// A sender for actions from outside (the terminal's event task).
    pub fn action_sender(&self) -> mpsc::Sender<Action> {
        self.actions_tx.clone()
    }

    /// Applies one action and hands its effects to the tasks without waiting for them.
    pub fn dispatch(&mut self, action: Action, now: DateTime<Utc>) {
        let effects = update(&mut self.state, action, now);
        self.run_effects(effects, now);
    }

    fn run_effects(&mut self, effects: Vec<Effect>, now: DateTime<Utc>) {
        for effect in effects {
            match effect {
                Effect::Db(command) => match self.commands.try_send(command) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(command)) => {
                        // A load that never left must not be waited for: the next notice asks again.
                        self.state.link.in_flight.not_sent(&command);
                        self.state.write_not_sent("the database is busy; nothing was sent, try again", now)
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => self.state.write_not_sent(
                        "the database task stopped; nothing was saved — restart vakt (your text is kept as a draft)",
                        now,
                    ),
                },
                Effect::SaveDrafts(drafts) => {
                    if let Some(path) = self.drafts_file.clone() {
                        let generation = DRAFT_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
                        let (failing, report_back) = (Arc::clone(&self.drafts_failing), self.actions_tx.clone());
                        tokio::task::spawn_blocking(move || {
                            let Err(e) = save_drafts_in_order(&path, &drafts, generation) else {
                                failing.store(false, Ordering::SeqCst);
                                return;
                            };
                            if !failing.swap(true, Ordering::SeqCst) {
                                let result = Err(drafts_not_saved(&path, &e));
                                let _ = report_back.blocking_send(Action::FileWritten { result });
                            }
                        });
                    }
                }
                Effect::ExportReport { stem, markdown, html } => {
                    let files = vec![(format!("{stem}.md"), markdown), (format!("{stem}.html"), html)];
                    self.export(&format!("report written to {{dir}}/{stem}.md and .html"), files, now);
                }
                Effect::ExportFiles { what, files } => {
                    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
                    self.export(&format!("{what} written to {{dir}}/{}", names.join(", ")), files, now);
                }
                Effect::Quit => {}
            }
        }
    }

    /// Writes files into the reports directory, off the event loop (a slow disk must not freeze the screen); the
    /// outcome comes back as an action. `{dir}` in `done` is replaced by the directory.
    fn export(&mut self, done: &str, files: Vec<(String, String)>, now: DateTime<Utc>) {
        let Some(dir) = self.drafts_file.as_ref().and_then(|f| f.parent()).map(|d| d.join("reports")) else {
            self.state.warn("files cannot be exported here (no state directory)", now);
            return;
        };
        let done = done.to_string();
        let report_back = self.actions_tx.clone();
        tokio::task::spawn_blocking(move || {
            let written = crate::private_files::create_dir(&dir).and_then(|()| {
                files.iter().try_for_each(|(name, text)| crate::private_files::write(&dir.join(name), text))
            });
            let result = match written {
                Ok(()) => Ok(done.replace("{dir}", &dir.display().to_string())),
                Err(e) => Err(format!("could not write to {}: {e}", dir.display())),
            };
            let _ = report_back.blocking_send(Action::FileWritten { result });
        });
    }

    /// The next action from the worker, the listener or the terminal.
    pub async fn next_action(&mut self) -> Option<Action> {
        self.actions.recv().await
    }

    /// Actions already waiting, without blocking.
    pub fn try_next_action(&mut self) -> Option<Action> {
        self.actions.try_recv().ok()
    }

    /// Processes incoming actions until `done` holds for the state (or the channel closes). For tests and
    /// benchmarks; the terminal front end has its own loop.
    pub async fn run_until(&mut self, done: impl Fn(&State) -> bool) -> bool {
        while !done(&self.state) {
            let Some(action) = self.next_action().await else {
                return false;
            };
            self.dispatch(action, Utc::now());
        }
        true
    }
}

impl Session {
    /// Writes the drafts now (on quit and hang-up), so nothing typed is lost.
    pub fn flush_drafts(&self) {
        if let Some(path) = &self.drafts_file {
            let generation = DRAFT_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
            // The terminal is being restored: the log (when it can be written) is the only place left to say it.
            let _ = save_drafts_in_order(path, &self.state.drafts, generation);
        }
    }
}

type Drafts = crate::app::form::Drafts;

fn load_drafts(path: &Path) -> Drafts {
    std::fs::read_to_string(path).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

/// Numbers the snapshots of the drafts in the order they were taken.
static DRAFT_GENERATION: AtomicU64 = AtomicU64::new(0);
/// The newest snapshot written; one writer at a time, so the temporary file is never shared.
static DRAFTS_WRITTEN: Mutex<u64> = Mutex::new(0);

/// Saves are spawned per keystroke burst and may finish out of order: a snapshot older than the one on disk
/// is dropped, so the file always ends with the newest text.
fn save_drafts_in_order(path: &Path, drafts: &Drafts, generation: u64) -> std::io::Result<()> {
    let mut written = DRAFTS_WRITTEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if generation > *written {
        save_drafts(path, drafts)?;
        *written = generation;
    }
    Ok(())
}

/// Writes atomically (a temporary file renamed into place), so a crash never leaves half a file; a failed
/// write (disk full) removes its temporary file, so the last good drafts stay.
fn save_drafts(path: &Path, drafts: &Drafts) -> std::io::Result<()> {
    let temporary = path.with_extension("tmp");
    let result = (|| -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            crate::private_files::create_dir(dir)?;
        }
        crate::private_files::write(&temporary, serde_json::to_vec_pretty(drafts).unwrap_or_default())?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(e) = &result {
        let _ = std::fs::remove_file(&temporary);
        tracing::error!(error = %e, path = %path.display(), "could not save drafts");
    }
    result
}

/// Whether the directory of the drafts (also the log's and the exports') can be written: made if missing, and a
/// file created and removed in it. The error is the sentence the console shows.
fn state_dir_problem(drafts_file: &Path) -> Result<(), String> {
    let dir = drafts_file.parent().unwrap_or(Path::new("."));
    let probe = dir.join(format!(".vakt-probe-{}", std::process::id()));
    let written = crate::private_files::create_dir(dir).and_then(|()| crate::private_files::write(&probe, b"probe"));
    let _ = std::fs::remove_file(&probe);
    written.map_err(|e| {
        // The consequence first: a narrow status line cuts the end (the path) off.
        format!(
            "local files off: drafts are kept only while vakt runs, no log or exports — cannot write to {} ({e})",
            dir.display()
        )
    })
}

fn drafts_not_saved(path: &Path, error: &std::io::Error) -> String {
    format!("drafts cannot be saved; your text stays on screen while vakt runs — {} ({error})", path.display())
}

impl Drop for Session {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_snapshot_of_the_drafts_never_overwrites_a_newer_one() {
        let dir = std::env::temp_dir().join(format!("vakt-drafts-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("drafts.json");
        let snapshot = |text: &str| {
            Drafts::from([("form".to_string(), crate::app::form::Draft::ByPosition(vec![text.to_string()]))])
        };
        let older = DRAFT_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
        let newer = DRAFT_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
        save_drafts_in_order(&path, &snapshot("newer"), newer).unwrap();
        save_drafts_in_order(&path, &snapshot("older"), older).unwrap();
        assert_eq!(load_drafts(&path), snapshot("newer"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
