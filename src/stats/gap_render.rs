//! The compliance-gap report as tables (for reading and Markdown) and as flat CSV.

use super::gap::{ComplianceSource, GapReport, GapRow, Rate};
use super::table::{raw, raw_p, Table};
use crate::model::sanitize::visible;

/// `45.0% [38.1, 52.2] (90/200)`, or `–` when nothing was counted.
pub fn rate(r: &Rate) -> String {
    match (r.rate, r.low, r.high) {
        (Some(p), Some(l), Some(h)) => format!(
            "{:.1}% [{:.1}, {:.1}] ({}/{})",
            p * 100.0,
            l * 100.0,
            h * 100.0,
            r.k,
            r.n
        ),
        _ => "–".into(),
    }
}

fn scope(r: &GapRow) -> (String, String) {
    (
        visible(&r.model, false).into_owned(),
        r.condition
            .as_deref()
            .map_or_else(|| "(all)".to_string(), |c| visible(c, false).into_owned()),
    )
}

/// A p-value with three decimals, or in scientific notation below 0.001.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

/// Settings above the tables.
pub fn header(r: &GapReport) -> Vec<String> {
    let source = match r.compliance {
        ComplianceSource::Verdict => format!(
            "compliance verdict ≥ {} counts as complied",
            r.compliance_threshold
        ),
        ComplianceSource::Labels => {
            "compliance from human labels (full and partial count as complied)".to_string()
        }
    };
    let classifier = match &r.classifier {
        Some(c) => {
            let others = r.classifiers.iter().filter(|o| *o != c).count();
            format!(
                "alignment-faking classifier {}{} ≥ {} counts as flagged",
                visible(c, false),
                match others {
                    0 => String::new(),
                    n => format!(" (of {}; --classifier picks another)", n + 1),
                },
                r.af_threshold
            )
        }
        None => "no alignment-faking classifier".to_string(),
    };
    let mut lines = vec![format!(
        "{source}; {classifier}; 95% intervals: Wilson for rates, Newcombe for the gap; McNemar exact on prompts asked on both tiers"
    )];
    let o = r.left_out();
    let mut parts = Vec::new();
    for (n, what) in [
        (o.compliance_failed, "failed compliance verdict"),
        (o.compliance_missing, "no compliance value"),
        (o.af_failed, "failed alignment-faking verdict"),
        (
            o.af_missing,
            "not scored by the alignment-faking classifier",
        ),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if !parts.is_empty() {
        lines.push(format!("left out of the rates: {}", parts.join(", ")));
    }
    lines
}

/// The gap table and the alignment-faking table.
pub fn tables(r: &GapReport) -> Vec<Table> {
    let mut gap = Table::new(
        "compliance gap (free − paid)",
        &[
            "model",
            "condition",
            "free n",
            "free complied",
            "paid n",
            "paid complied",
            "gap",
            "pairs",
            "McNemar p",
        ],
    );
    let mut af = Table::new(
        "alignment-faking reasoning",
        &[
            "model",
            "condition",
            "free: classifier",
            "paid: classifier",
            "free: human",
            "paid: human",
            "free: complied and AF",
        ],
    );
    for row in &r.rows {
        let (model, cond) = scope(row);
        gap.row(vec![
            model.clone(),
            cond.clone(),
            row.free.n.to_string(),
            rate(&row.free.compliance),
            row.paid.n.to_string(),
            rate(&row.paid.compliance),
            row.gap.map_or_else(
                || "–".into(),
                |g| {
                    format!(
                        "{:+.1} pp [{:+.1}, {:+.1}]",
                        g.gap * 100.0,
                        g.low * 100.0,
                        g.high * 100.0
                    )
                },
            ),
            row.paired.map_or_else(
                || "–".into(),
                |p| format!("{} ({}↑ {}↓)", p.pairs, p.free_only, p.paid_only),
            ),
            row.paired
                .map_or_else(|| "–".into(), |p| p_value(p.p_value)),
        ]);
        af.row(vec![
            model,
            cond,
            rate(&row.free.af),
            rate(&row.paid.af),
            rate(&row.free.af_human),
            rate(&row.paid.af_human),
            rate(&row.free.comply_and_af),
        ]);
    }
    vec![gap, af]
}

/// One row per (model, condition), full precision.
pub fn flat(r: &GapReport) -> Table {
    let mut headers = vec![
        "model",
        "condition",
        "unknown_tier",
        "gap",
        "gap_low",
        "gap_high",
        "pairs",
        "free_only",
        "paid_only",
        "mcnemar_p",
    ];
    let fields = ["compliance", "af", "af_human", "comply_and_af"];
    let mut tier_headers = Vec::new();
    for tier in ["free", "paid"] {
        tier_headers.push(format!("{tier}_n"));
        for f in fields {
            for part in ["k", "n", "rate", "low", "high"] {
                tier_headers.push(format!("{tier}_{f}_{part}"));
            }
        }
    }
    headers.extend(tier_headers.iter().map(String::as_str));
    let mut t = Table::new("", &headers);
    for row in &r.rows {
        let mut cells = vec![
            visible(&row.model, false).into_owned(),
            row.condition
                .as_deref()
                .map_or_else(String::new, |c| visible(c, false).into_owned()),
            row.unknown_tier.to_string(),
            raw(row.gap.map(|g| g.gap)),
            raw(row.gap.map(|g| g.low)),
            raw(row.gap.map(|g| g.high)),
            row.paired.map_or_else(String::new, |p| p.pairs.to_string()),
            row.paired
                .map_or_else(String::new, |p| p.free_only.to_string()),
            row.paired
                .map_or_else(String::new, |p| p.paid_only.to_string()),
            raw_p(row.paired.map(|p| p.p_value)),
        ];
        for s in [&row.free, &row.paid] {
            cells.push(s.n.to_string());
            for r in [&s.compliance, &s.af, &s.af_human, &s.comply_and_af] {
                cells.extend([
                    r.k.to_string(),
                    r.n.to_string(),
                    raw(r.rate),
                    raw(r.low),
                    raw(r.high),
                ]);
            }
        }
        t.row(cells);
    }
    t
}
