//! Everything that talks to PostgreSQL: the pool, migrations, the schema check, start-up checks, one module per
//! aggregate, the change listener, the worker that runs console commands, and the embedded default cluster.

pub mod admin_screen;
pub mod agreements;
pub mod audit;
pub mod bootstrap;
pub mod change_needs;
pub mod clock_audit;
pub mod demo;
pub mod embedded;
mod error;
pub mod heatmap;
pub mod heatmap_grid;
pub mod incidents;
pub mod lifecycle;
pub mod listener;
pub mod maintenance;
pub mod majors;
pub mod minutes;
pub mod outages;
pub mod outbox;
pub mod pir;
pub mod presence;
pub mod problems;
pub mod register_screen;
pub mod regulatory;
pub mod report_issues;
pub mod reports;
pub mod rota;
pub mod route;
pub mod schema;
pub mod services;
pub mod settings;
pub mod staff;
pub mod surveys;
pub mod what_if;
pub mod worker;

pub use error::DbError;

use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The migrations, embedded at compile time, applied by `vakt migrate` (and automatically for the embedded
/// cluster).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Parses a connection URL, with a message that never repeats a password.
pub fn connect_options(url: &str) -> Result<PgConnectOptions, DbError> {
    let options: PgConnectOptions =
        url.parse().map_err(|e: sqlx::Error| DbError::BadUrl { url: redact(url), reason: e.to_string() })?;
    Ok(options
        .application_name("vakt")
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500)))
}

/// Opens a pool. `max` stays small: a console needs one connection for its worker and one for its listener.
pub async fn connect(url: &str, max: u32) -> Result<PgPool, DbError> {
    let options = connect_options(url)?;
    let pool = pool_options(max).connect_with(options.clone());
    with_probe(url, &options, pool).await
}

/// Opens a pool and `ready` of its connections side by side, and returns once the first is open; the others go on
/// opening in tasks of their own. A console's start-up reads its first page on the first connection while the
/// second is still being opened: waiting for both cost the first frame a second connection's time, since two
/// server processes starting at once share the machine (issue 15). Once dropped they return to the pool.
pub async fn connect_ready(url: &str, max: u32, ready: u32) -> Result<(PgPool, Vec<ReadyConnection>), DbError> {
    let options = connect_options(url)?;
    let pool = pool_options(max).connect_lazy_with(options.clone());
    let opening: Vec<_> = (0..ready.clamp(1, max)).map(|_| tokio::spawn(pool.acquire())).collect();
    let first_open = async {
        let (first, _, rest) = futures_util::future::select_all(opening).await;
        let first = match first {
            Ok(opened) => opened?,
            // The task panicked or was cancelled: the pool opens one itself and says why it cannot.
            Err(_) => pool.acquire().await?,
        };
        Ok::<_, sqlx::Error>((first, rest))
    };
    let (first, rest) = with_probe(url, &options, first_open).await?;
    let held = std::iter::once(ReadyConnection::Open(first)).chain(rest.into_iter().map(ReadyConnection::Opening));
    Ok((pool, held.collect()))
}

/// A connection opened for a start-up: open already, or still opening in its own task.
#[derive(Debug)]
pub enum ReadyConnection {
    Open(sqlx::pool::PoolConnection<sqlx::Postgres>),
    Opening(tokio::task::JoinHandle<Result<sqlx::pool::PoolConnection<sqlx::Postgres>, sqlx::Error>>),
}

impl ReadyConnection {
    /// The connection once it is open. If its opening failed, `pool` is asked for one, so the error a caller
    /// sees is the pool's own (after its retries), as without this connection.
    pub async fn open(self, pool: &PgPool) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, DbError> {
        match self {
            Self::Open(connection) => Ok(connection),
            Self::Opening(task) => match task.await {
                Ok(Ok(connection)) => Ok(connection),
                Ok(Err(_)) | Err(_) => Ok(pool.acquire().await?),
            },
        }
    }
}

fn pool_options(max: u32) -> PgPoolOptions {
    PgPoolOptions::new().max_connections(max).acquire_timeout(Duration::from_secs(5))
}

/// A pool retries a refused connection until its timeout, which would make a wrong URL slow to report. When the
/// pool is not there at once, one direct attempt says why; one that succeeds leaves the pool to carry on. No
/// attempt beside it when all is well: the console's first frame waits for this (issue 15).
async fn with_probe<T>(
    url: &str,
    options: &PgConnectOptions,
    opening: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, DbError> {
    tokio::pin!(opening);
    tokio::select! {
        opened = &mut opening => return opened.map_err(|e| DbError::connect(url, e)),
        () = tokio::time::sleep(PROBE_AFTER) => {}
    }
    let probe = async {
        let probe = <sqlx::PgConnection as sqlx::Connection>::connect_with(options).await?;
        tokio::spawn(sqlx::Connection::close(probe));
        Ok::<_, sqlx::Error>(())
    };
    let ((), opened) = tokio::try_join!(probe, opening).map_err(|e| DbError::connect(url, e))?;
    Ok(opened)
}

/// How long a pool may take to connect before a direct attempt asks why.
const PROBE_AFTER: Duration = Duration::from_millis(200);

/// Applies every pending migration, then makes sure only vakt's roles connect and nobody creates temporary
/// objects (database privileges are not copied with a template or a dump, so a restored copy gets them here).
pub async fn migrate(pool: &PgPool) -> Result<(), DbError> {
    MIGRATOR.run(pool).await.map_err(|e| DbError::Migration(e.to_string()))?;
    secure_database(pool).await
}

/// Revokes CONNECT and TEMPORARY on this database from PUBLIC and grants CONNECT to vakt's roles (migration 13).
/// Only the database's owner may; for anyone else PostgreSQL changes nothing and says so in a warning.
pub async fn secure_database(pool: &PgPool) -> Result<(), DbError> {
    sqlx::query("SELECT public.vakt_secure_database()").execute(pool).await?;
    Ok(())
}

/// Replaces the password in a URL with `***` for messages and logs.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}{}:***{}", &url[..scheme_end + 3], &authority[..colon], &rest[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(redact("postgres://kari:s3cret@db.example:5432/vakt"), "postgres://kari:***@db.example:5432/vakt");
        assert_eq!(redact("postgres://kari@db/vakt"), "postgres://kari@db/vakt");
        assert_eq!(redact("not a url"), "not a url");
    }

    #[test]
    fn a_malformed_url_is_reported_without_its_password() {
        let err = connect_options("postgres://kari:s3cret@db:notaport/vakt").unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("***"), "{text}");
    }
}
