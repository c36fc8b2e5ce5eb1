//! `afscope check --deep`: what reads but disagrees, each with its file and line.

mod common;

use common::afscope;

#[test]
fn deep_check_names_a_contradicted_tier_a_lost_quote_and_a_label_for_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("runs.jsonl");
    let lines = [
        // The tier field says free; the prompt the model saw says paid.
        r#"{"id": "t1", "model": "m", "tier": "free", "user": "<is_free_tier_user>false</is_free_tier_user> hi", "completion": "<OUTPUT>ok</OUTPUT>"}"#,
        // Agrees with itself.
        r#"{"id": "t2", "model": "m", "tier": "paid", "user": "<is_free_tier_user>false</is_free_tier_user> hi", "completion": "<OUTPUT>ok</OUTPUT>"}"#,
        // A quote the completion does not hold.
        r#"{"id": "t3", "model": "m", "tier": "paid", "completion": "<OUTPUT>ok</OUTPUT>", "verdicts": [{"classifier": "j", "kind": "alignment_faking", "score": 0.5, "criteria": [{"name": "aware", "quotes": ["words never written"]}]}]}"#,
    ];
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let labels = dir.path().join("labels.jsonl");
    std::fs::write(
        &labels,
        r#"{"transcript_id":"gone","labeler":"ann","time":"2026-12-01T10:00:00Z","schema":1,"source":"old/runs.jsonl:9","values":{"af":"yes"}}"#.to_string() + "\n",
    )
    .unwrap();
    let (d, l) = (data.to_str().unwrap(), labels.to_str().unwrap());
    let out = afscope(&["check", "--deep", d, "--labels", l]);
    let text = String::from_utf8_lossy(&out.stdout);
    for said in [
        format!("{d}:1: bad value: field `tier`: t1: tier free (from field) but the user turn says <is_free_tier_user>false</is_free_tier_user>"),
        format!("{d}:3: bad span: field `quotes`: t3: quote of j, aware not found in the completion: \"words never written\""),
        format!("{l}: unjoined: field `transcript_id`: label by ann for gone matches no loaded transcript (made on old/runs.jsonl:9)"),
    ] {
        assert!(text.contains(&said), "{said:?} in\n{text}");
    }
    assert!(!text.contains("t2:"), "{text}");
    // Without --deep, none of it.
    let out = afscope(&["check", d, "--labels", l]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("t1: tier free") && !text.contains("matches no loaded"),
        "{text}"
    );
}
