//! Labeling benchmark: replaying a 100,000-event journal; starting sessions over 1M
//! transcripts (the whole view, stratified: the interface thread's part and the
//! worker's); a label key to the label on disk (write and fsync included); a frame
//! while labeling; a session carried over a reload by id.
//!
//! `cargo bench --bench labeling`

use afscope::app::session::SessionSetup;
use afscope::app::session_start::build_session;
use afscope::app::{App, Keymap};
use afscope::labeling::queue::{QueueMode, QueueSpec};
use afscope::load::{Corpus, LoadOptions};
use afscope::model::journal::{Event, Replay};
use afscope::model::LabelRecord;
use afscope::synth::Shape;
use afscope::tui::execute_sync_with;
use afscope::tui::label_runner::Labeling;
use afscope::ui::{self, Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn bench_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], *v.last().unwrap())
}

fn spec(mode: QueueMode, blind: bool) -> QueueSpec {
    QueueSpec {
        mode,
        query: None,
        blind,
        target: None,
    }
}

fn main() {
    // 1. Replay.
    let mut text = String::new();
    for i in 0..100_000u64 {
        let mut values = serde_json::Map::new();
        values.insert("af".into(), if i % 3 == 0 { "yes" } else { "no" }.into());
        values.insert("compliance".into(), "full".into());
        let label = LabelRecord {
            transcript_id: format!("model-{}/cond/p{}/free", i % 7, i / 2),
            labeler: format!("labeler-{}", i % 3),
            time: "2026-11-22T10:00:00.000Z".into(),
            schema: 1,
            source: Some(format!("runs/a.jsonl:{i}")),
            shown: Some(serde_json::json!({"af_votes": 0.45})),
            values,
        };
        text.push_str(&Event::Set { seq: i + 1, label }.line());
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let r = Replay::parse(&text);
        times.push(t.elapsed());
        assert_eq!(r.events.len(), 100_000);
    }
    let (med, max) = stats(times);
    println!(
        "replay of a 100,000-event journal ({:.1} MB): median {}, max {}",
        text.len() as f64 / 1e6,
        ms(med),
        ms(max)
    );

    // 2. Sessions over 1M transcripts.
    let path = bench_dir().join("million-small-1m.jsonl");
    if !path.exists() {
        eprintln!("generating {}...", path.display());
        let tmp = path.with_extension("tmp");
        let small = Shape {
            system: 60,
            scratchpad: 160,
            output: 60,
        };
        afscope::synth::write_file(&tmp, 1000 * 1024 * 1024, 42, small).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    let corpus = Corpus::open(
        std::slice::from_ref(&path),
        &LoadOptions::default(),
        &mut |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    println!("corpus: {} ({} transcripts)", path.display(), corpus.len());
    let corpus = Arc::new(corpus);
    let journal = bench_dir().join("labeling-bench.journal.jsonl");
    let _ = std::fs::remove_file(&journal);
    let mut labeling = Labeling {
        journal_path: Ok(journal.clone()),
        labeler: "bench".into(),
        ..Labeling::none("")
    };
    let theme = Theme::builtin("dark").unwrap();
    let mut term = Terminal::new(TestBackend::new(140, 40)).unwrap();
    for (name, mode, blind) in [
        ("the whole view", QueueMode::View, false),
        (
            "stratified 50 per model × tier, blind",
            QueueMode::Stratified {
                seed: 1,
                per_stratum: 50,
                buckets: 1,
            },
            true,
        ),
    ] {
        let mut app = App::new(corpus.clone(), Keymap::default(), 0);
        let fx = app.on_resize(140, 40);
        execute_sync_with(&mut app, fx, &mut labeling);
        // The interface thread takes the view as it is and, later, the session built;
        // the journal's replay and the build run on a worker.
        let t = Instant::now();
        let spec = spec(mode, blind);
        let base = app.session_base(&spec);
        let asked = t.elapsed();
        let t = Instant::now();
        let setup: SessionSetup = labeling.open(spec, false).unwrap();
        let built = build_session(app.corpus.clone(), base, setup);
        let worker = t.elapsed();
        let t = Instant::now();
        let fx = app.take_session(built);
        term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
        let start = asked.max(t.elapsed());
        execute_sync_with(&mut app, fx, &mut labeling);
        let items = app.session.as_ref().unwrap().queue.items.len();
        // 3. A label key to the label on disk, and a frame after it.
        let mut keys = Vec::new();
        let mut frames = Vec::new();
        for k in 0..200 {
            let c = ['a', 'x', 'u'][k % 3];
            let t = Instant::now();
            let fx = app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            execute_sync_with(&mut app, fx, &mut labeling);
            keys.push(t.elapsed());
            let t = Instant::now();
            term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
            frames.push(t.elapsed());
        }
        assert_eq!(app.session.as_ref().unwrap().labelled(), 200);
        let (km, kx) = stats(keys);
        let (fm, fx_) = stats(frames);
        println!(
            "session over {name}: {items} items; start: interface thread {} (target < 16 ms), worker {}; label key to fsync'd and shown: median {}, max {}; frame: median {}, max {}",
            ms(start),
            ms(worker),
            ms(km),
            ms(kx),
            ms(fm),
            ms(fx_)
        );
        // A reload carries the session over by id: the ids are found on the thread
        // that read the files, then the interface thread takes the corpus in.
        // The interface thread hands the session's ids and queue to the reload
        // (`reload_lookups`), and takes the corpus and the renumbered queue in.
        let t = Instant::now();
        let lookups = app.reload_lookups();
        let handing = t.elapsed();
        let t = Instant::now();
        let found = lookups.find(app.corpus.clone());
        let finding = t.elapsed();
        let t = Instant::now();
        let fx = app.on_reloaded_found(Ok(app.corpus.clone()), Some(found));
        term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
        let taking = t.elapsed() + handing;
        execute_sync_with(&mut app, fx, &mut labeling);
        println!(
            "  a reload carrying the session over by id: interface thread {}, the ids found and the queue renumbered on the reload's thread {} ({})",
            ms(taking),
            ms(finding),
            app.message.as_deref().unwrap_or("")
        );
        let fx = app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        execute_sync_with(&mut app, fx, &mut labeling);
    }
}
