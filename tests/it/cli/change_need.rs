//! `vakt change-need`: a need taken through every step by a chair, refused to other roles (exit 3), and bad input
//! or a step out of order explained with exit 2.

use super::{seeded, stdout};

#[tokio::test]
async fn a_chair_takes_a_need_through_its_steps_and_everyone_else_reads() {
    let (db, config) = seeded().await;
    let (chair, _) = db.login("chair").await;
    let (admin, _) = db.login("admin").await;
    let (operator, _) = db.login("operator").await;
    let (viewer, _) = db.login("viewer").await;
    let run = super::runner(&db, &config);
    let code = |login: &str, args: &[&str]| run(login, args).status.code();
    let new = [
        "change-need",
        "new",
        "--title",
        "Samtykke-API",
        "--description",
        "Innbyggere må kunne gi samtykke",
        "--submitter",
        "Skatteetaten",
        "--contact",
        "Ingrid Berg",
        "--priority",
        "høy",
    ];

    // High without a justification is bad input; with one, the chair registers it.
    let refused = run(&chair, &new);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--justification"));
    let mut justified = new.to_vec();
    justified.extend(["--justification", "Lovkrav fra 1. juli", "--format", "json"]);
    let created: serde_json::Value = serde_json::from_str(&stdout(&run(&chair, &justified))).unwrap();
    let reference = created["reference"].as_str().unwrap().to_string();
    assert!(reference.starts_with("END-"), "{reference}");

    // Operators and viewers read but neither register nor answer.
    assert_eq!(code(&operator, &justified), Some(3));
    assert_eq!(code(&viewer, &["change-need", "feedback", &reference, "--text", "sett"]), Some(3));
    assert_eq!(code(&operator, &["change-need", "reject", &reference, "--reason", "nei"]), Some(3));

    // Steps in order only: qualifying before feedback, planning a high need before its analysis, nonsense.
    let out_of_order = run(&chair, &["change-need", "qualify", &reference, "--priority", "high"]);
    assert_eq!(out_of_order.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out_of_order.stderr).contains("cannot go to qualified"));
    stdout(&run(&chair, &["change-need", "feedback", &reference, "--text", "Mottatt, vurderes"]));
    assert_eq!(code(&chair, &["change-need", "qualify", &reference, "--priority", "urgent"]), Some(2));
    stdout(&run(&chair, &["change-need", "qualify", &reference, "--priority", "high"]));
    assert_eq!(code(&chair, &["change-need", "plan", &reference, "--release", "2027-R2"]), Some(2));
    assert_eq!(code(&chair, &["change-need", "plan", &reference]), Some(2), "a plan names its release");

    // Viewers see the clocks: feedback and qualification met, the analysis clock running for 20 working days.
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&run(&viewer, &["change-need", "list", "--format", "json"]))).unwrap();
    let need = &listed[0];
    assert_eq!((need["reference"].as_str(), need["state"].as_str()), (Some(reference.as_str()), Some("qualified")));
    let clocks = need["clocks"].as_array().unwrap();
    let outcome = |kind: &str| clocks.iter().find(|c| c["kind"] == kind).map(|c| c["outcome"].clone());
    assert_eq!(outcome("feedback"), Some("met".into()));
    assert_eq!(outcome("qualification"), Some("met".into()));
    assert_eq!(outcome("analysis"), Some("running".into()));
    let left = clocks.iter().find(|c| c["kind"] == "analysis").unwrap()["working_days_left"].as_i64().unwrap();
    assert!((19..=21).contains(&left), "analysed within 20 working days of qualification: {left} left");
    let table = stdout(&run(&viewer, &["change-need", "list"]));
    assert!(table.contains("wd left") && table.contains("met"), "{table}");
    let csv = stdout(&run(&viewer, &["change-need", "list", "--format", "csv"]));
    assert!(csv.starts_with("ref,state,priority,submitter,title,feedback,qualification,analysis"), "{csv}");

    // An admin may take steps too; a delivered need is closed.
    stdout(&run(&admin, &["change-need", "analyse", &reference, "--text", "Ny samtykkeressurs, 6 ukeverk"]));
    stdout(&run(&chair, &["change-need", "plan", &reference, "--release", "2027-R2"]));
    let delivered = stdout(&run(&chair, &["change-need", "deliver", &reference]));
    assert_eq!(delivered, format!("{reference} is delivered"));
    assert_eq!(code(&chair, &["change-need", "reject", &reference, "--reason", "for sent"]), Some(2));
    let open = stdout(&run(&viewer, &["change-need", "list", "--format", "json"]));
    assert_eq!(open, "[]", "closed needs are listed only with --all");
    let shown = stdout(&run(&viewer, &["change-need", "show", &reference]));
    assert!(shown.contains("2027-R2") && shown.contains("Lovkrav fra 1. juli"), "{shown}");
    assert_eq!(code(&viewer, &["change-need", "show", "END-999999"]), Some(2));
}
