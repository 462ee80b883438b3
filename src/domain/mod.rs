//! The pure domain ring: no I/O, no clock, no database. Time is always an argument.
//!
//! SLA engine modules (business calendars, holidays, agreements, clocks from events).
#![deny(clippy::disallowed_methods)]

pub mod agreement;
pub mod agreement_spec;
pub mod calendar;
pub mod calendar_spec;
pub mod clock_audit;
pub mod clock_record;
pub mod duration_fmt;
pub mod event_log;
pub mod holidays;
pub mod incident;
pub mod lifecycle;
pub mod major;
pub mod sla;
pub mod text;
pub mod time;
pub mod wall_clock;
mod zone;
