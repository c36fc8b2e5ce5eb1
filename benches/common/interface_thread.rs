//! The interface thread's part of events that start longer work at 1M transcripts:
//! a snapshot taken in while loading (no filter, a field filter, a text filter), the
//! paired view and a `pair:` filter before pairs are built (by prompt index and by
//! the user turn's text), and moving the selection.
//! Work handed to workers is run in line and timed apart.

use super::measure::{ms, run_effects, stats};
use afscope::app::{Action, App, Keymap};
use afscope::load::Corpus;
use afscope::query::Query;
use afscope::tui::execute_sync;
use afscope::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One event: `event` on the interface thread with a frame, then its effects (the
/// interface thread's part of taking in their results counted too). Gives the
/// interface thread's longest part and everything in line.
fn event(
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    theme: &Theme,
    event: impl FnOnce(&mut App) -> Vec<afscope::app::Effect>,
) -> (Duration, Duration) {
    let start = Instant::now();
    let fx = event(app);
    term.draw(|f| ui::draw(f, app, theme)).unwrap();
    let first = start.elapsed();
    let (taking_in, _) = run_effects(app, fx, term, theme);
    term.draw(|f| ui::draw(f, app, theme)).unwrap();
    (first.max(taking_in), start.elapsed())
}

fn report(what: &str, times: Vec<(Duration, Duration)>) {
    let (ui_t, all_t): (Vec<_>, Vec<_>) = times.into_iter().unzip();
    let (med, max) = stats(ui_t);
    let (amed, _) = stats(all_t);
    println!(
        "  {what:<34} interface thread median {} max {}; in line {} (target < 16 ms)",
        ms(med),
        ms(max),
        ms(amed)
    );
}

pub fn measure(path: &std::path::Path, corpus: &Corpus, theme: &Theme) {
    println!(
        "interface thread at {} transcripts (median of 5):",
        corpus.len()
    );
    // What loading hands the interface: a snapshot of what is indexed, every sixth
    // of the file.
    let total = std::fs::metadata(path).unwrap().len();
    let mut snapshots = Vec::new();
    Corpus::open(
        &[path.to_path_buf()],
        &afscope::load::LoadOptions::default(),
        &mut |view, _, progress| {
            if progress.bytes_done * 6 / total.max(1) > snapshots.len() as u64 {
                snapshots.push(Arc::new(Corpus::snapshot(view)));
            }
            std::ops::ControlFlow::Continue(())
        },
    )
    .unwrap();
    let taken = Instant::now();
    snapshots.push(Arc::new(Corpus::snapshot(corpus.view())));
    println!(
        "  a snapshot of the whole index taken on the loader's thread: {} (snapshots come at most every 20x that, at least 300 ms apart)",
        ms(taken.elapsed())
    );
    println!(
        "  {} snapshots, {} to {} transcripts",
        snapshots.len(),
        snapshots[0].len(),
        corpus.len()
    );
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    // Snapshots while loading, with the filter the user typed after the first.
    for filter in ["", "model:opus tier:free", "scratchpad:/modify my values/"] {
        let mut app = App::new(snapshots[0].clone(), Keymap::default(), 0);
        app.indexing = Some(0);
        let fx = app.on_resize(120, 40);
        execute_sync(&mut app, fx);
        let fx = app.apply_filter(Query::parse(filter).unwrap());
        execute_sync(&mut app, fx);
        let times = snapshots[1..]
            .iter()
            .map(|c| {
                let c = c.clone();
                event(&mut app, &mut term, theme, |app| {
                    app.replace_corpus(c, Some(50))
                })
            })
            .collect();
        report(&format!("snapshot taken in, filter {filter:?}"), times);
    }
    pairs(corpus, theme, "pairs by prompt_index");
}

/// The paired view, moving in it and a `pair:` filter on a corpus that has not built
/// its pairs yet; and the workers' time to build them.
pub fn pairs(corpus: &Corpus, theme: &Theme, what: &str) {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let fresh = || Arc::new(Corpus::snapshot(corpus.view()));
    let start = Instant::now();
    let built = fresh().pairs().len();
    println!(
        "  {what}: built on a worker in {} ({built} pairs)",
        ms(start.elapsed())
    );
    let mut times = Vec::new();
    let mut filter_times = Vec::new();
    let mut moves = Vec::new();
    for _ in 0..5 {
        let mut app = App::new(fresh(), Keymap::default(), 0);
        let fx = app.on_resize(120, 40);
        execute_sync(&mut app, fx);
        let fx = app.update_initial();
        execute_sync(&mut app, fx);
        times.push(event(&mut app, &mut term, theme, |app| {
            app.update(Action::Pair)
        }));
        for _ in 0..4 {
            moves.push(event(&mut app, &mut term, theme, |app| {
                app.update(Action::Down)
            }));
        }
        let mut app = App::new(fresh(), Keymap::default(), 0);
        let fx = app.on_resize(120, 40);
        execute_sync(&mut app, fx);
        filter_times.push(event(&mut app, &mut term, theme, |app| {
            app.apply_filter(Query::parse("pair:any tier:free").unwrap())
        }));
    }
    report("  paired view opened", times);
    report("  pair:any tier:free filter", filter_times);
    report("  selection moved, paired view", moves);
}

/// The 1M corpus without its `prompt_index` fields: pairs come from the user turn's
/// text (written once under target/bench).
pub fn without_prompt_index(path: &std::path::Path) -> std::path::PathBuf {
    use std::io::{BufRead, Write};
    let out = path.with_file_name("million-small-1m-no-prompt-index.jsonl");
    if !out.exists() {
        eprintln!("generating {}...", out.display());
        let field = regex::Regex::new(r#""prompt_index":[0-9]+,"#).unwrap();
        let tmp = out.with_extension("tmp");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp).unwrap());
        for line in std::io::BufReader::new(std::fs::File::open(path).unwrap()).lines() {
            writeln!(w, "{}", field.replace(&line.unwrap(), "")).unwrap();
        }
        w.flush().unwrap();
        std::fs::rename(&tmp, &out).unwrap();
    }
    out
}
