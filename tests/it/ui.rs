//! Screen snapshots at 80×24 and 160×48 with a fixed clock, zone and theme.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;

use vakt::app::model::{
    AgreementSet, DutyLine, Flags, IncidentSummary, NextDue, Rights, ServiceRef, ShiftRow, StaffRef, UserInfo,
};
use vakt::app::state::{Connection, State};
use vakt::app::{Action, Command, update};
use vakt::demo::seed_agreements;
use vakt::domain::incident::{Status, SupportLine};
use vakt::ui::{self, Theme, View};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
}

/// (id, priority, service, organisation, agreement, status, age in minutes, title)
type Sample<'a> = (i64, &'a str, &'a str, &'a str, &'a str, Status, i64, &'a str);

fn incident((id, priority, service, org, agreement, status, age_minutes, title): Sample) -> IncidentSummary {
    IncidentSummary {
        id,
        reference: format!("INC-{}", 10400 + id),
        title: title.into(),
        priority: Some(priority.into()),
        priority_rank: Some(1),
        service: ServiceRef {
            code: service.into(),
            name: service.into(),
            organisation: org.into(),
            agreement: agreement.into(),
        },
        agreement_version_id: 1,
        status,
        support_line: Some(SupportLine::Second),
        assignee: (id % 2 == 0).then(|| StaffRef { login: "tone".into(), name: "Tone Hansen".into() }),
        received_at: now() - Duration::minutes(age_minutes),
        next_due: None,
        flags: Flags::default(),
        version: 1,
        master: None,
    }
}

/// A deadline: (target, minutes from now, budget in minutes, calendar, stored state).
fn due(target: &str, minutes: i64, budget: i64, clock: &str, state: &str) -> Option<NextDue> {
    Some(NextDue {
        at: now() + Duration::minutes(minutes),
        target: target.parse().unwrap(),
        state: state.parse().unwrap(),
        clock: Some(clock.into()),
        budget_seconds: Some(budget * 60),
    })
}

fn board_state() -> State {
    board_state_loaded_by(Action::BoardLoaded)
}

/// The board's sample state, its rows arriving as `load` makes them arrive.
fn board_state_loaded_by(load: impl FnOnce(Vec<IncidentSummary>) -> Action) -> State {
    let mut state = State::new("embedded");
    state.zone = chrono_tz::Europe::Oslo;
    state.link.connection = Connection::Live;
    let agreements: AgreementSet = seed_agreements()
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, (agreement, _))| (i as i64 + 1, Arc::new(agreement)))
        .collect();
    update(&mut state, Action::AgreementsLoaded(agreements), now());
    let user = UserInfo {
        login: "kari".into(),
        full_name: Some("Kari Nordmann".into()),
        rights: Rights { viewer: true, operator: true, ..Rights::default() },
    };
    update(&mut state, Action::Connected { user }, now());
    // Agreement versions: 1 Altinn, 2 ROR-IKT, 3 Stockholm, 4 Tranemo/Ulricehamn.
    let mut rows = vec![
        (
            incident((23, "Kritisk", "Helsejournal", "Molde", "ROR-IKT", Status::InProgress, 148, "Helsejournal nede")),
            2,
        ),
        (incident((19, "A", "SBL", "Digdir", "ALTINN", Status::Acknowledged, 259, "REST API unavailable")), 1),
        (incident((11, "Høy", "E-tjenester", "Rauma", "ROR-IKT", Status::New, 53, "Innbyggerportalen\u{1b}[2J")), 2),
        (incident((98, "B", "TT02", "Digdir", "ALTINN", Status::InProgress, 150, "a-melding slow")), 1),
        (
            incident((
                77,
                "intefunktion",
                "Trådlöst nätverk",
                "Ulricehamns kommun",
                "TU",
                Status::Paused,
                3000,
                "Wifi down",
            )),
            4,
        ),
    ];
    let deadlines = [
        due("resolution", -12, 120, "kundeservice", "breached"),
        due("resolution", 41, 300, "24x7", "warning"),
        due("response", 7, 60, "kundeservice", "warning"),
        due("resolution", 315, 480, "servicedesk", "running"),
        due("resolution", 600, 540, "it-support", "paused"),
    ];
    for ((row, version), next) in rows.iter_mut().zip(deadlines) {
        row.agreement_version_id = *version;
        row.next_due = next;
    }
    rows[0].0.flags.major = true;
    rows[1].0.flags.security = true;
    update(&mut state, load(rows.into_iter().map(|(r, _)| r).collect()), now());
    let shift = ShiftRow {
        id: 1,
        mim: "ola".into(),
        mim_name: "Ola Nordmann".into(),
        deputy: "ingrid".into(),
        deputy_name: "Ingrid Berg".into(),
        starts_at: now() - Duration::hours(3),
        ends_at: now() + Duration::hours(9),
    };
    let duty = DutyLine { phone: Some("+47 954 90 002".into()), mailbox: Some("mim@example.org".into()) };
    update(&mut state, Action::RotaLoaded { shifts: vec![shift], duty, handover: None }, now());
    state
}

fn render(state: &State, width: u16, height: u16) -> String {
    let theme = Theme::builtin("dark").unwrap();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(frame, state, View { theme: &theme, now: now(), zone: chrono_tz::Europe::Oslo }))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn board_80x24() {
    insta::assert_snapshot!(render(&board_state(), 80, 24));
}

#[test]
fn board_160x48() {
    insta::assert_snapshot!(render(&board_state(), 160, 48));
}

/// The first page at start: its rows, and that 10,000 more are on their way, instead of counts that would be wrong.
fn first_page_state() -> State {
    board_state_loaded_by(|rows| Action::BoardFirstPage { open: rows.len() + 10_000, rows })
}

#[test]
fn board_first_page_80x24() {
    insta::assert_snapshot!(render(&first_page_state(), 80, 24));
}

#[test]
fn board_first_page_160x48() {
    insta::assert_snapshot!(render(&first_page_state(), 160, 48));
}

#[test]
fn a_sort_or_filter_on_the_first_page_says_it_covers_only_the_rows_here() {
    let mut state = first_page_state();
    update(&mut state, Action::Run(Command::SortNext), now());
    let screen = render(&state, 160, 48);
    assert!(screen.contains("sort: priority among 5 here · loading about 10,000 more"), "{screen}");
    let mut state = first_page_state();
    state
        .screens
        .board
        .queue
        .set_filter(vakt::app::screens::board::filter::Filter::parse("nothing-like-it").unwrap(), now());
    let screen = render(&state, 80, 24);
    assert!(
        screen.contains("None of the 5 soonest deadlines matches the filter; loading about 10,000 more"),
        "{screen}"
    );
}

#[test]
fn a_200_column_terminal_also_shows_the_agreement_and_the_due_time() {
    let screen = render(&board_state(), 200, 30);
    let header = screen.lines().find(|l| l.contains("REF")).expect("a header line");
    assert!(header.contains("AGREEMENT") && header.contains("DUE"), "{header}");
    assert!(screen.contains("ROR-IKT"), "{screen}");
    let narrow = render(&board_state(), 160, 30);
    assert!(!narrow.lines().any(|l| l.contains("AGREEMENT")), "{narrow}");
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut state = board_state();
    update(&mut state, Action::Run(Command::Help), now());
    let screen = render(&state, 100, 40);
    assert!(screen.contains("open the selected incident"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_palette_filters_commands_by_name() {
    let mut state = board_state();
    update(&mut state, Action::Run(Command::Palette), now());
    for c in "ref".chars() {
        update(&mut state, Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c))), now());
    }
    let screen = render(&state, 80, 24);
    assert!(screen.contains("refresh"), "{screen}");
    assert!(!screen.contains("quit vakt"), "{screen}");
}

#[test]
fn offline_is_visible_and_the_board_stays_readable() {
    let mut state = board_state();
    update(&mut state, Action::Offline { reason: "connection lost".into() }, now() - Duration::minutes(3));
    let screen = render(&state, 80, 24);
    assert!(screen.contains("OFFLINE since 10:27"), "{screen}");
    assert!(screen.contains("INC-10423"), "{screen}");
}

#[test]
fn a_small_terminal_gets_an_explanation_not_a_mess() {
    let screen = render(&board_state(), 60, 20);
    assert!(screen.contains("at least 80×24; this one is 60×20"), "{screen}");
}

#[test]
fn the_new_incident_form_offers_the_agreements_priorities_with_their_criteria() {
    use vakt::app::model::ServiceChoice;
    let mut state = board_state();
    let services = vec![
        ServiceChoice {
            code: "MOLDE-EPJ".into(),
            name: "Helsejournal".into(),
            organisation: "Molde kommune".into(),
            agreement: "ROR-IKT".into(),
        },
        ServiceChoice {
            code: "SBL".into(),
            name: "Sluttbrukerløsningen".into(),
            organisation: "Digdir".into(),
            agreement: "ALTINN".into(),
        },
    ];
    update(&mut state, Action::ChoicesLoaded { services, staff: Vec::new() }, now());
    update(&mut state, Action::Run(Command::Act(vakt::app::command::Act::New)), now());
    let key = |code| Action::Key(crossterm::event::KeyEvent::from(code));
    update(&mut state, key(crossterm::event::KeyCode::Tab), now());
    update(&mut state, key(crossterm::event::KeyCode::Down), now());
    let screen = render(&state, 100, 40);
    assert!(screen.contains("Kritisk") && screen.contains("Liv og Helse"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The heat-map as the keys reach it: `3` asks for a year of weeks ending with the current one, and the answer is
/// drawn with the step glyphs, the legend and the side panel.
fn heatmap_state() -> State {
    use vakt::app::action::HeatmapData;
    use vakt::app::effect::{DbCommand, Effect};
    use vakt::domain::heatmap::Cell;
    use vakt::domain::heatmap::grid::{Grid, Service};
    let mut state = board_state();
    let effects = update(&mut state, Action::Run(Command::Show(vakt::app::Screen::Heatmap)), now());
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Db(DbCommand::LoadHeatmap { request, .. }) => Some(request.clone()),
            _ => None,
        })
        .expect("showing the heat-map asks for it");
    let services = [
        ("SBL", "Sluttbrukerløsningen", "ALTINN", "Digdir"),
        ("TUL", "Tjenesteutviklingsløsningen", "ALTINN", "Digdir"),
        ("MOLDE-EPJ", "Helsejournal", "ROR-IKT", "Molde kommune"),
        ("TRA-EPOST", "E-post med kalender", "TU-IT", "Tranemo kommun"),
    ]
    .map(|(code, name, agreement, organisation)| Service {
        code: code.into(),
        name: name.into(),
        agreement: agreement.into(),
        organisation: organisation.into(),
    })
    .to_vec();
    let mut grid = Grid::new(request.clone(), services);
    for (service, column, cell) in [
        ("SBL", 51, Cell::Count(1)),
        ("SBL", 40, Cell::Count(3)),
        ("MOLDE-EPJ", 50, Cell::Count(5)),
        ("MOLDE-EPJ", 49, Cell::Count(9)),
        ("TUL", 45, Cell::Maintenance),
    ] {
        grid.set(service, column, cell);
    }
    let data = HeatmapData { grid, standings: Default::default() };
    update(&mut state, Action::HeatmapLoaded { request, result: Ok(data) }, now());
    state
}

#[test]
fn heatmap_80x24() {
    insta::assert_snapshot!(render(&heatmap_state(), 80, 24));
}

#[test]
fn heatmap_160x48() {
    insta::assert_snapshot!(render(&heatmap_state(), 160, 48));
}

/// Without colour the glyphs still carry every step.
#[test]
fn the_heatmap_reads_in_monochrome() {
    let theme = Theme::builtin("monochrome").unwrap();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let view = View { theme: &theme, now: now(), zone: chrono_tz::Europe::Oslo };
    terminal.draw(|frame| ui::render(frame, &heatmap_state(), view)).unwrap();
    let screen = terminal.backend().to_string();
    for glyph in ["·", "░", "▒", "▓", "█", "▪"] {
        assert!(screen.contains(glyph), "{glyph} missing: {screen}");
    }
}

// "My follow-ups" on the board (F) ----------------------------------------------------------------------------------

/// Today is Tuesday 24 November 2026: one point overdue, one due Thursday (due soon), one in December, one answered.
fn follow_ups_points() -> Vec<vakt::app::screens::board::follow_ups::MyFollowUp> {
    let point = |id: i64, due: &str, state: &str, text: &str, answer: Option<&str>| {
        vakt::app::screens::board::follow_ups::MyFollowUp {
            id,
            series: "Ukentlig statusmøte Altinn".into(),
            meeting_at: Utc.with_ymd_and_hms(2026, 11, 17, 9, 0, 0).unwrap(),
            text: text.into(),
            due: due.parse().unwrap(),
            state: state.into(),
            answer: answer.map(str::to_string),
            answered_at: answer.map(|_| Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()),
            agreement: "ALTINN".into(),
        }
    };
    vec![
        point(13, "2026-12-10", "open", "Oppdater kontaktlisten for driftsleverandør", None),
        point(14, "2026-11-23", "answered", "Bekreft vedlikeholdsvindu TT02", Some("Bekreftet med ASF")),
        point(12, "2026-11-26", "open", "Send rotårsaksanalysen for SBL-bruddet", None),
        point(11, "2026-11-20", "open", "Verifiser a-melding etter oppdateringen", None),
    ]
}

fn follow_ups_state() -> State {
    let mut state = board_state();
    update(&mut state, Action::Run(Command::FollowUps), now());
    update(&mut state, Action::MyFollowUpsLoaded(Ok(follow_ups_points())), now());
    state
}

#[test]
fn follow_ups_80x24() {
    insta::assert_snapshot!(render(&follow_ups_state(), 80, 24));
}

#[test]
fn follow_ups_160x48() {
    insta::assert_snapshot!(render(&follow_ups_state(), 160, 48));
}

#[test]
fn overdue_follow_ups_read_in_monochrome() {
    let theme = Theme::builtin("monochrome").unwrap();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let view = View { theme: &theme, now: now(), zone: chrono_tz::Europe::Oslo };
    terminal.draw(|frame| ui::render(frame, &follow_ups_state(), view)).unwrap();
    let screen = terminal.backend().to_string();
    for words in ["OVERDUE", "due soon", "answered"] {
        assert!(screen.contains(words), "{words} missing: {screen}");
    }
}

#[test]
fn the_board_counts_the_follow_ups_falling_due() {
    let mut state = board_state();
    let screen = render(&state, 80, 24);
    assert!(!screen.contains("follow-ups due"), "none loaded, none counted: {screen}");
    update(&mut state, Action::MyFollowUpsLoaded(Ok(follow_ups_points())), now());
    let screen = render(&state, 80, 24);
    let line = screen.lines().find(|l| l.contains("follow-ups due")).unwrap_or_else(|| panic!("no count: {screen}"));
    assert!(line.contains("2 follow-ups due (F)"), "overdue and due soon count, answered not: {line}");
}

/// The new-incident form with the title "Tidsavbrudd ved innlogging" typed, the known errors matching it under the
/// form, and the first one picked with Ctrl-k.
fn known_errors_state() -> State {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use vakt::app::model::ServiceChoice;
    use vakt::app::screens::board::known_errors::KnownError;
    let mut state = board_state();
    let services = vec![ServiceChoice {
        code: "SBL".into(),
        name: "Sluttbrukerløsningen".into(),
        organisation: "Digdir".into(),
        agreement: "ALTINN".into(),
    }];
    update(&mut state, Action::ChoicesLoaded { services, staff: Vec::new() }, now());
    update(&mut state, Action::Run(Command::Act(vakt::app::command::Act::New)), now());
    let key = |code| Action::Key(KeyEvent::from(code));
    update(&mut state, key(KeyCode::Tab), now());
    update(&mut state, key(KeyCode::Tab), now());
    let title = "Tidsavbrudd ved innlogging";
    update(&mut state, Action::Paste(title.into()), now());
    let found = vec![
        KnownError {
            reference: "PRB-3".into(),
            title: "Tidsavbrudd i SBL ved innlogging".into(),
            workaround: "Tøm hurtigbufferen i nettleseren og logg inn på nytt\nGjelder bare Chrome".into(),
        },
        KnownError { reference: "PRB-7".into(), title: "Treg innlogging med BankID".into(), workaround: String::new() },
    ];
    update(&mut state, Action::KnownErrorsFound { text: title.into(), result: Ok(found) }, now());
    update(&mut state, Action::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL)), now());
    state
}

#[test]
fn known_errors_80x24() {
    let screen = render(&known_errors_state(), 80, 24);
    assert!(screen.contains("PRB-3") && screen.contains("Ctrl-k"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn known_errors_160x48() {
    let screen = render(&known_errors_state(), 160, 48);
    assert!(screen.contains("workaround: Tøm hurtigbufferen") && !screen.contains("Gjelder bare"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The incident view of a master incident linked to a known error, with one child open and one resolved.
fn master_incident_state() -> State {
    use vakt::app::model::{ChildIncident, EventEntry, IncidentDetail, Relations};
    let mut state = board_state();
    update(&mut state, Action::Run(Command::Open), now());
    let summary = state.screens.board.queue.find(23).cloned().expect("INC-10423 is on the board");
    let detail = IncidentDetail {
        summary,
        description: "Helsejournalen svarer ikke; flere leverandører har egne saker.".into(),
        description_restricted: false,
        regulatory: Vec::new(),
        reporter: "Silje Aasen".into(),
        channel: vakt::domain::incident::Channel::Phone,
        created_by: "kari".into(),
        resolved_at: None,
        closed_at: None,
        events: vec![EventEntry {
            at: now() - Duration::minutes(148),
            kind: "received".into(),
            actor: "kari".into(),
            data: serde_json::json!({}),
        }],
        clocks: Vec::new(),
        clock_events: Vec::new(),
        linked: Vec::new(),
        relations: Relations {
            problems: vec!["PRB-3".into()],
            master: None,
            children: vec![
                ChildIncident { id: 11, reference: "INC-10411".into(), open: true },
                ChildIncident { id: 12, reference: "INC-10412".into(), open: false },
            ],
        },
    };
    update(&mut state, Action::DetailLoaded { id: 23, detail: Some(Box::new(detail)) }, now());
    state
}

#[test]
fn master_incident_80x24() {
    let screen = render(&master_incident_state(), 80, 24);
    assert!(screen.contains("PRB-3") && screen.contains("INC-10411 (open)"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn master_incident_160x48() {
    let screen = render(&master_incident_state(), 160, 48);
    assert!(screen.contains("1 of 2 open"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The board with INC-10411 and INC-10498 children of INC-10423, the first child selected.
fn children_board_state() -> State {
    let mut state = board_state();
    let mut rows = state.screens.board.queue.all().to_vec();
    for row in rows.iter_mut().filter(|r| r.id == 11 || r.id == 98) {
        row.master = Some("INC-10423".into());
    }
    update(&mut state, Action::BoardLoaded(rows), now());
    state.screens.board.queue.select_id(11);
    state
}

#[test]
fn children_on_the_board_80x24() {
    let screen = render(&children_board_state(), 80, 24);
    assert!(screen.contains("INC-10411↳") && screen.contains("child of INC-10423"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn children_on_the_board_160x48() {
    let screen = render(&children_board_state(), 160, 48);
    assert!(screen.contains("↳ INC-10423 a-melding slow"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// Resolving INC-10423 offers its two open children.
fn resolve_master_state() -> State {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut state = children_board_state();
    state.screens.board.queue.select_id(23);
    update(&mut state, Action::Key(KeyEvent::from(KeyCode::Char('r'))), now());
    update(&mut state, Action::WhatIfReady { target: 23, result: Ok(Vec::new()) }, now());
    state
}

#[test]
fn resolving_a_master_80x24() {
    let screen = render(&resolve_master_state(), 80, 24);
    assert!(screen.contains("INC-10411") && screen.contains("c children"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn resolving_a_master_160x48() {
    let screen = render(&resolve_master_state(), 160, 48);
    assert!(screen.contains("also resolve its 2 open child"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The incident view of a flagged Altinn incident involving personal data, 20 hours after it was flagged, with the
/// early warning made: for a login that is not cleared (description and notes restricted) or one that is.
fn security_incident_state(cleared: bool) -> State {
    use vakt::app::model::{EventEntry, IncidentDetail};
    use vakt::domain::agreement::regulatory::{RegulatoryPeriod, RegulatoryUnit};
    use vakt::domain::regulatory::RegulatoryClock;
    let mut state = board_state();
    let mut rows = state.screens.board.queue.all().to_vec();
    for row in rows.iter_mut().filter(|r| r.id == 23) {
        row.flags.security = true;
        row.flags.personal_data = true;
    }
    update(&mut state, Action::BoardLoaded(rows), now());
    state.screens.board.queue.select_id(23);
    update(&mut state, Action::Run(Command::Open), now());
    let summary = state.screens.board.queue.find(23).cloned().expect("INC-10423 is on the board");
    let flagged = now() - Duration::hours(20);
    let clock = |code: &str, authority: &str, hours: u32, notified: Option<i64>| RegulatoryClock {
        code: code.into(),
        name: code.into(),
        authority: authority.into(),
        within: RegulatoryPeriod { amount: hours, unit: RegulatoryUnit::Hours },
        starts: flagged,
        due: flagged + Duration::hours(i64::from(hours)),
        notified: notified.map(|h| flagged + Duration::hours(h)),
    };
    let note = if cleared { "Token lekket fra testmiljø" } else { "[restricted]" };
    let detail = IncidentDetail {
        summary,
        description: if cleared { "Uvanlige innlogginger fra én adresse.".into() } else { String::new() },
        description_restricted: !cleared,
        regulatory: vec![
            clock("nis2-early", "NSM NorCERT", 24, Some(3)),
            clock("nis2-notification", "NSM NorCERT", 72, None),
            clock("gdpr-breach", "Datatilsynet", 72, None),
        ],
        reporter: "Silje Aasen".into(),
        channel: vakt::domain::incident::Channel::Phone,
        created_by: "kari".into(),
        resolved_at: None,
        closed_at: None,
        events: vec![
            EventEntry {
                at: flagged - Duration::minutes(30),
                kind: "note".into(),
                actor: "kari".into(),
                data: serde_json::json!({ "text": note }),
            },
            EventEntry {
                at: flagged,
                kind: "security_flagged".into(),
                actor: "kari".into(),
                data: serde_json::json!({}),
            },
        ],
        clocks: Vec::new(),
        clock_events: Vec::new(),
        linked: Vec::new(),
        relations: Default::default(),
    };
    update(&mut state, Action::DetailLoaded { id: 23, detail: Some(Box::new(detail)) }, now());
    state
}

#[test]
fn security_incident_uncleared_80x24() {
    let screen = render(&security_incident_state(false), 80, 24);
    assert!(screen.contains("⚿ restricted") && screen.contains("nis2-notification"), "{screen}");
    assert!(screen.contains("✓ made") && screen.contains("52 h"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn security_incident_cleared_160x48() {
    let screen = render(&security_incident_state(true), 160, 48);
    assert!(screen.contains("Uvanlige innlogginger") && screen.contains("Token lekket"), "{screen}");
    assert!(screen.contains("Datatilsynet") && !screen.contains("restricted"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn security_incident_on_the_board_shows_the_lock() {
    let mut state = security_incident_state(false);
    update(&mut state, Action::Run(Command::Back), now());
    for (width, height) in [(80, 24), (160, 48)] {
        let screen = render(&state, width, height);
        assert!(screen.contains("⚿ "), "{width}x{height}: {screen}");
    }
}
