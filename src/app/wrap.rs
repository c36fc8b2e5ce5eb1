//! Word wrapping of styled text that keeps each character's role, turns hostile
//! characters into visible placeholders, and records where marked spans land.

use super::role::Role;
use crate::model::sanitize::{is_hostile, placeholder};
use unicode_width::UnicodeWidthChar;

/// One screen line: runs of text with their roles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StyledLine {
    pub spans: Vec<(String, Role)>,
}

impl StyledLine {
    pub fn plain(text: impl Into<String>, role: Role) -> StyledLine {
        StyledLine {
            spans: vec![(text.into(), role)],
        }
    }

    pub fn push(&mut self, text: &str, role: Role) {
        match self.spans.last_mut() {
            Some((t, r)) if *r == role => t.push_str(text),
            _ => self.spans.push((text.to_string(), role)),
        }
    }

    pub fn text(&self) -> String {
        self.spans.iter().map(|(t, _)| t.as_str()).collect()
    }

    pub fn width(&self) -> usize {
        self.spans
            .iter()
            .flat_map(|(t, _)| t.chars())
            .map(|c| c.width().unwrap_or(0))
            .sum()
    }
}

/// A character on its way to a line, with the mark (e.g. a match number) it belongs to.
struct Cell {
    text: String,
    role: Role,
    width: usize,
    mark: Option<usize>,
    space: bool,
}

/// Text to wrap: runs of (text, role, mark).
pub type Runs<'a> = [(&'a str, Role, Option<usize>)];

/// Wraps `runs` into lines of at most `width` columns, appending them to `out`; each
/// `\n` starts a new line. `marks[m]` is set to the first line where mark `m` appears.
pub fn wrap(
    runs: &Runs<'_>,
    width: usize,
    indent: usize,
    out: &mut Vec<StyledLine>,
    marks: &mut [Option<usize>],
) {
    let width = width.max(indent + 4);
    let mut line: Vec<Cell> = Vec::new();
    let mut used = indent;
    let flush = |line: &mut Vec<Cell>, out: &mut Vec<StyledLine>, marks: &mut [Option<usize>]| {
        let mut l = StyledLine::default();
        if indent > 0 {
            l.push(&" ".repeat(indent), Role::Text);
        }
        for c in line.drain(..) {
            if let Some(m) = c.mark {
                if let Some(slot) = marks.get_mut(m) {
                    slot.get_or_insert(out.len());
                }
            }
            l.push(&c.text, c.role);
        }
        out.push(l);
    };
    for &(text, role, mark) in runs {
        for ch in text.chars() {
            if ch == '\n' {
                flush(&mut line, out, marks);
                used = indent;
                continue;
            }
            let (text, role, w) = if ch == '\t' {
                ("    ".to_string(), role, 4)
            } else if is_hostile(ch) {
                let p = placeholder(ch).into_owned();
                let w = p.chars().count();
                (p, Role::Placeholder, w)
            } else {
                (ch.to_string(), role, ch.width().unwrap_or(0))
            };
            if used + w > width && !line.is_empty() {
                if ch == ' ' {
                    // A space at the edge ends the line and is dropped.
                    flush(&mut line, out, marks);
                    used = indent;
                    continue;
                }
                // Break after the last space if there is one, else mid-word.
                match line.iter().rposition(|c| c.space) {
                    Some(sp) => {
                        let tail: Vec<Cell> = line.drain(sp + 1..).collect();
                        line.pop();
                        flush(&mut line, out, marks);
                        used = indent + tail.iter().map(|c| c.width).sum::<usize>();
                        line = tail;
                    }
                    None => {
                        flush(&mut line, out, marks);
                        used = indent;
                    }
                }
            }
            used += w;
            line.push(Cell {
                text,
                role,
                width: w,
                mark,
                space: ch == ' ',
            });
        }
    }
    flush(&mut line, out, marks);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[StyledLine]) -> Vec<String> {
        lines.iter().map(StyledLine::text).collect()
    }

    #[test]
    fn wraps_at_spaces_and_keeps_roles() {
        let mut out = Vec::new();
        let mut marks = [None; 1];
        wrap(
            &[
                ("the quick brown ", Role::Text, None),
                ("fox", Role::Match, Some(0)),
                (" jumps over", Role::Text, None),
            ],
            10,
            0,
            &mut out,
            &mut marks,
        );
        assert_eq!(texts(&out), ["the quick", "brown fox", "jumps over"]);
        assert!(out[1].spans.contains(&("fox".to_string(), Role::Match)));
        assert_eq!(marks, [Some(1)]);
        assert!(out.iter().all(|l| l.width() <= 10));
    }

    #[test]
    fn breaks_long_words_and_honours_newlines_and_wide_chars() {
        let mut out = Vec::new();
        wrap(
            &[("abcdefghijkl\n日本語日本語", Role::Text, None)],
            5,
            0,
            &mut out,
            &mut [],
        );
        assert_eq!(
            texts(&out),
            ["abcde", "fghij", "kl", "日本", "語日", "本語"]
        );
        assert!(out.iter().all(|l| l.width() <= 5));
    }

    #[test]
    fn hostile_characters_become_placeholders() {
        let mut out = Vec::new();
        wrap(
            &[("a\u{1b}[31mb\u{202e}c", Role::Text, None)],
            40,
            2,
            &mut out,
            &mut [],
        );
        assert_eq!(texts(&out), ["  a␛[31mb<U+202E>c"]);
        assert!(out[0]
            .spans
            .iter()
            .any(|(t, r)| t == "␛" && *r == Role::Placeholder));
    }
}
