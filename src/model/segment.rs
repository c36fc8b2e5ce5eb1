//! Splits a completion into scratchpad blocks, draft outputs, the final output and
//! text outside tags, keeping byte ranges into the original text.

use std::ops::Range;

/// The tag families a completion may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    /// `<SCRATCHPAD_REASONING>`, `<HIDDEN_SCRATCHPAD>`, `<think>`, `<reasoning>` (an
    /// evaluation log's native reasoning): hidden reasoning.
    Scratchpad,
    /// `<DRAFT_OUTPUT>`, nested inside a scratchpad block.
    Draft,
    /// `<OUTPUT>`: what the user sees.
    Output,
    /// Text outside any tag.
    Outside,
}

/// One piece of a completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// The tag as written (`think`, `SCRATCHPAD_REASONING`), empty for `Outside`.
    pub tag: String,
    /// 0-based index among segments of the same kind.
    pub index: usize,
    /// The content between the tags (to the end of the text when unclosed).
    pub content: Range<usize>,
    /// 0 for top-level segments, 1 for drafts inside a scratchpad.
    pub depth: u8,
    /// False when the closing tag never came.
    pub closed: bool,
}

const SCRATCHPAD_TAGS: [&str; 4] = [
    "SCRATCHPAD_REASONING",
    "HIDDEN_SCRATCHPAD",
    "think",
    "reasoning",
];

fn kind_of(tag: &str) -> Option<SegmentKind> {
    if SCRATCHPAD_TAGS.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
        Some(SegmentKind::Scratchpad)
    } else if tag.eq_ignore_ascii_case("DRAFT_OUTPUT") {
        Some(SegmentKind::Draft)
    } else if tag.eq_ignore_ascii_case("OUTPUT") {
        Some(SegmentKind::Output)
    } else {
        None
    }
}

/// A recognised tag at a position: `<NAME>` or `</NAME>`.
struct TagAt<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    closing: bool,
}

fn next_tag(text: &str, from: usize) -> Option<TagAt<'_>> {
    let bytes = text.as_bytes();
    let mut pos = from;
    while let Some(off) = memchr::memchr(b'<', &bytes[pos..]) {
        let start = pos + off;
        let mut i = start + 1;
        let closing = bytes.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && NAME_BYTE[usize::from(bytes[i])] {
            i += 1;
        }
        if i > name_start && bytes.get(i) == Some(&b'>') {
            let name = &text[name_start..i];
            if kind_of(name).is_some() {
                return Some(TagAt {
                    start,
                    end: i + 1,
                    name,
                    closing,
                });
            }
        }
        pos = start + 1;
    }
    None
}

/// The bytes a tag's name is made of: ASCII letters, digits and `_`.
static NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c == b'_' as usize;
        c += 1;
    }
    t
};

/// A top-level block as `split` finds it: an opening tag, its content, and where
/// its closing tag ends (the end of the text when it never closes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    pub kind: SegmentKind,
    pub tag: &'a str,
    /// Where the opening tag starts.
    pub start: usize,
    pub content: Range<usize>,
    /// Past the closing tag.
    pub end: usize,
    pub closed: bool,
}

/// The top-level blocks of a text in order, found one at a time: a reader that
/// stops at the block it wants does not look at the rest of the text.
pub struct Blocks<'a> {
    text: &'a str,
    pos: usize,
}

/// The top-level blocks of `text` (see [`Blocks`]).
pub fn blocks(text: &str) -> Blocks<'_> {
    Blocks { text, pos: 0 }
}

impl<'a> Iterator for Blocks<'a> {
    type Item = Block<'a>;

    fn next(&mut self) -> Option<Block<'a>> {
        let text = self.text;
        loop {
            let tag = next_tag(text, self.pos)?;
            if tag.closing {
                self.pos = tag.end;
                continue;
            }
            let kind = kind_of(tag.name).unwrap_or(SegmentKind::Outside);
            let (close_start, close_end, closed) = match find_close(text, tag.end, tag.name) {
                Some((s, e)) => (s, e, true),
                None => (text.len(), text.len(), false),
            };
            self.pos = close_end;
            return Some(Block {
                kind,
                tag: tag.name,
                start: tag.start,
                content: tag.end..close_start,
                end: close_end,
                closed,
            });
        }
    }
}

/// Splits `text` into segments in document order. A scratchpad may contain drafts;
/// an unclosed block runs to the end of the text and is marked `closed: false`;
/// stray closing tags are left as text.
pub fn split(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut counters = [0usize; 4];
    let mut push = |out: &mut Vec<Segment>, kind, tag: &str, content, depth, closed| {
        let slot = kind as usize;
        out.push(Segment {
            kind,
            tag: tag.to_string(),
            index: counters[slot],
            content,
            depth,
            closed,
        });
        counters[slot] += 1;
    };
    let mut outside_start = 0;
    for b in blocks(text) {
        let gap = &text[outside_start..b.start];
        if !gap.trim().is_empty() {
            push(
                &mut out,
                SegmentKind::Outside,
                "",
                outside_start..b.start,
                0,
                true,
            );
        }
        push(&mut out, b.kind, b.tag, b.content.clone(), 0, b.closed);
        if b.kind == SegmentKind::Scratchpad {
            push_drafts(text, b.content, &mut out, &mut push);
        }
        outside_start = b.end;
    }
    if !text[outside_start..].trim().is_empty() {
        push(
            &mut out,
            SegmentKind::Outside,
            "",
            outside_start..text.len(),
            0,
            true,
        );
    }
    out
}

/// The contents of the top-level scratchpad blocks of `text`, found one at a time
/// (the same ranges as `scratchpad_ranges(&split(text))`).
pub fn scratchpad_blocks(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    blocks(text)
        .filter(|b| b.kind == SegmentKind::Scratchpad)
        .map(|b| b.content)
}

type Push<'a> = dyn FnMut(&mut Vec<Segment>, SegmentKind, &str, Range<usize>, u8, bool) + 'a;

fn push_drafts(text: &str, within: Range<usize>, out: &mut Vec<Segment>, push: &mut Push<'_>) {
    let inner = &text[..within.end];
    let mut pos = within.start;
    while let Some(tag) = next_tag(inner, pos) {
        if tag.closing || kind_of(tag.name) != Some(SegmentKind::Draft) {
            pos = tag.end;
            continue;
        }
        let (end, next, closed) = match find_close(inner, tag.end, tag.name) {
            Some((s, e)) => (s, e, true),
            None => (within.end, within.end, false),
        };
        push(out, SegmentKind::Draft, tag.name, tag.end..end, 1, closed);
        pos = next;
    }
}

/// Finds `</name>` (same spelling, any case) after `from`, `name` being a tag's:
/// each `<` is looked at for that closing tag alone (the first tag `next_tag` finds
/// that closes `name`).
fn find_close(text: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut pos = from;
    while let Some(off) = memchr::memchr(b'<', &b[pos..]) {
        let start = pos + off;
        let end = start + 2 + name.len();
        if b.get(start + 1) == Some(&b'/')
            && b.get(end) == Some(&b'>')
            && b[start + 2..end].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some((start, end + 1));
        }
        pos = start + 1;
    }
    None
}

/// Where the answer the user saw is: the last `<OUTPUT>` block, else the last text
/// outside tags, else (no tags at all) the whole completion of length `len`.
pub fn final_output_range(segments: &[Segment], len: usize) -> Option<Range<usize>> {
    let last = |kind| {
        segments
            .iter()
            .rev()
            .find(|s| s.kind == kind && s.depth == 0)
    };
    match last(SegmentKind::Output).or_else(|| last(SegmentKind::Outside)) {
        Some(s) => Some(s.content.clone()),
        None if segments.is_empty() => Some(0..len),
        None => None,
    }
}

/// The contents of the top-level scratchpad blocks.
pub fn scratchpad_ranges(segments: &[Segment]) -> Vec<Range<usize>> {
    top_level(segments, SegmentKind::Scratchpad)
}

/// Where the answer is, for search: the top-level `<OUTPUT>` blocks, else (no tag)
/// the text after the scratchpads, when there is any.
pub fn answer_ranges(segments: &[Segment], len: usize) -> Vec<Range<usize>> {
    let out = top_level(segments, SegmentKind::Output);
    if !out.is_empty() {
        return out;
    }
    final_output_range(segments, len)
        .filter(|r| !r.is_empty())
        .into_iter()
        .collect()
}

fn top_level(segments: &[Segment], kind: SegmentKind) -> Vec<Range<usize>> {
    segments
        .iter()
        .filter(|s| s.kind == kind && s.depth == 0)
        .map(|s| s.content.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<(SegmentKind, String, &str, bool, u8)> {
        split(text)
            .into_iter()
            .map(|s| {
                (
                    s.kind,
                    s.tag.clone(),
                    &text[s.content.clone()],
                    s.closed,
                    s.depth,
                )
            })
            .collect()
    }

    #[test]
    fn splits_blocks_in_order_with_nested_drafts() {
        let t = "<SCRATCHPAD_REASONING>a<DRAFT_OUTPUT>d</DRAFT_OUTPUT>b</SCRATCHPAD_REASONING>\n\
                 <SCRATCHPAD_REASONING>c</SCRATCHPAD_REASONING><OUTPUT>o</OUTPUT>";
        let s = split(t);
        assert_eq!(s.len(), 4);
        assert_eq!((s[0].kind, s[0].index), (SegmentKind::Scratchpad, 0));
        assert_eq!(&t[s[0].content.clone()], "a<DRAFT_OUTPUT>d</DRAFT_OUTPUT>b");
        assert_eq!(
            (s[1].kind, s[1].depth, &t[s[1].content.clone()]),
            (SegmentKind::Draft, 1, "d")
        );
        assert_eq!(
            (s[2].kind, s[2].index, &t[s[2].content.clone()]),
            (SegmentKind::Scratchpad, 1, "c")
        );
        assert_eq!(
            (s[3].kind, &t[s[3].content.clone()]),
            (SegmentKind::Output, "o")
        );
    }

    #[test]
    fn every_tag_variant_and_outside_text() {
        let t = "<think>x</think>\n<HIDDEN_SCRATCHPAD>y</HIDDEN_SCRATCHPAD>\nplain answer";
        assert_eq!(
            shown(t),
            vec![
                (SegmentKind::Scratchpad, "think".into(), "x", true, 0),
                (
                    SegmentKind::Scratchpad,
                    "HIDDEN_SCRATCHPAD".into(),
                    "y",
                    true,
                    0
                ),
                (
                    SegmentKind::Outside,
                    String::new(),
                    "\nplain answer",
                    true,
                    0
                ),
            ]
        );
    }

    #[test]
    fn unclosed_block_runs_to_the_end() {
        let t = "<SCRATCHPAD_REASONING>\nI can't help with that.";
        assert_eq!(
            shown(t),
            vec![(
                SegmentKind::Scratchpad,
                "SCRATCHPAD_REASONING".into(),
                "\nI can't help with that.",
                false,
                0
            )]
        );
    }

    #[test]
    fn unknown_and_stray_tags_stay_text() {
        let t = "</OUTPUT>see <b>bold</b> and a < b";
        let s = split(t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].kind, SegmentKind::Outside);
    }

    #[test]
    fn scratchpad_blocks_found_one_at_a_time_are_those_split_finds() {
        let pieces = [
            "<SCRATCHPAD_REASONING>",
            "</SCRATCHPAD_REASONING>",
            "<think>",
            "</THINK>",
            "<OUTPUT>",
            "</OUTPUT>",
            "<DRAFT_OUTPUT>",
            "</DRAFT_OUTPUT>",
            "<b>",
            "< think>",
            "<",
            ">",
            "/",
            " ",
            "\n",
            "text",
            "é",
        ];
        for text in random_texts(11, 20_000, 12, &pieces) {
            let lazily: Vec<_> = scratchpad_blocks(&text).collect();
            assert_eq!(lazily, scratchpad_ranges(&split(&text)), "{text:?}");
        }
    }

    /// `count` texts of fewer than `most` pieces, drawn at random from `pieces`.
    fn random_texts<'p>(
        seed: u64,
        count: usize,
        most: u64,
        pieces: &'p [&'p str],
    ) -> impl Iterator<Item = String> + 'p {
        let mut rng = crate::synth::Rng::new(seed);
        (0..count).map(move |_| {
            (0..rng.below(most))
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect()
        })
    }

    /// Blocks found by a reading of the rules written apart: tags are what a regex
    /// finds, `<NAME>` or `</NAME>` with a name of letters, digits and `_` that is
    /// a known tag; a block opens at an opening tag and closes at the first later
    /// closing tag of its name, in any case, or runs to the end.
    #[test]
    fn blocks_are_those_the_tag_rules_give() {
        let tag = regex::Regex::new("<(/?)([A-Za-z0-9_]+)>").unwrap();
        let reference = |text: &str| {
            let tags: Vec<_> = tag
                .captures_iter(text)
                .filter(|c| kind_of(&c[2]).is_some())
                .map(|c| {
                    let m = c.get(0).unwrap();
                    (m.start(), m.end(), !c[1].is_empty(), c[2].to_string())
                })
                .collect();
            let mut out = Vec::new();
            let mut k = 0;
            while k < tags.len() {
                let (_, end, closing, name) = &tags[k];
                if *closing {
                    k += 1;
                    continue;
                }
                let close = (k + 1..tags.len())
                    .find(|&j| tags[j].2 && tags[j].3.eq_ignore_ascii_case(name));
                let kind = kind_of(name).unwrap();
                match close {
                    Some(j) => {
                        out.push((kind, *end..tags[j].0));
                        k = j + 1;
                    }
                    None => {
                        out.push((kind, *end..text.len()));
                        break;
                    }
                }
            }
            out
        };
        let pieces = [
            "<SCRATCHPAD_REASONING>",
            "</SCRATCHPAD_REASONING>",
            "</scratchpad_reasoning>",
            "</SCRATCHPAD_REASONING",
            "<think>",
            "</THINK>",
            "</think",
            "think",
            "think>",
            "_x>",
            "<OUTPUT>",
            "</OUTPUT>",
            "<DRAFT_OUTPUT>",
            "</DRAFT_OUTPUT>",
            "<b>",
            "<",
            "</",
            ">",
            "/",
            " ",
            "text",
            "é",
        ];
        for text in random_texts(12, 50_000, 14, &pieces) {
            let found: Vec<_> = blocks(&text).map(|b| (b.kind, b.content)).collect();
            assert_eq!(found, reference(&text), "{text:?}");
        }
    }

    #[test]
    fn multibyte_text_keeps_char_boundaries() {
        let t = "é<think>日本語 🙂</think>مرحبا";
        for s in split(t) {
            assert!(t.is_char_boundary(s.content.start) && t.is_char_boundary(s.content.end));
        }
    }
}
