//! Problems and known errors (issue 13): list, show, create, edit, resolve, link incidents (optionally applying the
//! known error's workaround through the incident lifecycle), known-error search and the rows behind the trends.
//! Master incidents are in `problems::masters`. Rights are the database's (migration 29); the rules are checked here
//! first only to say them in the user's words.

pub mod masters;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use super::{DbError, incidents, lifecycle};
use crate::domain::incident::lifecycle::IncidentAction;
use crate::domain::problem::trends::LinkedIncident;
use crate::domain::problem::{self, Owner, ProblemFacts, ProblemState, search};

/// Largest title accepted, in characters (the table's CHECK).
pub const MAX_TITLE: usize = 300;

/// A problem as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemRow {
    pub reference: String,
    pub title: String,
    pub state: ProblemState,
    pub owner: Option<Owner>,
    pub services: Vec<String>,
    pub incidents: i64,
    pub has_workaround: bool,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// An incident linked to a problem.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LinkedRow {
    pub reference: String,
    pub title: String,
    pub status: String,
    pub service: String,
    pub received_at: DateTime<Utc>,
    pub workaround_applied: bool,
    pub linked_by: String,
    pub linked_at: DateTime<Utc>,
}

/// A problem with everything it says and the incidents linked to it.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemDetail {
    #[serde(flatten)]
    pub row: ProblemRow,
    pub description: String,
    pub root_cause: String,
    pub workaround: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub linked: Vec<LinkedRow>,
}

/// A known error matching a search, best match first.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Suggestion {
    pub reference: String,
    pub title: String,
    pub workaround: String,
    pub root_cause: String,
    pub services: Vec<String>,
    pub incidents: i64,
    pub rank: f32,
}

/// What `list` shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub state: Option<ProblemState>,
    /// A service code: problems touching it.
    pub service: Option<String>,
}

/// A new problem.
#[derive(Debug, Clone)]
pub struct NewProblem {
    pub title: String,
    pub description: String,
    pub services: Vec<String>,
    pub owner: Option<Owner>,
    pub root_cause: String,
    pub workaround: String,
    pub state: ProblemState,
}

/// An edit: `None` leaves a field as it is; `owner: Some(None)` removes the owner.
#[derive(Debug, Clone, Default)]
pub struct ProblemEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub services: Option<Vec<String>>,
    pub owner: Option<Option<Owner>>,
    pub root_cause: Option<String>,
    pub workaround: Option<String>,
    pub state: Option<ProblemState>,
}

/// What linking did.
#[derive(Debug, Clone, Serialize)]
pub struct Linked {
    pub problem: String,
    pub incident: String,
    /// The workaround was recorded on the incident now ("workaround in place").
    pub workaround_applied: bool,
    /// The incident had a workaround recorded already, so none was added.
    pub workaround_already: bool,
}

#[derive(sqlx::FromRow)]
struct RowFields {
    reference: String,
    title: String,
    state: String,
    owner_login: Option<String>,
    owner_organisation: Option<String>,
    services: Vec<String>,
    incidents: i64,
    has_workaround: bool,
    updated_at: DateTime<Utc>,
    version: i32,
}

impl RowFields {
    fn into_row(self) -> Result<ProblemRow, DbError> {
        let owner = match (self.owner_login, self.owner_organisation) {
            (Some(login), _) => Some(Owner::Staff(login)),
            (None, Some(code)) => Some(Owner::Supplier(code)),
            (None, None) => None,
        };
        Ok(ProblemRow {
            state: self.state.parse().map_err(DbError::Schema)?,
            reference: self.reference,
            title: self.title,
            owner,
            services: self.services,
            incidents: self.incidents,
            has_workaround: self.has_workaround,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

const ROW_COLUMNS: &str = "p.ref AS reference, p.title, p.state, p.owner_login, o.code AS owner_organisation,
    coalesce((SELECT array_agg(s.code ORDER BY s.code) FROM public.problem_services ps
              JOIN public.services s ON s.id = ps.service_id WHERE ps.problem_id = p.id), '{}') AS services,
    (SELECT count(*) FROM public.problem_incidents pi WHERE pi.problem_id = p.id) AS incidents,
    btrim(p.workaround) <> '' AS has_workaround, p.updated_at, p.version";

/// Problems, active ones first, most recently changed first.
pub async fn list(pool: &PgPool, filter: &ListFilter) -> Result<Vec<ProblemRow>, DbError> {
    let rows: Vec<RowFields> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ROW_COLUMNS} FROM public.problems p LEFT JOIN public.organisations o ON o.id = p.owner_organisation_id
         WHERE ($1::text IS NULL OR p.state = $1)
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM public.problem_services ps
                                            JOIN public.services s ON s.id = ps.service_id
                                            WHERE ps.problem_id = p.id AND upper(s.code) = upper($2)))
         ORDER BY p.state IN ('resolved', 'closed'), p.updated_at DESC, p.id DESC"
    )))
    .bind(filter.state.map(ProblemState::as_str))
    .bind(filter.service.as_deref().map(str::trim))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(RowFields::into_row).collect()
}

/// One problem by its reference (PRB-1; case and spaces do not matter).
pub async fn show(pool: &PgPool, reference: &str) -> Result<ProblemDetail, DbError> {
    #[derive(sqlx::FromRow)]
    struct Extra {
        id: i64,
        description: String,
        root_cause: String,
        workaround: String,
        created_by: String,
        created_at: DateTime<Utc>,
        updated_by: String,
        resolved_at: Option<DateTime<Utc>>,
    }
    let id = id_by_ref(pool, reference).await?;
    let row: RowFields = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ROW_COLUMNS} FROM public.problems p LEFT JOIN public.organisations o ON o.id = p.owner_organisation_id
         WHERE p.id = $1"
    )))
    .bind(id)
    .fetch_one(pool)
    .await?;
    let extra: Extra = sqlx::query_as(
        "SELECT id, description, root_cause, workaround, created_by, created_at, updated_by, resolved_at
         FROM public.problems WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    let linked: Vec<LinkedRow> = sqlx::query_as(
        "SELECT i.ref AS reference, i.title, i.status, s.code AS service, i.received_at, pi.workaround_applied,
                pi.created_by AS linked_by, pi.created_at AS linked_at
         FROM public.problem_incidents pi JOIN public.incidents i ON i.id = pi.incident_id
         JOIN public.services s ON s.id = i.service_id
         WHERE pi.problem_id = $1 ORDER BY i.received_at DESC, i.id DESC",
    )
    .bind(extra.id)
    .fetch_all(pool)
    .await?;
    Ok(ProblemDetail {
        row: row.into_row()?,
        description: extra.description,
        root_cause: extra.root_cause,
        workaround: extra.workaround,
        created_by: extra.created_by,
        created_at: extra.created_at,
        updated_by: extra.updated_by,
        resolved_at: extra.resolved_at,
        linked,
    })
}

/// The id of a problem by its reference.
pub async fn id_by_ref(pool: &PgPool, reference: &str) -> Result<i64, DbError> {
    sqlx::query_scalar("SELECT id FROM public.problems WHERE ref = upper(btrim($1))")
        .bind(reference)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("no problem with reference '{}'", reference.trim())))
}

fn check_title(title: &str) -> Result<String, DbError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(DbError::BadInput("the title must not be empty".into()));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(DbError::BadInput(format!("the title is longer than {MAX_TITLE} characters")));
    }
    if title.chars().any(char::is_control) {
        return Err(DbError::BadInput("the title is one line without control characters".into()));
    }
    Ok(title.to_string())
}

/// Registers a problem; returns its reference.
pub async fn create(pool: &PgPool, new: &NewProblem) -> Result<String, DbError> {
    let title = check_title(&new.title)?;
    let facts = ProblemFacts { state: new.state, root_cause: &new.root_cause, workaround: &new.workaround };
    problem::check_change(None, &facts).map_err(|e| DbError::BadInput(e.0))?;
    let mut tx = pool.begin().await?;
    let (login, organisation) = owner_columns(&mut tx, new.owner.as_ref()).await?;
    let (id, reference): (i64, String) = sqlx::query_as(
        "INSERT INTO public.problems (title, description, state, root_cause, workaround, owner_login,
                                      owner_organisation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, ref",
    )
    .bind(&title)
    .bind(&new.description)
    .bind(new.state.as_str())
    .bind(new.root_cause.trim())
    .bind(new.workaround.trim())
    .bind(login)
    .bind(organisation)
    .fetch_one(&mut *tx)
    .await?;
    set_services(&mut tx, id, &new.services).await?;
    tx.commit().await?;
    Ok(reference)
}

/// Changes a problem. With `expected_version`, a change someone else made since is refused as a conflict.
pub async fn edit(
    pool: &PgPool,
    reference: &str,
    expected_version: Option<i32>,
    edit: &ProblemEdit,
) -> Result<ProblemRow, DbError> {
    let id = id_by_ref(pool, reference).await?;
    let mut tx = pool.begin().await?;
    let (reference, state, root_cause, workaround, version): (String, String, String, String, i32) = sqlx::query_as(
        "SELECT ref, state, root_cause, workaround, version FROM public.problems WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(expected) = expected_version
        && expected != version
    {
        return Err(DbError::Conflict(format!("{reference} is at version {version} now, not {expected}")));
    }
    let from: ProblemState = state.parse().map_err(DbError::Schema)?;
    let root_cause = edit.root_cause.clone().unwrap_or(root_cause);
    let workaround = edit.workaround.clone().unwrap_or(workaround);
    let to = ProblemFacts { state: edit.state.unwrap_or(from), root_cause: &root_cause, workaround: &workaround };
    problem::check_change(Some(from), &to).map_err(|e| DbError::BadInput(format!("{reference}: {}", e.0)))?;
    let title = edit.title.as_deref().map(check_title).transpose()?;
    let owner = match &edit.owner {
        Some(owner) => Some(owner_columns(&mut tx, owner.as_ref()).await?),
        None => None,
    };
    sqlx::query(
        "UPDATE public.problems SET
            title = coalesce($2, title), description = coalesce($3, description), state = $4,
            root_cause = $5, workaround = $6,
            owner_login = CASE WHEN $7 THEN $8 ELSE owner_login END,
            owner_organisation_id = CASE WHEN $7 THEN $9 ELSE owner_organisation_id END
         WHERE id = $1",
    )
    .bind(id)
    .bind(title)
    .bind(&edit.description)
    .bind(to.state.as_str())
    .bind(root_cause.trim())
    .bind(workaround.trim())
    .bind(owner.is_some())
    .bind(owner.as_ref().and_then(|o| o.0.clone()))
    .bind(owner.as_ref().and_then(|o| o.1))
    .execute(&mut *tx)
    .await?;
    if let Some(services) = &edit.services {
        sqlx::query("DELETE FROM public.problem_services WHERE problem_id = $1").bind(id).execute(&mut *tx).await?;
        set_services(&mut tx, id, services).await?;
    }
    tx.commit().await?;
    list_one(pool, id).await
}

async fn list_one(pool: &PgPool, id: i64) -> Result<ProblemRow, DbError> {
    let row: RowFields = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ROW_COLUMNS} FROM public.problems p LEFT JOIN public.organisations o ON o.id = p.owner_organisation_id
         WHERE p.id = $1"
    )))
    .bind(id)
    .fetch_one(pool)
    .await?;
    row.into_row()
}

/// The owner as the table's two columns, checked to exist.
async fn owner_columns(
    tx: &mut Transaction<'_, Postgres>,
    owner: Option<&Owner>,
) -> Result<(Option<String>, Option<i64>), DbError> {
    match owner {
        None => Ok((None, None)),
        Some(Owner::Staff(login)) => {
            let found: Option<String> =
                sqlx::query_scalar("SELECT login FROM public.staff WHERE login = lower(btrim($1)) AND active")
                    .bind(login)
                    .fetch_optional(&mut **tx)
                    .await?;
            found.map(|l| (Some(l), None)).ok_or_else(|| {
                DbError::BadInput(format!(
                    "no active member of staff with login '{}' (see vakt staff list)",
                    login.trim()
                ))
            })
        }
        Some(Owner::Supplier(code)) => {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM public.organisations WHERE lower(code) = lower(btrim($1))")
                    .bind(code)
                    .fetch_optional(&mut **tx)
                    .await?;
            found.map(|id| (None, Some(id))).ok_or_else(|| {
                DbError::BadInput(format!("no organisation with code '{}' (see vakt contact list)", code.trim()))
            })
        }
    }
}

async fn set_services(tx: &mut Transaction<'_, Postgres>, problem_id: i64, codes: &[String]) -> Result<(), DbError> {
    for code in codes {
        let service: Option<i64> =
            sqlx::query_scalar("SELECT id FROM public.services WHERE upper(code) = upper(btrim($1))")
                .bind(code)
                .fetch_optional(&mut **tx)
                .await?;
        let Some(service) = service else {
            return Err(DbError::BadInput(format!("unknown service '{}' (see vakt incident services)", code.trim())));
        };
        sqlx::query(
            "INSERT INTO public.problem_services (problem_id, service_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(problem_id)
        .bind(service)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Links an incident to a problem. With `apply_workaround`, the problem's workaround is recorded on the incident
/// through the incident lifecycle ("workaround in place", so its clocks and Altinn's deprioritise rule follow) with a
/// note quoting it; an incident that has a workaround recorded already keeps it.
pub async fn link(
    pool: &PgPool,
    problem_reference: &str,
    incident_reference: &str,
    apply_workaround: bool,
) -> Result<Linked, DbError> {
    let problem_id = id_by_ref(pool, problem_reference).await?;
    let incident_id = incidents::id_by_ref(pool, incident_reference).await?;
    let (problem, workaround): (String, String) =
        sqlx::query_as("SELECT ref, workaround FROM public.problems WHERE id = $1")
            .bind(problem_id)
            .fetch_one(pool)
            .await?;
    let (incident, has_workaround, status): (String, bool, String) =
        sqlx::query_as("SELECT ref, workaround, status FROM public.incidents WHERE id = $1")
            .bind(incident_id)
            .fetch_one(pool)
            .await?;
    let already: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM public.problem_incidents WHERE problem_id = $1 AND incident_id = $2)",
    )
    .bind(problem_id)
    .bind(incident_id)
    .fetch_one(pool)
    .await?;
    if already {
        return Err(DbError::BadInput(format!("{incident} is linked to {problem} already")));
    }
    let apply = apply_workaround && !has_workaround;
    if apply_workaround {
        if workaround.trim().is_empty() {
            return Err(DbError::BadInput(format!(
                "{problem} has no workaround to apply (vakt problem edit {problem} --workaround …)"
            )));
        }
        if matches!(status.as_str(), "resolved" | "closed") {
            return Err(DbError::BadInput(format!(
                "{incident} is {status}: a workaround is applied to an open incident"
            )));
        }
    }
    // The workaround, its note and the link in one transaction: all three or none.
    let mut tx = pool.begin().await?;
    if apply {
        // The lifecycle path first: if the incident refuses the workaround, nothing is linked.
        lifecycle::perform_in(&mut tx, incident_id, None, &IncidentAction::MarkWorkaround).await?;
        let note = format!("Workaround from {problem}: {}", workaround.trim());
        lifecycle::perform_in(&mut tx, incident_id, None, &IncidentAction::Note { text: note }).await?;
    }
    sqlx::query(
        "INSERT INTO public.problem_incidents (problem_id, incident_id, workaround_applied) VALUES ($1, $2, $3)",
    )
    .bind(problem_id)
    .bind(incident_id)
    .bind(apply)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Linked { problem, incident, workaround_applied: apply, workaround_already: apply_workaround && has_workaround })
}

/// Removes the link between a problem and an incident (what the incident's history says stays).
pub async fn unlink(pool: &PgPool, problem_reference: &str, incident_reference: &str) -> Result<(), DbError> {
    let problem_id = id_by_ref(pool, problem_reference).await?;
    let incident_id = incidents::id_by_ref(pool, incident_reference).await?;
    let removed = sqlx::query("DELETE FROM public.problem_incidents WHERE problem_id = $1 AND incident_id = $2")
        .bind(problem_id)
        .bind(incident_id)
        .execute(pool)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(DbError::BadInput(format!(
            "{} is not linked to {}",
            incident_reference.trim().to_uppercase(),
            problem_reference.trim().to_uppercase()
        )));
    }
    Ok(())
}

/// Known errors matching `text` (any of its words that is no stop word, stemmed in Norwegian and in Swedish), best
/// match first: the text rank, then those with a workaround, then those with more incidents.
pub async fn search(pool: &PgPool, text: &str, limit: i64) -> Result<Vec<Suggestion>, DbError> {
    let words = search::words(text);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    // A word is searched for only if neither dictionary drops it as a stop word: each language's stop words
    // ("ved", "och", "inte" …) are ordinary words to the other's dictionary and would match nearly everything.
    let rows: Vec<Suggestion> = sqlx::query_as(
        "WITH words AS (SELECT pg_catalog.string_agg(w, ' or ') AS any_of FROM unnest($1::text[]) w
                        WHERE numnode(plainto_tsquery('pg_catalog.norwegian', w)) > 0
                          AND numnode(plainto_tsquery('pg_catalog.swedish', w)) > 0),
              q AS (SELECT websearch_to_tsquery('pg_catalog.norwegian', words.any_of)
                           || websearch_to_tsquery('pg_catalog.swedish', words.any_of) AS query
                    FROM words WHERE words.any_of IS NOT NULL),
              hits AS (SELECT p.id, p.ref, p.title, p.workaround, p.root_cause, ts_rank(p.search, q.query) AS rank
                       FROM public.problems p, q
                       WHERE p.state = 'known_error' AND p.search @@ q.query
                       ORDER BY rank DESC, btrim(p.workaround) <> '' DESC, p.id DESC LIMIT $2)
         SELECT h.ref AS reference, h.title, h.workaround, h.root_cause,
                coalesce((SELECT array_agg(s.code ORDER BY s.code) FROM public.problem_services ps
                          JOIN public.services s ON s.id = ps.service_id WHERE ps.problem_id = h.id), '{}') AS services,
                (SELECT count(*) FROM public.problem_incidents pi WHERE pi.problem_id = h.id) AS incidents, h.rank
         FROM hits h
         ORDER BY h.rank DESC, btrim(h.workaround) <> '' DESC, incidents DESC, h.id DESC",
    )
    .bind(&words)
    .bind(limit.clamp(1, 100))
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Every incident received in [from, to) that is linked to a problem, with its problem and service: the rows the
/// trends are computed from (domain::problem::trends).
pub async fn trend_rows(pool: &PgPool, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<LinkedIncident>, DbError> {
    let rows: Vec<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT p.ref, s.code, i.ref, i.received_at
         FROM public.problem_incidents pi JOIN public.problems p ON p.id = pi.problem_id
         JOIN public.incidents i ON i.id = pi.incident_id JOIN public.services s ON s.id = i.service_id
         WHERE i.received_at >= $1 AND i.received_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(problem, service, incident, received_at)| LinkedIncident { problem, service, incident, received_at })
        .collect())
}

/// The problems an incident is linked to, by reference.
pub async fn problems_of(pool: &PgPool, incident_id: i64) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT p.ref FROM public.problem_incidents pi JOIN public.problems p ON p.id = pi.problem_id
         WHERE pi.incident_id = $1 ORDER BY p.id",
    )
    .bind(incident_id)
    .fetch_all(pool)
    .await?)
}
