//! SMS through an HTTP gateway. Nordic providers all differ, so the request is a template from the config:
//! a URL and a body with `{to}`, `{text}`, `{sender}` and `{idempotency_key}`, each value escaped for where it
//! lands (JSON string, form field, XML text, or the URL).

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method, Url};

use super::http::{self, IDEMPOTENCY_KEY_HEADER};
use super::{DeliveryError, NotifyConfigError, OutboundMessage, Receipt, SmsGatewayConfig, SmsMethod};

const SECTION: &str = "notify.sms";

pub(super) struct SmsGateway {
    http: Client,
    url_template: String,
    method: Method,
    headers: HeaderMap,
    escaping: Escaping,
    body_template: String,
    sender: String,
    success_body_contains: Option<String>,
    timeout: Duration,
}

/// How a placeholder value is made safe inside the body, decided by the content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escaping {
    Json,
    Form,
    Xml,
    Plain,
}

impl Escaping {
    fn for_content_type(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence == "application/json" || essence.ends_with("+json") {
            Some(Self::Json)
        } else if essence == "application/x-www-form-urlencoded" {
            Some(Self::Form)
        } else if essence.ends_with("/xml") || essence.ends_with("+xml") {
            Some(Self::Xml)
        } else if essence == "text/plain" {
            Some(Self::Plain)
        } else {
            None
        }
    }

    fn escape(self, value: &str) -> String {
        match self {
            Self::Json => json_string_content(value),
            Self::Form => percent_encode(value, true),
            Self::Xml => xml_escape(value),
            Self::Plain => value.to_owned(),
        }
    }
}

struct Placeholders<'a> {
    to: &'a str,
    text: &'a str,
    sender: &'a str,
    idempotency_key: &'a str,
}

impl Placeholders<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        match name {
            "to" => Some(self.to),
            "text" => Some(self.text),
            "sender" => Some(self.sender),
            "idempotency_key" => Some(self.idempotency_key),
            _ => None,
        }
    }
}

/// Values that need escaping in every format, so that a template that mishandles them fails at start-up.
const SAMPLE: Placeholders<'static> = Placeholders {
    to: "+4791234567",
    text: "Sample \"text\" & <more>\nline 2",
    sender: "vakt",
    idempotency_key: "k-1",
};

impl SmsGateway {
    pub fn new(config: &SmsGatewayConfig, http: Client) -> Result<Self, NotifyConfigError> {
        let invalid = |message: String| NotifyConfigError::new(SECTION, message);
        let escaping = Escaping::for_content_type(&config.content_type).ok_or_else(|| {
            invalid(format!(
                "content_type {:?} is not supported: use application/json, application/x-www-form-urlencoded, \
                 an XML type or text/plain",
                config.content_type
            ))
        })?;
        let method = match config.method {
            SmsMethod::Post => Method::POST,
            SmsMethod::Put => Method::PUT,
            SmsMethod::Get => Method::GET,
        };
        if method == Method::GET && !config.body_template.is_empty() {
            return Err(invalid("a GET request has no body: put the placeholders in url".into()));
        }
        let uses = |name: &str| {
            let placeholder = format!("{{{name}}}");
            config.url.contains(&placeholder) || config.body_template.contains(&placeholder)
        };
        for required in ["to", "text"] {
            if !uses(required) {
                return Err(invalid(format!("neither url nor body_template contains {{{required}}}")));
            }
        }
        if uses("sender") && config.sender.trim().is_empty() {
            return Err(invalid("the template uses {sender} but sender is not set".into()));
        }
        let sample_url = fill(&config.url, &SAMPLE, |value| percent_encode(value, false));
        let url = Url::parse(&sample_url).map_err(|error| invalid(format!("url is not a URL: {error}")))?;
        http::require_http_scheme(&url).map_err(|why| invalid(format!("url: {why}")))?;
        if escaping == Escaping::Json && !config.body_template.is_empty() {
            let sample_body = fill(&config.body_template, &SAMPLE, |value| escaping.escape(value));
            serde_json::from_str::<serde_json::Value>(&sample_body).map_err(|error| {
                invalid(format!(
                    "body_template is not valid JSON once filled ({error}); placeholders belong inside quotes, \
                     e.g. \"{{text}}\""
                ))
            })?;
        }
        let headers = request_headers(config)?;
        Ok(Self {
            http,
            url_template: config.url.clone(),
            method,
            headers,
            escaping,
            body_template: config.body_template.clone(),
            sender: config.sender.clone(),
            success_body_contains: config.success_body_contains.clone(),
            timeout: super::config::timeout(SECTION, config.timeout_secs)?,
        })
    }

    pub async fn send(&self, message: &OutboundMessage, to: &str) -> Result<Receipt, DeliveryError> {
        let number = normalise_phone_number(to)?;
        let values = Placeholders {
            to: &number,
            text: &message.body,
            sender: &self.sender,
            idempotency_key: &message.idempotency_key,
        };
        let url = fill(&self.url_template, &values, |value| percent_encode(value, false));
        let url = Url::parse(&url).map_err(|error| DeliveryError::permanent(format!("SMS gateway URL: {error}")))?;
        let endpoint = format!("SMS gateway {}", http::endpoint_name(&url));
        let mut request = self
            .http
            .request(self.method.clone(), url)
            .timeout(self.timeout)
            .headers(self.headers.clone())
            .header(IDEMPOTENCY_KEY_HEADER, &message.idempotency_key);
        if self.method != Method::GET {
            request = request.body(fill(&self.body_template, &values, |value| self.escaping.escape(value)));
        }
        let answer = http::send(request, &endpoint).await?;
        if let Some(expected) = &self.success_body_contains
            && !answer.body.contains(expected.as_str())
        {
            // The gateway answered and said no; sending again would most likely be refused again, and a human
            // should look at the dead letter rather than risk a duplicate SMS.
            return Err(DeliveryError::permanent(format!(
                "{endpoint} did not confirm the SMS (expected {expected:?}): {}",
                answer.summary()
            )));
        }
        Ok(Receipt { detail: answer.summary() })
    }
}

fn request_headers(config: &SmsGatewayConfig) -> Result<HeaderMap, NotifyConfigError> {
    let mut headers = HeaderMap::new();
    let content_type = HeaderValue::from_str(&config.content_type)
        .map_err(|_| NotifyConfigError::new(SECTION, "content_type is not a valid header value"))?;
    headers.insert(CONTENT_TYPE, content_type);
    for (name, value) in &config.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| NotifyConfigError::new(SECTION, format!("headers: {name:?} is not a header name")))?;
        if header_name == CONTENT_TYPE || header_name.as_str().eq_ignore_ascii_case(IDEMPOTENCY_KEY_HEADER) {
            return Err(NotifyConfigError::new(
                SECTION,
                format!("headers: {name} is set by vakt (use content_type for the content type)"),
            ));
        }
        // The value is not quoted in the error: it is usually a credential.
        let mut header_value = HeaderValue::from_str(value).map_err(|_| {
            NotifyConfigError::new(SECTION, format!("headers: the value of {name} has characters a header cannot hold"))
        })?;
        header_value.set_sensitive(true);
        headers.insert(header_name, header_value);
    }
    Ok(headers)
}

/// Replaces the known placeholders in one pass, so a value that itself contains `{text}` is not expanded
/// again; every other brace (JSON's, for one) is left alone.
fn fill(template: &str, values: &Placeholders<'_>, escape: impl Fn(&str) -> String) -> String {
    let mut filled = String::with_capacity(template.len() + values.text.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after_open = &rest[open + 1..];
        let placeholder = after_open.find('}').and_then(|close| Some((close, values.value(&after_open[..close])?)));
        match placeholder {
            Some((close, value)) => {
                filled.push_str(&escape(value));
                rest = &after_open[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after_open;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// Gateways want one canonical form; people write `+47 912 34 567` or `0046-70-123 45 67`.
fn normalise_phone_number(number: &str) -> Result<String, DeliveryError> {
    crate::domain::major::contact_rules::phone_number(number)
        .ok_or_else(|| DeliveryError::permanent(format!("{number:?} is not a phone number")))
}

/// The inside of a JSON string literal: what serde_json writes between the quotes.
fn json_string_content(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

fn xml_escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// Written here because reqwest does not re-export `url`'s encoder and the project takes no extra crate for
/// ten lines. Keeps RFC 3986 unreserved characters; `space_as_plus` gives application/x-www-form-urlencoded.
fn percent_encode(value: &str, space_as_plus: bool) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => encoded.push(char::from(byte)),
            b' ' if space_as_plus => encoded.push('+'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(text: &'a str) -> Placeholders<'a> {
        Placeholders { to: "+4791234567", text, sender: "Vakt", idempotency_key: "k-1" }
    }

    #[test]
    fn json_template_gets_escaped_values_and_keeps_its_own_braces() {
        let template = r#"{"to": "{to}", "message": "{text}", "from": "{sender}", "ref": "{idempotency_key}"}"#;
        let filled = fill(template, &values("Sa \"nei\"\nok \\ {text}"), |v| Escaping::Json.escape(v));
        let parsed: serde_json::Value = serde_json::from_str(&filled).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"to": "+4791234567", "message": "Sa \"nei\"\nok \\ {text}", "from": "Vakt", "ref": "k-1"})
        );
    }

    #[test]
    fn form_and_url_values_are_percent_encoded() {
        let filled = fill("to={to}&msg={text}", &values("Blåbær & co"), |v| Escaping::Form.escape(v));
        assert_eq!(filled, "to=%2B4791234567&msg=Bl%C3%A5b%C3%A6r+%26+co");
        assert_eq!(percent_encode("a b/c", false), "a%20b%2Fc");
    }

    #[test]
    fn unknown_or_unclosed_placeholders_stay_literal() {
        assert_eq!(fill("{x} {to", &values("t"), str::to_owned), "{x} {to");
    }

    #[test]
    fn xml_values_cannot_close_elements() {
        assert_eq!(Escaping::Xml.escape("</text><evil/>"), "&lt;/text&gt;&lt;evil/&gt;");
    }

    #[test]
    fn phone_numbers_are_normalised_or_refused() {
        assert_eq!(normalise_phone_number("+47 912 34 567").unwrap(), "+4791234567");
        assert_eq!(normalise_phone_number("0046-70-123 45 67").unwrap(), "+46701234567");
        for bad in ["", "+47 912\n34", "call me", "+1234567890123456"] {
            assert!(!normalise_phone_number(bad).unwrap_err().retryable, "{bad:?}");
        }
    }

    fn gateway_config(body_template: &str) -> SmsGatewayConfig {
        SmsGatewayConfig {
            url: "https://sms.example.org/send".into(),
            method: SmsMethod::Post,
            headers: Default::default(),
            content_type: "application/json".into(),
            body_template: body_template.into(),
            sender: String::new(),
            success_body_contains: None,
            timeout_secs: 5,
        }
    }

    #[test]
    fn templates_that_cannot_work_are_refused_at_start() {
        let http = Client::new();
        let unquoted = gateway_config(r#"{"to": "{to}", "text": {text}}"#);
        let missing_text = gateway_config(r#"{"to": "{to}"}"#);
        let sender_unset = gateway_config(r#"{"to": "{to}", "text": "{text}", "from": "{sender}"}"#);
        for config in [unquoted, missing_text, sender_unset] {
            let error = SmsGateway::new(&config, http.clone()).err().unwrap();
            assert_eq!(error.section, "notify.sms", "{error}");
        }
        assert!(SmsGateway::new(&gateway_config(r#"{"to": "{to}", "text": "{text}"}"#), http).is_ok());
    }

    #[test]
    fn header_values_are_never_quoted_in_errors() {
        let mut config = gateway_config(r#"{"to": "{to}", "text": "{text}"}"#);
        config.headers.insert("Authorization".into(), "Bearer secret\r\nX: y".into());
        let error = SmsGateway::new(&config, Client::new()).err().unwrap();
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
