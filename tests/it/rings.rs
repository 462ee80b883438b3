//! The three rings (design.md §3), checked in the source: the domain knows nothing of the database, the runtime
//! or the terminal; the app and the renderer do no I/O. (The clock is kept out of domain, app and ui by clippy's
//! `disallowed-methods`, see clippy.toml.)

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// Lines of code that name one of `forbidden`, comments left out.
fn uses(ring: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(ring);
    let files = sources(&root);
    assert!(files.len() > 3, "no sources found under {}", root.display());
    let mut offending = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(name) = forbidden.iter().find(|name| code.contains(*name)) {
                offending.push(format!("{}:{}: {name}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    offending
}

#[test]
fn the_domain_uses_neither_the_database_nor_the_runtime_nor_the_terminal() {
    let found = uses(
        "domain",
        &[
            "sqlx",
            "tokio",
            "ratatui",
            "crossterm",
            "std::fs",
            "std::net",
            "std::env",
            "std::process",
            "lettre",
            "reqwest",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_app_and_the_renderer_do_no_io() {
    let io = ["sqlx", "tokio", "std::fs", "std::net", "std::env", "std::process", "lettre", "reqwest"];
    let mut found = uses("app", &io);
    found.extend(uses("ui", &io));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_report_renderers_are_pure_and_the_domain_never_reaches_for_them() {
    let mut found = uses(
        "report",
        &[
            "sqlx",
            "tokio",
            "ratatui",
            "crossterm",
            "std::fs",
            "std::net",
            "std::env",
            "std::process",
            "lettre",
            "reqwest",
        ],
    );
    found.extend(uses("domain", &["crate::report"]));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn inside_the_domain_major_incidents_build_on_agreements_never_the_reverse() {
    // Tests may borrow the major-incident fixtures; the code itself may not reach back.
    let mut found = Vec::new();
    for concept in ["agreement", "calendar", "sla", "incident", "text"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain").join(concept);
        let mut files = sources(&root);
        files.push(root.with_extension("rs"));
        for file in files.iter().filter(|f| f.exists() && !f.to_string_lossy().ends_with("tests.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.split("//").next().unwrap_or("").contains("domain::major") {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
