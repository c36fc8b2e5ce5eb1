//! Study benchmark: a deterministic results tree in the pipeline's layout (about 1,000
//! files, 2.5 GB: JSON arrays of 200 records, indent 4, ASCII-escaped), opened as one
//! folder argument from the page cache. Reports the time to the first screen's
//! transcripts and to the whole index (in process), `afscope list DIR --count` and
//! `afscope study show` (the binary), and `rg -c -F` on the same files in the same run.
//!
//! `cargo bench --bench study` (env `AFSCOPE_BENCH_TREE_MB` changes the tree's size).

use afscope::load::{Corpus, LoadOptions};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn runs(n: usize, mut f: impl FnMut() -> Duration) -> (Duration, Duration) {
    let v: Vec<Duration> = (0..n).map(|_| f()).collect();
    (median(v.clone()), v.into_iter().max().unwrap())
}

fn time_cmd(cmd: &mut Command) -> Option<Duration> {
    let start = Instant::now();
    let out = cmd.stdout(Stdio::null()).output().ok()?;
    out.status.success().then(|| start.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The tree, generated once per size (a marker file says it is complete).
fn tree(mb: u64) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench/tree-{mb}mb-seed42"));
    let done = dir.join(".complete");
    if !done.exists() {
        eprintln!("generating {}...", dir.display());
        let _ = std::fs::remove_dir_all(&dir);
        afscope::synth::pipeline::write_tree(&dir, mb * 1024 * 1024, 42).unwrap();
        std::fs::write(&done, "").unwrap();
    }
    dir
}

fn warm(files: &[PathBuf]) {
    for f in files {
        let _ = std::fs::read(f).map(|b| b.len());
    }
}

fn main() {
    let mb: u64 = std::env::var("AFSCOPE_BENCH_TREE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2500);
    let dir = tree(mb);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_afscope"));
    let inputs = afscope::load::input::expand(std::slice::from_ref(&dir), false, false).unwrap();
    let files = inputs.transcripts.clone();
    warm(&files);
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    println!(
        "tree: {} ({} files, {:.2} GB), {} threads",
        dir.display(),
        files.len(),
        bytes as f64 / 1e9,
        rayon::current_num_threads()
    );
    let open = |on: &mut afscope::load::corpus::OnBatch<'_>| {
        let inputs =
            afscope::load::input::expand(std::slice::from_ref(&dir), false, false).unwrap();
        Corpus::open(&inputs.transcripts, &LoadOptions::default(), on).unwrap()
    };
    let mut transcripts = 0;
    let (first, first_max) = runs(5, || {
        let start = Instant::now();
        let mut at = None;
        let c = open(&mut |view, _, _| {
            if !view.is_empty() {
                at = Some(start.elapsed());
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        assert!(!c.is_empty());
        at.unwrap()
    });
    let (index, index_max) = runs(3, || {
        let start = Instant::now();
        let c = open(&mut |_, _, _| ControlFlow::Continue(()));
        transcripts = c.len();
        assert!(c.problems.is_empty(), "{:?}", c.problems.first());
        start.elapsed()
    });
    println!(
        "first screen's transcripts   median {}  max {}   (target ≤ 100 ms)",
        ms(first),
        ms(first_max)
    );
    println!(
        "whole index, in process      median {}  max {}   ({transcripts} transcripts, {:.2} GB/s)",
        ms(index),
        ms(index_max),
        bytes as f64 / 1e9 / index.as_secs_f64()
    );
    let d = dir.to_str().unwrap();
    let count = runs(3, || {
        time_cmd(Command::new(&bin).args(["list", d, "--count", "--no-study"]))
            .expect("afscope runs")
    });
    println!(
        "afscope list DIR --count     median {}  max {}",
        ms(count.0),
        ms(count.1)
    );
    let rg = runs(3, || {
        time_cmd(Command::new("rg").args(["-c", "-F", "deceptive_alignment", d]))
            .unwrap_or_default()
    });
    if rg.0 > Duration::ZERO {
        println!(
            "rg -c -F deceptive_alignment median {}  max {}   (list --count is {:.1}x rg)",
            ms(rg.0),
            ms(rg.1),
            count.0.as_secs_f64() / rg.0.as_secs_f64()
        );
    } else {
        println!("rg                           not installed");
    }
    let study = dir.join("afscope.toml");
    if !study.exists() {
        let ok = Command::new(&bin)
            .args(["study", "init"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "study init");
    }
    let show = runs(3, || {
        time_cmd(
            Command::new(&bin)
                .args(["study", "show"])
                .current_dir(Path::new(d)),
        )
        .expect("study show runs")
    });
    println!(
        "afscope study show           median {}  max {}   (target ≤ 1 s)",
        ms(show.0),
        ms(show.1)
    );
}
