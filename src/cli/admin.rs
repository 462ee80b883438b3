//! Administrative commands: config, migrations, the embedded cluster, staff.

use clap::{Args, Subcommand};

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::config::{self, Settings};
use crate::db::{self, embedded};
use crate::setup;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the config file.
    Path,
    /// Write a commented default config file.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EmbeddedCommand {
    /// Create (on first use), migrate and start the private cluster.
    Start,
    /// Stop the private cluster.
    Stop,
    /// Say whether the private cluster exists and runs, and where it lives.
    Status,
    /// Print a connection string for psql (`psql "$(vakt embedded url)"`).
    Url {
        /// Connect as this login instead of your own (e.g. postgres, the owner).
        #[arg(long)]
        user: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a member of staff: creates the database login and grants the role (admins only).
    Add(StaffAddArgs),
    /// Put a member of staff in (or with --off, out of) the service desk: Stockholm incidents are closed
    /// only by its members (admins only).
    Servicedesk {
        login: String,
        #[arg(long)]
        off: bool,
    },
    /// Clear a member of staff for security incidents (or with --off, take it away): they read the description and
    /// notes of incidents flagged as security incidents and may clear the flag (admins only; admins are cleared).
    Security {
        login: String,
        #[arg(long)]
        off: bool,
    },
    /// Deactivate a member of staff who leaves: the login can no longer sign in and loses its vakt roles;
    /// what they wrote stays theirs. `staff reactivate` brings them back (admins only).
    Deactivate { login: String },
    /// Let a deactivated member of staff sign in again, with the role they had (admins only).
    Reactivate { login: String },
    /// Give a member of staff another role: viewer, operator, mim, chair, admin or worker (admins only). A change
    /// the database would refuse (your own login, the last admin, a MIM on the rota) is explained, not tried.
    Role { login: String, role: String },
    /// List staff.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct StaffAddArgs {
    /// The database login (lower-case letters, digits, _ . -).
    pub login: String,
    /// Full name, as shown in the console.
    #[arg(long)]
    pub name: String,
    /// viewer, operator, mim, chair, admin, or worker (the login `vakt serve` runs as).
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Generate this many incidents (1 % open, over five years) instead of the seed demo.
    #[arg(long)]
    pub incidents: Option<usize>,
    /// Add this many generated services to the seed ones.
    #[arg(long, default_value_t = 0)]
    pub services: usize,
}

pub fn config(command: &ConfigCommand, settings: &Settings) -> CliResult {
    match command {
        ConfigCommand::Path => println!("{}", settings.config_path.display()),
        ConfigCommand::Init { force } => {
            config::init(&settings.config_path, *force)?;
            println!("wrote {}", settings.config_path.display());
        }
    }
    Ok(())
}

pub async fn migrate(settings: &Settings) -> CliResult {
    let (pool, label) = match &settings.database_url {
        Some(url) => (db::connect(url, 2).await?, setup::label_of(url)),
        None => (owner_pool(settings).await?, "embedded".to_string()),
    };
    let applied = db::schema::migrate_checked(&pool).await?;
    println!("{label}: {applied} migration(s) applied; the schema is current");
    Ok(())
}

pub async fn embedded(command: &EmbeddedCommand, settings: &Settings) -> CliResult {
    let cluster = setup::cluster(settings);
    match command {
        EmbeddedCommand::Start => {
            let created = setup::prepare_embedded_with_demo(&cluster, settings).await?;
            let verb = if created { "created and started" } else { "running" };
            println!("embedded database {verb} at {}", cluster.root().display());
        }
        EmbeddedCommand::Stop => {
            cluster.stop().map_err(setup::SetupError::from)?;
            println!("embedded database stopped");
        }
        EmbeddedCommand::Status => {
            let status = cluster.status().map_err(setup::SetupError::from)?;
            println!("{status}: {}", cluster.root().display());
            if status == embedded::ClusterStatus::Running {
                println!("url: {}", cluster.url(&setup::os_login(), embedded::DATABASE));
                println!("log: {}", cluster.log_file().display());
            }
        }
        EmbeddedCommand::Url { user } => {
            let login = user.clone().unwrap_or_else(setup::os_login);
            println!("{}", cluster.url(&login, embedded::DATABASE));
        }
    }
    Ok(())
}

pub async fn staff(command: &StaffCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        StaffCommand::Add(args) => {
            if !db::staff::ROLES.contains(&args.role.as_str()) {
                return Err(CliError::bad_input(format!(
                    "unknown role '{}' (use one of: {})",
                    args.role,
                    db::staff::ROLES.join(", ")
                )));
            }
            // The deputy's reminder goes to this address and number: a typo would reach nobody.
            use crate::domain::major::contact_rules;
            if let Some(email) = args.email.as_deref().filter(|e| !contact_rules::is_email(e)) {
                return Err(CliError::bad_input(format!("--email '{email}' is not an e-mail address")));
            }
            if let Some(phone) = args.phone.as_deref().filter(|p| contact_rules::phone_number(p).is_none()) {
                return Err(CliError::bad_input(format!(
                    "--phone '{phone}' is not a phone number (e.g. +47 900 00 001)"
                )));
            }
            let staff = db::staff::NewStaff {
                login: &args.login,
                full_name: &args.name,
                role: &args.role,
                email: args.email.as_deref(),
                phone: args.phone.as_deref(),
            };
            // `staff add` on an existing login changes their role: say so, since it changes what they may do.
            let before: Option<(String, bool)> = db::staff::list(&pool)
                .await?
                .into_iter()
                .find(|s| s.login == args.login.trim())
                .map(|s| (s.role, s.active));
            db::staff::add(&pool, &staff).await?;
            match before {
                Some((_, false)) => println!("{} is active again as {} ({})", args.login, args.role, args.name),
                Some((old, _)) if old != args.role => {
                    let old = crate::domain::text::one_line(&old);
                    println!("{} changed role from {old} to {} ({})", args.login, args.role, args.name)
                }
                Some(_) => println!("{} was already {}; name and contact details updated", args.login, args.role),
                None => println!("{} is now {} ({})", args.login, args.role, args.name),
            }
        }
        StaffCommand::Security { login, off } => {
            db::staff::set_security(&pool, login, !off).await?;
            println!("{login} is {} for security incidents", if *off { "no longer cleared" } else { "cleared" });
        }
        StaffCommand::Servicedesk { login, off } => {
            db::staff::set_servicedesk(&pool, login, !off).await?;
            println!("{login} is {} the service desk", if *off { "no longer in" } else { "in" });
        }
        StaffCommand::Deactivate { login } => {
            require_admin(&pool, "deactivate staff").await?;
            if let Some(reason) = db::staff::deactivation_refusal(&pool, login).await? {
                return Err(CliError::bad_input(reason));
            }
            db::staff::deactivate(&pool, login).await?;
            println!("{login} is deactivated: the login can no longer sign in and holds no vakt role");
        }
        StaffCommand::Reactivate { login } => {
            db::staff::reactivate(&pool, login).await?;
            println!("{login} can sign in again, with the role they had");
        }
        StaffCommand::Role { login, role } => {
            if !db::staff::ROLES.contains(&role.as_str()) {
                return Err(CliError::bad_input(format!(
                    "unknown role '{role}' (use one of: {})",
                    db::staff::ROLES.join(", ")
                )));
            }
            let before = db::staff::list(&pool).await?.into_iter().find(|s| s.login == *login).map(|s| s.role);
            if before.as_deref() == Some(role.as_str()) {
                println!("{login} is already {role}");
                return Ok(());
            }
            require_admin(&pool, "change roles").await?;
            // Said before it is tried: the database refuses the same with a less specific error.
            if let Some(reason) = db::staff::change_refusal(&pool, login, role, true).await? {
                return Err(CliError::bad_input(reason));
            }
            db::staff::set_role(&pool, login, role).await?;
            let before = crate::domain::text::one_line(before.as_deref().unwrap_or("?")).into_owned();
            println!("{login} changed role from {before} to {role}");
        }
        StaffCommand::List { format } => {
            let staff = db::staff::list(&pool).await?;
            let headers = ["login", "full_name", "role", "email", "phone", "active"];
            let rows: Vec<Vec<String>> = staff
                .iter()
                .map(|s| {
                    vec![
                        s.login.clone(),
                        s.full_name.clone(),
                        s.role.clone(),
                        s.email.clone().unwrap_or_default(),
                        s.phone.clone().unwrap_or_default(),
                        s.active.to_string(),
                    ]
                })
                .collect();
            print!("{}", output::render(*format, &headers, &rows, &staff));
        }
    }
    Ok(())
}

/// Refuses (exit 3) before explaining a rule to someone who may not make the change at all; PostgreSQL refuses
/// them anyway.
async fn require_admin(pool: &sqlx::PgPool, what: &str) -> CliResult {
    if db::staff::whoami(pool).await?.rights.admin {
        return Ok(());
    }
    Err(CliError { code: 3, message: format!("refused by the database: only an admin (vakt_admin) may {what}") })
}

/// Loads demo data into an empty database, as its owner.
pub async fn demo(args: &DemoArgs, settings: &Settings) -> CliResult {
    let pool = owner_pool(settings).await?;
    let now = chrono::Utc::now();
    let plan = match args.incidents {
        Some(incidents) => crate::demo::Plan::bench(now, incidents, args.services),
        None => crate::demo::Plan { extra_services: args.services, ..crate::demo::Plan::demo(now) },
    };
    let started = std::time::Instant::now();
    let summary = db::demo::load(&pool, plan, &mut |done, total| {
        if total >= 20_000 {
            eprintln!("  {done} / {total} incidents");
        }
    })
    .await?;
    println!(
        "loaded {} agreements, {} services, {} staff, {} incidents ({} open) with {} events in {:.1} s",
        summary.agreements,
        summary.services,
        summary.staff,
        summary.incidents,
        summary.open,
        summary.events,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A pool as the schema owner: the embedded cluster's superuser, or the configured URL (which must be the
/// owner's for commands that need it).
async fn owner_pool(settings: &Settings) -> Result<sqlx::PgPool, CliError> {
    match &settings.database_url {
        Some(url) => {
            let pool = db::connect(url, 4).await?;
            db::schema::require_current(&pool).await?;
            Ok(pool)
        }
        None => {
            let cluster = setup::cluster(settings);
            setup::prepare_embedded(&cluster).await?;
            Ok(setup::owner_pool(&cluster).await?)
        }
    }
}
