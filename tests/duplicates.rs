//! Transcripts that share an id: `check` names every copy, verdict joins and labels
//! keyed on the id are refused (and said), and ids that differ only in Unicode
//! normalisation are reported as near-duplicates.

mod common;

use afscope::load::LoadOptions;
use common::{afscope, open};
use std::path::Path;

fn record(id: &str, tier: &str) -> String {
    format!(
        r#"{{"id": "{id}", "model": "m", "tier": "{tier}", "completion": "<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING><OUTPUT>y</OUTPUT>"}}"#
    )
}

fn write(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_shared_id_is_reported_everywhere_and_never_joined_to_one_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = (dir.path().join("x.jsonl"), dir.path().join("y.jsonl"));
    write(
        &x,
        &[
            record("a", "free"),
            record("b", "paid"),
            record("a", "paid"),
            record("caf\u{e9}", "free"),
            record("cafe\u{301}", "paid"),
        ],
    );
    write(&y, &[record("a", "free")]);
    let verdicts = dir.path().join("v.jsonl");
    write(
        &verdicts,
        &[
            r#"{"transcript_id": "a", "classifier": "j", "kind": "alignment_faking", "score": 0.9}"#.into(),
            r#"{"transcript_id": "b", "classifier": "j", "kind": "alignment_faking", "score": 0.1}"#.into(),
        ],
    );
    let labels = dir.path().join("l.jsonl");
    write(
        &labels,
        &[
            r#"{"transcript_id":"a","labeler":"ann","time":"2026-12-01T10:00:00Z","schema":1,"values":{"af":"yes"}}"#.into(),
            r#"{"transcript_id":"b","labeler":"ann","time":"2026-12-01T10:00:00Z","schema":1,"values":{"af":"no"}}"#.into(),
        ],
    );
    let c = open(
        &[x.clone(), y.clone()],
        LoadOptions {
            verdicts: vec![verdicts.clone()],
            labels: Some(labels.clone()),
            ..Default::default()
        },
    );
    assert_eq!(c.len(), 6);
    let v = c.view();
    for i in 0..c.len() {
        let joined = v.entry(i).af();
        match &*v.id(i) {
            "b" => assert_eq!(joined, Some(0.1)),
            _ => assert_eq!(
                joined,
                None,
                "{} got a verdict meant for one of several",
                v.id(i)
            ),
        }
    }
    assert_eq!(c.joins[0].transcripts_refused, 3);
    assert_eq!(c.labels_refused, 1);
    assert_eq!(c.labels.len(), 2, "the refused label is kept, not lost");
    let labelled: Vec<String> = (0..c.len())
        .filter(|&i| c.labels_of(i).next().is_some())
        .map(|i| v.id(i).into_owned())
        .collect();
    assert_eq!(labelled, ["b"]);
    let said: Vec<&str> = c.problems.iter().map(|p| p.reason.as_str()).collect();
    assert!(
        said.iter().any(|r| r.starts_with("label for a not joined")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|r| r.starts_with("verdicts for a not joined: 3 transcripts")),
        "{said:?}"
    );

    let (xs, ys) = (x.to_str().unwrap(), y.to_str().unwrap());
    // A command on both files with the verdicts and labels: what it printed.
    let run = |command: &str| {
        let out = afscope(&[
            command,
            xs,
            ys,
            "--verdicts",
            verdicts.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
        ]);
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
    };
    let text = run("check");
    for said in [
        "Duplicate ids (1): verdict joins and labels on them are refused".to_string(),
        format!("  a × 3: {xs}:1, {xs}:3, {ys}:1"),
        "Near-duplicate ids (1): equal after Unicode normalisation (NFC)".to_string(),
        format!("caf\\u{{e9}} at {xs}:4"),
        format!("cafe\\u{{301}} at {xs}:5"),
        "1 (3 transcripts), 1 near-duplicate".to_string(),
        "l.jsonl: 2 read, 1 joined by id, 0 unjoined, 1 refused (duplicate ids)".to_string(),
        "l.jsonl: duplicate id: field `transcript_id`: label for a not joined".to_string(),
        "(3 refused: duplicate ids)".to_string(),
        "1 refused (duplicate ids)".to_string(),
    ] {
        assert!(text.contains(&said), "{said:?} in\n{text}");
    }
    let text = run("eval");
    assert!(
        text.contains("labels: 1 left out: their transcript id is had by several transcripts"),
        "{text}"
    );
}

#[test]
fn a_labeling_session_says_so_on_an_item_whose_id_is_shared() {
    use afscope::tui::execute_sync_with;
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.jsonl");
    write(
        &x,
        &[
            record("a", "free"),
            record("b", "paid"),
            record("a", "paid"),
        ],
    );
    let corpus = open(&[x], LoadOptions::default());
    let (mut app, mut l) = common::screen::view_session(corpus, &dir.path().join("j.jsonl"), "ana");
    let first = common::screen::screen(&app, "dark");
    assert!(
        first.contains("2 transcripts have this id: joins refuse its labels"),
        "{first}"
    );
    let fx = app.update(afscope::app::Action::Down);
    execute_sync_with(&mut app, fx, &mut l);
    let second = common::screen::screen(&app, "dark");
    assert!(!second.contains("transcripts have this id"), "{second}");
}
