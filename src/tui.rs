//! Runs the interface: owns the terminal (restored on quit, error, panic, SIGTERM,
//! SIGHUP and across Ctrl-Z), turns terminal events into `App` calls, carries out
//! effects (background work on threads), and redraws only after something happened.

use crate::app::find::Hit;
use crate::app::{App, Effect, Keymap};
use crate::load::Corpus;
use crate::query::Query;
use crate::ui::{self, Theme};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use rayon::prelude::*;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

/// Something for the main loop.
enum Msg {
    Term(Event),
    Loading(ui::Loading),
    /// What is indexed so far.
    Snapshot(Box<Corpus>, ui::Loading),
    Loaded(Box<Result<Corpus, String>>),
    Done(Done),
    Signal(i32),
}

/// The result of background work.
enum Done {
    Search {
        generation: u64,
        query: Query,
        rows: Vec<u32>,
    },
    FiltersSaved(Result<(), String>),
    /// (entry, quotes located, quotes given).
    SpanCounts(Vec<(u32, u16, u16)>),
    /// A search is under way: candidates tested so far, of how many, matches so far.
    SearchProgress {
        generation: u64,
        done: usize,
        total: usize,
        found: usize,
    },
    Find {
        generation: u64,
        pattern: String,
        hits: Vec<Hit>,
    },
    Gap(crate::stats::gap::GapReport),
    Eval(EvalItems),
}

type EvalItems = Result<std::collections::BTreeMap<String, crate::stats::eval::Collected>, String>;

/// Does an effect's background work on the calling thread.
fn perform(
    corpus: &Corpus,
    effect: Effect,
    search_generation: u64,
    latest_find: &AtomicU64,
) -> Option<Done> {
    match effect {
        Effect::Search {
            query,
            mut certain,
            candidates,
            labels,
        } => {
            let p = query.prepare_with(corpus, labels.as_deref());
            certain.par_extend(
                candidates
                    .par_iter()
                    .copied()
                    .filter(|&i| p.matches(i as usize)),
            );
            Some(Done::Search {
                generation: search_generation,
                query,
                rows: certain,
            })
        }
        Effect::Find {
            pattern,
            generation,
        } => {
            let stale = || latest_find.load(Ordering::Relaxed) != generation;
            let hits = crate::app::find::search(corpus, &pattern, &stale)?;
            Some(Done::Find {
                generation,
                pattern,
                hits,
            })
        }
        Effect::SaveFilters { path, saved } => Some(Done::FiltersSaved(write_atomically(
            &path,
            &saved.to_toml(),
        ))),
        Effect::CountSpans(entries) => Some(Done::SpanCounts(
            entries
                .par_iter()
                .map(|&e| match corpus.transcript(e as usize) {
                    Ok(t) => {
                        let spans = crate::model::spans::resolve(&t).0;
                        let placed = spans
                            .iter()
                            .filter(|s| {
                                matches!(s.origin, crate::model::spans::Origin::Quote { .. })
                                    && !s.ranges.is_empty()
                            })
                            .count();
                        let quotes = t.verdicts.iter().map(|v| v.quote_count()).sum::<usize>();
                        (
                            e,
                            placed.min(usize::from(u16::MAX)) as u16,
                            quotes.min(usize::from(u16::MAX)) as u16,
                        )
                    }
                    Err(_) => (e, 0, 0),
                })
                .collect(),
        )),
        Effect::ComputeGap(opts) => Some(Done::Gap(crate::stats::gap::compute(corpus, &opts))),
        Effect::Evaluate(opts) => Some(Done::Eval(
            crate::stats::eval::collect(corpus, &opts).map(|(_, items)| items),
        )),
        Effect::LoadTranscript(_)
        | Effect::OpenJournal(_)
        | Effect::SaveLabel(_)
        | Effect::RecordSession(_)
        | Effect::Rescue(_) => None,
    }
}

/// Hands finished work to the app; superseded searches are dropped.
fn apply(app: &mut App, done: Done, search_generation: u64) -> Vec<Effect> {
    match done {
        Done::Search {
            generation,
            query,
            rows,
        } if generation == search_generation => app.on_search_done(query, rows),
        Done::Search { .. } => Vec::new(),
        Done::SearchProgress {
            generation,
            done,
            total,
            found,
        } if generation == search_generation => {
            app.on_search_progress(done, total, found);
            Vec::new()
        }
        Done::SearchProgress { .. } => Vec::new(),
        Done::SpanCounts(counts) => {
            app.on_span_counts(counts);
            Vec::new()
        }
        Done::FiltersSaved(result) => {
            app.on_filters_saved(result);
            Vec::new()
        }
        Done::Find {
            generation,
            pattern,
            hits,
        } => {
            app.on_find_results(generation, pattern, hits);
            Vec::new()
        }
        Done::Gap(report) => {
            app.on_gap(report);
            Vec::new()
        }
        Done::Eval(items) => {
            app.on_eval(items);
            Vec::new()
        }
    }
}

use crate::label_runner::Labeling;
use crate::labeling::write_atomically;

fn load(app: &mut App, i: u32) {
    let r = app.corpus.transcript(i as usize);
    app.on_transcript(i, r);
}

/// Carries out effects on the calling thread (for tests and scripts).
pub fn execute_sync(app: &mut App, effects: Vec<Effect>) {
    execute_sync_with(app, effects, &mut Labeling::none("no label journal"));
}

/// Carries out effects on the calling thread, labeling effects through `labeling`.
pub fn execute_sync_with(app: &mut App, effects: Vec<Effect>, labeling: &mut Labeling) {
    let mut queue = effects;
    while let Some(effect) = queue.pop() {
        let Some(effect) = labeling.perform(app, effect) else {
            continue;
        };
        if let Effect::LoadTranscript(i) = effect {
            load(app, i);
        } else {
            let find = AtomicU64::new(match &effect {
                Effect::Find { generation, .. } => *generation,
                _ => 0,
            });
            if let Some(done) = perform(&app.corpus.clone(), effect, 0, &find) {
                queue.extend(apply(app, done, 0));
            }
        }
        if queue.is_empty() {
            queue.extend(app.span_count_request());
        }
    }
}

/// Searches in chunks, reporting progress, and gives up once a newer search started.
fn search_in_background(
    corpus: &Corpus,
    effect: Effect,
    generation: u64,
    latest: &AtomicU64,
    tx: &mpsc::Sender<Msg>,
) {
    let Effect::Search {
        query,
        mut certain,
        candidates,
        labels,
    } = effect
    else {
        return;
    };
    let p = query.prepare_with(corpus, labels.as_deref());
    let total = candidates.len();
    // About twenty progress reports per search, at least a few thousand tests apart.
    let step = (total / 20).max(4096);
    for (k, chunk) in candidates.chunks(step).enumerate() {
        if latest.load(Ordering::Relaxed) != generation {
            return;
        }
        certain.par_extend(chunk.par_iter().copied().filter(|&i| p.matches(i as usize)));
        let done = (k * step + chunk.len()).min(total);
        let progress = Done::SearchProgress {
            generation,
            done,
            total,
            found: certain.len(),
        };
        if done < total && tx.send(Msg::Done(progress)).is_err() {
            return;
        }
    }
    let _ = tx.send(Msg::Done(Done::Search {
        generation,
        query,
        rows: certain,
    }));
}

/// Carries out effects, background work on threads that report to the main loop.
fn execute(
    app: &mut App,
    effects: Vec<Effect>,
    tx: &mpsc::Sender<Msg>,
    search_generation: &mut u64,
    latest: &Arc<AtomicU64>,
    latest_find: &Arc<AtomicU64>,
    labeling: &mut Labeling,
) {
    for effect in effects {
        let Some(effect) = labeling.perform(app, effect) else {
            continue;
        };
        if let Effect::LoadTranscript(i) = effect {
            load(app, i);
            continue;
        }
        let corpus = app.corpus.clone();
        let tx = tx.clone();
        if matches!(effect, Effect::Search { .. }) {
            *search_generation += 1;
            latest.store(*search_generation, Ordering::Relaxed);
            let (g, latest) = (*search_generation, latest.clone());
            std::thread::spawn(move || search_in_background(&corpus, effect, g, &latest, &tx));
        } else {
            if let Effect::Find { generation, .. } = &effect {
                latest_find.store(*generation, Ordering::Relaxed);
            }
            let latest_find = latest_find.clone();
            std::thread::spawn(move || {
                if let Some(done) = perform(&corpus, effect, 0, &latest_find) {
                    let _ = tx.send(Msg::Done(done));
                }
            });
        }
    }
}

/// Puts the terminal back as it was.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        crossterm::event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        terminal::EnterAlternateScreen,
        crossterm::event::EnableMouseCapture,
        crossterm::cursor::Hide
    )
}

/// Restores the terminal when dropped, whatever ends the loop.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn term_err(e: impl std::fmt::Display) -> String {
    format!("terminal: {e}")
}

/// Loads the corpus, calling the argument with what is indexed so far after each
/// batch.
pub type Loader = Box<
    dyn FnOnce(
            &mut dyn FnMut(crate::load::View<'_>, crate::load::Progress),
        ) -> Result<Corpus, String>
        + Send,
>;

/// Opens the interface at once and loads the corpus behind a progress screen. Returns
/// the exit status: 0, or 128 plus the signal that ended it.
/// Where saved filters live, and what was read from there.
pub struct SavedFilters {
    pub path: Option<std::path::PathBuf>,
    pub saved: crate::app::saved::Saved,
}

/// Everything the interface starts with besides the corpus.
pub struct Options {
    pub theme: Theme,
    pub keymap: Keymap,
    /// Start-up warnings (keymap, theme).
    pub warnings: Vec<String>,
    /// Seed of the random-transcript key.
    pub seed: u64,
    pub filters: SavedFilters,
    pub lexicon: crate::model::lexicon::Lexicon,
    pub labeling: Labeling,
}

pub fn run(loader: Loader, opts: Options) -> Result<i32, String> {
    let Options {
        theme,
        keymap,
        mut warnings,
        seed,
        filters,
        lexicon,
        mut labeling,
    } = opts;
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        default_hook(info);
    }));
    enter().map_err(term_err)?;
    let _guard = Guard;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout())).map_err(term_err)?;
    let (tx, rx) = mpsc::channel::<Msg>();
    spawn_input(tx.clone());
    spawn_signals(tx.clone())?;
    let loader_tx = tx.clone();
    std::thread::spawn(move || {
        let progress_tx = loader_tx.clone();
        let mut last_progress: Option<std::time::Instant> = None;
        let mut last_snapshot: Option<std::time::Instant> = None;
        let result = loader(&mut |view, progress| {
            let loading = ui::Loading {
                transcripts: view.len(),
                bytes_done: progress.bytes_done,
                bytes_total: progress.bytes_total,
            };
            // What is indexed so far, at once and then every 300 ms; progress every 100 ms.
            if last_snapshot.is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(300)) {
                last_snapshot = Some(std::time::Instant::now());
                let _ = progress_tx.send(Msg::Snapshot(Box::new(Corpus::snapshot(view)), loading));
            } else if last_progress
                .is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(100))
            {
                last_progress = Some(std::time::Instant::now());
                let _ = progress_tx.send(Msg::Loading(loading));
            }
        });
        let _ = loader_tx.send(Msg::Loaded(Box::new(result)));
    });
    // Until the first transcripts are indexed: a progress screen.
    let mut loading = ui::Loading::default();
    let (corpus, first_loading) = loop {
        terminal
            .draw(|f| ui::draw_loading(f, &loading, &theme))
            .map_err(term_err)?;
        match rx.recv() {
            Ok(Msg::Loading(l)) => loading = l,
            Ok(Msg::Snapshot(c, l)) => break (*c, Some(l)),
            Ok(Msg::Loaded(result)) => break ((*result)?, None),
            Ok(Msg::Term(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                let ctrl_c =
                    k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                if ctrl_c || keymap.action(&k) == Some(crate::app::Action::Quit) {
                    return Ok(0);
                }
            }
            Ok(Msg::Signal(sig)) => return Ok(128 + sig),
            Ok(_) => {}
            Err(_) => return Ok(0),
        }
    };
    if !corpus.problems.is_empty() {
        warnings.push(format!(
            "{} problem(s) in the input; run `afscope check` for details",
            corpus.problems.len()
        ));
    }
    let size = terminal.size().map_err(term_err)?;
    let mut app = App::new(Arc::new(corpus), keymap, seed);
    app.warnings = warnings;
    app.saved = filters.saved;
    app.filters_path = filters.path;
    app.lexicon = Arc::new(lexicon);
    app.indexing = first_loading.map(|l| l.percent());
    let mut search_generation = 0u64;
    let latest = Arc::new(AtomicU64::new(0));
    let latest_find = Arc::new(AtomicU64::new(0));
    let mut effects = app.on_resize(size.width, size.height);
    effects.extend(app.update_initial());
    if first_loading.is_none() {
        if let Some(setup) = labeling.start.take() {
            effects.extend(app.start_session(setup));
        }
    }
    loop {
        effects.extend(app.span_count_request());
        execute(
            &mut app,
            effects,
            &tx,
            &mut search_generation,
            &latest,
            &latest_find,
            &mut labeling,
        );
        terminal
            .draw(|f| ui::draw(f, &app, &theme))
            .map_err(term_err)?;
        if app.quit {
            return Ok(finish(&mut labeling, &app, 0));
        }
        let Ok(msg) = rx.recv() else {
            return Ok(finish(&mut labeling, &app, 0));
        };
        effects = match msg {
            Msg::Term(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                if k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) {
                    suspend(&mut terminal)?;
                    Vec::new()
                } else {
                    app.on_key(k)
                }
            }
            Msg::Term(Event::Resize(w, h)) => app.on_resize(w, h),
            Msg::Term(Event::Mouse(m)) => app.on_mouse(m),
            Msg::Loading(l) => {
                app.indexing = Some(l.percent());
                Vec::new()
            }
            Msg::Snapshot(c, l) => app.replace_corpus(Arc::new(*c), Some(l.percent())),
            Msg::Loaded(result) => {
                let corpus = (*result)?;
                if !corpus.problems.is_empty() {
                    app.warnings.push(format!(
                        "{} problem(s) in the input; run `afscope check` for details",
                        corpus.problems.len()
                    ));
                }
                let mut fx = app.replace_corpus(Arc::new(corpus), None);
                if let Some(setup) = labeling.start.take() {
                    fx.extend(app.start_session(setup));
                }
                fx
            }
            Msg::Term(_) => Vec::new(),
            Msg::Done(done) => apply(&mut app, done, search_generation),
            Msg::Signal(sig) => return Ok(finish(&mut labeling, &app, 128 + sig)),
        };
    }
}

/// Ends the interface: labels not yet on disk go to a rescue file, named on standard
/// error once the terminal is restored.
fn finish(labeling: &mut Labeling, app: &App, code: i32) -> i32 {
    labeling.rescue_app(app);
    if let Some(p) = &labeling.rescued {
        restore();
        eprintln!(
            "afscope: labels that could not be saved to the journal are in {}",
            p.display()
        );
    }
    code
}

fn spawn_input(tx: mpsc::Sender<Msg>) {
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(ev) => {
                if tx.send(Msg::Term(ev)).is_err() {
                    return;
                }
            }
            Err(_) => {
                let _ = tx.send(Msg::Signal(0));
                return;
            }
        }
    });
}

fn spawn_signals(tx: mpsc::Sender<Msg>) -> Result<(), String> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        .map_err(|e| format!("signals: {e}"))?;
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            let _ = tx.send(Msg::Signal(sig));
        }
    });
    Ok(())
}

/// Ctrl-Z: give the terminal back, stop, and take it again on resume.
fn suspend(terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> Result<(), String> {
    restore();
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
    enter().map_err(term_err)?;
    // A resize to the same size forces a full redraw; `clear` would query the cursor
    // position, whose answer the input thread would swallow.
    let size = terminal.size().map_err(term_err)?;
    terminal
        .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
        .map_err(term_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;

    fn demo_app() -> App {
        let corpus = crate::demo::open(&LoadOptions::default()).unwrap();
        App::new(Arc::new(corpus), Keymap::default(), 0)
    }

    /// Runs a search for `scratchpad:values` over `repeat` copies of its candidates as
    /// generation 7 while `latest` is current, and returns what it reported.
    fn background(app: &mut App, repeat: usize, latest: u64) -> Vec<Done> {
        let Effect::Search {
            query,
            certain,
            candidates,
            labels,
        } = app
            .apply_filter(Query::parse("scratchpad:values").unwrap())
            .remove(0)
        else {
            panic!("a text query needs a search")
        };
        let n = candidates.len() * repeat;
        let candidates: Vec<u32> = candidates.iter().copied().cycle().take(n).collect();
        let (tx, rx) = mpsc::channel();
        search_in_background(
            &app.corpus.clone(),
            Effect::Search {
                query,
                certain,
                candidates,
                labels,
            },
            7,
            &AtomicU64::new(latest),
            &tx,
        );
        drop(tx);
        rx.into_iter()
            .filter_map(|m| if let Msg::Done(d) = m { Some(d) } else { None })
            .collect()
    }

    #[test]
    fn background_search_reports_progress_then_the_result() {
        let mut app = demo_app();
        let msgs = background(&mut app, 1000, 7);
        let progress: Vec<(usize, usize, usize)> = msgs
            .iter()
            .filter_map(|d| {
                if let Done::SearchProgress {
                    done, total, found, ..
                } = d
                {
                    Some((*done, *total, *found))
                } else {
                    None
                }
            })
            .collect();
        assert!(progress.len() >= 3, "{progress:?}");
        assert!(progress
            .windows(2)
            .all(|w| w[0].0 < w[1].0 && w[0].2 <= w[1].2));
        assert!(matches!(
            msgs.last(),
            Some(Done::Search { generation: 7, .. })
        ));
        let (done, total, found) = progress[0];
        app.on_search_progress(done, total, found);
        assert!(
            app.message.as_deref().unwrap().starts_with("searching "),
            "{:?}",
            app.message
        );
    }

    #[test]
    fn a_newer_search_stops_the_older_one() {
        let mut app = demo_app();
        assert!(
            background(&mut app, 1, 8).is_empty(),
            "superseded: nothing reported"
        );
    }
}
