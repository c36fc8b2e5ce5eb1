//! `afscope FILES...`: what was loaded, counted by model × tier.

use super::Status;
use crate::cli::LoadArgs;
use afscope::load::Corpus;
use afscope::model::sanitize::cell;
use afscope::model::Tier;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], args: &LoadArgs) -> Result<Status, String> {
    let corpus = super::load_checked(files, args)?;
    super::print_plain(&overview(&corpus))?;
    Ok(Status::SUCCESS)
}

/// Transcripts per model and tier, with the condition count and problems.
pub fn overview(corpus: &Corpus) -> String {
    let view = corpus.view();
    let mut counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for i in 0..view.len() {
        let slot = counts
            .entry(view.model(i).unwrap_or(afscope::model::MISSING))
            .or_default();
        slot[match view.entry(i).tier() {
            Tier::Free => 0,
            Tier::Paid => 1,
            Tier::Unknown => 2,
        }] += 1;
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} transcripts from {} file(s), {} conditions",
        corpus.len(),
        corpus.file_count(),
        corpus.index.names.conditions.len()
    );
    let width = counts
        .keys()
        .map(|m| cell(m).chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>6}  {:>7}",
        "model", "free", "paid", "unknown"
    );
    for (model, [f, p, u]) in &counts {
        let _ = writeln!(out, "{:<width$}  {f:>6}  {p:>6}  {u:>7}", cell(model));
    }
    if !corpus.problems.is_empty() {
        let _ = writeln!(
            out,
            "{} problem(s) in the input; run `afscope check` for details",
            corpus.problems.len()
        );
    }
    out
}
