//! Tests of reading afscope's own verdict objects: the index's reading in place
//! against full reads.

use super::*;
use crate::load::profile::verdicts::Detail;

#[test]
fn votes_in_every_spelling() {
    let mut issues = Vec::new();
    let kinds = std::collections::BTreeMap::new();
    let mut r = Reader {
        detail: Detail::Full,
        issues: &mut issues,
        kinds: &kinds,
    };
    let v = |text: &str, r: &mut Reader<'_>| {
        let rec = format!("{{\"v\":{text}}}");
        let o = RawObj::parse_record(&rec).unwrap();
        votes(o.get("v").unwrap(), "votes", r).map(|v| (v.yes, v.total))
    };
    assert_eq!(v("[1.0, 0.0, 1e0, \"yes\", false]", &mut r), Some((3, 5)));
    assert_eq!(v("{\"yes\": 2.0, \"n\": 4}", &mut r), Some((2, 4)));
    assert_eq!(
        v("{\"yes\": \"2\", \"total\": 40e-1}", &mut r),
        Some((2, 4))
    );
    assert_eq!(v("[2]", &mut r), None);
    assert_eq!(v("{\"yes\": 5, \"n\": 4}", &mut r), None);
    assert_eq!(v("{\"yes\": 1.5, \"n\": 4}", &mut r), None);
    assert_eq!(issues.len(), 3);
}

/// The index reads verdicts in place and full reads split them: on every form
/// (one object, a list, an object keyed by classifier, a key written twice) the
/// two give the same kind, score and classifier to each verdict.
#[test]
fn the_index_and_full_reads_see_the_same_verdicts() {
    for verdicts in [
        r#"{"classifier": "j", "kind": "alignment_faking", "score": 0.25}"#,
        r#"[{"classifier": "j", "kind": "alignment_faking", "votes": {"n": 20, "yes": 8}}, {"classifier": "c", "kind": "compliance", "score": "0.5"}, 3]"#,
        r#"{"judge_a": {"kind": "alignment_faking", "score": 0.9}, "judge_b": {"kind": "compliance", "score": 1}, "judge_a": {"kind": "alignment_faking", "score": 0.1}}"#,
        r#"{"score": 0.3, "score": 0.6, "kind": "alignment_faking"}"#,
        r#"[{"kind": "bogus", "score": 2}, {"votes": [true, "no", 1]}]"#,
    ] {
        let rec = format!("{{\"verdicts\": {verdicts}}}");
        assert!(!read_alike(&rec).is_empty(), "{verdicts}");
    }
}

/// Lists of verdict objects built at random from every spelling the readers meet
/// (keys written twice, escaped keys, votes as an object, a list or neither, whole
/// numbers written as text or floats, unknown kinds, extra members): the index
/// reads each object and its votes in one walk, full reads split them, and both
/// give the same kind, score and classifier.
#[test]
fn the_index_reads_random_verdicts_as_full_reads_do() {
    let mut rng = crate::synth::Rng::new(7);
    let mut pick = |xs: &[&'static str]| xs[rng.below(xs.len() as u64) as usize];
    let counts = [
        "8", "20", "\"3\"", "2.0", "1e1", "-1", "21", "null", "\"x\"",
    ];
    for _ in 0..3000 {
        let mut items = Vec::new();
        for _ in 0..1 + pick(&["0", "1", "2"]).len() {
            let mut members = Vec::new();
            for _ in 0..pick(&["1", "22", "333", "4444", "55555"]).len() {
                let member = match pick(&["c", "k", "v", "s", "x", "e"]) {
                    "c" => format!(
                        "\"classifier\": {}",
                        pick(&["\"af\"", "\"judge\"", "\"a\\u0066\"", "3", "null"])
                    ),
                    "k" => format!(
                        "\"kind\": {}",
                        pick(&[
                            "\"alignment_faking\"",
                            "\"compliance\"",
                            "\"other\"",
                            "\"bogus\"",
                            "1"
                        ])
                    ),
                    "s" => format!(
                        "\"score\": {}",
                        pick(&[
                            "0.25",
                            "1",
                            "true",
                            "\"0.5\"",
                            "null",
                            "\"FAILED TO PARSE\""
                        ])
                    ),
                    "v" => match pick(&["object", "list", "number"]) {
                        "object" => {
                            let inner: Vec<String> = (0..pick(&["", "1", "22", "333", "4444"])
                                .len())
                                .map(|_| {
                                    match pick(&[
                                        "yes",
                                        "n",
                                        "total",
                                        "detail",
                                        "no\\u0020",
                                        "y\\u0065s",
                                    ]) {
                                        "detail" => "\"detail\": [true, 0]".to_string(),
                                        k => format!("\"{k}\": {}", pick(&counts)),
                                    }
                                })
                                .collect();
                            format!("\"votes\": {{{}}}", inner.join(", "))
                        }
                        "list" => {
                            format!("\"votes\": [{}]", pick(&["true, \"no\", 1", "1, 2", ""]))
                        }
                        _ => "\"votes\": 3".to_string(),
                    },
                    "e" => format!("\"sc\\u006fre\": {}", pick(&["0.75", "\"0.1\""])),
                    _ => "\"criteria\": [{\"name\": \"x\", \"score\": 1}]".to_string(),
                };
                members.push(member);
            }
            items.push(match pick(&["obj", "obj", "obj", "other"]) {
                "obj" => format!("{{ {} }}", members.join(" , ")),
                _ => "7".to_string(),
            });
        }
        let rec = format!("{{\"verdicts\": [{}]}}", items.join(", "));
        read_alike(&rec);
    }
}

/// Each verdict's kind, score and (an alignment-faking one's) classifier.
type Seen = Vec<(VerdictKind, Score, Option<String>)>;

/// What the index and scores read of the verdicts of record `rec`, asserted to be
/// what full reads read.
fn read_alike(rec: &str) -> Seen {
    let profile = crate::load::profile::Profile::builtin("native").unwrap();
    let Ok(top) = RawObj::parse_record(rec) else {
        panic!("{rec}");
    };
    let read = |detail| -> Seen {
        crate::load::profile::verdicts::read_all(
            &profile,
            "stem",
            &top,
            None,
            detail,
            &mut Vec::new(),
        )
        .into_iter()
        .map(|v| {
            let named = v.kind == VerdictKind::AlignmentFaking;
            (v.kind, v.score, named.then_some(v.classifier))
        })
        .collect()
    };
    let full = read(Detail::Full);
    assert_eq!(read(Detail::Index), full, "{rec}");
    assert_eq!(read(Detail::Scores), full, "{rec}");
    full
}
