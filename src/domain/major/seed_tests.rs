//! The shipped agreements' `[major]` sections carry the seeds' facts (and explicit defaults where the seeds
//! are silent); the whole flow works on them.

use chrono::Duration;

use super::escalation::{EscalationReason, propose};
use super::locale::Lang;
use super::phone::plan_calls;
use super::records::Contact;
use super::rota::duty_contact;
use super::test_support::{agreement, altinn_major, header, oslo, update};
use super::webhook::{WebhookPreset, render_webhook};
use super::{MajorPolicy, render_email, render_sms};
use crate::domain::agreement::major_policy::DutyLine;
use crate::domain::agreement::spec::{Notice, NoticeUnit, TargetKind};
use crate::domain::major::records::ChannelKind;

fn policy(code: &str) -> MajorPolicy {
    agreement(code).spec().major.clone()
}

fn ladder(code: &str) -> Vec<String> {
    policy(code).levels().iter().map(|l| l.name.clone()).collect()
}

fn minutes(code: &str, priority: &str) -> Option<i64> {
    policy(code).cadence.interval_for(priority).map(|d| d.num_minutes())
}

#[test]
fn escalation_ladders_follow_the_seeds() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "ALTINN",
            &[
                "Operativt nivå",
                "Serviceleder",
                "Seksjonsleder Forvaltning og tjenesterealisering",
                "Avdelingsdirektør/direktør",
            ],
        ),
        ("STHLM-SD", &["SD Analyst", "Incident Manager", "SD Manager", "Staden"]),
        ("ROR-IKT", &["Kundeservice", "Daglig leder", "Porteføljerådet", "Samarbeidsrådet"]),
    ];
    for (code, want) in cases {
        assert_eq!(ladder(code), want, "{code}");
        let escalation = policy(code).escalation.unwrap();
        assert_eq!(
            (escalation.clock_thresholds.as_slice(), escalation.allow_skip),
            ([75, 90].as_slice(), false),
            "{code}"
        );
        assert_eq!(escalation.clock_targets, [TargetKind::Resolution]);
        assert!(escalation.on_missed_update);
    }
    assert!(policy("TU-IT").escalation.is_none(), "Tranemo/Ulricehamn has no major-incident process");
}

#[test]
fn cadence_is_an_explicit_default_per_priority() {
    let cases = [
        ("ALTINN", "A", Some(30)),
        ("ALTINN", "B", Some(60)),
        ("ALTINN", "C", None),
        ("ROR-IKT", "Kritisk", Some(30)),
        ("ROR-IKT", "Høy", Some(60)),
        ("ROR-IKT", "Middels", None),
        ("STHLM-SD", "P1", Some(30)),
        ("STHLM-SD", "P2", Some(60)),
        ("STHLM-SD", "P3", None),
        ("TU-IT", "intefunktion", Some(60)),
    ];
    for (code, priority, want) in cases {
        assert_eq!(minutes(code, priority), want, "{code} {priority}");
    }
    for code in ["ALTINN", "ROR-IKT", "STHLM-SD", "TU-IT"] {
        let cadence = policy(code).cadence;
        assert_eq!((cadence.due_soon, cadence.grace), (Duration::minutes(5), Duration::minutes(15)), "{code}");
    }
}

#[test]
fn phone_duty_covers_altinn_a_and_b_only() {
    let altinn = policy("ALTINN");
    let cases = [("A", true), ("B", true), ("C", false)];
    for (priority, want) in cases {
        assert_eq!(altinn.phone_duty.applies_to(priority), want, "{priority}");
    }
    assert_eq!(altinn.phone_duty.roles, ["Serviceleder", "Hendelsesansvarlig"]);
    for code in ["ROR-IKT", "STHLM-SD", "TU-IT"] {
        assert!(policy(code).phone_duty.priorities.is_empty(), "{code}");
    }
    let contacts = [Contact {
        organisation: "nav".into(),
        name: "Kari Nordmann".into(),
        role: "Hendelsesansvarlig".into(),
        email: None,
        phone: None,
        mobile: Some("900 00 001".into()),
    }];
    let orgs = ["nav".to_string()];
    assert_eq!(plan_calls(&altinn.phone_duty, "B", &orgs, &contacts).tasks.len(), 1);
    assert!(plan_calls(&altinn.phone_duty, "C", &orgs, &contacts).tasks.is_empty());
}

#[test]
fn duty_lines_and_channels_follow_the_seeds() {
    let altinn = agreement("ALTINN");
    let line = &altinn.spec().major.duty;
    let open_at = oslo(2026, 3, 2, 10, 0);
    let night = oslo(2026, 3, 2, 22, 0);
    let shown = |at| duty_contact(line, &DutyLine::default(), altinn.support_calendar().is_open(at));
    assert_eq!(shown(open_at).phone.as_deref(), Some("75 00 62 99"));
    assert_eq!(shown(night).phone.as_deref(), Some("954 90 002"));
    assert_eq!(shown(night).mailbox.as_deref(), Some("tjenesteeier@altinn.no"));
    assert_eq!(policy("ROR-IKT").duty.phone.as_deref(), Some("71 11 11 66"));
    assert!(policy("STHLM-SD").duty.is_empty(), "the seed names no number: the global setting applies");
    assert_eq!(policy("STHLM-SD").alternative_channels, [ChannelKind::Sms]);
    assert_eq!(policy("ROR-IKT").alternative_channels, [ChannelKind::Sms]);
}

#[test]
fn report_due_dates_are_explicit_defaults() {
    let cases = [
        ("ALTINN", Notice { amount: 5, unit: NoticeUnit::WorkingDays }),
        ("ROR-IKT", Notice { amount: 5, unit: NoticeUnit::WorkingDays }),
        ("STHLM-SD", Notice { amount: 7, unit: NoticeUnit::Days }),
        ("TU-IT", Notice { amount: 5, unit: NoticeUnit::WorkingDays }),
    ];
    for (code, want) in cases {
        assert_eq!(policy(code).report.due, want, "{code}");
    }
}

#[test]
fn exercises_are_marked_in_the_region_language_in_every_channel() {
    let cases = [("ALTINN", "ØVELSE"), ("ROR-IKT", "ØVELSE"), ("STHLM-SD", "ÖVNING"), ("TU-IT", "ÖVNING")];
    for (code, marker) in cases {
        let a = agreement(code);
        let lang = a.spec().major.lang(a.spec().region);
        assert_eq!(lang.words().exercise, marker, "{code}");
        let mut h = header("ALTINN", true);
        h.lang = lang;
        let u = update();
        let mail = render_email(&h, &u);
        assert!(mail.subject.starts_with(&format!("[{marker}] ")), "{code}: {}", mail.subject);
        assert!(render_sms(&h, &u).text.starts_with(&format!("{marker}: ")), "{code}");
        for preset in [WebhookPreset::Generic, WebhookPreset::Slack, WebhookPreset::Teams] {
            let json = serde_json::to_string(&render_webhook(preset, &h, &u)).unwrap();
            assert!(json.contains(marker), "{code} {preset:?}");
        }
    }
    assert_eq!(Lang::En.words().exercise, "EXERCISE");
}

#[test]
fn the_shipped_altinn_ladder_drives_proposals() {
    let escalation = policy("ALTINN").escalation.unwrap();
    let major = altinn_major(false);
    let clock = crate::domain::sla::record::ClockRecord {
        target: TargetKind::Resolution,
        clock: "24x7".into(),
        state: "warning".into(),
        counting: true,
        due: Some(oslo(2026, 3, 2, 19, 0)),
        replanned_due: None,
        elapsed_seconds: 4 * 3600,
        budget_seconds: Some(5 * 3600),
        breached_at: None,
        met_at: None,
    };
    let proposal = propose(&escalation, &major, &[clock], None, &[]).unwrap();
    assert_eq!(proposal.level_name, "Serviceleder");
    assert_eq!(proposal.reason, EscalationReason::ClockThreshold { target: TargetKind::Resolution, percent: 75 });
}

#[test]
fn agreements_validate_their_major_section_and_keep_it_through_a_toml_round_trip() {
    use crate::domain::agreement::Agreement;
    use crate::domain::major::test_support::ALTINN;
    let broken = ALTINN.replace(r#"priorities = ["A", "B"]"#, r#"priorities = ["A", "X"]"#);
    assert_eq!(
        Agreement::from_toml(&broken).unwrap_err().to_string(),
        "agreement ALTINN: major.phone_duty names priority 'X', which the agreement does not define (known: A, B, C)"
    );
    let empty_ladder = format!("{}\n[major.escalation]\nlevels = []\n", crate::domain::major::test_support::TRANEMO);
    assert_eq!(
        Agreement::from_toml(&empty_ladder).unwrap_err().to_string(),
        "agreement TU-IT: the escalation ladder [major.escalation] has no levels: add at least one, e.g. levels = \
         [{ name = \"Operational\" }]"
    );
    for code in ["ALTINN", "ROR-IKT", "STHLM-SD", "TU-IT"] {
        let a = agreement(code);
        let again = Agreement::from_toml(&a.to_toml().unwrap()).unwrap();
        assert_eq!(again.spec().major, a.spec().major, "{code}");
        assert!(!a.spec().major.is_default(), "{code} ships a [major] section");
    }
}
