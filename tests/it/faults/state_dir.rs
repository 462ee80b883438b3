//! A state directory (drafts, log, exports) that cannot be written: beneath a regular file (any user, root too),
//! read-only, or full. The console says so clearly and works on without its local files.

use std::path::{Path, PathBuf};

use chrono::Utc;
use vakt::app::Action;
use vakt::app::command::{Act, CalendarAct, Command};
use vakt::app::state::{Connection, Overlay, State};
use vakt::console::Session;

use super::{type_text, until};
use crate::harness::{TestDb, insert_incident, seed_reference};

fn said(state: &State) -> String {
    state.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vakt-faults-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts a console keeping its drafts in `drafts`, and waits for its board.
async fn console(db: &TestDb, drafts: &Path) -> Session {
    let (_, pool) = db.login("operator").await;
    let mut console =
        Session::start(pool, "test", chrono_tz::Europe::Oslo, Utc::now(), Some(drafts.to_path_buf())).await.unwrap();
    until(&mut console, "the board", |s| s.link.connection == Connection::Live && s.screens.board.queue.loaded).await;
    console
}

/// Opens the incident, types a note and sends it: the console's work, with or without its files.
async fn note(console: &mut Session, text: &str) {
    console.dispatch(Action::Run(Command::Open), Utc::now());
    until(console, "the incident", |s| s.screens.board.incident.as_ref().is_some_and(|v| v.detail.is_some())).await;
    console.dispatch(Action::Run(Command::Act(Act::Note)), Utc::now());
    type_text(console, text);
}

async fn send(console: &mut Session) {
    super::ctrl(console, 's');
    until(console, "the note to be saved", |s| s.overlay.is_none() && said(s).contains("note added")).await;
}

#[tokio::test]
async fn a_state_directory_beneath_a_file_is_reported_and_the_console_works_without_it() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    insert_incident(&db.pool, service, version, "SBL down", Some("A")).await;
    let root = scratch("beneath-file");
    std::fs::write(root.join("state"), "a file where the directory should be").unwrap();
    let drafts = root.join("state").join("vakt").join("drafts.json");

    let mut console = console(&db, &drafts).await;
    let message = said(console.state());
    assert!(
        message.contains("cannot write to") && message.contains("drafts are kept only while vakt runs"),
        "{message}"
    );
    note(&mut console, "Ringt leverandør").await;
    console.dispatch(Action::Tick, Utc::now());
    assert!(matches!(&console.state().overlay, Some(Overlay::Form(_))), "the form stays open with its text");
    send(&mut console).await;
    console.dispatch(Action::Run(Command::Calendar(CalendarAct::Export)), Utc::now());
    until(&mut console, "the export's answer", |s| said(s).contains("could not write to")).await;
    let _ = std::fs::remove_dir_all(root);
}

/// A tmpfs mounted for one test, unmounted on drop; `None` where this process may not mount.
struct Mounted(PathBuf);

impl Mounted {
    fn tmpfs(dir: &Path, options: &str) -> Option<Mounted> {
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Mounted(dir.to_path_buf()))
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_read_only_or_full_state_directory_is_reported_and_nothing_typed_is_lost() {
    let root = scratch("mounts");
    let (read_only, full) = (root.join("ro"), root.join("full"));
    std::fs::create_dir_all(&read_only).unwrap();
    std::fs::create_dir_all(&full).unwrap();
    let (Some(ro_mount), Some(full_mount)) =
        (Mounted::tmpfs(&read_only, "ro,size=64k"), Mounted::tmpfs(&full, "size=64k,mode=0700"))
    else {
        // Only where mounting is not allowed (not root, or no CAP_SYS_ADMIN); the README's script covers it there.
        eprintln!("skipped: this process cannot mount a tmpfs (see the README, operations, faults)");
        return;
    };
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    insert_incident(&db.pool, service, version, "SBL down", Some("A")).await;

    // Read-only: even root cannot write there.
    let mut console_ro = console(&db, &read_only.join("drafts.json")).await;
    let message = said(console_ro.state());
    assert!(message.contains("cannot write to") && message.contains("Read-only file system"), "{message}");
    note(&mut console_ro, "Notat på skrivebeskyttet disk").await;
    send(&mut console_ro).await;
    drop(console_ro);

    // Full: the console starts fine, then the disk fills while a note is being typed.
    let drafts = full.join("drafts.json");
    let mut console = console(&db, &drafts).await;
    assert!(!said(console.state()).contains("cannot write"), "{}", said(console.state()));
    let filler = full.join("filler");
    let mut chunk = std::fs::File::create(&filler).unwrap();
    while std::io::Write::write_all(&mut chunk, &[0u8; 4096]).is_ok() {}
    drop(chunk);
    note(&mut console, "Leverandør varslet 14:05").await;
    console.dispatch(Action::Tick, Utc::now());
    until(&mut console, "the drafts' failure to be told", |s| said(s).contains("drafts cannot be saved")).await;
    let message = said(console.state());
    assert!(message.contains("No space left on device") && message.contains("stays on screen"), "{message}");
    assert!(matches!(&console.state().overlay, Some(Overlay::Form(_))), "the form stays open with its text");
    assert!(!full.join("drafts.tmp").exists(), "no half-written temporary file is left");

    // Space again: the next save writes the text, and the note goes through.
    std::fs::remove_file(&filler).unwrap();
    type_text(&mut console, ".");
    console.dispatch(Action::Tick, Utc::now());
    let written = || std::fs::read_to_string(&drafts).unwrap_or_default();
    let deadline = std::time::Instant::now() + super::LIMIT;
    while !written().contains("Leverandør varslet 14:05.") {
        assert!(std::time::Instant::now() < deadline, "the drafts were not written once there was space");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    send(&mut console).await;
    drop((ro_mount, full_mount));
    let _ = std::fs::remove_dir_all(root);
}
