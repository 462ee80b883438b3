//! `vakt service list|add|edit`: the services, their owner, agreement, operating-hours calendar, support lines
//! and supplier.

use clap::{Args, Subcommand};

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::services::{self, ServiceFields};

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// List the services.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a service (admins only).
    Add {
        code: String,
        #[command(flatten)]
        fields: FieldArgs,
    },
    /// Change a service's name, owner, agreement, support lines or supplier (admins only).
    Edit {
        code: String,
        #[command(flatten)]
        fields: FieldArgs,
        /// Remove the supplier.
        #[arg(long, conflicts_with = "supplier")]
        no_supplier: bool,
    },
}

#[derive(Debug, Args)]
pub struct FieldArgs {
    #[arg(long)]
    name: Option<String>,
    /// The owning organisation's code.
    #[arg(long)]
    owner: Option<String>,
    /// The agreement's code.
    #[arg(long)]
    agreement: Option<String>,
    /// The support lines that handle it, comma-separated: 1st, 2nd, 3rd, supplier.
    #[arg(long, value_delimiter = ',')]
    support_lines: Option<Vec<String>>,
    /// The supplier organisation's code.
    #[arg(long)]
    supplier: Option<String>,
}

impl FieldArgs {
    fn fields(&self, no_supplier: bool) -> ServiceFields<'_> {
        ServiceFields {
            name: self.name.as_deref(),
            owner: self.owner.as_deref(),
            agreement: self.agreement.as_deref(),
            support_lines: self.support_lines.clone(),
            supplier: if no_supplier { Some(None) } else { self.supplier.as_deref().map(Some) },
        }
    }
}

pub async fn service(command: &ServiceCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        ServiceCommand::List { format } => {
            let list = services::list(&pool).await?;
            let headers = ["code", "name", "owner", "agreement", "calendar", "support_lines", "supplier"];
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|s| {
                    vec![
                        s.code.clone(),
                        s.name.clone(),
                        s.owner.clone(),
                        s.agreement.clone(),
                        s.calendar.clone().unwrap_or_else(|| "—".into()),
                        s.support_lines.join(" "),
                        s.supplier.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print!("{}", output::render(*format, &headers, &rows, &list));
        }
        ServiceCommand::Add { code, fields } => {
            services::add(&pool, code, &fields.fields(false)).await?;
            println!("service {} added", code.trim());
        }
        ServiceCommand::Edit { code, fields, no_supplier } => {
            let change = fields.fields(*no_supplier);
            let nothing = change.name.is_none()
                && change.owner.is_none()
                && change.agreement.is_none()
                && change.support_lines.is_none()
                && change.supplier.is_none();
            if nothing {
                return Err(CliError::bad_input(
                    "nothing to change: give --name, --owner, --agreement, --support-lines, --supplier or --no-supplier",
                ));
            }
            services::edit(&pool, code, &change).await?;
            println!("service {} changed", code.trim());
        }
    }
    Ok(())
}
