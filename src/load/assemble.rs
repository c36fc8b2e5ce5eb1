//! Opening a study's inputs as one corpus: every transcript file indexed, then each
//! verdict file joined, then the label files.

use crate::load::index::corpus::{Corpus, OnBatch};
use crate::load::index::open::Known;
use crate::load::input::bytes::Prefetched;
use crate::load::join;
use crate::load::profile::detect::Claims;
use crate::load::profile::Profile;
use crate::load::ready::{make_ready, Added, Asks, Batch, Ready};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How to read the inputs.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// A built-in profile name or a TOML file, for every data file.
    pub profile: Option<String>,
    /// `key=value` profile overrides (`--set`).
    pub overrides: Vec<String>,
    /// A profile for every verdict file (default: detected per file).
    pub verdict_profile: Option<String>,
    /// `key=value` overrides for verdict files' profiles (`--verdict-set`).
    pub verdict_overrides: Vec<String>,
    /// Verdict files to join.
    pub verdicts: Vec<PathBuf>,
    /// Per verdict file (by position in `verdicts`): a profile and `key=value` settings
    /// of its own, applied after the ones for every verdict file.
    pub verdict_own: Vec<(Option<String>, Vec<String>)>,
    /// Per transcript file (by position in the files opened): a profile and
    /// `key=value` settings of its own, applied after the ones for every file.
    pub transcript_own: Vec<(Option<String>, Vec<String>)>,
    /// Per transcript file (by position in the files opened): what sorting it found
    /// in its first record (`input::Found::claims`), taken again while that record is
    /// unchanged.
    pub transcript_claims: Vec<Option<Claims>>,
    /// Per transcript file (by position in the files opened): the file as mapped when
    /// it was sorted (`input::Found::bytes`), taken by its open.
    pub transcript_bytes: Vec<Option<Prefetched>>,
    /// Per transcript file (by position in the files opened): it was not sorted yet
    /// (`input::Inputs::sort_at_open`), and is sorted where it is opened; one that
    /// holds verdicts or labels is joined as the files of `verdicts` and
    /// `more_labels` found beside the data are, after them.
    pub transcript_sort_at_open: Vec<bool>,
    /// A label file to join.
    pub labels: Option<PathBuf>,
    /// More label files (found among the inputs, or named by a study), joined after
    /// it, each with `key=value` settings of its own after `label_settings`.
    pub more_labels: Vec<(PathBuf, Vec<String>)>,
    /// `key=value` settings for reading a label file in another layout (`--label-set`).
    pub label_settings: Vec<String>,
    /// Tests to run on each transcript as it is indexed (a command's text terms).
    pub tests: Option<crate::load::index::marks::Tests>,
    /// Whether indexing reads each record's classifier scores: a command that uses
    /// none (a count whose query tests no score) leaves them unread, and every
    /// score of the corpus is then none.
    pub scores: crate::load::profile::extract::Scores,
    /// The command reads nothing but the index once the files are open (`list
    /// --count`): a small file is read into a worker's buffer, indexed and let go
    /// of (mapped again if it is ever read), not mapped for the life of the corpus.
    pub index_only: bool,
}

impl Corpus {
    /// Opens every file, calling `on_batch` as index batches land. Fails only on a
    /// bad profile; unreadable input becomes `problems`.
    pub fn open(
        files: &[PathBuf],
        opts: &LoadOptions,
        on_batch: &mut OnBatch<'_>,
    ) -> Result<Corpus, String> {
        let mut corpus = Corpus::default();
        if let Some(t) = &opts.tests {
            corpus.index.marks.fingerprint = t.0.fingerprint().to_string();
        }
        let added = corpus.add_files(files, opts, on_batch)?;
        if added.stopped {
            return Ok(corpus);
        }
        corpus.index.entries.shrink_to_fit();
        corpus.skipped_inputs.extend(added.skipped);
        if added.verdicts.is_empty() && added.labels.is_empty() {
            corpus.join_inputs(opts)?;
        } else {
            let mut opts = opts.clone();
            opts.verdicts.extend(added.verdicts);
            opts.more_labels.extend(added.labels);
            corpus.join_inputs(&opts)?;
        }
        Ok(corpus)
    }

    /// Opens and indexes `files` after those already in, in order (each file's own
    /// settings at its place in `opts.transcript_own`); with the files sorted where
    /// they were opened that are not transcripts, and whether `on_batch` stopped it.
    pub(crate) fn add_files(
        &mut self,
        files: &[PathBuf],
        opts: &LoadOptions,
        on_batch: &mut OnBatch<'_>,
    ) -> Result<Added, String> {
        // Each distinct (profile, settings) compiled once.
        // Looked up once per file: a folder of thousands of files hashes with foldhash.
        let mut compiled: HashMap<
            ProfileKey<'_>,
            Option<Arc<Profile>>,
            foldhash::fast::RandomState,
        > = HashMap::default();
        let mut jobs = Vec::with_capacity(files.len());
        for (k, path) in files.iter().enumerate() {
            let own = opts.transcript_own.get(k);
            let name = own
                .and_then(|(p, _)| p.as_deref())
                .or(opts.profile.as_deref());
            let mut sets = opts.overrides.clone();
            sets.extend(own.map(|(_, s)| s.clone()).unwrap_or_default());
            let key = (name, sets.clone());
            if !compiled.contains_key(&key) {
                let fixed = name
                    .map(|p| Profile::load(p, &sets).map(Arc::new))
                    .transpose()?;
                compiled.insert(key.clone(), fixed);
            }
            // A large evaluation log is opened in parts, the first of them small.
            let parts = crate::load::inspect::parts(path);
            if parts.is_empty() {
                let claims = opts.transcript_claims.get(k).and_then(Option::as_ref);
                let early = opts.transcript_bytes.get(k).and_then(Option::as_ref);
                let buffered = opts.index_only;
                let sort_at_open = opts.transcript_sort_at_open.get(k) == Some(&true);
                jobs.push((
                    path,
                    key,
                    None,
                    Known {
                        claims,
                        early,
                        buffered,
                        sort_at_open,
                    },
                ));
            } else {
                jobs.extend(
                    parts
                        .into_iter()
                        .map(|p| (path, key.clone(), Some(p), Known::default())),
                );
            }
        }
        // Files are opened (and small ones indexed) in parallel on the pool, and added
        // in order on this thread as each next one is ready, so the cores never wait
        // for the merging and the first file comes first. Each worker hands files over
        // in batches (`Batch`): one wake of this thread per file would cost more than
        // indexing a small file.
        let stop = AtomicBool::new(false);
        let (tx, rx) = std::sync::mpsc::channel::<Vec<(usize, Result<Ready, String>)>>();
        let mut failed = None;
        let mut added = Added::default();
        std::thread::scope(|scope| -> Result<(), String> {
            let (jobs, compiled, stop) = (&jobs, &compiled, &stop);
            let asks = Asks {
                tests: &opts.tests,
                scores: opts.scores,
            };
            scope.spawn(move || {
                jobs.par_iter()
                    .enumerate()
                    .fold(
                        || Batch::new(tx.clone()),
                        |mut batch, (k, (path, key, part, known))| {
                            if !stop.load(Ordering::Relaxed) {
                                let (fixed, part) = (compiled[key].as_ref(), part.clone());
                                let how = (&key.1[..], *known, part);
                                batch.push(k, make_ready(path, fixed, how, asks));
                            }
                            batch
                        },
                    )
                    .for_each(Batch::flush);
            });
            let mut ready = std::collections::BTreeMap::new();
            let mut next = 0;
            for (k, r) in rx.iter().flatten() {
                ready.insert(k, r);
                while let Some(r) = ready.remove(&next) {
                    next += 1;
                    if failed.is_some() || added.stopped {
                        continue;
                    }
                    match r {
                        Err(e) => {
                            failed = Some(e);
                            stop.store(true, Ordering::Relaxed);
                        }
                        Ok(Ready::Sorted(path, found)) => added.found(path, found),
                        Ok(Ready::Opened(o, pre)) => {
                            self.problems.extend(o.problems);
                            if let Some(src) = o.source {
                                match self.add_opened(src, pre, on_batch) {
                                    Ok(flow) if flow.is_break() => {
                                        added.stopped = true;
                                        stop.store(true, Ordering::Relaxed);
                                    }
                                    Ok(_) => {}
                                    Err(e) => {
                                        failed = Some(e);
                                        stop.store(true, Ordering::Relaxed);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Ok(())
        })?;
        match failed {
            Some(e) => Err(e),
            None => Ok(added),
        }
    }

    /// Joins the verdict files and then the label files `opts` names to the
    /// transcripts indexed (the problems met before are the transcript files').
    pub(crate) fn join_inputs(&mut self, opts: &LoadOptions) -> Result<(), String> {
        self.transcript_problems = self.problems.len();
        for (i, v) in opts.verdicts.iter().enumerate() {
            let own = opts.verdict_own.get(i);
            let profile = own
                .and_then(|(p, _)| p.as_deref())
                .or(opts.verdict_profile.as_deref());
            let mut sets = opts.verdict_overrides.clone();
            sets.extend(own.map(|(_, s)| s.clone()).unwrap_or_default());
            self.join_verdicts(v, profile, &sets)
                .map_err(|e| format!("{}: {e}", v.display()))?;
        }
        let mut joined: Vec<&PathBuf> = Vec::new();
        let mut by_id = None;
        let first = opts.labels.iter().map(|l| (l, &[][..]));
        let more = opts.more_labels.iter().map(|(l, s)| (l, &s[..]));
        for (l, own) in first.chain(more) {
            if !joined.contains(&l) {
                let mut settings = opts.label_settings.clone();
                settings.extend(own.iter().cloned());
                let mapping = crate::load::join::labels::LabelMapping::parse(&settings)
                    .map_err(|e| format!("{}: {e}", l.display()))?;
                let report = join::labels::join(self, l, &mapping, &mut by_id);
                self.label_files.push(report);
                joined.push(l);
            }
        }
        Ok(())
    }

    fn join_verdicts(
        &mut self,
        path: &Path,
        profile: Option<&str>,
        overrides: &[String],
    ) -> Result<(), String> {
        let fixed = profile
            .map(|p| Profile::load(p, overrides).map(Arc::new))
            .transpose()?;
        let report = join::join_file(self, path, fixed.as_ref(), overrides)?;
        self.joins.push(report);
        Ok(())
    }
}

/// A profile name (none: detected per file) and its settings.
type ProfileKey<'a> = (Option<&'a str>, Vec<String>);
