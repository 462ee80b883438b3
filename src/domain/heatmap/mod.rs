//! The SLA breach heat-map: services by periods, coloured by the share of the downtime budget used (issue 11).
//! Pure: the columns of a range, the metric a cell shows and the step of the scale it falls on. The grid's figures
//! come from the database's per-service-day rollup and from `availability::measure`.

use chrono::{Datelike, Months, NaiveDate};

/// How wide a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Day,
    /// ISO weeks, Monday first.
    Week,
    Month,
    /// January–April, May–August, September–December (Tranemo/Ulricehamn's follow-up).
    Tertial,
}

impl Bucket {
    /// The first day of the column holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        let first_of_month = |month: u32| NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day);
        match self {
            Bucket::Day => day,
            Bucket::Week => day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Bucket::Month => first_of_month(day.month()),
            Bucket::Tertial => first_of_month(1 + 4 * ((day.month() - 1) / 4)),
        }
    }

    /// The first day of the next column after the one starting at `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        let later = match self {
            Bucket::Day => start.succ_opt(),
            Bucket::Week => start.checked_add_signed(chrono::Duration::days(7)),
            Bucket::Month => start.checked_add_months(Months::new(1)),
            Bucket::Tertial => start.checked_add_months(Months::new(4)),
        };
        later.unwrap_or(NaiveDate::MAX)
    }

    /// A column's short heading: `14`, `W23`, `Nov`, `T3`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Bucket::Day => start.format("%d").to_string(),
            Bucket::Week => format!("W{:02}", start.iso_week().week()),
            Bucket::Month => start.format("%b").to_string(),
            Bucket::Tertial => format!("T{}", 1 + (start.month() - 1) / 4),
        }
    }
}

/// The columns `[start, end)` covering `from` up to, not including, `to`, whole columns only.
pub fn columns(bucket: Bucket, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut found = Vec::new();
    let mut start = bucket.start_of(from);
    while start < to {
        let end = bucket.next(start);
        found.push((start, end));
        if end == NaiveDate::MAX {
            break;
        }
        start = end;
    }
    found
}

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// SLA clocks breached by the incidents received in the cell.
    Breaches,
    /// The worst share of an SLA budget used by an incident received in the cell (1.0 = all of it).
    Consumed,
    /// Share of the period's allowed downtime used, against the service's own target in its operating hours.
    Availability,
    /// Incidents received.
    Received,
}

/// A cell's figure, as the scale reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// Nothing to measure: no operating time, or no target.
    Nothing,
    /// A count (breaches, incidents received).
    Count(u32),
    /// A share (1.0 = the whole budget).
    Share(f64),
    /// Maintenance took the whole of the cell's service time (drawn as its own glyph, never as "up").
    Maintenance,
}

/// The five steps of the scale, lowest first; the glyphs carry the step without colour.
pub const GLYPHS: [&str; 5] = ["·", "░", "▒", "▓", "█"];
/// Maintenance has its own glyph.
pub const MAINTENANCE_GLYPH: &str = "▪";

/// The step (0–4) of a cell on its metric's scale; `None` when there is nothing to draw.
pub fn step(cell: Cell) -> Option<usize> {
    match cell {
        Cell::Nothing | Cell::Maintenance => None,
        // The sketch's scale: 0, 1, 2–3, 4–6, 7+.
        Cell::Count(n) => Some(match n {
            0 => 0,
            1 => 1,
            2..=3 => 2,
            4..=6 => 3,
            _ => 4,
        }),
        // Nothing used, up to a quarter, up to a half, up to all of it, over.
        Cell::Share(share) => Some(if share <= 0.0 {
            0
        } else if share <= 0.25 {
            1
        } else if share <= 0.5 {
            2
        } else if share <= 1.0 {
            3
        } else {
            4
        }),
    }
}

/// The legend of a metric's scale, step by step.
pub fn legend(metric: Metric) -> [&'static str; 5] {
    match metric {
        Metric::Breaches | Metric::Received => ["0", "1", "2–3", "4–6", "7+"],
        Metric::Consumed | Metric::Availability => ["0", "≤25 %", "≤50 %", "≤100 %", "over"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn columns_are_whole_days_weeks_months_and_tertials() {
        let days = columns(Bucket::Day, date(2026, 12, 30), date(2027, 1, 2));
        assert_eq!(
            days,
            vec![
                (date(2026, 12, 30), date(2026, 12, 31)),
                (date(2026, 12, 31), date(2027, 1, 1)),
                (date(2027, 1, 1), date(2027, 1, 2))
            ]
        );
        // Thursday 31 December 2026 is in the ISO week that began on Monday the 28th (2026-W53).
        let weeks = columns(Bucket::Week, date(2026, 12, 31), date(2027, 1, 5));
        assert_eq!(weeks, vec![(date(2026, 12, 28), date(2027, 1, 4)), (date(2027, 1, 4), date(2027, 1, 11))]);
        assert_eq!(Bucket::Week.label(date(2026, 12, 28)), "W53");
        let months = columns(Bucket::Month, date(2027, 1, 31), date(2027, 3, 1));
        assert_eq!(months, vec![(date(2027, 1, 1), date(2027, 2, 1)), (date(2027, 2, 1), date(2027, 3, 1))]);
        let tertials = columns(Bucket::Tertial, date(2027, 6, 15), date(2028, 1, 1));
        assert_eq!(tertials, vec![(date(2027, 5, 1), date(2027, 9, 1)), (date(2027, 9, 1), date(2028, 1, 1))]);
        assert_eq!(Bucket::Tertial.label(date(2027, 9, 1)), "T3");
        assert!(columns(Bucket::Month, date(2027, 3, 1), date(2027, 3, 1)).is_empty());
    }

    #[test]
    fn counts_and_shares_fall_on_the_sketch_scale() {
        let steps: Vec<_> = [0, 1, 2, 3, 4, 6, 7, 700].map(|n| step(Cell::Count(n))).to_vec();
        assert_eq!(steps, [0, 1, 2, 2, 3, 3, 4, 4].map(Some).to_vec());
        let shares: Vec<_> = [0.0, 0.01, 0.25, 0.26, 0.5, 1.0, 1.0001].map(|s| step(Cell::Share(s))).to_vec();
        assert_eq!(shares, [0, 1, 1, 2, 2, 3, 4].map(Some).to_vec());
        assert_eq!(step(Cell::Nothing), None);
        assert_eq!(step(Cell::Maintenance), None);
        assert_eq!(legend(Metric::Breaches).len(), GLYPHS.len());
    }
}
