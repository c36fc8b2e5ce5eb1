//! `afscope stats`: the compliance-gap table, as a table, JSON, CSV or Markdown.

use super::Status;
use crate::cli::{ComplianceFrom, LoadArgs, StatsArgs};
use afscope::stats::gap::{self, ComplianceSource, GapOptions};
use afscope::stats::gap_render;

pub fn run(args: &StatsArgs, load: &LoadArgs) -> Result<Status, String> {
    for (name, t) in [
        ("--threshold", args.threshold),
        ("--compliance-threshold", args.compliance_threshold),
    ] {
        if !(0.0..=1.0).contains(&t) {
            return Err(format!("{name} {t}: must be in [0, 1]"));
        }
    }
    let corpus = super::load_with_progress(&args.files, load)?;
    super::strict_gate(&corpus, load)?;
    if args.compliance_from == ComplianceFrom::Labels && corpus.labels.is_empty() {
        return Err(
            "--compliance-from labels needs labels: give a label file with --labels FILE".into(),
        );
    }
    let subset = super::eval::subset(&corpus, args.query.as_deref())?;
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
    let mut header = gap_render::header(&report);
    header.extend(super::labels_note(&corpus));
    header.extend(super::study_note(load, args.query.as_deref()));
    let text = super::eval::render(
        args.format,
        &header,
        &gap_render::tables(&report),
        || gap_render::flat(&report),
        &report,
    )?;
    super::print(&text, super::output_kind(args.format))?;
    Ok(Status::SUCCESS)
}
