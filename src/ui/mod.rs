//! Drawing: read-only functions from `App` to a frame.

mod eval;
mod facets;
mod find;
pub mod fit;
mod gap;
mod help;
mod labeling;
mod list;
mod reader;
mod saved;
mod span_list;
mod status;
pub mod theme;

use crate::app::layout::{Area, Layout, MIN_HEIGHT, MIN_WIDTH};
use crate::app::{App, Mode};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;
pub use theme::Theme;

/// A `width`×`height` box centred in `area`, cleared for an overlay.
pub(crate) fn overlay(frame: &mut Frame<'_>, area: Rect, width: u16, height: u16) -> Rect {
    let (w, h) = (width.min(area.width), height.min(area.height));
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(ratatui::widgets::Clear, r);
    r
}

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
            label,
            status: s,
        } => {
            if let Some(a) = label {
                labeling::draw_panel(frame, rect(a), app, theme);
            }
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
                Mode::Saved => saved::draw(frame, full, app, theme),
                Mode::SpanList => span_list::draw(frame, full, app, theme),
                Mode::Gap => gap::draw(frame, full, app, theme),
                Mode::Eval => eval::draw(frame, full, app, theme),
                _ => {}
            }
            labeling::draw_overlays(frame, full, app, theme);
        }
    }
}

/// Indexing progress, for the screen shown while a corpus loads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loading {
    pub transcripts: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

impl Loading {
    /// Share of the current file indexed, 0–100.
    pub fn percent(&self) -> u8 {
        (self.bytes_done * 100)
            .checked_div(self.bytes_total)
            .unwrap_or(0)
            .min(100) as u8
    }
}

/// The screen shown while the corpus is indexed.
pub fn draw_loading(frame: &mut Frame<'_>, l: &Loading, theme: &Theme) {
    use ratatui::widgets::{Block, Borders, Gauge};
    let area = frame.area();
    let w = area.width.min(60);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + area.height.saturating_sub(3) / 2,
        width: w,
        height: 3.min(area.height),
    };
    let ratio = if l.bytes_total == 0 {
        0.0
    } else {
        (l.bytes_done as f64 / l.bytes_total as f64).clamp(0.0, 1.0)
    };
    let label = format!(
        "{} transcripts · {:.0}% of the file · q quits",
        l.transcripts,
        ratio * 100.0
    );
    let gauge = Gauge::default()
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.get("border_focus"))
                .title(" indexing "),
        )
        .gauge_style(theme.get("selection"))
        .ratio(ratio)
        .label(label);
    frame.render_widget(gauge, r);
}
