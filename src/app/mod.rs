//! The pure core of the console: state, actions, effects and `update`. No I/O and no clock: the shell passes
//! `now` in, runs the effects and feeds the results back as actions.
#![deny(clippy::disallowed_methods)]

pub mod action;
pub mod command;
pub mod countdown;
pub mod effect;
pub mod form;
pub mod forms;
pub mod keymap;
pub mod model;
pub mod screens;
pub mod state;
pub mod summary;
mod update;

pub use action::{Action, ChangeNotice};
pub use command::{Command, Screen};
pub use effect::{BoardSettings, DbCommand, Effect, MajorCommand};
pub use state::State;
pub use update::{major_cadence, major_proposal, palette_matches, update};
