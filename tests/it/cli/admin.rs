//! The admin's commands (issue 14) through the binary: staff role/reactivate, services, agreement diff and
//! what-if, calendar show and the audit log, with their exit codes (2 bad input, 3 refused).

use chrono::{Duration, Utc};

use super::{fresh_dir, seeded, stdout};
use crate::harness::insert_incident;

const ALTINN: &str = include_str!("../../../agreements/altinn.toml");

/// Altinn 2.1 with priority A's resolution at `hours` instead of 5.
fn altinn_with_a_resolution(hours: u32) -> std::path::PathBuf {
    let text = ALTINN.replacen("version = \"2.0\"", "version = \"2.1\"", 1).replacen(
        "kind = \"resolution\"\namount = 5\n",
        &format!("kind = \"resolution\"\namount = {hours}\n"),
        1,
    );
    assert_ne!(text, ALTINN);
    let path = fresh_dir("altinn21").join("altinn-2.1.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[tokio::test]
async fn agreement_diff_says_in_words_what_a_file_changes() {
    let (db, config) = seeded().await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    let file = altinn_with_a_resolution(4);
    let file = file.to_str().unwrap();
    let table = stdout(&run(&viewer, &["agreement", "diff", file]));
    assert!(table.starts_with("ALTINN 2.0 (valid from 2020-01-01) → 2.1"), "{table}");
    assert!(table.contains("priority A resolution target: 5 h → 4 h"), "{table}");
    assert!(table.contains("version: 2.0 → 2.1"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(
        &viewer,
        &["agreement", "diff", file, "--against", "altinn@2.0", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json["against"]["version"], "2.0");
    let change =
        json["changes"].as_array().unwrap().iter().find(|c| c["what"] == "priority A resolution target").unwrap();
    assert_eq!((change["before"].as_str(), change["after"].as_str()), (Some("5 h"), Some("4 h")));

    let unknown_version = run(&viewer, &["agreement", "diff", file, "--against", "ALTINN@9"]);
    assert_eq!(code(&unknown_version), Some(2));
    assert!(stderr(&unknown_version).contains("known: 2.0"), "{}", stderr(&unknown_version));
    let broken = fresh_dir("broken").join("broken.toml");
    std::fs::write(&broken, "code = \"X\"\nversion = \n").unwrap();
    let out = run(&viewer, &["agreement", "diff", broken.to_str().unwrap()]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
}

#[tokio::test]
async fn agreement_what_if_shows_which_deadlines_move_and_breach_without_writing() {
    let (db, config) = seeded().await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    let (service, version): (i64, i64) = sqlx::query_as(
        "SELECT s.id, v.id FROM services s JOIN agreement_versions v ON v.agreement_id = s.agreement_id
         WHERE s.code = 'SBL'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    insert_incident(&db.pool, service, version, "Innlogging feiler", Some("A")).await;
    let reference: String = sqlx::query_scalar("SELECT ref FROM incidents").fetch_one(&db.pool).await.unwrap();
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM agreement_versions").fetch_one(&db.pool).await.unwrap();
    // Received now, A resolves in 5 h around the clock: at +4 h 30 min it is not breached, with 4 h it is, an
    // hour earlier.
    let at = (Utc::now() + Duration::minutes(270)).to_rfc3339();
    let file = altinn_with_a_resolution(4);
    let json =
        stdout(&run(&viewer, &["agreement", "what-if", file.to_str().unwrap(), "--at", &at, "--format", "json"]));
    let outcome: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(outcome["incidents"], 1);
    let moved = &outcome["deadlines"][0];
    assert_eq!(moved["reference"], reference.as_str());
    assert_eq!(moved["target"], "resolution");
    assert_eq!(moved["moved_seconds"], -3600);
    assert_eq!(moved["verdict"], "becomes_breached");
    let table = stdout(&run(&viewer, &["agreement", "what-if", file.to_str().unwrap(), "--at", &at]));
    assert!(table.contains("1 become breached"), "{table}");
    assert!(table.contains("newly breached"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    assert!(table.contains(&reference) && table.contains("−1 h"), "{table}");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM agreement_versions").fetch_one(&db.pool).await.unwrap();
    assert_eq!(before, after, "what-if writes nothing");
    let bad_at = run(&viewer, &["agreement", "what-if", file.to_str().unwrap(), "--at", "tomorrow"]);
    assert_eq!(code(&bad_at), Some(2));
}

#[tokio::test]
async fn calendar_show_draws_a_year_with_its_closed_days_named() {
    let (db, config) = seeded().await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    let json = stdout(&run(&viewer, &["calendar", "show", "ALTINN/servicedesk", "--year", "2026", "--format", "json"]));
    let year: serde_json::Value = serde_json::from_str(&json).unwrap();
    let days = year["days"].as_array().unwrap();
    assert_eq!(days.len(), 365);
    let ascension = days.iter().find(|d| d["date"] == "2026-05-14").unwrap();
    assert_eq!(ascension["closed"], "Kristi himmelfartsdag");
    assert_eq!(ascension["closed_by_exception"], true);
    let summer = days.iter().find(|d| d["date"] == "2026-06-16").unwrap();
    assert_eq!((summer["season"].as_str(), summer["hours"][0].as_str()), (Some("Sommertid"), Some("08:00-15:00")));
    let table = stdout(&run(&viewer, &["calendar", "show", "servicedesk", "--year", "2026"]));
    assert!(table.contains("Season Sommertid (05-15 – 09-15): mon-fri 08:00-15:00"), "{table}");
    assert!(table.contains("2026-05-14 Thu  Kristi himmelfartsdag"), "{table}");
    assert!(table.contains("January                February               March"), "{table}");
    assert_eq!(code(&run(&viewer, &["calendar", "show", "servicedesk", "--year", "3000"])), Some(2));
    assert_eq!(code(&run(&viewer, &["calendar", "show", "nope", "--year", "2026"])), Some(2));
}

#[tokio::test]
async fn services_staff_roles_and_the_audit_log_from_the_cli() {
    let (db, config) = seeded().await;
    let (admin, _) = db.login("admin").await;
    let (viewer, _) = db.login("viewer").await;
    let (kari, _) = db.login("operator").await;
    let run = super::runner(&db, &config);

    // Services: everyone lists; only admins add and change.
    let add = ["service", "add", "NY", "--name", "Ny tjeneste", "--owner", "asf", "--agreement", "ALTINN"];
    assert_eq!(code(&run(&viewer, &add)), Some(3));
    assert_eq!(stdout(&run(&admin, &add)), "service NY added");
    assert_eq!(code(&run(&admin, &add)), Some(4));
    stdout(&run(&admin, &["service", "edit", "NY", "--support-lines", "2nd,1st"]));
    let csv = stdout(&run(&viewer, &["service", "list", "--format", "csv"]));
    assert!(csv.lines().any(|l| l == "NY,Ny tjeneste,asf,ALTINN,—,1st 2nd,"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("SBL,") && l.contains(",24x7,")), "{csv}");
    assert_eq!(code(&run(&admin, &["service", "edit", "NY", "--owner", "nobody"])), Some(2));
    assert_eq!(code(&run(&admin, &["service", "edit", "NY", "--support-lines", "4th"])), Some(2));
    assert_eq!(code(&run(&admin, &["service", "edit", "NY"])), Some(2));

    // Staff: a role change, refused for non-admins (3), explained for a rule (2).
    assert_eq!(
        stdout(&run(&admin, &["staff", "role", &kari, "mim"])),
        format!("{kari} changed role from operator to mim")
    );
    assert_eq!(code(&run(&viewer, &["staff", "role", &kari, "viewer"])), Some(3));
    assert_eq!(code(&run(&admin, &["staff", "role", &kari, "boss"])), Some(2));
    let own = run(&admin, &["staff", "role", &admin, "viewer"]);
    assert_eq!(code(&own), Some(2));
    assert!(stderr(&own).contains("your own login"), "{}", stderr(&own));
    stdout(&run(&admin, &["staff", "deactivate", &kari]));
    assert!(stdout(&run(&admin, &["staff", "reactivate", &kari])).contains("can sign in again"));
    assert_eq!(code(&run(&admin, &["staff", "reactivate", &kari])), Some(2));

    // The audit log: admins only, with the login that made each change.
    assert_eq!(code(&run(&viewer, &["audit", "list"])), Some(3));
    let json = stdout(&run(&admin, &["audit", "list", "--table", "staff", "--login", &admin, "--format", "json"]));
    let entries: serde_json::Value = serde_json::from_str(&json).unwrap();
    let entries = entries.as_array().unwrap();
    assert!(entries.iter().all(|e| e["login"] == admin.as_str() && e["table"] == "staff"), "{json}");
    assert!(entries.iter().any(|e| e["changed"] == serde_json::json!(["role"])), "{json}");
    let services = stdout(&run(&admin, &["audit", "list", "--table", "services", "--format", "csv"]));
    assert!(
        services.lines().any(|l| l.contains(&format!(",{admin},services,")) && l.ends_with("support_lines")),
        "{services}"
    );
    assert_eq!(code(&run(&admin, &["audit", "list", "--from", "2026-12-02", "--to", "2026-12-01"])), Some(2));
}
