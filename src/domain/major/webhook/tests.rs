//! Webhook payloads: shape, exercise marking and hostile text.

use serde_json::{Value, json};

use super::*;
use crate::domain::major::test_support::{header, update};

fn render(preset: WebhookPreset, exercise: bool, hostile: bool) -> Value {
    let mut h = header("ALTINN", exercise);
    let mut u = update();
    if hostile {
        h.title = "<!channel> *urgent* & \"quoted\"".into();
        u.cause = "<script>alert(1)</script> [x](http://evil) \u{7}".into();
    }
    serde_json::to_value(render_webhook(preset, &h, &u)).unwrap()
}

#[test]
fn the_generic_payload_carries_the_data_raw_and_the_exercise_flag() {
    let v = render(WebhookPreset::Generic, true, true);
    assert_eq!(v["event"], "major_incident.status_update");
    assert_eq!((v["exercise"].clone(), v["exercise_label"].clone()), (json!(true), json!("ØVELSE")));
    assert_eq!(v["title"], "<!channel> *urgent* & \"quoted\"");
    assert_eq!(v["update"]["expected_resolution_at"], "2026-03-02T15:00:00Z");
    assert_eq!(v["update"]["expected_resolution_text"], Value::Null);
    assert_eq!(v["state"], "declared");
    let plain = render(WebhookPreset::Generic, false, false);
    assert!(plain.get("exercise_label").is_none());
    // The serialiser escapes control characters: the JSON text itself holds no raw ESC or BEL.
    let text =
        serde_json::to_string(&render_webhook(WebhookPreset::Generic, &header("ALTINN", false), &update())).unwrap();
    assert!(text.contains("\\u001b[2J") && !text.contains('\u{1b}'), "{text}");
}

#[test]
fn slack_escapes_the_fallback_and_uses_plain_text_blocks() {
    let v = render(WebhookPreset::Slack, true, true);
    let text = v["text"].as_str().unwrap();
    assert!(
        text.starts_with("[ØVELSE] Storhendelse INC-2026-0042: &lt;!channel&gt; *urgent* &amp; \"quoted\""),
        "{text}"
    );
    assert!(!text.contains("<!channel>"));
    let blocks = v["blocks"].as_array().unwrap();
    assert_eq!(
        blocks[0],
        json!({"type": "section", "text": {"type": "plain_text", "text": "ØVELSE – dette er en øvelse, ikke en reell hendelse"}})
    );
    assert_eq!(blocks[1]["type"], "header");
    assert!(blocks.iter().all(|b| b.get("text").is_none_or(|t| t["type"] == "plain_text")));
    let cause = blocks.iter().find(|b| b["text"]["text"].as_str().is_some_and(|t| t.starts_with("Årsak:"))).unwrap();
    assert_eq!(cause["text"]["text"], "Årsak:\n<script>alert(1)</script> [x](http://evil) ␇");
}

#[test]
fn slack_headers_respect_the_block_kit_limit() {
    let mut h = header("ALTINN", false);
    h.title = "x".repeat(400);
    let v = serde_json::to_value(render_webhook(WebhookPreset::Slack, &h, &update())).unwrap();
    assert_eq!(v["blocks"][0]["text"]["text"].as_str().unwrap().chars().count(), 150);
}

#[test]
fn teams_gets_an_adaptive_card_of_text_runs() {
    let v = render(WebhookPreset::Teams, true, true);
    assert_eq!(v["type"], "message");
    let attachment = &v["attachments"][0];
    assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
    assert_eq!(attachment["contentUrl"], Value::Null);
    let card = &attachment["content"];
    assert_eq!((card["type"].clone(), card["version"].clone()), (json!("AdaptiveCard"), json!("1.4")));
    assert_eq!(card["$schema"], "http://adaptivecards.io/schemas/adaptive-card.json");
    let body = card["body"].as_array().unwrap();
    assert!(body.iter().all(|b| b["type"] == "RichTextBlock"), "no TextBlock: it would render Markdown");
    assert_eq!(body[0]["inlines"][0]["text"], "ØVELSE – dette er en øvelse, ikke en reell hendelse");
    assert_eq!(body[0]["inlines"][0]["color"], "Attention");
    assert!(body[1]["inlines"][0]["text"].as_str().unwrap().starts_with("[ØVELSE] "));
    let texts: Vec<&str> = body.iter().filter_map(|b| b["inlines"][0]["text"].as_str()).collect();
    assert!(texts.contains(&"<script>alert(1)</script> [x](http://evil) ␇"), "{texts:?}");
    assert!(card["fallbackText"].as_str().unwrap().starts_with("[ØVELSE] "));
}

#[test]
fn swedish_agreements_mark_exercises_as_ovning_in_every_preset() {
    for preset in [WebhookPreset::Generic, WebhookPreset::Slack, WebhookPreset::Teams] {
        let payload = serde_json::to_string(&render_webhook(preset, &header("STHLM-SD", true), &update())).unwrap();
        assert!(payload.contains("ÖVNING"), "{preset:?}: {payload}");
        let real = serde_json::to_string(&render_webhook(preset, &header("STHLM-SD", false), &update())).unwrap();
        assert!(!real.contains("ÖVNING"), "{preset:?}");
    }
}
