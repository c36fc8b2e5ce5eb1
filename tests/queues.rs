//! Labeling queues built over the evaluation fixture (48 transcripts: 2 models × 2
//! tiers × 12 prompts; 41 labels by alice, 6 by bob).

mod common;

use afscope::labeling::queue::{build, latest_per_labeler, QueueMode};
use afscope::load::{Corpus, LoadOptions};
use common::{fixture, open};

fn corpus() -> Corpus {
    let opts = LoadOptions {
        labels: Some(fixture("eval/labels.jsonl")),
        ..Default::default()
    };
    open(&[fixture("eval/transcripts.jsonl")], opts)
}

fn all(c: &Corpus) -> Vec<u32> {
    (0..c.len() as u32).collect()
}

#[test]
fn stratified_queue_draws_per_model_and_tier_and_interleaves() {
    let c = corpus();
    let mode = QueueMode::Stratified {
        seed: 7,
        per_stratum: 3,
        buckets: 1,
    };
    let q = build(&c, &all(&c), &mode, "af").unwrap();
    assert_eq!(q.items.len(), 12);
    let names: Vec<&str> = q.strata.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "claude-3-opus · free",
            "claude-3-opus · paid",
            "llama-3.1-405b · free",
            "llama-3.1-405b · paid"
        ]
    );
    assert!(q.strata.iter().all(|s| s.available == 12 && s.target == 3));
    // Round-robin: every block of four has one item of each stratum.
    for block in q.stratum_of.chunks(4) {
        assert_eq!(block, [0, 1, 2, 3]);
    }
    let v = c.view();
    for (&i, &s) in q.items.iter().zip(&q.stratum_of) {
        let name = &q.strata[s as usize].name;
        assert!(name.starts_with(v.model(i as usize).unwrap()));
        assert!(name.ends_with(&v.entry(i as usize).tier().to_string()));
    }
    // The same seed gives the same queue; another seed another.
    let again = build(&c, &all(&c), &mode, "af").unwrap();
    assert_eq!(again.items, q.items);
    let other = QueueMode::Stratified {
        seed: 8,
        per_stratum: 3,
        buckets: 1,
    };
    assert_ne!(build(&c, &all(&c), &other, "af").unwrap().items, q.items);
    // With score buckets, strata split further and name their range.
    let buckets = QueueMode::Stratified {
        seed: 7,
        per_stratum: 100,
        buckets: 2,
    };
    let q = build(&c, &all(&c), &buckets, "af").unwrap();
    assert_eq!(q.items.len(), 48);
    assert!(q.strata.len() > 4 && q.strata.iter().any(|s| s.name.contains("af 0.50–1.00")));
}

#[test]
fn threshold_queue_puts_the_least_certain_first() {
    let c = corpus();
    let q = build(&c, &all(&c), &QueueMode::Threshold { threshold: 0.4 }, "af").unwrap();
    let v = c.view();
    let d: Vec<f64> = q
        .items
        .iter()
        .map(|&i| (v.entry(i as usize).af().unwrap() - 0.4).abs())
        .collect();
    assert!(!d.is_empty() && d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
}

#[test]
fn disagreement_and_adjudication_queues() {
    let c = corpus();
    let q = build(&c, &all(&c), &QueueMode::Disagree { threshold: 0.4 }, "af").unwrap();
    let v = c.view();
    // Human against human first: alice and bob differ on the primary field.
    let answers = |i: u32| -> Vec<String> {
        latest_per_labeler(c.labels_of(i as usize))
            .iter()
            .filter_map(|l| l.af().map(str::to_string))
            .collect()
    };
    let first = answers(q.items[0]);
    assert!(first.len() == 2 && first[0] != first[1], "{first:?}");
    // Every item is a disagreement of one kind or the other.
    for &i in &q.items {
        let a = answers(i);
        let yes_no: Vec<&String> = a.iter().filter(|x| *x == "yes" || *x == "no").collect();
        let human_split = yes_no.iter().any(|x| *x != yes_no[0]);
        let flagged = v.entry(i as usize).af().unwrap() >= 0.4;
        assert!(human_split || flagged != (yes_no[0] == "yes"));
    }
    let adj = build(
        &c,
        &all(&c),
        &QueueMode::Adjudicate {
            first: "alice".into(),
            second: "bob".into(),
        },
        "af",
    )
    .unwrap();
    assert!(!adj.items.is_empty());
    for &i in &adj.items {
        let both = latest_per_labeler(c.labels_of(i as usize));
        assert_eq!(both.len(), 2);
        assert!(afscope::labeling::queue::differ(both[0], both[1]));
    }
}

#[test]
fn id_list_queue_keeps_file_order_and_counts_unknown_ids() {
    let c = corpus();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ids.txt");
    std::fs::write(
        &p,
        "# second pass\nllama-3.1-405b/helpful_only/p3/paid\nnot-an-id\n\nclaude-3-opus/helpful_only/p0/free\n",
    )
    .unwrap();
    let mode = QueueMode::Ids {
        file: p.to_string_lossy().into_owned(),
    };
    let q = build(&c, &all(&c), &mode, "af").unwrap();
    let v = c.view();
    let ids: Vec<String> = q
        .items
        .iter()
        .map(|&i| v.id(i as usize).into_owned())
        .collect();
    assert_eq!(
        ids,
        [
            "llama-3.1-405b/helpful_only/p3/paid",
            "claude-3-opus/helpful_only/p0/free"
        ]
    );
    assert_eq!(q.unknown_ids, 1);
    let missing = QueueMode::Ids {
        file: "/nonexistent/ids.txt".into(),
    };
    assert!(build(&c, &all(&c), &missing, "af")
        .unwrap_err()
        .contains("/nonexistent/ids.txt"));
}
