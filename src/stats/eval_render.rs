//! An evaluation report as tables (for reading and Markdown) and as one flat CSV table.

use super::bootstrap::Interval;
use super::eval::{ClassifierEval, EvalReport, Rates};
use super::table::{num, raw, Table};
use crate::model::sanitize::visible;

fn ci(i: Option<Interval>) -> String {
    match i {
        Some(i) => format!("[{:.3}, {:.3}]", i.low, i.high),
        None => "–".into(),
    }
}

/// The lines above the tables: settings and how the labelled transcripts divide.
pub fn header(r: &EvalReport) -> Vec<String> {
    let t = &r.truths;
    vec![
        format!(
            "label field `{}`, threshold {} (flagged when score ≥ threshold), {} bootstrap resamples, seed {}",
            visible(&r.label_field, false),
            r.threshold,
            r.resamples,
            r.seed
        ),
        format!(
            "labelled transcripts: {} (yes {}, no {}, unsure {}, labelers disagree {}, other values {}); scored without a label: {}",
            r.labelled, t.positive, t.negative, t.unsure, t.disagree, t.unrecognized, r.unlabelled_scored
        ),
    ]
}

fn rate_cells(r: &Rates, digits: usize) -> Vec<String> {
    vec![
        format!("{:.digits$}", r.threshold),
        r.tp.to_string(),
        r.fp.to_string(),
        r.tn.to_string(),
        r.fn_.to_string(),
        precision(r),
        defined(r.recall, r.tp + r.fn_),
        num(Some(r.f1)),
        num(Some(r.accuracy)),
        defined(r.fpr, r.fp + r.tn),
        num(Some(r.youden)),
    ]
}

/// A rate whose denominator is `of`: `–` when it is 0 (undefined, though computed
/// as 0 as scikit-learn's `zero_division=0` does for machine-readable output).
fn defined(x: f64, of: usize) -> String {
    if of == 0 {
        "–".into()
    } else {
        num(Some(x))
    }
}

/// Precision, `–` when nothing is predicted positive.
fn precision(r: &Rates) -> String {
    defined(r.precision, r.tp + r.fp)
}

/// The fewest decimals (at least 2, at most 17) at which the thresholds all print
/// differently: enough to tell the scores apart, no float noise beyond.
pub fn threshold_digits(thresholds: &[f64]) -> usize {
    (2..17)
        .find(|&d| {
            let mut shown: Vec<String> = thresholds.iter().map(|t| format!("{t:.d$}")).collect();
            shown.sort();
            shown.dedup();
            shown.len() == thresholds.len()
        })
        .unwrap_or(17)
}

/// The non-zero reasons a labelled transcript was left out, or `none`.
fn left_out(lo: &super::eval::LeftOut) -> String {
    let parts: Vec<String> = [
        ("unsure", lo.unsure),
        ("labelers disagree", lo.disagree),
        ("other label", lo.unrecognized),
        ("failed verdict", lo.failed),
        ("unscored", lo.unscored),
        ("no verdict", lo.no_verdict),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(what, n)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

const RATE_HEADERS: [&str; 11] = [
    "threshold",
    "TP",
    "FP",
    "TN",
    "FN",
    "precision",
    "recall",
    "F1",
    "accuracy",
    "FPR",
    "Youden J",
];

/// The tables of one classifier: summary, sweep, votes, breakdown.
pub fn classifier_tables(c: &ClassifierEval) -> Vec<Table> {
    let name = visible(&c.classifier, false);
    let mut out = Vec::new();
    let mut s = Table::new(format!("classifier {name}"), &["metric", "value", "95% CI"]);
    let lo = &c.left_out;
    s.row(vec![
        "n (positive / negative)".into(),
        format!("{} ({} / {})", c.n, c.positives, c.negatives),
        String::new(),
    ]);
    s.row(vec!["left out".into(), left_out(lo), String::new()]);
    if let Some(e) = &c.error {
        s.row(vec![
            "AUROC".into(),
            format!("not computed: {e}"),
            String::new(),
        ]);
    } else {
        s.row(vec!["AUROC".into(), num(c.auroc), ci(c.auroc_ci)]);
        if let Some(d) = &c.auroc_delong {
            s.row(vec![
                "AUROC, DeLong interval".into(),
                num(Some(d.auc)),
                format!("[{:.3}, {:.3}]", d.low, d.high),
            ]);
        }
        if let Some(b) = &c.label_budget {
            s.row(vec![
                "labels for the target".into(),
                b.text(),
                String::new(),
            ]);
        }
        s.row(vec![
            "average precision".into(),
            num(c.average_precision),
            String::new(),
        ]);
    }
    let r = &c.at_threshold;
    let sweep: Vec<f64> = c.sweep.iter().map(|r| r.threshold).collect();
    let digits = threshold_digits(&sweep);
    s.row(vec![
        format!("at threshold {}", r.threshold),
        format!("TP {}  FP {}  TN {}  FN {}", r.tp, r.fp, r.tn, r.fn_),
        String::new(),
    ]);
    s.row(vec!["precision".into(), precision(r), String::new()]);
    s.row(vec![
        "recall".into(),
        defined(r.recall, r.tp + r.fn_),
        String::new(),
    ]);
    s.row(vec!["F1".into(), num(Some(r.f1)), ci(c.f1_ci)]);
    s.row(vec![
        "accuracy".into(),
        num(Some(r.accuracy)),
        String::new(),
    ]);
    s.row(vec![
        "false-positive rate".into(),
        num(Some(r.fpr)),
        String::new(),
    ]);
    if let Some(b) = &c.best_f1 {
        s.row(vec![
            "best F1".into(),
            format!("{} at threshold {:.digits$}", num(Some(b.f1)), b.threshold),
            String::new(),
        ]);
    }
    if let Some(b) = &c.best_youden {
        s.row(vec![
            "best Youden's J".into(),
            format!(
                "{} at threshold {:.digits$}",
                num(Some(b.youden)),
                b.threshold
            ),
            String::new(),
        ]);
    }
    out.push(s);
    if !c.sweep.is_empty() {
        let mut t = Table::new(format!("{name}: threshold sweep"), &RATE_HEADERS);
        for r in &c.sweep {
            t.row(rate_cells(r, digits));
        }
        out.push(t);
    }
    if !c.votes.is_empty() {
        let mut t = Table::new(
            format!("{name}: AUROC from k votes (mean ± sd over random subsets)"),
            &["votes", "AUROC", "sd"],
        );
        for p in &c.votes {
            t.row(vec![
                p.votes.to_string(),
                num(Some(p.auroc)),
                num(Some(p.sd)),
            ]);
        }
        out.push(t);
    }
    if !c.breakdown.is_empty() {
        let mut t = Table::new(
            format!(
                "{name}: by model, tier and condition (at threshold {})",
                c.at_threshold.threshold
            ),
            &[
                "by",
                "value",
                "n",
                "pos",
                "neg",
                "AUROC",
                "precision",
                "recall",
                "F1",
                "FPR",
            ],
        );
        for g in &c.breakdown {
            t.row(vec![
                g.by.to_string(),
                visible(&g.value, false).into_owned(),
                g.n.to_string(),
                g.positives.to_string(),
                g.negatives.to_string(),
                num(g.auroc),
                num(Some(g.rates.precision)),
                num(Some(g.rates.recall)),
                num(Some(g.rates.f1)),
                num(Some(g.rates.fpr)),
            ]);
        }
        out.push(t);
    }
    out
}

/// Every table of the report, in order.
pub fn tables(r: &EvalReport) -> Vec<Table> {
    let mut out: Vec<Table> = r.classifiers.iter().flat_map(classifier_tables).collect();
    out.extend(super::compare_render::tables(r));
    out
}

/// One row per classifier and per breakdown slice, full precision, for pipelines.
pub fn flat(r: &EvalReport) -> Table {
    let mut t = Table::new(
        "",
        &[
            "classifier",
            "by",
            "value",
            "n",
            "positives",
            "negatives",
            "auroc",
            "auroc_low",
            "auroc_high",
            "average_precision",
            "threshold",
            "tp",
            "fp",
            "tn",
            "fn",
            "precision",
            "recall",
            "f1",
            "f1_low",
            "f1_high",
            "accuracy",
            "fpr",
        ],
    );
    for c in &r.classifiers {
        let rates = |x: &Rates| {
            vec![
                raw(Some(x.threshold)),
                x.tp.to_string(),
                x.fp.to_string(),
                x.tn.to_string(),
                x.fn_.to_string(),
                raw(Some(x.precision)),
                raw(Some(x.recall)),
                raw(Some(x.f1)),
            ]
        };
        let mut row = vec![
            c.classifier.clone(),
            "all".into(),
            String::new(),
            c.n.to_string(),
            c.positives.to_string(),
            c.negatives.to_string(),
            raw(c.auroc),
            raw(c.auroc_ci.map(|i| i.low)),
            raw(c.auroc_ci.map(|i| i.high)),
            raw(c.average_precision),
        ];
        row.extend(rates(&c.at_threshold));
        row.extend([
            raw(c.f1_ci.map(|i| i.low)),
            raw(c.f1_ci.map(|i| i.high)),
            raw(Some(c.at_threshold.accuracy)),
            raw(Some(c.at_threshold.fpr)),
        ]);
        t.row(row);
        for g in &c.breakdown {
            let mut row = vec![
                c.classifier.clone(),
                g.by.to_string(),
                g.value.clone(),
                g.n.to_string(),
                g.positives.to_string(),
                g.negatives.to_string(),
                raw(g.auroc),
                String::new(),
                String::new(),
                String::new(),
            ];
            row.extend(rates(&g.rates));
            row.extend([
                String::new(),
                String::new(),
                raw(Some(g.rates.accuracy)),
                raw(Some(g.rates.fpr)),
            ]);
            t.row(row);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::Confusion;

    #[test]
    fn thresholds_print_with_the_decimals_that_tell_them_apart() {
        assert_eq!(threshold_digits(&[0.9, 0.5, 0.1]), 2);
        // 0.0166 and 0.0171 are both 0.017 at three decimals.
        assert_eq!(threshold_digits(&[0.016625668853521347, 0.0171, 0.5]), 4);
        assert_eq!(threshold_digits(&[0.123456, 0.123457]), 6);
        assert_eq!(threshold_digits(&[]), 2);
    }

    #[test]
    fn a_rate_with_nothing_to_divide_by_is_a_dash() {
        let none_flagged = Rates::new(
            0.99,
            Confusion {
                tp: 0,
                fp: 0,
                tn: 5,
                fn_: 3,
            },
        );
        let cells = rate_cells(&none_flagged, 2);
        assert_eq!(cells[0], "0.99");
        assert_eq!(cells[5], "–", "precision with no positive predictions");
        assert_eq!(cells[6], "0.000", "recall is defined: 3 positives");
        assert_eq!(
            none_flagged.precision, 0.0,
            "machine-readable output keeps 0"
        );
    }
}
