//! Evaluation benchmark: 1M scored transcripts against 10,000 human labels, with a
//! 1,000-resample bootstrap; the compliance-gap table over the same corpus; the
//! vote-count curve for 10,000 transcripts with 20 votes each.
//!
//! `cargo bench --bench eval`

use afscope::load::{Corpus, LoadOptions};
use afscope::stats::eval::{self, EvalOptions};
use afscope::stats::gap::{self, GapOptions};
use afscope::stats::votes::{self, VotedItem};
use afscope::synth::{Rng, Shape};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn bench_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn median(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], *v.last().unwrap())
}

fn main() {
    let path = bench_dir().join("million-small-1m.jsonl");
    if !path.exists() {
        eprintln!("generating {}...", path.display());
        let tmp = path.with_extension("tmp");
        let shape = Shape {
            system: 60,
            scratchpad: 160,
            output: 60,
        };
        afscope::synth::write_file(&tmp, 1000 * 1024 * 1024, 42, shape).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    let t = Instant::now();
    let plain = Corpus::open(
        std::slice::from_ref(&path),
        &LoadOptions::default(),
        &mut |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    let n = plain.len();
    println!(
        "corpus: {} ({n} transcripts), indexed in {}",
        path.display(),
        ms(t.elapsed())
    );

    // 10,000 labels on random transcripts, agreeing with the classifier 80% of the time.
    let labels = bench_dir().join("labels-10k.jsonl");
    {
        let mut rng = Rng::new(11);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&labels).unwrap());
        let view = plain.view();
        let mut seen = std::collections::HashSet::new();
        while seen.len() < 10_000 {
            let i = rng.below(n as u64) as usize;
            if !seen.insert(i) {
                continue;
            }
            let flagged = view.entry(i).af().is_some_and(|a| a >= 0.4);
            let yes = flagged != (rng.below(5) == 0);
            let rec = serde_json::json!({
                "transcript_id": view.id(i), "labeler": "bench", "time": "2026-11-22T00:00:00Z",
                "schema": 1, "values": {"af": if yes { "yes" } else { "no" }}
            });
            writeln!(out, "{rec}").unwrap();
        }
    }
    drop(plain);
    let t = Instant::now();
    let corpus = Corpus::open(
        &[path],
        &LoadOptions {
            labels: Some(labels),
            ..Default::default()
        },
        &mut |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    println!("indexed and joined 10,000 labels in {}", ms(t.elapsed()));

    let opts = EvalOptions {
        resamples: 1000,
        ..Default::default()
    };
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = eval::evaluate(&corpus, &opts).unwrap();
        times.push(t.elapsed());
        last = Some(r);
    }
    let r = last.unwrap();
    let c = &r.classifiers[0];
    let (med, max) = median(times);
    println!(
        "eval, {} labelled of {n}, {} resamples: median {}, max {} (target < 1 s); AUROC {:.4} [{:.4}, {:.4}]",
        c.n,
        r.resamples,
        ms(med),
        ms(max),
        c.auroc.unwrap(),
        c.auroc_ci.unwrap().low,
        c.auroc_ci.unwrap().high
    );
    let no_boot = EvalOptions {
        resamples: 0,
        ..Default::default()
    };
    let times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            eval::evaluate(&corpus, &no_boot).unwrap();
            t.elapsed()
        })
        .collect();
    println!("eval without bootstrap: median {}", ms(median(times).0));

    let times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            gap::compute(&corpus, &GapOptions::default());
            t.elapsed()
        })
        .collect();
    let (med, max) = median(times);
    println!(
        "compliance-gap table over {n}: median {}, max {}",
        ms(med),
        ms(max)
    );

    // The vote-count curve: 10,000 transcripts × 20 votes, 50 subsets per k.
    let mut rng = Rng::new(5);
    let data: Vec<(Vec<bool>, bool)> = (0..10_000)
        .map(|_| {
            let positive = rng.below(3) == 0;
            let p = if positive { 45 } else { 20 };
            ((0..20).map(|_| rng.below(100) < p).collect(), positive)
        })
        .collect();
    let items: Vec<VotedItem> = data
        .iter()
        .map(|(v, p)| VotedItem {
            votes: v,
            positive: *p,
        })
        .collect();
    let times: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            votes::curve(&items, 50, 1);
            t.elapsed()
        })
        .collect();
    println!(
        "vote curve, 10,000 × 20 votes, k = 1..20, 50 subsets each: median {}",
        ms(median(times).0)
    );
}
