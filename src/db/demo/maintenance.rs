//! The demo's maintenance calendar, from the seeds' real patterns: Tranemo/Ulricehamn's primary window on the
//! third Tuesday 18:00–22:00 with its secondary the Tuesday after 18:00–21:00 (announced), an Altinn release on
//! the first Tuesday of every third month (announced), a year-end freeze on Altinn's portal (an example, not from
//! the seed), and a ROR-IKT upgrade waiting for its second approval. Written as the demo's admin, through the same
//! functions as `vakt maintenance`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::Tz;
use sqlx::PgPool;

use crate::db::DbError;
use crate::db::maintenance::{self as calendar, NewSeries};
use crate::domain::maintenance::series::Series;
use crate::domain::maintenance::{Impact, WindowKind};

/// The `n`th `weekday` of the month of `day`, or of the next month when that one has passed `day`.
fn nth_weekday_from(day: NaiveDate, n: u8, weekday: Weekday) -> NaiveDate {
    let in_month = |date: NaiveDate| NaiveDate::from_weekday_of_month_opt(date.year(), date.month(), weekday, n);
    match in_month(day) {
        Some(found) if found >= day => found,
        _ => {
            let next = day.with_day(1).and_then(|d| d.checked_add_months(chrono::Months::new(1))).unwrap_or(day);
            in_month(next).unwrap_or(next)
        }
    }
}

fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0).unwrap_or_default()
}

fn series(
    services: &[&str],
    kind: WindowKind,
    zone: Tz,
    start: NaiveDateTime,
    hours: i64,
    rule: Option<&str>,
) -> Series {
    Series {
        services: services.iter().map(|s| s.to_string()).collect(),
        kind,
        impact: Impact::Unavailable,
        zone,
        start,
        length: Duration::hours(hours),
        rule: rule.map(String::from),
        cancelled: Vec::new(),
        moved: Vec::new(),
    }
}

fn new(series: Series, reason: &str, follows: Option<(i64, i64)>) -> NewSeries {
    NewSeries { series, reason: reason.into(), follows, freeze_override: None, breaking: false }
}

pub async fn seed(admin: &PgPool, now: DateTime<Utc>) -> Result<(), DbError> {
    let stockholm = chrono_tz::Europe::Stockholm;
    let oslo = chrono_tz::Europe::Oslo;
    let today = now.with_timezone(&stockholm).date_naive();
    let services = ["TRA-EPOST", "ULR-EPOST"];

    let third_tuesday = nth_weekday_from(today, 3, Weekday::Tue);
    let primary =
        series(&services, WindowKind::Primary, stockholm, at(third_tuesday, 18), 4, Some("FREQ=MONTHLY;BYDAY=3TU"));
    let primary = calendar::add(admin, &new(primary, "Servicefönster (Riktlinjer 2022)", None)).await?;
    let secondary =
        series(&services, WindowKind::Secondary, stockholm, at(third_tuesday + Duration::days(7), 18), 3, None);
    let reserve = "Reservfönster när arbetet inte blev klart";
    let secondary = calendar::add(admin, &new(secondary, reserve, Some((primary, 7)))).await?;
    for id in [primary, secondary] {
        calendar::approve(admin, id, "Astrid Admin", "it-samordnare").await?;
        calendar::announce(admin, id).await?;
    }

    let first_tuesday = nth_weekday_from(today + Duration::days(14), 1, Weekday::Tue);
    let rule = Some("FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU");
    let mut release = series(&["SBL", "TT02"], WindowKind::Release, oslo, at(first_tuesday, 22), 3, rule);
    release.impact = Impact::Degraded;
    let release = calendar::add(admin, &new(release, "Kvartalsvis release (årsplan, §2.10.3)", None)).await?;
    calendar::approve(admin, release, "Astrid Admin", "ASF").await?;
    calendar::announce(admin, release).await?;

    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 21).unwrap_or(today);
    let freeze = series(&["SBL", "TT02"], WindowKind::Freeze, oslo, at(year_end, 0), 24 * 12, None);
    let why = "Endringsfrys ved årsskiftet (eksempel, ikke fra avtalen)";
    let freeze = calendar::add(admin, &new(freeze, why, None)).await?;
    calendar::approve(admin, freeze, "Astrid Admin", "ASF").await?;

    let upgrade_day = nth_weekday_from(today + Duration::days(10), 1, Weekday::Wed);
    let upgrade = series(&["MOLDE-EPJ"], WindowKind::Release, oslo, at(upgrade_day, 20), 2, None);
    let upgrade = calendar::add(admin, &new(upgrade, "Oppgradering av EPJ", None)).await?;
    calendar::approve(admin, upgrade, "Siri Dahl", "systemansvarlig").await?;
    Ok(())
}
