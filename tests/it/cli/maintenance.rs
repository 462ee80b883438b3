//! `vakt maintenance` approvals, announcements, edits and freezes, as an admin of ROR-IKT would use them.

use chrono::{Datelike, TimeZone, Utc};

use super::{seeded, stdout, vakt};
use crate::servers::{HttpReceiver, SmtpServer, mail_and_sms_notifier};

#[tokio::test]
async fn an_upgrade_is_approved_announced_changed_reminded_and_cancelled_with_a_ledger() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let (operator, operator_pool) = db.login("operator").await;
    let (_, worker_pool) = db.login("worker").await;
    // The system owner's side of Molde: one contact by e-mail, one chat channel; real servers receive them.
    let (smtp, http) = (SmtpServer::start().await, HttpReceiver::start().await);
    sqlx::query(
        "INSERT INTO contacts (organisation_id, name, role, email, webhook_url, webhook_preset)
         SELECT id, 'Siri Dahl', 'systemansvarlig', 'siri@molde.example', NULL, NULL FROM organisations WHERE code = 'molde'
         UNION ALL
         SELECT id, 'Drift', 'kanal', NULL, $1, 'slack' FROM organisations WHERE code = 'molde'",
    )
    .bind(http.url("/hooks/abc"))
    .execute(&db.pool)
    .await
    .unwrap();
    let run = |login: &str, args: &[&str]| {
        let url = db.url_as(login);
        let mut all = vec!["--database-url", url.as_str(), "maintenance"];
        all.extend(args);
        vakt(&all, &config)
    };
    let show = |login: &str, id: &str| -> serde_json::Value {
        serde_json::from_str(&stdout(&run(login, &["show", id, "--format", "json"]))).unwrap()
    };
    let release = [
        "add",
        "--services",
        "MOLDE-EPJ",
        "--start",
        "2027-06-01 20:00",
        "--duration",
        "2h",
        "--kind",
        "release",
        "--reason",
        "EPJ 24.2",
        "--format",
        "json",
    ];
    let id: serde_json::Value = serde_json::from_str(&stdout(&run(&admin, &release))).unwrap();
    let id = id["series_id"].to_string();

    // ROR-IKT: an upgrade needs systemansvarlig and driftsansvarlig before it is announced.
    let refused = run(&admin, &["announce", &id]);
    assert_eq!(refused.status.code(), Some(2));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("systemansvarlig and driftsansvarlig"), "{why}");
    let first = stdout(&run(&admin, &["approve", &id, "--by", "Siri Dahl", "--role", "systemansvarlig"]));
    assert!(first.contains("is proposed; still needs driftsansvarlig"), "{first}");
    assert_eq!(run(&operator, &["approve", &id, "--by", "Ola", "--role", "driftsansvarlig"]).status.code(), Some(3));
    assert_eq!(run(&admin, &["approve", &id, "--by", " ", "--role", "driftsansvarlig"]).status.code(), Some(2));
    let second = stdout(&run(&admin, &["approve", &id, "--by", "Per Lie", "--role", "Driftsansvarlig"]));
    assert!(second.contains("is approved"), "{second}");

    let announced = stdout(&run(&admin, &["announce", &id]));
    assert!(announced.contains("announced to 2 recipients"), "{announced}");
    let keys: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT idempotency_key, message ->> 'subject', major_id FROM outbox ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|(key, subject, major)| key.starts_with("mnt")
        && subject == "Varsel om planlagt vedlikehold: MOLDE-EPJ 2027-06-01 20:00"
        && major.is_none()));
    assert_eq!(run(&admin, &["announce", &id]).status.code(), Some(2), "announced once");
    // vakt serve delivers it: the mail through a real SMTP server, the chat message to a real HTTP server.
    let notifier = mail_and_sms_notifier(&smtp, &http);
    let now = Utc::now();
    vakt::serve::deliver_due(&worker_pool, &notifier, &vakt::serve::ServeOptions::new("serve-1"), now).await.unwrap();
    let mails = smtp.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_tos, ["siri@molde.example"]);
    assert_eq!(mails[0].header("Subject"), Some("Varsel om planlagt vedlikehold: MOLDE-EPJ 2027-06-01 20:00"));
    assert!(mails[0].body.contains("  2027-06-01 20:00 – 22:00\n"), "{}", mails[0].body);
    assert!(mails[0].body.contains("Type: leveranse\nKonsekvens: utilgjengelig\nBegrunnelse: EPJ 24.2\n"));
    let posted = http.requests();
    assert_eq!(posted.len(), 1);
    assert!(posted[0].json()["text"].as_str().unwrap().contains("Varsel om planlagt vedlikehold"));
    let shown = show(&operator, &id);
    assert_eq!(shown["state"], "announced");
    assert_eq!(shown["ledger"]["missing"], serde_json::json!([]));
    let first_sequence = shown["ledger"]["announcements"][0]["sequence"].as_i64().unwrap();
    assert_eq!(shown["windows"][0]["notice"]["ok"], true, "announced months ahead");
    assert!(shown["windows"][0]["notice"]["announced_at"].is_string());

    // Moving it announces the change with a higher SEQUENCE, and the approvals of the old time are void.
    let moved = stdout(&run(&admin, &["edit", &id, "--start", "2027-06-02 20:00"]));
    assert!(moved.contains("the change is announced to 2 recipients"), "{moved}");
    let shown = show(&operator, &id);
    let ledger = &shown["ledger"]["announcements"];
    assert_eq!(ledger[1]["what"], "change");
    assert_eq!(ledger[1]["moves"], true);
    assert!(ledger[1]["sequence"].as_i64().unwrap() > first_sequence);
    assert_eq!(shown["ledger"]["missing"], serde_json::json!(["systemansvarlig", "driftsansvarlig"]));
    assert_eq!(shown["windows"][0]["start"], "2027-06-02T18:00:00Z");
    assert_eq!(run(&admin, &["edit", &id]).status.code(), Some(2), "nothing to change");
    assert_eq!(run(&admin, &["edit", &id, "--duration", "0m"]).status.code(), Some(2));

    // vakt serve reminds once a day ahead, however often (and by however many workers) it runs.
    let day_before = Utc.with_ymd_and_hms(2027, 6, 1, 20, 0, 0).unwrap();
    assert_eq!(vakt::db::maintenance::remind_due(&worker_pool, day_before).await.unwrap(), 1);
    assert_eq!(vakt::db::maintenance::remind_due(&worker_pool, day_before).await.unwrap(), 0);
    let reminders: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE message ->> 'subject' LIKE 'Påminnelse om planlagt vedlikehold%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(reminders, 2);

    // Cancelling an announced window tells the same people.
    let cancelled = stdout(&run(&admin, &["cancel", &id, "--reason", "leverandøren er ikke klar"]));
    assert!(cancelled.contains("cancellation is announced to 2 recipients"), "{cancelled}");
    let subjects: Vec<String> = sqlx::query_scalar("SELECT message ->> 'subject' FROM outbox ORDER BY id DESC LIMIT 2")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(subjects.iter().all(|s| s.starts_with("Avlyst planlagt vedlikehold: MOLDE-EPJ")), "{subjects:?}");
    let shown = show(&operator, &id);
    let whats: Vec<&str> =
        shown["ledger"]["announcements"].as_array().unwrap().iter().map(|a| a["what"].as_str().unwrap()).collect();
    assert_eq!(whats, ["announce", "change", "reminder", "cancel"]);
    drop(operator_pool);
}

#[tokio::test]
async fn a_freeze_refuses_a_window_unless_an_admin_records_why() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let run = |args: &[&str]| {
        let url = db.url_as(&admin);
        let mut all = vec!["--database-url", url.as_str(), "maintenance"];
        all.extend(args);
        vakt(&all, &config)
    };
    stdout(&run(&[
        "add",
        "--services",
        "SBL,TUL",
        "--start",
        "2027-12-01 00:00",
        "--duration",
        "31d",
        "--kind",
        "freeze",
        "--reason",
        "year-end",
    ]));
    let inside = ["add", "--services", "SBL", "--start", "2027-12-10 22:00", "--duration", "2h", "--kind", "change"];
    let refused = run(&inside);
    assert_eq!(refused.status.code(), Some(2));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("inside the freeze 2027-12-01 00:00") && why.contains("--override-freeze"), "{why}");
    // A monthly series is refused for its December window too; another service is not in the freeze.
    let monthly = [
        "add",
        "--services",
        "SBL",
        "--start",
        "2027-10-05 22:00",
        "--duration",
        "2h",
        "--kind",
        "change",
        "--rrule",
        "FREQ=MONTHLY;BYDAY=1TU",
    ];
    assert_eq!(run(&monthly).status.code(), Some(2));
    stdout(&run(&[
        "add",
        "--services",
        "SERES",
        "--start",
        "2027-12-10 22:00",
        "--duration",
        "2h",
        "--kind",
        "change",
    ]));
    let mut allowed = inside.to_vec();
    allowed.extend(["--override-freeze", "sikkerhetsoppdatering som ikke kan vente", "--format", "json"]);
    let id: serde_json::Value = serde_json::from_str(&stdout(&run(&allowed))).unwrap();
    let reason: Option<String> = sqlx::query_scalar("SELECT freeze_override FROM maintenance_series WHERE id = $1")
        .bind(id["series_id"].as_i64().unwrap())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(reason.as_deref(), Some("sikkerhetsoppdatering som ikke kan vente"));
    // Moving a window into the freeze is refused the same way.
    let id = stdout(&run(&[
        "add",
        "--services",
        "SBL",
        "--start",
        "2027-11-10 22:00",
        "--duration",
        "2h",
        "--kind",
        "change",
        "--format",
        "json",
    ]));
    let id: serde_json::Value = serde_json::from_str(&id).unwrap();
    let id = id["series_id"].to_string();
    assert_eq!(run(&["edit", &id, "--start", "2027-12-15 22:00"]).status.code(), Some(2));

    // Filters: by agreement (SERES is Altinn's too), by service, and the listed series as iCalendar.
    let range = ["--from", "2027-11-01", "--to", "2028-01-01"];
    let count = |args: &[&str]| -> usize {
        let mut all = vec!["list", range[0], range[1], range[2], range[3], "--format", "json"];
        all.extend(args);
        serde_json::from_str::<serde_json::Value>(&stdout(&run(&all))).unwrap().as_array().unwrap().len()
    };
    assert_eq!(count(&["--agreement", "altinn"]), 4);
    assert_eq!(count(&["--agreement", "TU-IT"]), 0);
    assert_eq!(count(&["--service", "SERES"]), 1);
    assert_eq!(run(&["list", "--agreement", "NOPE"]).status.code(), Some(2));
    let ics = stdout(&run(&["list", range[0], range[1], range[2], range[3], "--service", "SERES", "--format", "ics"]));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
    assert_eq!(run(&["check", "--format", "ics"]).status.code(), Some(2));
}

#[tokio::test]
async fn the_board_learns_of_approved_windows_running_now_and_not_of_drafts() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let (_, operator_pool) = db.login("operator").await;
    let run = |args: &[&str]| {
        let url = db.url_as(&admin);
        let mut all = vec!["--database-url", url.as_str(), "maintenance"];
        all.extend(args);
        vakt(&all, &config)
    };
    let local =
        |at: chrono::DateTime<Utc>| at.with_timezone(&chrono_tz::Europe::Oslo).format("%Y-%m-%d %H:%M").to_string();
    let start = local(Utc::now() - chrono::Duration::hours(1));
    let added = stdout(&run(&[
        "add",
        "--services",
        "SBL",
        "--start",
        &start,
        "--duration",
        "3h",
        "--kind",
        "change",
        "--format",
        "json",
    ]));
    let id: serde_json::Value = serde_json::from_str(&added).unwrap();
    let id = id["series_id"].to_string();
    let freeze = local(Utc::now() + chrono::Duration::hours(5));
    stdout(&run(&["add", "--services", "SBL", "--start", &freeze, "--duration", "2h", "--kind", "freeze"]));
    let windows = vakt::db::maintenance::service_windows(&operator_pool).await.unwrap();
    assert!(windows.windows.is_empty(), "a draft marks nothing: {windows:?}");
    assert!(windows.until.unwrap() > Utc::now() + chrono::Duration::hours(24));
    // Altinn asks for no approval: one approval makes it approved, and the board marks SBL's incidents.
    let approved = stdout(&run(&["approve", &id, "--by", "Ola Nordmann", "--role", "tjenesteeier"]));
    assert!(approved.contains("is approved"), "{approved}");
    let windows = vakt::db::maintenance::service_windows(&operator_pool).await.unwrap();
    assert_eq!(windows.windows.len(), 1, "{windows:?}");
    assert!(windows.running_on("SBL", Utc::now()).is_some());
    assert!(windows.running_on("TUL", Utc::now()).is_none());
}

#[tokio::test]
async fn a_window_moved_on_its_own_is_exported_with_recurrence_id_and_parsed_alike() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let run = |args: &[&str]| {
        let url = db.url_as(&admin);
        let mut all = vec!["--database-url", url.as_str(), "maintenance"];
        all.extend(args);
        vakt(&all, &config)
    };
    let primary = stdout(&run(&[
        "add",
        "--services",
        "TRA-EPOST,ULR-EPOST",
        "--start",
        "2027-01-19 18:00",
        "--duration",
        "4h",
        "--kind",
        "primary_window",
        "--rrule",
        "FREQ=MONTHLY;BYDAY=3TU",
        "--format",
        "json",
    ]));
    let id = serde_json::from_str::<serde_json::Value>(&primary).unwrap()["series_id"].to_string();
    stdout(&run(&[
        "add",
        "--services",
        "TRA-EPOST,ULR-EPOST",
        "--start",
        "2027-01-26 18:00",
        "--duration",
        "3h",
        "--kind",
        "secondary_window",
        "--follows",
        &id,
        "--days-after",
        "7",
    ]));
    // March's primary moves to the Wednesday at 19:00 for 2 h; its secondary follows a week after.
    let moved = stdout(&run(&[
        "edit",
        &id,
        "--occurrence",
        "2027-03-16",
        "--start",
        "2027-03-17 19:00",
        "--duration",
        "2h",
        "--reason",
        "leverantören kan inte på tisdag",
    ]));
    assert!(moved.contains("moved to 2027-03-17 19:00"), "{moved}");
    // A date that names no window, a move too far, and a field of the whole series with one window are refused.
    for bad in [
        &["edit", &id, "--occurrence", "2027-03-15", "--start", "2027-03-17 19:00"][..],
        &["edit", &id, "--occurrence", "2027-04-20", "--start", "2027-06-01 19:00"],
        &["edit", &id, "--occurrence", "2027-04-20", "--start", "2027-04-20 19:00", "--kind", "change"],
    ] {
        assert_eq!(run(bad).status.code(), Some(2), "{bad:?}");
    }
    let range = ["--from", "2027-01-01", "--to", "2028-01-01"];
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["list", range[0], range[1], range[2], range[3], "--format", "json"])))
            .unwrap();
    let starts: Vec<&str> = listed.as_array().unwrap().iter().map(|w| w["start"].as_str().unwrap()).collect();
    assert!(starts.contains(&"2027-03-17T18:00:00Z") && !starts.contains(&"2027-03-16T17:00:00Z"), "{starts:?}");
    assert!(starts.contains(&"2027-03-24T17:00:00Z"), "the secondary follows the moved primary: {starts:?}");
    let mut ours: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("maintenance-{}@vakt {}", w["series_id"], w["start"].as_str().unwrap()))
        .collect();
    ours.sort();
    let ics = stdout(&run(&["export", range[0], range[1], range[2], range[3], "--format", "ics"]));
    assert!(ics.contains("RECURRENCE-ID;TZID=Europe/Stockholm:20270316T180000"), "{ics}");
    let file = super::fresh_dir("ics-moved").join("maintenance.ics");
    std::fs::write(&file, format!("{ics}\r\n")).unwrap();
    let theirs = crate::servers::expand_ics(&file, "2027-01-01", "2028-01-01");
    assert_eq!(theirs, ours, "the independent parser applies the RECURRENCE-ID override as vakt does");

    // A secondary window is a reserve: warned about until its primary's work is recorded as unfinished.
    let codes_on = |listed: &serde_json::Value, start: &str| -> Vec<String> {
        let window = listed.as_array().unwrap().iter().find(|w| w["start"] == start).unwrap();
        window["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap().to_string()).collect()
    };
    assert!(codes_on(&listed, "2027-02-23T17:00:00Z").contains(&"secondary_unlinked".to_string()));
    assert!(!codes_on(&listed, "2027-02-16T17:00:00Z").contains(&"secondary_unlinked".to_string()));
    // 82 h of windows (84 h, less the 2 h March's moved window no longer takes) against the 78.8 h that 99.1 % of
    // 2027 allows: said on every window of the year, and on the console's calendar the same way.
    assert!(codes_on(&listed, "2027-02-16T17:00:00Z").contains(&"budget_exceeded".to_string()));
    let pool = vakt::db::connect(&db.url_as(&admin), 1).await.unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    let agenda = vakt::db::maintenance::agenda(&pool, from, from + chrono::Duration::days(28)).await.unwrap();
    let february = agenda.iter().find(|w| w.kind == "primary_window").unwrap();
    let budget = february.warnings.iter().find(|w| w.code == "budget_exceeded").unwrap();
    assert!(budget.text.contains("82.0 h, more than the 78.8 h that 99.1 %"), "{}", budget.text);
    // The daylight-saving preview of `show`: 18:00 is 17:00 UTC in winter (CET) and 16:00 UTC in summer (CEST).
    let shown = stdout(&run(&["show", &id]));
    let previewed = shown.lines().filter(|l| l.ends_with(" UTC") && l.contains(" = ")).count();
    // The six windows from today: January to June 2027 cross the spring change (later runs may not).
    assert!(previewed == 6 || (previewed == 0 && Utc::now().year() >= 2027), "{shown}");
    for line in shown.lines().filter(|l| l.ends_with(" UTC") && l.contains(" = ")) {
        let hour = |text: &str| text[..2].parse::<i32>().unwrap();
        let (local, utc) = line.trim().split_once(" = ").unwrap();
        let offset = if local.contains(" CEST") {
            2
        } else if local.contains(" CET") {
            1
        } else {
            panic!("{line}")
        };
        assert_eq!(hour(&local[11..16]) - offset, hour(utc), "{line}");
    }
    let noted = stdout(&run(&["annotate", &id, "--occurrence", "2027-02-16", "--unfinished", "--note", "disk kvar"]));
    assert!(noted.contains("recorded as unfinished"), "{noted}");
    assert_eq!(run(&["annotate", &id, "--occurrence", "2027-02-17"]).status.code(), Some(2), "no window that day");
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["list", range[0], range[1], range[2], range[3], "--format", "json"])))
            .unwrap();
    assert!(!codes_on(&listed, "2027-02-23T17:00:00Z").contains(&"secondary_unlinked".to_string()));
    assert!(codes_on(&listed, "2027-04-27T16:00:00Z").contains(&"secondary_unlinked".to_string()));
}

#[tokio::test]
async fn altinn_is_told_when_its_release_plan_no_longer_reaches_twelve_months() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let run = |args: &[&str]| {
        let url = db.url_as(&admin);
        let mut all = vec!["--database-url", url.as_str(), "maintenance"];
        all.extend(args);
        vakt(&all, &config)
    };
    let check =
        || -> serde_json::Value { serde_json::from_str(&stdout(&run(&["check", "--format", "json"]))).unwrap() };
    let plans = check()["release_plans"].clone();
    assert_eq!(plans.as_array().unwrap().len(), 1, "{plans}");
    assert_eq!((plans[0]["agreement"].as_str(), plans[0]["last_release"].is_null()), (Some("ALTINN"), true));
    // Quarterly releases from next month reach a year ahead; a single one does not.
    let start = (Utc::now() + chrono::Duration::days(40)).format("%Y-%m-%d 20:00").to_string();
    stdout(&run(&[
        "add",
        "--services",
        "TUL",
        "--start",
        &start,
        "--duration",
        "2h",
        "--kind",
        "release",
        "--format",
        "json",
    ]));
    let plans = check()["release_plans"].clone();
    assert!(plans[0]["text"].as_str().unwrap().contains("must cover the next 12 months"), "{plans}");
    stdout(&run(&[
        "add",
        "--services",
        "SBL",
        "--start",
        &start,
        "--duration",
        "2h",
        "--kind",
        "release",
        "--rrule",
        "FREQ=MONTHLY;INTERVAL=3",
    ]));
    assert_eq!(check()["release_plans"], serde_json::json!([]));
}

#[tokio::test]
async fn a_change_altinn_service_owners_must_follow_needs_six_months_notice() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let run = |args: &[&str]| {
        let url = db.url_as(&admin);
        let mut all = vec!["--database-url", url.as_str(), "maintenance"];
        all.extend(args);
        vakt(&all, &config)
    };
    let in_days = |days: i64| (Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d 20:00").to_string();
    for (days, short) in [(60, true), (200, false)] {
        let start = in_days(days);
        let added = stdout(&run(&[
            "add",
            "--services",
            "SBL",
            "--start",
            &start,
            "--duration",
            "2h",
            "--kind",
            "change",
            "--breaking",
            "--format",
            "json",
        ]));
        let id = serde_json::from_str::<serde_json::Value>(&added).unwrap()["series_id"].as_i64().unwrap();
        let listed: serde_json::Value = serde_json::from_str(&stdout(&run(&["list", "--format", "json"]))).unwrap();
        let window = listed.as_array().unwrap().iter().find(|w| w["series_id"] == id).unwrap();
        let warned = window["warnings"].as_array().unwrap().iter().any(|w| {
            w["code"] == "breaking_notice_short"
                && w["text"].as_str().unwrap().contains("6 months' notice under ALTINN")
        });
        assert_eq!(warned, short, "{days} days ahead: {window}");
    }
    // Too little notice names the rule and where the agreement says so.
    let soon = in_days(2);
    let added = stdout(&run(&[
        "add",
        "--services",
        "SBL",
        "--start",
        &soon,
        "--duration",
        "1h",
        "--kind",
        "change",
        "--format",
        "json",
    ]));
    let id = serde_json::from_str::<serde_json::Value>(&added).unwrap()["series_id"].as_i64().unwrap();
    let listed: serde_json::Value = serde_json::from_str(&stdout(&run(&["list", "--format", "json"]))).unwrap();
    let window = listed.as_array().unwrap().iter().find(|w| w["series_id"] == id).unwrap();
    let short = window["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "notice_short").unwrap();
    assert!(short["text"].as_str().unwrap().ends_with("of the 5 working days ALTINN requires (§2.1.2)"), "{short}");
}
