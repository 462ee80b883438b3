//! Service reports (issue 11): the monthly, tertial and yearly reports the agreements ask for. Pure: the caller
//! reads the incidents, outages and availability measure and passes them with `now`; here they become figures a
//! report renders (`report::service`) and that issuing freezes. Availability is never recomputed here: the figures
//! carry `domain::availability`'s measure with its accounting.

pub mod figures;
pub mod issue;
pub mod period;
pub mod restatement;
pub mod rules;
pub mod schedule;

pub use figures::{ReportFigures, ReportHeader};
pub use period::{ReportKind, ReportPeriod};
