//! What each fuzz target checks: that vakt's readers of hostile input never panic or hang, and, where it is cheap,
//! a property beyond that (sanitised text holds no control characters, what vakt writes reads back the same).
//!
//! Shared word for word by the fuzz targets (`fuzz/fuzz_targets`) and by the corpus replay in `cargo test`
//! (`tests/it/fuzz_corpus.rs` includes this file), so that CI checks every corpus file on stable Rust.

use std::str;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, SubsecRound, TimeZone, Utc};
use chrono_tz::Tz;

use vakt::app::model::{Flags, IncidentSummary, NextDue, ServiceRef, StaffRef};
use vakt::app::screens::board::filter::{Filter, FilterContext};
use vakt::app::{Action, ChangeNotice, State};
use vakt::domain::agreement::Agreement;
use vakt::domain::agreement::spec::TargetKind;
use vakt::domain::calendar::wall_clock::{parse_instant, parse_minute};
use vakt::domain::incident::{Status, SupportLine};
use vakt::domain::maintenance::series::{MAX_OCCURRENCES_IN_TEN_YEARS, Series};
use vakt::domain::maintenance::{Impact, WindowKind};
use vakt::domain::sla::record::DueState;
use vakt::domain::text::{self, duration, markup};

/// One target's check of one input: it panics when vakt misbehaves.
pub type Check = fn(&[u8]);

/// Every target by name, as its corpus folder is named (`fuzz/corpus/<name>`).
pub const TARGETS: &[(&str, Check)] = &[
    ("text", text),
    ("board_filter", board_filter),
    ("instant", instant),
    ("duration", duration),
    ("recurrence", recurrence),
    ("agreement", agreement),
    ("change_notice", change_notice),
];

/// Zones the time readers are tried in: the agreements' own, UTC, and one whose clocks move by half an hour.
const ZONES: [Tz; 4] =
    [chrono_tz::Europe::Oslo, chrono_tz::Europe::Stockholm, chrono_tz::UTC, chrono_tz::Australia::Lord_Howe];

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap_or(DateTime::UNIX_EPOCH)
}

fn is_shown_control(c: char) -> bool {
    c.is_control() || text::is_hidden(c)
}

/// The sanitiser and the escapers built on it: no control character, escape sequence or hidden character gets
/// through, and sanitising twice changes nothing.
pub fn text(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let line = text::one_line(&input);
    assert!(!line.chars().any(is_shown_control), "one_line let a control through: {line:?}");
    assert_eq!(text::one_line(&line), line, "one_line is not idempotent");
    let block = text::block(&input);
    assert!(!block.chars().any(|c| c != '\n' && is_shown_control(c)), "block let a control through: {block:?}");
    assert_eq!(text::block(&block), block, "block is not idempotent");

    let max = data.first().map_or(0, |b| usize::from(b % 64));
    let cut = text::truncate(&input, max);
    assert!(cut.chars().count() <= max.max(1), "truncate({max}) gave {} characters", cut.chars().count());

    let html = markup::html_lines(&input);
    assert!(!html.chars().any(|c| c != '\n' && is_shown_control(c)), "html let a control through: {html:?}");
    let body = html.replace("<br>", "");
    assert!(!body.contains(['<', '>', '"', '\'']), "html left markup unescaped: {html:?}");
    let markdown = markup::markdown(&input);
    assert!(!markdown.chars().any(|c| c != '\n' && is_shown_control(c)), "markdown let a control through");
    let inline = markup::markdown_inline(&input);
    assert!(!inline.chars().any(is_shown_control), "markdown_inline let a control or line break through");
    let slack = markup::slack(&input);
    assert!(!slack.contains(['<', '>']), "slack left a control sequence: {slack:?}");
}

/// Words the filter reads as flags rather than text.
const FILTER_FLAGS: [&str; 7] = ["mine", "unassigned", "breached", "today", "major", "security", "paused"];

fn incident(title: &str, status: Status, line: Option<SupportLine>, assignee: Option<&str>) -> IncidentSummary {
    let received_at = at(2026, 11, 24, 8, 0);
    IncidentSummary {
        id: 1,
        reference: "INC-10423".into(),
        title: title.into(),
        priority: Some("Kritisk".into()),
        priority_rank: Some(1),
        service: ServiceRef {
            code: "HJ".into(),
            name: "Helsejournal".into(),
            organisation: "Molde kommune".into(),
            agreement: "ROR-IKT".into(),
        },
        agreement_version_id: 1,
        status,
        support_line: line,
        assignee: assignee.map(|login| StaffRef { login: login.into(), name: format!("{login} Ødegård") }),
        received_at,
        next_due: Some(NextDue {
            at: received_at + Duration::hours(2),
            target: TargetKind::Resolution,
            state: DueState::Running,
            clock: Some("support".into()),
            budget_seconds: Some(7200),
        }),
        flags: Flags { major: true, ..Flags::default() },
        version: 1,
        master: None,
    }
}

/// The board filter: any text parses or is refused with a message; a parsed filter parses the same again from
/// the text it shows, and plain words match an incident whose title is the text typed.
pub fn board_filter(data: &[u8]) {
    let Ok(typed) = str::from_utf8(data) else { return };
    let filter = match Filter::parse(typed) {
        Ok(filter) => filter,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert_eq!(Filter::parse(filter.source()).as_ref(), Ok(&filter), "the filter line does not read back");
    let now = at(2026, 11, 24, 12, 0);
    let context = FilterContext { me: Some("kari"), now, day_end: now + Duration::hours(11) };
    let _ = filter.depends_on_time();
    for (status, line) in Status::ALL.iter().zip(SupportLine::ALL.iter().map(Some).chain([None])) {
        for who in [None, Some("kari")] {
            let _ = filter.matches(&incident(typed, *status, line.copied(), who), &context);
        }
    }
    let plain_words = typed
        .split_whitespace()
        .all(|w| !w.contains(':') && !w.starts_with('-') && !FILTER_FLAGS.contains(&w.to_lowercase().as_str()));
    if plain_words {
        let titled = incident(typed, Status::ALL[0], None, None);
        assert!(filter.matches(&titled, &context), "{typed:?} does not match its own text as a title");
    }
}

/// The command line's instants and the forms' minutes: what vakt prints reads back as the same instant.
pub fn instant(data: &[u8]) {
    let Ok(typed) = str::from_utf8(data) else { return };
    for zone in ZONES {
        if let Ok(at) = parse_instant(typed, zone) {
            // As `vakt` prints an instant (cli::when::local_in): the viewer's zone, to the second.
            let shown = at.with_timezone(&zone).to_rfc3339_opts(SecondsFormat::Secs, false);
            assert_eq!(parse_instant(&shown, zone), Ok(at.trunc_subsecs(0)), "{typed:?} shown as {shown:?}");
        }
        if let Ok(at) = parse_minute(typed, zone) {
            let shown = at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
            assert_eq!(parse_minute(&shown, zone), Ok(at), "{typed:?} shown as {shown:?}");
        }
    }
}

/// Compact durations ("7h30m"): never negative, and what `compact` writes reads back the same.
pub fn duration(data: &[u8]) {
    let Ok(typed) = str::from_utf8(data) else { return };
    let Ok(parsed) = duration::parse_compact(typed) else { return };
    assert!(parsed >= Duration::zero(), "{typed:?} gave a negative duration");
    let written = duration::compact(parsed);
    assert_eq!(duration::parse_compact(&written), Ok(parsed), "{typed:?} written as {written:?}");
    let _ = (duration::human(parsed), duration::countdown(parsed));
}

/// A service window's recurrence rule, as an admin types it: refused with a reason, or a series whose
/// occurrences in a year come in order, at most daily, each as long as the window.
pub fn recurrence(data: &[u8]) {
    let Ok(rule) = str::from_utf8(data) else { return };
    let starts = [
        (chrono_tz::Europe::Stockholm, NaiveDate::from_ymd_opt(2026, 1, 20).and_then(|d| d.and_hms_opt(18, 0, 0))),
        // The night before the clocks go back.
        (chrono_tz::Europe::Oslo, NaiveDate::from_ymd_opt(2026, 10, 24).and_then(|d| d.and_hms_opt(2, 30, 0))),
    ];
    for (zone, start) in starts {
        let Some(start) = start else { continue };
        let length = Duration::hours(4);
        let series = Series {
            services: vec!["SBL".into()],
            kind: WindowKind::Primary,
            impact: Impact::Unavailable,
            zone,
            start,
            length,
            rule: Some(rule.to_string()),
            cancelled: Vec::new(),
            moved: Vec::new(),
        };
        if let Err(e) = series.validate() {
            assert!(!e.to_string().is_empty());
            continue;
        }
        let from = at(2026, 1, 1, 0, 0);
        let Ok(occurrences) = series.occurrences(from, from + Duration::days(366)) else { continue };
        assert!(occurrences.len() <= usize::from(MAX_OCCURRENCES_IN_TEN_YEARS), "{rule:?}");
        assert!(occurrences.windows(2).all(|w| w[0].start <= w[1].start), "{rule:?}: out of order");
        assert!(occurrences.iter().all(|o| o.end - o.start == length), "{rule:?}: a window of another length");
    }
}

/// An agreement file: refused with a reason, or an agreement that writes out and reads back the same, and whose
/// every target gives a deadline or a reason.
pub fn agreement(data: &[u8]) {
    let Ok(toml) = str::from_utf8(data) else { return };
    let agreement = match Agreement::from_toml(toml) {
        Ok(agreement) => agreement,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    match agreement.to_toml() {
        Ok(written) => {
            assert_eq!(Agreement::from_toml(&written).as_ref(), Ok(&agreement), "written as:\n{written}")
        }
        Err(e) => panic!("a valid agreement could not be written: {e}"),
    }
    let received = at(2026, 11, 24, 9, 0);
    for priority in agreement.priorities() {
        for target in &priority.targets {
            let _ = vakt::domain::sla::deadline(&agreement, &priority.label, target.kind, received);
        }
    }
}

/// Change notices as the listener hands them to the console, one payload a line: junk is dropped, and the
/// console's update takes any notice the listener lets through.
pub fn change_notice(data: &[u8]) {
    let Ok(payloads) = str::from_utf8(data) else { return };
    let now = at(2026, 11, 24, 12, 0);
    let mut state = State::new("fuzz");
    let _ = vakt::app::update(&mut state, Action::Online, now);
    for payload in payloads.split('\n') {
        let Some(notice) = ChangeNotice::parse(payload) else { continue };
        if notice.is_watched() {
            let _ = vakt::app::update(&mut state, Action::Changed(notice), now);
        }
    }
}
