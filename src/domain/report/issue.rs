//! Whether a report was issued, and on time: a report not issued by its due date is late, and one issued after it
//! stays marked late.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum IssueState {
    NotIssued { late: bool },
    Issued { at: DateTime<Utc>, by: String, late: bool },
}

impl IssueState {
    /// `today` and `issued_on` are local dates of the agreement's zone: a report issued on its due date is on time.
    pub fn of(due: NaiveDate, today: NaiveDate, issued: Option<(DateTime<Utc>, NaiveDate, String)>) -> IssueState {
        match issued {
            Some((at, on, by)) => IssueState::Issued { at, by, late: on > due },
            None => IssueState::NotIssued { late: today > due },
        }
    }

    pub fn late(&self) -> bool {
        match self {
            IssueState::NotIssued { late } | IssueState::Issued { late, .. } => *late,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_means_after_the_due_date_issued_or_not() {
        let d = |day| NaiveDate::from_ymd_opt(2027, 4, day).unwrap();
        let at = Utc.with_ymd_and_hms(2027, 4, 15, 12, 0, 0).unwrap();
        assert_eq!(IssueState::of(d(15), d(15), None), IssueState::NotIssued { late: false });
        assert_eq!(IssueState::of(d(15), d(16), None), IssueState::NotIssued { late: true });
        let on_time = IssueState::of(d(15), d(20), Some((at, d(15), "kari".into())));
        assert!(!on_time.late());
        assert!(IssueState::of(d(15), d(20), Some((at, d(16), "kari".into()))).late());
    }
}
