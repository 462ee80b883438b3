//! Publishing sends the minutes (migration 27): `vakt minutes publish` queues them once per recipient of the series'
//! distribution list (organisations' contacts and addresses on the list), and `vakt minutes correct` queues a
//! correction notice with the difference to everyone who received them, marked late after the next meeting.

use chrono::{Duration, Utc};
use vakt::db::minutes;

use super::{seeded, stdout};

/// The outbox rows whose keys start with `prefix`: key, the one address, subject and body, by key.
async fn queued(pool: &sqlx::PgPool, prefix: &str) -> Vec<(String, String, String, String)> {
    sqlx::query_as(
        "SELECT idempotency_key, message -> 'recipient' -> 'to' ->> 0, message ->> 'subject', message ->> 'body'
         FROM public.outbox WHERE starts_with(idempotency_key, $1) ORDER BY lower(message -> 'recipient' -> 'to' ->> 0), idempotency_key",
    )
    .bind(prefix)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn publishing_queues_the_minutes_once_per_recipient_and_a_correction_sends_the_difference() {
    let (db, config) = seeded().await;
    let (chair, chair_pool) = db.login("chair").await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    // ASF's contacts: two with an address (one also on the list by address: sent once), one without; Molde's
    // contact is not on the list.
    let contact = |org: &str, name: &str, email: Option<&str>| {
        let pool = db.pool.clone();
        let (org, name, email) = (org.to_string(), name.to_string(), email.map(str::to_string));
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO public.contacts (organisation_id, name, role, email)
                 SELECT id, $2, 'Deltaker', $3 FROM public.organisations WHERE code = $1 RETURNING id",
            )
            .bind(org)
            .bind(name)
            .bind(email)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let kari = contact("asf", "Kari", Some("kari@asf.example")).await;
    let ola = contact("asf", "Ola", Some("Ola@asf.example")).await;
    contact("asf", "Telefon", None).await;
    contact("molde", "Siri", Some("siri@molde.example")).await;
    let mut series = crate::harness::altinn_weekly_status(&chair);
    series.distribution = vec!["asf".into(), "ola@asf.example".into(), "leder@digdir.example".into()];
    minutes::add_series(&chair_pool, &series).await.unwrap();
    let meeting = stdout(&run(&chair, &["meeting", "open", "--series", "ALT-STATUS"]));
    assert!(queued(&db.pool, &format!("min{meeting}-")).await.is_empty(), "a draft is not sent");

    let said = stdout(&run(&chair, &["minutes", "publish", &meeting]));
    assert!(said.contains("queued by e-mail to 3 recipient(s)"), "{said}");
    let sent = queued(&db.pool, &format!("min{meeting}-")).await;
    let to: Vec<(&str, &str)> = sent.iter().map(|(k, a, _, _)| (k.as_str(), a.as_str())).collect();
    // An address on the list is keyed by the database's md5 of it.
    let by_address: String = sqlx::query_scalar("SELECT $1 || md5('leder@digdir.example')")
        .bind(format!("min{meeting}-email-a"))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        to,
        vec![
            (format!("min{meeting}-email-{kari}").as_str(), "kari@asf.example"),
            (by_address.as_str(), "leder@digdir.example"),
            (format!("min{meeting}-email-{ola}").as_str(), "Ola@asf.example"),
        ]
    );
    let (_, _, subject, body) = &sent[0];
    assert!(subject.starts_with("Minutes: Ukentlig statusmøte Altinn 20"), "{subject}");
    assert!(body.contains("# Ukentlig statusmøte Altinn") && !body.contains("DRAFT"), "{body}");
    assert!(body.contains("- Published: 20"), "the minutes say who published them and when: {body}");

    // A correction by the chair: a notice to each of the three, with the correction in the difference; in time.
    let said = stdout(&run(&chair, &["minutes", "correct", &meeting, "--text", "Punkt 2: B, ikke A"]));
    assert!(said.contains("notice queued to 3 recipient(s)") && !said.contains("late"), "{said}");
    let correction: i64 =
        sqlx::query_scalar("SELECT max(id) FROM public.minutes_corrections").fetch_one(&db.pool).await.unwrap();
    let notices = queued(&db.pool, &format!("minc{correction}-")).await;
    assert_eq!(
        notices.iter().map(|n| n.1.as_str()).collect::<Vec<_>>(),
        vec!["kari@asf.example", "leder@digdir.example", "Ola@asf.example"]
    );
    let (_, _, subject, body) = &notices[0];
    assert!(subject.starts_with("Correction to the minutes: Ukentlig statusmøte Altinn"), "{subject}");
    assert!(body.contains("Punkt 2: B, ikke A") && !body.contains("LATE"), "{body}");
    let diff: Vec<&str> = body.lines().filter(|l| l.starts_with("+ ") || l.starts_with("- ")).collect();
    assert!(diff.iter().any(|l| l.starts_with("+ ") && l.contains("Punkt 2: B, ikke A")), "{body}");
    // Nothing sent was taken out but the corrections' "None." placeholder.
    assert_eq!(diff.iter().filter(|l| l.starts_with("- ")).collect::<Vec<_>>(), vec![&"- None."], "{body}");

    // A viewer's correction: recorded; they may not write the outbox, so vakt serve sends its notice.
    let said = stdout(&run(&viewer, &["minutes", "correct", &meeting, "--text", "Feil dato"]));
    assert!(said.contains("vakt serve sends the notice"), "{said}");
    let by_viewer: i64 =
        sqlx::query_scalar("SELECT max(id) FROM public.minutes_corrections").fetch_one(&db.pool).await.unwrap();
    assert!(queued(&db.pool, &format!("minc{by_viewer}-")).await.is_empty());
    assert_eq!(queued(&db.pool, "min").await.len(), 6, "publishing and one notice, nothing else");
    // vakt serve's duty queues it, once however often it runs; the chair's notice is not queued again.
    let (_, worker) = db.login("worker").await;
    assert_eq!(vakt::db::minutes::sending::notify_corrections(&worker, Utc::now()).await.unwrap(), 3);
    assert_eq!(vakt::db::minutes::sending::notify_corrections(&worker, Utc::now()).await.unwrap(), 0, "once");
    let notices = queued(&db.pool, &format!("minc{by_viewer}-")).await;
    assert_eq!(notices.len(), 3);
    assert!(notices[0].3.contains("Feil dato") && notices[0].3.contains(&format!("by {viewer}")), "{}", notices[0].3);
    assert_eq!(queued(&db.pool, "min").await.len(), 9);

    // A meeting whose next one has started: a correction is late, and the notice says so.
    let past = (Utc::now() - Duration::days(14)).to_rfc3339();
    let old = stdout(&run(&chair, &["meeting", "open", "--series", "ALT-STATUS", "--at", &past]));
    stdout(&run(&chair, &["minutes", "publish", &old]));
    let said = stdout(&run(&chair, &["minutes", "correct", &old, "--text", "Sent: 3 av 4 til stede"]));
    assert!(said.contains("late"), "{said}");
    let late: i64 =
        sqlx::query_scalar("SELECT max(id) FROM public.minutes_corrections").fetch_one(&db.pool).await.unwrap();
    let notices = queued(&db.pool, &format!("minc{late}-")).await;
    assert_eq!(notices.len(), 3);
    assert!(notices[0].2.starts_with("LATE Correction"), "{}", notices[0].2);
    assert!(notices[0].3.contains("recorded as late"), "{}", notices[0].3);
}

/// Follow-up reminders (vakt serve): two working days before a point falls due and once overdue, to its owner's
/// address (a login's or a contact's), once each; never for a point answered or an owner without an address.
#[tokio::test]
async fn the_worker_reminds_owners_of_follow_ups_due_soon_and_overdue_once() {
    use chrono::TimeZone;
    let (db, _config) = seeded().await;
    let (chair, _) = db.login("chair").await;
    let (_, worker) = db.login("worker").await;
    let owner = |login: &'static str, email: Option<&'static str>| vakt::db::staff::NewStaff {
        login,
        full_name: "Kari Nordmann",
        role: "viewer",
        email,
        phone: None,
    };
    vakt::db::staff::add(&db.pool, &owner("vt_fup_kari", Some("kari@example.org"))).await.unwrap();
    vakt::db::staff::add(&db.pool, &owner("vt_fup_silent", None)).await.unwrap();
    let ola: i64 = sqlx::query_scalar(
        "INSERT INTO public.contacts (organisation_id, name, role, email)
         SELECT id, 'Ola', 'Driftsleverandør', 'ola@drift.example' FROM public.organisations WHERE code = 'asf'
         RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    // Written by the schema owner, so the due dates can be chosen (a chair's must be today or later).
    let meeting: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "WITH s AS (
             INSERT INTO public.meeting_series (code, agreement_id, title, kind, zone, start_local, rule,
                                                duration_minutes, chair_login)
             SELECT 'ALT-STATUS', id, 'Ukentlig statusmøte', 'weekly_status', 'Europe/Oslo', '2026-11-03 10:00',
                    'FREQ=WEEKLY;BYDAY=TU', 60, '{chair}' FROM public.agreements WHERE code = 'ALTINN' RETURNING id)
         INSERT INTO public.meetings (series_id, starts_at, next_starts_at, agenda, state, published_by, published_at)
         SELECT id, '2026-12-01 10:00+01', '2026-12-08 10:00+01', '{{\"sections\": []}}', 'published', '{chair}',
                '2026-12-01 12:00+01' FROM s
         RETURNING id"
    )))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    // The owner's column and value, the due date and the state are the test's own fixed values.
    let point = |owner: String, due: &str, state: &str| {
        let (pool, due, state) = (db.pool.clone(), due.to_string(), state.to_string());
        async move {
            let (owner_column, owner_value) = owner.split_once(", ").unwrap();
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
                "INSERT INTO public.follow_ups (meeting_id, text, {owner_column}, due_date, state)
                 VALUES ($1, 'Verifiser a-melding', {owner_value}, '{due}', '{state}') RETURNING id"
            )))
            .bind(meeting)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    // Monday 14 December (reminded from Thursday 10th) and Wednesday 9 December (from Monday 7th).
    let kari = point("owner_login, 'vt_fup_kari'".into(), "2026-12-14", "open").await;
    let by_contact = point(format!("owner_contact_id, {ola}"), "2026-12-09", "open").await;
    point("owner_login, 'vt_fup_silent'".into(), "2026-12-09", "open").await;
    point("owner_login, 'vt_fup_kari'".into(), "2026-12-09", "closed").await;
    let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap();
    let remind = |now| vakt::db::minutes::reminders::remind_follow_ups(&worker, now);
    assert_eq!(remind(at(2026, 12, 4)).await.unwrap(), 0, "Friday: nothing due within two working days");
    assert_eq!(remind(at(2026, 12, 7)).await.unwrap(), 1, "Monday: the contact's point due Wednesday");
    assert_eq!(remind(at(2026, 12, 7)).await.unwrap(), 0, "once");
    assert_eq!(remind(at(2026, 12, 9)).await.unwrap(), 0, "due today: reminded already");
    assert_eq!(remind(at(2026, 12, 10)).await.unwrap(), 2, "Thursday: Kari's point; the contact's is overdue");
    assert_eq!(remind(at(2026, 12, 15)).await.unwrap(), 1, "Tuesday: Kari's is overdue");
    assert_eq!(remind(at(2026, 12, 16)).await.unwrap(), 0, "once overdue, however long");
    let sent = queued(&db.pool, "minfup").await;
    let keys: Vec<(&str, &str)> = sent.iter().map(|(k, a, _, _)| (k.as_str(), a.as_str())).collect();
    assert_eq!(
        keys,
        vec![
            (format!("minfup{kari}-late").as_str(), "kari@example.org"),
            (format!("minfup{kari}-soon").as_str(), "kari@example.org"),
            (format!("minfup{by_contact}-late").as_str(), "ola@drift.example"),
            (format!("minfup{by_contact}-soon").as_str(), "ola@drift.example"),
        ]
    );
    let late = &sent[0];
    assert!(late.2.starts_with("OVERDUE follow-up (due 2026-12-14)"), "{}", late.2);
    assert!(late.3.contains(&format!("vakt followup answer {kari}")), "{}", late.3);
    assert!(sent[2].3.contains(&format!("the chair, {chair}")), "a contact answers through the chair: {}", sent[2].3);
}
