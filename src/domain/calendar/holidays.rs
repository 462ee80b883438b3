//! Norwegian and Swedish public holidays by rule, for any year 1900–2200, named in the local
//! language, plus the de-facto non-working days an agreement may choose to add.
//!
//! No maintained Rust crate covers both countries with their historical law changes, so the
//! rules are written here and checked year by year against the Python `holidays` package
//! (tests/fixtures/holidays, see `holidays/tests.rs`).
//!
//! Law changes modelled:
//! - Norway: 1 May and 17 May are public holidays from 1947 (lov 26. april 1947 nr. 1).
//! - Sweden: Första maj from 1939. Act 1952:48 (from 1953) moved Midsommardagen to the Saturday
//!   20–26 June, Alla helgons dag to the Saturday 31 Oct–6 Nov and Marie bebådelsedag to a
//!   Sunday; Act 1989:253 (from 1990) dropped Marie bebådelsedag; from 2005 Nationaldagen
//!   (6 June) was added and Annandag pingst removed.
//! - Sweden before 1953 (Midsommardagen 24 June, Midsommarafton 23 June, Marie bebådelsedag
//!   25 March, Alla helgons dag on the first Sunday of November) is best knowledge only: the
//!   reference package has no Swedish data before 1953, so those years are not compared.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// First year the holiday rules are defined for.
pub const FIRST_YEAR: i32 = 1900;
/// Last year the holiday rules are defined for.
pub const LAST_YEAR: i32 = 2200;

/// A country whose public holidays vakt knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Region {
    /// Norway.
    #[serde(rename = "NO")]
    No,
    /// Sweden.
    #[serde(rename = "SE")]
    Se,
}

impl Region {
    /// The ISO 3166 code, "NO" or "SE".
    pub fn code(self) -> &'static str {
        match self {
            Region::No => "NO",
            Region::Se => "SE",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An unknown region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region '{0}' (known: NO, SE)")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "NO" => Ok(Region::No),
            "SE" => Ok(Region::Se),
            _ => Err(UnknownRegion(s.to_string())),
        }
    }
}

/// A customary non-working day that is not a public holiday by law; agreements opt in to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeFactoDay {
    /// Påskeaften / Påskafton (Easter Saturday).
    EasterEve,
    /// Midsommarafton (Sweden only; Friday 19–25 June).
    MidsummerEve,
    /// Julaften / Julafton, 24 December.
    ChristmasEve,
    /// Nyttårsaften / Nyårsafton, 31 December.
    NewYearsEve,
}

/// Whether a day is a public holiday by law or a customary (de-facto) day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A public holiday by law.
    Public,
    /// A customary day off that an agreement may choose to treat as closed.
    DeFacto(DeFactoDay),
}

/// One named holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Holiday {
    /// The civil date.
    pub date: NaiveDate,
    /// The local name, e.g. "Kristi himmelfartsdag", "Midsommardagen".
    pub name: &'static str,
    /// Public by law, or de facto.
    pub kind: HolidayKind,
}

/// Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// All public and de-facto holidays of `region` in `year`, sorted by date.
/// Years outside 1900–2200 give an empty list.
pub fn holidays(region: Region, year: i32) -> Vec<Holiday> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Vec::new();
    }
    let mut list = Vec::with_capacity(20);
    let Some(easter) = easter_sunday(year) else {
        return list;
    };
    let mut push = |date: Option<NaiveDate>, name: &'static str, kind: HolidayKind| {
        if let Some(date) = date {
            list.push(Holiday { date, name, kind });
        }
    };
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let from_easter = |days: i64| easter.checked_add_signed(Duration::days(days));
    let public = HolidayKind::Public;
    match region {
        Region::No => {
            push(ymd(1, 1), "Første nyttårsdag", public);
            push(from_easter(-3), "Skjærtorsdag", public);
            push(from_easter(-2), "Langfredag", public);
            push(from_easter(-1), "Påskeaften", HolidayKind::DeFacto(DeFactoDay::EasterEve));
            push(Some(easter), "Første påskedag", public);
            push(from_easter(1), "Andre påskedag", public);
            if year >= 1947 {
                push(ymd(5, 1), "Arbeidernes dag", public);
                push(ymd(5, 17), "Grunnlovsdag", public);
            }
            push(from_easter(39), "Kristi himmelfartsdag", public);
            push(from_easter(49), "Første pinsedag", public);
            push(from_easter(50), "Andre pinsedag", public);
            push(ymd(12, 24), "Julaften", HolidayKind::DeFacto(DeFactoDay::ChristmasEve));
            push(ymd(12, 25), "Første juledag", public);
            push(ymd(12, 26), "Andre juledag", public);
            push(ymd(12, 31), "Nyttårsaften", HolidayKind::DeFacto(DeFactoDay::NewYearsEve));
        }
        Region::Se => {
            let modern = year >= 1953;
            push(ymd(1, 1), "Nyårsdagen", public);
            push(ymd(1, 6), "Trettondedag jul", public);
            if !modern {
                push(ymd(3, 25), "Marie bebådelsedag", public);
            } else if year <= 1989 {
                push(annunciation_sunday(year, easter), "Marie bebådelsedag", public);
            }
            push(from_easter(-2), "Långfredagen", public);
            push(from_easter(-1), "Påskafton", HolidayKind::DeFacto(DeFactoDay::EasterEve));
            push(Some(easter), "Påskdagen", public);
            push(from_easter(1), "Annandag påsk", public);
            if year >= 1939 {
                push(ymd(5, 1), "Första maj", public);
            }
            push(from_easter(39), "Kristi himmelsfärdsdag", public);
            if year >= 2005 {
                push(ymd(6, 6), "Nationaldagen", public);
            }
            push(from_easter(49), "Pingstdagen", public);
            if year <= 2004 {
                push(from_easter(50), "Annandag pingst", public);
            }
            let (eve, day) = if modern {
                (first_weekday_from(year, 6, 19, Weekday::Fri), first_weekday_from(year, 6, 20, Weekday::Sat))
            } else {
                (ymd(6, 23), ymd(6, 24))
            };
            push(eve, "Midsommarafton", HolidayKind::DeFacto(DeFactoDay::MidsummerEve));
            push(day, "Midsommardagen", public);
            let all_saints = if modern {
                first_weekday_from(year, 10, 31, Weekday::Sat)
            } else {
                first_weekday_from(year, 11, 1, Weekday::Sun)
            };
            push(all_saints, "Alla helgons dag", public);
            push(ymd(12, 24), "Julafton", HolidayKind::DeFacto(DeFactoDay::ChristmasEve));
            push(ymd(12, 25), "Juldagen", public);
            push(ymd(12, 26), "Annandag jul", public);
            push(ymd(12, 31), "Nyårsafton", HolidayKind::DeFacto(DeFactoDay::NewYearsEve));
        }
    }
    list.sort_by_key(|h| h.date);
    list
}

/// Public holidays only (what the law names), sorted by date.
pub fn public_holidays(region: Region, year: i32) -> Vec<Holiday> {
    holidays(region, year).into_iter().filter(|h| h.kind == HolidayKind::Public).collect()
}

/// The holiday (public or de facto) of `region` on `date`, if any.
pub fn holiday_on(region: Region, date: NaiveDate) -> Option<Holiday> {
    holidays(region, date.year()).into_iter().find(|h| h.date == date)
}

/// The first `weekday` on or after `month`-`day` of `year`.
fn first_weekday_from(year: i32, month: u32, day: u32, weekday: Weekday) -> Option<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(year, month, day)?;
    let ahead = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
    start.checked_add_signed(Duration::days(i64::from(ahead)))
}

/// Act 1952:48: the Sunday 22–28 March, or the Sunday before Palm Sunday if that Sunday is
/// Palm Sunday or Easter Day.
fn annunciation_sunday(year: i32, easter: NaiveDate) -> Option<NaiveDate> {
    let sunday = first_weekday_from(year, 3, 22, Weekday::Sun)?;
    let palm_sunday = easter - Duration::days(7);
    if sunday == palm_sunday || sunday == easter { easter.checked_sub_signed(Duration::days(14)) } else { Some(sunday) }
}

#[cfg(test)]
mod tests;
