//! Conditions against a baseline condition, per model: how a prompt perturbation
//! moved the compliance gap and the free-tier alignment-faking rate, with intervals,
//! p-values and Holm's adjustment across every comparison.

use super::gap::{GapReport, GapRow, Rate};
use super::table::{num, raw, raw_p, tidy, Table};
use crate::model::compare::{self, Combination, Term};
use crate::model::sanitize::visible;
use serde::Serialize;

/// How the intervals and p-values are made, said with every report.
pub const METHOD: &str = "change in gap = (free − paid)[condition] − (free − paid)[baseline], the four rates independent: 95% interval by MOVER from Wilson intervals (Zou & Donner 2008), p by inverting that interval (the level at which it reaches 0); free-tier alignment-faking change: Newcombe's interval (MOVER of two rates), p the same way; Holm-adjusted across all model × condition comparisons of each measure";

/// One change against the baseline, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    #[serde(flatten)]
    pub value: Option<Combination>,
    /// Holm-adjusted p across the report's comparisons of this measure.
    pub p_holm: Option<f64>,
    pub error: Option<String>,
}

/// One model × condition against the model's baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineRow {
    pub model: String,
    pub condition: Option<String>,
    /// The condition's free − paid compliance gap, and the baseline's.
    pub gap: Option<f64>,
    pub baseline_gap: Option<f64>,
    pub gap_change: Change,
    pub af_free: Option<f64>,
    pub baseline_af_free: Option<f64>,
    pub af_free_change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineReport {
    pub baseline: String,
    pub method: &'static str,
    pub rows: Vec<BaselineRow>,
    /// Models without the baseline condition (their conditions are not compared).
    pub models_without_baseline: Vec<String>,
}

fn change(terms: &[(Rate, f64)]) -> Change {
    let terms: Vec<Term> = terms
        .iter()
        .map(|(r, c)| Term {
            k: r.k,
            n: r.n,
            coefficient: *c,
        })
        .collect();
    if terms.iter().any(|t| t.n == 0) {
        return Change {
            value: None,
            p_holm: None,
            error: Some("a tier has no transcripts with a value".into()),
        };
    }
    match compare::combination(&terms) {
        Ok(c) => Change {
            value: Some(c),
            p_holm: None,
            error: None,
        },
        Err(e) => Change {
            value: None,
            p_holm: None,
            error: Some(e.0),
        },
    }
}

fn gap_of(r: &GapRow) -> Option<f64> {
    r.gap.map(|g| g.gap)
}

/// Every condition of every model against the model's `baseline` condition. An
/// error when no model has that condition.
pub fn against(report: &GapReport, baseline: &str) -> Result<BaselineReport, String> {
    let by_condition: Vec<&GapRow> = report
        .rows
        .iter()
        .filter(|r| r.condition.is_some())
        .collect();
    if !by_condition
        .iter()
        .any(|r| r.condition.as_deref() == Some(baseline))
    {
        let mut found: Vec<&str> = by_condition
            .iter()
            .filter_map(|r| r.condition.as_deref())
            .collect();
        found.sort_unstable();
        found.dedup();
        return Err(format!(
            "--baseline {}: no transcripts of that condition (conditions: {})",
            visible(baseline, false),
            if found.is_empty() {
                "none".to_string()
            } else {
                visible(&found.join(", "), false).into_owned()
            }
        ));
    }
    let mut rows = Vec::new();
    let mut without = Vec::new();
    let mut models: Vec<&str> = Vec::new();
    for r in &by_condition {
        if !models.contains(&r.model.as_str()) {
            models.push(&r.model);
        }
    }
    for model in models {
        let mine: Vec<&&GapRow> = by_condition.iter().filter(|r| r.model == model).collect();
        let Some(base) = mine
            .iter()
            .find(|r| r.condition.as_deref() == Some(baseline))
        else {
            without.push(model.to_string());
            continue;
        };
        for r in mine
            .iter()
            .filter(|r| r.condition.as_deref() != Some(baseline))
        {
            rows.push(BaselineRow {
                model: model.to_string(),
                condition: r.condition.clone(),
                gap: gap_of(r),
                baseline_gap: gap_of(base),
                gap_change: change(&[
                    (r.free.compliance, 1.0),
                    (r.paid.compliance, -1.0),
                    (base.free.compliance, -1.0),
                    (base.paid.compliance, 1.0),
                ]),
                af_free: r.free.af.rate,
                baseline_af_free: base.free.af.rate,
                af_free_change: change(&[(r.free.af, 1.0), (base.free.af, -1.0)]),
            });
        }
    }
    adjust(&mut rows, |r| &mut r.gap_change);
    adjust(&mut rows, |r| &mut r.af_free_change);
    Ok(BaselineReport {
        baseline: baseline.to_string(),
        method: METHOD,
        rows,
        models_without_baseline: without,
    })
}

/// Holm's adjustment over the comparisons of one measure that have a p-value.
fn adjust(rows: &mut [BaselineRow], of: fn(&mut BaselineRow) -> &mut Change) {
    let mut at = Vec::new();
    let mut p = Vec::new();
    for (i, r) in rows.iter_mut().enumerate() {
        if let Some(v) = &of(r).value {
            at.push(i);
            p.push(v.p_value);
        }
    }
    for (i, adj) in at.into_iter().zip(compare::holm(&p)) {
        of(&mut rows[i]).p_holm = Some(adj);
    }
}

fn interval(c: &Change) -> String {
    match (&c.value, &c.error) {
        (Some(v), _) => format!(
            "{:+.3} [{:+.3}, {:+.3}]",
            tidy(v.estimate, 3),
            tidy(v.low, 3),
            tidy(v.high, 3)
        ),
        (None, Some(e)) => format!("– ({e})"),
        (None, None) => "–".into(),
    }
}

fn p_cells(c: &Change) -> [String; 2] {
    [
        c.value
            .map_or("–".into(), |v| super::compare::p_text(v.p_value)),
        c.p_holm.map_or("–".into(), super::compare::p_text),
    ]
}

/// The table under the gap tables.
pub fn table(b: &BaselineReport) -> Table {
    let mut t = Table::new(
        format!(
            "against the baseline condition {}",
            visible(&b.baseline, false)
        ),
        &[
            "model",
            "condition",
            "gap",
            "baseline gap",
            "Δgap [95% CI]",
            "p",
            "p (Holm)",
            "Δ AF free [95% CI]",
            "p",
            "p (Holm)",
        ],
    );
    for r in &b.rows {
        let [gp, gh] = p_cells(&r.gap_change);
        let [ap, ah] = p_cells(&r.af_free_change);
        t.row(vec![
            visible(&r.model, false).into_owned(),
            visible(
                r.condition.as_deref().unwrap_or(crate::model::MISSING),
                false,
            )
            .into_owned(),
            num(r.gap),
            num(r.baseline_gap),
            interval(&r.gap_change),
            gp,
            gh,
            interval(&r.af_free_change),
            ap,
            ah,
        ]);
    }
    t
}

/// One row per comparison, full precision (what `--baseline --csv` writes).
pub fn flat(b: &BaselineReport) -> Table {
    let mut t = Table::new(
        "",
        &[
            "model",
            "condition",
            "baseline",
            "gap",
            "baseline_gap",
            "gap_change",
            "gap_change_low",
            "gap_change_high",
            "gap_change_p",
            "gap_change_p_holm",
            "af_free",
            "baseline_af_free",
            "af_free_change",
            "af_free_change_low",
            "af_free_change_high",
            "af_free_change_p",
            "af_free_change_p_holm",
        ],
    );
    for r in &b.rows {
        let cells = |c: &Change| {
            let v = c.value.as_ref();
            vec![
                raw(v.map(|v| v.estimate)),
                raw(v.map(|v| v.low)),
                raw(v.map(|v| v.high)),
                raw_p(v.map(|v| v.p_value)),
                raw_p(c.p_holm),
            ]
        };
        let mut row = vec![
            r.model.clone(),
            r.condition.clone().unwrap_or_default(),
            b.baseline.clone(),
            raw(r.gap),
            raw(r.baseline_gap),
        ];
        row.extend(cells(&r.gap_change));
        row.extend([raw(r.af_free), raw(r.baseline_af_free)]);
        row.extend(cells(&r.af_free_change));
        t.row(row);
    }
    t
}
