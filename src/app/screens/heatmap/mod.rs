//! Tab 3: the SLA breach heat-map. Services grouped by agreement or organisation, one column per day, week, month or
//! tertial ending with the current one, the cells coloured by the chosen metric; a side panel for the selected
//! service and a drill-down to the incidents and outages behind a cell. The grid is read when the tab is shown, on
//! every change of what it shows, and on Ctrl-r.

pub mod forecast;
pub mod update;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Months, NaiveDate};

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;
use crate::domain::heatmap::grid::{CellDetail, Grid, GridRequest, GridRow, Standing};
use crate::domain::heatmap::{Bucket, Metric};

#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapScreen {
    pub bucket: Bucket,
    pub metric: Metric,
    /// The day the last column holds; `None` follows today.
    pub anchor: Option<NaiveDate>,
    /// The viewer's date as of the last key or tick.
    pub today: Option<NaiveDate>,
    /// Count only incidents of this rank or more severe (1 = A, Kritisk).
    pub max_rank: Option<i32>,
    /// Shown agreement and organisation; `None` shows all.
    pub agreement: Option<String>,
    pub organisation: Option<String>,
    pub by_organisation: bool,
    /// Groups folded to their heading.
    pub folded: BTreeSet<String>,
    pub grid: Option<Grid>,
    pub standings: HashMap<String, Standing>,
    /// The request last sent; answers to older ones are dropped.
    pub requested: Option<GridRequest>,
    pub error: Option<String>,
    /// The selected line of the rows (group headings count).
    pub selected: usize,
    /// The selected column.
    pub column: usize,
    pub drill: Option<Drill>,
    /// Incidents or outages changed since the grid was read.
    pub stale: bool,
    /// When the grid was last asked for, so a busy queue reloads it at most every [`REFRESH_SECONDS`].
    pub asked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The shortest time between two reloads of a stale grid on screen.
pub const REFRESH_SECONDS: i64 = 15;

impl Default for HeatmapScreen {
    fn default() -> Self {
        Self {
            bucket: Bucket::Week,
            metric: Metric::Breaches,
            anchor: None,
            today: None,
            max_rank: None,
            agreement: None,
            organisation: None,
            by_organisation: false,
            folded: BTreeSet::new(),
            grid: None,
            standings: HashMap::new(),
            requested: None,
            error: None,
            selected: 0,
            column: usize::MAX,
            drill: None,
            stale: false,
            asked_at: None,
        }
    }
}

/// The cell being looked into.
#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    pub service: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `None` while it loads.
    pub detail: Option<Result<CellDetail, String>>,
    /// The selected incident.
    pub selected: usize,
}

/// A line of the grid: a group's heading or a service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Line<'a> {
    Group { name: &'a str, services: usize, folded: bool },
    Service(&'a GridRow),
}

/// Columns shown for each width: about six weeks of days, a year of weeks, two years of months, three of tertials.
pub fn column_count(bucket: Bucket) -> u32 {
    match bucket {
        Bucket::Day => 42,
        Bucket::Week => 52,
        Bucket::Month => 24,
        Bucket::Tertial => 9,
    }
}

/// The start of the column `n` columns before the one starting at `start`.
fn columns_back(bucket: Bucket, start: NaiveDate, n: u32) -> NaiveDate {
    let earlier = match bucket {
        Bucket::Day => start.checked_sub_signed(chrono::Duration::days(i64::from(n))),
        Bucket::Week => start.checked_sub_signed(chrono::Duration::weeks(i64::from(n))),
        Bucket::Month => start.checked_sub_months(Months::new(n)),
        Bucket::Tertial => start.checked_sub_months(Months::new(4 * n)),
    };
    earlier.unwrap_or(NaiveDate::MIN)
}

impl HeatmapScreen {
    /// What the screen shows now, as a request: whole columns up to the one holding the anchor (or today).
    pub fn request(&self) -> Option<GridRequest> {
        let last = self.bucket.start_of(self.anchor.or(self.today)?);
        let from = columns_back(self.bucket, last, column_count(self.bucket) - 1);
        Some(GridRequest {
            bucket: self.bucket,
            metric: self.metric,
            from,
            to: self.bucket.next(last),
            agreement: None,
            max_rank: self.max_rank,
        })
    }

    /// The load of what the screen shows, unless it is loaded or asked for already.
    pub fn wanted_load(&mut self) -> Option<DbCommand> {
        let request = self.request()?;
        if self.requested.as_ref() == Some(&request) {
            return None;
        }
        self.requested = Some(request.clone());
        self.stale = false;
        Some(DbCommand::LoadHeatmap { request, today: self.today? })
    }

    /// The anchor moved `pages` pages of columns (negative: earlier); never past the current period.
    pub fn page(&mut self, pages: i32) {
        let Some(today) = self.today else { return };
        let day = self.anchor.unwrap_or(today);
        let shift = column_count(self.bucket) * pages.unsigned_abs();
        let moved = if pages < 0 {
            columns_back(self.bucket, self.bucket.start_of(day), shift)
        } else {
            (0..shift).fold(self.bucket.start_of(day), |start, _| self.bucket.next(start))
        };
        self.anchor = if moved >= self.bucket.start_of(today) { None } else { Some(moved) };
    }

    /// The grid's answer to `request`; an older request's answer is dropped.
    pub fn loaded(&mut self, request: &GridRequest, result: Result<(Grid, HashMap<String, Standing>), String>) {
        if self.requested.as_ref() != Some(request) {
            return;
        }
        match result {
            Ok((grid, standings)) => {
                let first_time = self.grid.is_none();
                let keep = self.selected_service().map(str::to_string);
                let columns = grid.columns.len();
                self.grid = Some(grid);
                self.standings = standings;
                self.error = None;
                self.column = self.column.min(columns.saturating_sub(1));
                if let Some(code) = keep
                    && let Some(at) =
                        self.lines().iter().position(|l| matches!(l, Line::Service(r) if r.service.code == code))
                {
                    self.selected = at;
                }
                if first_time && self.selected == 0 && self.lines().len() > 1 {
                    // The first service, so the side panel has something to say.
                    self.selected = 1;
                }
                self.selected = self.selected.min(self.lines().len().saturating_sub(1));
            }
            Err(why) => self.error = Some(why),
        }
    }

    fn group_of<'a>(&self, row: &'a GridRow) -> &'a str {
        if self.by_organisation { &row.service.organisation } else { &row.service.agreement }
    }

    /// The rows that pass the agreement and organisation filters.
    pub fn shown_rows(&self) -> impl Iterator<Item = &GridRow> {
        let wanted = |filter: &Option<String>, value: &str| filter.as_deref().is_none_or(|f| f == value);
        self.grid.iter().flat_map(|g| g.rows.iter()).filter(move |row| {
            wanted(&self.agreement, &row.service.agreement) && wanted(&self.organisation, &row.service.organisation)
        })
    }

    /// The lines of the grid: each group's heading, then its services unless it is folded.
    pub fn lines(&self) -> Vec<Line<'_>> {
        let mut groups: BTreeMap<&str, Vec<&GridRow>> = BTreeMap::new();
        for row in self.shown_rows() {
            groups.entry(self.group_of(row)).or_default().push(row);
        }
        let mut lines = Vec::new();
        for (name, rows) in groups {
            let folded = self.folded.contains(name);
            lines.push(Line::Group { name, services: rows.len(), folded });
            if !folded {
                lines.extend(rows.into_iter().map(Line::Service));
            }
        }
        lines
    }

    /// The service on the selected line, if it is one.
    pub fn selected_row(&self) -> Option<&GridRow> {
        match self.lines().get(self.selected) {
            Some(Line::Service(row)) => Some(row),
            _ => None,
        }
    }

    fn selected_service(&self) -> Option<&str> {
        self.selected_row().map(|r| r.service.code.as_str())
    }

    /// The values a filter steps through: every agreement (or organisation) of the grid, then all again.
    pub fn next_filter(&self, organisation: bool) -> Option<String> {
        let values: BTreeSet<&str> = self
            .grid
            .iter()
            .flat_map(|g| g.rows.iter())
            .map(|r| if organisation { r.service.organisation.as_str() } else { r.service.agreement.as_str() })
            .collect();
        let current = if organisation { &self.organisation } else { &self.agreement };
        match current {
            None => values.first().map(|v| v.to_string()),
            Some(now) => values.iter().find(|v| **v > now.as_str()).map(|v| v.to_string()),
        }
    }

    /// The selected column's first day and the day after its last.
    pub fn selected_column(&self) -> Option<(NaiveDate, NaiveDate)> {
        let columns = &self.grid.as_ref()?.columns;
        columns.get(self.column.min(columns.len().checked_sub(1)?)).copied()
    }

    /// The drill-down into the selected cell.
    pub fn drill_in(&mut self) -> Option<DbCommand> {
        let service = self.selected_service()?.to_string();
        let (from, to) = self.selected_column()?;
        self.drill = Some(Drill { service: service.clone(), from, to, detail: None, selected: 0 });
        Some(DbCommand::LoadHeatCell { service, from, to, max_rank: self.max_rank })
    }
}

impl ScreenState for HeatmapScreen {
    fn scope(&self) -> Scope {
        Scope::Heatmap
    }

    fn move_selection(&mut self, delta: isize) {
        let delta = delta.clamp(-1_000_000, 1_000_000);
        if let Some(drill) = &mut self.drill {
            let count = match &drill.detail {
                Some(Ok(detail)) => detail.incidents.len(),
                _ => 0,
            };
            drill.selected = drill.selected.saturating_add_signed(delta).min(count.saturating_sub(1));
            return;
        }
        let last = self.lines().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    fn back(&mut self) -> bool {
        self.drill.take().is_some()
    }

    fn resync(&self) -> Vec<Effect> {
        let grid =
            self.requested.clone().zip(self.today).map(|(request, today)| DbCommand::LoadHeatmap { request, today });
        let cell = self.drill.as_ref().map(|d| DbCommand::LoadHeatCell {
            service: d.service.clone(),
            from: d.from,
            to: d.to,
            max_rank: self.max_rank,
        });
        grid.into_iter().chain(cell).map(Effect::Db).collect()
    }
}

#[cfg(test)]
mod tests;
