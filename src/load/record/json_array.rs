//! JSON-array files split into their elements (also the array inside a wrapper
//! object), by a structural scan so that one bad element does not hide the others.

use super::{LineCounter, RecordRef};
use crate::load::record::raw::{skip_ws, value_end};
use crate::model::{Problem, ProblemKind};
use std::path::Path;

/// Splits a JSON array (or the array inside a wrapper object) into its elements, by a
/// structural scan, so that one bad element does not hide the others.
pub fn json_elements(
    path: &Path,
    bytes: &[u8],
    records_key: Option<&str>,
) -> (Vec<RecordRef>, Vec<Problem>) {
    json_elements_with(path, bytes, records_key, None, &mut |rec| {
        value_end(bytes, rec.offset)
    })
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
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let array_start = match bytes.get(start) {
        Some(b'[') => start,
        Some(b'{') => match wrapped_array(bytes, start, records_key) {
            Some(i) => i,
            None => {
                let what = records_key.map_or("an array of records".to_string(), |k| {
                    format!("the array `{k}`")
                });
                problems.push(
                    Problem::new(
                        path,
                        ProblemKind::WrongType,
                        format!("the top-level object holds no {what}; set `records` in a profile"),
                    )
                    .at_line(1),
                );
                return (Vec::new(), problems);
            }
        },
        _ => {
            problems.push(
                Problem::new(
                    path,
                    ProblemKind::InvalidJson,
                    "expected a JSON array or object",
                )
                .at_line(1),
            );
            return (Vec::new(), problems);
        }
    };
    let mut out = Vec::new();
    let mut lines = LineCounter::default();
    let truncated = |lines: &mut LineCounter, pos: usize| {
        Problem::new(
            path,
            ProblemKind::Truncated,
            "the file ends inside the array",
        )
        .at_line(lines.line_at(bytes, pos))
    };
    let mut pos = array_start + 1;
    loop {
        if limit.is_some_and(|n| out.len() >= n) {
            break;
        }
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b']') => break,
            None => {
                problems.push(truncated(&mut lines, pos));
                break;
            }
            _ => {}
        }
        let mut rec = RecordRef {
            offset: pos,
            len: 0,
            line: lines.line_at(bytes, pos),
            ordinal: out.len() as u64,
        };
        let end = end_of(rec).clamp(pos, bytes.len());
        rec.len = end - pos;
        out.push(rec);
        pos = skip_ws(bytes, end);
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => break,
            None => {
                // An element cut off by the end of the file is reported as truncated
                // when it is read; only a complete last element needs this.
                if end < bytes.len() {
                    problems.push(truncated(&mut lines, pos));
                }
                break;
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
                    .at_line(lines.line_at(bytes, pos)),
                );
                pos = next_comma(bytes, pos);
            }
        }
    }
    (out, problems)
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
