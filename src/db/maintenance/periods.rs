//! Warnings about a period rather than one window: the windows of a year taking more than an availability
//! target allows (Tranemo/Ulricehamn: 84 h against 78.8 h at 99.1 %), and a release plan that no longer reaches
//! as far ahead as the agreement asks (Altinn: 12 months). `vakt maintenance check` lists them; the calendar
//! shows them on the windows concerned.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::{Agreements, StoredSeries, expand, occurrence};
use crate::app::model::{MaintenanceWarning, MaintenanceWindow};
use crate::db::DbError;
use crate::domain::maintenance::budget::WindowBudget;
use crate::domain::maintenance::series::Occurrence;
use crate::domain::maintenance::{Impact, WindowKind};

#[derive(Debug, Clone, Serialize)]
pub struct BudgetWarning {
    pub code: &'static str,
    pub agreement: String,
    pub year: i32,
    pub windows_hours: f64,
    pub allowed_hours: f64,
    pub text: String,
    /// The services the target covers: their windows are the ones counted.
    #[serde(skip)]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleasePlanWarning {
    pub code: &'static str,
    pub agreement: String,
    pub last_release: Option<DateTime<Utc>>,
    pub required_until: DateTime<Utc>,
    pub text: String,
    /// The agreement's services, whose release windows make the plan.
    #[serde(skip)]
    pub services: Vec<String>,
}

/// Agreements whose release plan must reach months ahead (Altinn: 12) and whose planned releases do not.
pub fn release_plan_warnings(
    all: &[StoredSeries],
    agreements: &Agreements,
    now: DateTime<Utc>,
) -> Result<Vec<ReleasePlanWarning>, DbError> {
    use crate::domain::maintenance::release_plan;
    let mut found = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for agreement in agreements.values() {
        let Some(months) = agreement.spec().release_plan_months else { continue };
        if !seen.insert(agreement.code().to_string()) {
            continue;
        }
        let services: Vec<&str> = agreement.spec().services.iter().map(|s| s.code.as_str()).collect();
        // Past the period too, so a plan whose next release lies beyond it is seen to reach that far.
        let horizon = now + Duration::days(i64::from(months) * 31 + 366);
        let releases: Vec<Occurrence> = expand(all, now, horizon)?
            .iter()
            .filter(|p| p.series.series.kind == WindowKind::Release)
            .filter(|p| p.series.series.services.iter().any(|s| services.contains(&s.as_str())))
            .map(occurrence)
            .collect();
        if let Some(short) = release_plan::check(months, &releases, now) {
            let zone = agreement.zone();
            let day = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d").to_string();
            let reaches = match short.last_release {
                Some(last) => format!("its last planned release is {}", day(last)),
                None => "no release is planned".to_string(),
            };
            found.push(ReleasePlanWarning {
                code: "release_plan_short",
                agreement: agreement.code().to_string(),
                last_release: short.last_release,
                required_until: short.required_until,
                text: format!(
                    "{}: the release plan must cover the next {months} months (to {}); {reaches}",
                    agreement.code(),
                    day(short.required_until)
                ),
                services: services.iter().map(|s| s.to_string()).collect(),
            });
        }
    }
    found.sort_by(|a, b| a.agreement.cmp(&b.agreement));
    Ok(found)
}

/// Where maintenance counts against a yearly target measured round the clock (Tranemo/Ulricehamn), the
/// windows of each whole year the period touches against what the target allows.
pub fn budget_warnings(
    all: &[StoredSeries],
    agreements: &Agreements,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<BudgetWarning>, DbError> {
    use crate::domain::agreement::spec::{MaintenancePolicy, MeasuringPeriod};
    let mut found = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (service, agreement) in agreements {
        for target in agreement.spec().availability.iter().filter(|t| {
            t.maintenance == MaintenancePolicy::Counts
                && t.period == MeasuringPeriod::Year
                && t.calendar.to_string() == "24x7"
                && t.services.contains(service)
        }) {
            for year in chrono::Datelike::year(&from)..=chrono::Datelike::year(&(to - Duration::days(1))) {
                if !seen.insert((agreement.code().to_string(), year)) {
                    continue;
                }
                let zone = agreement.zone();
                let start = |y: i32| {
                    NaiveDate::from_ymd_opt(y, 1, 1)
                        .and_then(|d| crate::domain::calendar::wall_clock::at_local(d.and_hms_opt(0, 0, 0)?, zone))
                };
                let (Some(a), Some(b)) = (start(year), start(year + 1)) else { continue };
                // Windows that take a covered service down in the whole year; each occurrence once.
                let windows: Vec<Occurrence> = expand(all, a, b)?
                    .iter()
                    .filter(|p| p.start >= a && p.start < b)
                    .filter(|p| p.series.series.impact == Impact::Unavailable && !p.series.series.kind.is_period())
                    .filter(|p| p.series.series.services.iter().any(|s| target.services.contains(s)))
                    .map(occurrence)
                    .collect();
                let budget = WindowBudget::round_the_clock(target.percent, a, b, &windows);
                if budget.excess().is_some() {
                    let hours = |d: Duration| d.num_seconds() as f64 / 3600.0;
                    found.push(BudgetWarning {
                        code: "budget_exceeded",
                        agreement: agreement.code().to_string(),
                        year,
                        windows_hours: hours(budget.windows),
                        allowed_hours: hours(budget.allowed),
                        text: format!(
                            "{} {year}: the windows take {:.1} h, more than the {:.1} h that {} % availability allows",
                            agreement.code(),
                            hours(budget.windows),
                            hours(budget.allowed),
                            target.percent
                        ),
                        services: target.services.clone(),
                    });
                }
            }
        }
    }
    Ok(found)
}

/// The year a window starts in, on its zone's wall clock.
pub fn local_year(window: &MaintenanceWindow) -> i32 {
    let zone = crate::app::screens::calendar::days::zone_of(window);
    chrono::Datelike::year(&window.start.with_timezone(&zone))
}

/// Puts the period warnings on the windows they concern: a budget's on every window of its year that takes a
/// covered service down, a release plan's on the agreement's last planned release among `rows`.
pub fn attach(
    rows: &mut [MaintenanceWindow],
    budgets: &[BudgetWarning],
    plans: &[ReleasePlanWarning],
    zone_year: impl Fn(&MaintenanceWindow) -> i32,
) {
    let covers = |services: &[String], w: &MaintenanceWindow| w.services.iter().any(|s| services.contains(s));
    for budget in budgets {
        for w in rows.iter_mut().filter(|w| {
            w.impact == Impact::Unavailable.as_str() && zone_year(w) == budget.year && covers(&budget.services, w)
        }) {
            w.warnings.push(MaintenanceWarning { code: budget.code.into(), text: budget.text.clone() });
        }
    }
    for plan in plans {
        let last = rows
            .iter_mut()
            .filter(|w| w.kind == WindowKind::Release.as_str() && covers(&plan.services, w))
            .max_by_key(|w| w.start);
        if let Some(w) = last {
            w.warnings.push(MaintenanceWarning { code: plan.code.into(), text: plan.text.clone() });
        }
    }
}
