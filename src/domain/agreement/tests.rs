//! Agreement validation, error messages, TOML round trip and version selection.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;

pub(super) const ROR: &str = include_str!("../../../agreements/ror-ikt.toml");
pub(super) const ALTINN: &str = include_str!("../../../agreements/altinn.toml");
pub(super) const STOCKHOLM: &str = include_str!("../../../agreements/stockholm.toml");
pub(super) const TRANEMO: &str = include_str!("../../../agreements/tranemo-ulricehamn.toml");

const MINIMAL: &str = r#"
code = "T"
name = "Test"
version = "1"
valid_from = "2024-01-01"
region = "NO"
zone = "Europe/Oslo"
[clock]
support_calendar = "desk"
[[calendars]]
code = "desk"
name = "Desk"
hours = { mon-fri = ["08:00-16:00"] }
[[priorities]]
label = "Høy"
[[priorities.targets]]
kind = "resolution"
amount = 4
unit = "hours"
"#;

fn error_of(text: &str) -> String {
    Agreement::from_toml(text).unwrap_err().to_string()
}

#[test]
fn shipped_agreements_round_trip_through_toml() {
    for text in [ROR, ALTINN, STOCKHOLM, TRANEMO] {
        let agreement = Agreement::from_toml(text).unwrap();
        let written = agreement.to_toml().unwrap();
        let again = Agreement::from_toml(&written).unwrap();
        assert_eq!(again, agreement, "{} changed on a round trip", agreement.code());
        assert_eq!(again.spec(), agreement.spec());
    }
}

#[test]
fn defaults_apply_to_a_minimal_agreement() {
    let a = Agreement::from_toml(MINIMAL).unwrap();
    assert_eq!(a.clock_rules().warning_thresholds, [50, 75, 90]);
    assert!(a.clock_rules().pause_reasons.is_empty());
    assert_eq!(a.clock_rules().working_days, WorkingDayRule::SameTimeNthDay);
    let target = a.priority("Høy").unwrap().target(TargetKind::Resolution).unwrap();
    assert_eq!((target.start_milestone(), target.stop_milestones()), (Milestone::Received, &[Milestone::Resolved][..]));
    assert_eq!(a.support_calendar().code(), "desk");
    assert!(a.calendar("24x7").unwrap().is_always_open());
}

#[test]
fn unknown_priority_lists_the_known_labels() {
    let ror = Agreement::from_toml(ROR).unwrap();
    assert_eq!(
        ror.priority("X").unwrap_err().to_string(),
        "unknown priority 'X' for agreement ROR-IKT (known: Kritisk, Høy, Middels, Lav)"
    );
    assert_eq!(ror.priority("høy").unwrap().label, "Høy", "case-insensitive fallback");
    assert_eq!((ror.rank("Kritisk"), ror.rank("Lav"), ror.rank("A")), (Some(1), Some(4), None));
}

#[test]
fn parse_errors_carry_line_and_column() {
    let message = error_of(&MINIMAL.replace("amount = 4", "amount = \"four\""));
    assert!(message.contains("line 18"), "{message}");
    assert!(message.contains("column"), "{message}");
    let unknown_field = error_of(&MINIMAL.replace("unit = \"hours\"", "unit = \"hours\"\ncolour = \"red\""));
    assert!(unknown_field.contains("unknown field `colour`"), "{unknown_field}");
}

#[test]
fn validation_rejects_inconsistent_agreements() {
    let cases = [
        (MINIMAL.replace("support_calendar = \"desk\"", "support_calendar = \"dsek\""), "clock.support_calendar uses unknown calendar 'dsek' (known: desk, 24x7)"),
        (MINIMAL.replace("unit = \"hours\"", "unit = \"hours\"\nclock = \"night\""), "priority 'Høy' resolution target uses unknown calendar 'night'"),
        (format!("{MINIMAL}\n[[priorities]]\nlabel = \"høy\"\n"), "priority 'høy' is defined twice"),
        (MINIMAL.split("[[priorities]]").next().unwrap().to_string(), "empty priority scheme"),
        (MINIMAL.replace("amount = 4", "amount = 0"), "the amount must be at least 1"),
        (format!("{MINIMAL}[[priorities.targets]]\nkind = \"resolution\"\namount = 1\nunit = \"hours\"\n"), "resolution target: defined twice"),
        (MINIMAL.replace("code = \"desk\"", "code = \"24x7\""), "calendar '24x7' is defined twice or uses a reserved name"),
        (MINIMAL.replace("[clock]", "[clock]\nwarning_thresholds = [75, 50]"), "warning thresholds [75, 50]"),
        (MINIMAL.replace("zone = \"Europe/Oslo\"", "zone = \"Oslo\""), "unknown time zone 'Oslo'"),
        (format!("{MINIMAL}[[services]]\ncode = \"S\"\nname = \"S\"\nowner = \"nobody\"\n"), "service 'S' refers to unknown organisation 'nobody'"),
        (format!("{MINIMAL}[[availability]]\nservices = [\"S\"]\npercent = 99.0\nperiod = \"year\"\ncalendar = \"24x7\"\nmaintenance = \"counts\"\n"), "availability[0] refers to unknown service 'S'"),
        (MINIMAL.replace("[[calendars]]", "[[calendars]]\noverrides = [{ from = \"2024-02-02\", to = \"2024-02-01\", kind = \"closed\", reason = \"R\" }]"), "override 'R': 'to' is before 'from'"),
        (MINIMAL.replace("[clock]", "[clock]\nworking_days = { rule = \"hours_per_day\", day_length = \"25h\" }"), "day_length must be between"),
    ];
    for (text, want) in cases {
        let message = error_of(&text);
        assert!(message.contains(want), "expected «{want}» in «{message}»");
    }
}

#[test]
fn the_version_in_force_is_chosen_by_the_received_date() {
    let current = Agreement::from_toml(ROR).unwrap();
    let older_text = ROR
        .replace("valid_from = 2020-01-01", "valid_from = 2019-02-13")
        .replace("version = \"PDF 2020\"", "version = \"web 2019\"");
    let older = Agreement::from_toml(&older_text).unwrap();
    let versions = [current, older];
    let pick = |y, m, d| {
        version_in_force(&versions, "ROR-IKT", Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap())
            .map(|a| a.spec().version.clone())
    };
    assert_eq!(pick(2019, 6, 1).as_deref(), Some("web 2019"));
    assert_eq!(pick(2021, 6, 1).as_deref(), Some("PDF 2020"));
    assert_eq!(pick(2018, 6, 1), None);
    // 2019-12-31 23:30 UTC is already 2020-01-01 in Oslo.
    let edge = version_in_force(&versions, "ROR-IKT", Utc.with_ymd_and_hms(2019, 12, 31, 23, 30, 0).unwrap());
    assert_eq!(edge.unwrap().spec().version, "PDF 2020");
}

#[test]
fn measuring_periods_and_downtime_budgets() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(MeasuringPeriod::Tertial.containing(d(2024, 6, 15)), Some((d(2024, 5, 1), d(2024, 9, 1))));
    assert_eq!(MeasuringPeriod::Tertial.containing(d(2024, 12, 31)), Some((d(2024, 9, 1), d(2025, 1, 1))));
    assert_eq!(MeasuringPeriod::CalendarMonth.containing(d(2024, 2, 10)), Some((d(2024, 2, 1), d(2024, 3, 1))));
    assert_eq!(MeasuringPeriod::Year.containing(d(2024, 2, 10)), Some((d(2024, 1, 1), d(2025, 1, 1))));
    let altinn = Agreement::from_toml(ALTINN).unwrap();
    let sbl = &altinn.spec().availability[0];
    // 99.9 % of a 31-day month = 44.64 minutes [digest 5.1].
    assert_eq!(sbl.allowed_downtime(Duration::days(31)), Duration::milliseconds(2_678_400));
    let tu = Agreement::from_toml(TRANEMO).unwrap();
    // 99.1 % of 8 760 h = 78.84 h.
    assert_eq!(tu.spec().availability[0].allowed_downtime(Duration::hours(8760)), Duration::seconds(283_824));
}
