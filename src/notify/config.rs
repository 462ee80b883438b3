//! The `[notify]` section of the config file: which channels exist and how to reach them.
//!
//! Secrets (the SMTP password, gateway headers such as `Authorization`) are redacted from `Debug` so that a
//! config logged by accident does not leak them.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// E-mail; without it, queued e-mails fail (not retried) with a message naming `[notify.smtp]`.
    pub smtp: Option<SmtpConfig>,
    /// SMS through an HTTP gateway; without it, queued SMS fail likewise.
    pub sms: Option<SmsGatewayConfig>,
    /// Webhooks need no setup: the URL and preset come with each recipient.
    pub webhook: WebhookConfig,
}

#[derive(Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Defaults to the port that goes with `security`: 25 (none), 587 (starttls), 465 (tls).
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: SmtpSecurity,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, e.g. `"vakt <vakt@example.org>"`.
    pub from: String,
    /// The name sent with EHLO; relays that insist on a fully qualified name need it (default 127.0.0.1).
    #[serde(default)]
    pub helo_name: Option<String>,
    /// Bounds one whole delivery: connect, TLS, AUTH and the transfer.
    #[serde(default = "default_smtp_timeout_secs")]
    pub timeout_secs: u64,
    /// A PEM file with the CA certificate(s) that signed the relay's certificate, for an internal relay with a
    /// private CA; trusted in addition to the system's roots.
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text, for a relay on the same host or a trusted network. Credentials are refused.
    None,
    /// Plain connection upgraded with STARTTLS; the upgrade is required, never optional.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, "implicit TLS").
    Tls,
}

impl SmtpSecurity {
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::Starttls => 587,
            Self::Tls => 465,
        }
    }
}

#[derive(Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsGatewayConfig {
    /// The gateway endpoint. May contain the placeholders too (percent-encoded), for gateways that take
    /// everything in the query string.
    pub url: String,
    #[serde(default)]
    pub method: SmsMethod,
    /// Extra request headers, typically `Authorization`. Values are never logged.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Decides how placeholder values are escaped: JSON (`application/json`, `*+json`), form
    /// (`application/x-www-form-urlencoded`), XML (`*xml`) or none (`text/plain`).
    #[serde(default = "default_sms_content_type")]
    pub content_type: String,
    /// The request body with `{to}`, `{text}`, `{sender}` and `{idempotency_key}`; other braces are literal.
    /// Empty for gateways driven by the URL alone (e.g. `method = "GET"`).
    #[serde(default)]
    pub body_template: String,
    /// The sender name or number shown on the phone (`{sender}`); providers often allow 11 characters.
    #[serde(default)]
    pub sender: String,
    /// For gateways that answer 200 even on failure: the response body must contain this text.
    #[serde(default)]
    pub success_body_contains: Option<String>,
    #[serde(default = "default_http_timeout_secs")]
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum SmsMethod {
    #[default]
    Post,
    Put,
    Get,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookConfig {
    pub timeout_secs: u64,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self { timeout_secs: default_http_timeout_secs() }
    }
}

fn default_smtp_timeout_secs() -> u64 {
    60
}

fn default_http_timeout_secs() -> u64 {
    30
}

fn default_sms_content_type() -> String {
    "application/json".to_owned()
}

/// A timeout of zero would fail every delivery, so it is refused rather than read as "none".
pub(crate) fn timeout(section: &'static str, secs: u64) -> Result<Duration, super::NotifyConfigError> {
    if secs == 0 {
        return Err(super::NotifyConfigError::new(section, "timeout_secs must be at least 1"));
    }
    Ok(Duration::from_secs(secs))
}

const REDACTED: &str = "<redacted>";

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .field("from", &self.from)
            .field("helo_name", &self.helo_name)
            .field("timeout_secs", &self.timeout_secs)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl fmt::Debug for SmsGatewayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(String::as_str).collect();
        f.debug_struct("SmsGatewayConfig")
            // The URL may carry an API key in its query, so only the part before it is shown.
            .field("url", &self.url.split('?').next().unwrap_or_default())
            .field("method", &self.method)
            .field("headers", &header_names)
            .field("content_type", &self.content_type)
            .field("body_template", &self.body_template)
            .field("sender", &self.sender)
            .field("success_body_contains", &self.success_body_contains)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_password_and_header_values() {
        let smtp = SmtpConfig {
            host: "smtp.example.org".into(),
            port: None,
            security: SmtpSecurity::Tls,
            username: Some("vakt".into()),
            password: Some("hunter2-secret".into()),
            from: "vakt@example.org".into(),
            helo_name: None,
            timeout_secs: 5,
            ca_file: None,
        };
        let sms = SmsGatewayConfig {
            url: "https://sms.example.org/send?apikey=query-secret".into(),
            method: SmsMethod::Post,
            headers: BTreeMap::from([("Authorization".into(), "Bearer header-secret".into())]),
            content_type: default_sms_content_type(),
            body_template: String::new(),
            sender: "vakt".into(),
            success_body_contains: None,
            timeout_secs: 5,
        };
        let shown = format!("{smtp:?} {sms:?}");
        for secret in ["hunter2-secret", "query-secret", "header-secret"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        assert!(shown.contains("Authorization"), "header names stay visible: {shown}");
    }

    #[test]
    fn defaults_fill_in_what_a_minimal_section_leaves_out() {
        let config: NotifyConfig = serde_json::from_value(serde_json::json!({
            "smtp": { "host": "localhost", "from": "vakt@example.org" },
            "sms": { "url": "https://sms.example.org/send" }
        }))
        .unwrap();
        let smtp = config.smtp.unwrap();
        assert_eq!(smtp.security, SmtpSecurity::Starttls);
        assert_eq!(smtp.timeout_secs, 60);
        let sms = config.sms.unwrap();
        assert_eq!(sms.method, SmsMethod::Post);
        assert_eq!(sms.content_type, "application/json");
        assert_eq!(config.webhook.timeout_secs, 30);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let result: Result<NotifyConfig, _> =
            serde_json::from_value(serde_json::json!({ "smtp": { "host": "h", "from": "f", "pasword": "x" } }));
        assert!(result.is_err());
    }
}
