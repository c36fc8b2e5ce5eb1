//! Records: deciding a file's format and splitting it into records (JSONL lines here,
//! JSON arrays and CSV rows in their own files), and reading the JSON of one record.

pub mod csv;
pub mod csv_scan;
pub mod csv_split;
pub mod escapes;
pub mod field_path;
pub mod json_array;
pub mod json_split;
pub mod jstring;
pub mod members;
pub mod raw;
pub mod scan;
pub mod spelled;
pub mod strict;

use serde::Deserialize;
use std::ops::Range;
use std::path::Path;

pub use csv::{
    csv_reader, csv_row_json, csv_row_json_leaving, csv_row_json_plain, csv_rows, CsvRows,
    PlainCells,
};
pub use json_array::{json_elements, json_elements_with};

/// The container format of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// One JSON record per line.
    Jsonl,
    /// A JSON array, or an object wrapping one.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// The delimiter of a delimited-text file: tab for `.tsv`, comma for `.csv`, else tab
/// when the first line has tabs and no commas.
pub fn csv_delimiter(path: &Path, bytes: &[u8]) -> u8 {
    let name = path.to_string_lossy().to_lowercase();
    let name = name.trim_end_matches(".gz");
    if name.ends_with(".tsv") || name.ends_with(".tab") {
        return b'\t';
    }
    if name.ends_with(".csv") {
        return b',';
    }
    let first = &bytes[..memchr::memchr(b'\n', bytes).unwrap_or(bytes.len())];
    if first.contains(&b'\t') && !first.contains(&b',') {
        b'\t'
    } else {
        b','
    }
}

/// Decides the container format from the name, then the content.
pub fn sniff_format(path: &Path, bytes: &[u8]) -> Format {
    let name = path.to_string_lossy().to_lowercase();
    let name = name.trim_end_matches(".gz");
    if name.ends_with(".csv") || name.ends_with(".tsv") || name.ends_with(".tab") {
        return Format::Csv;
    }
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        return Format::Jsonl;
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    match bytes.get(start) {
        Some(b'[') => Format::Json,
        Some(b'{') => {
            // JSONL when the first line is a whole object and something follows it.
            let line_end =
                memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let first = &bytes[start..line_end];
            let whole = serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok();
            let more = bytes[line_end..].iter().any(|b| !b.is_ascii_whitespace());
            if whole && (more || !has_record_array(first)) {
                Format::Jsonl
            } else {
                Format::Json
            }
        }
        _ => Format::Jsonl,
    }
}

/// Whether a one-line object looks like a wrapper (`{"samples": [{...}, ...]}`).
fn has_record_array(obj: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(obj) else {
        return false;
    };
    crate::load::record::raw::RawObj::parse_record(text).is_ok_and(|o| {
        o.entries.iter().any(|(_, v)| {
            v.get()
                .strip_prefix('[')
                .is_some_and(|rest| rest.trim_start().starts_with('{'))
        })
    })
}

/// A record's place in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef {
    pub offset: usize,
    pub len: usize,
    /// 1-based line where the record starts.
    pub line: u64,
    /// 0-based position among the file's records.
    pub ordinal: u64,
}

impl RecordRef {
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.len
    }
}

/// The end of a JSONL file's first non-blank line (any length), for detection.
pub fn first_line_end(bytes: &[u8]) -> usize {
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        if !bytes[pos..end].iter().all(u8::is_ascii_whitespace) {
            return end;
        }
        pos = end;
    }
    bytes.len()
}

/// Lines of `bytes[range]` as records (blank lines skipped), numbered from `first_line`.
/// Line ordinals are 0-based line numbers, so ids stay stable when blank lines move.
pub fn jsonl_records(
    bytes: &[u8],
    range: Range<usize>,
    first_line: u64,
    out: &mut Vec<RecordRef>,
) -> u64 {
    for_each_jsonl_record(bytes, range, first_line, &mut |r| out.push(r))
}

/// `jsonl_records`, each record given to `f` as it is found (while its bytes are
/// still in the cache).
pub fn for_each_jsonl_record(
    bytes: &[u8],
    range: Range<usize>,
    first_line: u64,
    f: &mut dyn FnMut(RecordRef),
) -> u64 {
    let mut line = first_line;
    let mut pos = range.start;
    while pos < range.end {
        let end = memchr::memchr(b'\n', &bytes[pos..range.end]).map_or(range.end, |i| pos + i);
        let mut stop = end;
        if stop > pos && bytes[stop - 1] == b'\r' {
            stop -= 1;
        }
        if bytes[pos..stop].iter().any(|b| !b.is_ascii_whitespace()) {
            f(RecordRef {
                offset: pos,
                len: stop - pos,
                line,
                ordinal: line - 1,
            });
        }
        line += 1;
        pos = end + 1;
    }
    line
}

/// Counts lines incrementally as positions increase.
#[derive(Default)]
pub(crate) struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    /// A counter whose line 1 starts at `pos`.
    pub(crate) fn starting_at(pos: usize) -> LineCounter {
        LineCounter { pos, line: 0 }
    }

    pub(crate) fn line_at(&mut self, bytes: &[u8], pos: usize) -> u64 {
        let pos = pos.min(bytes.len());
        if pos >= self.pos {
            self.line += count_newlines(&bytes[self.pos..pos]) as u64;
            self.pos = pos;
        }
        self.line + 1
    }
}

/// Newlines in `b`: 32 bytes a compare where AVX2 is there.
pub fn count_newlines(b: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            // SAFETY: AVX2 and POPCNT are present (checked just above).
            return unsafe { count_newlines_avx2(b) };
        }
    }
    memchr::memchr_iter(b'\n', b).count()
}

/// # Safety
/// The CPU must have AVX2 and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn count_newlines_avx2(b: &[u8]) -> usize {
    use std::arch::x86_64::*;
    let nl = _mm256_set1_epi8(b'\n' as i8);
    let (mut n, mut i) = (0usize, 0usize);
    while i + 32 <= b.len() {
        // SAFETY: the 32 bytes at `i` are inside `b`; unaligned loads are allowed.
        let x = unsafe { _mm256_loadu_si256(b.as_ptr().add(i).cast()) };
        n += (_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, nl)) as u32).count_ones() as usize;
        i += 32;
    }
    n + b[i..].iter().filter(|&&c| c == b'\n').count()
}

#[cfg(test)]
mod tests {
    #[test]
    fn newlines_are_counted_at_every_length_and_offset() {
        let text: Vec<u8> = (0..300u32)
            .map(|i| {
                if i % 7 == 0 || i % 31 == 0 {
                    b'\n'
                } else {
                    b'a'
                }
            })
            .collect();
        for start in 0..40 {
            for end in start..text.len() {
                let s = &text[start..end];
                assert_eq!(
                    super::count_newlines(s),
                    s.iter().filter(|&&c| c == b'\n').count()
                );
            }
        }
    }
}

/// When a record is not JSON at all (a line of plain text, a log line), its start as
/// shown in a problem: at most 40 characters of its first line. A record that opens
/// an object or array, or is one whole JSON value, is JSON (its problems say what is
/// wrong inside it).
pub fn not_json(text: &str) -> Option<String> {
    let body = text.trim_start_matches([' ', '\t', '\r', '\n', '\u{feff}']);
    if matches!(body.as_bytes().first(), None | Some(b'{' | b'[')) {
        return None;
    }
    if serde_json::from_str::<serde::de::IgnoredAny>(body).is_ok() {
        return None;
    }
    let line = body.lines().next().unwrap_or("").trim_end();
    let mut start: String = line.chars().take(40).collect();
    if start.len() < line.len() {
        start.push('…');
    }
    Some(start)
}

#[cfg(test)]
mod not_json_tests {
    use super::not_json;

    #[test]
    fn plain_text_is_not_json_and_json_values_are() {
        assert_eq!(
            not_json("42 is the answer").as_deref(),
            Some("42 is the answer")
        );
        assert_eq!(not_json("hello world\r\n").as_deref(), Some("hello world"));
        let long = "word ".repeat(20);
        assert_eq!(not_json(&long).map(|s| s.chars().count()), Some(41));
        for json in ["{\"a\":", "[1,", "42", "\"text\"", "null", " true ", ""] {
            assert_eq!(not_json(json), None, "{json}");
        }
    }
}
