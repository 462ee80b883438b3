//! Availability against an agreement's target in its operating hours (issue 11). Pure: the outages, the
//! maintenance windows and the period are arguments; every duration is measured on the target's calendar, so an
//! outage outside operating hours costs nothing and a period without operating time has no availability at all.
//!
//! How maintenance is treated follows the agreement (`MaintenancePolicy`):
//! - `Excluded` (ROR-IKT: "gjensidig avtalt vedlikehold"): agreed windows are taken out of the operating time
//!   and out of the downtime. The agreed service time excludes planned downtime, as ITIL's availability does.
//! - `ExcludedWithNotice` (Altinn): the same, but only for a window announced with the notice the agreement asks;
//!   a window announced too late is service time like any other, so an outage in it counts, and it is listed as a
//!   notice deviation.
//! - `Counts` (Tranemo/Ulricehamn: 99.1 % "with the windows counted"): a window that makes the service
//!   unavailable is downtime itself.
//!
//! Outages of exercises and outages with one of the agreement's exclusion reasons are not downtime; the
//! accounting lists them with the reason.

pub mod forecast;
pub mod intervals;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::agreement::spec::{AvailabilityTarget, MaintenancePolicy};
use crate::domain::calendar::BusinessCalendar;
use intervals::Intervals;

/// A period of unavailability (or degradation) of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub id: i64,
    pub start: DateTime<Utc>,
    /// `None` while it lasts: it is counted up to the end of the period (or now, whichever is first).
    pub end: Option<DateTime<Utc>>,
    pub degraded: bool,
    /// One of the agreement's exclusion reasons (ROR-IKT §6.2), when it does not count.
    pub exclusion: Option<String>,
    /// From an exercise: never counted.
    pub exercise: bool,
}

/// A maintenance window on the service, as the availability sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWindow {
    pub series_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// It takes the service down (not only degrades it).
    pub unavailable: bool,
    /// It was announced with the notice the agreement asks (Altinn); windows of agreements without a notice rule
    /// are `true`.
    pub notice_ok: bool,
}

/// Why a part of the period did or did not count, for the report's accounting statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// Downtime counted from an outage, in operating time.
    Counted { outage: i64, downtime_seconds: i64 },
    /// An outage that does not count, and why.
    NotCounted { outage: i64, reason: String },
    /// A maintenance window taken out of the service time.
    WindowExcluded { series_id: i64, seconds: i64 },
    /// A maintenance window counted as downtime (Tranemo/Ulricehamn).
    WindowCounted { series_id: i64, downtime_seconds: i64 },
    /// A window announced with too little notice: service time like any other, and a deviation to report.
    NoticeDeviation { series_id: i64 },
}

/// The availability of one service over one period (read back when a report's frozen figures are).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// Operating time in the period, less excluded maintenance.
    pub operating_seconds: i64,
    pub downtime_seconds: i64,
    /// Operating time taken out as excluded maintenance.
    pub excluded_seconds: i64,
    /// A fraction (0.999); `None` when the period has no operating time.
    pub availability: Option<f64>,
    /// The downtime the target allows in this operating time.
    pub allowed_seconds: i64,
    /// Share of the allowed downtime used (1.0 = all of it); `None` when nothing is allowed.
    pub budget_used: Option<f64>,
    /// Target met; `None` when there is no operating time.
    pub met: Option<bool>,
    /// Outages that counted (for a cap on their number, Tranemo/Ulricehamn: 5 a year).
    pub outages_counted: usize,
    pub accounting: Vec<Entry>,
}

impl Availability {
    /// "99.93 %", or "no operating time".
    pub fn percent_text(&self) -> String {
        match self.availability {
            Some(a) => format!("{:.2} %", a * 100.0),
            None => "no operating time".to_string(),
        }
    }
}

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct Measure<'a> {
    pub calendar: &'a BusinessCalendar,
    pub target: &'a AvailabilityTarget,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Open outages are counted up to here at the latest (the database's clock).
    pub now: DateTime<Utc>,
    /// Whether a degraded service counts as down (the seeds are silent; per agreement).
    pub degraded_is_down: bool,
}

pub fn measure(m: Measure<'_>, outages: &[Outage], windows: &[PlannedWindow]) -> Availability {
    let period = Intervals::one(m.from, m.to);
    let business = |set: &Intervals| set.iter().map(|(a, b)| m.calendar.business_duration(a, b)).sum::<Duration>();
    let mut accounting = Vec::new();

    // Maintenance taken out of the service time, and maintenance that is downtime itself.
    let mut excluded = Intervals::default();
    let mut window_downtime = Intervals::default();
    for w in windows {
        let span = Intervals::one(w.start, w.end).intersect(&period);
        if span.is_empty() {
            continue;
        }
        let agreed = match m.target.maintenance {
            MaintenancePolicy::Excluded => true,
            MaintenancePolicy::ExcludedWithNotice => w.notice_ok,
            MaintenancePolicy::Counts => false,
        };
        if agreed {
            excluded = excluded.union(&span);
            accounting.push(Entry::WindowExcluded { series_id: w.series_id, seconds: business(&span).num_seconds() });
        } else if m.target.maintenance == MaintenancePolicy::ExcludedWithNotice {
            accounting.push(Entry::NoticeDeviation { series_id: w.series_id });
        } else if w.unavailable {
            window_downtime = window_downtime.union(&span);
            accounting
                .push(Entry::WindowCounted { series_id: w.series_id, downtime_seconds: business(&span).num_seconds() });
        }
    }
    let service_time = period.subtract(&excluded);

    let mut downtime = window_downtime.intersect(&service_time);
    let mut outages_counted = 0;
    for o in outages {
        let reason = if o.exercise {
            Some("an exercise".to_string())
        } else if let Some(why) = &o.exclusion {
            Some(format!("excluded: {why}"))
        } else if o.degraded && !m.degraded_is_down {
            Some("degraded, not down (this agreement counts only unavailability)".to_string())
        } else {
            None
        };
        if let Some(reason) = reason {
            accounting.push(Entry::NotCounted { outage: o.id, reason });
            continue;
        }
        let end = o.end.unwrap_or(m.now).min(m.to);
        let span = Intervals::one(o.start, end).intersect(&service_time);
        let seconds = business(&span).num_seconds();
        if seconds == 0 {
            accounting.push(Entry::NotCounted {
                outage: o.id,
                reason: "outside operating hours or inside excluded maintenance".into(),
            });
            continue;
        }
        outages_counted += 1;
        accounting.push(Entry::Counted { outage: o.id, downtime_seconds: seconds });
        downtime = downtime.union(&span);
    }

    let operating = business(&service_time);
    let down = business(&downtime);
    let excluded_time = business(&excluded);
    let allowed = m.target.allowed_downtime(operating);
    let availability = (operating > Duration::zero())
        .then(|| 1.0 - down.num_milliseconds() as f64 / operating.num_milliseconds() as f64);
    Availability {
        operating_seconds: operating.num_seconds(),
        downtime_seconds: down.num_seconds(),
        excluded_seconds: excluded_time.num_seconds(),
        availability,
        allowed_seconds: allowed.num_seconds(),
        budget_used: (allowed > Duration::zero())
            .then(|| down.num_milliseconds() as f64 / allowed.num_milliseconds() as f64),
        met: availability.map(|a| a * 100.0 + 1e-9 >= m.target.percent),
        outages_counted,
        accounting,
    }
}

#[cfg(test)]
mod tests;
