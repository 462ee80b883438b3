//! Service agreements: versions, calendars, priority schemes in the agreement's own words,
//! per-priority targets, availability targets, services and organisations; TOML import/export.
//!
//! An agreement file holds one version (`version`, `valid_from`). Calendars are defined in the
//! same file and referenced by code; `24x7` is the built-in around-the-clock clock (real elapsed
//! time, no holidays) and `support` names the agreement's support calendar. The priority list is
//! ordered: the first entry is rank 1, the most severe.

pub mod channel;
pub mod lang;
pub mod major_policy;
pub mod regulatory;
pub mod spec;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

pub use crate::domain::agreement::spec::*;
use crate::domain::calendar::{BusinessCalendar, CalendarError};

/// Errors from reading, validating and using agreements; messages are shown to users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgreementError {
    /// The TOML could not be read; the message carries line and column.
    #[error("agreement file: {0}")]
    Parse(String),
    /// The agreement could not be written as TOML.
    #[error("could not write agreement {agreement} as TOML: {message}")]
    Serialize {
        /// Agreement code.
        agreement: String,
        /// The serializer's message.
        message: String,
    },
    /// A required text field is empty.
    #[error("agreement {agreement}: '{field}' must not be empty")]
    EmptyField {
        /// Agreement code (may be empty itself).
        agreement: String,
        /// The field.
        field: String,
    },
    /// Unknown IANA zone.
    #[error("agreement {agreement}: unknown time zone '{zone}' (use an IANA name such as Europe/Oslo)")]
    UnknownZone {
        /// Agreement code.
        agreement: String,
        /// The zone as written.
        zone: String,
    },
    /// A calendar definition is invalid, or calendar arithmetic failed.
    #[error("agreement {agreement}: {source}")]
    Calendar {
        /// Agreement code.
        agreement: String,
        /// The calendar error.
        source: CalendarError,
    },
    /// A code is defined twice or uses a reserved name.
    #[error("agreement {agreement}: {what} '{code}' is defined twice or uses a reserved name")]
    Duplicate {
        /// Agreement code.
        agreement: String,
        /// "calendar", "priority", "service", "organisation".
        what: String,
        /// The code or label.
        code: String,
    },
    /// A reference to a calendar that is not defined.
    #[error("agreement {agreement}: {context} uses unknown calendar '{code}' (known: {known})")]
    UnknownCalendar {
        /// Agreement code.
        agreement: String,
        /// Where the reference is.
        context: String,
        /// The code as written.
        code: String,
        /// Defined calendar codes, comma-separated.
        known: String,
    },
    /// The priority scheme is empty.
    #[error("agreement {agreement} has an empty priority scheme (add at least one [[priorities]] entry)")]
    EmptyScheme {
        /// Agreement code.
        agreement: String,
    },
    /// A priority label that the agreement does not define.
    #[error("unknown priority '{label}' for agreement {agreement} (known: {known})")]
    UnknownPriority {
        /// Agreement code.
        agreement: String,
        /// The label as given.
        label: String,
        /// Defined labels in rank order, comma-separated.
        known: String,
    },
    /// A target that is inconsistent.
    #[error("agreement {agreement}: priority '{priority}', {kind} target: {problem}")]
    InvalidTarget {
        /// Agreement code.
        agreement: String,
        /// Priority label.
        priority: String,
        /// Target kind.
        kind: TargetKind,
        /// What is wrong.
        problem: String,
    },
    /// A service owned by an organisation that is not listed.
    #[error("agreement {agreement}: {context} refers to unknown {what} '{code}'")]
    UnknownReference {
        /// Agreement code.
        agreement: String,
        /// Where the reference is.
        context: String,
        /// "organisation" or "service".
        what: String,
        /// The code as written.
        code: String,
    },
    /// Any other invalid setting.
    #[error("agreement {agreement}: {problem}")]
    Invalid {
        /// Agreement code.
        agreement: String,
        /// What is wrong.
        problem: String,
    },
}

/// A validated agreement version with its calendars built.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    spec: AgreementSpec,
    zone: Tz,
    calendars: Vec<BusinessCalendar>,
    around_the_clock: BusinessCalendar,
    support: usize,
}

impl Agreement {
    /// Reads and validates one agreement version from TOML.
    pub fn from_toml(text: &str) -> Result<Self, AgreementError> {
        let spec: AgreementSpec = toml::from_str(text).map_err(|e| AgreementError::Parse(e.to_string()))?;
        Self::from_spec(spec)
    }

    /// Writes the agreement as TOML (comments are not kept).
    pub fn to_toml(&self) -> Result<String, AgreementError> {
        toml::to_string_pretty(&self.spec)
            .map_err(|e| AgreementError::Serialize { agreement: self.spec.code.clone(), message: e.to_string() })
    }

    /// Validates a spec and builds its calendars.
    pub fn from_spec(spec: AgreementSpec) -> Result<Self, AgreementError> {
        let code = spec.code.clone();
        for (field, value) in [("code", &spec.code), ("name", &spec.name), ("version", &spec.version)] {
            if value.trim().is_empty() {
                return Err(AgreementError::EmptyField { agreement: code, field: field.to_string() });
            }
        }
        let zone: Tz = spec
            .zone
            .parse()
            .map_err(|_| AgreementError::UnknownZone { agreement: code.clone(), zone: spec.zone.clone() })?;
        let mut calendars = Vec::with_capacity(spec.calendars.len());
        for c in &spec.calendars {
            if [TWENTY_FOUR_SEVEN, SUPPORT].contains(&c.code.as_str())
                || calendars.iter().any(|b: &BusinessCalendar| b.code() == c.code)
            {
                return Err(duplicate(&code, "calendar", &c.code));
            }
            calendars.push(
                BusinessCalendar::new(c.clone(), zone)
                    .map_err(|source| AgreementError::Calendar { agreement: code.clone(), source })?,
            );
        }
        let known = calendars
            .iter()
            .map(|c| c.code().to_string())
            .chain([TWENTY_FOUR_SEVEN.to_string()])
            .collect::<Vec<_>>()
            .join(", ");
        let support = calendars.iter().position(|c| c.code() == spec.clock.support_calendar).ok_or_else(|| {
            AgreementError::UnknownCalendar {
                agreement: code.clone(),
                context: "clock.support_calendar".to_string(),
                code: spec.clock.support_calendar.clone(),
                known: known.clone(),
            }
        })?;
        let agreement = Self {
            around_the_clock: BusinessCalendar::twenty_four_seven(TWENTY_FOUR_SEVEN, zone),
            spec,
            zone,
            calendars,
            support,
        };
        agreement.validate(&known)?;
        Ok(agreement)
    }

    fn validate(&self, known_calendars: &str) -> Result<(), AgreementError> {
        let spec = &self.spec;
        let code = &spec.code;
        let invalid = |problem: String| AgreementError::Invalid { agreement: code.clone(), problem };
        let thresholds = &spec.clock.warning_thresholds;
        if thresholds.iter().any(|t| *t == 0 || *t > 100) || thresholds.windows(2).any(|w| w[0] >= w[1]) {
            return Err(invalid(format!(
                "warning thresholds {thresholds:?} must be ascending percentages between 1 and 100"
            )));
        }
        if let WorkingDayRule::HoursPerDay { day_length } = spec.clock.working_days
            && (day_length <= Duration::zero() || day_length > Duration::hours(24))
        {
            return Err(invalid("working_days.day_length must be between 1 second and 24 hours".to_string()));
        }
        if spec.clock.pause_reasons.iter().any(|r| r.trim().is_empty()) {
            return Err(invalid("pause reasons must not be empty".to_string()));
        }
        if spec.priorities.is_empty() {
            return Err(AgreementError::EmptyScheme { agreement: code.clone() });
        }
        for (i, p) in spec.priorities.iter().enumerate() {
            if p.label.trim().is_empty() {
                return Err(AgreementError::EmptyField {
                    agreement: code.clone(),
                    field: format!("priorities[{i}].label"),
                });
            }
            if spec.priorities[..i].iter().any(|q| q.label.eq_ignore_ascii_case(&p.label)) {
                return Err(duplicate(code, "priority", &p.label));
            }
            for (j, t) in p.targets.iter().enumerate() {
                let bad = |problem: &str| AgreementError::InvalidTarget {
                    agreement: code.clone(),
                    priority: p.label.clone(),
                    kind: t.kind,
                    problem: problem.to_string(),
                };
                if p.targets[..j].iter().any(|u| u.kind == t.kind) {
                    return Err(bad("defined twice"));
                }
                if t.amount == 0 {
                    return Err(bad("the amount must be at least 1"));
                }
                if t.stops_on.as_ref().is_some_and(Vec::is_empty) {
                    return Err(bad("stops_on must list at least one milestone"));
                }
                if self.clock_calendar(&t.clock).is_none() {
                    return Err(AgreementError::UnknownCalendar {
                        agreement: code.clone(),
                        context: format!("priority '{}' {} target", p.label, t.kind),
                        code: t.clock.to_string(),
                        known: known_calendars.to_string(),
                    });
                }
            }
        }
        if let Some(label) = &spec.rules.security_priority
            && !spec.priorities.iter().any(|p| &p.label == label)
        {
            return Err(invalid(format!("rules.security_priority '{label}' is not one of the agreement's priorities")));
        }
        if let Some(role) = &spec.rules.close_role
            && !role.starts_with("vakt_")
        {
            return Err(invalid(format!("rules.close_role '{role}' must be a vakt database role (vakt_…)")));
        }
        major_policy::validate_policy(&spec.major, spec).map_err(invalid)?;
        for (i, o) in spec.organisations.iter().enumerate() {
            if spec.organisations[..i].iter().any(|q| q.code == o.code) {
                return Err(duplicate(code, "organisation", &o.code));
            }
        }
        for (i, s) in spec.services.iter().enumerate() {
            if spec.services[..i].iter().any(|q| q.code == s.code) {
                return Err(duplicate(code, "service", &s.code));
            }
            if !spec.organisations.iter().any(|o| o.code == s.owner) {
                return Err(unknown_ref(code, &format!("service '{}'", s.code), "organisation", &s.owner));
            }
        }
        if let Some(problem) = regulatory::problem(&spec.regulatory) {
            return Err(invalid(problem));
        }
        if let Some(survey) = &spec.survey
            && !(2..=100).contains(&survey.every)
        {
            return Err(invalid(format!(
                "survey: every {} must be from 2 to 100 (4: one closed incident in four)",
                survey.every
            )));
        }
        for (i, a) in spec.availability.iter().enumerate() {
            let context = format!("availability[{i}]");
            if !(a.percent > 0.0 && a.percent <= 100.0) {
                return Err(invalid(format!("{context}: percent {} must be above 0 and at most 100", a.percent)));
            }
            if let Some(missing) = a.services.iter().find(|s| !spec.services.iter().any(|q| &q.code == *s)) {
                return Err(unknown_ref(code, &context, "service", missing));
            }
            if self.clock_calendar(&a.calendar).is_none() {
                return Err(AgreementError::UnknownCalendar {
                    agreement: code.clone(),
                    context,
                    code: a.calendar.to_string(),
                    known: known_calendars.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The definition as written.
    pub fn spec(&self) -> &AgreementSpec {
        &self.spec
    }

    /// The agreement's code.
    pub fn code(&self) -> &str {
        &self.spec.code
    }

    /// The agreement's default zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Clock settings.
    pub fn clock_rules(&self) -> &ClockRules {
        &self.spec.clock
    }

    /// The priority scheme, most severe first.
    pub fn priorities(&self) -> &[Priority] {
        &self.spec.priorities
    }

    /// A priority by label (exact, else case-insensitive), or a clear error listing the known labels.
    pub fn priority(&self, label: &str) -> Result<&Priority, AgreementError> {
        let list = &self.spec.priorities;
        list.iter()
            .find(|p| p.label == label)
            .or_else(|| list.iter().find(|p| p.label.to_lowercase() == label.to_lowercase()))
            .ok_or_else(|| AgreementError::UnknownPriority {
                agreement: self.spec.code.clone(),
                label: label.to_string(),
                known: list.iter().map(|p| p.label.as_str()).collect::<Vec<_>>().join(", "),
            })
    }

    /// The rank of a priority (1 = most severe).
    pub fn rank(&self, label: &str) -> Option<usize> {
        let found = self.priority(label).ok()?;
        self.spec.priorities.iter().position(|p| std::ptr::eq(p, found)).map(|i| i + 1)
    }

    /// The calendars defined in the agreement.
    pub fn calendars(&self) -> &[BusinessCalendar] {
        &self.calendars
    }

    /// A calendar by code (`24x7` and `support` included).
    pub fn calendar(&self, code: &str) -> Option<&BusinessCalendar> {
        self.clock_calendar(&ClockRef::from(code.to_string()))
    }

    /// The support calendar.
    pub fn support_calendar(&self) -> &BusinessCalendar {
        &self.calendars[self.support]
    }

    /// The calendar behind a clock reference.
    pub fn clock_calendar(&self, clock: &ClockRef) -> Option<&BusinessCalendar> {
        match clock {
            ClockRef::Support => Some(self.support_calendar()),
            ClockRef::TwentyFourSeven => Some(&self.around_the_clock),
            ClockRef::Calendar(code) => self.calendars.iter().find(|c| c.code() == code),
        }
    }

    /// The business-time budget of a target whose clock started at `start`.
    /// For working days under `same_time_nth_day` the budget depends on the start (season, weekday).
    pub fn budget(&self, target: &Target, start: DateTime<Utc>) -> Result<Duration, AgreementError> {
        let amount = i64::from(target.amount);
        Ok(match target.unit {
            TargetUnit::Minutes => Duration::minutes(amount),
            TargetUnit::Hours => Duration::hours(amount),
            TargetUnit::WorkingDays => match self.spec.clock.working_days {
                WorkingDayRule::HoursPerDay { day_length } => {
                    day_length * i32::try_from(target.amount).unwrap_or(i32::MAX)
                }
                WorkingDayRule::SameTimeNthDay => {
                    let calendar = self.clock_calendar(&target.clock).unwrap_or(self.support_calendar());
                    let end = calendar
                        .same_time_on_nth_working_day(start, target.amount)
                        .map_err(|source| AgreementError::Calendar { agreement: self.spec.code.clone(), source })?;
                    calendar.business_duration(start, end)
                }
            },
        })
    }

    /// Whether this version has started by `date` (in the agreement's zone).
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.spec.valid_from <= date
    }
}

/// The version of agreement `code` in force at `at`: the latest `valid_from` on or before the
/// local date of `at`. Incidents are measured against the version in force when received.
pub fn version_in_force<'a>(versions: &'a [Agreement], code: &str, at: DateTime<Utc>) -> Option<&'a Agreement> {
    versions
        .iter()
        .filter(|a| a.code() == code && a.in_force_on(at.with_timezone(&a.zone()).date_naive()))
        .max_by_key(|a| a.spec.valid_from)
}

fn duplicate(agreement: &str, what: &str, code: &str) -> AgreementError {
    AgreementError::Duplicate { agreement: agreement.to_string(), what: what.to_string(), code: code.to_string() }
}

fn unknown_ref(agreement: &str, context: &str, what: &str, code: &str) -> AgreementError {
    AgreementError::UnknownReference {
        agreement: agreement.to_string(),
        context: context.to_string(),
        what: what.to_string(),
        code: code.to_string(),
    }
}

#[cfg(test)]
mod seed_tests;
#[cfg(test)]
mod tests;
