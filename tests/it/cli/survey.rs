//! `vakt survey`: Tranemo/Ulricehamn's random survey of a quarter of the closed incidents, drawn by the database as
//! each incident closes, answered by operators, summarised per tertial; and what the rules refuse.

use super::{seeded, stdout};

#[tokio::test]
async fn one_closed_incident_in_four_is_drawn_answered_once_and_summarised() {
    let (db, config) = seeded().await;
    let (operator, _) = db.login("operator").await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner_in(&db, &config, "Europe/Stockholm");
    let drawn = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["survey", "list", "--format", "json"];
        all.extend(args);
        serde_json::from_str(&stdout(&run(&operator, &all))).unwrap()
    };
    let mut closed = Vec::new();
    for n in 1..=9 {
        let title = format!("Skrivaren fungerar inte {n}");
        let reference = stdout(&run(
            &operator,
            &["incident", "new", "--service", "TRA-EPOST", "--priority", "övrigt", "--title", &title],
        ));
        if n <= 3 {
            // The first line (användarstödet) resolves three of the nine.
            stdout(&run(&operator, &["incident", "assign", &reference, "--line", "1st"]));
        }
        stdout(&run(&operator, &["incident", "resolve", &reference]));
        stdout(&run(&operator, &["incident", "close", &reference]));
        closed.push(reference);
        let selected = drawn(&[]).len();
        // Exactly a quarter after every fourth; in between, at most one more than a quarter rounded down.
        if n % 4 == 0 {
            assert_eq!(selected, n / 4, "after {n} closed");
        } else {
            assert!(selected == n / 4 || selected == n / 4 + 1, "after {n} closed: {selected}");
        }
    }
    // An incident of an agreement without a survey is never drawn.
    let sbl = stdout(&run(&operator, &["incident", "new", "--service", "SBL", "--priority", "C", "--title", "Treg"]));
    stdout(&run(&operator, &["incident", "resolve", &sbl]));
    stdout(&run(&operator, &["incident", "close", &sbl]));
    let listed = drawn(&["--agreement", "tu-it"]);
    assert!(listed.iter().all(|d| d["agreement"] == "TU-IT"));
    assert_eq!(drawn(&["--agreement", "ALTINN"]).len(), 0);

    // Reproducible: the chosen place in each block of four is the hash of agreement, tertial and block.
    for d in &listed {
        let position = d["position"].as_i64().unwrap();
        let slot: i32 = sqlx::query_scalar(
            "SELECT public.vakt_survey_slot(a.id, $1, $2, 4) FROM public.agreements a WHERE a.code = 'TU-IT'",
        )
        .bind(d["period"].as_str().unwrap())
        .bind(((position - 1) / 4) as i32)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!((position - 1) % 4, i64::from(slot), "{d}");
    }

    let chosen = listed[0]["incident"].as_str().unwrap().to_string();
    let other = closed.iter().find(|r| listed.iter().all(|d| d["incident"] != r.as_str())).unwrap();
    let answer = |login: &str, reference: &str, solved: &str, treatment: &str| {
        run(login, &["survey", "answer", reference, "--solved", solved, "--treatment", treatment, "--comment", "Bra"])
    };
    let out = answer(&operator, other, "yes", "5");
    assert_eq!(out.status.code(), Some(2), "an incident not drawn: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not among the incidents drawn"));
    let out = answer(&operator, &chosen, "maybe", "5");
    assert_eq!(out.status.code(), Some(2));
    let out = answer(&operator, &chosen, "yes", "7");
    assert_eq!(out.status.code(), Some(2));
    let out = answer(&viewer, &chosen, "yes", "4");
    assert_eq!(out.status.code(), Some(3), "a viewer records no answer: {}", String::from_utf8_lossy(&out.stderr));
    stdout(&answer(&operator, &chosen, "ja", "4"));
    let out = answer(&operator, &chosen, "no", "1");
    assert!(!out.status.success(), "answered twice");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("answered already"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(drawn(&["--open"]).len(), listed.len() - 1);

    let summary: Vec<serde_json::Value> = serde_json::from_str(&stdout(&run(
        &viewer,
        &["survey", "summary", "--agreement", "TU-IT", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["closed"], 9);
    assert_eq!(summary[0]["selected"], listed.len());
    assert_eq!((summary[0]["answered"].clone(), summary[0]["solved"].clone()), (1.into(), 1.into()));
    assert_eq!(summary[0]["treatment_mean"], 4.0);
    let out = run(&viewer, &["survey", "summary", "--tertial", "2027-T4"]);
    assert_eq!(out.status.code(), Some(2));

    // The tertial report of Tranemo/Ulricehamn summarises the survey of the incidents closed in it.
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Stockholm).date_naive();
    let tertial = format!("{}-T{}", chrono::Datelike::year(&today), 1 + (chrono::Datelike::month(&today) - 1) / 4);
    let report: serde_json::Value = serde_json::from_str(&stdout(&run(
        &operator,
        &["report", "tertial", "--agreement", "TU-IT", "--tertial", &tertial, "--format", "json"],
    )))
    .unwrap();
    let survey = &report["figures"]["survey"];
    assert_eq!((survey["closed"].clone(), survey["answered"].clone()), (9.into(), 1.into()), "{survey}");
    assert_eq!(survey["drawn"], drawn(&[]).len());
    assert_eq!(survey["questions"].as_array().map(Vec::len), Some(2));
    let markdown = stdout(&run(
        &operator,
        &["report", "tertial", "--agreement", "TU-IT", "--tertial", &tertial, "--format", "md"],
    ));
    assert!(
        markdown.contains("closed incidents drawn (one in 4), 1 answered: 1 solved satisfactorily (100 %)"),
        "{markdown}"
    );
    let backfilled: i32 = sqlx::query_scalar("SELECT public.vakt_survey_backfill()").fetch_one(&db.pool).await.unwrap();
    assert_eq!(backfilled, 0, "nothing closed is left without a draw");
}
