//! Issued service reports (migration 21): the figures frozen when a report was issued, who issued it and when.
//! The database refuses a second issue of the same report, an issue before the period is over, and any change to
//! an issued report.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::DbError;
use crate::domain::report::{ReportFigures, ReportPeriod};

/// A report as issued.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: i64,
    pub figures: ReportFigures,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
}

/// The issued report of this agreement, kind and period, if there is one.
pub async fn find(pool: &PgPool, agreement: &str, period: &ReportPeriod) -> Result<Option<Issued>, DbError> {
    let row: Option<(i64, serde_json::Value, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT r.id, r.figures, r.issued_at, r.issued_by FROM public.service_reports r
         JOIN public.agreements a ON a.id = r.agreement_id
         WHERE a.code = $1 AND r.kind = $2 AND r.period = $3",
    )
    .bind(agreement)
    .bind(period.kind.as_str())
    .bind(&period.label)
    .fetch_optional(pool)
    .await?;
    row.map(|(id, figures, issued_at, issued_by)| {
        let figures = serde_json::from_value(figures)
            .map_err(|e| DbError::Schema(format!("an issued report this build cannot read: {e}")))?;
        Ok(Issued { id, figures, issued_at, issued_by })
    })
    .transpose()
}

/// Whether the report is issued, without reading its figures.
pub async fn is_issued(pool: &PgPool, agreement: &str, period: &ReportPeriod) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM public.service_reports r JOIN public.agreements a ON a.id = r.agreement_id
                        WHERE a.code = $1 AND r.kind = $2 AND r.period = $3)",
    )
    .bind(agreement)
    .bind(period.kind.as_str())
    .bind(&period.label)
    .fetch_one(pool)
    .await?)
}

/// Freezes the figures as the issued report of their agreement and period.
pub async fn issue(pool: &PgPool, figures: &ReportFigures) -> Result<Issued, DbError> {
    let h = &figures.header;
    let what = format!("the {} report {} of {}", h.period.kind.as_str(), h.period.label, h.agreement);
    let document = serde_json::to_value(figures).map_err(|e| DbError::Other(e.to_string()))?;
    let (id, issued_at, issued_by): (i64, DateTime<Utc>, String) = sqlx::query_as(
        "INSERT INTO public.service_reports (agreement_id, kind, period, figures)
         SELECT a.id, $2, $3, $4 FROM public.agreements a WHERE a.code = $1
         RETURNING id, issued_at, issued_by",
    )
    .bind(&h.agreement)
    .bind(h.period.kind.as_str())
    .bind(&h.period.label)
    .bind(document)
    .fetch_one(pool)
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict(format!(
            "{what} is already issued and stays as issued; `vakt report {} …` shows it with what changed since",
            h.period.kind.as_str()
        )),
        DbError::Refused(_) => DbError::Refused(format!("only MIMs and admins issue service reports ({what})")),
        other => other,
    })?;
    Ok(Issued { id, figures: figures.clone(), issued_at, issued_by })
}

/// A report recipient: a contact of one of the agreement's organisations whose role names reports ("Rapportmottaker",
/// "report recipient"), with an e-mail address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub contact_id: i64,
    pub name: String,
    pub email: String,
}

pub async fn recipients(pool: &PgPool, agreement: &str) -> Result<Vec<Recipient>, DbError> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT c.id AS contact_id, c.name, c.email
         FROM public.agreements a
         JOIN public.agreement_versions v ON v.agreement_id = a.id
         JOIN public.organisations o
           ON v.document -> 'organisations' @> jsonb_build_array(jsonb_build_object('code', o.code))
         JOIN public.contacts c ON c.organisation_id = o.id
         WHERE a.code = $1 AND c.email IS NOT NULL AND c.role ~* '(rapport|report)'
         ORDER BY c.id",
    )
    .bind(agreement)
    .fetch_all(pool)
    .await?)
}

/// Queues the issued report to each recipient in one transaction (migration 22 holds the rules). Sending again
/// queues nothing new: the key of a report and a recipient is the same. Returns how many were new.
pub async fn send(
    pool: &PgPool,
    issued: &Issued,
    recipients: &[Recipient],
    subject: &str,
    body: &str,
) -> Result<usize, DbError> {
    let mut tx = pool.begin().await?;
    let mut new = 0;
    for r in recipients {
        let key = format!("rep{}-email-{}", issued.id, r.contact_id);
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.outbox WHERE idempotency_key = $1)")
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
        let message = crate::notify::OutboundMessage {
            idempotency_key: key,
            recipient: crate::notify::Recipient::Email { to: vec![r.email.clone()] },
            subject: subject.to_string(),
            body: body.to_string(),
            payload: None,
        };
        let ledger = super::outbox::Ledger { major_id: None, audience: &r.name, summary: subject, exercise: false };
        super::outbox::enqueue(&mut tx, &ledger, &message).await.map_err(|e| match e {
            DbError::Refused(_) => DbError::Refused("only MIMs and admins send service reports".into()),
            other => other,
        })?;
        new += usize::from(!known);
    }
    tx.commit().await?;
    Ok(new)
}

/// `vakt serve`'s duty: for each report an agreement requires whose last closed period is not issued, an e-mail to
/// every active MIM and admin with an address, three days before the due date and once more when it is late (for
/// the last two closed periods, as `vakt report due` lists them). Run
/// by the worker (who may write the outbox); the idempotency key (report, period, kind of reminder, person) keeps
/// it to one each, however often and by however many workers it runs. Returns how many were queued.
pub async fn remind_due(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, DbError> {
    use crate::domain::report::schedule::{self, Reminder};
    let staff = super::outbox::duty_staff(pool).await?;
    if staff.is_empty() {
        return Ok(0);
    }
    let mut queued = 0;
    for listed in super::agreements::list(pool).await? {
        for &kind in schedule::required(&listed.code) {
            let Some(rough) = schedule::latest_closed(kind, now.date_naive()) else { continue };
            let zone = super::reports::agreement(pool, &listed.code, &rough).await?.zone();
            let today = now.with_timezone(&zone).date_naive();
            let Some(latest) = schedule::latest_closed(kind, today) else { continue };
            // The period before too, so a report still missing when the next period closes is reminded late.
            for period in [schedule::previous(&latest), Some(latest)].into_iter().flatten() {
                let reminder = Reminder::of(period.due(), today);
                if is_issued(pool, &listed.code, &period).await? {
                    continue;
                }
                let key_of = |id: i64| format!("repdue-{}-{}-{}-{id}", listed.code, period.label, reminder.as_str());
                let keys: Vec<String> = staff.iter().map(|(id, _, _)| key_of(*id)).collect();
                let sent: i64 =
                    sqlx::query_scalar("SELECT count(*) FROM public.outbox WHERE idempotency_key = ANY($1)")
                        .bind(&keys)
                        .fetch_one(pool)
                        .await?;
                if sent == keys.len() as i64 {
                    // Everyone has this one already: the draft is not built again on every pass.
                    continue;
                }
                let subject = match reminder {
                    Reminder::Drafted => format!(
                        "Draft: the {} report {} of {} is ready for review, due {}",
                        kind.as_str(),
                        period.label,
                        listed.code,
                        period.due()
                    ),
                    Reminder::DueSoon => format!(
                        "Reminder: the {} report {} of {} is due {}",
                        kind.as_str(),
                        period.label,
                        listed.code,
                        period.due()
                    ),
                    Reminder::Late => format!(
                        "LATE: the {} report {} of {} was due {} and is not issued",
                        kind.as_str(),
                        period.label,
                        listed.code,
                        period.due()
                    ),
                };
                let mut body = format!(
                    "{subject}.\n\nvakt report {kind} --agreement {code} --{flag} {label}   (check it)\n\
                 vakt report issue --agreement {code} --{flag} {label}   (freeze and issue it)\n",
                    kind = kind.as_str(),
                    code = listed.code,
                    label = period.label,
                    flag = match kind {
                        crate::domain::report::ReportKind::Monthly => "month",
                        crate::domain::report::ReportKind::Tertial => "tertial",
                        crate::domain::report::ReportKind::Yearly => "year",
                    },
                );
                if reminder == Reminder::Drafted {
                    // The draft itself, as of now, so it can be reviewed from the mail.
                    let draft = match super::reports::figures(pool, &listed.code, &period).await {
                        Ok(figures) => {
                            let state = crate::domain::report::issue::IssueState::NotIssued { late: false };
                            let zone = super::reports::agreement(pool, &listed.code, &period).await?.zone();
                            crate::report::markdown::render(&crate::report::service::document(&figures, &state, zone))
                        }
                        Err(e) => format!("(the draft could not be built: {e})"),
                    };
                    body.push_str("\n---\n\n");
                    body.push_str(&draft);
                }
                queued += super::outbox::mail_each_once(pool, &staff, key_of, &subject, &body).await?;
            }
        }
    }
    Ok(queued)
}
