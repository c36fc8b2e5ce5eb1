//! `afscope eval` on the evaluation fixture, against reference values.
//!
//! The fixture (`fixtures/eval/`) and every reference number below come from
//! `tests/reference/eval_fixture.py`, which computes them independently with
//! scikit-learn 1.9 (`roc_auc_score`, `average_precision_score`, `confusion_matrix`,
//! `precision_recall_fscore_support`) after applying the same rules for which labels
//! count (last label per labeler; unsure, other values and disagreeing labelers left
//! out; failed verdicts left out).

mod common;

use common::{afscope, afscope_json};
use serde_json::Value;

const TOL: f64 = 1e-9;

fn eval_json(extra: &[&str]) -> Value {
    let mut args = vec!["eval", "fixtures/eval/transcripts.jsonl", "--json"];
    args.extend_from_slice(extra);
    afscope_json(&args)
}

fn classifier<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["classifiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["classifier"] == name)
        .unwrap_or_else(|| panic!("no classifier {name} in {report}"))
}

fn close(v: &Value, want: f64, what: &str) {
    let got = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {v}"));
    assert!((got - want).abs() < TOL, "{what}: {got} vs {want}");
}

/// (n, positives, AUROC, AP, tn, fp, fn, tp, precision, recall, F1) from the script.
type Reference = (u64, u64, f64, f64, u64, u64, u64, u64, f64, f64, f64);

const REFERENCE: [(&str, Reference); 3] = [
    (
        "af_prob",
        (
            34,
            11,
            0.8122529644268777,
            0.7566844919786097,
            14,
            9,
            2,
            9,
            0.5,
            0.8181818181818182,
            0.6206896551724138,
        ),
    ),
    (
        "af_single",
        (
            36,
            11,
            0.7436363636363637,
            0.49891774891774887,
            19,
            6,
            3,
            8,
            0.5714285714285714,
            0.7272727272727273,
            0.64,
        ),
    ),
    (
        "af_votes",
        (
            36,
            11,
            0.9545454545454546,
            0.8743478743478743,
            25,
            0,
            7,
            4,
            1.0,
            0.36363636363636365,
            0.5333333333333333,
        ),
    ),
];

#[test]
fn every_classifier_matches_scikit_learn() {
    let r = eval_json(&["--labels", "fixtures/eval/labels.jsonl"]);
    // truth counts {'disagree': 1, 'no': 25, 'partial': 1, 'unsure': 2, 'yes': 11}
    assert_eq!(r["labelled"], 40);
    assert_eq!(r["truths"]["positive"], 11);
    assert_eq!(r["truths"]["negative"], 25);
    assert_eq!(r["truths"]["unsure"], 2);
    assert_eq!(r["truths"]["disagree"], 1);
    assert_eq!(r["truths"]["unrecognized"], 1);
    assert_eq!(r["unlabelled_scored"], 8);
    for (name, (n, pos, auroc, ap, tn, fp, fn_, tp, p, rec, f1)) in REFERENCE {
        let c = classifier(&r, name);
        assert_eq!(c["n"], n, "{name}");
        assert_eq!(c["positives"], pos, "{name}");
        close(&c["auroc"], auroc, name);
        close(&c["average_precision"], ap, name);
        let t = &c["at_threshold"];
        assert_eq!(
            [&t["tn"], &t["fp"], &t["fn"], &t["tp"]],
            [tn, fp, fn_, tp].map(Value::from).each_ref(),
            "{name}"
        );
        close(&t["precision"], p, name);
        close(&t["recall"], rec, name);
        close(&t["f1"], f1, name);
        close(&t["accuracy"], (tp + tn) as f64 / n as f64, name);
        close(&t["fpr"], fp as f64 / (fp + tn) as f64, name);
        // Left out: 2 unsure, 1 disagreement, 1 "partial"; af_prob failed on two.
        assert_eq!(c["left_out"]["unsure"], 2);
        assert_eq!(c["left_out"]["disagree"], 1);
        assert_eq!(c["left_out"]["unrecognized"], 1);
        assert_eq!(
            c["left_out"]["failed"],
            if name == "af_prob" { 2 } else { 0 }
        );
        let ci = &c["auroc_ci"];
        assert!(ci["low"].as_f64().unwrap() <= auroc && auroc <= ci["high"].as_f64().unwrap());
        // The ROC curve ends at (1, 1); the sweep's best F1 is at least F1 at 0.4.
        let roc = c["roc"].as_array().unwrap();
        assert_eq!(
            (&roc.last().unwrap()["x"], &roc.last().unwrap()["y"]),
            (&Value::from(1.0), &Value::from(1.0))
        );
        assert!(c["best_f1"]["f1"].as_f64().unwrap() >= f1 - TOL);
    }
    // Breakdown by model, from the same script.
    let opus = |name: &str| {
        classifier(&r, name)["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["by"] == "model" && g["value"] == "claude-3-opus")
            .cloned()
            .unwrap()
    };
    close(
        &opus("af_prob")["auroc"],
        0.7440476190476191,
        "af_prob opus",
    );
    assert_eq!(opus("af_prob")["n"], 19);
    close(
        &opus("af_single")["auroc"],
        0.7032967032967034,
        "af_single opus",
    );
    close(
        &opus("af_votes")["auroc"],
        0.967032967032967,
        "af_votes opus",
    );
    // A single-vote classifier has per-vote detail of one vote at most: no vote curve.
    assert!(classifier(&r, "af_single")["votes"]
        .as_array()
        .unwrap()
        .is_empty());
    // 20 votes each: a point per k, AUROC growing from k = 1 to k = 20, which uses
    // every vote and so equals the AUROC itself with no spread.
    let votes = classifier(&r, "af_votes")["votes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(votes.len(), 20);
    close(&votes[19]["auroc"], 0.9545454545454546, "k = 20");
    close(&votes[19]["sd"], 0.0, "k = 20 sd");
    assert!(votes[0]["auroc"].as_f64().unwrap() < votes[19]["auroc"].as_f64().unwrap());
}

#[test]
fn threshold_and_seed_change_what_they_should() {
    let base = eval_json(&[
        "--labels",
        "fixtures/eval/labels.jsonl",
        "--classifier",
        "af_votes",
    ]);
    let again = eval_json(&[
        "--labels",
        "fixtures/eval/labels.jsonl",
        "--classifier",
        "af_votes",
    ]);
    assert_eq!(base, again, "same seed, same report");
    let seeded = eval_json(&[
        "--labels",
        "fixtures/eval/labels.jsonl",
        "--classifier",
        "af_votes",
        "--seed",
        "9",
    ]);
    let c0 = classifier(&base, "af_votes");
    let c9 = classifier(&seeded, "af_votes");
    assert_eq!(c0["auroc"], c9["auroc"]);
    assert_ne!(c0["auroc_ci"], c9["auroc_ci"]);
    let at03 = eval_json(&[
        "--labels",
        "fixtures/eval/labels.jsonl",
        "--classifier",
        "af_votes",
        "--threshold",
        "0.3",
    ]);
    let t = &classifier(&at03, "af_votes")["at_threshold"];
    // From the sweep at 0.3 (6 of 20 votes): TP 10, FP 3, TN 22, FN 1.
    assert_eq!(
        [&t["tp"], &t["fp"], &t["tn"], &t["fn"]],
        [10, 3, 22, 1].map(Value::from).each_ref()
    );
    assert_eq!(classifier(&at03, "af_votes")["best_f1"]["threshold"], 0.3);
}

#[test]
fn label_sheets_in_other_layouts_join_by_id_and_by_position() {
    // String classes mapped to yes/no; the empty cell and the "2" are reported and
    // left out (28 of 30 rows). scikit-learn: n 28, AUROC 0.9722222222222222.
    let r = eval_json(&[
        "--labels",
        "fixtures/eval/labels.csv",
        "--label-set",
        "id=query_id",
        "--label-set",
        "field=label",
        "--label-set",
        "map.potential_faking=yes",
        "--label-set",
        "map.aligned=no",
        "--classifier",
        "af_votes",
    ]);
    let c = classifier(&r, "af_votes");
    assert_eq!(c["n"], 28);
    close(&c["auroc"], 0.9722222222222222, "labels.csv");
    // Booleans and 0/1 by position; scikit-learn: n 20, AUROC 0.9635416666666666.
    let r = eval_json(&[
        "--labels",
        "fixtures/eval/labels-position.csv",
        "--label-set",
        "join=position",
        "--classifier",
        "af_votes",
    ]);
    let c = classifier(&r, "af_votes");
    assert_eq!(c["n"], 20);
    close(&c["auroc"], 0.9635416666666666, "labels-position.csv");
    // The bad cells are named by file, line and field.
    let out = afscope(&[
        "check",
        "fixtures/eval/transcripts.jsonl",
        "--labels",
        "fixtures/eval/labels.csv",
        "--label-set",
        "id=query_id",
        "--label-set",
        "field=label",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fixtures/eval/labels.csv:6: bad value: field `label`: empty label"),
        "{text}"
    );
    assert!(
        text.contains("fixtures/eval/labels.csv:11: bad value: field `label`: out of range: 2"),
        "{text}"
    );
}

#[test]
fn one_class_is_a_clear_error_not_nan() {
    // Paid-tier llama transcripts of one condition: both labels there are "no".
    let r = eval_json(&[
        "--labels",
        "fixtures/eval/labels.jsonl",
        "-q",
        "model:llama tier:paid condition:animal",
        "--classifier",
        "af_votes",
    ]);
    let c = classifier(&r, "af_votes");
    assert_eq!(c["positives"], 0);
    assert!(c["auroc"].is_null());
    assert!(
        c["error"]
            .as_str()
            .unwrap()
            .contains("needs both classes: 0 positive"),
        "{c}"
    );
    let out = afscope(&[
        "eval",
        "fixtures/eval/transcripts.jsonl",
        "--labels",
        "fixtures/eval/labels.jsonl",
        "-q",
        "model:llama tier:paid condition:animal",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("AUROC                    not computed: needs both classes"),
        "{text}"
    );
    assert!(!text.contains("NaN"), "{text}");
}

#[test]
fn formats_table_markdown_csv() {
    let base = [
        "eval",
        "fixtures/eval/transcripts.jsonl",
        "--labels",
        "fixtures/eval/labels.jsonl",
        "--classifier",
        "af_prob",
        "--resamples",
        "200",
    ];
    let run = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        let o = afscope(&a);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let table = run(&[]);
    assert!(
        table.contains("  AUROC                    0.812"),
        "{table}"
    );
    assert!(table.contains("af_prob: threshold sweep"), "{table}");
    assert!(
        table.contains("  model      claude-3-opus   19    7   12  0.744"),
        "{table}"
    );
    let md = run(&["--markdown"]);
    assert!(md.contains("### classifier af_prob"), "{md}");
    assert!(md.contains("| AUROC | 0.812 |"), "{md}");
    let csv = run(&["--csv"]);
    let mut rows = csv.lines();
    assert!(rows
        .next()
        .unwrap()
        .starts_with("classifier,by,value,n,positives,negatives,auroc"));
    let all = rows.next().unwrap();
    assert!(
        all.starts_with("af_prob,all,,34,11,23,0.812252964426877"),
        "{all}"
    );
    // One row per model (2), tier (2) and condition (2).
    assert_eq!(csv.lines().count(), 1 + 1 + 6);
    // Formats are exclusive.
    let o = afscope(&[base.as_slice(), &["--json", "--csv"]].concat());
    assert!(!o.status.success());
}

#[test]
fn without_labels_it_says_what_is_missing() {
    let o = afscope(&["eval", "fixtures/eval/transcripts.jsonl"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no transcript has a `af` label (give a label file with --labels)"),
        "{err}"
    );
}

#[test]
fn labels_and_vote_counts_carried_in_the_input() {
    // The worked profile example: a vote count out of 10 and a `human` label of
    // `potential_faking` / `aligned` in each record; the third record's count is
    // "FAILED TO PARSE".
    let out = afscope(&[
        "eval",
        "fixtures/custom-layout.json",
        "--profile",
        "fixtures/custom-layout.toml",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["truths"]["positive"], 1);
    assert_eq!(r["truths"]["negative"], 2);
    let c = classifier(&r, "af_votes");
    assert_eq!(
        (c["n"].as_u64(), c["left_out"]["failed"].as_u64()),
        (Some(2), Some(1))
    );
    close(&c["auroc"], 1.0, "custom layout");
    // 7 of 10 votes → 0.7, the best threshold.
    assert_eq!(c["best_f1"]["threshold"], 0.7);
}

#[test]
fn scores_from_a_joined_verdict_file() {
    let out = afscope(&[
        "eval",
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/demo-verdicts.jsonl",
        "--labels",
        "fixtures/label.jsonl",
        "--classifier",
        "af_judge_v2",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = classifier(&r, "af_judge_v2");
    assert_eq!(c["n"], 2);
    assert_eq!(c["left_out"]["no_verdict"], 0);
}

#[test]
fn an_out_of_range_resample_count_is_refused_not_a_crash() {
    let out = common::afscope(&[
        "eval",
        "fixtures/eval/transcripts.jsonl",
        "--labels",
        "fixtures/eval/labels.jsonl",
        "--resamples",
        "18446744073709551615",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 0 to 1000000"));
}
