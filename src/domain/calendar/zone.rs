//! A precomputed table of a zone's UTC offsets, so business-time arithmetic can convert between
//! local wall-clock time and UTC with integer arithmetic instead of a zone lookup per boundary.
//!
//! chrono-tz does not expose its transition list, so the table is found by probing the offset
//! once per week (1850–2210) and bisecting each change to the second. An offset that came and
//! went within one week would not be seen; no Nordic or other European zone has one since 1850
//! (the tests compare the table with chrono-tz every six hours). chrono-tz's data ends in 2099;
//! after that it (and therefore vakt) assumes standard time all year.
//! Tables are built once per zone per process and shared.
//!
//! Mapping of local times (all in nanoseconds; `l` local, `u` UTC):
//! `local_to_utc(l)` is the first instant whose local reading is `>= l`. A local time in a
//! spring-forward gap therefore maps to the end of the gap (the transition instant), and a
//! local time that occurs twice in autumn maps to its first occurrence.

use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::domain::calendar::time::days_from_civil;

pub(crate) const SECOND_NS: i64 = 1_000_000_000;
pub(crate) const MINUTE_NS: i64 = 60 * SECOND_NS;
pub(crate) const DAY_NS: i64 = 86_400 * SECOND_NS;

const PROBE_FIRST_DAY: i32 = days_from_civil(1850, 1, 1);
const PROBE_LAST_DAY: i32 = days_from_civil(2210, 1, 1);
/// Probing once a day took 7 ms per zone, on the critical path of every console's first frame and every CLI
/// command (issue 15); once a week takes a seventh.
const PROBE_STEP_SECONDS: i64 = 7 * 86_400;

/// One stretch of constant UTC offset, `[start, end)` in UTC nanoseconds.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: i64,
    end: i64,
    offset: i64,
}

impl Span {
    /// Local end of the span; spans are ordered by it as well (offsets change by hours, spans last months).
    fn local_end(&self) -> i64 {
        self.end.saturating_add(self.offset)
    }
}

/// The offsets of one zone as ordered spans covering all representable instants.
#[derive(Debug)]
pub(crate) struct ZoneTable {
    spans: Vec<Span>,
}

impl ZoneTable {
    /// The shared table for `tz`, built on first use.
    pub(crate) fn for_zone(tz: Tz) -> Arc<ZoneTable> {
        type Tables = Vec<(Tz, Arc<ZoneTable>)>;
        static CACHE: OnceLock<Mutex<Tables>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
        // A poisoned lock only means another thread panicked while inserting; the data is still valid.
        let mut entries = cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, table)) = entries.iter().find(|(z, _)| *z == tz) {
            return Arc::clone(table);
        }
        let table = Arc::new(Self::build(tz));
        entries.push((tz, Arc::clone(&table)));
        table
    }

    fn build(tz: Tz) -> Self {
        let offset_at = |secs: i64| -> i64 {
            DateTime::from_timestamp(secs, 0)
                .map(|dt| i64::from(tz.offset_from_utc_datetime(&dt.naive_utc()).fix().local_minus_utc()))
                .unwrap_or(0)
        };
        let mut spans = Vec::new();
        let mut start = i64::MIN;
        let last = i64::from(PROBE_LAST_DAY) * 86_400;
        let mut prev_secs = i64::from(PROBE_FIRST_DAY) * 86_400;
        let mut current = offset_at(prev_secs);
        while prev_secs < last {
            let secs = (prev_secs + PROBE_STEP_SECONDS).min(last);
            if offset_at(secs) == current {
                prev_secs = secs;
                continue;
            }
            // Bisect for the first second with the new offset, then probe on from there: a second change within
            // the same step is found as well.
            let (mut lo, mut hi) = (prev_secs, secs);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(mid) == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let change = hi * SECOND_NS;
            spans.push(Span { start, end: change, offset: current * SECOND_NS });
            start = change;
            current = offset_at(hi);
            prev_secs = hi;
        }
        spans.push(Span { start, end: i64::MAX, offset: current * SECOND_NS });
        Self { spans }
    }

    /// The offset (local minus UTC) in force at UTC instant `u`.
    pub(crate) fn offset_at_utc(&self, u: i64) -> i64 {
        let i = self.spans.partition_point(|s| s.end <= u);
        self.spans.get(i).map_or(0, |s| s.offset)
    }

    /// Local wall-clock nanoseconds of UTC instant `u`.
    pub(crate) fn utc_to_local(&self, u: i64) -> i64 {
        u.saturating_add(self.offset_at_utc(u))
    }

    /// The first UTC instant whose local reading is `>= l` (see the module notes on gaps and folds).
    /// `hint` is a span index that is tried first; it is updated for the next call.
    pub(crate) fn local_to_utc(&self, l: i64, hint: &mut usize) -> i64 {
        let fits = |i: usize| {
            let after_prev = i == 0 || self.spans[i - 1].local_end() <= l;
            after_prev && self.spans[i].local_end() > l
        };
        let i = if *hint < self.spans.len() && fits(*hint) {
            *hint
        } else if *hint + 1 < self.spans.len() && fits(*hint + 1) {
            *hint + 1
        } else {
            self.spans.partition_point(|s| s.local_end() <= l)
        };
        *hint = i;
        match self.spans.get(i) {
            Some(span) => span.start.max(l.saturating_sub(span.offset)),
            None => l,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::{LocalResult, NaiveDate};

    fn ns(dt: DateTime<chrono::Utc>) -> i64 {
        dt.timestamp_nanos_opt().unwrap()
    }

    #[test]
    fn offsets_agree_with_chrono_tz_every_six_hours() {
        use chrono_tz::Europe;
        let zones = [
            Europe::Oslo,
            Europe::Stockholm,
            Europe::Copenhagen,
            Europe::Helsinki,
            chrono_tz::Atlantic::Reykjavik,
            Europe::Berlin,
            Europe::London,
            Europe::Moscow,
            chrono_tz::UTC,
        ];
        for tz in zones {
            let table = ZoneTable::for_zone(tz);
            let start = NaiveDate::from_ymd_opt(1850, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
            for step in 0..(360 * 365 * 4) {
                let at = start + chrono::Duration::hours(6 * step);
                let want = tz.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc();
                assert_eq!(table.offset_at_utc(ns(at)), i64::from(want) * SECOND_NS, "{tz} at {at}");
            }
        }
    }

    #[test]
    fn local_to_utc_matches_chrono_where_unambiguous_and_maps_gaps_forward() {
        let tz = chrono_tz::Europe::Oslo;
        let table = ZoneTable::for_zone(tz);
        let mut hint = 0;
        let base = NaiveDate::from_ymd_opt(2024, 3, 30).unwrap().and_hms_opt(0, 0, 0).unwrap();
        for minutes in 0..(3 * 24 * 60) {
            let local = base + chrono::Duration::minutes(minutes);
            let l = local.and_utc().timestamp_nanos_opt().unwrap();
            let got = table.local_to_utc(l, &mut hint);
            match tz.from_local_datetime(&local) {
                LocalResult::Single(dt) => assert_eq!(got, ns(dt.with_timezone(&chrono::Utc))),
                LocalResult::Ambiguous(first, _) => {
                    assert_eq!(got, ns(first.with_timezone(&chrono::Utc)))
                }
                // 2024-03-31 02:xx does not exist: maps to the transition, 01:00 UTC.
                LocalResult::None => assert_eq!(
                    got,
                    ns(NaiveDate::from_ymd_opt(2024, 3, 31).unwrap().and_hms_opt(1, 0, 0).unwrap().and_utc())
                ),
            }
        }
        // Autumn: 02:30 occurs twice on 2024-10-27; the first occurrence (00:30 UTC) is chosen.
        let l = NaiveDate::from_ymd_opt(2024, 10, 27).unwrap().and_hms_opt(2, 30, 0).unwrap();
        let got = table.local_to_utc(l.and_utc().timestamp_nanos_opt().unwrap(), &mut hint);
        assert_eq!(got, ns(NaiveDate::from_ymd_opt(2024, 10, 27).unwrap().and_hms_opt(0, 30, 0).unwrap().and_utc()));
    }
}
