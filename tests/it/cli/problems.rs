//! `vakt problem` and `vakt incident master`: known errors found in Norwegian and Swedish word forms, linking that
//! applies a workaround through the incident lifecycle, trends, a master incident across suppliers, and the exit
//! codes of bad input (2) and refused rights (3).

use super::{seeded, stdout};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).unwrap()
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

#[tokio::test]
async fn known_errors_are_found_by_their_word_forms_and_linking_applies_the_workaround() {
    let (db, config) = seeded().await;
    let (operator, _) = db.login("operator").await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    let timeout = stdout(&run(
        &operator,
        &[
            "problem",
            "new",
            "--title",
            "Tidsavbrudd ved innlogging i Altinn",
            "--service",
            "SBL",
            "--supplier",
            "asf",
            "--workaround",
            "Logg inn på nytt etter ett minutt",
            "--known-error",
        ],
    ));
    let login = stdout(&run(
        &operator,
        &[
            "problem",
            "new",
            "--title",
            "Inloggning misslyckas i e-tjänsten",
            "--workaround",
            "Rensa webbläsarens cache",
            "--known-error",
        ],
    ));
    // An open problem is not (yet) a known error: the search leaves it out.
    let open = stdout(&run(&operator, &["problem", "new", "--title", "Tidsavbrudd i rapportene"]));
    assert!(timeout.starts_with("PRB-") && login.starts_with("PRB-") && open.starts_with("PRB-"));

    let search = |text: &str| -> Vec<String> {
        json(&run(&viewer, &["problem", "search", text, "--format", "json"]))
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["reference"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(search("tidsavbruddene i portalen"), vec![timeout.clone()], "Norwegian: tidsavbruddene ~ tidsavbrudd");
    assert_eq!(search("Tidsavbrudd"), vec![timeout.clone()]);
    assert_eq!(search("inloggningen"), vec![login.clone()], "Swedish: inloggningen ~ inloggning");
    assert_eq!(search("Skrivaren -skriver inte"), Vec::<String>::new(), "nothing matches, and '-' is no syntax");
    assert_eq!(search("!!"), Vec::<String>::new());
    // "ved" is a Norwegian stop word but an ordinary Swedish word (and "inte" the other way round): a stop word in
    // either language is not searched for, or it would match nearly every known error.
    assert_eq!(search("ved och inte"), Vec::<String>::new(), "stop words of either language match nothing");

    // Linking with --apply-workaround records "workaround in place" through the lifecycle, so Altinn's C may be
    // deprioritised afterwards.
    let incident =
        stdout(&run(&operator, &["incident", "new", "--service", "SBL", "--priority", "C", "--title", "Tidsavbrudd"]));
    let out = run(&operator, &["incident", "deprioritise", &incident, "--reason", "for tidlig"]);
    assert_eq!(code(&out), Some(2), "no workaround yet: {}", String::from_utf8_lossy(&out.stderr));
    let linked =
        json(&run(&operator, &["problem", "link", &timeout, &incident, "--apply-workaround", "--format", "json"]));
    assert_eq!(linked["workaround_applied"], true);
    let shown = json(&run(&viewer, &["incident", "show", &incident, "--format", "json"]));
    let kinds: Vec<&str> = shown["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"workaround_established"), "{kinds:?}");
    assert_eq!(shown["problems"], serde_json::json!([timeout]));
    stdout(&run(&operator, &["incident", "deprioritise", &incident, "--reason", "workaround fra kjent feil"]));
    let out = run(&operator, &["problem", "link", &timeout, &incident]);
    assert_eq!(code(&out), Some(2), "linked twice");
    // A second known error's workaround on an incident that has one already: linked, nothing recorded twice.
    let again =
        json(&run(&operator, &["problem", "link", &login, &incident, "--apply-workaround", "--format", "json"]));
    assert_eq!(
        (again["workaround_applied"].as_bool(), again["workaround_already"].as_bool()),
        (Some(false), Some(true))
    );
    let out = run(&operator, &["problem", "link", &open, &incident, "--apply-workaround"]);
    assert_eq!(code(&out), Some(2), "an open problem without a workaround has none to apply");

    let detail = json(&run(&viewer, &["problem", "show", &timeout, "--format", "json"]));
    assert_eq!(detail["state"], "known_error");
    assert_eq!(detail["owner"], serde_json::json!({"kind": "supplier", "name": "asf"}));
    assert_eq!(detail["linked"][0]["reference"], incident.as_str());
    assert_eq!(detail["linked"][0]["workaround_applied"], true);

    // Trends: this month's incidents per problem and per service.
    let trends = json(&run(&viewer, &["problem", "trends", "--months", "2", "--format", "json"]));
    let per_problem = trends["per_problem"].as_array().unwrap();
    assert_eq!(per_problem.len(), 2, "{trends}");
    assert!(per_problem.iter().all(|s| s["total"] == 1), "{trends}");
    assert_eq!(trends["per_service"][0]["key"], "SBL");
    assert_eq!(trends["per_service"][0]["total"], 1, "one incident, counted once for its service");
    // And in Altinn's report of this month, the problems behind its incidents (the CSV has a row each).
    let month = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Oslo).format("%Y-%m").to_string();
    let report =
        stdout(&run(&viewer, &["report", "monthly", "--agreement", "ALTINN", "--month", &month, "--format", "csv"]));
    let rows: Vec<&str> = report.lines().filter(|l| l.starts_with("problems,")).collect();
    let mut expected = vec![format!("problems,{login},incidents,1"), format!("problems,{timeout},incidents,1")];
    expected.sort();
    assert_eq!(rows, expected, "equal counts: by reference; {report}");
    let markdown = stdout(&run(&viewer, &["report", "monthly", "--agreement", "ALTINN", "--month", &month]));
    assert!(markdown.contains("## Recurring problems"), "{markdown}");

    // Resolving needs the root cause; closed is final; the viewer reads only.
    let out = run(&operator, &["problem", "resolve", &timeout]);
    assert_eq!(code(&out), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("root cause"), "{}", String::from_utf8_lossy(&out.stderr));
    stdout(&run(
        &operator,
        &["problem", "resolve", &timeout, "--root-cause", "Utløpt sertifikat i innloggingstjenesten"],
    ));
    stdout(&run(&operator, &["problem", "edit", &timeout, "--state", "closed"]));
    let out = run(&operator, &["problem", "edit", &timeout, "--state", "open"]);
    assert_eq!(code(&out), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&operator, &["problem", "edit", &login, "--state", "fixed"]);
    assert_eq!(code(&out), Some(2));
    let out = run(&operator, &["problem", "edit", &login, "--if-version", "99", "--title", "Ny tittel"]);
    assert_eq!(code(&out), Some(4), "a stale version is a conflict");
    let out = run(&operator, &["problem", "new", "--title", "Ukjent tjeneste", "--service", "NOPE"]);
    assert_eq!(code(&out), Some(2));
    let out = run(&operator, &["problem", "show", "PRB-9999"]);
    assert_eq!(code(&out), Some(2));
    let out = run(&viewer, &["problem", "new", "--title", "Leser skriver"]);
    assert_eq!(code(&out), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&viewer, &["problem", "unlink", &login, &incident]);
    assert_eq!(code(&out), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    stdout(&run(&operator, &["problem", "unlink", &login, &incident]));
    let listed = json(&run(&viewer, &["problem", "list", "--state", "known_error", "--format", "json"]));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["reference"], login.as_str());
    assert_eq!(listed[0]["incidents"], 0);
}

#[tokio::test]
async fn a_master_incident_gathers_children_that_show_it_and_resolves_them_on_request() {
    let (db, config) = seeded().await;
    let (operator, _) = db.login("operator").await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner_in(&db, &config, "Europe/Stockholm");
    // Stockholm's service desk runs one master ticket across the suppliers' services.
    let new = |service: &str, title: &str| -> String {
        stdout(&run(&operator, &["incident", "new", "--service", service, "--priority", "P3", "--title", title]))
    };
    let master = new("DATANAT", "Nätverket nere i hela staden");
    let first = new("SKOLPLATTFORM", "Skolplattformen når inte nätet");
    let second = new("PORTAL", "Portalen når inte nätet");
    let lone = new("TELEFONI", "Annat");
    let children = json(&run(
        &operator,
        &["incident", "master", &master, "--children", &format!("{first},{second}"), "--format", "json"],
    ));
    assert_eq!(children.as_array().unwrap().len(), 2);
    let child = json(&run(&viewer, &["incident", "show", &first, "--format", "json"]));
    assert_eq!(child["master"], master.as_str(), "the child shows its master's reference");
    let shown = stdout(&run(&viewer, &["incident", "show", &first]));
    assert!(shown.contains(&format!("master incident: {master}")), "{shown}");
    // One level deep, and only operators and up.
    let out = run(&operator, &["incident", "master", &first, "--children", &lone]);
    assert_eq!(code(&out), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&operator, &["incident", "master", &master, "--children", &master]);
    assert_eq!(code(&out), Some(2));
    let out = run(&viewer, &["incident", "master", &master, "--children", &lone]);
    assert_eq!(code(&out), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&operator, &["incident", "master", &master, "--detach", &lone]);
    assert_eq!(code(&out), Some(2), "not a child");

    // Resolving the master alone offers the children; with --children each is resolved through its own lifecycle.
    let out = run(&operator, &["incident", "resolve", &master]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--children"), "{}", String::from_utf8_lossy(&out.stderr));
    let status =
        |reference: &str| json(&run(&viewer, &["incident", "show", reference, "--format", "json"]))["status"].clone();
    assert_eq!(status(&first), "new", "the child stays open");
    stdout(&run(&operator, &["incident", "master", &master, "--detach", &second]));
    stdout(&run(&operator, &["incident", "resolve", &master, "--children"]));
    assert_eq!(status(&first), "resolved");
    assert_eq!(status(&second), "new", "a detached child is not resolved with the master");
    let history = json(&run(&viewer, &["incident", "show", &first, "--format", "json"]));
    let resolved = history["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "resolved").count();
    assert_eq!(resolved, 1, "the child's own history records its resolution");
    assert!(history["resolved_at"].is_string(), "the child records its own resolution time");
    let master_history = json(&run(&viewer, &["incident", "show", &master, "--format", "json"]));
    let master_resolved =
        master_history["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "resolved").count();
    assert_eq!(master_resolved, 1, "resolving the children again did not touch the master's history");
}
