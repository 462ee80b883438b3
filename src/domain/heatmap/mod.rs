//! The SLA breach heat-map: services by periods, coloured by the share of the downtime budget used (issue 11).
//! Pure: the columns of a range, the metric a cell shows and the step of the scale it falls on. The grid's figures
//! come from the database's per-service-day rollup and from `availability::measure`.

pub mod grid;

use chrono::{Datelike, Months, NaiveDate};

use super::availability::Availability;

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

/// One service's figures on one day, as the rollup holds them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DayFigures {
    pub received: u32,
    pub breaches: u32,
    /// The worst share of an SLA budget used; `None` when no clock had a budget.
    pub worst_used: Option<f64>,
}

impl Cell {
    /// A column before any day is added: no incidents counts 0, but a worst share of none is nothing.
    pub fn empty(metric: Metric) -> Cell {
        match metric {
            Metric::Breaches | Metric::Received => Cell::Count(0),
            Metric::Consumed | Metric::Availability => Cell::Nothing,
        }
    }

    /// The column with one more day's figures: counts add up, the worst share is the worst of the days.
    pub fn add_day(self, metric: Metric, day: &DayFigures) -> Cell {
        match (metric, self) {
            (Metric::Breaches, Cell::Count(n)) => Cell::Count(n.saturating_add(day.breaches)),
            (Metric::Received, Cell::Count(n)) => Cell::Count(n.saturating_add(day.received)),
            (Metric::Consumed, Cell::Share(worst)) => Cell::Share(day.worst_used.map_or(worst, |w| worst.max(w))),
            (Metric::Consumed, _) => day.worst_used.map_or(self, Cell::Share),
            (_, other) => other,
        }
    }

    /// The availability metric's cell: the share of the allowed downtime used; maintenance where it took all the
    /// service time, nothing where there is no target or no operating time.
    pub fn of_availability(measured: Option<&Availability>) -> Cell {
        match measured {
            Some(m) if m.availability.is_none() && m.excluded_seconds > 0 => Cell::Maintenance,
            Some(m) => m.budget_used.map_or(Cell::Nothing, Cell::Share),
            None => Cell::Nothing,
        }
    }

    /// The figure itself: a count or a share; `None` when there is nothing to measure.
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(f64::from(n)),
            Cell::Share(share) => Some(share),
            Cell::Nothing | Cell::Maintenance => None,
        }
    }

    /// The glyph that carries the step without colour; a blank for nothing to measure.
    pub fn glyph(self) -> &'static str {
        match (self, step(self)) {
            (Cell::Maintenance, _) => MAINTENANCE_GLYPH,
            (_, Some(step)) => GLYPHS[step],
            (_, None) => " ",
        }
    }
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

    #[test]
    fn a_column_adds_its_days_counts_and_keeps_the_worst_share() {
        let days = [
            DayFigures { received: 3, breaches: 1, worst_used: Some(0.4) },
            DayFigures { received: 2, breaches: 0, worst_used: None },
            DayFigures { received: 1, breaches: 2, worst_used: Some(1.3) },
        ];
        let column = |metric| days.iter().fold(Cell::empty(metric), |cell, day| cell.add_day(metric, day));
        assert_eq!(column(Metric::Received), Cell::Count(6));
        assert_eq!(column(Metric::Breaches), Cell::Count(3));
        assert_eq!(column(Metric::Consumed), Cell::Share(1.3));
        assert_eq!(column(Metric::Consumed).glyph(), "█");
        // A column without a budgeted clock is nothing, not 0 %.
        let quiet = DayFigures { received: 1, breaches: 0, worst_used: None };
        assert_eq!(Cell::empty(Metric::Consumed).add_day(Metric::Consumed, &quiet), Cell::Nothing);
        assert_eq!(Cell::Count(u32::MAX).add_day(Metric::Received, &quiet), Cell::Count(u32::MAX));
        assert_eq!((Cell::Nothing.glyph(), Cell::Nothing.value()), (" ", None));
        assert_eq!((Cell::Maintenance.glyph(), Cell::Count(2).value()), ("▪", Some(2.0)));
    }
}
