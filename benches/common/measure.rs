//! What the interface and load benchmarks share: generated corpora under
//! `target/bench`, timing summaries, and an interface's effects run in line with the
//! interface thread's part timed apart.

use afscope::app::{Action, App};
use afscope::query::Query;
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

/// Opening the facet table over the whole corpus, then Enter on a cell, `rounds`
/// times: the opening with its frame, the interface thread's part of the cell's
/// filter, and the whole of it in line.
pub fn facet_rounds(
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    theme: &Theme,
    rounds: usize,
) -> (Vec<Duration>, Vec<Duration>, Vec<Duration>) {
    let (mut open_t, mut cell_ui, mut cell_all) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let fx = app.apply_filter(Query::parse("").unwrap());
        execute_sync(app, fx);
        let start = Instant::now();
        let fx = app.update(Action::Facets);
        execute_sync(app, fx);
        term.draw(|f| ui::draw(f, app, theme)).unwrap();
        open_t.push(start.elapsed());
        let f = app.facets.as_mut().unwrap();
        f.row = round % f.rows.len();
        f.col = round % 3;
        let start = Instant::now();
        let fx = app.on_key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        ));
        term.draw(|f| ui::draw(f, app, theme)).unwrap();
        let first = start.elapsed();
        let (taking_in, _) = run_effects(app, fx, term, theme);
        term.draw(|f| ui::draw(f, app, theme)).unwrap();
        cell_ui.push(first.max(taking_in));
        cell_all.push(start.elapsed());
    }
    (open_t, cell_ui, cell_all)
}

/// Each filter of `queries` applied and drawn, three rounds (the first one warms up
/// and is not kept): the interface thread's part, the workers' part, and the whole
/// of it in line, per filter.
pub fn filter_rounds(
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    theme: &Theme,
    queries: &[&str],
) -> (Vec<Duration>, Vec<Duration>, Vec<Duration>) {
    let (mut ui_t, mut worker_t, mut all_t) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..5 {
        for q in queries {
            let start = Instant::now();
            let fx = app.apply_filter(Query::parse(q).unwrap());
            term.draw(|f| ui::draw(f, app, theme)).unwrap();
            let first = start.elapsed();
            let (taking_in, worker) = run_effects(app, fx, term, theme);
            term.draw(|f| ui::draw(f, app, theme)).unwrap();
            if round > 0 {
                ui_t.push(first.max(taking_in));
                worker_t.push(worker);
                all_t.push(start.elapsed());
            }
        }
    }
    (ui_t, worker_t, all_t)
}
