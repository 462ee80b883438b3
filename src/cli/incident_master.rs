//! The master-incident part of `vakt incident`: `master` (attach, detach, list children), what `show` adds (the
//! master's reference on a child, the children on a master, the problems it is linked to), and resolving a master's
//! children one by one through the normal lifecycle path.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::output::{self, Format};
use super::{CliError, CliResult};
use crate::db::problems::{self, masters};
use crate::db::{DbError, lifecycle};
use crate::domain::incident::lifecycle::IncidentAction;
use crate::domain::text;

/// How an incident stands to masters and problems.
#[derive(Debug, Serialize)]
pub(super) struct Relations {
    /// The master's reference, on a child.
    pub master: Option<String>,
    /// The children, on a master.
    pub children: Vec<masters::Child>,
    /// The problems the incident is linked to.
    pub problems: Vec<String>,
}

pub(super) async fn relations(pool: &PgPool, incident_id: i64) -> Result<Relations, DbError> {
    Ok(Relations {
        master: masters::master_of(pool, incident_id).await?,
        children: masters::children_of(pool, incident_id).await?,
        problems: problems::problems_of(pool, incident_id).await?,
    })
}

/// The lines `show` adds; empty when the incident has no master, children or problems.
pub(super) fn describe(relations: &Relations) -> String {
    let mut out = String::new();
    if let Some(master) = &relations.master {
        out.push_str(&format!("\nmaster incident: {}\n", text::one_line(master)));
    }
    if !relations.children.is_empty() {
        out.push_str(&format!("\nmaster of {} incident(s):\n", relations.children.len()));
        out.push_str(&children_table(&relations.children));
    }
    if !relations.problems.is_empty() {
        out.push_str(&format!("\nproblems: {}\n", text::one_line(&relations.problems.join(", "))));
    }
    out
}

fn children_table(children: &[masters::Child]) -> String {
    let rows: Vec<Vec<String>> = children
        .iter()
        .map(|c| vec![c.reference.clone(), c.status.clone(), c.service.clone(), c.title.clone()])
        .collect();
    output::table(&["child", "status", "service", "title"], &rows)
}

/// `vakt incident master REF [--children A,B | --detach C]`.
pub(super) async fn master(
    pool: &PgPool,
    reference: &str,
    attach: &[String],
    detach: Option<&str>,
    format: Format,
) -> CliResult {
    let attach: Vec<String> = attach.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect();
    let children = match detach {
        Some(child) => masters::detach(pool, reference, child).await?,
        None if !attach.is_empty() => masters::attach(pool, reference, &attach).await?,
        None => {
            let id = crate::db::incidents::id_by_ref(pool, reference).await?;
            masters::children_of(pool, id).await?
        }
    };
    match format {
        Format::Json => print!("{}", output::json(&children)),
        Format::Csv => {
            let rows: Vec<Vec<String>> = children
                .iter()
                .map(|c| vec![c.reference.clone(), c.status.clone(), c.service.clone(), c.title.clone()])
                .collect();
            print!("{}", output::csv(&["child", "status", "service", "title"], &rows));
        }
        Format::Table => {
            println!("{} is the master of {} incident(s)", reference.trim().to_uppercase(), children.len());
            if !children.is_empty() {
                print!("{}", children_table(&children));
            }
        }
    }
    Ok(())
}

/// After a master is resolved: with `resolve_children`, resolves each open child through the lifecycle (its own
/// clocks and history); without, says which children are still open and how to resolve them too. A child that
/// refuses (no priority yet, say) is reported and the others are still resolved; the exit code is the first
/// refusal's.
pub(super) async fn after_resolving(
    pool: &PgPool,
    master_id: i64,
    master_reference: &str,
    resolve_children: bool,
    format: Format,
    now: DateTime<Utc>,
) -> CliResult {
    let open: Vec<masters::Child> =
        masters::children_of(pool, master_id).await?.into_iter().filter(masters::Child::is_open).collect();
    if open.is_empty() {
        return Ok(());
    }
    if !resolve_children {
        let list: Vec<&str> = open.iter().map(|c| c.reference.as_str()).collect();
        eprintln!(
            "{} has {} open child incident(s): {}; resolve them too with `vakt incident resolve {} --children`",
            text::one_line(master_reference),
            open.len(),
            text::one_line(&list.join(", ")),
            text::one_line(master_reference)
        );
        return Ok(());
    }
    let mut first_failure: Option<CliError> = None;
    for child in &open {
        match lifecycle::perform(pool, child.id, None, &IncidentAction::Resolve).await {
            Ok(summary) => super::incident::report(&summary, format, now),
            Err(e) => {
                eprintln!(
                    "vakt: {}: not resolved: {}",
                    text::one_line(&child.reference),
                    text::one_line(&e.to_string())
                );
                first_failure.get_or_insert_with(|| CliError::from(e));
            }
        }
    }
    match first_failure {
        Some(mut e) => {
            e.message = format!("some children of {master_reference} were not resolved (see above)");
            Err(e)
        }
        None => Ok(()),
    }
}
