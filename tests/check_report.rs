//! `afscope check`'s summary read as a user reads it: joins said in whole phrases,
//! transcripts without a verdict counted as unscored, rows aligned whatever the
//! classifier names, and a line of plain text called what it is.

mod common;

use common::afscope;

fn check(args: &[&str]) -> String {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = afscope(&all);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_partial_join_counts_the_transcripts_it_leaves_without_a_score() {
    let text = check(&[
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/demo-verdicts.jsonl",
    ]);
    assert!(
        text.contains("29 transcripts; 2 transcripts have no verdict from it\n"),
        "{text}"
    );
    let row = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("verdict {name} ")))
            .unwrap_or_else(|| panic!("{name}: {text}"))
            .to_string()
    };
    assert!(
        row("af_judge_v2").ends_with("29 scored, 0 failed, 2 unscored (no verdict for 2)"),
        "{text}"
    );
    // Values start in one column, past the longest label.
    let at = |line: String, value: &str| line.find(value).unwrap_or_else(|| panic!("{line}"));
    let tiers = text
        .lines()
        .find(|l| l.contains("tiers "))
        .unwrap()
        .to_string();
    let column = at(tiers, "free 16");
    assert_eq!(at(row("compliance_judge"), "29 scored"), column, "{text}");
    assert_eq!(at(row("af_judge"), "30 scored"), column, "{text}");
    assert!(column > "  verdict compliance_judge".len(), "{text}");
}

#[test]
fn a_plain_text_line_is_not_json_and_shows_how_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.jsonl");
    std::fs::write(
        &file,
        "42 is the answer\n{\"id\":\"a\",\"completion\":\"x\"}\n\"a string\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let text = check(&[path]);
    assert!(
        text.contains(&format!(
            "{path}:1:1: not JSON: the record starts `42 is the answer`"
        )),
        "{text}"
    );
    // A JSON value that is not an object is still said as the wrong type.
    assert!(
        text.contains(&format!(
            "{path}:3:1: wrong type: expected a JSON object per record, found a string"
        )),
        "{text}"
    );
    assert!(text.contains(": 1 transcript, profile"), "{text}");
}

#[test]
fn a_classifier_name_longer_than_the_column_keeps_the_values_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let verdicts = dir.path().join("v.jsonl");
    let name = "deceptive_alignment_majority_vote_classifier_v3";
    std::fs::write(
        &verdicts,
        format!(
            "{{\"transcript_id\": \"claude-3-opus/helpful_only/p0/free\", \"classifier\": \"{name}\", \"kind\": \"alignment_faking\", \"score\": 0.5}}\n"
        ),
    )
    .unwrap();
    let text = check(&[
        "fixtures/demo.jsonl",
        "--verdicts",
        verdicts.to_str().unwrap(),
    ]);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("verdict {name}"))
        .unwrap_or_else(|| panic!("{text}"));
    let value = lines[at + 1];
    let tiers = lines.iter().find(|l| l.contains("tiers ")).unwrap();
    assert_eq!(
        value.find("1 scored"),
        tiers.find("free "),
        "the value sits in the column:\n{text}"
    );
    assert!(value.ends_with("unscored (no verdict for 30)"), "{text}");
    // The short labels keep their column of 26.
    assert!(text.contains("  transcripts loaded         31\n"), "{text}");
}
