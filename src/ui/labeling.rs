//! The labeling panel (the schema's keys with the current answers, progress, the last
//! save) and the session's overlays: a failed write (blocking), the history, progress
//! per stratum.

use crate::app::role::Role;
use crate::app::session::{Session, SessionView};
use crate::app::{Action, App};
use crate::model::sanitize::visible;
use crate::model::schema::FieldKind;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// `1h05m`, `12m`, `40s`.
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match (s / 3600, s % 3600 / 60) {
        (0, 0) => format!("{s}s"),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

fn progress_bar(done: usize, target: usize, width: usize) -> String {
    let filled = (done * width).checked_div(target).unwrap_or(0).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// "37/100 · 52/h · ~1h11m left".
pub fn progress_text(s: &Session, now: i64) -> String {
    let (done, target) = (s.labelled(), s.target());
    let mut t = format!("{done}/{target}");
    if let Some(r) = s.rate_per_hour(now) {
        t.push_str(&format!(" · {r:.0}/h"));
    }
    if done >= target {
        t.push_str(" · target reached");
    } else if let Some(eta) = s.eta_ms(now) {
        t.push_str(&format!(" · ~{} left", duration(eta)));
    }
    t
}

pub fn draw_panel(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(s) = &app.session else { return };
    let st = theme.get("status");
    let key = theme.get("status_key");
    let entry = app.current();
    let values = entry.map(|e| s.values(e)).unwrap_or_default();
    let pos = entry
        .and_then(|e| s.position_of.get(&e))
        .map_or(0, |p| p + 1);
    let mut first: Vec<Span> = vec![Span::styled(
        format!(" item {pos}/{} ", s.queue.items.len()),
        theme.get("title"),
    )];
    if let Some(note) = &s.note {
        first.push(Span::styled(" note: ", key));
        first.push(Span::styled(visible(&note.text, false).into_owned(), st));
        first.push(Span::styled(
            "▏ Enter keeps · Esc cancels",
            theme.role(Role::Dim),
        ));
    } else {
        // Criteria by name where they fit, by key where not, keys alone when narrow.
        let fits = |spans: &[Span<'_>]| {
            first.iter().chain(spans).map(Span::width).sum::<usize>() + 10
                <= usize::from(area.width)
        };
        let chosen = [Detail::AllNamed, Detail::Named, Detail::Keys]
            .into_iter()
            .map(|d| answer_spans(s, &values, d, theme))
            .find(|spans| fits(spans))
            .unwrap_or_else(|| answer_spans(s, &values, Detail::Compact, theme));
        first.extend(chosen);
        first.push(Span::styled(" │ ", st));
        first.push(Span::styled(app.keymap.hint(Action::Skip), key));
        first.push(Span::styled(" skip", st));
    }
    let now = (app.clock)();
    let mut second: Vec<Span> = vec![
        Span::styled(
            format!(" {} ", progress_bar(s.labelled(), s.target(), 12)),
            key,
        ),
        Span::styled(progress_text(s, now), st),
        Span::styled(" │ ", st),
    ];
    let state = match entry {
        Some(e) if s.pending.iter().any(|(_, p)| *p == e) => {
            Span::styled("saving…", theme.role(Role::Warning))
        }
        Some(e) if s.label_of(e).is_some() => Span::styled("labelled", key),
        Some(e) if s.drafts.contains_key(&e) => {
            Span::styled("draft (not saved)", theme.role(Role::Warning))
        }
        _ => Span::styled("not labelled", st),
    };
    second.push(state);
    if let Some(n) = entry.and_then(|e| s.shared_ids.get(&e)) {
        second.push(Span::styled(" │ ", st));
        second.push(Span::styled(
            format!("{n} transcripts have this id: joins refuse its labels"),
            theme.role(Role::Warning),
        ));
    }
    if s.read_only.is_some() {
        // Short here: the status line says it whole.
        second.push(Span::styled(" │ ", st));
        second.push(Span::styled(
            "read-only: the journal is open in another afscope",
            theme.role(Role::Failed),
        ));
    } else {
        // The keys that fit, whole, most needed first.
        let hints: Vec<String> = [
            (Action::UndoLabel, "undo"),
            (Action::LabelHistory, "history"),
            (Action::LabelProgress, "progress"),
            (Action::ClearFilter, "leaves"),
        ]
        .iter()
        .map(|(a, what)| format!("{} {what}", app.keymap.hint(*a)))
        .collect();
        let used: usize = second.iter().map(Span::width).sum();
        let room = usize::from(area.width).saturating_sub(used + 3);
        let mut shown = String::new();
        for h in hints {
            let next = if shown.is_empty() {
                h
            } else {
                format!("{shown} · {h}")
            };
            if next.width() > room {
                break;
            }
            shown = next;
        }
        if !shown.is_empty() {
            second.push(Span::styled(format!(" │ {shown}"), theme.role(Role::Dim)));
        }
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    if let (Some((a, b)), Some(e)) = (s.adjudicating(), entry) {
        lines.insert(0, adjudication_line(app, s, e, a, b, theme));
    }
    frame.render_widget(Paragraph::new(lines).style(st), area);
}

/// Two labelers' answers side by side; fields where they differ are marked.
fn adjudication_line<'a>(
    app: &App,
    s: &Session,
    e: u32,
    a: &str,
    b: &str,
    theme: &Theme,
) -> Line<'a> {
    let st = theme.get("status");
    let differ = theme.role(Role::Warning);
    let la = app.label_by(e, a);
    let lb = app.label_by(e, b);
    let mut spans = Vec::new();
    for (who, mine, other) in [(a, la, lb), (b, lb, la)] {
        spans.push(Span::styled(
            format!(" {}:", visible(who, false)),
            theme.get("title"),
        ));
        let Some(l) = mine else {
            spans.push(Span::styled(" no label", theme.role(Role::Dim)));
            continue;
        };
        for f in &s.schema.fields {
            let v = l.values.get(&f.name);
            let shown = match (f.kind.clone(), v) {
                (FieldKind::Choice, Some(Value::String(x))) => format!(" {}={x}", f.name),
                (FieldKind::Check, Some(Value::Bool(true))) => {
                    format!(
                        " {}",
                        f.key.map_or_else(|| f.name.clone(), |k| k.to_string())
                    )
                }
                (FieldKind::Text, Some(Value::String(x))) if !x.is_empty() => {
                    format!(" “{x}”")
                }
                _ => continue,
            };
            let same = other.is_some_and(|o| o.values.get(&f.name) == v);
            spans.push(Span::styled(
                visible(&shown, false).into_owned(),
                if same { st } else { differ },
            ));
        }
        spans.push(Span::styled("  │", st));
    }
    Line::from(spans)
}

/// How much of the schema the panel's first line spells out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Choices spelled out, checkboxes with their criteria's names.
    AllNamed,
    /// Choices by key, checkboxes with their criteria's names.
    Named,
    /// Keys and choices.
    Keys,
    /// Keys and the chosen values only, for narrow terminals.
    Compact,
}

/// The schema's keys with the current answers, spelled out as `detail` says.
fn answer_spans<'a>(
    s: &Session,
    values: &serde_json::Map<String, Value>,
    detail: Detail,
    theme: &Theme,
) -> Vec<Span<'a>> {
    let compact = matches!(detail, Detail::Compact | Detail::Named);
    let names = matches!(detail, Detail::AllNamed | Detail::Named);
    let st = theme.get("status");
    let key = theme.get("status_key");
    let chosen = theme.get("selection");
    let mut out = Vec::new();
    let mut last = None;
    for f in &s.schema.fields {
        if last != Some(f.kind.clone()) || f.kind == FieldKind::Choice {
            out.push(Span::styled(" │", st));
        }
        last = Some(f.kind.clone());
        match f.kind {
            FieldKind::Choice => {
                let current = values.get(&f.name).and_then(Value::as_str);
                out.push(Span::styled(format!(" {}", visible(&f.name, false)), st));
                if compact {
                    let keys: String = f.choices.iter().map(|c| c.key).collect();
                    out.push(Span::styled(format!("[{keys}]"), key));
                    if let Some(v) = current {
                        out.push(Span::styled(format!("={}", visible(v, false)), chosen));
                    }
                    continue;
                }
                out.push(Span::styled(":", st));
                for c in &f.choices {
                    out.push(Span::styled(format!(" {} ", c.key), key));
                    let style = if current == Some(c.value.as_str()) {
                        chosen
                    } else {
                        st
                    };
                    out.push(Span::styled(visible(&c.value, false).into_owned(), style));
                }
            }
            FieldKind::Check => {
                let on = matches!(values.get(&f.name), Some(Value::Bool(true)));
                let k = f.key.unwrap_or('?');
                out.push(Span::styled(
                    if compact {
                        format!("{k}")
                    } else {
                        format!(" {k}")
                    },
                    key,
                ));
                out.push(Span::styled(
                    if on { "☑" } else { "☐" },
                    if on { chosen } else { st },
                ));
                if names {
                    out.push(Span::styled(
                        format!(" {}", visible(&f.name.replace('_', " "), false)),
                        if on { chosen } else { st },
                    ));
                }
            }
            FieldKind::Text => {
                let has = values
                    .get(&f.name)
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty());
                out.push(Span::styled(format!(" {} ", f.key.unwrap_or('?')), key));
                out.push(Span::styled(
                    format!("{}{}", f.name, if has { "✎" } else { "" }),
                    if has { chosen } else { st },
                ));
            }
        }
    }
    out
}

pub fn draw_overlays(frame: &mut Frame<'_>, full: Rect, app: &App, theme: &Theme) {
    let Some(s) = &app.session else { return };
    if let Some(err) = &s.save_error {
        let r = super::overlay(frame, full, 70, 9);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.role(Role::Failed))
            .title(Span::styled(" label NOT saved ", theme.role(Role::Failed)));
        let lines = vec![
            Line::from(visible(err, false).into_owned()),
            Line::from(""),
            Line::from(format!(
                "{} label(s) are kept in memory and not yet on disk.",
                s.pending.len()
            )),
            Line::from(vec![
                Span::styled("r", theme.get("status_key")),
                Span::raw(" try again   "),
                Span::styled("Q", theme.get("status_key")),
                Span::raw(" write them to a rescue file and quit"),
            ]),
        ];
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            r,
        );
        return;
    }
    match s.view {
        SessionView::History { cursor } => {
            let r = super::overlay(frame, full, 76, 16);
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(theme.get("border_focus"))
                .title(" last labels (Enter goes back to one) ");
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let rows = usize::from(inner.height);
            let hist = app.history();
            let top = cursor.saturating_sub(rows.saturating_sub(1));
            let lines: Vec<Line> = hist
                .iter()
                .enumerate()
                .skip(top)
                .take(rows)
                .map(|(k, h)| {
                    let pos = s.position_of.get(&h.entry).map_or(0, |p| p + 1);
                    let who = if s.spec.blind {
                        format!("item {pos}")
                    } else {
                        format!("item {pos} {}", h.label.transcript_id)
                    };
                    let time = h.label.time.get(11..19).unwrap_or("");
                    // Said first, so a narrow overlay never cuts it off.
                    let undone = if h.undone { "undone  " } else { "" };
                    let text = format!("{time}  {undone}{who}  {}", s.summary(&h.label.values));
                    let style = match (k == cursor, h.undone) {
                        (true, _) => theme.get("selection"),
                        (false, true) => theme.role(Role::Dim),
                        (false, false) => theme.role(Role::Text),
                    };
                    Line::styled(visible(&text, false).into_owned(), style)
                })
                .collect();
            let lines = if lines.is_empty() {
                vec![Line::styled(
                    "no labels yet in this session",
                    theme.role(Role::Dim),
                )]
            } else {
                lines
            };
            frame.render_widget(Paragraph::new(lines), inner);
        }
        SessionView::Progress => {
            let strata = s.strata_progress();
            let numbered = s.spec.blind && strata.len() > 1;
            let h = (strata.len() as u16 + 6 + u16::from(numbered)).min(full.height);
            let r = super::overlay(frame, full, 72, h);
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(theme.get("border_focus"))
                .title(" progress ");
            let now = (app.clock)();
            let mut lines = vec![
                Line::from(visible(&s.spec.describe(), false).into_owned()),
                Line::from(format!(
                    "{}  {}  (session {})",
                    progress_bar(s.labelled(), s.target(), 20),
                    progress_text(s, now),
                    duration(now - s.started_at)
                )),
            ];
            if !s.spec.blind && !s.budget.is_empty() {
                // Blind sessions hide the judge's scores, so its AUROC too.
                lines.push(Line::from(visible(&s.budget, false).into_owned()));
            }
            if numbered {
                lines.push(Line::styled(
                    "strata by number: their names (model, tier, score) are hidden while blind",
                    theme.role(Role::Dim),
                ));
            }
            for (k, (name, done, target)) in strata.iter().enumerate() {
                // Stratum names carry model and tier: hidden in a blind session.
                let name = if s.spec.blind {
                    format!("stratum {}", k + 1)
                } else {
                    visible(name, false).into_owned()
                };
                lines.push(Line::from(format!(
                    "{} {done:>4}/{target:<4} {name}",
                    progress_bar(*done, *target, 10)
                )));
            }
            frame.render_widget(Paragraph::new(lines).block(block), r);
        }
        SessionView::Labeling => {}
    }
}
