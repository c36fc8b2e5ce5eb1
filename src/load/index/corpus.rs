//! A loaded corpus: the opened files, their index, the verdicts and labels joined to
//! it, and whole transcripts read back with those joins.

use crate::load::index::entry::Index;
use crate::load::index::view::{LoadedSource, View};
use crate::load::index::{self, Progress};
use crate::load::join::pairs::Pairs;
use crate::model::{LabelRecord, Problem, Transcript, Verdict};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

/// Called as each batch of index entries lands: the view so far, the new entries'
/// range, and how far the file is. `Break` stops loading.
pub type OnBatch<'f> =
    dyn FnMut(View<'_>, std::ops::Range<usize>, Progress) -> ControlFlow<()> + 'f;

/// What joining one verdict file did.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinReport {
    pub file: PathBuf,
    pub profile: String,
    pub classifiers: Vec<String>,
    /// Verdict records read.
    pub records: usize,
    /// Verdict records that matched a transcript.
    pub records_joined: usize,
    /// Transcripts that received at least one verdict.
    pub transcripts_joined: usize,
    /// Transcripts left without a verdict from this file.
    pub transcripts_without: usize,
    /// Transcripts whose verdicts were refused: their id is had by others too.
    pub transcripts_refused: usize,
    /// Other built-in profiles that would also have claimed the file.
    pub also_claimed: Vec<String>,
}

/// What joining one label file did.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelFileReport {
    pub file: PathBuf,
    /// Labels read.
    pub read: usize,
    /// Labels that matched a transcript.
    pub joined: usize,
    /// Labels refused: their id is had by several transcripts.
    pub refused: usize,
    /// Joined by position rather than by id.
    pub position: bool,
}

/// Everything loaded.
#[derive(Default)]
pub struct Corpus {
    pub sources: Vec<Arc<LoadedSource>>,
    pub index: Index,
    pub problems: Vec<Problem>,
    /// Verdicts from verdict files, by entry.
    pub joined: HashMap<u32, Vec<Verdict>>,
    pub joins: Vec<JoinReport>,
    pub labels: Vec<LabelRecord>,
    /// Labels by entry (indices into `labels`).
    pub labels_by_entry: HashMap<u32, Vec<u32>>,
    pub labels_unjoined: usize,
    /// Labels not joined because their transcript id is had by several transcripts.
    pub labels_refused: usize,
    /// Each label that matched no transcript: its place in `labels`, and the label
    /// file it came from (its place in `label_files`).
    pub labels_unmatched: Vec<(u32, u16)>,
    /// Each label file joined, in order.
    pub label_files: Vec<LabelFileReport>,
    /// The journal read as the label file because it lies beside the data (no
    /// `--labels` named one).
    pub labels_found_beside: Option<PathBuf>,
    /// Files found in input directories that are not data (READMEs, scripts), skipped.
    pub skipped_inputs: Vec<PathBuf>,
    /// How many of `problems` came from the transcript files (the rest from joins).
    pub(crate) transcript_problems: usize,
    /// Free/paid pairs, built on first use.
    pairs: std::sync::OnceLock<Pairs>,
    /// Transcripts per tier over the whole corpus, counted on first use.
    tiers: std::sync::OnceLock<[usize; 3]>,
    /// Prompt previews for the finder, built on first use.
    prompts: std::sync::OnceLock<Vec<Box<str>>>,
}

impl Corpus {
    pub fn view(&self) -> View<'_> {
        View {
            sources: &self.sources,
            index: &self.index,
        }
    }

    pub fn len(&self) -> usize {
        self.index.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.entries.is_empty()
    }

    /// Entry `i`'s verdicts with their scores only: its record's, then those joined
    /// from verdict files.
    pub fn verdict_scores(&self, i: usize) -> Vec<Verdict> {
        let mut v = self.view().verdict_scores(i);
        if let Some(extra) = self.joined.get(&(i as u32)) {
            v.extend(extra.iter().cloned());
        }
        v
    }

    /// The full transcript with verdicts joined from verdict files.
    pub fn transcript(&self, i: usize) -> Result<Transcript, Problem> {
        self.transcript_checked(i).map(|(t, _)| t)
    }

    /// The full transcript, and the problems met reading its values.
    pub fn transcript_checked(&self, i: usize) -> Result<(Transcript, Vec<Problem>), Problem> {
        let (mut t, mut problems) = self.view().transcript_checked(i)?;
        if let Some(extra) = self.joined.get(&(i as u32)) {
            t.verdicts.extend(extra.iter().cloned());
        }
        // Explicit offsets are checked against the text on every full read.
        let (_, mut bad) = crate::model::spans::offset_spans(&t);
        bad.extend(crate::model::spans::label_spans(&t, self.labels_of(i)).1);
        let view = self.view();
        let (path, line) = (&view.source(i).path, u64::from(view.entry(i).line));
        problems.extend(bad.into_iter().map(|m| {
            Problem::new(path, crate::model::ProblemKind::BadSpan, m)
                .at_line(line)
                .in_field("verdicts")
        }));
        Ok((t, problems))
    }

    /// A corpus of what `view` has indexed so far: the files are shared, the index is
    /// copied. Joins and labels come only with the finished corpus. Its tier counts
    /// are counted here, on the thread that takes it, not by the interface showing it.
    pub fn snapshot(view: View<'_>) -> Corpus {
        let corpus = Corpus {
            sources: view.sources.to_vec(),
            index: view.index.clone(),
            ..Default::default()
        };
        corpus.tier_totals();
        corpus
    }

    /// Transcript files opened (a large log opened in parts, or a file read again for
    /// the records appended to it, counts once).
    pub fn file_count(&self) -> usize {
        let paths: std::collections::HashSet<&std::path::Path> =
            self.sources.iter().map(|s| s.path.as_path()).collect();
        paths.len()
    }

    /// Transcripts per tier: free, paid, unknown (counted the first time).
    pub fn tier_totals(&self) -> [usize; 3] {
        *self.tiers.get_or_init(|| {
            use rayon::prelude::*;
            let entries = &self.index.entries;
            entries
                .group_numbers()
                .par_iter()
                .with_min_len(8192)
                .fold(
                    || [0usize; 3],
                    |mut c, &g| {
                        c[match entries.groups()[g as usize].tier() {
                            crate::model::Tier::Free => 0,
                            crate::model::Tier::Paid => 1,
                            crate::model::Tier::Unknown => 2,
                        }] += 1;
                        c
                    },
                )
                .reduce(|| [0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
        })
    }

    /// Free/paid pairs (built the first time they are asked for).
    pub fn pairs(&self) -> &Pairs {
        self.pairs_with(&|_, _| {})
    }

    /// `pairs`, telling `progress` how many transcripts of how many were keyed while
    /// they are built.
    pub fn pairs_with(&self, progress: &(dyn Fn(usize, usize) + Sync)) -> &Pairs {
        self.pairs
            .get_or_init(|| Pairs::build_with(self.view(), progress))
    }

    /// The pairs if they are built already (nothing is read).
    pub fn pairs_built(&self) -> Option<&Pairs> {
        self.pairs.get()
    }

    /// One-line previews of each transcript's user request (built the first time).
    /// The prompt previews when they have been built (reading no transcript).
    pub fn prompts_built(&self) -> Option<&[Box<str>]> {
        self.prompts.get().map(Vec::as_slice)
    }

    pub fn prompts(&self) -> &[Box<str>] {
        self.prompts
            .get_or_init(|| crate::load::join::pairs::prompt_previews(self.view()))
    }

    /// Labels joined to entry `i`.
    pub fn labels_of(&self, i: usize) -> impl Iterator<Item = &LabelRecord> {
        self.labels_by_entry
            .get(&(i as u32))
            .into_iter()
            .flatten()
            .map(|&l| &self.labels[l as usize])
    }

    /// Adds an opened data file: merges its index when it was indexed already
    /// (`pre`), else indexes it here (in parallel chunks, with progress).
    pub fn add_opened(
        &mut self,
        src: LoadedSource,
        pre: Option<index::FileIndex>,
        on_batch: &mut OnBatch<'_>,
    ) -> Result<ControlFlow<()>, String> {
        if self.sources.len() >= usize::from(u16::MAX) {
            return Err("too many input files (at most 65535)".into());
        }
        let id = self.sources.len() as u16;
        let total = src.bytes.len() as u64;
        self.sources.push(Arc::new(src));
        let (sources, index) = (&self.sources, &mut self.index);
        let src = &sources[usize::from(id)];
        if let Some(pre) = pre {
            let range = index::merge_file(index, &mut self.problems, pre, id);
            let done = Progress {
                bytes_done: total,
                bytes_total: total,
            };
            return Ok(on_batch(View { sources, index }, range, done));
        }
        let ctx = src.ctx(id);
        let flow = index::index_source(
            &ctx,
            src.records.as_deref(),
            index,
            &mut self.problems,
            &mut |idx, range, progress| {
                on_batch(
                    View {
                        sources,
                        index: idx,
                    },
                    range,
                    progress,
                )
            },
        );
        Ok(flow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_comes_with_its_tier_counts() {
        let corpus = crate::demo::open(&crate::load::LoadOptions::default()).unwrap();
        let snapshot = Corpus::snapshot(corpus.view());
        assert_eq!(snapshot.tiers.get(), Some(&corpus.tier_totals()));
    }
}
