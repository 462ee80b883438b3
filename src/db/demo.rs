//! Loads demo (or benchmark) data into an empty vakt database: the seed agreements, staff logins, and the
//! generated incidents with their event history and clocks. History is written in the past, so this runs as a
//! superuser (the embedded cluster's owner); bulk rows skip the per-row triggers and one notice tells every
//! console to reload.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use sqlx::PgPool;

mod change_needs;
mod maintenance;
mod minutes;
mod problems;

use super::{DbError, agreements, staff};
use crate::demo::{self, ExtraService, Generator, Plan, SeedIncident, catalog};
use crate::domain::agreement::Agreement;
use crate::domain::sla;
use crate::domain::sla::event_log;
use crate::domain::sla::record::{self, NextDueColumns};

/// Incidents written per transaction.
const BATCH: usize = 2_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub agreements: usize,
    pub services: usize,
    pub staff: usize,
    pub incidents: usize,
    pub open: usize,
    pub events: usize,
}

/// Loads the plan. `progress` is called after each batch with (written, total).
pub async fn load(pool: &PgPool, plan: Plan, progress: &mut dyn FnMut(usize, usize)) -> Result<DemoSummary, DbError> {
    let superuser: bool =
        sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetch_one(pool).await?;
    if !superuser {
        return Err(DbError::Refused(
            "vakt demo writes history in the past and must run as a superuser (the database owner); \
             use the owner's URL, or the embedded database"
                .into(),
        ));
    }
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM incidents").fetch_one(pool).await?;
    if existing > 0 {
        return Err(DbError::BadInput(format!(
            "this database already has {existing} incidents; vakt demo only loads into a database without incidents"
        )));
    }
    let parsed = demo::seed_agreements().map_err(|e| DbError::Other(format!("a shipped agreement is invalid: {e}")))?;
    let agreements: Vec<Agreement> = parsed.iter().map(|(a, _)| a.clone()).collect();
    let extra = demo::extra_services(&agreements, plan.extra_services);

    let mut summary = DemoSummary { agreements: agreements.len(), ..DemoSummary::default() };
    let mut tx = pool.begin().await?;
    let mut version_ids = Vec::new();
    for (agreement, text) in &parsed {
        version_ids.push(agreements::store(&mut tx, agreement, text).await?.version_id);
    }
    insert_extra_services(&mut tx, &agreements, &extra).await?;
    tx.commit().await?;
    for (login, name, role, phone) in catalog::STAFF {
        let email = format!("{login}@vakt.example");
        let member = staff::NewStaff { login, full_name: name, role, email: Some(&email), phone: Some(phone) };
        staff::add(pool, &member).await?;
        summary.staff += 1;
    }
    // One MIM cleared for security incidents, to show both sides of a flagged incident (kari is not cleared).
    staff::set_security(pool, "ola", true).await?;

    let service_ids: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM services")
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
    summary.services = service_ids.len();
    let staff_ids: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT login, id FROM staff").fetch_all(pool).await?.into_iter().collect();
    let context = Context { agreements: &agreements, version_ids: &version_ids, service_ids, staff_ids, now: plan.now };

    let total = plan.history + plan.open;
    let mut generator = Generator::new(plan, &agreements, &extra);
    loop {
        let batch: Vec<SeedIncident> = generator.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let (incidents, events, open) = write_batch(pool, &context, &batch).await?;
        summary.incidents += incidents;
        summary.events += events;
        summary.open += open;
        progress(summary.incidents, total);
    }
    // With the triggers off, the heat-map's rollup is counted here, once for the whole history.
    super::heatmap::rebuild_rollup(pool).await?;
    // With the triggers off, the survey's draws are made here, in closing order, for the whole history at once.
    sqlx::query("SELECT public.vakt_survey_backfill()").execute(pool).await?;
    if plan.extra_services == 0 {
        seed_operations(pool, plan.now).await?;
    }
    sqlx::query("SELECT pg_notify('vakt', '{\"t\":\"bulk\",\"id\":null,\"v\":null,\"op\":\"insert\"}')")
        .execute(pool)
        .await?;
    Ok(summary)
}

struct Context<'a> {
    agreements: &'a [Agreement],
    version_ids: &'a [i64],
    service_ids: HashMap<String, i64>,
    staff_ids: HashMap<String, i64>,
    now: DateTime<Utc>,
}

async fn insert_extra_services(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    agreements: &[Agreement],
    extra: &[ExtraService],
) -> Result<(), DbError> {
    if extra.is_empty() {
        return Ok(());
    }
    let codes: Vec<&str> = extra.iter().map(|s| s.code.as_str()).collect();
    let names: Vec<&str> = extra.iter().map(|s| s.name.as_str()).collect();
    let owners: Vec<&str> = extra.iter().map(|s| s.owner.as_str()).collect();
    let agreement_codes: Vec<&str> = extra.iter().map(|s| agreements[s.agreement].code()).collect();
    sqlx::query(
        "INSERT INTO services (code, name, owner_id, agreement_id)
         SELECT u.code, u.name, o.id, a.id
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) AS u(code, name, owner, agreement)
         JOIN organisations o ON o.code = u.owner
         JOIN agreements a ON a.code = u.agreement",
    )
    .bind(codes)
    .bind(names)
    .bind(owners)
    .bind(agreement_codes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Column arrays for one batch of incidents.
#[derive(Default)]
struct IncidentColumns {
    id: Vec<i64>,
    service: Vec<i64>,
    version: Vec<i64>,
    priority: Vec<Option<String>>,
    title: Vec<String>,
    description: Vec<String>,
    status: Vec<&'static str>,
    reporter: Vec<String>,
    channel: Vec<&'static str>,
    assignee: Vec<Option<i64>>,
    line: Vec<Option<&'static str>>,
    received: Vec<DateTime<Utc>>,
    resolved: Vec<Option<DateTime<Utc>>>,
    closed: Vec<Option<DateTime<Utc>>>,
    flags: [Vec<bool>; 2],
    due: NextDueArrays,
    clocks: Vec<serde_json::Value>,
    outcome: Vec<Option<serde_json::Value>>,
}

#[derive(Default)]
struct NextDueArrays {
    at: Vec<Option<DateTime<Utc>>>,
    target: Vec<Option<String>>,
    state: Vec<Option<String>>,
    clock: Vec<Option<String>>,
    budget: Vec<Option<i64>>,
}

impl NextDueArrays {
    fn push(&mut self, columns: NextDueColumns) {
        self.at.push(columns.due);
        self.target.push(columns.target);
        self.state.push(columns.state);
        self.clock.push(columns.clock);
        self.budget.push(columns.budget_seconds);
    }
}

#[derive(Default)]
struct EventColumns {
    incident: Vec<i64>,
    at: Vec<DateTime<Utc>>,
    kind: Vec<&'static str>,
    actor: Vec<String>,
    data: Vec<serde_json::Value>,
}

async fn write_batch(
    pool: &PgPool,
    context: &Context<'_>,
    batch: &[SeedIncident],
) -> Result<(usize, usize, usize), DbError> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT nextval('incidents_id_seq') FROM generate_series(1, $1)")
        .bind(batch.len() as i64)
        .fetch_all(pool)
        .await?;
    let mut rows = IncidentColumns::default();
    let mut events = EventColumns::default();
    let mut open = 0;
    for (incident, id) in batch.iter().zip(ids) {
        let agreement = &context.agreements[incident.agreement];
        let clock_events: Vec<sla::IncidentEvent> =
            incident.events.iter().filter_map(|e| event_log::load(e.kind, &e.data, e.at).ok().flatten()).collect();
        let clocks = sla::compute_clocks(agreement, &clock_events, context.now)
            .map_err(|e| DbError::Other(format!("demo clocks: {e}")))?;
        let records = serde_json::to_value(record::records(&clocks)).map_err(|e| DbError::Other(e.to_string()))?;
        let finished = !incident.status.is_open();
        open += usize::from(!finished);
        rows.id.push(id);
        rows.service
            .push(*context.service_ids.get(&incident.service).ok_or_else(|| missing("service", &incident.service))?);
        rows.version.push(context.version_ids[incident.agreement]);
        rows.priority.push(incident.priority.clone());
        rows.title.push(incident.title.clone());
        rows.description.push(incident.description.clone());
        rows.status.push(incident.status.as_str());
        rows.reporter.push(incident.reporter.clone());
        rows.channel.push(incident.channel.as_str());
        rows.assignee.push(incident.assignee.and_then(|login| context.staff_ids.get(login).copied()));
        rows.line.push(incident.line.map(|l| l.as_str()));
        rows.received.push(incident.received_at);
        rows.resolved.push(incident.events.iter().find(|e| e.kind == "resolved").map(|e| e.at));
        rows.closed.push(incident.events.iter().find(|e| e.kind == "closed").map(|e| e.at));
        rows.flags[0].push(incident.security);
        rows.flags[1].push(incident.workaround);
        rows.due.push(if finished { NextDueColumns::default() } else { record::next_due_columns(&clocks) });
        rows.outcome.push(finished.then(|| records.clone()));
        rows.clocks.push(records);
        for event in &incident.events {
            events.incident.push(id);
            events.at.push(event.at);
            events.kind.push(event.kind);
            events.actor.push(event.actor.clone());
            events.data.push(serde_json::to_value(&event.data).map_err(|e| DbError::Other(e.to_string()))?);
        }
    }
    let event_count = events.incident.len();
    let mut tx = pool.begin().await?;
    // Bulk history: no per-row audit, stamping or notices (one notice follows at the end).
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO incidents (id, service_id, agreement_version_id, priority, title, description, status, reporter,
                                channel, assignee_id, support_line, received_at, resolved_at, closed_at, security,
                                workaround, next_due_at, next_due_target, next_due_state, next_due_clock,
                                next_due_budget, clocks, sla_outcome, created_by, updated_at)
         SELECT u.*, 'demo', now() FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
                $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::timestamptz[],
                $13::timestamptz[], $14::timestamptz[], $15::bool[], $16::bool[], $17::timestamptz[], $18::text[],
                $19::text[], $20::text[], $21::bigint[], $22::jsonb[], $23::jsonb[]) AS u",
    )
    .bind(&rows.id)
    .bind(&rows.service)
    .bind(&rows.version)
    .bind(&rows.priority)
    .bind(&rows.title)
    .bind(&rows.description)
    .bind(&rows.status)
    .bind(&rows.reporter)
    .bind(&rows.channel)
    .bind(&rows.assignee)
    .bind(&rows.line)
    .bind(&rows.received)
    .bind(&rows.resolved)
    .bind(&rows.closed)
    .bind(&rows.flags[0])
    .bind(&rows.flags[1])
    .bind(&rows.due.at)
    .bind(&rows.due.target)
    .bind(&rows.due.state)
    .bind(&rows.due.clock)
    .bind(&rows.due.budget)
    .bind(&rows.clocks)
    .bind(&rows.outcome)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO incident_events (incident_id, at, kind, actor, data, recorded_at)
         SELECT u.*, u.at FROM UNNEST($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[])
              AS u(incident_id, at, kind, actor, data)",
    )
    .bind(&events.incident)
    .bind(&events.at)
    .bind(&events.kind)
    .bind(&events.actor)
    .bind(&events.data)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((batch.len(), event_count, open))
}

fn missing(what: &str, code: &str) -> DbError {
    DbError::Other(format!("demo data refers to an unknown {what} '{code}'"))
}

/// The demo's operations: a continuous MIM rota around now, the duty line, contacts for every
/// organisation, and one major incident in progress on the most severe open incident.
async fn seed_operations(pool: &PgPool, now: DateTime<Utc>) -> Result<(), DbError> {
    use chrono::{Duration, TimeZone, Timelike};
    let zone = chrono_tz::Europe::Oslo;
    // 07:00–19:00 and 19:00–07:00 local shifts from yesterday morning for two weeks.
    let local = now.with_timezone(&zone) - Duration::days(1);
    let start = zone
        .with_ymd_and_hms(local.year_ce().1 as i32, local.month0() + 1, local.day0() + 1, 7, 0, 0)
        .earliest()
        .map_or(now - Duration::days(1), |t| t.with_timezone(&Utc));
    let mims = ["ola", "ingrid", "anna"];
    let mut shifts = Vec::new();
    let mut at = start;
    for n in 0..28 {
        let end_local = at.with_timezone(&zone) + Duration::hours(12);
        let end = zone
            .with_ymd_and_hms(
                end_local.year_ce().1 as i32,
                end_local.month0() + 1,
                end_local.day0() + 1,
                end_local.hour(),
                0,
                0,
            )
            .earliest()
            .map_or(at + Duration::hours(12), |t| t.with_timezone(&Utc));
        shifts.push((mims[n % 3], mims[(n + 1) % 3], at, end));
        at = end;
    }
    for (mim, deputy, from, to) in &shifts {
        sqlx::query("INSERT INTO rota_shifts (mim, deputy, starts_at, ends_at) VALUES ($1, $2, $3, $4)")
            .bind(mim)
            .bind(deputy)
            .bind(from)
            .bind(to)
            .execute(pool)
            .await?;
    }
    super::rota::set_duty_line(pool, Some("+47 954 90 002"), Some("mim-vakt@vakt.example")).await?;
    let organisations: Vec<(String, String)> =
        sqlx::query_as("SELECT code, name FROM organisations ORDER BY id").fetch_all(pool).await?;
    for (n, (code, name)) in organisations.iter().enumerate() {
        let roles: &[&str] = if code == "asf" {
            &["Serviceleder", "Hendelsesansvarlig", "Informasjonsansvarlig"]
        } else if matches!(code.as_str(), "molde" | "aukra" | "rauma" | "vestnes") {
            &["Systemeier", "Systemansvarlig"]
        } else {
            &["Kontaktperson"]
        };
        for (i, role) in roles.iter().enumerate() {
            let person = catalog::REPORTERS_NO[(n + i) % catalog::REPORTERS_NO.len()];
            let contact = super::rota::NewContact {
                organisation: code.clone(),
                name: person.to_string(),
                role: role.to_string(),
                email: Some(format!(
                    "{}.{}@{code}.example",
                    person.split(' ').next().unwrap_or("kontakt").to_lowercase(),
                    i + 1
                )),
                phone: Some(format!("+47 700 {:02} {:02}{}", n, i, 0)),
                mobile: Some(format!("+47 900 {:02} {:02}{}", n, i, 1)),
                ..Default::default()
            };
            super::rota::add_contact(pool, &contact).await?;
        }
        if code == "molde" {
            let channel = super::rota::NewContact {
                organisation: code.clone(),
                name: format!("#drift-{code} ({name})"),
                webhook_url: Some("http://127.0.0.1:8089/hooks/drift-molde".into()),
                webhook_preset: Some("slack".into()),
                ..Default::default()
            };
            super::rota::add_contact(pool, &channel).await?;
        }
    }
    // One major incident in progress, declared and updated by the MIM on duty.
    let on_duty = shifts.iter().find(|(_, _, from, to)| *from <= now && now < *to).map_or("ola", |s| s.0);
    let candidate: Option<i64> = sqlx::query_scalar(
        "SELECT i.id FROM incidents i JOIN priorities p ON p.agreement_version_id = i.agreement_version_id AND p.label = i.priority
         JOIN agreement_versions v ON v.id = i.agreement_version_id JOIN agreements a ON a.id = v.agreement_id
         WHERE i.status NOT IN ('resolved', 'closed') AND p.rank = 1 AND a.code IN ('ALTINN', 'ROR-IKT')
         ORDER BY (a.code = 'ALTINN') DESC, i.received_at LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some(incident) = candidate {
        let mim = as_role(pool, on_duty).await?;
        let request = super::majors::DeclareRequest {
            impact: "Brukere får ikke fullført innsending; flere tjenesteeiere melder feil".into(),
            ..Default::default()
        };
        let view = super::majors::declare(&mim, incident, &request).await?;
        let update = crate::domain::major::StatusUpdate {
            what_happened: "Innsending feiler med tidsavbrudd for mange brukere".into(),
            cause: "Under analyse; mistanke om databaseklyngen".into(),
            expected_resolution: crate::domain::major::Eta::Unknown("ny vurdering innen en time".into()),
            workaround: "Ingen".into(),
        };
        super::majors::send_update(&mim, view.id, &update, false).await?;
        mim.close().await;
    }
    let admin = as_role(pool, "admin").await?;
    maintenance::seed(&admin, now).await?;
    admin.close().await;
    let chair = as_role(pool, "karin").await?;
    minutes::seed(pool, &chair, now).await?;
    chair.close().await;
    change_needs::seed(pool, now).await?;
    let operator = as_role(pool, "kari").await?;
    problems::seed(&operator).await?;
    operator.close().await;
    Ok(())
}

/// A small pool acting as another role (the demo writes as the MIM on duty, not as the superuser).
async fn as_role(pool: &PgPool, login: &str) -> Result<PgPool, DbError> {
    let login = login.to_owned();
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .after_connect(move |connection, _| {
            let login = login.clone();
            Box::pin(async move {
                // SET ROLE takes no parameter; set_config does the same with the login bound as a value.
                sqlx::query("SELECT set_config('role', $1, false)").bind(login).execute(&mut *connection).await?;
                Ok(())
            })
        })
        .connect_with((*pool.connect_options()).clone())
        .await
        .map_err(DbError::from)
}
