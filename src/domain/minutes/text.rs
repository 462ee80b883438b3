//! One line of plain text per agenda row, in the reader's zone: the Markdown and HTML exports and the tables show
//! these (escaped for their format there, never here).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::agenda::Row;
use super::carry::Why;

fn at(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%a %-d %b %H:%M").to_string()
}

/// The row as a line: what it is, the figures that matter, and who or when.
pub fn line(row: &Row, zone: Tz) -> String {
    match row {
        Row::Correction(c) => {
            let late = if c.late { " (late)" } else { "" };
            format!("{} — {}, {}{late}", c.text, c.by, at(c.at, zone))
        }
        Row::FollowUp(p) => {
            let flag = if p.overdue { "OVERDUE · " } else { "" };
            let answer = match (&p.answer, p.answered_at) {
                (Some(a), Some(t)) => format!(" — answered {}: {a}", at(t, zone)),
                (Some(a), None) => format!(" — answered: {a}"),
                _ => String::new(),
            };
            format!("{flag}#{} {} · {} · due {}{answer}", p.id, p.text, p.owner, p.due)
        }
        Row::Incident(i) => {
            let major = if i.major { "MAJOR · " } else { "" };
            format!(
                "{major}{} {} {} · {} · {} · received {}",
                i.reference,
                i.priority.as_deref().unwrap_or("—"),
                i.service,
                i.title,
                i.status,
                at(i.received_at, zone)
            )
        }
        Row::Breach(b) => format!(
            "{} {} {} · {} breached {} · {}",
            b.reference,
            b.priority.as_deref().unwrap_or("—"),
            b.service,
            b.target,
            at(b.breached_at, zone),
            b.title
        ),
        Row::Window(w) => format!(
            "{} · {} · {} – {} · {} · {}",
            w.kind,
            w.services.join(", "),
            at(w.start, zone),
            at(w.end, zone),
            w.state,
            w.reason
        ),
        Row::Availability(a) => {
            let percent = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.2} %"));
            let verdict = match a.met {
                Some(true) => "met",
                Some(false) => "BELOW TARGET",
                None => "no operating time",
            };
            format!("{} {} · {} of {} · {verdict}", a.service, a.period, percent(a.measured), percent(a.target))
        }
        Row::Problem(p) => {
            let workaround = if p.has_workaround { " · workaround known" } else { "" };
            format!(
                "{} {} · {} · {} incident(s) since the last meeting, {} in all{workaround}",
                p.reference,
                p.title,
                p.state.replace('_', " "),
                p.incidents_since,
                p.incidents
            )
        }
        Row::Carried(c) => {
            let why = match c.why {
                Why::NotDiscussed => "not discussed",
                Why::OpenFollowUp => "open follow-up",
            };
            format!("{} ({why})", c.title)
        }
    }
}
