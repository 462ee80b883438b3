//! The Altinn seed agreement and Oslo wall-clock times, for the change-need tests.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::agreement::Agreement;

const ALTINN: &str = include_str!("../../../agreements/altinn.toml");

pub fn altinn() -> Agreement {
    Agreement::from_toml(ALTINN).expect("the Altinn seed parses")
}

/// Oslo wall-clock time as UTC.
pub fn oslo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let local = NaiveDate::from_ymd_opt(y, m, d).and_then(|day| day.and_hms_opt(h, min, 0)).expect("a valid date");
    crate::domain::calendar::wall_clock::at_local(local, chrono_tz::Europe::Oslo).expect("exists in Oslo")
}
