//! The console's database side of issue 13 (db::worker): known-error search for the new-incident form, linking
//! with the workaround applied, the incident view's relations, and the board's master reference, as a viewer and
//! an operator see them.

use vakt::app::effect::DbCommand;
use vakt::app::{Action, model::ChildIncident};
use vakt::db::agreements;
use vakt::db::lifecycle::{self, NewIncident};
use vakt::db::problems::{self, NewProblem, masters};
use vakt::db::{incidents, worker};
use vakt::demo::SEED_AGREEMENTS;
use vakt::domain::problem::ProblemState;

use crate::harness::TestDb;

async fn incident(pool: &sqlx::PgPool, title: &str) -> (i64, String) {
    let new = NewIncident {
        service: "SBL".into(),
        priority: Some("C".into()),
        title: title.into(),
        ..NewIncident::default()
    };
    let summary = lifecycle::create(pool, &new).await.unwrap();
    (summary.id, summary.reference)
}

#[tokio::test]
async fn the_console_finds_links_and_shows_known_errors_and_masters() {
    let db = TestDb::new().await;
    for (_, text) in SEED_AGREEMENTS {
        agreements::import(&db.pool, text).await.unwrap();
    }
    let known = NewProblem {
        title: "Tidsavbrudd ved innlogging i SBL".into(),
        description: String::new(),
        services: vec!["SBL".into()],
        owner: None,
        root_cause: "Sesjonslageret går fullt".into(),
        workaround: "Tøm hurtigbufferen\nog logg inn igjen".into(),
        state: ProblemState::KnownError,
    };
    let problem = problems::create(&db.pool, &known).await.unwrap();
    let (master_id, master) = incident(&db.pool, "Innlogging feiler").await;
    let (child_id, child) = incident(&db.pool, "Tidsavbrudd i portalen").await;
    masters::attach(&db.pool, &master, std::slice::from_ref(&child)).await.unwrap();
    let (_, viewer) = db.login("viewer").await;
    let (_, operator) = db.login("operator").await;

    let search = DbCommand::SearchKnownErrors { text: "tidsavbruddene ved innlogging".into() };
    let Some(Action::KnownErrorsFound { result: Ok(found), .. }) = worker::execute(&viewer, search).await else {
        panic!("a viewer may search");
    };
    assert_eq!(found.first().map(|k| k.reference.as_str()), Some(problem.as_str()));
    assert_eq!(found[0].workaround_line(), "Tøm hurtigbufferen");

    let board = incidents::list_open(&viewer).await.unwrap();
    let master_of = |id: i64| board.iter().find(|r| r.id == id).and_then(|r| r.master.clone());
    assert_eq!(master_of(child_id), Some(master.clone()), "a child carries its master's reference");
    assert_eq!(master_of(master_id), None);

    let link = |pool| {
        let command =
            DbCommand::LinkProblem { problem: problem.clone(), incident: child.clone(), apply_workaround: true };
        worker::execute(pool, command)
    };
    let Some(Action::ProblemLinked { result: Err(_), .. }) = link(&viewer).await else {
        panic!("a viewer cannot link");
    };
    let Some(Action::ProblemLinked { result: Ok(done), .. }) = link(&operator).await else {
        panic!("an operator links");
    };
    assert!(done.contains("workaround is applied"), "{done}");

    let detail = |id| worker::execute(&viewer, DbCommand::LoadDetail { id });
    let Some(Action::DetailLoaded { detail: Some(child_view), .. }) = detail(child_id).await else { panic!() };
    assert_eq!(child_view.relations.problems, vec![problem.clone()]);
    assert_eq!(child_view.relations.master, Some(master.clone()));
    assert!(child_view.summary.flags.workaround, "the workaround is in place");
    let Some(Action::DetailLoaded { detail: Some(master_view), .. }) = detail(master_id).await else { panic!() };
    assert_eq!(master_view.relations.children, vec![ChildIncident { id: child_id, reference: child, open: true }]);
}
