//! The board's rows: every open incident, and the visible list after the filter and the sort. The selection
//! follows its incident across re-sorts, filters and live updates.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use super::filter::{Filter, FilterContext};
use crate::app::model::IncidentSummary;

/// What the board is sorted by. Deadline (time to breach) is the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Deadline,
    Priority,
    Reference,
    Service,
    Organisation,
    Status,
    Line,
    Assignee,
    Age,
    Flags,
    Title,
}

impl SortKey {
    pub const ALL: [SortKey; 11] = [
        SortKey::Deadline,
        SortKey::Priority,
        SortKey::Reference,
        SortKey::Service,
        SortKey::Organisation,
        SortKey::Status,
        SortKey::Line,
        SortKey::Assignee,
        SortKey::Age,
        SortKey::Flags,
        SortKey::Title,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Deadline => "deadline",
            SortKey::Priority => "priority",
            SortKey::Reference => "reference",
            SortKey::Service => "service",
            SortKey::Organisation => "organisation",
            SortKey::Status => "status",
            SortKey::Line => "line",
            SortKey::Assignee => "assignee",
            SortKey::Age => "age",
            SortKey::Flags => "flags",
            SortKey::Title => "title",
        }
    }

    pub fn parse(name: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.name() == name.trim())
    }

    pub fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }
}

/// A named filter, selectable by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedView {
    pub name: &'static str,
    pub filter: &'static str,
}

pub const VIEWS: [SavedView; 4] = [
    SavedView { name: "All open", filter: "" },
    SavedView { name: "My queue", filter: "mine" },
    SavedView { name: "Breaching today", filter: "today" },
    SavedView { name: "Unassigned", filter: "unassigned" },
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Board {
    rows: Vec<IncidentSummary>,
    /// Indexes into `rows`, filtered and sorted.
    visible: Vec<usize>,
    selected: usize,
    filter: Filter,
    sort: SortKey,
    descending: bool,
    /// The login of the viewer, for `mine`.
    me: Option<String>,
    /// The viewer's zone, for `today`.
    zone: Option<chrono_tz::Tz>,
    /// False until the whole open queue has arrived, so the screen can say "loading" rather than "empty".
    pub loaded: bool,
    /// While only the first page is here: about how many open incidents there are (PostgreSQL's estimate).
    expected: Option<usize>,
}

impl Board {
    /// Every open incident, unfiltered (for counts).
    pub fn all(&self) -> &[IncidentSummary] {
        &self.rows
    }

    /// The rows shown, in order.
    pub fn visible(&self) -> impl ExactSizeIterator<Item = &IncidentSummary> {
        self.visible.iter().map(|i| &self.rows[*i])
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    pub fn selected(&self) -> Option<&IncidentSummary> {
        self.visible.get(self.selected).map(|i| &self.rows[*i])
    }

    pub fn find(&self, id: i64) -> Option<&IncidentSummary> {
        self.rows.iter().find(|r| r.id == id)
    }

    pub fn version_of(&self, id: i64) -> Option<i32> {
        self.find(id).map(|r| r.version)
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn sort(&self) -> (SortKey, bool) {
        (self.sort, self.descending)
    }

    pub fn set_me(&mut self, login: &str) {
        self.me = Some(login.to_string());
    }

    pub fn set_zone(&mut self, zone: chrono_tz::Tz) {
        self.zone = Some(zone);
    }

    pub fn set_filter(&mut self, filter: Filter, now: DateTime<Utc>) {
        self.filter = filter;
        self.refresh(now);
    }

    pub fn set_sort(&mut self, key: SortKey, descending: bool, now: DateTime<Utc>) {
        self.sort = key;
        self.descending = descending;
        self.refresh(now);
    }

    /// Replaces every row (initial load and resync).
    pub fn replace(&mut self, rows: Vec<IncidentSummary>, now: DateTime<Utc>) {
        self.rows = rows;
        self.rows.retain(|r| r.status.is_open());
        self.loaded = true;
        self.expected = None;
        self.refresh(now);
    }

    /// Shows the first page of the queue (the soonest deadlines) while the whole queue is still on its way. A page
    /// that arrives after the whole queue is older than it and is dropped.
    pub fn show_first_page(&mut self, rows: Vec<IncidentSummary>, open: usize, now: DateTime<Utc>) {
        if self.loaded {
            return;
        }
        self.rows = rows;
        self.rows.retain(|r| r.status.is_open());
        self.expected = Some(open.max(self.rows.len()));
        self.refresh(now);
    }

    /// About how many open incidents are still to come while only the first page is shown (0: not known).
    pub fn still_to_come(&self) -> Option<usize> {
        match (self.loaded, self.expected) {
            (false, Some(open)) => Some(open.saturating_sub(self.rows.len())),
            _ => None,
        }
    }

    /// Something to show: the whole queue, or its first page.
    pub fn showing(&self) -> bool {
        self.loaded || self.expected.is_some()
    }

    /// Applies a fresh copy of one incident: updates it, adds it, or drops it when it left the queue.
    /// An older version than the one shown is ignored (a late answer must not undo a newer change).
    /// Only that incident's place in the visible list is worked out again: a change must not re-filter and re-sort
    /// ten thousand rows on every console.
    pub fn apply(&mut self, id: i64, fresh: Option<IncidentSummary>, now: DateTime<Utc>) {
        let keep = self.selected().map(|r| r.id);
        let position = self.rows.iter().position(|r| r.id == id);
        match (position, fresh) {
            (Some(i), Some(row)) if row.status.is_open() => {
                if row.version >= self.rows[i].version {
                    self.hide(i);
                    self.rows[i] = row;
                    self.show(i, now);
                }
            }
            (Some(i), Some(row)) if row.version < self.rows[i].version => {}
            (Some(i), _) => self.remove(i),
            (None, Some(row)) if row.status.is_open() => {
                self.rows.push(row);
                self.show(self.rows.len() - 1, now);
            }
            (None, _) => {}
        }
        self.reselect(keep);
    }

    /// Takes row `i` out of the visible list (where the filter showed it).
    fn hide(&mut self, i: usize) {
        if let Some(at) = self.visible.iter().position(|v| *v == i) {
            self.visible.remove(at);
        }
    }

    /// Puts row `i` into the visible list at its sorted place, if the filter shows it.
    fn show(&mut self, i: usize, now: DateTime<Utc>) {
        let context = FilterContext { me: self.me.as_deref(), now, day_end: day_end(now, self.zone) };
        if !self.filter.matches(&self.rows[i], &context) {
            return;
        }
        let row = &self.rows[i];
        let at = self.visible.partition_point(|v| self.order(&self.rows[*v], row) == Ordering::Less);
        self.visible.insert(at, i);
    }

    /// Drops row `i`; the last row takes its index, so the visible list is told.
    fn remove(&mut self, i: usize) {
        self.hide(i);
        let last = self.rows.len() - 1;
        self.rows.swap_remove(i);
        if i != last
            && let Some(moved) = self.visible.iter_mut().find(|v| **v == last)
        {
            *moved = i;
        }
    }

    /// The board's order between two rows: the sort key, its direction, then the deadline and the id.
    fn order(&self, a: &IncidentSummary, b: &IncidentSummary) -> Ordering {
        let order = compare(a, b, self.sort);
        if self.descending { order.reverse() } else { order }
    }

    /// Keeps the selection on the incident it was on while that is still shown, else at the same height.
    fn reselect(&mut self, keep: Option<i64>) {
        match keep.and_then(|id| self.visible.iter().position(|i| self.rows[*i].id == id)) {
            Some(i) => self.selected = i,
            None => self.selected = self.selected.min(self.visible.len().saturating_sub(1)),
        }
    }

    /// Recomputes the visible list, keeping the selection on the same incident where it is still shown.
    pub fn refresh(&mut self, now: DateTime<Utc>) {
        let keep = self.selected().map(|r| r.id);
        let context = FilterContext { me: self.me.as_deref(), now, day_end: day_end(now, self.zone) };
        let mut visible: Vec<usize> =
            (0..self.rows.len()).filter(|i| self.filter.matches(&self.rows[*i], &context)).collect();
        visible.sort_by(|a, b| self.order(&self.rows[*a], &self.rows[*b]));
        self.visible = visible;
        self.reselect(keep);
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn select_first(&mut self) {
        self.selected = 0;
    }

    pub fn select_last(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
    }

    pub fn select_id(&mut self, id: i64) {
        if let Some(i) = self.visible.iter().position(|i| self.rows[*i].id == id) {
            self.selected = i;
        }
    }
}

fn compare(a: &IncidentSummary, b: &IncidentSummary, key: SortKey) -> Ordering {
    let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
    let primary = match key {
        SortKey::Deadline => by_deadline(a, b),
        SortKey::Priority => a.priority_rank.unwrap_or(i32::MAX).cmp(&b.priority_rank.unwrap_or(i32::MAX)),
        SortKey::Reference => a.id.cmp(&b.id),
        SortKey::Service => text(&a.service.name, &b.service.name),
        SortKey::Organisation => text(&a.service.organisation, &b.service.organisation),
        SortKey::Status => a.status.cmp(&b.status),
        SortKey::Line => a.support_line.cmp(&b.support_line),
        SortKey::Assignee => {
            let name = |r: &IncidentSummary| r.assignee.as_ref().map(|s| s.name.to_lowercase());
            name(a).cmp(&name(b))
        }
        SortKey::Age => a.received_at.cmp(&b.received_at),
        // Flagged first, the weightiest flag first: major, security, reopened, workaround, deprioritised.
        SortKey::Flags => flag_weight(b).cmp(&flag_weight(a)),
        SortKey::Title => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
    };
    primary.then_with(|| by_deadline(a, b)).then(a.id.cmp(&b.id))
}

fn flag_weight(row: &IncidentSummary) -> u8 {
    let f = &row.flags;
    [f.major, f.security, f.reopened, f.workaround, f.deprioritised]
        .iter()
        .enumerate()
        .filter(|(_, set)| **set)
        .map(|(i, _)| 1u8 << (4 - i))
        .sum()
}

/// Soonest deadline first; incidents without a running deadline after those with one, oldest first.
fn by_deadline(a: &IncidentSummary, b: &IncidentSummary) -> Ordering {
    let due = |r: &IncidentSummary| r.next_due.as_ref().map(|d| d.at);
    match (due(a), due(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then(a.received_at.cmp(&b.received_at))
}

/// The next local midnight in the viewer's zone (UTC without one).
fn day_end(now: DateTime<Utc>, zone: Option<chrono_tz::Tz>) -> DateTime<Utc> {
    use chrono::TimeZone;
    let zone = zone.unwrap_or(chrono_tz::UTC);
    let tomorrow = now.with_timezone(&zone).date_naive() + chrono::Duration::days(1);
    tomorrow
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| zone.from_local_datetime(&midnight).earliest())
        .map_or(now + chrono::Duration::hours(24), |t| t.with_timezone(&Utc))
}
