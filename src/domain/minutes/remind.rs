//! When `vakt serve` reminds the owner of an open follow-up point: from `WORKING_DAYS_AHEAD` working days before
//! it falls due through the due date, once; and once more when it is overdue (the day after).
//!
//! Working days are the series' agreement's: Monday to Friday, less that agreement's holidays (its country's
//! public holidays, and the customary days off and named closed days its support calendar adds, e.g. julafton
//! for Tranemo/Ulricehamn). The caller passes the holidays in, so this stays pure; `agreement_holidays` reads
//! them from an agreement. A 24/7 support calendar does not make weekends working days: these are office days.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::domain::agreement::Agreement;
use crate::domain::calendar::holidays::{self, HolidayKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    DueSoon,
    Overdue,
}

impl Reminder {
    /// Its part of the idempotency key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DueSoon => "soon",
            Self::Overdue => "late",
        }
    }
}

/// Working days before the due date the first reminder goes.
pub const WORKING_DAYS_AHEAD: u32 = 2;

/// Whether `day` is a working day: Monday to Friday and not one of `holidays`.
pub fn is_working_day(day: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// The first day of the "due soon" reminder: `WORKING_DAYS_AHEAD` working days before `due`.
pub fn soon_from(due: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let mut day = due;
    let mut counted = 0;
    while counted < WORKING_DAYS_AHEAD {
        let Some(before) = day.pred_opt() else { return day };
        day = before;
        if is_working_day(day, holidays) {
            counted += 1;
        }
    }
    day
}

/// The reminder due on `today` for a point due on `due`, if any.
pub fn of(due: NaiveDate, today: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> Option<Reminder> {
    if today > due {
        Some(Reminder::Overdue)
    } else if today >= soon_from(due, holidays) {
        Some(Reminder::DueSoon)
    } else {
        None
    }
}

/// The years whose holidays a point due on `due` can meet when counting back (a new year's point reaches into
/// December).
pub fn years_around(due: NaiveDate) -> RangeInclusive<i32> {
    (due - Duration::days(31)).year()..=due.year()
}

/// The agreement's holidays in `years`: its country's public holidays, and the customary days off and named
/// closed days its support calendar keeps.
pub fn agreement_holidays(agreement: &Agreement, years: RangeInclusive<i32>) -> BTreeSet<NaiveDate> {
    let chosen = &agreement.support_calendar().spec().holidays;
    let mut found = BTreeSet::new();
    for year in years {
        found.extend(holidays::public_holidays(agreement.spec().region, year).into_iter().map(|h| h.date));
        if let Some(region) = chosen.region {
            found.extend(
                holidays::holidays(region, year)
                    .into_iter()
                    .filter(|h| match h.kind {
                        HolidayKind::Public => true,
                        HolidayKind::DeFacto(day) => chosen.de_facto.contains(&day),
                    })
                    .map(|h| h.date),
            );
        }
        for named in &chosen.extra {
            if let Some(date) = named.date.filter(|d| d.year() == year) {
                found.insert(date);
            }
            if let Some(every) = named.every_year
                && let Some(date) = NaiveDate::from_ymd_opt(year, u32::from(every.month()), u32::from(every.day()))
            {
                found.insert(date);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn holidays_of(code: &str, due: NaiveDate) -> BTreeSet<NaiveDate> {
        let text = match code {
            "ALTINN" => include_str!("../../../agreements/altinn.toml"),
            "ROR-IKT" => include_str!("../../../agreements/ror-ikt.toml"),
            "STHLM-SD" => include_str!("../../../agreements/stockholm.toml"),
            _ => include_str!("../../../agreements/tranemo-ulricehamn.toml"),
        };
        let agreement = Agreement::from_toml(text).unwrap();
        assert_eq!(agreement.code(), code);
        agreement_holidays(&agreement, years_around(due))
    }

    #[test]
    fn two_working_days_before_skips_the_weekend() {
        let none = BTreeSet::new();
        // Wednesday 9 December 2026 → Monday 7; Monday 14 → Thursday 10; Sunday 13 → Thursday 10.
        assert_eq!(soon_from(d("2026-12-09"), &none), d("2026-12-07"));
        assert_eq!(soon_from(d("2026-12-14"), &none), d("2026-12-10"));
        assert_eq!(soon_from(d("2026-12-13"), &none), d("2026-12-10"));
    }

    #[test]
    fn nothing_before_then_due_soon_through_the_due_date_then_overdue() {
        let none = BTreeSet::new();
        let due = d("2026-12-14");
        assert_eq!(of(due, d("2026-12-09"), &none), None);
        assert_eq!(of(due, d("2026-12-10"), &none), Some(Reminder::DueSoon));
        assert_eq!(of(due, d("2026-12-14"), &none), Some(Reminder::DueSoon));
        assert_eq!(of(due, d("2026-12-15"), &none), Some(Reminder::Overdue));
    }

    #[test]
    fn altinn_skips_norwegian_christmas_days() {
        // Due Monday 28 December 2026. Back from it: Sun 27 and Sat 26 (weekend; 26 is 2. juledag too), Fri 25
        // (1. juledag), Thu 24 (julaften: not a public holiday, Altinn keeps no de-facto days) is the first working
        // day, Wed 23 the second. Weekends alone would have said Thursday 24.
        let due = d("2026-12-28");
        let altinn = holidays_of("ALTINN", due);
        assert!(altinn.contains(&d("2026-12-25")) && altinn.contains(&d("2026-12-26")));
        assert!(!altinn.contains(&d("2026-12-24")));
        assert_eq!(soon_from(due, &altinn), d("2026-12-23"));
        assert_eq!(soon_from(due, &BTreeSet::new()), d("2026-12-24"));
        assert_eq!(of(due, d("2026-12-22"), &altinn), None);
        assert_eq!(of(due, d("2026-12-23"), &altinn), Some(Reminder::DueSoon));
    }

    #[test]
    fn norwegian_easter_reaches_back_a_week() {
        // Due Tuesday 7 April 2026 (ROR-IKT): Mon 6 (2. påskedag), Sun 5, Sat 4, Fri 3 (langfredag), Thu 2
        // (skjærtorsdag) are off; Wed 1 April and Tue 31 March are the two working days.
        let due = d("2026-04-07");
        assert_eq!(soon_from(due, &holidays_of("ROR-IKT", due)), d("2026-03-31"));
    }

    #[test]
    fn tranemo_keeps_new_years_eve_and_stockholm_does_not() {
        // Due Monday 4 January 2027. Fri 1 January is Nyårsdagen for both. Tranemo/Ulricehamn's support
        // calendar also closes on nyårsafton (Thu 31 December), so its days are Wed 30 and Tue 29; Stockholm
        // counts Thu 31 and Wed 30.
        let due = d("2027-01-04");
        assert_eq!(soon_from(due, &holidays_of("TU-IT", due)), d("2026-12-29"));
        assert_eq!(soon_from(due, &holidays_of("STHLM-SD", due)), d("2026-12-30"));
    }
}
