//! Keys and results of the compliance-gap and evaluation panels, and opening a
//! confusion-matrix cell as a queue.

use super::eval_panel::{ClassifierItems, EvalPanel};
use super::gap_panel::GapPanel;
use super::{Action, App, Effect, Mode};
use crate::stats::eval::{Collected, EvalOptions};
use crate::stats::gap::{GapOptions, GapReport};
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::BTreeMap;

impl App {
    /// The entries in view, as a set for the statistics.
    fn view_subset(&self) -> Option<std::collections::HashSet<u32>> {
        (self.rows.len() < self.corpus.len()).then(|| self.rows.iter().copied().collect())
    }

    pub(super) fn open_gap(&mut self) -> Vec<Effect> {
        self.gap = Some(GapPanel::default());
        self.mode = Mode::Gap;
        vec![Effect::ComputeGap(GapOptions {
            subset: self.view_subset(),
            fresh: self.fresh_labels().map(std::sync::Arc::new),
            ..Default::default()
        })]
    }

    pub(super) fn open_eval(&mut self) -> Vec<Effect> {
        self.eval = Some(EvalPanel::new(self.eval_threshold));
        self.mode = Mode::Eval;
        vec![Effect::Evaluate(EvalOptions {
            threshold: self.eval_threshold,
            resamples: 0,
            subset: self.view_subset(),
            fresh: self.fresh_labels().map(std::sync::Arc::new),
            ..Default::default()
        })]
    }

    /// The gap table arrived (ignored once the panel is closed).
    pub fn on_gap(&mut self, report: GapReport) {
        if let Some(g) = self.gap.as_mut() {
            g.report = Some(report);
            g.move_row(0);
            g.set_baseline(self.gap_baseline.as_deref());
        }
    }

    /// The labelled items arrived (ignored once the panel is closed).
    pub fn on_eval(&mut self, result: Result<BTreeMap<String, Collected>, String>) {
        if let Some(e) = self.eval.as_mut() {
            e.data = Some(result.map(|m| {
                m.into_iter()
                    .map(|(name, c)| ClassifierItems::new(name, c))
                    .collect()
            }));
        }
    }

    fn close_panels(&mut self) {
        if let Some(e) = &self.eval {
            self.eval_threshold = e.threshold;
        }
        self.gap = None;
        self.eval = None;
        self.mode = Mode::Normal;
    }

    pub(super) fn gap_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let Some(g) = self.gap.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        match (ev.code, self.keymap.action(&ev)) {
            (KeyCode::Enter, _) => {
                let cell = g.cell_query();
                self.close_panels();
                if let Some(cell) = cell {
                    return self.narrow_filter(&cell, "gap filter");
                }
            }
            (KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right, _)
            | (KeyCode::Char('h' | 'l'), _) => g.toggle_tier(),
            (KeyCode::Char('b'), _) => {
                self.gap_baseline = g.next_baseline(self.gap_baseline.as_deref());
                g.set_baseline(self.gap_baseline.as_deref());
                self.message = Some(match &self.gap_baseline {
                    Some(b) => format!(
                        "gap against the baseline condition {}",
                        crate::model::sanitize::visible(b, false)
                    ),
                    None => "no baseline condition".into(),
                });
            }
            (_, Some(Action::Up)) => g.move_row(-1),
            (_, Some(Action::Down)) => g.move_row(1),
            (_, Some(Action::PageUp)) => g.move_row(-10),
            (_, Some(Action::PageDown)) => g.move_row(10),
            (_, Some(Action::Top)) => g.move_row(i64::MIN / 2),
            (_, Some(Action::Bottom)) => g.move_row(i64::MAX / 2),
            _ => self.close_panels(),
        }
        Vec::new()
    }

    pub(super) fn eval_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let Some(e) = self.eval.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        match ev.code {
            KeyCode::Enter => {
                let cell = e.cell_entries();
                self.close_panels();
                if let Some((name, entries)) = cell {
                    return self.open_queue(name, entries);
                }
            }
            KeyCode::Tab => e.next_classifier(),
            KeyCode::Char('o') => e.next_overlay(),
            KeyCode::Char('+' | '=') => e.nudge(0.05),
            KeyCode::Char('-' | '_') => e.nudge(-0.05),
            KeyCode::Char('>' | '.') => e.step_score(true),
            KeyCode::Char('<' | ',') => e.step_score(false),
            KeyCode::Up | KeyCode::Char('k') => e.move_cell(-1, 0),
            KeyCode::Down | KeyCode::Char('j') => e.move_cell(1, 0),
            KeyCode::Left | KeyCode::Char('h') => e.move_cell(0, -1),
            KeyCode::Right | KeyCode::Char('l') => e.move_cell(0, 1),
            _ => self.close_panels(),
        }
        Vec::new()
    }

    /// Limits the list to `entries` (in file order) under `name`.
    pub(super) fn open_queue(&mut self, name: String, mut entries: Vec<u32>) -> Vec<Effect> {
        entries.sort_unstable();
        self.message = Some(format!(
            "queue {name}: {} transcripts (Esc leaves it)",
            entries.len()
        ));
        self.queue = Some((name, std::sync::Arc::new(entries.clone())));
        self.input_error = None;
        self.set_rows(None, entries)
    }
}
