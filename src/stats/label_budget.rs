//! How many more hand labels an interval needs to reach the half-width a user asks
//! for, and how that is said.

use serde::Serialize;

/// How many more labels an interval needs to reach a half-width: the variance is
/// taken to fall as 1/labels at the same class balance (DeLong's does).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelBudget {
    /// The half-width asked for (± target).
    pub target: f64,
    /// The interval's half-width now.
    pub half_width: f64,
    /// Further labels needed (0: already there).
    pub more: Option<usize>,
    /// Why there is no number.
    pub note: Option<String>,
}

impl LabelBudget {
    pub fn new(target: f64, labels: usize, fixed: f64, shrinking: f64) -> LabelBudget {
        use crate::model::compare::{more_labels, Z975};
        let (more, note) = match more_labels(labels, fixed, shrinking, target) {
            Ok(n) => (Some(n), None),
            Err(e) => (None, Some(e.0)),
        };
        LabelBudget {
            target,
            half_width: Z975 * (fixed + shrinking).sqrt(),
            more,
            note,
        }
    }

    /// "about 120 more labels for ±0.05".
    pub fn text(&self) -> String {
        match (self.more, &self.note) {
            (Some(0), _) => format!("within ±{} already (±{:.3})", self.target, self.half_width),
            (Some(n), _) => format!(
                "about {n} more labels for ±{} (now ±{:.3})",
                self.target, self.half_width
            ),
            (None, Some(why)) => why.clone(),
            (None, None) => String::new(),
        }
    }
}
