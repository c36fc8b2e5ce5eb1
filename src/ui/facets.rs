//! The facet table overlay.

use crate::app::facets::COLUMNS;
use crate::app::role::Role;
use crate::app::App;
use crate::model::sanitize::visible;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(f) = &app.facets else { return };
    let label = |r: &crate::app::facets::FacetRow| {
        let m = r.model.as_deref().unwrap_or("(no model)");
        let text = match (&r.condition, f.by_condition) {
            (Some(c), true) => format!("{m} / {c}"),
            (None, true) => format!("{m} / -"),
            _ => m.to_string(),
        };
        visible(&text, false).into_owned()
    };
    let name_w = f
        .rows
        .iter()
        .map(|r| label(r).chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 48) as u16;
    let w = (name_w + 4 * 8 + 6).min(area.width);
    let visible_rows = usize::from(area.height.saturating_sub(6)).max(1);
    let top = f.row.saturating_sub(visible_rows.saturating_sub(1));
    let mut totals = [0usize; 3];
    for r in &f.rows {
        for (t, c) in totals.iter_mut().zip(r.counts) {
            *t += c;
        }
    }
    let cell = |n: usize, selected: bool, role: Role| {
        let st = if selected {
            theme.get("selection")
        } else {
            theme.role(role)
        };
        Cell::from(Span::styled(format!("{n:>7}"), st))
    };
    let mut rows: Vec<Row> = f
        .rows
        .iter()
        .enumerate()
        .skip(top)
        .take(visible_rows)
        .map(|(ri, r)| {
            let sel = ri == f.row;
            let all: usize = r.counts.iter().sum();
            Row::new(vec![
                Cell::from(label(r)),
                cell(r.counts[0], sel && f.col == 0, Role::TierFree),
                cell(r.counts[1], sel && f.col == 1, Role::TierPaid),
                cell(r.counts[2], sel && f.col == 2, Role::TierUnknown),
                cell(all, sel && f.col == 3, Role::Text),
            ])
        })
        .collect();
    rows.push(
        Row::new(vec![
            Cell::from("total"),
            Cell::from(format!("{:>7}", totals[0])),
            Cell::from(format!("{:>7}", totals[1])),
            Cell::from(format!("{:>7}", totals[2])),
            Cell::from(format!("{:>7}", totals.iter().sum::<usize>())),
        ])
        .style(theme.get("header")),
    );
    let what = if f.by_condition {
        "model / condition"
    } else {
        "model"
    };
    let header = Row::new(
        std::iter::once(what.to_string()).chain(COLUMNS.iter().map(|c| format!("{c:>7}"))),
    )
    .style(theme.get("header"));
    let h = (rows.len() as u16 + 3).min(area.height);
    let r = crate::ui::overlay(frame, area, w, h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(Span::styled(
            if f.by_condition {
                " counts in view · Enter filters · Tab: by model "
            } else {
                " counts in view · Enter filters · Tab: by condition "
            },
            theme.get("title"),
        ));
    let widths = [
        Constraint::Length(name_w),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(1),
        r,
    );
}
