//! Making one input file ready on a worker: sorted first when it was not, opened,
//! and indexed there when it is small; handed to the loading thread in batches.

use crate::load::index::open::{open_file_deferring, Known, Opened};
use crate::load::index::view::LoadedSource;
use crate::load::index::{index_file, index_jsonl_file, split_and_index_json, FileIndex};
use crate::load::input::bytes::{read_buffered, Prefetched};
use crate::load::input::{classify, classify_read, Found};
use crate::load::profile::extract::Scores;
use crate::load::profile::{FileRole, Profile};
use crate::model::Problem;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files up to this size split up front (JSON arrays, CSV) are indexed whole on the
/// thread that opened them; bigger ones in parallel chunks, with progress.
const PRE_INDEX_MAX: usize = 32 << 20;

/// JSONL files up to this size (one indexing chunk) are indexed whole on the thread
/// that opened them; bigger ones in chunks on every core, the first chunk shown first.
const PRE_INDEX_JSONL_MAX: usize = 4 << 20;

/// Files prepared on one worker, handed to the merging thread together: when they
/// hold `BATCH_BYTES` of input or `BATCH_FILES` files, and at the worker's end. The
/// first files of a study go over at once, so the first records show at once.
pub(crate) struct Batch {
    tx: std::sync::mpsc::Sender<Vec<(usize, Result<Ready, String>)>>,
    files: Vec<(usize, Result<Ready, String>)>,
    bytes: usize,
}

const BATCH_BYTES: usize = 8 << 20;
const BATCH_FILES: usize = 64;
/// Files up to this position are handed over one by one.
const EAGER_FILES: usize = 4;

impl Batch {
    pub(crate) fn new(tx: std::sync::mpsc::Sender<Vec<(usize, Result<Ready, String>)>>) -> Batch {
        Batch {
            tx,
            files: Vec::new(),
            bytes: 0,
        }
    }

    pub(crate) fn push(&mut self, k: usize, prepared: Result<Ready, String>) {
        self.bytes += match &prepared {
            Ok(Ready::Opened(o, _)) => o.source.as_ref().map_or(0, |s| s.bytes.len()),
            Ok(Ready::Sorted(..)) => 0,
            Err(_) => BATCH_BYTES,
        };
        self.files.push((k, prepared));
        if k < EAGER_FILES || self.bytes >= BATCH_BYTES || self.files.len() >= BATCH_FILES {
            self.flush_now();
        }
    }

    fn flush_now(&mut self) {
        if !self.files.is_empty() {
            let _ = self.tx.send(std::mem::take(&mut self.files));
            self.bytes = 0;
        }
    }

    pub(crate) fn flush(mut self) {
        self.flush_now();
    }
}

/// A file opened, and indexed already when it is small.
type Prepared = (Opened, Option<FileIndex>);

/// A file made ready on a worker: opened (see `Prepared`), or sorted where it was
/// opened and found to hold no transcripts (its role; none when it is not data).
// Nearly every file is opened: boxing that variant would cost an allocation a file.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Ready {
    Opened(Opened, Option<FileIndex>),
    Sorted(PathBuf, Option<Found>),
}

/// What `add_files` did besides indexing: the files sorted where they were opened
/// that hold verdicts or labels, or are not data, in order; and whether `on_batch`
/// stopped it.
#[derive(Default)]
pub(crate) struct Added {
    pub stopped: bool,
    pub verdicts: Vec<PathBuf>,
    pub labels: Vec<(PathBuf, Vec<String>)>,
    pub skipped: Vec<PathBuf>,
}

impl Added {
    pub(crate) fn found(&mut self, path: PathBuf, found: Option<Found>) {
        let others = (&mut self.verdicts, &mut self.labels, &mut self.skipped);
        // A file that holds transcripts is opened, never handed over sorted.
        if let Some((path, _)) = crate::load::input::place(path, found, others) {
            self.skipped.push(path);
        }
    }
}

/// How a file is opened: its `--set` settings, what sorting found and mapped (see
/// `open_file_deferring`), and the part of an evaluation log.
pub(crate) type How<'a> = (&'a [String], Known<'a>, Option<std::ops::Range<usize>>);

/// What indexing does with each record besides reading its fields: the command's
/// text tests, and whether it reads the record's scores.
#[derive(Clone, Copy)]
pub(crate) struct Asks<'a> {
    pub tests: &'a Option<crate::load::index::marks::Tests>,
    pub scores: Scores,
}

/// Makes a file ready on a worker: sorted first when it was not (see
/// `Known::sort_at_open`): read once, sorted from those bytes, and opened from them
/// when it holds transcripts.
pub(crate) fn make_ready(
    path: &Path,
    fixed: Option<&Arc<Profile>>,
    (sets, known, part): How<'_>,
    asks: Asks<'_>,
) -> Result<Ready, String> {
    let opened = |known: Known<'_>| {
        let (o, pre) = prepare(path, fixed, (sets, known, part.clone()), asks)?;
        Ok(Ready::Opened(o, pre))
    };
    if !known.sort_at_open {
        return opened(known);
    }
    let known = Known {
        sort_at_open: false,
        ..known
    };
    // Unreadable: sorted as sorting reads it, for the open to say why.
    let Ok((mut bytes, damage, stamp)) = read_buffered(path) else {
        return match classify(path, false) {
            Some(found) if found.role == FileRole::Transcripts => opened(known),
            found => Ok(Ready::Sorted(path.to_path_buf(), found)),
        };
    };
    match classify_read(path, &bytes) {
        Some(found) if found.role == FileRole::Transcripts => {
            let early = Prefetched::new(path, bytes, stamp, found.claims);
            let mut r = opened(Known {
                early: Some(&early),
                ..known
            })?;
            // A damaged compressed file is reported first, as its open reports it.
            if let (Ready::Opened(o, _), Some(p)) = (&mut r, damage) {
                o.problems.insert(0, p);
            }
            Ok(r)
        }
        found => {
            bytes.release();
            Ok(Ready::Sorted(path.to_path_buf(), found))
        }
    }
}

/// Opens a file on a worker; a small one split up front (JSON arrays, CSV) is indexed
/// here too.
fn prepare(
    path: &Path,
    fixed: Option<&Arc<Profile>>,
    (sets, known, part): How<'_>,
    asks: Asks<'_>,
) -> Result<Prepared, String> {
    let mut o = open_file_deferring(path, fixed, sets, false, PRE_INDEX_MAX, part, known)?;
    if let Some(src) = o.source.as_mut() {
        src.tests = asks.tests.clone();
        src.scores = asks.scores;
    }
    let pre = match o.source.as_mut() {
        Some(src) if o.deferred => Some(split_and_index(src, &mut o.problems)),
        Some(src) => match src.records.as_deref() {
            Some(recs) => (src.bytes.len() <= PRE_INDEX_MAX).then(|| index_file(&src.ctx(0), recs)),
            None if src.format == crate::load::Format::Jsonl
                && src.bytes.len() <= PRE_INDEX_JSONL_MAX =>
            {
                Some(index_jsonl_file(&src.ctx(0)))
            }
            None => None,
        },
        None => None,
    };
    o.problems.shrink_to_fit();
    if let (Some(src), Some(_)) = (o.source.as_mut(), &pre) {
        src.bytes.release();
    }
    Ok((o, pre))
}

/// A JSON array left unsplit by `open_file_deferring`: split and indexed in one pass
/// (or, when it is not valid UTF-8, split and then indexed); its records filled in.
fn split_and_index(src: &mut LoadedSource, problems: &mut Vec<Problem>) -> FileIndex {
    let key = src.profile.spec.records.clone();
    let (records, found, index) = match split_and_index_json(&src.ctx(0), key.as_deref()) {
        Some(done) => done,
        None => {
            let (records, found) =
                crate::load::record::json_elements(&src.path, &src.bytes, key.as_deref());
            let index = index_file(&src.ctx(0), &records);
            (records, found, index)
        }
    };
    problems.extend(found);
    src.record_total = Some(records.len() as u64);
    src.records = Some(records);
    index
}
