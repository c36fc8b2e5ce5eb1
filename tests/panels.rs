//! The compliance-gap and evaluation panels, driven by keys on the evaluation fixture:
//! what they show, how the threshold moves the numbers, and how a cell opens its
//! transcripts.

mod common;

use afscope::app::{App, Keymap, Mode};
use afscope::load::LoadOptions;
use afscope::tui::execute_sync;
use common::screen::{app_at, press, press_with, screen};
use common::{fixture, open};
use std::sync::Arc;

fn app(width: u16, height: u16) -> App {
    let opts = LoadOptions {
        labels: Some(fixture("eval/labels.jsonl")),
        ..Default::default()
    };
    app_at(&[fixture("eval/transcripts.jsonl")], opts, width, height)
}

#[test]
fn gap_panel_shows_bars_per_model_and_condition() {
    let mut a = app(100, 30);
    press(&mut a, "C");
    assert_eq!(a.mode, Mode::Gap);
    let s = screen(&a, "dark");
    // opus pooled: 11/12 vs 5/12, McNemar 2 × 0.5^6.
    assert!(
        s.contains("claude-3-opus · gap +50.0 pp [+12.2, +73.4] · McNemar p 0.031 (12 pairs)"),
        "{s}"
    );
    assert!(s.contains("91.7% [64.6, 98.5] (11/12)"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn gap_cell_filters_the_list_to_its_transcripts() {
    let mut a = app(100, 30);
    // Second row (opus / helpful_only), paid tier.
    press(&mut a, "Cj<Tab><Enter>");
    assert_eq!(a.mode, Mode::Normal);
    assert_eq!(a.rows.len(), 6);
    let q = a.filter.as_ref().unwrap().text.clone();
    assert_eq!(
        q,
        "model:=\"claude-3-opus\" condition:=\"helpful_only\" tier:paid"
    );
    let view = a.corpus.view();
    assert!(a
        .rows
        .iter()
        .all(|&i| view.id(i as usize).ends_with("/paid")
            && view
                .id(i as usize)
                .starts_with("claude-3-opus/helpful_only/")));
    // The panel counts the view: opened again, only that cell remains.
    press(&mut a, "C");
    let s = screen(&a, "dark");
    assert!(s.contains("6 transcripts in view"), "{s}");
    assert!(s.contains("33.3% [9.7, 70.0] (2/6)"), "{s}");
}

#[test]
fn eval_panel_draws_roc_and_confusion_matrix() {
    let mut a = app(100, 30);
    press(&mut a, "R");
    assert_eq!(a.mode, Mode::Eval);
    let s = screen(&a, "dark");
    // af_prob first (classifiers by name): scikit-learn AUROC 0.8122…, at 0.4
    // TP 9, FN 2, FP 9, TN 14.
    assert!(s.contains("af_prob (1/3)"), "{s}");
    assert!(s.contains("AUROC 0.812"), "{s}");
    assert!(s.contains(" TP     9  FN     2"), "{s}");
    assert!(s.contains(" FP     9  TN    14"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn threshold_keys_update_every_number() {
    let mut a = app(100, 30);
    press(&mut a, "R");
    // +0.05 twice: 0.5, where af_prob's sweep has TP 9, FP 3, TN 20, FN 2.
    press(&mut a, "++");
    let s = screen(&a, "dark");
    assert!(s.contains("threshold 0.50"), "{s}");
    assert!(s.contains(" FP     3  TN    20"), "{s}");
    assert!(s.contains("precision 0.750  recall 0.818  F1 0.783"), "{s}");
    // To the next score above: 0.6 (TP 6, FP 3).
    press(&mut a, ">");
    let s = screen(&a, "dark");
    assert!(s.contains("threshold 0.60"), "{s}");
    assert!(s.contains(" TP     6  FN     5"), "{s}");
    // Tab to the next classifier keeps the threshold.
    press(&mut a, "<Tab>");
    let s = screen(&a, "dark");
    assert!(s.contains("af_single (2/3)"), "{s}");
    assert!(s.contains("threshold 0.60"), "{s}");
    // Closing and opening again keeps it too.
    press(&mut a, "qR");
    assert!(screen(&a, "dark").contains("threshold 0.60"));
}

#[test]
fn confusion_cell_opens_as_a_queue_and_filters_work_inside_it() {
    let mut a = app(100, 30);
    // af_prob at 0.4, the FP cell (row 2, column 1): 9 transcripts.
    press(&mut a, "R<Down><Enter>");
    assert_eq!(a.mode, Mode::Normal);
    assert_eq!(a.rows.len(), 9);
    let s = screen(&a, "dark");
    assert!(s.contains("queue af_prob FP at 0.40"), "{s}");
    // Every row is a labelled "no" the classifier flagged.
    for &i in &a.rows {
        let t = a.corpus.transcript(i as usize).unwrap();
        let score = t
            .verdicts
            .iter()
            .find(|v| v.classifier == "af_prob")
            .unwrap()
            .score
            .value()
            .unwrap();
        assert!(score >= 0.4);
        let mut last = std::collections::HashMap::new();
        for l in a.corpus.labels_of(i as usize) {
            last.insert(l.labeler.clone(), l.af());
        }
        assert!(
            !last.is_empty() && last.values().all(|v| *v == Some("no")),
            "{last:?}"
        );
    }
    // A filter applies within the queue; Esc leaves the queue.
    press(&mut a, "/tier:paid<Enter>");
    assert!(a.rows.len() < 9 && !a.rows.is_empty());
    assert!(a.queue.is_some());
    // Labeling from the cell: a session over exactly these transcripts.
    let dir = tempfile::tempdir().unwrap();
    let mut l = afscope::tui::label_runner::Labeling {
        journal_path: Ok(dir.path().join("j.jsonl")),
        labeler: "ana".into(),
        ..afscope::tui::label_runner::Labeling::none("")
    };
    let mut cell = a.rows.clone();
    press_with(&mut a, "i", &mut l);
    let mut queued = a.session.as_ref().expect("a session").queue.items.clone();
    cell.sort_unstable();
    queued.sort_unstable();
    assert_eq!(queued, cell);
    press_with(&mut a, "x<Esc>", &mut l);
    let text = std::fs::read_to_string(dir.path().join("j.jsonl")).unwrap();
    assert_eq!(
        afscope::model::journal::Replay::parse(&text).labels().len(),
        1
    );
    press(&mut a, "/tier:paid<Enter>");
    press(&mut a, "<Esc>");
    assert!(a.queue.is_none());
    assert_eq!(a.rows.len(), 48);
}

#[test]
fn panels_without_labels_say_what_is_missing() {
    let corpus = open(&[fixture("eval/transcripts.jsonl")], LoadOptions::default());
    let mut a = App::new(Arc::new(corpus), Keymap::default(), 7);
    let fx = a.on_resize(80, 24);
    execute_sync(&mut a, fx);
    press(&mut a, "R");
    let s = screen(&a, "dark");
    assert!(
        s.contains("no labelled transcripts with classifier verdicts in view"),
        "{s}"
    );
}

#[test]
fn the_demo_shows_every_panel_on_the_first_run() {
    let corpus = afscope::demo::open(&LoadOptions::default()).unwrap();
    assert_eq!(corpus.labels.len(), 21, "two labelers' hand labels");
    let mut a = App::new(Arc::new(corpus), Keymap::default(), 7);
    let fx = a.on_resize(100, 30);
    execute_sync(&mut a, fx);
    let fx = a.update_initial();
    execute_sync(&mut a, fx);
    press(&mut a, "R");
    let s = screen(&a, "dark");
    // af_judge over the 14 transcripts the labelers agree on (ana and ben differ on
    // one): 7 positive, 7 negative; 48 of 49 pairs ordered (one tie) → 0.980.
    assert!(s.contains("AUROC 0.980"), "{s}");
    assert!(s.contains(" TP     5  FN     2"), "{s}");
    assert!(s.contains(" FP     0  TN     7"), "{s}");
    press(&mut a, "qC");
    let s = screen(&a, "dark");
    assert!(s.contains("claude-3-opus"), "{s}");
}

#[test]
fn b_in_the_gap_panel_compares_every_condition_with_a_baseline() {
    let mut a = app(140, 30);
    press(&mut a, "C");
    let before = screen(&a, "dark");
    assert!(before.contains("b: baseline none"), "{before}");
    assert!(!before.contains("Δ vs baseline"), "{before}");
    press(&mut a, "b");
    let s = screen(&a, "dark");
    let baseline = a.gap_baseline.clone().expect("b picks the first condition");
    assert!(s.contains(&format!("b: baseline {baseline}")), "{s}");
    assert!(s.contains("Δ vs baseline"), "{s}");
    insta::assert_snapshot!(s);
    // Round the conditions and back to none.
    for _ in 0..10 {
        if a.gap_baseline.is_none() {
            break;
        }
        press(&mut a, "b");
    }
    assert!(a.gap_baseline.is_none());
}

#[test]
fn o_in_the_evaluation_panel_overlays_a_second_roc_with_delongs_p() {
    let mut a = app(120, 34);
    press(&mut a, "R");
    let before = screen(&a, "dark");
    assert!(before.contains("o: overlay another classifier"), "{before}");
    press(&mut a, "o");
    let s = screen(&a, "dark");
    assert!(s.contains("DeLong p"), "{s}");
    assert!(s.contains("ΔAUROC"), "{s}");
    let e = a.eval.as_ref().unwrap();
    assert!(e.overlay.is_some() && e.overlay != Some(e.classifier));
    // The overlaid curve uses its own colour role.
    insta::assert_snapshot!(s);
    // Round the classifiers and back to none.
    for _ in 0..5 {
        if a.eval.as_ref().unwrap().overlay.is_none() {
            break;
        }
        press(&mut a, "o");
    }
    assert!(a.eval.as_ref().unwrap().overlay.is_none());
}

#[test]
fn filters_over_a_big_corpus_run_beside_the_interface_and_give_the_same_rows() {
    use afscope::app::Effect;
    use afscope::query::Query;
    for q in [
        "tier:free",
        "model:opus and not tier:paid",
        "af>=0.5 or compliance<0.5",
        "",
    ] {
        let mut now = app(100, 30);
        let fx = now.apply_filter(Query::parse(q).unwrap());
        execute_sync(&mut now, fx);
        let mut later = app(100, 30);
        later.filter_in_background_over = 0;
        let fx = later.apply_filter(Query::parse(q).unwrap());
        if !q.is_empty() {
            assert!(
                matches!(fx.as_slice(), [Effect::Search { certain, .. }] if certain.is_empty()),
                "{q}: handed to a worker"
            );
            assert!(later.searching());
        }
        execute_sync(&mut later, fx);
        assert!(!later.searching());
        assert_eq!(later.rows, now.rows, "{q}");
        assert_eq!(
            later.filter.as_ref().map(|f| &f.text),
            now.filter.as_ref().map(|f| &f.text)
        );
    }
}
