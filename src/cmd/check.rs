//! `afscope check`: every problem in the input, then a summary.

use super::Status;
use crate::cli::LoadArgs;
use afscope::load::Corpus;
use afscope::model::sanitize::visible;
use afscope::model::{Problem, ProblemKind, Score, Tier, Transcript};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Counts over fully parsed transcripts.
#[derive(Default)]
struct Tally {
    no_scratchpad: usize,
    unclosed: usize,
    /// classifier → its verdicts' scores, and the transcripts that have one
    verdicts: BTreeMap<String, VerdictTally>,
    problems: Vec<Problem>,
    /// Indexed entries whose full read failed.
    unreadable: Vec<usize>,
}

/// One classifier's verdicts over the transcripts read.
#[derive(Default, Clone, Copy)]
struct VerdictTally {
    scored: usize,
    failed: usize,
    /// Verdicts read without a score.
    unscored: usize,
    /// Transcripts with at least one verdict of this classifier.
    transcripts: usize,
}

impl Tally {
    fn add(mut self, t: &Transcript) -> Tally {
        self.no_scratchpad += usize::from(!t.has_scratchpad());
        self.unclosed += usize::from(t.unclosed_tags() > 0);
        for (k, v) in t.verdicts.iter().enumerate() {
            let slot = self.verdicts.entry(v.classifier.clone()).or_default();
            match v.score {
                Score::Value(_) => slot.scored += 1,
                Score::Failed(_) => slot.failed += 1,
                Score::Unscored => slot.unscored += 1,
            }
            let first = !t.verdicts[..k].iter().any(|o| o.classifier == v.classifier);
            slot.transcripts += usize::from(first);
        }
        self
    }

    fn merge(mut self, other: Tally) -> Tally {
        self.no_scratchpad += other.no_scratchpad;
        self.unclosed += other.unclosed;
        for (k, o) in other.verdicts {
            let slot = self.verdicts.entry(k).or_default();
            slot.scored += o.scored;
            slot.failed += o.failed;
            slot.unscored += o.unscored;
            slot.transcripts += o.transcripts;
        }
        self.problems.extend(other.problems);
        self.unreadable.extend(other.unreadable);
        self
    }
}

pub fn run(files: &[PathBuf], deep: bool, args: &LoadArgs) -> Result<Status, String> {
    let corpus = super::load_with_progress(files, args)?;
    let (text, skipped) = report(&corpus, super::use_color(args.color), deep);
    super::print_plain(&text)?;
    let fail = skipped > 0 || (args.strict && !corpus.problems.is_empty());
    let status = if fail {
        Status::from(1)
    } else {
        Status::SUCCESS
    };
    Ok(super::changed_while_read(&corpus, status))
}

/// The full report, and how many records were skipped.
pub fn report(corpus: &Corpus, color: bool, deep: bool) -> (String, usize) {
    let tally = (0..corpus.len())
        .into_par_iter()
        .fold(Tally::default, |mut acc, i| {
            match corpus.transcript_checked(i) {
                Ok((t, problems)) => {
                    acc.problems.extend(problems);
                    if deep {
                        acc.problems.extend(super::check_deep::disagreements(&t));
                    }
                    acc = acc.add(&t);
                }
                Err(p) => {
                    acc.problems.push(p);
                    acc.unreadable.push(i);
                }
            }
            acc
        })
        .reduce(Tally::default, Tally::merge);
    let unmatched = if deep {
        super::check_deep::unmatched_labels(corpus)
    } else {
        Vec::new()
    };
    let mut problems: Vec<&Problem> = corpus
        .problems
        .iter()
        .chain(&tally.problems)
        .chain(&unmatched)
        .collect();
    problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    // Indexing and full reads both see some value problems; report each once.
    problems.dedup_by(|a, b| a == b);
    let mut out = String::new();
    for p in &problems {
        let line = visible(&p.to_string(), false).into_owned();
        let _ = writeln!(out, "{}", if color { paint(&line, p.kind) } else { line });
    }
    if !problems.is_empty() {
        out.push('\n');
    }
    let mut by_kind: BTreeMap<ProblemKind, usize> = BTreeMap::new();
    for p in &problems {
        *by_kind.entry(p.kind).or_default() += 1;
    }
    let skipped: usize = by_kind
        .iter()
        .filter(|(k, _)| k.skips_record())
        .map(|(_, n)| n)
        .sum();
    let view = corpus.view();

    // The summary's rows, written once all are known.
    let mut rows: Vec<(String, String)> = Vec::new();
    let row = |rows: &mut Vec<(String, String)>, label: &str, value: String| {
        rows.push((label.to_string(), value));
    };
    let mut readable = vec![true; view.len()];
    for &i in &tally.unreadable {
        readable[i] = false;
    }
    let loaded = || (0..view.len()).filter(|&i| readable[i]);
    let mut per_source = vec![0usize; corpus.sources.len()];
    for i in loaded() {
        per_source[usize::from(view.entry(i).source)] += 1;
    }
    let tiers = |t: Tier| loaded().filter(|&i| view.entry(i).tier() == t).count();
    files_section(&mut out, corpus, &per_source);
    let dups = super::check_duplicates::section(&mut out, corpus);
    let _ = writeln!(
        out,
        "Summary ({} file{})",
        corpus.file_count(),
        if corpus.file_count() == 1 { "" } else { "s" }
    );
    row(
        &mut rows,
        "transcripts loaded",
        loaded().count().to_string(),
    );
    row(
        &mut rows,
        "tiers",
        format!(
            "free {}, paid {}, unknown {}",
            tiers(Tier::Free),
            tiers(Tier::Paid),
            tiers(Tier::Unknown)
        ),
    );
    row(&mut rows, "records skipped", skipped.to_string());
    for (kind, n) in by_kind.iter().filter(|(k, _)| k.skips_record()) {
        row(&mut rows, &format!("  {}", kind.as_str()), n.to_string());
    }
    let partial: usize = by_kind
        .iter()
        .filter(|(k, _)| !k.skips_record())
        .map(|(_, n)| n)
        .sum();
    if partial > 0 {
        let kinds: Vec<String> = by_kind
            .iter()
            .filter(|(k, _)| !k.skips_record())
            .map(|(k, n)| format!("{} {n}", k.as_str()))
            .collect();
        row(&mut rows, "loaded with problems", kinds.join(", "));
    }
    let read = loaded().count();
    for (name, v) in &tally.verdicts {
        // A transcript the classifier's file has no verdict for has no score either.
        let without = read.saturating_sub(v.transcripts);
        let unscored = v.unscored + without;
        let detail = match (v.unscored, without) {
            (_, 0) => String::new(),
            (0, w) => format!(" (no verdict for {w})"),
            (u, w) => format!(" ({u} read without a score, no verdict for {w})"),
        };
        row(
            &mut rows,
            &format!("verdict {}", visible(name, false)),
            format!(
                "{} scored, {} failed, {unscored} unscored{detail}",
                v.scored, v.failed
            ),
        );
    }
    if !corpus.labels.is_empty() || corpus.labels_unjoined > 0 {
        row(
            &mut rows,
            "labels",
            format!(
                "{} read, {} unjoined{}{}",
                corpus.labels.len(),
                corpus.labels_unjoined,
                if corpus.labels_refused > 0 {
                    format!(", {} refused (duplicate ids)", corpus.labels_refused)
                } else {
                    String::new()
                },
                match &corpus.labels_found_beside {
                    Some(p) => format!(
                        " (the journal beside the data, {})",
                        visible(&p.display().to_string(), false)
                    ),
                    None => String::new(),
                }
            ),
        );
    }
    if !corpus.skipped_inputs.is_empty() {
        row(
            &mut rows,
            "not data, skipped",
            format!("{} file(s)", corpus.skipped_inputs.len()),
        );
    }
    row(
        &mut rows,
        "without a scratchpad",
        tally.no_scratchpad.to_string(),
    );
    row(&mut rows, "with unclosed tags", tally.unclosed.to_string());
    if dups.ids > 0 || dups.near > 0 {
        row(
            &mut rows,
            "duplicate ids",
            format!(
                "{} ({} transcripts), {} near-duplicate",
                dups.ids, dups.transcripts, dups.near
            ),
        );
    }
    // A label longer than the column (a long classifier name) takes a line
    // of its own, its value below it in the column, so every value stays
    // aligned.
    const WIDTH: usize = 26;
    for (label, value) in rows {
        if label.chars().count() > WIDTH {
            let _ = writeln!(out, "  {label}\n  {:WIDTH$} {value}", "");
        } else {
            let _ = writeln!(out, "  {label:<WIDTH$} {value}");
        }
    }
    (out, skipped)
}

/// Each input file with its role, profile and what it gave: transcripts indexed,
/// verdict records joined, labels joined; then the files that are not data.
pub(crate) fn files_section(out: &mut String, corpus: &Corpus, per_source: &[usize]) {
    let name = |p: &std::path::Path| visible(&p.display().to_string(), false).into_owned();
    let also = |out: &mut String, others: &[String]| {
        if !others.is_empty() {
            let _ = writeln!(
                out,
                "  {:<12} also claimed by {} (the first profile in `afscope profiles` order is taken)",
                "",
                visible(&others.join(", "), false)
            );
        }
    };
    let _ = writeln!(out, "Files");
    // A large log opened in parts is one file.
    let mut k = 0;
    while k < corpus.sources.len() {
        let s = &corpus.sources[k];
        let same = corpus.sources[k..]
            .iter()
            .take_while(|o| o.path == s.path)
            .count();
        let n: usize = per_source[k..k + same].iter().sum();
        let _ = writeln!(
            out,
            "  {:<12} {}: {n} transcript{}, profile {}",
            "transcripts",
            name(&s.path),
            if n == 1 { "" } else { "s" },
            visible(s.profile.name(), false)
        );
        also(out, &s.also_claimed);
        k += same;
    }
    for j in &corpus.joins {
        let _ = writeln!(
            out,
            "  {:<12} {}: profile {}; {} of {} records joined → {} transcripts; {} transcripts have no verdict from it{}",
            "verdicts",
            name(&j.file),
            visible(&j.profile, false),
            j.records_joined,
            j.records,
            j.transcripts_joined,
            j.transcripts_without,
            if j.transcripts_refused > 0 {
                format!(" ({} refused: duplicate ids)", j.transcripts_refused)
            } else {
                String::new()
            }
        );
        also(out, &j.also_claimed);
    }
    for l in &corpus.label_files {
        let _ = writeln!(
            out,
            "  {:<12} {}: {} read, {} joined by {}, {} unjoined{}",
            "labels",
            name(&l.file),
            l.read,
            l.joined,
            if l.position { "position" } else { "id" },
            l.read - l.joined - l.refused,
            if l.refused > 0 {
                format!(", {} refused (duplicate ids)", l.refused)
            } else {
                String::new()
            }
        );
    }
    for p in &corpus.skipped_inputs {
        let _ = writeln!(out, "  {:<12} {}", "not data", name(p));
    }
    out.push('\n');
}

/// Colours the problem kind: red when the record was skipped, yellow otherwise.
fn paint(line: &str, kind: ProblemKind) -> String {
    let code = if kind.skips_record() { 31 } else { 33 };
    let name = kind.as_str();
    match line.find(&format!(": {name}")) {
        Some(i) => {
            let at = i + 2;
            format!(
                "{}\u{1b}[{code}m{name}\u{1b}[0m{}",
                &line[..at],
                &line[at + name.len()..]
            )
        }
        None => line.to_string(),
    }
}
