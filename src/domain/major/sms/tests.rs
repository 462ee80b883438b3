//! SMS length, encoding and sensible truncation.

use super::*;
use crate::domain::major::test_support::{header, update};

#[test]
fn a_short_update_fits_one_gsm_message_unchanged() {
    let mut u = update();
    u.what_happened = "Innlogging feiler".into();
    u.cause = "Lastbalanserer".into();
    u.workaround = "Ingen".into();
    let sms = render_sms(&header("ALTINN", false), &u);
    assert_eq!(
        sms.text,
        "INC-2026-0042 SBL utilgjengelig: Innlogging feiler. Ventet løst: 16:00. Årsak: Lastbalanserer. Midl. løsning: Ingen"
    );
    assert_eq!((sms.encoding, sms.units, sms.truncated), (SmsEncoding::Gsm7, sms.text.chars().count(), false));
}

#[test]
fn long_updates_are_cut_evenly_and_keep_reference_marker_and_eta() {
    let mut u = update();
    u.what_happened = "Brukere får feilmelding ved innlogging via ID-porten, både på web og i app. ".repeat(3);
    u.cause = "Feil i lastbalanserer hos driftsleverandør etter planlagt endring i natt. ".repeat(2);
    u.workaround = "Ingen kjent – bruk papirskjema der det er mulig.".into();
    for (agreement, marker) in [("ALTINN", "ØVELSE: "), ("STHLM-SD", "ÖVNING: ")] {
        let sms = render_sms(&header(agreement, true), &u);
        assert!(sms.units <= 160, "{} units: {}", sms.units, sms.text);
        assert_eq!(sms.encoding, SmsEncoding::Gsm7, "{}", sms.text);
        assert!(sms.truncated);
        assert!(sms.text.starts_with(&format!("{marker}INC-2026-0042 ")), "{}", sms.text);
        assert!(sms.text.contains(": 16:00."), "{}", sms.text);
        assert!(sms.text.contains("..."), "{}", sms.text);
        assert!(!sms.text.contains('\u{1b}') && !sms.text.contains('–'), "{}", sms.text);
        assert!(!sms.text.contains("...."), "{}", sms.text);
    }
}

#[test]
fn typography_is_made_gsm_and_other_scripts_fall_back_to_ucs2() {
    assert_eq!(plain(" «Nede» – igjen…\n\tny\u{202e} linje "), "\"Nede\" - igjen... ny linje");
    // Invisible characters are dropped too: a soft hyphen alone would force the message into UCS-2.
    assert_eq!(plain("De\u{ad}ling\u{180e} av\u{206a} tje\u{e0041}nes\u{fff9}ter"), "Deling av tjenester");
    assert!(is_gsm(&plain("De\u{ad}ling")));
    assert!(is_gsm("Æøå ÄÖ é ü {}[]€"));
    assert_eq!(SmsEncoding::Gsm7.length("{x}€"), 7);
    let mut u = update();
    u.what_happened = "Сбой входа 🔥".into();
    let sms = render_sms(&header("ALTINN", false), &u);
    assert_eq!(sms.encoding, SmsEncoding::Ucs2);
    assert!(sms.units <= 70, "{} units: {}", sms.units, sms.text);
    assert!(sms.text.starts_with("INC-2026-0042"), "{}", sms.text);
    assert_eq!(sms.units, sms.text.encode_utf16().count());
}

#[test]
fn when_even_short_fields_do_not_fit_optional_fields_are_left_out() {
    let mut h = header("ALTINN", true);
    h.reference = "INC-".to_string() + &"9".repeat(90);
    let sms = render_sms(&h, &update());
    assert!(sms.units <= 160, "{}", sms.text);
    assert!(sms.text.starts_with(&format!("ØVELSE: {}", h.reference)), "{}", sms.text);
    assert!(!sms.text.contains("Midl. løsning"), "{}", sms.text);
    assert!(sms.truncated);
}

#[test]
fn cutting_never_splits_a_character_and_respects_two_unit_characters() {
    assert_eq!(cut("abcdef", 5, SmsEncoding::Gsm7), "ab...");
    assert_eq!(cut("a€€€€", 6, SmsEncoding::Gsm7), "a€...");
    assert_eq!(cut("🔥🔥🔥🔥", 6, SmsEncoding::Ucs2), "🔥...");
    assert_eq!(cut("ab", 5, SmsEncoding::Gsm7), "ab");
}
