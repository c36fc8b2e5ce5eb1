//! `afscope stats`: the compliance-gap table, as a table, JSON, CSV or Markdown.

use super::Status;
use crate::cli::{ComplianceFrom, LoadArgs, StatsArgs};
use afscope::stats::gap::{self, ComplianceSource, GapOptions};
use afscope::stats::{baseline, correction, gap_render};

pub fn run(args: &StatsArgs, load: &LoadArgs) -> Result<Status, String> {
    for (name, t) in [
        ("--threshold", args.threshold),
        ("--compliance-threshold", args.compliance_threshold),
    ] {
        if !(0.0..=1.0).contains(&t) {
            return Err(format!("{name} {t}: must be in [0, 1]"));
        }
    }
    let mut load = load.clone();
    if let Some(c) = &args.correct_with {
        if !c.exists() {
            return Err(format!("--correct-with {}: no such file", c.display()));
        }
        load.label_own.push((c.clone(), load.label_set.clone()));
    }
    let load = &load;
    let corpus = super::load_with_progress(&args.files, load)?;
    super::strict_gate(&corpus, load)?;
    if args.compliance_from == ComplianceFrom::Labels && corpus.labels.is_empty() {
        return Err(
            "--compliance-from labels needs labels: give a label file with --labels FILE".into(),
        );
    }
    let subset = super::eval::subset(&corpus, args.query.as_deref())?;
    let subset_for_correction = subset.clone();
    let opts = GapOptions {
        compliance: match args.compliance_from {
            ComplianceFrom::Verdict => ComplianceSource::Verdict,
            ComplianceFrom::Labels => ComplianceSource::Labels,
        },
        compliance_threshold: args.compliance_threshold,
        af_threshold: args.threshold,
        labeler: args.labeler.clone(),
        classifier: args.classifier.clone(),
        subset,
        fresh: None,
    };
    let report = gap::compute(&corpus, &opts);
    if let Some(c) = &args.classifier {
        if !report.classifiers.contains(c) {
            return Err(format!(
                "--classifier {}: no alignment-faking classifier of that name (found: {})",
                afscope::model::sanitize::visible(c, false),
                if report.classifiers.is_empty() {
                    "none".to_string()
                } else {
                    afscope::model::sanitize::visible(&report.classifiers.join(", "), false)
                        .into_owned()
                }
            ));
        }
    }
    if report.rows.is_empty() {
        return Err("no transcripts to count".into());
    }
    let baseline = match &args.baseline {
        Some(b) => Some(baseline::against(&report, b)?),
        None => None,
    };
    let correction = args.correct_with.as_ref().map(|_| {
        correction::correct(
            &corpus,
            &report,
            args.labeler.as_deref(),
            subset_for_correction.as_ref(),
            args.target_width,
        )
    });
    let mut header = gap_render::header(&report);
    header.extend(super::labels_note(&corpus));
    header.extend(super::study_note(load, args.query.as_deref()));
    let mut tables = gap_render::tables(&report);
    if let Some(b) = &baseline {
        header.push(format!("against the baseline: {}", baseline::METHOD));
        if !b.models_without_baseline.is_empty() {
            header.push(format!(
                "models without the baseline condition (not compared): {}",
                afscope::model::sanitize::visible(&b.models_without_baseline.join(", "), false)
            ));
        }
        tables.push(baseline::table(b));
    }
    if let Some(c) = &correction {
        header.push(format!("corrected rates: {}", correction::METHOD));
        tables.extend(correction::tables(c));
    }
    #[derive(serde::Serialize)]
    struct WithBaseline<'a> {
        #[serde(flatten)]
        report: &'a gap::GapReport,
        #[serde(skip_serializing_if = "Option::is_none")]
        baseline: Option<&'a baseline::BaselineReport>,
        #[serde(skip_serializing_if = "Option::is_none")]
        corrected: Option<&'a correction::CorrectionReport>,
    }
    let text = super::eval::render(
        args.format,
        &header,
        &tables,
        || match (&baseline, &correction) {
            (Some(b), _) => baseline::flat(b),
            (None, Some(c)) => correction::flat(c),
            (None, None) => gap_render::flat(&report),
        },
        &WithBaseline {
            report: &report,
            baseline: baseline.as_ref(),
            corrected: correction.as_ref(),
        },
    )?;
    super::print(&text, super::output_kind(args.format))?;
    Ok(super::changed_while_read(&corpus, Status::SUCCESS))
}
