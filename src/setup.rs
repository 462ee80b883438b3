//! Finds the database: a shared server from the configuration, or the embedded cluster, started, created,
//! migrated and given an admin login for the OS user on first use.

use sqlx::PgPool;

use crate::config::Settings;
use crate::db::embedded::{self, Durability, EmbeddedCluster};
use crate::db::{self, DbError};

/// Still reachable here for callers outside `db` (the benchmarks create their database with it).
pub use crate::db::bootstrap::ensure_database;

/// Where the console or a command connects, and how to name it in the status bar.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub label: String,
    /// The private cluster behind it, when it is the embedded default.
    pub embedded: Option<EmbeddedCluster>,
    /// True when the embedded cluster was created by this start.
    pub created: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Embedded(#[from] embedded::EmbeddedError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl SetupError {
    pub fn exit_code(&self) -> i32 {
        match self {
            SetupError::Db(e) => e.exit_code(),
            SetupError::Embedded(_) => 1,
        }
    }
}

pub fn cluster(settings: &Settings) -> EmbeddedCluster {
    EmbeddedCluster::at(settings.embedded_dir.clone().unwrap_or_else(EmbeddedCluster::default_root))
}

/// The shared server if one is configured; otherwise the embedded cluster, made ready.
pub async fn resolve(settings: &Settings) -> Result<Target, SetupError> {
    if let Some(url) = &settings.database_url {
        return Ok(Target { url: url.clone(), label: label_of(url), embedded: None, created: false });
    }
    let cluster = cluster(settings);
    let created = prepare_embedded_with_demo(&cluster, settings).await?;
    let login = os_login();
    Ok(Target {
        url: cluster.url(&login, embedded::DATABASE),
        label: "embedded".into(),
        embedded: Some(cluster),
        created,
    })
}

/// [`prepare_embedded`], and on the first start the demo data unless the configuration says to start empty.
pub async fn prepare_embedded_with_demo(cluster: &EmbeddedCluster, settings: &Settings) -> Result<bool, SetupError> {
    let created = prepare_embedded(cluster).await?;
    if created && settings.demo_on_first_start {
        eprintln!("vakt: new embedded database; loading the demo data from the seed agreements …");
        let owner = owner_pool(cluster).await?;
        let summary = db::demo::load(&owner, crate::demo::Plan::demo(chrono::Utc::now()), &mut |_, _| {}).await?;
        owner.close().await;
        eprintln!(
            "vakt: loaded {} agreements, {} services, {} incidents ({} open); staff logins: {}",
            summary.agreements,
            summary.services,
            summary.incidents,
            summary.open,
            crate::demo::catalog::STAFF.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(created)
}

/// Starts the cluster, creates the database, migrates it and makes the OS user an admin.
/// Returns true when the cluster was created now.
pub async fn prepare_embedded(cluster: &EmbeddedCluster) -> Result<bool, SetupError> {
    let starting = cluster.clone();
    let created = tokio::task::spawn_blocking(move || starting.ensure_running(Durability::Durable))
        .await
        .map_err(|e| DbError::Other(format!("starting the embedded database: {e}")))??;
    let maintenance = db::connect(&cluster.url(embedded::SUPERUSER, "postgres"), 1).await?;
    ensure_database(&maintenance, embedded::DATABASE).await?;
    maintenance.close().await;
    let owner = owner_pool(cluster).await?;
    db::schema::migrate_checked(&owner).await?;
    let login = os_login();
    if !db::bootstrap::is_staff(&owner, &login).await? {
        let staff = db::staff::NewStaff { login: &login, full_name: &login, role: "admin", ..Default::default() };
        db::staff::add(&owner, &staff).await?;
    }
    owner.close().await;
    Ok(created)
}

/// A pool as the embedded cluster's superuser, which owns the schema.
pub async fn owner_pool(cluster: &EmbeddedCluster) -> Result<PgPool, DbError> {
    db::connect(&cluster.url(embedded::SUPERUSER, embedded::DATABASE), 2).await
}

/// The database login of the OS user: lower-case, limited to what `vakt staff add` accepts.
pub fn os_login() -> String {
    let name: String = embedded::os_user_name()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "_.-".contains(c) { c } else { '_' })
        .collect();
    match name.chars().next() {
        Some(c) if c.is_ascii_lowercase() || c == '_' => name,
        _ => format!("u_{name}"),
    }
}

/// `user@host/db` for the status bar, never with a password.
pub fn label_of(url: &str) -> String {
    match db::connect_options(url) {
        Ok(options) => {
            let host = options.get_host();
            let host = if host.starts_with('/') { "socket" } else { host };
            format!("{}/{}", host, options.get_database().unwrap_or(""))
        }
        Err(_) => "database".into(),
    }
}
