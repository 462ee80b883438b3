//! "My follow-ups" through the console's database path: the owner reads and answers their own points of published
//! minutes; another login neither sees them as theirs nor may answer them (row-level security); and `vakt serve`
//! reminds two working days ahead on the series' agreement's calendar (Altinn: Norwegian holidays).

use chrono::{TimeZone, Utc};
use vakt::app::{Action, DbCommand};
use vakt::db::worker::execute;

use crate::harness::TestDb;

#[tokio::test]
async fn the_owner_answers_their_point_another_login_is_refused_and_reminders_skip_holidays() {
    let db = TestDb::new().await;
    for (_, text) in vakt::demo::SEED_AGREEMENTS {
        vakt::db::agreements::import(&db.pool, text).await.unwrap();
    }
    let (chair, _) = db.login("chair").await;
    let (other, other_pool) = db.login("viewer").await;
    let (_, worker) = db.login("worker").await;
    let owner = format!("vt_myfup_{}", std::process::id());
    let staff = vakt::db::staff::NewStaff {
        login: &owner,
        full_name: "Kari Nordmann",
        role: "viewer",
        email: Some("kari@example.org"),
        phone: None,
    };
    vakt::db::staff::add(&db.pool, &staff).await.unwrap();
    let owner_pool = vakt::db::connect(&db.url_as(&owner), 2).await.unwrap();
    // Written by the schema owner, so that the due dates can be chosen.
    let meeting: i64 = sqlx::query_scalar(
        "WITH s AS (
             INSERT INTO public.meeting_series (code, agreement_id, title, kind, zone, start_local, rule,
                                                duration_minutes, chair_login)
             SELECT 'ALT-STATUS', id, 'Ukentlig statusmøte Altinn', 'weekly_status', 'Europe/Oslo',
                    '2026-11-03 10:00', 'FREQ=WEEKLY;BYDAY=TU', 60, $1 FROM public.agreements WHERE code = 'ALTINN'
             RETURNING id)
         INSERT INTO public.meetings (series_id, starts_at, next_starts_at, agenda, state, published_by, published_at)
         SELECT id, '2026-12-01 10:00+01', '2026-12-08 10:00+01', '{\"sections\": []}', 'published', $1,
                '2026-12-01 12:00+01' FROM s
         RETURNING id",
    )
    .bind(&chair)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let point = |login: &str, due: &str, state: &str, text: &str| {
        let (pool, login, due, state, text) =
            (db.pool.clone(), login.to_string(), due.to_string(), state.to_string(), text.to_string());
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO public.follow_ups (meeting_id, text, owner_login, due_date, state)
                 VALUES ($1, $2, $3, $4::date, $5) RETURNING id",
            )
            .bind(meeting)
            .bind(text)
            .bind(login)
            .bind(due)
            .bind(state)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let mine = point(&owner, "2026-12-28", "open", "Verifiser a-melding etter jul").await;
    point(&owner, "2026-12-09", "closed", "Lukket punkt").await;
    let theirs = point(&other, "2026-12-10", "open", "Rotårsak for tidsavbrudd").await;

    // The owner's list: their own point that is not closed, with its series and agreement.
    let Some(Action::MyFollowUpsLoaded(Ok(listed))) = execute(&owner_pool, DbCommand::LoadMyFollowUps).await else {
        panic!("no list")
    };
    let ids: Vec<i64> = listed.iter().map(|p| p.id).collect();
    assert_eq!(ids, vec![mine]);
    assert_eq!((listed[0].series.as_str(), listed[0].agreement.as_str()), ("Ukentlig statusmøte Altinn", "ALTINN"));
    assert_eq!(listed[0].state, "open");

    // Another login may not answer it: the console's path refuses, and the database's row-level security lets a
    // direct UPDATE touch nothing.
    let refused = execute(&other_pool, DbCommand::AnswerFollowUp { id: mine, text: "Ikke mitt".into() }).await;
    let Some(Action::FollowUpAnswered { result: Err(error), .. }) = refused else { panic!("not refused: {refused:?}") };
    assert!(error.message().contains(&format!("only {owner} answers it")), "{}", error.message());
    let touched = sqlx::query("UPDATE public.follow_ups SET answer = 'Ikke mitt' WHERE id = $1")
        .bind(mine)
        .execute(&other_pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(touched, 0, "row-level security hides the row from another login's UPDATE");

    // The owner answers through the console's path; the list shows the answer, by them.
    let answered = execute(&owner_pool, DbCommand::AnswerFollowUp { id: mine, text: "  Verifisert OK ".into() }).await;
    assert!(matches!(answered, Some(Action::FollowUpAnswered { result: Ok(()), .. })), "{answered:?}");
    let Some(Action::MyFollowUpsLoaded(Ok(listed))) = execute(&owner_pool, DbCommand::LoadMyFollowUps).await else {
        panic!("no list")
    };
    assert_eq!((listed[0].state.as_str(), listed[0].answer.as_deref()), ("answered", Some("Verifisert OK")));
    let by: String = sqlx::query_scalar("SELECT answered_by FROM public.follow_ups WHERE id = $1")
        .bind(mine)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(by, owner);
    let untouched: Option<String> = sqlx::query_scalar("SELECT answer FROM public.follow_ups WHERE id = $1")
        .bind(theirs)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(untouched, None);

    // Reminders (the answered point needs none): due Monday 28 December, 25 and 26 are Norwegian holidays, so the
    // second Altinn working day before it is Wednesday 23, not Thursday 24.
    let christmas = point(&owner, "2026-12-28", "open", "Sjekk kapasitet etter jul").await;
    let at = |d: u32| Utc.with_ymd_and_hms(2026, 12, d, 9, 0, 0).unwrap();
    let remind = |now| vakt::db::minutes::reminders::remind_follow_ups(&worker, now);
    assert_eq!(remind(at(22)).await.unwrap(), 0, "Tuesday 22: three working days ahead");
    assert_eq!(remind(at(23)).await.unwrap(), 1, "Wednesday 23: two Altinn working days ahead");
    let key: String =
        sqlx::query_scalar("SELECT idempotency_key FROM public.outbox WHERE idempotency_key LIKE 'minfup%'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(key, format!("minfup{christmas}-soon"));
}
