//! Service windows, planned downtime, releases and freezes (issue 10): series of windows in a named zone, their
//! occurrences, the secondary window linked to its primary, and the warnings the calendar shows. Pure: every
//! instant is an argument, recurrences are expanded here (never with timestamp casts in PostgreSQL).

pub mod announcement;
pub mod approval;
pub mod budget;
pub mod notice;
pub mod release_plan;
pub mod series;
pub mod warnings;

use serde::{Deserialize, Serialize};

use crate::domain::names::stored_names;

stored_names!(
    /// What a window is for.
    WindowKind {
        /// An agreed recurring service window (Tranemo/Ulricehamn: the third Tuesday).
        Primary => "primary_window",
        /// The window after a primary, used only when its work could not be finished.
        Secondary => "secondary_window",
        /// Downtime planned for one occasion.
        PlannedDowntime => "planned_downtime",
        Release => "release",
        Change => "change",
        /// No changes: a window inside it is refused unless an admin records why.
        Freeze => "freeze",
        /// A period of heavy use announced by a service owner (Altinn).
        HighVolume => "high_volume",
        /// A period of critical activity the release plan must respect (Altinn).
        CriticalPeriod => "critical_period",
    }
);

stored_names!(
    /// Where a window is in its life.
    WindowState {
        Draft => "draft",
        Proposed => "proposed",
        Approved => "approved",
        Announced => "announced",
        InProgress => "in_progress",
        Done => "done",
        Cancelled => "cancelled",
    }
);

stored_names!(
    /// What users notice while the window is open.
    Impact {
        Unavailable => "unavailable",
        Degraded => "degraded",
        None => "none",
    }
);

/// A note on one window of a series (named by its local date), and whether its work was left unfinished: a
/// secondary window is for unfinished work of its primary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurrenceNote {
    pub date: chrono::NaiveDate,
    pub unfinished: bool,
    pub note: String,
}

impl WindowKind {
    /// Periods that constrain other windows rather than take services down.
    pub fn is_period(self) -> bool {
        matches!(self, WindowKind::Freeze | WindowKind::HighVolume | WindowKind::CriticalPeriod)
    }
}
