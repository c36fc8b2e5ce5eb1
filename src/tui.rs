//! Runs the interface: owns the terminal (restored on quit, error, panic, SIGTERM,
//! SIGHUP and across Ctrl-Z), turns terminal events into `App` calls, carries out
//! effects, and redraws only after something happened.

use crate::app::{App, Effect};
use crate::load::Corpus;
use crate::query::Query;
use crate::ui::{self, Theme};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use rayon::prelude::*;
use std::io::{self, Stdout};
use std::sync::mpsc;
use std::sync::Arc;

/// Something for the main loop.
enum Msg {
    Term(Event),
    SearchDone {
        generation: u64,
        query: Query,
        rows: Vec<u32>,
    },
    Signal(i32),
}

/// Carries out effects on the calling thread (for tests and small corpora).
pub fn execute_sync(app: &mut App, effects: Vec<Effect>) {
    let mut queue = effects;
    while let Some(effect) = queue.pop() {
        match effect {
            Effect::LoadTranscript(i) => {
                let r = app.corpus.transcript(i as usize);
                app.on_transcript(i, r);
            }
            Effect::Search {
                query,
                certain,
                candidates,
            } => {
                let rows = search(&app.corpus, &query, certain, &candidates);
                queue.extend(app.on_search_done(query, rows));
            }
        }
    }
}

fn search(corpus: &Corpus, query: &Query, mut certain: Vec<u32>, candidates: &[u32]) -> Vec<u32> {
    let p = query.prepare(corpus);
    let found: Vec<u32> = candidates
        .par_iter()
        .copied()
        .filter(|&i| p.matches(i as usize))
        .collect();
    certain.extend(found);
    certain
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

/// Opens the interface on a loaded corpus. Returns the exit status: 0, or 128 plus
/// the signal that ended it.
pub fn run(
    corpus: Corpus,
    theme: Theme,
    keymap: crate::app::Keymap,
    warnings: Vec<String>,
    seed: u64,
) -> Result<i32, String> {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        default_hook(info);
    }));
    enter().map_err(|e| format!("terminal: {e}"))?;
    let _guard = Guard;
    let mut terminal =
        Terminal::new(CrosstermBackend::new(io::stdout())).map_err(|e| format!("terminal: {e}"))?;
    let size = terminal.size().map_err(|e| format!("terminal: {e}"))?;
    let mut app = App::new(Arc::new(corpus), keymap, seed);
    app.warnings = warnings;
    let first = app.on_resize(size.width, size.height);
    let (tx, rx) = mpsc::channel::<Msg>();
    spawn_input(tx.clone());
    spawn_signals(tx.clone())?;
    let mut generation = 0u64;
    let mut effects = first;
    effects.extend(app.update_initial());
    loop {
        run_effects(&mut app, effects, &tx, &mut generation);
        draw(&mut terminal, &app, &theme)?;
        if app.quit {
            return Ok(0);
        }
        let Ok(msg) = rx.recv() else { return Ok(0) };
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
            Msg::Term(_) => Vec::new(),
            Msg::SearchDone {
                generation: g,
                query,
                rows,
            } if g == generation => app.on_search_done(query, rows),
            Msg::SearchDone { .. } => Vec::new(),
            Msg::Signal(sig) => return Ok(128 + sig),
        };
    }
}

fn draw(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &App,
    theme: &Theme,
) -> Result<(), String> {
    terminal
        .draw(|f| ui::draw(f, app, theme))
        .map(|_| ())
        .map_err(|e| format!("terminal: {e}"))
}

fn run_effects(app: &mut App, effects: Vec<Effect>, tx: &mpsc::Sender<Msg>, generation: &mut u64) {
    let mut queue = effects;
    while let Some(effect) = queue.pop() {
        match effect {
            Effect::LoadTranscript(i) => {
                let r = app.corpus.transcript(i as usize);
                app.on_transcript(i, r);
            }
            Effect::Search {
                query,
                certain,
                candidates,
            } => {
                *generation += 1;
                let g = *generation;
                let corpus = app.corpus.clone();
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let rows = search(&corpus, &query, certain, &candidates);
                    let _ = tx.send(Msg::SearchDone {
                        generation: g,
                        query,
                        rows,
                    });
                });
            }
        }
    }
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
    enter().map_err(|e| format!("terminal: {e}"))?;
    // A resize to the same size forces a full redraw; `clear` would query the cursor
    // position, whose answer the input thread would swallow.
    let size = terminal.size().map_err(|e| format!("terminal: {e}"))?;
    terminal
        .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
        .map_err(|e| format!("terminal: {e}"))
}
