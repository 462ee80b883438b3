//! Fixtures shared by the major-incident tests: the shipped agreements and a declared Altinn major.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::locale::Lang;
use super::model::{Declaration, MajorIncident};
use super::update::{Eta, MessageHeader, StatusUpdate};
use crate::domain::agreement::Agreement;

pub(crate) const ALTINN: &str = include_str!("../../../agreements/altinn.toml");
pub(crate) const ROR: &str = include_str!("../../../agreements/ror-ikt.toml");
pub(crate) const STOCKHOLM: &str = include_str!("../../../agreements/stockholm.toml");
pub(crate) const TRANEMO: &str = include_str!("../../../agreements/tranemo-ulricehamn.toml");

/// A shipped agreement by code.
pub(crate) fn agreement(code: &str) -> Agreement {
    let text = match code {
        "ALTINN" => ALTINN,
        "ROR-IKT" => ROR,
        "STHLM-SD" => STOCKHOLM,
        "TU-IT" => TRANEMO,
        other => panic!("no shipped agreement {other}"),
    };
    Agreement::from_toml(text).unwrap()
}

pub(crate) fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub(crate) fn local(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
}

pub(crate) fn oslo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    local(chrono_tz::Europe::Oslo, y, m, d, h, min)
}

/// An Altinn A major on SBL declared 2026-03-02 14:00 Oslo time by anna, affecting two service owners.
pub(crate) fn altinn_major(exercise: bool) -> MajorIncident {
    let declaration = Declaration {
        reference: "INC-2026-0042".to_string(),
        agreement: "ALTINN".to_string(),
        priority: "a".to_string(),
        title: "SBL utilgjengelig".to_string(),
        at: oslo(2026, 3, 2, 14, 0),
        by: "anna".to_string(),
        services: vec!["sbl".to_string()],
        organisations: vec!["nav".to_string(), "skatteetaten".to_string()],
        impact: "Innlogging til Altinn feiler for alle sluttbrukere.".to_string(),
        exercise,
    };
    MajorIncident::declare(declaration, &agreement("ALTINN")).unwrap()
}

/// The header of update 3 of a major under `agreement` ("ALTINN" → Norwegian, "STHLM-SD" → Swedish).
pub(crate) fn header(agreement: &str, exercise: bool) -> MessageHeader {
    let (lang, zone) = match agreement {
        "STHLM-SD" | "TU-IT" => (Lang::Sv, chrono_tz::Europe::Stockholm),
        _ => (Lang::Nb, chrono_tz::Europe::Oslo),
    };
    let mut major = altinn_major(exercise);
    major.declaration.agreement = agreement.to_string();
    MessageHeader::for_major(&major, 3, utc("2026-03-02T13:05:00Z"), Some(utc("2026-03-02T13:35:00Z")), lang, zone)
}

/// A complete status update with a control sequence in it.
pub(crate) fn update() -> StatusUpdate {
    StatusUpdate {
        what_happened: "Innlogging via ID-porten feiler\u{1b}[2J for alle brukere.".to_string(),
        cause: "Feil i lastbalanserer hos driftsleverandør.".to_string(),
        expected_resolution: Eta::At(utc("2026-03-02T15:00:00Z")),
        workaround: "Ingen.".to_string(),
    }
}
