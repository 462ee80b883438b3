//! Integration tests, in one binary to keep builds lean: database, headless consoles, screens, the CLI.

#![allow(clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)]

mod admin;
mod admin_screen;
mod agreements;
mod change_needs;
mod cli;
mod console;
mod console_problems;
mod db;
mod faults;
mod follow_ups;
mod fuzz_corpus;
mod harness;
mod hostile;
mod lifecycle;
mod majors;
mod minutes_screen;
mod notify;
mod outbox;
mod pgbouncer;
mod problems;
mod replica;
mod rings;
mod security;
mod servers;
mod ui;
