//! One place per screen. Each tab keeps its own state in a module here (`board/`, `major/`, and the screens to
//! come), and the rest of the console reaches it only through [`Screens::get`] and [`Screens::get_mut`]: the
//! key scope, moving the selection, Esc and what to reload after a reconnect. Rendering dispatches the same way
//! in `ui::screens`. Adding a screen: a module here implementing [`ScreenState`], a field in [`Screens`], one arm
//! in `get`/`get_mut`, a file in `ui/screens/` with one arm in its `render`, and a keymap section
//! (docs/architecture.md, "Adding a screen").

pub mod admin;
pub mod board;
pub mod calendar;
pub mod heatmap;
pub mod major;
pub mod minutes;
pub mod problems;

use super::command::Screen;
use super::effect::Effect;
use super::keymap::Scope;

/// What every screen answers for the rest of the console.
pub trait ScreenState {
    /// The key scope of what has focus on the screen.
    fn scope(&self) -> Scope;
    /// Moves the selection (or scrolls) by `delta` rows; `isize::MIN / 2` and `isize::MAX / 2` mean first and last.
    fn move_selection(&mut self, delta: isize);
    /// Esc: closes what the screen has open. False when nothing was open, so Esc goes on to the board.
    fn back(&mut self) -> bool;
    /// What to load again after the connection comes back.
    fn resync(&self) -> Vec<Effect>;
    /// Whether the key line offers `command` in what the screen shows now (the role's rights aside), so it
    /// does not list keys that would only be refused, such as writing into published minutes.
    fn offers(&self, _command: crate::app::command::Command) -> bool {
        true
    }
}

/// Every screen's own state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Screens {
    pub board: board::BoardScreen,
    pub major: major::MajorScreen,
    pub calendar: calendar::CalendarScreen,
    pub heatmap: heatmap::HeatmapScreen,
    pub minutes: minutes::MinutesScreen,
    pub admin: admin::AdminScreen,
    pub problems: problems::ProblemsScreen,
}

impl Screens {
    /// The screen behind a tab, if it is built.
    pub fn get(&self, screen: Screen) -> Option<&dyn ScreenState> {
        match screen {
            Screen::Board => Some(&self.board),
            Screen::Major => Some(&self.major),
            Screen::Calendar => Some(&self.calendar),
            Screen::Heatmap => Some(&self.heatmap),
            Screen::Minutes => Some(&self.minutes),
            Screen::Admin => Some(&self.admin),
            Screen::Problems => Some(&self.problems),
        }
    }

    pub fn get_mut(&mut self, screen: Screen) -> Option<&mut dyn ScreenState> {
        match screen {
            Screen::Board => Some(&mut self.board),
            Screen::Major => Some(&mut self.major),
            Screen::Calendar => Some(&mut self.calendar),
            Screen::Heatmap => Some(&mut self.heatmap),
            Screen::Minutes => Some(&mut self.minutes),
            Screen::Admin => Some(&mut self.admin),
            Screen::Problems => Some(&mut self.problems),
        }
    }

    /// Every built screen, for what concerns them all (reloading after a reconnect).
    pub fn all(&self) -> [&dyn ScreenState; 7] {
        [&self.board, &self.major, &self.calendar, &self.heatmap, &self.minutes, &self.admin, &self.problems]
    }
}
