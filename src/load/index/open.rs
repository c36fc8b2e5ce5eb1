//! Opening one input file: its bytes, its format and records array, its profile
//! (named, or detected and then `--set`), and its records split up front where the
//! format needs that.

use crate::load::index::corpus::Corpus;
use crate::load::index::view::LoadedSource;
use crate::load::input::bytes::{Bytes, Prefetched};
use crate::load::profile::detect::{self, Claims, Sample};
use crate::load::profile::extract::FileContext;
use crate::load::profile::{Format, Profile};
use crate::load::record::{self, RecordRef};
use crate::model::Problem;
use std::path::Path;
use std::sync::Arc;

/// A file split into records, before its profile is final.
#[derive(Default)]
struct Split {
    csv_headers: Vec<String>,
    csv_delimiter: u8,
    records: Option<Vec<RecordRef>>,
    record_total: Option<u64>,
    first: Option<RecordRef>,
    problems: Vec<Problem>,
    deferred: bool,
}

/// An opened file and the problems met opening it; `None` when it cannot be read.
pub struct Opened {
    pub source: Option<LoadedSource>,
    pub problems: Vec<Problem>,
    /// A JSON array left unsplit (its `records` are `None`) for the caller to split
    /// and index in one pass.
    pub deferred: bool,
}

/// What sorting a file in a folder found and kept for its open, and how to read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known<'a> {
    /// The claims on its first record.
    pub claims: Option<&'a Claims>,
    /// The file as mapped.
    pub early: Option<&'a Prefetched>,
    /// Read a small file into this thread's buffer rather than map it
    /// (`bytes::read_buffered`), for a command that reads nothing but the index.
    pub buffered: bool,
    /// The file was not sorted yet (`input::Inputs::sort_at_open`): it is sorted
    /// from the bytes its open reads, and may hold verdicts or labels instead.
    pub sort_at_open: bool,
}

/// Opens a file, picks its profile and splits it into records where the format needs
/// that up front, leaving a JSON array of at most `defer_upto` bytes unsplit (only its
/// first element read, for detection; see `Opened::deferred`). Fails only on a
/// profile that does not compile. What sorting found (`known`): the claims on the
/// first record stand for detecting it again while that record is unchanged, and
/// the file as mapped then is taken rather than mapped again.
pub fn open_file_deferring(
    path: &Path,
    fixed: Option<&Arc<Profile>>,
    overrides: &[String],
    verdict_file: bool,
    defer_upto: usize,
    part: Option<std::ops::Range<usize>>,
    known: Known<'_>,
) -> Result<Opened, String> {
    let mut problems = Vec::new();
    let mut deferred = false;
    let source = open_source(
        path,
        fixed,
        overrides,
        verdict_file,
        &mut problems,
        (defer_upto, part, known),
        &mut deferred,
    )?;
    Ok(Opened {
        source,
        problems,
        deferred,
    })
}

impl Corpus {
    /// Opens a file as `open_file_deferring` does (deferring nothing), keeping its
    /// problems.
    pub(crate) fn open_source(
        &mut self,
        path: &Path,
        fixed: Option<&Arc<Profile>>,
        overrides: &[String],
        verdict_file: bool,
    ) -> Result<Option<LoadedSource>, String> {
        open_source(
            path,
            fixed,
            overrides,
            verdict_file,
            &mut self.problems,
            (0, None, Known::default()),
            &mut false,
        )
    }
}

fn open_source(
    path: &Path,
    fixed: Option<&Arc<Profile>>,
    overrides: &[String],
    verdict_file: bool,
    problems: &mut Vec<Problem>,
    (defer_upto, part, known): (usize, Option<std::ops::Range<usize>>, Known<'_>),
    deferred: &mut bool,
) -> Result<Option<LoadedSource>, String> {
    use crate::load::input::bytes::{read_buffered, read_stamped};
    // Claims that come with the bytes they were found in hold without a second look.
    let mut trusted = None;
    let read = match known.early.and_then(|e| e.take(path)) {
        Some((b, stamp, claims)) => {
            trusted = claims;
            Ok((b, None, stamp))
        }
        None if known.buffered && part.is_none() => read_buffered(path),
        None => read_stamped(path),
    };
    let known = known.claims;
    let (bytes, stamp) = match read {
        Ok((b, damage, stamp)) => {
            problems.extend(damage);
            (b, stamp)
        }
        Err(p) => {
            problems.push(p);
            return Ok(None);
        }
    };
    // An evaluation log becomes one record per sample, read as JSONL.
    let log = crate::load::inspect::detect(&bytes);
    let (bytes, members) = match log {
        Some(kind) => {
            let c = crate::load::inspect::convert(path, &bytes, kind, part);
            problems.extend(c.problems);
            (Bytes::Owned(c.text), Some(c.members))
        }
        None => (bytes, None),
    };
    let sniffed = match log {
        Some(_) => Format::Jsonl,
        None => record::sniff_format(path, &bytes),
    };
    // Split as the named profile says (else as the file looks), detect, then apply
    // `--set`; when the settings name another format or records array, split again
    // as they say. One order for every key: profile, then `--set`.
    let mut format = fixed.and_then(|p| p.spec.format).unwrap_or(sniffed);
    let mut key = fixed.and_then(|p| p.spec.records.clone());
    let defer = bytes.len() <= defer_upto;
    let mut split = split(path, &bytes, format, key.as_deref(), defer);
    let mut also_claimed = Vec::new();
    let profile = match fixed {
        Some(p) => p.clone(),
        None => {
            // Every built-in's rules tried once: the first of the file's role is
            // taken, the others are noted.
            let known = match &trusted {
                Some(c) => c.trusted(format, split.first.as_ref()),
                None => known.and_then(|c| c.holds_for(format, &bytes, split.first.as_ref())),
            };
            let claims = known.unwrap_or_else(|| {
                let first = Sample::first_record(
                    &bytes,
                    format,
                    split.first.as_ref(),
                    &split.csv_headers,
                    split.csv_delimiter,
                );
                detect::candidates(&Sample::new(
                    path,
                    format,
                    first.as_deref(),
                    &split.csv_headers,
                ))
            });
            let detected = if verdict_file {
                detect::first_of(&claims, crate::load::profile::FileRole::Verdicts)
            } else {
                Some(
                    detect::first_of(&claims, crate::load::profile::FileRole::Transcripts)
                        .unwrap_or_else(detect::native),
                )
            };
            let name = match detected {
                Some(p) => p.name(),
                None => "native-verdicts",
            };
            also_claimed = claims
                .into_iter()
                .map(|p| p.name().to_string())
                .filter(|n| *n != name)
                .collect();
            Profile::builtin_with(name, overrides).map_err(|e| format!("profile {name}: {e}"))?
        }
    };
    let wanted = profile.spec.format.unwrap_or(format);
    if wanted != format || profile.spec.records != key {
        format = wanted;
        key = profile.spec.records.clone();
        split = self::split(path, &bytes, format, key.as_deref(), defer);
    }
    problems.append(&mut split.problems);
    *deferred = split.deferred;
    let Split {
        csv_headers,
        csv_delimiter,
        records,
        record_total,
        ..
    } = split;
    let ctx = FileContext::new(path, &profile);
    let mut names: Vec<&String> = csv_headers.iter().collect();
    names.sort_unstable();
    let csv_unique_headers = names.windows(2).all(|w| w[0] != w[1]);
    let mut csv_text_only: Vec<bool> = csv_headers
        .iter()
        .map(|h| profile.wide_keys.is_none() && profile.text_only.contains(h))
        .collect();
    if !csv_text_only.contains(&true) {
        csv_text_only = Vec::new();
    }
    Ok(Some(LoadedSource {
        path: path.to_path_buf(),
        bytes,
        format,
        profile,
        ctx,
        csv_headers,
        csv_delimiter,
        records,
        record_total,
        also_claimed,
        tests: None,
        scores: Default::default(),
        csv_unique_headers,
        csv_text_only,
        members,
        stamp,
        tail: None,
    }))
}

/// A file split into records as `format` (and the wrapper's `records` array) say.
/// With `defer`, a JSON array is left unsplit but for its first element.
fn split(path: &Path, bytes: &[u8], format: Format, key: Option<&str>, defer: bool) -> Split {
    let mut out = Split::default();
    match format {
        Format::Csv => {
            let (rows, problems) = record::csv_rows(path, bytes);
            out.problems = problems;
            out.csv_headers = rows.headers;
            out.csv_delimiter = rows.delimiter;
            out.first = rows.rows.first().copied();
            out.record_total = Some(rows.total);
            out.records = Some(rows.rows);
        }
        Format::Json if defer => {
            // The caller splits it (and reports what splitting finds) in one pass
            // with indexing.
            let (first, _) = record::json_elements_with(path, bytes, key, Some(1), &mut |r| {
                crate::load::record::scan::value_end(bytes, r.offset)
            });
            out.first = first.first().copied();
            out.deferred = true;
        }
        Format::Json => {
            let (elems, problems) = record::json_elements(path, bytes, key);
            out.problems = problems;
            out.first = elems.first().copied();
            out.record_total = Some(elems.len() as u64);
            out.records = Some(elems);
        }
        Format::Jsonl => {
            let mut recs = Vec::new();
            record::jsonl_records(
                bytes,
                0..bytes.len().min(record::first_line_end(bytes)),
                1,
                &mut recs,
            );
            out.first = recs.first().copied();
        }
    }
    out
}
