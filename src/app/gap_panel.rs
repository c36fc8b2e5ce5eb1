//! The compliance-gap panel: the table for the current view, a cursor on a row and a
//! tier, and the filter that opens a cell's transcripts.

use super::facets::scope_query;
use crate::stats::gap::GapReport;

/// The open panel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GapPanel {
    /// `None` while it is being computed.
    pub report: Option<GapReport>,
    pub row: usize,
    /// 0 free, 1 paid.
    pub tier: usize,
}

impl GapPanel {
    pub fn move_row(&mut self, delta: i64) {
        let n = self.report.as_ref().map_or(0, |r| r.rows.len());
        self.row = (self.row as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
    }

    pub fn toggle_tier(&mut self) {
        self.tier = 1 - self.tier.min(1);
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
