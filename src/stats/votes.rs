//! "How many votes do we need": AUROC when a voted classifier's score is recomputed
//! from random subsets of k of its votes, averaged over repeats, for each k.

use crate::synth::Rng;
use rayon::prelude::*;

/// AUROC from k votes, averaged over `repeats` random subsets.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct VotePoint {
    pub votes: usize,
    pub auroc: f64,
    /// Standard deviation over the repeats.
    pub sd: f64,
}

/// One example: its individual votes and its label.
pub struct VotedItem<'a> {
    pub votes: &'a [bool],
    pub positive: bool,
}

/// The curve for k = 1 ..= the smallest vote count among the items. Empty when a
/// class is missing or no item has votes.
pub fn curve(items: &[VotedItem<'_>], repeats: usize, seed: u64) -> Vec<VotePoint> {
    let max_k = items.iter().map(|i| i.votes.len()).min().unwrap_or(0);
    let pos = items.iter().filter(|i| i.positive).count();
    if max_k == 0 || pos == 0 || pos == items.len() || repeats == 0 {
        return Vec::new();
    }
    (1..=max_k)
        .into_par_iter()
        .map(|k| {
            let runs: Vec<f64> = (0..repeats)
                .map(|r| {
                    let mut rng = Rng::stream(seed, (k * 1_000_003 + r) as u64);
                    subset_auroc(items, k, &mut rng)
                })
                .collect();
            let mean = runs.iter().sum::<f64>() / runs.len() as f64;
            let var = runs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / runs.len() as f64;
            VotePoint {
                votes: k,
                auroc: mean,
                sd: var.sqrt(),
            }
        })
        .collect()
}

/// AUROC of the yes-count over k votes drawn without replacement from each item.
/// Scores are counts 0..=k, so the AUROC comes from two histograms.
fn subset_auroc(items: &[VotedItem<'_>], k: usize, rng: &mut Rng) -> f64 {
    let mut hist_pos = vec![0u64; k + 1];
    let mut hist_neg = vec![0u64; k + 1];
    let mut idx: Vec<usize> = Vec::new();
    for it in items {
        let n = it.votes.len();
        idx.clear();
        idx.extend(0..n);
        let mut yes = 0;
        for j in 0..k {
            let pick = j + rng.below((n - j) as u64) as usize;
            idx.swap(j, pick);
            yes += usize::from(it.votes[idx[j]]);
        }
        if it.positive {
            hist_pos[yes] += 1
        } else {
            hist_neg[yes] += 1
        }
    }
    let (mut below_neg, mut u) = (0u64, 0.0f64);
    for c in 0..=k {
        u += hist_pos[c] as f64 * (below_neg as f64 + hist_neg[c] as f64 / 2.0);
        below_neg += hist_neg[c];
    }
    let p: u64 = hist_pos.iter().sum();
    u / (p as f64 * below_neg as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::{auroc, Scored};

    #[test]
    fn all_votes_give_the_full_score_auroc() {
        let votes: Vec<Vec<bool>> = (0..60)
            .map(|i| (0..5).map(|j| (i * 3 + j * 7) % 11 < (i % 6)).collect())
            .collect();
        let items: Vec<VotedItem> = votes
            .iter()
            .enumerate()
            .map(|(i, v)| VotedItem {
                votes: v,
                positive: i % 6 >= 3,
            })
            .collect();
        let c = curve(&items, 10, 3);
        assert_eq!(c.len(), 5);
        let full: Vec<Scored> = items
            .iter()
            .map(|i| Scored {
                score: i.votes.iter().filter(|&&v| v).count() as f64 / 5.0,
                positive: i.positive,
            })
            .collect();
        // Every subset of all 5 votes is all of them: no spread, the plain AUROC.
        assert!((c[4].auroc - auroc(&full).unwrap()).abs() < 1e-12);
        assert!(c[4].sd < 1e-12);
        assert!(c[0].sd > 0.0);
        // More votes separate the classes better on this data.
        assert!(c[0].auroc < c[4].auroc);
    }

    #[test]
    fn one_class_gives_no_curve() {
        let v = vec![true, false];
        let items = [VotedItem {
            votes: &v,
            positive: true,
        }];
        assert!(curve(&items, 5, 1).is_empty());
    }
}
