//! The transcript list.

use crate::app::role::Role;
use crate::app::{App, Column, Focus};
use crate::model::idcut;
use crate::model::sanitize::visible;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;

fn score(v: Option<f64>, failed: bool) -> (String, Role) {
    match (v, failed) {
        (Some(x), _) => (
            format!("{x:.2}"),
            if x >= 0.5 {
                Role::ScoreHigh
            } else {
                Role::ScoreLow
            },
        ),
        (None, true) => ("failed".into(), Role::Failed),
        (None, false) => (crate::model::MISSING.into(), Role::Dim),
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Focus::List;
    let sort = if app.sort == Column::Order {
        String::new()
    } else {
        format!(
            " · by {}{}",
            app.sort.name(),
            if app.descending { " ↓" } else { " ↑" }
        )
    };
    let mut title = format!(
        " transcripts {}/{}{sort} ",
        app.rows.len(),
        app.corpus.len()
    );
    // Say what the ids' `…` stands for, when there is room.
    let prefix = &app.columns.id_prefix;
    if !prefix.is_empty()
        && title.chars().count() + prefix.chars().count() + 8 <= usize::from(area.width)
    {
        title.push_str(&format!("· … = {prefix} "));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get(if focused { "border_focus" } else { "border" }))
        .title(Span::styled(title, theme.get("title")));
    let inner_w = area.width.saturating_sub(2);
    let cols = app.columns.plan(inner_w);
    let id_w = cols
        .iter()
        .find(|c| c.0 == Column::Id)
        .map_or(8, |c| usize::from(c.2));
    let widths: Vec<Constraint> = cols.iter().map(|c| Constraint::Length(c.2)).collect();
    let header = Row::new(cols.iter().map(|c| {
        let mark = if c.0 == app.sort {
            if app.descending {
                "↓"
            } else {
                "↑"
            }
        } else {
            ""
        };
        Cell::from(format!("{}{mark}", c.1))
    }))
    .style(theme.get("header"));
    let view = app.corpus.view();
    let height = usize::from(area.height.saturating_sub(3));
    let rows = app
        .rows
        .iter()
        .enumerate()
        .skip(app.list_top)
        .take(height)
        .map(|(pos, &i)| {
            let i = i as usize;
            let e = view.entry(i);
            let session = app.session.as_ref();
            if let Some(s) = session.filter(|s| s.hides(i as u32)) {
                // Blind: nothing but the queue position and the label state.
                let p = s.position_of.get(&(i as u32)).map_or(0, |p| p + 1);
                let cells = cols.iter().map(move |c| match c.0 {
                    Column::Id => Cell::from(format!("item {p}")),
                    Column::Label if s.drafts.contains_key(&(i as u32)) => Cell::from("draft"),
                    Column::Label => Cell::from("-"),
                    _ => Cell::from("·"),
                });
                let row = Row::new(cells.collect::<Vec<_>>());
                return if pos == app.selected {
                    row.style(theme.get("selection"))
                } else {
                    row
                };
            }
            let cells = cols.iter().map(|c| match c.0 {
                Column::Id => {
                    // Parts of the id the model and condition columns show are elided.
                    let shown: Vec<&str> = [
                        (Column::Model, view.model(i)),
                        (Column::Condition, view.condition(i)),
                    ]
                    .into_iter()
                    .filter(|(c, _)| cols.iter().any(|k| k.0 == *c))
                    .filter_map(|(_, v)| v)
                    .collect();
                    Cell::from(idcut::fit_beside(
                        &visible(&view.id(i), false),
                        &app.columns.id_prefix,
                        &shown,
                        id_w,
                    ))
                }
                Column::Model => Cell::from(
                    visible(view.model(i).unwrap_or(crate::model::MISSING), false).into_owned(),
                ),
                Column::Tier => Cell::from(Span::styled(
                    e.tier().as_str(),
                    theme.role(Role::tier(e.tier())),
                )),
                Column::Condition => Cell::from(
                    visible(view.condition(i).unwrap_or(crate::model::MISSING), false).into_owned(),
                ),
                Column::Compliance => {
                    let (t, r) = score(e.compliance(), e.compliance_failed());
                    Cell::from(Span::styled(t, theme.role(r)))
                }
                Column::Af => {
                    let (t, r) = score(e.af(), e.af_failed());
                    Cell::from(Span::styled(t, theme.role(r)))
                }
                Column::Label => {
                    let own = session
                        .and_then(|s| s.label_of(i as u32))
                        .and_then(|l| l.af());
                    let l = own
                        .map(str::to_string)
                        .or_else(|| {
                            app.corpus
                                .labels_of(i)
                                .last()
                                .and_then(|l| l.af().map(str::to_string))
                        })
                        .unwrap_or_else(|| "-".into());
                    Cell::from(visible(&l, false).into_owned())
                }
                Column::Spans => {
                    let text = match app.span_counts.get(&(i as u32)) {
                        Some((_, 0)) => "-".to_string(),
                        Some((placed, quotes)) => format!("{placed}/{quotes}"),
                        None => "…".to_string(),
                    };
                    let missing = app.span_counts.get(&(i as u32)).is_some_and(|(p, q)| p < q);
                    Cell::from(Span::styled(
                        text,
                        theme.role(if missing { Role::Warning } else { Role::Text }),
                    ))
                }
                Column::Order => Cell::from(""),
            });
            let row = Row::new(cells.collect::<Vec<_>>());
            if pos == app.selected {
                row.style(theme.get("selection"))
            } else {
                row
            }
        });
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
    if app.rows.is_empty() {
        let msg = if app.filter.is_some() {
            "no transcript matches the filter (Esc clears it)"
        } else {
            "no transcripts"
        };
        let inner = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        frame.render_widget(Line::styled(msg, theme.role(Role::Dim)), inner);
    }
}
