//! The change-need section of Altinn's monthly service report (§2.10: "rapportert på månedlig basis"): the three
//! clocks that fell due in the month, every breach, and the overview of prioritised needs as of the figures.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Block;
use super::service::records;
use crate::domain::change_need::overview::ChangeNeedFigures;

fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

pub fn blocks(f: &ChangeNeedFigures, zone: Tz) -> Vec<Block> {
    let heading = |text: &str| Block::Heading { level: 2, text: text.to_string() };
    let mut blocks = vec![heading("Change needs (§2.10)")];
    let mut items = vec![format!("received in the period: {}", f.received)];
    items.extend(f.clocks.iter().map(|c| c.text()));
    blocks.push(Block::Bullets { items, empty: String::new() });

    blocks.push(Block::Heading { level: 3, text: "Change-need breaches".into() });
    let breaches = f
        .breaches
        .iter()
        .map(|b| {
            let stopped =
                b.stopped.map_or_else(|| "not done yet".to_string(), |at| format!("done {}", local(at, zone)));
            format!("{} {} · {} due {} · {stopped}", b.reference, b.title, b.kind.as_str(), local(b.due, zone))
        })
        .collect();
    blocks.push(Block::Bullets { items: breaches, empty: "none".into() });

    blocks.push(Block::Heading { level: 3, text: "Overview of prioritised needs".into() });
    let heads = ["Need", "Title", "Submitter", "Priority", "State", "Release"];
    let rows = f
        .prioritised
        .iter()
        .map(|p| {
            vec![
                p.reference.clone(),
                p.title.clone(),
                p.submitter.clone(),
                p.priority.as_str().to_string(),
                p.state.as_str().to_string(),
                p.release.clone().unwrap_or_else(|| "not planned".into()),
            ]
        })
        .collect();
    blocks.push(Block::Records(records(&heads, rows, "no prioritised needs are open")));
    blocks
}
