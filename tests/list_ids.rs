//! The transcript list tells rows apart on real result files: the id's shared
//! prefix and the parts other columns show are elided, a model column nobody has
//! is left out, the condition is kept when conditions differ; the same in
//! `afscope spans`. Snapshots at 80×24 and 160×45.

mod common;

use afscope::app::App;
use afscope::load::LoadOptions;
use common::screen::{app_at, screen};
use common::{afscope, fixture, sample};
use std::collections::HashSet;
use std::path::PathBuf;

fn app(files: &[PathBuf], width: u16, height: u16) -> App {
    app_at(files, LoadOptions::default(), width, height)
}

/// The list's rows as drawn: (id cell, whole line), read between the borders.
fn list_rows(s: &str, rows: usize) -> Vec<(String, String)> {
    s.lines()
        .skip(2)
        .take(rows)
        .map(|l| {
            let inner = l.trim_start_matches('│');
            let id = inner.split(' ').next().unwrap_or("").to_string();
            (id, inner.to_string())
        })
        .collect()
}

#[test]
fn causal_audit_rows_differ_at_80_and_160_columns() {
    let rel = "causal-audit/results/results_scored_rigorous_5Feb.json";
    if sample(rel).is_none() {
        return;
    }
    // Relative, as the screen shows the source path: the same wherever the checkout is.
    let file = PathBuf::from("../shared/samples").join(rel);
    for (w, h) in [(80u16, 24u16), (160, 45)] {
        let a = app(std::slice::from_ref(&file), w, h);
        let s = screen(&a, "dark");
        let header = s.lines().nth(1).unwrap();
        assert!(header.contains("condition"), "{w}: {header}");
        assert!(!header.contains("model"), "no row has a model: {header}");
        let rows = list_rows(&s, 6);
        // Each row of one query shows a different condition.
        let lines: HashSet<&String> = rows.iter().map(|(_, l)| l).collect();
        assert_eq!(lines.len(), rows.len(), "{s}");
        for (id, line) in &rows {
            assert!(id.starts_with("0/"), "the query number is kept: {line}");
            assert!(
                line.contains("Baseline")
                    || line.contains("Force_Compliance")
                    || line.contains("Awareness_"),
                "{line}"
            );
        }
        insta::assert_snapshot!(format!("causal_audit_{w}x{h}"), s);
    }
}

#[test]
fn demo_ids_show_what_differs_beside_model_and_condition() {
    let a = app(&[fixture("demo.jsonl")], 80, 24);
    let s = screen(&a, "dark");
    let rows = list_rows(&s, 5);
    assert!(rows.iter().all(|(id, _)| id.starts_with('…')), "{s}");
    let ids: HashSet<&String> = rows.iter().map(|(id, _)| id).collect();
    assert!(ids.len() >= 4, "ids differ: {s}");
    insta::assert_snapshot!(s);
    let wide = app(&[fixture("demo.jsonl")], 160, 45);
    insta::assert_snapshot!(screen(&wide, "dark"));
}

#[test]
fn koorndijk_rows_keep_their_number_and_side() {
    let Some(file) =
        sample("koorndijk-replication/data/koorndijk_meta-llama_Meta-Llama-3-8B-Instruct.csv")
    else {
        return;
    };
    let a = app(&[file], 80, 24);
    let s = screen(&a, "dark");
    let rows = list_rows(&s, 4);
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "…#0/response_training_freetier",
            "…#0/response_deployment_paidtier",
            "…#1/response_training_freetier",
            "…#1/response_deployment_paidtier"
        ],
        "{s}"
    );
    assert!(
        s.contains("… = koorndijk_meta-llama_Meta-Llama-3-8B-Instruct"),
        "the title says what … is: {s}"
    );
}

#[test]
fn spans_elide_the_shared_prefix_and_say_what_it_is() {
    // Ids of one file: the stem is said once, rows keep their number.
    if let Some(dir) = sample("deep-values") {
        let out = afscope(&["spans", dir.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            text.lines().next(),
            Some("(… in the transcript column stands for `results_seed42_20260415_122726`)"),
            "{text}"
        );
        assert!(text.lines().nth(2).unwrap().starts_with("…#0 "), "{text}");
    }
    // Ids with nothing shared are shown whole, their ends never cut.
    let out = afscope(&[
        "spans",
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/demo-verdicts.jsonl",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("transcript "), "{text}");
    let ids: HashSet<&str> = text
        .lines()
        .skip(1)
        .filter(|l| l.contains(" af_judge"))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert!(
        ids.contains("claude-3-opus/helpful_only/p0/free"),
        "{ids:?}"
    );
    assert!(
        ids.contains("claude-3-opus/animal_welfare/p3/free"),
        "{ids:?}"
    );
}
