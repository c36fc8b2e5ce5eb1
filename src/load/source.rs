//! Opens an input file without copying it (memory-mapped, or decompressed once for
//! `.gz`), decides its format, and splits it into records.

use super::profile::Format;
use super::raw::{skip_ws, value_end};
use crate::model::{Problem, ProblemKind};
use memmap2::Mmap;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

/// The bytes of an input file.
pub enum Bytes {
    Mapped(Mmap),
    Owned(Vec<u8>),
    /// Built into the binary (the demo corpus).
    Static(&'static [u8]),
    /// The file after a byte-order mark.
    AfterBom(Box<Bytes>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
            Bytes::Static(s) => s,
            Bytes::AfterBom(b) => &b[BOM.len()..],
        }
    }
}

/// The UTF-8 byte-order mark some editors and Windows tools write first.
const BOM: &[u8] = b"\xef\xbb\xbf";

fn without_bom(b: Bytes) -> Bytes {
    if b.starts_with(BOM) {
        Bytes::AfterBom(Box::new(b))
    } else {
        b
    }
}

/// Reads a file: mapped read-only, or decompressed when it is gzip (by magic bytes).
pub fn read(path: &Path) -> Result<Bytes, Problem> {
    if let Some(b) = crate::demo::embedded(path) {
        return Ok(Bytes::Static(b));
    }
    let io = |e: std::io::Error| Problem::new(path, ProblemKind::Io, e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let bytes = if len == 0 {
        Bytes::Owned(Vec::new())
    } else {
        // SAFETY: the map is read-only; afscope never writes input files. A file
        // truncated by another process while mapped is outside what we can guard.
        Bytes::Mapped(unsafe { Mmap::map(&file) }.map_err(io)?)
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 4);
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .map_err(|e| Problem::new(path, ProblemKind::Io, format!("gzip: {e}")))?;
        return Ok(without_bom(Bytes::Owned(out)));
    }
    Ok(without_bom(bytes))
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
    super::raw::RawObj::parse_record(text).is_ok_and(|o| {
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

/// Lines of `bytes[range]` as records (blank lines skipped), numbered from `first_line`.
/// Line ordinals are 0-based line numbers, so ids stay stable when blank lines move.
pub fn jsonl_records(
    bytes: &[u8],
    range: Range<usize>,
    first_line: u64,
    out: &mut Vec<RecordRef>,
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
            out.push(RecordRef {
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

/// Splits a JSON array (or the array inside a wrapper object) into its elements, by a
/// structural scan, so that one bad element does not hide the others.
pub fn json_elements(
    path: &Path,
    bytes: &[u8],
    records_key: Option<&str>,
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
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b']') => break,
            None => {
                problems.push(truncated(&mut lines, pos));
                break;
            }
            _ => {}
        }
        let end = value_end(bytes, pos);
        let line = lines.line_at(bytes, pos);
        out.push(RecordRef {
            offset: pos,
            len: end - pos,
            line,
            ordinal: out.len() as u64,
        });
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

/// Counts lines incrementally as positions increase.
#[derive(Default)]
struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], pos: usize) -> u64 {
        let pos = pos.min(bytes.len());
        if pos >= self.pos {
            self.line += memchr::memchr_iter(b'\n', &bytes[self.pos..pos]).count() as u64;
            self.pos = pos;
        }
        self.line + 1
    }
}

/// A CSV file's header and rows.
pub struct CsvRows {
    pub headers: Vec<String>,
    pub delimiter: u8,
    /// The readable rows; a row's `ordinal` counts the unreadable rows before it too.
    pub rows: Vec<RecordRef>,
    /// Rows in the file, readable or not.
    pub total: u64,
}

/// Splits a CSV file into rows, reporting rows of the wrong width or invalid UTF-8.
pub fn csv_rows(path: &Path, bytes: &[u8]) -> (CsvRows, Vec<Problem>) {
    let mut problems = Vec::new();
    let delimiter = csv_delimiter(path, bytes);
    let mut rdr = csv_reader(bytes, true, delimiter);
    let headers: Vec<String> = match rdr.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|c| {
                String::from_utf8_lossy(c)
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect(),
        Err(e) => {
            problems.push(
                Problem::new(
                    path,
                    ProblemKind::CsvShape,
                    format!("unreadable header: {e}"),
                )
                .at_line(1),
            );
            return (
                CsvRows {
                    headers: Vec::new(),
                    delimiter,
                    rows: Vec::new(),
                    total: 0,
                },
                problems,
            );
        }
    };
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    let mut ordinal = 0u64;
    let mut lines = LineCounter::default();
    loop {
        let before = rdr.position().byte() as usize;
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                // The reader's own line numbers drift on CRLF files; count from bytes.
                let mut start = rec.position().map_or(before, |p| p.byte() as usize);
                let end = rdr.position().byte() as usize;
                while start < end && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                let line = lines.line_at(bytes, start);
                if rec.len() != headers.len() {
                    problems.push(
                        Problem::new(
                            path,
                            ProblemKind::CsvShape,
                            format!("{} cells, the header has {}", rec.len(), headers.len()),
                        )
                        .at_line(line),
                    );
                } else if let Some(bad) = malformed_quote(&bytes[start..end], delimiter) {
                    let at = lines.line_at(bytes, start + bad);
                    let shown = bytes.get(start + bad + 1).map_or(String::new(), |c| {
                        crate::model::sanitize::visible(&String::from_utf8_lossy(&[*c]), false)
                            .into_owned()
                    });
                    let problem = Problem::new(
                        path,
                        ProblemKind::CsvQuote,
                        format!(
                            "a quoted cell is closed by a quote followed by `{shown}` on line {at}"
                        ),
                    )
                    .at_line(line);
                    if at > line {
                        // The cell ran over the rows between: they are lost, and said so.
                        problems.push(Problem {
                            reason: format!(
                                "{}; lines {line}–{at} were read as one cell (rows swallowed); the row is skipped",
                                problem.reason
                            ),
                            ..problem
                        });
                    } else {
                        problems.push(Problem {
                            kind: ProblemKind::BadValue,
                            reason: format!("{}; read as the CSV reader reads it", problem.reason),
                            ..problem
                        });
                        rows.push(RecordRef {
                            offset: start,
                            len: end - start,
                            line,
                            ordinal,
                        });
                    }
                } else if let Some(col) = rec.iter().position(|c| std::str::from_utf8(c).is_err()) {
                    problems.push(
                        Problem::new(path, ProblemKind::InvalidUtf8, "cell is not valid UTF-8")
                            .at_line(line)
                            .in_field(headers[col].clone()),
                    );
                } else {
                    rows.push(RecordRef {
                        offset: start,
                        len: end - start,
                        line,
                        ordinal,
                    });
                }
                ordinal += 1;
            }
            Err(e) => {
                let line = lines.line_at(bytes, e.position().map_or(before, |p| p.byte() as usize));
                problems
                    .push(Problem::new(path, ProblemKind::CsvShape, e.to_string()).at_line(line));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                // The unreadable row keeps its place.
                ordinal += 1;
            }
        }
    }
    (
        CsvRows {
            headers,
            delimiter,
            rows,
            total: ordinal,
        },
        problems,
    )
}

/// Where a quoted cell of a raw CSV row is closed by a quote that is followed by
/// something other than a delimiter or the end of the row (the reader takes such a
/// quote as text, and an earlier stray quote can make a cell swallow many rows).
fn malformed_quote(row: &[u8], delimiter: u8) -> Option<usize> {
    let mut i = 0;
    while i < row.len() {
        if row[i] != b'"' {
            // An unquoted cell: to the next delimiter.
            i = memchr::memchr(delimiter, &row[i..]).map_or(row.len(), |d| i + d + 1);
            continue;
        }
        let mut j = i + 1;
        loop {
            let q = j + memchr::memchr(b'"', &row[j..])?;
            if row.get(q + 1) == Some(&b'"') {
                j = q + 2;
                continue;
            }
            match row.get(q + 1) {
                None | Some(b'\r' | b'\n') => return None,
                Some(&c) if c == delimiter => {
                    i = q + 2;
                    break;
                }
                Some(_) => return Some(q),
            }
        }
    }
    None
}

pub fn csv_reader(bytes: &[u8], headers: bool, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(headers)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes)
}

/// One CSV row as a JSON object text, so profiles address columns like fields.
pub fn csv_row_json(headers: &[String], delimiter: u8, row: &[u8]) -> Option<String> {
    let mut rdr = csv_reader(row, false, delimiter);
    let mut rec = csv::StringRecord::new();
    if !rdr.read_record(&mut rec).ok()? {
        return None;
    }
    // Written by hand to keep the header's column order (a JSON map would sort it).
    let mut out = String::with_capacity(row.len() + headers.len() * 16);
    out.push('{');
    for (i, (h, c)) in headers.iter().zip(rec.iter()).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::Value::from(h.as_str()).to_string());
        out.push(':');
        out.push_str(&serde_json::Value::from(c).to_string());
    }
    out.push('}');
    Some(out)
}
