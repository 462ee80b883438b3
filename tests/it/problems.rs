//! Problems, known errors and master incidents (migration 29) against each role with plain SQL, as a psql session
//! would try: who writes and who only reads, what the server stamps, the state rules, odd values, and a temporary
//! table that tries to shadow the master rule's lookups. Scripts run as one simple-protocol query (one transaction).

use sqlx::{AssertSqlSafe, PgPool, Postgres};
use vakt::db::agreements;
use vakt::db::lifecycle::{self, NewIncident};
use vakt::demo::SEED_AGREEMENTS;

use crate::harness::{Psql, TestDb};

async fn scalar<T>(pool: &PgPool, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin,
{
    sqlx::query_scalar(AssertSqlSafe(sql.to_string())).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn seeded() -> TestDb {
    let db = TestDb::new().await;
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
    db
}

async fn sbl_incident(pool: &PgPool, title: &str) -> i64 {
    let new = NewIncident {
        service: "SBL".into(),
        priority: Some("C".into()),
        title: title.into(),
        ..NewIncident::default()
    };
    lifecycle::create(pool, &new).await.unwrap().id
}

#[tokio::test]
async fn operators_mims_and_admins_write_problems_and_every_role_reads_them() {
    let db = seeded().await;
    let incident = sbl_incident(&db.pool, "Tidsavbrudd").await;
    for role in ["operator", "mim", "admin"] {
        let (login, pool) = db.login(role).await;
        let mut psql = Psql::open(&pool).await;
        psql.ok(&format!(
            "INSERT INTO public.problems (title, state, workaround) VALUES ('Feil {role}', 'known_error', 'Omstart')"
        ))
        .await;
        let (author, updated_by): (String, String) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT created_by, updated_by FROM public.problems WHERE title = 'Feil {role}'"
        )))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!((author.as_str(), updated_by.as_str()), (login.as_str(), login.as_str()), "stamped by the server");
        psql.ok(&format!(
            "INSERT INTO public.problem_incidents (problem_id, incident_id)
             SELECT id, {incident} FROM public.problems WHERE title = 'Feil {role}'"
        ))
        .await;
        let before: i32 =
            scalar(&db.pool, &format!("SELECT version FROM public.incidents WHERE id = {incident}")).await;
        psql.ok(&format!("DELETE FROM public.problem_incidents WHERE incident_id = {incident}")).await;
        let after: i32 = scalar(&db.pool, &format!("SELECT version FROM public.incidents WHERE id = {incident}")).await;
        assert!(after > before, "the incident's view changes when a problem is unlinked, so consoles refresh it");
        // Who and when, the reference and the search vector are the server's.
        psql.refused("INSERT INTO public.problems (title, created_by) VALUES ('x', 'someone')", "permission denied")
            .await;
        psql.refused(
            &format!("UPDATE public.problems SET ref = 'PRB-999' WHERE title = 'Feil {role}'"),
            "permission denied",
        )
        .await;
        psql.refused(
            &format!("UPDATE public.problems SET updated_at = now() - interval '1 year' WHERE title = 'Feil {role}'"),
            "permission denied",
        )
        .await;
        psql.refused("DELETE FROM public.problems", "permission denied").await;
    }
    for role in ["viewer", "chair", "worker"] {
        let (_, pool) = db.login(role).await;
        let seen: i64 = scalar(&pool, "SELECT count(*) FROM public.problems").await;
        assert_eq!(seen, 3, "{role} reads every problem");
        let _: i64 = scalar(&pool, "SELECT count(*) FROM public.problem_incidents").await;
        let _: i64 = scalar(&pool, "SELECT count(*) FROM public.incident_masters").await;
        let mut psql = Psql::open(&pool).await;
        psql.refused("INSERT INTO public.problems (title) VALUES ('Ikke min')", "permission denied").await;
        psql.refused("UPDATE public.problems SET title = 'Ikke min'", "permission denied").await;
        psql.refused(
            &format!("INSERT INTO public.problem_incidents (problem_id, incident_id) SELECT id, {incident} FROM public.problems LIMIT 1"),
            "permission denied",
        )
        .await;
        psql.refused(
            &format!("INSERT INTO public.incident_masters (child_id, master_id) VALUES ({incident}, {incident})"),
            "permission denied",
        )
        .await;
    }
    // An operator who steps down to a viewer's rights has only those.
    let (_, operator) = db.login("operator").await;
    let mut psql = Psql::open(&operator).await;
    psql.ok("SET ROLE vakt_viewer").await;
    psql.refused("INSERT INTO public.problems (title) VALUES ('Som leser')", "permission denied").await;
}

#[tokio::test]
async fn the_state_rules_and_odd_values_are_refused_for_every_writer() {
    let db = seeded().await;
    let (_, operator) = db.login("operator").await;
    let mut psql = Psql::open(&operator).await;
    psql.ok("INSERT INTO public.problems (title) VALUES ('Treghet')").await;
    let treghet = "UPDATE public.problems SET";
    psql.refused(&format!("{treghet} state = 'known_error' WHERE title = 'Treghet'"), "check constraint").await;
    psql.refused(
        &format!("{treghet} state = 'resolved', workaround = 'Vent' WHERE title = 'Treghet'"),
        "check constraint",
    )
    .await;
    psql.refused(&format!("{treghet} state = 'fixed' WHERE title = 'Treghet'"), "cannot go from open to fixed").await;
    psql.ok(&format!("{treghet} state = 'resolved', root_cause = 'Full disk' WHERE title = 'Treghet'")).await;
    let resolved_at: Option<chrono::DateTime<chrono::Utc>> =
        scalar(&db.pool, "SELECT resolved_at FROM public.problems WHERE title = 'Treghet'").await;
    assert!(resolved_at.is_some(), "the server records when it was resolved");
    psql.refused(
        &format!("{treghet} state = 'known_error' WHERE title = 'Treghet'"),
        "cannot go from resolved to known_error",
    )
    .await;
    psql.ok(&format!("{treghet} state = 'closed' WHERE title = 'Treghet'")).await;
    psql.refused(&format!("{treghet} state = 'open' WHERE title = 'Treghet'"), "cannot go from closed to open").await;
    // A new problem starts open or as a known error.
    psql.refused(
        "INSERT INTO public.problems (title, state, root_cause) VALUES ('Ny', 'resolved', 'x')",
        "open or a known error",
    )
    .await;
    // Odd values: empty, over-long and control-character titles, two owners, an owner who is nobody.
    psql.refused("INSERT INTO public.problems (title) VALUES ('   ')", "check constraint").await;
    psql.refused(&format!("INSERT INTO public.problems (title) VALUES ('{}')", "x".repeat(301)), "check constraint")
        .await;
    psql.refused("INSERT INTO public.problems (title) VALUES (E'a\\u001b[2Jb')", "check constraint").await;
    psql.refused(
        "INSERT INTO public.problems (title, owner_login, owner_organisation_id)
         SELECT 'To eiere', 'admin', id FROM public.organisations LIMIT 1",
        "check constraint",
    )
    .await;
    psql.refused("INSERT INTO public.problems (title, owner_login) VALUES ('Ingen', 'nobody')", "foreign key").await;
    psql.refused(
        &format!("INSERT INTO public.problems (title, workaround) VALUES ('Lang', '{}')", "w".repeat(20001)),
        "check constraint",
    )
    .await;
}

#[tokio::test]
async fn masters_are_one_level_deep_whatever_a_temporary_table_shadows() {
    let db = seeded().await;
    let master = sbl_incident(&db.pool, "Master").await;
    let child = sbl_incident(&db.pool, "Barn").await;
    let other = sbl_incident(&db.pool, "Annet").await;
    let (login, operator) = db.login("operator").await;
    sqlx::query(AssertSqlSafe(format!("GRANT TEMPORARY ON DATABASE {} TO PUBLIC", db.name)))
        .execute(&db.pool)
        .await
        .unwrap();
    let mut psql = Psql::open(&operator).await;
    let version_before: i32 =
        scalar(&db.pool, &format!("SELECT version FROM public.incidents WHERE id = {child}")).await;
    psql.ok(&format!("INSERT INTO public.incident_masters (child_id, master_id) VALUES ({child}, {master})")).await;
    let (author, version_after): (String, i32) = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT m.created_by, i.version FROM public.incident_masters m JOIN public.incidents i ON i.id = m.child_id
         WHERE m.child_id = {child}"
    )))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(author, login);
    assert!(version_after > version_before, "the child's view changes, so consoles refresh it");
    psql.refused(
        &format!("INSERT INTO public.incident_masters (child_id, master_id) VALUES ({master}, {master})"),
        "cannot become a child",
    )
    .await;
    psql.refused(
        &format!("INSERT INTO public.incident_masters (child_id, master_id) VALUES ({child}, {other})"),
        "duplicate key",
    )
    .await;
    psql.refused(
        &format!("INSERT INTO public.incident_masters (child_id, master_id) VALUES ({other}, {child})"),
        "itself a child",
    )
    .await;
    psql.refused(
        &format!("INSERT INTO public.incident_masters (child_id, master_id) VALUES ({master}, {other})"),
        "master of other incidents",
    )
    .await;
    psql.refused(&format!("UPDATE public.incident_masters SET master_id = {other}"), "permission denied").await;
    // A temporary table named like the relation hides nothing from the rule: it reads public's.
    psql.ok("CREATE TEMP TABLE incident_masters (child_id bigint, master_id bigint)").await;
    psql.ok("SET search_path = pg_temp, public").await;
    psql.refused(
        &format!("INSERT INTO public.incident_masters (child_id, master_id) VALUES ({other}, {child})"),
        "itself a child",
    )
    .await;
    psql.ok(&format!("DELETE FROM public.incident_masters WHERE child_id = {child}")).await;
    let left: i64 = scalar(&db.pool, "SELECT count(*) FROM public.incident_masters").await;
    assert_eq!(left, 0, "the operator detached the child");
}

#[tokio::test]
async fn the_search_ranks_title_words_first_and_reads_only_known_errors() {
    use vakt::db::problems::{self, NewProblem};
    use vakt::domain::problem::ProblemState;
    let db = seeded().await;
    let (_, operator) = db.login("operator").await;
    let known = |title: &str, description: &str, workaround: &str| NewProblem {
        title: title.into(),
        description: description.into(),
        services: vec!["SBL".into()],
        owner: None,
        root_cause: "Ukjent".into(),
        workaround: workaround.into(),
        state: ProblemState::KnownError,
    };
    let in_description =
        problems::create(&operator, &known("Treg portal", "Brukerne ser tidsavbrudd i skjemaene", "Vent"))
            .await
            .unwrap();
    let in_title = problems::create(&operator, &known("Tidsavbrudd i skjemaene", "", "Send på nytt")).await.unwrap();
    let open = NewProblem { state: ProblemState::Open, ..known("Tidsavbrudd overalt", "", "") };
    problems::create(&operator, &open).await.unwrap();
    let found = problems::search(&operator, "tidsavbruddene", 10).await.unwrap();
    let order: Vec<&str> = found.iter().map(|s| s.reference.as_str()).collect();
    assert_eq!(order, [in_title.as_str(), in_description.as_str()], "title first; the open problem is no known error");
    assert!(found[0].rank > found[1].rank);
    assert_eq!(found[0].services, ["SBL"]);
    assert_eq!(problems::search(&operator, "tidsavbrudd", 1).await.unwrap().len(), 1, "the limit holds");
}

#[tokio::test]
async fn a_link_that_fails_leaves_no_workaround_and_no_note_behind() {
    use vakt::db::problems::{self, NewProblem};
    use vakt::domain::problem::ProblemState;
    let db = seeded().await;
    let incident = sbl_incident(&db.pool, "Tidsavbrudd ved innsending").await;
    let reference: String = scalar(&db.pool, &format!("SELECT ref FROM public.incidents WHERE id = {incident}")).await;
    let new = NewProblem {
        title: "Tidsavbrudd i meldingstjenesten".into(),
        description: String::new(),
        services: vec!["SBL".into()],
        owner: None,
        root_cause: "Køen fylles".into(),
        workaround: "Send på nytt etter fem minutter".into(),
        state: ProblemState::KnownError,
    };
    let problem = problems::create(&db.pool, &new).await.unwrap();
    // The link itself fails after the workaround was recorded: a trigger the test adds refuses it.
    sqlx::raw_sql(
        "CREATE FUNCTION public.refuse_link() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
           AS $$ BEGIN RAISE EXCEPTION 'the link is refused'; END $$;
         CREATE TRIGGER refuse_link BEFORE INSERT ON public.problem_incidents
           FOR EACH ROW EXECUTE FUNCTION public.refuse_link();",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let events_before: i64 =
        scalar(&db.pool, &format!("SELECT count(*) FROM public.incident_events WHERE incident_id = {incident}")).await;
    let refused = problems::link(&db.pool, &problem, &reference, true).await;
    assert!(refused.is_err(), "{refused:?}");
    let workaround: bool =
        scalar(&db.pool, &format!("SELECT workaround FROM public.incidents WHERE id = {incident}")).await;
    assert!(!workaround, "the workaround went with the failed link");
    let events_after: i64 =
        scalar(&db.pool, &format!("SELECT count(*) FROM public.incident_events WHERE incident_id = {incident}")).await;
    assert_eq!(events_after, events_before, "neither the workaround's event nor its note stays");
    sqlx::raw_sql("DROP TRIGGER refuse_link ON public.problem_incidents").execute(&db.pool).await.unwrap();
    let linked = problems::link(&db.pool, &problem, &reference, true).await.unwrap();
    assert!(linked.workaround_applied);
}
