//! Classifier evaluation against human labels: which transcripts count, and every
//! number `afscope eval` reports for each classifier.

use super::bootstrap::{self, Interval};
use super::labels::{self, Truth};
use super::votes::{self, VotePoint, VotedItem};
use crate::load::Corpus;
use crate::model::metrics::{self, Confusion, CurvePoint, Scored};
use crate::model::{Score, VerdictKind};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What to evaluate and how.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Positive prediction when score ≥ threshold.
    pub threshold: f64,
    pub resamples: usize,
    pub seed: u64,
    /// Classifiers by name; empty: every alignment-faking classifier.
    pub classifiers: Vec<String>,
    /// Only this labeler's labels.
    pub labeler: Option<String>,
    /// The label field compared with the classifiers (`af`).
    pub field: String,
    /// Random vote subsets per vote count.
    pub vote_repeats: usize,
    /// Only these entries (a query's matches); `None` for all.
    pub subset: Option<std::collections::HashSet<u32>>,
    /// Labels made since the corpus was loaded.
    pub fresh: Option<std::sync::Arc<labels::FreshLabels>>,
    /// Pairs of classifiers to compare (`A,B`, or `all`); agreement between every
    /// pair is reported with them.
    pub compare: Vec<String>,
    /// Estimate the further labels for DeLong's AUROC interval to reach ± this.
    pub target_width: Option<f64>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            threshold: 0.4,
            resamples: 1000,
            seed: 0,
            classifiers: Vec::new(),
            labeler: None,
            field: "af".into(),
            vote_repeats: 50,
            subset: None,
            fresh: None,
            compare: Vec::new(),
            target_width: None,
        }
    }
}

/// How the labelled transcripts divide.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TruthCounts {
    pub positive: usize,
    pub negative: usize,
    pub unsure: usize,
    pub disagree: usize,
    pub unrecognized: usize,
}

/// Labelled transcripts a classifier's numbers leave out, by reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LeftOut {
    /// Labelled unsure.
    pub unsure: usize,
    /// Labelers disagree.
    pub disagree: usize,
    /// A label value that is not yes/no.
    pub unrecognized: usize,
    /// The classifier failed on it ("FAILED TO PARSE", empty, out of range).
    pub failed: usize,
    /// The classifier gave no score.
    pub unscored: usize,
    /// No verdict from this classifier.
    pub no_verdict: usize,
}

/// The confusion matrix at one threshold and the rates from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rates {
    pub threshold: f64,
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
    pub fpr: f64,
    pub youden: f64,
}

impl Rates {
    pub fn new(threshold: f64, c: Confusion) -> Rates {
        Rates {
            threshold,
            tp: c.tp,
            fp: c.fp,
            tn: c.tn,
            fn_: c.fn_,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            accuracy: c.accuracy(),
            fpr: c.false_positive_rate(),
            youden: c.youden(),
        }
    }
}

/// One slice of the breakdown (a model, a tier, a condition).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub by: &'static str,
    pub value: String,
    pub n: usize,
    pub positives: usize,
    pub negatives: usize,
    /// `None` when the slice has one class only.
    pub auroc: Option<f64>,
    pub rates: Rates,
}

/// A curve as (threshold, x, y) points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub threshold: f64,
    pub x: f64,
    pub y: f64,
}

impl From<CurvePoint> for Point {
    fn from(p: CurvePoint) -> Point {
        Point {
            threshold: p.threshold,
            x: p.x,
            y: p.y,
        }
    }
}

/// Everything reported for one classifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifierEval {
    pub classifier: String,
    pub n: usize,
    pub positives: usize,
    pub negatives: usize,
    pub left_out: LeftOut,
    /// Why AUROC and the curves are missing (one class only, nothing scored).
    pub error: Option<String>,
    pub auroc: Option<f64>,
    pub auroc_ci: Option<Interval>,
    /// DeLong's interval of the AUROC (as pROC's `ci.auc(method = "delong")`).
    pub auroc_delong: Option<crate::model::compare::DelongAuc>,
    /// With a target width: the further labels for the DeLong interval to reach it.
    pub label_budget: Option<LabelBudget>,
    pub average_precision: Option<f64>,
    pub at_threshold: Rates,
    pub f1_ci: Option<Interval>,
    pub best_f1: Option<Rates>,
    pub best_youden: Option<Rates>,
    /// Rates at each distinct score (at most 30), else on a 0.05 grid.
    pub sweep: Vec<Rates>,
    pub roc: Vec<Point>,
    pub pr: Vec<Point>,
    /// AUROC from k of the votes, for classifiers with per-vote detail.
    pub votes: Vec<VotePoint>,
    pub breakdown: Vec<Group>,
}

pub use super::label_budget::LabelBudget;

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub threshold: f64,
    pub resamples: usize,
    pub seed: u64,
    pub label_field: String,
    /// Transcripts with a label in `label_field`.
    pub labelled: usize,
    pub truths: TruthCounts,
    /// Transcripts with an alignment-faking score (or a failed one) and no label.
    pub unlabelled_scored: usize,
    pub classifiers: Vec<ClassifierEval>,
    /// `--compare`: each pair on the labelled transcripts both scored.
    pub comparisons: Vec<super::compare::Comparison>,
    /// With `--compare`: every pair's agreement on all transcripts both scored.
    pub agreement: Vec<super::compare::Agreement>,
}

/// One labelled transcript's verdict from one classifier.
#[derive(Debug, Clone)]
pub struct Item {
    pub entry: u32,
    pub score: f64,
    pub positive: bool,
    pub votes: Vec<bool>,
}

/// A classifier's usable items and the rest, counted.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub items: Vec<Item>,
    pub left_out: LeftOut,
}

/// Per labelled transcript: its truth and (classifier, score, votes) of each verdict.
type Read = (u32, Truth, Vec<(String, VerdictKind, Score, Vec<bool>)>);

/// The truths of the entries in the options' subset.
fn truths_in(corpus: &Corpus, opts: &EvalOptions) -> HashMap<u32, Truth> {
    let mut t = labels::truths(
        corpus,
        opts.labeler.as_deref(),
        &opts.field,
        opts.fresh.as_deref(),
    );
    if let Some(s) = &opts.subset {
        t.retain(|e, _| s.contains(e));
    }
    t
}

/// Reads the labelled transcripts' verdicts and sorts them by classifier.
pub fn collect(
    corpus: &Corpus,
    opts: &EvalOptions,
) -> Result<(TruthCounts, BTreeMap<String, Collected>), String> {
    let truths = truths_in(corpus, opts);
    let mut counts = TruthCounts::default();
    for t in truths.values() {
        match t {
            Truth::Positive => counts.positive += 1,
            Truth::Negative => counts.negative += 1,
            Truth::Unsure => counts.unsure += 1,
            Truth::Disagree => counts.disagree += 1,
            Truth::Unrecognized => counts.unrecognized += 1,
        }
    }
    let mut entries: Vec<(u32, Truth)> = truths.into_iter().collect();
    entries.sort_unstable();
    let read: Vec<Read> = entries
        .par_iter()
        .map(|&(e, truth)| {
            let verdicts = corpus
                .transcript(e as usize)
                .map(|t| {
                    t.verdicts
                        .into_iter()
                        .map(|v| {
                            let detail = v.votes.map(|x| x.detail).unwrap_or_default();
                            (v.classifier, v.kind, v.score, detail)
                        })
                        .collect()
                })
                .unwrap_or_default();
            (e, truth, verdicts)
        })
        .collect();
    let mut names: Vec<String> = opts.classifiers.clone();
    if names.is_empty() && !read.is_empty() {
        for (_, _, vs) in &read {
            for (name, kind, _, _) in vs {
                if *kind == VerdictKind::AlignmentFaking && !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        if names.is_empty() {
            let mut seen: Vec<&str> = read
                .iter()
                .flat_map(|r| r.2.iter().map(|v| v.0.as_str()))
                .collect();
            seen.sort_unstable();
            seen.dedup();
            return Err(if seen.is_empty() {
                "no classifier verdicts on the labelled transcripts".to_string()
            } else {
                format!(
                    "no alignment-faking classifier on the labelled transcripts; name one with --classifier (found: {})",
                    seen.join(", ")
                )
            });
        }
    }
    let mut out: BTreeMap<String, Collected> = names
        .iter()
        .map(|n| (n.clone(), Collected::default()))
        .collect();
    for (e, truth, vs) in read {
        for name in &names {
            let c = out.get_mut(name).expect("every name has an entry");
            let mine: Vec<&(String, VerdictKind, Score, Vec<bool>)> =
                vs.iter().filter(|v| &v.0 == name).collect();
            if mine.is_empty() {
                c.left_out.no_verdict += 1;
                continue;
            }
            match truth {
                Truth::Unsure => c.left_out.unsure += 1,
                Truth::Disagree => c.left_out.disagree += 1,
                Truth::Unrecognized => c.left_out.unrecognized += 1,
                Truth::Positive | Truth::Negative => {
                    let scored = mine.iter().find_map(|v| v.2.value().map(|s| (s, &v.3)));
                    match scored {
                        Some((score, votes)) => c.items.push(Item {
                            entry: e,
                            score,
                            positive: truth == Truth::Positive,
                            votes: votes.clone(),
                        }),
                        None if mine.iter().any(|v| v.2.is_failed()) => c.left_out.failed += 1,
                        None => c.left_out.unscored += 1,
                    }
                }
            }
        }
    }
    Ok((counts, out))
}

/// Runs the evaluation.
pub fn evaluate(corpus: &Corpus, opts: &EvalOptions) -> Result<EvalReport, String> {
    let (truths, collected) = collect(corpus, opts)?;
    let labelled =
        truths.positive + truths.negative + truths.unsure + truths.disagree + truths.unrecognized;
    let labelled_entries: std::collections::HashSet<u32> =
        truths_in(corpus, opts).into_keys().collect();
    let unlabelled_scored = corpus
        .index
        .entries
        .par_iter()
        .enumerate()
        .filter(|(i, e)| {
            let i = *i as u32;
            (e.af().is_some() || e.af_failed())
                && !labelled_entries.contains(&i)
                && opts.subset.as_ref().is_none_or(|s| s.contains(&i))
        })
        .count();
    let (comparisons, agreement) = if opts.compare.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        compare_all(corpus, &collected, opts)?
    };
    let classifiers = collected
        .into_iter()
        .map(|(name, c)| classifier_eval(corpus, name, c, opts))
        .collect();
    Ok(EvalReport {
        threshold: opts.threshold,
        resamples: opts.resamples,
        seed: opts.seed,
        label_field: opts.field.clone(),
        labelled,
        truths,
        unlabelled_scored,
        classifiers,
        comparisons,
        agreement,
    })
}

type Compared = (
    Vec<super::compare::Comparison>,
    Vec<super::compare::Agreement>,
);

/// `--compare`: the pairs asked for, and agreement between every pair.
fn compare_all(
    corpus: &Corpus,
    collected: &BTreeMap<String, Collected>,
    opts: &EvalOptions,
) -> Result<Compared, String> {
    use super::compare;
    let names: Vec<String> = collected.keys().cloned().collect();
    let pairs = compare::pairs(&opts.compare, &names)?;
    let comparisons = pairs
        .iter()
        .map(|(a, b)| compare::compare((a, &collected[a]), (b, &collected[b]), opts))
        .collect();
    let scores = compare::all_scores(corpus, &names, opts);
    let mut agreement = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            agreement.push(compare::agreement(
                (a, &scores[a]),
                (b, &scores[b]),
                opts.threshold,
            ));
        }
    }
    Ok((comparisons, agreement))
}

/// The items as (score, class) pairs for the metrics.
pub fn scored(items: &[Item]) -> Vec<Scored> {
    items
        .iter()
        .map(|i| Scored {
            score: i.score,
            positive: i.positive,
        })
        .collect()
}

/// Every number for one classifier's items.
pub fn classifier_eval(
    corpus: &Corpus,
    classifier: String,
    c: Collected,
    opts: &EvalOptions,
) -> ClassifierEval {
    let s = scored(&c.items);
    let positives = s.iter().filter(|x| x.positive).count();
    let mut eval = ClassifierEval {
        classifier,
        n: s.len(),
        positives,
        negatives: s.len() - positives,
        left_out: c.left_out,
        error: None,
        auroc: None,
        auroc_ci: None,
        auroc_delong: None,
        label_budget: None,
        average_precision: None,
        at_threshold: Rates::new(opts.threshold, Confusion::at(&s, opts.threshold)),
        f1_ci: None,
        best_f1: None,
        best_youden: None,
        sweep: Vec::new(),
        roc: Vec::new(),
        pr: Vec::new(),
        votes: Vec::new(),
        breakdown: breakdown(corpus, &c.items, opts.threshold),
    };
    match metrics::auroc(&s) {
        Ok(a) => eval.auroc = Some(a),
        Err(e) => {
            eval.error = Some(e.0);
            return eval;
        }
    }
    let pairs: Vec<(f64, bool)> = s.iter().map(|x| (x.score, x.positive)).collect();
    eval.auroc_delong = crate::model::compare::delong_auc(&pairs).ok();
    if let (Some(target), Some(d)) = (opts.target_width, &eval.auroc_delong) {
        eval.label_budget = Some(LabelBudget::new(target, s.len(), 0.0, d.variance));
    }
    eval.average_precision = metrics::average_precision(&s).ok();
    eval.roc = metrics::roc_curve(&s)
        .unwrap_or_default()
        .into_iter()
        .map(Point::from)
        .collect();
    eval.pr = metrics::pr_curve(&s)
        .unwrap_or_default()
        .into_iter()
        .map(Point::from)
        .collect();
    let all: Vec<Rates> = metrics::sweep(&s)
        .into_iter()
        .map(|(t, c)| Rates::new(t, c))
        .collect();
    let best = |key: fn(&Rates) -> f64| {
        all.iter()
            .copied()
            .reduce(|a, b| if key(&b) > key(&a) { b } else { a })
    };
    eval.best_f1 = best(|r| r.f1);
    eval.best_youden = best(|r| r.youden);
    eval.sweep = if all.len() <= 30 {
        all
    } else {
        (0..=20)
            .map(|i| {
                let t = f64::from(i) / 20.0;
                Rates::new(t, Confusion::at(&s, t))
            })
            .collect()
    };
    if let Some((auc, f1)) = bootstrap::intervals(&s, opts.threshold, opts.resamples, opts.seed) {
        eval.auroc_ci = Some(auc);
        eval.f1_ci = Some(f1);
    }
    let voted: Vec<VotedItem> = c
        .items
        .iter()
        .filter(|i| !i.votes.is_empty())
        .map(|i| VotedItem {
            votes: &i.votes,
            positive: i.positive,
        })
        .collect();
    if voted.len() == c.items.len() {
        eval.votes = votes::curve(&voted, opts.vote_repeats, opts.seed);
    }
    eval
}

/// AUROC and rates per model, tier and condition.
fn breakdown(corpus: &Corpus, items: &[Item], threshold: f64) -> Vec<Group> {
    let view = corpus.view();
    let mut out = Vec::new();
    type Key = fn(&crate::load::View<'_>, usize) -> Option<String>;
    let keys: [(&'static str, Key); 3] = [
        ("model", |v, i| v.model(i).map(str::to_string)),
        ("tier", |v, i| Some(v.entry(i).tier().as_str().to_string())),
        ("condition", |v, i| v.condition(i).map(str::to_string)),
    ];
    for (by, key) in keys {
        let mut groups: BTreeMap<String, Vec<Scored>> = BTreeMap::new();
        for it in items {
            let value =
                key(&view, it.entry as usize).unwrap_or_else(|| crate::model::MISSING.into());
            groups.entry(value).or_default().push(Scored {
                score: it.score,
                positive: it.positive,
            });
        }
        for (value, s) in groups {
            let positives = s.iter().filter(|x| x.positive).count();
            out.push(Group {
                by,
                value,
                n: s.len(),
                positives,
                negatives: s.len() - positives,
                auroc: metrics::auroc(&s).ok(),
                rates: Rates::new(threshold, Confusion::at(&s, threshold)),
            });
        }
    }
    out
}

/// Entries in each cell of the confusion matrix at `threshold`, for drilling down.
pub fn cells(items: &[Item], threshold: f64) -> HashMap<&'static str, Vec<u32>> {
    let mut out: HashMap<&'static str, Vec<u32>> = HashMap::new();
    for it in items {
        let cell = match (it.score >= threshold, it.positive) {
            (true, true) => "tp",
            (true, false) => "fp",
            (false, false) => "tn",
            (false, true) => "fn",
        };
        out.entry(cell).or_default().push(it.entry);
    }
    out
}
