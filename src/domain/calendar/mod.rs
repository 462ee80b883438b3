//! Business calendars and business-time arithmetic on `DateTime<Utc>`.
//!
//! A calendar is open during wall-clock intervals in its zone (weekly hours, seasonal variants,
//! holidays, per-date overrides). Business time is the real elapsed time inside those intervals,
//! so a 24×7 calendar measures 23 h on a spring-forward day and 25 h on a fall-back day.
//!
//! DST mapping (see `zone.rs`): an interval boundary at a local time that does not exist (in the
//! spring gap) maps to the end of the gap; a local time that exists twice maps to its first
//! occurrence. An interval inside the gap is therefore empty, and a boundary inside the repeated
//! hour is taken the first time the clock shows it. Nordic business hours never touch 02:00–03:00.
//!
//! Arithmetic walks day by day over each day's intervals (no per-minute loops); holidays are a
//! bitset built once per calendar, zone offsets a table built once per zone. A calendar that is
//! open 00:00–24:00 every day with no holidays, seasons or overrides takes a plain-arithmetic path.

pub mod holidays;
pub mod spec;
pub mod time;
pub mod wall_clock;
pub(crate) mod zone;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use crate::domain::calendar::spec::{CalendarSpec, OverrideKind};
use crate::domain::calendar::time::{
    TimeRange, WeekdaySet, civil_from_days, days_from_civil, epoch_day, normalize, weekday_index,
};
use crate::domain::calendar::zone::ZoneTable;
use holidays::{FIRST_YEAR, HolidayKind, LAST_YEAR};

/// How many consecutive closed days a search crosses before giving up (two years).
pub const MAX_CLOSED_DAYS: i32 = 732;
/// The longest date range one override may cover.
const MAX_OVERRIDE_DAYS: i64 = 3660;
const FIRST_SUPPORTED_DAY: i32 = days_from_civil(1700, 1, 1);
const LAST_SUPPORTED_DAY: i32 = days_from_civil(2249, 12, 31);

/// Errors from building a calendar or from arithmetic on it; messages are shown to users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The zone name is not an IANA zone.
    #[error("calendar '{calendar}': unknown time zone '{zone}' (use an IANA name such as Europe/Oslo)")]
    UnknownZone {
        /// Calendar code.
        calendar: String,
        /// The zone as written.
        zone: String,
    },
    /// A calendar without a code.
    #[error("a calendar has an empty code")]
    EmptyCode,
    /// Two weekday keys of one hours table share a day.
    #[error("calendar '{calendar}': {weekday} is listed twice in {context}")]
    WeekdayTwice {
        /// Calendar code.
        calendar: String,
        /// The weekday, e.g. "fri".
        weekday: String,
        /// "the weekly hours" or "season 'Sommertid'".
        context: String,
    },
    /// An override that is inconsistent.
    #[error("calendar '{calendar}': override '{reason}': {problem}")]
    InvalidOverride {
        /// Calendar code.
        calendar: String,
        /// The override's reason text.
        reason: String,
        /// What is wrong.
        problem: String,
    },
    /// A named closed day with neither or both of `date` and `every_year`.
    #[error("calendar '{calendar}': closed day '{name}' needs exactly one of 'date' or 'every_year'")]
    NamedDate {
        /// Calendar code.
        calendar: String,
        /// The day's name.
        name: String,
    },
    /// A search found no open time.
    #[error("calendar '{calendar}' has no opening hours within {days} days after {after}")]
    NoOpening {
        /// Calendar code.
        calendar: String,
        /// Days searched.
        days: i32,
        /// Where the search started.
        after: DateTime<Utc>,
    },
    /// An instant outside 1700–2249.
    #[error("{instant} is outside the supported range (years 1700–2249)")]
    OutOfRange {
        /// The instant.
        instant: String,
    },
}

/// Why a calendar is closed on a date (for "closed: Kristi himmelfartsdag").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosedReason {
    /// A public or chosen de-facto holiday.
    Holiday {
        /// Local name.
        name: String,
        /// Public or de facto.
        kind: HolidayKind,
    },
    /// An admin-defined closed day.
    Named {
        /// Its name.
        name: String,
    },
    /// A per-date override.
    Override {
        /// The override's reason.
        reason: String,
    },
    /// The weekly (or seasonal) hours have nothing on this weekday.
    NoHours {
        /// The weekday.
        weekday: Weekday,
    },
}

impl fmt::Display for ClosedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClosedReason::Holiday { name, .. } | ClosedReason::Named { name } => f.write_str(name),
            ClosedReason::Override { reason } => f.write_str(reason),
            ClosedReason::NoHours { weekday } => write!(f, "no opening hours on {weekday}"),
        }
    }
}

/// Whether a calendar is open at an instant, and until when (for the board's status text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarStatus {
    /// Open; `until` is the end of the continuous open stretch (None if it does not end within two years).
    Open {
        /// When it closes.
        until: Option<DateTime<Utc>>,
    },
    /// Closed; `until` is the next opening, `reason` why the whole day is closed (None after hours).
    Closed {
        /// Next opening.
        until: Option<DateTime<Utc>>,
        /// Why the day is closed, if it is closed all day.
        reason: Option<ClosedReason>,
    },
}

/// A seasonal variant, resolved.
#[derive(Clone)]
struct Season {
    from: u16,
    to: u16,
    hours: [Option<Vec<TimeRange>>; 7],
}

impl Season {
    fn contains(&self, key: u16) -> bool {
        if self.from <= self.to { (self.from..=self.to).contains(&key) } else { key >= self.from || key <= self.to }
    }
}

/// A day changed by overrides, fully resolved.
#[derive(Clone)]
struct OverrideDay {
    day: i32,
    hours: Vec<TimeRange>,
    reason: String,
}

/// Closed days (holidays) as a bitset over 1900-01-01..=2200-12-31.
#[derive(Clone)]
struct DayBits {
    first: i32,
    words: Vec<u64>,
}

impl DayBits {
    fn new() -> Self {
        let first = days_from_civil(FIRST_YEAR, 1, 1);
        let len = days_from_civil(LAST_YEAR, 12, 31) - first + 1;
        Self { first, words: vec![0; usize::try_from(len / 64 + 1).unwrap_or(0)] }
    }

    fn index(&self, day: i32) -> Option<(usize, u32)> {
        let offset = usize::try_from(day - self.first).ok()?;
        (offset / 64 < self.words.len()).then_some((offset / 64, (offset % 64) as u32))
    }

    fn insert(&mut self, day: i32) {
        if let Some((w, b)) = self.index(day) {
            self.words[w] |= 1 << b;
        }
    }

    fn contains(&self, day: i32) -> bool {
        self.index(day).is_some_and(|(w, b)| self.words[w] & (1 << b) != 0)
    }
}

/// A business calendar, built from a [`CalendarSpec`] with its tables precomputed.
#[derive(Clone)]
pub struct BusinessCalendar {
    spec: CalendarSpec,
    zone: Tz,
    table: Arc<ZoneTable>,
    weekly: [Vec<TimeRange>; 7],
    seasons: Vec<Season>,
    closed_days: DayBits,
    overrides: Vec<OverrideDay>,
    always_open: bool,
}

impl fmt::Debug for BusinessCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusinessCalendar")
            .field("code", &self.spec.code)
            .field("zone", &self.zone.name())
            .finish_non_exhaustive()
    }
}

impl PartialEq for BusinessCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec && self.zone == other.zone
    }
}

/// Resolves a weekly-hours table into seven normalized day lists.
fn resolve_week(
    calendar: &str,
    context: &str,
    table: &crate::domain::calendar::spec::WeeklyHours,
) -> Result<[Option<Vec<TimeRange>>; 7], CalendarError> {
    let mut days: [Option<Vec<TimeRange>>; 7] = Default::default();
    let mut seen = WeekdaySet::EMPTY;
    for (set, ranges) in table {
        if let Some(day) = set.days().find(|d| seen.contains(*d)) {
            return Err(CalendarError::WeekdayTwice {
                calendar: calendar.to_string(),
                weekday: day.to_string().to_lowercase(),
                context: context.to_string(),
            });
        }
        seen = seen.union(*set);
        for day in set.days() {
            let mut list = ranges.clone();
            normalize(&mut list);
            days[day.num_days_from_monday() as usize] = Some(list);
        }
    }
    Ok(days)
}

impl BusinessCalendar {
    /// Builds a calendar; `default_zone` applies when the spec names none.
    pub fn new(spec: CalendarSpec, default_zone: Tz) -> Result<Self, CalendarError> {
        let code = spec.code.clone();
        if code.trim().is_empty() {
            return Err(CalendarError::EmptyCode);
        }
        let zone = match &spec.zone {
            Some(name) => name
                .parse::<Tz>()
                .map_err(|_| CalendarError::UnknownZone { calendar: code.clone(), zone: name.clone() })?,
            None => default_zone,
        };
        let weekly = resolve_week(&code, "the weekly hours", &spec.hours)?.map(Option::unwrap_or_default);
        let seasons = spec
            .seasons
            .iter()
            .map(|s| {
                Ok(Season {
                    from: s.from.key(),
                    to: s.to.key(),
                    hours: resolve_week(&code, &format!("season '{}'", s.name), &s.hours)?,
                })
            })
            .collect::<Result<Vec<_>, CalendarError>>()?;
        let closed_days = Self::build_closed_days(&spec)?;
        let mut calendar = Self {
            spec,
            zone,
            table: ZoneTable::for_zone(zone),
            weekly,
            seasons,
            closed_days,
            overrides: Vec::new(),
            always_open: false,
        };
        calendar.overrides = calendar.resolve_overrides()?;
        calendar.always_open = calendar.seasons.is_empty()
            && calendar.overrides.is_empty()
            && calendar.closed_days.words.iter().all(|w| *w == 0)
            && calendar.weekly.iter().all(|d| d.as_slice() == [TimeRange::whole_day()]);
        Ok(calendar)
    }

    /// A calendar open around the clock with no holidays: real elapsed time.
    pub fn twenty_four_seven(code: &str, zone: Tz) -> Self {
        let mut hours = crate::domain::calendar::spec::WeeklyHours::new();
        hours.insert(WeekdaySet::ALL, vec![TimeRange::whole_day()]);
        let spec = CalendarSpec {
            code: code.to_string(),
            name: "24×7".to_string(),
            zone: Some(zone.name().to_string()),
            hours,
            seasons: Vec::new(),
            holidays: Default::default(),
            overrides: Vec::new(),
        };
        let weekly: [Vec<TimeRange>; 7] = std::array::from_fn(|_| vec![TimeRange::whole_day()]);
        Self {
            spec,
            zone,
            table: ZoneTable::for_zone(zone),
            weekly,
            seasons: Vec::new(),
            closed_days: DayBits::new(),
            overrides: Vec::new(),
            always_open: true,
        }
    }

    fn build_closed_days(spec: &CalendarSpec) -> Result<DayBits, CalendarError> {
        let mut bits = DayBits::new();
        let chosen = &spec.holidays;
        if chosen.region.is_some() || !chosen.de_facto.is_empty() {
            for year in FIRST_YEAR..=LAST_YEAR {
                for region in chosen.region.iter() {
                    for h in holidays::holidays(*region, year) {
                        let wanted = match h.kind {
                            HolidayKind::Public => true,
                            HolidayKind::DeFacto(day) => chosen.de_facto.contains(&day),
                        };
                        if wanted {
                            bits.insert(epoch_day(h.date));
                        }
                    }
                }
            }
        }
        for named in &chosen.extra {
            match (named.date, named.every_year) {
                (Some(date), None) => bits.insert(epoch_day(date)),
                (None, Some(md)) => (FIRST_YEAR..=LAST_YEAR)
                    .filter_map(|y| NaiveDate::from_ymd_opt(y, u32::from(md.month()), u32::from(md.day())))
                    .for_each(|d| bits.insert(epoch_day(d))),
                _ => {
                    return Err(CalendarError::NamedDate { calendar: spec.code.clone(), name: named.name.clone() });
                }
            }
        }
        Ok(bits)
    }

    fn resolve_overrides(&self) -> Result<Vec<OverrideDay>, CalendarError> {
        let mut days: Vec<OverrideDay> = Vec::new();
        for o in &self.spec.overrides {
            let bad = |problem: &str| CalendarError::InvalidOverride {
                calendar: self.spec.code.clone(),
                reason: o.reason.clone(),
                problem: problem.to_string(),
            };
            let span = (o.to - o.from).num_days();
            if span < 0 {
                return Err(bad("'to' is before 'from'"));
            }
            if span >= MAX_OVERRIDE_DAYS {
                return Err(bad("covers more than ten years"));
            }
            match (o.kind, o.hours.is_empty()) {
                (OverrideKind::Closed, false) => {
                    return Err(bad("a closed override takes no hours"));
                }
                (OverrideKind::Hours | OverrideKind::Extra, true) => {
                    return Err(bad("needs 'hours'"));
                }
                _ => {}
            }
            for day in epoch_day(o.from)..=epoch_day(o.to) {
                let current = match days.iter().position(|d| d.day == day) {
                    Some(i) => days.swap_remove(i).hours,
                    None => self.base_intervals(day).to_vec(),
                };
                let mut hours = match o.kind {
                    OverrideKind::Closed => Vec::new(),
                    OverrideKind::Hours => o.hours.clone(),
                    OverrideKind::Extra => current.into_iter().chain(o.hours.iter().copied()).collect(),
                };
                normalize(&mut hours);
                days.push(OverrideDay { day, hours, reason: o.reason.clone() });
            }
        }
        days.sort_by_key(|d| d.day);
        Ok(days)
    }

    /// The calendar's definition.
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// The calendar's code.
    pub fn code(&self) -> &str {
        &self.spec.code
    }

    /// The calendar's zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Whether this is an around-the-clock calendar without holidays (real elapsed time).
    pub fn is_always_open(&self) -> bool {
        self.always_open
    }

    /// Hours before overrides: closed on holidays, else seasonal or weekly hours.
    fn base_intervals(&self, day: i32) -> &[TimeRange] {
        if self.closed_days.contains(day) {
            return &[];
        }
        let weekday = weekday_index(day);
        if !self.seasons.is_empty() {
            let (_, month, dom) = civil_from_days(day);
            let key = (month * 32 + dom) as u16;
            for season in &self.seasons {
                if let Some(hours) = season.hours[weekday].as_ref().filter(|_| season.contains(key)) {
                    return hours;
                }
            }
        }
        &self.weekly[weekday]
    }

    /// The open intervals of a local day (day number since 1970-01-01).
    fn intervals(&self, day: i32) -> &[TimeRange] {
        if !self.overrides.is_empty()
            && let Ok(i) = self.overrides.binary_search_by_key(&day, |d| d.day)
        {
            return &self.overrides[i].hours;
        }
        self.base_intervals(day)
    }

    /// The opening hours that apply on `date`, after seasons, holidays and overrides.
    pub fn hours_on(&self, date: NaiveDate) -> Vec<TimeRange> {
        self.intervals(epoch_day(date)).to_vec()
    }

    /// Open until when, or closed until when and why: what the board shows next to a clock.
    pub fn status_at(&self, at: DateTime<Utc>) -> CalendarStatus {
        if self.is_open(at) {
            CalendarStatus::Open { until: self.open_until(at) }
        } else {
            CalendarStatus::Closed { until: self.next_opening(at), reason: self.closed_reason(self.local_date(at)) }
        }
    }

    /// Why the calendar is closed all day on `date`; None if it opens that day.
    pub fn closed_reason(&self, date: NaiveDate) -> Option<ClosedReason> {
        let day = epoch_day(date);
        if !self.intervals(day).is_empty() {
            return None;
        }
        if let Ok(i) = self.overrides.binary_search_by_key(&day, |d| d.day) {
            return Some(ClosedReason::Override { reason: self.overrides[i].reason.clone() });
        }
        if self.closed_days.contains(day) {
            let chosen = &self.spec.holidays;
            let holiday = chosen.region.iter().find_map(|region| {
                holidays::holidays(*region, date.year()).into_iter().find(|h| {
                    h.date == date
                        && match h.kind {
                            HolidayKind::Public => true,
                            HolidayKind::DeFacto(d) => chosen.de_facto.contains(&d),
                        }
                })
            });
            if let Some(h) = holiday {
                return Some(ClosedReason::Holiday { name: h.name.to_string(), kind: h.kind });
            }
            let named = chosen.extra.iter().find(|n| {
                n.date == Some(date)
                    || n.every_year
                        .is_some_and(|md| u32::from(md.month()) == date.month() && u32::from(md.day()) == date.day())
            });
            if let Some(n) = named {
                return Some(ClosedReason::Named { name: n.name.clone() });
            }
        }
        Some(ClosedReason::NoHours { weekday: date.weekday() })
    }
}

mod arith;

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
