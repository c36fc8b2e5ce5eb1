//! The finder overlay: the typed pattern and the best matches, matched letters marked.

use crate::app::role::Role;
use crate::app::App;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let f = &app.finder;
    let w = area.width.saturating_sub(4).max(20).min(area.width);
    let h = area.height.saturating_sub(2).max(5).min(area.height);
    let r = crate::ui::overlay(frame, area, w, h);
    let status = if f.input.text.trim().is_empty() {
        let listed = match f.recent_shown {
            0 => "the view's first rows".to_string(),
            n if n == f.hits.len() => format!("{n} recently read"),
            n => format!("{n} recently read, then the view"),
        };
        format!("{listed} · type to search ids, models, prompts")
    } else if f.shown != f.input.text.trim() {
        match f.progress {
            Some((done, total)) if total > 0 => format!(
                "searching… {}% of {} transcripts",
                done * 100 / total,
                crate::load::watch::thousands(total)
            ),
            _ => "searching…".to_string(),
        }
    } else {
        format!("{} best of the matches", f.hits.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(Span::styled(
            " find transcript · Enter jump · Esc close ",
            theme.get("title"),
        ))
        .title_bottom(format!(" {status} "));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", theme.get("title")),
        Span::styled(f.input.text.clone(), theme.get("input")),
    ])];
    let room = usize::from(inner.height.saturating_sub(1));
    let top = f.cursor.saturating_sub(room.saturating_sub(1));
    for (k, hit) in f.hits.iter().enumerate().skip(top).take(room) {
        let base = if k == f.cursor {
            theme.get("selection")
        } else {
            theme.role(Role::Text)
        };
        let spans: Vec<Span> = hit
            .text
            .chars()
            .enumerate()
            .map(|(ci, ch)| {
                let st = if hit.positions.contains(&ci) {
                    base.patch(theme.role(Role::Match))
                } else {
                    base
                };
                Span::styled(ch.to_string(), st)
            })
            .collect();
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let col = 2 + f.input.text[..f.input.cursor].chars().count() as u16;
    frame.set_cursor_position((inner.x + col.min(inner.width.saturating_sub(1)), inner.y));
}
