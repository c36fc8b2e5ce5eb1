//! The status line and the filter bar.

use crate::app::role::Role;
use crate::app::{Action, App, Mode};
use crate::model::sanitize::visible;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let st = theme.get("status");
    let key = theme.get("status_key");
    let [f, p, u] = app.tier_counts;
    let blind = app.session.as_ref().is_some_and(|s| s.spec.blind);
    let mut spans = vec![
        Span::styled(format!(" {}/{} ", app.rows.len(), app.corpus.len()), st),
        Span::styled("│", st),
        Span::styled(
            if blind {
                " blind".to_string()
            } else {
                format!(" free {f} paid {p}")
            },
            st,
        ),
    ];
    if u > 0 && !blind {
        spans.push(Span::styled(format!(" ? {u}"), st));
    }
    spans.push(Span::styled(" │ ", st));
    if let Some(pct) = app.indexing {
        spans.push(Span::styled(
            format!("indexing {pct}% "),
            theme.get("status_key"),
        ));
        spans.push(Span::styled(" │ ", st));
    }
    if let Some((name, _)) = &app.queue {
        spans.push(Span::styled(
            format!("queue {} ", visible(name, false)),
            key,
        ));
        spans.push(Span::styled(" │ ", st));
    }
    if let Some(q) = &app.filter {
        spans.push(Span::styled(format!("{} ", visible(&q.text, false)), st));
        spans.push(Span::styled("│ ", st));
    }
    let note = app
        .warnings
        .first()
        .cloned()
        .or_else(|| app.message.clone())
        .or_else(|| app.searching.then(|| "searching…".to_string()));
    let changed = app.changed.first().map(|first| {
        let more = match app.changed.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        // The key first: a long path must not cut it off.
        format!(
            "{} reloads · {first}{more}",
            app.keymap.hint(Action::Reload)
        )
    });
    match (note, changed) {
        (Some(n), _) => spans.push(Span::styled(visible(&n, false).into_owned(), st)),
        (None, Some(c)) => spans.push(Span::styled(
            visible(&c, false).into_owned(),
            theme.get("error"),
        )),
        (None, None) => {
            for (a, label) in [
                (Action::Help, "help"),
                (Action::Filter, "filter"),
                (Action::Fullscreen, "read"),
                (Action::NextMatch, "match"),
                (Action::Quit, "quit"),
            ] {
                spans.push(Span::styled(format!(" {} ", app.keymap.hint(a)), key));
                spans.push(Span::styled(format!(" {label} "), st));
            }
        }
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    spans.push(Span::styled(
        " ".repeat(usize::from(area.width).saturating_sub(used)),
        st,
    ));
    frame.render_widget(Line::from(spans), area);
}

/// The filter bar: `/query` while typing, with the bad token marked after an error.
pub fn draw_bar(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    if app.mode == Mode::NameFilter {
        let label = "save filter as: ";
        let line = Line::from(vec![
            Span::styled(label, theme.get("title")),
            Span::styled(
                visible(&app.name_input.text, false).into_owned(),
                theme.get("input"),
            ),
        ]);
        frame.render_widget(line, area);
        let col = (label.chars().count()
            + app.name_input.text[..app.name_input.cursor].chars().count())
            as u16;
        frame.set_cursor_position((area.x + col.min(area.width.saturating_sub(1)), area.y));
        return;
    }
    let text = if app.mode == Mode::Filter {
        app.input.text.clone()
    } else {
        app.filter
            .as_ref()
            .map(|q| q.text.clone())
            .unwrap_or_default()
    };
    let input = theme.get("input");
    let mut spans = vec![Span::styled("/", theme.get("title"))];
    match &app.input_error {
        Some(e)
            if e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end) =>
        {
            let (s, end) = (e.span.start, e.span.end.max(e.span.start));
            spans.push(Span::styled(visible(&text[..s], false).into_owned(), input));
            let bad = if end > s {
                visible(&text[s..end], false).into_owned()
            } else {
                " ".into()
            };
            spans.push(Span::styled(bad, theme.get("error")));
            spans.push(Span::styled(
                visible(&text[end..], false).into_owned(),
                input,
            ));
            spans.push(Span::styled(
                format!("  ← {}", visible(&e.message, false)),
                theme.role(Role::Warning),
            ));
        }
        _ => spans.push(Span::styled(visible(&text, false).into_owned(), input)),
    }
    frame.render_widget(Line::from(spans), area);
    if app.mode == Mode::Filter {
        let col = 1 + text[..app.input.cursor.min(text.len())].chars().count() as u16;
        frame.set_cursor_position((area.x + col.min(area.width.saturating_sub(1)), area.y));
    }
}
