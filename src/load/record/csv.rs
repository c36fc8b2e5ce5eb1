//! CSV and TSV files split into rows, with their header and delimiter.

use super::{count_newlines, csv_delimiter, csv_scan, csv_split, RecordRef};
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
    let pos = walk
        .next_row(Some(&mut headers))
        .map_or(bytes.len(), |(span, _)| span.1);
    if let Some(h) = headers.first_mut() {
        *h = h.trim_start_matches('\u{feff}').to_string();
    }
    let mut rows = Vec::new();
    let mut ordinal = 0u64;
    let lines_before = count_newlines(&bytes[..pos.min(bytes.len())]) as u64;
    csv_split::rows(bytes, pos, lines_before, delimiter, &mut |found| {
        let (span, line) = (found.span, found.line);
        let (start, end, cells, stray) = (span.start, span.end, span.cells, span.stray_quote);
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
        } else if let Some(bad) = stray {
            let at = line + count_newlines(&raw[..bad]) as u64;
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
        } else if let Some(valid) = found.bad_utf8 {
            // Quotes are ASCII: a row is valid UTF-8 exactly when its cells are.
            let col = cell_at(raw, delimiter, valid);
            let p = Problem::new(path, ProblemKind::InvalidUtf8, "cell is not valid UTF-8")
                .at_line(line);
            problems.push(match headers.get(col) {
                Some(h) => p.in_field(h.clone()),
                None => p,
            });
        } else {
            rows.push(rec);
        }
    });
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

pub fn csv_reader(bytes: &[u8], headers: bool, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(headers)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes)
}

/// One CSV row as a JSON object text, so profiles address columns like fields.
pub fn csv_row_json(headers: &[String], delimiter: u8, row: &[u8]) -> Option<String> {
    csv_row_json_leaving(headers, delimiter, row, &[])
}

/// One CSV row as a JSON object text, with the cells of the columns marked in `leave`
/// written as empty strings (every key is kept, in order).
pub fn csv_row_json_leaving(
    headers: &[String],
    delimiter: u8,
    row: &[u8],
    leave: &[bool],
) -> Option<String> {
    row_json(headers, delimiter, row, leave, false).map(|(text, _)| text)
}

/// Cells of a CSV row given as they stand in the file rather than written into the
/// row's JSON text: there each stands as an empty string, known by its address.
#[derive(Debug, Default, Clone)]
pub struct PlainCells<'a>(Vec<(usize, &'a str)>);

impl<'a> PlainCells<'a> {
    /// The cell given for `value`, a value of the row's JSON text, if one was.
    pub fn of(&self, value: &str) -> Option<&'a str> {
        let at = value.as_ptr() as usize;
        self.0.iter().find(|(a, _)| *a == at).map(|(_, c)| *c)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `csv_row_json_leaving` for text search: the cells of the columns marked in `plain`
/// whose text is the cell as it stands (no quote or backslash in it) are given apart
/// instead of being escaped into the JSON text; the others are written in full.
pub fn csv_row_json_plain<'a>(
    headers: &[String],
    delimiter: u8,
    row: &'a [u8],
    plain: &[bool],
) -> Option<(String, PlainCells<'a>)> {
    row_json(headers, delimiter, row, plain, true)
}

/// The row's JSON text; with `apart`, the marked cells that stand as their text are
/// given apart (the rest written in full), else every marked cell is left empty.
fn row_json<'a>(
    headers: &[String],
    delimiter: u8,
    row: &'a [u8],
    marked: &[bool],
    apart: bool,
) -> Option<(String, PlainCells<'a>)> {
    // Quotes, delimiters and the bytes escaped are ASCII: every cut below falls on a
    // character boundary of the validated row.
    let row = simdutf8::basic::from_utf8(row).ok()?;
    let mut cells = Vec::with_capacity(headers.len());
    csv_scan::cells(row.as_bytes(), delimiter, &mut cells);
    // Written by hand to keep the header's column order (a JSON map would sort it).
    let cells_len = if marked.is_empty() { row.len() } else { 256 };
    let mut text = String::with_capacity(cells_len + headers.len() * 16);
    let mut given: Vec<(usize, &'a str)> = Vec::new();
    text.push('{');
    for (i, (h, (range, quoted))) in headers.iter().zip(&cells).enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push('"');
        escape_run(h, &mut text);
        text.push_str("\":");
        let cell = &row[range.clone()];
        if marked.get(i).copied().unwrap_or(false) {
            if !apart {
                text.push_str("\"\"");
                continue;
            }
            if let Some(plain) = as_it_stands(cell, *quoted) {
                given.push((text.len(), plain));
                text.push_str("\"\"");
                continue;
            }
        }
        text.push('"');
        cell_text(cell, *quoted, &mut text);
        text.push('"');
    }
    text.push('}');
    // Addresses once the text is whole (it no longer moves: a `String` moved keeps
    // its buffer).
    let base = text.as_ptr() as usize;
    let given = given.into_iter().map(|(at, c)| (base + at, c)).collect();
    Some((text, PlainCells(given)))
}

/// A cell's text when it is the cell as it stands in the file (less its quotes): no
/// quote or backslash in it.
fn as_it_stands(cell: &str, quoted: bool) -> Option<&str> {
    let inner = if quoted {
        cell.strip_prefix('"')?.strip_suffix('"')?
    } else {
        cell
    };
    memchr::memchr2(b'"', b'\\', inner.as_bytes())
        .is_none()
        .then_some(inner)
}

/// A cell's text as the CSV reader gives it (`csv_scan::unquote_into`: a quoted cell
/// without its quotes, doubled quotes single), escaped for a JSON string.
fn cell_text(cell: &str, quoted: bool, out: &mut String) {
    if !quoted {
        return escape_run(cell, out);
    }
    let mut pos = 1;
    loop {
        match memchr::memchr(b'"', &cell.as_bytes()[pos..]) {
            None => return escape_run(&cell[pos..], out),
            Some(q) => {
                escape_run(&cell[pos..pos + q], out);
                if cell.as_bytes().get(pos + q + 1) == Some(&b'"') {
                    out.push_str("\\\"");
                    pos += q + 2;
                } else {
                    return escape_run(&cell[pos + q + 1..], out);
                }
            }
        }
    }
}

/// Writes text escaped for the inside of a JSON string, skipping runs that need no
/// escape.
fn escape_run(s: &str, out: &mut String) {
    let mut pos = 0;
    while let Some(off) = super::jstring::next_special(&s.as_bytes()[pos..]) {
        out.push_str(&s[pos..pos + off]);
        let c = s.as_bytes()[pos + off];
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\u{c:04x}")),
        }
        pos += off + 1;
    }
    out.push_str(&s[pos..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_json_objects_in_header_order() {
        let headers = ["b".to_string(), "a \"q\"".to_string(), "c".to_string()];
        let row = "x,\"multi\nline, \"\"quoted\"\"\",\u{e9}\\\t\u{1}\r\n".as_bytes();
        let json = csv_row_json(&headers, b',', row).unwrap();
        assert_eq!(
            json,
            r#"{"b":"x","a \"q\"":"multi\nline, \"quoted\"","c":"é\\\t\u0001"}"#
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["c"], "\u{e9}\\\t\u{1}");
        assert_eq!(csv_row_json(&headers, b',', b"\xff,a\n"), None);
        // Cells left out stay as empty strings under their keys, in order.
        let left = csv_row_json_leaving(&headers, b',', row, &[false, true, false]).unwrap();
        assert_eq!(left, r#"{"b":"x","a \"q\"":"","c":"é\\\t\u0001"}"#);
    }
}
