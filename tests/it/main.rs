//! Integration tests, in one binary to keep builds lean: database, headless consoles, screens, the CLI.

#![allow(clippy::unwrap_used)]

mod agreements;
mod cli;
mod console;
mod db;
mod harness;
mod hostile;
mod lifecycle;
mod majors;
mod notify;
mod outbox;
mod servers;
mod ui;
