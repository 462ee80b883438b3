//! The admin tab's database side (src/db/admin_screen.rs) against PostgreSQL: the staff come with the refusals the
//! role form shows, a role change and the audit section's words for it, the audit log refused to other roles, and
//! an agreement import previewed without writing anything (a file that does not parse says where).

use vakt::app::screens::admin::data::{AdminData, AdminSection, AdminWrite, AuditQuery};
use vakt::db::admin_screen;

use crate::harness::{TestDb, seed_reference};

#[tokio::test]
async fn the_staff_carry_the_refusals_and_a_role_change_is_audited_in_words() {
    let db = TestDb::new().await;
    let (admin_login, admin) = db.login("admin").await;
    let (operator, _) = db.login("operator").await;
    let Ok(AdminData::Staff(staff)) = admin_screen::load(&admin, AdminSection::Staff).await else {
        panic!("the staff section reads")
    };
    let me = staff.iter().find(|l| l.member.login == admin_login).expect("the admin is listed");
    assert!(me.refusal("viewer").is_some_and(|why| why.contains("your own login")), "{:?}", me.refusals);
    let other = staff.iter().find(|l| l.member.login == operator).expect("the operator is listed");
    assert_eq!(other.refusal("chair"), None, "{:?}", other.refusals);

    let said = admin_screen::write(&admin, AdminWrite::SetRole { login: operator.clone(), role: "chair".into() }).await;
    assert_eq!(said.as_deref().ok(), Some(format!("{operator} is now chair").as_str()), "{said:?}");
    let query = AuditQuery { table: Some("staff".into()), login: Some(admin_login.clone()), ..AuditQuery::default() };
    let entries = admin_screen::audit(&admin, &query).await.expect("admins read the audit log");
    assert!(entries.iter().any(|e| e.changes.iter().any(|c| c == "role: operator → chair")), "{entries:?}");
    assert!(entries.iter().all(|e| e.table == "staff" && e.login == admin_login), "the filter holds");

    let (_, viewer) = db.login("viewer").await;
    let refused = admin_screen::audit(&viewer, &AuditQuery::default()).await.expect_err("viewers are refused");
    assert!(refused.to_string().contains("only admins"), "{refused}");
}

#[tokio::test]
async fn an_import_is_previewed_without_writing_and_a_broken_file_says_where() {
    let db = TestDb::new().await;
    seed_reference(&db.pool).await;
    let (_, admin) = db.login("admin").await;
    let versions = || async {
        let sql = "SELECT count(*) FROM agreement_versions WHERE label = '2.1'";
        sqlx::query_scalar::<_, i64>(sql).fetch_one(&db.pool).await.unwrap()
    };
    assert_eq!(versions().await, 0);
    let dir = std::env::temp_dir().join(format!("vakt-adminui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("altinn-next.toml");
    let text = vakt::demo::SEED_AGREEMENTS[0].1.replacen("version = \"2.0\"", "version = \"2.1\"", 1);
    assert_ne!(text, vakt::demo::SEED_AGREEMENTS[0].1, "the seed's version line was found");
    std::fs::write(&file, &text).unwrap();
    let preview = admin_screen::import_preview(&admin, file.to_str().unwrap()).await.expect("a preview");
    assert!(preview.lines.iter().any(|l| l.contains("version: 2.0 → 2.1")), "{:?}", preview.lines);
    assert!(preview.lines.iter().any(|l| l.contains("open incident(s)")), "{:?}", preview.lines);
    assert_eq!(versions().await, 0, "nothing written by a preview");

    let said = admin_screen::write(&admin, AdminWrite::ImportAgreement { toml: preview.toml }).await;
    assert!(said.as_ref().is_ok_and(|s| s.contains("2.1")), "{said:?}");
    assert_eq!(versions().await, 1, "exactly the previewed text is imported");

    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "code = \"X\"\nname = \n").unwrap();
    let why = admin_screen::import_preview(&admin, broken.to_str().unwrap()).await.expect_err("does not parse");
    assert!(why.contains("line 2"), "{why}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The contacts section: an admin adds a contact and fixes its address (checked like a new one); anyone else is
/// refused; the contact's dead letters are counted by the address they were sent to.
#[tokio::test]
async fn an_admin_adds_a_contact_and_fixes_its_address_and_others_are_refused() {
    use vakt::app::screens::admin::data::ContactChange;
    let db = TestDb::new().await;
    seed_reference(&db.pool).await;
    let (_, admin) = db.login("admin").await;
    let (_, operator) = db.login("operator").await;
    let organisation: String = sqlx::query_scalar("SELECT code FROM public.organisations ORDER BY id LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let change = |email: &str| ContactChange {
        organisation: organisation.clone(),
        name: "Siri Drift".into(),
        role: "Driftsleder".into(),
        email: Some(email.into()),
        mobile: None,
        phone: None,
        resend_dead: true,
    };
    admin_screen::write(&admin, AdminWrite::AddContact(change("siri@@drift.example"))).await.unwrap_err();
    let added = admin_screen::write(&admin, AdminWrite::AddContact(change("sirii@drift.example"))).await.unwrap();
    assert!(added.contains("Siri Drift"), "{added}");
    let id: i64 = sqlx::query_scalar("SELECT id FROM public.contacts WHERE name = 'Siri Drift'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    // A message to the wrong address went dead.
    sqlx::query(
        "INSERT INTO public.outbox (idempotency_key, channel, audience, message, summary, state)
         VALUES ('t-dead-1', 'email', 'test', '{\"idempotency_key\": \"t-dead-1\", \"recipient\": {\"channel\": \"email\", \"to\": [\"sirii@drift.example\"]}}', 'x', 'dead')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let dead = |data: AdminData| match data {
        AdminData::Contacts(rows) => rows.into_iter().find(|r| r.contact.id == id).map(|r| r.dead),
        other => panic!("{other:?}"),
    };
    assert_eq!(dead(admin_screen::load(&admin, AdminSection::Contacts).await.unwrap()), Some(1));
    let refused =
        admin_screen::write(&operator, AdminWrite::EditContact { id, change: change("siri@drift.example") }).await;
    assert!(matches!(refused, Err(vakt::db::DbError::Refused(_))), "{refused:?}");
    let bad = admin_screen::write(&admin, AdminWrite::EditContact { id, change: change("siri@") }).await;
    assert!(matches!(bad, Err(vakt::db::DbError::BadInput(_))), "{bad:?}");
    // Nobody but an admin rewrites a recipient, not even through the function.
    let direct =
        sqlx::query("SELECT public.vakt_resend_dead_to($1, 'sirii@drift.example')").bind(id).execute(&operator).await;
    assert!(direct.unwrap_err().to_string().contains("permission denied"));
    let fixed = admin_screen::write(&admin, AdminWrite::EditContact { id, change: change("siri@drift.example") })
        .await
        .unwrap();
    assert!(fixed.contains("1 dead message(s) sent again to the new address"), "{fixed}");
    let (state, to): (String, serde_json::Value) = sqlx::query_as(
        "SELECT state, message -> 'recipient' -> 'to' FROM public.outbox WHERE idempotency_key = 't-dead-1'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((state.as_str(), to), ("pending", serde_json::json!(["siri@drift.example"])), "queued again, same key");
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM public.contacts WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(email.as_deref(), Some("siri@drift.example"));
    assert_eq!(
        dead(admin_screen::load(&admin, AdminSection::Contacts).await.unwrap()),
        Some(0),
        "the fixed address has none"
    );
}
