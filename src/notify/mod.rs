//! Delivery of one outbound message: e-mail over SMTP, a JSON webhook, or an SMS through an HTTP gateway.
//!
//! This is the last step of the outbox: `vakt serve` picks a message, calls [`Notifier::deliver`] once, and
//! decides from [`DeliveryError::retryable`] whether to back off and try again or to dead-letter it. Delivery is
//! at least once, so every attempt carries the message's idempotency key for the receiver to drop duplicates:
//! an `Idempotency-Key` header over HTTP, and a `Message-ID` of `<key@vakt>` plus `X-Vakt-Idempotency-Key` in
//! e-mail.

mod config;
mod email;
mod http;
mod sms;
mod webhook;

use serde::{Deserialize, Serialize};

pub use config::{NotifyConfig, SmsGatewayConfig, SmsMethod, SmtpConfig, SmtpSecurity, WebhookConfig};

/// Where a message goes. Stored with the outbox row, hence serde (`{"channel": "email", "to": [..]}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Recipient {
    /// One message to all addresses (`kari@example.org` or `Kari Nordmann <kari@example.org>`).
    Email { to: Vec<String> },
    /// A POST to `url`; the URL of a Slack or Teams webhook is a secret, so it is never logged in full.
    Webhook { url: String, preset: WebhookPreset },
    /// A phone number in international form, e.g. `+47 912 34 567` (spaces and dashes are removed).
    Sms { to: String },
}

/// The JSON shape a webhook expects when the message carries no prebuilt payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookPreset {
    /// `{"idempotency_key": .., "subject": .., "body": ..}`
    Generic,
    /// A Slack incoming webhook: `{"text": "*subject*\nbody"}`.
    Slack,
    /// A Teams incoming webhook (Workflows): a message with one Adaptive Card.
    Teams,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboundMessage {
    /// Stable across retries. ASCII letters, digits, `-`, `_` and inner single dots, at most 128 characters,
    /// because it becomes part of a `Message-ID` and an HTTP header.
    pub idempotency_key: String,
    pub recipient: Recipient,
    /// The e-mail subject and the title of a webhook message; not sent by SMS.
    pub subject: String,
    /// Plain text; for SMS this is the whole text.
    pub body: String,
    /// A prebuilt webhook body, sent as is instead of the preset's.
    pub payload: Option<serde_json::Value>,
}

/// What the receiving server said when it accepted the message, for the communications ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub detail: String,
}

/// A failed attempt. `retryable` is true when the same attempt may succeed later (timeouts, refused or broken
/// connections, SMTP 4xx, HTTP 408/425/429/5xx) and false when it cannot (bad address, HTTP 4xx, SMTP 5xx,
/// a channel that is not configured).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryError {
    pub retryable: bool,
    pub message: String,
}

impl DeliveryError {
    pub fn transient(message: impl Into<String>) -> Self {
        Self { retryable: true, message: message.into() }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Self { retryable: false, message: message.into() }
    }
}

/// A `[notify]` setting that cannot work, named by its section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config [{section}]: {message}")]
pub struct NotifyConfigError {
    pub section: &'static str,
    pub message: String,
}

impl NotifyConfigError {
    pub(crate) fn new(section: &'static str, message: impl Into<String>) -> Self {
        Self { section, message: message.into() }
    }
}

/// Built once from the config; holds the SMTP transport and the HTTP client. `Send + Sync`: share one (in an
/// `Arc`) between delivery workers.
pub struct Notifier {
    email: Option<email::EmailSender>,
    sms: Option<sms::SmsGateway>,
    webhook: webhook::WebhookSender,
}

impl Notifier {
    pub fn new(config: &NotifyConfig) -> Result<Self, NotifyConfigError> {
        let http = http::client()?;
        let email = config.smtp.as_ref().map(email::EmailSender::new).transpose()?;
        let sms = config.sms.as_ref().map(|sms| sms::SmsGateway::new(sms, http.clone())).transpose()?;
        let webhook = webhook::WebhookSender::new(&config.webhook, http)?;
        Ok(Self { email, sms, webhook })
    }

    /// Tries once. Never logs message bodies, passwords or header values.
    pub async fn deliver(&self, message: &OutboundMessage) -> Result<Receipt, DeliveryError> {
        let channel = channel_name(&message.recipient);
        let outcome = self.try_deliver(message).await;
        match &outcome {
            Ok(receipt) => {
                tracing::info!(key = %message.idempotency_key, channel, detail = %receipt.detail, "delivered");
            }
            Err(error) => tracing::warn!(
                key = %message.idempotency_key,
                channel,
                retryable = error.retryable,
                error = %error.message,
                "delivery failed"
            ),
        }
        outcome
    }

    async fn try_deliver(&self, message: &OutboundMessage) -> Result<Receipt, DeliveryError> {
        check_idempotency_key(&message.idempotency_key)?;
        match &message.recipient {
            Recipient::Email { to } => {
                let sender = self.email.as_ref().ok_or_else(|| {
                    DeliveryError::permanent(
                        "e-mail is not configured: add a [notify.smtp] section (host, from, security) \
                         to the config file",
                    )
                })?;
                sender.send(message, to).await
            }
            Recipient::Sms { to } => {
                let gateway = self.sms.as_ref().ok_or_else(|| {
                    DeliveryError::permanent(
                        "SMS is not configured: add a [notify.sms] section (url, body_template) to the config file",
                    )
                })?;
                gateway.send(message, to).await
            }
            Recipient::Webhook { url, preset } => self.webhook.send(message, url, *preset).await,
        }
    }
}

fn channel_name(recipient: &Recipient) -> &'static str {
    match recipient {
        Recipient::Email { .. } => "email",
        Recipient::Webhook { .. } => "webhook",
        Recipient::Sms { .. } => "sms",
    }
}

const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;

/// The key goes into a Message-ID (RFC 5322 dot-atom) and HTTP headers; this subset is safe in both.
fn check_idempotency_key(key: &str) -> Result<(), DeliveryError> {
    let allowed_chars = key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let dots_are_inner = !key.starts_with('.') && !key.ends_with('.') && !key.contains("..");
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !allowed_chars || !dots_are_inner {
        return Err(DeliveryError::permanent(format!(
            "idempotency key {key:?} is not usable: use 1 to {MAX_IDEMPOTENCY_KEY_LEN} ASCII letters, digits, \
             '-', '_' or inner single dots"
        )));
    }
    Ok(())
}

/// An error with its causes, since the outer message alone ("error sending request") rarely says what failed.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some libraries repeat their cause in their own message.
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Text from a remote server, made safe to store and show: control characters become spaces, length bounded.
fn remote_text(text: &str, max_chars: usize) -> String {
    let cleaned: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let trimmed = cleaned.trim();
    match trimmed.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_that_fit_a_message_id_are_accepted() {
        for key in ["outbox-42", "0b9f3c1e-7d4a-4c1b-9e55-3f1a2b3c4d5e", "major_7.update_3"] {
            assert_eq!(check_idempotency_key(key), Ok(()), "{key}");
        }
    }

    #[test]
    fn idempotency_keys_that_could_break_headers_are_refused() {
        let too_long = "k".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1);
        for key in ["", "a b", "a\r\nBcc: x@y", "<a>", "a@b", ".a", "a.", "a..b", "æøå", too_long.as_str()] {
            let error = check_idempotency_key(key).unwrap_err();
            assert!(!error.retryable, "{key}");
        }
    }

    #[test]
    fn remote_text_blanks_control_characters_and_bounds_length() {
        assert_eq!(remote_text("ok\r\n\x1b[2J", 100), "ok   [2J");
        assert_eq!(remote_text("blåbær", 3), "blå…");
    }

    #[test]
    fn a_notifier_can_be_shared_between_spawned_workers() {
        fn shareable<T: Send + Sync + 'static>() {}
        fn spawnable<F: std::future::Future + Send>(_: F) {}
        shareable::<Notifier>();
        let notifier = Notifier::new(&NotifyConfig::default()).unwrap();
        let message = OutboundMessage {
            idempotency_key: "k".into(),
            recipient: Recipient::Sms { to: "+4791234567".into() },
            subject: String::new(),
            body: String::new(),
            payload: None,
        };
        spawnable(notifier.deliver(&message));
    }

    #[test]
    fn recipients_round_trip_through_json_for_the_outbox() {
        let recipient = Recipient::Webhook { url: "https://example.org/hook".into(), preset: WebhookPreset::Teams };
        let json = serde_json::to_value(&recipient).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"channel": "webhook", "url": "https://example.org/hook", "preset": "teams"})
        );
        assert_eq!(serde_json::from_value::<Recipient>(json).unwrap(), recipient);
    }
}
