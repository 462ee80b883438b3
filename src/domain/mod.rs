//! The pure domain ring: no I/O, no clock, no database. Time is always an argument.
//!
//! One folder per concept: business calendars with their holidays, zones and wall-clock parsing (`calendar`);
//! agreements as stored and as validated (`agreement`); SLA clocks from events, their records and their audit
//! (`sla`); incidents and their lifecycle (`incident`); major incidents (`major`); text for terminals and people
//! (`text`). The rooms for the coming screens are ready: `maintenance`, `availability`, `heatmap`, `minutes`.
#![deny(clippy::disallowed_methods)]

pub mod agreement;
pub mod agreement_diff;
pub mod availability;
pub mod calendar;
pub mod calendar_year;
pub mod change_need;
pub mod heatmap;
pub mod incident;
pub mod maintenance;
pub mod major;
pub mod minutes;
pub(crate) mod names;
pub mod problem;
pub mod regulatory;
pub mod report;
pub mod sla;
pub mod text;
pub mod what_if;
