//! The test harness: one PostgreSQL server per run (DATABASE_URL if set, otherwise a private cluster started
//! here from the server binaries on the machine), a migrated template database, and a fresh database per test.

use std::fs::File;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};
use tokio::sync::OnceCell;
use vakt::db::embedded::{Durability, EmbeddedCluster};
use vakt::db::{self, MIGRATOR};

static SERVER: OnceCell<Server> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

struct Server {
    /// A superuser URL without a database name, as `(prefix, query)` around where the name goes.
    base: String,
    template: String,
}

impl Server {
    fn url(&self, database: &str) -> String {
        url_with_database(&self.base, database)
    }
}

/// Puts a database name into a URL, keeping its query (e.g. `?host=/socket/dir`).
fn url_with_database(base: &str, database: &str) -> String {
    let (before_query, query) = match base.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (base, String::new()),
    };
    let scheme_end = before_query.find("://").map_or(0, |i| i + 3);
    let authority_end = before_query[scheme_end..].find('/').map_or(before_query.len(), |i| scheme_end + i);
    format!("{}/{database}{query}", &before_query[..authority_end])
}

async fn server() -> &'static Server {
    SERVER
        .get_or_init(|| async {
            let base = match std::env::var("DATABASE_URL") {
                Ok(url) if !url.trim().is_empty() => url,
                _ => start_private_cluster().await,
            };
            let template = prepare_template(&base).await;
            Server { base, template }
        })
        .await
}

async fn start_private_cluster() -> String {
    let root = std::env::temp_dir().join(format!("vakt-test-cluster-{}", whoami_uid()));
    let cluster = EmbeddedCluster::at(&root);
    let starting = cluster.clone();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(starting.root()).expect("create the test cluster directory");
        let _lock = lock(&starting.root().with_extension("lock"));
        starting.ensure_running(Durability::Disposable).expect("start the test cluster")
    })
    .await
    .expect("cluster start task");
    cluster.url(vakt::db::embedded::SUPERUSER, "postgres")
}

fn whoami_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0)
}

/// A cross-process lock: test binaries and nextest processes share one server and one template.
fn lock(path: &std::path::Path) -> File {
    let file = File::create(path).expect("create lock file");
    file.lock().expect("take lock");
    file
}

/// A template database with every migration applied, named after the migrations so a change makes a new one.
async fn prepare_template(base: &str) -> String {
    let fingerprint = MIGRATOR
        .iter()
        .fold(0u64, |acc, m| m.checksum.iter().fold(acc ^ m.version as u64, |h, b| h.rotate_left(5) ^ u64::from(*b)));
    let template = format!("vakt_tmpl_{fingerprint:016x}");
    let lock_path = std::env::temp_dir().join(format!("vakt-test-{}.lock", whoami_uid()));
    let _lock = tokio::task::spawn_blocking(move || lock(&lock_path)).await.expect("lock task");
    let admin = superuser_pool(&url_with_database(base, "postgres")).await;
    drop_leftovers(&admin).await;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&template)
        .fetch_one(&admin)
        .await
        .expect("look for the template");
    if !exists {
        let building = format!("{template}_building");
        exec(&admin, &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await;
        exec(&admin, &format!("CREATE DATABASE {building}")).await;
        let pool = superuser_pool(&url_with_database(base, &building)).await;
        db::migrate(&pool).await.expect("migrate the template");
        pool.close().await;
        exec(&admin, &format!("ALTER DATABASE {building} RENAME TO {template}")).await;
    }
    admin.close().await;
    template
}

/// Databases and logins of test processes that are gone.
async fn drop_leftovers(admin: &PgPool) {
    let databases: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE 'vakt\\_t\\_%'")
            .fetch_all(admin)
            .await
            .unwrap_or_default();
    for name in databases.iter().filter(|n| owner_is_gone(n, "vakt_t_")) {
        exec(admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
    let roles: Vec<String> = sqlx::query_scalar("SELECT rolname::text FROM pg_roles WHERE rolname LIKE 'vt\\_%'")
        .fetch_all(admin)
        .await
        .unwrap_or_default();
    for role in roles.iter().filter(|n| owner_is_gone(n, "vt_")) {
        let _ = sqlx::query(AssertSqlSafe(format!("DROP ROLE IF EXISTS \"{role}\""))).execute(admin).await;
    }
}

fn owner_is_gone(name: &str, prefix: &str) -> bool {
    let pid = name.strip_prefix(prefix).and_then(|rest| rest.split('_').next()).and_then(|p| p.parse::<u32>().ok());
    pid.is_some_and(|pid| pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

async fn exec(pool: &PgPool, sql: &str) {
    sqlx::query(AssertSqlSafe(sql.to_string())).execute(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn superuser_pool(url: &str) -> PgPool {
    PgPoolOptions::new()
        .max_connections(4)
        .connect_with(db::connect_options(url).expect("test server URL"))
        .await
        .unwrap_or_else(|e| panic!("connect to the test server at {}: {e}", db::redact(url)))
}

/// A fresh, migrated database for one test.
pub struct TestDb {
    pub name: String,
    /// A superuser (schema owner) pool on it.
    pub pool: PgPool,
    base: String,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let server = server().await;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("vakt_t_{}_{n}", std::process::id());
        let admin = superuser_pool(&server.url("postgres")).await;
        exec(&admin, &format!("CREATE DATABASE {name} TEMPLATE {}", server.template)).await;
        admin.close().await;
        let pool = superuser_pool(&server.url(&name)).await;
        // A copy does not inherit the template's database privileges: lock it down as `vakt migrate` does.
        db::secure_database(&pool).await.expect("secure the test database");
        TestDb { name, pool, base: server.base.clone() }
    }

    /// The superuser URL of this database.
    pub fn url(&self) -> String {
        url_with_database(&self.base, &self.name)
    }

    /// The URL of another database on the same server, for a login.
    pub fn url_of(&self, database: &str, login: &str) -> String {
        let url = url_with_database(&self.base, database);
        let scheme_end = url.find("://").map_or(0, |i| i + 3);
        let at = url[scheme_end..].find('@').map(|i| scheme_end + i + 1).unwrap_or(scheme_end);
        format!("{}{login}@{}", &url[..scheme_end], &url[at..])
    }

    /// The URL of this database for another login.
    pub fn url_as(&self, login: &str) -> String {
        let url = self.url();
        let scheme_end = url.find("://").map_or(0, |i| i + 3);
        let at = url[scheme_end..].find('@').map(|i| scheme_end + i + 1).unwrap_or(scheme_end);
        format!("{}{login}@{}", &url[..scheme_end], &url[at..])
    }

    /// Creates a member of staff with a fresh login in the given vakt role and connects as them.
    pub async fn login(&self, role: &str) -> (String, PgPool) {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let login = format!("vt_{}_{n}_{role}", std::process::id());
        let staff =
            db::staff::NewStaff { login: &login, full_name: &format!("Test {role} {n}"), role, ..Default::default() };
        db::staff::add(&self.pool, &staff).await.expect("add test staff");
        let pool = db::connect(&self.url_as(&login), 3).await.expect("connect as test login");
        (login, pool)
    }
}

/// Reference data: the Altinn seed agreement (version 2.0, priorities A/B/C) with its services.
/// Returns (the SBL service id, the agreement version id).
pub async fn seed_reference(pool: &PgPool) -> (i64, i64) {
    let outcome = vakt::db::agreements::import(pool, vakt::demo::SEED_AGREEMENTS[0].1).await.unwrap();
    let service: i64 = sqlx::query_scalar("SELECT id FROM services WHERE code = 'SBL'").fetch_one(pool).await.unwrap();
    (service, outcome.version_id)
}

/// Inserts an open incident directly (as psql would) and returns its id: acknowledged when it has a priority
/// and the pool is the superuser's, new otherwise (the database registers everyone else's as new).
pub async fn insert_incident(pool: &PgPool, service: i64, version: i64, title: &str, priority: Option<&str>) -> i64 {
    sqlx::query_scalar(
        "WITH incident AS (
             INSERT INTO incidents (service_id, agreement_version_id, title, priority, status)
             VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NOT NULL AND vakt_is_superuser() THEN 'acknowledged'
                                          ELSE 'new' END) RETURNING id),
         reception AS (
             INSERT INTO incident_events (incident_id, kind, data)
             SELECT id, 'received', jsonb_build_object('priority', $4::text) FROM incident)
         SELECT id FROM incident",
    )
    .bind(service)
    .bind(version)
    .bind(title)
    .bind(priority)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[test]
fn database_names_replace_the_path_and_keep_the_query() {
    assert_eq!(
        url_with_database("postgresql://postgres@localhost:5432/postgres?host=%2Ftmp%2Fx", "vakt_t_1"),
        "postgresql://postgres@localhost:5432/vakt_t_1?host=%2Ftmp%2Fx"
    );
    assert_eq!(url_with_database("postgres://u:p@h:5432", "d"), "postgres://u:p@h:5432/d");
}

/// Altinn's weekly status meeting, every Tuesday 10:00 Oslo time from 6 January 2026, chaired by `chair`, with ASF
/// as its one mandatory participant and no distribution list; tests change what they need.
pub fn altinn_weekly_status(chair: &str) -> vakt::db::minutes::NewSeries<'_> {
    use vakt::domain::minutes::{MeetingKind, Participant, schedule::Schedule};
    vakt::db::minutes::NewSeries {
        code: "alt-status",
        agreement: "ALTINN",
        title: "Ukentlig statusmøte Altinn",
        kind: MeetingKind::WeeklyStatus,
        schedule: Schedule {
            zone: chrono_tz::Europe::Oslo,
            start: chrono::NaiveDate::from_ymd_opt(2026, 1, 6).unwrap().and_hms_opt(10, 0, 0).unwrap(),
            length: chrono::Duration::hours(1),
            rule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
        },
        chair,
        participants: vec![Participant { who: "asf".into(), role: "ASF".into(), mandatory: true }],
        distribution: vec![],
        horizon_days: 14,
    }
}

/// One psql session as a login, for the tests that try to get around the database's rules: session settings
/// (SET ROLE) carry over from one script to the next.
pub struct Psql {
    pub connection: sqlx::pool::PoolConnection<sqlx::Postgres>,
}

impl Psql {
    pub async fn open(pool: &PgPool) -> Psql {
        Psql { connection: pool.acquire().await.unwrap() }
    }

    pub async fn run(&mut self, script: &str) -> Result<(), String> {
        sqlx::raw_sql(AssertSqlSafe(script.to_string()))
            .execute(&mut *self.connection)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub async fn ok(&mut self, script: &str) {
        if let Err(e) = self.run(script).await {
            panic!("{script}\nwas refused: {e}");
        }
    }

    pub async fn refused(&mut self, script: &str, because: &str) {
        let err = self.run(script).await.expect_err(script);
        assert!(err.contains(because), "{script}\nwas refused with {err:?}, expected it to say {because:?}");
        // The error reaches us before the server has rolled the statement back and released its row locks; one
        // more round trip waits for that, so the next step never meets a lock of the refused statement.
        self.run("SELECT 1").await.unwrap();
    }
}
