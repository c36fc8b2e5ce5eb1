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
        (Some(Ok(_)), Some(e)) if app.blind_now() => {
            let p = app
                .session
                .as_ref()
                .and_then(|s| s.position_of.get(&e))
                .map_or(0, |p| p + 1);
            format!(" item {p} · blind: tier, model and scores hidden until labelled ")
        }
        (Some(Ok(t)), _) => {
            let model = t.model.as_deref().unwrap_or(crate::model::MISSING);
            let mut s = format!(" {} · {} · {} ", t.id, model, t.tier);
            if !r.matches.is_empty() {
                match r.current_match {
                    Some(c) => s.push_str(&format!("· match {}/{} ", c + 1, r.matches.len())),
                    None => s.push_str(&format!(
                        "· {} ",
                        crate::model::words::count(r.matches.len(), "match", "matches")
                    )),
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
    // The details panel on the right, behind a border.
    let text_area = match app.details_width() {
        Some(w) => {
            let w = w as u16;
            let panel = Rect {
                x: text_area.x + text_area.width.saturating_sub(w),
                width: w,
                ..text_area
            };
            let border = Rect {
                x: panel.x.saturating_sub(1),
                width: 1,
                ..text_area
            };
            frame.render_widget(
                Paragraph::new(vec![Line::styled("│", theme.get("border")); height]),
                border,
            );
            frame.render_widget(
                Paragraph::new(doc_lines(&r.details_doc, 0, height, theme)),
                panel,
            );
            Rect {
                width: text_area.width.saturating_sub(w + 1),
                ..text_area
            }
        }
        None => text_area,
    };
    if !r.paired {
        frame.render_widget(Paragraph::new(main), text_area);
    } else {
        draw_paired(frame, text_area, app, main, theme);
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

/// Free tier on the left, paid on the right, each under a header that stays put.
fn draw_paired(frame: &mut Frame<'_>, area: Rect, app: &App, main: Vec<Line<'_>>, theme: &Theme) {
    let r = &app.reader;
    let body_h = usize::from(area.height.saturating_sub(1));
    let mut main = main;
    main.truncate(body_h);
    let mut partner = match &r.partner {
        Some((_, Ok(_))) => doc_lines(&r.partner_doc, r.scroll, body_h, theme),
        Some((_, Err(p))) => vec![Line::styled(
            visible(&p.to_string(), false).into_owned(),
            theme.role(Role::Failed),
        )],
        None if app.partner_of_current().is_some() => {
            vec![Line::styled("loading…", theme.role(Role::Dim))]
        }
        None if !app.pairs_ready() => {
            vec![Line::styled(
                "pairing free and paid transcripts…",
                theme.role(Role::Dim),
            )]
        }
        None => vec![Line::styled(
            "no transcript of this prompt on the other tier",
            theme.role(Role::Dim),
        )],
    };
    partner.truncate(body_h);
    let view = app.corpus.view();
    let header = |entry: Option<u32>| -> Line<'static> {
        match entry {
            Some(e) => {
                let tier = view.entry(e as usize).tier();
                let id = visible(&view.id(e as usize), false).into_owned();
                Line::from(vec![
                    Span::styled(
                        format!(" {} ", tier.as_str().to_uppercase()),
                        theme.role(Role::tier(tier)),
                    ),
                    Span::styled(format!(" {id}"), theme.get("title")),
                ])
            }
            None => Line::styled(" no pair", theme.role(Role::Dim)),
        }
    };
    let main_entry = r.entry;
    let partner_entry = r
        .partner
        .as_ref()
        .map(|(e, _)| *e)
        .or_else(|| app.partner_of_current());
    let main_is_paid =
        main_entry.is_some_and(|e| view.entry(e as usize).tier() == crate::model::Tier::Paid);
    let ((left, lh), (right, rh)) = if main_is_paid {
        ((partner, header(partner_entry)), (main, header(main_entry)))
    } else {
        ((main, header(main_entry)), (partner, header(partner_entry)))
    };
    let half = area.width.saturating_sub(1) / 2;
    let col = |x: u16, w: u16, y: u16, h: u16| Rect {
        x,
        y,
        width: w,
        height: h,
    };
    let (top, body_y) = (area.y, area.y + 1);
    let bh = area.height.saturating_sub(1);
    frame.render_widget(lh, col(area.x, half, top, 1));
    frame.render_widget(
        rh,
        col(
            area.x + half + 1,
            area.width.saturating_sub(half + 1),
            top,
            1,
        ),
    );
    frame.render_widget(Paragraph::new(left), col(area.x, half, body_y, bh));
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled("│", theme.get("border"));
            usize::from(area.height)
        ]),
        col(area.x + half, 1, top, area.height),
    );
    frame.render_widget(
        Paragraph::new(right),
        col(
            area.x + half + 1,
            area.width.saturating_sub(half + 1),
            body_y,
            bh,
        ),
    );
}
