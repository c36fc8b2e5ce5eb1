//! Lines of a stream read one at a time in bounded memory: a line longer than the cap
//! is measured and skipped, never held.

use std::io::{BufRead, BufReader, Read};

/// One line as read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line's bytes without its `\n` (a `\r` before it is kept); `complete` is
    /// false for a last line without a newline.
    Text { bytes: &'a [u8], complete: bool },
    /// A line longer than the cap: how long it was.
    TooLong { len: u64 },
}

/// The lines of a stream, pulled one at a time (1-based numbers), holding at most
/// `cap` bytes of a line.
pub struct Lines<R> {
    r: BufReader<R>,
    cap: usize,
    buf: Vec<u8>,
    number: usize,
    done: bool,
}

impl<R: Read> Lines<R> {
    pub fn new(r: R, cap: usize) -> Lines<R> {
        Lines {
            r: BufReader::with_capacity(1 << 16, r),
            cap,
            buf: Vec::new(),
            number: 0,
            done: false,
        }
    }

    /// The next line and its 1-based number; `None` at the end.
    pub fn next_line(&mut self) -> std::io::Result<Option<(usize, Line<'_>)>> {
        if self.done {
            return Ok(None);
        }
        self.buf.clear();
        let mut len: u64 = 0;
        let cap = self.cap as u64;
        loop {
            let chunk = match self.r.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                self.done = true;
                if len == 0 {
                    return Ok(None);
                }
                self.number += 1;
                return Ok(Some((self.number, self.line(len, false))));
            }
            let (piece, used, ends) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (&chunk[..i], i + 1, true),
                None => (chunk, chunk.len(), false),
            };
            len += piece.len() as u64;
            if len <= cap {
                self.buf.extend_from_slice(piece);
            } else if !self.buf.is_empty() {
                self.buf = Vec::new();
            }
            self.r.consume(used);
            if ends {
                self.number += 1;
                return Ok(Some((self.number, self.line(len, true))));
            }
        }
    }

    fn line(&self, len: u64, complete: bool) -> Line<'_> {
        if len > self.cap as u64 {
            Line::TooLong { len }
        } else {
            Line::Text {
                bytes: &self.buf,
                complete,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8], cap: usize) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut lines = Lines::new(text, cap);
        while let Some((n, l)) = lines.next_line().unwrap() {
            out.push((
                n,
                match l {
                    Line::Text { bytes, complete } => {
                        format!(
                            "{}{}",
                            String::from_utf8_lossy(bytes),
                            if complete { "" } else { "…" }
                        )
                    }
                    Line::TooLong { len } => format!("<{len}>"),
                },
            ));
        }
        out
    }

    #[test]
    fn lines_are_numbered_long_ones_measured_and_the_last_may_be_open() {
        let got = lines(b"a\n\nlong line\nb\r\nc", 5);
        assert_eq!(
            got,
            vec![
                (1, "a".into()),
                (2, "".into()),
                (3, "<9>".into()),
                (4, "b\r".into()),
                (5, "c…".into())
            ]
        );
        assert!(lines(b"", 5).is_empty());
        assert_eq!(lines(b"x\n", 5), vec![(1, "x".into())]);
    }

    #[test]
    fn a_huge_line_is_never_held() {
        // 64 MiB of one line through a 1 KiB cap: counted, not buffered.
        let big = std::io::repeat(b'x').take(64 << 20).chain(&b"\nok\n"[..]);
        let mut seen = Vec::new();
        let mut lines = Lines::new(big, 1024);
        while let Some((n, l)) = lines.next_line().unwrap() {
            seen.push((n, matches!(l, Line::TooLong { len } if len == 64 << 20)));
        }
        assert_eq!(seen, vec![(1, true), (2, false)]);
    }
}
