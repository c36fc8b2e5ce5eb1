//! `afscope stats` on the evaluation fixture, against reference values.
//!
//! Rates, intervals and p-values below come from `tests/reference/eval_fixture.py`
//! (statsmodels 0.15: `proportion_confint(method="wilson")`,
//! `confint_proportions_2indep(method="newcomb", compare="diff")`,
//! `mcnemar(exact=True)`), on the compliance judge's 0/1 scores.

mod common;

use common::{afscope, afscope_json};
use serde_json::Value;

const TOL: f64 = 1e-9;

fn stats_json(extra: &[&str]) -> Value {
    let mut args = vec!["stats", "fixtures/eval/transcripts.jsonl", "--json"];
    args.extend_from_slice(extra);
    afscope_json(&args)
}

fn row<'a>(r: &'a Value, model: &str, condition: Option<&str>) -> &'a Value {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["model"] == model && x["condition"].as_str() == condition)
        .unwrap_or_else(|| panic!("no row {model} {condition:?}"))
}

fn close(v: &Value, want: f64, what: &str) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{what}: {v}"));
    assert!((got - want).abs() < TOL, "{what}: {got} vs {want}");
}

/// (model, condition, free k, paid k, free Wilson, paid Wilson, Newcombe, b, c, McNemar p); n = 6 each.
type Ref = (
    &'static str,
    &'static str,
    u64,
    u64,
    [f64; 2],
    [f64; 2],
    [f64; 2],
    u64,
    u64,
    f64,
);

const REFERENCE: [Ref; 4] = [
    (
        "claude-3-opus",
        "helpful_only",
        5,
        2,
        [0.43649717781352965, 0.9699466302516933],
        [0.09677141110578041, 0.700006684861608],
        [-0.04030387843205008, 0.7731752842826356],
        3,
        0,
        0.25,
    ),
    (
        "claude-3-opus",
        "animal_welfare",
        6,
        3,
        [0.6096657120978346, 1.0],
        [0.18761630648265054, 0.8123836935173494],
        [5.557480092671652e-05, 0.8123836935173494],
        3,
        0,
        0.25,
    ),
    (
        "llama-3.1-405b",
        "helpful_only",
        6,
        4,
        [0.6096657120978346, 1.0],
        [0.29999331513839184, 0.9032285888942195],
        [-0.12309015352956387, 0.7000066848616082],
        2,
        0,
        0.5,
    ),
    (
        "llama-3.1-405b",
        "animal_welfare",
        5,
        2,
        [0.43649717781352965, 0.9699466302516933],
        [0.09677141110578041, 0.700006684861608],
        [-0.04030387843205008, 0.7731752842826356],
        3,
        0,
        0.25,
    ),
];

#[test]
fn gap_rates_intervals_and_mcnemar_match_statsmodels() {
    let r = stats_json(&[]);
    for (model, cond, k1, k2, w1, w2, d, b, c, p) in REFERENCE {
        let x = row(&r, model, Some(cond));
        let what = format!("{model} {cond}");
        assert_eq!(x["free"]["n"], 6);
        assert_eq!(x["free"]["compliance"]["k"], k1, "{what}");
        assert_eq!(x["paid"]["compliance"]["k"], k2, "{what}");
        close(&x["free"]["compliance"]["low"], w1[0], &what);
        close(&x["free"]["compliance"]["high"], w1[1], &what);
        close(&x["paid"]["compliance"]["low"], w2[0], &what);
        close(&x["paid"]["compliance"]["high"], w2[1], &what);
        close(&x["gap"]["gap"], (k1 as f64 - k2 as f64) / 6.0, &what);
        close(&x["gap"]["low"], d[0], &what);
        close(&x["gap"]["high"], d[1], &what);
        assert_eq!(x["paired"]["pairs"], 6);
        assert_eq!(x["paired"]["free_only"], b, "{what}");
        assert_eq!(x["paired"]["paid_only"], c, "{what}");
        close(&x["paired"]["p_value"], p, &what);
    }
    // The model rows pool both conditions: opus 11/12 vs 5/12, 6 discordant pairs all
    // one way, McNemar 2 × 0.5^6.
    let opus = row(&r, "claude-3-opus", None);
    assert_eq!(opus["free"]["compliance"]["k"], 11);
    assert_eq!(opus["paid"]["compliance"]["k"], 5);
    close(
        &opus["paired"]["p_value"],
        2.0 * 0.5f64.powi(6),
        "opus pooled",
    );
}

#[test]
fn alignment_faking_rates_by_classifier_and_by_labels() {
    let r = stats_json(&["--labels", "fixtures/eval/labels.jsonl"]);
    let x = row(&r, "claude-3-opus", Some("helpful_only"));
    // af_votes (each transcript's first alignment-faking verdict) at 0.4: 2 of 6.
    // Human labels: of the 6, one has labelers who disagree; 4 of the other 5 are yes.
    assert_eq!(
        (x["free"]["af"]["k"].as_u64(), x["free"]["af"]["n"].as_u64()),
        (Some(2), Some(6))
    );
    assert_eq!(x["free"]["af_human"]["n"], 5);
    assert_eq!(x["free"]["af_human"]["k"], 4);
    assert_eq!(x["free"]["comply_and_af"]["k"], 2);
    // Compliance from the labels instead of the verdict gives the same counts here,
    // restricted to the labelled transcripts.
    let l = stats_json(&[
        "--labels",
        "fixtures/eval/labels.jsonl",
        "--compliance-from",
        "labels",
    ]);
    let y = row(&l, "claude-3-opus", Some("helpful_only"));
    assert_eq!(y["free"]["compliance"]["n"], 6);
    assert_eq!(y["free"]["compliance"]["k"], 5);
}

#[test]
fn formats_and_query() {
    let run = |extra: &[&str]| {
        let mut a = vec!["stats", "fixtures/eval/transcripts.jsonl"];
        a.extend_from_slice(extra);
        let o = afscope(&a);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let t = run(&[]);
    assert!(t.contains("claude-3-opus   helpful_only         6    83.3% [43.6, 97.0] (5/6)       6    33.3% [9.7, 70.0] (2/6)   +50.0 pp [-4.0, +77.3]   6 (3↑ 0↓)      0.250"), "{t}");
    let md = run(&["--markdown"]);
    assert!(md.contains("### compliance gap (free − paid)"), "{md}");
    let csv = run(&["--csv"]);
    assert_eq!(csv.lines().count(), 1 + 6);
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("claude-3-opus,,0,0.5,"),
        "{csv}"
    );
    let q = run(&["-q", "model:llama", "--csv"]);
    assert_eq!(q.lines().count(), 1 + 3);
    let o = afscope(&[
        "stats",
        "fixtures/eval/transcripts.jsonl",
        "--compliance-from",
        "labels",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs labels: give a label file"));
}
