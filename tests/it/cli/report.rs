//! `vakt report`: the service reports through the command line, with the seeds' hand-computed numbers, and their
//! counts reconciled with `vakt incident list` and `vakt outage list`.

use chrono::{Datelike, Duration, TimeZone, Utc};
use serde_json::Value;

use super::{fresh_dir, runner, seeded, stdout};

/// Runs vakt as a login on the test database.
fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn service<'a>(figures: &'a Value, code: &str) -> &'a Value {
    figures["services"].as_array().unwrap().iter().find(|s| s["service"] == code).unwrap_or_else(|| panic!("{code}"))
}

#[tokio::test]
async fn reports_state_period_rules_due_date_availability_and_the_accounting() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let (operator, _) = db.login("operator").await;
    let (viewer, _) = db.login("viewer").await;
    let run = runner(&db, &config);

    // TUL is measured 07:00-20:00 on weekdays: Monday 1 March 19:30-21:00 costs 30 minutes.
    stdout(&run(
        &operator,
        &["outage", "add", "--service", "TUL", "--start", "2027-03-01 19:30", "--end", "2027-03-01 21:00"],
    ));
    // An SBL window announced months ahead is agreed maintenance: an outage inside it does not count.
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
    let series = json(&window)["series_id"].to_string();
    stdout(&run(&admin, &["maintenance", "approve", &series, "--by", "Astrid", "--role", "ASF"]));
    stdout(&run(&admin, &["maintenance", "announce", &series]));
    let inside = json(&stdout(&run(
        &operator,
        &[
            "outage",
            "add",
            "--service",
            "SBL",
            "--start",
            "2027-03-16 22:10",
            "--end",
            "2027-03-16 22:50",
            "--format",
            "json",
        ],
    )))["id"]
        .as_i64()
        .unwrap();

    let report = json(&stdout(&run(
        &viewer,
        &["report", "monthly", "--agreement", "altinn", "--month", "2027-03", "--format", "json"],
    )));
    let figures = &report["figures"];
    let header = &figures["header"];
    assert_eq!((header["agreement"].as_str(), header["version"].as_str()), (Some("ALTINN"), Some("2.0")));
    assert_eq!((header["period"]["label"].as_str(), header["due"].as_str()), (Some("2027-03"), Some("2027-04-15")));
    assert!(header["due_rule"].as_str().unwrap().contains("§2.6.2"), "{header}");
    assert_eq!(report["status"], serde_json::json!({ "state": "not_issued", "late": false }));
    let tul = &service(figures, "TUL")["measured"];
    assert_eq!((tul["downtime_seconds"].as_i64(), tul["outages_counted"].as_i64()), (Some(1800), Some(1)));
    let sbl = &service(figures, "SBL")["measured"];
    assert_eq!((sbl["downtime_seconds"].as_i64(), sbl["excluded_seconds"].as_i64()), (Some(0), Some(3600)));
    // SBL in March on Oslo's clock: 744 h less the hour summer time takes (28 March) and the excluded hour is
    // 742 h; 0.1 % of it is 2671.2 s.
    assert_eq!(sbl["allowed_seconds"], 2671);
    assert_eq!(service(figures, "SERES")["measured"]["availability"], 1.0);
    assert!(figures["outage_cap"].is_null(), "Altinn has no cap on the number of outages");

    let markdown = stdout(&run(&viewer, &["report", "monthly", "--agreement", "ALTINN", "--month", "2027-03"]));
    for expected in [
        "- Due: 2027-04-15",
        "- Status: draft: not issued yet",
        "## Accounting statement",
        &format!("SBL: outage {inside} (2027-03-16 22:10 – 2027-03-16 22:50, unavailable) not counted"),
        &format!("SBL: maintenance (series {series}) excluded as agreed maintenance: 60.0 min of operating time"),
        "TUL: outage ",
        "counted: 30.0 min in operating hours",
        "SBL: 99.9 %",
    ] {
        assert!(markdown.contains(expected), "{expected:?} in\n{markdown}");
    }

    // HTML: one self-contained file with a bar per service; nothing it loads from anywhere.
    let file = fresh_dir("report").join("altinn-2027-03.html");
    let path = file.to_str().unwrap();
    stdout(&run(
        &viewer,
        &["report", "monthly", "--agreement", "ALTINN", "--month", "2027-03", "--format", "html", "--output", path],
    ));
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.matches("<svg ").count() == 7, "{html}");
    for external in ["src=", "href=", "<link", "<script", "url(", "@import"] {
        assert!(!html.contains(external), "{external} in {html}");
    }

    // CSV: one figure a row.
    let csv =
        stdout(&run(&viewer, &["report", "monthly", "--agreement", "ALTINN", "--month", "2027-03", "--format", "csv"]));
    assert!(csv.starts_with("section,item,figure,value"), "{csv}");
    assert!(csv.contains("availability,TUL,downtime_seconds,1800\r\n"), "{csv}");
    assert!(csv.contains("report,ALTINN,due,2027-04-15\r\n"), "{csv}");

    // Tranemo/Ulricehamn: windows count, and outages are held against 5 a year. Two outages in T1 of 2027,
    // one in May: the T1 follow-up reads 2 of 5, the year 3 of 5.
    for (start, end) in [("2027-02-02 10:00", "2027-02-02 11:00"), ("2027-03-03 10:00", "2027-03-03 10:30")] {
        stdout(&run(&operator, &["outage", "add", "--service", "TRA-EPOST", "--start", start, "--end", end]));
    }
    stdout(&run(
        &operator,
        &["outage", "add", "--service", "ULR-WIFI", "--start", "2027-05-04 09:00", "--end", "2027-05-04 09:20"],
    ));
    let tertial = json(&stdout(&run(
        &viewer,
        &["report", "tertial", "--agreement", "TU-IT", "--tertial", "2027-T1", "--format", "json"],
    )));
    let cap = &tertial["figures"]["outage_cap"];
    assert_eq!((cap["counted"].as_i64(), cap["cap"].as_i64(), cap["year"].as_i64()), (Some(2), Some(5), Some(2027)));
    assert_eq!(tertial["figures"]["header"]["due"], "2027-05-15");
    // 90 minutes on a 24x7 clock.
    assert_eq!(service(&tertial["figures"], "TRA-EPOST")["measured"]["downtime_seconds"], 5400);
    let yearly = stdout(&run(&viewer, &["report", "yearly", "--agreement", "TU-IT", "--year", "2027"]));
    assert!(yearly.contains("3 of 5 outages used in 2027") && yearly.contains("- Due: 2028-01-15"), "{yearly}");

    for bad in [
        &["report", "monthly", "--agreement", "ALTINN", "--month", "2027-13"][..],
        &["report", "tertial", "--agreement", "TU-IT", "--tertial", "2027-T4"],
        &["report", "yearly", "--agreement", "TU-IT", "--year", "next"],
    ] {
        assert_eq!(run(&viewer, bad).status.code(), Some(2), "{bad:?}");
    }
    let unknown = run(&viewer, &["report", "monthly", "--agreement", "NOPE", "--month", "2027-03"]);
    assert!(!unknown.status.success() && String::from_utf8_lossy(&unknown.stderr).contains("NOPE"));
}

/// The issue's reconciliation: a report's counts, recomputed from `vakt incident list --format json` and `vakt
/// outage list --format json`, agree with the report's own.
#[tokio::test]
async fn report_counts_reconcile_with_the_incident_and_outage_lists() {
    let (db, config) = seeded().await;
    let (operator, _) = db.login("operator").await;
    let (mim, _) = db.login("mim").await;
    let run = runner(&db, &config);
    let new = |service: &str, priority: &str| {
        stdout(&run(&operator, &["incident", "new", "--service", service, "--priority", priority, "--title", "Nede"]))
    };
    let a = new("SBL", "A");
    let b = new("TUL", "B");
    new("SBL", "B");
    new("SERES", "C");
    stdout(&run(&operator, &["incident", "resolve", &b]));
    stdout(&run(&mim, &["major", "declare", &a]));
    // Another agreement's incident is not in Altinn's report.
    new("MOLDE-EPJ", "Høy");

    // An hour of SBL outage ending half an hour ago, and one still open; both in this month when the month is
    // long enough, otherwise clipped to it below, as the report clips them.
    let now = Utc::now();
    let at = |t: chrono::DateTime<Utc>| t.to_rfc3339();
    stdout(&run(
        &operator,
        &[
            "outage",
            "add",
            "--service",
            "SBL",
            "--start",
            &at(now - Duration::minutes(90)),
            "--end",
            &at(now - Duration::minutes(30)),
        ],
    ));
    stdout(&run(&operator, &["outage", "add", "--service", "TT01", "--start", &at(now - Duration::minutes(20))]));

    let oslo = chrono_tz::Europe::Oslo;
    let today = now.with_timezone(&oslo).date_naive();
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let first = today.with_day(1).unwrap();
    let month_start = oslo.from_local_datetime(&first.and_hms_opt(0, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
    let report = json(&stdout(&run(
        &operator,
        &["report", "monthly", "--agreement", "ALTINN", "--month", &month, "--format", "json"],
    )));
    let figures = &report["figures"];

    // Incidents: received this month under Altinn, per priority; resolved; escalated; clocks met and breached.
    let listed = json(&stdout(&run(&operator, &["incident", "list", "--format", "json", "--limit", "1000"])));
    let ours: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["service"]["agreement"] == "ALTINN")
        .filter(|i| i["received_at"].as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap() >= month_start)
        .collect();
    assert_eq!(ours.len(), 4);
    for tally in figures["priorities"].as_array().unwrap() {
        let priority = tally["priority"].as_str().unwrap();
        let of: Vec<&&Value> = ours.iter().filter(|i| i["priority"] == priority).collect();
        let count = |f: &dyn Fn(&Value) -> bool| of.iter().filter(|i| f(i)).count() as i64;
        assert_eq!(tally["received"].as_i64(), Some(of.len() as i64), "{priority}");
        assert_eq!(tally["resolved"].as_i64(), Some(count(&|i| i["status"] == "resolved" || i["status"] == "closed")));
        assert_eq!(tally["major"].as_i64(), Some(count(&|i| i["flags"]["major"] == true)), "{priority}");
        for clock in tally["clocks"].as_array().unwrap() {
            let states = |state: &str| {
                of.iter()
                    .flat_map(|i| i["clocks"].as_array().unwrap())
                    .filter(|c| c["target"] == clock["target"] && c["state"] == state)
                    .count() as i64
            };
            assert_eq!(clock["met"].as_i64(), Some(states("met")), "{priority} {clock}");
            assert_eq!(clock["breached"].as_i64(), Some(states("breached")), "{priority} {clock}");
        }
    }
    let by_priority =
        |p: &str| figures["priorities"].as_array().unwrap().iter().find(|t| t["priority"] == p).unwrap().clone();
    assert_eq!((by_priority("A")["received"].as_i64(), by_priority("A")["major"].as_i64()), (Some(1), Some(1)));
    assert_eq!((by_priority("B")["received"].as_i64(), by_priority("B")["resolved"].as_i64()), (Some(2), Some(1)));

    // Outages: the report's are the listed outages of Altinn's services overlapping the month; SBL's downtime (on
    // a 24x7 clock, no windows) is their length inside the month.
    let from = first.to_string();
    let to = (first + chrono::Months::new(1)).to_string();
    let outages = json(&stdout(&run(&operator, &["outage", "list", "--from", &from, "--to", &to, "--format", "json"])));
    let mut listed_ids: Vec<i64> = outages.as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect();
    let mut report_ids: Vec<i64> =
        figures["outages"].as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect();
    listed_ids.sort();
    report_ids.sort();
    assert_eq!(report_ids, listed_ids);
    let sbl_seconds: i64 = outages
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["service"] == "SBL")
        .map(|o| {
            let t = |v: &Value| v.as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap();
            (t(&o["end"]) - t(&o["start"]).max(month_start)).num_seconds()
        })
        .sum();
    assert_eq!(service(figures, "SBL")["measured"]["downtime_seconds"].as_i64(), Some(sbl_seconds));
    let counted: i64 = figures["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["measured"]["outages_counted"].as_i64().unwrap())
        .sum();
    // TT01 is measured 07:00-20:00 on weekdays: its open outage counts only if it has run in operating hours.
    let tt01 = service(figures, "TT01")["measured"]["outages_counted"].as_i64().unwrap();
    assert_eq!(counted, 1 + tt01);
}

/// `vakt report issue`: a closed period's figures are frozen once, by a MIM or an admin; regenerating it shows the
/// issued figures with what changed since and why; an issue after the due date is marked late.
#[tokio::test]
async fn an_issued_report_is_frozen_and_later_changes_show_as_a_restatement() {
    let (db, config) = seeded().await;
    let (operator, _) = db.login("operator").await;
    let (mim, _) = db.login("mim").await;
    let (admin, _) = db.login("admin").await;
    let run = runner(&db, &config);
    let oslo = chrono_tz::Europe::Oslo;
    let today = Utc::now().with_timezone(&oslo).date_naive();
    let this_month = today.with_day(1).unwrap();
    // The month before last: over, and its due date (the 15th of last month) has passed.
    let closed = this_month - chrono::Months::new(2);
    let month = format!("{:04}-{:02}", closed.year(), closed.month());
    let on = |day: u32, time: &str| format!("{} {time}", closed.with_day(day).unwrap());
    stdout(&run(
        &operator,
        &["outage", "add", "--service", "SBL", "--start", &on(10, "10:00"), "--end", &on(10, "10:30")],
    ));

    let issue = ["report", "issue", "--agreement", "ALTINN", "--month", &month];
    let refused = run(&operator, &issue);
    assert_eq!(refused.status.code(), Some(3), "{}", String::from_utf8_lossy(&refused.stderr));
    let current = format!("{:04}-{:02}", today.year(), today.month());
    let open = run(&mim, &["report", "issue", "--agreement", "ALTINN", "--month", &current]);
    assert_eq!(open.status.code(), Some(2), "a running month is not issued");
    let issued = stdout(&run(&mim, &issue));
    assert!(issued.contains(&format!("ALTINN monthly report {month} issued")) && issued.contains("LATE"), "{issued}");
    let again = run(&mim, &issue);
    assert_eq!(again.status.code(), Some(4), "issued once");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already issued"));

    // A second outage recorded afterwards: the report still shows the issued 30 minutes, and says what changed.
    let late = json(&stdout(&run(
        &operator,
        &[
            "outage",
            "add",
            "--service",
            "SBL",
            "--start",
            &on(12, "08:00"),
            "--end",
            &on(12, "08:10"),
            "--format",
            "json",
        ],
    )))["id"]
        .as_i64()
        .unwrap();
    let report = json(&stdout(&run(
        &operator,
        &["report", "monthly", "--agreement", "ALTINN", "--month", &month, "--format", "json"],
    )));
    assert_eq!(service(&report["figures"], "SBL")["measured"]["downtime_seconds"], 1800);
    assert_eq!(report["status"]["state"], "issued");
    assert_eq!(report["status"]["late"], true);
    let changes = report["restatement"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["what"], "SBL availability");
    assert!(changes[0]["was"].as_str().unwrap().contains("down 1800 s"), "{changes:?}");
    assert!(changes[0]["now"].as_str().unwrap().contains("down 2400 s"), "{changes:?}");
    let why = changes[0]["why"].to_string();
    assert!(why.contains(&format!("recorded after the issue: outage {late} of SBL")), "{why}");
    let markdown = stdout(&run(&operator, &["report", "monthly", "--agreement", "ALTINN", "--month", &month]));
    assert!(
        markdown.contains("Changes since the report was issued") && markdown.contains("(LATE: after its due date)")
    );

    // `report due`: Altinn's last two closed months, the issued one late (its due date had passed), last month due
    // on the 15th of this one.
    let due = json(&stdout(&run(&operator, &["report", "due", "--agreement", "altinn", "--format", "json"])));
    let last = this_month - chrono::Months::new(1);
    let expected = serde_json::json!([
        { "agreement": "ALTINN", "kind": "monthly", "period": month, "due": last.with_day(15).unwrap().to_string(),
          "state": "issued", "late": true, "by": mim, "at": due[0]["at"] },
        { "agreement": "ALTINN", "kind": "monthly", "period": format!("{:04}-{:02}", last.year(), last.month()),
          "due": this_month.with_day(15).unwrap().to_string(), "state": "not_issued", "late": today.day() > 15 },
    ]);
    assert_eq!(due, expected);
    let all = json(&stdout(&run(&operator, &["report", "due", "--format", "json"])));
    let kinds: Vec<String> =
        all.as_array().unwrap().iter().map(|r| format!("{} {}", r["agreement"], r["kind"]).replace('"', "")).collect();
    assert_eq!(
        kinds,
        [
            "ALTINN monthly",
            "ALTINN monthly",
            "ROR-IKT yearly",
            "ROR-IKT yearly",
            "TU-IT tertial",
            "TU-IT tertial",
            "TU-IT yearly",
            "TU-IT yearly"
        ]
    );
    assert_eq!(run(&operator, &["report", "due", "--agreement", "NOPE"]).status.code(), Some(2));

    // `report send`: the issued report, by e-mail, to Altinn's report recipients only; once.
    let send = ["report", "send", "--agreement", "ALTINN", "--month", &month];
    assert_eq!(run(&mim, &send).status.code(), Some(2), "no report recipients yet");
    for (name, role, email) in
        [("Astrid Berg", "Rapportmottaker", "astrid@asf.example"), ("Ola Li", "Systemeier", "ola@asf.example")]
    {
        stdout(&run(&admin, &["contact", "add", "asf", "--name", name, "--role", role, "--email", email]));
    }
    assert_eq!(run(&operator, &send).status.code(), Some(3), "operators do not send reports");
    assert!(stdout(&run(&mim, &send)).starts_with("queued to 1 new of 1 recipients: Astrid Berg"));
    assert!(stdout(&run(&mim, &send)).starts_with("queued to 0 new of 1 recipients"));
    let not_issued = ["report", "send", "--agreement", "ALTINN", "--month", &current];
    assert_eq!(run(&mim, &not_issued).status.code(), Some(2));
    let outbox = json(&stdout(&run(&mim, &["outbox", "list", "--state", "all", "--format", "json"])));
    let queued = outbox.as_array().unwrap();
    assert_eq!(queued.len(), 1, "{outbox}");
    assert_eq!(queued[0]["audience"], "Astrid Berg");
    assert!(queued[0]["idempotency_key"].as_str().unwrap().starts_with("rep"), "{outbox}");
    assert!(queued[0]["summary"].as_str().unwrap().ends_with(&format!("monthly service report {month}")));

    // A period never issued whose due date has passed reads late.
    let older = closed - chrono::Months::new(1);
    let older = format!("{:04}-{:02}", older.year(), older.month());
    let report = json(&stdout(&run(
        &operator,
        &["report", "monthly", "--agreement", "ALTINN", "--month", &older, "--format", "json"],
    )));
    assert_eq!(report["status"], serde_json::json!({ "state": "not_issued", "late": true }));
    assert!(report["restatement"].is_null());
}

/// `vakt serve` reminds MIMs and admins of a report not issued, three days before its due date and once more when
/// it is late; never of an issued one; once, however often it runs.
#[tokio::test]
async fn the_worker_reminds_of_reports_due_and_late_once() {
    let (db, _config) = seeded().await;
    let (_, worker) = db.login("worker").await;
    let staff = vakt::db::staff::NewStaff {
        login: "vt_report_mim",
        full_name: "Kari Nordmann",
        role: "mim",
        email: Some("kari@example.org"),
        phone: None,
    };
    vakt::db::staff::add(&db.pool, &staff).await.unwrap();
    // ROR-IKT's 2025 report is issued (by the schema owner here); the others are not.
    sqlx::query(
        "INSERT INTO service_reports (agreement_id, kind, period, figures)
         SELECT id, 'yearly', '2025', '{}' FROM agreements WHERE code = 'ROR-IKT'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap();
    let remind = |now| vakt::db::report_issues::remind_due(&worker, now);
    // 12 January 2026: December, Tranemo/Ulricehamn's T3 and 2025 are due on the 15th; the periods before them are
    // late (Altinn's November, T2 and 2024 for both); ROR-IKT's 2025 report is issued: 7.
    assert_eq!(remind(at(2026, 1, 12)).await.unwrap(), 7);
    assert_eq!(remind(at(2026, 1, 12)).await.unwrap(), 0, "once");
    // 11 February: December, T3 and TU-IT's 2025 are late now; January is due in 4 days: its draft, not a reminder.
    assert_eq!(remind(at(2026, 2, 11)).await.unwrap(), 4);
    // 12 February: January is due in 3 days; 16 February: it is late.
    assert_eq!(remind(at(2026, 2, 12)).await.unwrap(), 1);
    assert_eq!(remind(at(2026, 2, 16)).await.unwrap(), 1);
    let subjects: Vec<String> = sqlx::query_scalar(
        "SELECT message ->> 'subject' FROM outbox WHERE idempotency_key LIKE 'repdue-ALTINN-%' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        subjects,
        [
            "LATE: the monthly report 2025-11 of ALTINN was due 2025-12-15 and is not issued",
            "Reminder: the monthly report 2025-12 of ALTINN is due 2026-01-15",
            "LATE: the monthly report 2025-12 of ALTINN was due 2026-01-15 and is not issued",
            "Draft: the monthly report 2026-01 of ALTINN is ready for review, due 2026-02-15",
            "Reminder: the monthly report 2026-01 of ALTINN is due 2026-02-15",
            "LATE: the monthly report 2026-01 of ALTINN was due 2026-02-15 and is not issued",
        ]
    );
    // The draft mail carries the report as of that day, for review.
    let draft: String = sqlx::query_scalar(
        "SELECT message ->> 'body' FROM outbox WHERE message ->> 'subject' LIKE 'Draft: the monthly report 2026-01 of ALTINN%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(
        draft.contains("monthly service report 2026-01") && draft.contains("Availability against target"),
        "{draft}"
    );
}
