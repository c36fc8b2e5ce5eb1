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
