//! The help overlay, generated from the live keymap.

use crate::app::{Action, App};
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The schema's keys, first in a labeling session.
fn schema_lines<'a>(app: &App, theme: &Theme) -> Vec<Line<'a>> {
    use crate::model::schema::FieldKind;
    let Some(s) = &app.session else {
        return Vec::new();
    };
    let key = theme.get("status_key");
    let row = |k: String, what: String| {
        Line::from(vec![
            Span::styled(format!("{k:<16}"), key),
            Span::raw(format!(
                " {}",
                crate::model::sanitize::visible(&what, false)
            )),
        ])
    };
    let mut lines = vec![Line::styled(
        format!(
            "labeling: schema {} (version {})",
            crate::model::sanitize::visible(&s.schema.name, false),
            s.schema.version
        ),
        theme.get("title"),
    )];
    for f in &s.schema.fields {
        match f.kind {
            FieldKind::Choice => {
                for c in &f.choices {
                    let then = if f.primary {
                        " — saves, next item"
                    } else {
                        ""
                    };
                    lines.push(row(
                        c.key.to_string(),
                        format!("{} = {}{then}", f.name, c.value),
                    ));
                }
            }
            FieldKind::Check => lines.push(row(
                f.key.map(String::from).unwrap_or_default(),
                format!("{} on/off (with a selection: attach it)", f.name),
            )),
            FieldKind::Text => lines.push(row(
                f.key.map(String::from).unwrap_or_default(),
                format!("type the {} (Enter keeps it)", f.name),
            )),
        }
    }
    lines.push(Line::from(""));
    lines
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let mut lines: Vec<Line> = schema_lines(app, theme);
    lines.extend(Action::ALL.iter().map(|a| {
        let keys: Vec<String> = app.keymap.keys(*a).iter().map(|k| k.label()).collect();
        Line::from(vec![
            Span::styled(format!("{:<16}", keys.join(" ")), theme.get("status_key")),
            Span::raw(format!(" {}", a.describe())),
        ])
    }));
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
