//! A prepared query run over many transcripts at once: in parallel, answered from
//! each transcript's group where the group decides, sharing one split per record.

use super::ast::{Cmp, Expr, FieldTest, ScoreField, ScoreState};
use super::eval::Prepared;
use crate::load::index::entries::{Entries, Group};

impl Prepared<'_> {
    /// The candidates that match, in order, tested in parallel; the transcripts of one
    /// record (a wide record's keys, next to each other in the index) share one split
    /// of it.
    pub fn matching(&self, candidates: &[u32]) -> Vec<u32> {
        self.matching_among(candidates.len(), |k| candidates[k]).0
    }

    /// `matching` over every entry below `n`, with the matches' tier counts (free,
    /// paid, unknown).
    pub fn matching_all(&self, n: usize) -> (Vec<u32>, [usize; 3]) {
        self.matching_among(n.min(self.view.len()), |k| k as u32)
    }

    /// `matching` with the matches' tier counts.
    pub fn matching_counted(&self, candidates: &[u32]) -> (Vec<u32>, [usize; 3]) {
        self.matching_among(candidates.len(), |k| candidates[k])
    }

    /// `matching` over `len` candidates, the `k`th given by `at`, with the matches'
    /// tier counts. Where the group of a transcript (model, condition, key, tier,
    /// flags) decides the query, it is answered from the group's number alone.
    fn matching_among(
        &self,
        len: usize,
        at: impl Fn(usize) -> u32 + Sync,
    ) -> (Vec<u32>, [usize; 3]) {
        use rayon::prelude::*;
        const CHUNK: usize = 8192;
        let entries = &self.view.index.entries;
        let residuals = self.residuals();
        let numbers = entries.group_numbers();
        let scored = reads_scores(&self.query.expr);
        let decided = |i: u32| {
            let r = &residuals[numbers[i as usize] as usize];
            match r.known() {
                Some(b) => Some(b),
                None if scored => r.with_scores(entries, i as usize),
                None => None,
            }
        };
        // Pass one marks each chunk's matches in a bitmap and counts them by tier;
        // pass two writes them, each chunk into its own part of the result (one
        // allocation, filled in parallel: fresh pages are dear at millions of rows).
        let marked: Vec<(Vec<u64>, [usize; 3])> = (0..len.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut chunk = [0u32; CHUNK];
                let range = c * CHUNK..len.min((c + 1) * CHUNK);
                let chunk = &mut chunk[..range.len()];
                for (slot, k) in chunk.iter_mut().zip(range) {
                    *slot = at(k);
                }
                let mut bits = vec![0u64; chunk.len().div_ceil(64)];
                let mut tiers = [0usize; 3];
                let mut hit = |k: usize| {
                    bits[k / 64] |= 1 << (k % 64);
                    tiers[entries.group(chunk[k] as usize).tier_slot()] += 1;
                };
                let mut k = 0;
                while k < chunk.len() {
                    if let Some(b) = decided(chunk[k]) {
                        if b {
                            hit(k);
                        }
                        k += 1;
                        continue;
                    }
                    let here = entries.place(chunk[k] as usize);
                    let end = k + chunk[k..]
                        .iter()
                        .take_while(|&&j| entries.place(j as usize) == here)
                        .count();
                    let open = chunk[k..end]
                        .iter()
                        .filter(|&&j| decided(j).is_none())
                        .count();
                    let text = (open > 1)
                        .then(|| self.view.record_text(chunk[k] as usize).ok())
                        .flatten();
                    let top = text
                        .as_deref()
                        .and_then(crate::load::record::raw::RawObj::split_indexed);
                    for (j, &i) in chunk.iter().enumerate().take(end).skip(k) {
                        let yes = decided(i).unwrap_or_else(|| match (open, &top) {
                            (1, _) | (_, None) => self.matches(i as usize),
                            (_, Some(top)) => self.matches_in(i as usize, Some(top)),
                        });
                        if yes {
                            hit(j);
                        }
                    }
                    k = end;
                }
                (bits, tiers)
            })
            .collect();
        let counts: Vec<usize> = marked
            .iter()
            .map(|(bits, _)| bits.iter().map(|w| w.count_ones() as usize).sum())
            .collect();
        let tiers = marked
            .iter()
            .fold([0; 3], |a, (_, t)| [a[0] + t[0], a[1] + t[1], a[2] + t[2]]);
        let mut rows = crate::model::rows::zeroed(counts.iter().sum());
        let mut parts = Vec::with_capacity(counts.len());
        let mut rest = rows.as_mut_slice();
        for &n in &counts {
            let (part, tail) = rest.split_at_mut(n);
            parts.push(part);
            rest = tail;
        }
        parts
            .into_par_iter()
            .zip(marked.par_iter())
            .enumerate()
            .for_each(|(c, (part, (bits, _)))| {
                let mut out = part.iter_mut();
                for (w, &word) in bits.iter().enumerate() {
                    let mut word = word;
                    while word != 0 {
                        let k = c * CHUNK + w * 64 + word.trailing_zeros() as usize;
                        if let Some(slot) = out.next() {
                            *slot = at(k);
                        }
                        word &= word - 1;
                    }
                }
            });
        (rows, tiers)
    }

    /// For each group of the corpus, what is left of the query once the group's
    /// fields are known.
    fn residuals(&self) -> Vec<Residual> {
        self.view
            .index
            .entries
            .groups()
            .iter()
            .map(|g| {
                let mut k = 0;
                self.residual(&self.query.expr, g, &mut k)
            })
            .collect()
    }

    /// `e` with the tests a group answers replaced by their answers, folded.
    fn residual(&self, e: &Expr, g: &Group, k: &mut usize) -> Residual {
        match e {
            Expr::All => Residual::Known(true),
            Expr::Field(t) => {
                let table = &self.tables[*k];
                *k += 1;
                let pick = |id: u32| table.get(id as usize).copied().unwrap_or(false);
                let failed = |f: &ScoreField| match f {
                    ScoreField::Af => g.af_failed(),
                    ScoreField::Compliance => g.compliance_failed(),
                };
                Residual::Known(match t {
                    FieldTest::Model(_) => pick(g.model),
                    FieldTest::Condition(_) => pick(g.condition),
                    FieldTest::Tier(t) => g.tier() == *t,
                    FieldTest::VerdictFailed => g.af_failed() || g.compliance_failed(),
                    FieldTest::ScoreState(f, ScoreState::Failed) => failed(f),
                    FieldTest::ScoreState(f, ScoreState::None) if failed(f) => false,
                    FieldTest::ScoreState(f, ScoreState::None) => {
                        return Residual::Scored(*f, false)
                    }
                    FieldTest::ScoreState(f, ScoreState::Any) => return Residual::Scored(*f, true),
                    FieldTest::Score(f, c, v) => return Residual::Compare(*f, *c, *v),
                    _ => return Residual::Open,
                })
            }
            Expr::Text(_) | Expr::Evidence(_) => Residual::Open,
            Expr::Not(inner) => match self.residual(inner, g, k) {
                Residual::Known(b) => Residual::Known(!b),
                r => Residual::Not(Box::new(r)),
            },
            Expr::And(items) | Expr::Or(items) => {
                let dominant = matches!(e, Expr::Or(_));
                let mut left = Vec::new();
                let mut found = false;
                for item in items {
                    match self.residual(item, g, k) {
                        Residual::Known(b) if b == dominant => found = true,
                        Residual::Known(_) => {}
                        r => left.push(r),
                    }
                }
                if found {
                    Residual::Known(dominant)
                } else if left.is_empty() {
                    Residual::Known(!dominant)
                } else if left.len() == 1 {
                    left.pop().unwrap_or(Residual::Open)
                } else if dominant {
                    Residual::Or(left)
                } else {
                    Residual::And(left)
                }
            }
        }
    }
}

/// What is left of a query once a group's fields are known.
#[derive(Debug, Clone, PartialEq)]
enum Residual {
    Known(bool),
    /// A score compared with a value (no score: false).
    Compare(ScoreField, Cmp, f64),
    /// The score is there (`true`) or not (`false`; not failed, the group says).
    Scored(ScoreField, bool),
    Not(Box<Residual>),
    And(Vec<Residual>),
    Or(Vec<Residual>),
    /// A test that reads more than the scores: the id, labels, pairs, text.
    Open,
}

impl Residual {
    /// The answer from the group's fields alone.
    fn known(&self) -> Option<bool> {
        match self {
            Residual::Known(b) => Some(*b),
            _ => None,
        }
    }

    /// The answer given transcript `i`'s scores (each column read only when a test
    /// needs it); `None` where it reads more.
    fn with_scores(&self, entries: &Entries, i: usize) -> Option<bool> {
        let pick = |f: &ScoreField| match f {
            ScoreField::Af => entries.af(i),
            ScoreField::Compliance => entries.compliance(i),
        };
        match self {
            Residual::Known(b) => Some(*b),
            Residual::Compare(f, c, v) => {
                let s = pick(f);
                Some(!s.is_nan() && c.test(s, *v))
            }
            Residual::Scored(f, there) => Some(pick(f).is_nan() != *there),
            Residual::Not(r) => r.with_scores(entries, i).map(|b| !b),
            Residual::And(v) | Residual::Or(v) => {
                let dominant = matches!(self, Residual::Or(_));
                let mut unknown = false;
                for r in v {
                    match r.with_scores(entries, i) {
                        Some(b) if b == dominant => return Some(dominant),
                        None => unknown = true,
                        Some(_) => {}
                    }
                }
                (!unknown).then_some(!dominant)
            }
            Residual::Open => None,
        }
    }
}

/// Whether a query tests a score's value.
fn reads_scores(e: &Expr) -> bool {
    match e {
        Expr::Field(FieldTest::Score(..) | FieldTest::ScoreState(..)) => true,
        Expr::And(v) | Expr::Or(v) => v.iter().any(reads_scores),
        Expr::Not(e) => reads_scores(e),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::load::LoadOptions;
    use crate::query::Query;

    /// Queries of every kind of field test, nested and negated: the group's answer
    /// and the per-transcript answer agree on every transcript of the demo.
    #[test]
    fn what_groups_leave_agrees_with_each_transcript_s_answer() {
        let corpus = crate::demo::open(&LoadOptions::default()).unwrap();
        let atoms = [
            "tier:free",
            "tier:paid",
            "tier:unknown",
            "model:opus",
            "condition:/o/",
            "af>=0.4",
            "af:failed",
            "af:none",
            "compliance:failed",
            "verdict:failed",
            "scratchpad:values",
            "id:/1/",
            "label:none",
        ];
        let mut queries: Vec<String> = atoms.iter().map(|a| a.to_string()).collect();
        for (k, a) in atoms.iter().enumerate() {
            let b = atoms[(k * 5 + 3) % atoms.len()];
            let c = atoms[(k * 7 + 1) % atoms.len()];
            queries.push(format!("{a} {b}"));
            queries.push(format!("{a} or -{b}"));
            queries.push(format!("-({a} or {b}) or ({c} -{a})"));
        }
        let n = corpus.len();
        assert!(n > 10);
        let splitting = atoms
            .iter()
            .filter(|a| {
                let query = Query::parse(a).unwrap();
                let found = query.prepare(&corpus).matching_all(n).0.len();
                found > 0 && found < n
            })
            .count();
        assert!(splitting >= 9, "the demo splits on {splitting} atoms only");
        for q in &queries {
            let query = Query::parse(q).unwrap();
            let p = query.prepare(&corpus);
            let one_by_one: Vec<u32> = (0..n as u32).filter(|&i| p.matches(i as usize)).collect();
            let (rows, tiers) = p.matching_all(n);
            assert_eq!(rows, one_by_one, "{q}");
            assert_eq!(tiers, crate::app::tier_counts(&corpus, &one_by_one), "{q}");
            let odd: Vec<u32> = (0..n as u32).filter(|i| i % 2 == 1).collect();
            let expect: Vec<u32> = one_by_one.iter().copied().filter(|i| i % 2 == 1).collect();
            assert_eq!(p.matching(&odd), expect, "{q}");
        }
    }
}
