//! The demo's meeting series, from the seeds: Altinn's weekly status meeting (ABS, ASF, the operations supplier and
//! the management supplier must attend, service owners may) and its monthly delivery meeting, Stockholm's weekly
//! change meeting between the service desk and the suppliers, and ROR-IKT's cooperation body. Last week's Altinn
//! status meeting is held and published, with one point answered, one overdue and a correction, so that this
//! week's agenda shows what the chair would see.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use sqlx::PgPool;

use crate::db::DbError;
use crate::db::minutes::{self, NewSeries};
use crate::domain::minutes::schedule::Schedule;
use crate::domain::minutes::{MeetingKind, Participant};

/// The first `weekday` on or after `day`.
fn on_or_after(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - day.weekday().num_days_from_monday()) % 7;
    day + Duration::days(i64::from(ahead))
}

fn who(who: &str, role: &str, mandatory: bool) -> Participant {
    Participant { who: who.into(), role: role.into(), mandatory }
}

fn schedule(zone: Tz, first: NaiveDate, hour: u32, minutes: i64, rule: &str) -> Schedule {
    Schedule {
        zone,
        start: first.and_hms_opt(hour, 0, 0).unwrap_or_default(),
        length: Duration::minutes(minutes),
        rule: Some(rule.into()),
    }
}

pub async fn seed(superuser: &PgPool, chair: &PgPool, now: DateTime<Utc>) -> Result<(), DbError> {
    let oslo = chrono_tz::Europe::Oslo;
    let stockholm = chrono_tz::Europe::Stockholm;
    // The series started a quarter ago, so last week's meeting is on the schedule.
    let since = now.with_timezone(&oslo).date_naive() - Duration::days(90);
    let first_thursday_of_month =
        |day: NaiveDate| NaiveDate::from_weekday_of_month_opt(day.year(), day.month(), Weekday::Thu, 1).unwrap_or(day);
    let all = [
        NewSeries {
            code: "ALT-STATUS",
            agreement: "ALTINN",
            title: "Ukentlig statusmøte Altinn",
            kind: MeetingKind::WeeklyStatus,
            schedule: schedule(oslo, on_or_after(since, Weekday::Tue), 10, 60, "FREQ=WEEKLY;BYDAY=TU"),
            chair: "karin",
            participants: vec![
                who("abs", "Altinn brukerservice (ABS)", true),
                who("asf", "Altinn sentralforvaltning (ASF)", true),
                who("driftsleverandor", "Driftsleverandør", true),
                who("forvaltningsleverandor", "Forvaltningsleverandør", true),
                who("tjenesteeiere", "Tjenesteeiere", false),
            ],
            distribution: vec!["asf".into(), "driftsleverandor".into(), "forvaltningsleverandor".into()],
            horizon_days: 14,
        },
        NewSeries {
            code: "ALT-DELIVERY",
            agreement: "ALTINN",
            title: "Månedlig leveransemøte Altinn",
            kind: MeetingKind::MonthlyDelivery,
            schedule: schedule(oslo, first_thursday_of_month(since), 13, 90, "FREQ=MONTHLY;BYDAY=1TH"),
            chair: "karin",
            participants: vec![
                who("asf", "Altinn sentralforvaltning (ASF)", true),
                who("driftsleverandor", "Driftsleverandør", true),
                who("forvaltningsleverandor", "Forvaltningsleverandør", true),
            ],
            distribution: vec!["asf".into()],
            horizon_days: 31,
        },
        NewSeries {
            code: "STH-CHANGE",
            agreement: "STHLM-SD",
            title: "Veckomöte om förändringar",
            kind: MeetingKind::WeeklyChange,
            schedule: schedule(stockholm, on_or_after(since, Weekday::Wed), 9, 60, "FREQ=WEEKLY;BYDAY=WE"),
            chair: "karin",
            participants: vec![
                who("service-desk", "Service Desk-leverantören", true),
                who("stockholm", "Stockholms stad, förvaltningar", false),
            ],
            distribution: vec!["service-desk".into(), "stockholm".into()],
            horizon_days: 14,
        },
        NewSeries {
            code: "ROR-SAMARBEID",
            agreement: "ROR-IKT",
            title: "Samarbeidsmøte ROR-IKT",
            kind: MeetingKind::Steering,
            schedule: schedule(oslo, on_or_after(since, Weekday::Tue), 12, 120, "FREQ=MONTHLY;BYDAY=2TU"),
            chair: "karin",
            participants: vec![
                who("ror-ikt", "ROR-IKT", true),
                who("aukra", "Aukra kommune", true),
                who("molde", "Molde kommune", true),
                who("rauma", "Rauma kommune", true),
                who("vestnes", "Vestnes kommune", true),
            ],
            distribution: vec!["aukra".into(), "molde".into(), "rauma".into(), "vestnes".into()],
            horizon_days: 31,
        },
    ];
    for series in &all {
        minutes::add_series(chair, series).await?;
    }

    // Last week's status meeting, held and published; its points written in the past (as the owner may).
    let last = minutes::open(chair, "ALT-STATUS", now - Duration::days(7)).await?;
    let due = |days: i64| (last.starts_at + Duration::days(days)).with_timezone(&oslo).date_naive();
    let points = [
        ("Verifiser innsending av a-melding etter patch", "kari", due(3)),
        ("Send rotårsaksanalyse for tidsavbrudd i SBL", "ola", due(6)),
        ("Bekreft dato for neste kvartalsvise release", "ingrid", due(14)),
    ];
    for (text, owner, due) in points {
        sqlx::query(
            "INSERT INTO public.follow_ups (meeting_id, text, owner_login, due_date, created_by, created_at)
             VALUES ($1, $2, $3, $4, 'karin', $5)",
        )
        .bind(last.id)
        .bind(text)
        .bind(owner)
        .bind(due)
        .bind(last.starts_at)
        .execute(superuser)
        .await?;
    }
    sqlx::query(
        "UPDATE public.meeting_items SET discussed = true,
                notes = CASE section WHEN 'incidents' THEN 'Leverandøren bekrefter rotårsak; ny patch fredag'
                                     WHEN 'breaches' THEN 'Bruddene skyldes samme feil som over; ingen nye tiltak'
                                     ELSE '' END
         WHERE meeting_id = $1",
    )
    .bind(last.id)
    .execute(superuser)
    .await?;
    sqlx::query("UPDATE public.meeting_attendance SET present = (participant <> 'forvaltningsleverandor') WHERE meeting_id = $1")
        .bind(last.id)
        .execute(superuser)
        .await?;
    let published = last.starts_at + Duration::hours(3);
    sqlx::query(
        "UPDATE public.meetings SET state = 'published', published_by = 'karin', published_at = $2 WHERE id = $1",
    )
    .bind(last.id)
    .bind(published)
    .execute(superuser)
    .await?;
    sqlx::query(
        "UPDATE public.follow_ups SET answer = 'Verifisert i TT02 og produksjon; innsending OK', answered_by = 'kari',
                answered_at = $2
         WHERE meeting_id = $1 AND owner_login = 'kari'",
    )
    .bind(last.id)
    .bind(published + Duration::days(1))
    .execute(superuser)
    .await?;
    // A participant's correction, stamped by the server as theirs.
    let ingrid = super::as_role(superuser, "ingrid").await?;
    minutes::correct(&ingrid, last.id, "Punkt 2: hendelsen var kategori B, ikke A").await?;
    ingrid.close().await;
    Ok(())
}
