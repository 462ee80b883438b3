//! `vakt serve` reminds the owner of an open follow-up point of published minutes (a login with an e-mail address,
//! or a contact with one): once when it falls due soon and once when it is overdue, on the series' clock, by the
//! rule in `domain::minutes::remind`: "due soon" goes two working days ahead on the series' agreement's working
//! days (weekends and that agreement's holidays skipped). The worker writes the outbox; the key `minfup<point>-<soon|late>` keeps each
//! reminder to one however often and by however many workers it runs.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::db::DbError;
use crate::domain::minutes::remind::{self, Reminder};

#[derive(sqlx::FromRow)]
struct Open {
    id: i64,
    text: String,
    due: NaiveDate,
    zone: String,
    agreement: String,
    title: String,
    meeting: i64,
    starts_at: DateTime<Utc>,
    chair: String,
    owner_login: Option<String>,
    name: String,
    email: String,
}

/// Queues the reminders due at `now`; returns how many were new.
pub async fn remind_follow_ups(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, DbError> {
    // Points due within two weeks (two working days back from a due date reach at most about a week, over Easter)
    // or overdue and not yet reminded as such; the rest cannot need a reminder today.
    let open: Vec<Open> = sqlx::query_as(
        "SELECT f.id, f.text, f.due_date AS due, s.zone, a.code AS agreement, s.title, m.id AS meeting, m.starts_at, s.chair_login AS chair,
                f.owner_login, coalesce(st.full_name, c.name) AS name, coalesce(st.email, c.email) AS email
         FROM public.follow_ups f
         JOIN public.meetings m ON m.id = f.meeting_id
         JOIN public.meeting_series s ON s.id = m.series_id
         JOIN public.agreements a ON a.id = s.agreement_id
         LEFT JOIN public.staff st ON st.login = f.owner_login AND st.active
         LEFT JOIN public.contacts c ON c.id = f.owner_contact_id
         WHERE f.state = 'open' AND m.state = 'published'
           AND coalesce(st.email, c.email) LIKE '%@%'
           AND f.due_date <= ($1 AT TIME ZONE 'UTC')::date + 14
           AND NOT EXISTS (SELECT 1 FROM public.outbox o WHERE o.idempotency_key = 'minfup' || f.id || '-late')
         ORDER BY f.due_date, f.id",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    let mut queued = 0;
    let mut calendars = Holidays::default();
    for point in open {
        let zone: chrono_tz::Tz = point
            .zone
            .parse()
            .map_err(|_| DbError::Schema(format!("a meeting series has an unknown zone {}", point.zone)))?;
        let today = now.with_timezone(&zone).date_naive();
        let holidays = calendars.of(pool, &point.agreement, point.due, today).await;
        let Some(reminder) = remind::of(point.due, today, holidays) else { continue };
        let key = format!("minfup{}-{}", point.id, reminder.as_str());
        let what = crate::domain::text::truncate(&crate::domain::text::one_line(&point.text), 80).into_owned();
        let subject = match reminder {
            Reminder::DueSoon => format!("Follow-up due {}: {what}", point.due),
            Reminder::Overdue => format!("OVERDUE follow-up (due {}): {what}", point.due),
        };
        let how = match &point.owner_login {
            Some(_) => format!("Answer it: vakt followup answer {} --text \"…\" (or in the console).", point.id),
            None => format!("Send your answer to the chair, {}, who records it.", point.chair),
        };
        let body = format!(
            "{subject}\n\nFrom the minutes of {} {} (meeting {}), follow-up point {}, due {}:\n\n{}\n\n{how}\n",
            point.title,
            point.starts_at.with_timezone(&zone).format("%Y-%m-%d"),
            point.meeting,
            point.id,
            point.due,
            point.text,
        );
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.outbox WHERE idempotency_key = $1)")
            .bind(&key)
            .fetch_one(pool)
            .await?;
        if known {
            continue;
        }
        let message = crate::notify::OutboundMessage {
            idempotency_key: key,
            recipient: crate::notify::Recipient::Email { to: vec![point.email.clone()] },
            subject: subject.clone(),
            body,
            payload: None,
        };
        let ledger =
            crate::db::outbox::Ledger { major_id: None, audience: &point.name, summary: &subject, exercise: false };
        let mut tx = pool.begin().await?;
        crate::db::outbox::enqueue(&mut tx, &ledger, &message).await?;
        tx.commit().await?;
        queued += 1;
    }
    Ok(queued)
}

/// The agreements' holidays, read once per agreement and due date's years in a run.
#[derive(Default)]
struct Holidays {
    known: HashMap<(String, i32, i32), BTreeSet<NaiveDate>>,
}

impl Holidays {
    /// The holidays of the agreement (the version in force `today`) around `due`. An agreement that cannot be read
    /// counts weekends only, and says so in the log: a reminder a day late beats none.
    async fn of(&mut self, pool: &PgPool, code: &str, due: NaiveDate, today: NaiveDate) -> &BTreeSet<NaiveDate> {
        let years = remind::years_around(due);
        let key = (code.to_string(), *years.start(), *years.end());
        if !self.known.contains_key(&key) {
            let found = match crate::db::agreements::version_in_force(pool, code, today).await {
                Ok(stored) => remind::agreement_holidays(&stored.agreement, years),
                Err(e) => {
                    tracing::warn!(agreement = code, error = %e, "follow-up reminders count weekends only");
                    BTreeSet::new()
                }
            };
            self.known.insert(key.clone(), found);
        }
        self.known.entry(key).or_default()
    }
}
