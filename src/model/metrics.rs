//! Classifier-evaluation and proportion statistics, computed the way scikit-learn and
//! the standard references do: AUROC with ties, average precision, confusion matrix
//! and its rates, threshold sweeps, Cohen's kappa, Wilson and Newcombe intervals, and
//! the exact McNemar test.

use std::fmt;

/// A statistic that cannot be computed from the data given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricError(pub String);

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One scored, labelled example.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub positive: bool,
}

fn classes(items: &[Scored]) -> Result<(usize, usize), MetricError> {
    let pos = items.iter().filter(|s| s.positive).count();
    let neg = items.len() - pos;
    if pos == 0 || neg == 0 {
        return Err(MetricError(format!(
            "needs both classes: {pos} positive and {neg} negative labels"
        )));
    }
    Ok((pos, neg))
}

/// Area under the ROC curve; tied scores count half (as `roc_auc_score`).
pub fn auroc(items: &[Scored]) -> Result<f64, MetricError> {
    let (pos, neg) = classes(items)?;
    // Mann-Whitney U from average ranks.
    let mut sorted: Vec<&Scored> = items.iter().collect();
    sorted.sort_by(|a, b| a.score.total_cmp(&b.score));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1].score == sorted[i].score {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += avg * sorted[i..=j].iter().filter(|s| s.positive).count() as f64;
        i = j + 1;
    }
    let (p, n) = (pos as f64, neg as f64);
    Ok((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// Groups of tied scores from high to low, with positives and negatives in each.
fn groups_desc(items: &[Scored]) -> Vec<(f64, usize, usize)> {
    let mut sorted: Vec<&Scored> = items.iter().collect();
    sorted.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out: Vec<(f64, usize, usize)> = Vec::new();
    for s in sorted {
        match out.last_mut() {
            Some(g) if g.0 == s.score => {
                if s.positive {
                    g.1 += 1
                } else {
                    g.2 += 1
                }
            }
            _ => out.push((s.score, usize::from(s.positive), usize::from(!s.positive))),
        }
    }
    out
}

/// Average precision: the sum over thresholds of (recall gain) × precision (as
/// `average_precision_score`).
pub fn average_precision(items: &[Scored]) -> Result<f64, MetricError> {
    let (pos, _) = classes(items)?;
    let (mut tp, mut fp, mut prev_recall, mut ap) = (0usize, 0usize, 0.0, 0.0);
    for (_, p, n) in groups_desc(items) {
        tp += p;
        fp += n;
        let recall = tp as f64 / pos as f64;
        ap += (recall - prev_recall) * tp as f64 / (tp + fp) as f64;
        prev_recall = recall;
    }
    Ok(ap)
}

/// One point of a curve: the threshold and the rates at it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    pub threshold: f64,
    pub x: f64,
    pub y: f64,
}

/// ROC curve (x = false-positive rate, y = true-positive rate), from (0, 0) at an
/// infinite threshold down through every distinct score.
pub fn roc_curve(items: &[Scored]) -> Result<Vec<CurvePoint>, MetricError> {
    let (pos, neg) = classes(items)?;
    let mut out = vec![CurvePoint {
        threshold: f64::INFINITY,
        x: 0.0,
        y: 0.0,
    }];
    let (mut tp, mut fp) = (0, 0);
    for (score, p, n) in groups_desc(items) {
        tp += p;
        fp += n;
        out.push(CurvePoint {
            threshold: score,
            x: fp as f64 / neg as f64,
            y: tp as f64 / pos as f64,
        });
    }
    Ok(out)
}

/// Precision-recall curve (x = recall, y = precision) at every distinct score.
pub fn pr_curve(items: &[Scored]) -> Result<Vec<CurvePoint>, MetricError> {
    let (pos, _) = classes(items)?;
    let (mut tp, mut fp) = (0, 0);
    Ok(groups_desc(items)
        .into_iter()
        .map(|(score, p, n)| {
            tp += p;
            fp += n;
            CurvePoint {
                threshold: score,
                x: tp as f64 / pos as f64,
                y: tp as f64 / (tp + fp) as f64,
            }
        })
        .collect())
}

/// Counts at a threshold: positive prediction when score ≥ threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Confusion {
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    pub fn_: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Confusion {
    pub fn at(items: &[Scored], threshold: f64) -> Confusion {
        let mut c = Confusion::default();
        for s in items {
            match (s.score >= threshold, s.positive) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, false) => c.tn += 1,
                (false, true) => c.fn_ += 1,
            }
        }
        c
    }

    /// 0 when nothing is predicted positive (scikit-learn's `zero_division=0`).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_)
    }

    pub fn false_positive_rate(&self) -> f64 {
        ratio(self.fp, self.fp + self.tn)
    }

    /// Youden's J: recall + specificity − 1.
    pub fn youden(&self) -> f64 {
        self.recall() - self.false_positive_rate()
    }
}

/// The confusion at every distinct score used as a threshold, high to low.
pub fn sweep(items: &[Scored]) -> Vec<(f64, Confusion)> {
    let pos = items.iter().filter(|s| s.positive).count();
    let neg = items.len() - pos;
    let (mut tp, mut fp) = (0, 0);
    groups_desc(items)
        .into_iter()
        .map(|(t, p, n)| {
            tp += p;
            fp += n;
            let c = Confusion {
                tp,
                fp,
                tn: neg - fp,
                fn_: pos - tp,
            };
            (t, c)
        })
        .collect()
}

/// Cohen's kappa for two raters' labels of the same items (as `cohen_kappa_score`).
pub fn cohen_kappa<T: PartialEq + Clone>(a: &[T], b: &[T]) -> Result<f64, MetricError> {
    if a.len() != b.len() || a.is_empty() {
        return Err(MetricError(format!(
            "kappa needs two equal, non-empty lists (got {} and {})",
            a.len(),
            b.len()
        )));
    }
    let mut cats: Vec<T> = Vec::new();
    for x in a.iter().chain(b) {
        if !cats.contains(x) {
            cats.push(x.clone());
        }
    }
    let n = a.len() as f64;
    let agree = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n;
    let expected: f64 = cats
        .iter()
        .map(|c| {
            (a.iter().filter(|x| *x == c).count() as f64 / n)
                * (b.iter().filter(|x| *x == c).count() as f64 / n)
        })
        .sum();
    if (1.0 - expected).abs() < 1e-15 {
        return Err(MetricError(
            "kappa is undefined when both raters use one category only".into(),
        ));
    }
    Ok((agree - expected) / (1.0 - expected))
}

/// The 97.5% normal quantile, for 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for k successes in n (no continuity correction).
pub fn wilson(k: usize, n: usize, z: f64) -> Result<(f64, f64), MetricError> {
    if n == 0 || k > n {
        return Err(MetricError(format!(
            "Wilson interval needs 0 ≤ k ≤ n and n > 0 (k {k}, n {n})"
        )));
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Ok(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Difference p1 − p2 of two independent proportions with Newcombe's hybrid score
/// interval (his method 10), built from the two Wilson intervals.
pub fn newcombe(
    k1: usize,
    n1: usize,
    k2: usize,
    n2: usize,
    z: f64,
) -> Result<(f64, f64, f64), MetricError> {
    let (l1, u1) = wilson(k1, n1, z)?;
    let (l2, u2) = wilson(k2, n2, z)?;
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let d = p1 - p2;
    let lo = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let hi = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Ok((d, lo, hi))
}

/// Two-sided exact McNemar test from the discordant counts b and c (the binomial
/// test of min(b, c) against Binomial(b + c, 1/2)).
pub fn mcnemar_exact(b: usize, c: usize) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // P(X ≤ k) for X ~ Binomial(n, 1/2), summed in logs for large n.
    let ln_half_n = n as f64 * 0.5f64.ln();
    let mut ln_choose = 0.0f64;
    let mut cdf = 0.0f64;
    for i in 0..=k {
        if i > 0 {
            ln_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        cdf += (ln_choose + ln_half_n).exp();
    }
    (2.0 * cdf).min(1.0)
}
