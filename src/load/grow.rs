//! A loaded corpus grown by what its inputs gained since it was opened: records
//! appended to its JSONL files (each stretch indexed as a source of its own after the
//! others, so every transcript keeps its place) and files new in its folders; the
//! verdict and label files are then joined again over the whole.

use crate::load::index::view::LoadedSource;
use crate::load::{Corpus, LoadOptions};
use crate::model::Problem;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// A file's own profile and `key=value` settings, as `LoadOptions::transcript_own`.
pub type OwnSettings = (Option<String>, Vec<String>);

/// What growing added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Growth {
    /// Transcripts added.
    pub transcripts: usize,
    /// Files whose appended records were indexed.
    pub appended: Vec<PathBuf>,
    /// New files opened.
    pub opened: Vec<PathBuf>,
}

impl Growth {
    pub fn is_empty(&self) -> bool {
        self.appended.is_empty() && self.opened.is_empty()
    }
}

impl Corpus {
    /// This corpus and the records appended to the JSONL files `appended` since they
    /// were read, and the files `new` (each with its own settings, as
    /// `opts.transcript_own` gives them for the files it opened), joined again with the
    /// verdict and label files of `opts`. Entries keep their numbers: what is added
    /// comes after them.
    pub fn grown(
        &self,
        appended: &[PathBuf],
        new: &[(PathBuf, OwnSettings)],
        opts: &LoadOptions,
    ) -> Result<(Corpus, Growth), String> {
        let mut c = Corpus::default();
        c.sources = self.sources.clone();
        c.index = self.index.clone();
        c.problems = self.problems[..self.transcript_problems].to_vec();
        c.skipped_inputs = self.skipped_inputs.clone();
        c.labels_found_beside = self.labels_found_beside.clone();
        let before = c.len();
        let mut growth = Growth::default();
        for path in appended {
            let Some((src, settled)) = c.tail(path) else {
                continue;
            };
            if let Some(line) = settled {
                // The unfinished last line reported before is read again, whole.
                c.problems
                    .retain(|p| !(p.file == *path && p.line == Some(line)));
            }
            let _ = c.add_opened(src, None, &mut |_, _, _| ControlFlow::Continue(()))?;
            growth.appended.push(path.clone());
        }
        if !new.is_empty() {
            let files: Vec<PathBuf> = new.iter().map(|(p, _)| p.clone()).collect();
            let mut own = opts.clone();
            own.transcript_own = new.iter().map(|(_, o)| o.clone()).collect();
            // Positions in `opts` are the first open's files, not these.
            own.transcript_sort_at_open = Vec::new();
            let known = c.sources.len();
            c.add_files(&files, &own, &mut |_, _, _| ControlFlow::Continue(()))?;
            let opened: std::collections::HashSet<&Path> = c.sources[known..]
                .iter()
                .map(|s| s.path.as_path())
                .collect();
            growth.opened = files
                .iter()
                .filter(|f| opened.contains(f.as_path()))
                .cloned()
                .collect();
        }
        c.index.entries.shrink_to_fit();
        c.join_inputs(opts)?;
        growth.transcripts = c.len() - before;
        Ok((c, growth))
    }

    /// The records of `path` past those indexed, as a source of their own (whole lines
    /// only: a line still being written waits), and the line of an unfinished last
    /// record reported before that it reads again; `None` when there is none.
    fn tail(&self, path: &Path) -> Option<(LoadedSource, Option<u64>)> {
        let newest = self.sources.iter().rposition(|s| s.path == path)?;
        let last = &self.sources[newest];
        if last.format != crate::load::Format::Jsonl || !last.bytes.is_mapped() {
            return None;
        }
        let (from, settled) = match &last.tail {
            Some(r) => (r.end, None),
            None => {
                let b = &last.bytes[..];
                if b.is_empty() || b.ends_with(b"\n") {
                    (b.len(), None)
                } else {
                    let start = memchr::memrchr(b'\n', b).map_or(0, |i| i + 1);
                    let indexed = self
                        .index
                        .entries
                        .iter()
                        .any(|e| usize::from(e.source) == newest && e.offset == start as u64);
                    if indexed {
                        (b.len(), None)
                    } else {
                        let line = memchr::memchr_iter(b'\n', &b[..start]).count() as u64 + 1;
                        (start, Some(line))
                    }
                }
            }
        };
        let (bytes, _, stamp) = crate::load::input::bytes::read_stamped(path).ok()?;
        if bytes.len() <= from || !bytes.is_mapped() {
            return None;
        }
        let end = from + memchr::memrchr(b'\n', &bytes[from..])? + 1;
        let first_line = memchr::memchr_iter(b'\n', &bytes[..from]).count() as u64 + 1;
        let mut records = Vec::new();
        crate::load::record::jsonl_records(&bytes, from..end, first_line, &mut records);
        let src = LoadedSource {
            path: path.to_path_buf(),
            bytes,
            format: last.format,
            profile: last.profile.clone(),
            ctx: last.ctx.clone(),
            csv_headers: last.csv_headers.clone(),
            csv_delimiter: last.csv_delimiter,
            records: Some(records),
            record_total: None,
            also_claimed: last.also_claimed.clone(),
            tests: last.tests.clone(),
            scores: last.scores,
            csv_unique_headers: last.csv_unique_headers,
            csv_text_only: last.csv_text_only.clone(),
            members: None,
            stamp,
            tail: Some(from..end),
        };
        Some((src, settled))
    }
}

/// Problems met growing, for the caller to show.
pub fn new_problems<'a>(old: &Corpus, grown: &'a Corpus) -> &'a [Problem] {
    let k = old.transcript_problems.min(grown.transcript_problems);
    &grown.problems[k..grown.transcript_problems]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(i: usize) -> String {
        format!("{{\"id\":\"t{i}\",\"is_free_tier_user\":true,\"completion\":\"<OUTPUT>ok {i}</OUTPUT>\"}}\n")
    }

    fn open(files: &[PathBuf], opts: &LoadOptions) -> Corpus {
        Corpus::open(files, opts, &mut |_, _, _| ControlFlow::Continue(())).unwrap()
    }

    #[test]
    fn appended_records_come_after_the_others_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let mut text: String = (0..5).map(line).collect();
        // A line still being written when the file was opened.
        text.push_str("{\"id\":\"t5\",\"compl");
        std::fs::write(&path, &text).unwrap();
        let opts = LoadOptions::default();
        let corpus = open(std::slice::from_ref(&path), &opts);
        assert_eq!(corpus.len(), 5);
        assert_eq!(corpus.problems.len(), 1);
        let mut text: String = (0..8).map(line).collect();
        text.push_str("{\"id\":\"t8\"");
        std::fs::write(&path, &text).unwrap();
        let changes = crate::load::watch::changes(&corpus);
        assert!(changes[0].followable);
        let (grown, growth) = corpus
            .grown(std::slice::from_ref(&path), &[], &opts)
            .unwrap();
        assert_eq!(growth.transcripts, 3);
        assert_eq!(grown.len(), 8);
        assert!(grown.problems.is_empty(), "{:?}", grown.problems);
        for i in 0..8 {
            assert_eq!(grown.view().id(i), format!("t{i}"));
        }
        let t = grown.transcript(6).unwrap();
        assert!(t.completion.contains("ok 6"));
        assert_eq!(grown.view().entry(7).line, 8);
        assert_eq!(grown.file_count(), 1);
        // Nothing more until the last line is whole; then it comes.
        assert!(crate::load::watch::changes(&grown).is_empty());
        text.push_str(",\"completion\":\"<OUTPUT>ok 8</OUTPUT>\"}\n");
        std::fs::write(&path, &text).unwrap();
        let (again, growth) = grown.grown(&[path], &[], &opts).unwrap();
        assert_eq!((growth.transcripts, again.len()), (1, 9));
    }

    #[test]
    fn new_files_are_opened_and_labels_join_to_them() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        std::fs::write(&a, line(0)).unwrap();
        let labels = dir.path().join("labels.jsonl");
        std::fs::write(
            &labels,
            "{\"transcript_id\":\"t1\",\"labeler\":\"a\",\"time\":\"2026-11-20T10:15:00Z\",\"schema\":1,\"values\":{\"af\":\"yes\"}}\n",
        )
        .unwrap();
        let opts = LoadOptions {
            labels: Some(labels),
            ..Default::default()
        };
        let corpus = open(std::slice::from_ref(&a), &opts);
        assert_eq!(corpus.labels_unmatched.len(), 1);
        let b = dir.path().join("b.jsonl");
        std::fs::write(&b, line(1)).unwrap();
        let (grown, growth) = corpus
            .grown(&[], &[(b.clone(), Default::default())], &opts)
            .unwrap();
        assert_eq!(growth.opened, vec![b]);
        assert_eq!(grown.len(), 2);
        assert_eq!(grown.labels_of(1).count(), 1);
        assert!(grown.labels_unmatched.is_empty());
    }
}
