//! Read access to what is indexed: the opened files and each entry's record, id and
//! whole transcript read back from its file.

use crate::load::index::entry::{Entry, Index, ID_OWNED, NONE};
use crate::load::index::SourceCtx;
use crate::load::input::bytes::Bytes;
use crate::load::profile::extract::{self, FileContext};
use crate::load::profile::{Format, Profile};
use crate::load::record::{self, RecordRef};
use crate::model::{Locator, Position, Problem, Transcript, Verdict};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

/// An opened input file.
pub struct LoadedSource {
    pub path: PathBuf,
    pub bytes: Bytes,
    pub format: Format,
    pub profile: std::sync::Arc<Profile>,
    pub ctx: FileContext,
    pub csv_headers: Vec<String>,
    pub csv_delimiter: u8,
    /// Record boundaries, for formats split up front (JSON arrays, CSV).
    pub records: Option<Vec<RecordRef>>,
    /// Records in the file, readable or not, for formats split up front.
    pub record_total: Option<u64>,
    /// Other built-in profiles whose detection rules also claim the file (the first
    /// in detection order was taken).
    pub also_claimed: Vec<String>,
    /// Tests to run on each transcript as it is indexed.
    pub tests: Option<super::marks::Tests>,
    /// Whether indexing reads each record's scores (`LoadOptions::scores`).
    pub scores: crate::load::profile::extract::Scores,
    /// No CSV header name is written twice.
    pub csv_unique_headers: bool,
    /// Per CSV column: read only as text (`Profile::text_only`), so indexing leaves
    /// its cells out; empty when no column is (or for other formats).
    pub csv_text_only: Vec<bool>,
    /// For an evaluation log read as records: where in the log each record came from
    /// (a zip entry, `samples[3]`), by ordinal.
    pub members: Option<Vec<Box<str>>>,
    /// The file as it was when opened, to tell whether it changed since.
    pub stamp: Option<crate::load::watch::Stamp>,
    /// For records appended to a JSONL file after it was opened: the byte range of
    /// the file this source indexes (the rest of the file is indexed by the sources
    /// of the same path before it).
    pub tail: Option<std::ops::Range<usize>>,
}

impl LoadedSource {
    /// Each record's place among the file's records (unreadable ones counted, blank
    /// lines not), as a function of its `ordinal`, and how many records there are.
    pub fn positions(&self) -> (u64, Box<dyn Fn(u64) -> u64 + '_>) {
        match (self.format, self.record_total) {
            (Format::Jsonl, _) | (_, None) => {
                let mut recs = Vec::new();
                record::jsonl_records(&self.bytes, 0..self.bytes.len(), 1, &mut recs);
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
    pub(crate) fn ctx(&self, index: u16) -> SourceCtx<'_> {
        SourceCtx {
            index,
            bytes: &self.bytes,
            format: self.format,
            profile: &self.profile,
            ctx: &self.ctx,
            csv_headers: &self.csv_headers,
            csv_delimiter: self.csv_delimiter,
            tests: self.tests.as_ref().map(|t| &*t.0),
            scores: self.scores,
            csv_unique_headers: self.csv_unique_headers,
            csv_text_only: &self.csv_text_only,
        }
    }
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

    pub fn entry(&self, i: usize) -> Entry {
        self.index.entries.get(i)
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

    /// Where the record is, short: `file:line`, or `file entry` for a sample of an
    /// evaluation log.
    pub fn place(&self, i: usize) -> String {
        let e = self.entry(i);
        let src = self.source(i);
        match src.members.as_ref().and_then(|m| m.get(e.ordinal as usize)) {
            Some(m) => format!("{} {m}", src.path.display()),
            None => format!("{}:{}", src.path.display(), e.line),
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

    /// Entry `i`'s record for text search (see `SourceCtx::search_text`): texts read
    /// from it must be read with the cells given apart.
    pub fn search_text(
        &self,
        i: usize,
    ) -> Result<(Cow<'a, str>, crate::load::record::PlainCells<'a>), Problem> {
        let src = self.source(i);
        src.ctx(self.entry(i).source)
            .search_text(&self.record_ref(i))
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
        let Some(top) = crate::load::record::raw::RawObj::split_indexed(&text) else {
            return Vec::new();
        };
        crate::load::profile::verdicts::read_all(
            &src.profile,
            &src.ctx.stem,
            &top,
            self.key(i),
            crate::load::profile::verdicts::Detail::Scores,
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
        let shrank = |mut p: Problem| {
            if src.bytes.lost() {
                p.reason = format!(
                    "{} (the file changed while open: what is no longer there as it was read reads as zeros; reload to read it as it is now)",
                    p.reason
                );
            }
            p
        };
        let text = ctx.record_text(&rec).map_err(shrank)?;
        let last = rec.offset + rec.len >= src.bytes.len();
        let top = ctx.parse(&rec, &text, last).map_err(shrank)?;
        let key = match self.key(i) {
            Some(k) => extract::wide_keys(&src.profile, &top)
                .and_then(|keys| keys.into_iter().find(|w| w.name == k)),
            None => None,
        };
        let member = src
            .members
            .as_ref()
            .and_then(|m| m.get(rec.ordinal as usize));
        let position = match src.format {
            Format::Jsonl if member.is_some() => Position::Member {
                name: member.map(|m| m.to_string()).unwrap_or_default(),
                line: rec.line,
            },
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
