//! Opening a study's inputs as one corpus: every transcript file indexed, then each
//! verdict file joined, then the label files.

use crate::load::index::corpus::{Corpus, OnBatch};
use crate::load::join;
use crate::load::profile::Profile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
    /// A label file to join.
    pub labels: Option<PathBuf>,
    /// More label files (found among the inputs), joined after it.
    pub more_labels: Vec<PathBuf>,
    /// `key=value` settings for reading a label file in another layout (`--label-set`).
    pub label_settings: Vec<String>,
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
        let fixed = match &opts.profile {
            Some(p) => Some(Profile::load(p, &opts.overrides)?),
            None => None,
        };
        for path in files {
            if corpus
                .add_file(path, fixed.as_ref(), &opts.overrides, on_batch)?
                .is_break()
            {
                return Ok(corpus);
            }
        }
        corpus.index.entries.shrink_to_fit();
        for (i, v) in opts.verdicts.iter().enumerate() {
            let own = opts.verdict_own.get(i);
            let profile = own
                .and_then(|(p, _)| p.as_deref())
                .or(opts.verdict_profile.as_deref());
            let mut sets = opts.verdict_overrides.clone();
            sets.extend(own.map(|(_, s)| s.clone()).unwrap_or_default());
            corpus
                .join_verdicts(v, profile, &sets)
                .map_err(|e| format!("{}: {e}", v.display()))?;
        }
        let mapping = crate::load::join::labels::LabelMapping::parse(&opts.label_settings)?;
        let mut joined: Vec<&PathBuf> = Vec::new();
        for l in opts.labels.iter().chain(&opts.more_labels) {
            if !joined.contains(&l) {
                corpus.join_labels(l, &mapping);
                joined.push(l);
            }
        }
        Ok(corpus)
    }

    fn join_verdicts(
        &mut self,
        path: &Path,
        profile: Option<&str>,
        overrides: &[String],
    ) -> Result<(), String> {
        let fixed = profile.map(|p| Profile::load(p, overrides)).transpose()?;
        let report = join::join_file(self, path, fixed.as_ref(), overrides)?;
        self.joins.push(report);
        Ok(())
    }

    fn join_labels(&mut self, path: &Path, mapping: &crate::load::join::labels::LabelMapping) {
        let file = crate::load::join::labels::read(path, mapping);
        self.problems.extend(file.problems);
        let by_id: HashMap<String, u32> = if mapping.position {
            HashMap::new()
        } else {
            (0..self.len())
                .map(|i| (self.view().id(i).into_owned(), i as u32))
                .collect()
        };
        for (mut l, position) in file.labels.into_iter().zip(file.positions) {
            let entry = if mapping.position {
                (position < self.len()).then_some(position as u32)
            } else {
                by_id.get(&l.transcript_id).copied()
            };
            match entry {
                Some(e) => {
                    if mapping.position {
                        l.transcript_id = self.view().id(e as usize).into_owned();
                    }
                    // One current label per labeler: a later one replaces an earlier.
                    let li = self.labels.len() as u32;
                    let slot = self.labels_by_entry.entry(e).or_default();
                    match slot
                        .iter_mut()
                        .find(|k| self.labels[**k as usize].labeler == l.labeler)
                    {
                        Some(k) => *k = li,
                        None => slot.push(li),
                    }
                }
                None => self.labels_unjoined += 1,
            }
            self.labels.push(l);
        }
    }
}
