//! The span list: every quote and explicit span of the transcript's verdicts.

use crate::app::role::Role;
use crate::app::App;
use crate::model::quote::MatchKind;
use crate::model::sanitize::visible;
use crate::model::spans::Origin;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

fn one_line(s: &str, n: usize) -> String {
    let joined: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let v = visible(&joined, false);
    match v.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.into_owned(),
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let r = &app.reader;
    let Some(Ok(t)) = &r.transcript else { return };
    let w = area.width.saturating_sub(4).min(110);
    let h = area
        .height
        .saturating_sub(2)
        .min(r.spans.len() as u16 * 2 + 2)
        .max(4);
    let rect = crate::ui::overlay(frame, area, w, h);
    let room = usize::from(h.saturating_sub(2)) / 2;
    let top = r.span_cursor.saturating_sub(room.saturating_sub(1));
    let text_w = usize::from(w.saturating_sub(4));
    let mut lines = Vec::new();
    for (k, s) in r.spans.iter().enumerate().skip(top).take(room.max(1)) {
        let v = &t.verdicts[s.verdict];
        let criterion = s
            .criterion
            .and_then(|c| v.criteria.get(c))
            .map_or("-".to_string(), |c| c.name.clone());
        let (how, quote) = match &s.origin {
            Origin::Quote {
                kind: MatchKind::Fuzzy(x),
                text,
                ..
            } => (format!("fuzzy {x:.2}"), text.clone()),
            Origin::Quote { kind, text, .. } => (kind.name().to_string(), text.clone()),
            Origin::Offsets => ("offsets".to_string(), String::new()),
        };
        let place = if s.ranges.is_empty() {
            "-".to_string()
        } else {
            s.ranges
                .iter()
                .map(|r| format!("{}..{}", r.start, r.end))
                .collect::<Vec<_>>()
                .join(",")
        };
        let selected = k == r.span_cursor;
        let base = if selected {
            theme.get("selection")
        } else {
            theme.get("input")
        };
        let role = s.criterion.map_or(Role::HlOffsets, Role::criterion);
        let role = if matches!(s.origin, Origin::Offsets) {
            Role::HlOffsets
        } else {
            role
        };
        lines.push(Line::from(vec![
            Span::styled(" ■ ", theme.role(role)),
            Span::styled(
                one_line(
                    &format!("{} · {criterion} · {how} · bytes {place}", v.classifier),
                    text_w,
                ),
                base,
            ),
        ]));
        let shown = if quote.is_empty() {
            s.ranges
                .first()
                .map(|r| t.completion[r.clone()].to_string())
                .unwrap_or_default()
        } else {
            quote
        };
        lines.push(Line::from(vec![
            Span::raw("   "),
            Span::styled(
                one_line(&format!("“{shown}”"), text_w),
                if selected {
                    base
                } else {
                    theme.role(Role::Dim)
                },
            ),
        ]));
    }
    let located = r.spans.iter().filter(|s| !s.ranges.is_empty()).count();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(format!(
            " spans · {located} of {} located · Enter jumps · Esc closes ",
            r.spans.len()
        ));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
