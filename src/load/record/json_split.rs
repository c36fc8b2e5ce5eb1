//! A big JSON array's elements found on every core: the file is cut into chunks, each
//! chunk walked from the first place after its cut that looks like an element's start
//! (a `{` after a comma), and the walks joined in order by the one walk from the
//! array's start. That walk takes a chunk's elements from the first one it finds
//! there too (elements follow from where they start alone), and finds by itself any
//! before it: a cut inside a string only costs walking that part again. The elements
//! and problems are exactly those of one walk from the start (`json_elements_with`).

use super::json_array::{after_element, element_start};
use super::{count_newlines, LineCounter, RecordRef};
use crate::load::record::scan::{skip_ws, value_end};
use crate::model::Problem;
use rayon::prelude::*;
use std::path::Path;

/// Arrays from this size are split on every core.
pub const PARALLEL_FROM: usize = 16 << 20;

/// Chunks are about this big.
const CHUNK: usize = 4 << 20;

/// One chunk's walk: elements that a comma follows (offset, length, line counted
/// from the chunk's start), and where the walk would look for the next one.
struct Walk {
    elements: Vec<(usize, usize, u64)>,
    resume: usize,
    newlines: u64,
}

/// The first place at or after `from` that looks like an element's start: a `{`
/// whose previous byte, whitespace aside, is a comma.
fn candidate(bytes: &[u8], from: usize) -> usize {
    let mut at = from.min(bytes.len());
    while let Some(i) = memchr::memchr(b'{', &bytes[at..]) {
        let p = at + i;
        let before = bytes[..p]
            .iter()
            .rev()
            .find(|c| !matches!(c, b' ' | b'\n' | b'\r' | b'\t'));
        if before == Some(&b',') {
            return p;
        }
        at = p + 1;
    }
    bytes.len()
}

/// The elements from `from` (taken to start one) to the first that starts at or past
/// `until`, or the first not followed by a comma.
fn walk(bytes: &[u8], from: usize, until: usize) -> Walk {
    let mut elements = Vec::new();
    let mut lines = LineCounter::starting_at(from);
    let mut pos = from;
    loop {
        let start = skip_ws(bytes, pos);
        if start >= until || !matches!(bytes.get(start), Some(c) if *c != b']') {
            break;
        }
        let end = value_end(bytes, start).clamp(start, bytes.len());
        let after = skip_ws(bytes, end);
        if bytes.get(after) != Some(&b',') {
            break;
        }
        elements.push((start, end - start, lines.line_at(bytes, start) - 1));
        pos = after + 1;
    }
    let newlines = lines.line_at(bytes, until) - 1;
    Walk {
        elements,
        resume: pos,
        newlines,
    }
}

/// The elements of the array opening at `open` (see `json_array::array_open`), and
/// the problems met, as one walk from the start finds them.
pub fn elements(path: &Path, bytes: &[u8], open: usize) -> (Vec<RecordRef>, Vec<Problem>) {
    let chunks = (bytes.len() / CHUNK).clamp(1, rayon::current_num_threads() * 8);
    elements_in(path, bytes, open, chunks)
}

fn elements_in(
    path: &Path,
    bytes: &[u8],
    open: usize,
    chunks: usize,
) -> (Vec<RecordRef>, Vec<Problem>) {
    let from = open + 1;
    let step = (bytes.len() - from).div_ceil(chunks.max(1)).max(1);
    let mut cuts = vec![from];
    while let Some(&last) = cuts.last() {
        let next = candidate(bytes, last + step);
        if next >= bytes.len() {
            break;
        }
        cuts.push(next);
    }
    cuts.push(bytes.len());
    let walks: Vec<Walk> = cuts
        .par_windows(2)
        .map(|w| walk(bytes, w[0], w[1]))
        .collect();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut pos = from;
    let mut base = count_newlines(&bytes[..from]) as u64;
    'chunks: for (k, w) in walks.iter().enumerate() {
        let (start, end) = (cuts[k], cuts[k + 1]);
        let mut lines = LineCounter::starting_at(start);
        let mut line_at = |p: usize| base + lines.line_at(bytes, p);
        let mut j = 0;
        loop {
            let Some(at) = element_start(path, bytes, pos, &mut line_at, &mut problems) else {
                break 'chunks;
            };
            if at >= end {
                break;
            }
            while w.elements.get(j).is_some_and(|e| e.0 < at) {
                j += 1;
            }
            if w.elements.get(j).is_some_and(|e| e.0 == at) {
                // In step with the chunk's walk: its elements from here are true.
                for &(offset, len, line) in &w.elements[j..] {
                    out.push(RecordRef {
                        offset,
                        len,
                        line: base + line + 1,
                        ordinal: out.len() as u64,
                    });
                }
                j = w.elements.len();
                pos = w.resume;
                continue;
            }
            let stop = value_end(bytes, at).clamp(at, bytes.len());
            out.push(RecordRef {
                offset: at,
                len: stop - at,
                line: line_at(at),
                ordinal: out.len() as u64,
            });
            match after_element(path, bytes, stop, &mut line_at, &mut problems) {
                Some(next) => pos = next,
                None => break 'chunks,
            }
        }
        base += w.newlines;
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::record::json_array::{array_open, json_elements_with};

    fn one_walk(bytes: &[u8]) -> (Vec<RecordRef>, Vec<Problem>) {
        json_elements_with(Path::new("t.json"), bytes, None, None, &mut |rec| {
            value_end(bytes, rec.offset)
        })
    }

    #[test]
    fn elements_joined_from_any_cuts_are_those_of_one_walk() {
        // Strings that hold `,{` and brackets, nested arrays, pretty and compact
        // layouts, a wrapper object, a wrong separator, a cut-off end.
        let items = [
            r#"{"id": 1, "text": "a,{b}, [c"}"#,
            "{\n    \"id\": 2,\n    \"nested\": {\"x\": [1, {\"y\": \",{\"}]}\n}",
            r#"{"q": "\"quoted\", {not: an object}"}"#,
            r#"{}"#,
            r#"{"s": "\\", "t": "x\\\"y,{"}"#,
            "{\"long\": \"line\\nline\\nline\"}",
        ];
        let mut k = 3u64;
        let mut next = || {
            k = k
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            k >> 33
        };
        for round in 0..300 {
            let mut text = String::new();
            let wrapped = round % 5 == 0;
            text += if wrapped {
                "{\"meta\": 1, \"records\": [\n"
            } else {
                "[\n"
            };
            let n = 1 + next() % 30;
            for i in 0..n {
                text += items[(next() % items.len() as u64) as usize];
                if i + 1 < n {
                    text += match next() % 12 {
                        0 => " ; ",
                        1 => ",",
                        2 => ",\n  ",
                        _ => ",\n    ",
                    };
                }
            }
            match round % 7 {
                0 => {}
                1 => text += "\n]",
                _ => text += if wrapped { "\n]}\n" } else { "\n]\n" },
            }
            let bytes = text.as_bytes();
            let want = one_walk(bytes);
            let open = array_open(Path::new("t.json"), bytes, None).unwrap();
            for chunks in [1, 2, 3, 7, 40] {
                let got = elements_in(Path::new("t.json"), bytes, open, chunks);
                assert_eq!(got.0, want.0, "{round} {chunks}\n{text}");
                assert_eq!(got.1, want.1, "{round} {chunks}\n{text}");
            }
        }
    }
}
