#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vakt_fuzz::checks::change_notice(data));
