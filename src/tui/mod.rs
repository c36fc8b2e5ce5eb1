//! Runs the interface: owns the terminal (restored on quit, error, panic, SIGTERM,
//! SIGHUP and across Ctrl-Z), turns terminal events into `App` calls, carries out
//! effects (background work on threads), and redraws only after something happened.

pub mod clipboard;
mod follow;
pub mod label_runner;
mod terminal;
mod work;

pub use follow::{Follow, Inputs};
pub use terminal::restore;
pub use work::{execute_sync, execute_sync_with, search_in_two};

use crate::app::{App, Effect, Keymap};
use crate::load::Corpus;
use crate::ui::{self, Theme};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use label_runner::Labeling;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc;
use std::sync::Arc;
use terminal::{enter, frame, suspend, term_err, Guard};
use work::{apply, execute, Done};

/// Something for the main loop.
enum Msg {
    Term(Event),
    Loading(ui::Loading),
    /// What is indexed so far.
    Snapshot(Box<Corpus>, ui::Loading),
    Loaded(Box<Result<Corpus, String>>),
    /// Input files changed in a way only a reload shows (one line each).
    Changed(Vec<String>),
    /// Records appended and new files, indexed.
    Grown(Box<follow::Grown>),
    /// The inputs read again, with the ids the app asked to find in them.
    Reloaded(Box<Reread>),
    Done(Done),
    Signal(i32),
}

/// The inputs read again (or why not), and the ids found in them.
type Reread = (Result<Arc<Corpus>, String>, Option<crate::app::FoundIds>);

/// Loads the corpus, calling the argument with what is indexed so far after each
/// batch.
/// Called again to reload.
pub type Loader = Arc<
    dyn Fn(&mut dyn FnMut(crate::load::View<'_>, crate::load::Progress)) -> Result<Corpus, String>
        + Send
        + Sync,
>;

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
    /// The filter to open with (`-q`, or the study's).
    pub filter: Option<crate::query::Query>,
    /// The gap panel's baseline condition (`--baseline`).
    pub baseline: Option<String>,
    /// The inputs to watch for changes (none for the demo).
    pub follow: Option<Follow>,
}

/// Opens the interface at once and loads the corpus behind a progress screen. Returns
/// the exit status: 0, or 128 plus the signal that ended it.
pub fn run(loader: Loader, opts: Options) -> Result<i32, String> {
    let Options {
        theme,
        keymap,
        mut warnings,
        seed,
        filters,
        lexicon,
        mut labeling,
        filter,
        baseline,
        follow,
    } = opts;
    let mut follow = follow;
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
    let first_load = loader.clone();
    std::thread::spawn(move || {
        let progress_tx = loader_tx.clone();
        let mut last_progress: Option<std::time::Instant> = None;
        let mut last_snapshot: Option<std::time::Instant> = None;
        // Taking a snapshot copies the index so far: at most a twentieth of the
        // loader's time goes to it, however large the index grows.
        let mut snapshot_gap = std::time::Duration::from_millis(300);
        let result = first_load(&mut |view, progress| {
            let loading = ui::Loading {
                transcripts: view.len(),
                bytes_done: progress.bytes_done,
                bytes_total: progress.bytes_total,
            };
            // What is indexed so far, at once and then every 300 ms or more; progress every
            // 100 ms.
            if last_snapshot.is_none_or(|t| t.elapsed() >= snapshot_gap) {
                let taken = std::time::Instant::now();
                let snapshot = Corpus::snapshot(view);
                snapshot_gap = snapshot_gap.max(taken.elapsed() * 20);
                last_snapshot = Some(std::time::Instant::now());
                let _ = progress_tx.send(Msg::Snapshot(Box::new(snapshot), loading));
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
        frame(&mut terminal, |f| ui::draw_loading(f, &loading, &theme))?;
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
    let loaded = first_loading.is_none();
    let corpus = Arc::new(corpus);
    let shown = Arc::new(std::sync::Mutex::new(follow::Shown {
        generation: 0,
        corpus: corpus.clone(),
    }));
    let mut app = App::new(corpus, keymap, seed);
    app.follow = follow.as_ref().is_some_and(|f| f.on);
    if loaded {
        if let Some(f) = follow.take() {
            follow::spawn(f, shown.clone(), tx.clone());
        }
    }
    app.warnings = warnings;
    app.saved = filters.saved;
    app.filters_path = filters.path;
    app.lexicon = Arc::new(lexicon);
    app.gap_baseline = baseline;
    app.indexing = first_loading.map(|l| l.percent());
    let mut search_generation = 0u64;
    let latest = Arc::new(AtomicU64::new(0));
    let latest_find = Arc::new(AtomicU64::new(0));
    let mut effects = app.on_resize(size.width, size.height);
    effects.extend(app.update_initial());
    if let Some(q) = filter {
        effects.extend(app.apply_filter(q));
    }
    if first_loading.is_none() {
        if let Some(setup) = labeling.start.take() {
            label_runner::start_session(
                &mut app,
                &mut labeling,
                label_runner::SessionFrom::Setup(Box::new(setup)),
                &tx,
            );
        }
    }
    loop {
        effects.extend(app.span_count_request());
        if let Some(k) = effects.iter().position(|e| matches!(e, Effect::Reload)) {
            effects.remove(k);
            reload(&loader, &tx, app.reload_lookups());
        }
        terminal::terminal_effects(&mut effects);
        execute(
            &mut app,
            effects,
            &tx,
            &mut search_generation,
            &latest,
            &latest_find,
            &mut labeling,
        );
        frame(&mut terminal, |f| ui::draw(f, &app, &theme))?;
        if app.quit {
            return Ok(finish(&mut labeling, &app, 0));
        }
        let Ok(msg) = rx.recv() else {
            return Ok(finish(&mut labeling, &app, 0));
        };
        effects = match msg {
            Msg::Term(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                if k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) {
                    suspend(&mut terminal, app.mouse_captured)?;
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
                let corpus = Arc::new(corpus);
                if let Ok(mut s) = shown.lock() {
                    s.generation += 1;
                    s.corpus = corpus.clone();
                }
                if let Some(f) = follow.take() {
                    follow::spawn(f, shown.clone(), tx.clone());
                }
                let fx = app.replace_corpus(corpus, None);
                if let Some(setup) = labeling.start.take() {
                    label_runner::start_session(
                        &mut app,
                        &mut labeling,
                        label_runner::SessionFrom::Setup(Box::new(setup)),
                        &tx,
                    );
                }
                fx
            }
            Msg::Changed(lines) => {
                app.on_changed(lines);
                Vec::new()
            }
            Msg::Grown(g) => {
                let current = shown.lock().map(|s| s.generation).unwrap_or(0);
                if g.generation == current {
                    app.on_grown(g.corpus, &g.growth)
                } else {
                    Vec::new()
                }
            }
            Msg::Reloaded(result) => {
                app.indexing = None;
                // Compared by address only: the corpus let go of is freed by the
                // effects, off this thread, and is alive until then.
                let before = Arc::as_ptr(&app.corpus);
                let (result, found) = *result;
                let mut fx = app.on_reloaded_found(result, found);
                // Followed from now on only if taken (a session may set it aside).
                if !std::ptr::eq(before, Arc::as_ptr(&app.corpus)) {
                    if let Ok(mut s) = shown.lock() {
                        s.generation += 1;
                        let was = std::mem::replace(&mut s.corpus, app.corpus.clone());
                        fx.push(crate::app::Effect::Discard(crate::app::Discarded::of(was)));
                    }
                }
                fx
            }
            Msg::Term(_) => Vec::new(),
            Msg::Done(done) => apply(&mut app, done, search_generation, &mut labeling),
            Msg::Signal(sig) => return Ok(finish(&mut labeling, &app, 128 + sig)),
        };
    }
}

/// Ends the interface: labels not yet on disk go to a rescue file, named on standard
/// error once the terminal is restored.
fn finish(labeling: &mut Labeling, app: &App, code: i32) -> i32 {
    labeling.rescue_app(app);
    if let Some(said) = labeling.farewell() {
        restore();
        eprintln!("afscope: {said}");
    }
    if let Some(p) = &labeling.rescued {
        restore();
        eprintln!(
            "afscope: labels that could not be saved to the journal are in {}",
            p.display()
        );
    }
    if let Some((why, events)) = &labeling.rescue_failed {
        restore();
        eprintln!(
            "afscope: {} label event(s) could not be saved to the journal, nor to a rescue file ({}); they follow, one JSON line each:",
            events.len(),
            crate::model::sanitize::visible(why, false)
        );
        for e in events {
            eprint!("{}", crate::model::sanitize::json_safe(&e.line()));
        }
        return code.max(1);
    }
    code
}

/// Reads the inputs again on a thread, with progress in the status line, and finds
/// there the ids the app will look for in them.
fn reload(loader: &Loader, tx: &mpsc::Sender<Msg>, lookups: crate::app::ReloadLookups) {
    let (loader, tx) = (loader.clone(), tx.clone());
    std::thread::spawn(move || {
        let mut last = std::time::Instant::now();
        let progress_tx = tx.clone();
        let result = loader(&mut |view, progress| {
            if last.elapsed() >= std::time::Duration::from_millis(100) {
                last = std::time::Instant::now();
                let _ = progress_tx.send(Msg::Loading(ui::Loading {
                    transcripts: view.len(),
                    bytes_done: progress.bytes_done,
                    bytes_total: progress.bytes_total,
                }));
            }
        });
        // The ids the app looks for are found here, not on the interface thread.
        let result = result.map(Arc::new);
        let found = result.as_ref().ok().map(|c| lookups.find(c.clone()));
        let _ = tx.send(Msg::Reloaded(Box::new((result, found))));
    });
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
