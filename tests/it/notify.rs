//! Delivery through real servers on loopback: aiosmtpd for e-mail, the Rust HTTP receiver for webhooks and the
//! SMS gateway. Each test reads back what arrived.

use std::collections::BTreeMap;

use serde_json::json;
use vakt::notify::{
    Notifier, NotifyConfig, OutboundMessage, Recipient, SmsGatewayConfig, SmsMethod, SmtpConfig, SmtpSecurity,
    WebhookConfig, WebhookPreset,
};

use crate::servers::{HttpReceiver, Reply, SmtpServer, closed_port, plain_smtp};

fn notifier_with_smtp(port: u16) -> Notifier {
    Notifier::new(&NotifyConfig { smtp: Some(plain_smtp(port)), ..NotifyConfig::default() }).unwrap()
}

fn email(key: &str, to: &[&str], subject: &str, body: &str) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Email { to: to.iter().map(|address| (*address).to_owned()).collect() },
        subject: subject.into(),
        body: body.into(),
        payload: None,
    }
}

fn webhook(key: &str, url: String, preset: WebhookPreset) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Webhook { url, preset },
        subject: "P1 Altinn innlogging nede".into(),
        body: "Brukere får ikke logget inn.\nNeste oppdatering 14:30.".into(),
        payload: None,
    }
}

fn sms(key: &str, to: &str, text: &str) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Sms { to: to.into() },
        subject: "ignored for SMS".into(),
        body: text.into(),
        payload: None,
    }
}

fn sms_gateway(url: String, content_type: &str, body_template: &str) -> SmsGatewayConfig {
    SmsGatewayConfig {
        url,
        method: SmsMethod::Post,
        headers: BTreeMap::from([("Authorization".to_owned(), "Bearer test-token".to_owned())]),
        content_type: content_type.into(),
        body_template: body_template.into(),
        sender: "Vakt".into(),
        success_body_contains: None,
        timeout_secs: 10,
    }
}

fn notifier_with_sms(gateway: SmsGatewayConfig) -> Notifier {
    Notifier::new(&NotifyConfig { sms: Some(gateway), ..NotifyConfig::default() }).unwrap()
}

fn webhook_notifier(timeout_secs: u64) -> Notifier {
    Notifier::new(&NotifyConfig { webhook: WebhookConfig { timeout_secs }, ..NotifyConfig::default() }).unwrap()
}

fn header_block(raw: &str) -> &str {
    raw.split("\r\n\r\n").next().unwrap()
}

#[tokio::test]
async fn email_arrives_with_subject_body_recipients_message_id_and_idempotency_header() {
    let server = SmtpServer::start().await;
    let notifier = notifier_with_smtp(server.port());
    // The lone dot would end the transfer early if the client did not dot-stuff it.
    let body = "Altinn login has been down since 13:05.\n.\nNext update at 14:30.";
    let message = email(
        "outbox-101",
        &["Kari Nordmann <kari@example.org>", "ops@example.org"],
        "Major incident declared: Altinn login",
        body,
    );

    let receipt = notifier.deliver(&message).await.unwrap();

    assert!(receipt.detail.starts_with("250") && receipt.detail.contains("stored as 000001"), "{receipt:?}");
    let mails = server.received();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.mail_from, "vakt@example.org");
    assert_eq!(mail.rcpt_tos, ["kari@example.org", "ops@example.org"]);
    let to = mail.header("To").unwrap();
    assert!(
        to.contains("Kari Nordmann") && to.contains("<kari@example.org>") && to.contains("ops@example.org"),
        "{to}"
    );
    assert_eq!(mail.header("Subject"), Some("Major incident declared: Altinn login"));
    assert_eq!(mail.header("Message-ID"), Some("<outbox-101@vakt>"));
    assert_eq!(mail.header("X-Vakt-Idempotency-Key"), Some("outbox-101"));
    assert_eq!(mail.body.trim_end_matches('\n'), body);
}

#[tokio::test]
async fn norwegian_and_swedish_letters_arrive_intact() {
    let server = SmtpServer::start().await;
    let notifier = notifier_with_smtp(server.port());
    // Long enough that the encoded subject must be folded over several lines.
    let subject =
        "Driftsavbrudd på Søknad om støtte – blåbærsyltetøy i Ærøskøbing, räksmörgås för Åsa i Växjö (ÆØÅ ÄÖ)";
    let body =
        "Hei,\n\ntjenesten «Søknad om støtte» er utilgjengelig.\nHälsningar, Åsa Öberg, Göteborg\næøå ÆØÅ åäö ÅÄÖ\n";

    notifier.deliver(&email("outbox-æøå-free-key", &["kari@example.org"], subject, body)).await.unwrap_err();
    notifier.deliver(&email("outbox-202", &["kari@example.org"], subject, body)).await.unwrap();

    let mails = server.received();
    assert_eq!(mails.len(), 1, "the non-ASCII idempotency key is refused before sending");
    assert_eq!(mails[0].header("Subject"), Some(subject));
    assert_eq!(mails[0].body, body);
    // Non-ASCII headers must be encoded (RFC 2047), not sent as raw 8-bit.
    assert!(header_block(&mails[0].raw).is_ascii(), "{}", mails[0].raw);
}

#[tokio::test]
async fn a_line_break_in_a_subject_cannot_add_a_header_or_recipient() {
    let server = SmtpServer::start().await;
    let notifier = notifier_with_smtp(server.port());

    let message = email("outbox-303", &["kari@example.org"], "Nede\r\nBcc: mallory@example.org", "text");
    notifier.deliver(&message).await.unwrap();

    let mail = &server.received()[0];
    assert_eq!(mail.rcpt_tos, ["kari@example.org"]);
    assert_eq!(mail.header_count("Bcc"), 0, "{}", mail.raw);
    assert_eq!(mail.header("Subject"), Some("Nede  Bcc: mallory@example.org"));
}

#[tokio::test]
async fn an_address_with_a_line_break_is_refused_before_anything_is_sent() {
    let server = SmtpServer::start().await;
    let notifier = notifier_with_smtp(server.port());

    let message = email("outbox-304", &["kari@example.org\r\nBcc: mallory@example.org"], "s", "b");
    let error = notifier.deliver(&message).await.unwrap_err();

    assert!(!error.retryable, "{error:?}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn smtp_permanent_refusal_is_not_retryable_and_temporary_refusal_is() {
    let server = SmtpServer::start().await;
    let notifier = notifier_with_smtp(server.port());

    let permanent =
        notifier.deliver(&email("outbox-401", &["reject-permanently@example.org"], "s", "b")).await.unwrap_err();
    let temporary =
        notifier.deliver(&email("outbox-402", &["reject-temporarily@example.org"], "s", "b")).await.unwrap_err();

    assert!(!permanent.retryable && permanent.message.contains("550"), "{permanent:?}");
    assert!(temporary.retryable && temporary.message.contains("451"), "{temporary:?}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn starttls_is_required_so_a_server_without_it_gets_nothing() {
    let server = SmtpServer::start().await;
    let config = SmtpConfig { security: SmtpSecurity::Starttls, ..plain_smtp(server.port()) };
    let notifier = Notifier::new(&NotifyConfig { smtp: Some(config), ..NotifyConfig::default() }).unwrap();

    let error = notifier.deliver(&email("outbox-403", &["kari@example.org"], "s", "b")).await.unwrap_err();

    assert!(!error.retryable && error.message.contains("STARTTLS"), "{error:?}");
    assert!(server.received().is_empty());
}

/// Delivers over `security` to `server` trusting its CA, then checks that without the CA nothing is sent and
/// the failure is not retried.
async fn delivers_with_the_ca_and_refuses_without(server: &SmtpServer, security: SmtpSecurity, key: &str) {
    let ca_file = server.ca_file().map(std::path::Path::to_path_buf);
    let trusting = SmtpConfig { security, ca_file, ..plain_smtp(server.port()) };
    let notifier = Notifier::new(&NotifyConfig { smtp: Some(trusting), ..NotifyConfig::default() }).unwrap();

    notifier.deliver(&email(&format!("{key}-1"), &["kari@example.org"], "Over TLS", "b")).await.unwrap();

    let mails = server.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].header("Subject"), Some("Over TLS"));

    let untrusting = SmtpConfig { security, ..plain_smtp(server.port()) };
    let notifier = Notifier::new(&NotifyConfig { smtp: Some(untrusting), ..NotifyConfig::default() }).unwrap();
    let error = notifier.deliver(&email(&format!("{key}-2"), &["kari@example.org"], "s", "b")).await.unwrap_err();
    assert!(!error.retryable, "an untrusted certificate is not retried: {error:?}");
    assert_eq!(server.received().len(), 1, "nothing sent over a connection that could not be verified");
}

#[tokio::test]
async fn starttls_delivers_to_a_relay_signed_by_the_configured_ca_and_refuses_an_unknown_one() {
    let server = SmtpServer::start_with_starttls().await;
    delivers_with_the_ca_and_refuses_without(&server, SmtpSecurity::Starttls, "outbox-tls").await;
}

#[tokio::test]
async fn implicit_tls_delivers_to_a_relay_signed_by_the_configured_ca_and_refuses_an_unknown_one() {
    let server = SmtpServer::start_with_implicit_tls().await;
    delivers_with_the_ca_and_refuses_without(&server, SmtpSecurity::Tls, "outbox-smtps").await;

    // A client expecting plain SMTP waits in vain for a greeting from a TLS port: it gives up, nothing is sent.
    let impatient = SmtpConfig { timeout_secs: 1, ..plain_smtp(server.port()) };
    let plain = Notifier::new(&NotifyConfig { smtp: Some(impatient), ..NotifyConfig::default() });
    let error = plain.unwrap().deliver(&email("outbox-smtps-3", &["kari@example.org"], "s", "b")).await.unwrap_err();
    assert_eq!(server.received().len(), 1, "{error:?}");
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_retryable() {
    let notifier = notifier_with_smtp(closed_port());

    let error = notifier.deliver(&email("outbox-501", &["kari@example.org"], "s", "b")).await.unwrap_err();

    assert!(error.retryable, "{error:?}");
    assert!(error.message.contains("SMTP 127.0.0.1:"), "{error:?}");
}

#[tokio::test]
async fn a_channel_without_config_is_not_retryable_and_names_the_section_to_add() {
    let notifier = Notifier::new(&NotifyConfig::default()).unwrap();

    let no_smtp = notifier.deliver(&email("outbox-601", &["kari@example.org"], "s", "b")).await.unwrap_err();
    let no_sms = notifier.deliver(&sms("outbox-602", "+4791234567", "t")).await.unwrap_err();

    assert!(!no_smtp.retryable && no_smtp.message.contains("[notify.smtp]"), "{no_smtp:?}");
    assert!(!no_sms.retryable && no_sms.message.contains("[notify.sms]"), "{no_sms:?}");
}

#[tokio::test]
async fn each_webhook_preset_posts_its_json_with_the_idempotency_key() {
    let receiver = HttpReceiver::start().await;
    let notifier = webhook_notifier(10);
    let presets =
        [("generic", WebhookPreset::Generic), ("slack", WebhookPreset::Slack), ("teams", WebhookPreset::Teams)];

    for (name, preset) in presets {
        let message = webhook(&format!("hook-{name}"), receiver.url(&format!("/hooks/{name}")), preset);
        let receipt = notifier.deliver(&message).await.unwrap();
        assert!(receipt.detail.starts_with("HTTP 200"), "{receipt:?}");
    }

    let requests = receiver.requests();
    assert_eq!(requests.len(), 3);
    for (request, (name, _)) in requests.iter().zip(presets) {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, format!("/hooks/{name}"));
        assert_eq!(request.header("Idempotency-Key"), Some(format!("hook-{name}").as_str()));
        assert_eq!(request.header("Content-Type"), Some("application/json"));
    }
    assert_eq!(
        requests[0].json(),
        json!({
            "idempotency_key": "hook-generic",
            "subject": "P1 Altinn innlogging nede",
            "body": "Brukere får ikke logget inn.\nNeste oppdatering 14:30.",
        })
    );
    assert_eq!(
        requests[1].json(),
        json!({ "text": "*P1 Altinn innlogging nede*\nBrukere får ikke logget inn.\nNeste oppdatering 14:30." })
    );
    let teams = requests[2].json();
    let attachment = &teams["attachments"][0];
    assert_eq!(teams["type"], "message");
    assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
    assert_eq!(attachment["content"]["type"], "AdaptiveCard");
    assert_eq!(attachment["content"]["body"][0]["text"], "P1 Altinn innlogging nede");
    assert_eq!(attachment["content"]["body"][1]["text"], "Brukere får ikke logget inn.\nNeste oppdatering 14:30.");
}

#[tokio::test]
async fn a_prebuilt_payload_is_sent_as_is() {
    let receiver = HttpReceiver::start().await;
    let payload = json!({ "blocks": [{ "type": "section", "text": { "type": "mrkdwn", "text": "*custom*" } }] });
    let mut message = webhook("hook-custom", receiver.url("/slack"), WebhookPreset::Slack);
    message.payload = Some(payload.clone());

    webhook_notifier(10).deliver(&message).await.unwrap();

    assert_eq!(receiver.requests()[0].json(), payload);
}

#[tokio::test]
async fn a_server_error_is_retryable_and_the_retry_carries_the_same_key() {
    let receiver = HttpReceiver::replying([Reply::with_body(500, "database is down")]).await;
    let notifier = webhook_notifier(10);
    // Webhook URLs embed secrets; the error must not repeat them.
    let message = webhook("hook-retry", receiver.url("/services/T000/B000/SECRETTOKEN"), WebhookPreset::Generic);

    let first = notifier.deliver(&message).await.unwrap_err();
    let second = notifier.deliver(&message).await;

    assert!(first.retryable, "{first:?}");
    assert!(first.message.contains("500") && first.message.contains("database is down"), "{first:?}");
    assert!(!first.message.contains("SECRETTOKEN"), "{first:?}");
    assert!(second.is_ok(), "{second:?}");
    let keys: Vec<_> =
        receiver.requests().iter().map(|request| request.header("Idempotency-Key").map(str::to_owned)).collect();
    assert_eq!(keys, [Some("hook-retry".to_owned()), Some("hook-retry".to_owned())]);
}

#[tokio::test]
async fn a_client_error_is_not_retryable_but_too_many_requests_is() {
    let receiver = HttpReceiver::replying([Reply::with_body(400, "invalid_payload"), Reply::status(429)]).await;
    let notifier = webhook_notifier(10);

    let bad_request = notifier.deliver(&webhook("hook-400", receiver.url("/"), WebhookPreset::Slack)).await;
    let throttled = notifier.deliver(&webhook("hook-429", receiver.url("/"), WebhookPreset::Slack)).await;

    let bad_request = bad_request.unwrap_err();
    assert!(!bad_request.retryable && bad_request.message.contains("400"), "{bad_request:?}");
    let throttled = throttled.unwrap_err();
    assert!(throttled.retryable && throttled.message.contains("429"), "{throttled:?}");
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out_retryably() {
    let receiver = HttpReceiver::replying([Reply::Hang]).await;

    let error = webhook_notifier(1)
        .deliver(&webhook("hook-hang", receiver.url("/"), WebhookPreset::Generic))
        .await
        .unwrap_err();

    assert!(error.retryable && error.message.contains("no answer in time"), "{error:?}");
    assert_eq!(receiver.requests().len(), 1);
}

#[tokio::test]
async fn an_unreachable_webhook_is_retryable() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());

    let error = webhook_notifier(10).deliver(&webhook("hook-down", url, WebhookPreset::Teams)).await.unwrap_err();

    assert!(error.retryable, "{error:?}");
}

#[tokio::test]
async fn the_sms_gateway_gets_the_json_template_filled_with_escaped_text() {
    let receiver = HttpReceiver::replying([Reply::with_body(202, r#"{"id":"msg-77","status":"queued"}"#)]).await;
    let template = r#"{"recipients": ["{to}"], "message": "{text}", "sender": "{sender}", "ref": "{idempotency_key}"}"#;
    let notifier = notifier_with_sms(sms_gateway(receiver.url("/v1/sms"), "application/json", template));
    let text = "P1: \"Søknad\" er nede.\nRing vakt: 22 00 00 00 \\ {text} </x>";

    let receipt = notifier.deliver(&sms("sms-1", "+47 912 34 567", text)).await.unwrap();

    assert!(receipt.detail.contains("202") && receipt.detail.contains("msg-77"), "{receipt:?}");
    let request = &receiver.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/sms");
    assert_eq!(request.header("Authorization"), Some("Bearer test-token"));
    assert_eq!(request.header("Idempotency-Key"), Some("sms-1"));
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({ "recipients": ["+4791234567"], "message": text, "sender": "Vakt", "ref": "sms-1" })
    );
}

#[tokio::test]
async fn the_sms_gateway_gets_a_form_encoded_body() {
    let receiver = HttpReceiver::start().await;
    let gateway =
        sms_gateway(receiver.url("/send"), "application/x-www-form-urlencoded", "to={to}&text={text}&from={sender}");

    notifier_with_sms(gateway).deliver(&sms("sms-2", "0046 70 123 45 67", "Åter i drift & \"klart\"\n")).await.unwrap();

    let request = &receiver.requests()[0];
    assert_eq!(request.header("Content-Type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.body_text(), "to=%2B46701234567&text=%C3%85ter+i+drift+%26+%22klart%22%0A&from=Vakt");
}

#[tokio::test]
async fn a_get_gateway_takes_the_placeholders_in_the_url() {
    let receiver = HttpReceiver::start().await;
    let mut gateway = sms_gateway(receiver.url("/sms?to={to}&msg={text}"), "text/plain", "");
    gateway.method = SmsMethod::Get;

    notifier_with_sms(gateway).deliver(&sms("sms-3", "+4791234567", "Nede/oppe? ja")).await.unwrap();

    let request = &receiver.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/sms?to=%2B4791234567&msg=Nede%2Foppe%3F%20ja");
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn a_gateway_that_answers_200_without_confirming_is_not_retryable() {
    let receiver = HttpReceiver::replying([Reply::with_body(200, "ERROR 31: insufficient credit")]).await;
    let mut gateway = sms_gateway(receiver.url("/send"), "application/json", r#"{"to":"{to}","text":"{text}"}"#);
    gateway.success_body_contains = Some(r#""status":"queued""#.into());

    let error = notifier_with_sms(gateway).deliver(&sms("sms-4", "+4791234567", "t")).await.unwrap_err();

    assert!(!error.retryable && error.message.contains("insufficient credit"), "{error:?}");
    assert!(!error.message.contains("test-token"), "{error:?}");
}
