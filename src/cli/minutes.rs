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
    /// Write the notes of an agenda item of a draft (chairs): --text replaces them, --append adds a paragraph.
    Notes {
        id: i64,
        /// The item's number in the agenda (`vakt minutes show ID`).
        #[arg(long)]
        item: i32,
        #[arg(long, conflicts_with = "append", required_unless_present = "append")]
        text: Option<String>,
        #[arg(long)]
        append: Option<String>,
    },
    /// Record a decision in a draft (chairs), on an agenda item or on the meeting as a whole.
    Decide {
        id: i64,
        /// The item's number in the agenda; without it the decision is the meeting's.
        #[arg(long)]
        item: Option<i32>,
        #[arg(long)]
        text: String,
    },
    /// Mark a participant present at a draft's meeting, or --absent (chairs).
    Attend {
        id: i64,
        /// As the attendance lists them (`vakt minutes show ID`).
        participant: String,
        #[arg(long)]
        absent: bool,
    },
    /// Change a draft's agenda (chairs): add, drop or move an item, or mark it discussed.
    Item {
        id: i64,
        #[command(subcommand)]
        change: ItemChange,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum ItemChange {
    /// A new item after item --after (0, the default: first).
    Add {
        #[arg(long)]
        title: String,
        #[arg(long, default_value_t = 0)]
        after: i32,
    },
    /// Drop an item (not one that holds decisions or follow-up points); the items below move up.
    Drop { item: i32 },
    /// Move an item one place up.
    Up { item: i32 },
    /// Move an item one place down.
    Down { item: i32 },
    /// Mark an item discussed, or --not (an item not discussed is carried to the next meeting).
    Discussed {
        item: i32,
        #[arg(long)]
        not: bool,
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
        MinutesCommand::Notes { id, item, text, append } => {
            let pool = super::connect(settings).await?;
            let found = minutes::edit::item_at(&pool, *id, *item).await?;
            let notes = match (text, append) {
                (Some(text), _) => text.trim().to_string(),
                (None, Some(more)) if found.notes.trim().is_empty() => more.trim().to_string(),
                (None, Some(more)) => format!("{}\n\n{}", found.notes.trim_end(), more.trim()),
                (None, None) => return Err(crate::db::DbError::BadInput("give --text or --append".into()).into()),
            };
            match minutes::edit::save_notes(&pool, found.id, found.version, &notes).await? {
                minutes::edit::NotesSaved::Written { .. } => println!("notes of item {item} of meeting {id} saved"),
                minutes::edit::NotesSaved::Moved { .. } => {
                    return Err(crate::db::DbError::Conflict(format!(
                        "someone saved the notes of item {item} of meeting {id} at this moment; nothing was written: \
                         run it again"
                    ))
                    .into());
                }
            }
        }
        MinutesCommand::Decide { id, item, text } => {
            let pool = super::connect(settings).await?;
            let on = match item {
                Some(n) => Some(minutes::edit::item_at(&pool, *id, *n).await?.id),
                None => None,
            };
            minutes::edit::add_decision(&pool, *id, on, text).await?;
            match item {
                Some(n) => println!("decision recorded on item {n} of meeting {id}"),
                None => println!("decision recorded in meeting {id}"),
            }
        }
        MinutesCommand::Attend { id, participant, absent } => {
            let pool = super::connect(settings).await?;
            minutes::edit::set_present(&pool, *id, participant, !absent).await?;
            let standing = if *absent { "absent" } else { "present" };
            println!("{participant} marked {standing} at meeting {id}");
        }
        MinutesCommand::Item { id, change } => {
            let pool = super::connect(settings).await?;
            let at = |n: i32| minutes::edit::item_at(&pool, *id, n);
            match change {
                ItemChange::Add { title, after } => {
                    minutes::edit::add_item(&pool, *id, *after, title).await?;
                    println!("item {} added to meeting {id}", after.saturating_add(1));
                }
                ItemChange::Drop { item } => {
                    minutes::edit::drop_item(&pool, at(*item).await?.id).await?;
                    println!("item {item} dropped from meeting {id}; the items below moved up");
                }
                ItemChange::Up { item } | ItemChange::Down { item } => {
                    let up = matches!(change, ItemChange::Up { .. });
                    minutes::edit::move_item(&pool, at(*item).await?.id, up).await?;
                    let now = at(*item).await.map(|i| i.title).unwrap_or_default();
                    println!(
                        "item {item} of meeting {id} moved {}; item {item} is now: {now}",
                        if up { "up" } else { "down" }
                    );
                }
                ItemChange::Discussed { item, not } => {
                    minutes::edit::set_discussed(&pool, at(*item).await?.id, !not).await?;
                    let standing = if *not { "not discussed (carried to the next meeting)" } else { "discussed" };
                    println!("item {item} of meeting {id} marked {standing}");
                }
            }
        }
    }
    Ok(())
}
