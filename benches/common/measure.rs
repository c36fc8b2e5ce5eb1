//! What the interface and load benchmarks share: generated corpora under
//! `target/bench`, timing summaries, and an interface's effects run in line with the
//! interface thread's part timed apart.

use afscope::app::App;
use afscope::synth::Shape;
use afscope::tui::execute_sync;
use afscope::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub fn bench_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A synthetic corpus of about `bytes` bytes, written once and kept.
pub fn generated_bytes(name: &str, bytes: u64, shape: Shape) -> PathBuf {
    let path = bench_dir().join(name);
    if !path.exists() {
        eprintln!("generating {}...", path.display());
        let tmp = path.with_extension("tmp");
        afscope::synth::write_file(&tmp, bytes, 42, shape).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

pub fn generated(name: &str, mb: u64, shape: Shape) -> PathBuf {
    generated_bytes(name, mb * 1024 * 1024, shape)
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Median and maximum.
pub fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], *v.last().unwrap())
}

/// Runs an event's effects in line: a search's worker part and the interface
/// thread's part (taking in its rows, then a frame) are timed apart. Gives the
/// longest interface-thread part and the workers' time.
pub fn run_effects(
    app: &mut App,
    fx: Vec<afscope::app::Effect>,
    term: &mut Terminal<TestBackend>,
    theme: &Theme,
) -> (Duration, Duration) {
    let (mut longest, mut worker) = (Duration::ZERO, Duration::ZERO);
    for effect in fx {
        match afscope::tui::search_in_two(app, effect) {
            Ok((w, taking_in)) => {
                worker += w;
                let start = Instant::now();
                term.draw(|f| ui::draw(f, app, theme)).unwrap();
                longest = longest.max(taking_in + start.elapsed());
            }
            Err(other) => execute_sync(app, vec![*other]),
        }
    }
    (longest, worker)
}

/// This process's peak resident size and its anonymous (not file-backed) part now,
/// in MiB, from `/proc/self/status`.
pub fn memory_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmHWM:"), field("RssAnon:"))
}
