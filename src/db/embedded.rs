//! The embedded default database: a private PostgreSQL cluster in vakt's data directory, started from the
//! server binaries already on the machine. It listens only on a Unix socket inside its own directory, so it never
//! competes for a TCP port and nobody else on the machine can reach it.

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The port only names the socket file (`.s.PGSQL.<port>`); the cluster opens no TCP listener.
const SOCKET_PORT: u16 = 5432;
/// The bootstrap superuser of a private cluster; it owns the schema and runs the migrations.
pub const SUPERUSER: &str = "postgres";
/// The database vakt uses inside its private cluster.
pub const DATABASE: &str = "vakt";
/// Longest Unix socket path the kernel accepts (`sun_path` is 108 bytes including the terminator).
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "the PostgreSQL server programs (initdb, pg_ctl, postgres) were not found on this machine.\n\
         hint: install them (Debian/Ubuntu: `apt install postgresql`; Fedora: `dnf install postgresql-server`; \
         macOS: `brew install postgresql@15`), or point vakt at an existing server with \
         DATABASE_URL / --database-url / `database.url` in the config file"
    )]
    NoServerBinaries,
    #[error(
        "PostgreSQL refuses to run as root and this machine has no `postgres` system user to run it as.\n\
         hint: create one (`adduser --system --group postgres`), run vakt as an ordinary user, or set DATABASE_URL"
    )]
    NoPostgresUser,
    #[error("the socket path {0} is too long for a Unix socket; set `embedded.dir` to a shorter directory")]
    SocketPathTooLong(PathBuf),
    #[error("cannot prepare {path}: {source}")]
    Filesystem { path: PathBuf, source: io::Error },
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
}

/// Where the server binaries live and which OS user runs the server.
#[derive(Debug, Clone)]
struct Toolchain {
    bin_dir: PathBuf,
    /// `Some((name, uid, gid))` when we are root and must run the server as that system user.
    run_as: Option<(String, u32, u32)>,
}

/// The state of a private cluster directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterStatus {
    NotInitialised,
    Stopped,
    Running,
}

impl std::fmt::Display for ClusterStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotInitialised => "not initialised",
            Self::Stopped => "stopped",
            Self::Running => "running",
        })
    }
}

/// How hard the cluster works to survive a power cut. Test clusters trade durability for speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Disposable,
}

/// A private PostgreSQL cluster rooted at one directory: `data/` (the cluster), `run/` (the socket) and
/// `server.log`.
#[derive(Debug, Clone)]
pub struct EmbeddedCluster {
    root: PathBuf,
}

impl EmbeddedCluster {
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The default location: the user's data directory, or `/var/lib/vakt/pg` for root, whose home directory
    /// the `postgres` system user cannot enter.
    pub fn default_root() -> PathBuf {
        if running_as_root() {
            return PathBuf::from("/var/lib/vakt/pg");
        }
        match directories::ProjectDirs::from("", "", "vakt") {
            Some(dirs) => dirs.data_dir().join("pg"),
            None => std::env::temp_dir().join(format!("vakt-{}", current_uid())),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    pub fn log_file(&self) -> PathBuf {
        self.root.join("server.log")
    }

    pub fn status(&self) -> Result<ClusterStatus, EmbeddedError> {
        if !self.data_dir().join("PG_VERSION").exists() {
            return Ok(ClusterStatus::NotInitialised);
        }
        let tools = Toolchain::discover()?;
        let out = tools.run("pg_ctl", &["status", "-D", &path_str(&self.data_dir())])?;
        // pg_ctl status: 0 = running, 3 = not running, 4 = no accessible data directory.
        Ok(if out.status.success() { ClusterStatus::Running } else { ClusterStatus::Stopped })
    }

    /// Makes sure the cluster exists and runs. Returns true when it was created by this call.
    pub fn ensure_running(&self, durability: Durability) -> Result<bool, EmbeddedError> {
        let tools = Toolchain::discover()?;
        self.check_socket_path()?;
        let created = if self.data_dir().join("PG_VERSION").exists() {
            false
        } else {
            self.initialise(&tools, durability)?;
            true
        };
        if self.status()? != ClusterStatus::Running {
            self.start(&tools)?;
        }
        Ok(created)
    }

    pub fn stop(&self) -> Result<(), EmbeddedError> {
        if self.status()? != ClusterStatus::Running {
            return Ok(());
        }
        let tools = Toolchain::discover()?;
        let out = tools.run("pg_ctl", &["stop", "-D", &path_str(&self.data_dir()), "-m", "fast", "-w"])?;
        check("pg_ctl stop", &out)
    }

    /// A connection string for `user` that both psql and vakt accept.
    pub fn url(&self, user: &str, database: &str) -> String {
        format!(
            "postgresql://{}@localhost:{SOCKET_PORT}/{}?host={}",
            percent_encode(user),
            percent_encode(database),
            percent_encode(&path_str(&self.socket_dir()))
        )
    }

    /// Makes a streaming read replica of this (running) cluster at `root` with `pg_basebackup -R` over the
    /// socket, and starts it on its own socket directory. The embedded cluster already allows what this needs:
    /// `wal_level = replica` and `max_wal_senders` are PostgreSQL's defaults, and initdb's trust setup lets local
    /// replication connections in. An existing replica at `root` is removed first. For tests and benchmarks of
    /// `db::route`; a site builds its replicas with its own tools.
    pub fn start_replica(&self, root: impl Into<PathBuf>) -> Result<EmbeddedCluster, EmbeddedError> {
        let replica = EmbeddedCluster::at(root);
        replica.stop().ok();
        if replica.root.exists() {
            fs::remove_dir_all(&replica.root).map_err(|e| fs_error(&replica.root, e))?;
        }
        let tools = Toolchain::discover()?;
        replica.check_socket_path()?;
        make_dir(&replica.root, 0o755)?;
        make_dir(&replica.socket_dir(), 0o700)?;
        tools.hand_over(&replica.root)?;
        tools.hand_over(&replica.socket_dir())?;
        let port = SOCKET_PORT.to_string();
        let out = tools.run(
            "pg_basebackup",
            &[
                "-D",
                &path_str(&replica.data_dir()),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "-h",
                &path_str(&self.socket_dir()),
                "-p",
                &port,
                "-U",
                SUPERUSER,
            ],
        )?;
        check("pg_basebackup", &out)?;
        // The copied configuration names the primary's socket directory; the replica gets its own. Hot standby
        // feedback keeps the primary's vacuum from cancelling a long read on the replica.
        let conf = format!(
            "\n# vakt: a streaming read replica\nunix_socket_directories = '{}'\nhot_standby = on\n\
             hot_standby_feedback = on\n",
            path_str(&replica.socket_dir()).replace('\'', "''")
        );
        let conf_path = replica.data_dir().join("postgresql.conf");
        let mut existing = fs::read_to_string(&conf_path).map_err(|e| fs_error(&conf_path, e))?;
        existing.push_str(&conf);
        fs::write(&conf_path, existing).map_err(|e| fs_error(&conf_path, e))?;
        replica.start(&tools)?;
        Ok(replica)
    }

    fn check_socket_path(&self) -> Result<(), EmbeddedError> {
        let socket = self.socket_dir().join(format!(".s.PGSQL.{SOCKET_PORT}"));
        if path_str(&socket).len() > MAX_SOCKET_PATH {
            return Err(EmbeddedError::SocketPathTooLong(socket));
        }
        Ok(())
    }

    fn initialise(&self, tools: &Toolchain, durability: Durability) -> Result<(), EmbeddedError> {
        let data = self.data_dir();
        let socket = self.socket_dir();
        // A half-made data directory from an interrupted initdb would make initdb refuse; start clean.
        if data.exists() {
            fs::remove_dir_all(&data).map_err(|e| fs_error(&data, e))?;
        }
        make_dir(&self.root, 0o755)?;
        make_dir(&socket, 0o700)?;
        tools.hand_over(&self.root)?;
        tools.hand_over(&socket)?;
        let out = tools.run(
            "initdb",
            &[
                "-D",
                &path_str(&data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ],
        )?;
        check("initdb", &out)?;
        let mut conf = format!(
            "\n# vakt: a private cluster reachable only through its own socket directory\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             port = {SOCKET_PORT}\n\
             max_connections = 200\n\
             shared_buffers = 64MB\n",
            path_str(&socket).replace('\'', "''")
        );
        if durability == Durability::Disposable {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf_path = data.join("postgresql.conf");
        let mut existing = fs::read_to_string(&conf_path).map_err(|e| fs_error(&conf_path, e))?;
        existing.push_str(&conf);
        fs::write(&conf_path, existing).map_err(|e| fs_error(&conf_path, e))?;
        Ok(())
    }

    fn start(&self, tools: &Toolchain) -> Result<(), EmbeddedError> {
        let log = self.log_file();
        let out = tools
            .run("pg_ctl", &["start", "-D", &path_str(&self.data_dir()), "-l", &path_str(&log), "-w", "-t", "60"])?;
        if !out.status.success() {
            let tail = fs::read_to_string(&log)
                .map(|text| {
                    text.lines().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
                })
                .unwrap_or_default();
            return Err(EmbeddedError::Command {
                command: "pg_ctl start".into(),
                detail: format!("{}\nserver log ({}):\n{tail}", describe(&out), log.display()),
            });
        }
        Ok(())
    }
}

impl Toolchain {
    fn discover() -> Result<Self, EmbeddedError> {
        let bin_dir = find_bin_dir().ok_or(EmbeddedError::NoServerBinaries)?;
        let run_as =
            if running_as_root() { Some(lookup_user("postgres").ok_or(EmbeddedError::NoPostgresUser)?) } else { None };
        Ok(Self { bin_dir, run_as })
    }

    /// Runs a server program, as the `postgres` system user when we are root.
    fn run(&self, program: &str, args: &[&str]) -> Result<Output, EmbeddedError> {
        let exe = self.program(program);
        let mut command = match &self.run_as {
            Some((user, _, _)) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        command.args(args).current_dir("/").env("LC_ALL", "C");
        command.output().map_err(|e| EmbeddedError::Command { command: program.to_string(), detail: e.to_string() })
    }

    /// The program in the server's directory. PATH may hold links to only some of them (initdb, pg_ctl,
    /// postgres); the others, such as pg_basebackup, are then beside the real `postgres`.
    fn program(&self, program: &str) -> PathBuf {
        let exe = self.bin_dir.join(program);
        if exe.is_file() {
            return exe;
        }
        fs::canonicalize(self.bin_dir.join("postgres"))
            .ok()
            .and_then(|real| real.parent().map(|dir| dir.join(program)))
            .filter(|beside| beside.is_file())
            .unwrap_or(exe)
    }

    /// Gives a directory to the server's system user when we are root.
    fn hand_over(&self, dir: &Path) -> Result<(), EmbeddedError> {
        if let Some((_, uid, gid)) = &self.run_as {
            std::os::unix::fs::chown(dir, Some(*uid), Some(*gid)).map_err(|e| fs_error(dir, e))?;
        }
        Ok(())
    }
}

fn find_bin_dir() -> Option<PathBuf> {
    let has_all = |dir: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|p| dir.join(p).is_file());
    if let Some(path) = std::env::var_os("PATH")
        && let Some(dir) = std::env::split_paths(&path).find(|d| has_all(d))
    {
        return Some(dir);
    }
    // Debian and Ubuntu keep the server programs out of PATH, one directory per major version.
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_all(&bin).then_some((major, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

pub fn running_as_root() -> bool {
    current_uid() == 0
}

fn current_uid() -> u32 {
    // /proc/self belongs to the process's effective user; this avoids libc and unsafe code.
    fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(u32::MAX)
}

/// The login name of the OS user running vakt.
pub fn os_user_name() -> String {
    let uid = current_uid();
    if let Ok(passwd) = fs::read_to_string("/etc/passwd") {
        for line in passwd.lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() > 2 && fields[2].parse::<u32>().ok() == Some(uid) {
                return fields[0].to_string();
            }
        }
    }
    std::env::var("USER").unwrap_or_else(|_| "vakt".to_string())
}

fn lookup_user(name: &str) -> Option<(String, u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() > 3 && fields[0] == name {
            Some((name.to_string(), fields[2].parse().ok()?, fields[3].parse().ok()?))
        } else {
            None
        }
    })
}

fn make_dir(dir: &Path, mode: u32) -> Result<(), EmbeddedError> {
    fs::create_dir_all(dir).map_err(|e| fs_error(dir, e))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(mode)).map_err(|e| fs_error(dir, e))
}

fn fs_error(path: &Path, source: io::Error) -> EmbeddedError {
    EmbeddedError::Filesystem { path: path.to_path_buf(), source }
}

fn check(command: &str, out: &Output) -> Result<(), EmbeddedError> {
    if out.status.success() {
        Ok(())
    } else {
        Err(EmbeddedError::Command { command: command.to_string(), detail: describe(out) })
    }
}

fn describe(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let text = if stderr.trim().is_empty() { stdout } else { stderr };
    format!("{} ({})", text.trim(), out.status)
}

fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Percent-encodes everything but unreserved characters, for URL user, path and query parts.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encodes_the_socket_directory_so_psql_and_sqlx_accept_it() {
        let cluster = EmbeddedCluster::at("/var/lib/vakt/pg");
        assert_eq!(
            cluster.url("kari", "vakt"),
            "postgresql://kari@localhost:5432/vakt?host=%2Fvar%2Flib%2Fvakt%2Fpg%2Frun"
        );
    }

    #[test]
    fn overlong_socket_paths_are_refused_with_a_hint() {
        let cluster = EmbeddedCluster::at(format!("/tmp/{}", "x".repeat(120)));
        let err = cluster.check_socket_path().unwrap_err();
        assert!(err.to_string().contains("embedded.dir"), "{err}");
    }
}
