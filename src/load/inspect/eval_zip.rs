//! `.eval` logs: a zip of `header.json` (or, while running, `_journal/start.json`)
//! and one `samples/<id>_epoch_<n>.json` per sample, zstd- or deflate-compressed.
//! Samples are decompressed and read in parallel; a re-run sample written again under
//! its name replaces the first; a damaged entry loses that sample only.

use super::sample::LogHeader;
use super::Converted;
use crate::model::{Problem, ProblemKind};
use rayon::prelude::*;
use std::io::{Cursor, Read};
use std::path::Path;

/// A sample entry is at most this large decompressed (a bomb is refused).
const MAX_ENTRY: u64 = 4 << 30;

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn read_all(f: impl Read, size: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(size.min(MAX_ENTRY) as usize);
    f.take(MAX_ENTRY + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > MAX_ENTRY {
        return Err(format!("expands past {} GiB; not read", MAX_ENTRY >> 30));
    }
    Ok(out)
}

/// An entry's name and its decompressed bytes, or why they do not read.
type Scanned = (String, Result<Vec<u8>, String>);

/// A log's entries: through its central directory, or, when that is missing (a log
/// cut off while written), every entry its local headers lead to, decompressed once.
enum Entries<'a> {
    Archive(Archive<'a>),
    Scanned(Vec<Scanned>),
}

impl Entries<'_> {
    fn names(&self) -> Vec<String> {
        match self {
            // A name that is not UTF-8 cannot be a sample entry; it keeps its place.
            Entries::Archive(z) => z
                .file_names()
                .map(|n| n.map(|n| n.into_owned()).unwrap_or_default())
                .collect(),
            Entries::Scanned(v) => v.iter().map(|(n, _)| n.clone()).collect(),
        }
    }

    fn read(&self, index: usize) -> Result<Vec<u8>, String> {
        match self {
            Entries::Archive(z) => {
                let mut z = z.clone();
                let f = z.by_index(index).map_err(|e| e.to_string())?;
                let size = f.size();
                read_all(f, size)
            }
            Entries::Scanned(v) => v[index].1.clone(),
        }
    }

    fn by_name(&self, name: &str) -> Option<Result<Vec<u8>, String>> {
        let i = match self {
            Entries::Archive(z) => z.index_for_name(name)?,
            Entries::Scanned(v) => v.iter().position(|(n, _)| n == name)?,
        };
        Some(self.read(i))
    }
}

/// Entries found by their local headers, in order; a later entry of the same name
/// replaces the earlier (as the central directory would); reading stops at damage.
fn scan(bytes: &[u8]) -> (Vec<Scanned>, Option<String>) {
    let mut cur = Cursor::new(bytes);
    let mut out: Vec<Scanned> = Vec::new();
    loop {
        let at = cur.position();
        match zip::read::read_zipfile_from_stream(&mut cur) {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or_default().to_string();
                let size = f.size();
                let body = read_all(f, size);
                let failed = body.is_err();
                match out.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = body,
                    None => out.push((name, body)),
                }
                if failed {
                    return (out, Some(format!("damaged at byte {at}")));
                }
            }
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(format!("unreadable past byte {at} ({e})"))),
        }
    }
}

fn header_of(zip: &Entries<'_>, name: &str) -> Option<Result<serde_json::Value, String>> {
    Some(zip.by_name(name)?.and_then(|b| {
        let t = String::from_utf8(b).map_err(|e| e.to_string())?;
        serde_json::from_str(&super::lenient::nan_as_null(&t)).map_err(|e| e.to_string())
    }))
}

/// Is `name` a sample entry of the flat layout (`samples/x_epoch_1.json`)?
fn is_sample(name: &str) -> bool {
    name.strip_prefix("samples/")
        .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".json"))
}

/// How many sample entries a log's directory lists (0 when it does not read).
pub fn sample_count(bytes: &[u8]) -> usize {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z
            .file_names()
            .filter(|n| n.as_deref().is_ok_and(is_sample))
            .count(),
        Err(_) => 0,
    }
}

/// The log's samples (those of `part` alone, when given) as records.
pub fn convert(path: &Path, bytes: &[u8], part: Option<std::ops::Range<usize>>) -> Converted {
    // What the log says of itself is said once, by its first part.
    let first = part.as_ref().is_none_or(|p| p.start == 0);
    let mut out = Converted::default();
    let problem = |kind, msg: String| Problem::new(path, kind, msg);
    let zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => Entries::Archive(z),
        Err(e) => {
            let (found, damage) = scan(bytes);
            out.problems.push(problem(
                ProblemKind::Truncated,
                format!(
                    "the zip's directory does not read ({e}): the log's end is missing or damaged; {} entr{} read by their own headers{}",
                    found.len(),
                    if found.len() == 1 { "y" } else { "ies" },
                    damage.map(|d| format!(", {d}")).unwrap_or_default()
                ),
            ));
            Entries::Scanned(found)
        }
    };
    let names = zip.names();
    let (header, journal_only) = match header_of(&zip, "header.json") {
        Some(h) => (Some(h), false),
        None => (header_of(&zip, "_journal/start.json"), true),
    };
    let head = match header {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            out.problems.extend(first.then(|| problem(
                ProblemKind::InvalidJson,
                format!("the log's header does not read ({e}); samples are shown without its model and task"),
            )));
            serde_json::Value::Null
        }
        None if names.iter().any(|n| is_sample(n)) => serde_json::Value::Null,
        None => {
            out.problems.push(problem(
                ProblemKind::WrongType,
                "a zip archive that is not an Inspect log (no header.json, _journal/start.json or samples/)".to_string(),
            ));
            return out;
        }
    };
    let log = LogHeader::read(&head);
    if first {
        out.status(path, &log, journal_only);
    }
    let chunked: std::collections::BTreeSet<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix("samples/"))
        .filter_map(|r| r.split_once('/').map(|(dir, _)| dir))
        .collect();
    if first && !chunked.is_empty() {
        out.problems.push(problem(
            ProblemKind::WrongType,
            format!(
                "{} sample(s) in the chunked layout (samples/<id>_epoch_<n>/…), which afscope does not read yet; the first is {}",
                chunked.len(),
                chunked.iter().next().unwrap_or(&"")
            ),
        ));
    }
    let samples: Vec<(usize, &String)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| is_sample(n))
        .enumerate()
        .filter(|(k, _)| part.as_ref().is_none_or(|p| p.contains(k)))
        .map(|(_, s)| s)
        .collect();
    let read: Vec<(String, Result<super::Prepared, String>)> = samples
        .par_iter()
        .map(|&(i, name)| {
            let prepared = zip.read(i).and_then(|b| {
                let text = String::from_utf8(b).map_err(|e| {
                    format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to())
                })?;
                super::prepare(&text, &log, name)
            });
            (name.clone(), prepared)
        })
        .collect();
    out.reserve(read.iter().map(|(_, p)| p.as_ref().ok()));
    for (name, p) in read {
        out.push(path, name, p, None);
    }
    out
}
