//! The data of an agreement version as written in TOML: clocks, priorities, targets, services,
//! organisations and availability targets. [`crate::domain::agreement::Agreement`] validates it.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

pub use super::major_policy::MajorPolicy;
pub use super::regulatory::RegulatoryDuty;
use crate::domain::calendar::holidays::Region;
use crate::domain::calendar::spec::{CalendarSpec, date};

/// Default warning thresholds, in percent of a target consumed.
pub const DEFAULT_WARNING_THRESHOLDS: [u8; 3] = [50, 75, 90];
/// Reserved clock name for real elapsed time.
pub const TWENTY_FOUR_SEVEN: &str = "24x7";
/// Reserved clock name for the agreement's support calendar.
pub const SUPPORT: &str = "support";

/// The clock a target is measured on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ClockRef {
    /// The agreement's support calendar.
    #[default]
    Support,
    /// Real elapsed time around the clock, no holidays.
    TwentyFourSeven,
    /// A calendar defined in the agreement, by code.
    Calendar(String),
}

impl ClockRef {
    fn is_support(&self) -> bool {
        *self == ClockRef::Support
    }
}

impl From<String> for ClockRef {
    fn from(s: String) -> Self {
        match s.as_str() {
            SUPPORT => ClockRef::Support,
            TWENTY_FOUR_SEVEN => ClockRef::TwentyFourSeven,
            _ => ClockRef::Calendar(s),
        }
    }
}

impl From<ClockRef> for String {
    fn from(c: ClockRef) -> Self {
        c.to_string()
    }
}

impl fmt::Display for ClockRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClockRef::Support => f.write_str(SUPPORT),
            ClockRef::TwentyFourSeven => f.write_str(TWENTY_FOUR_SEVEN),
            ClockRef::Calendar(code) => f.write_str(code),
        }
    }
}

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Time to the first response (ROR "svartid").
    Response,
    /// Time to resolution (ROR "løsningstid"; Altinn: until the solution is described).
    Resolution,
    /// Time to feedback to the reporter after the supplier closed (Altinn A: 1 hour).
    Feedback,
}

impl TargetKind {
    /// All kinds, in display order.
    pub const ALL: [TargetKind; 3] = [TargetKind::Response, TargetKind::Resolution, TargetKind::Feedback];

    /// The milestone that starts this kind of clock unless the target says otherwise.
    pub fn default_start(self) -> Milestone {
        match self {
            TargetKind::Response | TargetKind::Resolution => Milestone::Received,
            TargetKind::Feedback => Milestone::SupplierClosed,
        }
    }

    /// The milestones that stop this kind of clock unless the target says otherwise.
    pub fn default_stops(self) -> &'static [Milestone] {
        match self {
            TargetKind::Response => &[Milestone::Responded, Milestone::Resolved],
            TargetKind::Resolution => &[Milestone::Resolved],
            TargetKind::Feedback => &[Milestone::FeedbackGiven],
        }
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TargetKind::Response => "response",
            TargetKind::Resolution => "resolution",
            TargetKind::Feedback => "feedback",
        })
    }
}

impl FromStr for TargetKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "response" => Ok(TargetKind::Response),
            "resolution" => Ok(TargetKind::Resolution),
            "feedback" => Ok(TargetKind::Feedback),
            _ => Err(format!("unknown target '{s}' (known: response, resolution, feedback)")),
        }
    }
}

/// Incident milestones that start or stop clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// The case was received (registered).
    Received,
    /// First response to the reporter.
    Responded,
    /// A satisfactory temporary solution is in place.
    WorkaroundEstablished,
    /// The solution is described / the analysis is available (Altinn "løsningstid" stop).
    SolutionDescribed,
    /// The supplier solved and closed the case.
    SupplierClosed,
    /// Feedback was given to the reporter.
    FeedbackGiven,
    /// Resolved.
    Resolved,
    /// Closed (stops every running clock).
    Closed,
}

/// The unit of a target amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetUnit {
    /// Minutes of the target's clock.
    Minutes,
    /// Hours of the target's clock.
    Hours,
    /// Working days, counted by the agreement's [`WorkingDayRule`].
    WorkingDays,
}

/// How "N working days" turns into business time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum WorkingDayRule {
    /// N × a stated day length of business time.
    HoursPerDay {
        /// The length of one working day, e.g. "7h30m".
        #[serde(with = "compact_duration")]
        day_length: Duration,
    },
    /// The same local time on the Nth following working day, counted from the next opening.
    #[default]
    SameTimeNthDay,
}

/// One time target of a priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Response, resolution or feedback.
    pub kind: TargetKind,
    /// How many units.
    pub amount: u32,
    /// Minutes, hours or working days.
    pub unit: TargetUnit,
    /// The clock: `support` (default), `24x7` or a calendar code.
    #[serde(default, skip_serializing_if = "ClockRef::is_support")]
    pub clock: ClockRef,
    /// The milestone that starts the clock (default: received; feedback: supplier_closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<Milestone>,
    /// The milestones that stop the clock (default: response → responded/resolved,
    /// resolution → resolved, feedback → feedback_given). `closed` always stops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stops_on: Option<Vec<Milestone>>,
    /// Whether a "deprioritised" event (allowed once a workaround exists) suspends the target.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprioritise_on_workaround: bool,
    /// Whether an agreed re-plan (new due, counterpart, reason) may be recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_replan: bool,
    /// Why the target is set up this way (seed reference), shown in the detail pane.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Target {
    /// The milestone that starts the clock.
    pub fn start_milestone(&self) -> Milestone {
        self.starts_on.unwrap_or(self.kind.default_start())
    }

    /// The milestones that stop the clock.
    pub fn stop_milestones(&self) -> &[Milestone] {
        self.stops_on.as_deref().unwrap_or(self.kind.default_stops())
    }
}

/// One level of the agreement's priority scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    /// The label in the agreement's own words ("A", "Kritisk", "intefunktion", "P1").
    pub label: String,
    /// A longer name ("Kritisk" for Altinn A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Criteria text shown as a hint when choosing a priority.
    #[serde(default)]
    pub criteria: String,
    /// How work is carried out at this priority (ROR "løpende").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_mode: Option<String>,
    /// Set when the agreement's numbers are not known yet (Stockholm: annex 3B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
    /// The targets this priority defines.
    #[serde(default)]
    pub targets: Vec<Target>,
}

impl Priority {
    /// The target of a kind, if this priority defines one.
    pub fn target(&self, kind: TargetKind) -> Option<&Target> {
        self.targets.iter().find(|t| t.kind == kind)
    }
}

/// The role an organisation plays in an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// Owns services (e.g. an Altinn tjenesteeier).
    ServiceOwner,
    /// A municipality receiving the services.
    Municipality,
    /// Delivers the services or support.
    Supplier,
}

/// A party of the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Short code referenced by services.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Role.
    pub kind: OrganisationKind,
}

/// A service the agreement covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Short code, e.g. "SBL".
    pub code: String,
    /// Name, e.g. "Sluttbrukerløsningen".
    pub name: String,
    /// Code of the owning organisation.
    pub owner: String,
}

/// The period over which availability is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasuringPeriod {
    /// A calendar month.
    CalendarMonth,
    /// Four months: Jan–Apr, May–Aug, Sep–Dec.
    Tertial,
    /// A calendar year.
    Year,
}

impl MeasuringPeriod {
    /// The period containing `date`, as `[first day, first day of the next period)`.
    pub fn containing(self, date: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        use chrono::{Datelike, Months};
        let (year, month) = (date.year(), date.month());
        let (first_month, months) = match self {
            MeasuringPeriod::CalendarMonth => (month, 1),
            MeasuringPeriod::Tertial => ((month - 1) / 4 * 4 + 1, 4),
            MeasuringPeriod::Year => (1, 12),
        };
        let start = NaiveDate::from_ymd_opt(year, first_month, 1)?;
        Some((start, start.checked_add_months(Months::new(months))?))
    }
}

/// How planned maintenance affects availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenancePolicy {
    /// Agreed maintenance is excluded (ROR: "gjensidig avtalt vedlikehold").
    Excluded,
    /// Excluded only when announced with the required notice, otherwise downtime (Altinn).
    ExcludedWithNotice,
    /// Maintenance windows consume the downtime budget (Tranemo/Ulricehamn).
    Counts,
}

/// The unit of a notice period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeUnit {
    /// Calendar days.
    Days,
    /// Working days of the agreement's support calendar.
    WorkingDays,
}

/// Required notice before planned maintenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// How many units.
    pub amount: u32,
    /// Days or working days.
    pub unit: NoticeUnit,
}

/// An availability target for one or more services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityTarget {
    /// Service codes it applies to.
    pub services: Vec<String>,
    /// Target availability in percent, e.g. 99.9.
    pub percent: f64,
    /// Measuring period.
    pub period: MeasuringPeriod,
    /// Operating-hours calendar it is measured in (`24x7` or a calendar code).
    pub calendar: ClockRef,
    /// How planned maintenance is treated.
    pub maintenance: MaintenancePolicy,
    /// Required notice for planned maintenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// Where the agreement asks for that notice (e.g. "§2.1.2"), named in the warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_reference: Option<String>,
    /// Most outages allowed per year (Tranemo/Ulricehamn: 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_outages_per_year: Option<u32>,
    /// False for a stated target that is not measured (ROR 6.2); reports label it so.
    #[serde(default = "yes", skip_serializing_if = "Clone::clone")]
    pub measured: bool,
    /// Causes that do not count as downtime.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusion_reasons: Vec<String>,
    /// Whether a degraded service counts as down. The seeds are silent; vakt's default counts only
    /// unavailability.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub degraded_is_down: bool,
    /// Seed reference or interpretation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

impl AvailabilityTarget {
    /// The downtime allowed by the target within `operating` time (e.g. 44.64 min of 744 h at 99.9 %).
    pub fn allowed_downtime(&self, operating: Duration) -> Duration {
        let allowed = operating.num_milliseconds() as f64 * (100.0 - self.percent) / 100.0;
        Duration::milliseconds(allowed.round() as i64)
    }
}

/// Settings that govern every clock of the agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRules {
    /// Code of the support calendar (the `support` clock).
    pub support_calendar: String,
    /// How "N working days" counts.
    #[serde(default)]
    pub working_days: WorkingDayRule,
    /// Warning thresholds in percent consumed, ascending.
    #[serde(default = "default_thresholds")]
    pub warning_thresholds: Vec<u8>,
    /// Reasons for which a clock may be paused; empty means pausing is not allowed.
    #[serde(default)]
    pub pause_reasons: Vec<String>,
}

fn default_thresholds() -> Vec<u8> {
    DEFAULT_WARNING_THRESHOLDS.to_vec()
}

/// The whole agreement version as written in TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementSpec {
    /// Short code, e.g. "ROR-IKT".
    pub code: String,
    /// Full name.
    pub name: String,
    /// Version label.
    pub version: String,
    /// First day this version is in force (in the agreement's zone).
    #[serde(with = "date")]
    pub valid_from: NaiveDate,
    /// Country whose holidays and conventions apply.
    pub region: Region,
    /// Default zone for calendars and dates.
    pub zone: String,
    /// Provenance and interpretation notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Clock settings.
    pub clock: ClockRules,
    /// Parties.
    #[serde(default)]
    pub organisations: Vec<Organisation>,
    /// Covered services.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Calendars referenced by targets and availability targets.
    #[serde(default)]
    pub calendars: Vec<CalendarSpec>,
    /// Priority scheme, most severe first.
    #[serde(default)]
    pub priorities: Vec<Priority>,
    /// Availability targets.
    #[serde(default)]
    pub availability: Vec<AvailabilityTarget>,
    /// Agreement-specific rules for working incidents.
    #[serde(default, skip_serializing_if = "IncidentRules::is_default")]
    pub rules: IncidentRules,
    /// Major-incident settings: duty line, update cadence, escalation ladder, phone duty, report due.
    #[serde(default, skip_serializing_if = "MajorPolicy::is_default")]
    pub major: MajorPolicy,
    /// Who must approve a maintenance window of a kind before it is announced (ROR-IKT §4.7, §6.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintenance_approvals: Vec<MaintenanceApproval>,
    /// How many months ahead the release plan must always reach (Altinn §2.10.3: 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_plan_months: Option<u32>,
    /// Months of notice for a change that forces service owners or vendors to change (Altinn §2.1.3: 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaking_change_notice_months: Option<u32>,
    /// A random survey of closed incidents (Tranemo/Ulricehamn: "Slumpenkät … till 25 % av alla avslutade ärenden").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveySpec>,
    /// Notifications to authorities about a security incident (NIS2, GDPR), each with its own clock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regulatory: Vec<RegulatoryDuty>,
}

/// One closed incident in `every` is drawn for the survey (4: a quarter), by the database when it closes
/// (migration 23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveySpec {
    pub every: u32,
    /// The questions as the agreement words them, for the survey and the report.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Seed reference or interpretation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The roles whose approval windows of these kinds need, all of them (e.g. an upgrade: systemansvarlig and
/// driftsansvarlig). Kinds are the maintenance calendar's stored names (`release`, `planned_downtime`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceApproval {
    pub kinds: Vec<String>,
    pub roles: Vec<String>,
    /// Seed reference or interpretation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Rules an agreement sets for working its incidents, enforced by the console and by the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentRules {
    /// The priority a security incident must have, which cannot be lowered while the incident is flagged
    /// (Altinn 1.3: suspected or confirmed security incidents are always category A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_priority: Option<String>,
    /// Only members of this database role may close incidents (Stockholm §3.1: only the service desk closes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_role: Option<String>,
    /// Who an agreed re-plan may be agreed with (ROR 5.5: innmelder, systemeier, systemansvarlig).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replan_counterparts: Vec<String>,
    /// The share of incidents the first line should resolve, in percent, followed up in the reports
    /// (Tranemo/Ulricehamn: «Målsättningen är att 50 % av ärendena ska lösas av användarstödet»).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_line_goal_percent: Option<u32>,
}

impl IncidentRules {
    fn is_default(&self) -> bool {
        *self == IncidentRules::default()
    }
}

/// Serde for durations written as "7h30m".
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
