use chrono::NaiveDate;

use super::*;
use crate::domain::heatmap::Cell;
use crate::domain::heatmap::grid::Service;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn screen() -> HeatmapScreen {
    let mut screen = HeatmapScreen { today: Some(date(2026, 12, 5)), ..HeatmapScreen::default() };
    let command = screen.wanted_load().unwrap();
    let DbCommand::LoadHeatmap { request, today } = command else { panic!("{command:?}") };
    assert_eq!(today, date(2026, 12, 5));
    let services = [("SBL", "ALTINN", "Digdir"), ("TUL", "ALTINN", "Digdir"), ("NET", "TU", "Ulricehamn")]
        .map(|(code, agreement, organisation)| Service {
            code: code.into(),
            name: code.into(),
            agreement: agreement.into(),
            organisation: organisation.into(),
        })
        .to_vec();
    let grid = Grid::new(request.clone(), services);
    screen.loaded(&request, Ok((grid, HashMap::new())));
    screen
}

#[test]
fn a_year_of_weeks_ends_with_the_current_one_and_is_asked_for_once() {
    let mut screen = screen();
    let request = screen.requested.clone().unwrap();
    // 52 ISO weeks: 2025-W50 (Monday 8 December 2025) up to 2026-W49 (30 November – 6 December).
    assert_eq!((request.from, request.to), (date(2025, 12, 8), date(2026, 12, 7)));
    assert_eq!(screen.grid.as_ref().unwrap().columns.len(), 52);
    assert_eq!(screen.column, 51, "the cursor starts on the current column");
    assert_eq!(screen.wanted_load(), None, "the same request is not sent twice");
    screen.page(-1);
    let earlier = screen.request().unwrap();
    assert_eq!((earlier.from, earlier.to), (date(2024, 12, 9), date(2025, 12, 8)));
    screen.page(1);
    assert_eq!(screen.anchor, None, "paging back to the present follows today again");
    screen.page(1);
    assert_eq!(screen.anchor, None, "never past the current period");
}

#[test]
fn an_answer_to_an_older_request_is_dropped() {
    let mut screen = screen();
    let old = screen.requested.clone().unwrap();
    screen.metric = Metric::Received;
    assert!(screen.wanted_load().is_some());
    let stale = Grid::new(old.clone(), Vec::new());
    screen.loaded(&old, Ok((stale, HashMap::new())));
    assert_eq!(screen.grid.as_ref().unwrap().rows.len(), 3, "the stale empty grid did not replace the shown one");
}

#[test]
fn groups_fold_filters_step_and_rows_keep_their_selection() {
    let mut screen = screen();
    let names = |s: &HeatmapScreen| {
        s.lines()
            .iter()
            .map(|l| match l {
                Line::Group { name, services, folded } => {
                    format!("{name}({services}{})", if *folded { "+" } else { "" })
                }
                Line::Service(r) => r.service.code.clone(),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&screen), ["ALTINN(2)", "SBL", "TUL", "TU(1)", "NET"]);
    screen.folded.insert("ALTINN".into());
    assert_eq!(names(&screen), ["ALTINN(2+)", "TU(1)", "NET"]);
    screen.folded.clear();
    screen.by_organisation = true;
    assert_eq!(names(&screen), ["Digdir(2)", "SBL", "TUL", "Ulricehamn(1)", "NET"]);
    screen.by_organisation = false;
    assert_eq!(screen.next_filter(false).as_deref(), Some("ALTINN"));
    screen.agreement = Some("ALTINN".into());
    assert_eq!(screen.next_filter(false).as_deref(), Some("TU"));
    screen.agreement = Some("TU".into());
    assert_eq!(screen.next_filter(false), None, "after the last comes all again");
    assert_eq!(names(&screen), ["TU(1)", "NET"]);
    screen.agreement = None;
    assert_eq!(screen.selected, 1, "the first load selects the first service");
    screen.move_selection(1);
    assert_eq!(screen.selected_row().unwrap().service.code, "TUL");
    screen.move_selection(100);
    assert_eq!(screen.selected, 4);
}

#[test]
fn enter_on_a_service_drills_into_the_selected_column_and_esc_comes_back() {
    let mut screen = screen();
    screen.move_selection(-1);
    assert_eq!(screen.drill_in(), None, "a group heading has no cell");
    screen.move_selection(1);
    screen.column = 50;
    let command = screen.drill_in().unwrap();
    assert_eq!(
        command,
        DbCommand::LoadHeatCell {
            service: "SBL".into(),
            from: date(2026, 11, 23),
            to: date(2026, 11, 30),
            max_rank: None
        }
    );
    assert_eq!(screen.resync().len(), 2, "a reconnect reloads the grid and the open cell");
    assert!(screen.back());
    assert!(!screen.back(), "Esc with nothing open goes on to the board");
    let cell = screen.grid.as_ref().unwrap().rows[0].cells[50];
    assert_eq!(cell, Cell::Count(0));
}
