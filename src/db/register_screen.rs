//! What the problems tab reads and writes: the change needs with their clocks as of now (the database's clock,
//! so every console counts the same), and the chairs' steps. The database holds the rights and the order of steps.

use sqlx::PgPool;

use crate::app::screens::problems::data::{
    LinkedIncident, NeedLine, ProblemFields, ProblemLine, ProblemView, RegisterData, RegisterSection, RegisterWrite,
};
use crate::db::DbError;
use crate::db::change_needs::{self, NewNeed, Step};
use crate::db::problems;
use crate::domain::change_need::NeedPriority;

pub async fn load(pool: &PgPool, section: RegisterSection) -> Result<RegisterData, DbError> {
    match section {
        RegisterSection::Problems => {
            let rows = problems::list(pool, &problems::ListFilter::default()).await?;
            let trends = last_twelve_months(pool).await?;
            let lines = rows
                .into_iter()
                .map(|row| {
                    let per_month = trends.get(&row.reference).cloned().unwrap_or_else(|| vec![0; 12]);
                    ProblemLine { per_month, ..problem_line(row) }
                })
                .collect();
            Ok(RegisterData::Problems(lines))
        }
        RegisterSection::ChangeNeeds => {
            let now = super::outbox::database_now(pool).await?;
            let rows = change_needs::list(pool, None, true).await?;
            let needs = change_needs::with_clocks(pool, rows, now).await?;
            let mut lines: Vec<NeedLine> = needs
                .into_iter()
                .map(|n| {
                    let need = n.need;
                    NeedLine {
                        release: need.release_text(),
                        state: need.state(),
                        priority: need.priority.as_deref().and_then(NeedPriority::parse),
                        submitter: format!(
                            "{} {} ({})",
                            need.submitter_org,
                            need.submitter_contact,
                            need.submitter_kind.replace('_', " ")
                        ),
                        reference: need.reference,
                        agreement: need.agreement,
                        title: need.title,
                        description: need.description,
                        requested_priority: need.requested_priority,
                        justification: need.justification,
                        received_at: need.received_at,
                        feedback: need.feedback,
                        analysis: need.analysis,
                        rejection_reason: need.rejection_reason,
                        clocks: n.clocks,
                    }
                })
                .collect();
            // Open needs first, the one whose running clock falls due first at the top; closed ones last.
            lines.sort_by_key(|n| {
                let next_due = n.clocks.iter().filter(|c| c.is_running()).map(|c| c.due).min();
                (n.state.is_closed(), next_due.is_none(), next_due, n.received_at)
            });
            Ok(RegisterData::ChangeNeeds(lines))
        }
    }
}

/// Incidents per problem in each of the last twelve months (UTC), from the trends of `vakt problem trends`.
async fn last_twelve_months(pool: &PgPool) -> Result<std::collections::HashMap<String, Vec<u32>>, DbError> {
    use crate::domain::problem::trends;
    use chrono::{Datelike, Months, NaiveDate};
    let now = super::outbox::database_now(pool).await?;
    let today = now.date_naive();
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let first = this_month.checked_sub_months(Months::new(11)).unwrap_or(this_month);
    let range = trends::months(first, today);
    let from = first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let rows = problems::trend_rows(pool, from, now).await?;
    Ok(trends::per_problem(&rows, chrono_tz::UTC, &range)
        .into_iter()
        .map(|series| (series.key, series.months.into_iter().map(|(_, n)| n).collect()))
        .collect())
}

fn problem_line(row: problems::ProblemRow) -> ProblemLine {
    ProblemLine {
        owner: row.owner.map(|o| o.to_string()).unwrap_or_default(),
        reference: row.reference,
        title: row.title,
        state: row.state,
        services: row.services,
        incidents: row.incidents,
        has_workaround: row.has_workaround,
        version: row.version,
        per_month: Vec::new(),
    }
}

/// One problem in full.
pub async fn problem(pool: &PgPool, reference: &str) -> Result<ProblemView, DbError> {
    let detail = problems::show(pool, reference).await?;
    let per_month = last_twelve_months(pool).await?.remove(&detail.row.reference).unwrap_or_else(|| vec![0; 12]);
    Ok(ProblemView {
        line: ProblemLine { per_month, ..problem_line(detail.row) },
        description: detail.description,
        root_cause: detail.root_cause,
        workaround: detail.workaround,
        linked: detail
            .linked
            .into_iter()
            .map(|l| LinkedIncident {
                reference: l.reference,
                title: l.title,
                status: l.status,
                workaround_applied: l.workaround_applied,
            })
            .collect(),
    })
}

/// Carries out a change and says what it did.
pub async fn write(pool: &PgPool, write: RegisterWrite) -> Result<String, DbError> {
    let step = |reference: String, step: Step| async move {
        let row = change_needs::step(pool, &reference, &step).await?;
        Ok::<_, DbError>(format!("{}: {}", row.reference, row.state.replace('_', " ")))
    };
    match write {
        RegisterWrite::NewNeed {
            agreement,
            title,
            description,
            submitter_kind,
            submitter_org,
            submitter_contact,
            priority,
            justification,
        } => {
            let new = NewNeed {
                agreement,
                title,
                description,
                submitter_kind,
                submitter_org,
                submitter_contact,
                requested_priority: priority,
                justification,
            };
            let reference = change_needs::create(pool, &new).await?;
            Ok(format!("{reference} registered: feedback is due within 5 working days"))
        }
        RegisterWrite::Feedback { reference, text } => step(reference, Step::Feedback { text }).await,
        RegisterWrite::Qualify { reference, priority } => step(reference, Step::Qualify { priority }).await,
        RegisterWrite::Analyse { reference, text } => step(reference, Step::Analyse { text }).await,
        RegisterWrite::Plan { reference, label, series } => step(reference, Step::Plan { series, label }).await,
        RegisterWrite::Deliver { reference } => step(reference, Step::Deliver).await,
        RegisterWrite::Reject { reference, reason } => step(reference, Step::Reject { reason }).await,
        RegisterWrite::NewProblem(fields) => {
            let ProblemFields { title, services, description, root_cause, workaround, state } = fields;
            let new = problems::NewProblem { title, description, services, owner: None, root_cause, workaround, state };
            let reference = problems::create(pool, &new).await?;
            Ok(format!("{reference} registered as {}", state.label()))
        }
        RegisterWrite::EditProblem { reference, version, fields } => {
            let change = problems::ProblemEdit {
                title: Some(fields.title),
                description: Some(fields.description),
                services: Some(fields.services),
                owner: None,
                root_cause: Some(fields.root_cause),
                workaround: Some(fields.workaround),
                state: Some(fields.state),
            };
            let row = problems::edit(pool, &reference, Some(version), &change).await?;
            Ok(format!("{} saved: {}", row.reference, row.state.label()))
        }
        RegisterWrite::LinkIncident { problem, incident, apply_workaround } => {
            let linked = problems::link(pool, &problem, &incident, apply_workaround).await?;
            let workaround = match (linked.workaround_applied, linked.workaround_already) {
                (true, _) => "; its workaround is recorded on the incident, and the clocks follow",
                (false, true) => "; the incident had a workaround recorded already",
                (false, false) => "",
            };
            Ok(format!("{} linked to {}{workaround}", linked.incident, linked.problem))
        }
    }
}
