//! Agreements in the database and the demo data built from them.

use vakt::db::{DbError, agreements, demo, incidents};
use vakt::demo::{Plan, SEED_AGREEMENTS};

use crate::harness::TestDb;

#[tokio::test]
async fn the_seed_agreements_import_export_and_reimport() {
    let db = TestDb::new().await;
    for (path, text) in SEED_AGREEMENTS {
        let outcome = agreements::import(&db.pool, text).await.unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(outcome.result, "created", "{path}");
        let again = agreements::import(&db.pool, text).await.unwrap();
        assert_eq!(again.result, "unchanged", "{path}");
        let exported = agreements::export(&db.pool, &outcome.code, None).await.unwrap();
        assert_eq!(exported, text, "export gives back the file as imported, comments included");
    }
    let listed = agreements::list(&db.pool).await.unwrap();
    let codes: Vec<&str> = listed.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["ALTINN", "ROR-IKT", "STHLM-SD", "TU-IT"]);
    let altinn = &listed[0];
    assert_eq!((altinn.version.as_str(), altinn.services), ("2.0", 7));
    let priorities: Vec<(String, i32)> = sqlx::query_as(
        "SELECT p.label, p.rank FROM priorities p JOIN agreement_versions v ON v.id = p.agreement_version_id
         JOIN agreements a ON a.id = v.agreement_id WHERE a.code = 'ROR-IKT' ORDER BY p.rank",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let labels: Vec<&str> = priorities.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["Kritisk", "Høy", "Middels", "Lav"]);
    assert_eq!(agreements::load_all(&db.pool).await.unwrap().len(), 4);
}

#[tokio::test]
async fn bad_agreements_are_refused_with_their_line() {
    let db = TestDb::new().await;
    let broken = SEED_AGREEMENTS[1].1.replacen("[clock]", "[clock]\nsupport_calendar_typo = 1", 1);
    let err = agreements::import(&db.pool, &broken).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(_)), "{err:?}");
    assert!(err.to_string().contains("line"), "{err}");
    assert!(matches!(agreements::export(&db.pool, "NOPE", None).await, Err(DbError::NotFound(_))));
}

#[tokio::test]
async fn a_version_in_use_cannot_change_but_a_new_version_can_be_added() {
    let db = TestDb::new().await;
    let (_, admin) = db.login("admin").await;
    let text = SEED_AGREEMENTS[1].1;
    agreements::import(&admin, text).await.unwrap();
    let changed = text.replacen("amount = 15", "amount = 20", 1);
    assert_ne!(changed, text);
    // Unused: replaced in place, by an admin as by the owner.
    assert_eq!(agreements::import(&admin, &changed).await.unwrap().result, "replaced");
    let version: i64 = sqlx::query_scalar("SELECT id FROM agreement_versions").fetch_one(&db.pool).await.unwrap();
    let service: i64 = sqlx::query_scalar("SELECT id FROM services LIMIT 1").fetch_one(&db.pool).await.unwrap();
    sqlx::query("INSERT INTO incidents (service_id, agreement_version_id, title) VALUES ($1, $2, 'x')")
        .bind(service)
        .bind(version)
        .execute(&db.pool)
        .await
        .unwrap();
    let err = agreements::import(&admin, text).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput(_)) && err.to_string().contains("new version"), "{err}");
    let next_year = text.replacen("valid_from = 2020-01-01", "valid_from = 2027-01-01", 1);
    assert_ne!(next_year, text, "the ROR file sets valid_from");
    assert_eq!(agreements::import(&db.pool, &next_year).await.unwrap().result, "created");
    // The newest version is exported unless the day asked for has another in force.
    let day = |d: &str| Some(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
    assert!(agreements::export(&db.pool, "ror-ikt", None).await.unwrap().contains("valid_from = 2027-01-01"));
    assert!(
        agreements::export(&db.pool, "ROR-IKT", day("2026-06-01")).await.unwrap().contains("valid_from = 2020-01-01")
    );
    let err = agreements::export(&db.pool, "ROR-IKT", day("2019-01-01")).await.unwrap_err();
    assert!(err.to_string().contains("no version in force on 2019-01-01"), "{err}");
    let in_force =
        agreements::version_in_force(&db.pool, "ROR-IKT", chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
            .await
            .unwrap();
    assert_eq!(in_force.version_id, version);
}

#[tokio::test]
async fn the_demo_loads_a_year_of_history_and_an_open_queue_with_clocks() {
    let db = TestDb::new().await;
    let now = chrono::Utc::now();
    let summary = demo::load(&db.pool, Plan::demo(now), &mut |_, _| {}).await.unwrap();
    assert_eq!((summary.agreements, summary.open), (4, 12));
    assert_eq!(summary.incidents, 1_512);
    assert!(summary.events > summary.incidents * 3, "{summary:?}");
    let open = incidents::list_open(&db.pool).await.unwrap();
    assert_eq!(open.len(), 12);
    let with_deadline = open.iter().filter(|i| i.next_due.is_some()).count();
    assert!(with_deadline >= 4, "open incidents with SLA targets have a next deadline: {with_deadline}");
    let agreements_on_board: std::collections::BTreeSet<&str> =
        open.iter().map(|i| i.service.agreement.as_str()).collect();
    assert!(agreements_on_board.len() >= 3, "{agreements_on_board:?}");
    let frozen: i64 =
        sqlx::query_scalar("SELECT count(*) FROM incidents WHERE status = 'closed' AND sla_outcome IS NOT NULL")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(frozen, 1_500, "every finished incident has its SLA outcome frozen");
    // The stored clocks of every demo incident are what its history gives.
    let verified = vakt::db::clock_audit::verify(&db.pool, vakt::db::clock_audit::Scope::All, None, now).await.unwrap();
    assert_eq!(verified.checked, 1_512);
    assert!(verified.differing.is_empty() && verified.unreadable.is_empty(), "{verified:?}");
    // The bulk load runs without triggers, so it fills the heat-map's rollup itself: the same as a recount.
    let (from, to) = (now.date_naive() - chrono::Duration::days(400), now.date_naive() + chrono::Duration::days(2));
    let rolled = vakt::db::heatmap::service_days(&db.pool, from, to, None).await.unwrap();
    assert_eq!(rolled.iter().map(|d| d.received).sum::<i64>(), 1_512);
    assert_eq!(rolled, vakt::db::heatmap::service_days_recounted(&db.pool, from, to, None).await.unwrap());
    // Whole ISO weeks come from the weekly rollup (migration 38): the same figures as their days summed.
    use chrono::Datelike;
    let monday = |d: chrono::NaiveDate| d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
    let (first, after) = (monday(from) + chrono::Duration::weeks(1), monday(to));
    let weekly =
        vakt::db::heatmap::service_columns(&db.pool, vakt::domain::heatmap::Bucket::Week, first, after, None, None)
            .await
            .unwrap();
    let mut summed: std::collections::BTreeMap<(String, chrono::NaiveDate), (i64, i64, Option<f64>)> =
        Default::default();
    for d in vakt::db::heatmap::service_days(&db.pool, first, after, None).await.unwrap() {
        let week = summed.entry((d.service, monday(d.day))).or_insert((0, 0, None));
        week.0 += d.received;
        week.1 += d.breaches;
        week.2 = match (week.2, d.worst_used) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    let weekly: std::collections::BTreeMap<_, _> =
        weekly.into_iter().map(|w| ((w.service, w.day), (w.received, w.breaches, w.worst_used))).collect();
    assert!(weekly.len() > 100, "{} service-weeks", weekly.len());
    assert_eq!(weekly, summed);
    // It draws Tranemo/Ulricehamn's survey too: every closed TU incident, a quarter of each tertial's selected.
    let tertials: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE d.selected),
                (SELECT count(*) FROM incidents i JOIN services s ON s.id = i.service_id
                 JOIN agreements a ON a.id = s.agreement_id WHERE a.code = 'TU-IT' AND i.status = 'closed')
         FROM survey_draws d GROUP BY d.period",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(!tertials.is_empty());
    assert_eq!(tertials.iter().map(|t| t.0).sum::<i64>(), tertials[0].2, "every closed TU incident is drawn");
    for (closed, selected, _) in &tertials {
        assert!(*selected == closed / 4 || *selected == closed / 4 + 1, "{selected} of {closed}");
    }
    // The seeds' window patterns: Tranemo/Ulricehamn's third Tuesday and the Tuesday after (announced), Altinn's
    // quarterly release (announced), a freeze, and a ROR-IKT upgrade still waiting for driftsansvarlig.
    let series = vakt::db::maintenance::list_all(&db.pool).await.unwrap();
    let states: Vec<(&str, &str)> = series.iter().map(|s| (s.series.kind.as_str(), s.state.as_str())).collect();
    assert_eq!(
        states,
        [
            ("primary_window", "announced"),
            ("secondary_window", "announced"),
            ("release", "announced"),
            ("freeze", "approved"),
            ("release", "proposed")
        ]
    );
    let windows =
        vakt::db::maintenance::agenda(&db.pool, now.date_naive(), now.date_naive() + chrono::Duration::days(60))
            .await
            .unwrap();
    assert!(windows.iter().any(|w| w.kind == "primary_window"), "{windows:?}");
    // The seeds' meeting series; last week's Altinn status meeting is published, so this week's agenda carries its
    // correction and its three points, the answered one last.
    let codes: Vec<String> = vakt::db::minutes::series(&db.pool).await.unwrap().into_iter().map(|s| s.code).collect();
    assert_eq!(codes, ["ALT-DELIVERY", "ALT-STATUS", "ROR-SAMARBEID", "STH-CHANGE"]);
    let status = vakt::db::minutes::series_by_code(&db.pool, "alt-status").await.unwrap();
    let (_, agenda) = vakt::db::minutes::inputs::agenda(&db.pool, &status, now).await.unwrap();
    use vakt::domain::minutes::agenda::{Row, SectionKind};
    assert_eq!(agenda.section(SectionKind::Corrections).unwrap().rows.len(), 1, "{agenda:?}");
    let points = &agenda.section(SectionKind::FollowUps).unwrap().rows;
    assert_eq!(points.len(), 3);
    assert!(matches!(&points[2], Row::FollowUp(p) if p.answer.is_some()), "{points:?}");
    let published: String = sqlx::query_scalar("SELECT published_by FROM meetings").fetch_one(&db.pool).await.unwrap();
    assert_eq!(published, "karin");
    let err = demo::load(&db.pool, Plan::demo(now), &mut |_, _| {}).await.unwrap_err();
    assert!(err.to_string().contains("already has"), "{err}");
    let (_, operator) = db.login("operator").await;
    let err = demo::load(&operator, Plan::demo(now), &mut |_, _| {}).await.unwrap_err();
    assert!(matches!(err, DbError::Refused(_)), "{err:?}");
}
