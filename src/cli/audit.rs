//! `vakt audit list`: the audit log, read-only, filtered by table, login and time (admins only).

use clap::Subcommand;

use super::output::{self, Format};
use super::when::{instant, local};
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::audit::{self, AuditFilter};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The newest changes first: who changed which row of which table, and which fields (admins only).
    List {
        /// Only this table (staff, services, agreements, agreement_versions, contacts, rota_shifts, incidents, …).
        #[arg(long)]
        table: Option<String>,
        /// Only changes made by this login.
        #[arg(long)]
        login: Option<String>,
        /// From this instant (RFC 3339, 'YYYY-MM-DD HH:MM' or YYYY-MM-DD in your zone).
        #[arg(long)]
        from: Option<String>,
        /// Until this instant (exclusive).
        #[arg(long)]
        to: Option<String>,
        /// At most this many entries.
        #[arg(long, default_value_t = 200)]
        limit: i64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub async fn audit(command: &AuditCommand, settings: &Settings) -> CliResult {
    let AuditCommand::List { table, login, from, to, limit, format } = command;
    let from = from.as_deref().map(|t| instant("--from", t)).transpose()?;
    let to = to.as_deref().map(|t| instant("--to", t)).transpose()?;
    if let (Some(from), Some(to)) = (from, to)
        && to <= from
    {
        return Err(CliError::bad_input("--to must be after --from"));
    }
    if *limit < 1 {
        return Err(CliError::bad_input("--limit must be at least 1"));
    }
    let pool = super::connect(settings).await?;
    let filter = AuditFilter { table: table.as_deref(), login: login.as_deref(), from, to, limit: *limit };
    let entries = audit::list(&pool, &filter).await?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                local(e.at),
                e.login.clone(),
                e.table.clone(),
                e.row_id.map(|r| r.to_string()).unwrap_or_default(),
                e.action.clone(),
                e.changed.join(" "),
            ]
        })
        .collect();
    print!("{}", output::render(*format, &["at", "login", "table", "row", "action", "changed"], &rows, &entries));
    Ok(())
}
