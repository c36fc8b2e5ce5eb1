//! Statistics that compare: DeLong's test for two correlated ROC curves (and its
//! interval for one AUROC), Spearman's rank correlation, Holm's adjustment, normal
//! tail probabilities, and intervals for sums of independent proportions (MOVER).

use super::metrics::MetricError;

/// The 0.975 quantile of the standard normal.
pub const Z975: f64 = 1.959_963_984_540_054;

/// P(Z ≤ x) for a standard normal Z.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Two-sided p-value of a standard normal statistic.
pub fn two_sided_p(z: f64) -> f64 {
    (2.0 * normal_cdf(-z.abs())).min(1.0)
}

/// One transcript scored by two classifiers, with its hand label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedScore {
    pub a: f64,
    pub b: f64,
    pub positive: bool,
}

/// DeLong's structural components of one classifier: for each positive, the share
/// of negatives it outranks (ties half), and for each negative the share of
/// positives that outrank it.
struct Placements {
    auc: f64,
    v10: Vec<f64>,
    v01: Vec<f64>,
}

fn placements(pos: &[f64], neg: &[f64]) -> Placements {
    let mut sp = pos.to_vec();
    let mut sn = neg.to_vec();
    sp.sort_by(f64::total_cmp);
    sn.sort_by(f64::total_cmp);
    // Negatives below x, plus half of those equal to x; and the same for positives.
    let share = |sorted: &[f64], x: f64, above: bool| {
        let lo = sorted.partition_point(|&v| v < x);
        let hi = sorted.partition_point(|&v| v <= x);
        let (below, equal) = (lo as f64, (hi - lo) as f64);
        let n = sorted.len() as f64;
        if above {
            (n - hi as f64 + equal / 2.0) / n
        } else {
            (below + equal / 2.0) / n
        }
    };
    let v10: Vec<f64> = pos.iter().map(|&x| share(&sn, x, false)).collect();
    let v01: Vec<f64> = neg.iter().map(|&y| share(&sp, y, true)).collect();
    let auc = v10.iter().sum::<f64>() / v10.len() as f64;
    Placements { auc, v10, v01 }
}

/// Sample covariance (denominator n − 1).
fn cov(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    x.iter()
        .zip(y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / (n - 1.0)
}

/// An AUROC with DeLong's variance and 95% interval (as pROC's
/// `ci.auc(method = "delong")`: the normal interval, cut to [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DelongAuc {
    pub auc: f64,
    pub variance: f64,
    pub low: f64,
    pub high: f64,
}

fn split(items: &[(f64, bool)]) -> Result<(Vec<f64>, Vec<f64>), MetricError> {
    let pos: Vec<f64> = items.iter().filter(|i| i.1).map(|i| i.0).collect();
    let neg: Vec<f64> = items.iter().filter(|i| !i.1).map(|i| i.0).collect();
    if pos.len() < 2 || neg.len() < 2 {
        return Err(MetricError(format!(
            "DeLong's variance needs at least 2 positive and 2 negative labels ({} and {})",
            pos.len(),
            neg.len()
        )));
    }
    Ok((pos, neg))
}

/// DeLong's interval for one classifier's AUROC over (score, positive) items.
/// An error for a classifier that gives every transcript the same score (pROC
/// reports the zero-width interval [0.5, 0.5], which says nothing).
pub fn delong_auc(items: &[(f64, bool)]) -> Result<DelongAuc, MetricError> {
    let (pos, neg) = split(items)?;
    if items.iter().all(|i| i.0 == items[0].0) {
        return Err(MetricError(format!(
            "every labelled transcript has the same score ({}): no ranking, no interval",
            items[0].0
        )));
    }
    let p = placements(&pos, &neg);
    let variance = cov(&p.v10, &p.v10) / pos.len() as f64 + cov(&p.v01, &p.v01) / neg.len() as f64;
    let sd = variance.sqrt();
    Ok(DelongAuc {
        auc: p.auc,
        variance,
        low: (p.auc - Z975 * sd).max(0.0),
        high: (p.auc + Z975 * sd).min(1.0),
    })
}

/// DeLong's test of two correlated AUROCs (the same labelled transcripts scored by
/// both classifiers), as pROC's `roc.test(method = "delong", paired = TRUE)`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DelongTest {
    pub auc_a: f64,
    pub auc_b: f64,
    /// AUROC of A minus AUROC of B.
    pub difference: f64,
    pub z: f64,
    pub p_value: f64,
    /// 95% interval of the difference.
    pub low: f64,
    pub high: f64,
    /// Correlation of the two AUROC estimates.
    pub correlation: f64,
}

pub fn delong_test(items: &[PairedScore]) -> Result<DelongTest, MetricError> {
    let a: Vec<(f64, bool)> = items.iter().map(|i| (i.a, i.positive)).collect();
    let b: Vec<(f64, bool)> = items.iter().map(|i| (i.b, i.positive)).collect();
    let (pa, na) = split(&a)?;
    let (pb, nb) = split(&b)?;
    let (m, n) = (pa.len() as f64, na.len() as f64);
    let x = placements(&pa, &na);
    let y = placements(&pb, &nb);
    let var_a = cov(&x.v10, &x.v10) / m + cov(&x.v01, &x.v01) / n;
    let var_b = cov(&y.v10, &y.v10) / m + cov(&y.v01, &y.v01) / n;
    let cov_ab = cov(&x.v10, &y.v10) / m + cov(&x.v01, &y.v01) / n;
    let var = var_a + var_b - 2.0 * cov_ab;
    let difference = x.auc - y.auc;
    if var.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(MetricError(format!(
            "the two classifiers rank the labelled transcripts identically (AUROC {:.4} both): DeLong's variance of the difference is zero",
            x.auc
        )));
    }
    let sd = var.sqrt();
    let z = difference / sd;
    let correlation = if var_a > 0.0 && var_b > 0.0 {
        cov_ab / (var_a * var_b).sqrt()
    } else {
        0.0
    };
    Ok(DelongTest {
        auc_a: x.auc,
        auc_b: y.auc,
        difference,
        z,
        p_value: two_sided_p(z),
        low: difference - Z975 * sd,
        high: difference + Z975 * sd,
        correlation,
    })
}

/// Average ranks (1-based, ties share their mean rank).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = mean;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson's on average ranks, as SciPy's
/// `spearmanr`); an error when either side is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Result<f64, MetricError> {
    if a.len() != b.len() || a.len() < 2 {
        return Err(MetricError("needs at least 2 paired scores".into()));
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let (va, vb) = (cov(&ra, &ra), cov(&rb, &rb));
    if va == 0.0 || vb == 0.0 {
        return Err(MetricError(
            "one classifier gives every transcript the same score: no rank correlation".into(),
        ));
    }
    Ok((cov(&ra, &rb) / (va * vb).sqrt()).clamp(-1.0, 1.0))
}

/// Holm's step-down adjustment of p-values (as statsmodels' `multipletests(method
/// = "holm")`), in the order given.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
    let mut out = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let adj = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adj);
        out[i] = running;
    }
    out
}

/// One proportion k/n with its coefficient in a linear combination.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    pub k: usize,
    pub n: usize,
    pub coefficient: f64,
}

/// A linear combination of independent proportions, with a 95% interval and a
/// p-value for "the combination is zero".
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Combination {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    /// The normal quantile at which the interval just reaches 0 (the test's z).
    pub z: f64,
    pub p_value: f64,
}

/// The MOVER interval of Σ cₖ·pₖ at normal quantile `z`.
fn mover(terms: &[Term], z: f64) -> Result<(f64, f64, f64), MetricError> {
    let mut estimate = 0.0;
    let (mut lo2, mut hi2) = (0.0, 0.0);
    for t in terms {
        let (l, u) = super::metrics::wilson(t.k, t.n, z)?;
        let p = t.k as f64 / t.n as f64;
        let c = t.coefficient;
        let (cl, cu) = if c >= 0.0 {
            (c * l, c * u)
        } else {
            (c * u, c * l)
        };
        estimate += c * p;
        lo2 += (c * p - cl).powi(2);
        hi2 += (cu - c * p).powi(2);
    }
    Ok((estimate, estimate - lo2.sqrt(), estimate + hi2.sqrt()))
}

/// Σ cₖ·pₖ over independent proportions: the interval by MOVER from each Wilson
/// interval (Zou & Donner 2008, Statistics in Medicine 27:1693–1702; for two terms it
/// is Newcombe's method 10). The p-value inverts the same interval: the level at
/// which it just reaches 0, so p < 0.05 exactly when the 95% interval excludes 0 (a
/// Wald p misleads at rates of 0 or 1). An error when a proportion has no
/// observations.
pub fn combination(terms: &[Term]) -> Result<Combination, MetricError> {
    let (estimate, low, high) = mover(terms, Z975)?;
    // The interval's bound nearer 0 moves toward 0 as z grows.
    let reaches = |z: f64| -> Result<bool, MetricError> {
        let (_, lo, hi) = mover(terms, z)?;
        Ok(if estimate > 0.0 { lo <= 0.0 } else { hi >= 0.0 })
    };
    let z = if estimate == 0.0 {
        0.0
    } else if !reaches(38.0)? {
        38.0
    } else {
        let (mut lo, mut hi) = (0.0f64, 38.0f64);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if reaches(mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
            if hi - lo < 1e-14 {
                break;
            }
        }
        0.5 * (lo + hi)
    };
    Ok(Combination {
        estimate,
        low,
        high,
        z,
        p_value: two_sided_p(z),
    })
}

/// Further labels (at the same class balance) for an interval of half-width
/// `z·sqrt(fixed + shrinking)` to reach `target`, where `shrinking` is the part of the
/// variance that falls as 1/labels (all of DeLong's; the sensitivity and specificity
/// terms of a corrected rate) and `fixed` the part labels do not change. `Ok(0)` when
/// it is already there; an error when labels alone cannot get there.
pub fn more_labels(
    labels: usize,
    fixed: f64,
    shrinking: f64,
    target: f64,
) -> Result<usize, MetricError> {
    let room = (target / Z975).powi(2) - fixed;
    if Z975 * (fixed + shrinking).sqrt() <= target {
        return Ok(0);
    }
    if room <= 0.0 {
        return Err(MetricError(format!(
            "the rates' own uncertainty is wider than ±{target}: more transcripts are needed, not more labels"
        )));
    }
    // shrinking · labels / needed ≤ room.
    let needed = (shrinking * labels as f64 / room).ceil();
    Ok((needed as usize).saturating_sub(labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_tail_and_holm_are_right_at_known_points() {
        assert!((normal_cdf(Z975) - 0.975).abs() < 1e-15);
        assert!((two_sided_p(1.0) - 0.317_310_507_862_914_1).abs() < 1e-15);
        assert_eq!(holm(&[0.01, 0.04, 0.03]), vec![0.03, 0.06, 0.06]);
        assert_eq!(holm(&[0.5, 0.9]), vec![1.0, 1.0]);
    }

    #[test]
    fn delong_needs_both_classes_and_refuses_identical_rankings() {
        let items: Vec<PairedScore> = [(0.1, 0.2, false), (0.9, 0.8, true), (0.3, 0.3, true)]
            .iter()
            .map(|&(a, b, positive)| PairedScore { a, b, positive })
            .collect();
        assert!(delong_test(&items).is_err());
        let same: Vec<PairedScore> = (0..8)
            .map(|i| PairedScore {
                a: i as f64,
                b: 2.0 * i as f64,
                positive: i % 3 == 0,
            })
            .collect();
        let e = delong_test(&same).unwrap_err();
        assert!(e.0.contains("identically"), "{}", e.0);
    }

    #[test]
    fn spearman_of_a_constant_is_an_error_not_nan() {
        assert!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_err());
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 5.0, 9.0]).unwrap(), 1.0);
    }
}
