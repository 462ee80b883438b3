//! The binary as a process: the scripting interface and its errors.

mod admin;
mod availability;
mod change_need;
mod maintenance;
mod meeting_ics;
mod minutes;
mod minutes_sending;
mod problems;
mod report;
mod survey;

use std::process::Command;

use crate::harness::{TestDb, insert_incident, seed_reference};

fn vakt(args: &[&str], config: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vakt"))
        .args(args)
        .env("VAKT_CONFIG", config)
        .env_remove("DATABASE_URL")
        .env("XDG_STATE_HOME", std::env::temp_dir().join("vakt-cli-test-state"))
        .output()
        .expect("run vakt")
}

/// Runs the binary as `login` on the test database, with times read and shown in `zone`: what every CLI test of a
/// role's rights does.
fn runner_in<'a>(
    db: &'a TestDb,
    config: &'a std::path::Path,
    zone: &'a str,
) -> impl Fn(&str, &[&str]) -> std::process::Output + 'a {
    move |login: &str, args: &[&str]| {
        let url = db.url_as(login);
        let mut all = vec!["--database-url", url.as_str()];
        all.extend(args);
        let mut command = Command::new(env!("CARGO_BIN_EXE_vakt"));
        command.args(&all).env("VAKT_CONFIG", config).env_remove("DATABASE_URL").env("VAKT_TZ", zone);
        command.output().expect("run vakt")
    }
}

/// [`runner_in`] on Oslo's clock.
fn runner<'a>(db: &'a TestDb, config: &'a std::path::Path) -> impl Fn(&str, &[&str]) -> std::process::Output + 'a {
    runner_in(db, config, "Europe/Oslo")
}

/// An empty scratch directory of its own (tests run in parallel and may ask for the same name): a leftover of
/// an earlier run whose process had the same id is removed first.
fn fresh_dir(name: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("vakt-cli-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn temp_config(name: &str, text: &str) -> std::path::PathBuf {
    let path = fresh_dir(name).join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn incident_list_and_show_speak_json_csv_and_tables() {
    let db = TestDb::new().await;
    let (service, version) = seed_reference(&db.pool).await;
    insert_incident(&db.pool, service, version, "Autentisering, \"nede\"", Some("A")).await;
    let config = temp_config("list", "");
    let url = db.url();

    let out = vakt(&["--database-url", &url, "incident", "list", "--open", "--format", "json"], &config);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &list[0];
    assert_eq!(first["priority"], "A");
    assert_eq!(first["service"]["code"], "SBL");
    assert_eq!(first["status"], "acknowledged");
    let reference = first["reference"].as_str().unwrap().to_string();

    let out = vakt(&["--database-url", &url, "incident", "list", "--format", "csv"], &config);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("reference,priority,service,organisation,agreement,status"), "{csv}");
    assert!(csv.contains("\"Autentisering, \"\"nede\"\"\""), "{csv}");

    let out = vakt(&["--database-url", &url, "incident", "show", &reference, "--format", "json"], &config);
    assert!(out.status.success());
    let detail: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(detail["reference"], reference.as_str());
    assert!(detail["events"].is_array());

    let out = vakt(&["--database-url", &url, "incident", "show", "INC-1"], &config);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no incident with reference 'INC-1'"));
}

#[test]
fn a_corrupt_config_file_is_named_with_its_line() {
    let config = temp_config("corrupt", "[database]\nurl = \"postgres://x/y\"\n[ui]\ncolour = \"red\"\n");
    let out = vakt(&["incident", "list"], &config);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 4") && stderr.contains("colour"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_wrong_database_url_gets_one_line_and_a_hint() {
    let config = temp_config("badurl", "");
    let out = vakt(&["--database-url", "postgres://nobody:secret@127.0.0.1:1/none", "incident", "list"], &config);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach the database") && stderr.contains("hint:"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password must not be printed: {stderr}");

    let out = vakt(&["--database-url", "postgres://x:secret@host:notaport/db", "incident", "list"], &config);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("secret"));
}

#[test]
fn config_path_and_init_work_without_a_database() {
    let config = fresh_dir("init").join("config.toml");
    let out = vakt(&["config", "path"], &config);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), config.display().to_string());
    let out = vakt(&["config", "init"], &config);
    assert!(out.status.success());
    let out = vakt(&["config", "init"], &config);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
}

async fn seeded() -> (TestDb, std::path::PathBuf) {
    let db = TestDb::new().await;
    for (_, text) in vakt::demo::SEED_AGREEMENTS {
        vakt::db::agreements::import(&db.pool, text).await.unwrap();
    }
    (db, temp_config("seeded", ""))
}

fn stdout(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test]
async fn sla_deadlines_reproduce_the_seed_numbers() {
    let (db, config) = seeded().await;
    let url = db.url();
    let deadline = |agreement: &str, priority: &str, target: &str, from: &str| {
        stdout(&vakt(
            &[
                "--database-url",
                &url,
                "sla",
                "deadline",
                "--agreement",
                agreement,
                "--priority",
                priority,
                "--target",
                target,
                "--from",
                from,
            ],
            &config,
        ))
    };
    // ROR §5.6: Kritisk received Tuesday 09:00 → response 09:15, resolution 11:00.
    assert_eq!(deadline("ROR-IKT", "Kritisk", "response", "2026-11-24T09:00:00+01:00"), "2026-11-24T09:15:00+01:00");
    assert_eq!(deadline("ROR-IKT", "Kritisk", "resolution", "2026-11-24T09:00:00+01:00"), "2026-11-24T11:00:00+01:00");
    // ROR Høy received Tuesday 14:00 on the business clock → Wednesday 10:30.
    assert_eq!(deadline("ROR-IKT", "Høy", "resolution", "2026-11-24T14:00:00+01:00"), "2026-11-25T10:30:00+01:00");
    // Altinn B 8 h from 08:00 on a normal working day → 08:15 the next working day; in summer → 09:00.
    assert_eq!(deadline("ALTINN", "B", "resolution", "2026-11-24T08:00:00+01:00"), "2026-11-25T08:15:00+01:00");
    assert_eq!(deadline("ALTINN", "B", "resolution", "2026-06-02T08:00:00+02:00"), "2026-06-03T09:00:00+02:00");
    // Tranemo/Ulricehamn intefunktion received on a Swedish holiday (Kristi himmelsfärdsdag 2026-05-14) at
    // 10:00 starts at 07:30 the next working day and is due at that day's closing (Friday 16:00).
    assert_eq!(
        deadline("TU-IT", "intefunktion", "resolution", "2026-05-14T10:00:00+02:00"),
        "2026-05-15T16:00:00+02:00"
    );

    let out = vakt(
        &[
            "--database-url",
            &url,
            "sla",
            "elapsed",
            "--calendar",
            "Kundeservice",
            "--from",
            "2026-11-24T14:00:00+01:00",
            "--to",
            "2026-11-25T10:30:00+01:00",
        ],
        &config,
    );
    assert_eq!(stdout(&out), "14400");
    let out = vakt(
        &[
            "--database-url",
            &url,
            "sla",
            "elapsed",
            "--calendar",
            "24x7",
            "--from",
            "2026-11-24T14:00:00+01:00",
            "--to",
            "2026-11-25T10:30:00+01:00",
        ],
        &config,
    );
    assert_eq!(stdout(&out), "73800", "24x7 is real time");
    for bad in [
        // Before the first version of the agreement was in force.
        vec![
            "sla",
            "deadline",
            "--agreement",
            "ALTINN",
            "--priority",
            "A",
            "--target",
            "response",
            "--from",
            "2019-12-31T09:00:00+01:00",
        ],
        vec![
            "sla",
            "deadline",
            "--agreement",
            "NOPE",
            "--priority",
            "A",
            "--target",
            "response",
            "--from",
            "2026-11-24T09:00:00+01:00",
        ],
        vec![
            "sla",
            "deadline",
            "--agreement",
            "ALTINN",
            "--priority",
            "Kritisk",
            "--target",
            "response",
            "--from",
            "2026-11-24T09:00:00+01:00",
        ],
        vec![
            "sla",
            "deadline",
            "--agreement",
            "ALTINN",
            "--priority",
            "A",
            "--target",
            "response",
            "--from",
            "tuesday",
        ],
        vec!["sla", "elapsed", "--calendar", "nope", "--from", "2026-11-24T09:00:00Z", "--to", "2026-11-24T10:00:00Z"],
    ] {
        let mut args = vec!["--database-url", url.as_str()];
        args.extend(bad.iter().copied());
        let out = vakt(&args, &config);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
}

#[test]
fn holidays_are_listed_by_rule() {
    let config = temp_config("holidays", "");
    let out = vakt(&["calendar", "holidays", "--region", "SE", "--year", "2026", "--format", "json"], &config);
    let list: serde_json::Value = serde_json::from_slice(stdout(&out).as_bytes()).unwrap();
    let midsummer = list.as_array().unwrap().iter().find(|h| h["name"] == "Midsommardagen").unwrap();
    assert_eq!(midsummer["date"], "2026-06-20");
    let out = vakt(&["calendar", "holidays", "--region", "DK", "--year", "2026"], &config);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn incidents_are_worked_from_the_cli_with_exit_codes() {
    let (db, config) = seeded().await;
    let (viewer, _) = db.login("viewer").await;
    let url = db.url();
    let run = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend(args);
        vakt(&all, &config)
    };
    let description = fresh_dir("description").join("description.txt");
    std::fs::write(&description, "Hjemmetjenesten får ikke åpnet journalen.\n").unwrap();
    let reference = stdout(&run(&[
        "incident",
        "new",
        "--service",
        "MOLDE-EPJ",
        "--priority",
        "Kritisk",
        "--title",
        "Helsejournal nede",
        "--description-file",
        description.to_str().unwrap(),
        "--reporter",
        "Silje Aasen",
        "--channel",
        "phone",
    ]));
    assert!(reference.starts_with("INC-"), "{reference}");
    stdout(&run(&["incident", "ack", &reference]));
    let changed = stdout(&run(&["incident", "priority", &reference, "Høy", "--reason", "én enhet"]));
    assert!(changed.contains("resolution: due"), "the deadline before and after is shown: {changed}");
    stdout(&run(&["incident", "note", &reference, "Leverandør kontaktet"]));

    let out = run(&["incident", "list", "--open", "--sort", "deadline", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(stdout(&out).as_bytes()).unwrap();
    let listed = list.as_array().unwrap().iter().find(|i| i["reference"] == reference.as_str()).unwrap();
    assert_eq!(listed["priority"], "Høy");
    let resolution = listed["clocks"].as_array().unwrap().iter().find(|c| c["target"] == "resolution").unwrap();
    assert!(resolution["due"].is_string() && resolution["state"].is_string(), "{resolution}");

    let out = run(&["incident", "pause", &reference, "--reason", "venter"]);
    assert_eq!(out.status.code(), Some(2), "ROR allows no pause");
    let out = run(&["incident", "resolve", &reference, "--if-version", "1"]);
    assert_eq!(out.status.code(), Some(4), "stale version");
    let out = run(&["incident", "priority", &reference, "Kritisk"]);
    stdout(&out);
    let viewer_url = db.url_as(&viewer);
    let out = vakt(&["--database-url", &viewer_url, "incident", "resolve", &reference], &config);
    assert_eq!(out.status.code(), Some(3), "refused by rights: {}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["incident", "new", "--service", "SBL", "--priority", "A", "--title", " "]);
    assert_eq!(out.status.code(), Some(2));
    stdout(&run(&["incident", "resolve", &reference]));
    let shown = stdout(&run(&["incident", "show", &reference]));
    assert!(shown.contains("Leverandør kontaktet") && shown.contains("resolved"), "{shown}");
}

#[tokio::test]
async fn a_major_is_declared_and_shown_from_the_cli() {
    let (db, config) = seeded().await;
    let (mim, _) = db.login("mim").await;
    let (operator, _) = db.login("operator").await;
    let as_login = |login: &str, args: &[&str]| {
        let url = db.url_as(login);
        let mut all = vec!["--database-url", url.as_str()];
        all.extend(args);
        vakt(&all, &config)
    };
    let reference =
        stdout(&as_login(&mim, &["incident", "new", "--service", "SBL", "--priority", "A", "--title", "SBL nede"]));
    // A title carrying a terminal escape, as psql could write it: `major show` must not pass it to the terminal.
    sqlx::query("UPDATE incidents SET title = 'SBL nede' || chr(27) || '[2J' || chr(8238) WHERE ref = $1")
        .bind(&reference)
        .execute(&db.pool)
        .await
        .unwrap();
    let out = as_login(&operator, &["major", "declare", &reference]);
    assert_eq!(out.status.code(), Some(3), "only a MIM declares: {}", String::from_utf8_lossy(&out.stderr));
    stdout(&as_login(&mim, &["major", "declare", &reference, "--exercise", "--organisations", "ASF"]));
    let shown: serde_json::Value =
        serde_json::from_str(&stdout(&as_login(&mim, &["major", "show", &reference, "--format", "json"]))).unwrap();
    let text = shown.to_string();
    assert!(text.contains("SBL nede"), "the impact defaults to the title: {text}");
    assert!(text.contains("\"exercise\":true"), "{text}");
    assert!(text.contains("\"organisations\":[\"asf\"]"), "stored as the organisation's code: {text}");
    stdout(&as_login(&mim, &["major", "escalate", &reference, "--reason", "ingen bedring"]));
    let table = stdout(&as_login(&mim, &["major", "show", &reference]));
    assert!(table.contains("escalated") && table.contains("ingen bedring"), "escalations are listed: {table}");
    assert!(!table.contains('\u{1b}') && !table.contains('\u{202e}'), "neutralised: {table:?}");
    assert!(table.contains("SBL nede␛[2J<U+202E>"), "shown, not obeyed: {table}");

    stdout(&as_login(&mim, &["major", "state", &reference, "resolved"]));
    let out = as_login(&mim, &["major", "report", &reference, "--action", "Bytt lastbalanserer | drift | 1. des"]);
    assert_eq!(out.status.code(), Some(2), "a bad due date: {}", String::from_utf8_lossy(&out.stderr));
    let report = stdout(&as_login(
        &mim,
        &[
            "major",
            "report",
            &reference,
            "--summary",
            "SBL var nede i 40 minutter",
            "--impact",
            "Ingen kunne sende inn skjema",
            "--root-cause",
            "Feil i lastbalanserer",
            "--lessons",
            "Overvåk lastbalansereren",
            "--action",
            "Bytt lastbalanserer | drift | 2026-12-01",
            "--complete",
        ],
    ));
    assert!(report.contains("Feil i lastbalanserer") && report.contains("Bytt lastbalanserer"), "{report}");
}

#[test]
fn a_config_file_named_on_purpose_must_exist_and_scripts_get_no_console_without_a_terminal() {
    let config = temp_config("named", "");
    let out = vakt(
        &["--config", "/nonexistent/vakt.toml", "calendar", "holidays", "--region", "NO", "--year", "2026"],
        &config,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not exist"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vakt(&[], &config);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs a terminal"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn sla_verify_finds_clocks_rewritten_with_psql_and_a_viewer_may_run_it() {
    let (db, config) = seeded().await;
    let (_, operator) = db.login("operator").await;
    let (viewer, _) = db.login("viewer").await;
    let new = vakt::db::lifecycle::NewIncident {
        service: "SBL".into(),
        priority: Some("B".into()),
        title: "Autentisering tidvis nede".into(),
        reporter: "Silje Aasen".into(),
        ..Default::default()
    };
    let created = vakt::db::lifecycle::create(&operator, &new).await.unwrap();
    let action = vakt::domain::incident::lifecycle::IncidentAction::Acknowledge;
    vakt::db::lifecycle::perform(&operator, created.id, None, &action).await.unwrap();
    // A second one is resolved and reopened: its outcome stays frozen at the resolution.
    let reopened = vakt::db::lifecycle::create(&operator, &new).await.unwrap();
    use vakt::domain::incident::lifecycle::IncidentAction::{Acknowledge, Reopen, Resolve};
    for action in [Acknowledge, Resolve, Reopen] {
        vakt::db::lifecycle::perform(&operator, reopened.id, None, &action).await.unwrap();
    }
    let verify = |args: &[&str]| {
        let url = db.url_as(&viewer);
        let mut all = vec!["--database-url", url.as_str(), "sla", "verify"];
        all.extend(args);
        vakt(&all, &config)
    };
    let clean = verify(&[]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("2 incidents checked"), "{clean:?}");

    // An operator with psql moves the deadline two days out, together with a note so the database lets it pass.
    let mut tx = operator.begin().await.unwrap();
    sqlx::query("INSERT INTO incident_events (incident_id, kind, data) VALUES ($1, 'note', '{\"text\": \"ok\"}')")
        .bind(created.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE incidents SET next_due_at = next_due_at + interval '2 days',
                clocks = (SELECT jsonb_agg(CASE WHEN c->>'target' = 'resolution'
                    THEN jsonb_set(c, '{due}', to_jsonb((c->>'due')::timestamptz + interval '2 days')) ELSE c END
                    ORDER BY n) FROM jsonb_array_elements(clocks) WITH ORDINALITY AS e(c, n))
         WHERE id = $1",
    )
    .bind(created.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let forged = verify(&["--format", "json"]);
    assert_eq!(forged.status.code(), Some(5), "{}", String::from_utf8_lossy(&forged.stderr));
    assert!(String::from_utf8_lossy(&forged.stderr).contains("1 of 2 incidents differ from their history"));
    let report: serde_json::Value = serde_json::from_slice(&forged.stdout).unwrap();
    let findings = &report["differing"][0];
    assert_eq!(findings["reference"], created.reference.as_str());
    let fields: Vec<&str> =
        findings["findings"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["clocks.resolution.due", "next_due_at"]);

    let table = verify(&["--ref", &created.reference]);
    assert_eq!(table.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&table.stdout).contains("clocks.resolution.due"));
    let unknown = verify(&["--ref", "INC-999999"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", String::from_utf8_lossy(&unknown.stderr));

    // An incident without any history (only a superuser can make one) is named as one that cannot be recomputed.
    let bare: String = sqlx::query_scalar(
        "INSERT INTO incidents (service_id, agreement_version_id, title)
         SELECT service_id, agreement_version_id, 'bare' FROM incidents WHERE id = $1 RETURNING ref",
    )
    .bind(created.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let out = verify(&["--ref", &bare]);
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no 'received' entry"), "{out:?}");
}

#[test]
fn output_into_a_pipe_closed_early_ends_quietly() {
    let config = temp_config("pipe", "");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vakt"))
        .args(["calendar", "holidays", "--region", "NO", "--year", "2026", "--format", "json"])
        .env("VAKT_CONFIG", &config)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run vakt");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn rota_times_are_read_and_shown_in_the_viewers_zone() {
    let (db, config) = seeded().await;
    let (ola, _) = db.login("mim").await;
    let (ingrid, _) = db.login("mim").await;
    let url = db.url();
    let rota = |args: &[&str], zone: &str| {
        Command::new(env!("CARGO_BIN_EXE_vakt"))
            .args(["--database-url", url.as_str(), "rota"])
            .args(args)
            .env("VAKT_CONFIG", &config)
            .env("VAKT_TZ", zone)
            .env("XDG_STATE_HOME", std::env::temp_dir().join("vakt-cli-test-state"))
            .output()
            .expect("run vakt")
    };
    let oslo = "Europe/Oslo";
    stdout(&rota(
        &["add", "--mim", &ola, "--deputy", &ingrid, "--from", "2026-12-07", "--to", "2026-12-07 08:00"],
        oslo,
    ));
    let listed = stdout(&rota(&["list", "--from", "2026-12-06"], oslo));
    assert!(listed.contains("2026-12-07T00:00:00+01:00") && listed.contains("2026-12-07T08:00:00+01:00"), "{listed}");
    // Starting where the list says the last shift ends is accepted, whatever the zone it is written in.
    stdout(&rota(
        &["add", "--mim", &ingrid, "--deputy", &ola, "--from", "2026-12-07T08:00:00+01:00", "--to", "2026-12-07 16:00"],
        oslo,
    ));
    let overlap = rota(
        &["add", "--mim", &ola, "--deputy", &ingrid, "--from", "2026-12-07 15:00", "--to", "2026-12-07 20:00"],
        oslo,
    );
    assert_eq!(overlap.status.code(), Some(2));
    let message = String::from_utf8_lossy(&overlap.stderr);
    assert!(message.contains("15:00–16:00 (Europe/Oslo)"), "{message}");
    let wrong_zone = rota(&["list", "--from", "2026-12-06"], "Mars/Base");
    assert!(String::from_utf8_lossy(&wrong_zone.stderr).contains("VAKT_TZ 'Mars/Base' is not a time zone"));
}

#[tokio::test]
async fn staff_add_on_an_existing_login_says_the_role_changed() {
    let db = TestDb::new().await;
    let config = temp_config("staff", "");
    let url = db.url();
    let login = format!("vt_{}_per", std::process::id());
    let add = |role: &str| {
        stdout(&vakt(&["--database-url", &url, "staff", "add", &login, "--name", "Per", "--role", role], &config))
    };
    assert!(add("operator").ends_with("is now operator (Per)"));
    assert!(add("operator").contains("was already operator"));
    assert!(add("mim").contains("changed role from operator to mim"));
    let typo = vakt(
        &["--database-url", &url, "staff", "add", &login, "--name", "Per", "--role", "mim", "--email", "nope"],
        &config,
    );
    assert_eq!(typo.status.code(), Some(2), "{}", String::from_utf8_lossy(&typo.stderr));

    // Someone who leaves is deactivated: no sign-in; `staff add` brings them back.
    let deactivate = |who: &str| vakt(&["--database-url", &url, "staff", "deactivate", who], &config);
    assert!(stdout(&deactivate(&login)).contains("can no longer sign in"));
    let listed = stdout(&vakt(&["--database-url", &url, "staff", "list", "--format", "csv"], &config));
    assert!(listed.lines().any(|l| l.starts_with(&login) && l.ends_with(",false")), "{listed}");
    let per_url = db.url_as(&login);
    let refused = vakt(&["--database-url", &per_url, "incident", "list"], &config);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("deactivated"), "{refused:?}");
    assert!(add("operator").contains("is active again as operator"));
    assert!(vakt(&["--database-url", &per_url, "incident", "list"], &config).status.success());
    assert_eq!(deactivate("nobody_here").status.code(), Some(2));
}

#[tokio::test]
async fn the_contact_directory_is_kept_from_the_cli_and_refuses_what_would_reach_nobody() {
    let (db, config) = seeded().await;
    let url = db.url();
    let run = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str(), "contact"];
        all.extend(args);
        vakt(&all, &config)
    };
    let siri = ["add", "molde", "--name", "Siri Dahl", "--role", "Systemeier", "--email", "siri@molde.example"];
    assert!(stdout(&run(&siri)).contains("added to molde"));
    let hook =
        ["add", "molde", "--name", "#drift", "--webhook", "https://hooks.example/T0/B0/SECRET", "--preset", "slack"];
    stdout(&run(&hook));
    for bad in [
        &siri[..],
        &["add", "molde", "--name", "X", "--email", "notanemail"],
        &["add", "molde", "--name", "X", "--mobile", "ring meg"],
        &["add", "molde", "--name", "X", "--webhook", "not a url"],
        &["add", "nowhere", "--name", "X", "--email", "x@y.example"],
        &["remove", "999999"],
    ] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // A viewer reads the directory, with a webhook's host but never its secret path, not even with SQL.
    let (viewer, viewer_pool) = db.login("viewer").await;
    let viewer_url = db.url_as(&viewer);
    let listed = stdout(&vakt(&["--database-url", &viewer_url, "contact", "list", "MOLDE"], &config));
    assert!(listed.contains("Siri Dahl") && listed.contains("hooks.example (slack)"), "{listed}");
    assert!(!listed.contains("SECRET"), "a webhook's path is its secret: {listed}");
    for sql in ["SELECT webhook_url FROM contacts", "SELECT message FROM outbox", "SELECT receipt FROM outbox"] {
        let err = sqlx::query(sql).fetch_all(&viewer_pool).await.unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{sql}: {err}");
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&["list", "--format", "json"]))).unwrap();
    let id = json.as_array().unwrap().iter().find(|c| c["name"] == "Siri Dahl").unwrap()["id"].to_string();
    assert!(stdout(&run(&["remove", &id])).contains("(Siri Dahl) removed"));
    assert!(!stdout(&run(&["list", "molde"])).contains("Siri Dahl"));
}

#[tokio::test]
async fn maintenance_windows_are_planned_listed_and_checked_from_the_cli() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let (operator, operator_pool) = db.login("operator").await;
    let run = |login: &str, args: &[&str]| {
        let url = db.url_as(login);
        let mut all = vec!["--database-url", url.as_str(), "maintenance"];
        all.extend(args);
        vakt(&all, &config)
    };
    // Tranemo/Ulricehamn: the third Tuesday 18-22 and the Tuesday after 18-21, Europe/Stockholm.
    let primary = [
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
    ];
    let id: serde_json::Value = serde_json::from_str(&stdout(&run(&admin, &primary))).unwrap();
    let id = id["series_id"].to_string();
    let secondary = [
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
    ];
    stdout(&run(&admin, &secondary));
    let listed: serde_json::Value = serde_json::from_str(&stdout(&run(
        &operator,
        &["list", "--from", "2027-01-01", "--to", "2028-01-01", "--format", "json"],
    )))
    .unwrap();
    let windows = listed.as_array().unwrap();
    assert_eq!(windows.len(), 24, "12 primary and 12 secondary windows");
    assert_eq!(windows[0]["start"], "2027-01-19T17:00:00Z");
    assert_eq!(windows[0]["zone"], "Europe/Stockholm");
    assert_eq!(windows[7]["start"], "2027-04-27T16:00:00Z", "18:00 in summer time too");
    let checked: serde_json::Value = serde_json::from_str(&stdout(&run(
        &operator,
        &["check", "--from", "2027-01-01", "--to", "2028-01-01", "--format", "json"],
    )))
    .unwrap();
    let budget = &checked["budgets"][0];
    assert_eq!((budget["code"].as_str(), budget["windows_hours"].as_f64()), (Some("budget_exceeded"), Some(84.0)));
    assert_eq!(budget["allowed_hours"].as_f64(), Some(78.84));

    // Bad input is explained, exit 2, nothing saved.
    for bad in [
        &["add", "--services", "SBL", "--start", "2027-03-28 02:30", "--duration", "1h", "--kind", "change"][..],
        &["add", "--services", "SBL", "--start", "2027-10-31 02:30", "--duration", "1h", "--kind", "change"],
        &["add", "--services", "SBL", "--start", "2027-05-01 10:00", "--duration", "0m", "--kind", "change"],
        &["add", "--services", "SBL", "--start", "2027-05-01 10:00", "--duration", "1h", "--kind", "party"],
        &["add", "--services", "NOPE", "--start", "2027-05-01 10:00", "--duration", "1h", "--kind", "change"],
        &[
            "add",
            "--services",
            "SBL",
            "--start",
            "2027-05-01 10:00",
            "--duration",
            "1h",
            "--kind",
            "change",
            "--rrule",
            "FREQ=MINUTELY",
        ],
    ] {
        let out = run(&admin, bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_series").fetch_one(&db.pool).await.unwrap();
    assert_eq!(count, 2);

    // A calendar program sees exactly vakt's windows: the export read by an independent iCalendar parser
    // (Python's icalendar with recurring-ical-events), with July's primary cancelled and its secondary with it.
    sqlx::query("UPDATE maintenance_series SET cancelled_dates = '{2027-07-20}' WHERE kind = 'primary_window'")
        .execute(&db.pool)
        .await
        .unwrap();
    let range = ["--from", "2027-01-01", "--to", "2028-01-01"];
    let ours: serde_json::Value = serde_json::from_str(&stdout(&run(
        &operator,
        &["list", range[0], range[1], range[2], range[3], "--format", "json"],
    )))
    .unwrap();
    let mut ours: Vec<String> = ours
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("maintenance-{}@vakt {}", w["series_id"], w["start"].as_str().unwrap()))
        .collect();
    ours.sort();
    assert_eq!(ours.len(), 22);
    let ics = stdout(&run(&operator, &["export", range[0], range[1], range[2], range[3], "--format", "ics"]));
    let file = fresh_dir("ics").join("maintenance.ics");
    std::fs::write(&file, format!("{ics}\r\n")).unwrap();
    let theirs = crate::servers::expand_ics(&file, "2027-01-01", "2028-01-01");
    assert_eq!(theirs, ours, "the independent parser expands the export to vakt's own windows");

    // One window is cancelled (its secondary goes with it); a date without a window, or an operator, is refused.
    let cancelled = stdout(&run(&admin, &["cancel", &id, "--occurrence", "2027-08-17", "--reason", "inget att göra"]));
    assert!(cancelled.contains("on 2027-08-17 is cancelled"), "{cancelled}");
    assert_eq!(run(&admin, &["cancel", &id, "--occurrence", "2027-08-18"]).status.code(), Some(2));
    assert_eq!(run(&operator, &["cancel", &id, "--occurrence", "2027-09-21"]).status.code(), Some(3));
    let after: serde_json::Value = serde_json::from_str(&stdout(&run(
        &operator,
        &["list", range[0], range[1], range[2], range[3], "--format", "json"],
    )))
    .unwrap();
    assert_eq!(after.as_array().unwrap().len(), 20, "August's primary and secondary are gone");

    // The console's calendar (tab 4) gets the windows of the next four months the same way, annotated.
    let today = chrono::Utc::now().date_naive();
    let agenda =
        vakt::db::maintenance::agenda(&operator_pool, today, today + chrono::Duration::days(122)).await.unwrap();
    assert!(!agenda.is_empty(), "the series recur every month");
    for window in &agenda {
        let local = window.start.with_timezone(&chrono_tz::Europe::Stockholm);
        assert_eq!(
            (chrono::Datelike::weekday(&local), chrono::Timelike::hour(&local)),
            (chrono::Weekday::Tue, 18),
            "{window:?}"
        );
    }
    // Only admins plan windows, with psql as much as from the CLI.
    let refused = run(
        &operator,
        &["add", "--services", "SBL", "--start", "2027-05-01 10:00", "--duration", "1h", "--kind", "change"],
    );
    assert_eq!(refused.status.code(), Some(3), "{}", String::from_utf8_lossy(&refused.stderr));
    let err = sqlx::query(
        "INSERT INTO maintenance_series (services, kind, zone, start_local, length_seconds)
         VALUES ('{SBL}', 'change', 'Europe/Oslo', '2027-05-01 10:00', 3600)",
    )
    .execute(&operator_pool)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    let err =
        sqlx::query("UPDATE maintenance_series SET state = 'approved'").execute(&operator_pool).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
}
