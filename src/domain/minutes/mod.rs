//! Status meetings (issue 12): a series' schedule, the agenda vakt writes from live data, and what carries over to
//! the next meeting. The pure domain ring: no I/O, no clock, no database. Time is always an argument.

pub mod agenda;
pub mod carry;
pub mod concerns;
pub mod diff;
pub mod remind;
pub mod schedule;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::domain::names::stored_names;

stored_names!(
    /// What a series of meetings is for; the agenda's sections follow from it.
    MeetingKind {
        /// Altinn's weekly status meeting (ABS, ASF, the operations and management suppliers).
        WeeklyStatus => "weekly_status",
        /// Altinn's monthly delivery meeting: availability deviations are handled here.
        MonthlyDelivery => "monthly_delivery",
        /// Stockholm's weekly change meeting between the service desk and the suppliers.
        WeeklyChange => "weekly_change",
        /// Problem management (Stockholm), or a body reviewing recurring faults (ROR-IKT).
        ProblemReview => "problem_review",
        /// A steering or cooperation body (ROR-IKT's).
        Steering => "steering",
    }
);

/// Someone a series expects at its meetings: an organisation (with the role it plays there) or a login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// An organisation code or a login.
    pub who: String,
    /// The part it plays ("ABS", "Driftsleverandør", "Tjenesteeier").
    #[serde(default)]
    pub role: String,
    /// Must attend; an absent mandatory participant is flagged in the minutes.
    pub mandatory: bool,
}
