//! `vakt meeting`, `vakt followup` and `vakt minutes`: a chair opens the weekly status meeting and finds the agenda
//! written from live data, publishes, owners answer their points, a participant corrects, and the next agenda shows
//! what was answered, what is overdue and what corrections came in; and what the rules refuse.

use chrono::{Duration, NaiveDate, Utc};
use vakt::db::minutes;
use vakt::domain::minutes::Participant;

use super::{seeded, stdout};
use crate::harness::insert_incident;

#[tokio::test]
async fn the_chair_opens_publishes_owners_answer_and_the_next_agenda_shows_it() {
    let (db, config) = seeded().await;
    let (chair, chair_pool) = db.login("chair").await;
    let (viewer, _) = db.login("viewer").await;
    let (operator, _) = db.login("operator").await;
    let run = super::runner(&db, &config);
    let refused = |out: std::process::Output, code: i32, says: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(stderr.contains(says), "expected {says:?} in {stderr}");
    };
    // Every Tuesday 10:00 Oslo time, from a Tuesday long ago.
    let mut series = crate::harness::altinn_weekly_status(&chair);
    series.participants = vec![
        Participant { who: "asf".into(), role: "ASF".into(), mandatory: true },
        Participant { who: "tjenesteeiere".into(), role: "Tjenesteeiere".into(), mandatory: false },
    ];
    series.distribution = vec!["asf".into()];
    minutes::add_series(&chair_pool, &series).await.unwrap();
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&run(&viewer, &["meeting", "series", "--format", "json"]))).unwrap();
    assert_eq!(listed[0]["code"], "ALT-STATUS");
    assert_eq!(listed[0]["kind"], "weekly_status");
    refused(run(&viewer, &["meeting", "agenda", "--series", "NOPE"]), 2, "unknown meeting series 'NOPE'");
    refused(run(&viewer, &["meeting", "agenda", "--series", "alt-status", "--at", "soon"]), 2, "is not a time");

    // Live data: an open A incident and a C one on SBL; only the A is on the agenda.
    let (service, version) = sqlx::query_as::<_, (i64, i64)>(
        "SELECT s.id, v.id FROM services s JOIN agreement_versions v ON v.agreement_id = s.agreement_id
         WHERE s.code = 'SBL'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    insert_incident(&db.pool, service, version, "Innsending feiler", Some("A")).await;
    insert_incident(&db.pool, service, version, "Treg kvittering", Some("C")).await;
    let agenda: serde_json::Value = serde_json::from_str(&stdout(&run(
        &viewer,
        &["meeting", "agenda", "--series", "ALT-STATUS", "--format", "json"],
    )))
    .unwrap();
    let incidents = agenda["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "incidents").unwrap();
    assert_eq!(incidents["rows"].as_array().unwrap().len(), 1, "{incidents}");
    assert_eq!(incidents["rows"][0]["title"], "Innsending feiler");
    let markdown = stdout(&run(&viewer, &["meeting", "agenda", "--series", "ALT-STATUS"]));
    assert!(markdown.contains("Open major and most severe incidents (1, 0 major)"), "{markdown}");
    // A deadline an hour ahead is no breach, though the meeting is later than it; one an hour ago is.
    let breaches = |due: &'static str| {
        let pool = db.pool.clone();
        let run = &run;
        let viewer = &viewer;
        async move {
            sqlx::query(
                "UPDATE incidents SET status = 'in_progress', next_due_target = 'resolution',
                        next_due_at = now() + $1::interval WHERE title = 'Innsending feiler'",
            )
            .bind(due)
            .execute(&pool)
            .await
            .unwrap();
            let agenda: serde_json::Value = serde_json::from_str(&stdout(&run(
                viewer,
                &["meeting", "agenda", "--series", "ALT-STATUS", "--format", "json"],
            )))
            .unwrap();
            let section = agenda["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "breaches").cloned();
            section.map_or(0, |s| s["rows"].as_array().map_or(0, Vec::len))
        }
    };
    assert_eq!(breaches("1 hour").await, 0);
    assert_eq!(breaches("-1 hour").await, 1);

    // Opening is the chair's; once per meeting.
    refused(run(&viewer, &["meeting", "open", "--series", "ALT-STATUS"]), 3, "only chairs");
    let meeting = stdout(&run(&chair, &["meeting", "open", "--series", "ALT-STATUS"]));
    refused(run(&chair, &["meeting", "open", "--series", "ALT-STATUS"]), 2, "open already");
    let drafts = |login: &str| -> usize {
        let out = stdout(&run(login, &["meeting", "list", "--series", "ALT-STATUS", "--format", "json"]));
        serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap().len()
    };
    assert_eq!((drafts(&chair), drafts(&viewer)), (1, 0), "a draft is the chair's to read");

    // Follow-up points: a due date in the past is refused, nothing written.
    let today = Utc::now().with_timezone(&chrono_tz::Europe::Oslo).date_naive();
    let add = |owner: &str, due: NaiveDate, text: &str| {
        run(
            &chair,
            &["followup", "add", "--meeting", &meeting, "--owner", owner, "--due", &due.to_string(), "--text", text],
        )
    };
    refused(add(&viewer, today - Duration::days(1), "Too late"), 2, "in the past");
    refused(add("nobody", today, "Who"), 2, "no staff login 'nobody'");
    let mine = stdout(&add(&viewer, today + Duration::days(2), "Verifiser a-melding"));
    let theirs = stdout(&add(&operator, today, "Rotårsak for tidsavbrudd"));
    let points = |login: &str, args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["followup", "list", "--format", "json"];
        all.extend(args);
        serde_json::from_str(&stdout(&run(login, &all))).unwrap()
    };
    assert_eq!(points(&chair, &[]).len(), 2);
    assert_eq!(points(&viewer, &[]).len(), 0, "points of a draft are not out yet");

    // An item the chair added and the meeting never got to: it carries over (4Minitz).
    sqlx::query(
        "INSERT INTO public.meeting_items (meeting_id, position, section, title) VALUES ($1, 50, 'other', 'Kapasitet i TT02')",
    )
    .bind(meeting.parse::<i64>().unwrap())
    .execute(&chair_pool)
    .await
    .unwrap();

    // Publish once; then read-only for all, read by all.
    refused(run(&viewer, &["minutes", "publish", &meeting]), 2, "no meeting");
    refused(run(&viewer, &["minutes", "correct", &meeting, "--text", "x"]), 2, "no meeting");
    refused(run(&chair, &["minutes", "correct", &meeting, "--text", "x"]), 2, "is a draft");
    stdout(&run(&chair, &["minutes", "publish", &meeting]));
    refused(run(&chair, &["minutes", "publish", &meeting]), 2, "published already");
    refused(add(&viewer, today + Duration::days(3), "After"), 2, "read-only");
    assert_eq!(drafts(&viewer), 1);

    // Owners answer their own points only.
    refused(run(&viewer, &["followup", "answer", &theirs, "--text", "Not mine"]), 2, "only");
    refused(run(&viewer, &["followup", "answer", &mine, "--text", "  "]), 2, "needs a text");
    stdout(&run(&viewer, &["followup", "answer", &mine, "--text", "Verifisert OK"]));
    let listed = points(&viewer, &["--owner", &viewer]);
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0]["state"].as_str(), listed[0]["answer"].as_str()), (Some("answered"), Some("Verifisert OK")));
    assert_eq!(listed[0]["answered_by"], viewer.as_str());
    let open = points(&viewer, &["--open"]);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"].to_string(), theirs);
    assert_eq!(open[0]["answer"], serde_json::Value::Null, "someone else's point was left as it was");

    // A participant's correction, then the agenda of two weeks on: the correction, the answered point, the
    // operator's point overdue and first.
    stdout(&run(&viewer, &["minutes", "correct", &meeting, "--text", "Punkt 2: B, ikke A"]));
    let later = (today + Duration::days(14)).to_string();
    let next: serde_json::Value = serde_json::from_str(&stdout(&run(
        &viewer,
        &["meeting", "agenda", "--series", "ALT-STATUS", "--at", &later, "--format", "json"],
    )))
    .unwrap();
    let section = |kind: &str| next["sections"].as_array().unwrap().iter().find(|s| s["kind"] == kind).unwrap().clone();
    assert_eq!(section("corrections")["rows"][0]["text"], "Punkt 2: B, ikke A");
    let follow = section("follow_ups");
    assert_eq!(follow["rows"][0]["id"].to_string(), theirs);
    assert_eq!(follow["rows"][0]["overdue"], true);
    assert_eq!(follow["rows"][1]["answer"], "Verifisert OK");
    let carried = section("carried");
    assert_eq!(
        (carried["rows"][0]["title"].as_str(), carried["rows"][0]["why"].as_str()),
        (Some("Kapasitet i TT02"), Some("not_discussed"))
    );
    // Opening that meeting writes the carried item with where it came from.
    let second: i64 =
        stdout(&run(&chair, &["meeting", "open", "--series", "ALT-STATUS", "--at", &later])).parse().unwrap();
    let from: Option<i64> =
        sqlx::query_scalar("SELECT carried_from FROM meeting_items WHERE meeting_id = $1 AND section = 'carried'")
            .bind(second)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(from.is_some());

    // The minutes as Markdown, HTML and JSON, for everyone now.
    let md = stdout(&run(&operator, &["minutes", "show", &meeting]));
    assert!(md.contains("Ukentlig statusmøte Altinn") && md.contains("asf ✗ absent (mandatory)"), "{md}");
    assert!(md.contains("Punkt 2: B, ikke A"), "{md}");
    let html = stdout(&run(&operator, &["minutes", "export", &meeting, "--format", "html"]));
    assert!(html.contains("<html") && html.contains("Verifiser a-melding"), "{html}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&operator, &["minutes", "show", &meeting, "--format", "json"]))).unwrap();
    assert_eq!(json["state"], "published");
    assert_eq!(json["published_by"], chair.as_str());
}

/// Taking minutes from a script: attendance, notes (replaced or appended), decisions on an item, and the agenda
/// changed item by item; bad numbers, readers and published minutes are refused with the exit codes of the rest.
#[tokio::test]
async fn the_chair_takes_minutes_from_the_command_line() {
    let (db, config) = seeded().await;
    let (chair, chair_pool) = db.login("chair").await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    let fails = |out: std::process::Output, code: i32, says: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(stderr.contains(says), "expected {says:?} in {stderr}");
    };
    let series = crate::harness::altinn_weekly_status(&chair);
    minutes::add_series(&chair_pool, &series).await.unwrap();
    let id = stdout(&run(&chair, &["meeting", "open", "--series", "ALT-STATUS"])).trim().to_string();
    let id = id.as_str();
    fn m<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["minutes"], args].concat()
    }

    stdout(&run(&chair, &m(&["attend", id, "asf"])));
    fails(run(&chair, &m(&["attend", id, "nav"])), 2, "nav is not on the attendance list");
    fails(run(&viewer, &m(&["attend", id, "asf", "--absent"])), 3, "only chairs");
    stdout(&run(&chair, &m(&["notes", id, "--item", "1", "--text", "Ingen avvik"])));
    stdout(&run(&chair, &m(&["notes", id, "--item", "1", "--append", "ASF bekrefter"])));
    fails(run(&chair, &m(&["notes", id, "--item", "99", "--text", "x"])), 2, "has no agenda item 99");
    stdout(&run(&chair, &m(&["decide", id, "--item", "1", "--text", "Patch fredag"])));
    stdout(&run(&chair, &m(&["decide", id, "--text", "Neste møte flyttes"])));
    fails(run(&viewer, &m(&["decide", id, "--text", "Nei"])), 3, "only chairs");
    stdout(&run(&chair, &m(&["item", id, "add", "--title", "Eventuelt", "--after", "1"])));
    stdout(&run(&chair, &m(&["item", id, "up", "2"])));
    stdout(&run(&chair, &m(&["item", id, "discussed", "1"])));
    fails(run(&chair, &m(&["item", id, "drop", "2"])), 2, "holds decisions");
    stdout(&run(&chair, &m(&["item", id, "drop", "1"])));

    let shown: serde_json::Value =
        serde_json::from_str(&stdout(&run(&chair, &m(&["show", id, "--format", "json"])))).unwrap();
    let first = &shown["items"][0];
    assert_eq!(first["notes"], "Ingen avvik\n\nASF bekrefter", "{first}");
    assert_eq!(shown["attendance"][0]["present"], true);
    let decisions: Vec<(bool, &str)> = shown["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["item_id"] == first["id"], d["text"].as_str().unwrap()))
        .collect();
    assert_eq!(decisions, vec![(true, "Patch fredag"), (false, "Neste møte flyttes")]);
    assert!(shown["items"].as_array().unwrap().iter().all(|i| i["title"] != "Eventuelt"), "dropped: {shown}");
    let markdown = stdout(&run(&chair, &m(&["show", id])));
    assert!(markdown.contains("Patch fredag") && markdown.contains("ASF bekrefter"), "{markdown}");

    // A point for a contact (who has no login), named by address or as ORG:Name, about a window and a report.
    let org: i64 = sqlx::query_scalar("SELECT id FROM public.organisations ORDER BY id LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let code: String = sqlx::query_scalar("SELECT code FROM public.organisations WHERE id = $1")
        .bind(org)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    for (name, email) in [
        ("Siri Drift", "siri@drift.example"),
        ("Per Drift", "felles@drift.example"),
        ("Pål Drift", "felles@drift.example"),
    ] {
        sqlx::query("INSERT INTO public.contacts (organisation_id, name, email) VALUES ($1, $2, $3)")
            .bind(org)
            .bind(name)
            .bind(email)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let due = (Utc::now().date_naive() + Duration::days(7)).to_string();
    let add = |owner: &str, extra: &[&str]| {
        let mut args =
            vec!["followup", "add", "--meeting", id, "--owner", owner, "--due", due.as_str(), "--text", "Svar"];
        args.extend(extra);
        run(&chair, &args)
    };
    fails(add("SIRI@drift.example", &["--incident", "inc-1"]), 2, "concerns something that does not exist (INC-1)");
    stdout(&add("SIRI@drift.example", &[]));
    stdout(&add(&format!("{}:per drift", code.to_lowercase()), &[]));
    fails(add("felles@drift.example", &[]), 2, "names 2 contacts");
    fails(add("nobody@drift.example", &[]), 2, "no contact 'nobody@drift.example'");
    let listed = stdout(&run(&chair, &["followup", "list", "--format", "json"]));
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let owners: Vec<&str> = listed.as_array().unwrap().iter().filter_map(|p| p["owner"].as_str()).collect();
    assert!(owners.contains(&"Siri Drift") && owners.contains(&"Per Drift"), "{owners:?}");

    stdout(&run(&chair, &m(&["publish", id])));
    fails(run(&chair, &m(&["notes", id, "--item", "1", "--text", "Etterpå"])), 2, "read-only");
    fails(run(&chair, &m(&["item", id, "add", "--title", "Etterpå"])), 2, "read-only");
}
