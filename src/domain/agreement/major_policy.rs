//! The `[major]` section of an agreement: duty line, message language, update cadence, escalation ladder,
//! phone duty, alternative channels and the post-incident report's due date.
//!
//! ```toml
//! [major]
//! note = "…"                       # seed references and interpretation
//! language = "nb"                  # optional: nb | sv | en (default: from the agreement's region)
//! alternative_channels = ["sms"]   # channels to fall back on when the network is affected
//!
//! [major.duty]                     # optional; the global config supplies what is missing
//! phone = "75 00 62 99"            # the fixed duty number (in the support calendar's opening hours)
//! after_hours_phone = "954 90 002" # used while the support calendar is closed
//! mailbox = "tjenesteeier@altinn.no"
//!
//! [major.cadence]
//! intervals = [{ priority = "A", every = "30m" }, { priority = "B", every = "1h" }]
//! otherwise = "2h"                 # optional: priorities not listed (none: no enforced cadence)
//! due_soon = "5m"                  # "due soon" starts this long before the due instant
//! grace = "15m"                    # overdue this long → missed, the deputy is notified
//!
//! [major.escalation]
//! levels = [{ name = "Operativt nivå" }, { name = "Serviceleder", whom = "…" }]
//! clock_thresholds = [75, 90]      # the n-th threshold of a clock's budget used → level n
//! clock_targets = ["resolution"]
//! on_missed_update = true          # an update missed beyond grace proposes the next level
//! allow_skip = false               # propose/allow only the next level
//!
//! [major.phone_duty]
//! priorities = ["A", "B"]
//! roles = ["Serviceleder", "Hendelsesansvarlig"]
//!
//! [major.report]
//! due = { amount = 5, unit = "working_days" }   # after resolution; "days" counts calendar days
//! ```

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::domain::agreement::channel::ChannelKind;
use crate::domain::agreement::lang::Lang;
use crate::domain::agreement::spec::{AgreementSpec, Notice, NoticeUnit, TargetKind};
use crate::domain::calendar::holidays::Region;
use crate::domain::text::duration::compact;

/// The major-incident settings of one agreement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorPolicy {
    /// Seed references and interpretation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The language of messages and reports; default from the agreement's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Lang>,
    /// The fixed duty phone and mailbox (missing parts come from the global config).
    #[serde(default, skip_serializing_if = "DutyLine::is_empty")]
    pub duty: DutyLine,
    /// Channels to fall back on when the usual ones are affected (Stockholm §3.3.3.1: SMS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternative_channels: Vec<ChannelKind>,
    /// The stakeholder update cadence.
    #[serde(default, skip_serializing_if = "CadencePolicy::is_default")]
    pub cadence: CadencePolicy,
    /// The escalation ladder; None when the agreement defines none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<EscalationPolicy>,
    /// Priorities whose notifications need a phone call as well as e-mail.
    #[serde(default, skip_serializing_if = "PhoneDuty::is_empty")]
    pub phone_duty: PhoneDuty,
    /// The post-incident report.
    #[serde(default, skip_serializing_if = "ReportPolicy::is_default")]
    pub report: ReportPolicy,
}

impl MajorPolicy {
    /// True when the agreement has no `[major]` settings (used to skip writing an empty section).
    pub fn is_default(&self) -> bool {
        *self == MajorPolicy::default()
    }

    /// The language of messages: the explicit setting, else the region's.
    pub fn lang(&self, region: Region) -> Lang {
        self.language.unwrap_or(Lang::of_region(region))
    }

    /// The ladder's levels (empty when the agreement defines no ladder).
    pub fn levels(&self) -> &[LadderLevel] {
        self.escalation.as_ref().map_or(&[], |e| e.levels.as_slice())
    }
}

/// A fixed duty phone number and mailbox; not per person, so they stay the same across shifts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyLine {
    /// The duty phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The number to call while the support calendar is closed (Altinn's vakttelefon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_hours_phone: Option<String>,
    /// The duty mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
}

impl DutyLine {
    /// No number and no mailbox.
    pub fn is_empty(&self) -> bool {
        *self == DutyLine::default()
    }
}

/// One priority's update interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceInterval {
    /// The priority label as the agreement writes it.
    pub priority: String,
    /// Time between stakeholder updates, e.g. "30m".
    #[serde(with = "compact_duration")]
    pub every: Duration,
}

/// How often stakeholders must hear from the MIM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadencePolicy {
    /// Intervals per priority.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intervals: Vec<CadenceInterval>,
    /// The interval for priorities not listed; None means no enforced cadence for them.
    #[serde(default, with = "optional_compact_duration", skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<Duration>,
    /// How long before the due instant the countdown turns "due soon".
    #[serde(default = "default_due_soon", with = "compact_duration")]
    pub due_soon: Duration,
    /// How long an update may be overdue before it counts as missed and the deputy is notified.
    #[serde(default = "default_grace", with = "compact_duration")]
    pub grace: Duration,
}

/// Default lead of "due soon".
pub const DEFAULT_DUE_SOON_MINUTES: i64 = 5;
/// Default grace before the deputy is notified.
pub const DEFAULT_GRACE_MINUTES: i64 = 15;

fn default_due_soon() -> Duration {
    Duration::minutes(DEFAULT_DUE_SOON_MINUTES)
}

fn default_grace() -> Duration {
    Duration::minutes(DEFAULT_GRACE_MINUTES)
}

impl Default for CadencePolicy {
    fn default() -> Self {
        Self { intervals: Vec::new(), otherwise: None, due_soon: default_due_soon(), grace: default_grace() }
    }
}

impl CadencePolicy {
    fn is_default(&self) -> bool {
        *self == CadencePolicy::default()
    }

    /// The update interval of a priority (exact label, else case-insensitive), else `otherwise`.
    pub fn interval_for(&self, priority: &str) -> Option<Duration> {
        self.intervals
            .iter()
            .find(|i| i.priority == priority)
            .or_else(|| self.intervals.iter().find(|i| i.priority.to_lowercase() == priority.to_lowercase()))
            .map(|i| i.every)
            .or(self.otherwise)
    }
}

/// One level of the escalation ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LadderLevel {
    /// The level's name ("Serviceleder").
    pub name: String,
    /// Whom an escalation to this level goes to, when it is always the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whom: Option<String>,
    /// Seed reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The escalation ladder and what proposes a step up it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationPolicy {
    /// Ordered levels; a major incident starts at the first.
    pub levels: Vec<LadderLevel>,
    /// Percentages of a clock's budget; crossing the n-th proposes level n (0 = the first level).
    #[serde(default = "default_clock_thresholds")]
    pub clock_thresholds: Vec<u8>,
    /// The clocks the thresholds watch.
    #[serde(default = "default_clock_targets")]
    pub clock_targets: Vec<TargetKind>,
    /// Whether an update missed beyond the grace period proposes the next level.
    #[serde(default = "yes")]
    pub on_missed_update: bool,
    /// Whether a step may skip levels.
    #[serde(default)]
    pub allow_skip: bool,
}

fn default_clock_thresholds() -> Vec<u8> {
    vec![75, 90]
}

fn default_clock_targets() -> Vec<TargetKind> {
    vec![TargetKind::Resolution]
}

fn yes() -> bool {
    true
}

/// Priorities whose notify step needs logged phone calls, and whom to call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneDuty {
    /// Priority labels.
    #[serde(default)]
    pub priorities: Vec<String>,
    /// Contact roles to call in each affected organisation.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Seed reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PhoneDuty {
    fn is_empty(&self) -> bool {
        *self == PhoneDuty::default()
    }

    /// Whether a priority needs phone calls (case-insensitive).
    pub fn applies_to(&self, priority: &str) -> bool {
        self.priorities.iter().any(|p| p.to_lowercase() == priority.to_lowercase())
    }
}

/// The post-incident report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportPolicy {
    /// How long after resolution the report is due.
    #[serde(default = "default_report_due")]
    pub due: Notice,
}

/// Default: five working days of the support calendar (not in the seeds).
pub const DEFAULT_REPORT_WORKING_DAYS: u32 = 5;

fn default_report_due() -> Notice {
    Notice { amount: DEFAULT_REPORT_WORKING_DAYS, unit: NoticeUnit::WorkingDays }
}

impl Default for ReportPolicy {
    fn default() -> Self {
        Self { due: default_report_due() }
    }
}

impl ReportPolicy {
    fn is_default(&self) -> bool {
        *self == ReportPolicy::default()
    }
}

/// Checks the `[major]` section against the rest of the agreement; the message names the setting.
pub fn validate_policy(policy: &MajorPolicy, spec: &AgreementSpec) -> Result<(), String> {
    let known = || spec.priorities.iter().map(|p| p.label.as_str()).collect::<Vec<_>>().join(", ");
    let check_priority = |context: &str, label: &str| {
        if spec.priorities.iter().any(|p| p.label.to_lowercase() == label.to_lowercase()) {
            Ok(())
        } else {
            Err(format!("{context} names priority '{label}', which the agreement does not define (known: {})", known()))
        }
    };
    for (field, value) in [
        ("phone", &policy.duty.phone),
        ("after_hours_phone", &policy.duty.after_hours_phone),
        ("mailbox", &policy.duty.mailbox),
    ] {
        if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
            return Err(format!("major.duty.{field} is empty: remove it or give a value"));
        }
    }
    let cadence = &policy.cadence;
    for (i, interval) in cadence.intervals.iter().enumerate() {
        check_priority("major.cadence", &interval.priority)?;
        if cadence.intervals[..i].iter().any(|o| o.priority.to_lowercase() == interval.priority.to_lowercase()) {
            return Err(format!("major.cadence lists priority '{}' twice", interval.priority));
        }
    }
    let everys = cadence.intervals.iter().map(|i| (i.priority.as_str(), i.every));
    for (priority, every) in everys.chain(cadence.otherwise.map(|d| ("otherwise", d))) {
        if every <= Duration::zero() {
            return Err(format!("major.cadence: the interval of {priority} must be longer than zero"));
        }
        if cadence.due_soon >= every {
            return Err(format!(
                "major.cadence.due_soon ({}) must be shorter than the interval of {priority} ({})",
                compact(cadence.due_soon),
                compact(every)
            ));
        }
    }
    if cadence.due_soon < Duration::zero() || cadence.grace <= Duration::zero() {
        return Err("major.cadence: due_soon must not be negative and grace must be longer than zero".to_string());
    }
    if let Some(escalation) = &policy.escalation {
        validate_escalation(escalation)?;
    }
    for label in &policy.phone_duty.priorities {
        check_priority("major.phone_duty", label)?;
    }
    let roles = &policy.phone_duty.roles;
    if !policy.phone_duty.priorities.is_empty() && roles.is_empty() {
        return Err("major.phone_duty lists priorities but no contact roles to call (e.g. roles = [\"Serviceleder\"])"
            .to_string());
    }
    if roles.iter().any(|r| r.trim().is_empty()) {
        return Err("major.phone_duty.roles must not contain an empty role".to_string());
    }
    if policy.report.due.amount == 0 {
        return Err("major.report.due must be at least 1 day or working day".to_string());
    }
    Ok(())
}

fn validate_escalation(escalation: &EscalationPolicy) -> Result<(), String> {
    if escalation.levels.is_empty() {
        return Err("the escalation ladder [major.escalation] has no levels: add at least one, e.g. \
                    levels = [{ name = \"Operational\" }]"
            .to_string());
    }
    for (i, level) in escalation.levels.iter().enumerate() {
        if level.name.trim().is_empty() {
            return Err(format!("major.escalation.levels[{i}] has no name"));
        }
        if escalation.levels[..i].iter().any(|l| l.name == level.name) {
            return Err(format!("major.escalation lists level '{}' twice", level.name));
        }
    }
    let thresholds = &escalation.clock_thresholds;
    if thresholds.iter().any(|t| *t == 0 || *t > 100) || thresholds.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!(
            "major.escalation.clock_thresholds {thresholds:?} must be ascending percentages between 1 and 100"
        ));
    }
    Ok(())
}

/// Serde for durations written as "30m".
mod compact_duration {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::domain::text::duration::compact(*d))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        crate::domain::text::duration::parse_compact(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for optional durations written as "30m".
mod optional_compact_duration {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&crate::domain::text::duration::compact(*d)),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let text = String::deserialize(d)?;
        crate::domain::text::duration::parse_compact(&text).map(Some).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
