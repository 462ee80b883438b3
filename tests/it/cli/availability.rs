//! `vakt outage` and `vakt availability`: the seeds' hand-computed numbers through the command line.

use super::{seeded, stdout};

#[tokio::test]
async fn outages_give_availability_in_operating_hours_with_maintenance_as_the_agreement_says() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let (operator, _) = db.login("operator").await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    let availability = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["availability", "--format", "json"];
        all.extend(args);
        serde_json::from_str(&stdout(&run(&operator, &all))).unwrap()
    };
    // TUL is measured 07:00-20:00 on weekdays: Monday 1 March 19:30-21:00 costs 30 minutes.
    let added = stdout(&run(
        &operator,
        &["outage", "add", "--service", "TUL", "--start", "2027-03-01 19:30", "--end", "2027-03-01 21:00"],
    ));
    assert!(added.starts_with("outage "), "{added}");
    let tul = availability(&["--service", "TUL", "--month", "2027-03"]);
    assert_eq!(tul[0]["downtime_seconds"], 1800);
    assert_eq!(tul[0]["target"], 99.8);

    // An SBL window announced months ahead is agreed maintenance: the outage inside it does not count.
    let window = stdout(&run(
        &admin,
        &[
            "maintenance",
            "add",
            "--services",
            "SBL",
            "--start",
            "2027-03-16 22:00",
            "--duration",
            "1h",
            "--kind",
            "planned_downtime",
            "--format",
            "json",
        ],
    ));
    let id = serde_json::from_str::<serde_json::Value>(&window).unwrap()["series_id"].to_string();
    stdout(&run(&admin, &["maintenance", "approve", &id, "--by", "Astrid", "--role", "ASF"]));
    stdout(&run(&admin, &["maintenance", "announce", &id]));
    let open = stdout(&run(
        &operator,
        &["outage", "add", "--service", "SBL", "--start", "2027-03-16 22:10", "--format", "json"],
    ));
    let open = serde_json::from_str::<serde_json::Value>(&open).unwrap()["id"].to_string();
    stdout(&run(&operator, &["outage", "end", &open, "--at", "2027-03-16 22:50"]));
    let sbl = availability(&["--service", "SBL", "--month", "2027-03"]);
    assert_eq!((sbl[0]["downtime_seconds"].as_i64(), sbl[0]["excluded_seconds"].as_i64()), (Some(0), Some(3600)));
    assert_eq!(sbl[0]["availability"], 1.0);
    assert_eq!(sbl[0]["met"], true);

    // The whole agreement: SERES had no outage, 100 %; a tertial and a year read the same way.
    let altinn = availability(&["--agreement", "ALTINN", "--tertial", "2027-T1"]);
    let seres = altinn.as_array().unwrap().iter().find(|r| r["service"] == "SERES").unwrap();
    assert_eq!(seres["availability"], 1.0);
    assert_eq!(availability(&["--service", "TUL", "--year", "2027"])[0]["downtime_seconds"], 1800);

    // ROR-IKT's exclusion reasons are the only ones accepted; a viewer records nothing; bad input is explained.
    let reason = "linje- og strømbrudd";
    let excluded =
        ["outage", "add", "--service", "MOLDE-EPJ", "--start", "2027-03-02 10:00", "--end", "2027-03-02 11:00"];
    let mut with_reason = excluded.to_vec();
    with_reason.extend(["--exclusion", reason]);
    stdout(&run(&operator, &with_reason));
    let ror = availability(&["--service", "MOLDE-EPJ", "--month", "2027-03"]);
    assert_eq!(ror[0]["downtime_seconds"], 0);
    let reasons = ror[0]["accounting"].to_string();
    assert!(reasons.contains(reason), "{reasons}");
    let mut bad_reason = excluded.to_vec();
    bad_reason.extend(["--exclusion", "it was Tuesday"]);
    assert_eq!(run(&operator, &bad_reason).status.code(), Some(2));
    assert_eq!(run(&viewer, &excluded).status.code(), Some(3));
    for bad in [
        &["outage", "add", "--service", "NOPE", "--start", "2027-03-02 10:00"][..],
        &["outage", "add", "--service", "SBL", "--start", "2027-03-02 10:00", "--end", "2027-03-02 09:00"],
        &["outage", "end", &open, "--at", "2027-03-16 22:00"],
        &["availability", "--service", "SBL", "--month", "2027-13"],
        &["availability", "--service", "SBL"],
    ] {
        assert_eq!(run(&operator, bad).status.code(), Some(2), "{bad:?}");
    }
    let listed: serde_json::Value = serde_json::from_str(&stdout(&run(
        &viewer,
        &["outage", "list", "--from", "2027-03-01", "--to", "2027-04-01", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
}

/// `vakt heatmap`: a TUL outage as a share of its week's downtime budget, incidents received per day, and bad
/// input refused with a message.
#[tokio::test]
async fn the_heatmap_reads_budget_shares_and_incident_counts() {
    let (db, config) = seeded().await;
    let (operator, _) = db.login("operator").await;
    let as_operator = super::runner(&db, &config);
    let run = |args: &[&str]| as_operator(&operator, args);
    let json = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["heatmap", "--format", "json"];
        all.extend(args);
        serde_json::from_str(&stdout(&run(&all))).unwrap()
    };
    stdout(&run(&["outage", "add", "--service", "TUL", "--start", "2027-03-01 19:30", "--end", "2027-03-01 21:00"]));
    let weeks = json(&[
        "--agreement",
        "ALTINN",
        "--by",
        "week",
        "--metric",
        "availability",
        "--from",
        "2027-03-01",
        "--to",
        "2027-03-15",
    ]);
    let cell = |service: &str, start: &str| {
        weeks.iter().find(|c| c["service"] == service && c["start"] == start).unwrap_or_else(|| panic!("{weeks:?}"))
    };
    // 30 minutes counted in a week of 5 × 13 operating hours, which at 99.8 % allows 7.8 minutes.
    let used = cell("TUL", "2027-03-01")["value"].as_f64().unwrap();
    assert!((used - 30.0 / 7.8).abs() < 1e-6, "{used}");
    assert_eq!(cell("TUL", "2027-03-01")["glyph"], "█");
    assert_eq!(cell("TUL", "2027-03-08")["value"], 0.0);
    assert_eq!(cell("SBL", "2027-03-01")["step"], 0);

    // Two incidents received today on SBL read 2 in today's cell.
    for title in ["SBL nede", "SBL treg"] {
        stdout(&run(&["incident", "new", "--service", "SBL", "--priority", "B", "--title", title]));
    }
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Oslo).date_naive();
    let (from, to) = (today.to_string(), today.succ_opt().unwrap().to_string());
    let days = json(&["--by", "day", "--metric", "received", "--from", &from, "--to", &to]);
    let sbl = days.iter().find(|c| c["service"] == "SBL").unwrap();
    assert_eq!(sbl["value"], 2.0);
    assert_eq!(sbl["glyph"], "▒");

    for (args, expected) in [
        (vec!["heatmap", "--by", "week", "--metric", "received", "--from", "2027-03-15", "--to", "2027-03-01"], "--to"),
        (
            vec!["heatmap", "--by", "day", "--metric", "received", "--from", "2020-01-01", "--to", "2027-01-01"],
            "columns",
        ),
        (
            vec![
                "heatmap",
                "--agreement",
                "NOPE",
                "--by",
                "day",
                "--metric",
                "breaches",
                "--from",
                "2027-01-01",
                "--to",
                "2027-01-02",
            ],
            "NOPE",
        ),
    ] {
        let out = run(&args);
        assert!(!out.status.success());
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

/// The heat-map's drill-down, priority filter and side panel read what was recorded: two SBL incidents today (A and
/// C), one outage; the most severe priority alone leaves the A.
#[tokio::test]
async fn the_heatmap_cell_lists_its_incidents_and_outages_and_the_panel_its_month() {
    use vakt::db::heatmap_grid;
    use vakt::domain::heatmap::grid::GridRequest;
    use vakt::domain::heatmap::{Bucket, Cell, Metric};
    let (db, config) = seeded().await;
    let (operator, pool) = db.login("operator").await;
    let as_operator = super::runner(&db, &config);
    let run = |args: &[&str]| stdout(&as_operator(&operator, args));
    for (priority, title) in [("A", "SBL nede"), ("C", "SBL skrivefeil")] {
        run(&["incident", "new", "--service", "SBL", "--priority", priority, "--title", title]);
    }
    // Two minutes, so that only a test run in the first two minutes of a month could see it split.
    let start = chrono::Utc::now() - chrono::Duration::minutes(2);
    run(&[
        "outage",
        "add",
        "--service",
        "SBL",
        "--start",
        &start.to_rfc3339(),
        "--end",
        &chrono::Utc::now().to_rfc3339(),
    ]);
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Oslo).date_naive();
    let tomorrow = today.succ_opt().unwrap();

    let cell = heatmap_grid::cell(&pool, "SBL", today, tomorrow, None).await.unwrap();
    let titles: Vec<&str> = cell.incidents.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["SBL nede", "SBL skrivefeil"]);
    assert_eq!(cell.outages.len(), 1);
    assert!(!cell.more);
    let severe = heatmap_grid::cell(&pool, "SBL", today, tomorrow, Some(1)).await.unwrap();
    assert_eq!(severe.incidents.len(), 1);
    assert_eq!(severe.incidents[0].priority, "A");
    assert!(heatmap_grid::cell(&pool, "NOPE", today, tomorrow, None).await.unwrap().incidents.is_empty());

    let request = |max_rank| GridRequest {
        bucket: Bucket::Day,
        metric: Metric::Received,
        from: today,
        to: tomorrow,
        agreement: Some("altinn".into()),
        max_rank,
    };
    let sbl = |grid: &vakt::domain::heatmap::grid::Grid| {
        grid.rows.iter().find(|r| r.service.code == "SBL").map(|r| r.cells[0]).unwrap()
    };
    let all = heatmap_grid::grid(&pool, &request(None)).await.unwrap();
    assert_eq!(sbl(&all), Cell::Count(2));
    assert!(all.rows.iter().all(|r| r.service.agreement == "ALTINN"), "the agreement filter holds");
    assert_eq!(sbl(&heatmap_grid::grid(&pool, &request(Some(1))).await.unwrap()), Cell::Count(1));
    let unknown = GridRequest { agreement: Some("NOPE".into()), ..request(None) };
    let refused = heatmap_grid::grid(&pool, &unknown).await.unwrap_err().to_string();
    assert!(refused.contains("NOPE"), "{refused}");

    // SBL is measured 24×7 against 99.9 %; the month's budget is 0.1 % of its minutes, 2 of which are used.
    let standings = heatmap_grid::standings(&pool, today).await.unwrap();
    let standing = &standings["SBL"];
    assert_eq!(standing.target, Some(99.9));
    let (left, allowed) = standing.budget_left_minutes().unwrap();
    let days = f64::from(chrono::Datelike::day(
        &vakt::domain::heatmap::Bucket::Month
            .next(vakt::domain::heatmap::Bucket::Month.start_of(today))
            .pred_opt()
            .unwrap(),
    ));
    assert!((allowed - days * 1440.0 * 0.001).abs() < 0.02, "{allowed} for {days} days");
    assert!((allowed - left - 2.0).abs() < 0.05, "{left} of {allowed}");
    // Tranemo/Ulricehamn caps the outages of a year at 5.
    let capped = standings.values().find_map(|s| s.outages).expect("a capped service");
    assert_eq!(capped.1, 5);
}
