//! The compliance-gap panel: per model (and condition) a bar per tier with its
//! interval, the gap and the paired test.

use crate::app::App;
use crate::model::sanitize::visible;
use crate::stats::baseline::BaselineRow;
use crate::stats::gap::{GapRow, Rate};
use crate::stats::gap_render;
use crate::stats::table::tidy;
use crate::ui::{fit, Theme};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// A bar of `width` cells for a rate: solid below the interval's low end, shaded
/// from there to the rate, a line from the rate to the high end.
pub fn bar(r: &Rate, width: usize) -> [String; 2] {
    let (Some(p), Some(lo), Some(hi)) = (r.rate, r.low, r.high) else {
        return [" ".repeat(width), String::new()];
    };
    let (mut solid, mut line) = (String::new(), String::new());
    let centre = |x: usize| (x as f64 + 0.5) / width as f64;
    let whisker = (0..width).rev().find(|&x| centre(x) > p && centre(x) <= hi);
    for x in 0..width {
        let c = centre(x);
        if c <= p {
            solid.push(if c < lo { '█' } else { '▓' });
        } else if Some(x) == whisker {
            line.push('┤');
        } else if c <= hi {
            line.push('─');
        } else {
            line.push(' ');
        }
    }
    [solid, line]
}

fn tier_line<'a>(
    name: &'static str,
    r: &Rate,
    width: usize,
    selected: bool,
    role: Style,
    theme: &Theme,
) -> Line<'a> {
    let [solid, rest] = bar(r, width);
    let label = if selected {
        theme.get("selection")
    } else {
        role
    };
    Line::from(vec![
        Span::styled(format!(" {name} "), label),
        Span::raw(" "),
        Span::styled(solid, role),
        Span::styled(rest, theme.get("chart_interval")),
        Span::raw(format!(" {}", gap_render::rate(r))),
    ])
}

/// A row's heading, wrapped at its parts onto as many lines as `width` needs.
fn heading<'a>(
    row: &GapRow,
    change: Option<&BaselineRow>,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    let scope = match &row.condition {
        Some(c) => format!("{} / {}", row.model, c),
        None => row.model.clone(),
    };
    let gap = row.gap.map_or_else(
        || "gap –".to_string(),
        |g| {
            format!(
                "gap {:+.1} pp [{:+.1}, {:+.1}]",
                g.gap * 100.0,
                g.low * 100.0,
                g.high * 100.0
            )
        },
    );
    let dim = theme.get("dim");
    let mut spans = vec![
        Span::styled(visible(&scope, false).into_owned(), theme.get("title")),
        Span::styled(gap, dim),
    ];
    if let Some(p) = row.paired {
        spans.push(Span::styled(
            format!(
                "McNemar p {} ({})",
                gap_render::p_value(p.p_value),
                crate::model::words::count(p.pairs, "pair", "pairs")
            ),
            dim,
        ));
    }
    if let Some(v) = change.and_then(|c| c.gap_change.value) {
        spans.push(Span::styled(
            format!(
                "Δ vs baseline {:+.1} pp [{:+.1}, {:+.1}] p {}",
                tidy(v.estimate * 100.0, 1),
                tidy(v.low * 100.0, 1),
                tidy(v.high * 100.0, 1),
                gap_render::p_value(v.p_value)
            ),
            theme.get("title"),
        ));
    }
    fit::pack(spans, Span::styled(" · ", dim), width)
}

/// The panel's title at `width`: what it shows, then its keys, shortened by priority.
fn title(app: &App, width: usize) -> String {
    let n = app.rows.len();
    let in_view = format!(
        "{n} {} in view",
        if n == 1 { "transcript" } else { "transcripts" }
    );
    let short_view = format!("{n} in view");
    let base = visible(app.gap_baseline.as_deref().unwrap_or("none"), false);
    let baseline = format!("b: baseline {base}");
    let short_base = format!("b base: {base}");
    fit::title(
        &[
            ("compliance gap", "gap"),
            (&in_view, &short_view),
            (&baseline, &short_base),
            ("Enter opens a cell", "Enter cell"),
            ("Tab: tier", "Tab tier"),
        ],
        " · ",
        width,
    )
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(g) = &app.gap else { return };
    let r = crate::ui::overlay(
        frame,
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(Span::styled(
            format!(" {} ", title(app, usize::from(r.width).saturating_sub(4))),
            theme.get("title"),
        ));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let Some(report) = &g.report else {
        let n = crate::load::watch::thousands(app.rows.len());
        frame.render_widget(
            Paragraph::new(format!(
                "computing the gap over {n} transcripts: reading their verdicts and pairing prompts…"
            ))
            .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    };
    let width = usize::from(inner.width).saturating_sub(46).clamp(8, 60);
    let text_width = usize::from(inner.width);
    let headings: Vec<Vec<Line>> = report
        .rows
        .iter()
        .map(|row| {
            let change = g.change_of(&row.model, row.condition.as_deref());
            heading(row, change, theme, text_width)
        })
        .collect();
    let compliance = match report.compliance {
        crate::stats::gap::ComplianceSource::Verdict => {
            format!("compliance verdict ≥ {}", report.compliance_threshold)
        }
        crate::stats::gap::ComplianceSource::Labels => "compliance from labels".into(),
    };
    let dim = theme.get("dim");
    let legend = [
        format!("{compliance} ·"),
        "95% interval:".into(),
        "█ below it,".into(),
        "▓ from it to the rate,".into(),
        "─┤ to its top".into(),
    ];
    let mut lines = fit::pack(
        legend.into_iter().map(|t| Span::styled(t, dim)).collect(),
        Span::styled(" ", dim),
        text_width,
    );
    lines.push(Line::default());
    // The first row shown: the highest from which the selected row still fits.
    let room = usize::from(inner.height).saturating_sub(lines.len());
    let tall = |i: usize| headings[i].len() + 2;
    let mut top = g.row.min(headings.len().saturating_sub(1));
    let mut used = if headings.is_empty() { 0 } else { tall(top) };
    while top > 0 && used + tall(top - 1) <= room {
        top -= 1;
        used += tall(top);
    }
    for (i, (row, head)) in report.rows.iter().zip(headings).enumerate().skip(top) {
        let sel = i == g.row;
        if lines.len() >= usize::from(inner.height) {
            break;
        }
        lines.extend(head);
        lines.push(tier_line(
            "free",
            &row.free.compliance,
            width,
            sel && g.tier == 0,
            theme.get("tier_free"),
            theme,
        ));
        lines.push(tier_line(
            "paid",
            &row.paid.compliance,
            width,
            sel && g.tier == 1,
            theme.get("tier_paid"),
            theme,
        ));
    }
    if report.rows.is_empty() {
        lines.push(Line::from("no transcripts in view"));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_show_the_rate_and_its_interval() {
        let r = Rate::new(5, 10);
        let [solid, line] = bar(&r, 20);
        // 50% [23.7, 76.3] on 20 cells: solid to 23.7%, shaded to 50%, a line to 76.3%.
        assert_eq!(solid, "█████▓▓▓▓▓");
        assert_eq!(line, "────┤     ");
        assert_eq!(
            bar(&Rate::new(0, 0), 4),
            ["    ".to_string(), String::new()]
        );
        let [s, l] = bar(&Rate::new(10, 10), 10);
        assert_eq!(s.chars().count() + l.chars().count(), 10);
    }
}
