//! CSV rows and cells found by skipping runs with `memchr`, exactly as `csv_core`'s
//! state machine (RFC 4180 quoting with doubled quotes, `\r`, `\n` or `\r\n` ending
//! a row, blank lines skipped) finds them, at memory speed instead of a byte at a
//! time.

use std::ops::Range;

/// One row: where it lies and how many cells it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowSpan {
    /// From the row's first byte to just past the byte that ended it (or the end of
    /// the input).
    pub start: usize,
    pub end: usize,
    pub cells: usize,
    /// The first quote that closes a quoted cell but is followed by something other
    /// than a delimiter or the row's end (the reader keeps what follows as text),
    /// relative to `start`.
    pub stray_quote: Option<usize>,
}

/// The row starting at or after `pos` (blank lines before it skipped); `None` at the
/// end of the input.
pub fn next_row(b: &[u8], mut pos: usize, delimiter: u8) -> Option<RowSpan> {
    while pos < b.len() && matches!(b[pos], b'\r' | b'\n') {
        pos += 1;
    }
    if pos >= b.len() {
        return None;
    }
    let start = pos;
    let mut cells = 0;
    let mut stray_quote = None;
    loop {
        let (end, row_end, close) = cell_end(b, pos, delimiter);
        let stray = close.filter(|&q| q + 1 < end);
        cells += 1;
        if stray_quote.is_none() {
            stray_quote = stray.map(|q| q - start);
        }
        if row_end {
            return Some(RowSpan {
                start,
                end: (end + 1).min(b.len()),
                cells,
                stray_quote,
            });
        }
        pos = end + 1;
    }
}

/// Where the cell starting at `pos` ends: the position of the delimiter or row
/// terminator after it (the input's length at its end), whether that ends the row,
/// and the quote that closed it when it was quoted.
fn cell_end(b: &[u8], mut pos: usize, delimiter: u8) -> (usize, bool, Option<usize>) {
    let mut close = None;
    if b.get(pos) == Some(&b'"') {
        // Quoted: to the quote that is not doubled (an unclosed one runs to the end).
        pos += 1;
        loop {
            match memchr::memchr(b'"', &b[pos..]) {
                None => return (b.len(), true, None),
                Some(q) if b.get(pos + q + 1) == Some(&b'"') => pos += q + 2,
                Some(q) => {
                    close = Some(pos + q);
                    pos += q + 1;
                    break;
                }
            }
        }
    }
    // Unquoted (or text after a closing quote, which the reader keeps): quotes here
    // are text.
    match memchr::memchr3(delimiter, b'\n', b'\r', &b[pos..]) {
        None => (b.len(), true, close),
        Some(off) => (pos + off, b[pos + off] != delimiter, close),
    }
}

/// A row's cells: each cell's range in `row` and whether it starts with a quote.
pub fn cells(row: &[u8], delimiter: u8, out: &mut Vec<(Range<usize>, bool)>) {
    out.clear();
    let mut pos = 0;
    loop {
        let (end, row_end, _) = cell_end(row, pos, delimiter);
        out.push((pos..end, row.get(pos) == Some(&b'"')));
        if row_end {
            return;
        }
        pos = end + 1;
    }
}

/// Cell `k` of a row (its range and whether it starts with a quote), the cells
/// before it skipped and the ones after not looked at.
pub fn nth_cell(row: &[u8], delimiter: u8, k: usize) -> Option<(Range<usize>, bool)> {
    let mut pos = 0;
    for i in 0.. {
        let (end, row_end, _) = cell_end(row, pos, delimiter);
        if i == k {
            return Some((pos..end, row.get(pos) == Some(&b'"')));
        }
        if row_end {
            return None;
        }
        pos = end + 1;
    }
    None
}

/// A cell's text as the reader gives it: a quoted cell without its quotes, doubled
/// quotes made one, and the text after its closing quote appended.
pub fn unquote_into(cell: &[u8], quoted: bool, out: &mut Vec<u8>) {
    if !quoted {
        out.extend_from_slice(cell);
        return;
    }
    let mut pos = 1;
    loop {
        match memchr::memchr(b'"', &cell[pos..]) {
            None => {
                out.extend_from_slice(&cell[pos..]);
                return;
            }
            Some(q) => {
                out.extend_from_slice(&cell[pos..pos + q]);
                if cell.get(pos + q + 1) == Some(&b'"') {
                    out.push(b'"');
                    pos += q + 2;
                } else {
                    out.extend_from_slice(&cell[pos + q + 1..]);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Rng;

    /// Rows and decoded cells as `csv_core` reads them.
    fn by_csv_core(b: &[u8], delimiter: u8) -> Vec<(usize, Vec<Vec<u8>>)> {
        use csv_core::ReadFieldResult as R;
        let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        let mut out = vec![0u8; b.len() + 1];
        let (mut at, mut rows, mut row, mut cell) = (0, Vec::new(), Vec::new(), Vec::new());
        loop {
            let (res, nin, nout) = rdr.read_field(&b[at..], &mut out);
            at += nin;
            cell.extend_from_slice(&out[..nout]);
            match res {
                R::InputEmpty | R::OutputFull => {}
                R::Field { record_end } => {
                    row.push(std::mem::take(&mut cell));
                    if record_end {
                        rows.push((at, std::mem::take(&mut row)));
                    }
                }
                R::End => return rows,
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

    fn by_scan(b: &[u8], delimiter: u8) -> Vec<(usize, Vec<Vec<u8>>)> {
        let (mut pos, mut rows, mut spans) = (0, Vec::new(), Vec::new());
        while let Some(r) = next_row(b, pos, delimiter) {
            // The stray quote is the one a cell-by-cell walk of the row finds.
            assert_eq!(
                r.stray_quote,
                malformed_quote(&b[r.start..r.end], delimiter)
            );
            cells(&b[r.start..r.end], delimiter, &mut spans);
            assert_eq!(spans.len(), r.cells);
            for (k, cell) in spans.iter().enumerate() {
                assert_eq!(
                    nth_cell(&b[r.start..r.end], delimiter, k).as_ref(),
                    Some(cell)
                );
            }
            assert_eq!(nth_cell(&b[r.start..r.end], delimiter, spans.len()), None);
            let decoded = spans
                .iter()
                .map(|(range, quoted)| {
                    let mut v = Vec::new();
                    // The terminator that ended the row is not part of its last cell.
                    unquote_into(&b[r.start..r.end][range.clone()], *quoted, &mut v);
                    v
                })
                .collect();
            rows.push((r.end, decoded));
            pos = r.end;
        }
        rows
    }

    #[test]
    fn rows_and_cells_are_those_the_csv_state_machine_finds() {
        let fixed: [&[u8]; 12] = [
            b"a,b\n1,2\n",
            b"a,b\r\n1,2\r\n\r\n\n3,4",
            b"\"x\"\"y\",\"multi\nline\"\n",
            b"\"unclosed,\nrest",
            b"ab\"c,d\n",
            b"\"q\"tail,x\n",
            b"a,\n,\n",
            b"\r\r\n",
            b"",
            b"\"\"",
            b"a\rb\rc",
            b"\"a\"\"\",b",
        ];
        for input in fixed {
            assert_eq!(
                by_scan(input, b','),
                by_csv_core(input, b','),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        let alphabet = b"ab,,\"\"\r\n\n\t ";
        let mut rng = Rng::new(9);
        for _ in 0..20_000 {
            let n = rng.below(24) as usize;
            let input: Vec<u8> = (0..n).map(|_| *rng.pick(alphabet)).collect();
            for delim in [b',', b'\t'] {
                assert_eq!(
                    by_scan(&input, delim),
                    by_csv_core(&input, delim),
                    "{:?}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }
}
