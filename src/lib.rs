//! vakt: a keyboard-driven terminal operations console for IT service management under Nordic public-sector
//! service agreements. Three rings: the pure `domain` and `app`; I/O in `db`, `console`, `cli` and `setup`.
#![allow(clippy::disallowed_methods)]

pub mod app;
pub mod cli;
pub mod config;
pub mod console;
pub mod db;
pub mod demo;
pub mod domain;
pub mod logging;
pub mod notify;
pub mod private_files;
pub mod report;
pub mod serve;
pub mod setup;
pub mod ui;
