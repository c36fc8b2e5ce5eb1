//! Which columns the transcript list shows and how wide: read from the rows in view
//! (a model column only when some row has a model, the condition kept when
//! conditions differ, the id's shared prefix elided), the id given the width the
//! other columns do not need.

use super::Column;
use crate::load::View;
use crate::model::idcut;
use crate::model::sanitize::visible;
use unicode_width::UnicodeWidthStr;

/// How many rows are read to plan the columns (evenly spread): enough to see how
/// the ids and names vary, cheap at a million rows. A row that does not share the
/// prefix found is shown whole, so a sample can never make an id wrong.
const SAMPLE: usize = 2048;

/// What the rows in view hold, for the list's columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListColumns {
    /// The id prefix every row shares, shown as `…`.
    pub id_prefix: String,
    /// The widest id once its prefix is elided, and also the parts shown by the
    /// model and condition columns: `[[neither, condition], [model, both]]`.
    pub id_width: [[usize; 2]; 2],
    pub model: Names,
    pub condition: Names,
}

/// A name column: whether any row has one, whether they differ, the widest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Names {
    pub any: bool,
    pub vary: bool,
    pub width: usize,
}

impl Names {
    fn of<'a>(names: impl Iterator<Item = Option<&'a str>>) -> Names {
        let mut first: Option<&str> = None;
        let mut n = Names::default();
        for name in names.flatten() {
            n.any = true;
            n.width = n.width.max(name.width());
            match first {
                None => first = Some(name),
                Some(f) if f != name => n.vary = true,
                _ => {}
            }
        }
        n
    }
}

impl ListColumns {
    /// Read from (a spread sample of) `rows`.
    pub fn of(view: &View<'_>, rows: &[u32]) -> ListColumns {
        let step = rows.len().div_ceil(SAMPLE).max(1);
        let sample: Vec<usize> = rows.iter().step_by(step).map(|&r| r as usize).collect();
        let ids: Vec<String> = sample
            .iter()
            .map(|&i| visible(&view.id(i), false).into_owned())
            .collect();
        let id_prefix = idcut::shared_prefix(ids.iter().map(String::as_str));
        let mut id_width = [[0; 2]; 2];
        for (&i, id) in sample.iter().zip(&ids) {
            for (m, c) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let shown: Vec<&str> = [(m, view.model(i)), (c, view.condition(i))]
                    .into_iter()
                    .filter(|(on, _)| *on == 1)
                    .filter_map(|(_, v)| v)
                    .collect();
                let w = idcut::fit_beside(id, &id_prefix, &shown, usize::MAX).width();
                id_width[m][c] = id_width[m][c].max(w);
            }
        }
        ListColumns {
            id_width,
            id_prefix,
            model: Names::of(sample.iter().map(|&i| view.model(i))),
            condition: Names::of(sample.iter().map(|&i| view.condition(i))),
        }
    }

    /// The columns for a list `width` cells wide inside its border, in display
    /// order, with their headers and widths.
    pub fn plan(&self, width: u16) -> Vec<(Column, &'static str, u16)> {
        let width = usize::from(width);
        let name_w = |n: &Names, header: &str| n.width.clamp(header.len(), 24) as u16;
        let model = (Column::Model, "model", name_w(&self.model, "model"));
        let condition = (
            Column::Condition,
            "condition",
            name_w(&self.condition, "condition"),
        );
        // Most wanted first: what tells rows apart before what they share.
        let mut wanted: Vec<(Column, &'static str, u16)> = vec![(Column::Af, "af", 6)];
        if self.condition.vary {
            wanted.push(condition);
        }
        if self.model.vary {
            wanted.push(model);
        }
        wanted.extend([
            (Column::Compliance, "comp", 6),
            (Column::Label, "label", 6),
            (Column::Spans, "ev", 5),
        ]);
        if self.model.any && !self.model.vary {
            wanted.push(model);
        }
        if self.condition.any && !self.condition.vary {
            wanted.push(condition);
        }
        // A column is added while the id keeps what it needs beside the columns
        // chosen (up to 18 cells).
        let mut cols = vec![(Column::Id, "id", 0), (Column::Tier, "tier", 4)];
        let others = |cols: &[(Column, &str, u16)]| -> usize {
            cols.iter()
                .filter(|c| c.0 != Column::Id)
                .map(|c| usize::from(c.2) + 1)
                .sum()
        };
        let same = |c: Column| match c {
            Column::Model => self.model.any && !self.model.vary,
            Column::Condition => self.condition.any && !self.condition.vary,
            _ => false,
        };
        for c in wanted {
            let mut trial = cols.clone();
            trial.push(c);
            // A column with one value for every row comes only after the whole id.
            let need = if same(c.0) {
                self.id_full(&trial)
            } else {
                self.id_need(&trial)
            };
            if others(&trial) + need <= width {
                cols = trial;
            }
        }
        let order = &Column::CYCLE[1..];
        cols.sort_by_key(|c| order.iter().position(|o| *o == c.0));
        // Room the id does not need goes to names cut short.
        let full_id = self.id_full(&cols);
        let mut spare = width.saturating_sub(others(&cols) + full_id);
        for c in cols.iter_mut() {
            let full = match c.0 {
                Column::Model => self.model.width,
                Column::Condition => self.condition.width,
                _ => continue,
            };
            let grow = full.saturating_sub(usize::from(c.2)).min(spare);
            c.2 += grow as u16;
            spare -= grow;
        }
        let id_w = width.saturating_sub(others(&cols)).max(8);
        if let Some(id) = cols.iter_mut().find(|c| c.0 == Column::Id) {
            id.2 = id_w as u16;
        }
        cols
    }

    /// The id's width beside `cols`, at most 18 and at least 8.
    fn id_need(&self, cols: &[(Column, &str, u16)]) -> usize {
        self.id_full(cols).min(18)
    }

    /// The widest id beside `cols`, at least 8.
    fn id_full(&self, cols: &[(Column, &str, u16)]) -> usize {
        let has = |k: Column| usize::from(cols.iter().any(|c| c.0 == k));
        self.id_width[has(Column::Model)][has(Column::Condition)].max(8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(any: bool, vary: bool, width: usize) -> Names {
        Names { any, vary, width }
    }

    #[test]
    fn columns_follow_what_the_rows_hold() {
        let c = ListColumns {
            id_prefix: String::new(),
            id_width: [[30; 2]; 2],
            model: names(false, false, 0),
            condition: names(true, true, 19),
        };
        let plan = c.plan(78);
        let kinds: Vec<Column> = plan.iter().map(|p| p.0).collect();
        assert!(!kinds.contains(&Column::Model), "no model in any row");
        assert!(kinds.contains(&Column::Condition), "conditions differ");
        let total: usize = plan.iter().map(|p| usize::from(p.2) + 1).sum::<usize>() - 1;
        assert!(total <= 78, "{plan:?}");
        let id = plan.iter().find(|p| p.0 == Column::Id).unwrap().2;
        assert!(id >= 18, "{plan:?}");
        // Narrow: the id and tier stay, the rest as they fit.
        let narrow = c.plan(38);
        assert_eq!(narrow[0].0, Column::Id);
        assert!(narrow.iter().map(|p| usize::from(p.2) + 1).sum::<usize>() - 1 <= 38);
    }
}
