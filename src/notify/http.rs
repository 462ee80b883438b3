//! What webhooks and the SMS gateway share: one HTTP client, and how an HTTP answer or failure maps to
//! delivered / retry / give up.

use reqwest::{Client, RequestBuilder, StatusCode, Url, redirect};

use super::{DeliveryError, NotifyConfigError, error_chain, remote_text};

pub(super) const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Response bodies are only read for the receipt and the success check; a bound keeps a hostile or broken
/// endpoint from filling memory.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;
const MAX_SHOWN_CHARS: usize = 200;

pub(super) fn client() -> Result<Client, NotifyConfigError> {
    Client::builder()
        .user_agent(concat!("vakt/", env!("CARGO_PKG_VERSION")))
        // A redirected POST turns into a GET in most clients; a moved endpoint must be fixed in the config.
        .redirect(redirect::Policy::none())
        .build()
        .map_err(|error| NotifyConfigError::new("notify", format!("cannot set up HTTP: {}", error_chain(&error))))
}

/// Scheme, host and port only: the path and query of webhook and gateway URLs often hold tokens.
pub(super) fn endpoint_name(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

pub(super) fn require_http_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(format!("scheme {other:?} is not HTTP; use https://")),
    }
}

/// The receiving server's answer to an accepted request.
pub(super) struct Answer {
    pub status: StatusCode,
    pub body: String,
}

impl Answer {
    pub fn summary(&self) -> String {
        let body = remote_text(&self.body, MAX_SHOWN_CHARS);
        if body.is_empty() { format!("HTTP {}", self.status) } else { format!("HTTP {}: {body}", self.status) }
    }
}

/// Sends and classifies: 2xx is delivered; 408, 425, 429 and 5xx may pass later; anything else will not.
pub(super) async fn send(request: RequestBuilder, endpoint: &str) -> Result<Answer, DeliveryError> {
    let mut response = request.send().await.map_err(|error| transport_error(error, endpoint))?;
    let status = response.status();
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_RESPONSE_BYTES.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if room <= chunk.len() {
                    break;
                }
            }
            Ok(None) => break,
            // The status line already arrived, which is what decides the outcome.
            Err(error) => {
                tracing::debug!(endpoint, error = %error_chain(&error.without_url()), "response body unreadable");
                break;
            }
        }
    }
    let answer = Answer { status, body: String::from_utf8_lossy(&body).into_owned() };
    if status.is_success() {
        return Ok(answer);
    }
    let message = format!("{endpoint} answered {}", answer.summary());
    if is_retryable_status(status) {
        Err(DeliveryError::transient(message))
    } else if status.is_redirection() {
        Err(DeliveryError::permanent(format!("{message} (redirects are not followed: update the URL)")))
    } else {
        Err(DeliveryError::permanent(message))
    }
}

fn is_retryable_status(status: StatusCode) -> bool {
    status.is_server_error()
        || matches!(status, StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_EARLY | StatusCode::TOO_MANY_REQUESTS)
}

fn transport_error(error: reqwest::Error, endpoint: &str) -> DeliveryError {
    // The URL may contain a token; the endpoint name says enough.
    let error = error.without_url();
    let message = if error.is_timeout() {
        format!("{endpoint}: no answer in time ({})", error_chain(&error))
    } else {
        format!("{endpoint}: {}", error_chain(&error))
    };
    if error.is_builder() { DeliveryError::permanent(message) } else { DeliveryError::transient(message) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_name_hides_path_query_and_credentials() {
        let url = Url::parse("https://user:pw@hooks.slack.com/services/T0/B0/secret?token=abc").unwrap();
        assert_eq!(endpoint_name(&url), "https://hooks.slack.com");
        let url = Url::parse("http://127.0.0.1:8080/sms").unwrap();
        assert_eq!(endpoint_name(&url), "http://127.0.0.1:8080");
    }

    #[test]
    fn statuses_split_into_retry_and_give_up() {
        for code in [408, 425, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [301, 400, 401, 403, 404, 410, 413, 422] {
            assert!(!is_retryable_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }
}
