//! Holiday rules: named spot checks and a year-by-year comparison with an independent source.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::*;

const NO_CSV: &str = include_str!("../../../../tests/fixtures/holidays/no.csv");
const SE_CSV: &str = include_str!("../../../../tests/fixtures/holidays/se.csv");

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn named(region: Region, year: i32, name: &str) -> NaiveDate {
    holidays(region, year)
        .into_iter()
        .find(|h| h.name == name)
        .unwrap_or_else(|| panic!("{name} missing in {region} {year}"))
        .date
}

#[test]
fn easter_dates_for_known_years() {
    let known =
        [(1900, 4, 15), (1943, 4, 25), (2000, 4, 23), (2024, 3, 31), (2025, 4, 20), (2038, 4, 25), (2200, 4, 6)];
    for (y, m, day) in known {
        assert_eq!(easter_sunday(y), Some(d(y, m, day)), "{y}");
    }
}

#[test]
fn named_days_in_2024_and_2025() {
    assert_eq!(named(Region::No, 2024, "Kristi himmelfartsdag"), d(2024, 5, 9));
    assert_eq!(named(Region::No, 2025, "Grunnlovsdag"), d(2025, 5, 17));
    assert_eq!(named(Region::No, 2024, "Skjærtorsdag"), d(2024, 3, 28));
    assert_eq!(named(Region::Se, 2024, "Midsommardagen"), d(2024, 6, 22));
    assert_eq!(named(Region::Se, 2024, "Midsommarafton"), d(2024, 6, 21));
    assert_eq!(named(Region::Se, 2025, "Alla helgons dag"), d(2025, 11, 1));
    assert_eq!(named(Region::Se, 2024, "Alla helgons dag"), d(2024, 11, 2));
    assert_eq!(named(Region::Se, 2025, "Kristi himmelsfärdsdag"), d(2025, 5, 29));
}

#[test]
fn holiday_on_a_date() {
    assert_eq!(holiday_on(Region::No, d(2025, 5, 17)).unwrap().name, "Grunnlovsdag");
    assert_eq!(holiday_on(Region::Se, d(2025, 6, 6)).unwrap().name, "Nationaldagen");
    assert_eq!(holiday_on(Region::No, d(2025, 5, 16)), None);
    assert_eq!("se".parse::<Region>(), Ok(Region::Se));
    assert_eq!("DK".parse::<Region>().unwrap_err().to_string(), "unknown region 'DK' (known: NO, SE)");
}

#[test]
fn law_changes_are_in_force_from_the_right_year() {
    let has = |region, year, name: &str| holidays(region, year).iter().any(|h| h.name == name);
    assert!(!has(Region::No, 1946, "Grunnlovsdag") && has(Region::No, 1947, "Grunnlovsdag"));
    assert!(has(Region::Se, 2004, "Annandag pingst") && !has(Region::Se, 2005, "Annandag pingst"));
    assert!(!has(Region::Se, 2004, "Nationaldagen") && has(Region::Se, 2005, "Nationaldagen"));
    assert_eq!(named(Region::Se, 1952, "Midsommardagen"), d(1952, 6, 24));
    assert_eq!(named(Region::Se, 1953, "Midsommardagen"), d(1953, 6, 20));
    assert!(has(Region::Se, 1989, "Marie bebådelsedag") && !has(Region::Se, 1990, "Marie bebådelsedag"));
}

#[test]
fn de_facto_days_are_marked_as_such() {
    let list = holidays(Region::Se, 2024);
    let eve = list.iter().find(|h| h.date == d(2024, 12, 24)).unwrap();
    assert_eq!((eve.name, eve.kind), ("Julafton", HolidayKind::DeFacto(DeFactoDay::ChristmasEve)));
    assert!(public_holidays(Region::No, 2024).iter().all(|h| h.kind == HolidayKind::Public));
    assert!(holidays(Region::No, 1899).is_empty() && holidays(Region::Se, 2201).is_empty());
}

/// (date → category) from a reference CSV; one date may carry two names.
fn reference(csv: &str) -> BTreeMap<i32, (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>)> {
    let mut years: BTreeMap<i32, (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>)> = BTreeMap::new();
    for line in csv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let mut cols = line.splitn(3, ',');
        let date = NaiveDate::parse_from_str(cols.next().unwrap(), "%Y-%m-%d").unwrap();
        let entry = years.entry(date.year()).or_default();
        match cols.next().unwrap() {
            "public" => entry.0.insert(date),
            "de_facto" => entry.1.insert(date),
            other => panic!("unknown category {other}"),
        };
    }
    years
}

fn ours(region: Region, year: i32) -> (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>) {
    let list = holidays(region, year);
    let public = list.iter().filter(|h| h.kind == HolidayKind::Public).map(|h| h.date).collect();
    // The package lists Midsommarafton, Julafton and Nyårsafton as de facto for Sweden; it has
    // no påskafton/påskeaften there and no de-facto days for Norway, so Easter Eve is left out.
    let de_facto = list
        .iter()
        .filter(|h| matches!(h.kind, HolidayKind::DeFacto(day) if day != DeFactoDay::EasterEve))
        .map(|h| h.date)
        .collect();
    (public, de_facto)
}

#[test]
fn norway_matches_the_independent_source_every_year_1900_to_2200() {
    let reference = reference(NO_CSV);
    let mut compared = 0;
    for year in FIRST_YEAR..=LAST_YEAR {
        let (public, _) = ours(Region::No, year);
        let (want, _) = reference.get(&year).cloned().unwrap_or_default();
        assert_eq!(public, want, "Norway {year}");
        compared += 1;
    }
    assert_eq!(compared, 301);
}

/// Exception: python-holidays has no Swedish data before 1953 (its `start_year`), so 1900–1952
/// are not compared; `law_changes_are_in_force_from_the_right_year` covers the 1953 switch.
const SE_FIRST_COMPARED_YEAR: i32 = 1953;

#[test]
fn sweden_matches_the_independent_source_every_year_1953_to_2200() {
    let reference = reference(SE_CSV);
    assert!(reference.keys().all(|y| *y >= SE_FIRST_COMPARED_YEAR), "source gained pre-1953 data: compare it");
    for year in SE_FIRST_COMPARED_YEAR..=LAST_YEAR {
        let (public, de_facto) = ours(Region::Se, year);
        let (want_public, want_de_facto) = reference.get(&year).cloned().unwrap_or_default();
        assert_eq!(public, want_public, "Sweden public {year}");
        assert_eq!(de_facto, want_de_facto, "Sweden de facto {year}");
    }
}
