//! The hostile-login suite (issue 8): each role, logged in with its own login, tries with plain SQL what a psql
//! session could try against the database's rules — shadowing through the temporary schema, overloads in a
//! writable `public`, `SET ROLE`, forged rows in the outbox, infinite instants, rewriting what is frozen — and each
//! attempt must be refused or come to nothing. Scripts run as one simple-protocol query, as psql sends them, so a
//! script is one transaction.

use sqlx::{AssertSqlSafe, PgPool, Postgres};
use vakt::db::lifecycle::{self, NewIncident};
use vakt::db::majors::{self, DeclareRequest};
use vakt::db::{agreements, outbox, staff};
use vakt::demo::SEED_AGREEMENTS;
use vakt::domain::incident::lifecycle::IncidentAction;

use crate::harness::{Psql, TestDb};

async fn scalar<T>(pool: &PgPool, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin,
{
    sqlx::query_scalar(AssertSqlSafe(sql.to_string())).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn with_seeds(db: &TestDb) {
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
}

async fn sbl_incident(pool: &PgPool, priority: Option<&str>) -> i64 {
    let new = NewIncident {
        service: "SBL".into(),
        priority: priority.map(String::from),
        title: "SBL utilgjengelig".into(),
        ..NewIncident::default()
    };
    lifecycle::create(pool, &new).await.unwrap().id
}

/// A database as a copy made without `vakt migrate` would be: every login may create temporary objects. The
/// functions must hold even then.
async fn allow_temporary_objects(db: &TestDb) {
    sqlx::query(AssertSqlSafe(format!("GRANT TEMPORARY ON DATABASE {} TO PUBLIC", db.name)))
        .execute(&db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_function_pins_its_search_path_and_definers_are_owned_by_roles_with_nothing_else() {
    let db = TestDb::new().await;
    let unpinned: Vec<String> = sqlx::query_scalar(
        "SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
           AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
         ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(unpinned.is_empty(), "functions without `SET search_path = pg_catalog, pg_temp`: {unpinned:?}");
    let functions: i64 =
        scalar(&db.pool, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace").await;
    assert!(functions > 25, "the check saw {functions} functions");

    let definers: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.proname::text, pg_get_userbyid(p.proowner)::text FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let expected = [
        ("vakt_resend_dead_to", "vakt_postmaster"),
        ("vakt_row_changed", "vakt_auditor"),
        ("vakt_seal_description", "vakt_sealer"),
        ("vakt_service_days_inserted", "vakt_tallier"),
        ("vakt_service_days_recount", "vakt_tallier"),
        ("vakt_service_days_updated", "vakt_tallier"),
        ("vakt_staff_add", "vakt_staff_keeper"),
        ("vakt_staff_deactivate", "vakt_staff_keeper"),
        ("vakt_staff_reactivate", "vakt_staff_keeper"),
        ("vakt_staff_role", "vakt_staff_keeper"),
        ("vakt_staff_security", "vakt_staff_keeper"),
        ("vakt_staff_servicedesk", "vakt_staff_keeper"),
        ("vakt_survey_backfill", "vakt_surveyor"),
        ("vakt_survey_closed", "vakt_surveyor"),
        ("vakt_survey_draw", "vakt_surveyor"),
    ];
    let definers: Vec<(&str, &str)> = definers.iter().map(|(f, o)| (f.as_str(), o.as_str())).collect();
    assert_eq!(definers, expected);
    // The owners log in as nobody, create nothing, and use no vakt role's rights.
    let (login, creates, uses): (bool, bool, bool) = sqlx::query_as(
        "SELECT bool_or(o.rolcanlogin), bool_or(has_schema_privilege(o.oid, 'public', 'CREATE')),
                bool_or(pg_has_role(o.oid, g.oid, 'USAGE'))
         FROM pg_roles o CROSS JOIN pg_roles g
         WHERE o.rolname IN ('vakt_auditor', 'vakt_staff_keeper', 'vakt_tallier', 'vakt_surveyor', 'vakt_sealer') AND g.rolname LIKE 'vakt\\_%' AND g.oid <> o.oid",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((login, creates, uses), (false, false, false));
}

#[tokio::test]
async fn no_login_creates_objects_and_only_vakt_roles_connect() {
    let db = TestDb::new().await;
    for role in ["viewer", "operator", "mim", "chair", "admin", "worker"] {
        let (_, pool) = db.login(role).await;
        let mut psql = Psql::open(&pool).await;
        psql.refused("CREATE TEMP TABLE shadow (i int)", "permission denied").await;
        psql.refused("CREATE TEMP VIEW pg_roles AS SELECT 1", "permission denied").await;
        psql.refused("CREATE TABLE public.shadow (i int)", "permission denied").await;
        psql.refused("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "permission denied").await;
        psql.refused("CREATE SCHEMA mine", "permission denied").await;
    }
    // A login that is not vakt staff is turned away at the door.
    let outsider = format!("vt_{}_outsider", std::process::id());
    sqlx::query(AssertSqlSafe(format!("CREATE ROLE {outsider} LOGIN"))).execute(&db.pool).await.unwrap();
    let err = vakt::db::connect(&db.url_as(&outsider), 1).await.unwrap_err();
    let err = err.to_string();
    assert!(err.contains("permission denied for database") && err.contains("only vakt staff"), "{err}");
}

#[tokio::test]
async fn a_temporary_pg_roles_view_or_history_table_shadows_nothing() {
    let db = TestDb::new().await;
    allow_temporary_objects(&db).await;
    with_seeds(&db).await;
    let (kari, operator) = db.login("operator").await;
    let id = sbl_incident(&operator, Some("B")).await;
    let mut psql = Psql::open(&operator).await;
    // Every login can be a superuser as far as its own pg_temp goes.
    psql.run(
        "CREATE TEMP VIEW pg_roles AS SELECT rolname, true AS rolsuper FROM pg_catalog.pg_roles;
         CREATE TEMP TABLE audit_log (id bigint, table_name text, row_id bigint, action text, old_row jsonb, new_row jsonb);
         CREATE TEMP TABLE incident_events (incident_id bigint, kind text, data jsonb);
         CREATE TEMP TABLE incidents (LIKE public.incidents)",
    )
    .await
    .unwrap();
    psql.refused(
        &format!("INSERT INTO public.incident_events (incident_id, kind) VALUES ({id}, 'forged')"),
        "unknown kind",
    )
    .await;
    psql.run(&format!(
        "INSERT INTO public.incident_events (incident_id, kind, actor, at) VALUES ({id}, 'note', 'ola', '2001-01-01')"
    ))
    .await
    .unwrap();
    let (actor, backdated): (String, bool) = sqlx::query_as(
        "SELECT actor, at < now() - interval '1 day' FROM incident_events WHERE kind = 'note' AND incident_id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((actor.as_str(), backdated), (kari.as_str(), false));
    // The state still follows the real history, and the real audit log records the change.
    psql.refused(
        &format!(
            "INSERT INTO incident_events (incident_id, kind) VALUES ({id}, 'note');
             UPDATE public.incidents SET priority = 'C', next_due_at = now() + interval '1 year' WHERE id = {id}"
        ),
        "only together with an entry in its history",
    )
    .await;
    psql.refused(&format!("UPDATE public.incidents SET title = 'renamed' WHERE id = {id}"), "permission denied").await;
    psql.run(&format!(
        "INSERT INTO public.incident_events (incident_id, kind, data) VALUES ({id}, 'assigned', '{{}}');
         UPDATE public.incidents SET support_line = '2nd' WHERE id = {id}"
    ))
    .await
    .unwrap();
    let audited: i64 = scalar(
        &db.pool,
        &format!(
            "SELECT count(*) FROM audit_log WHERE row_id = {id} AND table_name = 'incidents' AND actor = '{kari}'"
        ),
    )
    .await;
    assert!(audited >= 2, "the registration and the change are in the real audit log, by {kari}");
    // An incident "created by" someone else is still created by the login.
    psql.run(
        "WITH i AS (INSERT INTO public.incidents (service_id, agreement_version_id, title, created_by)
                    SELECT s.id, v.id, 'by someone else', 'ola' FROM services s
                    JOIN agreement_versions v ON v.agreement_id = s.agreement_id WHERE s.code = 'SBL' LIMIT 1
                    RETURNING id)
         INSERT INTO public.incident_events (incident_id, kind) SELECT id, 'received' FROM i",
    )
    .await
    .unwrap();
    let creator: String = scalar(&db.pool, "SELECT created_by FROM incidents WHERE title = 'by someone else'").await;
    assert_eq!(creator, kari);
}

#[tokio::test]
async fn a_temporary_trigger_cannot_forge_audit_rows() {
    let db = TestDb::new().await;
    allow_temporary_objects(&db).await;
    let (_, operator) = db.login("operator").await;
    let mut psql = Psql::open(&operator).await;
    psql.run(
        "CREATE TEMP TABLE carrier (i int);
         CREATE FUNCTION pg_temp.forge() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             INSERT INTO public.audit_log (table_name, row_id, action, new_row)
             VALUES ('incidents', 1, 'delete', '{}');
             RETURN NULL;
         END $$;
         CREATE TRIGGER forge AFTER INSERT ON carrier FOR EACH ROW EXECUTE FUNCTION pg_temp.forge()",
    )
    .await
    .unwrap();
    psql.refused("INSERT INTO carrier VALUES (1)", "permission denied").await;
    psql.refused(
        "INSERT INTO public.audit_log (table_name, action) VALUES ('incidents', 'delete')",
        "permission denied",
    )
    .await;
    let forged: i64 = scalar(&db.pool, "SELECT count(*) FROM audit_log WHERE action = 'delete'").await;
    assert_eq!(forged, 0);
}

#[tokio::test]
async fn an_overload_in_a_writable_public_is_never_chosen() {
    // PostgreSQL 13 and 14 let every login create objects in public; simulate that.
    let db = TestDb::new().await;
    sqlx::query("GRANT CREATE ON SCHEMA public TO PUBLIC").execute(&db.pool).await.unwrap();
    with_seeds(&db).await;
    let (kari, operator) = db.login("operator").await;
    let mut psql = Psql::open(&operator).await;
    psql.run(&format!(
        "CREATE FUNCTION public.pg_has_role(text, text, text) RETURNS boolean LANGUAGE plpgsql AS $$
         BEGIN
             EXECUTE 'GRANT vakt_admin TO {kari}';
             RETURN true;
         END $$;
         CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2001-01-01'::timestamptz $$;
         CREATE TABLE public.pg_roles (rolname name, rolsuper boolean);
         INSERT INTO public.pg_roles SELECT rolname, true FROM pg_catalog.pg_roles"
    ))
    .await
    .unwrap();
    // An admin adds staff (vakt_staff_add asks pg_has_role) and moves the rota (vakt_rota_people asks it too).
    let (_, admin) = db.login("admin").await;
    let login = format!("vt_{}_newcomer", std::process::id());
    let newcomer = staff::NewStaff { login: &login, full_name: "Ny Kollega", role: "viewer", ..Default::default() };
    staff::add(&admin, &newcomer).await.unwrap();
    let me = staff::whoami(&operator).await.unwrap();
    assert!(!me.rights.admin, "the operator's overload ran as the function's owner");
    // The operator's own writes are judged by the real catalog and clock.
    let id = sbl_incident(&operator, Some("B")).await;
    psql.refused(
        &format!("INSERT INTO public.incident_events (incident_id, kind) VALUES ({id}, 'forged')"),
        "unknown kind",
    )
    .await;
    let received_recently: bool = scalar(
        &db.pool,
        &format!("SELECT received_at > pg_catalog.now() - interval '1 hour' FROM incidents WHERE id = {id}"),
    )
    .await;
    assert!(received_recently);
}

#[tokio::test]
async fn set_role_to_a_group_role_still_records_the_person() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (kari, operator) = db.login("operator").await;
    let id = sbl_incident(&operator, Some("B")).await;
    let mut psql = Psql::open(&operator).await;
    psql.run("SET ROLE vakt_operator").await.unwrap();
    psql.run(&format!("INSERT INTO public.incident_events (incident_id, kind, data) VALUES ({id}, 'note', '{{}}')"))
        .await
        .unwrap();
    let actor: String = scalar(
        &db.pool,
        &format!("SELECT actor FROM incident_events WHERE incident_id = {id} ORDER BY id DESC LIMIT 1"),
    )
    .await;
    assert_eq!(actor, kari);
    psql.run(&format!(
        "INSERT INTO public.incident_events (incident_id, kind, data) VALUES ({id}, 'assigned', '{{}}');
         UPDATE public.incidents SET support_line = '3rd' WHERE id = {id}"
    ))
    .await
    .unwrap();
    let audit_actor: String = scalar(
        &db.pool,
        &format!(
            "SELECT actor FROM audit_log WHERE row_id = {id} AND table_name = 'incidents' ORDER BY id DESC LIMIT 1"
        ),
    )
    .await;
    assert_eq!(audit_actor, kari);
}

/// A declared Altinn A major incident, by the MIM; returns its id.
async fn declared_major(db: &TestDb, mim: &PgPool) -> i64 {
    with_seeds(db).await;
    let incident = sbl_incident(mim, Some("A")).await;
    let request = DeclareRequest { impact: "Ingen kan sende inn skjema".into(), ..DeclareRequest::default() };
    majors::declare(mim, incident, &request).await.unwrap().id
}

/// An outbox row as psql would write it, with the given key expression.
fn message(major: i64, key: &str, channel: &str, recipient: &str, extra_columns: &str, extra_values: &str) -> String {
    format!(
        "INSERT INTO public.outbox (idempotency_key, major_id, channel, audience, message, summary{extra_columns})
         SELECT {key}, {major}, '{channel}', 'asf',
                jsonb_build_object('idempotency_key', {key}, 'recipient', '{recipient}'::jsonb, 'subject', 's',
                                   'body', 'b', 'payload', null),
                'forged'{extra_values}"
    )
}

/// As [`message`], in the transaction of a stakeholder update and with that update's key.
fn update_and_message(major: i64, channel: &str, recipient: &str, extra_columns: &str, extra_values: &str) -> String {
    let key = format!("'upd' || currval('major_updates_id_seq') || '-{channel}-1'");
    format!(
        "INSERT INTO public.major_updates (major_id, what, cause, eta, workaround) VALUES ({major}, 'w', 'c', 'e', 'x');
         {}",
        message(major, &key, channel, recipient, extra_columns, extra_values)
    )
}

#[tokio::test]
async fn outbox_rows_go_where_they_say_and_cannot_stop_deliveries() {
    let db = TestDb::new().await;
    let (_, mim) = db.login("mim").await;
    let major = declared_major(&db, &mim).await;
    let mut psql = Psql::open(&mim).await;
    let internal = r#"{"channel": "webhook", "url": "http://169.254.169.254/latest", "preset": "generic"}"#;
    let email = r#"{"channel": "email", "to": ["kari@example.org"]}"#;

    // The channel column says e-mail, the recipient (what the worker sends by) is an internal webhook.
    psql.refused(&update_and_message(major, "email", internal, "", ""), "contact directory").await;
    psql.refused(&update_and_message(major, "webhook", internal, "", ""), "contact directory").await;
    // Outside an update, and with the keys of the worker's own reminders, nothing is queued.
    psql.refused(
        &format!(
            "INSERT INTO public.outbox (idempotency_key, major_id, channel, audience, message, summary)
             VALUES ('missed-{major}-9999999999-email', {major}, 'email', 'deputy',
                     jsonb_build_object('idempotency_key', 'missed-{major}-9999999999-email',
                                        'recipient', '{email}'::jsonb, 'subject', 's', 'body', 'b'), 'pre-empted')"
        ),
        "same transaction",
    )
    .await;
    // A fallback without a key, or with someone else's, would make the worker's claim fail for every message.
    let no_key = r#", '{"recipient": {"channel": "sms", "to": "+4790000001"}}'::jsonb, 'SMS'"#;
    psql.refused(&update_and_message(major, "email", email, ", fallback, fallback_summary", no_key), "same update")
        .await;
    // The worker's rows (fallbacks, reminders) are held to the same form by the constraints.
    let (_, worker) = db.login("worker").await;
    let mut as_worker = Psql::open(&worker).await;
    as_worker.refused(&message(major, "'w-1'", "email", internal, "", ""), "outbox_channel_is_recipient").await;
    as_worker
        .refused(
            &message(major, "'w-2'", "email", email, ", fallback, fallback_summary", no_key),
            "outbox_fallback_key_form",
        )
        .await;
    let wrong_key = r#", '{"idempotency_key": "missed-1-1-sms", "recipient": {"channel": "sms", "to": "+4790000001"}}'::jsonb, 'SMS'"#;
    psql.refused(&update_and_message(major, "email", email, ", fallback, fallback_summary", wrong_key), "same update")
        .await;
    // An attempt count at the top of the integer range is taken as a fresh message.
    psql.run(&update_and_message(major, "email", email, ", attempts, state", ", 2147483647, 'dead'")).await.unwrap();
    let (attempts, state): (i32, String) =
        sqlx::query_as("SELECT attempts, state FROM outbox WHERE summary = 'forged'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((attempts, state.as_str()), (0, "pending"));
    psql.refused("UPDATE public.outbox SET attempts = 2147483647 WHERE summary = 'forged'", "only vakt serve").await;
    // So the worker's claim goes through.
    let now: chrono::DateTime<chrono::Utc> = scalar(&db.pool, "SELECT now() + interval '1 minute'").await;
    let claimed = outbox::claim(&db.pool, "worker-a", 50, std::time::Duration::from_secs(60), now).await.unwrap();
    assert!(claimed.iter().any(|m| m.attempt == 1), "{claimed:?}");
}

#[tokio::test]
async fn infinite_instants_are_refused() {
    let db = TestDb::new().await;
    let (_, mim) = db.login("mim").await;
    let major = declared_major(&db, &mim).await;
    let id: i64 = scalar(&db.pool, &format!("SELECT incident_id FROM majors WHERE id = {major}")).await;
    sqlx::query("INSERT INTO call_tasks (major_id, organisation, name, role, number) VALUES ($1, 'asf', 'Siri', 'Serviceleder', '+4790000001')")
        .bind(major)
        .execute(&db.pool)
        .await
        .unwrap();
    let mut psql = Psql::open(&mim).await;
    psql.refused(
        &format!(
            "INSERT INTO public.incident_events (incident_id, kind, data) VALUES ({id}, 'note', '{{}}');
             UPDATE public.incidents SET next_due_at = 'infinity' WHERE id = {id}"
        ),
        "incidents_next_due_at_finite",
    )
    .await;
    psql.run(
        "INSERT INTO public.call_logs (task_id, outcome, note, at, caller)
         SELECT id, 'reached', 'ok', 'infinity', 'ola' FROM public.call_tasks LIMIT 1",
    )
    .await
    .unwrap();
    let (sane, caller): (bool, String) =
        sqlx::query_as("SELECT at < now() + interval '1 minute', caller FROM call_logs LIMIT 1")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(sane && caller.starts_with("vt_"), "{caller}");
    // The board and the cockpit still load.
    vakt::db::incidents::list_open_with_clocks(&mim).await.unwrap();
    majors::load(&mim, major).await.unwrap();
}

#[tokio::test]
async fn an_exercise_cannot_hide_a_resolved_incident_from_the_figures() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, mim) = db.login("mim").await;
    let id = sbl_incident(&mim, Some("C")).await;
    lifecycle::perform(&mim, id, None, &IncidentAction::Acknowledge).await.unwrap();
    lifecycle::perform(&mim, id, None, &IncidentAction::Resolve).await.unwrap();
    let mut psql = Psql::open(&mim).await;
    psql.refused(
        &format!("INSERT INTO public.majors (incident_id, exercise, document) VALUES ({id}, true, '{{}}')"),
        "exercise is declared on an open incident",
    )
    .await;
    let counted: i64 = scalar(&db.pool, &format!("SELECT count(*) FROM incidents_for_figures WHERE id = {id}")).await;
    assert_eq!(counted, 1);
}

#[tokio::test]
async fn a_frozen_outcome_cannot_be_rewritten_inside_one_transaction() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let id = sbl_incident(&operator, Some("C")).await;
    lifecycle::perform(&operator, id, None, &IncidentAction::Acknowledge).await.unwrap();
    lifecycle::perform(&operator, id, None, &IncidentAction::Resolve).await.unwrap();
    let mut psql = Psql::open(&operator).await;
    psql.refused(
        &format!(
            "INSERT INTO public.incident_events (incident_id, kind, data) VALUES ({id}, 'reopened', '{{}}');
             UPDATE public.incidents SET status = 'in_progress' WHERE id = {id};
             INSERT INTO public.incident_events (incident_id, kind, data) VALUES ({id}, 'resolved', '{{}}');
             UPDATE public.incidents SET status = 'resolved', sla_outcome = '[]' WHERE id = {id}"
        ),
        "frozen at resolution",
    )
    .await;
    // A real reopen, in its own transaction, lets the next resolution freeze a new outcome.
    lifecycle::perform(&operator, id, None, &IncidentAction::Reopen).await.unwrap();
    lifecycle::perform(&operator, id, None, &IncidentAction::Resolve).await.unwrap();
}

#[tokio::test]
async fn who_and_when_are_the_servers_and_a_webhook_host_hides_its_credentials() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (kari, operator) = db.login("operator").await;
    let first = sbl_incident(&operator, Some("B")).await;
    let second = sbl_incident(&operator, Some("B")).await;
    let mut psql = Psql::open(&operator).await;
    psql.run(&format!(
        "INSERT INTO public.incident_links (incident_id, linked_id, created_by, created_at)
         VALUES ({first}, {second}, 'ola', '2001-01-01')"
    ))
    .await
    .unwrap();
    let (by, recent): (String, bool) =
        sqlx::query_as("SELECT created_by, created_at > now() - interval '1 hour' FROM incident_links")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((by.as_str(), recent), (kari.as_str(), true));

    sqlx::query(
        "INSERT INTO contacts (organisation_id, name, webhook_url, webhook_preset)
         SELECT id, '#drift', 'https://bot:s3cret@hooks.example.org:8443/T000/SECRET', 'slack' FROM organisations LIMIT 1",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let (_, viewer) = db.login("viewer").await;
    let host: String = scalar(&viewer, "SELECT webhook_host FROM contacts WHERE name = '#drift'").await;
    assert_eq!(host, "hooks.example.org:8443");
}

#[tokio::test]
async fn staff_leave_and_come_back_and_only_plain_logins_are_adopted() {
    let db = TestDb::new().await;
    let (admin_login, admin) = db.login("admin").await;
    let (kari, _) = db.login("operator").await;
    let mut psql = Psql::open(&admin).await;
    psql.run(&format!("SELECT vakt_staff_deactivate('{kari}')")).await.unwrap();
    let err = vakt::db::connect(&db.url_as(&kari), 1).await.unwrap_err();
    assert!(err.to_string().contains("not permitted to log in") && err.to_string().contains("deactivated"), "{err}");
    let active: bool = scalar(&db.pool, &format!("SELECT active FROM staff WHERE login = '{kari}'")).await;
    assert!(!active);
    psql.refused(&format!("SELECT vakt_staff_deactivate('{admin_login}')"), "your own login").await;
    let (_, operator) = db.login("operator").await;
    Psql::open(&operator)
        .await
        .refused(&format!("SELECT vakt_staff_deactivate('{admin_login}')"), "permission denied")
        .await;
    // Coming back: the same login, one role again.
    let back = staff::NewStaff { login: &kari, full_name: "Kari Nordmann", role: "operator", ..Default::default() };
    staff::add(&admin, &back).await.unwrap();
    let pool = vakt::db::connect(&db.url_as(&kari), 1).await.unwrap();
    assert!(staff::whoami(&pool).await.unwrap().rights.operator);

    // A role with rights of its own is not taken over by an admin.
    let pid = std::process::id();
    for (name, attributes, member_of) in [
        (format!("vt_{pid}_creator"), "LOGIN CREATEDB", None),
        (format!("vt_{pid}_reader"), "LOGIN", Some("pg_read_server_files")),
        (format!("vt_{pid}_group"), "NOLOGIN", None),
    ] {
        sqlx::query(AssertSqlSafe(format!("CREATE ROLE {name} {attributes}"))).execute(&db.pool).await.unwrap();
        if let Some(group) = member_of {
            sqlx::query(AssertSqlSafe(format!("GRANT {group} TO {name}"))).execute(&db.pool).await.unwrap();
        }
        let adopt = staff::NewStaff { login: &name, full_name: "Adopted", role: "viewer", ..Default::default() };
        let err = staff::add(&admin, &adopt).await.unwrap_err();
        assert!(err.to_string().contains("rights of its own"), "{name}: {err}");
    }
    let plain = format!("vt_{pid}_plain");
    sqlx::query(AssertSqlSafe(format!("CREATE ROLE {plain} LOGIN"))).execute(&db.pool).await.unwrap();
    staff::add(&admin, &staff::NewStaff { login: &plain, full_name: "Plain", role: "viewer", ..Default::default() })
        .await
        .unwrap();
}

#[tokio::test]
async fn an_agreement_version_in_use_is_fixed_with_its_priorities_and_titles_have_a_limit() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let id = sbl_incident(&operator, Some("B")).await;
    let version: i64 = scalar(&db.pool, &format!("SELECT agreement_version_id FROM incidents WHERE id = {id}")).await;
    let (_, admin) = db.login("admin").await;
    let mut psql = Psql::open(&admin).await;
    for change in ["source_toml = 'x'", "valid_from = '2001-01-01'", "label = 'forged'"] {
        psql.refused(
            &format!("UPDATE public.agreement_versions SET {change} WHERE id = {version}"),
            "used by incidents",
        )
        .await;
    }
    psql.refused(&format!("DELETE FROM public.priorities WHERE agreement_version_id = {version}"), "priorities").await;
    psql.refused(
        &format!("UPDATE public.priorities SET label = 'Z' WHERE agreement_version_id = {version} AND label = 'C'"),
        "priorities",
    )
    .await;
    psql.refused(
        &format!("INSERT INTO public.priorities (agreement_version_id, label, rank) VALUES ({version}, 'D', 9)"),
        "priorities",
    )
    .await;
    let long = "x".repeat(301);
    Psql::open(&operator)
        .await
        .refused(
            &format!(
                "WITH i AS (INSERT INTO public.incidents (service_id, agreement_version_id, title)
                            SELECT service_id, agreement_version_id, '{long}' FROM public.incidents WHERE id = {id}
                            RETURNING id)
                 INSERT INTO public.incident_events (incident_id, kind) SELECT id, 'received' FROM i"
            ),
            "incidents_title_length",
        )
        .await;
}

#[tokio::test]
async fn a_schema_owner_without_superuser_migrates_and_its_admins_add_staff() {
    // The README's shared database: the owner has CREATEROLE, not superuser.
    let db = TestDb::new().await;
    let pid = std::process::id();
    let (owner, database) = (format!("vt_{pid}_owner"), format!("vakt_t_{pid}_owned"));
    for sql in [format!("CREATE ROLE {owner} LOGIN CREATEROLE"), format!("CREATE DATABASE {database} OWNER {owner}")] {
        sqlx::query(AssertSqlSafe(sql)).execute(&db.pool).await.unwrap();
    }
    let as_owner = vakt::db::connect(&db.url_of(&database, &owner), 2).await.unwrap();
    vakt::db::schema::migrate_checked(&as_owner).await.unwrap();
    let admin_login = format!("vt_{pid}_owned_admin");
    let admin = staff::NewStaff { login: &admin_login, full_name: "Admin", role: "admin", ..Default::default() };
    staff::add(&as_owner, &admin).await.unwrap();
    let admin = vakt::db::connect(&db.url_of(&database, &admin_login), 1).await.unwrap();
    let mim_login = format!("vt_{pid}_owned_mim");
    let mim = staff::NewStaff { login: &mim_login, full_name: "MIM", role: "mim", ..Default::default() };
    staff::add(&admin, &mim).await.unwrap();
    let mim = vakt::db::connect(&db.url_of(&database, &mim_login), 1).await.unwrap();
    assert!(staff::whoami(&mim).await.unwrap().rights.mim);
    Psql::open(&mim).await.refused("CREATE TEMP TABLE t (i int)", "permission denied").await;
    mim.close().await;
    admin.close().await;
    as_owner.close().await;
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE {database} WITH (FORCE)"))).execute(&db.pool).await.unwrap();
}

#[tokio::test]
async fn maintenance_series_are_stamped_bounded_and_name_real_services() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (admin_login, admin) = db.login("admin").await;
    let mut psql = Psql::open(&admin).await;
    let insert = |services: &str, start: &str| {
        format!(
            "INSERT INTO public.maintenance_series (services, kind, zone, start_local, length_seconds, created_by, created_at)
             VALUES ('{services}', 'change', 'Europe/Oslo', '{start}', 3600, 'ola', '2001-01-01')"
        )
    };
    psql.refused(&insert("{NOPE}", "2027-05-01 10:00"), "unknown service").await;
    psql.refused(&insert("{SBL}", "infinity"), "check constraint").await;
    psql.run(&insert("{SBL}", "2027-05-01 10:00")).await.unwrap();
    let (by, recent): (String, bool) =
        sqlx::query_as("SELECT created_by, created_at > now() - interval '1 hour' FROM maintenance_series")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((by.as_str(), recent), (admin_login.as_str(), true));
    psql.refused(&format!("{}; DELETE FROM public.maintenance_series", "SELECT 1"), "permission denied").await;
}

#[tokio::test]
async fn maintenance_approvals_and_announcements_are_ledgers_only_admins_write() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, admin) = db.login("admin").await;
    let (_, operator) = db.login("operator").await;
    let (_, worker) = db.login("worker").await;
    let id: i64 = scalar(
        &admin,
        "INSERT INTO public.maintenance_series (services, kind, zone, start_local, length_seconds)
         VALUES ('{SBL}', 'change', 'Europe/Oslo', '2027-05-01 10:00', 3600) RETURNING id",
    )
    .await;
    let approve = |version: i64, approver: &str| {
        format!(
            "INSERT INTO public.maintenance_approvals (series_id, approver, role, version)
             VALUES ({id}, {approver}, 'systemeier', {version})"
        )
    };
    let announce = |what: &str| {
        format!(
            "INSERT INTO public.maintenance_announcements (series_id, what, occurrence, sequence, moves, recipients)
             VALUES ({id}, '{what}', '2027-05-01', 0, true, 0)"
        )
    };
    // An operator writes none of it, with or without SET ROLE.
    let mut psql = Psql::open(&operator).await;
    psql.refused(&approve(1, "'Ola'"), "permission denied").await;
    psql.refused(&announce("announce"), "permission denied").await;
    psql.refused(
        &format!("UPDATE public.maintenance_series SET state = 'announced' WHERE id = {id}"),
        "permission denied",
    )
    .await;
    psql.refused("SET ROLE vakt_admin", "permission denied").await;
    // vakt serve only reminds, and only of announced windows.
    let mut psql = Psql::open(&worker).await;
    psql.refused(&announce("announce"), "only an admin announces").await;
    psql.refused(&announce("reminder"), "only an admin announces").await;
    psql.refused(&approve(1, "'Ola'"), "permission denied").await;
    // An admin's approval is of the series as it is now, whatever the client says; ledgers are never rewritten.
    let mut psql = Psql::open(&admin).await;
    psql.run(&approve(99, "'Kari'")).await.unwrap();
    assert_eq!(scalar::<i32>(&db.pool, "SELECT version FROM maintenance_approvals").await, 1);
    psql.refused(&approve(1, "E'Kari\\x1b[2J'"), "check constraint").await;
    psql.refused(&approve(1, "''"), "check constraint").await;
    psql.refused("UPDATE public.maintenance_approvals SET role = 'driftsansvarlig'", "permission denied").await;
    psql.refused("DELETE FROM public.maintenance_approvals", "permission denied").await;
    psql.run(&announce("announce")).await.unwrap();
    psql.refused("UPDATE public.maintenance_announcements SET recipients = 0", "permission denied").await;
    psql.refused(
        &format!(
            "INSERT INTO public.maintenance_announcements (series_id, what, sequence, moves, recipients)
             VALUES ({id}, 'change', 0, false, -1)"
        ),
        "check constraint",
    )
    .await;
    // A change of state keeps the approvals; a change of the window voids them (content_version moves on).
    psql.run(&format!("UPDATE public.maintenance_series SET state = 'approved', content_version = 7 WHERE id = {id}"))
        .await
        .unwrap();
    assert_eq!(scalar::<i32>(&db.pool, "SELECT content_version FROM maintenance_series").await, 1);
    psql.run(&format!("UPDATE public.maintenance_series SET length_seconds = 7200 WHERE id = {id}")).await.unwrap();
    let (version, content): (i32, i32) =
        sqlx::query_as("SELECT version, content_version FROM maintenance_series").fetch_one(&db.pool).await.unwrap();
    assert_eq!((version, content), (3, 3));
    // A window moved on its own: only by an admin, near its date, and the series' SEQUENCE goes up with it.
    let mv = |start: &str| {
        format!(
            "INSERT INTO public.maintenance_moves (series_id, occurrence, start_local, length_seconds, moved_by)
             VALUES ({id}, '2027-05-01', '{start}', 3600, 'ola')"
        )
    };
    Psql::open(&operator).await.refused(&mv("2027-05-02 10:00"), "permission denied").await;
    psql.refused(&mv("2027-09-01 10:00"), "check constraint").await;
    psql.refused(&mv("infinity"), "check constraint").await;
    psql.run(&mv("2027-05-02 10:00")).await.unwrap();
    let (version, by): (i32, String) = sqlx::query_as(
        "SELECT s.version, m.moved_by FROM maintenance_series s JOIN maintenance_moves m ON m.series_id = s.id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(version, 4);
    assert_ne!(by, "ola");
    psql.refused("DELETE FROM public.maintenance_moves", "permission denied").await;
    let note = format!(
        "INSERT INTO public.maintenance_notes (series_id, occurrence, unfinished, note) VALUES ({id}, '2027-05-01', true, 'x')"
    );
    Psql::open(&operator).await.refused(&note, "permission denied").await;
    psql.run(&note).await.unwrap();
    psql.refused(
        &format!("UPDATE public.maintenance_notes SET note = repeat('x', 5000) WHERE series_id = {id}"),
        "check constraint",
    )
    .await;
}

#[tokio::test]
async fn outages_are_recorded_by_operators_stamped_bounded_and_excluded_only_for_the_agreements_reasons() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (operator_login, operator) = db.login("operator").await;
    let (_, viewer) = db.login("viewer").await;
    let insert = |service: &str, start: &str, exclusion: &str| {
        format!(
            "INSERT INTO public.outages (service_id, starts_at, exclusion, created_by, created_at)
             SELECT id, '{start}', {exclusion}, 'ola', '2001-01-01' FROM public.services WHERE code = '{service}'"
        )
    };
    Psql::open(&viewer).await.refused(&insert("SBL", "2027-03-01 10:00", "NULL"), "permission denied").await;
    let mut psql = Psql::open(&operator).await;
    psql.refused(&insert("SBL", "infinity", "NULL"), "check constraint").await;
    psql.refused(&insert("SBL", "2027-03-01 10:00", "'it was Tuesday'"), "names no exclusion reason").await;
    // Altinn names no exclusion reasons at all; ROR-IKT's are accepted.
    psql.refused(&insert("SBL", "2027-03-01 10:00", "'linje- og strømbrudd'"), "names no exclusion reason").await;
    psql.run(&insert("MOLDE-EPJ", "2027-03-01 10:00", "'linje- og strømbrudd'")).await.unwrap();
    let (by, recent): (String, bool) =
        sqlx::query_as("SELECT created_by, created_at > now() - interval '1 hour' FROM outages")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((by.as_str(), recent), (operator_login.as_str(), true));
    // An outage is ended, not moved to another service or start; it ends after it starts; none is deleted.
    psql.refused("UPDATE public.outages SET starts_at = '2020-01-01'", "permission denied").await;
    psql.refused("UPDATE public.outages SET service_id = service_id + 1", "permission denied").await;
    psql.refused("UPDATE public.outages SET ends_at = '2027-03-01 09:00'", "check constraint").await;
    psql.refused("UPDATE public.outages SET exclusion = 'pga. været'", "names no exclusion reason").await;
    psql.run("UPDATE public.outages SET ends_at = '2027-03-01 11:00'").await.unwrap();
    psql.refused("DELETE FROM public.outages", "permission denied").await;
}

/// The heat-map's rollup follows every write to the incidents, and nobody writes it or recounts it directly.
#[tokio::test]
async fn the_service_day_rollup_follows_the_incidents_and_is_written_by_nobody() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let first = sbl_incident(&operator, Some("B")).await;
    sbl_incident(&operator, None).await;
    lifecycle::perform(&operator, first, None, &IncidentAction::Acknowledge).await.unwrap();
    let change = IncidentAction::ChangePriority { to: "A".into(), reason: Some("alle brukere rammet".into()) };
    lifecycle::perform(&operator, first, None, &change).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Duration::days(2), today + chrono::Duration::days(2));
    let rolled = vakt::db::heatmap::service_days(&db.pool, from, to, None).await.unwrap();
    let counted = vakt::db::heatmap::service_days_recounted(&db.pool, from, to, None).await.unwrap();
    assert_eq!(rolled, counted);
    assert_eq!(rolled.iter().map(|d| d.received).sum::<i64>(), 2);
    let priorities: Vec<String> =
        sqlx::query_scalar("SELECT priority FROM service_days ORDER BY priority").fetch_all(&db.pool).await.unwrap();
    assert_eq!(priorities, ["", "A"], "the B row went when the incident became A");
    // The weekly rollup (migration 38) is the sum of its service-days, recounted with them.
    let weeks = "SELECT service_id, week, received, breaches FROM service_weeks ORDER BY 1, 2";
    let summed = "SELECT service_id, date_trunc('week', day::timestamp)::date, sum(received)::bigint,
                         sum(breaches)::bigint FROM service_days GROUP BY 1, 2 ORDER BY 1, 2";
    type Week = (i64, chrono::NaiveDate, i64, i64);
    let weeks: Vec<Week> = sqlx::query_as(weeks).fetch_all(&db.pool).await.unwrap();
    assert_eq!(weeks, sqlx::query_as::<_, Week>(summed).fetch_all(&db.pool).await.unwrap());
    assert_eq!(weeks.iter().map(|w| w.2).sum::<i64>(), 2, "{weeks:?}");

    let mut psql = Psql::open(&operator).await;
    psql.refused("INSERT INTO public.service_days VALUES (1, '2027-01-01', 'A', 9, 9, 9)", "permission denied").await;
    psql.refused("UPDATE public.service_days SET breaches = 0", "permission denied").await;
    psql.refused("DELETE FROM public.service_days", "permission denied").await;
    psql.refused("INSERT INTO public.service_weeks VALUES (1, '2027-01-04', 9, 9, 9)", "permission denied").await;
    psql.refused("UPDATE public.service_weeks SET breaches = 0", "permission denied").await;
    psql.refused("DELETE FROM public.service_weeks", "permission denied").await;
    psql.refused("SELECT public.vakt_service_days_recount('{1}', '{2027-01-01}', '{A}', '{UTC}')", "permission denied")
        .await;
    psql.refused("SET ROLE vakt_tallier", "permission denied").await;
}

/// Issued service reports (migration 21): only MIMs and admins issue, only for a closed period, once, stamped by the
/// server; nobody changes or removes one.
#[tokio::test]
async fn an_issued_report_is_written_once_by_a_mim_for_a_closed_period_and_never_changed() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let (mim_login, mim) = db.login("mim").await;
    let (_, admin) = db.login("admin").await;
    let insert = |period: &str, extra_columns: &str, extra_values: &str| {
        format!(
            "INSERT INTO public.service_reports (agreement_id, kind, period, figures{extra_columns})
             SELECT id, 'monthly', '{period}', '{{}}'{extra_values} FROM public.agreements WHERE code = 'ALTINN'"
        )
    };
    Psql::open(&operator).await.refused(&insert("2020-01", "", ""), "permission denied").await;
    let mut psql = Psql::open(&mim).await;
    psql.refused(&insert("2020-01", ", issued_by, issued_at", ", 'ola', '2001-01-01'"), "permission denied").await;
    psql.refused(&insert("2199-12", "", ""), "not over yet").await;
    psql.refused(&insert("2020-13", "", ""), "out of range").await;
    psql.run(&insert("2020-01", "", "")).await.unwrap();
    psql.refused(&insert("2020-01", "", ""), "duplicate key").await;
    let (by, recent, after): (String, bool, chrono::NaiveDate) = sqlx::query_as(
        "SELECT issued_by, issued_at > now() - interval '1 hour', period_after FROM public.service_reports",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((by.as_str(), recent, after.to_string().as_str()), (mim_login.as_str(), true, "2020-02-01"));
    for login in [&mim, &admin] {
        let mut psql = Psql::open(login).await;
        psql.refused("UPDATE public.service_reports SET figures = '{\"rewritten\": true}'", "permission denied").await;
        psql.refused("DELETE FROM public.service_reports", "permission denied").await;
    }
}

/// The survey's draws are made by the database when an incident closes; nobody draws, redraws or answers in another's
/// name, and an answer needs a selected draw.
#[tokio::test]
async fn survey_draws_are_the_databases_and_answers_need_a_selected_draw() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (operator_login, operator) = db.login("operator").await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let new = NewIncident {
            service: "TRA-EPOST".into(),
            priority: Some("övrigt".into()),
            title: format!("Utskrift {n}"),
            ..Default::default()
        };
        let id = lifecycle::create(&operator, &new).await.unwrap().id;
        lifecycle::perform(&operator, id, None, &IncidentAction::Resolve).await.unwrap();
        lifecycle::perform(&operator, id, None, &IncidentAction::Close).await.unwrap();
        ids.push(id);
    }
    let (chosen, other): (i64, i64) = sqlx::query_as(
        "SELECT max(incident_id) FILTER (WHERE selected), max(incident_id) FILTER (WHERE NOT selected) FROM survey_draws",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let mut psql = Psql::open(&operator).await;
    psql.refused(
        &format!("INSERT INTO public.survey_draws (incident_id, agreement_id, period, position, selected) SELECT {}, agreement_id, period, 99, true FROM public.survey_draws LIMIT 1", ids[0]),
        "permission denied",
    )
    .await;
    psql.refused(
        &format!("UPDATE public.survey_draws SET selected = true WHERE incident_id = {other}"),
        "permission denied",
    )
    .await;
    psql.refused("DELETE FROM public.survey_draws", "permission denied").await;
    psql.refused(
        &format!("INSERT INTO public.survey_answers (incident_id, selected, solved, treatment) VALUES ({other}, false, true, 5)"),
        "permission denied",
    )
    .await;
    psql.refused(
        &format!("INSERT INTO public.survey_answers (incident_id, solved, treatment) VALUES ({other}, true, 5)"),
        "foreign key",
    )
    .await;
    psql.refused(
        &format!("INSERT INTO public.survey_answers (incident_id, solved, treatment) VALUES ({chosen}, true, 0)"),
        "check constraint",
    )
    .await;
    psql.refused(&format!("SELECT public.vakt_survey_draw({other})"), "permission denied").await;
    psql.refused("SELECT public.vakt_survey_backfill()", "permission denied").await;
    psql.refused("SET ROLE vakt_surveyor", "permission denied").await;
    psql.run(&format!("INSERT INTO public.survey_answers (incident_id, solved, treatment) VALUES ({chosen}, true, 4)"))
        .await
        .unwrap();
    psql.refused("UPDATE public.survey_answers SET treatment = 5", "permission denied").await;
    psql.refused("DELETE FROM public.survey_answers", "permission denied").await;
    let by: String = sqlx::query_scalar("SELECT recorded_by FROM survey_answers").fetch_one(&db.pool).await.unwrap();
    assert_eq!(by, operator_login, "an answer is recorded in the name of who recorded it");
}

/// Sending a service report through the outbox (migration 22): only an issued report, only by e-mail, only to a
/// report recipient of its agreement, only by a MIM or admin.
#[tokio::test]
async fn a_service_report_goes_only_to_its_agreements_report_recipients() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (_, operator) = db.login("operator").await;
    let (_, mim) = db.login("mim").await;
    let report: i64 = scalar(
        &db.pool,
        "INSERT INTO public.service_reports (agreement_id, kind, period, figures)
         SELECT id, 'monthly', '2020-01', '{}' FROM public.agreements WHERE code = 'ALTINN' RETURNING id",
    )
    .await;
    let contact = |org: &str, role: &str, email: &str| {
        format!(
            "INSERT INTO public.contacts (organisation_id, name, role, email)
             SELECT id, 'Kari', '{role}', '{email}' FROM public.organisations WHERE code = '{org}' RETURNING id"
        )
    };
    let recipient: i64 = scalar(&db.pool, &contact("asf", "Rapportmottaker", "kari@asf.example")).await;
    let owner: i64 = scalar(&db.pool, &contact("asf", "Systemeier", "ola@asf.example")).await;
    let elsewhere: i64 = scalar(&db.pool, &contact("molde", "Rapportmottaker", "siri@molde.example")).await;
    let queue = |report: i64, contact: i64, email: &str| {
        format!(
            "INSERT INTO public.outbox (idempotency_key, channel, audience, message, summary)
             VALUES ('rep{report}-email-{contact}', 'email', 'Kari',
                     '{{\"idempotency_key\": \"rep{report}-email-{contact}\", \"recipient\": {{\"channel\": \"email\", \"to\": [\"{email}\"]}}, \"subject\": \"s\", \"body\": \"b\"}}',
                     'report')"
        )
    };
    Psql::open(&operator).await.refused(&queue(report, recipient, "kari@asf.example"), "permission denied").await;
    let mut psql = Psql::open(&mim).await;
    let rule = "report recipient of its agreement";
    psql.refused(&queue(report, owner, "ola@asf.example"), rule).await;
    psql.refused(&queue(report, elsewhere, "siri@molde.example"), rule).await;
    psql.refused(&queue(report, recipient, "someone@else.example"), rule).await;
    psql.refused(&queue(report + 1, recipient, "kari@asf.example"), rule).await;
    psql.run(&queue(report, recipient, "kari@asf.example")).await.unwrap();
    // The stakeholder-update branch still holds: a key of another form is refused as before.
    psql.refused(
        "INSERT INTO public.outbox (idempotency_key, channel, audience, message, summary)
         VALUES ('upd1-email-1', 'email', 'x', '{}', 'x')",
        "stakeholder update sent in the same transaction",
    )
    .await;
}

/// Status meetings (migration 24): chairs open, write and publish minutes; drafts are theirs to read; published
/// minutes are read-only for everyone and read by every role; a follow-up point is answered by its owner alone; a
/// correction goes to published minutes, stamped by the server and marked late after the next meeting started.
#[tokio::test]
async fn minutes_are_written_by_chairs_read_when_published_and_answered_only_by_their_owners() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (chair_login, chair) = db.login("chair").await;
    let (viewer_login, viewer) = db.login("viewer").await;
    let (_, operator) = db.login("operator").await;
    let series = format!(
        "INSERT INTO public.meeting_series (code, agreement_id, title, kind, zone, start_local, rule, duration_minutes,
                                            chair_login)
         SELECT 'ALT-WEEKLY', id, 'Ukentlig statusmøte', 'weekly_status', 'Europe/Oslo', '2026-01-06 10:00',
                'FREQ=WEEKLY;BYDAY=TU', 60, '{chair_login}' FROM public.agreements WHERE code = 'ALTINN'"
    );
    let open = |starts: &str, next: &str| {
        format!(
            "INSERT INTO public.meetings (series_id, starts_at, next_starts_at, agenda)
             SELECT id, '{starts}', '{next}', '{{\"sections\": []}}' FROM public.meeting_series WHERE code = 'ALT-WEEKLY'"
        )
    };
    Psql::open(&operator).await.refused(&series, "permission denied").await;
    let mut as_chair = Psql::open(&chair).await;
    as_chair.refused(&series.replace("'ALT-WEEKLY'", "'alt\tweekly'"), "check constraint").await;
    as_chair.run(&series).await.unwrap();
    Psql::open(&viewer).await.refused(&open("2026-01-06 10:00+01", "2026-01-13 10:00+01"), "permission denied").await;
    as_chair
        .refused(
            &open("2026-01-06 10:00+01", "2026-01-13 10:00+01").replace("'{\"sections\": []}'", "'[1]'"),
            "check constraint",
        )
        .await;
    // Opened as a draft whatever the chair says, stamped by the server.
    as_chair
        .refused(
            "INSERT INTO public.meetings (series_id, starts_at, agenda, state, published_at, published_by)
         SELECT id, now(), '{}', 'published', now(), 'ola' FROM public.meeting_series",
            "permission denied",
        )
        .await;
    as_chair.run(&open("2026-01-06 10:00+01", "2026-01-13 10:00+01")).await.unwrap();
    let meeting: i64 = scalar(&db.pool, "SELECT id FROM public.meetings").await;
    let opened_by: String = scalar(&db.pool, "SELECT opened_by FROM public.meetings").await;
    assert_eq!(opened_by, chair_login);

    // A draft is the chair's: others neither see it nor write in it.
    let seen = |pool: &PgPool| {
        let pool = pool.clone();
        async move {
            let n: i64 = scalar(&pool, "SELECT count(*) FROM public.meetings").await;
            let items: i64 = scalar(&pool, "SELECT count(*) FROM public.meeting_items").await;
            n + items
        }
    };
    assert_eq!(seen(&viewer).await, 0, "a viewer reads no drafts");
    assert_eq!(seen(&operator).await, 0, "an operator reads no drafts");
    let item = format!(
        "INSERT INTO public.meeting_items (meeting_id, position, section, title) VALUES ({meeting}, 1, 'other', 'Drift')"
    );
    Psql::open(&operator).await.refused(&item, "permission denied").await;
    as_chair.refused(&item.replace(", 1,", ", 0,"), "check constraint").await;
    as_chair.run(&item).await.unwrap();
    // Attendance: the chair takes it while the minutes are a draft; nobody else marks it, and nobody rewrites who
    // was listed or whether they had to come.
    let attend = format!(
        "INSERT INTO public.meeting_attendance (meeting_id, participant, mandatory) VALUES ({meeting}, 'ABS', true)"
    );
    Psql::open(&operator).await.refused(&attend, "permission denied").await;
    as_chair.run(&attend).await.unwrap();
    let present = format!("UPDATE public.meeting_attendance SET present = true WHERE meeting_id = {meeting}");
    Psql::open(&operator).await.refused(&present, "permission denied").await;
    Psql::open(&viewer).await.refused(&present, "permission denied").await;
    for column in ["mandatory = false", "participant = 'Ola'", "meeting_id = meeting_id + 1"] {
        let rewrite = format!("UPDATE public.meeting_attendance SET {column} WHERE meeting_id = {meeting}");
        as_chair.refused(&rewrite, "permission denied").await;
    }
    as_chair.run(&present).await.unwrap();
    let point = |owner: &str, due: &str| {
        format!(
            "INSERT INTO public.follow_ups (meeting_id, text, owner_login, due_date)
             VALUES ({meeting}, 'Verifiser a-melding etter patch', {owner}, {due})"
        )
    };
    as_chair.refused(&point(&format!("'{viewer_login}'"), "current_date - 2"), "in the past").await;
    as_chair.refused(&point("NULL", "current_date + 7"), "check constraint").await;
    as_chair.run(&point(&format!("'{viewer_login}'"), "current_date + 7")).await.unwrap();
    let point_id: i64 = scalar(&db.pool, "SELECT id FROM public.follow_ups").await;
    // Nobody answers a point in a draft: its owner cannot even see it yet.
    Psql::open(&viewer)
        .await
        .run(&format!("UPDATE public.follow_ups SET answer = 'early' WHERE id = {point_id}"))
        .await
        .unwrap();
    let answer: Option<String> = scalar(&db.pool, "SELECT answer FROM public.follow_ups").await;
    assert_eq!(answer, None);
    // A correction needs published minutes.
    Psql::open(&viewer)
        .await
        .refused(
            &format!("INSERT INTO public.minutes_corrections (meeting_id, text) VALUES ({meeting}, 'Feil dato')"),
            "no published minutes",
        )
        .await;

    // Publishing: the server says who and when; then the minutes are read-only, for the chair too.
    as_chair
        .refused(
            &format!("UPDATE public.meetings SET state = 'published', published_by = 'ola' WHERE id = {meeting}"),
            "permission denied",
        )
        .await;
    Psql::open(&viewer)
        .await
        .refused(&format!("UPDATE public.meetings SET state = 'published' WHERE id = {meeting}"), "permission denied")
        .await;
    as_chair.run(&format!("UPDATE public.meetings SET state = 'published' WHERE id = {meeting}")).await.unwrap();
    let published_by: String = scalar(&db.pool, "SELECT published_by FROM public.meetings").await;
    assert_eq!(published_by, chair_login);
    for script in [
        format!("UPDATE public.meetings SET state = 'published' WHERE id = {meeting}"),
        format!("UPDATE public.meetings SET state = 'draft' WHERE id = {meeting}"),
        format!("UPDATE public.meeting_items SET notes = 'rewritten' WHERE meeting_id = {meeting}"),
        format!("DELETE FROM public.meeting_items WHERE meeting_id = {meeting}"),
        item.replace(", 1,", ", 2,"),
        format!("INSERT INTO public.meeting_decisions (meeting_id, text) VALUES ({meeting}, 'Etterpå')"),
        format!("UPDATE public.meeting_attendance SET present = false WHERE meeting_id = {meeting}"),
        format!("DELETE FROM public.meeting_attendance WHERE meeting_id = {meeting}"),
        attend.replace("'ABS'", "'ASF'"),
        format!("UPDATE public.follow_ups SET text = 'rewritten' WHERE id = {point_id}"),
        format!("DELETE FROM public.follow_ups WHERE id = {point_id}"),
        point(&format!("'{viewer_login}'"), "current_date + 7"),
    ] {
        as_chair.refused(&script, "read-only").await;
    }
    assert_eq!(seen(&viewer).await, 2, "every role reads published minutes");

    // Only the owner answers, and only the answer: someone else's point is not theirs to touch, SET ROLE or not.
    let answer = |text: &str| format!("UPDATE public.follow_ups SET answer = '{text}' WHERE id = {point_id}");
    as_chair.refused(&answer("chair writes"), "only its owner answers").await;
    let mut as_operator = Psql::open(&operator).await;
    as_operator.run(&answer("operator writes")).await.unwrap();
    as_operator.refused("SET ROLE vakt_chair", "permission denied").await;
    as_operator.refused(&format!("SET ROLE {viewer_login}"), "permission denied").await;
    let unanswered: Option<String> = scalar(&db.pool, "SELECT answer FROM public.follow_ups").await;
    assert_eq!(unanswered, None, "nobody but the owner answered");
    let mut as_viewer = Psql::open(&viewer).await;
    as_viewer
        .refused(
            &format!("UPDATE public.follow_ups SET due_date = '2030-01-01' WHERE id = {point_id}"),
            "permission denied",
        )
        .await;
    as_viewer
        .refused(
            &format!("UPDATE public.follow_ups SET answered_by = 'ola' WHERE id = {point_id}"),
            "permission denied",
        )
        .await;
    as_viewer
        .refused(&format!("UPDATE public.follow_ups SET state = 'closed' WHERE id = {point_id}"), "permission denied")
        .await;
    as_viewer.run(&answer("Verifisert, OK")).await.unwrap();
    let (by, state): (String, String) =
        sqlx::query_as("SELECT answered_by, state FROM public.follow_ups").fetch_one(&db.pool).await.unwrap();
    assert_eq!((by.as_str(), state.as_str()), (viewer_login.as_str(), "answered"));
    // The chair closes the answered point (allowed on published minutes), but cannot claim it was answered.
    as_chair.run(&format!("UPDATE public.follow_ups SET state = 'closed' WHERE id = {point_id}")).await.unwrap();
    as_viewer.refused(&answer("again"), "is closed").await;

    // Corrections: anyone who reads the minutes, stamped by the server; after the next meeting started, late.
    let correct =
        format!("INSERT INTO public.minutes_corrections (meeting_id, text) VALUES ({meeting}, 'Punkt 2: B, ikke A')");
    as_viewer
        .refused(
            &format!("INSERT INTO public.minutes_corrections (meeting_id, text, late, corrected_by) VALUES ({meeting}, 'x', false, 'ola')"),
            "permission denied",
        )
        .await;
    as_viewer.run(&correct).await.unwrap();
    let (by, late): (String, bool) =
        sqlx::query_as("SELECT corrected_by, late FROM public.minutes_corrections").fetch_one(&db.pool).await.unwrap();
    // The meeting's next one (13 January 2026) is long past: the correction is late.
    assert_eq!((by.as_str(), late), (viewer_login.as_str(), true));
    as_viewer.refused("UPDATE public.minutes_corrections SET late = false", "permission denied").await;
    as_viewer.refused("DELETE FROM public.minutes_corrections", "permission denied").await;
    // A meeting whose next one is still ahead takes corrections in time.
    as_chair.run(&open("2026-01-13 10:00+01", "2199-01-01 10:00+01")).await.unwrap();
    let second: i64 = scalar(&db.pool, "SELECT max(id) FROM public.meetings").await;
    // A decision or point filed on an item lands in that item's meeting, whoever writes the row: not in the
    // second meeting's draft on an item of the first.
    let item_id: i64 = scalar(&db.pool, "SELECT min(id) FROM public.meeting_items").await;
    as_chair
        .refused(
            &format!(
                "INSERT INTO public.meeting_decisions (meeting_id, item_id, text) VALUES ({second}, {item_id}, 'x')"
            ),
            "foreign key",
        )
        .await;
    as_chair
        .refused(
            &format!(
                "INSERT INTO public.follow_ups (meeting_id, item_id, text, owner_login, due_date)
                 VALUES ({second}, {item_id}, 'x', '{viewer_login}', current_date + 7)"
            ),
            "foreign key",
        )
        .await;
    as_chair.run(&format!("UPDATE public.meetings SET state = 'published' WHERE id = {second}")).await.unwrap();
    as_viewer
        .run(&format!("INSERT INTO public.minutes_corrections (meeting_id, text) VALUES ({second}, 'I tide')"))
        .await
        .unwrap();
    let late: bool =
        scalar(&db.pool, &format!("SELECT late FROM public.minutes_corrections WHERE meeting_id = {second}")).await;
    assert!(!late);
    // A chair looking as a viewer sees no drafts: the right follows the role in use.
    as_chair.run(&open("2026-01-20 10:00+01", "2026-01-27 10:00+01")).await.unwrap();
    as_chair.run("SET ROLE vakt_viewer").await.unwrap();
    let drafts: i64 = sqlx::query_scalar("SELECT count(*) FROM public.meetings WHERE state = 'draft'")
        .fetch_one(&mut *as_chair.connection)
        .await
        .unwrap();
    assert_eq!(drafts, 0);
}

/// Sending minutes through the outbox (migration 27): only published minutes, only by e-mail, only to an address on
/// that meeting's distribution list (a contact of a listed organisation, or a listed address), only by a chair or
/// admin; a correction notice only for a correction of those minutes, only to someone the minutes were queued to.
#[tokio::test]
async fn minutes_go_only_when_published_by_a_chair_to_the_meetings_distribution_list() {
    let db = TestDb::new().await;
    with_seeds(&db).await;
    let (chair_login, chair) = db.login("chair").await;
    let (_, operator) = db.login("operator").await;
    let (_, mim) = db.login("mim").await;
    let (_, viewer) = db.login("viewer").await;
    let contact = |org: &str, email: &str| {
        format!(
            "INSERT INTO public.contacts (organisation_id, name, role, email)
             SELECT id, 'Kari', 'Deltaker', '{email}' FROM public.organisations WHERE code = '{org}' RETURNING id"
        )
    };
    let kari: i64 = scalar(&db.pool, &contact("asf", "kari@asf.example")).await;
    let siri: i64 = scalar(&db.pool, &contact("molde", "siri@molde.example")).await;
    scalar::<i64>(
        &db.pool,
        &format!(
            "INSERT INTO public.meeting_series (code, agreement_id, title, kind, zone, start_local, rule,
                                                duration_minutes, chair_login, distribution)
             SELECT 'ALT-WEEKLY', id, 'Ukentlig statusmøte', 'weekly_status', 'Europe/Oslo', '2026-01-06 10:00',
                    'FREQ=WEEKLY;BYDAY=TU', 60, '{chair_login}', ARRAY['asf', 'leder@digdir.example']
             FROM public.agreements WHERE code = 'ALTINN' RETURNING id"
        ),
    )
    .await;
    let meeting: i64 = scalar(
        &db.pool,
        "INSERT INTO public.meetings (series_id, starts_at, next_starts_at, agenda)
         SELECT id, '2026-01-06 10:00+01', '2199-01-13 10:00+01', '{\"sections\": []}' FROM public.meeting_series
         RETURNING id",
    )
    .await;
    let leder: String = scalar(&db.pool, "SELECT 'a' || md5('leder@digdir.example')").await;
    let queue = |key: &str, email: &str| {
        format!(
            "INSERT INTO public.outbox (idempotency_key, channel, audience, message, summary)
             VALUES ('{key}', 'email', 'Kari',
                     '{{\"idempotency_key\": \"{key}\", \"recipient\": {{\"channel\": \"email\", \"to\": [\"{email}\"]}}, \"subject\": \"s\", \"body\": \"b\"}}',
                     'minutes')"
        )
    };
    let to_kari = queue(&format!("min{meeting}-email-{kari}"), "kari@asf.example");
    let rule = "distribution list";
    // A draft is not sent, not even by its chair.
    Psql::open(&chair).await.refused(&to_kari, rule).await;
    sqlx::query("UPDATE public.meetings SET state = 'published' WHERE id = $1")
        .bind(meeting)
        .execute(&db.pool)
        .await
        .unwrap();
    Psql::open(&operator).await.refused(&to_kari, "permission denied").await;
    Psql::open(&viewer).await.refused(&to_kari, "permission denied").await;
    Psql::open(&mim).await.refused(&to_kari, rule).await;
    let mut as_chair = Psql::open(&chair).await;
    // Not on the list; a listed recipient's key with another address; another meeting; an SMS.
    as_chair.refused(&queue(&format!("min{meeting}-email-{siri}"), "siri@molde.example"), rule).await;
    as_chair.refused(&queue(&format!("min{meeting}-email-{kari}"), "someone@else.example"), rule).await;
    as_chair.refused(&queue(&format!("min{meeting}-email-{leder}"), "kari@asf.example"), rule).await;
    as_chair.refused(&queue(&format!("min{}-email-{kari}", meeting + 1), "kari@asf.example"), rule).await;
    as_chair.refused(&to_kari.replace("'email', 'Kari'", "'sms', 'Kari'"), rule).await;
    as_chair.run(&to_kari).await.unwrap();
    as_chair.run(&queue(&format!("min{meeting}-email-{leder}"), "leder@digdir.example")).await.unwrap();

    // Correction notices: for a correction of these minutes, to those they went to.
    let notice = |correction: i64, suffix: &str, email: &str| queue(&format!("minc{correction}-email-{suffix}"), email);
    let rule = "recipient of the corrected minutes";
    as_chair.refused(&notice(1, &kari.to_string(), "kari@asf.example"), rule).await;
    Psql::open(&viewer)
        .await
        .run(&format!("INSERT INTO public.minutes_corrections (meeting_id, text) VALUES ({meeting}, 'Punkt 2')"))
        .await
        .unwrap();
    let correction: i64 = scalar(&db.pool, "SELECT id FROM public.minutes_corrections").await;
    Psql::open(&viewer)
        .await
        .refused(&notice(correction, &kari.to_string(), "kari@asf.example"), "permission denied")
        .await;
    Psql::open(&mim).await.refused(&notice(correction, &kari.to_string(), "kari@asf.example"), rule).await;
    as_chair.refused(&notice(correction, &siri.to_string(), "siri@molde.example"), rule).await;
    as_chair.refused(&notice(correction, &kari.to_string(), "siri@molde.example"), rule).await;
    // Ola is on the list (an ASF contact) but the minutes were never queued to him.
    let ola: i64 = scalar(&db.pool, &contact("asf", "ola@asf.example")).await;
    as_chair.refused(&notice(correction, &ola.to_string(), "ola@asf.example"), rule).await;
    as_chair.run(&notice(correction, &kari.to_string(), "kari@asf.example")).await.unwrap();
    let queued: i64 = scalar(&db.pool, "SELECT count(*) FROM public.outbox WHERE idempotency_key LIKE 'min%'").await;
    assert_eq!(queued, 3, "the minutes to two, one notice");
}
