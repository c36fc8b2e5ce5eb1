//! Label files in every layout (CSV, TSV, JSON, JSONL, journal): read without a
//! panic, each problem naming the file.
#![no_main]

use afscope::load::join::labels::{read, LabelMapping};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("afscope-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mapping = LabelMapping::parse(&[]).unwrap();
    for name in ["labels.csv", "labels.tsv", "labels.json", "labels.jsonl"] {
        let path = dir.join(name);
        std::fs::write(&path, data).unwrap();
        let file = read(&path, &mapping);
        for p in &file.problems {
            assert!(p.to_string().contains(name), "{p}");
        }
    }
});
