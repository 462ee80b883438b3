//! Where maintenance counts against availability (Tranemo/Ulricehamn: "servicefönstren ryms i budgeten"), the
//! windows of a period use up its downtime budget; vakt says when the windows alone would break the target.

use chrono::{DateTime, Duration, Utc};

use super::series::Occurrence;

/// The downtime a period allows at a target, and what the windows in it take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowBudget {
    pub allowed: Duration,
    pub windows: Duration,
}

impl WindowBudget {
    /// Round-the-clock measurement (`24x7`): the period's length times the share the target leaves.
    pub fn round_the_clock(
        percent: f64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        windows: &[Occurrence],
    ) -> WindowBudget {
        let period = (to - from).num_seconds().max(0) as f64;
        let allowed = Duration::seconds((period * (100.0 - percent).clamp(0.0, 100.0) / 100.0).round() as i64);
        let windows = windows
            .iter()
            .map(|o| (o.end.min(to) - o.start.max(from)).max(Duration::zero()))
            .fold(Duration::zero(), |sum, d| sum + d);
        WindowBudget { allowed, windows }
    }

    /// How much longer the windows are than the budget, if they are.
    pub fn excess(&self) -> Option<Duration> {
        (self.windows > self.allowed).then(|| self.windows - self.allowed)
    }
}
