//! Small formatting helpers shared by the screens: ages, local times.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// A count with thousands separated: `10,000`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A compact age: `45 s`, `12 m`, `3 h 05 m`, `4 d 02 h`.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    compact(now - since)
}

/// A compact duration, never negative.
pub fn compact(span: Duration) -> String {
    let secs = span.num_seconds().max(0);
    let (days, hours, minutes) = (secs / 86_400, (secs % 86_400) / 3_600, (secs % 3_600) / 60);
    if days > 0 {
        format!("{days} d {hours:02} h")
    } else if hours > 0 {
        format!("{hours} h {minutes:02} m")
    } else if minutes > 0 {
        format!("{minutes} m")
    } else {
        format!("{secs} s")
    }
}

/// A time in the viewer's zone: `14:05` today, `Tue 14:05` within a week, `2026-11-02 14:05` otherwise.
pub fn local_time(at: DateTime<Utc>, now: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    let today = now.with_timezone(&zone).date_naive();
    let days = (local.date_naive() - today).num_days();
    if days == 0 {
        local.format("%H:%M").to_string()
    } else if days.abs() < 7 {
        local.format("%a %H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A full timestamp in the viewer's zone, for histories.
pub fn timestamp(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ages_are_compact_and_never_negative() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        assert_eq!(age(now - Duration::seconds(45), now), "45 s");
        assert_eq!(age(now - Duration::minutes(12), now), "12 m");
        assert_eq!(age(now - Duration::minutes(185), now), "3 h 05 m");
        assert_eq!(age(now - Duration::hours(98), now), "4 d 02 h");
        assert_eq!(age(now + Duration::minutes(5), now), "0 s");
    }

    #[test]
    fn local_times_follow_the_viewer_zone() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 2, 0).unwrap();
        assert_eq!(local_time(at, now, chrono_tz::Europe::Oslo), "09:02");
        let monday = Utc.with_ymd_and_hms(2026, 11, 23, 8, 2, 0).unwrap();
        assert_eq!(local_time(monday, now, chrono_tz::Europe::Oslo), "Mon 09:02");
        assert_eq!(timestamp(at, chrono_tz::Europe::Stockholm), "2026-11-24 09:02:00");
    }
}
