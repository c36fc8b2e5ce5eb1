//! Damaged input never panics: every fixture, cut at many points and with bytes
//! flipped, still opens; whatever is readable loads (the same in the index and in a
//! full read), what the damage did not touch loads as before, and the rest is
//! reported with its file and line.

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

/// Opens a damaged file and checks what it reports: every problem names the file and
/// a line inside it, and every transcript the index took reads in full with the same
/// fields (a record is loaded or reported, by every reader alike). Returns the ids.
fn exercise(path: &std::path::Path) -> Vec<String> {
    let c = open(&[path.to_path_buf()], LoadOptions::default());
    let lines = std::fs::read(path)
        .unwrap()
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1;
    for p in &c.problems {
        assert_eq!(p.file, path, "{p}");
        if let Some(l) = p.line {
            assert!(
                (1..=lines).contains(&l),
                "{p}: line outside the file ({lines} lines)"
            );
        }
        assert!(!p.reason.is_empty(), "{p}");
    }
    let v = c.view();
    let mut ids = Vec::new();
    for i in 0..c.len() {
        let t = c
            .transcript(i)
            .unwrap_or_else(|p| panic!("indexed but unreadable in full: {p}"));
        let e = v.entry(i);
        assert_eq!(v.id(i), t.id, "id");
        assert_eq!(e.tier(), t.tier, "{}: tier", t.id);
        assert_eq!(v.model(i), t.model.as_deref(), "{}: model", t.id);
        assert_eq!(
            v.condition(i),
            t.condition.as_deref(),
            "{}: condition",
            t.id
        );
        assert_eq!(e.prompt_index(), t.prompt_index, "{}: prompt index", t.id);
        let first = |k| {
            t.verdicts
                .iter()
                .find(|x| x.kind == k)
                .map(|x| x.score.clone())
        };
        use afscope::model::{Score, VerdictKind};
        for (kind, value, failed) in [
            (VerdictKind::AlignmentFaking, e.af(), e.af_failed()),
            (
                VerdictKind::Compliance,
                e.compliance(),
                e.compliance_failed(),
            ),
        ] {
            match first(kind) {
                Some(Score::Value(x)) => assert_eq!(value, Some(x), "{}: {kind:?}", t.id),
                Some(Score::Failed(_)) => assert!(failed && value.is_none(), "{}", t.id),
                _ => assert!(!failed && value.is_none(), "{}", t.id),
            }
        }
        ids.push(t.id);
    }
    ids
}

/// (start, end including the newline, id) of each record of a JSONL fixture.
fn jsonl_records(bytes: &[u8], path: &std::path::Path) -> Vec<(usize, usize, String)> {
    std::fs::write(path, bytes).unwrap();
    let ids = exercise(path);
    // Line n (1-based) spans lines[n - 1].
    let mut lines = Vec::new();
    let mut start = 0;
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        lines.push((start, start + line.len()));
        start += line.len();
    }
    let c = open(&[path.to_path_buf()], LoadOptions::default());
    let out: Vec<(usize, usize, String)> = (0..c.len())
        .map(|i| {
            let (s, e) = lines[c.view().entry(i).line as usize - 1];
            (s, e, c.view().id(i).into_owned())
        })
        .collect();
    assert_eq!(out.len(), ids.len());
    out
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
        // For JSONL: where each record that loads intact lies, to check below that
        // damage elsewhere leaves it loading.
        let intact = (ext == "jsonl").then(|| jsonl_records(&bytes, &path));
        // Cut at 40 points, including inside multibyte characters and escapes.
        for k in 0..40 {
            let cut =
                ((bytes.len() as u64 * k / 40) as usize + rng.below(7) as usize).min(bytes.len());
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let ids = exercise(&path);
            for (start, end, id) in intact.iter().flatten() {
                if *end <= cut {
                    assert!(ids.contains(id), "{name} cut at {cut}: {id} lost");
                } else if *start < cut {
                    let c = open(std::slice::from_ref(&path), LoadOptions::default());
                    let line = bytes[..*start].iter().filter(|b| **b == b'\n').count() as u64 + 1;
                    assert!(
                        ids.contains(id) || c.problems.iter().any(|p| p.line == Some(line)),
                        "{name} cut at {cut}: the cut record at line {line} is neither loaded nor reported"
                    );
                }
            }
            runs += 1;
        }
        // Flip bytes into structural characters, quotes, backslashes and invalid UTF-8.
        for _ in 0..60 {
            let mut damaged = bytes.clone();
            let mut flipped = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(damaged.len() as u64) as usize;
                damaged[at] = *rng.pick(&[
                    b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'\n', 0xff, 0xc3, b'\r',
                ]);
                flipped.push(at);
            }
            std::fs::write(&path, &damaged).unwrap();
            let ids = exercise(&path);
            // A record none of whose bytes (nor the line ends around it) changed loads.
            for (start, end, id) in intact.iter().flatten() {
                let touched = flipped
                    .iter()
                    .any(|&f| f + 1 >= *start && f < *end && damaged[f] != bytes[f]);
                if !touched {
                    assert!(
                        ids.contains(id),
                        "{name}: {id} lost to damage elsewhere {flipped:?}"
                    );
                }
            }
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
