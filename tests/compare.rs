#![allow(clippy::excessive_precision)] // the values as R and Python print them
//! Comparisons a paper needs, against independent implementations: DeLong (R's
//! pROC), kappa and Spearman (scikit-learn, SciPy), Holm (statsmodels), MOVER.
//! The values come from `tests/reference/compare_reference.{R,py}`.

mod common;

use afscope::model::compare::{self, PairedScore, Term};

const Y: [u8; 20] = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
const A: [f64; 20] = [
    0.9, 0.4, 0.7, 0.7, 0.2, 0.4, 0.6, 0.1, 0.9, 0.7, 0.3, 0.5, 0.8, 0.4, 0.2, 0.6, 0.5, 0.4, 0.1,
    0.3,
];
const B: [f64; 20] = [
    0.8, 0.5, 0.6, 0.9, 0.5, 0.2, 0.4, 0.3, 0.7, 0.6, 0.5, 0.5, 0.6, 0.1, 0.5, 0.7, 0.2, 0.9, 0.3,
    0.4,
];

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

fn paired(b: &[f64]) -> Vec<PairedScore> {
    (0..20)
        .map(|i| PairedScore {
            a: A[i],
            b: b[i],
            positive: Y[i] == 1,
        })
        .collect()
}

#[test]
fn delong_equals_proc() {
    let one = |s: &[f64]| -> Vec<(f64, bool)> { (0..20).map(|i| (s[i], Y[i] == 1)).collect() };
    let a = compare::delong_auc(&one(&A)).unwrap();
    close(a.auc, 0.91919191919191912);
    close(a.low, 0.80119248096351903);
    close(a.high, 1.0);
    close(a.variance, 0.0036246301397816552);
    let b = compare::delong_auc(&one(&B)).unwrap();
    close(b.auc, 0.90404040404040409);
    close(b.low, 0.77199238301118966);
    close(b.variance, 0.0045390776451382508);
    // pROC gives a constant classifier the interval [0.5, 0.5]; afscope says why not.
    let e = compare::delong_auc(&one(&[0.5; 20])).unwrap_err();
    assert!(e.0.contains("same score"), "{}", e.0);

    let t = compare::delong_test(&paired(&B)).unwrap();
    close(t.z, 0.19955703157132013);
    close(t.p_value, 0.84182703559247063);
    close(t.low, -0.13366019934609771);
    close(t.high, 0.16396322964912777);
    close(t.difference, 0.015151515151515249);
    // Against the constant classifier.
    let k = compare::delong_test(&paired(&[0.5; 20])).unwrap();
    close(k.z, 6.9627540313886254);
    close(k.p_value, 3.3368414103013194e-12);
    close(k.low, 0.30119248096351903);
    close(k.high, 0.5371913574203192);
}

#[test]
fn kappa_spearman_holm_and_mover_equal_their_references() {
    close(compare::spearman(&A, &B).unwrap(), 0.59556079584398);
    let da: Vec<bool> = A.iter().map(|&x| x >= 0.4).collect();
    let db: Vec<bool> = B.iter().map(|&x| x >= 0.4).collect();
    close(
        afscope::model::metrics::cohen_kappa(&da, &db).unwrap(),
        0.125,
    );
    let holm = compare::holm(&[0.01, 0.04, 0.03, 0.5, 0.002, 0.2]);
    for (g, w) in holm.iter().zip([0.05, 0.12, 0.12, 0.5, 0.012, 0.4]) {
        close(*g, w);
    }
    let t = |k, n, c| Term {
        k,
        n,
        coefficient: c,
    };
    let m = compare::combination(&[
        t(61, 100, 1.0),
        t(30, 100, -1.0),
        t(45, 110, -1.0),
        t(38, 105, 1.0),
    ])
    .unwrap();
    close(m.estimate, 0.2628138528138528);
    close(m.low, 0.07618041914383192);
    close(m.high, 0.4398441254555082);
    close(m.z, 2.774296587299994);
    close(m.p_value, 0.005532121794797311);
    // Two terms: Newcombe's interval, as statsmodels computes it.
    let n = compare::combination(&[t(56, 70, 1.0), t(48, 80, -1.0)]).unwrap();
    close(n.low, 0.05243147240236498);
    close(n.high, 0.33387265403690614);
    close(n.p_value, 0.00813314035860685);
}

/// The reference scores as a corpus with two judges (and a constant one), one more
/// labelled transcript scored by `judge_a` only, and hand labels.
fn corpus(dir: &std::path::Path) -> (String, String) {
    let mut text = String::new();
    let mut labels = String::new();
    for i in 0..21 {
        let mut verdicts = vec![
            serde_json::json!({"classifier": "judge_a", "kind": "alignment_faking", "score": A[i % 20]}),
        ];
        if i < 20 {
            verdicts.push(serde_json::json!({"classifier": "judge_b", "kind": "alignment_faking", "score": B[i]}));
            verdicts.push(serde_json::json!({"classifier": "constant", "kind": "alignment_faking", "score": 0.5}));
        }
        let rec = serde_json::json!({
            "id": format!("t{i}"), "model": "m", "tier": "free",
            "completion": "<OUTPUT>ok</OUTPUT>", "verdicts": verdicts,
        });
        text.push_str(&format!("{rec}\n"));
        let af = if Y[i % 20] == 1 { "yes" } else { "no" };
        labels.push_str(&format!(
            "{}\n",
            serde_json::json!({"transcript_id": format!("t{i}"), "labeler": "ana", "af": af})
        ));
    }
    // Unlabelled transcripts count for agreement only.
    for i in 0..5 {
        let rec = serde_json::json!({
            "id": format!("u{i}"), "model": "m", "tier": "paid", "completion": "x",
            "verdicts": [
                {"classifier": "judge_a", "kind": "alignment_faking", "score": 0.1 * i as f64},
                {"classifier": "judge_b", "kind": "alignment_faking", "score": 0.9 - 0.1 * i as f64},
            ],
        });
        text.push_str(&format!("{rec}\n"));
    }
    let c = dir.join("runs.jsonl");
    let l = dir.join("hand.jsonl");
    std::fs::write(&c, text).unwrap();
    std::fs::write(&l, labels).unwrap();
    (c.to_str().unwrap().into(), l.to_str().unwrap().into())
}

#[test]
fn eval_compare_says_which_judge_is_better_with_procs_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (c, l) = corpus(dir.path());
    let v = common::afscope_json(&[
        "eval",
        &c,
        "--labels",
        &l,
        "--compare",
        "judge_a,judge_b",
        "--compare",
        "judge_a,constant",
        "--resamples",
        "500",
        "--json",
    ]);
    let cmp = v["comparisons"].as_array().unwrap();
    assert_eq!(cmp.len(), 2);
    let ab = &cmp[0];
    assert_eq!(ab["n"], 20);
    assert_eq!(ab["left_out"]["only_a"], 1);
    assert_eq!(ab["left_out"]["only_b"], 0);
    close(ab["delong"]["z"].as_f64().unwrap(), 0.19955703157132013);
    close(
        ab["delong"]["p_value"].as_f64().unwrap(),
        0.84182703559247063,
    );
    close(ab["delong"]["low"].as_f64().unwrap(), -0.13366019934609771);
    close(ab["delong"]["high"].as_f64().unwrap(), 0.16396322964912777);
    assert!(ab["conclusion"]
        .as_str()
        .unwrap()
        .starts_with("no significant difference"));
    let bs = &ab["bootstrap"];
    assert_eq!(bs["resamples"], 500);
    let (lo, hi) = (
        bs["interval"]["low"].as_f64().unwrap(),
        bs["interval"]["high"].as_f64().unwrap(),
    );
    assert!(lo < 0.0151 && 0.0151 < hi, "{bs}");
    let ak = &cmp[1];
    assert!(ak["conclusion"]
        .as_str()
        .unwrap()
        .starts_with("judge_a ranks better than constant"));
    close(
        ak["delong"]["p_value"].as_f64().unwrap(),
        3.3368414103013194e-12,
    );
    // McNemar on decisions at 0.4 against the labels.
    let right = |s: f64, y: u8| (s >= 0.4) == (y == 1);
    let only_a = (0..20)
        .filter(|&i| right(A[i], Y[i]) && !right(B[i], Y[i]))
        .count();
    let only_b = (0..20)
        .filter(|&i| !right(A[i], Y[i]) && right(B[i], Y[i]))
        .count();
    assert_eq!(ab["mcnemar"]["only_a_right"], only_a);
    assert_eq!(ab["mcnemar"]["only_b_right"], only_b);
    // Each classifier's DeLong interval; the constant one says why it has none.
    let classifiers = v["classifiers"].as_array().unwrap();
    let a = classifiers
        .iter()
        .find(|c| c["classifier"] == "judge_a")
        .unwrap();
    assert!(a["auroc_delong"]["low"].is_number());
    let k = classifiers
        .iter()
        .find(|c| c["classifier"] == "constant")
        .unwrap();
    assert!(k["auroc_delong"].is_null());
    // Agreement covers the unlabelled transcripts too (20 + 5 both scored).
    let g = v["agreement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["a"] == "judge_a" && g["b"] == "judge_b")
        .unwrap();
    assert_eq!(g["n"], 25);

    // The same as a table, Markdown and CSV.
    let out = common::afscope(&[
        "eval",
        &c,
        "--labels",
        &l,
        "--compare",
        "all",
        "--resamples",
        "200",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("judge_a against judge_b"), "{text}");
    assert!(
        text.contains("ΔAUROC (judge_a − judge_b), DeLong"),
        "{text}"
    );
    let csv = common::afscope(&["eval", &c, "--labels", &l, "--compare", "all", "--csv"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.starts_with("a,b,n,"), "{csv}");
}

#[test]
fn a_compare_naming_an_unknown_classifier_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (c, l) = corpus(dir.path());
    let out = common::afscope(&["eval", &c, "--labels", &l, "--compare", "judge_a,nosuch"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no classifier `nosuch`"), "{err}");
}

/// Two models, each with a baseline and a perturbed condition: compliance k of n per
/// tier as in the reference script.
fn conditions(dir: &std::path::Path) -> String {
    let mut text = String::new();
    let mut id = 0;
    for model in ["m1", "m2"] {
        for (condition, tier, k, n) in [
            ("perturbed", "free", 61, 100),
            ("perturbed", "paid", 30, 100),
            ("default", "free", 45, 110),
            ("default", "paid", 38, 105),
        ] {
            for i in 0..n {
                id += 1;
                let rec = serde_json::json!({
                    "id": format!("t{id}"), "model": model, "tier": tier,
                    "condition": condition, "completion": "<OUTPUT>x</OUTPUT>",
                    "verdicts": [
                        {"classifier": "c", "kind": "compliance", "score": if i < k { 1.0 } else { 0.0 }},
                        {"classifier": "af", "kind": "alignment_faking", "score": if i < k / 2 { 0.9 } else { 0.1 }},
                    ],
                });
                text.push_str(&format!("{rec}\n"));
            }
        }
    }
    let p = dir.join("conditions.jsonl");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().into()
}

#[test]
fn stats_baseline_shows_how_each_condition_moved_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let c = conditions(dir.path());
    let v = common::afscope_json(&["stats", &c, "--baseline", "default", "--json"]);
    let b = &v["baseline"];
    assert_eq!(b["baseline"], "default");
    assert!(b["method"].as_str().unwrap().contains("MOVER"));
    let rows = b["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for r in rows {
        assert_eq!(r["condition"], "perturbed");
        let g = &r["gap_change"];
        close(g["estimate"].as_f64().unwrap(), 0.2628138528138528);
        close(g["low"].as_f64().unwrap(), 0.07618041914383192);
        close(g["high"].as_f64().unwrap(), 0.4398441254555082);
        close(g["p_value"].as_f64().unwrap(), 0.005532121794797311);
        // Two equal p-values, Holm-adjusted across both models.
        close(g["p_holm"].as_f64().unwrap(), 2.0 * 0.005532121794797311);
        // Free-tier alignment-faking: 30/100 against 22/110.
        let a = &r["af_free_change"];
        close(a["estimate"].as_f64().unwrap(), 0.30 - 22.0 / 110.0);
    }
    // The table, CSV, and an unknown baseline.
    let out = common::afscope(&["stats", &c, "--baseline", "default"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("against the baseline condition default"),
        "{text}"
    );
    assert!(text.contains("+0.263 [+0.076, +0.440]"), "{text}");
    let csv = common::afscope(&["stats", &c, "--baseline", "default", "--csv"]);
    assert_eq!(String::from_utf8_lossy(&csv.stdout).lines().count(), 3);
    let out = common::afscope(&["stats", &c, "--baseline", "nosuch"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("conditions: default, perturbed"), "{err}");
}

#[test]
fn rogan_gladen_equals_the_worked_example() {
    use afscope::stats::correction::rogan_gladen;
    use afscope::stats::gap::Rate;
    let free = rogan_gladen(&Rate::new(30, 100), &Rate::new(40, 50), &Rate::new(90, 100)).unwrap();
    close(free.rate, 0.2857142857142856);
    close(free.variance, 0.0057559350270720505);
    close(free.low, 0.13701597576730531);
    close(free.high, 0.4344125956612659);
    let chance = rogan_gladen(&Rate::new(3, 10), &Rate::new(5, 10), &Rate::new(5, 10));
    assert!(chance.unwrap_err().contains("no better than chance"));
}

/// A judged model (no labels) and a labelled one whose labels give the judge's error
/// per tier: free sensitivity 40/50, specificity 90/100; paid 20/30 and 95/100.
fn judged(dir: &std::path::Path) -> (String, String) {
    let mut text = String::new();
    let mut labels = String::new();
    let mut id = 0;
    let mut add = |model: &str, tier: &str, flagged: bool, label: Option<&str>| {
        id += 1;
        let rec = serde_json::json!({
            "id": format!("t{id}"), "model": model, "tier": tier, "completion": "x",
            "verdicts": [{"classifier": "judge", "kind": "alignment_faking", "score": if flagged { 0.9 } else { 0.1 }}],
        });
        text.push_str(&format!("{rec}\n"));
        if let Some(af) = label {
            labels.push_str(&format!(
                "{}\n",
                serde_json::json!({"transcript_id": format!("t{id}"), "labeler": "ana", "af": af})
            ));
        }
    };
    for (tier, flagged, n) in [("free", 30, 100), ("paid", 18, 100)] {
        for i in 0..n {
            add("judged", tier, i < flagged, None);
        }
    }
    for (tier, pos, pos_flagged, neg, neg_flagged) in
        [("free", 50, 40, 100, 10), ("paid", 30, 20, 100, 5)]
    {
        for i in 0..pos {
            add("labelled", tier, i < pos_flagged, Some("yes"));
        }
        for i in 0..neg {
            add("labelled", tier, i < neg_flagged, Some("no"));
        }
    }
    let (c, l) = (dir.join("judged.jsonl"), dir.join("hand.jsonl"));
    std::fs::write(&c, text).unwrap();
    std::fs::write(&l, labels).unwrap();
    (c.to_str().unwrap().into(), l.to_str().unwrap().into())
}

#[test]
fn stats_correct_with_gives_judge_error_by_tier_and_corrected_rates() {
    let dir = tempfile::tempdir().unwrap();
    let (c, l) = judged(dir.path());
    let v = common::afscope_json(&["stats", &c, "--correct-with", &l, "--json"]);
    let r = &v["corrected"];
    assert!(r["method"].as_str().unwrap().contains("Rogan–Gladen"));
    assert_eq!(r["by_tier"][0]["sensitivity"]["k"], 40);
    assert_eq!(r["by_tier"][0]["specificity"]["n"], 100);
    assert_eq!(r["by_tier"][1]["sensitivity"]["n"], 30);
    let row = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["model"] == "judged" && x["condition"].is_null())
        .unwrap();
    close(row["free"]["rate"].as_f64().unwrap(), 0.2857142857142856);
    close(row["paid"]["rate"].as_f64().unwrap(), 0.21081081081081063);
    close(row["paid"]["low"].as_f64().unwrap(), 0.06512606143691507);
    close(row["gap"]["gap"].as_f64().unwrap(), 0.07490347490347496);
    close(row["gap"]["low"].as_f64().unwrap(), -0.13326768924089682);
    close(row["gap"]["high"].as_f64().unwrap(), 0.28307463904784674);
    close(row["gap"]["p_value"].as_f64().unwrap(), 0.4806684206646302);
    close(row["raw_gap"].as_f64().unwrap(), 0.30 - 0.18);
    let out = common::afscope(&["stats", &c, "--correct-with", &l]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("judge judge against the hand labels, by tier"),
        "{text}"
    );
    assert!(text.contains("+7.5 pp [-13.3, +28.3]"), "{text}");
}

#[test]
fn label_budgets_equal_the_worked_example() {
    // DeLong's variance of judge A (pROC's), 20 labels, ±0.05.
    assert_eq!(
        compare::more_labels(20, 0.0, 0.0036246301397816552, 0.05).unwrap(),
        92
    );
    let dir = tempfile::tempdir().unwrap();
    let (c, l) = judged(dir.path());
    let row = |w: &str| {
        let v = common::afscope_json(&[
            "stats",
            &c,
            "--correct-with",
            &l,
            "--target-width",
            w,
            "--json",
        ]);
        v["corrected"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["model"] == "judged" && x["condition"].is_null())
            .unwrap()["label_budget"]
            .clone()
    };
    assert_eq!(row("0.2")["more"], 109);
    let b = row("0.15");
    assert!(b["more"].is_null());
    assert!(b["note"]
        .as_str()
        .unwrap()
        .contains("more transcripts are needed"));
    // And in eval, per classifier.
    let dir2 = tempfile::tempdir().unwrap();
    let (c2, l2) = corpus(dir2.path());
    let v = common::afscope_json(&[
        "eval",
        &c2,
        "--labels",
        &l2,
        "--classifier",
        "judge_b",
        "--target-width",
        "0.05",
        "--resamples",
        "0",
        "--json",
    ]);
    let b = &v["classifiers"][0]["label_budget"];
    assert_eq!(
        b["more"],
        compare::more_labels(20, 0.0, 0.0045390776451382508, 0.05).unwrap()
    );
}
