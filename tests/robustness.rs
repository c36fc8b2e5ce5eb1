//! Damaged input never panics: every fixture, cut at many points and with bytes
//! flipped, still opens; whatever is readable loads and the rest is reported.

mod common;

use afscope::load::LoadOptions;
use afscope::synth::Rng;
use common::{fixture, open};

const FILES: [&str; 8] = [
    "demo.jsonl",
    "common-fields.jsonl",
    "wrapped.json",
    "malformed.jsonl",
    "malformed.json",
    "malformed.csv",
    "custom-layout.json",
    "keyed-scores.csv",
];

fn exercise(path: &std::path::Path) -> usize {
    let c = open(&[path.to_path_buf()], LoadOptions::default());
    for i in 0..c.len() {
        let _ = c.transcript(i);
        let _ = c.view().id(i);
    }
    c.len()
}

#[test]
fn truncated_and_corrupted_fixtures_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(99);
    let mut runs = 0;
    for name in FILES {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let ext = name.rsplit('.').next().unwrap();
        let path = dir.path().join(format!("damaged.{ext}"));
        // Cut at 40 points, including inside multibyte characters and escapes.
        for k in 0..40 {
            let cut = (bytes.len() as u64 * k / 40) as usize + rng.below(7) as usize;
            std::fs::write(&path, &bytes[..cut.min(bytes.len())]).unwrap();
            exercise(&path);
            runs += 1;
        }
        // Flip bytes into structural characters, quotes, backslashes and invalid UTF-8.
        for _ in 0..60 {
            let mut damaged = bytes.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(damaged.len() as u64) as usize;
                damaged[at] = *rng.pick(&[
                    b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'\n', 0xff, 0xc3, b'\r',
                ]);
            }
            std::fs::write(&path, &damaged).unwrap();
            exercise(&path);
            runs += 1;
        }
    }
    assert_eq!(runs, FILES.len() * 100);
}

#[test]
fn a_damaged_line_costs_only_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("demo.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut damaged: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    damaged[3] = damaged[3][..damaged[3].len() / 2].to_string();
    damaged[7].insert(0, ']');
    let path = dir.path().join("demo.jsonl");
    std::fs::write(&path, damaged.join("\n") + "\n").unwrap();
    let c = open(&[path], LoadOptions::default());
    assert_eq!(c.len(), lines.len() - 2);
    let bad: Vec<u64> = c.problems.iter().filter_map(|p| p.line).collect();
    assert_eq!(bad, vec![4, 8]);
}

#[test]
fn a_json_array_with_an_unterminated_string_element() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.json");
    for text in [
        r#"["abc"#,
        r#"[{"id":"x","completion":"y"}, "abc"#,
        "[",
        "[{",
        r#"{"samples": [{"id": 1"#,
    ] {
        std::fs::write(&path, text).unwrap();
        let c = open(std::slice::from_ref(&path), LoadOptions::default());
        assert!(!c.problems.is_empty(), "{text}");
    }
}
