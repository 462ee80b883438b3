//! The outbox and `vakt serve`: messages written in a transaction are delivered to real servers on loopback
//! (aiosmtpd, the HTTP receiver) at least once, retried with back-off, dead-lettered, never delivered twice by
//! concurrent workers, and guarded by the database's rights.

use std::collections::BTreeSet;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::postgres::PgListener;
use sqlx::{AssertSqlSafe, PgPool};
use tokio::sync::{Barrier, oneshot};
use vakt::db::DbError;
use vakt::db::outbox::{self, Marked, OutboxRow, OutboxState, StateFilter};
use vakt::notify::{Notifier, NotifyConfig, OutboundMessage, Recipient, WebhookConfig, WebhookPreset};
use vakt::serve::{self, PassReport, ServeOptions};

use crate::harness::TestDb;
use crate::servers::{HttpReceiver, Reply, SmtpServer, closed_port, mail_and_sms_notifier};

/// A bound for waits on events that normally take milliseconds, so a broken worker fails the test instead of
/// hanging it.
const EVENT_LIMIT: Duration = Duration::from_secs(30);

static NEXT_WORKER_LOGIN: AtomicU32 = AtomicU32::new(0);

/// A login that has the `vakt_worker` role and nothing else, as `vakt serve` runs in production.
async fn worker_login(db: &TestDb) -> PgPool {
    let n = NEXT_WORKER_LOGIN.fetch_add(1, Ordering::SeqCst);
    // The harness drops `vt_<pid>_…` roles of finished test processes.
    let login = format!("vt_{}_outbox{n}_worker", std::process::id());
    sqlx::query(AssertSqlSafe(format!("CREATE ROLE \"{login}\" LOGIN IN ROLE vakt_worker")))
        .execute(&db.pool)
        .await
        .unwrap();
    vakt::db::connect(&db.url_as(&login), 4).await.unwrap()
}

fn webhook(key: &str, url: String) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Webhook { url, preset: WebhookPreset::Generic },
        subject: "Altinn innlogging nede".into(),
        body: "Brukere får ikke logget inn. Neste oppdatering 14:30.".into(),
        payload: None,
    }
}

fn email(key: &str, to: &str) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Email { to: vec![to.into()] },
        subject: "Major incident: Altinn login".into(),
        body: "What happened: login fails.\nNext update 14:30.".into(),
        payload: None,
    }
}

fn sms(key: &str, to: &str) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Sms { to: to.into() },
        subject: String::new(),
        body: "P1 Altinn: innlogging nede. Neste oppdatering 14:30.".into(),
        payload: None,
    }
}

fn webhook_notifier(timeout_secs: u64) -> Notifier {
    Notifier::new(&NotifyConfig { webhook: WebhookConfig { timeout_secs }, ..NotifyConfig::default() }).unwrap()
}

fn options(worker: &str) -> ServeOptions {
    ServeOptions::new(worker)
}

/// Registers a webhook channel in the contact directory: a MIM's webhooks go only to known channels.
async fn known_channel(db: &TestDb, url: &str) {
    sqlx::query(
        "WITH o AS (INSERT INTO organisations (code, name, kind) VALUES ('drift', 'Drift', 'supplier')
                    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id)
         INSERT INTO contacts (organisation_id, name, webhook_url) SELECT id, '#drift', $1 FROM o",
    )
    .bind(url)
    .execute(&db.pool)
    .await
    .unwrap();
}

async fn enqueue_committed(pool: &PgPool, message: &OutboundMessage) -> i64 {
    let mut tx = pool.begin().await.unwrap();
    let id = outbox::enqueue(
        &mut tx,
        &outbox::Ledger { major_id: None, audience: "Digdir: Serviceleder", summary: "Update 1", exercise: false },
        message,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn rows(pool: &PgPool) -> Vec<OutboxRow> {
    outbox::list(pool, StateFilter::All, 1000).await.unwrap()
}

async fn row(pool: &PgPool, id: i64) -> OutboxRow {
    rows(pool).await.into_iter().find(|row| row.id == id).unwrap_or_else(|| panic!("no outbox row {id}"))
}

async fn pass(pool: &PgPool, notifier: &Notifier, worker: &str, now: DateTime<Utc>) -> PassReport {
    serve::deliver_due(pool, notifier, &options(worker), now).await.unwrap()
}

async fn db_now(pool: &PgPool) -> DateTime<Utc> {
    outbox::database_now(pool).await.unwrap()
}

async fn change_listener(pool: &PgPool) -> PgListener {
    let mut listener = PgListener::connect_with(pool).await.unwrap();
    listener.listen(vakt::db::listener::CHANNEL).await.unwrap();
    listener
}

/// Waits, by change notices, until the outbox satisfies `done`. The listener must listen before the change.
async fn until_outbox(listener: &mut PgListener, pool: &PgPool, done: impl Fn(&[OutboxRow]) -> bool) {
    loop {
        if done(&rows(pool).await) {
            return;
        }
        tokio::time::timeout(EVENT_LIMIT, listener.recv())
            .await
            .expect("an outbox change within the limit")
            .expect("a change notice");
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, DbError>) {
    assert!(matches!(result, Err(DbError::Refused(_))), "expected a refusal, got {result:?}");
}

#[tokio::test]
async fn an_email_an_sms_and_a_webhook_written_together_arrive_after_one_pass() {
    let db = TestDb::new().await;
    let smtp = SmtpServer::start().await;
    let http = HttpReceiver::start().await;
    let notifier = mail_and_sms_notifier(&smtp, &http);
    let (sender_login, sender) = db.login("worker").await;
    known_channel(&db, &http.url("/hook/T000/SECRET")).await;

    let mut tx = sender.begin().await.unwrap();
    let email_id = outbox::enqueue(
        &mut tx,
        &outbox::Ledger { major_id: None, audience: "Digdir: Serviceleder", summary: "Update 1", exercise: false },
        &email("major-1-update-1-email", "kari@example.org"),
    )
    .await
    .unwrap();
    let sms_id = outbox::enqueue(
        &mut tx,
        &outbox::Ledger { major_id: None, audience: "Digdir: vakttelefon", summary: "Update 1", exercise: false },
        &sms("major-1-update-1-sms", "+47 912 34 567"),
    )
    .await
    .unwrap();
    let hook_id = outbox::enqueue(
        &mut tx,
        &outbox::Ledger { major_id: None, audience: "#drift", summary: "Update 1", exercise: false },
        &webhook("major-1-update-1-hook", http.url("/hook/T000/SECRET")),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let worker = worker_login(&db).await;

    let report = pass(&worker, &notifier, "worker-a", db_now(&worker).await).await;

    assert_eq!(report, PassReport { sent: 3, ..PassReport::default() });
    let mails = smtp.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_tos, ["kari@example.org"]);
    assert_eq!(mails[0].header("Message-ID"), Some("<major-1-update-1-email@vakt>"));
    assert_eq!(mails[0].header("Subject"), Some("Major incident: Altinn login"));
    let requests = http.requests();
    assert_eq!(requests.len(), 2);
    let sms_request = requests.iter().find(|r| r.path == "/sms").expect("the SMS reached the gateway");
    assert_eq!(sms_request.json()["to"], "+4791234567");
    assert_eq!(sms_request.header("Idempotency-Key"), Some("major-1-update-1-sms"));
    let hook_request = requests.iter().find(|r| r.path == "/hook/T000/SECRET").expect("the webhook arrived");
    assert_eq!(hook_request.header("Idempotency-Key"), Some("major-1-update-1-hook"));
    assert_eq!(hook_request.json()["subject"], "Altinn innlogging nede");

    for id in [email_id, sms_id, hook_id] {
        let row = row(&sender, id).await;
        assert_eq!(row.state, OutboxState::Sent, "{row:?}");
        assert_eq!(row.attempts, 1);
        assert!(row.receipt.as_deref().is_some_and(|r| !r.is_empty()), "{row:?}");
        assert!(row.sent_at.is_some());
        assert_eq!(row.locked_by.as_deref(), Some("worker-a"));
        assert_eq!(row.created_by, sender_login);
    }
    let email_row = row(&sender, email_id).await;
    assert!(email_row.receipt.unwrap().contains("250"));
    assert_eq!(email_row.channel, "email");
    assert_eq!(row(&sender, hook_id).await.recipient, format!("{}…", http.url("/")), "the webhook path stays secret");
    let counts = outbox::counts(&sender).await.unwrap();
    assert_eq!((counts.pending, counts.sent, counts.dead), (0, 3, 0));
}

#[tokio::test]
async fn a_message_of_a_rolled_back_transaction_is_never_delivered() {
    let db = TestDb::new().await;
    let http = HttpReceiver::start().await;
    let (_, sender) = db.login("worker").await;
    known_channel(&db, &http.url("/hook")).await;

    let mut tx = sender.begin().await.unwrap();
    outbox::enqueue(
        &mut tx,
        &outbox::Ledger { major_id: None, audience: "#drift", summary: "Update", exercise: false },
        &webhook("rolled-back", http.url("/hook")),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    let report = pass(&db.pool, &webhook_notifier(5), "worker-a", db_now(&db.pool).await + TimeDelta::hours(1)).await;

    assert_eq!(report.claimed(), 0);
    assert!(http.requests().is_empty());
    assert!(rows(&db.pool).await.is_empty());
}

#[tokio::test]
async fn writing_the_same_idempotency_key_twice_keeps_one_message() {
    let db = TestDb::new().await;
    let message = webhook("major-7-update-2-hook", "http://127.0.0.1:9/hook".into());

    let first = enqueue_committed(&db.pool, &message).await;
    let second = enqueue_committed(&db.pool, &message).await;

    assert_eq!(first, second);
    assert_eq!(outbox::counts(&db.pool).await.unwrap().pending, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn three_workers_at_once_deliver_every_message_exactly_once() {
    const MESSAGES: usize = 40;
    const WORKERS: usize = 3;
    let db = TestDb::new().await;
    let http = HttpReceiver::start().await;
    let mut tx = db.pool.begin().await.unwrap();
    for n in 0..MESSAGES {
        let message = webhook(&format!("major-1-update-1-contact-{n}"), http.url(&format!("/hook/{n}")));
        outbox::enqueue(
            &mut tx,
            &outbox::Ledger { major_id: None, audience: &format!("contact {n}"), summary: "Update 1", exercise: false },
            &message,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let notifier = Arc::new(webhook_notifier(10));
    let start = Arc::new(Barrier::new(WORKERS));

    let mut workers = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let pool = worker_login(&db).await;
        let (notifier, start) = (Arc::clone(&notifier), Arc::clone(&start));
        workers.spawn(async move {
            let options = ServeOptions { concurrency: 3, ..ServeOptions::new(format!("worker-{w}")) };
            start.wait().await;
            serve::deliver_due(&pool, &notifier, &options, db_now(&pool).await).await.unwrap()
        });
    }
    let reports = workers.join_all().await;

    assert_eq!(reports.iter().map(|r| r.sent).sum::<usize>(), MESSAGES, "{reports:?}");
    assert!(reports.iter().all(|r| r.claimed() == r.sent), "{reports:?}");
    let requests = http.requests();
    assert_eq!(requests.len(), MESSAGES, "every message arrives once");
    let keys: BTreeSet<&str> = requests.iter().filter_map(|r| r.header("Idempotency-Key")).collect();
    assert_eq!(keys.len(), MESSAGES, "no message arrives twice");
    let all = rows(&db.pool).await;
    assert!(all.iter().all(|row| row.state == OutboxState::Sent && row.attempts == 1), "{all:?}");
}

#[tokio::test]
async fn a_server_error_is_retried_with_back_off_until_the_message_is_sent() {
    let db = TestDb::new().await;
    let http = HttpReceiver::replying([Reply::status(500), Reply::with_body(503, "maintenance")]).await;
    let notifier = webhook_notifier(5);
    let id = enqueue_committed(&db.pool, &webhook("retry-me", http.url("/hook"))).await;
    let t0 = db_now(&db.pool).await;

    let first = pass(&db.pool, &notifier, "worker-a", t0).await;
    assert_eq!(first, PassReport { retrying: 1, ..PassReport::default() });
    let after_first = row(&db.pool, id).await;
    assert_eq!((after_first.state, after_first.attempts), (OutboxState::Retrying, 1));
    assert!(after_first.last_error.as_deref().unwrap().contains("500"), "{after_first:?}");
    let wait = after_first.next_attempt_at - t0;
    assert!(wait >= TimeDelta::seconds(30) && wait < TimeDelta::seconds(35), "first back-off {wait}");

    let too_early = pass(&db.pool, &notifier, "worker-a", t0 + TimeDelta::seconds(29)).await;
    assert_eq!(too_early.claimed(), 0, "not due before its back-off");
    assert_eq!(http.requests().len(), 1);

    let second_at = after_first.next_attempt_at;
    assert_eq!(pass(&db.pool, &notifier, "worker-b", second_at).await.retrying, 1);
    let after_second = row(&db.pool, id).await;
    assert_eq!((after_second.state, after_second.attempts), (OutboxState::Retrying, 2));
    assert!(after_second.last_error.as_deref().unwrap().contains("503"), "{after_second:?}");
    let wait = after_second.next_attempt_at - second_at;
    assert!(wait >= TimeDelta::seconds(60) && wait < TimeDelta::seconds(65), "second back-off {wait}");

    assert_eq!(pass(&db.pool, &notifier, "worker-a", after_second.next_attempt_at).await.sent, 1);
    let sent = row(&db.pool, id).await;
    assert_eq!((sent.state, sent.attempts), (OutboxState::Sent, 3));
    let requests = http.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.header("Idempotency-Key") == Some("retry-me")), "the same key every time");
}

#[tokio::test]
async fn a_client_error_goes_dead_at_once_and_a_mim_can_send_it_again() {
    let db = TestDb::new().await;
    let http = HttpReceiver::replying([Reply::with_body(400, "unknown channel")]).await;
    let notifier = webhook_notifier(5);
    let id = enqueue_committed(&db.pool, &webhook("bad-hook", http.url("/hook"))).await;

    let report = pass(&db.pool, &notifier, "worker-a", db_now(&db.pool).await).await;

    assert_eq!(report, PassReport { dead: 1, ..PassReport::default() });
    let dead = row(&db.pool, id).await;
    assert_eq!((dead.state, dead.attempts), (OutboxState::Dead, 1));
    let error = dead.last_error.unwrap();
    assert!(error.contains("400") && error.contains("unknown channel"), "{error}");
    let dead_letters = outbox::list(&db.pool, StateFilter::Dead, 10).await.unwrap();
    assert_eq!(dead_letters.iter().map(|row| row.id).collect::<Vec<_>>(), [id]);
    let later = db_now(&db.pool).await + TimeDelta::days(1);
    assert_eq!(pass(&db.pool, &notifier, "worker-a", later).await.claimed(), 0, "a dead message stays dead");

    let (_, viewer) = db.login("viewer").await;
    refused(outbox::retry(&viewer, id).await);
    let (_, mim) = db.login("mim").await;
    outbox::retry(&mim, id).await.unwrap();
    let again = row(&db.pool, id).await;
    assert_eq!((again.state, again.attempts), (OutboxState::Pending, 0));
    assert!(matches!(outbox::retry(&mim, id).await, Err(DbError::BadInput(m)) if m.contains("pending")));
    assert!(matches!(outbox::retry(&mim, 999_999).await, Err(DbError::NotFound(_))));

    assert_eq!(pass(&db.pool, &notifier, "worker-a", db_now(&db.pool).await).await.sent, 1);
    assert_eq!(row(&db.pool, id).await.state, OutboxState::Sent);
    assert_eq!(http.requests().len(), 2);
}

#[tokio::test]
async fn a_message_that_keeps_failing_goes_dead_after_the_last_attempt() {
    let db = TestDb::new().await;
    let notifier = webhook_notifier(5);
    let unreachable = format!("http://127.0.0.1:{}/hook", closed_port());
    let id = enqueue_committed(&db.pool, &webhook("never-answers", unreachable)).await;
    let mut now = db_now(&db.pool).await;

    for attempt in 1..outbox::MAX_ATTEMPTS {
        assert_eq!(pass(&db.pool, &notifier, "worker-a", now).await.retrying, 1, "attempt {attempt}");
        let row = row(&db.pool, id).await;
        assert_eq!(row.attempts, attempt);
        now = row.next_attempt_at;
    }
    assert_eq!(pass(&db.pool, &notifier, "worker-a", now).await.dead, 1);

    let dead = row(&db.pool, id).await;
    assert_eq!((dead.state, dead.attempts), (OutboxState::Dead, outbox::MAX_ATTEMPTS));
    assert!(dead.last_error.unwrap().starts_with("gave up after 10 attempts"));
}

#[tokio::test]
async fn an_expired_lease_is_claimed_by_another_worker_and_the_first_cannot_overwrite_it() {
    let db = TestDb::new().await;
    let id = enqueue_committed(&db.pool, &webhook("lease", "http://127.0.0.1:9/hook".into())).await;
    let lease = Duration::from_secs(60);
    let t0 = db_now(&db.pool).await;

    let taken = outbox::claim(&db.pool, "worker-a", 10, lease, t0).await.unwrap();
    assert_eq!(taken.iter().map(|m| (m.id, m.attempt)).collect::<Vec<_>>(), [(id, 1)]);
    assert_eq!(taken[0].message.as_ref().unwrap().idempotency_key, "lease");
    // worker-a dies here without recording anything.
    let during_lease = outbox::claim(&db.pool, "worker-b", 10, lease, t0 + TimeDelta::seconds(59)).await.unwrap();
    assert!(during_lease.is_empty(), "a live lease is respected");
    let retaken = outbox::claim(&db.pool, "worker-b", 10, lease, t0 + TimeDelta::seconds(61)).await.unwrap();
    assert_eq!(retaken.iter().map(|m| (m.id, m.attempt)).collect::<Vec<_>>(), [(id, 2)]);

    let late = t0 + TimeDelta::seconds(62);
    assert_eq!(outbox::mark_sent(&db.pool, id, "worker-a", "250 late").await.unwrap(), Marked::NotHeld);
    assert_eq!(outbox::mark_failed(&db.pool, id, "worker-a", "late", true, late).await.unwrap(), Marked::NotHeld);
    let held = row(&db.pool, id).await;
    assert_eq!((held.state, held.locked_by.as_deref()), (OutboxState::Sending, Some("worker-b")));

    assert_eq!(outbox::mark_sent(&db.pool, id, "worker-b", "250 ok").await.unwrap(), Marked::Sent);
    let sent = row(&db.pool, id).await;
    assert_eq!((sent.state, sent.receipt.as_deref(), sent.attempts), (OutboxState::Sent, Some("250 ok"), 2));
}

#[tokio::test]
async fn a_message_whose_worker_died_on_its_last_attempt_goes_dead_instead_of_looping() {
    let db = TestDb::new().await;
    let id = enqueue_committed(&db.pool, &webhook("poison", "http://127.0.0.1:9/hook".into())).await;
    sqlx::query("UPDATE outbox SET attempts = $2 - 1, state = 'retrying', last_error = 'HTTP 503' WHERE id = $1")
        .bind(id)
        .bind(outbox::MAX_ATTEMPTS)
        .execute(&db.pool)
        .await
        .unwrap();
    let t0 = db_now(&db.pool).await;
    let last = outbox::claim(&db.pool, "worker-a", 10, Duration::from_secs(60), t0).await.unwrap();
    assert_eq!(last[0].attempt, outbox::MAX_ATTEMPTS);

    let after_lease = outbox::claim(&db.pool, "worker-b", 10, Duration::from_secs(60), t0 + TimeDelta::hours(1));

    assert!(after_lease.await.unwrap().is_empty());
    let dead = row(&db.pool, id).await;
    assert_eq!(dead.state, OutboxState::Dead);
    let error = dead.last_error.unwrap();
    assert!(error.contains("worker-a did not finish within its lease") && error.contains("HTTP 503"), "{error}");
}

#[tokio::test]
async fn viewers_and_operators_cannot_write_or_deliver_the_outbox() {
    let db = TestDb::new().await;
    let id = enqueue_committed(&db.pool, &webhook("guarded", "http://127.0.0.1:9/hook".into())).await;
    let now = db_now(&db.pool).await;

    for role in ["viewer", "operator"] {
        let (_, pool) = db.login(role).await;
        let mut tx = pool.begin().await.unwrap();
        let message = webhook(&format!("by-{role}"), "http://127.0.0.1:9/hook".into());
        refused(
            outbox::enqueue(
                &mut tx,
                &outbox::Ledger { major_id: None, audience: "#drift", summary: "Update", exercise: false },
                &message,
            )
            .await,
        );
        tx.rollback().await.unwrap();
        refused(outbox::claim(&pool, "sneaky", 10, Duration::from_secs(60), now).await);
        refused(outbox::mark_sent(&pool, id, "sneaky", "250").await);
        refused(outbox::retry(&pool, id).await);
        let forged = sqlx::query("UPDATE outbox SET state = 'sent' WHERE id = $1").bind(id).execute(&pool).await;
        refused(forged.map_err(DbError::from));
        let deleted = sqlx::query("DELETE FROM outbox WHERE id = $1").bind(id).execute(&pool).await;
        refused(deleted.map_err(DbError::from));
        // They read the ledger (states and summaries), not the recipients and bodies.
        let state: String =
            sqlx::query_scalar("SELECT state FROM outbox WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap();
        assert_eq!(state, "pending");
        refused(outbox::list(&pool, StateFilter::All, 10).await);
    }

    // A MIM sends to channels in the contact directory, sends dead messages again, and records no deliveries.
    let (_, mim) = db.login("mim").await;
    let mut tx = mim.begin().await.unwrap();
    let message = webhook("to-an-internal-address", "http://169.254.169.254/latest".into());
    let err = outbox::enqueue(
        &mut tx,
        &outbox::Ledger { major_id: None, audience: "#drift", summary: "Update", exercise: false },
        &message,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("contact directory"), "{err}");
    tx.rollback().await.unwrap();
    for sql in [
        "UPDATE outbox SET state = 'sent' WHERE id = $1",
        "UPDATE outbox SET message = '{}' WHERE id = $1",
        "UPDATE outbox SET receipt = 'forged' WHERE id = $1",
    ] {
        refused(sqlx::query(sql).bind(id).execute(&mim).await.map_err(DbError::from));
    }
    refused(outbox::mark_sent(&mim, id, "sneaky", "250").await);
}

#[tokio::test]
async fn the_worker_wakes_on_a_new_message_and_stops_when_asked() {
    let db = TestDb::new().await;
    let http = HttpReceiver::start().await;
    let mut changes = change_listener(&db.pool).await;
    let first = enqueue_committed(&db.pool, &webhook("before-start", http.url("/hook"))).await;
    let (stop, stopped) = oneshot::channel::<()>();
    let pool = worker_login(&db).await;
    // Polling once an hour: only a change notice can make it deliver the second message.
    let options = ServeOptions { poll_interval: Duration::from_secs(3600), ..ServeOptions::new("listening") };
    let worker = tokio::spawn(async move {
        serve::run(&pool, &webhook_notifier(5), &options, async move {
            let _ = stopped.await;
        })
        .await;
    });
    until_outbox(&mut changes, &db.pool, |rows| rows.iter().any(|r| r.id == first && r.state == OutboxState::Sent))
        .await;

    let second = enqueue_committed(&db.pool, &webhook("after-start", http.url("/hook"))).await;
    until_outbox(&mut changes, &db.pool, |rows| rows.iter().any(|r| r.id == second && r.state == OutboxState::Sent))
        .await;
    stop.send(()).unwrap();

    tokio::time::timeout(EVENT_LIMIT, worker).await.expect("the worker stops").unwrap();
    assert_eq!(http.requests().len(), 2);
}

#[tokio::test]
async fn shutdown_lets_a_delivery_in_flight_finish_and_record_its_outcome() {
    let db = TestDb::new().await;
    // The receiver never answers, so the delivery is in flight until the webhook's 1 s timeout.
    let http = HttpReceiver::replying([Reply::Hang]).await;
    let mut changes = change_listener(&db.pool).await;
    let id = enqueue_committed(&db.pool, &webhook("in-flight", http.url("/hook"))).await;
    let (stop, stopped) = oneshot::channel::<()>();
    let pool = db.pool.clone();
    let options = ServeOptions { poll_interval: Duration::from_secs(3600), ..ServeOptions::new("stopping") };
    let worker = tokio::spawn(async move {
        serve::run(&pool, &webhook_notifier(1), &options, async move {
            let _ = stopped.await;
        })
        .await;
    });
    until_outbox(&mut changes, &db.pool, |rows| rows.iter().any(|r| r.id == id && r.attempts == 1)).await;

    stop.send(()).unwrap();
    tokio::time::timeout(EVENT_LIMIT, worker).await.expect("the worker stops").unwrap();

    let recorded = row(&db.pool, id).await;
    assert_eq!((recorded.state, recorded.attempts), (OutboxState::Retrying, 1), "{recorded:?}");
    assert!(recorded.last_error.unwrap().contains("no answer in time"));
}

async fn vakt(args: &[&str], state_dir: &std::path::Path) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_vakt"))
        .args(args)
        .env("VAKT_CONFIG", state_dir.join("config.toml"))
        .env_remove("DATABASE_URL")
        .env("XDG_STATE_HOME", state_dir)
        .output()
        .await
        .expect("run vakt")
}

/// A config and state directory for the binary, removed on drop.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("vakt-outbox-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), "").unwrap();
        Self(dir)
    }
}

impl std::ops::Deref for ScratchDir {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn success(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[tokio::test]
async fn the_cli_delivers_once_lists_dead_letters_and_retries_them() {
    let db = TestDb::new().await;
    let http = HttpReceiver::start().await;
    // No [notify.smtp] in the (absent) config file, so the e-mail cannot go.
    let dir = ScratchDir::new("once");
    let mail_id = enqueue_committed(&db.pool, &email("cli-mail", "kari@example.org")).await;
    let hook_id = enqueue_committed(&db.pool, &webhook("cli-hook", http.url("/hook"))).await;
    let url = db.url();
    let (viewer, _) = db.login("viewer").await;
    let viewer_url = db.url_as(&viewer);

    let out = vakt(&["--database-url", &url, "serve", "--once", "--worker-id", "cli-once"], &dir).await;
    assert!(success(&out).contains("sent 1, retrying 0, dead 1"));
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(warnings.contains("no [notify.smtp]") && warnings.contains("no [notify.sms]"), "{warnings}");
    assert_eq!(http.requests().len(), 1);

    let out = vakt(&["--database-url", &url, "outbox", "list", "--state", "dead", "--format", "json"], &dir).await;
    let dead: serde_json::Value = serde_json::from_str(&success(&out)).unwrap();
    let dead = dead.as_array().unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0]["id"], mail_id);
    assert_eq!(dead[0]["state"], "dead");
    assert_eq!(dead[0]["channel"], "email");
    assert_eq!(dead[0]["recipient"], "kari@example.org");
    assert!(dead[0]["last_error"].as_str().unwrap().contains("[notify.smtp]"), "{:?}", dead[0]);
    assert!(dead[0].get("message").is_none(), "bodies stay out of the listing");

    let out = vakt(&["--database-url", &url, "outbox", "list", "--state", "sent", "--format", "json"], &dir).await;
    let sent: serde_json::Value = serde_json::from_str(&success(&out)).unwrap();
    assert_eq!(sent[0]["id"], hook_id);
    assert_eq!(sent[0]["locked_by"], "cli-once");
    assert!(sent[0]["receipt"].as_str().unwrap().contains("200"), "{sent}");
    let table = success(&vakt(&["--database-url", &url, "outbox", "list"], &dir).await);
    assert!(table.starts_with("id  state") && table.contains("[notify.smtp]"), "{table}");
    let csv = success(&vakt(&["--database-url", &url, "outbox", "list", "--format", "csv"], &dir).await);
    assert!(csv.starts_with("id,state,channel"), "{csv}");

    let id = mail_id.to_string();
    let out = vakt(&["--database-url", &viewer_url, "outbox", "retry", &id], &dir).await;
    assert_eq!(out.status.code(), Some(3), "refused: {}", String::from_utf8_lossy(&out.stderr));
    for bad in [
        &["outbox", "retry", "seven"][..],
        &["outbox", "list", "--state", "lost"],
        &["outbox", "list", "--limit", "0"],
        &["outbox", "retry", "999999"],
        &["serve", "--once", "--worker-id", " "],
    ] {
        let mut args = vec!["--database-url", url.as_str()];
        args.extend(bad);
        assert_eq!(vakt(&args, &dir).await.status.code(), Some(2), "{bad:?}");
    }
    assert!(success(&vakt(&["--database-url", &url, "outbox", "retry", &id], &dir).await).contains("pending again"));
    let out = vakt(&["--database-url", &url, "outbox", "list", "--state", "pending", "--format", "json"], &dir).await;
    let pending: serde_json::Value = serde_json::from_str(&success(&out)).unwrap();
    assert_eq!(pending[0]["id"], mail_id);
    assert_eq!(pending[0]["attempts"], 0);
}

#[tokio::test]
async fn vakt_serve_delivers_as_messages_come_and_stops_cleanly_on_sigterm() {
    let db = TestDb::new().await;
    let http = HttpReceiver::start().await;
    let mut changes = change_listener(&db.pool).await;
    let dir = ScratchDir::new("daemon");
    let url = db.url();
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_vakt"))
        .args(["--database-url", &url, "serve", "--worker-id", "daemon"])
        .env("VAKT_CONFIG", dir.join("config.toml"))
        .env_remove("DATABASE_URL")
        .env("XDG_STATE_HOME", &*dir)
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();

    let mut message = webhook("daemon-1", http.url("/hook/T000/B000/SECRET-TOKEN"));
    message.body = "confidential-body-text".into();
    let id = enqueue_committed(&db.pool, &message).await;
    until_outbox(&mut changes, &db.pool, |rows| rows.iter().any(|r| r.id == id && r.state == OutboxState::Sent)).await;
    let pid = serve.id().unwrap().to_string();
    let killed = tokio::process::Command::new("kill").args(["-TERM", &pid]).status().await.unwrap();
    assert!(killed.success());

    let status = tokio::time::timeout(EVENT_LIMIT, serve.wait()).await.expect("vakt serve stops").unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(http.requests().len(), 1);
    let log = std::fs::read_to_string(dir.join("vakt/vakt.log")).unwrap();
    assert!(log.contains("outbox message sent") && log.contains("daemon-1"), "{log}");
    assert!(!log.contains("SECRET-TOKEN") && !log.contains("confidential-body-text"), "secrets leaked: {log}");
}
