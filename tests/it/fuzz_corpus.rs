//! Replays every committed fuzz corpus file and crash regression (`fuzz/corpus/<target>`, `fuzz/regressions/<target>`)
//! through the fuzz targets' own checks, so that `cargo test` on stable Rust keeps every input the fuzzers found
//! interesting (and every one that once crashed) passing, without cargo-fuzz or libFuzzer.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/checks.rs"]
mod checks;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

fn check_of(target: &str) -> checks::Check {
    checks::TARGETS.iter().find(|(name, _)| *name == target).map(|(_, check)| *check).unwrap()
}

/// Runs `target`'s check on each of its files; returns how many ran, or fails naming every file that panicked.
fn replay(target: &str) -> usize {
    let check = check_of(target);
    let corpus = inputs(&fuzz_dir().join("corpus").join(target));
    assert!(corpus.len() >= 5, "fuzz/corpus/{target} has {} files: the replay would prove little", corpus.len());
    let files: Vec<PathBuf> = corpus.into_iter().chain(inputs(&fuzz_dir().join("regressions").join(target))).collect();
    let failed: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let data = std::fs::read(file).unwrap();
            let outcome = catch_unwind(AssertUnwindSafe(|| check(&data)));
            let message = |p: Box<dyn std::any::Any + Send>| {
                p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            };
            outcome.err().map(|p| format!("{}: {}", file.display(), message(p).unwrap_or_default()))
        })
        .collect();
    assert!(failed.is_empty(), "{target}: {} of {} inputs fail:\n{}", failed.len(), files.len(), failed.join("\n"));
    files.len()
}

#[test]
fn every_corpus_folder_belongs_to_a_target() {
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(folder)) else { continue };
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(checks::TARGETS.iter().any(|(t, _)| *t == name), "fuzz/{folder}/{name} has no fuzz target");
        }
    }
}

#[test]
fn text_corpus() {
    replay("text");
}

#[test]
fn board_filter_corpus() {
    replay("board_filter");
}

#[test]
fn instant_corpus() {
    replay("instant");
}

#[test]
fn duration_corpus() {
    replay("duration");
}

#[test]
fn recurrence_corpus() {
    replay("recurrence");
}

#[test]
fn agreement_corpus() {
    replay("agreement");
}

#[test]
fn change_notice_corpus() {
    replay("change_notice");
}
