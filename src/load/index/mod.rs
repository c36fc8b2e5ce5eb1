//! The record index: a compact entry per transcript with what filtering needs, built
//! in parallel batches so the first records are usable before the file is done.

pub mod corpus;
pub mod entries;
pub mod entry;
mod in_order;
pub mod marks;
pub mod open;
mod record_text;
pub mod view;

use crate::load::index::entry::{
    tier_source_code, Entry, Index, Interner, Names, FLAG_AF_FAILED, FLAG_COMPLIANCE_FAILED,
    ID_OWNED, NONE,
};
use crate::load::index::in_order::in_order;
use crate::load::profile::extract::{self, FileContext, Lite, WideKey};
use crate::load::profile::verdicts::FieldIssue;
use crate::load::profile::{Format, Profile};
use crate::load::record::raw::{RawObj, ScanErrorKind};
use crate::load::record::{self, RecordRef};
use crate::model::{Problem, ProblemKind};
use std::ops::ControlFlow;

/// What one worker produced: entries with chunk-local name ids.
#[derive(Default)]
struct Partial {
    entries: Vec<Entry>,
    owned_ids: Vec<(usize, Box<str>)>,
    names: Names,
    problems: Vec<Problem>,
    /// For JSONL chunks: lines in the chunk, so the caller can number them.
    lines: u64,
    /// Alignment-faking classifiers met, in order.
    af_classifiers: Vec<String>,
    /// With record tests: each entry's mark.
    marks: Vec<u64>,
    /// Wide records' keys as read so far (not merged).
    wide_keys: extract::WideKeyMemo,
}

/// A file being indexed.
pub struct SourceCtx<'a> {
    pub index: u16,
    pub bytes: &'a [u8],
    pub format: Format,
    pub profile: &'a Profile,
    pub ctx: &'a FileContext,
    pub csv_headers: &'a [String],
    pub csv_delimiter: u8,
    /// Tests to run on each transcript as it is indexed.
    pub tests: Option<&'a dyn marks::RecordTests>,
    /// Whether each record's scores are read.
    pub scores: extract::Scores,
    /// A CSV header without a name written twice: its rows, turned into JSON by
    /// afscope, are valid by construction and need no check.
    pub csv_unique_headers: bool,
    /// Per CSV column: read only as text (see `LoadedSource::csv_text_only`).
    pub csv_text_only: &'a [bool],
}

impl<'a> SourceCtx<'a> {
    /// Splits a record into its top-level fields (structural scan), explaining failures.
    pub fn parse<'t>(
        &self,
        rec: &RecordRef,
        text: &'t str,
        last: bool,
    ) -> Result<RawObj<'t>, Problem> {
        if self.format == Format::Csv && self.csv_unique_headers {
            if let Some(top) = RawObj::split_indexed(text) {
                return Ok(top);
            }
        }
        // Tests run on the record next gather what its escapes spell as it is checked.
        let parsed = match self.tests {
            Some(_) => RawObj::parse_record_spelling(text),
            None => RawObj::parse_record(text),
        };
        parsed.map_err(|e| {
            if let Some(start) = crate::load::record::not_json(text) {
                return Problem::new(
                    &self.ctx.path,
                    ProblemKind::NotJson,
                    format!("the record starts `{start}`"),
                )
                .at_line(rec.line)
                .at_column(1);
            }
            let upto = &text.as_bytes()[..e.pos.min(text.len())];
            let line = rec.line + memchr::memchr_iter(b'\n', upto).count() as u64;
            let col = e.pos - memchr::memrchr(b'\n', upto).map_or(0, |i| i + 1) + 1;
            self.problem(line, col, e.kind, e.message, text, last)
        })
    }

    /// What a checked record says that readers resolve one way (duplicate keys, lone
    /// surrogates), as problems of that record; it still loads.
    pub fn warnings<'t>(
        &'t self,
        rec: &'t RecordRef,
        top: &'t RawObj<'_>,
    ) -> impl Iterator<Item = Problem> + 't {
        top.warnings.iter().map(move |w| {
            Problem::new(&self.ctx.path, ProblemKind::BadValue, w.message.clone())
                .at_line(rec.line)
                .in_field(w.field.clone())
        })
    }

    fn problem(
        &self,
        line: u64,
        col: usize,
        kind: ScanErrorKind,
        msg: String,
        text: &str,
        last: bool,
    ) -> Problem {
        let p = Problem::new(&self.ctx.path, ProblemKind::InvalidJson, msg)
            .at_line(line)
            .at_column(col as u64);
        match kind {
            ScanErrorKind::Eof if last => Problem {
                kind: ProblemKind::Truncated,
                reason: "the file ends inside this record".into(),
                ..p
            },
            ScanErrorKind::Eof => Problem {
                reason: format!("record ends early: {}", p.reason),
                ..p
            },
            ScanErrorKind::NotObject => Problem {
                kind: ProblemKind::WrongType,
                reason: format!(
                    "expected a JSON object per record, found {}",
                    crate::load::record::raw::type_of_text(text)
                ),
                ..p
            },
            ScanErrorKind::Syntax => p,
        }
    }

    pub fn issue(&self, rec: &RecordRef, key: Option<&WideKey>, issue: FieldIssue) -> Problem {
        let field = match key {
            Some(k) if !issue.field.contains(&k.name) => format!("{} ({})", issue.field, k.name),
            _ => issue.field,
        };
        Problem::new(&self.ctx.path, issue.kind, issue.reason)
            .at_line(rec.line)
            .in_field(field)
    }

    fn index_record(&self, rec: &RecordRef, last: bool, out: &mut Partial) {
        let (text, cells) = match self.index_text(rec) {
            Ok(t) => t,
            Err(p) => return out.problems.push(p),
        };
        let top = match self.parse(rec, &text, last) {
            Ok(t) => t,
            Err(p) => return out.problems.push(p),
        };
        self.index_top(rec, &text, &top, Some(&cells), out);
    }

    /// Where a CSV row's id cell holds the id as it is (unquoted, or quoted without
    /// doubled quotes), relative to the row: the index then reads it from the file
    /// instead of keeping a copy. The row's cells are its object's entries in order;
    /// the cell is compared with the id, so duplicate headers only cost the copy.
    fn csv_id_range(
        &self,
        rec: &RecordRef,
        top: &RawObj<'_>,
        raw: crate::load::record::raw::Raw<'_>,
    ) -> Option<(usize, usize)> {
        let k = top
            .entries
            .iter()
            .position(|(_, v)| std::ptr::eq(v.get().as_ptr(), raw.get().as_ptr()))?;
        let row = &self.bytes[rec.range()];
        let (range, quoted) = record::csv_scan::nth_cell(row, self.csv_delimiter, k)?;
        let inner = if quoted {
            (range.end >= range.start + 2 && row[range.end - 1] == b'"')
                .then(|| range.start + 1..range.end - 1)?
        } else {
            range
        };
        let cell = &row[inner.clone()];
        let id = crate::load::record::raw::as_text(raw)?;
        (memchr::memchr(b'"', cell).is_none() && id.as_bytes() == cell)
            .then_some((inner.start, inner.len()))
    }

    /// Indexes a record already checked and split: `text` is its text, `top` its
    /// fields.
    fn index_top<'t>(
        &self,
        rec: &RecordRef,
        text: &str,
        top: &RawObj<'t>,
        cells: Option<&'t record::PlainCells<'t>>,
        out: &mut Partial,
    ) {
        out.problems.extend(self.warnings(rec, top));
        let keys: smallvec::SmallVec<[Option<WideKey>; 1]> =
            match extract::wide_keys_with(self.profile, top, &mut out.wide_keys) {
                Some(k) if k.is_empty() => {
                    let field = self
                        .profile
                        .spec
                        .wide
                        .as_ref()
                        .and_then(|w| w.map.clone())
                        .unwrap_or_else(|| "record".into());
                    let p = Problem::new(
                        &self.ctx.path,
                        ProblemKind::MissingField,
                        "no key matches the profile's wide.keys",
                    )
                    .at_line(rec.line)
                    .in_field(field);
                    return out.problems.push(p);
                }
                Some(k) => k.into_iter().map(Some).collect(),
                // One transcript per record, its key list kept off the heap.
                None => smallvec::smallvec![None],
            };
        let mut issues = Vec::new();
        for key in &keys {
            let mut fields = match extract::index_fields(
                self.profile,
                self.ctx,
                top,
                key.as_ref(),
                self.scores,
                &mut issues,
            ) {
                Ok(f) => f,
                Err(issue) => {
                    out.problems.push(self.issue(rec, key.as_ref(), issue));
                    continue;
                }
            };
            let at = |raw| match self.format {
                Format::Csv => self.csv_id_range(rec, top, raw),
                _ => extract::id_range(text, raw),
            };
            let (id_off, id_len) = match fields.id.map(|raw| (raw, at(raw))) {
                Some((_, Some((off, len)))) if len < usize::from(u16::MAX) => {
                    (off as u32, len as u16)
                }
                Some((raw, _)) => {
                    let id = crate::load::record::raw::as_text(raw)
                        .map(|c| c.into_owned())
                        .unwrap_or_else(|| raw.get().to_string());
                    out.owned_ids.push((out.entries.len(), id.into_boxed_str()));
                    (ID_OWNED, 0)
                }
                None => (NONE, 0),
            };
            for v in &fields.verdicts {
                if v.kind == crate::model::VerdictKind::AlignmentFaking
                    && !out.af_classifiers.contains(&v.classifier)
                {
                    out.af_classifiers.push(v.classifier.clone());
                }
            }
            let (af, af_failed) = lite(fields.af);
            let (compliance, c_failed) = lite(fields.compliance);
            out.entries.push(Entry {
                offset: rec.offset as u64,
                len: rec.len as u32,
                line: rec.line.min(u64::from(u32::MAX)) as u32,
                ordinal: rec.ordinal.min(u64::from(NONE - 1)) as u32,
                prompt_index: fields
                    .prompt_index
                    .or_else(|| key.as_ref().map(|_| rec.ordinal))
                    .and_then(|p| u32::try_from(p).ok().filter(|p| *p != NONE))
                    .unwrap_or(NONE),
                id_off,
                af,
                compliance,
                model: fields
                    .model
                    .as_deref()
                    .map_or(0, |m| out.names.models.intern(m)),
                condition: fields
                    .condition
                    .as_deref()
                    .map_or(0, |c| out.names.conditions.intern(c)),
                key: key.as_ref().map_or(0, |k| out.names.keys.intern(&k.name)),
                source: self.index,
                id_len,
                tier: fields.tier.code(),
                flags: (if af_failed { FLAG_AF_FAILED } else { 0 })
                    | (if c_failed { FLAG_COMPLIANCE_FAILED } else { 0 })
                    | (tier_source_code(fields.tier_source) << 4),
            });
            if let Some(tests) = self.tests {
                let k = key.as_ref().map(|w| w.name.as_str());
                let known = crate::load::profile::extract::Known {
                    turns: fields.turns.take(),
                    cells,
                };
                out.marks
                    .push(marks::mark(tests, self.profile, top, k, known));
            }
        }
        for issue in issues.drain(..) {
            out.problems.push(self.issue(rec, None, issue));
        }
    }
}

fn lite(l: Lite) -> (f64, bool) {
    match l {
        Lite::Value(v) => (v, false),
        Lite::Failed => (f64::NAN, true),
        Lite::None => (f64::NAN, false),
    }
}

/// Called after each batch is merged, with the new entries' range.
pub type IndexBatch<'f> =
    dyn FnMut(&Index, std::ops::Range<usize>, Progress) -> ControlFlow<()> + 'f;

/// Progress of indexing one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// Size of the first JSONL chunk (small, so the first records come quickly) and of
/// the rest.
const FIRST_CHUNK: usize = 256 * 1024;
const CHUNK: usize = 4 * 1024 * 1024;

/// Indexes one file into `index`, calling `on_batch` after each batch is merged
/// with the new entries' range. Returns `Break` if the callback asked to stop.
pub fn index_source(
    src: &SourceCtx<'_>,
    records: Option<&[RecordRef]>,
    index: &mut Index,
    problems: &mut Vec<Problem>,
    on_batch: &mut IndexBatch<'_>,
) -> ControlFlow<()> {
    let total = src.bytes.len() as u64;
    match records {
        None => {
            // JSONL: chunks at line boundaries, the first small. Every core takes the
            // next chunk as it finishes one, and this thread adds them in order as each
            // next one is ready: no core waits for the others at a batch's end.
            let mut chunks = Vec::new();
            let (mut pos, mut size) = (0usize, FIRST_CHUNK);
            while pos < src.bytes.len() {
                let end = chunk_end(src.bytes, pos, size);
                chunks.push(pos..end);
                pos = end;
                size = CHUNK;
            }
            let unended = !src.bytes.ends_with(b"\n");
            let last_end = src.bytes.len();
            let index_chunk = |k: usize| {
                let mut out = Partial::default();
                let lines =
                    record::for_each_jsonl_record(src.bytes, chunks[k].clone(), 1, &mut |rec| {
                        let last = unended && rec.offset + rec.len >= last_end;
                        src.index_record(&rec, last, &mut out);
                    });
                out.lines = lines - 1;
                out
            };
            let mut line = 1u64;
            let mut start = index.entries.len();
            in_order(chunks.len(), index_chunk, |k, mut p, more| {
                let base = line - 1;
                for e in &mut p.entries {
                    e.line = (u64::from(e.line) + base).min(u64::from(u32::MAX)) as u32;
                    e.ordinal = (u64::from(e.ordinal) + base).min(u64::from(NONE - 1)) as u32;
                }
                for pr in &mut p.problems {
                    pr.line = pr.line.map(|l| l + base);
                }
                line += p.lines;
                merge(index, problems, p);
                if more {
                    return ControlFlow::Continue(());
                }
                // Said once for all the chunks that were ready together.
                let progress = Progress {
                    bytes_done: chunks[k].end as u64,
                    bytes_total: total,
                };
                let range = start..index.entries.len();
                start = index.entries.len();
                on_batch(index, range, progress)
            })
        }
        Some(recs) => {
            // Records split up front, a few hundred at a time on every core, added in
            // order on this thread as each next group is ready.
            let groups: Vec<&[RecordRef]> = recs.chunks(RECORDS_PER_GROUP).collect();
            let last_index = recs.len().saturating_sub(1);
            let index_group = |g: usize| {
                let mut out = Partial::default();
                for (i, rec) in groups[g].iter().enumerate() {
                    let at = g * RECORDS_PER_GROUP + i;
                    src.index_record(rec, at == last_index, &mut out);
                }
                out
            };
            let mut start = index.entries.len();
            in_order(groups.len(), index_group, |g, p, more| {
                merge(index, problems, p);
                if more {
                    return ControlFlow::Continue(());
                }
                let done = groups[g]
                    .last()
                    .map_or(total, |r| (r.offset + r.len) as u64);
                let range = start..index.entries.len();
                start = index.entries.len();
                let progress = Progress {
                    bytes_done: done,
                    bytes_total: total,
                };
                on_batch(index, range, progress)
            })
        }
    }
}

/// Records split up front are indexed this many at a time.
const RECORDS_PER_GROUP: usize = 256;

fn chunk_end(bytes: &[u8], start: usize, size: usize) -> usize {
    let target = (start + size).min(bytes.len());
    if target == bytes.len() {
        return target;
    }
    memchr::memchr(b'\n', &bytes[target..]).map_or(bytes.len(), |i| target + i + 1)
}

/// A whole file indexed on one thread, to be merged in file order (many small files
/// are indexed in parallel with each other this way).
pub struct FileIndex(Partial);

/// Indexes every record of a file split up front, on the calling thread.
pub fn index_file(src: &SourceCtx<'_>, records: &[RecordRef]) -> FileIndex {
    let mut out = Partial::default();
    let last = records.len().saturating_sub(1);
    for (i, rec) in records.iter().enumerate() {
        src.index_record(rec, i == last, &mut out);
    }
    FileIndex(out)
}

/// Indexes a whole JSONL file on the calling thread, each record as its line is
/// found (many small files are indexed in parallel with each other this way).
pub fn index_jsonl_file(src: &SourceCtx<'_>) -> FileIndex {
    let mut out = Partial::default();
    let len = src.bytes.len();
    let unended = !src.bytes.ends_with(b"\n");
    let lines = record::for_each_jsonl_record(src.bytes, 0..len, 1, &mut |rec| {
        let last = unended && rec.offset + rec.len >= len;
        src.index_record(&rec, last, &mut out);
    });
    out.lines = lines - 1;
    FileIndex(out)
}

/// A JSON-array file split and indexed in one pass: each element is checked, split
/// and indexed where it lies, so its bytes are scanned once (an element that does
/// not read as an object is found by a structural scan and reported as usual).
/// `None` when the file is not valid UTF-8 (the caller splits it first instead).
pub fn split_and_index_json(
    src: &SourceCtx<'_>,
    records_key: Option<&str>,
) -> Option<(Vec<RecordRef>, Vec<Problem>, FileIndex)> {
    let bytes = src.bytes;
    let text = simdutf8::basic::from_utf8(bytes).ok()?;
    let mut out = Partial::default();
    let (records, problems) =
        record::json_elements_with(&src.ctx.path, bytes, records_key, None, &mut |mut rec| {
            match RawObj::parse_object_at(text, rec.offset, src.tests.is_some()) {
                Ok((top, end)) => {
                    rec.len = end - rec.offset;
                    src.index_top(&rec, &text[rec.offset..end], &top, None, &mut out);
                    end
                }
                Err(_) => {
                    let end = crate::load::record::scan::value_end(bytes, rec.offset);
                    rec.len = end - rec.offset;
                    src.index_record(&rec, end >= bytes.len(), &mut out);
                    end
                }
            }
        });
    Some((records, problems, FileIndex(out)))
}

/// Merges a file indexed by `index_file` as source `source`; returns the new entries.
pub fn merge_file(
    index: &mut Index,
    problems: &mut Vec<Problem>,
    file: FileIndex,
    source: u16,
) -> std::ops::Range<usize> {
    let start = index.entries.len();
    let mut p = file.0;
    for e in &mut p.entries {
        e.source = source;
    }
    merge(index, problems, p);
    start..index.entries.len()
}

/// Moves a worker's entries into the index, renumbering its names.
fn merge(index: &mut Index, problems: &mut Vec<Problem>, p: Partial) {
    let remap = |local: &Interner, global: &mut Interner| -> Vec<u32> {
        std::iter::once(0)
            .chain(local.iter().map(|(_, n)| global.intern(n)))
            .collect()
    };
    let models = remap(&p.names.models, &mut index.names.models);
    let conditions = remap(&p.names.conditions, &mut index.names.conditions);
    let keys = remap(&p.names.keys, &mut index.names.keys);
    let base = index.entries.len();
    index.entries.extend(p.entries.into_iter().map(|mut e| {
        e.model = models[e.model as usize];
        e.condition = conditions[e.condition as usize];
        e.key = keys[e.key as usize];
        e
    }));
    for (i, id) in p.owned_ids {
        index.owned_ids.insert((base + i) as u32, id);
    }
    index.marks.marks.extend(p.marks);
    for name in p.af_classifiers {
        index.note_af_classifier(&name);
    }
    problems.extend(p.problems);
}
