//! Master incidents (Stockholm §3.3.2: one master ticket number across suppliers): attach children to a master,
//! detach them, and read the relation for an incident's view. Resolving the children goes through the incident
//! lifecycle one by one (cli::incident), so each keeps its own clocks and history.

use serde::Serialize;
use sqlx::PgPool;

use crate::db::{DbError, incidents};

/// A child of a master incident.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Child {
    #[serde(skip)]
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub service: String,
}

impl Child {
    pub fn is_open(&self) -> bool {
        !matches!(self.status.as_str(), "resolved" | "closed")
    }
}

/// Attaches `children` to `master`, all or none. A child already under this master is left as it is; one under
/// another master is refused (detach it there first).
pub async fn attach(pool: &PgPool, master: &str, children: &[String]) -> Result<Vec<Child>, DbError> {
    let master_id = incidents::id_by_ref(pool, master).await?;
    let mut ids = Vec::new();
    for child in children {
        let id = incidents::id_by_ref(pool, child).await?;
        if id == master_id {
            return Err(DbError::BadInput(format!("{} cannot be its own child", child.trim().to_uppercase())));
        }
        ids.push(id);
    }
    let mut tx = pool.begin().await?;
    for id in ids {
        let current: Option<(i64, String)> = sqlx::query_as(
            "SELECT m.master_id, i.ref FROM public.incident_masters m JOIN public.incidents i ON i.id = m.master_id
             WHERE m.child_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        match current {
            Some((existing, _)) if existing == master_id => continue,
            Some((_, other)) => {
                let child: String = sqlx::query_scalar("SELECT ref FROM public.incidents WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(DbError::BadInput(format!(
                    "{child} is a child of {other} already (vakt incident master {other} --detach {child})"
                )));
            }
            None => {}
        }
        sqlx::query("INSERT INTO public.incident_masters (child_id, master_id) VALUES ($1, $2)")
            .bind(id)
            .bind(master_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    children_of(pool, master_id).await
}

/// Detaches `child` from `master`.
pub async fn detach(pool: &PgPool, master: &str, child: &str) -> Result<Vec<Child>, DbError> {
    let master_id = incidents::id_by_ref(pool, master).await?;
    let child_id = incidents::id_by_ref(pool, child).await?;
    let removed = sqlx::query("DELETE FROM public.incident_masters WHERE master_id = $1 AND child_id = $2")
        .bind(master_id)
        .bind(child_id)
        .execute(pool)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(DbError::BadInput(format!(
            "{} is not a child of {}",
            child.trim().to_uppercase(),
            master.trim().to_uppercase()
        )));
    }
    children_of(pool, master_id).await
}

/// The children of a master incident, in the order of their references.
pub async fn children_of(pool: &PgPool, master_id: i64) -> Result<Vec<Child>, DbError> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.ref AS reference, i.title, i.status, s.code AS service
         FROM public.incident_masters m JOIN public.incidents i ON i.id = m.child_id
         JOIN public.services s ON s.id = i.service_id
         WHERE m.master_id = $1 ORDER BY i.id",
    )
    .bind(master_id)
    .fetch_all(pool)
    .await?)
}

/// The reference of an incident's master, if it has one.
pub async fn master_of(pool: &PgPool, incident_id: i64) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT i.ref FROM public.incident_masters m JOIN public.incidents i ON i.id = m.master_id WHERE m.child_id = $1",
    )
    .bind(incident_id)
    .fetch_optional(pool)
    .await?)
}
