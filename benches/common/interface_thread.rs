//! The interface thread's part of events that start longer work at 1M transcripts:
//! a snapshot taken in while loading (no filter, a field filter, a text filter), the
//! paired view and a `pair:` filter before pairs are built, and moving the selection.
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

pub fn measure(corpus: &Corpus, theme: &Theme) {
    println!(
        "interface thread at {} transcripts (median of 5):",
        corpus.len()
    );
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let fresh = || Arc::new(Corpus::snapshot(corpus.view()));
    // Snapshots while loading, with the filter the user typed meanwhile.
    for filter in ["", "model:opus tier:free", "scratchpad:/modify my values/"] {
        let mut app = App::new(fresh(), Keymap::default(), 0);
        let fx = app.on_resize(120, 40);
        execute_sync(&mut app, fx);
        let fx = app.apply_filter(Query::parse(filter).unwrap());
        execute_sync(&mut app, fx);
        let times = (0..5)
            .map(|_| {
                let c = fresh();
                event(&mut app, &mut term, theme, |app| {
                    app.replace_corpus(c, Some(50))
                })
            })
            .collect();
        report(&format!("snapshot taken in, filter {filter:?}"), times);
    }
    // Pairs, on a corpus that has not built them yet.
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
    report("paired view opened", times);
    report("pair:any tier:free filter", filter_times);
    report("selection moved, paired view", moves);
}
