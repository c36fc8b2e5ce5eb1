//! `afscope eval`: classifiers against human labels, as a table, JSON, CSV or Markdown.

use super::Status;
use crate::cli::{EvalArgs, LoadArgs, ReportFormat};
use afscope::model::sanitize::visible;
use afscope::query::Query;
use afscope::stats::eval::{self, EvalOptions};
use afscope::stats::eval_render;
use afscope::stats::table::Table;

pub fn run(args: &EvalArgs, load: &LoadArgs) -> Result<Status, String> {
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err(format!("--threshold {}: must be in [0, 1]", args.threshold));
    }
    let corpus = super::load_with_progress(&args.files, load)?;
    super::strict_gate(&corpus, load)?;
    let subset = subset(&corpus, args.query.as_deref())?;
    if corpus.labels.is_empty() && load.labels.is_some() {
        return Err(format!(
            "no labels read from {}{}",
            load.labels
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            problems_hint(&corpus)
        ));
    }
    let opts = EvalOptions {
        threshold: args.threshold,
        resamples: args.resamples,
        seed: args.seed,
        classifiers: args.classifier.clone(),
        labeler: args.labeler.clone(),
        field: args.label_field.clone(),
        vote_repeats: args.vote_repeats,
        subset,
        fresh: None,
        compare: args.compare.clone(),
        target_width: args.target_width,
    };
    let report = eval::evaluate(&corpus, &opts)?;
    if report.labelled == 0 {
        return Err(format!(
            "no transcript has a `{}` label{}",
            args.label_field,
            if load.labels.is_none() {
                " (give a label file with --labels)"
            } else {
                ""
            }
        ));
    }
    let mut header = eval_render::header(&report);
    header.extend(super::labels_note(&corpus));
    header.extend(super::study_note(load, args.query.as_deref()));
    let text = render(
        args.format,
        &header,
        &eval_render::tables(&report),
        || {
            if report.comparisons.is_empty() {
                eval_render::flat(&report)
            } else {
                afscope::stats::compare_render::flat(&report)
            }
        },
        &report,
    )?;
    super::print(&text, super::output_kind(args.format))?;
    Ok(super::changed_while_read(&corpus, Status::SUCCESS))
}

/// The entries a `--query` selects, or `None` without one.
pub fn subset(
    corpus: &afscope::load::Corpus,
    query: Option<&str>,
) -> Result<Option<std::collections::HashSet<u32>>, String> {
    let Some(q) = query else { return Ok(None) };
    let parsed = Query::parse(q).map_err(|e| format!("query:\n{}", e.pointed(q)))?;
    Ok(Some(
        super::list::matching(corpus, &parsed)
            .into_iter()
            .map(|i| i as u32)
            .collect(),
    ))
}

fn problems_hint(corpus: &afscope::load::Corpus) -> String {
    match corpus.problems.first() {
        Some(p) => format!(
            " ({} problem(s), first: {})",
            corpus.problems.len(),
            visible(&p.to_string(), false)
        ),
        None => String::new(),
    }
}

/// A report in the chosen format: JSON from `value`, CSV from `flat`, else the tables
/// under the header lines.
pub fn render<T: serde::Serialize>(
    format: ReportFormat,
    header: &[String],
    tables: &[Table],
    flat: impl FnOnce() -> Table,
    value: &T,
) -> Result<String, String> {
    if format.json {
        let mut v = serde_json::to_value(value).map_err(|e| e.to_string())?;
        afscope::stats::table::denoise_json(&mut v, false);
        let mut s = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?;
        s.push('\n');
        return Ok(s);
    }
    if format.csv {
        return flat().csv();
    }
    let mut s = String::new();
    for h in header {
        if format.markdown {
            s.push_str(&format!("{}\n\n", h.replace('|', "\\|")));
        } else {
            s.push_str(&format!("{h}\n"));
        }
    }
    for t in tables {
        s.push('\n');
        s.push_str(&if format.markdown {
            t.markdown()
        } else {
            t.text()
        });
    }
    Ok(s)
}
