//! The fuzz targets' checks, one function per target; `fuzz_targets/*.rs` only hand them libFuzzer's input.
pub mod checks;
