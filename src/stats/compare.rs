//! Classifier against classifier on the same transcripts: DeLong's test and a paired
//! bootstrap of the AUROC difference, McNemar's test of their decisions, and how far
//! the two agree with each other (Cohen's kappa, Spearman).

use super::bootstrap::{percentile_interval, weighted, Interval};
use super::eval::{Collected, EvalOptions};
use crate::load::Corpus;
use crate::model::compare::{self, DelongTest, PairedScore};
use crate::model::metrics;
use crate::synth::Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The paired bootstrap of AUROC(A) − AUROC(B): the same class-stratified resamples
/// for both classifiers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairedBootstrap {
    pub resamples: usize,
    pub seed: u64,
    pub interval: Interval,
    /// Standard deviation of the resampled differences.
    pub sd: f64,
    /// difference / sd, and its two-sided normal p (pROC's bootstrap test).
    pub z: f64,
    pub p_value: f64,
}

/// McNemar's exact test of the two classifiers' decisions at the threshold against
/// the labels: transcripts only A gets right, only B gets right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct McNemar {
    pub threshold: f64,
    pub only_a_right: usize,
    pub only_b_right: usize,
    pub p_value: f64,
}

/// Labelled transcripts one classifier scored and the other did not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PairLeftOut {
    pub only_a: usize,
    pub only_b: usize,
}

/// One pair of classifiers on the labelled transcripts both scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub n: usize,
    pub positives: usize,
    pub negatives: usize,
    pub left_out: PairLeftOut,
    pub delong: Option<DelongTest>,
    /// Why DeLong's test is missing.
    pub error: Option<String>,
    pub bootstrap: Option<PairedBootstrap>,
    pub mcnemar: McNemar,
    /// The answer in words: which is better, or that the difference is not
    /// significant at 0.05.
    pub conclusion: String,
}

/// How far two classifiers agree with each other, on every transcript both scored
/// (labelled or not).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub a: String,
    pub b: String,
    pub n: usize,
    /// Cohen's kappa of their decisions at the threshold.
    pub kappa: Option<f64>,
    /// Spearman's rank correlation of their scores.
    pub spearman: Option<f64>,
    /// Why a number is missing.
    pub notes: Vec<String>,
}

/// The pairs `spec` names: `A,B` each, or `all` for every pair of `names`.
pub fn pairs(specs: &[String], names: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for spec in specs {
        if spec == "all" {
            for (i, a) in names.iter().enumerate() {
                for b in &names[i + 1..] {
                    out.push((a.clone(), b.clone()));
                }
            }
            continue;
        }
        let Some((a, b)) = spec.split_once(',') else {
            return Err(format!(
                "--compare {spec}: give two classifiers, A,B (or `all`)"
            ));
        };
        let (a, b) = (a.trim(), b.trim());
        for c in [a, b] {
            if !names.iter().any(|n| n == c) {
                return Err(format!(
                    "--compare {spec}: no classifier `{c}` on the labelled transcripts (found: {})",
                    names.join(", ")
                ));
            }
        }
        if a == b {
            return Err(format!(
                "--compare {spec}: a classifier compared with itself"
            ));
        }
        out.push((a.to_string(), b.to_string()));
    }
    out.dedup();
    Ok(out)
}

/// Compares `a` with `b` on the labelled transcripts both scored.
pub fn compare(a: (&str, &Collected), b: (&str, &Collected), opts: &EvalOptions) -> Comparison {
    let of_b: HashMap<u32, f64> = b.1.items.iter().map(|i| (i.entry, i.score)).collect();
    let of_a: HashMap<u32, f64> = a.1.items.iter().map(|i| (i.entry, i.score)).collect();
    let items: Vec<PairedScore> =
        a.1.items
            .iter()
            .filter_map(|i| {
                of_b.get(&i.entry).map(|&sb| PairedScore {
                    a: i.score,
                    b: sb,
                    positive: i.positive,
                })
            })
            .collect();
    let left_out = PairLeftOut {
        only_a: a
            .1
            .items
            .iter()
            .filter(|i| !of_b.contains_key(&i.entry))
            .count(),
        only_b: b
            .1
            .items
            .iter()
            .filter(|i| !of_a.contains_key(&i.entry))
            .count(),
    };
    let positives = items.iter().filter(|i| i.positive).count();
    let (delong, error) = match compare::delong_test(&items) {
        Ok(d) => (Some(d), None),
        Err(e) => (None, Some(e.0)),
    };
    let t = opts.threshold;
    let right = |s: f64, positive: bool| (s >= t) == positive;
    let only_a_right = items
        .iter()
        .filter(|i| right(i.a, i.positive) && !right(i.b, i.positive))
        .count();
    let only_b_right = items
        .iter()
        .filter(|i| !right(i.a, i.positive) && right(i.b, i.positive))
        .count();
    let conclusion = match &delong {
        Some(d) if d.p_value < 0.05 => {
            let (better, worse) = if d.difference > 0.0 {
                (a.0, b.0)
            } else {
                (b.0, a.0)
            };
            format!(
                "{better} ranks better than {worse}: AUROC {:+.3} (DeLong p = {})",
                d.difference.abs(),
                p_text(d.p_value)
            )
        }
        Some(d) => format!(
            "no significant difference at 0.05: AUROC {:+.3} for {} (DeLong p = {})",
            d.difference,
            a.0,
            p_text(d.p_value)
        ),
        None => "not compared".into(),
    };
    Comparison {
        a: a.0.to_string(),
        b: b.0.to_string(),
        n: items.len(),
        positives,
        negatives: items.len() - positives,
        left_out,
        bootstrap: delong
            .as_ref()
            .and_then(|d| paired_bootstrap(&items, d.difference, opts.resamples, opts.seed)),
        delong,
        error,
        mcnemar: McNemar {
            threshold: t,
            only_a_right,
            only_b_right,
            p_value: metrics::mcnemar_exact(only_a_right, only_b_right),
        },
        conclusion,
    }
}

/// A p-value as printed: four significant digits, or `< 1e-16`.
pub fn p_text(p: f64) -> String {
    if p < 1e-16 {
        "< 1e-16".into()
    } else if p < 0.001 {
        format!("{p:.2e}")
    } else {
        format!("{p:.4}")
    }
}

/// Tie-group of each item under one classifier's scores (ascending), and how many.
fn groups(scores: &[f64]) -> (Vec<u32>, usize) {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| scores[i].total_cmp(&scores[j]));
    let mut group = vec![0u32; scores.len()];
    let mut g = 0u32;
    for w in 0..order.len() {
        if w > 0 && scores[order[w]] != scores[order[w - 1]] {
            g += 1;
        }
        group[order[w]] = g;
    }
    (group, g as usize + 1)
}

fn paired_bootstrap(
    items: &[PairedScore],
    difference: f64,
    resamples: usize,
    seed: u64,
) -> Option<PairedBootstrap> {
    if resamples < 2 {
        return None;
    }
    let (ga, na) = groups(&items.iter().map(|i| i.a).collect::<Vec<_>>());
    let (gb, nb) = groups(&items.iter().map(|i| i.b).collect::<Vec<_>>());
    let pos: Vec<usize> = (0..items.len()).filter(|&i| items[i].positive).collect();
    let neg: Vec<usize> = (0..items.len()).filter(|&i| !items[i].positive).collect();
    let mut diffs: Vec<f64> = (0..resamples)
        .into_par_iter()
        .map_init(
            || {
                (
                    vec![0u32; na],
                    vec![0u32; na],
                    vec![0u32; nb],
                    vec![0u32; nb],
                )
            },
            |(pa, qa, pb, qb), r| {
                for w in [&mut *pa, &mut *qa, &mut *pb, &mut *qb] {
                    w.iter_mut().for_each(|x| *x = 0);
                }
                let mut rng = Rng::stream(seed, r as u64);
                for _ in 0..pos.len() {
                    let i = pos[rng.below(pos.len() as u64) as usize];
                    pa[ga[i] as usize] += 1;
                    pb[gb[i] as usize] += 1;
                }
                for _ in 0..neg.len() {
                    let i = neg[rng.below(neg.len() as u64) as usize];
                    qa[ga[i] as usize] += 1;
                    qb[gb[i] as usize] += 1;
                }
                weighted(pa, qa, na).0 - weighted(pb, qb, nb).0
            },
        )
        .collect();
    let mean = diffs.iter().sum::<f64>() / resamples as f64;
    let sd =
        (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (resamples - 1) as f64).sqrt();
    let interval = percentile_interval(&mut diffs);
    let z = if sd > 0.0 { difference / sd } else { 0.0 };
    Some(PairedBootstrap {
        resamples,
        seed,
        interval,
        sd,
        z,
        p_value: if sd > 0.0 {
            compare::two_sided_p(z)
        } else {
            1.0
        },
    })
}

/// Every compared classifier's score on each transcript of the subset (labelled or
/// not), read from the transcripts.
pub fn all_scores(
    corpus: &Corpus,
    names: &[String],
    opts: &EvalOptions,
) -> BTreeMap<String, HashMap<u32, f64>> {
    let entries: Vec<u32> = (0..corpus.len() as u32)
        .filter(|e| opts.subset.as_ref().is_none_or(|s| s.contains(e)))
        .collect();
    let per: Vec<(u32, Vec<(String, f64)>)> = entries
        .par_iter()
        .filter_map(|&e| {
            let t = corpus.transcript(e as usize).ok()?;
            let mine: Vec<(String, f64)> = t
                .verdicts
                .into_iter()
                .filter(|v| names.contains(&v.classifier))
                .filter_map(|v| v.score.value().map(|s| (v.classifier, s)))
                .collect();
            Some((e, mine))
        })
        .collect();
    let mut out: BTreeMap<String, HashMap<u32, f64>> =
        names.iter().map(|n| (n.clone(), HashMap::new())).collect();
    for (e, scores) in per {
        for (name, s) in scores {
            // The first scored verdict of a classifier counts, as in the evaluation.
            out.get_mut(&name).map(|m| m.entry(e).or_insert(s));
        }
    }
    out
}

/// Agreement of `a` and `b` on every transcript both scored.
pub fn agreement(
    a: (&str, &HashMap<u32, f64>),
    b: (&str, &HashMap<u32, f64>),
    threshold: f64,
) -> Agreement {
    let mut both: Vec<(u32, f64, f64)> =
        a.1.iter()
            .filter_map(|(e, &sa)| b.1.get(e).map(|&sb| (*e, sa, sb)))
            .collect();
    both.sort_by_key(|x| x.0);
    let sa: Vec<f64> = both.iter().map(|x| x.1).collect();
    let sb: Vec<f64> = both.iter().map(|x| x.2).collect();
    let da: Vec<bool> = sa.iter().map(|&s| s >= threshold).collect();
    let db: Vec<bool> = sb.iter().map(|&s| s >= threshold).collect();
    let mut notes = Vec::new();
    let kappa = match metrics::cohen_kappa(&da, &db) {
        Ok(k) => Some(k),
        Err(e) => {
            notes.push(format!("kappa: {}", e.0));
            None
        }
    };
    let spearman = match compare::spearman(&sa, &sb) {
        Ok(r) => Some(r),
        Err(e) => {
            notes.push(format!("Spearman: {}", e.0));
            None
        }
    };
    Agreement {
        a: a.0.to_string(),
        b: b.0.to_string(),
        n: both.len(),
        kappa,
        spearman,
        notes,
    }
}
