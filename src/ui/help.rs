//! The help overlay, generated from the live keymap.

use crate::app::{Action, App};
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let mut lines: Vec<Line> = Action::ALL
        .iter()
        .map(|a| {
            let keys: Vec<String> = app.keymap.keys(*a).iter().map(|k| k.label()).collect();
            Line::from(vec![
                Span::styled(format!("{:<16}", keys.join(" ")), theme.get("status_key")),
                Span::raw(format!(" {}", a.describe())),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "filter: model:opus tier:free af>=0.4 scratchpad:/modify my values/i",
        theme.get("title"),
    ));
    let w = area.width.min(72);
    let h = area.height.min(lines.len() as u16 + 2);
    let room = usize::from(h.saturating_sub(2));
    let top = app.help_scroll.min(lines.len().saturating_sub(room));
    let more = if top + room < lines.len() {
        " j/k scroll · other keys close "
    } else {
        " any key closes "
    };
    let r = crate::ui::overlay(frame, area, w, h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(" keys ")
        .title_bottom(more);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(top).collect::<Vec<_>>()).block(block),
        r,
    );
}
