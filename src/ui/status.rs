//! The status line and the filter bar.

use crate::app::role::Role;
use crate::app::status_line::Part;
use crate::app::{App, Mode};
use crate::model::sanitize::visible;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let st = theme.get("status");
    for (row, parts) in app.status_rows().into_iter().enumerate() {
        let Some(y) = area
            .y
            .checked_add(row as u16)
            .filter(|&y| y < area.bottom())
        else {
            break;
        };
        let mut spans: Vec<Span<'_>> = parts
            .into_iter()
            .map(|p| {
                let style = match &p {
                    Part::Key(_) | Part::Hint(_) => theme.get("status_key"),
                    Part::Changed(_) => theme.get("error"),
                    Part::Plain(_) | Part::Note(_) => st,
                };
                Span::styled(p.text().to_string(), style)
            })
            .collect();
        let used: usize = spans.iter().map(|s| s.width()).sum();
        spans.push(Span::styled(
            " ".repeat(usize::from(area.width).saturating_sub(used)),
            st,
        ));
        frame.render_widget(
            Line::from(spans),
            Rect {
                y,
                height: 1,
                ..area
            },
        );
    }
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
            // A message with no room here is said in the status line, wrapped.
            let said = if app.query_error_fits_bar() {
                format!("  ← {}", visible(&e.message, false))
            } else {
                "  ← see below".to_string()
            };
            spans.push(Span::styled(said, theme.role(Role::Warning)));
        }
        _ => spans.push(Span::styled(visible(&text, false).into_owned(), input)),
    }
    frame.render_widget(Line::from(spans), area);
    if app.mode == Mode::Filter {
        let col = 1 + text[..app.input.cursor.min(text.len())].chars().count() as u16;
        frame.set_cursor_position((area.x + col.min(area.width.saturating_sub(1)), area.y));
    }
}
