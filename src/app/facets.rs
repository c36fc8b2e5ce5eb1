//! The facet table: transcripts of the current view counted by model (or model and
//! condition) × tier; choosing a cell narrows the filter to it.

use crate::load::View;
use std::collections::BTreeMap;

/// One row: a model, or a model and condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetRow {
    pub model: Option<String>,
    pub condition: Option<String>,
    /// free, paid, unknown
    pub counts: [usize; 3],
}

/// The open facet table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facets {
    pub rows: Vec<FacetRow>,
    pub by_condition: bool,
    pub row: usize,
    /// 0 free, 1 paid, 2 unknown, 3 both tiers.
    pub col: usize,
}

pub const COLUMNS: [&str; 4] = ["free", "paid", "unknown", "all"];

impl Facets {
    pub fn count(view: &View<'_>, rows: &[u32], by_condition: bool) -> Facets {
        use rayon::prelude::*;
        let names = &view.index.names;
        // A flat table indexed by (model id, condition id), filled in parallel.
        let conds = if by_condition {
            names.conditions.len() + 1
        } else {
            1
        };
        let cells = (names.models.len() + 1) * conds;
        // Rows are counted by group (few), then groups by cell.
        let entries = &view.index.entries;
        let numbers = entries.group_numbers();
        let per_group = rows
            .par_iter()
            .with_min_len(8192)
            .fold(
                || vec![0usize; entries.groups().len()],
                |mut t, &i| {
                    t[numbers[i as usize] as usize] += 1;
                    t
                },
            )
            .reduce(
                || vec![0usize; entries.groups().len()],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                    a
                },
            );
        let mut table = vec![[0usize; 3]; cells];
        for (g, n) in entries.groups().iter().zip(per_group) {
            let c = if by_condition {
                g.condition as usize
            } else {
                0
            };
            table[g.model as usize * conds + c][g.tier_slot()] += n;
        }
        let mut map: BTreeMap<(u32, u32), [usize; 3]> = BTreeMap::new();
        for (cell, counts) in table.into_iter().enumerate() {
            if counts.iter().any(|&n| n > 0) {
                map.insert(((cell / conds) as u32, (cell % conds) as u32), counts);
            }
        }
        let names = &view.index.names;
        let mut out: Vec<FacetRow> = map
            .into_iter()
            .map(|((m, c), counts)| FacetRow {
                model: names.models.get(m).map(str::to_string),
                condition: names.conditions.get(c).map(str::to_string),
                counts,
            })
            .collect();
        out.sort_by(|a, b| (&a.model, &a.condition).cmp(&(&b.model, &b.condition)));
        Facets {
            rows: out,
            by_condition,
            row: 0,
            col: 3,
        }
    }

    pub fn move_by(&mut self, drow: i64, dcol: i64) {
        let rows = self.rows.len() as i64;
        self.row = (self.row as i64 + drow).clamp(0, (rows - 1).max(0)) as usize;
        self.col = (self.col as i64 + dcol).clamp(0, 3) as usize;
    }

    /// The query terms for the chosen cell.
    pub fn cell_query(&self) -> Option<String> {
        let row = self.rows.get(self.row)?;
        let condition = self.by_condition.then_some(row.condition.as_deref());
        let tier = (self.col < 3).then(|| COLUMNS[self.col]);
        Some(scope_query(row.model.as_deref(), condition, tier))
    }
}

/// Query terms selecting a model (`None`: transcripts without one), optionally a
/// condition (`Some(None)`: without one) and a tier.
pub fn scope_query(
    model: Option<&str>,
    condition: Option<Option<&str>>,
    tier: Option<&str>,
) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut parts = Vec::new();
    match model {
        Some(m) => parts.push(format!("model:={}", quote(m))),
        None => parts.push("not model:~.".to_string()),
    }
    match condition {
        Some(Some(c)) => parts.push(format!("condition:={}", quote(c))),
        Some(None) => parts.push("not condition:~.".to_string()),
        None => {}
    }
    if let Some(t) = tier {
        parts.push(format!("tier:{t}"));
    }
    parts.join(" ")
}
