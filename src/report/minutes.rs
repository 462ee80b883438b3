//! Minutes as a report document: header facts, attendance (an absent mandatory participant flagged), the agenda as frozen
//! with the rows behind each section, the items with their notes, decisions, follow-up points and corrections.
//! Rendered to Markdown or self-contained HTML by the shared renderers.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::db::minutes::show::Minutes;
use crate::domain::minutes::agenda::SectionKind;
use crate::domain::minutes::text;
use crate::report::{Block, Document};

fn at(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z").to_string()
}

pub fn document(minutes: &Minutes, zone: Tz) -> Document {
    let mut blocks =
        vec![Block::Heading { level: 1, text: format!("{} · {}", minutes.title, at(minutes.starts_at, zone)) }];
    if minutes.state != "published" {
        blocks.push(Block::Banner("DRAFT — not the minutes yet".into()));
    }
    let published = match (&minutes.published_by, minutes.published_at) {
        (Some(by), Some(t)) => format!("{} by {by}", at(t, zone)),
        _ => "not published".into(),
    };
    blocks.push(Block::Facts(vec![
        ("Series".into(), minutes.series.clone()),
        ("Agreement".into(), minutes.agreement.clone()),
        ("Meeting".into(), minutes.id.to_string()),
        ("Opened by".into(), minutes.opened_by.clone()),
        ("Published".into(), published),
    ]));
    blocks.push(Block::Heading { level: 2, text: "Attendance".into() });
    blocks.push(Block::Bullets {
        items: minutes
            .attendance
            .iter()
            .map(|a| match (a.present, a.mandatory) {
                (true, _) => format!("{} ✓", a.participant),
                (false, true) => format!("{} ✗ absent (mandatory)", a.participant),
                (false, false) => format!("{} –", a.participant),
            })
            .collect(),
        empty: "No participants listed.".into(),
    });
    // The items as the chair left them (reordered, added, dropped), each with the rows its section was written
    // from, its notes and the decisions made on it.
    for item in &minutes.items {
        let discussed = if item.discussed { " ✓" } else { "" };
        blocks.push(Block::Heading { level: 2, text: format!("{} {}{discussed}", item.position, item.title) });
        let section =
            minutes.agenda.sections.iter().find(|s| s.kind != SectionKind::Carried && s.kind.as_str() == item.section);
        if let Some(section) = section {
            blocks.push(Block::Bullets {
                items: section.rows.iter().map(|r| text::line(r, zone)).collect(),
                empty: "None.".into(),
            });
        }
        if !item.notes.trim().is_empty() {
            blocks.push(Block::Prose(format!("Notes: {}", item.notes.trim())));
        }
        let decided: Vec<String> = minutes
            .decisions
            .iter()
            .filter(|d| d.item_id == Some(item.id))
            .map(|d| format!("Decision: {} — {}", d.text, d.decided_by))
            .collect();
        if !decided.is_empty() {
            blocks.push(Block::Bullets { items: decided, empty: String::new() });
        }
    }
    blocks.push(Block::Heading { level: 2, text: "Decisions of the meeting".into() });
    blocks.push(Block::Bullets {
        items: minutes
            .decisions
            .iter()
            .filter(|d| d.item_id.is_none())
            .map(|d| format!("{} — {}", d.text, d.decided_by))
            .collect(),
        empty: "None.".into(),
    });
    blocks.push(Block::Heading { level: 2, text: "Follow-up points".into() });
    blocks.push(Block::Bullets {
        items: minutes
            .follow_ups
            .iter()
            .map(|p| {
                // The state already says "answered"; the answer itself follows it.
                let answer = p.answer.as_deref().map(|a| format!(": {a}")).unwrap_or_default();
                let concerns = p.concerns();
                let concerns = if concerns.is_empty() { concerns } else { format!(" · re {concerns}") };
                format!("#{} {} · {} · due {}{concerns} · {}{answer}", p.id, p.text, p.owner, p.due, p.state)
            })
            .collect(),
        empty: "None.".into(),
    });
    blocks.push(Block::Heading { level: 2, text: "Corrections".into() });
    blocks.push(Block::Bullets {
        items: minutes
            .corrections
            .iter()
            .map(|c| format!("{} — {}, {}{}", c.text, c.by, at(c.at, zone), if c.late { " (late)" } else { "" }))
            .collect(),
        empty: "None.".into(),
    });
    Document { lang: "nb".into(), title: format!("{} · {}", minutes.title, at(minutes.starts_at, zone)), blocks }
}
