//! `vakt minutes`: show or export a meeting's minutes (Markdown, self-contained HTML, JSON), publish them (then they
//! are read-only, and they are queued by e-mail to the distribution list) and send a correction to published
//! minutes (a notice with the difference goes to everyone who received them).

use super::{CliResult, when};
use crate::config::Settings;
use crate::db::minutes;
use crate::report::minutes as minutes_doc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MinutesFormat {
    Md,
    Html,
    Json,
}

#[derive(Debug, clap::Subcommand)]
pub enum MinutesCommand {
    /// The minutes of a meeting (a draft only for chairs and admins).
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t = MinutesFormat::Md)]
        format: MinutesFormat,
    },
    /// As show, for a file: the exact document, HTML self-contained.
    Export {
        id: i64,
        #[arg(long, value_enum, default_value_t = MinutesFormat::Md)]
        format: MinutesFormat,
    },
    /// Publish a draft (chairs): the minutes become read-only; later changes are corrections.
    Publish { id: i64 },
    /// Send a correction to published minutes; after the next meeting started it is recorded as late.
    Correct {
        id: i64,
        #[arg(long)]
        text: String,
    },
}

pub async fn run(command: &MinutesCommand, settings: &Settings) -> CliResult {
    match command {
        MinutesCommand::Show { id, format } | MinutesCommand::Export { id, format } => {
            let pool = super::connect(settings).await?;
            let found = minutes::show::minutes(&pool, *id).await?;
            let text = match format {
                MinutesFormat::Json => super::output::json(&found),
                MinutesFormat::Md => crate::report::markdown::render(&minutes_doc::document(&found, when::zone())),
                MinutesFormat::Html => crate::report::html::render(&minutes_doc::document(&found, when::zone())),
            };
            if matches!(command, MinutesCommand::Export { .. }) {
                print!("{}", super::output::exact_unless_terminal(&text));
            } else {
                print!("{}", crate::domain::text::block(&text));
            }
        }
        MinutesCommand::Publish { id } => {
            let pool = super::connect(settings).await?;
            let queued = minutes::publish(&pool, *id).await?;
            println!(
                "meeting {id} published: the minutes are read-only now and queued by e-mail to {queued} recipient(s) \
                 of the distribution list"
            );
        }
        MinutesCommand::Correct { id, text } => {
            let pool = super::connect(settings).await?;
            let done = minutes::correct_and_notify(&pool, *id, text).await?;
            let late = if done.late { " (late: the next meeting had started)" } else { "" };
            match done.notices {
                Some(n) => println!(
                    "correction {} recorded for meeting {id}{late}; notice queued to {n} recipient(s) of the minutes",
                    done.id
                ),
                None => println!(
                    "correction {} recorded for meeting {id}{late}; vakt serve sends the notice to the recipients of \
                     the minutes",
                    done.id
                ),
            }
        }
    }
    Ok(())
}
