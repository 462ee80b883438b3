//! Reading incidents for the board, the incident view and the scripting interface.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use super::DbError;
use crate::app::model::{EventEntry, Flags, IncidentDetail, IncidentSummary, NextDue, ServiceRef, StaffRef};
use crate::domain::incident::{Channel, Status, SupportLine};
use crate::domain::sla::event_log::{self, EventData};
use crate::domain::sla::record::ClockRecord;

/// The board's columns, joined once so every reader sees the same shape. A macro so queries stay `&'static str`.
macro_rules! summary_select {
    // The board's lines leave out the description (up to 256 kB) and the clocks, which only the incident view
    // and the scripting interface need.
    () => {
        select_with!("'' AS description, false AS description_restricted, '[]'::jsonb AS clocks")
    };
    (full) => {
        // A flagged incident's description is sealed (migration 33): its row policy shows it to vakt_security only.
        select_with!(
            "coalesce((SELECT t.description FROM public.incident_sealed_texts t WHERE t.incident_id = i.id),
                      i.description) AS description,
             i.security AND NOT pg_has_role('vakt_security', 'MEMBER') AS description_restricted, i.clocks"
        )
    };
    // The board's lines and PostgreSQL's estimate of the open incidents: the entries of the partial index on the
    // board's order as last counted by VACUUM or ANALYZE. An exact count visits every open row's heap page until
    // VACUUM has marked them all-visible (41 ms of a 42 ms first page on the freshly loaded benchmark data).
    (estimated) => {
        select_with!(
            "'' AS description, false AS description_restricted, '[]'::jsonb AS clocks,
             (SELECT c.reltuples FROM pg_catalog.pg_class c
              WHERE c.oid = 'public.incidents_board_order_idx'::pg_catalog.regclass)::bigint AS open"
        )
    };
}

macro_rules! select_with {
    ($heavy:literal) => {
        concat!(
            "SELECT i.id, i.ref, i.title, i.priority, p.rank AS priority_rank,
                    s.code AS service_code, s.name AS service_name, o.name AS organisation, a.code AS agreement,
                    i.status, i.support_line, st.login AS assignee_login, st.full_name AS assignee, i.received_at,
                    i.major, i.security, i.personal_data, i.workaround, i.reopened, i.deprioritised,
                    i.agreement_version_id, i.next_due_at, i.next_due_target, i.next_due_state, i.next_due_clock,
                    i.next_due_budget, i.version, i.reporter, i.channel, i.created_by, i.resolved_at, i.closed_at,
                    (SELECT m.ref FROM public.incident_masters im JOIN public.incidents m ON m.id = im.master_id
                     WHERE im.child_id = i.id) AS master_ref, ",
            $heavy,
            " FROM incidents i
              JOIN services s ON s.id = i.service_id
              JOIN organisations o ON o.id = s.owner_id
              JOIN agreement_versions av ON av.id = i.agreement_version_id
              JOIN agreements a ON a.id = av.agreement_id
              LEFT JOIN priorities p ON p.agreement_version_id = i.agreement_version_id AND p.label = i.priority
              LEFT JOIN staff st ON st.id = i.assignee_id"
        )
    };
}

#[derive(sqlx::FromRow)]
struct IncidentRow {
    id: i64,
    #[sqlx(rename = "ref")]
    reference: String,
    title: String,
    priority: Option<String>,
    priority_rank: Option<i32>,
    service_code: String,
    service_name: String,
    organisation: String,
    agreement: String,
    status: String,
    support_line: Option<String>,
    assignee_login: Option<String>,
    assignee: Option<String>,
    major: bool,
    security: bool,
    personal_data: bool,
    workaround: bool,
    reopened: bool,
    deprioritised: bool,
    received_at: DateTime<Utc>,
    agreement_version_id: i64,
    next_due_at: Option<DateTime<Utc>>,
    next_due_target: Option<String>,
    next_due_state: Option<String>,
    next_due_clock: Option<String>,
    next_due_budget: Option<i64>,
    clocks: serde_json::Value,
    version: i32,
    description: String,
    description_restricted: bool,
    reporter: String,
    channel: String,
    created_by: String,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    master_ref: Option<String>,
}

impl IncidentRow {
    fn with_clocks(&self) -> Result<(IncidentSummary, Vec<ClockRecord>), DbError> {
        let clocks = serde_json::from_value(self.clocks.clone()).unwrap_or_default();
        Ok((self.summary()?, clocks))
    }

    fn summary(&self) -> Result<IncidentSummary, DbError> {
        let status: Status = parse_stored(&self.status)?;
        let support_line = self.support_line.as_deref().map(parse_stored::<SupportLine>).transpose()?;
        let next_due = match (&self.next_due_at, &self.next_due_target, &self.next_due_state) {
            (Some(at), Some(target), Some(state)) => Some(NextDue {
                at: *at,
                target: parse_stored(target)?,
                state: parse_stored(state)?,
                clock: self.next_due_clock.clone(),
                budget_seconds: self.next_due_budget,
            }),
            _ => None,
        };
        Ok(IncidentSummary {
            id: self.id,
            reference: self.reference.clone(),
            title: self.title.clone(),
            priority: self.priority.clone(),
            priority_rank: self.priority_rank,
            service: ServiceRef {
                code: self.service_code.clone(),
                name: self.service_name.clone(),
                organisation: self.organisation.clone(),
                agreement: self.agreement.clone(),
            },
            agreement_version_id: self.agreement_version_id,
            status,
            support_line,
            assignee: match (&self.assignee_login, &self.assignee) {
                (Some(login), Some(name)) => Some(StaffRef { login: login.clone(), name: name.clone() }),
                _ => None,
            },
            received_at: self.received_at,
            next_due,
            flags: Flags {
                major: self.major,
                security: self.security,
                personal_data: self.personal_data,
                workaround: self.workaround,
                reopened: self.reopened,
                deprioritised: self.deprioritised,
            },
            version: self.version,
            master: self.master_ref.clone(),
        })
    }
}

/// A value the database's CHECK constraint admitted but this build cannot read means a newer schema.
fn parse_stored<T: std::str::FromStr<Err: std::fmt::Display>>(text: &str) -> Result<T, DbError> {
    text.parse().map_err(|e| DbError::Schema(format!("unexpected value in the database: {e}")))
}

/// The board's query: the open queue, soonest deadline first, then oldest. Public so that the board benchmark can
/// run the very same text through pgbench.
pub const LIST_OPEN_SQL: &str = concat!(
    summary_select!(),
    " WHERE i.status NOT IN ('resolved', 'closed') ORDER BY i.next_due_at NULLS LAST, i.received_at, i.id"
);

/// The open queue, soonest deadline first, then oldest.
pub async fn list_open(pool: &PgPool) -> Result<Vec<IncidentSummary>, DbError> {
    let rows: Vec<IncidentRow> = sqlx::query_as(LIST_OPEN_SQL).fetch_all(pool).await?;
    rows.iter().map(IncidentRow::summary).collect()
}

#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    row: IncidentRow,
    open: i64,
}

/// The first `limit` incidents of the open queue in `list_open`'s order, read along the partial index on that
/// order (migration 35), and about how many incidents are open in all (0 when PostgreSQL has no estimate yet):
/// enough for a first screen in a few milliseconds.
pub async fn list_open_first(pool: &PgPool, limit: usize) -> Result<(Vec<IncidentSummary>, usize), DbError> {
    list_open_first_on(&mut *pool.acquire().await?, limit).await
}

/// As [`list_open_first`], on a connection already held.
pub async fn list_open_first_on(
    conn: &mut sqlx::PgConnection,
    limit: usize,
) -> Result<(Vec<IncidentSummary>, usize), DbError> {
    let sql = concat!(
        summary_select!(estimated),
        " WHERE i.status NOT IN ('resolved', 'closed') ORDER BY i.next_due_at NULLS LAST, i.received_at, i.id",
        " LIMIT $1"
    );
    // Planning the seven-way join in every order costs a fresh connection more than running it (2 ms against
    // 0.6 ms): the order as written, along the index, is the one wanted, so the planner is told to keep it.
    let mut tx = sqlx::Connection::begin_with(conn, "BEGIN READ ONLY; SET LOCAL join_collapse_limit = 1").await?;
    let rows: Vec<PageRow> =
        sqlx::query_as(sql).bind(i64::try_from(limit).unwrap_or(i64::MAX)).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let open = rows.first().map_or(0, |r| usize::try_from(r.open).unwrap_or(0));
    let summaries = rows.iter().map(|r| r.row.summary()).collect::<Result<_, _>>()?;
    Ok((summaries, open))
}

/// The open queue with every incident's clocks as recorded with its last event (for the scripting interface).
pub async fn list_open_with_clocks(pool: &PgPool) -> Result<Vec<(IncidentSummary, Vec<ClockRecord>)>, DbError> {
    let sql = concat!(summary_select!(full), " WHERE i.status NOT IN ('resolved', 'closed') ORDER BY i.id");
    let rows: Vec<IncidentRow> = sqlx::query_as(sql).fetch_all(pool).await?;
    rows.iter().map(IncidentRow::with_clocks).collect()
}

/// The newest incidents with their clocks.
pub async fn list_recent_with_clocks(
    pool: &PgPool,
    limit: i64,
) -> Result<Vec<(IncidentSummary, Vec<ClockRecord>)>, DbError> {
    let sql = concat!(summary_select!(full), " ORDER BY i.received_at DESC, i.id DESC LIMIT $1");
    let rows: Vec<IncidentRow> = sqlx::query_as(sql).bind(limit).fetch_all(pool).await?;
    rows.iter().map(IncidentRow::with_clocks).collect()
}

/// Every incident, newest first, up to `limit` (for `vakt incident list` without `--open`).
pub async fn list_recent(pool: &PgPool, limit: i64) -> Result<Vec<IncidentSummary>, DbError> {
    let sql = concat!(summary_select!(), " ORDER BY i.received_at DESC, i.id DESC LIMIT $1");
    let rows: Vec<IncidentRow> = sqlx::query_as(sql).bind(limit).fetch_all(pool).await?;
    rows.iter().map(IncidentRow::summary).collect()
}

/// One incident for the board, or `None` when it no longer exists.
pub async fn summary_by_id(pool: &PgPool, id: i64) -> Result<Option<IncidentSummary>, DbError> {
    let sql = concat!(summary_select!(), " WHERE i.id = $1");
    let row: Option<IncidentRow> = sqlx::query_as(sql).bind(id).fetch_optional(pool).await?;
    row.as_ref().map(IncidentRow::summary).transpose()
}

/// The incident view: all fields and the event history, oldest first.
pub async fn detail_by_id(pool: &PgPool, id: i64) -> Result<Option<IncidentDetail>, DbError> {
    let sql = concat!(summary_select!(full), " WHERE i.id = $1");
    let Some(row) = sqlx::query_as::<_, IncidentRow>(sql).bind(id).fetch_optional(pool).await? else {
        return Ok(None);
    };
    let events = events_of(pool, row.id).await?;
    let clock_events = events
        .iter()
        .filter_map(|e| {
            let data: EventData = serde_json::from_value(e.data.clone()).unwrap_or_default();
            event_log::load(&e.kind, &data, e.at).ok().flatten()
        })
        .collect();
    let clocks: Vec<ClockRecord> = serde_json::from_value(row.clocks.clone()).unwrap_or_default();
    let linked: Vec<String> = sqlx::query_scalar(
        "SELECT i.ref FROM incident_links l JOIN incidents i ON i.id = CASE WHEN l.incident_id = $1 THEN l.linked_id ELSE l.incident_id END
         WHERE l.incident_id = $1 OR l.linked_id = $1 ORDER BY i.id",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;
    Ok(Some(IncidentDetail {
        summary: row.summary()?,
        description: row.description.clone(),
        description_restricted: row.description_restricted,
        regulatory: super::regulatory::of_incident(pool, row.id).await?,
        reporter: row.reporter.clone(),
        channel: parse_stored::<Channel>(&row.channel)?,
        created_by: row.created_by.clone(),
        resolved_at: row.resolved_at,
        closed_at: row.closed_at,
        events,
        clocks,
        clock_events,
        linked,
        relations: Default::default(),
    }))
}

/// Looks an incident up by its reference (`INC-10423`), case-insensitively.
pub async fn id_by_ref(pool: &PgPool, reference: &str) -> Result<i64, DbError> {
    sqlx::query_scalar("SELECT id FROM incidents WHERE ref = upper($1)")
        .bind(reference.trim())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("no incident with reference '{}'", reference.trim())))
}

pub async fn events_of<'e>(executor: impl PgExecutor<'e>, incident_id: i64) -> Result<Vec<EventEntry>, DbError> {
    let rows: Vec<(DateTime<Utc>, String, String, serde_json::Value)> = sqlx::query_as(
        "SELECT at, kind, actor, data FROM public.incident_history WHERE incident_id = $1 ORDER BY at, id",
    )
    .bind(incident_id)
    .fetch_all(executor)
    .await?;
    Ok(rows.into_iter().map(|(at, kind, actor, data)| EventEntry { at, kind, actor, data }).collect())
}

/// Every service, for choosing one when creating an incident.
pub async fn services(pool: &PgPool) -> Result<Vec<crate::app::model::ServiceChoice>, DbError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT s.code, s.name, o.name, a.code FROM services s JOIN organisations o ON o.id = s.owner_id
         JOIN agreements a ON a.id = s.agreement_id ORDER BY a.code, s.code",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, organisation, agreement)| crate::app::model::ServiceChoice {
            code,
            name,
            organisation,
            agreement,
        })
        .collect())
}
