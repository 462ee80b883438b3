//! `vakt serve` (the outbox worker) and `vakt outbox …` (the delivery ledger for scripts).

use clap::{Args, Subcommand, ValueEnum};

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::outbox::{self, OutboxRow, StateFilter};
use crate::domain::text;
use crate::notify::Notifier;
use crate::serve::{self, ServeOptions};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Deliver what is due now, run the periodic duties once, and exit.
    #[arg(long)]
    pub once: bool,
    /// The name left on the messages this worker claims; must differ between running workers
    /// (default: host name and process id).
    #[arg(long, value_name = "NAME")]
    pub worker_id: Option<String>,
    /// How long a claimed message is held: a worker that dies mid-delivery holds its messages this long before
    /// another worker takes them. Longer than any delivery may take (the notifier's timeouts are 30–60 s).
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(5..=86_400))]
    pub lease: u64,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Messages to stakeholders, newest first.
    List {
        /// pending (not delivered yet: waiting, being sent or retrying), retrying, sent, dead or all.
        #[arg(long, value_enum, default_value_t = StateArg::All)]
        state: StateArg,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// At most this many (1 to 10000).
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Put a dead message back in the queue with fresh attempts (MIM or admin).
    Retry {
        /// The message's id, as listed.
        id: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateArg {
    Pending,
    Retrying,
    Sent,
    Dead,
    All,
}

impl From<StateArg> for StateFilter {
    fn from(state: StateArg) -> Self {
        match state {
            StateArg::Pending => Self::Pending,
            StateArg::Retrying => Self::Retrying,
            StateArg::Sent => Self::Sent,
            StateArg::Dead => Self::Dead,
            StateArg::All => Self::All,
        }
    }
}

const MAX_LIST_LIMIT: i64 = 10_000;
const MAX_WORKER_ID_CHARS: usize = 100;

pub async fn serve(args: &ServeArgs, settings: &Settings) -> CliResult {
    let worker_id = match &args.worker_id {
        Some(name) => checked_worker_id(name)?,
        None => serve::default_worker_id(),
    };
    // The notifier first: a broken [notify] section is reported before anything is claimed.
    let notifier = Notifier::new(&settings.notify).map_err(|e| CliError::bad_input(e.to_string()))?;
    for (configured, section, what) in [
        (settings.notify.smtp.is_some(), "[notify.smtp]", "e-mails"),
        (settings.notify.sms.is_some(), "[notify.sms]", "SMS"),
    ] {
        if !configured {
            // Such messages cannot go and are dead-lettered at once; say so before the first one is.
            tracing::warn!(section, "delivery channel not configured");
            eprintln!(
                "vakt: warning: no {section} in the config file: {what} go to the dead letters (configure it, restart \
                 vakt serve, then `vakt outbox retry ID`)"
            );
        }
    }
    let options = ServeOptions { lease: std::time::Duration::from_secs(args.lease), ..ServeOptions::new(worker_id) };
    let pool = connect(settings, &options).await?;
    if !crate::db::bootstrap::may_deliver_outbox(&pool).await? {
        return Err(CliError {
            message: "this login may not deliver the outbox: run vakt serve as a login with the vakt_worker role"
                .into(),
            code: 3,
        });
    }
    if args.once {
        let report = serve::run_once(&pool, &notifier, &options).await?;
        println!(
            "sent {}, retrying {}, dead {}, taken over by another worker {}",
            report.sent, report.retrying, report.dead, report.not_held
        );
        if report.unrecorded > 0 {
            return Err(CliError {
                message: format!(
                    "{} outcomes could not be recorded; those messages will be tried again",
                    report.unrecorded
                ),
                code: 1,
            });
        }
        return Ok(());
    }
    eprintln!("vakt: serving as {} (stop with Ctrl-C or SIGTERM)", options.worker_id);
    let listen_on = match &settings.listen_database_url {
        Some(url) => crate::db::connect(url, 1).await?,
        None => pool.clone(),
    };
    serve::run_listening_on(&pool, &listen_on, &notifier, &options, shutdown_signal()).await;
    listen_on.close().await;
    pool.close().await;
    Ok(())
}

fn checked_worker_id(name: &str) -> Result<String, CliError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_WORKER_ID_CHARS || name.chars().any(char::is_control) {
        return Err(CliError::bad_input(format!(
            "--worker-id must be 1 to {MAX_WORKER_ID_CHARS} characters without control characters"
        )));
    }
    Ok(name.to_owned())
}

/// A pool with room for the change listener, a claim and every concurrent delivery's outcome.
async fn connect(settings: &Settings, options: &ServeOptions) -> Result<sqlx::PgPool, CliError> {
    let target = crate::setup::resolve(settings).await?;
    let size = u32::try_from(options.concurrency).unwrap_or(u32::MAX).saturating_add(2);
    let pool = crate::db::connect(&target.url, size).await?;
    crate::db::schema::require_current(&pool).await?;
    Ok(pool)
}

/// Completes on SIGTERM (service managers) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(error) => {
            tracing::warn!(%error, "cannot watch for SIGTERM; only Ctrl-C stops vakt serve");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
    tracing::info!("shutdown requested: finishing the deliveries in flight");
}

pub async fn outbox(command: &OutboxCommand, settings: &Settings) -> CliResult {
    match command {
        OutboxCommand::List { state, format, limit } => {
            if !(1..=MAX_LIST_LIMIT).contains(limit) {
                return Err(CliError::bad_input(format!("--limit must be between 1 and {MAX_LIST_LIMIT}")));
            }
            let pool = super::connect(settings).await?;
            let rows = outbox::list(&pool, (*state).into(), *limit).await?;
            print!("{}", render(*format, &rows));
        }
        OutboxCommand::Retry { id } => {
            let pool = super::connect(settings).await?;
            outbox::retry(&pool, *id).await?;
            println!("outbox message {id} is pending again");
        }
    }
    Ok(())
}

fn render(format: Format, rows: &[OutboxRow]) -> String {
    if format == Format::Json {
        return output::json(rows);
    }
    let headers = [
        "id",
        "state",
        "channel",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "audience",
        "recipient",
        "summary",
        "error",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            // A table goes to a terminal, so text from elsewhere is neutralised; CSV keeps it as stored.
            let cell =
                |text: &str| if format == Format::Table { text::one_line(text).into_owned() } else { text.to_owned() };
            let optional = |text: &Option<String>| text.as_deref().map(cell).unwrap_or_default();
            vec![
                row.id.to_string(),
                row.state.as_str().to_owned(),
                row.channel.clone(),
                row.attempts.to_string(),
                super::when::local(row.next_attempt_at),
                row.sent_at.map(super::when::local).unwrap_or_default(),
                cell(&row.audience),
                cell(&row.recipient),
                if row.exercise { format!("[exercise] {}", cell(&row.summary)) } else { cell(&row.summary) },
                optional(&row.last_error),
            ]
        })
        .collect();
    match format {
        Format::Csv => output::csv(&headers, &cells),
        _ => output::table(&headers, &cells),
    }
}
