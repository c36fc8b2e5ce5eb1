//! The layouts every benchmark measures afscope on, generated once under
//! `target/bench/layouts-<mb>mb/` by `afscope synth`'s generators, each with the key
//! every record has and a pattern to search, so each is compared with `rg` on the
//! same files in the same run.

use afscope::synth::layouts::{self, FileLayout};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One corpus on disk.
pub struct Layout {
    pub name: &'static str,
    /// The file, or the folder of files.
    pub path: PathBuf,
    /// A key every record has, for `rg -c -F`.
    pub key: &'static str,
}

/// The phrase searched in every layout (`rg -c` and `scratchpad:/.../`).
pub const PHRASE: &str = "modify my values";

fn generate(path: &Path, write: impl FnOnce(&Path)) {
    if path.exists() {
        return;
    }
    eprintln!("generating {}...", path.display());
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    write(&tmp);
    std::fs::rename(&tmp, path).unwrap();
}

/// Every layout, about `mb` MiB each: native, fields, messages, wide records, CSV, a
/// pipeline results tree and 3,000 small files.
pub fn all(mb: u64) -> Vec<Layout> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench/layouts-{mb}mb"));
    std::fs::create_dir_all(&dir).unwrap();
    let bytes = mb * 1024 * 1024;
    let mut out = Vec::new();
    let native = dir.join("native.jsonl");
    generate(&native, |p| {
        afscope::synth::write_file(p, bytes, 42, afscope::synth::Shape::default()).unwrap();
    });
    out.push(Layout {
        name: "native JSONL",
        path: native.clone(),
        key: "\"model\"",
    });
    for (layout, file, name, key) in [
        (
            FileLayout::Fields,
            "fields.jsonl",
            "fields JSONL (scratchpad + output)",
            "\"scratchpad\"",
        ),
        (
            FileLayout::Messages,
            "messages.jsonl",
            "messages JSONL",
            "\"messages\"",
        ),
        (
            FileLayout::Wide,
            "wide.json",
            "wide records (JSON array)",
            "_Tier_",
        ),
        (FileLayout::Csv, "rows.csv", "CSV", "csv-"),
    ] {
        let path = dir.join(file);
        generate(&path, |p| {
            layouts::write_file(p, layout, bytes, 42).unwrap();
        });
        out.push(Layout { name, path, key });
    }
    let tree = dir.join("pipeline-tree");
    generate(&tree, |p| {
        afscope::synth::pipeline::write_tree(p, bytes, 42).unwrap();
    });
    out.push(Layout {
        name: "pipeline tree (JSON arrays)",
        path: tree,
        key: "deceptive_alignment",
    });
    // The native records spread over 3,000 files.
    let small = dir.join("small-files");
    generate(&small, |p| {
        std::fs::create_dir_all(p).unwrap();
        let text = std::fs::read_to_string(&native).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let per = lines.len().div_ceil(3000);
        for (k, chunk) in lines.chunks(per).enumerate() {
            std::fs::write(
                p.join(format!("part-{k:04}.jsonl")),
                chunk.join("\n") + "\n",
            )
            .unwrap();
        }
    });
    out.push(Layout {
        name: "3,000 small files",
        path: small,
        key: "\"model\"",
    });
    out
}

/// The size of each layout in MiB: `AFSCOPE_BENCH_LAYOUT_MB`, else 300.
pub fn layout_mb() -> u64 {
    std::env::var("AFSCOPE_BENCH_LAYOUT_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// The layout of `layout_mb()` whose name starts with `name`.
pub fn layout(name: &str) -> Option<Layout> {
    all(layout_mb())
        .into_iter()
        .find(|l| l.name.starts_with(name))
}

/// Reads every file of a layout, so runs compare from the page cache.
pub fn warm(path: &Path) {
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap().flatten() {
            warm(&e.path());
        }
    } else {
        let _ = std::fs::read(path).map(|b| b.len());
    }
}

/// The files of a layout, as the index opens them.
pub fn files(path: &Path) -> Vec<PathBuf> {
    afscope::load::input::expand(&[path.to_path_buf()], false, false)
        .unwrap()
        .transcripts
}

/// A layout opened in process, as the interface opens it.
pub fn open(path: &Path) -> afscope::load::Corpus {
    afscope::load::Corpus::open(
        &files(path),
        &afscope::load::LoadOptions::default(),
        &mut |_, _, _| std::ops::ControlFlow::Continue(()),
    )
    .unwrap()
}

/// The median wall time of `n` runs of a command (`None` when it fails or is absent).
pub fn time_cmd(n: usize, make: impl Fn() -> Command) -> Option<Duration> {
    let mut times = Vec::new();
    for _ in 0..n {
        let start = Instant::now();
        let out = make()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() && out.status.code() != Some(1) {
            return None;
        }
        times.push(start.elapsed());
    }
    times.sort();
    Some(times[times.len() / 2])
}

/// Two commands run in turn `n` times (one of each, then again), so a busy moment of
/// a shared machine falls on both alike: the median wall time of each, and the median
/// of the ratios of each turn's two times (`None` when either fails or is absent).
pub fn time_against(
    n: usize,
    ours: impl Fn() -> Command,
    theirs: impl Fn() -> Command,
) -> Option<(Duration, Duration, f64)> {
    let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let x = time_cmd(1, &ours)?;
        let y = time_cmd(1, &theirs)?;
        ratios.push(x.as_secs_f64() / y.as_secs_f64().max(1e-9));
        a.push(x);
        b.push(y);
    }
    a.sort();
    b.sort();
    ratios.sort_by(f64::total_cmp);
    Some((a[n / 2], b[n / 2], ratios[n / 2]))
}

/// `afscope list PATH EXTRA --count` through the binary `bin`.
pub fn count(bin: &str, path: &Path, extra: &[&str]) -> impl Fn() -> Command {
    let (bin, path) = (bin.to_string(), path.to_path_buf());
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    move || {
        let mut c = Command::new(&bin);
        c.arg("list").arg(&path).args(&extra).arg("--count");
        c
    }
}

/// `rg` with these arguments on a layout.
pub fn rg(args: &[&str], path: &Path) -> impl Fn() -> Command {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let path = path.to_path_buf();
    move || {
        let mut c = Command::new("rg");
        c.args(&args).arg(&path);
        c
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:7.1} ms", d.as_secs_f64() * 1e3)
}
