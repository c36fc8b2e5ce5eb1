//! The evaluation panel: the ROC curve in braille with the threshold's point, the
//! confusion matrix at the threshold (each cell a queue), and the rates.

use crate::app::eval_panel::{ClassifierItems, EvalPanel, CELLS};
use crate::app::App;
use crate::model::sanitize::visible;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as Segment};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(e) = &app.eval else { return };
    let r = crate::ui::overlay(
        frame,
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2),
    );
    let title = match e.data.as_ref() {
        Some(Ok(d)) if !d.is_empty() => format!(
            " classifier vs labels · {} ({}/{}) · Tab: next classifier ",
            visible(&d[e.classifier].name, false),
            e.classifier + 1,
            d.len()
        ),
        _ => " classifier vs labels ".to_string(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.get("border_focus"))
        .title(Span::styled(title, theme.get("title")));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let message = match e.data.as_ref() {
        None => Some("reading the labelled transcripts…".to_string()),
        Some(Err(m)) => Some(m.clone()),
        Some(Ok(d)) if d.is_empty() => Some(
            "no labelled transcripts with classifier verdicts in view (labels come from --labels or the input's label field)"
                .to_string(),
        ),
        Some(Ok(_)) => None,
    };
    if let Some(m) = message {
        frame.render_widget(
            Paragraph::new(visible(&m, false).into_owned())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    let Some(c) = e.current() else { return };
    // The curve on the left, as square as the cells allow (a cell is about twice as
    // tall as wide), the numbers on the right.
    let text_w = 40u16.min(inner.width / 2);
    let chart_w = (inner.height * 2).min(inner.width.saturating_sub(text_w + 1));
    let chart = Rect {
        width: chart_w,
        ..inner
    };
    let text = Rect {
        x: inner.x + chart_w + 1,
        width: inner.width.saturating_sub(chart_w + 1),
        ..inner
    };
    if chart_w >= 8 {
        roc(frame, chart, c, e, theme);
    }
    frame.render_widget(Paragraph::new(numbers(c, e, theme)), text);
}

fn color(theme: &Theme, role: &str) -> Color {
    theme.get(role).fg.unwrap_or(Color::Reset)
}

fn roc(frame: &mut Frame<'_>, area: Rect, c: &ClassifierItems, e: &EvalPanel, theme: &Theme) {
    let rates = c.rates(e.threshold);
    let point = (rates.fpr, rates.recall);
    let (curve, chance) = (color(theme, "chart_curve"), color(theme, "chart_interval"));
    let (second, second_color) = (e.overlaid(), color(theme, "chart_curve_2"));
    let canvas = Canvas::default()
        .block(
            Block::default()
                .borders(Borders::LEFT | Borders::BOTTOM)
                .border_style(theme.get("border"))
                .title(Span::styled("TPR ↑  FPR →", theme.get("dim"))),
        )
        .marker(Marker::Braille)
        .x_bounds([0.0, 1.0])
        .y_bounds([0.0, 1.0])
        .paint(move |ctx| {
            ctx.draw(&Segment {
                x1: 0.0,
                y1: 0.0,
                x2: 1.0,
                y2: 1.0,
                color: chance,
            });
            // The overlaid curve first, so the current one is drawn over it.
            let curves = second
                .map(|s| (s, second_color))
                .into_iter()
                .chain([(c, curve)]);
            for (items, color) in curves {
                ctx.layer();
                for w in items.roc.windows(2) {
                    ctx.draw(&Segment {
                        x1: w[0].x,
                        y1: w[0].y,
                        x2: w[1].x,
                        y2: w[1].y,
                        color,
                    });
                }
            }
            ctx.layer();
            ctx.print(
                point.0,
                point.1,
                Line::from(Span::styled("◆", theme.get("selection"))),
            );
        });
    frame.render_widget(canvas, area);
}

fn numbers<'a>(c: &ClassifierItems, e: &EvalPanel, theme: &Theme) -> Vec<Line<'a>> {
    let r = c.rates(e.threshold);
    let pos = c.items.iter().filter(|i| i.positive).count();
    let auroc = match &c.auroc {
        Ok(a) => format!("AUROC {a:.3}"),
        Err(m) => format!("AUROC not computed: {m}"),
    };
    let counts = [r.tp, r.fn_, r.fp, r.tn];
    let cell = |k: usize| {
        let st = if k == e.cell {
            theme.get("selection")
        } else {
            theme.get("text")
        };
        Span::styled(format!(" {} {:>5} ", CELLS[k], counts[k]), st)
    };
    let dim = theme.get("dim");
    let mut legend = vec![Line::from(vec![
        Span::styled("━ ", theme.get("chart_curve")),
        Span::raw(visible(&c.name, false).into_owned()),
    ])];
    if let Some(o) = e.overlaid() {
        let auc = o
            .auroc
            .as_ref()
            .map_or("–".to_string(), |a| format!("{a:.3}"));
        legend.push(Line::from(vec![
            Span::styled("━ ", theme.get("chart_curve_2")),
            Span::raw(format!("{} (AUROC {auc})", visible(&o.name, false))),
        ]));
        legend.push(Line::from(Span::styled(
            match e.comparison() {
                Some(Ok(d)) => format!(
                    "ΔAUROC {:+.3} [{:+.3}, {:+.3}] DeLong p {}",
                    d.difference,
                    d.low,
                    d.high,
                    crate::stats::compare::p_text(d.p_value)
                ),
                Some(Err(m)) => visible(&m, false).into_owned(),
                None => String::new(),
            },
            dim,
        )));
    } else {
        legend.push(Line::from(Span::styled(
            "o: overlay another classifier",
            dim,
        )));
    }
    let mut lines = vec![
        Line::from(format!(
            "n {} ({pos} yes / {} no) · left out {}",
            c.items.len(),
            c.items.len() - pos,
            c.left_out
        )),
        Line::from(Span::styled(auroc, theme.get("title"))),
        Line::default(),
        Line::from(vec![
            Span::styled(format!("threshold {:.2}", e.threshold), theme.get("title")),
            Span::styled("  +/- 0.05 · </> next score", dim),
        ]),
        Line::default(),
        Line::from(Span::styled("            flagged   not flagged", dim)),
        Line::from(vec![Span::styled("human yes ", dim), cell(0), cell(1)]),
        Line::from(vec![Span::styled("human no  ", dim), cell(2), cell(3)]),
        Line::default(),
        Line::from(format!(
            "precision {:.3}  recall {:.3}  F1 {:.3}",
            r.precision, r.recall, r.f1
        )),
        Line::from(format!("accuracy {:.3}  FPR {:.3}", r.accuracy, r.fpr)),
        Line::default(),
        Line::from(Span::styled(
            format!(
                "Enter opens the {} cell ({}) as a queue",
                CELLS[e.cell], counts[e.cell]
            ),
            dim,
        )),
        Line::default(),
    ];
    lines.extend(legend);
    lines
}
