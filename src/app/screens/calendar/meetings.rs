//! The meetings overlay (issue 12): the occurrences of the status-meeting series in the loaded dates, shown beside
//! the windows. A meeting is a point in time for people, not a change to a service, so it sits on the viewer's own
//! wall clock (where the people are), while windows keep their agreement's zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::app::model::MaintenanceWindow;

/// One meeting of a series, as the calendar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarMeeting {
    /// The series' code (`ALT-STATUS`).
    pub series: String,
    pub title: String,
    /// The chair's name (the login where the name is unknown).
    pub chair: String,
    /// The series' own zone, where "every Tuesday 10:00" is kept.
    pub zone: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl CalendarMeeting {
    /// The date it starts on the viewer's wall clock.
    pub fn day(&self, viewer: Tz) -> NaiveDate {
        self.start.with_timezone(&viewer).date_naive()
    }

    /// Identifies this meeting among the agenda's rows across reloads.
    pub fn key(&self) -> String {
        format!("meeting:{}:{}", self.series, self.start.timestamp())
    }
}

/// A row of the agenda: a window, or a meeting when the overlay is on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    Window(&'a MaintenanceWindow),
    Meeting(&'a CalendarMeeting),
}

impl<'a> Entry<'a> {
    pub fn start(&self) -> DateTime<Utc> {
        match self {
            Entry::Window(w) => w.start,
            Entry::Meeting(m) => m.start,
        }
    }

    /// Identifies the row across reloads (a window's id, or the meeting's series and start).
    pub fn key(&self) -> String {
        match self {
            Entry::Window(w) => w.id.clone(),
            Entry::Meeting(m) => m.key(),
        }
    }

    pub fn window(self) -> Option<&'a MaintenanceWindow> {
        match self {
            Entry::Window(w) => Some(w),
            Entry::Meeting(_) => None,
        }
    }
}
