//! The compliance-gap panel: the table for the current view, a cursor on a row and a
//! tier, and the filter that opens a cell's transcripts.

use super::facets::scope_query;
use crate::stats::baseline::{self, BaselineRow};
use crate::stats::gap::GapReport;

/// The open panel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GapPanel {
    /// `None` while it is being computed.
    pub report: Option<GapReport>,
    pub row: usize,
    /// 0 free, 1 paid.
    pub tier: usize,
    /// Each condition against the baseline condition, when one is chosen.
    pub against: Option<baseline::BaselineReport>,
}

impl GapPanel {
    pub fn move_row(&mut self, delta: i64) {
        let n = self.report.as_ref().map_or(0, |r| r.rows.len());
        self.row = (self.row as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
    }

    pub fn toggle_tier(&mut self) {
        self.tier = 1 - self.tier.min(1);
    }

    /// The conditions of the table, in order.
    pub fn conditions(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.report.iter().flat_map(|r| &r.rows) {
            if let Some(c) = &r.condition {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        }
        out
    }

    /// Compares every condition with `condition` (none: no comparison).
    pub fn set_baseline(&mut self, condition: Option<&str>) {
        self.against = match (condition, &self.report) {
            (Some(c), Some(r)) => baseline::against(r, c).ok(),
            _ => None,
        };
    }

    /// The condition after `current` in the table (after the last: none).
    pub fn next_baseline(&self, current: Option<&str>) -> Option<String> {
        let conditions = self.conditions();
        match current.and_then(|c| conditions.iter().position(|x| x == c)) {
            None => conditions.first().cloned(),
            Some(i) => conditions.get(i + 1).cloned(),
        }
    }

    /// A row's comparison with the baseline, when it has one.
    pub fn change_of(&self, model: &str, condition: Option<&str>) -> Option<&BaselineRow> {
        self.against
            .as_ref()?
            .rows
            .iter()
            .find(|r| r.model == model && r.condition.as_deref() == condition)
    }

    /// Query terms for the cell under the cursor.
    pub fn cell_query(&self) -> Option<String> {
        let row = self.report.as_ref()?.rows.get(self.row)?;
        let condition = row.scope.condition.as_ref().map(|c| c.as_deref());
        let tier = ["free", "paid"][self.tier.min(1)];
        Some(scope_query(
            row.scope.model.as_deref(),
            condition,
            Some(tier),
        ))
    }
}
