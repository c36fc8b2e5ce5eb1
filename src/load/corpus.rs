//! A loaded corpus: the opened files, their index, joined verdicts and labels, and
//! read access to whole transcripts.

use super::entry::{Entry, Index, ID_OWNED, NONE};
use super::extract::{self, FileContext};
use super::index::{self, Progress, SourceCtx};
use super::join::{self, JoinReport};
use super::profile::{Format, Profile};
use super::source::{self, Bytes, RecordRef};
use crate::model::{LabelRecord, Locator, Position, Problem, Transcript, Verdict};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Called as each batch of index entries lands: the view so far, the new entries'
/// range, and how far the file is. `Break` stops loading.
pub type OnBatch<'f> =
    dyn FnMut(View<'_>, std::ops::Range<usize>, Progress) -> ControlFlow<()> + 'f;

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

/// An opened input file.
pub struct LoadedSource {
    pub path: PathBuf,
    pub bytes: Bytes,
    pub format: Format,
    pub profile: Profile,
    pub ctx: FileContext,
    pub csv_headers: Vec<String>,
    pub csv_delimiter: u8,
    /// Record boundaries, for formats split up front (JSON arrays, CSV).
    pub records: Option<Vec<RecordRef>>,
    /// Records in the file, readable or not, for formats split up front.
    pub record_total: Option<u64>,
}

impl LoadedSource {
    /// Each record's place among the file's records (unreadable ones counted, blank
    /// lines not), as a function of its `ordinal`, and how many records there are.
    pub fn positions(&self) -> (u64, Box<dyn Fn(u64) -> u64 + '_>) {
        match (self.format, self.record_total) {
            (Format::Jsonl, _) | (_, None) => {
                let mut recs = Vec::new();
                source::jsonl_records(&self.bytes, 0..self.bytes.len(), 1, &mut recs);
                let ordinals: Vec<u64> = recs.iter().map(|r| r.ordinal).collect();
                let n = ordinals.len() as u64;
                (
                    n,
                    Box::new(move |o| ordinals.partition_point(|x| *x < o) as u64),
                )
            }
            (_, Some(total)) => (total, Box::new(|o| o)),
        }
    }
}

impl LoadedSource {
    fn ctx(&self, index: u16) -> SourceCtx<'_> {
        SourceCtx {
            index,
            bytes: &self.bytes,
            format: self.format,
            profile: &self.profile,
            ctx: &self.ctx,
            csv_headers: &self.csv_headers,
            csv_delimiter: self.csv_delimiter,
        }
    }
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
    /// The journal read as the label file because it lies beside the data (no
    /// `--labels` named one).
    pub labels_found_beside: Option<PathBuf>,
    /// Files found in input directories that are not data (READMEs, scripts), skipped.
    pub skipped_inputs: Vec<PathBuf>,
    /// Free/paid pairs, built on first use.
    pairs: std::sync::OnceLock<super::pairs::Pairs>,
    /// Prompt previews for the finder, built on first use.
    prompts: std::sync::OnceLock<Vec<Box<str>>>,
}

/// Read access to the index and the files behind it.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub sources: &'a [Arc<LoadedSource>],
    pub index: &'a Index,
}

impl<'a> View<'a> {
    pub fn len(&self) -> usize {
        self.index.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.entries.is_empty()
    }

    pub fn entry(&self, i: usize) -> &'a Entry {
        &self.index.entries[i]
    }

    pub fn source(&self, i: usize) -> &'a LoadedSource {
        &self.sources[usize::from(self.entry(i).source)]
    }

    pub fn model(&self, i: usize) -> Option<&'a str> {
        self.index.names.models.get(self.entry(i).model)
    }

    pub fn condition(&self, i: usize) -> Option<&'a str> {
        self.index.names.conditions.get(self.entry(i).condition)
    }

    pub fn key(&self, i: usize) -> Option<&'a str> {
        self.index.names.keys.get(self.entry(i).key)
    }

    /// The record's own id, read back from the file.
    pub fn record_id(&self, i: usize) -> Option<Cow<'a, str>> {
        let e = self.entry(i);
        match e.id_off {
            NONE => None,
            ID_OWNED => self
                .index
                .owned_ids
                .get(&(i as u32))
                .map(|s| Cow::Borrowed(&**s)),
            off => {
                let start = e.offset as usize + off as usize;
                let bytes = &self.source(i).bytes[start..start + usize::from(e.id_len)];
                Some(String::from_utf8_lossy(bytes))
            }
        }
    }

    /// The transcript id (same rule as the full transcript's).
    pub fn id(&self, i: usize) -> Cow<'a, str> {
        let e = self.entry(i);
        let rid = self.record_id(i);
        match (rid, self.key(i)) {
            (Some(id), None) => id,
            (rid, key) => Cow::Owned(extract::compose_id(
                rid.as_deref(),
                &self.source(i).ctx.stem,
                u64::from(e.ordinal),
                key,
            )),
        }
    }

    fn record_ref(&self, i: usize) -> RecordRef {
        let e = self.entry(i);
        RecordRef {
            offset: e.offset as usize,
            len: e.len as usize,
            line: u64::from(e.line),
            ordinal: u64::from(e.ordinal),
        }
    }

    /// The record's text as JSON (a CSV row turned into an object).
    pub fn record_text(&self, i: usize) -> Result<Cow<'a, str>, Problem> {
        let src = self.source(i);
        src.ctx(self.entry(i).source)
            .record_text(&self.record_ref(i))
    }

    /// The classifier, kind and score of each verdict in entry `i`'s own record, read
    /// as the index reads them (no text decoded); empty when the record is unreadable.
    pub fn verdict_scores(&self, i: usize) -> Vec<Verdict> {
        let src = self.source(i);
        let ctx = src.ctx(self.entry(i).source);
        let rec = self.record_ref(i);
        let Ok(text) = ctx.record_text(&rec) else {
            return Vec::new();
        };
        let Some(top) = super::raw::RawObj::split_indexed(&text) else {
            return Vec::new();
        };
        super::verdicts::read_all(
            &src.profile,
            &src.ctx.stem,
            &top,
            self.key(i),
            super::verdicts::Detail::Scores,
            &mut Vec::new(),
        )
    }

    /// Parses the whole transcript behind entry `i` (without verdicts from other files).
    pub fn transcript(&self, i: usize) -> Result<Transcript, Problem> {
        self.transcript_checked(i).map(|(t, _)| t)
    }

    /// The transcript, and the problems met reading its values (verdict layouts, spans).
    pub fn transcript_checked(&self, i: usize) -> Result<(Transcript, Vec<Problem>), Problem> {
        let src = self.source(i);
        let ctx = src.ctx(self.entry(i).source);
        let rec = self.record_ref(i);
        let text = ctx.record_text(&rec)?;
        let last = rec.offset + rec.len >= src.bytes.len();
        let top = ctx.parse(&rec, &text, last)?;
        let key = match self.key(i) {
            Some(k) => extract::wide_keys(&src.profile, &top)
                .and_then(|keys| keys.into_iter().find(|w| w.name == k)),
            None => None,
        };
        let position = match src.format {
            Format::Jsonl => Position::Line(rec.line),
            Format::Json => Position::Element {
                index: rec.ordinal,
                line: rec.line,
            },
            Format::Csv => Position::Row {
                row: rec.ordinal + 1,
                line: rec.line,
            },
        };
        let locator = Locator {
            file: src.path.clone(),
            position,
            key: key.as_ref().map(|k| k.name.clone()),
        };
        let found = extract::transcript(
            &src.profile,
            &src.ctx,
            &top,
            key.as_ref(),
            locator,
            rec.ordinal,
        );
        let (t, issues) = found.map_err(|issue| ctx.issue(&rec, key.as_ref(), issue))?;
        let problems = ctx
            .warnings(&rec, &top)
            .chain(issues.into_iter().map(|i| ctx.issue(&rec, key.as_ref(), i)))
            .collect();
        Ok((t, problems))
    }
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
    /// copied. Joins and labels come only with the finished corpus.
    pub fn snapshot(view: View<'_>) -> Corpus {
        Corpus {
            sources: view.sources.to_vec(),
            index: view.index.clone(),
            ..Default::default()
        }
    }

    /// Free/paid pairs (built the first time they are asked for).
    pub fn pairs(&self) -> &super::pairs::Pairs {
        self.pairs.get_or_init(|| super::pairs::Pairs::build(self))
    }

    /// One-line previews of each transcript's user request (built the first time).
    pub fn prompts(&self) -> &[Box<str>] {
        self.prompts
            .get_or_init(|| super::pairs::prompt_previews(self))
    }

    /// Labels joined to entry `i`.
    pub fn labels_of(&self, i: usize) -> impl Iterator<Item = &LabelRecord> {
        self.labels_by_entry
            .get(&(i as u32))
            .into_iter()
            .flatten()
            .map(|&l| &self.labels[l as usize])
    }

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
        let mapping = super::labels::LabelMapping::parse(&opts.label_settings)?;
        let mut joined: Vec<&PathBuf> = Vec::new();
        for l in opts.labels.iter().chain(&opts.more_labels) {
            if !joined.contains(&l) {
                corpus.join_labels(l, &mapping);
                joined.push(l);
            }
        }
        Ok(corpus)
    }

    /// Indexes one data file.
    pub fn add_file(
        &mut self,
        path: &Path,
        fixed: Option<&Profile>,
        overrides: &[String],
        on_batch: &mut OnBatch<'_>,
    ) -> Result<ControlFlow<()>, String> {
        let Some(src) = self.open_source(path, fixed, overrides, false)? else {
            return Ok(ControlFlow::Continue(()));
        };
        if self.sources.len() >= usize::from(u16::MAX) {
            return Err("too many input files (at most 65535)".into());
        }
        let id = self.sources.len() as u16;
        self.sources.push(Arc::new(src));
        let (sources, index) = (&self.sources, &mut self.index);
        let src = &sources[usize::from(id)];
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

    fn join_labels(&mut self, path: &Path, mapping: &super::labels::LabelMapping) {
        let file = super::labels::read(path, mapping);
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
