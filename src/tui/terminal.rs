//! The terminal itself: raw mode and the alternate screen taken and given back, a
//! guard that gives it back however the loop ends, and Ctrl-Z.

use crossterm::{execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};

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

pub(super) fn enter() -> io::Result<()> {
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

/// Ctrl-Z: give the terminal back, stop, and take it again on resume.
pub(super) fn suspend(terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> Result<(), String> {
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
