//! Which reports each agreement asks for, and the periods whose reports are due: what `vakt report due` lists.

use chrono::{Datelike, Months, NaiveDate};

use super::period::{ReportKind, ReportPeriod};

/// The reports an agreement requires, from the seeds:
/// - ALTINN: the monthly service report, «senest 15. dager i ny mnd» (seed 000, Tjenesteavtale §2.6.2);
/// - TU-IT: the tertial follow-up («följas upp tertialsvis», seed 004) and the year, whose 99.1 % and «högst fem
///   avbrott per år» are yearly figures;
/// - ROR-IKT: key figures to the board, «rapportere jevnlig til Styret» (seed 001 §7); the SLA itself is revised
///   yearly, so vakt asks for a yearly report;
/// - STHLM-SD (seed 003) names no periodic SLA report: none.
pub fn required(agreement: &str) -> &'static [ReportKind] {
    match agreement.to_uppercase().as_str() {
        "ALTINN" => &[ReportKind::Monthly],
        "TU-IT" => &[ReportKind::Tertial, ReportKind::Yearly],
        "ROR-IKT" => &[ReportKind::Yearly],
        _ => &[],
    }
}

/// The last period of this kind that is over on `today`.
pub fn latest_closed(kind: ReportKind, today: NaiveDate) -> Option<ReportPeriod> {
    let label = match kind {
        ReportKind::Monthly => {
            let last = today.with_day(1)?.checked_sub_months(Months::new(1))?;
            format!("{:04}-{:02}", last.year(), last.month())
        }
        ReportKind::Tertial => {
            let current = (today.month() - 1) / 4 + 1;
            if current == 1 {
                format!("{:04}-T3", today.year() - 1)
            } else {
                format!("{:04}-T{}", today.year(), current - 1)
            }
        }
        ReportKind::Yearly => format!("{:04}", today.year() - 1),
    };
    ReportPeriod::parse(kind, &label)
}

/// The period before `period`, of the same kind.
pub fn previous(period: &ReportPeriod) -> Option<ReportPeriod> {
    let months = match period.kind {
        ReportKind::Monthly => 1,
        ReportKind::Tertial => 4,
        ReportKind::Yearly => 12,
    };
    let first = period.first.checked_sub_months(Months::new(months))?;
    let label = match period.kind {
        ReportKind::Monthly => format!("{:04}-{:02}", first.year(), first.month()),
        ReportKind::Tertial => format!("{:04}-T{}", first.year(), (first.month() - 1) / 4 + 1),
        ReportKind::Yearly => format!("{:04}", first.year()),
    };
    ReportPeriod::parse(period.kind, &label)
}

/// How many days before its due date `vakt serve` reminds of a report not issued yet.
pub const REMINDER_LEAD_DAYS: i64 = 3;

/// Why a report not issued yet is reminded of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// Its period has closed: the draft is ready for review.
    Drafted,
    /// Due within [`REMINDER_LEAD_DAYS`].
    DueSoon,
    /// Its due date has passed.
    Late,
}

impl Reminder {
    /// Part of the reminder's idempotency key: one of each kind per report and person.
    pub fn as_str(self) -> &'static str {
        match self {
            Reminder::Drafted => "draft",
            Reminder::DueSoon => "soon",
            Reminder::Late => "late",
        }
    }

    /// A report of a closed period, due on `due` and not issued, on `today` (the agreement's local date).
    pub fn of(due: NaiveDate, today: NaiveDate) -> Reminder {
        if today > due {
            Reminder::Late
        } else if (due - today).num_days() <= REMINDER_LEAD_DAYS {
            Reminder::DueSoon
        } else {
            Reminder::Drafted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_come_three_days_ahead_and_once_late() {
        let d = |day| NaiveDate::from_ymd_opt(2027, 4, day).unwrap();
        assert_eq!(Reminder::of(d(15), d(1)), Reminder::Drafted);
        assert_eq!(Reminder::of(d(15), d(11)), Reminder::Drafted);
        assert_eq!(Reminder::of(d(15), d(12)), Reminder::DueSoon);
        assert_eq!(Reminder::of(d(15), d(15)), Reminder::DueSoon);
        assert_eq!(Reminder::of(d(15), d(16)), Reminder::Late);
    }

    #[test]
    fn the_latest_closed_period_and_the_one_before() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let label = |p: Option<ReportPeriod>| p.map(|p| p.label).unwrap_or_default();
        assert_eq!(label(latest_closed(ReportKind::Monthly, d(2027, 1, 3))), "2026-12");
        assert_eq!(label(latest_closed(ReportKind::Monthly, d(2027, 3, 31))), "2027-02");
        assert_eq!(label(latest_closed(ReportKind::Tertial, d(2027, 4, 30))), "2026-T3");
        assert_eq!(label(latest_closed(ReportKind::Tertial, d(2027, 5, 1))), "2027-T1");
        assert_eq!(label(latest_closed(ReportKind::Tertial, d(2027, 12, 31))), "2027-T2");
        assert_eq!(label(latest_closed(ReportKind::Yearly, d(2027, 1, 1))), "2026");
        let t1 = ReportPeriod::parse(ReportKind::Tertial, "2027-T1").unwrap();
        assert_eq!(label(previous(&t1)), "2026-T3");
        let january = ReportPeriod::parse(ReportKind::Monthly, "2027-01").unwrap();
        assert_eq!(label(previous(&january)), "2026-12");
        assert_eq!(required("altinn"), [ReportKind::Monthly]);
        assert!(required("STHLM-SD").is_empty());
    }
}
