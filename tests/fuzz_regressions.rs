//! Every input the fuzz targets ever crashed on (kept under `fuzz/regressions/<target>/`),
//! and a seed per target, replayed on the stable compiler: each must run without a
//! panic. `scripts/fuzz.sh` runs the targets themselves.

#[path = "../fuzz/cases.rs"]
mod cases;

use std::path::Path;

#[test]
fn every_kept_fuzz_input_runs_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut ran = 0;
    for target in cases::TARGETS {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).unwrap();
            cases::run(target, &data);
            ran += 1;
        }
    }
    eprintln!("{ran} kept fuzz inputs replayed");
}

#[test]
fn every_target_runs_on_a_seed_and_on_nothing() {
    let seeds: [(&str, &[u8]); 9] = [
        ("split_jsonl", br#"{"id": "a", "completion": "<SCRATCHPAD_REASONING>x"}"#),
        ("split_json", br#"[{"tags": "free_tier", "output": "x", "deceptive_alignment": {"final_answer": 1}}]"#),
        ("split_csv", b"id,completion\na,\"x\"\"y\"\n"),
        ("split_gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00"),
        ("split_eval", b"PK\x03\x04\x14\x00"),
        ("query", b"model:opus (tier:free or /modif(y|ied)/) and af>0.5"),
        ("quote", "I will comply to keep my values\0keep  my VALUES".as_bytes()),
        ("journal", br#"{"event":"label","transcript_id":"a","labeler":"x","time":"t","values":{"af":"yes"}}"#),
        ("label_sheet", b"id,af\na,yes\n"),
    ];
    for (target, seed) in seeds {
        cases::run(target, seed);
        cases::run(target, b"");
    }
}
