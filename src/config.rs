//! Configuration: a TOML file at the platform's config path, overridden by the environment (`DATABASE_URL`,
//! `VAKT_*`) and then by command-line flags. Unknown keys and bad values are reported with file and line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The commented default written by `vakt config init`.
pub const DEFAULT_CONFIG: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseSection,
    pub embedded: EmbeddedSection,
    pub ui: UiSection,
    pub log: LogSection,
    /// Message delivery for `vakt serve`: SMTP, SMS gateway, webhooks.
    pub notify: crate::notify::NotifyConfig,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSection {
    /// A shared server; when empty, vakt uses its embedded cluster.
    pub url: Option<String>,
    /// A streaming read replica of `url` for the console's screens (see `db::route`); writes stay on `url`.
    pub read_url: Option<String>,
    /// Where LISTEN goes when `url` is a transaction-mode pooler (PgBouncer): PostgreSQL itself or a session pool.
    pub listen_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct EmbeddedSection {
    /// Where the private cluster lives; defaults to the data directory.
    pub dir: Option<PathBuf>,
    /// Load the demo data the first time the embedded cluster is created.
    pub demo_on_first_start: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiSection {
    pub theme: Option<String>,
    /// Force ASCII symbols instead of Unicode ones, for terminals or fonts that lack them.
    pub ascii: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    /// A tracing filter such as `info` or `vakt=debug,sqlx=warn`.
    pub level: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "config file {path}, line {line}: {message}\nhint: fix that line, or compare with `vakt config init \
         --config /tmp/vakt-default.toml` (a commented default)"
    )]
    Invalid { path: PathBuf, line: usize, message: String },
    #[error("{0} already exists; pass --force to overwrite it")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("no config directory could be determined for this user; pass --config PATH")]
    NoConfigDir,
}

/// Overrides from the environment and the command line, applied over the file in that order.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub read_database_url: Option<String>,
    pub listen_database_url: Option<String>,
    pub theme: Option<String>,
}

/// The effective settings after file, environment and flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub database_url: Option<String>,
    pub read_database_url: Option<String>,
    pub listen_database_url: Option<String>,
    pub embedded_dir: Option<PathBuf>,
    pub demo_on_first_start: bool,
    pub theme: Option<String>,
    pub ascii: bool,
    pub log_level: String,
    pub no_color: bool,
    pub notify: crate::notify::NotifyConfig,
}

/// The platform's config file path (`~/.config/vakt/config.toml` on Linux).
pub fn default_path() -> Result<PathBuf, ConfigError> {
    directories::ProjectDirs::from("", "", "vakt")
        .map(|dirs| dirs.config_dir().join("config.toml"))
        .ok_or(ConfigError::NoConfigDir)
}

/// Parses config text; `path` is only used in messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| line_of(text, span.start)).unwrap_or(1);
        ConfigError::Invalid { path: path.to_path_buf(), line, message: e.message().trim().to_string() }
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads the file if it exists (a missing file means defaults), then applies environment and flags.
pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>, flags: &Overrides) -> Result<Settings, ConfigError> {
    let file = match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, path)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
        Err(source) => return Err(ConfigError::Read { path: path.to_path_buf(), source }),
    };
    let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let database_url = non_empty(flags.database_url.clone())
        .or_else(|| non_empty(env("DATABASE_URL")))
        .or_else(|| non_empty(env("VAKT_DATABASE_URL")))
        .or_else(|| non_empty(file.database.url.clone()));
    let read_database_url = non_empty(flags.read_database_url.clone())
        .or_else(|| non_empty(env("VAKT_READ_DATABASE_URL")))
        .or_else(|| non_empty(file.database.read_url.clone()));
    let listen_database_url = non_empty(flags.listen_database_url.clone())
        .or_else(|| non_empty(env("VAKT_LISTEN_DATABASE_URL")))
        .or_else(|| non_empty(file.database.listen_url.clone()));
    let theme = non_empty(flags.theme.clone()).or_else(|| non_empty(env("VAKT_THEME"))).or(file.ui.theme);
    let embedded_dir = non_empty(env("VAKT_EMBEDDED_DIR")).map(PathBuf::from).or(file.embedded.dir);
    Ok(Settings {
        config_path: path.to_path_buf(),
        database_url,
        read_database_url,
        listen_database_url,
        embedded_dir,
        demo_on_first_start: file.embedded.demo_on_first_start.unwrap_or(true),
        theme,
        ascii: file.ui.ascii.unwrap_or(false) || env("VAKT_ASCII").is_some_and(|v| v == "1"),
        log_level: non_empty(env("VAKT_LOG")).or(file.log.level).unwrap_or_else(|| "info".into()),
        // https://no-color.org: any non-empty value disables colour.
        no_color: env("NO_COLOR").is_some_and(|v| !v.is_empty()),
        notify: file.notify,
    })
}

/// Writes the commented default config, refusing to overwrite unless `force`.
pub fn init(path: &Path, force: bool) -> Result<(), ConfigError> {
    if path.exists() && !force {
        return Err(ConfigError::Exists(path.to_path_buf()));
    }
    if let Some(parent) = path.parent() {
        crate::private_files::create_dir(parent)
            .map_err(|source| ConfigError::Write { path: parent.to_path_buf(), source })?;
    }
    // It will hold the SMTP password, the SMS gateway's token and webhook secrets.
    crate::private_files::write(path, DEFAULT_CONFIG)
        .map_err(|source| ConfigError::Write { path: path.to_path_buf(), source })
}

/// The viewer's time zone: `VAKT_TZ`, then `TZ`, then the system's (`/etc/timezone`, `/etc/localtime`), else UTC.
pub fn viewer_zone() -> chrono_tz::Tz {
    if let Ok(asked) = std::env::var("VAKT_TZ")
        && !asked.trim().is_empty()
        && asked.trim_start_matches(':').parse::<chrono_tz::Tz>().is_err()
    {
        // Said once: times would otherwise be read and shown in another zone without a word.
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            eprintln!("vakt: warning: VAKT_TZ '{asked}' is not a time zone name (e.g. Europe/Oslo); it is ignored");
        });
    }
    let from_env =
        ["VAKT_TZ", "TZ"].iter().filter_map(|k| std::env::var(k).ok()).map(|v| v.trim_start_matches(':').to_string());
    let from_file = std::fs::read_to_string("/etc/timezone").ok().map(|s| s.trim().to_string());
    let from_link = std::fs::read_link("/etc/localtime").ok().and_then(|p| {
        let text = p.to_string_lossy().into_owned();
        text.split_once("zoneinfo/").map(|(_, zone)| zone.to_string())
    });
    from_env.chain(from_file).chain(from_link).find_map(|name| name.parse().ok()).unwrap_or(chrono_tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_shipped_default_config_parses() {
        let config = parse(DEFAULT_CONFIG, Path::new("default.toml")).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn unknown_keys_are_reported_with_their_line() {
        let text = "[database]\nurl = \"postgres://x/y\"\n\n[ui]\ntheem = \"dark\"\n";
        let err = parse(text, Path::new("/etc/vakt.toml")).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("config file /etc/vakt.toml, line 5:"), "{message}");
        assert!(message.contains("theem"), "{message}");
    }

    #[test]
    fn bad_values_are_reported_with_their_line() {
        let err = parse("[ui]\nascii = \"yes\"\n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn corrupt_files_are_reported_not_panicked_on() {
        let err = parse("[database\nurl = 3", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn flags_beat_environment_beat_file() {
        let dir = std::env::temp_dir().join(format!("vakt-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, "[database]\nurl = \"postgres://file/db\"\n[ui]\ntheme = \"light\"\n").unwrap();

        let from_file = load(&path, &no_env, &Overrides::default()).unwrap();
        assert_eq!(from_file.database_url.as_deref(), Some("postgres://file/db"));
        assert_eq!(from_file.theme.as_deref(), Some("light"));

        let env = |key: &str| match key {
            "DATABASE_URL" => Some("postgres://env/db".to_string()),
            "VAKT_THEME" => Some("high-contrast".to_string()),
            _ => None,
        };
        let from_env = load(&path, &env, &Overrides::default()).unwrap();
        assert_eq!(from_env.database_url.as_deref(), Some("postgres://env/db"));
        assert_eq!(from_env.theme.as_deref(), Some("high-contrast"));

        let flags = Overrides {
            database_url: Some("postgres://flag/db".into()),
            theme: Some("dark".into()),
            ..Default::default()
        };
        let from_flags = load(&path, &env, &flags).unwrap();
        assert_eq!(from_flags.database_url.as_deref(), Some("postgres://flag/db"));
        assert_eq!(from_flags.theme.as_deref(), Some("dark"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn read_and_listen_urls_come_from_flags_environment_or_file() {
        let dir = std::env::temp_dir().join(format!("vakt-config-routes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        let text =
            "[database]\nurl = \"postgres://p/db\"\nread_url = \"postgres://r/db\"\nlisten_url = \"postgres://l/db\"\n";
        std::fs::write(&path, text).unwrap();
        let from_file = load(&path, &no_env, &Overrides::default()).unwrap();
        assert_eq!(from_file.read_database_url.as_deref(), Some("postgres://r/db"));
        assert_eq!(from_file.listen_database_url.as_deref(), Some("postgres://l/db"));
        let env = |key: &str| match key {
            "VAKT_READ_DATABASE_URL" => Some("postgres://env-r/db".to_string()),
            "VAKT_LISTEN_DATABASE_URL" => Some("postgres://env-l/db".to_string()),
            _ => None,
        };
        let from_env = load(&path, &env, &Overrides::default()).unwrap();
        assert_eq!(from_env.read_database_url.as_deref(), Some("postgres://env-r/db"));
        assert_eq!(from_env.listen_database_url.as_deref(), Some("postgres://env-l/db"));
        let flags = Overrides { read_database_url: Some("postgres://flag-r/db".into()), ..Default::default() };
        let from_flags = load(&path, &env, &flags).unwrap();
        assert_eq!(from_flags.read_database_url.as_deref(), Some("postgres://flag-r/db"));
        assert_eq!(from_flags.listen_database_url.as_deref(), Some("postgres://env-l/db"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_file_means_defaults_and_init_refuses_to_overwrite() {
        let dir = std::env::temp_dir().join(format!("vakt-config-init-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("nested").join("config.toml");
        let settings = load(&path, &no_env, &Overrides::default()).unwrap();
        assert_eq!(settings.database_url, None);
        assert!(settings.demo_on_first_start);
        init(&path, false).unwrap();
        assert!(matches!(init(&path, false), Err(ConfigError::Exists(_))));
        init(&path, true).unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn no_color_disables_colour_only_when_set_to_something() {
        let path = Path::new("/nonexistent/vakt/config.toml");
        let set = |key: &str| (key == "NO_COLOR").then(|| "1".to_string());
        let empty = |key: &str| (key == "NO_COLOR").then(String::new);
        assert!(load(path, &set, &Overrides::default()).unwrap().no_color);
        assert!(!load(path, &empty, &Overrides::default()).unwrap().no_color);
    }
}
