//! The terminal itself: raw mode and the alternate screen taken and given back, a
//! guard that gives it back however the loop ends, and Ctrl-Z.

use crossterm::{execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};

/// Puts the terminal back as it was.
/// The terminal is in the interface's modes: `restore` gives it back once only, so a
/// message printed after an early restore is not followed by the sequences again.
static ENTERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn restore() {
    if !ENTERED.swap(false, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        crossterm::event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

pub(super) fn enter() -> io::Result<()> {
    #[cfg(unix)]
    bus::arm();
    ENTERED.store(true, std::sync::atomic::Ordering::SeqCst);
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        terminal::EnterAlternateScreen,
        crossterm::event::EnableMouseCapture,
        crossterm::cursor::Hide
    )
}

/// Restores the terminal when dropped, whatever ends the loop.
pub(super) struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

pub(super) fn term_err(e: impl std::fmt::Display) -> String {
    format!("terminal: {e}")
}

/// Carries out the effects on the terminal itself (the clipboard, the mouse) and
/// leaves the others.
pub(super) fn terminal_effects(effects: &mut Vec<crate::app::Effect>) {
    use crate::app::Effect;
    effects.retain(|e| match e {
        Effect::Copy(text) => {
            let _ = super::clipboard::copy(&mut io::stdout(), text);
            false
        }
        Effect::MouseCapture(on) => {
            let _ = mouse(*on);
            false
        }
        _ => true,
    });
}

fn mouse(on: bool) -> io::Result<()> {
    if on {
        execute!(io::stdout(), crossterm::event::EnableMouseCapture)
    } else {
        execute!(io::stdout(), crossterm::event::DisableMouseCapture)
    }
}

/// Ctrl-Z: give the terminal back, stop, and take it again on resume (the mouse as
/// it was).
pub(super) fn suspend(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    mouse_captured: bool,
) -> Result<(), String> {
    restore();
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
    enter().map_err(term_err)?;
    if !mouse_captured {
        mouse(false).map_err(term_err)?;
    }
    // A resize to the same size forces a full redraw; `clear` would query the cursor
    // position, whose answer the input thread would swallow.
    let size = terminal.size().map_err(term_err)?;
    terminal
        .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
        .map_err(term_err)
}

/// Draws one frame as a synchronized update: a terminal that knows the mode (DEC
/// 2026) shows the frame whole, never half painted over a slow SSH link; others
/// ignore the two markers.
pub(super) fn frame(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    draw: impl FnOnce(&mut ratatui::Frame),
) -> Result<(), String> {
    use std::io::Write;
    crossterm::queue!(terminal.backend_mut(), terminal::BeginSynchronizedUpdate)
        .map_err(term_err)?;
    terminal.draw(draw).map_err(term_err)?;
    execute!(terminal.backend_mut(), terminal::EndSynchronizedUpdate).map_err(term_err)?;
    terminal.backend_mut().flush().map_err(term_err)
}

/// A SIGBUS that the mapping guard does not cover (`load::input::guard`; a truncated
/// input is covered) ends the process: this gives the terminal back first (its
/// settings from before raw mode, the main screen, the cursor, the mouse) and says
/// why, with only async-signal-safe calls.
#[cfg(unix)]
mod bus {
    use std::sync::OnceLock;

    static SAVED: OnceLock<libc::termios> = OnceLock::new();

    const RESTORE: &[u8] = b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1049l\x1b[?25h";
    const SAID: &[u8] = b"afscope: bus error (SIGBUS) outside the guarded input files\n";

    extern "C" fn on_bus() {
        // SAFETY: tcsetattr and write are async-signal-safe; SAVED was set before
        // the hook was set and is only read here.
        unsafe {
            if let Some(t) = SAVED.get() {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t);
            }
            libc::write(libc::STDOUT_FILENO, RESTORE.as_ptr().cast(), RESTORE.len());
            libc::write(libc::STDERR_FILENO, SAID.as_ptr().cast(), SAID.len());
        }
    }

    /// Saves the terminal's settings and sets the hook (once).
    pub fn arm() {
        if SAVED.get().is_some() {
            return;
        }
        // SAFETY: an all-zero termios is valid for tcgetattr to fill.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fills `t` from standard input's terminal, if it is one.
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } != 0 {
            return;
        }
        let _ = SAVED.set(t);
        crate::load::input::guard::install();
        crate::load::input::guard::on_fatal(on_bus);
    }
}
