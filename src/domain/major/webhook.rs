//! A status update as a webhook payload: serde types the notifier serialises with `serde_json`, so every
//! string is JSON-escaped by the serialiser and never assembled by hand. Three presets:
//!
//! - **generic**: the update's data as plain fields, for any receiver.
//! - **Slack-compatible** incoming webhooks: `{"text": …, "blocks": […]}`. `text` is the notification
//!   fallback, which Slack parses, so `&`, `<`, `>` are escaped there (no `<!channel>` from a title).
//!   The blocks use `plain_text` objects, which Slack shows literally (no mrkdwn, no mentions).
//! - **Teams-compatible** incoming webhooks (and Power Automate "post card" workflows): an Adaptive Card
//!   1.4 in a `message` envelope. Adaptive Cards were chosen over the legacy MessageCard, which only the
//!   retiring Office 365 connectors accept. `TextBlock` always renders Markdown and its escapes differ
//!   between hosts, so all data goes into `RichTextBlock`/`TextRun`, which renders no Markdown.
//!
//! Exercises carry the marker in every preset: `exercise`/`exercise_label` fields, and the marker in front
//! of the header and fallback text.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::update::{Eta, MessageHeader, StatusUpdate};
use crate::domain::text;
use crate::domain::text::markup;

/// Which receiver a webhook is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookPreset {
    /// Any receiver: the data as JSON fields.
    Generic,
    /// Slack-compatible incoming webhook.
    Slack,
    /// Teams-compatible incoming webhook (Adaptive Card).
    Teams,
}

/// A webhook body; serialise it with `serde_json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum WebhookPayload {
    /// Generic.
    Generic(Box<GenericPayload>),
    /// Slack.
    Slack(SlackPayload),
    /// Teams.
    Teams(TeamsPayload),
}

/// Renders a status update for a preset.
pub fn render_webhook(preset: WebhookPreset, header: &MessageHeader, update: &StatusUpdate) -> WebhookPayload {
    match preset {
        WebhookPreset::Generic => WebhookPayload::Generic(Box::new(generic(header, update))),
        WebhookPreset::Slack => WebhookPayload::Slack(slack(header, update)),
        WebhookPreset::Teams => WebhookPayload::Teams(teams(header, update)),
    }
}

/// The generic payload: stable field names, raw text (the receiver escapes for its own output).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenericPayload {
    /// Always "major_incident.status_update".
    pub event: &'static str,
    /// Incident reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Agreement code.
    pub agreement: String,
    /// Priority label.
    pub priority: String,
    /// State name (`declared`, `mitigated`, `resolved`, `closed`).
    pub state: &'static str,
    /// Whether this is an exercise.
    pub exercise: bool,
    /// The exercise marker in the agreement's language, for exercises.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exercise_label: Option<&'static str>,
    /// Update number.
    pub sequence: u32,
    /// When sent.
    pub sent_at: DateTime<Utc>,
    /// Affected services.
    pub services: Vec<String>,
    /// Affected organisations.
    pub organisations: Vec<String>,
    /// The four fields.
    pub update: GenericUpdate,
    /// When the next update is due.
    pub next_update_due: Option<DateTime<Utc>>,
}

/// The four fields of the generic payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenericUpdate {
    /// What happened.
    pub what_happened: String,
    /// Cause.
    pub cause: String,
    /// Expected resolution instant, when stated.
    pub expected_resolution_at: Option<DateTime<Utc>>,
    /// Expected resolution in words, when not known.
    pub expected_resolution_text: Option<String>,
    /// Workaround.
    pub workaround: String,
}

fn generic(h: &MessageHeader, u: &StatusUpdate) -> GenericPayload {
    let (at, eta_text) = match &u.expected_resolution {
        Eta::At(at) => (Some(*at), None),
        Eta::Unknown(text) => (None, Some(text.clone())),
    };
    GenericPayload {
        event: "major_incident.status_update",
        reference: h.reference.clone(),
        title: h.title.clone(),
        agreement: h.agreement.clone(),
        priority: h.priority.clone(),
        state: h.state.as_str(),
        exercise: h.exercise,
        exercise_label: h.exercise.then_some(h.lang.words().exercise),
        sequence: h.sequence,
        sent_at: h.sent_at,
        services: h.services.clone(),
        organisations: h.organisations.clone(),
        update: GenericUpdate {
            what_happened: u.what_happened.clone(),
            cause: u.cause.clone(),
            expected_resolution_at: at,
            expected_resolution_text: eta_text,
            workaround: u.workaround.clone(),
        },
        next_update_due: h.next_update,
    }
}

/// The headline: "[ØVELSE] Storhendelse INC-1: title – Statusoppdatering 3", one line, controls visible.
fn headline(h: &MessageHeader) -> String {
    let w = h.lang.words();
    let marker = if h.exercise { format!("[{}] ", w.exercise) } else { String::new() };
    format!(
        "{marker}{} {}: {} – {} {}",
        w.major_incident,
        text::one_line(&h.reference),
        text::one_line(&h.title),
        w.status_update,
        h.sequence
    )
}

/// (label, value) pairs of the four fields plus the header facts, values raw.
fn fields(h: &MessageHeader, u: &StatusUpdate) -> Vec<(&'static str, String)> {
    let w = h.lang.words();
    let mut list = vec![
        (w.priority, h.priority.clone()),
        (w.state, h.state_word().to_string()),
        (w.services, h.services.join(", ")),
        (w.what_happened, u.what_happened.clone()),
        (w.cause, u.cause.clone()),
        (w.expected_resolution, h.eta_text(&u.expected_resolution)),
        (w.workaround, u.workaround.clone()),
    ];
    if let Some(next) = h.next_update {
        list.push((w.next_update, super::locale::local_time(next, h.zone)));
    }
    list
}

/// Slack: `text` (escaped fallback) and blocks of plain text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlackPayload {
    /// Notification fallback, escaped for Slack.
    pub text: String,
    /// Block Kit blocks.
    pub blocks: Vec<SlackBlock>,
}

/// A Block Kit block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SlackBlock {
    /// A header (plain text, at most 150 characters).
    Header {
        /// The text.
        text: SlackText,
    },
    /// A section (at most 3000 characters).
    Section {
        /// The text.
        text: SlackText,
    },
    /// A context line.
    Context {
        /// Its elements.
        elements: Vec<SlackText>,
    },
}

/// A Block Kit `plain_text` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlackText {
    /// Always "plain_text".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The text, shown literally.
    pub text: String,
}

fn plain_text(text: &str, max: usize) -> SlackText {
    SlackText { kind: "plain_text", text: text::truncate(&text::block(text), max).into_owned() }
}

fn slack(h: &MessageHeader, u: &StatusUpdate) -> SlackPayload {
    let headline = headline(h);
    let mut blocks = Vec::new();
    if h.exercise {
        blocks.push(SlackBlock::Section { text: plain_text(h.lang.words().exercise_banner, 3000) });
    }
    blocks.push(SlackBlock::Header { text: plain_text(&headline, 150) });
    for (label, value) in fields(h, u) {
        blocks.push(SlackBlock::Section { text: plain_text(&format!("{label}:\n{}", value.trim()), 3000) });
    }
    let sent = super::locale::local_time(h.sent_at, h.zone);
    blocks.push(SlackBlock::Context { elements: vec![plain_text(&format!("{} · {sent}", h.agreement), 3000)] });
    let fallback = format!("{headline}: {}", text::one_line(u.what_happened.trim()));
    SlackPayload { text: markup::slack(&fallback), blocks }
}

/// Teams: a `message` with one Adaptive Card attachment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamsPayload {
    /// Always "message".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The card.
    pub attachments: Vec<TeamsAttachment>,
}

/// The attachment holding the card.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsAttachment {
    /// Always "application/vnd.microsoft.card.adaptive".
    pub content_type: &'static str,
    /// Always null.
    pub content_url: Option<String>,
    /// The card.
    pub content: AdaptiveCard,
}

/// An Adaptive Card 1.4.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdaptiveCard {
    /// The schema URL.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// Always "AdaptiveCard".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// "1.4".
    pub version: &'static str,
    /// Shown where the card cannot be rendered.
    #[serde(rename = "fallbackText")]
    pub fallback_text: String,
    /// The content.
    pub body: Vec<RichTextBlock>,
}

/// A `RichTextBlock` of text runs (no Markdown).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RichTextBlock {
    /// Always "RichTextBlock".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its runs.
    pub inlines: Vec<TextRun>,
}

/// A `TextRun`: literal text with optional emphasis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextRun {
    /// Always "TextRun".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The text.
    pub text: String,
    /// "Bolder" for labels and the headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<&'static str>,
    /// "Large" for the headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<&'static str>,
    /// "Attention" for the exercise marker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<&'static str>,
}

fn run(text: &str) -> TextRun {
    TextRun { kind: "TextRun", text: text::block(text).into_owned(), weight: None, size: None, color: None }
}

fn rich(inlines: Vec<TextRun>) -> RichTextBlock {
    RichTextBlock { kind: "RichTextBlock", inlines }
}

fn teams(h: &MessageHeader, u: &StatusUpdate) -> TeamsPayload {
    let headline = headline(h);
    let mut body = Vec::new();
    if h.exercise {
        body.push(rich(vec![TextRun {
            weight: Some("Bolder"),
            color: Some("Attention"),
            ..run(h.lang.words().exercise_banner)
        }]));
    }
    body.push(rich(vec![TextRun { weight: Some("Bolder"), size: Some("Large"), ..run(&headline) }]));
    for (label, value) in fields(h, u) {
        body.push(rich(vec![TextRun { weight: Some("Bolder"), ..run(label) }]));
        body.push(rich(vec![run(value.trim())]));
    }
    let card = AdaptiveCard {
        schema: "http://adaptivecards.io/schemas/adaptive-card.json",
        kind: "AdaptiveCard",
        version: "1.4",
        fallback_text: headline,
        body,
    };
    TeamsPayload {
        kind: "message",
        attachments: vec![TeamsAttachment {
            content_type: "application/vnd.microsoft.card.adaptive",
            content_url: None,
            content: card,
        }],
    }
}

#[cfg(test)]
mod tests;
