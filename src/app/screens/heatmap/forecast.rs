//! The side panel's forecast: which open incidents of a service will breach their next target within the next few
//! business hours if nothing happens, from the clocks the board already holds (no query).

use chrono::{DateTime, Duration, Utc};

use crate::app::countdown::{Urgency, countdown};
use crate::app::model::{AgreementSet, IncidentSummary};

/// Business hours looked ahead.
pub const HORIZON_HOURS: i64 = 8;

/// The open incidents of `service` whose next target falls due within [`HORIZON_HOURS`] business hours of their
/// own calendar, soonest first, and how many are breached already.
pub fn breaches_expected<'a>(
    incidents: &'a [IncidentSummary],
    agreements: &AgreementSet,
    service: &str,
    now: DateTime<Utc>,
) -> (Vec<&'a str>, usize) {
    let mut coming: Vec<(Duration, &str)> = Vec::new();
    let mut breached = 0;
    for incident in incidents.iter().filter(|i| i.service.code == service) {
        let Some(next) = &incident.next_due else { continue };
        let clock = countdown(next, agreements.get(&incident.agreement_version_id).map(|a| a.as_ref()), now);
        match clock.urgency {
            Urgency::Breached => breached += 1,
            Urgency::Paused => {}
            Urgency::Running | Urgency::Warning if clock.remaining <= Duration::hours(HORIZON_HOURS) => {
                coming.push((clock.remaining, incident.reference.as_str()));
            }
            Urgency::Running | Urgency::Warning => {}
        }
    }
    coming.sort();
    (coming.into_iter().map(|(_, reference)| reference).collect(), breached)
}
