//! Human formatting and parsing of durations: "3 h 20 m" for people, "00:12" for countdowns,
//! and the compact "7h30m" form used in agreement files.

use chrono::Duration;

/// A compact duration that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration '{0}' (expected e.g. 7h30m, 45m, 2h, 90s, 2d)")]
pub struct DurationParseError(pub String);

/// "3 h 20 m", "45 m", "12 s"; negative durations get a leading "-". Seconds show only under a minute.
pub fn human(d: Duration) -> String {
    let sign = if d < Duration::zero() { "-" } else { "" };
    let secs = d.num_seconds().unsigned_abs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let body = match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, m) => format!("{m} m"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} m"),
    };
    format!("{sign}{body}")
}

/// "HH:MM" for a countdown, rounding partial minutes up so that "00:00" never shows while time
/// is left; hours may exceed 99 ("123:05"). Overdue time is shown as "-HH:MM".
pub fn countdown(d: Duration) -> String {
    let sign = if d < Duration::zero() { "-" } else { "" };
    let millis = d.num_milliseconds().unsigned_abs();
    let minutes = millis.div_ceil(60_000);
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The compact form "7h30m", "15m", "2h", "1h0m5s" (the inverse of [`parse_compact`]).
pub fn compact(d: Duration) -> String {
    let sign = if d < Duration::zero() { "-" } else { "" };
    let secs = d.num_seconds().unsigned_abs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::from(sign);
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 || (h > 0 && s > 0) {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || secs == 0 {
        out.push_str(&format!("{s}s"));
    }
    if secs == 0 {
        out = "0m".to_string();
    }
    out
}

/// Parses "7h30m", "45m", "2h", "90s" (units h, m, s in that order, each at most once).
pub fn parse_compact(s: &str) -> Result<Duration, DurationParseError> {
    let bad = || DurationParseError(s.to_string());
    let text = s.trim();
    if text.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut last_rank = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let (rank, factor) = match c {
            'd' => (1, 86_400),
            'h' => (2, 3600),
            'm' => (3, 60),
            's' => (4, 1),
            _ => return Err(bad()),
        };
        if number.is_empty() || rank <= last_rank {
            return Err(bad());
        }
        let value: i64 = number.parse().map_err(|_| bad())?;
        total = value.checked_mul(factor).and_then(|v| total.checked_add(v)).ok_or_else(bad)?;
        number.clear();
        last_rank = rank;
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Duration::try_seconds(total).ok_or_else(bad)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn human_form() {
        let cases = [
            (Duration::minutes(200), "3 h 20 m"),
            (Duration::minutes(45), "45 m"),
            (Duration::hours(2), "2 h"),
            (Duration::seconds(12), "12 s"),
            (Duration::minutes(-75), "-1 h 15 m"),
            (Duration::hours(27) + Duration::minutes(5), "27 h 5 m"),
        ];
        for (d, want) in cases {
            assert_eq!(human(d), want);
        }
    }

    #[test]
    fn countdown_rounds_up_partial_minutes() {
        assert_eq!(countdown(Duration::minutes(12)), "00:12");
        assert_eq!(countdown(Duration::seconds(30)), "00:01");
        assert_eq!(countdown(Duration::seconds(11 * 60 + 1)), "00:12");
        assert_eq!(countdown(Duration::minutes(-65)), "-01:05");
        assert_eq!(countdown(Duration::hours(123) + Duration::minutes(5)), "123:05");
        assert_eq!(countdown(Duration::zero()), "00:00");
    }

    #[test]
    fn compact_round_trips() {
        for (text, secs) in [
            ("7h30m", 27_000),
            ("15m", 900),
            ("2h", 7200),
            ("90s", 90),
            ("1h0m5s", 3605),
            ("31d", 2_678_400),
            ("1d12h", 129_600),
        ] {
            let d = parse_compact(text).unwrap();
            assert_eq!(d.num_seconds(), secs, "{text}");
            assert_eq!(parse_compact(&compact(d)).unwrap(), d);
        }
        assert_eq!(compact(Duration::minutes(450)), "7h30m");
        for bad in ["", "7", "30m7h", "1x", "h", "1h1h", "2h1d"] {
            assert!(parse_compact(bad).is_err(), "{bad}");
        }
    }
}
