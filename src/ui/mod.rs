//! Drawing: read-only functions from `App` to a frame.

mod facets;
mod find;
mod help;
mod list;
mod reader;
mod status;
pub mod theme;

use crate::app::layout::{Area, Layout, MIN_HEIGHT, MIN_WIDTH};
use crate::app::{App, Mode};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;
pub use theme::Theme;

pub(crate) fn rect(a: Area) -> Rect {
    Rect {
        x: a.x,
        y: a.y,
        width: a.width,
        height: a.height,
    }
}

/// Draws the whole interface.
pub fn draw(frame: &mut Frame<'_>, app: &App, theme: &Theme) {
    let full = frame.area();
    match app.layout() {
        Layout::TooSmall => {
            let msg = format!(
                "terminal too small: {}×{}, need {MIN_WIDTH}×{MIN_HEIGHT}",
                full.width, full.height
            );
            let lines = vec![Line::from(msg), Line::from("q quits")];
            frame.render_widget(
                Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
                full,
            );
        }
        Layout::Main {
            list: l,
            reader: r,
            bar,
            status: s,
        } => {
            if let Some(l) = l {
                list::draw(frame, rect(l), app, theme);
            }
            reader::draw(frame, rect(r), app, theme);
            if let Some(b) = bar {
                status::draw_bar(frame, rect(b), app, theme);
            }
            status::draw(frame, rect(s), app, theme);
            match app.mode {
                Mode::Help => help::draw(frame, full, app, theme),
                Mode::Facets => facets::draw(frame, full, app, theme),
                Mode::Find => find::draw(frame, full, app, theme),

                _ => {}
            }
        }
    }
}
