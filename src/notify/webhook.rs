//! Webhooks: one JSON POST per message, shaped by a preset (generic, Slack, Teams) unless the message brings
//! its own payload.

use std::time::Duration;

use reqwest::{Client, Url};
use serde_json::{Value, json};

use super::http::{self, IDEMPOTENCY_KEY_HEADER};
use super::{DeliveryError, NotifyConfigError, OutboundMessage, Receipt, WebhookConfig, WebhookPreset};
use crate::domain::text::markup;

pub(super) struct WebhookSender {
    http: Client,
    timeout: Duration,
}

impl WebhookSender {
    pub fn new(config: &WebhookConfig, http: Client) -> Result<Self, NotifyConfigError> {
        let timeout = super::config::timeout("notify.webhook", config.timeout_secs)?;
        Ok(Self { http, timeout })
    }

    pub async fn send(
        &self,
        message: &OutboundMessage,
        url: &str,
        preset: WebhookPreset,
    ) -> Result<Receipt, DeliveryError> {
        let target = Url::parse(url).map_err(|error| DeliveryError::permanent(format!("bad webhook URL: {error}")))?;
        http::require_http_scheme(&target)
            .map_err(|why| DeliveryError::permanent(format!("bad webhook URL: {why}")))?;
        let endpoint = format!("webhook {}", http::endpoint_name(&target));
        let payload = message.payload.clone().unwrap_or_else(|| preset_payload(preset, message));
        let request = self
            .http
            .post(target)
            .timeout(self.timeout)
            .header(IDEMPOTENCY_KEY_HEADER, &message.idempotency_key)
            .json(&payload);
        let answer = http::send(request, &endpoint).await?;
        Ok(Receipt { detail: answer.summary() })
    }
}

pub(super) fn preset_payload(preset: WebhookPreset, message: &OutboundMessage) -> Value {
    match preset {
        WebhookPreset::Generic => json!({
            "idempotency_key": message.idempotency_key,
            "subject": message.subject,
            "body": message.body,
        }),
        WebhookPreset::Slack => json!({
            "text": format!("*{}*\n{}", markup::slack(&message.subject), markup::slack(&message.body)),
        }),
        // The Workflows format ("Post to a channel when a webhook request is received"), which replaces the
        // retired Office 365 connectors' MessageCard.
        WebhookPreset::Teams => json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": null,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        { "type": "TextBlock", "text": message.subject, "weight": "Bolder", "size": "Medium",
                          "wrap": true },
                        { "type": "TextBlock", "text": message.body, "wrap": true },
                    ],
                },
            }],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Recipient;

    #[test]
    fn slack_text_cannot_mention_everyone() {
        let message = OutboundMessage {
            idempotency_key: "k".into(),
            recipient: Recipient::Webhook { url: "https://example.org".into(), preset: WebhookPreset::Slack },
            subject: "A & B".into(),
            body: "<!channel> look".into(),
            payload: None,
        };
        let payload = preset_payload(WebhookPreset::Slack, &message);
        assert_eq!(payload, json!({ "text": "*A &amp; B*\n&lt;!channel&gt; look" }));
    }

    #[test]
    fn slack_text_uses_the_one_escaping_rule_with_controls_made_visible() {
        let message = OutboundMessage {
            idempotency_key: "k".into(),
            recipient: Recipient::Webhook { url: "https://example.org".into(), preset: WebhookPreset::Slack },
            subject: "evil\u{202e}txt.exe".into(),
            body: "x\u{1b}[2J".into(),
            payload: None,
        };
        let payload = preset_payload(WebhookPreset::Slack, &message);
        assert_eq!(payload, json!({ "text": "*evil&lt;U+202E&gt;txt.exe*\nx␛[2J" }));
    }
}
