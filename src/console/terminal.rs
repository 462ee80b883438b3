//! Raw mode and the alternate screen, entered once and always restored: on quit, on error, on panic, and when
//! the SSH session hangs up or the process is told to stop.

use std::io::{Stdout, stdout};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::app::Action;
use crate::ui::safe_backend::SafeBackend;

pub type Tui = Terminal<SafeBackend<CrosstermBackend<Stdout>>>;

/// Switches the terminal into the console's mode and makes sure a panic puts it back first.
pub fn enter() -> std::io::Result<Tui> {
    install_panic_restore();
    enable_raw_mode()?;
    if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    let mut terminal = Terminal::new(SafeBackend::new(CrosstermBackend::new(stdout())))?;
    terminal.hide_cursor()?;
    terminal.clear()?;
    Ok(terminal)
}

/// Puts the terminal back. Safe to call more than once, and when the terminal is already gone (SIGHUP).
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, crossterm::cursor::Show);
}

fn install_panic_restore() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            tracing::error!(panic = %info, "vakt panicked");
            previous(info);
        }));
    });
}

/// The event task: terminal events become actions.
pub async fn forward_events(sender: mpsc::Sender<Action>) {
    super::pump(sender).await;
}
