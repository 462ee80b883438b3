//! iCalendar (RFC 5545), written here: one VEVENT per series with its RRULE, RDATE and EXDATE rather than every
//! occurrence, stable UIDs, SEQUENCE raised on every change, STATUS:CANCELLED, and a VTIMEZONE for each zone used
//! with the zone's actual transitions in the years exported (taken from the tz database, so a calendar program
//! places every window exactly where vakt does). Lines end in CRLF and fold at 75 octets.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// One series of events.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub uid: String,
    /// Raised on every change of the series.
    pub sequence: u32,
    pub summary: String,
    pub description: String,
    pub categories: Vec<String>,
    pub cancelled: bool,
    pub zone: Tz,
    pub start: NaiveDateTime,
    pub length: Duration,
    pub rule: Option<String>,
    /// Further occurrences (a series that follows another's).
    pub extra: Vec<NaiveDateTime>,
    /// Occurrences left out (local starts).
    pub excluded: Vec<NaiveDateTime>,
    /// An occurrence of the series with this UID moved on its own: the local start it had (RECURRENCE-ID).
    pub recurrence_id: Option<NaiveDateTime>,
    /// Who calls the event (a meeting's chair).
    pub organizer: Option<Organizer>,
}

/// An ORGANIZER: a name and a calendar address (`mailto:…`, or another URI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organizer {
    pub name: String,
    pub address: String,
}

/// A complete VCALENDAR; `years` bounds the time-zone transitions written.
pub fn calendar(name: &str, events: &[Event], stamp: DateTime<Utc>, years: (i32, i32)) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//vakt//maintenance calendar//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!("X-WR-CALNAME:{}", escape(name)),
    ];
    let mut zones: Vec<Tz> = events.iter().map(|e| e.zone).collect();
    zones.sort_by_key(|z| z.name());
    zones.dedup();
    for zone in zones {
        lines.extend(vtimezone(zone, years));
    }
    for event in events {
        let local = |t: &NaiveDateTime| t.format("%Y%m%dT%H%M%S").to_string();
        let tzid = event.zone.name();
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", escape(&event.uid)));
        lines.push(format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")));
        lines.push(format!("SEQUENCE:{}", event.sequence));
        lines.push(format!("DTSTART;TZID={tzid}:{}", local(&event.start)));
        if let Some(original) = &event.recurrence_id {
            lines.push(format!("RECURRENCE-ID;TZID={tzid}:{}", local(original)));
        }
        lines.push(format!("DURATION:{}", duration(event.length)));
        if let Some(rule) = &event.rule {
            lines.push(format!("RRULE:{rule}"));
        }
        if !event.extra.is_empty() {
            let dates: Vec<String> = event.extra.iter().map(local).collect();
            lines.push(format!("RDATE;TZID={tzid}:{}", dates.join(",")));
        }
        if !event.excluded.is_empty() {
            let dates: Vec<String> = event.excluded.iter().map(local).collect();
            lines.push(format!("EXDATE;TZID={tzid}:{}", dates.join(",")));
        }
        lines.push(format!("SUMMARY:{}", escape(&event.summary)));
        if let Some(organizer) = &event.organizer {
            lines.push(format!("ORGANIZER;CN={}:{}", parameter(&organizer.name), uri(&organizer.address)));
        }
        if !event.description.is_empty() {
            lines.push(format!("DESCRIPTION:{}", escape(&event.description)));
        }
        if !event.categories.is_empty() {
            let categories: Vec<String> = event.categories.iter().map(|c| escape(c)).collect();
            lines.push(format!("CATEGORIES:{}", categories.join(",")));
        }
        lines.push(format!("STATUS:{}", if event.cancelled { "CANCELLED" } else { "CONFIRMED" }));
        lines.push("TRANSP:OPAQUE".into());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|line| fold(line)).collect()
}

/// TEXT values: backslash, semicolon, comma and line breaks escaped; other control characters made visible.
pub fn escape(text: &str) -> String {
    crate::domain::text::block(text).replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// A parameter value, always quoted: a quoted value may hold `;`, `:` and `,`, but no double quote or control
/// character (RFC 5545 3.1), so those become a single quote and a space.
pub fn parameter(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c == '"' {
                '\''
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("\"{}\"", clean.trim())
}

/// A URI value is not TEXT (no escaping), but a line break or control character in it would end the line.
fn uri(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect()
}

/// `PT4H`, `P2DT3H30M`.
fn duration(length: Duration) -> String {
    let total = length.num_seconds().max(0);
    let (days, rest) = (total / 86_400, total % 86_400);
    let (hours, minutes, seconds) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if rest > 0 || days == 0 {
        out.push('T');
        if hours > 0 {
            out.push_str(&format!("{hours}H"));
        }
        if minutes > 0 {
            out.push_str(&format!("{minutes}M"));
        }
        if seconds > 0 || rest == 0 {
            out.push_str(&format!("{seconds}S"));
        }
    }
    out
}

/// Content lines longer than 75 octets continue on the next line after a space (never inside a character).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// The zone's offset at an instant, in seconds east of UTC.
fn offset(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc()
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let abs = seconds.unsigned_abs();
    format!("{sign}{:02}{:02}", abs / 3600, abs % 3600 / 60)
}

/// A VTIMEZONE with one observance per transition in the years (and the offset in force before them).
fn vtimezone(zone: Tz, (first, last): (i32, i32)) -> Vec<String> {
    let begin = Utc.with_ymd_and_hms(first - 1, 1, 1, 0, 0, 0).single();
    let end = Utc.with_ymd_and_hms(last + 1, 12, 31, 0, 0, 0).single();
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", zone.name())];
    let (Some(begin), Some(end)) = (begin, end) else {
        lines.push("END:VTIMEZONE".into());
        return lines;
    };
    let mut transitions = Vec::new();
    let mut at = begin;
    while at < end {
        let next = at + Duration::hours(1);
        if offset(zone, at) != offset(zone, next) {
            // To the minute within the hour.
            let mut instant = at;
            while offset(zone, instant + Duration::minutes(1)) == offset(zone, at) {
                instant += Duration::minutes(1);
            }
            transitions.push((instant + Duration::minutes(1), offset(zone, at), offset(zone, next)));
        }
        at = next;
    }
    let observance = |kind: &str, local: String, from: i32, to: i32, name: String| {
        vec![
            format!("BEGIN:{kind}"),
            format!("DTSTART:{local}"),
            format!("TZOFFSETFROM:{}", offset_text(from)),
            format!("TZOFFSETTO:{}", offset_text(to)),
            format!("TZNAME:{name}"),
            format!("END:{kind}"),
        ]
    };
    let name_at = |at: DateTime<Utc>| at.with_timezone(&zone).format("%Z").to_string();
    if transitions.is_empty() {
        let fixed = offset(zone, begin);
        lines.extend(observance("STANDARD", "19700101T000000".into(), fixed, fixed, name_at(begin)));
    } else {
        // The offset before the first transition, so earlier instants are placed too.
        let (_, first_from, _) = transitions[0];
        lines.extend(observance("STANDARD", "19700101T000000".into(), first_from, first_from, name_at(begin)));
    }
    for (instant, from, to) in transitions {
        // DTSTART is the wall-clock time just before the change, in the offset it changes from.
        let local = (instant + Duration::seconds(i64::from(from))).format("%Y%m%dT%H%M%S").to_string();
        let kind = if to > from { "DAYLIGHT" } else { "STANDARD" };
        lines.extend(observance(kind, local, from, to, name_at(instant)));
    }
    lines.push("END:VTIMEZONE".into());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let long = format!("SUMMARY:{}", "ø".repeat(60));
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded:?}");
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn text_escapes_and_durations() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(parameter("Karin \"K\" Berg; chair:\n"), "\"Karin 'K' Berg; chair:\"");
        assert_eq!(uri("mailto:karin@example.org\r\nX-INJECTED:1"), "mailto:karin@example.orgX-INJECTED:1");
        assert_eq!(duration(Duration::hours(4)), "PT4H");
        assert_eq!(duration(Duration::minutes(90)), "PT1H30M");
        assert_eq!(duration(Duration::days(7)), "P7D");
        assert_eq!(duration(Duration::hours(51)), "P2DT3H");
    }

    #[test]
    fn stockholm_gets_its_two_transitions_a_year() {
        let lines = vtimezone(chrono_tz::Europe::Stockholm, (2027, 2027));
        let text = lines.join("\n");
        assert!(
            text.contains("BEGIN:DAYLIGHT\nDTSTART:20270328T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200"),
            "{text}"
        );
        assert!(
            text.contains("BEGIN:STANDARD\nDTSTART:20271031T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100"),
            "{text}"
        );
        let utc = vtimezone(chrono_tz::UTC, (2027, 2027)).join("\n");
        assert!(utc.contains("TZOFFSETFROM:+0000\nTZOFFSETTO:+0000") && !utc.contains("DAYLIGHT"), "{utc}");
    }
}
