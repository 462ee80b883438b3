//! The year-end forecast of a yearly availability target (Tranemo/Ulricehamn: 99.1 % a year with the service
//! windows counted, at most 5 outages): the downtime and the outages the year still allows, and, at the rate of
//! downtime so far, the day its budget runs out.

use chrono::{DateTime, Duration, Utc};

use super::Availability;
use crate::domain::calendar::BusinessCalendar;

#[derive(Debug, Clone, PartialEq)]
pub struct YearForecast {
    /// Downtime the year still allows; negative when the budget is overspent.
    pub budget_left: Duration,
    /// Outages still allowed under the cap (`Some(0)`: the next one breaks it).
    pub outages_left: Option<u32>,
    /// At the rate of downtime so far, when the year's budget runs out; `None` when it lasts the year.
    pub missed_on: Option<DateTime<Utc>>,
    /// The budget or the cap is broken already.
    pub missed: bool,
}

/// The forecast from the measure of the whole year (`year`: its operating time and allowed downtime are the whole
/// year's, its downtime what has happened up to `now`). The rate is downtime per operating hour elapsed since
/// `year_start`; `None` when the year has no operating time.
pub fn year_forecast(
    year: &Availability,
    calendar: &BusinessCalendar,
    year_start: DateTime<Utc>,
    now: DateTime<Utc>,
    cap: Option<u32>,
) -> Option<YearForecast> {
    year.availability?;
    let budget_left = Duration::seconds(year.allowed_seconds - year.downtime_seconds);
    let counted = u32::try_from(year.outages_counted).unwrap_or(u32::MAX);
    let outages_left = cap.map(|cap| cap.saturating_sub(counted));
    let missed = budget_left < Duration::zero() || cap.is_some_and(|cap| counted > cap);
    let elapsed = calendar.business_duration(year_start, now).num_seconds();
    let missed_on = if missed || year.downtime_seconds == 0 || elapsed <= 0 {
        None
    } else {
        // Operating time after which downtime at this rate reaches the allowed downtime.
        let needed = (elapsed as f64 * year.allowed_seconds as f64 / year.downtime_seconds as f64) as i64;
        (needed < year.operating_seconds)
            .then(|| calendar.add_business(year_start, Duration::seconds(needed)).ok())
            .flatten()
    };
    Some(YearForecast { budget_left, outages_left, missed_on, missed })
}

impl YearForecast {
    /// "at this rate 99.1 % is missed on 14 Oct; one more outage of 12 h 3 m or a 6th outage breaks it".
    pub fn text(&self, target: f64, cap: Option<u32>, zone: chrono_tz::Tz) -> String {
        if self.missed {
            return format!("{target} % is missed this year already");
        }
        let minutes = self.budget_left.num_minutes();
        let budget =
            if minutes >= 60 { format!("{} h {} m", minutes / 60, minutes % 60) } else { format!("{minutes} min") };
        let mut text = match self.missed_on {
            Some(day) => {
                format!("at this rate {target} % is missed on {}; ", day.with_timezone(&zone).format("%-d %b"))
            }
            None => format!("at this rate {target} % holds this year; "),
        };
        text.push_str(&format!("one more outage over {budget}"));
        if let (Some(cap), Some(_)) = (cap, self.outages_left) {
            text.push_str(&format!(" or a {} outage", ordinal(cap + 1)));
        }
        text.push_str(" breaks it");
        text
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn year(downtime_seconds: i64, outages_counted: usize) -> Availability {
        // 2027 around the clock: 365 days; 99.1 % allows 0.9 % of 525,600 minutes = 4,730.4 minutes.
        let operating = 365 * 86_400;
        Availability {
            operating_seconds: operating,
            downtime_seconds,
            excluded_seconds: 0,
            availability: Some(1.0 - downtime_seconds as f64 / operating as f64),
            allowed_seconds: 283_824,
            budget_used: Some(downtime_seconds as f64 / 283_824.0),
            met: Some(downtime_seconds <= 283_824),
            outages_counted,
            accounting: Vec::new(),
        }
    }

    fn around_the_clock() -> BusinessCalendar {
        BusinessCalendar::twenty_four_seven("24x7", chrono_tz::Europe::Stockholm)
    }

    #[test]
    fn downtime_at_the_rate_so_far_runs_out_on_a_day_of_the_year() {
        let start = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        // 73 days in, 2,365.2 minutes down: half the budget in a fifth of the year, so it runs out after 146 days.
        let now = start + Duration::days(73);
        let f = year_forecast(&year(141_912, 3), &around_the_clock(), start, now, Some(5)).unwrap();
        assert_eq!(f.budget_left, Duration::seconds(141_912));
        assert_eq!(f.outages_left, Some(2));
        assert_eq!(f.missed_on, Some(start + Duration::days(146)));
        let text = f.text(99.1, Some(5), chrono_tz::Europe::Stockholm);
        assert_eq!(
            text,
            "at this rate 99.1 % is missed on 27 May; one more outage over 39 h 25 m or a 6th outage breaks it"
        );
    }

    #[test]
    fn a_slow_rate_holds_the_year_and_a_broken_budget_or_cap_is_missed_already() {
        let start = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let now = start + Duration::days(300);
        let calm = year_forecast(&year(60_000, 1), &around_the_clock(), start, now, Some(5)).unwrap();
        assert_eq!((calm.missed_on, calm.missed), (None, false));
        assert!(calm.text(99.1, Some(5), chrono_tz::UTC).starts_with("at this rate 99.1 % holds this year"));
        let none = year_forecast(&year(0, 0), &around_the_clock(), start, now, None).unwrap();
        assert_eq!(none.missed_on, None, "no downtime has no rate");
        let over = year_forecast(&year(300_000, 2), &around_the_clock(), start, now, Some(5)).unwrap();
        assert!(over.missed);
        let capped = year_forecast(&year(1_000, 6), &around_the_clock(), start, now, Some(5)).unwrap();
        assert!(capped.missed, "a 6th outage breaks a cap of 5");
        assert_eq!(capped.text(99.1, Some(5), chrono_tz::UTC), "99.1 % is missed this year already");
        let mut nothing = year(0, 0);
        nothing.availability = None;
        assert_eq!(year_forecast(&nothing, &around_the_clock(), start, now, None), None);
        assert_eq!(
            (ordinal(6), ordinal(1), ordinal(12), ordinal(22)),
            ("6th".into(), "1st".into(), "12th".into(), "22nd".into())
        );
    }
}
