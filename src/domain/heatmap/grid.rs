//! The heat-map as a grid: one row per service, one cell per column, folded from the per-service-day figures. The
//! console's tab 3 and `vakt heatmap` share it, so both read the same cells.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{Bucket, Cell, DayFigures, Metric, columns};
use crate::domain::availability::Availability;

/// What to show: the columns of `[from, to)`, one metric, and optionally only the most severe priorities.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRequest {
    pub bucket: Bucket,
    pub metric: Metric,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Only one agreement's services.
    pub agreement: Option<String>,
    /// Only incidents whose priority ranks this high or higher in their agreement (1 = the most severe).
    pub max_rank: Option<i32>,
}

/// One service of the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub code: String,
    pub name: String,
    pub agreement: String,
    /// The organisation that owns the service.
    pub organisation: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    pub service: Service,
    /// One per column.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub request: GridRequest,
    /// `[start, end)` of each column.
    pub columns: Vec<(NaiveDate, NaiveDate)>,
    /// By agreement, then service code.
    pub rows: Vec<GridRow>,
}

impl Grid {
    /// An empty grid of the request's whole columns, one row per service, every cell as the metric starts.
    pub fn new(request: GridRequest, mut services: Vec<Service>) -> Grid {
        services.sort_by(|a, b| (&a.agreement, &a.code).cmp(&(&b.agreement, &b.code)));
        let columns = columns(request.bucket, request.from, request.to);
        let rows = services
            .into_iter()
            .map(|service| GridRow { service, cells: vec![Cell::empty(request.metric); columns.len()] })
            .collect();
        Grid { request, columns, rows }
    }

    /// The first day of the first column and the day after the last: what to read.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.columns.first()?.0, self.columns.last()?.1))
    }

    /// Adds the figures of each (service, local day); days outside the columns or of services not in the grid are
    /// left out.
    pub fn add_days<'a>(&mut self, days: impl IntoIterator<Item = (&'a str, NaiveDate, DayFigures)>) {
        let index: HashMap<String, usize> =
            self.rows.iter().enumerate().map(|(i, row)| (row.service.code.clone(), i)).collect();
        let metric = self.request.metric;
        for (service, day, figures) in days {
            let (Some(&row), Some(column)) = (index.get(service), self.column_of(day)) else { continue };
            let cell = &mut self.rows[row].cells[column];
            *cell = cell.add_day(metric, &figures);
        }
    }

    /// The column holding `day`.
    pub fn column_of(&self, day: NaiveDate) -> Option<usize> {
        let start = self.request.bucket.start_of(day);
        self.columns.binary_search_by(|(first, _)| first.cmp(&start)).ok()
    }

    /// Sets one cell (the availability metric measures each column on its own).
    pub fn set(&mut self, service: &str, column: usize, cell: Cell) {
        if let Some(slot) =
            self.rows.iter_mut().find(|r| r.service.code == service).and_then(|r| r.cells.get_mut(column))
        {
            *slot = cell;
        }
    }
}

/// One incident behind a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellIncident {
    pub id: i64,
    pub reference: String,
    pub priority: String,
    pub title: String,
    pub received_at: DateTime<Utc>,
    pub status: String,
    pub breaches: i64,
}

/// One outage overlapping a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellOutage {
    pub id: i64,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub impact: String,
    pub exclusion: Option<String>,
    pub incident: Option<String>,
}

/// What lies behind one cell: the incidents received in it and the outages overlapping it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellDetail {
    pub incidents: Vec<CellIncident>,
    /// More incidents were received than are listed.
    pub more: bool,
    pub outages: Vec<CellOutage>,
}

/// Where a service stands in the current month, or the year for a yearly target (with the year's outages against a
/// cap and the year-end forecast): the side panel of the heat-map.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// The period measured: the current month (`2026-12`), or the year so far (`2026`) for a yearly target.
    pub period: String,
    /// The target in percent; `None` without an availability target.
    pub target: Option<f64>,
    pub measured: Option<Availability>,
    /// Outages counted this year and the most allowed (Tranemo/Ulricehamn: 5).
    pub outages: Option<(usize, u32)>,
    /// The year-end forecast of a yearly target, in words (`availability::forecast`).
    pub year: Option<String>,
}

impl Standing {
    /// The downtime the month still allows, in minutes (negative when over): allowed − downtime.
    pub fn budget_left_minutes(&self) -> Option<(f64, f64)> {
        let m = self.measured.as_ref()?;
        m.availability?;
        let allowed = m.allowed_seconds as f64 / 60.0;
        Some((allowed - m.downtime_seconds as f64 / 60.0, allowed))
    }
}

/// The row's trend as eight-level blocks, one per column with something to measure, scaled to the row's largest
/// figure: the shape of the row in a few characters.
pub fn trend(cells: &[Cell]) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let values: Vec<Option<f64>> = cells.iter().map(|c| c.value()).collect();
    let top = values.iter().flatten().copied().fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if top <= 0.0 => LEVELS[0],
            Some(v) => LEVELS[((v / top) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn service(code: &str, agreement: &str) -> Service {
        Service { code: code.into(), name: code.into(), agreement: agreement.into(), organisation: "Digdir".into() }
    }

    fn request(metric: Metric) -> GridRequest {
        GridRequest {
            bucket: Bucket::Week,
            metric,
            from: date(2026, 11, 18),
            to: date(2026, 12, 5),
            agreement: None,
            max_rank: None,
        }
    }

    #[test]
    fn days_fold_into_their_week_and_service() {
        let mut grid = Grid::new(request(Metric::Breaches), vec![service("TUL", "ALTINN"), service("ABC", "TU")]);
        // Weeks 47 (16 Nov), 48 (23 Nov) and 49 (30 Nov): whole columns around the range.
        assert_eq!(grid.columns.len(), 3);
        assert_eq!(grid.span(), Some((date(2026, 11, 16), date(2026, 12, 7))));
        assert_eq!(grid.rows[0].service.code, "TUL", "sorted by agreement, then code");
        let figures = |breaches| DayFigures { received: 1, breaches, worst_used: None };
        grid.add_days([
            ("TUL", date(2026, 11, 16), figures(1)),
            ("TUL", date(2026, 11, 22), figures(2)),
            ("TUL", date(2026, 12, 6), figures(4)),
            ("TUL", date(2026, 12, 7), figures(9)),
            ("NONE", date(2026, 11, 16), figures(9)),
        ]);
        assert_eq!(grid.rows[0].cells, vec![Cell::Count(3), Cell::Count(0), Cell::Count(4)]);
        assert_eq!(grid.rows[1].cells, vec![Cell::Count(0); 3]);
        grid.set("ABC", 1, Cell::Maintenance);
        assert_eq!(grid.rows[1].cells[1], Cell::Maintenance);
        assert_eq!(grid.column_of(date(2026, 12, 7)), None);
    }

    #[test]
    fn the_trend_scales_to_the_row_and_leaves_gaps_blank() {
        let cells = [Cell::Count(0), Cell::Count(2), Cell::Nothing, Cell::Count(4), Cell::Maintenance];
        assert_eq!(trend(&cells), "▁▅ █ ");
        assert_eq!(trend(&[Cell::Count(0), Cell::Count(0)]), "▁▁");
        assert_eq!(trend(&[]), "");
    }

    #[test]
    fn budget_left_is_allowed_less_downtime() {
        // SBL, 99.9 % of a 31-day month: 44.64 minutes allowed; 26.74 used leaves 17.9.
        let measured = Availability {
            operating_seconds: 31 * 86_400,
            downtime_seconds: 1_604,
            excluded_seconds: 0,
            availability: Some(1.0 - 1_604.0 / (31.0 * 86_400.0)),
            allowed_seconds: 2_678,
            budget_used: Some(1_604.0 / 2_678.0),
            met: Some(true),
            outages_counted: 1,
            accounting: Vec::new(),
        };
        let standing = Standing {
            period: "2026-12".into(),
            target: Some(99.9),
            measured: Some(measured),
            outages: None,
            year: None,
        };
        let (left, allowed) = standing.budget_left_minutes().unwrap();
        assert!((allowed - 44.633).abs() < 0.01 && (left - 17.9).abs() < 0.01, "{left} of {allowed}");
    }
}
