//! The on-duty rota: shifts of a MIM and a deputy. Exactly one MIM must be on duty at every instant of a
//! period (Stockholm §3.2: "en för varje given tidpunkt utpekad person"), so a gap or an overlap is refused
//! with the period named in local time. Shifts are half-open, `[start, end)`: a shift ending 16:00 and
//! the next starting 16:00 are continuous.
//!
//! The duty phone number and mailbox belong to the duty, not to a person: [`duty_contact`] picks them
//! from the agreement's `[major.duty]`, then the global setting.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::locale::{local_period, local_time};
use crate::domain::agreement::major_policy::DutyLine;

/// One shift of the rota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    /// The MIM on duty (database login).
    pub mim: String,
    /// The deputy, notified when an update is missed beyond the grace period (database login).
    pub deputy: String,
    /// First instant on duty.
    pub start: DateTime<Utc>,
    /// First instant off duty.
    pub end: DateTime<Utc>,
}

impl Shift {
    /// Whether the shift covers `at` (`start <= at < end`).
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    /// A shift from wall-clock times in `zone`, as an admin types them. A time in the spring-forward gap
    /// is refused; a time in the repeated fall-back hour means its first occurrence (as the calendars do).
    pub fn from_local(
        mim: &str,
        deputy: &str,
        start: NaiveDateTime,
        end: NaiveDateTime,
        zone: Tz,
    ) -> Result<Self, RotaError> {
        Ok(Self {
            mim: mim.to_string(),
            deputy: deputy.to_string(),
            start: to_utc(start, zone)?,
            end: to_utc(end, zone)?,
        })
    }
}

fn to_utc(local: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, RotaError> {
    crate::domain::calendar::wall_clock::at_local(local, zone).ok_or_else(|| RotaError::NoSuchLocalTime {
        local: local.format("%Y-%m-%d %H:%M").to_string(),
        zone: zone.name().to_string(),
    })
}

/// A problem with the rota; the message names the period in local time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotaError {
    /// Nobody is on duty for a while.
    #[error("the rota leaves {period} ({zone}) without a MIM on duty")]
    Gap {
        /// First instant uncovered.
        from: DateTime<Utc>,
        /// First instant covered again (or the end of the checked period).
        to: DateTime<Utc>,
        /// The period in local time.
        period: String,
        /// The zone the period is written in.
        zone: String,
    },
    /// Two shifts cover the same time.
    #[error("{} cover {period} ({zone}): shorten one of them", overlapping(first, second))]
    Overlap {
        /// First instant covered twice.
        from: DateTime<Utc>,
        /// First instant covered once again.
        to: DateTime<Utc>,
        /// The period in local time.
        period: String,
        /// The MIM of the earlier shift.
        first: String,
        /// The MIM of the later shift.
        second: String,
        /// The zone the period is written in.
        zone: String,
    },
    /// A shift that ends at or before its start.
    #[error("the shift of {mim} starting {start} ends before it starts: set an end after the start")]
    EndsBeforeStart {
        /// The MIM.
        mim: String,
        /// The start in local time.
        start: String,
    },
    /// A shift without a MIM.
    #[error("the shift starting {start} has no MIM: enter the login of the MIM on duty")]
    NoMim {
        /// The start in local time.
        start: String,
    },
    /// A shift without a deputy.
    #[error("the shift of {mim} starting {start} has no deputy: enter the login of the deputy to notify")]
    NoDeputy {
        /// The MIM.
        mim: String,
        /// The start in local time.
        start: String,
    },
    /// The MIM is their own deputy.
    #[error("{mim} is both MIM and deputy on the shift starting {start}: choose another deputy")]
    OwnDeputy {
        /// The MIM.
        mim: String,
        /// The start in local time.
        start: String,
    },
    /// A wall-clock time skipped by the spring-forward change.
    #[error("{local} does not exist in {zone} (the clocks skip that hour): choose a time outside it")]
    NoSuchLocalTime {
        /// The time as typed.
        local: String,
        /// The zone.
        zone: String,
    },
    /// The period to check is empty or reversed.
    #[error("the period to check ends before it starts ({period})")]
    EmptyPeriod {
        /// The period in local time.
        period: String,
    },
}

/// Who the overlapping shifts belong to, naming a person once.
fn overlapping(first: &str, second: &str) -> String {
    if first == second { format!("two shifts of {first}") } else { format!("the shifts of {first} and {second} both") }
}

/// Every problem of the rota over `[from, to)`, in time order: bad shifts first, then gaps and overlaps.
/// Shifts outside the period are ignored (but still checked for missing names and reversed times).
pub fn rota_problems(shifts: &[Shift], from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> Vec<RotaError> {
    if to <= from {
        return vec![RotaError::EmptyPeriod { period: local_period(from, to, zone) }];
    }
    let mut ordered: Vec<&Shift> = shifts.iter().collect();
    ordered.sort_by_key(|s| (s.start, s.end));
    let mut problems = Vec::new();
    for s in &ordered {
        let start = local_time(s.start, zone);
        if s.mim.trim().is_empty() {
            problems.push(RotaError::NoMim { start });
        } else if s.deputy.trim().is_empty() {
            problems.push(RotaError::NoDeputy { mim: s.mim.clone(), start });
        } else if s.deputy.trim() == s.mim.trim() {
            problems.push(RotaError::OwnDeputy { mim: s.mim.clone(), start });
        } else if s.end <= s.start {
            problems.push(RotaError::EndsBeforeStart { mim: s.mim.clone(), start });
        }
    }
    // Sweep the valid shifts: `covered_until` is the furthest end so far and `holder` the shift that has it.
    let mut covered_until = from;
    let mut holder: Option<&Shift> = None;
    for s in ordered.into_iter().filter(|s| s.start < s.end && s.end > from && s.start < to) {
        if s.start > covered_until {
            problems.push(gap(covered_until, s.start, zone));
        } else if let Some(h) = holder
            && s.start < covered_until
        {
            let (a, b) = (s.start.max(from), covered_until.min(s.end).min(to));
            problems.push(RotaError::Overlap {
                from: a,
                to: b,
                period: local_period(a, b, zone),
                first: h.mim.clone(),
                second: s.mim.clone(),
                zone: zone.name().to_string(),
            });
        }
        if s.end > covered_until {
            covered_until = s.end;
            holder = Some(s);
        }
    }
    if covered_until < to {
        problems.push(gap(covered_until, to, zone));
    }
    problems
}

fn gap(from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> RotaError {
    RotaError::Gap { from, to, period: local_period(from, to, zone), zone: zone.name().to_string() }
}

/// Refuses a rota that does not have exactly one MIM on duty at every instant of `[from, to)`, naming the
/// first problem.
pub fn validate_rota(shifts: &[Shift], from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> Result<(), RotaError> {
    match rota_problems(shifts, from, to, zone).into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// The shift on duty at `at` (the earliest-starting one if an invalid rota has several).
pub fn on_duty(shifts: &[Shift], at: DateTime<Utc>) -> Option<&Shift> {
    shifts.iter().filter(|s| s.covers(at)).min_by_key(|s| (s.start, s.end))
}

/// The duty number and mailbox to show and use now.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DutyContact {
    /// The number to call now.
    pub phone: Option<String>,
    /// The mailbox.
    pub mailbox: Option<String>,
}

/// Picks the duty number and mailbox: the agreement's setting first, then the global one; the after-hours
/// number while the support calendar is closed (Altinn 2.9.2/2.9.4: 75 00 62 99 in opening hours,
/// vakttelefon 954 90 002 outside them).
pub fn duty_contact(agreement: &DutyLine, global: &DutyLine, support_open: bool) -> DutyContact {
    let pick = |line: &DutyLine| {
        if support_open { line.phone.clone() } else { line.after_hours_phone.clone().or_else(|| line.phone.clone()) }
    };
    DutyContact {
        phone: pick(agreement).or_else(|| pick(global)),
        mailbox: agreement.mailbox.clone().or_else(|| global.mailbox.clone()),
    }
}

#[cfg(test)]
mod tests;
