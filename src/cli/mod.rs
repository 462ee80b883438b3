//! The command line: the console by default, and the non-interactive scripting interface. Exit codes:
//! 0 ok, 1 failure, 2 bad input, 3 refused (rights), 4 conflict.

mod admin;
mod agreement_change;
mod audit;
mod change_need;
mod heatmap;
mod incident;
mod incident_master;
mod maintenance;
mod major;
mod meeting;
mod minutes;
mod outage;
pub mod output;
mod problem;
mod report;
mod rota;
mod serve;
mod service;
mod sla;
mod survey;
mod when;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, Overrides, Settings};
use crate::db::DbError;
use crate::setup::{self, SetupError};

#[derive(Debug, Parser)]
#[command(
    name = "vakt",
    version,
    about = "Terminal operations console for IT service management under Nordic public-sector service agreements"
)]
pub struct Cli {
    /// PostgreSQL URL of a shared vakt database (default: the embedded one).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// A streaming read replica of the database for the console's screens; writes and LISTEN stay on the
    /// database URL (`VAKT_READ_DATABASE_URL`, `[database] read_url`).
    #[arg(long, global = true, value_name = "URL")]
    pub read_database_url: Option<String>,
    /// Where LISTEN goes when the database URL is a transaction-mode PgBouncer: PostgreSQL itself or a
    /// session-mode pool (`VAKT_LISTEN_DATABASE_URL`, `[database] listen_url`).
    #[arg(long, global = true, value_name = "URL")]
    pub listen_database_url: Option<String>,
    /// Colour theme: dark, light, high-contrast, monochrome, or one in the themes folder.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Config file to use instead of the default path.
    #[arg(long, global = true, value_name = "PATH", env = "VAKT_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Commands>,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Show or create the config file.
    #[command(subcommand)]
    Config(admin::ConfigCommand),
    /// Apply pending schema migrations (run as the database owner).
    Migrate,
    /// Manage the private PostgreSQL cluster used when no database URL is configured.
    #[command(subcommand)]
    Embedded(admin::EmbeddedCommand),
    /// Staff and their database logins.
    #[command(subcommand)]
    Staff(admin::StaffCommand),
    /// Load demo data taken from the seed agreements (or larger generated data for benchmarks).
    Demo(admin::DemoArgs),
    /// Agreements: import, export, list.
    #[command(subcommand)]
    Agreement(sla::AgreementCommand),
    /// Public holidays by rule, and an agreement's calendar over a year.
    #[command(subcommand)]
    Calendar(sla::CalendarCommand),
    /// Business-time arithmetic: deadlines and elapsed time.
    #[command(subcommand)]
    Sla(sla::SlaCommand),
    /// Major incidents: declare, update, escalate, close, report.
    #[command(subcommand)]
    Major(major::MajorCommand),
    /// The MIM on-duty rota.
    #[command(subcommand)]
    Rota(rota::RotaCommand),
    /// The contact directory of organisations.
    #[command(subcommand)]
    Contact(rota::ContactCommand),
    /// Shift hand-over between MIMs.
    #[command(subcommand)]
    Handover(rota::HandoverCommand),
    /// The always-on worker: delivers the outbox, raises cadence reminders.
    Serve(serve::ServeArgs),
    /// Stakeholder messages waiting, sent or dead-lettered.
    #[command(subcommand)]
    Outbox(serve::OutboxCommand),
    /// Incidents: list, show, create and work them (ack, assign, priority, pause, resolve, close …).
    #[command(subcommand)]
    Incident(incident::IncidentCommand),
    /// The maintenance calendar: plan service windows, list them with notice and warnings.
    #[command(subcommand)]
    Maintenance(maintenance::MaintenanceCommand),
    /// Outages of services: record, end and list them.
    #[command(subcommand)]
    Outage(outage::OutageCommand),
    /// Each service's availability against its target, in its operating hours, for a month, tertial or year.
    Availability(outage::AvailabilityArgs),
    /// Services by days, weeks, months or tertials: breaches, SLA budget used, availability or incidents received.
    Heatmap(heatmap::HeatmapArgs),
    /// The random survey of closed incidents (Tranemo/Ulricehamn: one in four): list, answer, summary.
    #[command(subcommand)]
    Survey(survey::SurveyCommand),
    /// Service reports: monthly, tertial and yearly, as Markdown, HTML, CSV or JSON.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Status meetings: series, meetings, the agenda written from live data, opening a meeting.
    #[command(subcommand)]
    Meeting(meeting::MeetingCommand),
    /// Follow-up points of the minutes: list, answer (their owners), add (chairs).
    #[command(subcommand)]
    Followup(meeting::FollowupCommand),
    /// Minutes of a meeting: show or export (md, html, json), publish, correct.
    #[command(subcommand)]
    Minutes(minutes::MinutesCommand),
    /// Services: list, add, edit (owner, agreement, support lines, supplier; the calendar comes from the agreement).
    #[command(subcommand)]
    Service(service::ServiceCommand),
    /// The audit log, read-only: who changed what, filtered by table, login and time (admins only).
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Change needs (Altinn §2.10): register, answer, qualify, analyse, plan, deliver or reject; the clocks in
    /// working days.
    #[command(subcommand)]
    ChangeNeed(change_need::ChangeNeedCommand),
    /// Problems and known errors: list, show, new, edit, link incidents, resolve, search, trends.
    #[command(subcommand)]
    Problem(problem::ProblemCommand),
}

/// A failure with its exit code; the message is printed as `vakt: <message>`.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: i32,
}

impl CliError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 2 }
    }
}

impl From<DbError> for CliError {
    fn from(e: DbError) -> Self {
        let mut message = e.to_string();
        if matches!(e, DbError::Refused(_)) && message.contains("permission denied") {
            message.push_str(
                "\nhint: your role does not allow this (viewers read; operators work incidents and problems; MIMs run \
                 major incidents; admins manage staff, agreements and the rota); `vakt staff list` shows who has which",
            );
        }
        Self { code: e.exit_code(), message }
    }
}

impl From<SetupError> for CliError {
    fn from(e: SetupError) -> Self {
        Self { code: e.exit_code(), message: e.to_string() }
    }
}

impl From<config::ConfigError> for CliError {
    fn from(e: config::ConfigError) -> Self {
        Self { code: 2, message: e.to_string() }
    }
}

pub type CliResult = Result<(), CliError>;

/// Loads the settings the way every command does: file, then environment, then flags.
pub fn settings(cli: &Cli) -> Result<Settings, CliError> {
    let path = match &cli.config {
        Some(path) => path.clone(),
        None => config::default_path()?,
    };
    // A file named on purpose must exist (a typo would otherwise run on defaults); `vakt config …` says where
    // it goes and creates it.
    let creating = matches!(cli.command, Some(Commands::Config(_)));
    if cli.config.is_some() && !creating && !path.exists() {
        return Err(CliError::bad_input(format!(
            "config file {} does not exist (`vakt config init --config {}` writes a commented one)",
            path.display(),
            path.display()
        )));
    }
    let flags = Overrides {
        database_url: cli.database_url.clone(),
        read_database_url: cli.read_database_url.clone(),
        listen_database_url: cli.listen_database_url.clone(),
        theme: cli.theme.clone(),
    };
    Ok(config::load(&path, &|key| std::env::var(key).ok(), &flags)?)
}

/// Runs a non-interactive command. `None` means "start the console", which the binary does itself.
pub async fn run(cli: &Cli, settings: &Settings) -> Option<CliResult> {
    let command = cli.command.as_ref()?;
    Some(match command {
        Commands::Config(c) => admin::config(c, settings),
        Commands::Migrate => admin::migrate(settings).await,
        Commands::Embedded(c) => admin::embedded(c, settings).await,
        Commands::Staff(c) => admin::staff(c, settings).await,
        Commands::Demo(args) => admin::demo(args, settings).await,
        Commands::Incident(c) => incident::run(c, settings).await,
        Commands::Agreement(c) => sla::agreement(c, settings).await,
        Commands::Calendar(c) => sla::calendar(c, settings).await,
        Commands::Sla(c) => sla::sla(c, settings).await,
        Commands::Major(c) => major::run(c, settings).await,
        Commands::Rota(c) => rota::rota(c, settings).await,
        Commands::Contact(c) => rota::contact(c, settings).await,
        Commands::Maintenance(c) => maintenance::maintenance(c, settings).await,
        Commands::Outage(c) => outage::outage(c, settings).await,
        Commands::Availability(args) => outage::availability(args, settings).await,
        Commands::Heatmap(args) => heatmap::heatmap(args, settings).await,
        Commands::Survey(c) => survey::survey(c, settings).await,
        Commands::Report(c) => report::run(c, settings).await,
        Commands::Meeting(c) => meeting::meeting(c, settings).await,
        Commands::Followup(c) => meeting::followup(c, settings).await,
        Commands::Minutes(c) => minutes::run(c, settings).await,
        Commands::Handover(c) => rota::handover(c, settings).await,
        Commands::Serve(args) => serve::serve(args, settings).await,
        Commands::Outbox(c) => serve::outbox(c, settings).await,
        Commands::Service(c) => service::service(c, settings).await,
        Commands::Audit(c) => audit::audit(c, settings).await,
        Commands::ChangeNeed(c) => change_need::run(c, settings).await,
        Commands::Problem(c) => problem::run(c, settings).await,
    })
}

/// Prints the result of a command and turns it into the process exit code.
pub fn finish(result: CliResult) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages may quote the database (a refused value, a name): shown like any other stored text.
            eprintln!("vakt: {}", crate::domain::text::block(&e.message));
            ExitCode::from(u8::try_from(e.code).unwrap_or(1))
        }
    }
}

/// Connects for a command: the shared server, or the embedded cluster made ready.
pub async fn connect(settings: &Settings) -> Result<sqlx::PgPool, CliError> {
    let target = setup::resolve(settings).await?;
    let pool = crate::db::connect(&target.url, 2).await?;
    crate::db::schema::require_current(&pool).await?;
    Ok(pool)
}
