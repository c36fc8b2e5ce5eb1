//! Fuzz target `split_csv`: see `fuzz/cases.rs`.
#![no_main]

#[path = "../cases.rs"]
mod cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cases::run("split_csv", data));
