//! Sets of instants as sorted, disjoint, half-open intervals: outages overlap, windows overlap outages, and
//! downtime is counted once however many of them cover a minute.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Intervals(Vec<(DateTime<Utc>, DateTime<Utc>)>);

impl Intervals {
    /// `[from, to)`, or nothing when it is empty.
    pub fn one(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        if from < to { Intervals(vec![(from, to)]) } else { Intervals::default() }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        self.0.iter().copied()
    }

    pub fn union(&self, other: &Intervals) -> Intervals {
        let mut all: Vec<_> = self.0.iter().chain(other.0.iter()).copied().collect();
        all.sort();
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        Intervals(merged)
    }

    pub fn intersect(&self, other: &Intervals) -> Intervals {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.0.len() && j < other.0.len() {
            let (a, b) = (self.0[i], other.0[j]);
            let (start, end) = (a.0.max(b.0), a.1.min(b.1));
            if start < end {
                out.push((start, end));
            }
            if a.1 < b.1 { i += 1 } else { j += 1 }
        }
        Intervals(out)
    }

    pub fn subtract(&self, other: &Intervals) -> Intervals {
        let mut out = Vec::new();
        for &(mut start, end) in &self.0 {
            for &(a, b) in &other.0 {
                if b <= start || a >= end {
                    continue;
                }
                if a > start {
                    out.push((start, a));
                }
                start = start.max(b);
            }
            if start < end {
                out.push((start, end));
            }
        }
        Intervals(out)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn overlapping_spans_count_once_and_holes_are_cut_out() {
        let a = Intervals::one(at(1), at(4)).union(&Intervals::one(at(3), at(6))).union(&Intervals::one(at(8), at(9)));
        assert_eq!(a.iter().collect::<Vec<_>>(), [(at(1), at(6)), (at(8), at(9))]);
        let cut = a.subtract(&Intervals::one(at(2), at(3)).union(&Intervals::one(at(5), at(8))));
        assert_eq!(cut.iter().collect::<Vec<_>>(), [(at(1), at(2)), (at(3), at(5)), (at(8), at(9))]);
        let both = a.intersect(&Intervals::one(at(5), at(9)));
        assert_eq!(both.iter().collect::<Vec<_>>(), [(at(5), at(6)), (at(8), at(9))]);
        assert!(Intervals::one(at(5), at(5)).is_empty());
    }
}
