//! Change needs in the database (migration 30): each role tries with plain SQL what a psql session could — write
//! without the right, backdate a step, skip one, take a decision back, odd values — and the monthly report shows
//! the breaches and the overview of prioritised needs.

use sqlx::AssertSqlSafe;
use vakt::db::agreements;
use vakt::demo::SEED_AGREEMENTS;
use vakt::domain::report::issue::IssueState;
use vakt::domain::report::{ReportKind, ReportPeriod};

use crate::harness::{Psql, TestDb};

async fn seeded() -> TestDb {
    let db = TestDb::new().await;
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
    db
}

const NEW_NEED: &str = "INSERT INTO public.change_needs (agreement_id, title, description, submitter_kind,
        submitter_org, submitter_contact, requested_priority, justification)
    SELECT id, 'Samtykke', 'Behov', 'service_owner', 'NAV', 'Sara', 'medium', NULL FROM public.agreements
    WHERE code = 'ALTINN'";

#[tokio::test]
async fn only_chairs_and_admins_write_change_needs_and_everyone_reads_them() {
    let db = seeded().await;
    for role in ["viewer", "operator", "mim"] {
        let (_, pool) = db.login(role).await;
        let mut psql = Psql::open(&pool).await;
        psql.refused(NEW_NEED, "permission denied").await;
        psql.refused("UPDATE public.change_needs SET state = 'rejected', rejection_reason = 'x'", "permission denied")
            .await;
        psql.refused("DELETE FROM public.change_needs", "permission denied").await;
        psql.refused("SET ROLE vakt_chair", "permission denied").await;
        psql.run("SELECT count(*) FROM public.change_needs").await.unwrap();
    }
    for role in ["chair", "admin"] {
        let (_, pool) = db.login(role).await;
        let mut psql = Psql::open(&pool).await;
        psql.run(NEW_NEED).await.unwrap();
        psql.refused("DELETE FROM public.change_needs", "permission denied").await;
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM change_needs").fetch_one(&db.pool).await.unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn steps_come_in_order_with_the_servers_time_and_decisions_stay() {
    let db = seeded().await;
    let (chair, pool) = db.login("chair").await;
    let mut psql = Psql::open(&pool).await;
    // Received now by the login, whatever the row says; later steps and their times are not the insert's.
    psql.refused(
        &NEW_NEED
            .replace("justification)", "justification, received_at)")
            .replace("NULL FROM", "NULL, '2001-01-01' FROM"),
        "permission denied",
    )
    .await;
    psql.refused(
        &NEW_NEED.replace("justification)", "justification, state)").replace("NULL FROM", "NULL, 'delivered' FROM"),
        "permission denied",
    )
    .await;
    // Odd values: "high" without a reason, control characters, an unknown priority, blank text.
    psql.refused(&NEW_NEED.replace("'medium'", "'high'"), "change_needs_check").await;
    psql.refused(&NEW_NEED.replace("'Samtykke'", "E'Sam\\x1btykke'"), "change_needs_title_check").await;
    psql.refused(&NEW_NEED.replace("'medium'", "'urgent'"), "requested_priority_check").await;
    psql.refused(&NEW_NEED.replace("'Behov'", "'   '"), "description_check").await;
    psql.run(NEW_NEED).await.unwrap();
    let (id, by): (i64, String) =
        sqlx::query_as("SELECT id, received_by FROM change_needs").fetch_one(&db.pool).await.unwrap();
    assert_eq!(by, chair);
    let step = |set: &str| format!("UPDATE public.change_needs SET {set} WHERE id = {id}");

    // A skipped step, a jump to the end, a backdated step, a step with nothing recorded.
    psql.refused(&step("state = 'qualified', priority = 'low'"), "cannot go to qualified").await;
    psql.refused(&step("state = 'delivered'"), "cannot go to delivered").await;
    psql.refused(&step("feedback_at = '2001-01-01'"), "permission denied").await;
    psql.refused(&step("state = 'feedback_given'"), "change_needs_check").await;
    psql.refused(&step("state = 'feedback_given', feedback = ' '"), "change_needs_feedback_check").await;
    psql.run(&step("state = 'feedback_given', feedback = 'Mottatt'")).await.unwrap();
    let (feedback_by, fresh): (String, bool) =
        sqlx::query_as("SELECT feedback_by, feedback_at > now() - interval '1 minute' FROM change_needs WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((feedback_by.as_str(), fresh), (chair.as_str(), true));
    psql.refused(&step("state = 'qualified'"), "sets its priority").await;
    // Qualifying as high needs the submitter's justification.
    psql.refused(&step("state = 'qualified', priority = 'high'"), "change_needs_check").await;
    psql.run(&step("state = 'qualified', priority = 'medium'")).await.unwrap();
    psql.refused(&step("priority = 'low'"), "not taken back").await;
    psql.refused(&step("state = 'received'"), "cannot go to received").await;
    // A release link must be a release of the calendar; a name alone will do.
    let not_a_release: i64 = sqlx::query_scalar(
        "INSERT INTO maintenance_series (services, kind, zone, start_local, length_seconds)
         VALUES ('{SBL}', 'freeze', 'Europe/Oslo', '2027-06-01 00:00', 3600) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    psql.refused(&step(&format!("state = 'planned', release_series_id = {not_a_release}")), "not a release").await;
    psql.run(&step("state = 'planned', release_label = '2027-R2'")).await.unwrap();
    psql.run(&step("state = 'delivered'")).await.unwrap();
    psql.refused(&step("title = 'renamed'"), "no longer changes").await;
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE table_name = 'change_needs' AND row_id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(audited, 5, "registration and four steps are in the audit log");
}

#[tokio::test]
async fn temporary_objects_forge_neither_the_release_nor_who_took_a_step() {
    let db = seeded().await;
    // As a copy made without `vakt migrate` would be: every login may create temporary objects.
    sqlx::query(AssertSqlSafe(format!("GRANT TEMPORARY ON DATABASE {} TO PUBLIC", db.name)))
        .execute(&db.pool)
        .await
        .unwrap();
    let (chair, pool) = db.login("chair").await;
    let mut psql = Psql::open(&pool).await;
    psql.run(NEW_NEED).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM change_needs").fetch_one(&db.pool).await.unwrap();
    // A temporary "release" and a temporary actor in pg_temp are never what the rules read.
    psql.run(
        "CREATE TEMP TABLE maintenance_series (id bigint, kind text, state text);
         INSERT INTO maintenance_series VALUES (424242, 'release', 'approved');
         CREATE FUNCTION pg_temp.vakt_actor() RETURNS text LANGUAGE sql AS $$ SELECT 'ola'::text $$;
         SET search_path = pg_temp, public, pg_catalog",
    )
    .await
    .unwrap();
    psql.run(&format!("UPDATE public.change_needs SET state = 'feedback_given', feedback = 'ok' WHERE id = {id}"))
        .await
        .unwrap();
    psql.run(&format!("UPDATE public.change_needs SET state = 'qualified', priority = 'low' WHERE id = {id}"))
        .await
        .unwrap();
    psql.refused(
        &format!("UPDATE public.change_needs SET state = 'planned', release_series_id = 424242 WHERE id = {id}"),
        "not a release",
    )
    .await;
    let by: (String, String) = sqlx::query_as("SELECT feedback_by, qualified_by FROM change_needs WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(by, (chair.clone(), chair));
}

#[tokio::test]
async fn the_monthly_report_shows_change_need_breaches_and_the_prioritised_needs() {
    let db = seeded().await;
    // History written as the superuser: in March 2027 END-A's feedback came late (received Mon 1 Mar 10:00, due
    // Mon 8 Mar 10:00, given Tue 9 Mar), END-B was answered in time and qualified as high.
    sqlx::raw_sql(
        "INSERT INTO change_needs (ref, agreement_id, title, description, submitter_kind, submitter_org,
             submitter_contact, requested_priority, justification, state, received_at, feedback, feedback_at,
             priority, qualified_at)
         SELECT 'END-901', id, 'Sen tilbakemelding', 'x', 'system_vendor', 'Regnskapshuset', 'Lars', 'low', NULL,
                'feedback_given', '2027-03-01 10:00+01', 'Mottatt', '2027-03-09 09:00+01', NULL, NULL
         FROM agreements WHERE code = 'ALTINN';
         INSERT INTO change_needs (ref, agreement_id, title, description, submitter_kind, submitter_org,
             submitter_contact, requested_priority, justification, state, received_at, feedback, feedback_at,
             priority, qualified_at)
         SELECT 'END-902', id, 'Samtykke-API', 'x', 'service_owner', 'Skatteetaten', 'Ingrid', 'high', 'Lovkrav',
                'qualified', '2027-03-02 09:00+01', 'Mottatt', '2027-03-03 09:00+01', 'high', '2027-03-10 09:00+01'
         FROM agreements WHERE code = 'ALTINN'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let period = ReportPeriod::parse(ReportKind::Monthly, "2027-03").unwrap();
    let figures = vakt::db::reports::figures(&db.pool, "ALTINN", &period).await.unwrap();
    let needs = figures.change_needs.as_ref().expect("Altinn's register has needs");
    assert_eq!(needs.received, 2);
    assert_eq!(needs.breaches.len(), 1);
    assert_eq!(needs.breaches[0].reference, "END-901");
    let document =
        vakt::report::service::document(&figures, &IssueState::NotIssued { late: false }, chrono_tz::Europe::Oslo);
    let markdown = vakt::report::markdown::render(&document);
    assert!(markdown.contains("## Change needs (§2.10)"), "{markdown}");
    assert!(markdown.contains("feedback (5 working days): 1 met, 1 breached, 0 running"), "{markdown}");
    assert!(markdown.contains("END-901 Sen tilbakemelding · feedback due 2027-03-08 10:00 · done 2027-03-09 09:00"));
    assert!(markdown.contains("END-902 · Title: Samtykke-API · Submitter: Skatteetaten · Priority: high"));
    // An agreement without needs has no such section.
    let tranemo = vakt::db::reports::figures(&db.pool, "TU-IT", &period).await.unwrap();
    assert!(tranemo.change_needs.is_none());
}
