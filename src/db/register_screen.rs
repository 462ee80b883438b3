//! What the problems tab reads and writes: the change needs with their clocks as of now (the database's clock,
//! so every console counts the same), and the chairs' steps. The database holds the rights and the order of steps.

use sqlx::PgPool;

use crate::app::screens::problems::data::{NeedLine, RegisterData, RegisterSection, RegisterWrite};
use crate::db::DbError;
use crate::db::change_needs::{self, NewNeed, Step};
use crate::domain::change_need::NeedPriority;

pub async fn load(pool: &PgPool, section: RegisterSection) -> Result<RegisterData, DbError> {
    match section {
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
    }
}
