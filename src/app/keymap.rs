//! Keys to commands: data, resolved by a pure lookup. The `?` help screen and the key line are generated from
//! this table, so they cannot drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::command::{Act, CalendarAct, Command, HeatmapAct, MajorAct, MinutesAct, OverlayKey, Screen};
use crate::app::screens::admin::act::AdminAct;
use crate::app::screens::problems::act::ProblemsAct;

/// Where a binding applies. Screen scopes win over the global scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    Board,
    Incident,
    Major,
    /// The maintenance calendar.
    Calendar,
    /// The SLA breach heat-map.
    Heatmap,
    /// Status-meeting minutes.
    Minutes,
    /// Taking the attendance in the minutes: one key per participant.
    Attendance,
    /// A meeting's minutes are open (the list's keys, and those that act on the agenda's items).
    MinutesOpen,
    /// The admin tab.
    Admin,
    /// The problems tab, its problems and known errors.
    Problems,
    /// The problems tab, its change needs.
    ChangeNeeds,
    /// An open form.
    Form,
    /// A confirmation or an update preview.
    Confirm,
    /// "My follow-ups" on the board.
    FollowUps,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "everywhere",
            Scope::Board => "board",
            Scope::Incident => "incident view",
            Scope::Major => "major incidents",
            Scope::Calendar => "maintenance calendar",
            Scope::Heatmap => "heat-map",
            Scope::Minutes => "minutes",
            Scope::Attendance => "minutes: attendance",
            Scope::MinutesOpen => "minutes: open",
            Scope::Admin => "admin",
            Scope::Problems => "problems",
            Scope::ChangeNeeds => "change needs",
            Scope::Form => "forms",
            Scope::Confirm => "confirmations and previews",
            Scope::FollowUps => "board: my follow-ups",
        }
    }
}

/// A key with its modifiers (Shift is folded into the character for letters and symbols).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Chord {
    pub const fn key(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }

    pub const fn ch(c: char) -> Self {
        Self { code: KeyCode::Char(c), ctrl: false }
    }

    pub const fn ctrl(c: char) -> Self {
        Self { code: KeyCode::Char(c), ctrl: true }
    }

    pub fn from_event(event: &KeyEvent) -> Self {
        Self { code: event.code, ctrl: event.modifiers.contains(KeyModifiers::CONTROL) }
    }

    /// How the key is written in help and hints: `j`, `Enter`, `Ctrl-c`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl { format!("Ctrl-{base}") } else { base }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    pub chord: Chord,
    pub command: Command,
    /// Shown on the bottom key line of its scope.
    pub hint: bool,
}

const fn bind(scope: Scope, chord: Chord, command: Command, hint: bool) -> Binding {
    Binding { scope, chord, command, hint }
}

/// The built-in keymap (k9s / lazygit / vim conventions).
pub fn default_keymap() -> Vec<Binding> {
    use Scope::*;
    let mut keymap = vec![
        bind(Global, Chord::ch('?'), Command::Help, true),
        bind(Global, Chord::ch(':'), Command::Palette, true),
        bind(Global, Chord::ch('q'), Command::Quit, true),
        bind(Global, Chord::ctrl('c'), Command::Quit, false),
        bind(Global, Chord::ctrl('r'), Command::Refresh, false),
        bind(Global, Chord::ch('1'), Command::Show(Screen::Board), false),
        bind(Global, Chord::ch('2'), Command::Show(Screen::Major), false),
        bind(Global, Chord::ch('3'), Command::Show(Screen::Heatmap), false),
        bind(Global, Chord::ch('4'), Command::Show(Screen::Calendar), false),
        bind(Global, Chord::ch('5'), Command::Show(Screen::Minutes), false),
        bind(Global, Chord::ch('6'), Command::Show(Screen::Admin), false),
        bind(Global, Chord::ch('7'), Command::Show(Screen::Problems), false),
        bind(Global, Chord::key(KeyCode::Tab), Command::NextTab, false),
        bind(Global, Chord::key(KeyCode::BackTab), Command::PreviousTab, false),
        bind(Global, Chord::key(KeyCode::Esc), Command::Back, false),
        bind(Board, Chord::ch('j'), Command::Down, false),
        bind(Board, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Board, Chord::ch('k'), Command::Up, false),
        bind(Board, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Board, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(Board, Chord::ctrl('d'), Command::PageDown, false),
        bind(Board, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(Board, Chord::ctrl('u'), Command::PageUp, false),
        bind(Board, Chord::ch('g'), Command::Top, false),
        bind(Board, Chord::key(KeyCode::Home), Command::Top, false),
        bind(Board, Chord::ch('G'), Command::Bottom, false),
        bind(Board, Chord::key(KeyCode::End), Command::Bottom, false),
        bind(Board, Chord::key(KeyCode::Enter), Command::Open, true),
        bind(Board, Chord::ch('/'), Command::Filter, true),
        bind(Board, Chord::ch('v'), Command::NextView, false),
        bind(Board, Chord::ch('s'), Command::SortNext, false),
        bind(Board, Chord::ch('S'), Command::SortReverse, false),
        bind(Incident, Chord::key(KeyCode::Esc), Command::Back, true),
    ];
    // The incident actions work the same on the board (selected incident) and in the incident view.
    let actions: [(Chord, Act, bool); 22] = [
        (Chord::ch('n'), Act::New, true),
        (Chord::ch('a'), Act::Acknowledge, true),
        (Chord::ch('A'), Act::Assign, false),
        (Chord::ch('p'), Act::Priority, true),
        (Chord::ch('P'), Act::PauseResume, false),
        (Chord::ch('w'), Act::Workaround, false),
        (Chord::ch('d'), Act::SolutionDescribed, false),
        (Chord::ch('u'), Act::SupplierClosed, false),
        (Chord::ch('f'), Act::Feedback, false),
        (Chord::ch('r'), Act::Resolve, true),
        (Chord::ch('c'), Act::Close, false),
        (Chord::ch('o'), Act::Reopen, false),
        (Chord::ch('t'), Act::Note, true),
        (Chord::ch('l'), Act::Link, false),
        (Chord::ch('R'), Act::Replan, false),
        (Chord::ch('D'), Act::Deprioritise, false),
        (Chord::ch('x'), Act::Security, false),
        (Chord::ch('m'), Act::Declare, false),
        (Chord::ch('O'), Act::Outage, false),
        (Chord::ch('K'), Act::LinkProblem, false),
        (Chord::ch('X'), Act::PersonalData, false),
        (Chord::ch('N'), Act::Notified, false),
    ];
    for scope in [Board, Incident] {
        for (chord, act, hint) in actions {
            keymap.push(bind(
                scope,
                chord,
                Command::Act(act),
                hint && scope == Incident
                    || (scope == Board && matches!(act, Act::New | Act::Acknowledge | Act::Priority)),
            ));
        }
    }
    keymap.extend([
        bind(Major, Chord::ch('j'), Command::Down, false),
        bind(Major, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Major, Chord::ch('k'), Command::Up, false),
        bind(Major, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Major, Chord::ch('u'), Command::Major(MajorAct::Update), true),
        bind(Major, Chord::ch('e'), Command::Major(MajorAct::Escalate), true),
        bind(Major, Chord::ch('c'), Command::Major(MajorAct::Call), true),
        bind(Major, Chord::ch('r'), Command::Major(MajorAct::Role), true),
        bind(Major, Chord::ch('s'), Command::Major(MajorAct::State), false),
        bind(Major, Chord::ch('x'), Command::Major(MajorAct::Close), true),
        bind(Major, Chord::ch('N'), Command::Major(MajorAct::Notified), false),
        bind(Major, Chord::ch('P'), Command::Major(MajorAct::Report), false),
        bind(Major, Chord::ch('h'), Command::Major(MajorAct::Handover), true),
        bind(Major, Chord::ch('H'), Command::Major(MajorAct::AcknowledgeHandover), false),
        bind(Major, Chord::ch('X'), Command::Major(MajorAct::ExportReport), false),
        bind(Major, Chord::ch('R'), Command::Major(MajorAct::RetryDead), false),
        bind(Major, Chord::ch('a'), Command::Major(MajorAct::AddShift), false),
        bind(Major, Chord::ch('E'), Command::Major(MajorAct::EditShift), false),
        bind(Incident, Chord::ch('j'), Command::Down, false),
        bind(Incident, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Incident, Chord::ch('k'), Command::Up, false),
        bind(Incident, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Incident, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(Incident, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(Incident, Chord::ch('g'), Command::Top, false),
        bind(Incident, Chord::ch('G'), Command::Bottom, false),
        // In the month and week views j/k move a week and PgUp/PgDn a month; in the agenda they move the row.
        bind(Calendar, Chord::ch('m'), Command::Calendar(CalendarAct::Month), true),
        bind(Calendar, Chord::ch('w'), Command::Calendar(CalendarAct::Week), true),
        bind(Calendar, Chord::ch('a'), Command::Calendar(CalendarAct::Agenda), true),
        bind(Calendar, Chord::ch('t'), Command::Calendar(CalendarAct::Today), true),
        bind(Calendar, Chord::ch('n'), Command::Calendar(CalendarAct::New), true),
        bind(Calendar, Chord::ch('e'), Command::Calendar(CalendarAct::Edit), true),
        bind(Calendar, Chord::ch('A'), Command::Calendar(CalendarAct::Approve), true),
        bind(Calendar, Chord::ch('N'), Command::Calendar(CalendarAct::Announce), true),
        bind(Calendar, Chord::ch('x'), Command::Calendar(CalendarAct::Cancel), true),
        bind(Calendar, Chord::ch('i'), Command::Calendar(CalendarAct::Export), true),
        bind(Calendar, Chord::ch('H'), Command::Calendar(CalendarAct::Holidays), false),
        bind(Calendar, Chord::ch('R'), Command::Calendar(CalendarAct::Rota), false),
        bind(Calendar, Chord::ch('F'), Command::Calendar(CalendarAct::Periods), false),
        bind(Calendar, Chord::ch('P'), Command::Calendar(CalendarAct::Plan), false),
        bind(Calendar, Chord::ch('M'), Command::Calendar(CalendarAct::Meetings), false),
        bind(Calendar, Chord::ch('['), Command::Calendar(CalendarAct::PreviousMonth), true),
        bind(Calendar, Chord::ch(']'), Command::Calendar(CalendarAct::NextMonth), true),
        bind(Calendar, Chord::ch('h'), Command::Calendar(CalendarAct::PreviousDay), false),
        bind(Calendar, Chord::key(KeyCode::Left), Command::Calendar(CalendarAct::PreviousDay), false),
        bind(Calendar, Chord::ch('l'), Command::Calendar(CalendarAct::NextDay), false),
        bind(Calendar, Chord::key(KeyCode::Right), Command::Calendar(CalendarAct::NextDay), false),
        bind(Calendar, Chord::ch('j'), Command::Down, false),
        bind(Calendar, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Calendar, Chord::ch('k'), Command::Up, false),
        bind(Calendar, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Calendar, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(Calendar, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(Calendar, Chord::ch('g'), Command::Top, false),
        bind(Calendar, Chord::ch('G'), Command::Bottom, false),
        bind(Heatmap, Chord::ch('d'), Command::Heatmap(HeatmapAct::Days), false),
        bind(Heatmap, Chord::ch('w'), Command::Heatmap(HeatmapAct::Weeks), false),
        bind(Heatmap, Chord::ch('M'), Command::Heatmap(HeatmapAct::Months), false),
        bind(Heatmap, Chord::ch('t'), Command::Heatmap(HeatmapAct::Tertials), false),
        bind(Heatmap, Chord::ch('b'), Command::Heatmap(HeatmapAct::Breaches), false),
        bind(Heatmap, Chord::ch('s'), Command::Heatmap(HeatmapAct::Consumed), false),
        bind(Heatmap, Chord::ch('v'), Command::Heatmap(HeatmapAct::Availability), false),
        bind(Heatmap, Chord::ch('r'), Command::Heatmap(HeatmapAct::Received), false),
        bind(Heatmap, Chord::ch('['), Command::Heatmap(HeatmapAct::Earlier), false),
        bind(Heatmap, Chord::ch(']'), Command::Heatmap(HeatmapAct::Later), false),
        bind(Heatmap, Chord::ch('T'), Command::Heatmap(HeatmapAct::Now), false),
        bind(Heatmap, Chord::ch('h'), Command::Heatmap(HeatmapAct::PreviousColumn), false),
        bind(Heatmap, Chord::key(KeyCode::Left), Command::Heatmap(HeatmapAct::PreviousColumn), false),
        bind(Heatmap, Chord::ch('l'), Command::Heatmap(HeatmapAct::NextColumn), false),
        bind(Heatmap, Chord::key(KeyCode::Right), Command::Heatmap(HeatmapAct::NextColumn), false),
        bind(Heatmap, Chord::ch('a'), Command::Heatmap(HeatmapAct::Agreement), true),
        bind(Heatmap, Chord::ch('o'), Command::Heatmap(HeatmapAct::Organisation), false),
        bind(Heatmap, Chord::ch('p'), Command::Heatmap(HeatmapAct::Priority), true),
        bind(Heatmap, Chord::ch('z'), Command::Heatmap(HeatmapAct::Group), false),
        bind(Heatmap, Chord::ch(' '), Command::Heatmap(HeatmapAct::Fold), false),
        bind(Heatmap, Chord::key(KeyCode::Enter), Command::Heatmap(HeatmapAct::Drill), true),
        bind(Heatmap, Chord::ch('j'), Command::Down, false),
        bind(Heatmap, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Heatmap, Chord::ch('k'), Command::Up, false),
        bind(Heatmap, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Heatmap, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(Heatmap, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(Heatmap, Chord::ch('g'), Command::Top, false),
        bind(Heatmap, Chord::ch('G'), Command::Bottom, false),
        bind(Heatmap, Chord::key(KeyCode::Esc), Command::Back, true),
        bind(Minutes, Chord::key(KeyCode::Enter), Command::Minutes(MinutesAct::Read), true),
        bind(Minutes, Chord::ch('['), Command::Minutes(MinutesAct::EarlierMeeting), true),
        bind(Minutes, Chord::ch(']'), Command::Minutes(MinutesAct::LaterMeeting), true),
        bind(Minutes, Chord::ch('o'), Command::Minutes(MinutesAct::OpenMeeting), true),
        bind(Minutes, Chord::ch('P'), Command::Minutes(MinutesAct::Publish), true),
        // Without minutes open these only say to open them first.
        bind(Minutes, Chord::ch('a'), Command::Minutes(MinutesAct::Attendance), false),
        bind(Minutes, Chord::ch('d'), Command::Minutes(MinutesAct::Decision), false),
        bind(Minutes, Chord::ch('f'), Command::Minutes(MinutesAct::FollowUp), false),
        bind(MinutesOpen, Chord::ch('}'), Command::Minutes(MinutesAct::NextItem), true),
        bind(MinutesOpen, Chord::ch('{'), Command::Minutes(MinutesAct::PreviousItem), false),
        bind(MinutesOpen, Chord::ch('e'), Command::Minutes(MinutesAct::EditNotes), true),
        bind(MinutesOpen, Chord::ch('x'), Command::Minutes(MinutesAct::Discussed), true),
        bind(MinutesOpen, Chord::ch('d'), Command::Minutes(MinutesAct::Decision), true),
        bind(MinutesOpen, Chord::ch('f'), Command::Minutes(MinutesAct::FollowUp), true),
        bind(MinutesOpen, Chord::ch('a'), Command::Minutes(MinutesAct::Attendance), true),
        bind(MinutesOpen, Chord::ch('+'), Command::Minutes(MinutesAct::AddItem), true),
        bind(MinutesOpen, Chord::ch('-'), Command::Minutes(MinutesAct::DropItem), false),
        bind(MinutesOpen, Chord::ch('K'), Command::Minutes(MinutesAct::MoveItemUp), false),
        bind(MinutesOpen, Chord::ch('J'), Command::Minutes(MinutesAct::MoveItemDown), false),
        bind(MinutesOpen, Chord::ch('P'), Command::Minutes(MinutesAct::Publish), true),
        bind(MinutesOpen, Chord::ch('X'), Command::Minutes(MinutesAct::Export), true),
        bind(Minutes, Chord::ch('X'), Command::Minutes(MinutesAct::Export), false),
        bind(MinutesOpen, Chord::ch('['), Command::Minutes(MinutesAct::EarlierMeeting), false),
        bind(MinutesOpen, Chord::ch(']'), Command::Minutes(MinutesAct::LaterMeeting), false),
        bind(Problems, Chord::ch(']'), Command::Problems(ProblemsAct::NextSection), true),
        bind(ChangeNeeds, Chord::ch(']'), Command::Problems(ProblemsAct::NextSection), true),
        bind(Problems, Chord::ch('['), Command::Problems(ProblemsAct::PreviousSection), true),
        bind(ChangeNeeds, Chord::ch('['), Command::Problems(ProblemsAct::PreviousSection), true),
        bind(Problems, Chord::ch('j'), Command::Down, false),
        bind(ChangeNeeds, Chord::ch('j'), Command::Down, false),
        bind(Problems, Chord::key(KeyCode::Down), Command::Down, false),
        bind(ChangeNeeds, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Problems, Chord::ch('k'), Command::Up, false),
        bind(ChangeNeeds, Chord::ch('k'), Command::Up, false),
        bind(Problems, Chord::key(KeyCode::Up), Command::Up, false),
        bind(ChangeNeeds, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Problems, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(ChangeNeeds, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(Problems, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(ChangeNeeds, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(Problems, Chord::ch('g'), Command::Top, false),
        bind(ChangeNeeds, Chord::ch('g'), Command::Top, false),
        bind(Problems, Chord::ch('G'), Command::Bottom, false),
        bind(ChangeNeeds, Chord::ch('G'), Command::Bottom, false),
        bind(ChangeNeeds, Chord::ch('n'), Command::Problems(ProblemsAct::New), true),
        bind(ChangeNeeds, Chord::ch('s'), Command::Problems(ProblemsAct::Step), true),
        bind(ChangeNeeds, Chord::ch('x'), Command::Problems(ProblemsAct::Reject), true),
        bind(Problems, Chord::key(KeyCode::Enter), Command::Problems(ProblemsAct::OpenProblem), true),
        bind(Problems, Chord::ch('/'), Command::Problems(ProblemsAct::Filter), true),
        bind(ChangeNeeds, Chord::ch('/'), Command::Problems(ProblemsAct::Filter), true),
        bind(Problems, Chord::ch('n'), Command::Problems(ProblemsAct::NewProblem), true),
        bind(Problems, Chord::ch('e'), Command::Problems(ProblemsAct::EditProblem), true),
        bind(Problems, Chord::ch('l'), Command::Problems(ProblemsAct::LinkIncident), true),
        bind(Problems, Chord::key(KeyCode::Esc), Command::Back, false),
        bind(ChangeNeeds, Chord::key(KeyCode::Esc), Command::Back, false),
        bind(Admin, Chord::ch(']'), Command::Admin(AdminAct::NextSection), true),
        bind(Admin, Chord::ch('['), Command::Admin(AdminAct::PreviousSection), true),
        bind(Admin, Chord::ch('a'), Command::Admin(AdminAct::Add), true),
        bind(Admin, Chord::ch('D'), Command::Admin(AdminAct::Deactivate), true),
        bind(Admin, Chord::ch('r'), Command::Admin(AdminAct::ChangeRole), true),
        bind(Admin, Chord::ch('R'), Command::Admin(AdminAct::Reactivate), true),
        bind(Admin, Chord::ch('e'), Command::Admin(AdminAct::Edit), true),
        bind(Admin, Chord::key(KeyCode::Enter), Command::Admin(AdminAct::Open), true),
        bind(Admin, Chord::ch('i'), Command::Admin(AdminAct::Import), true),
        bind(Admin, Chord::ch('y'), Command::Admin(AdminAct::Confirm), false),
        bind(Admin, Chord::ch('h'), Command::Admin(AdminAct::PreviousYear), false),
        bind(Admin, Chord::ch('l'), Command::Admin(AdminAct::NextYear), false),
        bind(Admin, Chord::ch('/'), Command::Admin(AdminAct::Filter), true),
        bind(Admin, Chord::ch('J'), Command::Admin(AdminAct::ScrollDown), false),
        bind(Admin, Chord::ch('K'), Command::Admin(AdminAct::ScrollUp), false),
        bind(Admin, Chord::ch('j'), Command::Down, false),
        bind(Admin, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Admin, Chord::ch('k'), Command::Up, false),
        bind(Admin, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Admin, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(Admin, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(Admin, Chord::ch('g'), Command::Top, false),
        bind(Admin, Chord::ch('G'), Command::Bottom, false),
        bind(Attendance, Chord::ch('1'), Command::Minutes(MinutesAct::Present(1)), true),
        bind(Attendance, Chord::ch('2'), Command::Minutes(MinutesAct::Present(2)), false),
        bind(Attendance, Chord::ch('3'), Command::Minutes(MinutesAct::Present(3)), false),
        bind(Attendance, Chord::ch('4'), Command::Minutes(MinutesAct::Present(4)), false),
        bind(Attendance, Chord::ch('5'), Command::Minutes(MinutesAct::Present(5)), false),
        bind(Attendance, Chord::ch('6'), Command::Minutes(MinutesAct::Present(6)), false),
        bind(Attendance, Chord::ch('7'), Command::Minutes(MinutesAct::Present(7)), false),
        bind(Attendance, Chord::ch('8'), Command::Minutes(MinutesAct::Present(8)), false),
        bind(Attendance, Chord::ch('9'), Command::Minutes(MinutesAct::Present(9)), false),
        bind(Attendance, Chord::ch('a'), Command::Back, false),
        bind(Attendance, Chord::key(KeyCode::Esc), Command::Back, true),
        bind(Minutes, Chord::ch('j'), Command::Down, false),
        bind(Minutes, Chord::key(KeyCode::Down), Command::Down, false),
        bind(Minutes, Chord::ch('k'), Command::Up, false),
        bind(Minutes, Chord::key(KeyCode::Up), Command::Up, false),
        bind(Minutes, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(Minutes, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(Minutes, Chord::ch('g'), Command::Top, false),
        bind(Minutes, Chord::ch('G'), Command::Bottom, false),
        bind(Minutes, Chord::key(KeyCode::Esc), Command::Back, true),
        bind(MinutesOpen, Chord::ch('j'), Command::Down, false),
        bind(MinutesOpen, Chord::key(KeyCode::Down), Command::Down, false),
        bind(MinutesOpen, Chord::ch('k'), Command::Up, false),
        bind(MinutesOpen, Chord::key(KeyCode::Up), Command::Up, false),
        bind(MinutesOpen, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(MinutesOpen, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(MinutesOpen, Chord::ch('g'), Command::Top, false),
        bind(MinutesOpen, Chord::ch('G'), Command::Bottom, false),
        bind(MinutesOpen, Chord::key(KeyCode::Esc), Command::Back, true),
        bind(Form, Chord::ctrl('s'), Command::Overlay(OverlayKey::Submit), true),
        bind(Form, Chord::key(KeyCode::Tab), Command::Overlay(OverlayKey::NextField), true),
        bind(Form, Chord::key(KeyCode::BackTab), Command::Overlay(OverlayKey::PreviousField), false),
        bind(Form, Chord::key(KeyCode::Esc), Command::Overlay(OverlayKey::Cancel), true),
        bind(Confirm, Chord::key(KeyCode::Enter), Command::Overlay(OverlayKey::Yes), true),
        bind(Confirm, Chord::ch('y'), Command::Overlay(OverlayKey::Yes), true),
        bind(Confirm, Chord::key(KeyCode::Esc), Command::Overlay(OverlayKey::No), true),
        bind(Confirm, Chord::ch('n'), Command::Overlay(OverlayKey::No), true),
        bind(Board, Chord::ch('F'), Command::FollowUps, true),
        bind(FollowUps, Chord::key(KeyCode::Enter), Command::AnswerFollowUp, true),
        bind(FollowUps, Chord::ch('F'), Command::FollowUps, true),
        bind(FollowUps, Chord::key(KeyCode::Esc), Command::Back, true),
        bind(FollowUps, Chord::ch('j'), Command::Down, false),
        bind(FollowUps, Chord::key(KeyCode::Down), Command::Down, false),
        bind(FollowUps, Chord::ch('k'), Command::Up, false),
        bind(FollowUps, Chord::key(KeyCode::Up), Command::Up, false),
        bind(FollowUps, Chord::key(KeyCode::PageDown), Command::PageDown, false),
        bind(FollowUps, Chord::key(KeyCode::PageUp), Command::PageUp, false),
        bind(FollowUps, Chord::ch('g'), Command::Top, false),
        bind(FollowUps, Chord::ch('G'), Command::Bottom, false),
        // Shown by the new-incident form only; other forms leave Ctrl-k to the text editor.
        bind(Form, Chord::ctrl('k'), Command::Overlay(OverlayKey::KnownError), false),
        // Shown by a master's resolve confirmation only.
        bind(Confirm, Chord::ch('c'), Command::Overlay(OverlayKey::Children), false),
    ]);
    keymap
}

/// How to reach a command of a screen from anywhere, for messages: `2 then e`, from the keymap.
pub fn route_to(keymap: &[Binding], screen: Screen, scope: Scope, command: Command) -> String {
    let label = |scope: Scope, command: Command| key_for(keymap, scope, command).map(|c| c.label());
    match (label(Scope::Global, Command::Show(screen)), label(scope, command)) {
        (Some(tab), Some(key)) => format!("{tab} then {key}"),
        (None, Some(key)) => key,
        (_, None) => format!(":{}", command.name()),
    }
}

/// The command bound to a key in exactly this scope (overlays take no global keys).
pub fn resolve_only(keymap: &[Binding], scope: Scope, event: &KeyEvent) -> Option<Command> {
    let chord = Chord::from_event(event);
    keymap.iter().find(|b| b.scope == scope && b.chord == chord).map(|b| b.command)
}

/// The key hints of a scope, as the key line and the overlays show them: `Ctrl-s submit · Tab next-field …`,
/// every key of a command together (`Enter/y yes`).
pub fn hints(keymap: &[Binding], scope: Scope) -> String {
    let mut hints: Vec<(String, Command)> = Vec::new();
    for binding in keymap.iter().filter(|b| b.scope == scope && b.hint) {
        match hints.iter_mut().find(|(_, command)| *command == binding.command) {
            Some((keys, _)) => *keys = format!("{keys}/{}", binding.chord.label()),
            None => hints.push((binding.chord.label(), binding.command)),
        }
    }
    hints.iter().map(|(keys, command)| format!("{keys} {}", command.name())).collect::<Vec<_>>().join(" · ")
}

/// The command bound to a key in a scope, falling back to the global scope.
pub fn resolve(keymap: &[Binding], scope: Scope, event: &KeyEvent) -> Option<Command> {
    let chord = Chord::from_event(event);
    let find = |s: Scope| keymap.iter().find(|b| b.scope == s && b.chord == chord).map(|b| b.command);
    find(scope).or_else(|| find(Scope::Global))
}

/// The first key bound to a command in a scope (or globally), for hints such as "⏎ open".
pub fn key_for(keymap: &[Binding], scope: Scope, command: Command) -> Option<Chord> {
    keymap
        .iter()
        .find(|b| b.scope == scope && b.command == command)
        .or_else(|| keymap.iter().find(|b| b.scope == Scope::Global && b.command == command))
        .map(|b| b.chord)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        let keymap = default_keymap();
        for (i, a) in keymap.iter().enumerate() {
            for b in &keymap[i + 1..] {
                assert!(!(a.scope == b.scope && a.chord == b.chord), "{:?} bound twice in {:?}", a.chord, a.scope);
            }
        }
    }

    #[test]
    fn screen_bindings_win_over_global_ones_and_fall_back_to_them() {
        let keymap = default_keymap();
        let esc = KeyEvent::from(KeyCode::Esc);
        let q = KeyEvent::from(KeyCode::Char('q'));
        let j = KeyEvent::from(KeyCode::Char('j'));
        assert_eq!(resolve(&keymap, Scope::Incident, &esc), Some(Command::Back));
        assert_eq!(resolve(&keymap, Scope::Board, &q), Some(Command::Quit));
        assert_eq!(resolve(&keymap, Scope::Board, &j), Some(Command::Down));
        assert_eq!(resolve(&keymap, Scope::Global, &j), None);
    }

    #[test]
    fn ctrl_is_part_of_the_chord() {
        let keymap = default_keymap();
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(resolve(&keymap, Scope::Board, &ctrl_c), Some(Command::Quit));
        let plain_c = KeyEvent::from(KeyCode::Char('c'));
        assert_eq!(resolve(&keymap, Scope::Board, &plain_c), Some(Command::Act(Act::Close)));
        assert_eq!(resolve(&keymap, Scope::Global, &plain_c), None);
        assert_eq!(Chord::ctrl('c').label(), "Ctrl-c");
    }

    #[test]
    fn every_palette_command_is_reachable_by_a_key() {
        let keymap = default_keymap();
        for command in Command::every() {
            assert!(keymap.iter().any(|b| b.command == command), "{} has no key", command.name());
        }
    }
}
