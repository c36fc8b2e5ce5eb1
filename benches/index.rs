//! Indexing benchmark: a deterministic ~1 GB native JSONL corpus, indexed from the page
//! cache, compared in the same run with `wc -l` and `jq` on the same file; index memory
//! per record; time for the binary to show the first 50 records.
//!
//! `cargo bench --bench index` (env `AFSCOPE_BENCH_MB` changes the corpus size).

use afscope::load::{Corpus, LoadOptions};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn best_of(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..n).map(|_| f()).min().unwrap()
}

fn time_cmd(cmd: &mut Command) -> Option<Duration> {
    let start = Instant::now();
    let out = cmd.output().ok()?;
    out.status.success().then(|| start.elapsed())
}

fn corpus(mb: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("corpus-{mb}mb-seed42.jsonl"));
    if !path.exists() {
        eprintln!("generating {}...", path.display());
        let tmp = path.with_extension("tmp");
        afscope::synth::write_file(&tmp, mb * 1024 * 1024, 42, afscope::synth::Shape::default())
            .unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

fn warm(path: &Path) {
    let _ = std::fs::read(path).map(|b| b.len());
}

fn rss_anon_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn open(path: &Path, on_batch: &mut afscope::load::corpus::OnBatch<'_>) -> Corpus {
    Corpus::open(&[path.to_path_buf()], &LoadOptions::default(), on_batch).unwrap()
}

fn main() {
    let mb: u64 = std::env::var("AFSCOPE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let path = corpus(mb);
    let size = std::fs::metadata(&path).unwrap().len();
    warm(&path);
    let p = path.to_str().unwrap();
    println!(
        "corpus: {} ({:.2} GB), {} threads",
        path.display(),
        size as f64 / 1e9,
        rayon::current_num_threads()
    );

    // Memory first, before other runs leave freed memory in the allocator.
    let before = rss_anon_kb();
    let c = open(&path, &mut |_, _, _| ControlFlow::Continue(()));
    let after = rss_anon_kb();
    let records = c.len();
    assert!(c.problems.is_empty());
    println!(
        "index heap                   {:.1} bytes/record ({} bytes for {records} records)",
        c.index.heap_bytes() as f64 / records as f64,
        c.index.heap_bytes()
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "anonymous RSS growth         {:.1} bytes/record (mapped file pages excluded)",
            (a.saturating_sub(b) * 1024) as f64 / records as f64
        );
    }
    drop(c);

    let wc = best_of(5, || {
        time_cmd(Command::new("wc").args(["-l", p])).expect("wc runs")
    });
    println!("wc -l                        {}", secs(wc));
    let jq = time_cmd(
        Command::new("jq")
            .args(["-c", "select(.tier == \"free\") | .id", p])
            .stdout(std::process::Stdio::null()),
    );
    match jq {
        Some(d) => println!("jq select(.tier==\"free\")     {}", secs(d)),
        None => println!("jq                           not installed"),
    }

    let index = best_of(5, || {
        let start = Instant::now();
        let c = open(&path, &mut |_, _, _| ControlFlow::Continue(()));
        let d = start.elapsed();
        assert_eq!(c.len(), records);
        d
    });
    let gbps = size as f64 / 1e9 / index.as_secs_f64();
    println!(
        "afscope full index           {}  ({gbps:.2} GB/s, {:.2}x wc -l)",
        secs(index),
        index.as_secs_f64() / wc.as_secs_f64()
    );
    if let Some(jq) = jq {
        println!(
            "  vs jq                      {:.1}x faster",
            jq.as_secs_f64() / index.as_secs_f64()
        );
    }

    let mut shown = 0;
    let first = best_of(5, || {
        let start = Instant::now();
        let mut n = 0;
        let _ = open(&path, &mut |_, range, _| {
            n += range.len();
            if n >= 50 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        shown = n;
        start.elapsed()
    });
    println!(
        "first 50 records (in process) {}  ({shown} indexed by then)",
        secs(first)
    );
    let bin = env!("CARGO_BIN_EXE_afscope");
    let list = (0..5)
        .filter_map(|_| {
            time_cmd(
                Command::new(bin)
                    .args(["list", p, "--limit", "50", "--format", "tsv"])
                    .stdout(std::process::Stdio::null()),
            )
        })
        .min();
    if let Some(d) = list {
        println!("`afscope list --limit 50`    {}  (whole process)", secs(d));
    }
}
