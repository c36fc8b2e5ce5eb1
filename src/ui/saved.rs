//! The saved-filter picker.

use crate::app::App;
use crate::model::sanitize::visible;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let s = &app.saved;
    let name_w = s
        .filters
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(4)
        .min(30);
    let lines: Vec<Line> = s
        .filters
        .iter()
        .enumerate()
        .map(|(i, (name, q))| {
            let st = if i == s.cursor {
                theme.get("selection")
            } else {
                theme.get("input")
            };
            Line::from(vec![
                Span::styled(
                    format!("{:<name_w$}  ", visible(name, false)),
                    st.patch(theme.get("title")),
                ),
                Span::styled(visible(q, false).into_owned(), st),
            ])
        })
        .collect();
    let w = area.width.saturating_sub(4).min(90);
    let h = (lines.len() as u16 + 2).min(area.height);
    let room = usize::from(h.saturating_sub(2));
    let top = s.cursor.saturating_sub(room.saturating_sub(1));
    let r = crate::ui::overlay(frame, area, w, h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(" saved filters · Enter apply · x delete · Esc close ");
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(top).collect::<Vec<_>>()).block(block),
        r,
    );
}
