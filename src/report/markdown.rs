//! A [`Document`] as CommonMark: every text escaped so it reads literally (no accidental emphasis, links or HTML).

use super::{Block, Document, compose};
use crate::domain::text::markup::{markdown, markdown_inline};

pub fn render(document: &Document) -> String {
    let mut out = String::new();
    for block in &document.blocks {
        match block {
            Block::Heading { level: 1, text } => out.push_str(&format!("# {}\n\n", markdown_inline(text))),
            Block::Heading { level, text } => {
                out.push_str(&format!("\n{} {}\n\n", "#".repeat(usize::from(*level)), markdown_inline(text)))
            }
            Block::Banner(text) => out.push_str(&format!("**{}**\n\n", markdown_inline(text))),
            Block::Facts(facts) => {
                for (label, value) in facts {
                    out.push_str(&format!("- {label}: {}\n", markdown_inline(value)));
                }
            }
            Block::Prose(text) => out.push_str(&format!("{}\n", markdown(text))),
            Block::Bullets { items, empty } => {
                if items.is_empty() {
                    out.push_str(&format!("{empty}\n"));
                }
                for item in items {
                    out.push_str(&format!("- {}\n", markdown_inline(item)));
                }
            }
            Block::Records(records) => {
                if records.rows.is_empty() {
                    out.push_str(&format!("{}\n", records.empty));
                }
                for row in &records.rows {
                    out.push_str(&format!("- {}\n", compose(&records.line, row, &markdown_inline)));
                }
            }
        }
    }
    out
}
