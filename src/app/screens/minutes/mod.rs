//! Tab 5: status-meeting minutes. The meeting series with their meetings (latest first) on the left, the selected
//! meeting's minutes on the right: attendance, the agenda's items with their notes and the rows the agenda was
//! written from, decisions, follow-up points and corrections. The list is read when the tab is shown and on
//! Ctrl-r; a meeting's minutes when it is opened.

pub mod chair;
pub mod data;
pub mod update;

use data::{MeetingLine, MeetingList, MinutesDetail, SeriesLine};

use super::ScreenState;
use crate::app::effect::{DbCommand, Effect};
use crate::app::keymap::Scope;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MinutesScreen {
    /// `None` until the list has been read.
    pub list: Option<MeetingList>,
    pub error: Option<String>,
    /// The selected line of the list (series headings count).
    pub selected: usize,
    /// The meeting whose minutes are shown.
    pub open: Option<OpenMinutes>,
    /// The meeting a first `P` asked to publish; a second `P` publishes it, anything else forgets it.
    pub publishing: Option<i64>,
    /// Taking the attendance of the open minutes: the digits mark participants.
    pub taking_attendance: bool,
    /// The agenda item a first `-` asked to drop; a second `-` drops it, anything else forgets it.
    pub dropping: Option<i64>,
}

/// A meeting being read.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenMinutes {
    pub id: i64,
    /// `None` while it loads.
    pub detail: Option<Result<Box<MinutesDetail>, String>>,
    /// The selected agenda item (by id, so it stays selected when the agenda is reordered); `None`: the meeting as
    /// a whole, at the top.
    pub item: Option<i64>,
    /// Lines scrolled from the selected item's heading (from the top when none is selected).
    pub scroll: i32,
}

impl OpenMinutes {
    pub fn new(id: i64) -> Self {
        OpenMinutes { id, detail: None, item: None, scroll: 0 }
    }

    /// The loaded minutes.
    pub fn minutes(&self) -> Option<&MinutesDetail> {
        match &self.detail {
            Some(Ok(detail)) => Some(detail),
            _ => None,
        }
    }

    /// The selected agenda item, as loaded.
    pub fn selected_item(&self) -> Option<&data::ItemLine> {
        let id = self.item?;
        self.minutes()?.items.iter().find(|i| i.id == id)
    }

    /// `}` and `{`: the next or previous agenda item; before the first comes the meeting as a whole.
    pub fn step_item(&mut self, delta: isize) {
        let Some(items) = self.minutes().map(|d| d.items.iter().map(|i| i.id).collect::<Vec<_>>()) else { return };
        // Positions with the meeting as a whole as 0 and the items from 1.
        let here = self.item.and_then(|id| items.iter().position(|i| *i == id)).map_or(0, |at| at + 1);
        let there = here.saturating_add_signed(delta).min(items.len());
        self.item = there.checked_sub(1).and_then(|at| items.get(at).copied());
        self.scroll = 0;
    }
}

/// A line of the list: a series' heading or one of its meetings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Line<'a> {
    Series(&'a SeriesLine),
    Meeting(&'a MeetingLine),
}

impl MinutesScreen {
    /// Each series, then its meetings, latest first.
    pub fn lines(&self) -> Vec<Line<'_>> {
        let Some(list) = &self.list else { return Vec::new() };
        let mut lines = Vec::new();
        for series in &list.series {
            lines.push(Line::Series(series));
            let mut meetings: Vec<&MeetingLine> = list.meetings.iter().filter(|m| m.series == series.code).collect();
            meetings.sort_by_key(|m| std::cmp::Reverse((m.starts_at, m.id)));
            lines.extend(meetings.into_iter().map(Line::Meeting));
        }
        lines
    }

    /// The meeting on the selected line, if it is one.
    pub fn selected_meeting(&self) -> Option<&MeetingLine> {
        match self.lines().get(self.selected) {
            Some(Line::Meeting(m)) => Some(m),
            _ => None,
        }
    }

    /// The series the selected line belongs to (its heading or one of its meetings).
    pub fn selected_series(&self) -> Option<&SeriesLine> {
        let lines = self.lines();
        lines.get(..=self.selected.min(lines.len().checked_sub(1)?))?.iter().rev().find_map(|line| match line {
            Line::Series(s) => Some(*s),
            Line::Meeting(_) => None,
        })
    }

    /// The list arrived: keep the selected meeting selected where it still is.
    pub fn listed(&mut self, list: MeetingList) {
        // The open meeting stays selected (a meeting just opened is selected when it first appears).
        let keep = self.open.as_ref().map(|o| o.id).or_else(|| self.selected_meeting().map(|m| m.id));
        let first_time = self.list.is_none();
        self.list = Some(list);
        self.error = None;
        let lines = self.lines();
        let count = lines.len();
        let kept = keep.and_then(|id| lines.iter().position(|l| matches!(l, Line::Meeting(m) if m.id == id)));
        if let Some(at) = kept {
            self.selected = at;
        } else if first_time && let Some(first) = self.lines().iter().position(|l| matches!(l, Line::Meeting(_))) {
            // The first meeting listed, so Enter has something to open.
            self.selected = first;
        }
        self.selected = self.selected.min(count.saturating_sub(1));
    }

    /// Opens the selected meeting's minutes.
    pub fn open_selected(&mut self) -> Option<DbCommand> {
        let id = self.selected_meeting()?.id;
        self.open = Some(OpenMinutes::new(id));
        self.taking_attendance = false;
        self.dropping = None;
        Some(DbCommand::LoadMinutes { id })
    }

    /// `[` and `]`: the meeting `delta` meetings down the list (headings are skipped); an open meeting follows.
    pub fn step_meeting(&mut self, delta: isize) -> Option<DbCommand> {
        let lines = self.lines();
        let meetings: Vec<usize> =
            lines.iter().enumerate().filter(|(_, l)| matches!(l, Line::Meeting(_))).map(|(i, _)| i).collect();
        let here = meetings.iter().position(|i| *i >= self.selected).unwrap_or(meetings.len());
        let target = if delta < 0 {
            here.checked_sub(delta.unsigned_abs())?
        } else {
            // On a heading, the first meeting below it is the next one.
            let on_meeting = meetings.get(here) == Some(&self.selected);
            here + delta.unsigned_abs() - usize::from(!on_meeting)
        };
        self.selected = *meetings.get(target)?;
        if self.open.is_some() { self.open_selected() } else { None }
    }

    /// The minutes arrived; an answer for a meeting no longer open is dropped. An item dropped meanwhile gives
    /// its place to the one now there.
    pub fn loaded(&mut self, id: i64, result: Result<Box<MinutesDetail>, String>) {
        if let Some(open) = &mut self.open
            && open.id == id
        {
            let at = open.item.and_then(|item| {
                let items = &open.minutes()?.items;
                items.iter().position(|i| i.id == item)
            });
            open.detail = Some(result);
            if let Some(items) = open.minutes().map(|d| &d.items)
                && open.item.is_some_and(|item| !items.iter().any(|i| i.id == item))
            {
                open.item = at.and_then(|at| items.get(at.min(items.len().saturating_sub(1)))).map(|i| i.id);
            }
        }
    }
}

impl ScreenState for MinutesScreen {
    fn offers(&self, command: crate::app::command::Command) -> bool {
        use crate::app::command::{Command, MinutesAct};
        let published = self.open.as_ref().and_then(|o| o.minutes()).is_some_and(|m| m.head.state == "published");
        let writes = matches!(
            command,
            Command::Minutes(
                MinutesAct::EditNotes
                    | MinutesAct::Discussed
                    | MinutesAct::Decision
                    | MinutesAct::FollowUp
                    | MinutesAct::Attendance
                    | MinutesAct::AddItem
                    | MinutesAct::DropItem
                    | MinutesAct::MoveItemUp
                    | MinutesAct::MoveItemDown
                    | MinutesAct::Publish
            )
        );
        !(published && writes)
    }

    fn scope(&self) -> Scope {
        if self.taking_attendance {
            Scope::Attendance
        } else if self.open.is_some() {
            Scope::MinutesOpen
        } else {
            Scope::Minutes
        }
    }

    fn move_selection(&mut self, delta: isize) {
        self.publishing = None;
        self.dropping = None;
        let delta = delta.clamp(-1_000_000, 1_000_000);
        if let Some(open) = &mut self.open {
            // With minutes open, j and k read them, from the selected item; g goes back to the top.
            if delta <= -1_000_000 {
                open.item = None;
            }
            let lowest = if open.item.is_some() { -10_000 } else { 0 };
            let scroll = i32::try_from(delta).unwrap_or(0).saturating_add(open.scroll).clamp(lowest, 10_000);
            open.scroll = scroll;
            return;
        }
        let last = self.lines().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    fn back(&mut self) -> bool {
        self.publishing = None;
        self.dropping = None;
        if self.taking_attendance {
            self.taking_attendance = false;
            return true;
        }
        self.open.take().is_some()
    }

    fn resync(&self) -> Vec<Effect> {
        let list = self.list.as_ref().map(|_| DbCommand::LoadMeetings);
        let open = self.open.as_ref().map(|o| DbCommand::LoadMinutes { id: o.id });
        list.into_iter().chain(open).map(Effect::Db).collect()
    }
}

#[cfg(test)]
mod tests;
