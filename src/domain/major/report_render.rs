//! The post-incident report as Markdown and as a complete, self-contained HTML document (inline style, no
//! scripts, no external resources). Every piece of text is escaped for its format.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::handover::clock_line;
use super::locale::{Lang, Words, local_time};
use super::markup::{html, html_lines, markdown, markdown_inline};
use super::records::{LedgerEntry, TimelineEntry};
use super::report::PostIncidentReport;

/// Label indices into [`Words::report`].
mod label {
    pub const REFERENCE: usize = 0;
    pub const AGREEMENT: usize = 1;
    pub const DECLARED: usize = 2;
    pub const RESOLVED: usize = 3;
    pub const REPORT_DUE: usize = 4;
    pub const COMPLETED_BY: usize = 5;
    pub const TIME: usize = 6;
    pub const KIND: usize = 7;
    pub const WHO: usize = 8;
    pub const TEXT: usize = 9;
    pub const CHANNEL: usize = 10;
    pub const AUDIENCE: usize = 11;
    pub const SENDER: usize = 12;
    pub const DELIVERY: usize = 13;
    pub const OWNER: usize = 14;
    pub const DUE_DATE: usize = 15;
    pub const DRAFT: usize = 16;
}

/// Section indices into [`Words::sections`].
mod section {
    pub const SUMMARY: usize = 0;
    pub const IMPACT: usize = 1;
    pub const TIMELINE: usize = 2;
    pub const CLOCKS: usize = 3;
    pub const COMMUNICATIONS: usize = 4;
    pub const ROOT_CAUSE: usize = 5;
    pub const ACTIONS: usize = 6;
    pub const LESSONS: usize = 7;
}

/// The header facts as (label, raw value) pairs.
fn facts(r: &PostIncidentReport, w: &Words, zone: Tz) -> Vec<(&'static str, String)> {
    let h = &r.header;
    let completed = match &r.completed {
        Some(c) => format!("{} {}", c.by, local_time(c.at, zone)),
        None => w.report[label::DRAFT].to_string(),
    };
    vec![
        (w.report[label::REFERENCE], h.reference.clone()),
        (w.report[label::AGREEMENT], h.agreement.clone()),
        (w.priority, h.priority.clone()),
        (w.report[label::DECLARED], local_time(h.declared_at, zone)),
        (w.report[label::RESOLVED], local_time(h.resolved_at, zone)),
        (w.report[label::REPORT_DUE], local_time(h.due, zone)),
        (w.report[label::COMPLETED_BY], completed),
    ]
}

fn text_or_placeholder<'a>(text: &'a str, w: &Words) -> &'a str {
    if text.trim().is_empty() { w.not_filled_in } else { text.trim() }
}

fn timeline_row(e: &TimelineEntry, zone: Tz) -> [String; 4] {
    [local_time(e.at, zone), e.kind.to_string(), e.actor.clone(), e.text.clone()]
}

fn ledger_row(e: &LedgerEntry, zone: Tz) -> [String; 6] {
    [
        local_time(e.at, zone),
        e.channel.to_string(),
        e.audience.clone(),
        e.sender.clone(),
        e.state.to_string(),
        e.text.clone(),
    ]
}

fn time_of(at: DateTime<Utc>, zone: Tz) -> String {
    local_time(at, zone)
}

impl PostIncidentReport {
    /// The report as Markdown.
    pub fn to_markdown(&self, lang: Lang, zone: Tz) -> String {
        let w = lang.words();
        let h = &self.header;
        let mut out =
            format!("# {}: {} – {}\n\n", w.report_title, markdown_inline(&h.reference), markdown_inline(&h.title));
        if h.exercise {
            out.push_str(&format!("**{}**\n\n", w.exercise_banner));
        }
        for (name, value) in facts(self, w, zone) {
            out.push_str(&format!("- {name}: {}\n", markdown_inline(&value)));
        }
        let f = &self.findings;
        let prose = |title: usize, text: &str| {
            format!("\n## {}\n\n{}\n", w.sections[title], markdown(text_or_placeholder(text, w)))
        };
        out.push_str(&prose(section::SUMMARY, &f.summary));
        out.push_str(&prose(section::IMPACT, &f.impact));
        out.push_str(&format!("\n## {}\n\n", w.sections[section::TIMELINE]));
        if self.records.timeline.is_empty() {
            out.push_str(&format!("{}\n", w.none));
        }
        for e in &self.records.timeline {
            let [at, kind, actor, text] = timeline_row(e, zone);
            out.push_str(&format!("- {at} · {kind} · {}: {}\n", markdown_inline(&actor), markdown_inline(&text)));
        }
        if !self.records.escalations.is_empty() {
            out.push_str(&format!("\n### {}\n\n", w.escalations));
            for s in &self.records.escalations {
                out.push_str(&format!(
                    "- {} · {} «{}» · {} → {} · {}\n",
                    time_of(s.at, zone),
                    s.level,
                    markdown_inline(&s.level_name),
                    markdown_inline(&s.by),
                    markdown_inline(&s.whom),
                    markdown_inline(&s.reason.to_string())
                ));
            }
        }
        out.push_str(&format!("\n## {}\n\n", w.sections[section::CLOCKS]));
        if self.records.clocks.is_empty() {
            out.push_str(&format!("{}\n", w.none));
        }
        for c in &self.records.clocks {
            out.push_str(&format!("- {}\n", markdown_inline(&clock_line(c, zone))));
        }
        out.push_str(&format!("\n## {}\n\n", w.sections[section::COMMUNICATIONS]));
        if self.records.communications.is_empty() {
            out.push_str(&format!("{}\n", w.none));
        }
        for e in &self.records.communications {
            let [at, channel, audience, sender, state, text] = ledger_row(e, zone);
            out.push_str(&format!(
                "- {at} · {channel} → {} · {} · {state}: {}\n",
                markdown_inline(&audience),
                markdown_inline(&sender),
                markdown_inline(&text)
            ));
        }
        out.push_str(&prose(section::ROOT_CAUSE, &f.root_cause));
        out.push_str(&format!("\n## {}\n\n", w.sections[section::ACTIONS]));
        if f.actions.is_empty() {
            out.push_str(&format!("{}\n", w.none));
        }
        for a in &f.actions {
            let due = a.due.map_or_else(String::new, |d| format!(", {} {d}", w.report[label::DUE_DATE]));
            out.push_str(&format!(
                "- {} ({} {}{due})\n",
                markdown_inline(&a.text),
                w.report[label::OWNER],
                markdown_inline(&a.owner)
            ));
        }
        out.push_str(&prose(section::LESSONS, &f.lessons));
        out
    }

    /// The report as a complete HTML document.
    pub fn to_html(&self, lang: Lang, zone: Tz) -> String {
        let w = lang.words();
        let h = &self.header;
        let title = format!("{}: {} – {}", w.report_title, h.reference, h.title);
        let mut body = format!("<h1>{}</h1>\n", html(&title));
        if h.exercise {
            body.push_str(&format!("<p class=\"exercise\">{}</p>\n", html(w.exercise_banner)));
        }
        body.push_str("<table class=\"facts\">\n");
        for (name, value) in facts(self, w, zone) {
            body.push_str(&format!("<tr><th>{}</th><td>{}</td></tr>\n", html(name), html(&value)));
        }
        body.push_str("</table>\n");
        let f = &self.findings;
        let prose = |title: usize, text: &str| {
            format!(
                "<h2>{}</h2>\n<p class=\"text\">{}</p>\n",
                html(w.sections[title]),
                html_lines(text_or_placeholder(text, w))
            )
        };
        body.push_str(&prose(section::SUMMARY, &f.summary));
        body.push_str(&prose(section::IMPACT, &f.impact));
        body.push_str(&format!("<h2>{}</h2>\n", html(w.sections[section::TIMELINE])));
        let rows: Vec<Vec<String>> = self.records.timeline.iter().map(|e| timeline_row(e, zone).to_vec()).collect();
        let heads = [label::TIME, label::KIND, label::WHO, label::TEXT].map(|i| w.report[i]);
        body.push_str(&table(&heads, &rows, w));
        if !self.records.escalations.is_empty() {
            body.push_str(&format!("<h3>{}</h3>\n", html(w.escalations)));
            let rows: Vec<Vec<String>> = self
                .records
                .escalations
                .iter()
                .map(|s| {
                    vec![
                        time_of(s.at, zone),
                        format!("{} «{}»", s.level, s.level_name),
                        format!("{} → {}", s.by, s.whom),
                        s.reason.to_string(),
                    ]
                })
                .collect();
            let heads = [label::TIME, label::KIND, label::WHO, label::TEXT].map(|i| w.report[i]);
            body.push_str(&table(&heads, &rows, w));
        }
        body.push_str(&format!("<h2>{}</h2>\n<ul>\n", html(w.sections[section::CLOCKS])));
        for c in &self.records.clocks {
            body.push_str(&format!("<li>{}</li>\n", html(&clock_line(c, zone))));
        }
        if self.records.clocks.is_empty() {
            body.push_str(&format!("<li>{}</li>\n", html(w.none)));
        }
        body.push_str("</ul>\n");
        body.push_str(&format!("<h2>{}</h2>\n", html(w.sections[section::COMMUNICATIONS])));
        let rows: Vec<Vec<String>> = self.records.communications.iter().map(|e| ledger_row(e, zone).to_vec()).collect();
        let heads = [label::TIME, label::CHANNEL, label::AUDIENCE, label::SENDER, label::DELIVERY, label::TEXT]
            .map(|i| w.report[i]);
        body.push_str(&table(&heads, &rows, w));
        body.push_str(&prose(section::ROOT_CAUSE, &f.root_cause));
        body.push_str(&format!("<h2>{}</h2>\n", html(w.sections[section::ACTIONS])));
        let rows: Vec<Vec<String>> = f
            .actions
            .iter()
            .map(|a| vec![a.text.clone(), a.owner.clone(), a.due.map_or_else(String::new, |d| d.to_string())])
            .collect();
        let heads = [label::TEXT, label::OWNER, label::DUE_DATE].map(|i| w.report[i]);
        body.push_str(&table(&heads, &rows, w));
        body.push_str(&prose(section::LESSONS, &f.lessons));
        format!(
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
             <style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
            lang.tag(),
            html(&title)
        )
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;\
line-height:1.4}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;\
padding:.25rem .5rem;text-align:left;vertical-align:top}.facts{width:auto}.text{white-space:normal}\
.exercise{font-weight:bold;border:2px solid #b00;padding:.5rem;color:#b00}";

/// A table with escaped cells; multi-line cells keep their line breaks.
fn table(heads: &[&str], rows: &[Vec<String>], w: &Words) -> String {
    if rows.is_empty() {
        return format!("<p>{}</p>\n", html(w.none));
    }
    let mut out = String::from("<table>\n<tr>");
    for h in heads {
        out.push_str(&format!("<th>{}</th>", html(h)));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{}</td>", html_lines(cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}
