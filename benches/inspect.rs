//! Inspect log benchmark: a 1 GB `.eval` log of about 10,000 samples (`afscope synth
//! --layout inspect-eval`, mostly events and attachments as real samples are), in
//! deflate and in zstd. Reports the time to the first screen's transcripts (in
//! process), `afscope list LOG --count` and a text search through the binary with
//! their peak memory, against the decompression floor `unzip -p LOG 'samples/*'` in
//! the same run (deflate; Debian's unzip has no zstd).
//!
//! `cargo bench --bench inspect` (env `AFSCOPE_BENCH_EVAL_MB` changes the size).

use afscope::load::{Corpus, LoadOptions};
use afscope::synth::inspect_log::{self, Compression};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn log(mb: u64, c: Compression) -> PathBuf {
    let name = match c {
        Compression::Zstd => "zstd",
        Compression::Deflate => "deflate",
    };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench/inspect-{mb}mb-{name}.eval"));
    let done = path.with_extension("complete");
    if !done.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        eprintln!("writing {} …", path.display());
        inspect_log::write_file(&path, mb << 20, 42, c).unwrap();
        std::fs::write(&done, b"").unwrap();
    }
    path
}

/// Wall time and peak resident memory (KiB) of a command, its output discarded.
fn run(cmd: &mut Command) -> Option<(Duration, i64)> {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, filling the two out-parameters.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    (pid > 0).then(|| (start.elapsed(), usage.ru_maxrss))
}

fn median_of(n: usize, mut make: impl FnMut() -> Command) -> Option<(Duration, i64)> {
    let mut v: Vec<(Duration, i64)> = (0..n).filter_map(|_| run(&mut make())).collect();
    if v.is_empty() {
        return None;
    }
    v.sort();
    Some(v[v.len() / 2])
}

fn afscope(args: &[&str], log: &Path) -> impl FnMut() -> Command {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let log = log.to_path_buf();
    move || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_afscope"));
        c.args(&args).arg(&log);
        c
    }
}

fn first_screen(log: &Path) -> Duration {
    let start = Instant::now();
    let mut first = None;
    let corpus = Corpus::open(
        &[log.to_path_buf()],
        &LoadOptions::default(),
        &mut |view, _, _| {
            if !view.is_empty() {
                first = Some(start.elapsed());
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    let total = start.elapsed();
    assert!(!corpus.is_empty());
    first.unwrap_or(total)
}

fn show(label: &str, r: Option<(Duration, i64)>, floor: Option<Duration>) {
    match r {
        Some((d, kb)) => {
            let ratio = floor.map_or(String::new(), |f| {
                format!("  {:.2}x the floor", d.as_secs_f64() / f.as_secs_f64())
            });
            println!(
                "{label:<44} {:>9.1} ms  peak {:>6} MiB{ratio}",
                d.as_secs_f64() * 1e3,
                kb / 1024
            );
        }
        None => println!("{label:<44} (not run)"),
    }
}

fn main() {
    let mb: u64 = std::env::var("AFSCOPE_BENCH_EVAL_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let deflate = log(mb, Compression::Deflate);
    let zstd = log(mb, Compression::Zstd);
    // Into the page cache, streamed: a child's peak memory counts its parent's at the
    // fork, so the bench itself never holds a log.
    for p in [&deflate, &zstd] {
        let mut f = std::fs::File::open(p).unwrap();
        std::io::copy(&mut f, &mut std::io::sink()).unwrap();
    }
    let floor = median_of(3, || {
        // unzip writes to a pipe we discard, as `> /dev/null` does.
        let mut c = Command::new("unzip");
        c.arg("-p").arg(&deflate).arg("samples/*");
        c
    });
    println!("Inspect log, {mb} MiB, deflate and zstd (medians of 3)");
    show("floor: unzip -p LOG 'samples/*' (deflate)", floor, None);
    let f = floor.map(|x| x.0);
    for (name, p) in [("deflate", &deflate), ("zstd", &zstd)] {
        let firsts: Vec<Duration> = (0..3).map(|_| first_screen(p)).collect();
        let mut s = firsts.clone();
        s.sort();
        println!(
            "{:<44} {:>9.1} ms",
            format!("{name}: first screen's transcripts"),
            s[1].as_secs_f64() * 1e3
        );
        show(
            &format!("{name}: afscope list LOG --count"),
            median_of(3, afscope(&["list", "--count"], p)),
            f,
        );
        show(
            &format!("{name}: list -q 'scratchpad:/modify my values/'"),
            median_of(
                3,
                afscope(
                    &["list", "-q", "scratchpad:/modify my values/", "--count"],
                    p,
                ),
            ),
            f,
        );
    }
}
