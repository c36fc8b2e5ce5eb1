//! The evaluation panel: each classifier's labelled items for the current view, a
//! threshold moved with keys, and the confusion-matrix cell whose transcripts open as
//! a queue.

use crate::model::metrics::{self, Confusion, CurvePoint};
use crate::stats::eval::{scored, Collected, Item, Rates};

/// One classifier's items and the numbers that do not depend on the threshold.
#[derive(Debug, Clone)]
pub struct ClassifierItems {
    pub name: String,
    pub items: Vec<Item>,
    pub left_out: usize,
    /// AUROC, or why there is none.
    pub auroc: Result<f64, String>,
    pub roc: Vec<CurvePoint>,
    /// Distinct scores, high to low: the thresholds worth stopping at.
    pub thresholds: Vec<f64>,
}

impl ClassifierItems {
    pub fn new(name: String, c: Collected) -> ClassifierItems {
        let s = scored(&c.items);
        let lo = &c.left_out;
        let mut thresholds: Vec<f64> = s.iter().map(|x| x.score).collect();
        thresholds.sort_by(|a, b| b.total_cmp(a));
        thresholds.dedup();
        ClassifierItems {
            name,
            auroc: metrics::auroc(&s).map_err(|e| e.0),
            roc: metrics::roc_curve(&s).unwrap_or_default(),
            thresholds,
            left_out: lo.unsure
                + lo.disagree
                + lo.unrecognized
                + lo.failed
                + lo.unscored
                + lo.no_verdict,
            items: c.items,
        }
    }

    pub fn rates(&self, threshold: f64) -> Rates {
        Rates::new(threshold, Confusion::at(&scored(&self.items), threshold))
    }
}

/// The four cells of the confusion matrix, in screen order (row: human yes / no;
/// column: flagged / not flagged).
pub const CELLS: [&str; 4] = ["TP", "FN", "FP", "TN"];

/// The open panel.
#[derive(Debug, Clone, Default)]
pub struct EvalPanel {
    /// `None` while computing; `Err` when there is nothing to evaluate.
    pub data: Option<Result<Vec<ClassifierItems>, String>>,
    pub classifier: usize,
    pub threshold: f64,
    /// Index into `CELLS`.
    pub cell: usize,
    /// A second classifier whose ROC curve is drawn over the current one's (`o`).
    pub overlay: Option<usize>,
}

impl EvalPanel {
    pub fn new(threshold: f64) -> EvalPanel {
        EvalPanel {
            threshold,
            ..Default::default()
        }
    }

    pub fn current(&self) -> Option<&ClassifierItems> {
        self.data.as_ref()?.as_ref().ok()?.get(self.classifier)
    }

    pub fn next_classifier(&mut self) {
        if let Some(Ok(d)) = &self.data {
            if !d.is_empty() {
                self.classifier = (self.classifier + 1) % d.len();
                if self.overlay == Some(self.classifier) {
                    self.next_overlay();
                }
            }
        }
    }

    /// Overlays the next other classifier (after the last: none).
    pub fn next_overlay(&mut self) {
        let n = match &self.data {
            Some(Ok(d)) => d.len(),
            _ => 0,
        };
        let mut next = self.overlay.map_or(0, |o| o + 1);
        if next == self.classifier {
            next += 1;
        }
        self.overlay = (next < n).then_some(next);
    }

    /// The overlaid classifier, when there is one other than the current.
    pub fn overlaid(&self) -> Option<&ClassifierItems> {
        let o = self.overlay.filter(|&o| o != self.classifier)?;
        self.data.as_ref()?.as_ref().ok()?.get(o)
    }

    /// DeLong's test of the current classifier against the overlaid one on the
    /// labelled transcripts both scored.
    pub fn comparison(&self) -> Option<Result<crate::model::compare::DelongTest, String>> {
        let (a, b) = (self.current()?, self.overlaid()?);
        let of_b: std::collections::HashMap<u32, f64> =
            b.items.iter().map(|i| (i.entry, i.score)).collect();
        let paired: Vec<crate::model::compare::PairedScore> = a
            .items
            .iter()
            .filter_map(|i| {
                of_b.get(&i.entry)
                    .map(|&s| crate::model::compare::PairedScore {
                        a: i.score,
                        b: s,
                        positive: i.positive,
                    })
            })
            .collect();
        Some(crate::model::compare::delong_test(&paired).map_err(|e| e.0))
    }

    /// Moves the threshold by `step` (kept in [0, 1], rounded to the step's grid).
    pub fn nudge(&mut self, step: f64) {
        let t = ((self.threshold + step) / step.abs()).round() * step.abs();
        self.threshold = t.clamp(0.0, 1.0);
    }

    /// Moves to the next distinct score above (`up`) or below the threshold, so each
    /// stop changes the confusion matrix.
    pub fn step_score(&mut self, up: bool) {
        let Some(c) = self.current() else { return };
        let t = self.threshold;
        let next = if up {
            c.thresholds.iter().rev().find(|&&s| s > t + 1e-12).copied()
        } else {
            c.thresholds.iter().find(|&&s| s < t - 1e-12).copied()
        };
        if let Some(n) = next {
            self.threshold = n;
        }
    }

    /// Moves the cell cursor in the 2 × 2 matrix.
    pub fn move_cell(&mut self, drow: i64, dcol: i64) {
        let (r, c) = ((self.cell / 2) as i64, (self.cell % 2) as i64);
        let (r, c) = ((r + drow).clamp(0, 1), (c + dcol).clamp(0, 1));
        self.cell = (r * 2 + c) as usize;
    }

    /// The entries in the cell under the cursor, and a name for the queue.
    pub fn cell_entries(&self) -> Option<(String, Vec<u32>)> {
        let c = self.current()?;
        let t = self.threshold;
        let want = CELLS[self.cell];
        let entries: Vec<u32> = c
            .items
            .iter()
            .filter(|i| {
                let cell = match (i.score >= t, i.positive) {
                    (true, true) => "TP",
                    (false, true) => "FN",
                    (true, false) => "FP",
                    (false, false) => "TN",
                };
                cell == want
            })
            .map(|i| i.entry)
            .collect();
        Some((format!("{} {want} at {t:.2}", c.name), entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::eval::LeftOut;

    fn panel() -> EvalPanel {
        let items = [
            (0.9, true),
            (0.6, false),
            (0.4, true),
            (0.3, false),
            (0.1, true),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(score, positive))| Item {
            entry: i as u32,
            score,
            positive,
            votes: Vec::new(),
        })
        .collect();
        let c = Collected {
            items,
            left_out: LeftOut::default(),
        };
        let mut p = EvalPanel::new(0.4);
        p.data = Some(Ok(vec![ClassifierItems::new("judge".into(), c)]));
        p
    }

    #[test]
    fn threshold_moves_by_steps_and_by_scores() {
        let mut p = panel();
        p.nudge(0.05);
        assert!((p.threshold - 0.45).abs() < 1e-12);
        p.step_score(true);
        assert_eq!(p.threshold, 0.6);
        p.step_score(false);
        p.step_score(false);
        assert_eq!(p.threshold, 0.3);
        for _ in 0..30 {
            p.nudge(-0.05);
        }
        assert_eq!(p.threshold, 0.0);
    }

    #[test]
    fn cells_hold_the_right_entries_and_follow_the_threshold() {
        let mut p = panel();
        let r = p.current().unwrap().rates(0.4);
        assert_eq!((r.tp, r.fn_, r.fp, r.tn), (2, 1, 1, 1));
        assert_eq!(p.cell_entries().unwrap().1, vec![0, 2]);
        p.move_cell(1, 0);
        assert_eq!(CELLS[p.cell], "FP");
        assert_eq!(
            p.cell_entries().unwrap(),
            ("judge FP at 0.40".to_string(), vec![1])
        );
        p.threshold = 0.7;
        assert!(p.cell_entries().unwrap().1.is_empty());
        p.move_cell(0, 1);
        assert_eq!(p.cell_entries().unwrap().1, vec![1, 3]);
        assert_eq!(p.current().unwrap().auroc, Ok(3.0 / 6.0));
    }
}
