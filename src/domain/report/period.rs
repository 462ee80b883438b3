//! A report's period (a month, a tertial or a year) and its due date.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which report: the period it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Monthly,
    Tertial,
    Yearly,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Monthly => "monthly",
            ReportKind::Tertial => "tertial",
            ReportKind::Yearly => "yearly",
        }
    }

    pub fn parse(text: &str) -> Option<ReportKind> {
        [ReportKind::Monthly, ReportKind::Tertial, ReportKind::Yearly].into_iter().find(|k| k.as_str() == text)
    }
}

/// `[first, after)` in local dates of the agreement's zone, with its label (`2027-03`, `2027-T1`, `2027`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPeriod {
    pub kind: ReportKind,
    pub label: String,
    pub first: NaiveDate,
    pub after: NaiveDate,
}

/// The day of the month after the period by which a report is due. Altinn's service report is due "senest 15.
/// dager i ny mnd" (seed 000, Tjenesteavtale §2.6.2). Tranemo/Ulricehamn only says "följas upp tertialsvis" and ROR-IKT
/// "rapportere jevnlig til Styret" (seeds 004 and 001): neither names a day, so vakt holds every report to the same
/// 15th, which the report states as its own choice.
pub const DUE_DAY: u32 = 15;

impl ReportPeriod {
    /// `2027-03` for a monthly report, `2027-T1` (January-April), `-T2`, `-T3` for a tertial, `2027` for a year.
    pub fn parse(kind: ReportKind, text: &str) -> Option<ReportPeriod> {
        let text = text.trim();
        let (first, months, label) = match kind {
            ReportKind::Monthly => {
                let (year, month) = text.split_once('-')?;
                let first = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?;
                (first, 1, format!("{:04}-{:02}", first.year(), first.month()))
            }
            ReportKind::Tertial => {
                let upper = text.to_uppercase();
                let (year, n) = upper.split_once("-T")?;
                let (year, n): (i32, u32) = (year.parse().ok()?, n.parse().ok()?);
                if !(1..=3).contains(&n) {
                    return None;
                }
                (NaiveDate::from_ymd_opt(year, 1 + 4 * (n - 1), 1)?, 4, format!("{year:04}-T{n}"))
            }
            ReportKind::Yearly => {
                let year: i32 = text.parse().ok()?;
                (NaiveDate::from_ymd_opt(year, 1, 1)?, 12, format!("{year:04}"))
            }
        };
        Some(ReportPeriod { kind, label, first, after: first.checked_add_months(Months::new(months))? })
    }

    /// The last day of the period.
    pub fn last(&self) -> NaiveDate {
        self.after.pred_opt().unwrap_or(self.after)
    }

    /// The report is due on the [`DUE_DAY`] of the month after the period.
    pub fn due(&self) -> NaiveDate {
        self.after.with_day(DUE_DAY).unwrap_or(self.after)
    }

    /// The rule behind [`Self::due`], as the report prints it.
    pub fn due_rule(&self, agreement: &str) -> String {
        if agreement.eq_ignore_ascii_case("ALTINN") && self.kind == ReportKind::Monthly {
            "the 15th of the following month (Tjenesteavtale §2.6.2: «senest 15. dager i ny mnd»)".into()
        } else {
            "the 15th of the month after the period (vakt's rule: the agreement names no day)".into()
        }
    }

    /// From the first of January of the period's year to its end: the span a yearly cap on outages counts in.
    pub fn year_to_date(&self) -> (NaiveDate, NaiveDate) {
        (NaiveDate::from_ymd_opt(self.first.year(), 1, 1).unwrap_or(self.first), self.after)
    }

    /// Closed: its last day is over on `today` (the agreement's local date).
    pub fn closed_on(&self, today: NaiveDate) -> bool {
        today >= self.after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_parse_with_their_bounds_and_due_dates() {
        let march = ReportPeriod::parse(ReportKind::Monthly, "2027-3").unwrap();
        assert_eq!((march.label.as_str(), march.first, march.after), ("2027-03", d(2027, 3, 1), d(2027, 4, 1)));
        assert_eq!(march.due(), d(2027, 4, 15));
        let december = ReportPeriod::parse(ReportKind::Monthly, "2027-12").unwrap();
        assert_eq!((december.last(), december.due()), (d(2027, 12, 31), d(2028, 1, 15)));
        let t2 = ReportPeriod::parse(ReportKind::Tertial, "2027-t2").unwrap();
        assert_eq!(
            (t2.label.as_str(), t2.first, t2.after, t2.due()),
            ("2027-T2", d(2027, 5, 1), d(2027, 9, 1), d(2027, 9, 15))
        );
        let t3 = ReportPeriod::parse(ReportKind::Tertial, "2027-T3").unwrap();
        assert_eq!(
            (t3.after, t3.due(), t3.year_to_date()),
            (d(2028, 1, 1), d(2028, 1, 15), (d(2027, 1, 1), d(2028, 1, 1)))
        );
        let year = ReportPeriod::parse(ReportKind::Yearly, "2027").unwrap();
        assert_eq!((year.first, year.after, year.due()), (d(2027, 1, 1), d(2028, 1, 1), d(2028, 1, 15)));
        assert!(year.closed_on(d(2028, 1, 1)) && !year.closed_on(d(2027, 12, 31)));
    }

    #[test]
    fn bad_periods_are_refused() {
        for (kind, text) in [
            (ReportKind::Monthly, "2027-13"),
            (ReportKind::Monthly, "2027"),
            (ReportKind::Tertial, "2027-T4"),
            (ReportKind::Tertial, "2027-T0"),
            (ReportKind::Tertial, "2027-03"),
            (ReportKind::Yearly, "soon"),
            (ReportKind::Yearly, ""),
        ] {
            assert_eq!(ReportPeriod::parse(kind, text), None, "{text}");
        }
    }
}
