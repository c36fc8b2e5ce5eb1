//! Load benchmark at scale: 10M transcripts of a few hundred bytes (first screen,
//! field filter, facet cell and redraw, index bytes per transcript, memory), and a
//! 10 GB file indexed (time, peak memory).
//!
//! `cargo bench --bench load` (AFSCOPE_LOAD_TRANSCRIPTS and AFSCOPE_LOAD_BIG_GB size it
//! down; about 14 GB of corpora are written to target/bench once).

#[path = "common/measure.rs"]
#[allow(dead_code)]
mod measure;

use afscope::app::{Action, App, Keymap};
use afscope::load::{Corpus, LoadOptions};
use afscope::synth::Shape;
use afscope::tui::execute_sync;
use afscope::ui::{self, Theme};
use measure::{generated_bytes, memory_mib, ms, stats};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const SMALL: Shape = Shape {
    system: 20,
    scratchpad: 60,
    output: 20,
};

fn main() {
    if std::env::args().any(|a| a == "big-file-only") {
        big_file();
        return;
    }
    let theme = Theme::builtin("dark").unwrap();
    let want = env_or("AFSCOPE_LOAD_TRANSCRIPTS", 10_000_000);
    // Bytes per small transcript, from a sample, to size the corpus to `want`.
    let sample = generated_bytes("load-sample.jsonl", 4 << 20, SMALL);
    let lines = std::fs::read(&sample)
        .unwrap()
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64;
    let per = (4u64 << 20) / lines.max(1);
    let path = generated_bytes(&format!("load-{want}.jsonl"), want * per, SMALL);
    let _ = std::fs::read(&path).map(|b| b.len());
    let size = std::fs::metadata(&path).unwrap().len();

    // 1. The first screen: the interface draws what the first batch indexed.
    let start = Instant::now();
    let mut first: Option<Duration> = None;
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let corpus = Corpus::open(
        std::slice::from_ref(&path),
        &LoadOptions::default(),
        &mut |view, _, _| {
            if first.is_none() {
                let mut app = App::new(Arc::new(Corpus::snapshot(view)), Keymap::default(), 0);
                let fx = app.on_resize(120, 40);
                execute_sync(&mut app, fx);
                term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
                first = Some(start.elapsed());
            }
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    let indexed = start.elapsed();
    let n = corpus.len();
    let per_entry = corpus.index.heap_bytes() as f64 / n as f64;
    let (peak, anon) = memory_mib();
    println!(
        "corpus: {} ({:.2} GB, {n} transcripts, {} B each)",
        path.display(),
        size as f64 / 1e9,
        size / n as u64
    );
    println!(
        "first screen                 {} (target <= 100 ms)",
        ms(first.unwrap())
    );
    println!(
        "indexed                      {:.2} s; index {:.1} B per transcript (target <= 64 B); peak RSS {peak} MiB, anonymous {anon} MiB",
        indexed.as_secs_f64(),
        per_entry
    );

    // 2. Field filters, a facet cell and redraws at this size.
    let mut app = App::new(Arc::new(corpus), Keymap::default(), 0);
    let fx = app.on_resize(120, 40);
    execute_sync(&mut app, fx);
    let fx = app.update_initial();
    execute_sync(&mut app, fx);
    let queries = [
        "model:opus tier:free",
        "tier:paid",
        "model:gemini condition:animal",
        "af>=0.4 tier:free",
        "",
    ];
    let (ui_t, worker_t, all_t) = measure::filter_rounds(&mut app, &mut term, &theme, &queries);
    for (k, q) in queries.iter().enumerate() {
        let mine: Vec<Duration> = all_t
            .iter()
            .skip(k)
            .step_by(queries.len())
            .copied()
            .collect();
        let (med, max) = stats(mine);
        let worker: Vec<Duration> = worker_t
            .iter()
            .skip(k)
            .step_by(queries.len())
            .copied()
            .collect();
        println!(
            "  {:<30} worker {}; in line median {} max {}",
            format!("{q:?}"),
            ms(stats(worker).0),
            ms(med),
            ms(max)
        );
    }
    let (med, max) = stats(ui_t);
    let (amed, amax) = stats(all_t);
    println!(
        "field filter + redraw        interface thread median {} max {}; in line (the filter on a worker too) median {} max {} (target <= 50 ms)",
        ms(med), ms(max), ms(amed), ms(amax)
    );
    let (open_t, cell_ui, cell_all) = measure::facet_rounds(&mut app, &mut term, &theme, 4);
    let (omed, omax) = stats(open_t);
    let (med, max) = stats(cell_ui);
    let (amed, amax) = stats(cell_all);
    println!(
        "facet table open + redraw    median {} max {}",
        ms(omed),
        ms(omax)
    );
    println!(
        "facet cell + redraw          interface thread median {} max {}; in line median {} max {} (target <= 50 ms)",
        ms(med), ms(max), ms(amed), ms(amax)
    );
    let mut redraw = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let fx = app.update(Action::Down);
        execute_sync(&mut app, fx);
        term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
        redraw.push(start.elapsed());
    }
    let (med, max) = stats(redraw);
    println!(
        "move + redraw                median {} max {} (target <= 50 ms)",
        ms(med),
        ms(max)
    );
    drop(app);
    // 3. In a process of its own, so that its peak memory is its own.
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("big-file-only")
        .status()
        .unwrap();
    assert!(status.success());
}

/// A 10 GB file of ~6 KB transcripts, indexed.
fn big_file() {
    let gb = env_or("AFSCOPE_LOAD_BIG_GB", 10);
    let big = generated_bytes(&format!("load-{gb}gb.jsonl"), gb << 30, Shape::default());
    let start = Instant::now();
    let corpus = Corpus::open(
        std::slice::from_ref(&big),
        &LoadOptions::default(),
        &mut |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    let took = start.elapsed();
    let (peak, anon) = memory_mib();
    println!(
        "{gb} GB file                   indexed in {:.2} s, {} transcripts; peak RSS of this process {peak} MiB (file pages included), anonymous {anon} MiB",
        took.as_secs_f64(),
        corpus.len()
    );
}
