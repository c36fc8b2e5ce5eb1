//! JSON-array files split into their elements (also the array inside a wrapper
//! object), by a structural scan so that one bad element does not hide the others.

use super::{LineCounter, RecordRef};
use crate::load::record::scan::{skip_ws, value_end};
use crate::model::{Problem, ProblemKind};
use std::path::Path;

/// Splits a JSON array (or the array inside a wrapper object) into its elements, by a
/// structural scan, so that one bad element does not hide the others.
pub fn json_elements(
    path: &Path,
    bytes: &[u8],
    records_key: Option<&str>,
) -> (Vec<RecordRef>, Vec<Problem>) {
    if bytes.len() >= super::json_split::PARALLEL_FROM {
        return match array_open(path, bytes, records_key) {
            Ok(open) => super::json_split::elements(path, bytes, open),
            Err(p) => (Vec::new(), vec![p]),
        };
    }
    json_elements_with(path, bytes, records_key, None, &mut |rec| {
        value_end(bytes, rec.offset)
    })
}

/// Where the array of records opens: the file's own array, or the one inside a
/// wrapper object (`records_key`, else the first array of objects); why not.
pub(crate) fn array_open(
    path: &Path,
    bytes: &[u8],
    records_key: Option<&str>,
) -> Result<usize, Problem> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    match bytes.get(start) {
        Some(b'[') => Ok(start),
        Some(b'{') => wrapped_array(bytes, start, records_key).ok_or_else(|| {
            let what = records_key.map_or("an array of records".to_string(), |k| {
                format!("the array `{k}`")
            });
            Problem::new(
                path,
                ProblemKind::WrongType,
                format!("the top-level object holds no {what}; set `records` in a profile"),
            )
            .at_line(1)
        }),
        _ => Err(Problem::new(
            path,
            ProblemKind::InvalidJson,
            "expected a JSON array or object",
        )
        .at_line(1)),
    }
}

/// `json_elements`, each element's end found by `end_of` (given the element's start,
/// line and ordinal, `len` 0), so a caller can read each element as it finds it;
/// stops quietly after `limit` elements.
pub fn json_elements_with(
    path: &Path,
    bytes: &[u8],
    records_key: Option<&str>,
    limit: Option<usize>,
    end_of: &mut dyn FnMut(RecordRef) -> usize,
) -> (Vec<RecordRef>, Vec<Problem>) {
    let mut problems = Vec::new();
    let array_start = match array_open(path, bytes, records_key) {
        Ok(i) => i,
        Err(p) => {
            problems.push(p);
            return (Vec::new(), problems);
        }
    };
    let mut out = Vec::new();
    let mut lines = LineCounter::default();
    let mut line_at = |pos: usize| lines.line_at(bytes, pos);
    let mut pos = array_start + 1;
    loop {
        if limit.is_some_and(|n| out.len() >= n) {
            break;
        }
        let Some(start) = element_start(path, bytes, pos, &mut line_at, &mut problems) else {
            break;
        };
        let mut rec = RecordRef {
            offset: start,
            len: 0,
            line: line_at(start),
            ordinal: out.len() as u64,
        };
        let end = end_of(rec).clamp(start, bytes.len());
        rec.len = end - start;
        out.push(rec);
        match after_element(path, bytes, end, &mut line_at, &mut problems) {
            Some(next) => pos = next,
            None => break,
        }
    }
    (out, problems)
}

/// Where the next element starts, looking from `pos` (just inside the array or past a
/// comma); `None` at the array's end, with a problem when the file ends first.
pub(crate) fn element_start(
    path: &Path,
    bytes: &[u8],
    pos: usize,
    line_at: &mut dyn FnMut(usize) -> u64,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let pos = skip_ws(bytes, pos);
    match bytes.get(pos) {
        Some(b']') => None,
        None => {
            problems.push(truncated(path, line_at(pos)));
            None
        }
        _ => Some(pos),
    }
}

/// After an element ending at `end`: where to look for the next one (past its comma,
/// or past the next comma when the separator is wrong, which is a problem); `None`
/// at the array's end.
pub(crate) fn after_element(
    path: &Path,
    bytes: &[u8],
    end: usize,
    line_at: &mut dyn FnMut(usize) -> u64,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let pos = skip_ws(bytes, end);
    match bytes.get(pos) {
        Some(b',') => Some(pos + 1),
        Some(b']') => None,
        None => {
            // An element cut off by the end of the file is reported as truncated when
            // it is read; only a complete last element needs this.
            if end < bytes.len() {
                problems.push(truncated(path, line_at(pos)));
            }
            None
        }
        Some(other) => {
            problems.push(
                Problem::new(
                    path,
                    ProblemKind::InvalidJson,
                    format!(
                        "expected `,` or `]` between records, found `{}`",
                        *other as char
                    ),
                )
                .at_line(line_at(pos)),
            );
            Some(next_comma(bytes, pos))
        }
    }
}

fn truncated(path: &Path, line: u64) -> Problem {
    Problem::new(
        path,
        ProblemKind::Truncated,
        "the file ends inside the array",
    )
    .at_line(line)
}

fn wrapped_array(bytes: &[u8], start: usize, key: Option<&str>) -> Option<usize> {
    // Walk the wrapper's top-level keys structurally.
    let mut pos = start + 1;
    loop {
        pos = skip_ws(bytes, pos);
        if bytes.get(pos) != Some(&b'"') {
            return None;
        }
        let key_end = value_end(bytes, pos);
        let name: String = serde_json::from_slice(&bytes[pos..key_end]).ok()?;
        pos = skip_ws(bytes, key_end);
        if bytes.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(bytes, pos + 1);
        let is_records = match key {
            Some(k) => name == k,
            None => {
                bytes.get(pos) == Some(&b'[') && bytes.get(skip_ws(bytes, pos + 1)) == Some(&b'{')
            }
        };
        if is_records && bytes.get(pos) == Some(&b'[') {
            return Some(pos);
        }
        pos = skip_ws(bytes, value_end(bytes, pos));
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            _ => return None,
        }
    }
}

fn next_comma(bytes: &[u8], pos: usize) -> usize {
    memchr::memchr(b',', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1)
}
