//! What the agenda of a meeting is written from, read from the database at one moment: the last meeting's
//! corrections and items, the series' follow-up points not closed, the agreement's open major and rank 1–2
//! incidents, its SLA breaches since the last meeting, the maintenance calendar ahead, and for the monthly meeting
//! last month's availability. The choosing and ordering is the domain's (`domain::minutes::agenda`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sqlx::PgPool;

use super::SeriesRow;
use crate::db::DbError;
use crate::domain::minutes::MeetingKind;
use crate::domain::minutes::agenda::{
    self, Agenda, AvailabilityRow, BreachRow, CorrectionRow, FollowUpRow, IncidentRow, Inputs, Meeting, WindowRow,
};
use crate::domain::minutes::carry::{self, ItemOutcome};
use crate::domain::minutes::schedule::Slot;

/// The agenda of `series`' meeting running at `at` (or the next one), as it would be generated now.
pub async fn agenda(pool: &PgPool, series: &SeriesRow, at: DateTime<Utc>) -> Result<(Slot, Agenda), DbError> {
    let slot = series.slot_at(at)?;
    let zone = series.zone()?;
    let last: Option<(i64, DateTime<Utc>)> = sqlx::query_as(
        "SELECT id, starts_at FROM public.meetings WHERE series_id = $1 AND starts_at < $2
         ORDER BY starts_at DESC LIMIT 1",
    )
    .bind(series.id)
    .bind(slot.starts_at)
    .fetch_optional(pool)
    .await?;
    let meeting = Meeting {
        kind: series.kind,
        starts_at: slot.starts_at,
        local_date: slot.starts_at.with_timezone(&zone).date_naive(),
        last_starts_at: last.map(|l| l.1),
        horizon: Duration::days(i64::from(series.horizon_days)),
    };
    let since = meeting.last_starts_at.unwrap_or(slot.starts_at - agenda::default_lookback(series.kind));
    let last_id = last.map(|l| l.0);
    let inputs = Inputs {
        corrections: corrections(pool, last_id).await?,
        follow_ups: follow_ups(pool, series.id, slot.starts_at).await?,
        incidents: incidents(pool, series.agreement_id, slot.starts_at).await?,
        breaches: breaches(pool, series.agreement_id, since, slot.starts_at).await?,
        windows: windows(pool, series.agreement_id, slot.starts_at, slot.starts_at + meeting.horizon).await?,
        availability: if series.kind == MeetingKind::MonthlyDelivery {
            availability(pool, series.agreement_id, meeting.local_date).await?
        } else {
            Vec::new()
        },
        carried: carry::carry_over(&items(pool, last_id).await?),
        problems: problems(pool, series.agreement_id, since, slot.starts_at).await?,
    };
    Ok((slot, agenda::build(&meeting, inputs)))
}

/// The agreement's open problems and known errors, with the incidents linked to them received in [since, until).
async fn problems(
    pool: &PgPool,
    agreement: i64,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<agenda::ProblemRow>, DbError> {
    let rows: Vec<(String, String, String, i64, i64, bool)> = sqlx::query_as(
        "SELECT p.ref, p.title, p.state,
                count(*) FILTER (WHERE i.received_at >= $2 AND i.received_at < $3),
                count(*), btrim(p.workaround) <> ''
         FROM public.problems p
         JOIN public.problem_incidents pi ON pi.problem_id = p.id
         JOIN public.incidents i ON i.id = pi.incident_id
         JOIN public.services s ON s.id = i.service_id
         WHERE p.state IN ('open', 'known_error') AND s.agreement_id = $1
         GROUP BY p.id, p.ref, p.title, p.state, p.workaround",
    )
    .bind(agreement)
    .bind(since)
    .bind(until)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(reference, title, state, incidents_since, incidents, has_workaround)| agenda::ProblemRow {
            reference,
            title,
            state,
            incidents_since,
            incidents,
            has_workaround,
        })
        .collect())
}

async fn corrections(pool: &PgPool, last: Option<i64>) -> Result<Vec<CorrectionRow>, DbError> {
    let rows: Vec<(i64, String, String, DateTime<Utc>, bool)> = sqlx::query_as(
        "SELECT id, text, corrected_by, corrected_at, late FROM public.minutes_corrections WHERE meeting_id = $1",
    )
    .bind(last)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id, text, by, at, late)| CorrectionRow { id, text, by, at, late }).collect())
}

type PointTuple = (i64, String, String, NaiveDate, String, Option<String>, Option<DateTime<Utc>>);

async fn follow_ups(pool: &PgPool, series: i64, before: DateTime<Utc>) -> Result<Vec<FollowUpRow>, DbError> {
    let rows: Vec<PointTuple> = sqlx::query_as(
        "SELECT f.id, f.text, coalesce(f.owner_login, c.name, '?'), f.due_date, f.state, f.answer, f.answered_at
         FROM public.follow_ups f JOIN public.meetings m ON m.id = f.meeting_id
         LEFT JOIN public.contacts c ON c.id = f.owner_contact_id
         WHERE m.series_id = $1 AND m.starts_at < $2 AND f.state <> 'closed'",
    )
    .bind(series)
    .bind(before)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, text, owner, due, state, answer, answered_at)| FollowUpRow {
            id,
            text,
            owner,
            due,
            state,
            answer,
            answered_at,
            overdue: false,
        })
        .collect())
}

type IncidentTuple = (String, String, Option<String>, Option<i32>, String, String, bool, DateTime<Utc>);

async fn incidents(pool: &PgPool, agreement: i64, before: DateTime<Utc>) -> Result<Vec<IncidentRow>, DbError> {
    let rows: Vec<IncidentTuple> = sqlx::query_as(
        "SELECT i.ref, s.code, i.priority, p.rank, i.title, i.status, i.major, i.received_at
         FROM public.incidents i JOIN public.services s ON s.id = i.service_id
         LEFT JOIN public.priorities p ON p.agreement_version_id = i.agreement_version_id AND p.label = i.priority
         WHERE s.agreement_id = $1 AND i.status NOT IN ('resolved', 'closed') AND i.received_at < $2
           AND (i.major OR p.rank <= $3)",
    )
    .bind(agreement)
    .bind(before)
    .bind(agenda::SEVERE_RANKS)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(reference, service, priority, rank, title, status, major, received_at)| IncidentRow {
            reference,
            service,
            priority,
            rank,
            title,
            status,
            major,
            received_at,
        })
        .collect())
}

type BreachTuple = (String, String, Option<String>, String, DateTime<Utc>, String);

/// Clocks breached in `[from, to)`: those recorded on the incident (frozen at resolution, else as of its last
/// event), and a running deadline that has passed without an event since. A deadline still ahead is no breach,
/// even when the agenda is of a meeting later than now.
async fn breaches(
    pool: &PgPool,
    agreement: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<BreachRow>, DbError> {
    let rows: Vec<BreachTuple> = sqlx::query_as(
        "SELECT i.ref, s.code, i.priority, coalesce(e ->> 'target', ''), (e ->> 'breached_at')::timestamptz, i.title
         FROM public.incidents i JOIN public.services s ON s.id = i.service_id
         CROSS JOIN LATERAL jsonb_array_elements(CASE
             WHEN jsonb_typeof(i.sla_outcome) = 'array' THEN i.sla_outcome
             WHEN jsonb_typeof(i.clocks) = 'array' THEN i.clocks ELSE '[]'::jsonb END) e
         WHERE s.agreement_id = $1 AND e ->> 'breached_at' IS NOT NULL
           AND (e ->> 'breached_at')::timestamptz >= $2 AND (e ->> 'breached_at')::timestamptz < $3
         UNION ALL
         SELECT i.ref, s.code, i.priority, coalesce(i.next_due_target, ''), i.next_due_at, i.title
         FROM public.incidents i JOIN public.services s ON s.id = i.service_id
         WHERE s.agreement_id = $1 AND i.status NOT IN ('resolved', 'closed', 'paused')
           AND i.next_due_at >= $2 AND i.next_due_at < least($3, now())",
    )
    .bind(agreement)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let mut found: Vec<BreachRow> = rows
        .into_iter()
        .map(|(reference, service, priority, target, breached_at, title)| BreachRow {
            reference,
            service,
            priority,
            target,
            breached_at,
            title,
        })
        .collect();
    // A clock both recorded and still the next deadline is one breach.
    found.sort_by(|a, b| (&a.reference, &a.target, a.breached_at).cmp(&(&b.reference, &b.target, b.breached_at)));
    found.dedup_by(|a, b| a.reference == b.reference && a.target == b.target);
    Ok(found)
}

async fn windows(
    pool: &PgPool,
    agreement: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<WindowRow>, DbError> {
    let services: Vec<String> = sqlx::query_scalar("SELECT code FROM public.services WHERE agreement_id = $1")
        .bind(agreement)
        .fetch_all(pool)
        .await?;
    let all = crate::db::maintenance::list(pool).await?;
    let planned = crate::db::maintenance::expand(&all, from, to)?;
    Ok(planned
        .into_iter()
        .filter(|p| p.series.series.services.iter().any(|s| services.contains(s)))
        .map(|p| WindowRow {
            series_id: p.series.id,
            kind: p.series.series.kind.as_str().to_string(),
            services: p.series.series.services.clone(),
            start: p.start,
            end: p.end,
            state: p.series.state.as_str().to_string(),
            reason: p.series.reason.clone(),
        })
        .collect())
}

/// Last calendar month's availability of the agreement's services with a target (Altinn: per calendar month).
async fn availability(pool: &PgPool, agreement: i64, day: NaiveDate) -> Result<Vec<AvailabilityRow>, DbError> {
    let services: Vec<String> =
        sqlx::query_scalar("SELECT code FROM public.services WHERE agreement_id = $1 ORDER BY code")
            .bind(agreement)
            .fetch_all(pool)
            .await?;
    let this_month = day.with_day(1).unwrap_or(day);
    let last_month = this_month.checked_sub_months(chrono::Months::new(1)).unwrap_or(this_month);
    let period = last_month.format("%Y-%m").to_string();
    let bounds = |zone: chrono_tz::Tz| {
        let at = |d: NaiveDate| crate::domain::calendar::wall_clock::at_local(d.and_time(chrono::NaiveTime::MIN), zone);
        Some((at(last_month)?, at(this_month)?))
    };
    let measured = crate::db::outages::availability(pool, &services, &period, bounds).await?;
    Ok(measured
        .into_iter()
        .filter(|m| m.target.is_some())
        .map(|m| AvailabilityRow {
            service: m.service,
            period: m.period,
            target: m.target,
            measured: m.measured.as_ref().and_then(|a| a.availability).map(|a| a * 100.0),
            met: m.measured.as_ref().and_then(|a| a.met),
        })
        .collect())
}

async fn items(pool: &PgPool, last: Option<i64>) -> Result<Vec<ItemOutcome>, DbError> {
    let rows: Vec<(i64, String, String, String, bool, i64)> = sqlx::query_as(
        "SELECT i.id, i.section, i.title, i.notes, i.discussed,
                (SELECT count(*) FROM public.follow_ups f WHERE f.item_id = i.id AND f.state <> 'closed')
         FROM public.meeting_items i WHERE i.meeting_id = $1 ORDER BY i.position",
    )
    .bind(last)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, section, title, notes, discussed, open)| ItemOutcome {
            id,
            section,
            title,
            notes,
            discussed,
            open_follow_ups: usize::try_from(open).unwrap_or(0),
        })
        .collect())
}
