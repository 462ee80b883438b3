//! The admin's rules in PostgreSQL (migration 31): who reads the audit log, role changes and reactivation with
//! their refusals said before they are tried, deactivation that really stops a login, and every admin change in
//! the audit log with the login that made it.

use sqlx::PgPool;
use vakt::db::{self, DbError, agreements, services, staff};

use crate::harness::TestDb;

async fn can_read_audit(pool: &PgPool) -> Result<i64, String> {
    sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(pool).await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn only_admins_read_the_audit_log() {
    let db = TestDb::new().await;
    for role in ["viewer", "operator", "mim", "chair", "worker"] {
        let (_, pool) = db.login(role).await;
        let err = can_read_audit(&pool).await.expect_err(role);
        assert!(err.contains("permission denied"), "{role}: {err}");
        let refused = db::audit::list(&pool, &db::audit::AuditFilter { limit: 5, ..Default::default() }).await;
        assert!(matches!(refused, Err(DbError::Refused(ref m)) if m.contains("only admins")), "{role}: {refused:?}");
    }
    let (_, admin) = db.login("admin").await;
    assert!(can_read_audit(&admin).await.unwrap() > 0);
    // Nobody writes it by hand, admins included.
    let forged = sqlx::query("INSERT INTO audit_log (table_name, action) VALUES ('staff', 'update')")
        .execute(&admin)
        .await
        .unwrap_err();
    assert!(forged.to_string().contains("permission denied"), "{forged}");
}

#[tokio::test]
async fn a_deactivated_login_cannot_connect_and_a_reactivated_one_can() {
    let db = TestDb::new().await;
    let (_, admin) = db.login("admin").await;
    let (leaver, leaver_pool) = db.login("operator").await;
    leaver_pool.close().await;
    staff::deactivate(&admin, &leaver).await.unwrap();
    let refused = db::connect(&db.url_as(&leaver), 1).await.unwrap_err();
    assert!(refused.to_string().contains("not permitted to log in"), "{refused}");
    let can_login: bool = sqlx::query_scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1")
        .bind(&leaver)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(!can_login);

    staff::reactivate(&admin, &leaver).await.unwrap();
    let back = db::connect(&db.url_as(&leaver), 1).await.unwrap();
    let me = staff::whoami(&back).await.unwrap();
    assert!(me.rights.operator && !me.rights.mim, "{me:?}");
    let again = staff::reactivate(&admin, &leaver).await.unwrap_err();
    assert!(matches!(again, DbError::BadInput(ref m) if m.contains("already active")), "{again:?}");
}

#[tokio::test]
async fn role_changes_grant_exactly_one_role_and_are_refused_for_non_admins() {
    let db = TestDb::new().await;
    let (_, admin) = db.login("admin").await;
    let (kari, kari_pool) = db.login("operator").await;
    staff::set_role(&admin, &kari, "mim").await.unwrap();
    let me = staff::whoami(&kari_pool).await.unwrap();
    assert!(me.rights.mim && !me.rights.chair, "{me:?}");
    staff::set_role(&admin, &kari, "chair").await.unwrap();
    let me = staff::whoami(&kari_pool).await.unwrap();
    assert!(me.rights.chair && !me.rights.operator, "{me:?}");

    let (_, viewer) = db.login("viewer").await;
    let refused = staff::set_role(&viewer, &kari, "admin").await.unwrap_err();
    assert!(matches!(refused, DbError::Refused(_)), "{refused:?}");
    let refused = staff::reactivate(&viewer, &kari).await.unwrap_err();
    assert!(matches!(refused, DbError::Refused(_)), "{refused:?}");
    // Hostile values are refused by name, not run.
    for (login, role, says) in [
        ("nobody\"; DROP TABLE staff; --", "viewer", "no member of staff"),
        (kari.as_str(), "superuser", "unknown role"),
        (kari.as_str(), "admin WITH SUPERUSER", "unknown role"),
    ] {
        let err = staff::set_role(&admin, login, role).await.unwrap_err();
        assert!(matches!(err, DbError::BadInput(ref m) if m.contains(says)), "{login} {role}: {err:?}");
    }
    let is_superuser: bool = sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = $1")
        .bind(&kari)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(!is_superuser);
}

#[tokio::test]
async fn the_last_admin_your_own_login_and_a_mim_on_the_rota_are_explained_before_they_are_refused() {
    let db = TestDb::new().await;
    let (first, first_pool) = db.login("admin").await;
    // As the schema owner (not staff): only the last-admin rule stands in the way.
    let why = staff::change_refusal(&db.pool, &first, "viewer", true).await.unwrap();
    assert!(why.as_deref().is_some_and(|w| w.contains("last active admin")), "{why:?}");
    let err = staff::set_role(&db.pool, &first, "viewer").await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(ref m) if m.contains("last active admin")), "{err:?}");
    let err = staff::deactivate(&db.pool, &first).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(ref m) if m.contains("last active admin")), "{err:?}");

    let (second, _) = db.login("admin").await;
    assert_eq!(staff::change_refusal(&db.pool, &first, "viewer", true).await.unwrap(), None);
    let own = staff::change_refusal(&first_pool, &first, "viewer", true).await.unwrap();
    assert!(own.as_deref().is_some_and(|w| w.contains("your own login")), "{own:?}");
    let err = staff::set_role(&first_pool, &first, "viewer").await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(ref m) if m.contains("your own login")), "{err:?}");

    // A MIM on a current shift keeps a role with MIM rights until the shift is reassigned.
    let (mim, _) = db.login("mim").await;
    let (deputy, _) = db.login("mim").await;
    sqlx::query(
        "INSERT INTO rota_shifts (mim, deputy, starts_at, ends_at) VALUES ($1, $2, now() - interval '1 hour',
         now() + interval '7 hours')",
    )
    .bind(&mim)
    .bind(&deputy)
    .execute(&db.pool)
    .await
    .unwrap();
    let duties = staff::rota_duties(&first_pool).await.unwrap();
    let duty = |login: &str| duties.iter().find(|d| d.login == login).map(|d| d.duty.as_str());
    assert_eq!((duty(&mim), duty(&deputy), duty(&second)), (Some("mim"), Some("deputy"), None), "{duties:?}");
    let why = staff::change_refusal(&first_pool, &mim, "operator", true).await.unwrap();
    assert!(why.as_deref().is_some_and(|w| w.contains("is MIM on the shift")), "{why:?}");
    let why = staff::deactivation_refusal(&first_pool, &deputy).await.unwrap();
    assert!(why.as_deref().is_some_and(|w| w.contains("is deputy on the shift")), "{why:?}");
    assert_eq!(staff::change_refusal(&first_pool, &mim, "admin", true).await.unwrap(), None);
    let err = staff::set_role(&first_pool, &mim, "operator").await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(ref m) if m.contains("rota reassign")), "{err:?}");
    staff::set_role(&first_pool, &mim, "admin").await.unwrap();
    // Any member of staff may ask, so a read-only screen can explain too.
    let (_, viewer) = db.login("viewer").await;
    assert!(staff::change_refusal(&viewer, &second, "viewer", false).await.unwrap().is_none());
}

#[tokio::test]
async fn every_admin_change_is_in_the_audit_log_with_the_login_that_made_it() {
    let db = TestDb::new().await;
    let (admin_login, admin) = db.login("admin").await;
    let (other, _) = db.login("operator").await;
    staff::set_role(&admin, &other, "chair").await.unwrap();
    staff::deactivate(&admin, &other).await.unwrap();
    staff::reactivate(&admin, &other).await.unwrap();
    agreements::import(&admin, vakt::demo::SEED_AGREEMENTS[0].1).await.unwrap();
    let fields = services::ServiceFields {
        name: Some("Ny tjeneste"),
        owner: Some("asf"),
        agreement: Some("ALTINN"),
        support_lines: Some(vec!["2nd".into()]),
        supplier: None,
    };
    services::add(&admin, "NY", &fields).await.unwrap();
    let change =
        services::ServiceFields { support_lines: Some(vec!["1st".into(), "3rd".into()]), ..Default::default() };
    services::edit(&admin, "NY", &change).await.unwrap();

    let filter = db::audit::AuditFilter { login: Some(&admin_login), limit: 100, ..Default::default() };
    let entries = db::audit::list(&admin, &filter).await.unwrap();
    let seen = |table: &str, changed: &str| {
        entries.iter().any(|e| e.table == table && e.login == admin_login && e.changed.iter().any(|c| c == changed))
    };
    assert!(seen("staff", "role"), "{entries:#?}");
    assert!(seen("staff", "active"), "{entries:#?}");
    assert!(seen("agreement_versions", "document"), "{entries:#?}");
    assert!(seen("services", "support_lines"), "{entries:#?}");
    let listed = services::list(&admin).await.unwrap();
    let ny = listed.iter().find(|s| s.code == "NY").unwrap();
    assert_eq!(ny.support_lines, ["1st", "3rd"]);
    // The table filter narrows, and nobody else made these changes.
    let only_services = db::audit::AuditFilter { table: Some("services"), limit: 100, ..Default::default() };
    let rows = db::audit::list(&admin, &only_services).await.unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|e| e.table == "services" && e.login == admin_login), "{rows:#?}");
}

#[tokio::test]
async fn service_support_lines_are_checked_by_the_database_too() {
    let db = TestDb::new().await;
    let (_, admin) = db.login("admin").await;
    agreements::import(&admin, vakt::demo::SEED_AGREEMENTS[0].1).await.unwrap();
    let err = sqlx::query("UPDATE services SET support_lines = '{4th}' WHERE code = 'SBL'")
        .execute(&admin)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("check constraint"), "{err}");
    let (_, operator) = db.login("operator").await;
    let err = sqlx::query("UPDATE services SET support_lines = '{1st}' WHERE code = 'SBL'")
        .execute(&operator)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
}

#[tokio::test]
async fn staff_add_on_an_existing_login_meets_the_same_rules() {
    let db = TestDb::new().await;
    let (first, first_pool) = db.login("admin").await;
    // `staff add` re-roles an existing login: not the last admin, not one's own.
    let demote = staff::NewStaff { login: &first, full_name: "First", role: "viewer", ..Default::default() };
    let err = staff::add(&db.pool, &demote).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(ref m) if m.contains("last active admin")), "{err:?}");
    let (second, _) = db.login("admin").await;
    let err = staff::add(&first_pool, &demote).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(ref m) if m.contains("your own login")), "{err:?}");
    // A plain UPDATE as the owner is held to the last-admin rule as well.
    sqlx::query("UPDATE staff SET active = false WHERE login = $1").bind(&second).execute(&db.pool).await.unwrap();
    let err = sqlx::query("UPDATE staff SET role = 'viewer' WHERE login = $1")
        .bind(&first)
        .execute(&db.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("last active admin"), "{err}");
    // Renaming oneself is no role change.
    let rename = staff::NewStaff { login: &first, full_name: "First Admin", role: "admin", ..Default::default() };
    staff::add(&first_pool, &rename).await.unwrap();
}
