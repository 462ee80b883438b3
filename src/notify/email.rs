//! E-mail over SMTP with lettre: plain for a local relay, STARTTLS or implicit TLS for real servers.

use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{DeliveryError, NotifyConfigError, OutboundMessage, Receipt, SmtpConfig, SmtpSecurity, error_chain};

const SECTION: &str = "notify.smtp";
const IDEMPOTENCY_KEY_HEADER: HeaderName = HeaderName::new_from_ascii_str("X-Vakt-Idempotency-Key");

pub(super) struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// lettre bounds only the connect; this bounds the whole exchange so a stalled server cannot hold a worker.
    timeout: Duration,
    server: String,
}

impl EmailSender {
    pub fn new(config: &SmtpConfig) -> Result<Self, NotifyConfigError> {
        let from =
            parse_mailbox(&config.from).map_err(|why| NotifyConfigError::new(SECTION, format!("from: {why}")))?;
        let timeout = super::config::timeout(SECTION, config.timeout_secs)?;
        let port = config.port.unwrap_or(config.security.default_port());
        let tls = match config.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::Starttls => Tls::Required(tls_parameters(config)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(config)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
            .port(port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some(name) = &config.helo_name {
            builder = builder.hello_name(ClientId::Domain(name.clone()));
        }
        match (&config.username, &config.password) {
            (None, None) => {}
            (Some(username), Some(password)) => {
                if config.security == SmtpSecurity::None {
                    return Err(NotifyConfigError::new(
                        SECTION,
                        "a password would be sent unencrypted: use security = \"starttls\" or \"tls\"",
                    ));
                }
                builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
            }
            _ => return Err(NotifyConfigError::new(SECTION, "set both username and password, or neither")),
        }
        let server = format!("SMTP {}:{port}", config.host);
        Ok(Self { transport: builder.build(), from, timeout, server })
    }

    pub async fn send(&self, message: &OutboundMessage, to: &[String]) -> Result<Receipt, DeliveryError> {
        let email = build_message(&self.from, message, to)?;
        let response = tokio::time::timeout(self.timeout, self.transport.send(email))
            .await
            .map_err(|_| {
                DeliveryError::transient(format!("{}: no answer within {} s", self.server, self.timeout.as_secs()))
            })?
            .map_err(|error| smtp_error(&error, &self.server))?;
        let reply: Vec<&str> = response.message().collect();
        Ok(Receipt { detail: super::remote_text(&format!("{} {}", response.code(), reply.join(" ")), 200) })
    }
}

fn tls_parameters(config: &SmtpConfig) -> Result<TlsParameters, NotifyConfigError> {
    let host = &config.host;
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path).map_err(|error| {
            NotifyConfigError::new(SECTION, format!("ca_file {}: cannot read it: {error}", path.display()))
        })?;
        let certificate = Certificate::from_pem(&pem).map_err(|error| {
            NotifyConfigError::new(SECTION, format!("ca_file {}: not a PEM certificate: {error}", path.display()))
        })?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build_rustls()
        .map_err(|error| NotifyConfigError::new(SECTION, format!("cannot set up TLS for {host}: {error}")))
}

pub(super) fn build_message(
    from: &Mailbox,
    message: &OutboundMessage,
    to: &[String],
) -> Result<Message, DeliveryError> {
    if to.is_empty() {
        return Err(DeliveryError::permanent("e-mail without recipients"));
    }
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(single_line(&message.subject))
        .message_id(Some(format!("<{}@vakt>", message.idempotency_key)))
        .raw_header(HeaderValue::new(IDEMPOTENCY_KEY_HEADER, message.idempotency_key.clone()))
        .header(ContentType::TEXT_PLAIN);
    for address in to {
        let mailbox = parse_mailbox(address).map_err(|why| DeliveryError::permanent(format!("recipient {why}")))?;
        builder = builder.to(mailbox);
    }
    builder
        .body(message.body.clone())
        .map_err(|error| DeliveryError::permanent(format!("cannot build the e-mail: {}", error_chain(&error))))
}

/// Refuses control characters outright: a CR or LF in an address is an attempt to add headers, not a typo.
fn parse_mailbox(address: &str) -> Result<Mailbox, String> {
    if address.chars().any(char::is_control) {
        return Err(format!("{address:?} contains control characters"));
    }
    Mailbox::from_str(address.trim()).map_err(|error| format!("{address:?} is not an e-mail address: {error}"))
}

/// Subjects come from incident titles, which may hold line breaks; those become spaces so that they can
/// neither start a new header nor be silently cut.
fn single_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn smtp_error(error: &lettre::transport::smtp::Error, server: &str) -> DeliveryError {
    let message = format!("{server}: {}", error_chain(error));
    // 5xx replies, a message lettre cannot build and a TLS setup that cannot work will fail the same way
    // next time; 4xx replies and broken or refused connections may not. A certificate the relay presents and
    // we cannot verify arrives as a connection error (rustls under lettre), so it is recognised by its text:
    // retrying it for hours would only hide a configuration error (fix `ca_file`, then retry).
    let untrusted_certificate = message.contains("invalid peer certificate");
    if error.is_permanent() || error.is_client() || error.is_tls() || untrusted_certificate {
        DeliveryError::permanent(message)
    } else {
        DeliveryError::transient(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Recipient;

    fn message(subject: &str) -> OutboundMessage {
        OutboundMessage {
            idempotency_key: "outbox-1".into(),
            recipient: Recipient::Email { to: vec!["kari@example.org".into()] },
            subject: subject.into(),
            body: "body".into(),
            payload: None,
        }
    }

    fn from() -> Mailbox {
        parse_mailbox("vakt <vakt@example.org>").unwrap()
    }

    #[test]
    fn a_line_break_in_the_subject_cannot_start_a_header() {
        let email =
            build_message(&from(), &message("Down\r\nBcc: mallory@example.org"), &["kari@example.org".into()]).unwrap();
        let formatted = String::from_utf8(email.formatted()).unwrap();
        let header_block = formatted.split("\r\n\r\n").next().unwrap();
        assert!(!header_block.lines().any(|line| line.to_ascii_lowercase().starts_with("bcc")), "{formatted}");
        assert_eq!(email.envelope().to().len(), 1);
    }

    #[test]
    fn addresses_with_line_breaks_are_refused() {
        let error = build_message(&from(), &message("s"), &["kari@example.org\r\nBcc: mallory@example.org".into()])
            .unwrap_err();
        assert!(!error.retryable);
        assert!(error.message.contains("control characters"), "{}", error.message);
    }

    #[test]
    fn named_addresses_are_accepted() {
        let email = build_message(&from(), &message("s"), &["Kari Nordmann <kari@example.org>".into()]).unwrap();
        assert_eq!(email.envelope().to()[0].to_string(), "kari@example.org");
    }

    #[test]
    fn credentials_over_plain_text_are_refused() {
        let config = SmtpConfig {
            host: "localhost".into(),
            port: Some(2525),
            security: SmtpSecurity::None,
            username: Some("vakt".into()),
            password: Some("secret".into()),
            from: "vakt@example.org".into(),
            helo_name: None,
            timeout_secs: 5,
            ca_file: None,
        };
        let error = EmailSender::new(&config).err().unwrap();
        assert_eq!(error.section, "notify.smtp");
        assert!(!error.message.contains("secret"));
    }
}
