//! Logging to a file in the state directory, never to the terminal (the console owns it).

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// `~/.local/state/vakt` on Linux (the data directory where the platform has no state directory). Without a home
/// directory, a directory of this user's own in the temporary one (never the shared directory itself, where anyone
/// may have left a symlink by the name vakt writes); `None` when even that cannot be had.
pub fn log_dir() -> Option<PathBuf> {
    match directories::ProjectDirs::from("", "", "vakt") {
        Some(dirs) => Some(dirs.state_dir().unwrap_or(dirs.data_local_dir()).to_path_buf()),
        None => crate::private_files::own_temp_dir("vakt").ok(),
    }
}

/// Starts file logging. Keep the guard alive until exit so the last lines are written.
pub fn init(level: &str) -> Option<WorkerGuard> {
    let dir = log_dir()?;
    crate::private_files::create_dir(&dir).ok()?;
    crate::private_files::touch(&dir.join("vakt.log")).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "vakt.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}
