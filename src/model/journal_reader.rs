//! A journal read from a stream one line at a time: its events, the lines that are
//! not events, and enough of its shape to tell a journal from another file.

use super::journal::{BadLine, Event, MAX_SEQ};

/// The lines a replay read, to tell a journal from another file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    pub(super) nonblank: usize,
    pub(super) events: usize,
    pub(super) last_complete: bool,
    pub(super) first_starts_event: bool,
}

impl Shape {
    /// True when what was read is a label journal (see `looks_like_journal`), or
    /// holds nothing but blank lines.
    pub fn is_journal(&self) -> bool {
        self.nonblank == 0
            || self.events > 0
            || (self.nonblank == 1 && !self.last_complete && self.first_starts_event)
    }

    /// Events read.
    pub fn events(&self) -> usize {
        self.events
    }
}

/// A journal's events pulled one at a time from a stream, with the lines that are
/// not events: what a replay and a merge read.
pub struct EventReader<R> {
    lines: super::lines::Lines<R>,
    pub shape: Shape,
}

impl<R: std::io::Read> EventReader<R> {
    pub fn new(r: R) -> EventReader<R> {
        EventReader {
            lines: super::lines::Lines::new(r, MAX_LINE),
            shape: Shape::default(),
        }
    }

    /// The next event with its line number, or the next line that is not one.
    #[allow(clippy::type_complexity)]
    pub fn next_event(&mut self) -> std::io::Result<Option<Result<(usize, Event), BadLine>>> {
        use super::lines::Line;
        let shape = &mut self.shape;
        loop {
            let Some((number, line)) = self.lines.next_line()? else {
                return Ok(None);
            };
            let (bytes, complete) = match line {
                Line::Text { bytes, complete } => (bytes, complete),
                Line::TooLong { len } => {
                    shape.nonblank += 1;
                    return Ok(Some(Err(BadLine {
                        line: number,
                        reason: format!(
                            "a line of {len} bytes, longer than any event ({MAX_LINE} bytes at most); ignored"
                        ),
                    })));
                }
            };
            let bytes = bytes.trim_ascii();
            if bytes.is_empty() {
                continue;
            }
            shape.nonblank += 1;
            shape.last_complete = complete;
            shape.first_starts_event = shape.nonblank == 1 && bytes.starts_with(b"{\"event\"");
            let text = String::from_utf8_lossy(bytes);
            return Ok(Some(match serde_json::from_str::<Event>(&text) {
                Ok(e) if e.seq() > MAX_SEQ => Err(BadLine {
                    line: number,
                    reason: format!(
                        "sequence number {} is past 2^53 (no journal afscope writes gets there); ignored",
                        e.seq()
                    ),
                }),
                Ok(e) => {
                    shape.events += 1;
                    Ok((number, e))
                }
                Err(e) => Err(BadLine {
                    line: number,
                    reason: if complete {
                        format!("not a journal event: {e}")
                    } else {
                        "incomplete last line (an interrupted write); ignored".into()
                    },
                }),
            }));
        }
    }
}

/// The longest journal line read: an event is a few hundred bytes (a long note a few
/// KiB); a longer line is reported and skipped without being held in memory.
pub const MAX_LINE: usize = 16 << 20;
