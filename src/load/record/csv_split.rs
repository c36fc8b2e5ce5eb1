//! A CSV file's rows found on every core: the file is cut into chunks at line ends,
//! each chunk walked from its cut as if a row started there, and the walks joined in
//! order. A cut inside a quoted cell (a completion of many lines) only sends its
//! chunk's walk astray until it meets a row start of the true walk; from there the
//! two agree (rows follow from where they start alone), and the rows before it are
//! found again from the true position. The rows are exactly those one walk from the
//! start finds.

use super::csv_scan::{self, RowSpan};
use super::{count_newlines, LineCounter};
use rayon::prelude::*;

/// A row and what is known of it before the rows around it are.
#[derive(Debug, Clone, Copy)]
pub struct FoundRow {
    pub span: RowSpan,
    /// The line the row starts on (1-based).
    pub line: u64,
    /// Where its bytes stop being valid UTF-8, if they do.
    pub bad_utf8: Option<usize>,
}

/// One chunk's walk: its rows with lines counted from the chunk's start.
struct Walk {
    rows: Vec<FoundRow>,
    /// Where the walk would look for its next row.
    end: usize,
    /// Newlines in the chunk.
    newlines: u64,
}

/// Chunks are at least this big: below it one walk is as fast.
const MIN_CHUNK: usize = 2 << 20;

fn found(bytes: &[u8], span: RowSpan, line: u64) -> FoundRow {
    FoundRow {
        span,
        line,
        bad_utf8: simdutf8::compat::from_utf8(&bytes[span.start..span.end])
            .err()
            .map(|e| e.valid_up_to()),
    }
}

/// The rows from `from` (where a row is taken to start) to the first that starts at or
/// past `until`; lines counted from `from` (the first line there is 1).
fn walk(bytes: &[u8], from: usize, until: usize, delimiter: u8) -> Walk {
    let mut rows = Vec::new();
    let mut lines = LineCounter::starting_at(from);
    let mut pos = from;
    while let Some(span) = csv_scan::next_row(bytes, pos, delimiter) {
        if span.start >= until {
            break;
        }
        let line = lines.line_at(bytes, span.start);
        rows.push(found(bytes, span, line));
        pos = span.end;
    }
    let newlines = lines.line_at(bytes, until) - 1;
    Walk {
        rows,
        end: pos,
        newlines,
    }
}

/// Chunk starts: `from`, then the byte after the first line end past each step.
fn cuts(bytes: &[u8], from: usize, chunks: usize) -> Vec<usize> {
    let step = (bytes.len() - from).div_ceil(chunks.max(1)).max(1);
    let mut out = vec![from];
    let mut at = from + step;
    while at < bytes.len() {
        match memchr::memchr(b'\n', &bytes[at..]) {
            Some(i) if at + i + 1 < bytes.len() => {
                out.push(at + i + 1);
                at = at + i + 1 + step;
            }
            _ => break,
        }
    }
    out.push(bytes.len());
    out
}

/// Every row from `from` (the byte after the header) to the end, in order, each given
/// to `take`; `lines_before` is the number of newlines before `from`.
pub fn rows(
    bytes: &[u8],
    from: usize,
    lines_before: u64,
    delimiter: u8,
    take: &mut dyn FnMut(FoundRow),
) {
    let chunks = ((bytes.len() - from.min(bytes.len())) / MIN_CHUNK)
        .clamp(1, rayon::current_num_threads() * 4);
    rows_in(bytes, from, lines_before, delimiter, chunks, take);
}

/// `rows`, the file cut into `chunks`.
fn rows_in(
    bytes: &[u8],
    from: usize,
    lines_before: u64,
    delimiter: u8,
    chunks: usize,
    take: &mut dyn FnMut(FoundRow),
) {
    let from = from.min(bytes.len());
    let cuts = cuts(bytes, from, chunks);
    let walks: Vec<Walk> = cuts
        .par_windows(2)
        .map(|w| walk(bytes, w[0], w[1], delimiter))
        .collect();
    // The true walk: `pos` is where it looks for its next row, `base` the newlines
    // before the current chunk.
    let mut pos = from;
    let mut base = lines_before;
    for (k, w) in walks.iter().enumerate() {
        let (start, end) = (cuts[k], cuts[k + 1]);
        let mut j = 0;
        while pos < end {
            let Some(span) = csv_scan::next_row(bytes, pos, delimiter) else {
                pos = bytes.len();
                break;
            };
            if span.start >= end {
                break;
            }
            while j < w.rows.len() && w.rows[j].span.start < span.start {
                j += 1;
            }
            if w.rows.get(j).is_some_and(|r| r.span.start == span.start) {
                // In step with the chunk's walk: the rest of its rows are true.
                for r in &w.rows[j..] {
                    take(FoundRow {
                        line: base + r.line,
                        ..*r
                    });
                }
                pos = w.end;
                break;
            }
            let line = base + count_newlines(&bytes[start..span.start]) as u64 + 1;
            take(found(bytes, span, line));
            pos = span.end;
        }
        base += w.newlines;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows one walk from the start finds.
    fn one_walk(bytes: &[u8], from: usize, delimiter: u8) -> Vec<(usize, usize, usize, u64)> {
        let w = walk(bytes, from, bytes.len(), delimiter);
        let before = count_newlines(&bytes[..from]) as u64;
        w.rows
            .iter()
            .map(|r| (r.span.start, r.span.end, r.span.cells, before + r.line))
            .collect()
    }

    fn joined(bytes: &[u8], from: usize, chunks: usize) -> Vec<(usize, usize, usize, u64)> {
        let mut out = Vec::new();
        let before = count_newlines(&bytes[..from]) as u64;
        rows_in(bytes, from, before, b',', chunks, &mut |r| {
            out.push((r.span.start, r.span.end, r.span.cells, r.line))
        });
        out
    }

    #[test]
    fn rows_joined_from_any_cuts_are_the_rows_of_one_walk() {
        // Quoted cells of many lines, doubled quotes, quotes that open at a cut,
        // blank lines, CRLF, a stray quote and an unclosed last cell.
        let mut seed = 7u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..200 {
            let mut text = String::from("id,text,score\n");
            for r in 0..(5 + next() % 40) {
                let cell = match next() % 6 {
                    0 => "plain".to_string(),
                    1 => "\"many\nlines\n\"\"quoted\"\"\nhere\"".to_string(),
                    2 => "\"a,b\r\nc\"".to_string(),
                    3 => "\"\nx,\"\"\n\"".to_string(),
                    4 => "with \"quote\" inside".to_string(),
                    _ => "\"closed\"stray".to_string(),
                };
                text += &format!("{r},{cell},0.5");
                text += match next() % 4 {
                    0 => "\r\n",
                    1 => "\n\n",
                    _ => "\n",
                };
            }
            if round % 10 == 0 {
                text += "last,\"never closed\nat all";
            }
            let bytes = text.as_bytes();
            let from = 14;
            let want = one_walk(bytes, from, b',');
            for chunks in [1, 2, 3, 5, 9, 40] {
                assert_eq!(
                    joined(bytes, from, chunks),
                    want,
                    "{round} {chunks}\n{text}"
                );
            }
            // Rows carry their UTF-8 check from whichever walk found them.
            let mut bad = Vec::new();
            rows(bytes, from, 1, b',', &mut |r| bad.push(r.bad_utf8));
            assert!(bad.iter().all(Option::is_none));
        }
    }
}
