//! When `vakt serve` reminds the owner of an open follow-up point: from two working days before it falls due
//! (Monday to Friday; the agreements' holiday calendars are not consulted, so a reminder may come a day early around
//! a holiday, never late) through the due date, once; and once more when it is overdue (the day after).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

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

/// The first day of the "due soon" reminder: `WORKING_DAYS_AHEAD` weekdays before `due`.
pub fn soon_from(due: NaiveDate) -> NaiveDate {
    let mut day = due;
    let mut counted = 0;
    while counted < WORKING_DAYS_AHEAD {
        day -= Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            counted += 1;
        }
    }
    day
}

/// The reminder due on `today` for a point due on `due`, if any.
pub fn of(due: NaiveDate, today: NaiveDate) -> Option<Reminder> {
    if today > due {
        Some(Reminder::Overdue)
    } else if today >= soon_from(due) {
        Some(Reminder::DueSoon)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn two_working_days_before_skips_the_weekend() {
        // Wednesday 9 December 2026 → Monday 7; Monday 14 → Thursday 10; Sunday 13 → Thursday 10.
        assert_eq!(soon_from(d("2026-12-09")), d("2026-12-07"));
        assert_eq!(soon_from(d("2026-12-14")), d("2026-12-10"));
        assert_eq!(soon_from(d("2026-12-13")), d("2026-12-10"));
    }

    #[test]
    fn nothing_before_then_due_soon_through_the_due_date_then_overdue() {
        let due = d("2026-12-14");
        assert_eq!(of(due, d("2026-12-09")), None);
        assert_eq!(of(due, d("2026-12-10")), Some(Reminder::DueSoon));
        assert_eq!(of(due, d("2026-12-14")), Some(Reminder::DueSoon));
        assert_eq!(of(due, d("2026-12-15")), Some(Reminder::Overdue));
    }
}
