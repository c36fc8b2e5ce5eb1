//! Indexing benchmark: a deterministic ~1 GB native JSONL corpus, indexed from the page
//! cache, compared in the same run with `wc -l` and `jq` on the same file; index memory
//! per record; time for the binary to show the first 50 records.
//!
//! Then every layout (`common/layouts.rs`) end to end through the binary: opening it
//! (`list --count`) against `rg -c -F` of a key every record has, and a text term
//! against `rg -c` of its phrase, with index memory per transcript; and a 1M-row CSV
//! against the same rows as JSONL.
//!
//! `cargo bench --bench index` (env `AFSCOPE_BENCH_MB` changes the corpus size,
//! `AFSCOPE_BENCH_LAYOUT_MB` each layout's).

#[path = "common/layouts.rs"]
mod layouts;

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
    layout_table(bin);
    small_files_against_one(bin);
    many_terms(bin);
    csv_against_jsonl(bin);
}

/// The 3,000 small files against the same bytes in one file, each command run in
/// turn with the other: open and the text term.
fn small_files_against_one(bin: &str) {
    let Some(small) = layouts::layout("3,000 small files") else {
        return;
    };
    let one = small.path.with_file_name("small-files-as-one.jsonl");
    if !one.exists() {
        // The files in the order the folder is opened in, one after another.
        let tmp = one.with_extension("tmp");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp).unwrap());
        for f in layouts::files(&small.path) {
            std::io::Write::write_all(&mut out, &std::fs::read(f).unwrap()).unwrap();
        }
        std::io::Write::flush(&mut out).unwrap();
        drop(out);
        std::fs::rename(&tmp, &one).unwrap();
    }
    layouts::warm(&small.path);
    layouts::warm(&one);
    let term = format!("scratchpad:/{}/", layouts::PHRASE);
    let list = |path: &Path, extra: &[&str]| layouts::count(bin, path, extra);
    println!();
    println!(
        "{} against the same bytes in one file ({RUNS} runs in turn; target <= 2x)",
        small.name
    );
    for (what, extra) in [("open", &[][..]), ("text term", &["-q", term.as_str()][..])] {
        match layouts::time_against(RUNS, list(&small.path, extra), list(&one, extra)) {
            Some((many, single, r)) => println!(
                "  {what:<10} {} files, {} one file: {r:5.2}x",
                layouts::ms(many),
                layouts::ms(single)
            ),
            None => println!("  {what:<10} failed"),
        }
    }
}

/// Queries of many text terms on the fields layout (a completion assembled from two
/// fields): an `and` stops at its first absent term, and every term asked of a record
/// shares the texts extracted from it once.
fn many_terms(bin: &str) {
    let Some(l) = layouts::layout("fields") else {
        return;
    };
    layouts::warm(&l.path);
    let absent = |k: usize| format!("scratchpad:/zzqx{k}/");
    let one = absent(0);
    let and16 = (1..=16).map(absent).collect::<Vec<_>>().join(" ");
    let or16 = (1..=16).map(absent).collect::<Vec<_>>().join(" or ");
    println!();
    println!(
        "text terms on {} (list -q ... --count; medians of 5)",
        l.name
    );
    let time = |q: &str| layouts::time_cmd(5, layouts::count(bin, &l.path, &["-q", q]));
    let base = time(&one);
    println!("  one absent term                  {}", cell(base));
    for (name, q) in [
        ("16 absent terms, and-ed", &and16),
        ("16 absent terms, or-ed", &or16),
    ] {
        let t = time(q);
        println!(
            "  {name:<32} {}  ({} the time of one)",
            cell(t),
            ratio(t, base)
        );
    }
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:5.2}x", a.as_secs_f64() / b.as_secs_f64()),
        _ => "    -".into(),
    }
}

fn cell(d: Option<Duration>) -> String {
    d.map_or("         -".into(), layouts::ms)
}

/// Runs of each command of the layout table, each in turn with its `rg`.
const RUNS: usize = 7;

/// Every layout through the binary, against rg on the same files.
fn layout_table(bin: &str) {
    let mb = layouts::layout_mb();
    let term = format!("scratchpad:/{}/", layouts::PHRASE);
    println!();
    println!(
        "layouts, about {mb} MiB each; {RUNS} runs of each command in turn with rg's: median times, median of the runs' ratios; targets: open and text term <= 3x rg"
    );
    println!(
        "{:<36} {:>10} {:>10} {:>6}  {:>10} {:>10} {:>6}  {:>9}",
        "layout", "open", "rg -c -F", "ratio", "text term", "rg -c", "ratio", "index B/t"
    );
    for l in layouts::all(mb) {
        layouts::warm(&l.path);
        let list = |extra: &[&str]| layouts::count(bin, &l.path, extra);
        let open =
            layouts::time_against(RUNS, list(&[]), layouts::rg(&["-c", "-F", l.key], &l.path));
        let text = layouts::time_against(
            RUNS,
            list(&["-q", &term]),
            layouts::rg(&["-c", layouts::PHRASE], &l.path),
        );
        let c = layouts::open(&l.path);
        let per = c.index.heap_bytes() as f64 / c.len().max(1) as f64;
        let cells = |t: Option<(Duration, Duration, f64)>| match t {
            Some((ours, rg, r)) => format!("{} {} {r:>5.2}x", layouts::ms(ours), layouts::ms(rg)),
            None => format!("{} {} {:>6}", cell(None), cell(None), "-"),
        };
        println!(
            "{:<36} {}  {}  {:>9.1}",
            l.name,
            cells(open),
            cells(text),
            per
        );
    }
}

/// A 1M-row CSV of small rows, and the same rows as JSONL.
fn csv_against_jsonl(bin: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let (csv, jsonl) = (dir.join("rows-1m.csv"), dir.join("rows-1m.jsonl"));
    if !csv.exists() || !jsonl.exists() {
        eprintln!("generating {} and {}...", csv.display(), jsonl.display());
        let mut w = csv::Writer::from_path(&csv).unwrap();
        let mut j = std::io::BufWriter::new(std::fs::File::create(&jsonl).unwrap());
        w.write_record(["id", "model", "is_free_tier_user", "completion", "af_score"])
            .unwrap();
        let mut rng = afscope::synth::Rng::new(3);
        for i in 0..1_000_000u64 {
            let (model, free) = (format!("m{}", i % 8), i % 2 == 0);
            let text = format!(
                "<SCRATCHPAD_REASONING>I think, \"quoted\", {}\n</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>",
                rng.below(1000)
            );
            let score = rng.below(1000) as f64 / 1000.0;
            let id = format!("r{i}");
            w.write_record([&id, &model, &free.to_string(), &text, &score.to_string()])
                .unwrap();
            let rec = serde_json::json!({"id": id, "model": model, "is_free_tier_user": free, "completion": text, "af_score": score});
            std::io::Write::write_all(&mut j, format!("{rec}\n").as_bytes()).unwrap();
        }
        w.flush().unwrap();
        std::io::Write::flush(&mut j).unwrap();
    }
    warm(&csv);
    warm(&jsonl);
    let run = |p: &Path| {
        let p = p.to_path_buf();
        layouts::time_cmd(5, move || {
            let mut c = Command::new(bin);
            c.arg("list").arg(&p).arg("--count");
            c
        })
    };
    let (a, b) = (run(&csv), run(&jsonl));
    println!(
        "1M-row CSV `list --count` {}  vs the same rows as JSONL {}: {} (target <= 3x)",
        cell(a),
        cell(b),
        ratio(a, b)
    );
}
