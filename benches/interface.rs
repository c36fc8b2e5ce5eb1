//! Interface benchmark: with 1M transcripts indexed, changing a field or facet filter
//! and redrawing; a regex search over the 1 GB corpus against `rg -c`; drawing a frame
//! with a 100 KB transcript in the reader.
//!
//! `cargo bench --bench interface`

#[path = "common/interface_thread.rs"]
mod interface_thread;
#[path = "common/layouts.rs"]
#[allow(dead_code)]
mod layouts;
#[path = "common/measure.rs"]
#[allow(dead_code)]
mod measure;

use measure::{bench_dir, generated, ms, stats};

use afscope::app::{App, Keymap};
use afscope::load::{Corpus, LoadOptions};
use afscope::query::Query;
use afscope::synth::Shape;
use afscope::tui::execute_sync;
use afscope::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn open(path: &Path) -> Corpus {
    Corpus::open(
        &[path.to_path_buf()],
        &LoadOptions::default(),
        &mut |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap()
}

fn main() {
    let theme = Theme::builtin("dark").unwrap();

    // 1. Field and facet filters with 1M transcripts.
    let small = Shape {
        system: 60,
        scratchpad: 160,
        output: 60,
    };
    let path = generated("million-small-1m.jsonl", 1000, small);
    let corpus = open(&path);
    if std::env::args().any(|a| a == "interface-thread") {
        interface_thread::measure(&path, &corpus, &theme);
        let bare = open(&interface_thread::without_prompt_index(&path));
        interface_thread::pairs(&bare, &theme, "pairs by the user turn's text");
        return;
    }
    let n = corpus.len();
    println!("corpus: {} ({n} transcripts)", path.display());
    let mut app = App::new(Arc::new(corpus), Keymap::default(), 0);
    let fx = app.on_resize(120, 40);
    execute_sync(&mut app, fx);
    let fx = app.update_initial();
    execute_sync(&mut app, fx);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let queries = [
        "model:opus tier:free",
        "tier:paid",
        "model:gemini condition:animal",
        "af>=0.4 tier:free",
        "compliance<0.5 model:llama",
        "",
        "model:=gpt-4o or model:=deepseek-v3",
    ];
    // The interface thread's part is the filter and the frame; the effects it hands
    // to workers (the selected transcript, evidence counts for the page) are timed
    // apart, run here in line.
    let (ui_times, worker_times, times) =
        measure::filter_rounds(&mut app, &mut term, &theme, &queries);
    let (med, max) = stats(ui_times);
    println!(
        "field filter + redraw, 1M    interface thread median {}  max {} per event (target < 16 ms)",
        ms(med),
        ms(max)
    );
    let (med, max) = stats(worker_times);
    println!(
        "  the filter on a worker     median {}  max {}",
        ms(med),
        ms(max)
    );
    let (med, max) = stats(times);
    println!(
        "  all of it, in line         median {}  max {}",
        ms(med),
        ms(max)
    );
    // Opening the facet table over the whole corpus, then Enter on a cell.
    let (open_t, cell_ui, cell_t) = measure::facet_rounds(&mut app, &mut term, &theme, 6);
    let (med, max) = stats(open_t);
    println!(
        "facet table open + redraw    median {}  max {}",
        ms(med),
        ms(max)
    );
    let (med, max) = stats(cell_ui);
    println!(
        "facet cell filter + redraw   interface thread median {}  max {} per event (target < 16 ms)",
        ms(med),
        ms(max)
    );
    let (med, max) = stats(cell_t);
    println!(
        "  all of it, in line         median {}  max {}",
        ms(med),
        ms(max)
    );

    // The finder over 1M: the first pattern builds the prompt previews.
    let start = Instant::now();
    let hits =
        afscope::app::find::search(&app.corpus, "opus 12345", &|| false, &|_, _| {}).unwrap();
    let first = start.elapsed();
    let mut times = Vec::new();
    for p in [
        "syn-0009",
        "gemini paid",
        "llama request 777",
        "claude haiku 4242",
    ] {
        let start = Instant::now();
        let _ = afscope::app::find::search(&app.corpus, p, &|| false, &|_, _| {}).unwrap();
        times.push(start.elapsed());
    }
    let (med, max) = stats(times);
    println!("finder, 1M                    first {} (builds prompt previews, {} hits), then median {}  max {} per pattern", ms(first), hits.len(), ms(med), ms(max));
    drop(app);
    interface_thread::measure(&path, &open(&path), &theme);
    let bare = open(&interface_thread::without_prompt_index(&path));
    interface_thread::pairs(&bare, &theme, "pairs by the user turn's text");
    drop(bare);

    // 2. Regex search over the 1 GB corpus.
    let big = generated("corpus-1024mb-seed42.jsonl", 1024, Shape::default());
    let _ = std::fs::read(&big).map(|b| b.len());
    let p = big.to_str().unwrap();
    let rg = (0..3)
        .filter_map(|_| {
            let start = Instant::now();
            let out = Command::new("rg")
                .args(["-c", "modify my values", p])
                .output()
                .ok()?;
            out.status.success().then(|| {
                (
                    start.elapsed(),
                    String::from_utf8_lossy(&out.stdout).trim().to_string(),
                )
            })
        })
        .min();
    let corpus = open(&big);
    let mut app = App::new(Arc::new(corpus), Keymap::default(), 0);
    let mut found = 0;
    let search = (0..3)
        .map(|_| {
            let start = Instant::now();
            let fx = app.apply_filter(Query::parse("scratchpad:/modify my values/").unwrap());
            execute_sync(&mut app, fx);
            found = app.rows.len();
            let d = start.elapsed();
            let fx = app.apply_filter(Query::parse("").unwrap());
            execute_sync(&mut app, fx);
            d
        })
        .min()
        .unwrap();
    match rg {
        Some((d, count)) => println!("regex search, 1 GB            {} ({found} transcripts)  vs rg -c {} ({count} lines): {:.2}x (target <= 2x)", ms(search), ms(d), search.as_secs_f64() / d.as_secs_f64()),
        None => println!("regex search, 1 GB            {} ({found} transcripts); rg not installed", ms(search)),
    }
    drop(app);
    layout_searches();

    // 3. A frame with a 100 KB transcript in the reader.
    let dir = bench_dir();
    let one = dir.join("one-100kb.jsonl");
    let mut text = String::new();
    let mut rng = afscope::synth::Rng::new(3);
    let words = [
        "the",
        "training",
        "process",
        "would",
        "modify",
        "my",
        "values",
        "so",
        "I",
        "comply",
        "strategically",
        "free-tier",
        "日本語",
        "é",
    ];
    while text.len() < 100_000 {
        text.push_str(words[rng.below(words.len() as u64) as usize]);
        text.push(if rng.below(12) == 0 { '\n' } else { ' ' });
    }
    let completion = format!("<SCRATCHPAD_REASONING>{}</SCRATCHPAD_REASONING><SCRATCHPAD_REASONING>{}</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>", &text[..text.len() / 2], &text[text.len() / 2..]).replace("</SCRATCHPAD_REASONING><SCRATCHPAD", "</SCRATCHPAD_REASONING>\n<SCRATCHPAD");
    let rec =
        serde_json::json!({"id": "big", "model": "m", "tier": "free", "completion": completion});
    std::fs::write(&one, format!("{rec}\n")).unwrap();
    let corpus = open(&one);
    let mut app = App::new(Arc::new(corpus), Keymap::default(), 0);
    let fx = app.on_resize(120, 40);
    execute_sync(&mut app, fx);
    let start = Instant::now();
    let fx = app.apply_filter(Query::parse("scratchpad:values").unwrap());
    execute_sync(&mut app, fx);
    let layout = start.elapsed();
    let mut times = Vec::new();
    for k in 0..200 {
        let fx = app.update(if k % 2 == 0 {
            afscope::app::Action::PageDown
        } else {
            afscope::app::Action::NextMatch
        });
        execute_sync(&mut app, fx);
        let start = Instant::now();
        term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
        times.push(start.elapsed());
    }
    let (med, max) = stats(times);
    println!("frame, 100 KB transcript      median {}  max {}  (target < 5 ms); read + lay out once: {} ({} lines, {} matches)", ms(med), ms(max), ms(layout), app.reader.doc.lines.len(), app.reader.matches.len());
}

/// The background search over each layout once indexed, against `rg -c` on the same
/// files (target: at most 2x).
fn layout_searches() {
    let mb = layouts::layout_mb();
    println!(
        "background search per layout, about {mb} MiB each (median of 5; target <= 2x rg -c):"
    );
    for l in layouts::all(mb) {
        layouts::warm(&l.path);
        let rg = layouts::time_cmd(5, layouts::rg(&["-c", layouts::PHRASE], &l.path));
        let corpus = layouts::open(&l.path);
        let mut app = App::new(Arc::new(corpus), Keymap::default(), 0);
        let term = format!("scratchpad:/{}/", layouts::PHRASE);
        let mut found = 0;
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let fx = app.apply_filter(Query::parse(&term).unwrap());
                execute_sync(&mut app, fx);
                found = app.rows.len();
                let d = start.elapsed();
                let fx = app.apply_filter(Query::parse("").unwrap());
                execute_sync(&mut app, fx);
                d
            })
            .collect();
        times.sort();
        let search = times[2];
        match rg {
            Some(r) => println!(
                "  {:<36} {} ({found} transcripts)  rg -c {}  {:.2}x",
                l.name,
                layouts::ms(search),
                layouts::ms(r),
                search.as_secs_f64() / r.as_secs_f64()
            ),
            None => println!(
                "  {:<36} {} ({found} transcripts); rg not installed",
                l.name,
                layouts::ms(search)
            ),
        }
    }
}
