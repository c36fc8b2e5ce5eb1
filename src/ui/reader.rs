//! The reader pane: the laid-out transcript, its title and a scrollbar.

use crate::app::role::Role;
use crate::app::{App, Focus};
use crate::model::sanitize::visible;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Focus::Reader || app.fullscreen;
    let r = &app.reader;
    let title = match (&r.transcript, r.entry) {
        (Some(Ok(t)), _) => {
            let model = t.model.as_deref().unwrap_or("?");
            let mut s = format!(" {} · {} · {} ", t.id, model, t.tier);
            if !r.matches.is_empty() {
                match r.current_match {
                    Some(c) => s.push_str(&format!("· match {}/{} ", c + 1, r.matches.len())),
                    None => s.push_str(&format!("· {} matches ", r.matches.len())),
                }
            }
            visible(&s, false).into_owned()
        }
        (Some(Err(_)), _) => " unreadable transcript ".into(),
        (None, _) => " reader ".into(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get(if focused { "border_focus" } else { "border" }))
        .title(Span::styled(title, theme.get("title")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let text_area = Rect {
        width: inner.width.saturating_sub(1),
        ..inner
    };
    let main = match &r.transcript {
        Some(Err(p)) => vec![Line::styled(
            visible(&p.to_string(), false).into_owned(),
            theme.role(Role::Failed),
        )],
        None if app.rows.is_empty() => Vec::new(),
        None => vec![Line::styled("loading…", theme.role(Role::Dim))],
        Some(Ok(_)) => doc_lines(&r.doc, r.scroll, height, theme),
    };
    if !r.paired {
        frame.render_widget(Paragraph::new(main), text_area);
    } else {
        let partner = match &r.partner {
            Some((_, Ok(_))) => doc_lines(&r.partner_doc, r.scroll, height, theme),
            Some((_, Err(p))) => vec![Line::styled(
                visible(&p.to_string(), false).into_owned(),
                theme.role(Role::Failed),
            )],
            None if app.partner_of_current().is_some() => {
                vec![Line::styled("loading…", theme.role(Role::Dim))]
            }
            None => vec![Line::styled(
                "no transcript of this prompt on the other tier",
                theme.role(Role::Dim),
            )],
        };
        // Free tier on the left.
        let main_is_paid =
            matches!(&r.transcript, Some(Ok(t)) if t.tier == crate::model::Tier::Paid);
        let (left, right) = if main_is_paid {
            (partner, main)
        } else {
            (main, partner)
        };
        let half = text_area.width.saturating_sub(1) / 2;
        let l = Rect {
            width: half,
            ..text_area
        };
        let g = Rect {
            x: text_area.x + half,
            width: 1,
            ..text_area
        };
        let rr = Rect {
            x: text_area.x + half + 1,
            width: text_area.width.saturating_sub(half + 1),
            ..text_area
        };
        frame.render_widget(Paragraph::new(left), l);
        frame.render_widget(
            Paragraph::new(vec![Line::styled("│", theme.get("border")); height]),
            g,
        );
        frame.render_widget(Paragraph::new(right), rr);
    }
    let total = r.doc.lines.len().max(if r.paired {
        r.partner_doc.lines.len()
    } else {
        0
    });
    if total > height {
        let mut state = ScrollbarState::new(total.saturating_sub(height)).position(r.scroll);
        let bar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
            .begin_symbol(None)
            .end_symbol(None);
        frame.render_stateful_widget(bar, inner, &mut state);
    }
}

fn doc_lines<'a>(
    doc: &'a crate::app::document::Document,
    scroll: usize,
    height: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    doc.lines
        .iter()
        .skip(scroll)
        .take(height)
        .map(|l| {
            Line::from(
                l.spans
                    .iter()
                    .map(|(t, role)| Span::styled(t.as_str(), theme.role(*role)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}
