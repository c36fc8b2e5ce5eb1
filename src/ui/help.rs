//! The help overlay: draws the lines `App::help_page` composes from the live keymap.

use crate::app::help_text::{keys_width, HelpLine};
use crate::app::App;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let page = app.help_page(area.width, area.height);
    let top = page.top(app.help_scroll);
    let col = keys_width(usize::from(page.width.saturating_sub(2)));
    let more = if top + page.room() < page.lines.len() {
        " j/k scroll · other keys close "
    } else {
        " any key closes "
    };
    let lines: Vec<Line> = page
        .lines
        .iter()
        .skip(top)
        .take(page.room())
        .map(|l| match l {
            HelpLine::Key { key, text } if text.is_empty() => {
                Line::styled(key.clone(), theme.get("status_key"))
            }
            HelpLine::Key { key, text } => Line::from(vec![
                Span::styled(format!("{key:<col$}"), theme.get("status_key")),
                Span::raw(format!(" {text}")),
            ]),
            HelpLine::Heading(t) => Line::styled(t.clone(), theme.get("title")),
            HelpLine::Blank => Line::from(""),
        })
        .collect();
    let r = crate::ui::overlay(frame, area, page.width, page.height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(" keys ")
        .title_bottom(more);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
