//! The data that defines a business calendar, as written in agreement TOML files.
//!
//! ```toml
//! [[calendars]]
//! code = "servicedesk"
//! name = "ASF Servicedesk"
//! zone = "Europe/Oslo"
//! hours = { mon-fri = ["08:00-15:45"] }
//! holidays = { region = "NO", de_facto = ["christmas_eve"] }
//! [[calendars.seasons]]
//! name = "Sommertid"
//! from = "05-15"
//! to = "09-15"
//! hours = { mon-fri = ["08:00-15:00"] }
//! [[calendars.overrides]]
//! from = "2025-06-02"
//! to = "2025-06-06"
//! kind = "extra"
//! hours = ["15:45-18:00"]
//! reason = "Utvidet åpningstid (bestilt, fakturerbar)"
//! billable = true
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::calendar::holidays::{DeFactoDay, Region};
use crate::domain::calendar::time::{MonthDay, TimeRange, WeekdaySet};

/// Opening hours per weekday set, e.g. `{ mon-thu = ["07:30-16:30"], fri = ["07:30-16:00"] }`.
pub type WeeklyHours = BTreeMap<WeekdaySet, Vec<TimeRange>>;

/// Everything that defines one business calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// Short code referenced by targets and availability rules, e.g. "kundeservice".
    pub code: String,
    /// Human name shown in the console.
    pub name: String,
    /// IANA zone name; business hours are wall-clock hours there. Defaults to the agreement's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Regular weekly opening hours; weekdays not listed are closed.
    #[serde(default)]
    pub hours: WeeklyHours,
    /// Seasonal variants that replace the hours of the weekdays they list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seasons: Vec<SeasonSpec>,
    /// Which holidays close the calendar.
    #[serde(default, skip_serializing_if = "HolidaySpec::is_none")]
    pub holidays: HolidaySpec,
    /// Per-date exceptions, applied in file order after holidays.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<OverrideSpec>,
}

/// A seasonal variant, inclusive by month-day; may wrap over New Year (e.g. 12-01 to 02-28).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeasonSpec {
    /// Name shown in the console, e.g. "Sommertid".
    pub name: String,
    /// First day of the season (inclusive).
    pub from: MonthDay,
    /// Last day of the season (inclusive).
    pub to: MonthDay,
    /// Replacement hours for the weekdays listed; other weekdays keep their regular hours.
    pub hours: WeeklyHours,
}

/// Holidays that close the calendar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidaySpec {
    /// The country whose public holidays apply; none for a calendar that ignores holidays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Customary days off that the agreement also treats as closed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub de_facto: Vec<DeFactoDay>,
    /// Admin-defined named closed days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<NamedDate>,
}

impl HolidaySpec {
    /// True when no holiday of any kind applies.
    pub fn is_none(&self) -> bool {
        self.region.is_none() && self.de_facto.is_empty() && self.extra.is_empty()
    }
}

/// An admin-defined closed day: either one date or the same month-day every year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedDate {
    /// Name shown as the reason, e.g. "Inventering".
    pub name: String,
    /// A single date.
    #[serde(default, with = "opt_date", skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The same day every year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_year: Option<MonthDay>,
}

/// What an override does on its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideKind {
    /// Closed all day.
    Closed,
    /// Open exactly `hours` instead of the normal hours (also on a holiday).
    Hours,
    /// Open `hours` in addition to the normal hours, e.g. ordered extended opening hours.
    Extra,
}

/// A per-date exception for an inclusive date range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    /// First date (inclusive).
    #[serde(with = "date")]
    pub from: NaiveDate,
    /// Last date (inclusive).
    #[serde(with = "date")]
    pub to: NaiveDate,
    /// Closed, replaced hours or extra hours.
    pub kind: OverrideKind,
    /// Hours for `hours` and `extra` overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<TimeRange>,
    /// Why, shown to users ("closed: Flytting av kontor").
    pub reason: String,
    /// Whether the extra opening is billable (Altinn 2.8.3 "utvidet åpningstid").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub billable: bool,
}

/// Serde for `NaiveDate` as "YYYY-MM-DD", accepting a TOML date too (chrono's serde feature
/// is not required).
pub(crate) mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateInput {
        Text(String),
        Toml(toml::value::Datetime),
    }

    pub(crate) fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&date.format("%Y-%m-%d").to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = match DateInput::deserialize(d)? {
            DateInput::Text(s) => s,
            DateInput::Toml(dt) => dt.to_string(),
        };
        crate::domain::calendar::time::parse_date(&text).map_err(serde::de::Error::custom)
    }
}

/// Like [`date`], for optional fields.
pub(crate) mod opt_date {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => super::date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        super::date::deserialize(d).map(Some)
    }
}
