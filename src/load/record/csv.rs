//! CSV and TSV files split into rows, with their header and delimiter.

use super::{csv_delimiter, LineCounter, RecordRef};
use crate::model::{Problem, ProblemKind};
use std::path::Path;

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
/// Rows are found by the CSV state machine alone, in memory that does not grow with a
/// cell (a 1 GB cell is measured, not copied).
pub fn csv_rows(path: &Path, bytes: &[u8]) -> (CsvRows, Vec<Problem>) {
    let mut problems = Vec::new();
    let delimiter = csv_delimiter(path, bytes);
    let mut walk = RowWalk::new(bytes, delimiter);
    let mut headers: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut ordinal = 0u64;
    let mut lines = LineCounter::default();
    let mut first = true;
    while let Some((span, cells)) = walk.next_row(first.then_some(&mut headers)) {
        if std::mem::take(&mut first) {
            if let Some(h) = headers.first_mut() {
                *h = h.trim_start_matches('\u{feff}').to_string();
            }
            continue;
        }
        let (mut start, end) = span;
        while start < end && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let line = lines.line_at(bytes, start);
        let raw = &bytes[start..end];
        let rec = RecordRef {
            offset: start,
            len: end - start,
            line,
            ordinal,
        };
        ordinal += 1;
        if cells != headers.len() {
            problems.push(
                Problem::new(
                    path,
                    ProblemKind::CsvShape,
                    format!("{cells} cells, the header has {}", headers.len()),
                )
                .at_line(line),
            );
        } else if let Some(bad) = malformed_quote(raw, delimiter) {
            let at = lines.line_at(bytes, start + bad);
            let shown = bytes.get(start + bad + 1).map_or(String::new(), |c| {
                crate::model::sanitize::visible(&String::from_utf8_lossy(&[*c]), false).into_owned()
            });
            let problem = Problem::new(
                path,
                ProblemKind::CsvQuote,
                format!("a quoted cell is closed by a quote followed by `{shown}` on line {at}"),
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
                rows.push(rec);
            }
        } else if let Err(e) = std::str::from_utf8(raw) {
            // Quotes are ASCII: a row is valid UTF-8 exactly when its cells are.
            let col = cell_at(raw, delimiter, e.valid_up_to());
            let p = Problem::new(path, ProblemKind::InvalidUtf8, "cell is not valid UTF-8")
                .at_line(line);
            problems.push(match headers.get(col) {
                Some(h) => p.in_field(h.clone()),
                None => p,
            });
        } else {
            rows.push(rec);
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

/// The CSV state machine over a whole file, a row at a time.
struct RowWalk<'a> {
    bytes: &'a [u8],
    at: usize,
    rdr: csv_core::Reader,
    scratch: Vec<u8>,
}

impl<'a> RowWalk<'a> {
    fn new(bytes: &'a [u8], delimiter: u8) -> RowWalk<'a> {
        RowWalk {
            bytes,
            at: 0,
            rdr: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            scratch: vec![0; 1 << 16],
        }
    }

    /// The next row's byte span and number of cells; its cells decoded into `cells`
    /// when given.
    fn next_row(&mut self, mut cells: Option<&mut Vec<String>>) -> Option<((usize, usize), usize)> {
        use csv_core::ReadFieldResult as R;
        let start = self.at;
        let mut count = 0usize;
        let mut cell: Vec<u8> = Vec::new();
        loop {
            let (res, nin, nout) = self
                .rdr
                .read_field(&self.bytes[self.at..], &mut self.scratch);
            self.at += nin;
            if cells.is_some() {
                cell.extend_from_slice(&self.scratch[..nout]);
            }
            match res {
                R::InputEmpty | R::OutputFull => {}
                R::Field { record_end } => {
                    count += 1;
                    if let Some(c) = cells.as_deref_mut() {
                        c.push(String::from_utf8_lossy(&cell).into_owned());
                        cell.clear();
                    }
                    if record_end {
                        return Some(((start, self.at), count));
                    }
                }
                R::End => return None,
            }
        }
    }
}

/// The index of the cell of a raw row that holds byte `at`.
fn cell_at(row: &[u8], delimiter: u8, at: usize) -> usize {
    let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut scratch = [0u8; 4096];
    let (mut pos, mut col) = (0, 0);
    loop {
        let (res, nin, _) = rdr.read_field(&row[pos..], &mut scratch);
        pos += nin;
        match res {
            csv_core::ReadFieldResult::Field { record_end } => {
                if pos > at || record_end {
                    return col;
                }
                col += 1;
            }
            csv_core::ReadFieldResult::End => return col,
            _ if pos > at => return col,
            _ => {}
        }
    }
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
    use csv_core::ReadFieldResult as R;
    thread_local! {
        static READER: std::cell::RefCell<Option<(u8, csv_core::Reader)>> =
            const { std::cell::RefCell::new(None) };
    }
    let mut cells: Vec<(usize, usize)> = Vec::with_capacity(headers.len());
    let mut buf: Vec<u8> = vec![0; row.len() + 1];
    READER.with(|r| {
        let mut r = r.borrow_mut();
        let rdr = match &mut *r {
            Some((d, rdr)) if *d == delimiter => {
                rdr.reset();
                rdr
            }
            slot => {
                let rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
                &mut slot.insert((delimiter, rdr)).1
            }
        };
        let (mut pos, mut out, mut cell_start) = (0, 0, 0);
        loop {
            let (res, nin, nout) = rdr.read_field(&row[pos..], &mut buf[out..]);
            pos += nin;
            out += nout;
            match res {
                R::Field { record_end } => {
                    cells.push((cell_start, out));
                    cell_start = out;
                    if record_end {
                        return;
                    }
                }
                // Unquoting never lengthens a cell, so the output cannot fill.
                R::OutputFull => return,
                R::InputEmpty if pos >= row.len() => {
                    // The end of the input ends the row.
                    let (res, _, nout) = rdr.read_field(&[], &mut buf[out..]);
                    out += nout;
                    if matches!(res, R::Field { .. }) {
                        cells.push((cell_start, out));
                    }
                    return;
                }
                R::InputEmpty => {}
                R::End => return,
            }
        }
    });
    if cells.is_empty() {
        return None;
    }
    // Written by hand to keep the header's column order (a JSON map would sort it).
    let mut text: Vec<u8> = Vec::with_capacity(row.len() + headers.len() * 16);
    text.push(b'{');
    for (i, (h, &(a, b))) in headers.iter().zip(&cells).enumerate() {
        if i > 0 {
            text.push(b',');
        }
        let cell = std::str::from_utf8(&buf[a..b]).ok()?;
        serde_json::to_writer(&mut text, h.as_str()).ok()?;
        text.push(b':');
        serde_json::to_writer(&mut text, cell).ok()?;
    }
    text.push(b'}');
    // Only JSON strings and punctuation were written.
    String::from_utf8(text).ok()
}
