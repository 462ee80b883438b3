//! Database ring: migrations, the schema check, the notify trigger, rights enforced by PostgreSQL.

use std::time::Duration;

use sqlx::postgres::PgListener;
use vakt::app::ChangeNotice;
use vakt::db::schema::{SchemaState, require_current, schema_state};
use vakt::db::{DbError, incidents, staff};

use crate::harness::{TestDb, insert_incident, seed_reference};

async fn next_notice(listener: &mut PgListener) -> ChangeNotice {
    let notification = tokio::time::timeout(Duration::from_secs(10), listener.recv())
        .await
        .expect("a notice within 10 s")
        .expect("listener");
    ChangeNotice::parse(notification.payload()).unwrap_or_else(|| panic!("bad payload {}", notification.payload()))
}

#[tokio::test]
async fn a_migrated_database_is_current_and_others_are_explained() {
    let db = TestDb::new().await;
    assert_eq!(schema_state(&db.pool).await.unwrap(), SchemaState::Current);
    require_current(&db.pool).await.unwrap();

    sqlx::query("DELETE FROM _sqlx_migrations").execute(&db.pool).await.unwrap();
    let err = require_current(&db.pool).await.unwrap_err();
    assert!(err.to_string().contains("vakt migrate"), "{err}");

    sqlx::query("DROP TABLE vakt_meta").execute(&db.pool).await.unwrap();
    match schema_state(&db.pool).await.unwrap() {
        SchemaState::Foreign { tables } => assert!(tables.contains(&"agreements".to_string()), "{tables:?}"),
        other => panic!("expected a foreign database, got {other:?}"),
    }
    let err = vakt::db::schema::migrate_checked(&db.pool).await.unwrap_err();
    assert!(err.to_string().contains("another application"), "{err}");
}

#[tokio::test]
async fn notices_arrive_only_when_the_transaction_commits() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let id = insert_incident(&db.pool, service, version, "Autentisering nede", Some("A")).await;
    let mut listener = PgListener::connect_with(&db.pool).await.unwrap();
    listener.listen("vakt").await.unwrap();

    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query("UPDATE incidents SET title = 'Autentisering nede i SBL' WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    // A marker sent after the update but before the commit must arrive first: the update's notice waits.
    sqlx::query("SELECT pg_notify('vakt', '{\"t\":\"marker\",\"id\":null,\"v\":null,\"op\":\"test\"}')")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(next_notice(&mut listener).await.table, "marker");
    tx.commit().await.unwrap();
    let notice = next_notice(&mut listener).await;
    assert_eq!((notice.table.as_str(), notice.id, notice.version), ("incidents", Some(id), Some(2)));

    // A rolled-back change is never announced: the next notice is the committed one after it.
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query("UPDATE incidents SET title = 'rolled back' WHERE id = $1").bind(id).execute(&mut *tx).await.unwrap();
    tx.rollback().await.unwrap();
    sqlx::query("UPDATE incidents SET title = 'committed' WHERE id = $1").bind(id).execute(&db.pool).await.unwrap();
    let notice = next_notice(&mut listener).await;
    assert_eq!(notice.version, Some(3), "the rolled-back update must not have been announced or counted");
}

#[tokio::test]
async fn every_update_bumps_the_version_even_from_psql() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let id = insert_incident(&db.pool, service, version, "Printer", None).await;
    sqlx::query("UPDATE incidents SET version = 1, title = 'Printer on floor 2' WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    let v: i32 =
        sqlx::query_scalar("SELECT version FROM incidents WHERE id = $1").bind(id).fetch_one(&db.pool).await.unwrap();
    assert_eq!(v, 2);
}

#[tokio::test]
async fn a_viewer_reads_but_cannot_write_even_with_sql() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    insert_incident(&db.pool, service, version, "TUL slow", Some("B")).await;
    let (_, viewer) = db.login("viewer").await;

    assert_eq!(incidents::list_open(&viewer).await.unwrap().len(), 1);
    let err: DbError =
        sqlx::query("INSERT INTO incidents (service_id, agreement_version_id, title) VALUES ($1, $2, 'x')")
            .bind(service)
            .bind(version)
            .execute(&viewer)
            .await
            .unwrap_err()
            .into();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
    assert_eq!(err.exit_code(), 3);
    let err: DbError = sqlx::query("UPDATE incidents SET title = 'x'").execute(&viewer).await.unwrap_err().into();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
    let new = staff::NewStaff { login: "intruder", full_name: "Intruder", role: "admin", ..Default::default() };
    assert!(matches!(staff::add(&viewer, &new).await, Err(DbError::Refused(_))));
}

#[tokio::test]
async fn an_operator_writes_incidents_and_history_stays_append_only() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let (login, operator) = db.login("operator").await;

    let id = insert_incident(&operator, service, version, "SBL down", Some("A")).await;
    sqlx::query(
        "INSERT INTO incident_events (incident_id, kind, actor, at) VALUES ($1, 'note', 'someone_else', '2001-01-01')",
    )
    .bind(id)
    .execute(&operator)
    .await
    .unwrap();
    let (actor, year): (String, f64) =
        sqlx::query_as("SELECT actor, extract(year FROM at)::float8 FROM incident_events WHERE incident_id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(actor, login, "the actor is the login, not what the client claimed");
    assert!(year >= 2026.0, "an operator cannot back-date history");

    for sql in [
        "UPDATE incident_events SET kind = 'x'",
        "DELETE FROM incident_events",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET actor = 'x'",
        "INSERT INTO audit_log (table_name, action, new_row) VALUES ('incidents', 'DELETE', '{}')",
    ] {
        let err: DbError = sqlx::query(sql).execute(&operator).await.unwrap_err().into();
        assert!(matches!(err, DbError::Refused(_)), "{sql}: {err:?}");
    }
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE table_name = 'incidents' AND actor = $1")
            .bind(&login)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn staff_add_creates_a_login_with_exactly_one_role_and_checks_input() {
    let db = TestDb::new().await;
    let (_, admin) = db.login("admin").await;
    let login = format!("vt_{}_kari", std::process::id());
    let kari = staff::NewStaff { login: &login, full_name: "Kari Nordmann", role: "operator", ..Default::default() };
    staff::add(&admin, &kari).await.unwrap();
    let promoted = staff::NewStaff { role: "mim", ..kari.clone() };
    staff::add(&admin, &promoted).await.unwrap();
    let pool = vakt::db::connect(&db.url_as(&login), 1).await.unwrap();
    let me = staff::whoami(&pool).await.unwrap();
    assert_eq!(me.full_name.as_deref(), Some("Kari Nordmann"));
    assert!(me.rights.mim && me.rights.operator && !me.rights.admin);
    assert_eq!(me.rights.label(), "mim");

    for (bad_login, role, expected) in [
        ("Robert'); DROP TABLE staff;--", "viewer", "invalid login"),
        ("ola", "king", "unknown role"),
        ("vakt_admin", "admin", "reserved"),
    ] {
        let bad = staff::NewStaff { login: bad_login, full_name: "X", role, ..Default::default() };
        let err = staff::add(&admin, &bad).await.unwrap_err();
        assert!(matches!(err, DbError::BadInput(_)) && err.to_string().contains(expected), "{err:?}");
    }
}

#[tokio::test]
async fn priorities_outside_the_agreement_and_empty_titles_are_refused() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let insert = |title: &'static str, priority: &'static str| {
        sqlx::query("INSERT INTO incidents (service_id, agreement_version_id, title, priority) VALUES ($1, $2, $3, $4)")
            .bind(service)
            .bind(version)
            .bind(title)
            .bind(priority)
    };
    let err: DbError = insert("ok", "Kritisk").execute(&db.pool).await.unwrap_err().into();
    assert!(matches!(err, DbError::BadInput(_)), "{err:?}");
    let err: DbError = insert("   ", "A").execute(&db.pool).await.unwrap_err().into();
    assert!(matches!(err, DbError::BadInput(_)), "{err:?}");
    let err: DbError = sqlx::query(
        "INSERT INTO incidents (service_id, agreement_version_id, title, status) VALUES ($1, $2, 'x', 'in_progress')",
    )
    .bind(service)
    .bind(version)
    .execute(&db.pool)
    .await
    .unwrap_err()
    .into();
    assert!(matches!(err, DbError::BadInput(_)), "priority is mandatory before leaving new: {err:?}");
}

#[tokio::test]
async fn the_board_query_and_the_incident_view_read_what_was_written() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let id = insert_incident(&db.pool, service, version, "REST API unavailable\u{1b}[2J", Some("A")).await;
    sqlx::query(
        "UPDATE incident_events SET data = data || '{\"channel\":\"phone\"}' WHERE incident_id = $1 AND kind = 'received'",
    )
    .bind(id)
    .execute(&db.pool)
    .await
    .unwrap();
    let board = incidents::list_open(&db.pool).await.unwrap();
    assert_eq!(board.len(), 1);
    let row = &board[0];
    assert_eq!(row.title, "REST API unavailable\u{1b}[2J", "stored as given");
    assert_eq!((row.priority.as_deref(), row.priority_rank), (Some("A"), Some(1)));
    assert!(row.service.organisation.contains("Altinn sentralforvaltning"), "{}", row.service.organisation);
    let reference = row.reference.clone();
    assert_eq!(incidents::id_by_ref(&db.pool, &reference.to_lowercase()).await.unwrap(), id);
    let detail = incidents::detail_by_id(&db.pool, id).await.unwrap().unwrap();
    assert_eq!(detail.events.len(), 1);
    assert_eq!(detail.events[0].kind, "received");
    assert!(matches!(incidents::id_by_ref(&db.pool, "INC-1").await, Err(DbError::NotFound(_))));
}

#[tokio::test]
async fn operators_change_only_lifecycle_columns_and_chairs_write_no_incident_history() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    let (_, operator) = db.login("operator").await;
    let (_, chair) = db.login("chair").await;
    let id = insert_incident(&operator, service, version, "SBL down", Some("A")).await;

    // An incident is registered as the server sees it, whatever the client writes.
    let mut tx = operator.begin().await.unwrap();
    let received: (i64, bool, String) = sqlx::query_as(
        "INSERT INTO incidents (service_id, agreement_version_id, title, received_at, created_by)
         VALUES ($1, $2, 'back-dated', '2001-01-01', 'someone_else')
         RETURNING id, received_at > now() - interval '1 minute', created_by",
    )
    .bind(service)
    .bind(version)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert!(received.1 && received.2 != "someone_else", "{received:?}");
    sqlx::query("INSERT INTO incident_events (incident_id, kind) VALUES ($1, 'received')")
        .bind(received.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Without its reception in the same transaction, no action could ever be taken on it.
    let err: DbError =
        sqlx::query("INSERT INTO incidents (service_id, agreement_version_id, title) VALUES ($1, $2, 't')")
            .bind(service)
            .bind(version)
            .execute(&operator)
            .await
            .unwrap_err()
            .into();
    assert!(err.to_string().contains("has no 'received' entry"), "{err}");
    for sql in [
        "INSERT INTO incidents (service_id, agreement_version_id, title, ref) VALUES ($1, $2, 't', '../x')",
        "INSERT INTO incidents (service_id, agreement_version_id, title, priority, status)
         VALUES ($1, $2, 't', 'A', 'resolved')",
        "INSERT INTO incidents (service_id, agreement_version_id, title, major) VALUES ($1, $2, 't', true)",
    ] {
        let err: DbError = sqlx::query(sql).bind(service).bind(version).execute(&operator).await.unwrap_err().into();
        assert!(matches!(err, DbError::Refused(_)), "{sql}: {err:?}");
    }

    // History the clocks could not replay would block every later action on the incident.
    for sql in [
        "INSERT INTO incident_events (incident_id, kind, data) VALUES ($1, 'paused', '{\"reason\": \"lunsj\"}')",
        "INSERT INTO incident_events (incident_id, kind, data) VALUES ($1, 'priority_changed', '{\"to\": \"Z\"}')",
        "INSERT INTO incident_events (incident_id, kind) VALUES ($1, 'resumed')",
        "INSERT INTO incident_events (incident_id, kind) VALUES ($1, 'deprioritised')",
        "INSERT INTO incident_events (incident_id, kind) VALUES ($1, 'bogus_kind')",
        "INSERT INTO incident_events (incident_id, kind, data) VALUES ($1, 'replanned', '{\"target\": \"resolution\"}')",
    ] {
        let err: DbError = sqlx::query(sql).bind(id).execute(&operator).await.unwrap_err().into();
        assert!(matches!(err, DbError::BadInput(_)), "{sql}: {err:?}");
    }

    for sql in [
        "UPDATE incidents SET ref = 'X-1' WHERE id = $1",
        "UPDATE incidents SET received_at = now() - interval '1 day' WHERE id = $1",
    ] {
        let err: DbError = sqlx::query(sql).bind(id).execute(&operator).await.unwrap_err().into();
        assert!(matches!(err, DbError::Refused(_)), "{sql}: {err:?}");
    }
    let resolve = "UPDATE incidents SET status = 'resolved', sla_outcome = '{\"met\": true}' WHERE id = $1";
    let err: DbError = sqlx::query(resolve).bind(id).execute(&operator).await.unwrap_err().into();
    assert!(err.to_string().contains("only together with an entry in its history"), "{err}");
    let err: DbError = sqlx::query("UPDATE incidents SET major = true WHERE id = $1")
        .bind(id)
        .execute(&operator)
        .await
        .unwrap_err()
        .into();
    assert!(err.to_string().contains("major-incident record"), "{err}");
    let mut tx = operator.begin().await.unwrap();
    sqlx::query("INSERT INTO incident_events (incident_id, kind) VALUES ($1, 'resolved')")
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(resolve).bind(id).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let err: DbError = sqlx::query("UPDATE incidents SET sla_outcome = '{\"met\": false}' WHERE id = $1")
        .bind(id)
        .execute(&operator)
        .await
        .unwrap_err()
        .into();
    assert!(err.to_string().contains("frozen at resolution"), "{err}");

    let err: DbError = sqlx::query("INSERT INTO incident_events (incident_id, kind) VALUES ($1, 'note')")
        .bind(id)
        .execute(&chair)
        .await
        .unwrap_err()
        .into();
    assert!(matches!(err, DbError::Refused(_)), "a chair writes minutes, not incident history: {err:?}");
}

/// A console's start-up: `route::connect` returns once the first connection is open, hands it over open and the
/// other still opening; a connection whose opening failed is replaced by one from the pool.
#[tokio::test]
async fn the_start_up_gets_its_first_connection_open_and_the_second_as_it_opens() {
    let db = TestDb::new().await;
    let routes = vakt::db::route::connect(&db.url(), None, None, vakt::db::route::CONSOLE_CONNECTIONS).await.unwrap();
    let mut ready = routes.take_ready().into_iter();
    let (first, second) = (ready.next().unwrap(), ready.next().unwrap());
    assert!(ready.next().is_none(), "two connections at start");
    assert!(matches!(first, vakt::db::ReadyConnection::Open(_)), "{first:?}");
    assert!(routes.take_ready().is_empty(), "handed over once");
    let pool = routes.primary().clone();
    let mut first = first.open(&pool).await.unwrap();
    let mut second = second.open(&pool).await.unwrap();
    let pids = "SELECT pg_backend_pid()";
    let (a, b): (i32, i32) = (
        sqlx::query_scalar(pids).fetch_one(&mut *first).await.unwrap(),
        sqlx::query_scalar(pids).fetch_one(&mut *second).await.unwrap(),
    );
    assert_ne!(a, b, "two server processes");

    let failed = vakt::db::ReadyConnection::Opening(tokio::spawn(async { Err(sqlx::Error::PoolTimedOut) }));
    let mut replaced = failed.open(&pool).await.expect("a connection from the pool instead");
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(&mut *replaced).await.unwrap();
    assert_eq!(one, 1);
}

/// The console's connect is refused well within the pool's 5 s of retries, and says why, whether nothing listens (the
/// probe after 200 ms) or the server refuses the login (the first connection's own error).
#[tokio::test]
async fn a_console_connect_that_cannot_open_says_why_at_once() {
    let nothing = format!("postgresql://nobody@127.0.0.1:{}/none", crate::servers::closed_port());
    let started = std::time::Instant::now();
    let err = vakt::db::route::connect(&nothing, None, None, vakt::db::route::CONSOLE_CONNECTIONS).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert!(err.to_string().contains("is the server running"), "{err}");

    let db = TestDb::new().await;
    let started = std::time::Instant::now();
    let err = vakt::db::route::connect(&db.url_as("vt_nobody_here"), None, None, 3).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert!(err.to_string().contains("not known to this database"), "{err}");
}
