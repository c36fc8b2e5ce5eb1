//! Fuzz target `split_eval`: see `fuzz/cases.rs`.
#![no_main]

#[path = "../cases.rs"]
mod cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cases::run("split_eval", data));
