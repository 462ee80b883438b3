//! A [`Document`] as CommonMark: every text escaped so it reads literally (no accidental emphasis, links or HTML).

use super::{Block, Document, compose};
use crate::domain::text::markup::{markdown, markdown_inline};

pub fn render(document: &Document) -> String {
    let mut out = String::new();
    for block in &document.blocks {
        match block {
            Block::Heading { level: 1, text } => out.push_str(&format!("# {}\n\n", markdown_inline(text))),
            Block::Heading { level, text } => {
                let level = usize::from(*level).clamp(2, 6);
                out.push_str(&format!("\n{} {}\n\n", "#".repeat(level), markdown_inline(text)))
            }
            Block::Banner(text) => out.push_str(&format!("**{}**\n\n", markdown_inline(text))),
            Block::Facts(facts) => {
                for (label, value) in facts {
                    out.push_str(&format!("- {}: {}\n", markdown_inline(label), markdown_inline(value)));
                }
            }
            Block::Prose(text) => out.push_str(&format!("{}\n", markdown(text))),
            Block::Bullets { items, empty } => {
                if items.is_empty() {
                    out.push_str(&format!("{}\n", markdown_inline(empty)));
                }
                for item in items {
                    out.push_str(&format!("- {}\n", markdown_inline(item)));
                }
            }
            Block::Bars(bars) => {
                for bar in bars {
                    out.push_str(&format!("- {}: {}\n", markdown_inline(&bar.label), markdown_inline(&bar.text)));
                }
            }
            Block::Records(records) => {
                if records.rows.is_empty() {
                    out.push_str(&format!("{}\n", markdown_inline(&records.empty)));
                }
                for row in &records.rows {
                    out.push_str(&format!("- {}\n", compose(&records.line, row, &markdown_inline)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Part, Records};

    #[test]
    fn every_text_is_escaped_labels_and_placeholders_too() {
        let document = Document {
            lang: "en".into(),
            title: "<script>alert(1)</script>".into(),
            blocks: vec![
                Block::Heading { level: 1, text: "<script>alert(1)</script>".into() },
                Block::Heading { level: 2, text: "*Not* _emphasis_".into() },
                Block::Banner("[not](a link)".into()),
                Block::Facts(vec![("-label|".into(), "# value\nsecond".into())]),
                Block::Prose("1. no list\n> no quote\n`no code`".into()),
                Block::Bullets { items: vec!["<b>&amp;</b>".into()], empty: "*none*".into() },
                Block::Bullets { items: vec![], empty: "*none*".into() },
                Block::Records(Records::plain(
                    vec!["Who".into()],
                    vec![vec!["_x_".into(), "**raw**".into()]],
                    vec![Part::Text(0), Part::lit(" · "), Part::Raw(1)],
                    "none",
                )),
                Block::Records(Records::plain(vec![], vec![], vec![], "<none>")),
            ],
        };
        assert_eq!(
            render(&document),
            "# \\<script\\>alert(1)\\</script\\>\n\n\
             \n## \\*Not\\* \\_emphasis\\_\n\n\
             **\\[not\\](a link)**\n\n\
             - \\-label\\|: \\# value second\n\
             1\\. no list\\\n\\> no quote\\\n\\`no code\\`\n\
             - \\<b\\>\\&amp;\\</b\\>\n\
             \\*none\\*\n\
             - \\_x\\_ · **raw**\n\
             \\<none\\>\n"
        );
    }
}
