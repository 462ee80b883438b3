//! A status update as e-mail: a one-line subject (a line break in a title can never start another
//! header) and a plain-text body in the agreement's language. Exercises are marked at the start of the
//! subject and at the top and bottom of the body.

use super::update::{MessageHeader, StatusUpdate};
use crate::domain::text;

/// An e-mail ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailMessage {
    /// One line, no control characters.
    pub subject: String,
    /// Plain text, `\n` line ends, no control characters but line breaks.
    pub body: String,
}

/// Renders a status update as e-mail.
pub fn render_email(header: &MessageHeader, update: &StatusUpdate) -> EmailMessage {
    let w = header.lang.words();
    let marker = if header.exercise { format!("[{}] ", w.exercise) } else { String::new() };
    let subject = format!(
        "{marker}{} {}: {} – {} {}",
        w.major_incident,
        text::one_line(&header.reference),
        text::one_line(&header.title),
        w.status_update,
        header.sequence
    );
    let mut body = String::new();
    if header.exercise {
        body.push_str(&format!("*** {} ***\n\n", w.exercise_banner));
    }
    body.push_str(&format!(
        "{} {}: {}\n",
        w.major_incident,
        text::one_line(&header.reference),
        text::one_line(&header.title)
    ));
    body.push_str(&format!(
        "{} {} – {} ({})\n",
        w.status_update,
        header.sequence,
        super::locale::local_time(header.sent_at, header.zone),
        header.zone.name()
    ));
    body.push_str(&format!(
        "{}: {}   {}: {}\n",
        w.priority,
        text::one_line(&header.priority),
        w.state,
        header.state_word()
    ));
    body.push_str(&format!("{}: {}\n", w.services, text::one_line(&header.services.join(", "))));
    for (label, value) in [
        (w.what_happened, update.what_happened.as_str()),
        (w.cause, update.cause.as_str()),
        (w.expected_resolution, header.eta_text(&update.expected_resolution).as_str()),
        (w.workaround, update.workaround.as_str()),
    ] {
        body.push_str(&format!("\n{label}:\n"));
        for line in text::block(value.trim()).lines() {
            body.push_str(&format!("  {line}\n"));
        }
    }
    if let Some(next) = header.next_update {
        body.push_str(&format!("\n{}: {}\n", w.next_update, super::locale::local_time(next, header.zone)));
    }
    if header.exercise {
        body.push_str(&format!("\n*** {} ***\n", w.exercise_banner));
    }
    EmailMessage { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::major::test_support::{header, update};

    #[test]
    fn subject_is_one_line_and_exercise_is_marked() {
        let mut h = header("ALTINN", true);
        h.title = "SBL nede\r\nBcc: everyone@example.org".to_string();
        let mail = render_email(&h, &update());
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
        assert_eq!(
            mail.subject,
            "[ØVELSE] Storhendelse INC-2026-0042: SBL nede⏎Bcc: everyone@example.org – Statusoppdatering 3"
        );
        assert!(mail.body.starts_with("*** ØVELSE – dette er en øvelse, ikke en reell hendelse ***\n"));
        assert!(mail.body.trim_end().ends_with("*** ØVELSE – dette er en øvelse, ikke en reell hendelse ***"));
    }

    #[test]
    fn body_carries_the_four_fields_in_the_agreement_language() {
        let h = header("STHLM-SD", false);
        let mail = render_email(&h, &update());
        for label in ["Vad som inträffat:", "Orsak:", "Beräknas avhjälpt:", "Workaround:", "Nästa uppdatering senast:"]
        {
            assert!(mail.body.contains(label), "{label} in {}", mail.body);
        }
        assert!(!mail.body.contains("ÖVNING"));
        assert!(mail.body.contains("  2026-03-02 16:00\n"), "{}", mail.body);
        assert!(!mail.body.contains('\u{1b}'));
    }
}
