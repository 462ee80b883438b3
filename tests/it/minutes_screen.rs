//! The minutes screen's database side through the console's worker: a chair opens a meeting and sees the draft, a
//! viewer sees neither the draft nor may publish it, the chair publishes and then everyone reads the minutes.

use chrono::{Duration, Utc};
use vakt::app::screens::minutes::data::MinutesWrite;
use vakt::app::{Action, DbCommand};
use vakt::db::minutes;
use vakt::db::worker::execute;

use crate::harness::{TestDb, seed_reference};

#[tokio::test]
async fn a_chair_opens_and_publishes_through_the_worker_and_a_viewer_reads_only_what_is_published() {
    let db = TestDb::new().await;
    seed_reference(&db.pool).await;
    let (chair, chair_pool) = db.login("chair").await;
    let (_, viewer_pool) = db.login("viewer").await;
    let series = crate::harness::altinn_weekly_status(&chair);
    minutes::add_series(&chair_pool, &series).await.unwrap();

    let refused = execute(&viewer_pool, DbCommand::OpenMeeting { series: "ALT-STATUS".into(), at: Utc::now() }).await;
    let Some(Action::MinutesWritten(Err(why))) = refused else { panic!("a viewer opened a meeting: {refused:?}") };
    assert!(why.message().contains("only chairs"), "{why:?}");

    let opened = execute(&chair_pool, DbCommand::OpenMeeting { series: "ALT-STATUS".into(), at: Utc::now() }).await;
    let Some(Action::MinutesWritten(Ok(MinutesWrite::Opened { id, items }))) = opened else {
        panic!("the chair could not open the meeting: {opened:?}")
    };
    assert!(items >= 5, "the agenda wrote its sections: {items}");

    let listed = |action: Option<Action>| match action {
        Some(Action::MeetingsLoaded(Ok(list))) => list,
        other => panic!("no list: {other:?}"),
    };
    let chairs = listed(execute(&chair_pool, DbCommand::LoadMeetings).await);
    assert_eq!(chairs.series.len(), 1);
    assert_eq!(chairs.meetings.iter().map(|m| (m.id, m.state.as_str())).collect::<Vec<_>>(), vec![(id, "draft")]);
    assert!(listed(execute(&viewer_pool, DbCommand::LoadMeetings).await).meetings.is_empty(), "a draft is the chair's");

    let detail = execute(&chair_pool, DbCommand::LoadMinutes { id }).await;
    let Some(Action::MinutesLoaded { id: loaded, result: Ok(detail) }) = detail else { panic!("{detail:?}") };
    assert_eq!((loaded, detail.head.state.as_str(), detail.items.len()), (id, "draft", items));
    assert_eq!(
        detail.attendance.iter().map(|a| (a.participant.as_str(), a.present)).collect::<Vec<_>>(),
        vec![("asf", false)]
    );

    let present = DbCommand::SetPresent { id, participant: "asf".into(), present: true };
    let refused = execute(&viewer_pool, present.clone()).await;
    assert!(matches!(refused, Some(Action::MinutesWritten(Err(_)))), "a viewer took the attendance: {refused:?}");
    let marked = execute(&chair_pool, present.clone()).await;
    assert_eq!(marked, Some(Action::MinutesWritten(Ok(MinutesWrite::Attendance { id }))));
    let detail = execute(&chair_pool, DbCommand::LoadMinutes { id }).await;
    let Some(Action::MinutesLoaded { result: Ok(detail), .. }) = detail else { panic!("{detail:?}") };
    assert!(detail.attendance[0].present, "asf is present: {:?}", detail.attendance);

    let decided = execute(&chair_pool, DbCommand::AddDecision { id, item: None, text: "Patch fredag".into() }).await;
    assert_eq!(decided, Some(Action::MinutesWritten(Ok(MinutesWrite::Decision { id }))));
    let refused = execute(&viewer_pool, DbCommand::AddDecision { id, item: None, text: "Nei".into() }).await;
    assert!(matches!(refused, Some(Action::MinutesWritten(Err(_)))), "a viewer decided: {refused:?}");

    let due = Utc::now().date_naive() + Duration::days(7);
    let point = DbCommand::AddFollowUp {
        id,
        item: None,
        owner: chair.clone(),
        due,
        text: "Send analysen".into(),
        concerns: Default::default(),
    };
    let added = execute(&chair_pool, point).await;
    assert!(matches!(added, Some(Action::MinutesWritten(Ok(MinutesWrite::FollowUp { .. })))), "{added:?}");
    let nobody = DbCommand::AddFollowUp {
        id,
        item: None,
        owner: "nobody".into(),
        due,
        text: "?".into(),
        concerns: Default::default(),
    };
    let refused = execute(&chair_pool, nobody).await;
    let Some(Action::MinutesWritten(Err(why))) = refused else { panic!("a point for nobody: {refused:?}") };
    assert!(why.message().contains("no staff login 'nobody'"), "{why:?}");

    let refused = execute(&viewer_pool, DbCommand::PublishMinutes { id }).await;
    assert!(matches!(refused, Some(Action::MinutesWritten(Err(_)))), "a viewer published: {refused:?}");
    let published = execute(&chair_pool, DbCommand::PublishMinutes { id }).await;
    assert_eq!(published, Some(Action::MinutesWritten(Ok(MinutesWrite::Published { id }))));
    let again = execute(&chair_pool, DbCommand::PublishMinutes { id }).await;
    let Some(Action::MinutesWritten(Err(why))) = again else { panic!("published twice: {again:?}") };
    assert!(why.message().contains("published already"), "{why:?}");

    let late = execute(&chair_pool, DbCommand::SetPresent { id, participant: "asf".into(), present: false }).await;
    let Some(Action::MinutesWritten(Err(why))) = late else { panic!("published minutes changed: {late:?}") };
    assert!(why.message().contains("read-only"), "{why:?}");

    let read = execute(&viewer_pool, DbCommand::LoadMinutes { id }).await;
    let Some(Action::MinutesLoaded { result: Ok(detail), .. }) = read else { panic!("{read:?}") };
    assert_eq!(detail.head.published_by.as_deref(), Some(chair.as_str()));
    assert_eq!(detail.decisions.iter().map(|d| d.text.as_str()).collect::<Vec<_>>(), vec!["Patch fredag"]);
    assert_eq!(detail.follow_ups.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), vec!["Send analysen"]);
}

/// Taking minutes item by item through the worker, as chair and scribe do at two consoles: notes saved on a version
/// that is no longer the item's come back with the other text and overwrite nothing; items are added, moved,
/// marked discussed and dropped (not one that holds a decision); a decision on another meeting's item is refused.
#[tokio::test]
async fn chair_and_scribe_take_notes_on_items_without_overwriting_each_other() {
    use vakt::app::screens::minutes::data::MinutesEdit;
    let db = TestDb::new().await;
    seed_reference(&db.pool).await;
    let (chair, chair_pool) = db.login("chair").await;
    let (_, scribe_pool) = db.login("chair").await;
    let (_, viewer_pool) = db.login("viewer").await;
    let mut series = crate::harness::altinn_weekly_status(&chair);
    series.participants = vec![];
    minutes::add_series(&chair_pool, &series).await.unwrap();
    let opened = execute(&chair_pool, DbCommand::OpenMeeting { series: "ALT-STATUS".into(), at: Utc::now() }).await;
    let Some(Action::MinutesWritten(Ok(MinutesWrite::Opened { id, .. }))) = opened else { panic!("{opened:?}") };
    let load = |pool: sqlx::PgPool| async move {
        match execute(&pool, DbCommand::LoadMinutes { id }).await {
            Some(Action::MinutesLoaded { result: Ok(detail), .. }) => detail,
            other => panic!("{other:?}"),
        }
    };
    let edit = |pool: &sqlx::PgPool, edit: MinutesEdit| {
        let pool = pool.clone();
        async move { execute(&pool, DbCommand::EditMinutes { id, edit }).await }
    };
    let first = load(chair_pool.clone()).await.items[0].clone();

    // Both open the first item's notes at the same version; the scribe saves first.
    let notes = |text: &str| MinutesEdit::Notes { item: first.id, version: first.version, text: text.into() };
    let saved = edit(&scribe_pool, notes("Scribe: ingen avvik")).await;
    assert_eq!(saved, Some(Action::MinutesWritten(Ok(MinutesWrite::Notes { id, item: first.id }))));
    let moved = edit(&chair_pool, notes("Chair: avvik på SBL")).await;
    let Some(Action::MinutesWritten(Ok(MinutesWrite::NotesMoved { version, notes: theirs, .. }))) = moved else {
        panic!("the chair's save went over the scribe's: {moved:?}")
    };
    assert_eq!((version, theirs.as_str()), (first.version + 1, "Scribe: ingen avvik"));
    assert_eq!(load(chair_pool.clone()).await.items[0].notes, "Scribe: ingen avvik", "nothing overwritten");
    // On the version it now knows, the chair's save goes through.
    let both = MinutesEdit::Notes { item: first.id, version, text: "Chair: avvik på SBL\nScribe: ingen avvik".into() };
    let saved = edit(&chair_pool, both).await;
    assert_eq!(saved, Some(Action::MinutesWritten(Ok(MinutesWrite::Notes { id, item: first.id }))));
    let refused = edit(&viewer_pool, MinutesEdit::Discussed { item: first.id, discussed: true }).await;
    assert!(matches!(refused, Some(Action::MinutesWritten(Err(_)))), "a viewer changed the minutes: {refused:?}");

    // A new item first, moved down one place, marked discussed, and dropped again.
    let before = load(chair_pool.clone()).await.items.len();
    let added = edit(&chair_pool, MinutesEdit::AddItem { after: 0, title: "Eventuelt".into() }).await;
    let Some(Action::MinutesWritten(Ok(MinutesWrite::Agenda { added: Some(new), .. }))) = added else {
        panic!("{added:?}")
    };
    let items = load(chair_pool.clone()).await.items;
    assert_eq!((items.len(), items[0].id, items[0].title.as_str()), (before + 1, new, "Eventuelt"));
    assert_eq!(items[1].id, first.id);
    edit(&chair_pool, MinutesEdit::MoveItem { item: new, up: false }).await;
    edit(&chair_pool, MinutesEdit::MoveItem { item: first.id, up: true }).await;
    edit(&chair_pool, MinutesEdit::MoveItem { item: first.id, up: true }).await;
    edit(&chair_pool, MinutesEdit::Discussed { item: new, discussed: true }).await;
    let items = load(chair_pool.clone()).await.items;
    let order: Vec<(i64, i32)> = items.iter().take(2).map(|i| (i.id, i.position)).collect();
    assert_eq!(order, vec![(first.id, 1), (new, 2)], "moved down, and the first item back up; the top stays top");
    assert!(items[1].discussed);
    edit(&chair_pool, MinutesEdit::DropItem { item: new }).await;
    let items = load(chair_pool.clone()).await.items;
    assert_eq!(items.len(), before);
    assert!(items.iter().zip(1..).all(|(i, n)| i.position == n), "no gap where it was: {items:?}");

    // An item that holds a decision stays; a decision names an item of its own meeting.
    let decided = execute(&chair_pool, DbCommand::AddDecision { id, item: Some(first.id), text: "Godkjent".into() });
    assert_eq!(decided.await, Some(Action::MinutesWritten(Ok(MinutesWrite::Decision { id }))));
    let kept = edit(&chair_pool, MinutesEdit::DropItem { item: first.id }).await;
    let Some(Action::MinutesWritten(Err(why))) = kept else { panic!("dropped with its decision: {kept:?}") };
    assert!(why.message().contains("holds decisions"), "{why:?}");
    let elsewhere = DbCommand::AddDecision { id: id + 1000, item: Some(first.id), text: "Feil møte".into() };
    let refused = execute(&chair_pool, elsewhere).await;
    assert!(matches!(refused, Some(Action::MinutesWritten(Err(_)))), "{refused:?}");
    let detail = load(chair_pool.clone()).await;
    assert_eq!(
        detail.decisions.iter().map(|d| (d.item_id, d.text.as_str())).collect::<Vec<_>>(),
        vec![(Some(first.id), "Godkjent")]
    );
}
