//! The facts a service report is built from (issue 11): the agreement version in force at the period's end, each
//! service's availability measure (`outages::availability`, never recomputed), the outages behind its accounting,
//! and the incidents received in the period with their clocks as frozen at resolution.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::DbError;
use super::outages::{self, midnight_in};
use crate::domain::agreement::Agreement;
use crate::domain::change_need;
use crate::domain::report::figures::{
    self, FirstLine, IncidentFacts, OutageCap, OutageLine, ServiceFigure, SurveyFigures,
};
use crate::domain::report::{ReportFigures, ReportHeader, ReportPeriod, rules};
use crate::domain::sla::record::ClockRecord;

#[derive(sqlx::FromRow)]
struct IncidentRow {
    reference: String,
    service: String,
    priority: Option<String>,
    resolved: bool,
    major: bool,
    exercise: bool,
    clocks: serde_json::Value,
}

/// The agreement (by code, any case) in force on the period's last day.
pub async fn agreement(pool: &PgPool, code: &str, period: &ReportPeriod) -> Result<Agreement, DbError> {
    let stored = super::agreements::version_in_force(pool, &code.trim().to_uppercase(), period.last()).await?;
    Ok((*stored.agreement).clone())
}

/// `[from, to)` of the period as instants, on the agreement's wall clock.
pub fn bounds(agreement: &Agreement, period: &ReportPeriod) -> Result<(DateTime<Utc>, DateTime<Utc>), DbError> {
    let zone = agreement.zone();
    match (midnight_in(period.first, zone), midnight_in(period.after, zone)) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(DbError::BadInput(format!("no such period {}", period.label))),
    }
}

/// Everything the report states, as of the database's clock.
pub async fn figures(pool: &PgPool, code: &str, period: &ReportPeriod) -> Result<ReportFigures, DbError> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let agreement = agreement(pool, code, period).await?;
    let spec = agreement.spec();
    let (from, to) = bounds(&agreement, period)?;

    let mut services: Vec<String> = spec.availability.iter().flat_map(|t| t.services.iter().cloned()).collect();
    services.sort();
    services.dedup();
    let zone = agreement.zone();
    let measured = outages::availability(pool, &services, &period.label, |_| Some((from, to))).await?;
    let services_figures: Vec<ServiceFigure> = measured
        .into_iter()
        .filter_map(|r| Some(ServiceFigure { service: r.service, target: r.target?, measured: r.measured? }))
        .collect();

    let outage_lines = outages::list(pool, from, to, None)
        .await?
        .into_iter()
        .filter(|o| services.contains(&o.service))
        .map(|o| OutageLine {
            id: o.id,
            service: o.service,
            start: o.start,
            end: o.end,
            impact: o.impact,
            incident: o.incident,
            exclusion: o.exclusion,
        })
        .collect();

    let outage_cap = match spec.availability.iter().find_map(|t| t.max_outages_per_year.map(|cap| (t, cap))) {
        None => None,
        Some((target, cap)) => {
            let (first, after) = period.year_to_date();
            let year = (midnight_in(first, zone), midnight_in(after, zone));
            let (Some(year_from), Some(year_to)) = year else {
                return Err(DbError::BadInput(format!("no such period {}", period.label)));
            };
            let label = format!("{first}..{after}");
            let ytd = outages::availability(pool, &target.services, &label, |_| Some((year_from, year_to))).await?;
            let counted = ytd.iter().filter_map(|r| r.measured.as_ref()).map(|m| m.outages_counted).sum();
            Some(OutageCap { year: chrono::Datelike::year(&first), counted, cap })
        }
    };

    let rows: Vec<IncidentRow> = sqlx::query_as(
        "SELECT i.ref AS reference, s.code AS service, i.priority, i.status IN ('resolved', 'closed') AS resolved,
                i.major, coalesce(m.exercise, false) AS exercise,
                CASE WHEN jsonb_typeof(i.sla_outcome) = 'array' THEN i.sla_outcome ELSE i.clocks END AS clocks
         FROM public.incidents i
         JOIN public.services s ON s.id = i.service_id
         JOIN public.agreement_versions v ON v.id = i.agreement_version_id
         JOIN public.agreements a ON a.id = v.agreement_id
         LEFT JOIN public.majors m ON m.incident_id = i.id
         WHERE a.code = $1 AND i.received_at >= $2 AND i.received_at < $3
         ORDER BY i.received_at, i.id",
    )
    .bind(agreement.code())
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let facts: Vec<IncidentFacts> = rows
        .into_iter()
        .map(|r| IncidentFacts {
            reference: r.reference,
            service: r.service,
            priority: r.priority,
            resolved: r.resolved,
            major: r.major,
            exercise: r.exercise,
            clocks: serde_json::from_value::<Vec<ClockRecord>>(r.clocks).unwrap_or_default(),
        })
        .collect();
    let (incidents, exercises) = figures::incident_lines(&facts, now);
    let scheme: Vec<_> =
        spec.priorities.iter().map(|p| (p.label.clone(), p.targets.iter().map(|t| t.kind).collect())).collect();

    let first_line = match spec.rules.first_line_goal_percent {
        None => None,
        Some(goal_percent) => {
            let (resolved, by_first_line): (i64, i64) = sqlx::query_as(
                "SELECT count(*), count(*) FILTER (WHERE i.support_line = '1st')
                 FROM public.incidents i
                 JOIN public.agreement_versions v ON v.id = i.agreement_version_id
                 JOIN public.agreements a ON a.id = v.agreement_id
                 LEFT JOIN public.majors m ON m.incident_id = i.id
                 WHERE a.code = $1 AND i.resolved_at >= $2 AND i.resolved_at < $3
                   AND NOT coalesce(m.exercise, false)",
            )
            .bind(agreement.code())
            .bind(from)
            .bind(to)
            .fetch_one(pool)
            .await?;
            Some(FirstLine { goal_percent, resolved, by_first_line })
        }
    };
    let survey = match &spec.survey {
        None => None,
        Some(rule) => {
            let (closed, drawn, answered, solved, treatment_mean): (i64, i64, i64, i64, Option<f64>) = sqlx::query_as(
                "SELECT count(*), count(*) FILTER (WHERE d.selected), count(s.incident_id),
                        count(*) FILTER (WHERE s.solved), avg(s.treatment)::float8
                 FROM public.survey_draws d
                 JOIN public.incidents i ON i.id = d.incident_id
                 JOIN public.agreements a ON a.id = d.agreement_id
                 LEFT JOIN public.survey_answers s ON s.incident_id = d.incident_id
                 WHERE a.code = $1 AND i.closed_at >= $2 AND i.closed_at < $3",
            )
            .bind(agreement.code())
            .bind(from)
            .bind(to)
            .fetch_one(pool)
            .await?;
            Some(SurveyFigures {
                every: rule.every,
                questions: rule.questions.clone(),
                closed,
                drawn,
                answered,
                solved,
                treatment_mean,
            })
        }
    };

    let needs = super::change_needs::report_facts(pool, agreement.code()).await?;
    let change_needs = if needs.is_empty() {
        None
    } else {
        let figures = change_need::overview::figures(&agreement, &needs, from, to, now)
            .map_err(|e| DbError::Other(e.to_string()))?;
        Some(figures)
    };

    let problems = recurring_problems(pool, agreement.code(), from, to).await?;
    let notifications = authority_notifications(pool, &agreement, from, to).await?;

    Ok(ReportFigures {
        header: ReportHeader {
            agreement: agreement.code().to_string(),
            agreement_name: spec.name.clone(),
            version: spec.version.clone(),
            due: period.due(),
            due_rule: period.due_rule(agreement.code()),
            period: period.clone(),
            generated_at: now,
        },
        rules: rules::rules_applied(spec),
        services: services_figures,
        outages: outage_lines,
        outage_cap,
        priorities: figures::tally(&incidents, &scheme),
        incidents,
        exercises,
        first_line,
        survey,
        change_needs,
        problems,
        notifications,
    })
}

/// The notifications the agreement's security incidents owe authorities that fall in `[from, to)` (due or made
/// there) or are still owed at `to`, measured by the report's version of the agreement, by incident and due time.
async fn authority_notifications(
    pool: &PgPool,
    agreement: &crate::domain::agreement::Agreement,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<crate::domain::report::figures::AuthorityNotification>, DbError> {
    if agreement.spec().regulatory.is_empty() {
        return Ok(Vec::new());
    }
    // Incidents flagged as security incidents before the period's end (the flag may have been cleared since).
    let incidents: Vec<(i64, String)> = sqlx::query_as(
        "SELECT i.id, i.ref FROM public.incidents i
         JOIN public.services s ON s.id = i.service_id
         JOIN public.agreements a ON a.id = s.agreement_id
         WHERE a.code = $1
           AND EXISTS (SELECT 1 FROM public.incident_history h
                       WHERE h.incident_id = i.id AND h.kind = 'security_flagged' AND h.at < $2)
         ORDER BY i.ref",
    )
    .bind(agreement.code())
    .bind(to)
    .fetch_all(pool)
    .await?;
    let mut lines = Vec::new();
    for (id, reference) in incidents {
        let history = super::regulatory::flag_events(pool, id).await?;
        for clock in super::regulatory::clocks_of(agreement, &history) {
            let in_period = |at: DateTime<Utc>| at >= from && at < to;
            let owed_at_end = clock.notified.is_none_or(|made| made >= to) && clock.starts < to;
            if in_period(clock.due) || clock.notified.is_some_and(in_period) || owed_at_end {
                lines.push(crate::domain::report::figures::AuthorityNotification {
                    incident: reference.clone(),
                    code: clock.code,
                    name: clock.name,
                    authority: clock.authority,
                    due: clock.due,
                    made: clock.notified.filter(|made| *made < to),
                });
            }
        }
    }
    Ok(lines)
}

/// The problems linked to incidents of the agreement received in `[from, to)`, most incidents first.
async fn recurring_problems(
    pool: &PgPool,
    agreement: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<crate::domain::report::figures::RecurringProblem>, DbError> {
    let rows: Vec<(String, String, String, Vec<String>, i64, i64)> = sqlx::query_as(
        "SELECT p.ref, p.title, p.state,
                array_agg(DISTINCT s.code ORDER BY s.code) FILTER (WHERE i.received_at >= $2 AND i.received_at < $3),
                count(*) FILTER (WHERE i.received_at >= $2 AND i.received_at < $3), count(*)
         FROM public.problems p
         JOIN public.problem_incidents pi ON pi.problem_id = p.id
         JOIN public.incidents i ON i.id = pi.incident_id
         JOIN public.services s ON s.id = i.service_id
         JOIN public.agreements a ON a.id = s.agreement_id
         WHERE a.code = $1
         GROUP BY p.id, p.ref, p.title, p.state
         HAVING count(*) FILTER (WHERE i.received_at >= $2 AND i.received_at < $3) > 0
         ORDER BY 5 DESC, p.ref",
    )
    .bind(agreement)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(reference, title, state, services, in_period, total)| crate::domain::report::figures::RecurringProblem {
            reference,
            title,
            state,
            services,
            in_period,
            total,
        })
        .collect())
}
