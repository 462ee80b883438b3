//! Notifications an authority must receive about a security incident, as an agreement lists them: NIS2 art. 23
//! (in Norway digitalsikkerhetsloven, in Sweden cybersäkerhetslagen) and GDPR art. 33. The law sets the periods;
//! the agreement names the authority and may add duties, so both are configuration, not code.

use serde::{Deserialize, Serialize};

/// One notification duty, e.g. NIS2's early warning to NSM within 24 hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatoryDuty {
    /// Short stable code used in the history and on the command line (`nis2-early`).
    pub code: String,
    /// What the notification is, in the agreement's words.
    pub name: String,
    /// Who receives it (text: "NSM (NorCERT)", "Datatilsynet").
    pub authority: String,
    /// How long after its start the notification is due.
    pub within: RegulatoryPeriod,
    /// Which flag starts it: the security flag (default) or the personal-data flag.
    #[serde(default, skip_serializing_if = "DutyTrigger::is_security")]
    pub when: DutyTrigger,
    /// Counts from when the named earlier duty was notified (NIS2's final report: one month after the incident
    /// notification); until then from that duty's due time, the latest it may be made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Source and interpretation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A period on the around-the-clock calendar: hours and days are elapsed time; months end at the same wall-clock
/// time in the agreement's zone (one month from 10 March 09:00 is 10 April 09:00, across a DST change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatoryPeriod {
    pub amount: u32,
    pub unit: RegulatoryUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegulatoryUnit {
    Hours,
    Days,
    Months,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyTrigger {
    /// From when the incident was flagged as a security incident.
    #[default]
    Security,
    /// From when it was flagged as involving personal data (a personal-data breach).
    PersonalData,
}

impl DutyTrigger {
    fn is_security(&self) -> bool {
        *self == DutyTrigger::Security
    }
}

impl std::fmt::Display for RegulatoryPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match (self.unit, self.amount == 1) {
            (RegulatoryUnit::Hours, true) => "hour",
            (RegulatoryUnit::Hours, false) => "hours",
            (RegulatoryUnit::Days, true) => "day",
            (RegulatoryUnit::Days, false) => "days",
            (RegulatoryUnit::Months, true) => "month",
            (RegulatoryUnit::Months, false) => "months",
        };
        write!(f, "{} {unit}", self.amount)
    }
}

/// Why a list of duties is not usable, or `None`.
pub fn problem(duties: &[RegulatoryDuty]) -> Option<String> {
    for (i, duty) in duties.iter().enumerate() {
        let context = format!("regulatory[{i}]");
        let valid_code = !duty.code.is_empty()
            && duty.code.len() <= 40
            && duty.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_code {
            return Some(format!("{context}: code '{}' must be 1–40 of a-z, 0-9 and '-'", duty.code));
        }
        if duties[..i].iter().any(|d| d.code == duty.code) {
            return Some(format!("{context}: code '{}' is listed twice", duty.code));
        }
        if duty.name.trim().is_empty() || duty.authority.trim().is_empty() {
            return Some(format!("{context}: name and authority must not be empty"));
        }
        let limit = match duty.within.unit {
            RegulatoryUnit::Hours => 24 * 366,
            RegulatoryUnit::Days => 366,
            RegulatoryUnit::Months => 24,
        };
        if duty.within.amount == 0 || duty.within.amount > limit {
            return Some(format!("{context}: within must be from 1 to {limit} {:?}", duty.within.unit));
        }
        if let Some(after) = &duty.after
            && !duties[..i].iter().any(|d| &d.code == after)
        {
            return Some(format!("{context}: after = '{after}' must name a duty listed before it"));
        }
    }
    None
}
