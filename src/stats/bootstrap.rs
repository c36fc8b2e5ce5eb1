//! Class-stratified bootstrap intervals for AUROC and F1, computed in linear time per
//! resample from multiplicity weights over the examples sorted once by score.

use crate::model::metrics::Scored;
use crate::synth::Rng;
use rayon::prelude::*;

/// A 95% percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Percentile intervals of AUROC and F1 (at `threshold`) over `resamples` bootstrap
/// samples drawn within each class, so every sample keeps the class sizes. `None`
/// when a class is empty or no resamples are asked for.
pub fn intervals(
    items: &[Scored],
    threshold: f64,
    resamples: usize,
    seed: u64,
) -> Option<(Interval, Interval)> {
    let mut sorted: Vec<Scored> = items.to_vec();
    sorted.sort_by(|a, b| a.score.total_cmp(&b.score));
    let pos: Vec<usize> = (0..sorted.len()).filter(|&i| sorted[i].positive).collect();
    let neg: Vec<usize> = (0..sorted.len()).filter(|&i| !sorted[i].positive).collect();
    if pos.is_empty() || neg.is_empty() || resamples == 0 {
        return None;
    }
    // Tie groups in ascending score order, and the first group at or above the threshold.
    let mut group = vec![0u32; sorted.len()];
    let mut groups = 0u32;
    for i in 1..sorted.len() {
        if sorted[i].score != sorted[i - 1].score {
            groups += 1;
        }
        group[i] = groups;
    }
    let groups = groups as usize + 1;
    let cut = sorted.partition_point(|s| s.score < threshold);
    let cut_group = sorted.get(cut).map_or(groups, |_| group[cut] as usize);
    let pairs: Vec<(f64, f64)> = (0..resamples)
        .into_par_iter()
        .map_init(
            || (vec![0u32; groups], vec![0u32; groups]),
            |(wp, wn), r| {
                wp.iter_mut().for_each(|w| *w = 0);
                wn.iter_mut().for_each(|w| *w = 0);
                let mut rng = Rng::stream(seed, r as u64);
                for _ in 0..pos.len() {
                    wp[group[pos[rng.below(pos.len() as u64) as usize]] as usize] += 1;
                }
                for _ in 0..neg.len() {
                    wn[group[neg[rng.below(neg.len() as u64) as usize]] as usize] += 1;
                }
                weighted(wp, wn, cut_group)
            },
        )
        .collect();
    let (mut aucs, mut f1s): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    Some((
        percentile_interval(&mut aucs),
        percentile_interval(&mut f1s),
    ))
}

/// AUROC (ties half) and F1 at the threshold group from per-group class weights.
pub(crate) fn weighted(wp: &[u32], wn: &[u32], cut_group: usize) -> (f64, f64) {
    let (mut below_neg, mut u) = (0u64, 0.0f64);
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for g in 0..wp.len() {
        let (p, n) = (u64::from(wp[g]), u64::from(wn[g]));
        u += p as f64 * (below_neg as f64 + n as f64 / 2.0);
        below_neg += n;
        if g >= cut_group {
            tp += p;
            fp += n;
        } else {
            fn_ += p;
        }
    }
    let total_pos: u64 = wp.iter().map(|&w| u64::from(w)).sum();
    let auc = u / (total_pos as f64 * below_neg as f64);
    let denom = 2 * tp + fp + fn_;
    let f1 = if denom == 0 {
        0.0
    } else {
        (2 * tp) as f64 / denom as f64
    };
    (auc, f1)
}

/// The 2.5th and 97.5th percentiles (linear interpolation, as NumPy's default).
pub fn percentile_interval(values: &mut [f64]) -> Interval {
    values.sort_by(f64::total_cmp);
    Interval {
        low: percentile(values, 2.5),
        high: percentile(values, 97.5),
    }
}

/// The q-th percentile of sorted values, interpolating linearly between ranks.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = q / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::{auroc, Confusion};
    use crate::synth::Rng;

    fn s(score: f64, positive: bool) -> Scored {
        Scored { score, positive }
    }

    #[test]
    fn weighted_matches_plain_metrics_with_unit_weights() {
        let items = [
            s(0.1, false),
            s(0.4, true),
            s(0.4, false),
            s(0.35, true),
            s(0.8, true),
            s(0.8, false),
            s(0.9, true),
        ];
        let mut sorted = items.to_vec();
        sorted.sort_by(|a, b| a.score.total_cmp(&b.score));
        let mut scores: Vec<f64> = sorted.iter().map(|s| s.score).collect();
        scores.dedup();
        let mut wp = vec![0u32; scores.len()];
        let mut wn = vec![0u32; scores.len()];
        for it in &items {
            let g = scores.iter().position(|&x| x == it.score).unwrap();
            if it.positive {
                wp[g] += 1
            } else {
                wn[g] += 1
            }
        }
        let cut = scores.iter().position(|&x| x >= 0.4).unwrap();
        let (auc, f1) = weighted(&wp, &wn, cut);
        assert!((auc - auroc(&items).unwrap()).abs() < 1e-12);
        assert!((f1 - Confusion::at(&items, 0.4).f1()).abs() < 1e-12);
    }

    /// The interval's width follows the AUROC's standard error (Hanley & McNeil
    /// 1982): resamples that shared random streams would make it far too narrow.
    #[test]
    fn interval_width_follows_the_standard_error() {
        let mut rng = Rng::new(3);
        let items: Vec<Scored> = (0..4000)
            .map(|_| {
                let positive = rng.below(4) == 0;
                let yes = (0..20)
                    .filter(|_| rng.below(100) < if positive { 40 } else { 25 })
                    .count();
                s(yes as f64 / 20.0, positive)
            })
            .collect();
        let a = auroc(&items).unwrap();
        let np = items.iter().filter(|x| x.positive).count() as f64;
        let nn = items.len() as f64 - np;
        let (q1, q2) = (a / (2.0 - a), 2.0 * a * a / (1.0 + a));
        let se = ((a * (1.0 - a) + (np - 1.0) * (q1 - a * a) + (nn - 1.0) * (q2 - a * a))
            / (np * nn))
            .sqrt();
        let (ci, _) = intervals(&items, 0.4, 1000, 0).unwrap();
        let ratio = (ci.high - ci.low) / (2.0 * 1.959964 * se);
        assert!(
            (0.75..1.3).contains(&ratio),
            "width {} vs {}",
            ci.high - ci.low,
            2.0 * 1.96 * se
        );
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        // numpy.percentile([1,2,3,4], 2.5) = 1.075, 97.5 → 3.925
        assert!((percentile(&v, 2.5) - 1.075).abs() < 1e-12);
        assert!((percentile(&v, 97.5) - 3.925).abs() < 1e-12);
    }

    #[test]
    fn intervals_cover_the_point_estimate_and_repeat_with_a_seed() {
        let items: Vec<Scored> = (0..200)
            .map(|i| s((i % 17) as f64 / 17.0, (i * 7) % 10 < 4 + (i % 17) / 5))
            .collect();
        let a = intervals(&items, 0.4, 500, 7).unwrap();
        let b = intervals(&items, 0.4, 500, 7).unwrap();
        assert_eq!(a, b);
        let point = auroc(&items).unwrap();
        assert!(a.0.low <= point && point <= a.0.high, "{a:?} {point}");
        let f1 = Confusion::at(&items, 0.4).f1();
        assert!(a.1.low <= f1 && f1 <= a.1.high);
        assert!(a.0.high - a.0.low > 0.01);
        let other = intervals(&items, 0.4, 500, 8).unwrap();
        assert_ne!(a, other);
        assert!(intervals(
            &items[..3]
                .iter()
                .map(|x| s(x.score, true))
                .collect::<Vec<_>>(),
            0.4,
            10,
            1
        )
        .is_none());
    }
}
