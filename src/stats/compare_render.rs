//! `eval --compare` as tables (text, Markdown) and as one flat table for CSV.

use super::compare::{p_text, Agreement, Comparison};
use super::eval::EvalReport;
use super::table::{num, raw, raw_p, Table};
use crate::model::sanitize::visible;

fn name(s: &str) -> String {
    visible(s, false).into_owned()
}

/// One table per comparison, then the agreement table.
pub fn tables(r: &EvalReport) -> Vec<Table> {
    let mut out: Vec<Table> = r.comparisons.iter().map(comparison_table).collect();
    if !r.agreement.is_empty() {
        out.push(agreement_table(&r.agreement, r.threshold));
    }
    out
}

fn comparison_table(c: &Comparison) -> Table {
    let (a, b) = (name(&c.a), name(&c.b));
    let mut t = Table::new(
        format!("{a} against {b}"),
        &["test", "value", "95% CI", "p"],
    );
    t.row(vec![
        "n (positive / negative)".into(),
        format!("{} ({} / {})", c.n, c.positives, c.negatives),
        String::new(),
        String::new(),
    ]);
    t.row(vec![
        "left out (labelled, scored by one only)".into(),
        format!(
            "only {a}: {}, only {b}: {}",
            c.left_out.only_a, c.left_out.only_b
        ),
        String::new(),
        String::new(),
    ]);
    match (&c.delong, &c.error) {
        (Some(d), _) => {
            t.row(vec![
                "AUROC".into(),
                format!("{a} {}, {b} {}", num(Some(d.auc_a)), num(Some(d.auc_b))),
                String::new(),
                String::new(),
            ]);
            t.row(vec![
                format!("ΔAUROC ({a} − {b}), DeLong"),
                format!("{:+.4} (z = {:.3})", d.difference, d.z),
                format!("[{:+.4}, {:+.4}]", d.low, d.high),
                p_text(d.p_value),
            ]);
        }
        (None, Some(e)) => t.row(vec![
            "ΔAUROC, DeLong".into(),
            format!("not computed: {e}"),
            String::new(),
            String::new(),
        ]),
        (None, None) => {}
    }
    if let Some(bs) = &c.bootstrap {
        t.row(vec![
            format!("ΔAUROC, paired bootstrap ({} resamples)", bs.resamples),
            format!("sd {:.4} (z = {:.3})", bs.sd, bs.z),
            format!("[{:+.4}, {:+.4}]", bs.interval.low, bs.interval.high),
            p_text(bs.p_value),
        ]);
    }
    let m = &c.mcnemar;
    t.row(vec![
        format!("decisions at {}, McNemar exact", m.threshold),
        format!(
            "only {a} right: {}, only {b} right: {}",
            m.only_a_right, m.only_b_right
        ),
        String::new(),
        p_text(m.p_value),
    ]);
    t.row(vec![
        "conclusion".into(),
        visible(&c.conclusion, false).into_owned(),
        String::new(),
        String::new(),
    ]);
    t
}

fn agreement_table(rows: &[Agreement], threshold: f64) -> Table {
    let mut t = Table::new(
        format!(
            "agreement between classifiers (every transcript both scored; kappa at {threshold})"
        ),
        &["classifiers", "n", "Cohen's kappa", "Spearman", "note"],
    );
    for g in rows {
        t.row(vec![
            format!("{} · {}", name(&g.a), name(&g.b)),
            g.n.to_string(),
            num(g.kappa),
            num(g.spearman),
            visible(&g.notes.join("; "), false).into_owned(),
        ]);
    }
    t
}

/// One row per comparison, full precision (what `--compare --csv` writes).
pub fn flat(r: &EvalReport) -> Table {
    let mut t = Table::new(
        "",
        &[
            "a",
            "b",
            "n",
            "positives",
            "negatives",
            "only_a",
            "only_b",
            "auroc_a",
            "auroc_b",
            "difference",
            "delong_z",
            "delong_p",
            "delong_low",
            "delong_high",
            "bootstrap_low",
            "bootstrap_high",
            "bootstrap_p",
            "threshold",
            "only_a_right",
            "only_b_right",
            "mcnemar_p",
            "kappa",
            "spearman",
            "error",
        ],
    );
    for c in &r.comparisons {
        let d = c.delong.as_ref();
        let bs = c.bootstrap.as_ref();
        let agree = r
            .agreement
            .iter()
            .find(|g| (g.a == c.a && g.b == c.b) || (g.a == c.b && g.b == c.a));
        t.row(vec![
            c.a.clone(),
            c.b.clone(),
            c.n.to_string(),
            c.positives.to_string(),
            c.negatives.to_string(),
            c.left_out.only_a.to_string(),
            c.left_out.only_b.to_string(),
            raw(d.map(|d| d.auc_a)),
            raw(d.map(|d| d.auc_b)),
            raw(d.map(|d| d.difference)),
            raw(d.map(|d| d.z)),
            raw_p(d.map(|d| d.p_value)),
            raw(d.map(|d| d.low)),
            raw(d.map(|d| d.high)),
            raw(bs.map(|b| b.interval.low)),
            raw(bs.map(|b| b.interval.high)),
            raw_p(bs.map(|b| b.p_value)),
            c.mcnemar.threshold.to_string(),
            c.mcnemar.only_a_right.to_string(),
            c.mcnemar.only_b_right.to_string(),
            raw_p(Some(c.mcnemar.p_value)),
            raw(agree.and_then(|g| g.kappa)),
            raw(agree.and_then(|g| g.spearman)),
            c.error.clone().unwrap_or_default(),
        ]);
    }
    t
}
