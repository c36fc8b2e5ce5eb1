//! Sorting a file found in a folder into a role (transcripts, verdicts, labels, or not
//! data) by its name and first bytes.

use super::bytes::{without_bom, Bytes, Prefetched};
use super::{ending, DATA, NOT_DATA};
use crate::load::profile::detect::{self, Claims, Sample};
use crate::load::profile::{FileRole, Format};
use crate::load::record;
use std::io::{Read, Seek};
use std::path::Path;

/// How much of a file is read first to sort it: enough for most first records.
const FIRST_HEAD: u64 = 16 * 1024;

/// How much is read when the first record does not fit in `FIRST_HEAD`.
const HEAD: u64 = 64 * 1024;

/// How a file found in a directory was sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub role: FileRole,
    /// The built-in profile that claimed it, if one did.
    pub profile: Option<String>,
    /// Label files: how to read them.
    pub label_set: Vec<String>,
    /// Transcript files: what detection found in the first record, for the open to
    /// take again (`Claims::holds_for`) rather than detect a second time.
    pub claims: Option<Claims>,
    /// Transcript files: the file as mapped to sort it, for the open to take.
    pub bytes: Option<Prefetched>,
}

impl Found {
    fn labels() -> Found {
        Found {
            role: FileRole::Labels,
            profile: None,
            label_set: Vec::new(),
            claims: None,
            bytes: None,
        }
    }

    fn transcripts(profile: Option<&str>) -> Found {
        Found {
            role: FileRole::Transcripts,
            profile: profile.map(str::to_string),
            label_set: Vec::new(),
            claims: None,
            bytes: None,
        }
    }
}

/// A file found in a directory sorted by its name and first bytes; `None` when it is
/// not data. The first 16 KiB are read, and up to 64 KiB when the first record does
/// not end in them. `map`: a transcript file is mapped, and kept so for its open to
/// take; else it is sorted from a read of its head.
pub fn classify(path: &Path, map: bool) -> Option<Found> {
    let end = ending(path);
    if NOT_DATA.contains(&end.as_str()) {
        return None;
    }
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let gz = name.ends_with(".gz");
    if !gz && map {
        if let Some(found) = classify_mapped(path, &name, &end) {
            return found;
        }
    }
    // A data file that cannot be read (permissions) is opened as transcripts, so the
    // open says why, with the file, rather than skipping it unseen.
    let Ok(mut file) = std::fs::File::open(path) else {
        return Some(Found::transcripts(None));
    };
    // One buffer per thread: a folder of thousands of files reads a head each.
    thread_local! {
        static HEAD_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // The open reads the file again: the claims are taken there only on the same
    // first record.
    let fingerprinted = |found: Option<Found>, head: &[u8]| {
        found.map(|f| Found {
            claims: f.claims.map(|c| c.fingerprinted(head)),
            ..f
        })
    };
    HEAD_BUF.with_borrow_mut(|buf| {
        let n = read_head(&mut file, gz, FIRST_HEAD, buf);
        let whole = (n as u64) < FIRST_HEAD;
        if let Some(found) = sort(path, &name, &end, &buf[..n], whole) {
            return fingerprinted(found, &buf[..n]);
        }
        let n = match file.rewind() {
            Ok(()) => read_head(&mut file, gz, HEAD, buf),
            Err(_) => n,
        };
        fingerprinted(
            sort(path, &name, &end, &buf[..n], true).flatten(),
            &buf[..n],
        )
    })
}

/// A file sorted from its mapping, which a transcript file keeps for its open (one
/// open and map of each file of a folder, not two and a read); `None` when it does
/// not map as itself (unreadable, empty, or compressed: never decompressed here), for
/// `classify` to read.
fn classify_mapped(path: &Path, name: &str, end: &str) -> Option<Option<Found>> {
    let (bytes, stamp) = super::bytes::read_as_stored(path).ok()?;
    if !bytes.is_mapped() || super::bytes::is_gzip(&bytes) {
        return None;
    }
    let found = sort_stored(path, name, end, &bytes);
    Some(found.map(|f| match f.role {
        FileRole::Transcripts => Found {
            bytes: Some(Prefetched::new(
                path,
                without_bom(bytes),
                stamp,
                f.claims.clone(),
            )),
            ..f
        },
        _ => f,
    }))
}

/// A file of a folder sorted where it is opened, from the bytes its open read
/// (`bytes::read_buffered`), as `classify` sorts it from a read of its head: the
/// first 16 KiB, then 64 KiB when the first record does not end in them. Bytes that
/// are not the file as stored (decompressed, or of a file named `.gz`) are not sorted
/// from: its head is read as `classify` reads it.
pub fn classify_read(path: &Path, bytes: &Bytes) -> Option<Found> {
    let end = ending(path);
    if NOT_DATA.contains(&end.as_str()) {
        return None;
    }
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    if !bytes.is_mapped() || name.ends_with(".gz") || super::bytes::is_gzip(bytes.as_stored()) {
        return classify(path, false);
    }
    sort_stored(path, &name, &end, bytes.as_stored())
}

/// The role of a file from its bytes as stored, sorted from their first 16 KiB, then
/// 64 KiB when the first record does not end in them.
fn sort_stored(path: &Path, name: &str, end: &str, bytes: &[u8]) -> Option<Found> {
    let first = &bytes[..bytes.len().min(FIRST_HEAD as usize)];
    match sort(path, name, end, first, bytes.len() < FIRST_HEAD as usize) {
        Some(found) => found,
        None => sort(
            path,
            name,
            end,
            &bytes[..bytes.len().min(HEAD as usize)],
            true,
        )
        .flatten(),
    }
}

/// Reads up to `limit` bytes from the start of the file (decompressed for `.gz`) into
/// `buf`; how many were read.
fn read_head(file: &mut std::fs::File, gz: bool, limit: u64, buf: &mut Vec<u8>) -> usize {
    if gz {
        buf.clear();
        let _ = flate2::read::MultiGzDecoder::new(&*file)
            .take(limit)
            .read_to_end(buf);
        return buf.len();
    }
    // Read straight into the buffer (zeroed once per thread): one call for most files.
    let limit = limit as usize;
    if buf.len() < limit {
        buf.resize(limit, 0);
    }
    let mut n = 0;
    while n < limit {
        match file.read(&mut buf[n..limit]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    n
}

/// The file's role from its head; `None` when the head is cut before its first record
/// ends and `last` is false (the caller reads more).
fn sort(path: &Path, name: &str, end: &str, head: &[u8], last: bool) -> Option<Option<Found>> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if crate::load::inspect::detect(head).is_some() {
        return Some(Some(Found::transcripts(Some("inspect"))));
    }
    let journal = || crate::model::journal::looks_like_journal(first_lines(head));
    if name.contains(".labels.") {
        return Some(Some(Found::labels()));
    }
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let looks_json = start.is_some_and(|i| matches!(head[i], b'{' | b'['));
    if !DATA.contains(&end) && !looks_json {
        return Some(journal().then(Found::labels));
    }
    content_role(path, head, last, journal).map(Some)
}

/// The first few complete lines of a file's head.
fn first_lines(head: &[u8]) -> &[u8] {
    let mut end = 0;
    for _ in 0..8 {
        match memchr::memchr(b'\n', &head[end..]) {
            Some(i) => end += i + 1,
            None => return head,
        }
    }
    &head[..end]
}

/// The role of the first built-in profile that claims the file (in `afscope
/// profiles` order); else transcripts when the first record has a text field; else
/// labels when `journal` says the file is a label journal, or the first record has a
/// label field; else transcripts. `None` when the first record is not whole in `head`
/// and `last` is false.
fn content_role(path: &Path, head: &[u8], last: bool, journal: impl Fn() -> bool) -> Option<Found> {
    let format = record::sniff_format(path, head);
    let (first_ref, headers, delimiter, rows) = match format {
        Format::Csv => {
            let (rows, _) = record::csv_rows(path, head);
            let n = rows.rows.len();
            (rows.rows.first().copied(), rows.headers, rows.delimiter, n)
        }
        Format::Json => {
            let (elems, _) = record::json_elements(path, head, None);
            (elems.first().copied(), Vec::new(), b',', elems.len())
        }
        Format::Jsonl => {
            // The first record alone is read.
            let mut recs = Vec::new();
            record::jsonl_records(head, 0..record::first_line_end(head), 1, &mut recs);
            (recs.first().copied(), Vec::new(), b',', recs.len())
        }
    };
    let first = Sample::first_record(head, format, first_ref.as_ref(), &headers, delimiter);
    let sample = Sample::new(path, format, first.as_deref(), &headers);
    // A CSV row cut short still reads (with fewer cells): the first row is whole only
    // when another one starts after it.
    let whole = sample.top.is_some() && (format != Format::Csv || rows > 1);
    if !whole && !last {
        return None;
    }
    let claimed = detect::candidates(&sample);
    // Claims on a whole first record hold for the whole file.
    let claims = match (whole, &first_ref) {
        (true, Some(first)) => Some(Claims::new(format, first.range().end, &claimed)),
        _ => None,
    };
    if let Some(p) = claimed.first() {
        return Some(Found {
            role: p.role(),
            profile: Some(p.name().to_string()),
            label_set: p.spec.label_set.clone(),
            claims,
            bytes: None,
        });
    }
    let transcripts = Found {
        claims,
        ..Found::transcripts(None)
    };
    let has = |k: &str| sample.top.as_ref().is_some_and(|top| top.get(k).is_some());
    let text = [
        "completion",
        "response",
        "output",
        "text",
        "messages",
        "prompt",
        "scratchpad",
    ];
    // No journal event has a text field: a first record with one settles it without
    // searching the head for events (one search per file of a folder).
    if text.iter().any(|k| has(k)) {
        return Some(transcripts);
    }
    let label = ["af", "label", "human_label", "is_af", "alignment_faking"];
    if journal() || label.iter().any(|k| has(k)) {
        return Some(Found::labels());
    }
    Some(transcripts)
}
