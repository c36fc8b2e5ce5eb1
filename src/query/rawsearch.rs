//! Text search on the record as stored, without decoding it. A regex that can only
//! match characters JSON writers never escape (printable ASCII except `"` `\` `<` `>`
//! `&` `/`, and no look-around) matches the decoded text exactly where it matches the
//! raw string, unless the raw match overlaps an escape sequence or the text holds a
//! `\u` escape (which can spell any character); then (and for every other pattern)
//! the caller reads the transcript in full.

use super::ast::{RawSafety, Scope, TextTest};
use crate::load::profile::extract::{self, RawTexts};
use crate::load::Corpus;
use crate::model::segment::{self, SegmentKind};
use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};
use std::ops::Range;

/// Printable ASCII that JSON writers leave as is (`<`, `>`, `&` and `/` are escaped
/// by some).
fn plain_ascii(c: u32) -> bool {
    (0x20..0x7f).contains(&c)
        && !matches!(char::from_u32(c), Some('"' | '\\' | '<' | '>' | '&' | '/'))
}

fn range_safety(start: u32, end: u32) -> RawSafety {
    if (start..=end.min(0x7f)).any(|c| !plain_ascii(c)) {
        RawSafety::No
    } else {
        RawSafety::Yes
    }
}

fn worst(a: RawSafety, b: RawSafety) -> RawSafety {
    if a == RawSafety::No || b == RawSafety::No {
        RawSafety::No
    } else {
        RawSafety::Yes
    }
}

fn hir_safety(h: &Hir) -> RawSafety {
    match h.kind() {
        HirKind::Empty => RawSafety::Yes,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => s
                .chars()
                .map(|c| range_safety(c as u32, c as u32))
                .fold(RawSafety::Yes, worst),
            Err(_) => RawSafety::No,
        },
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .map(|r| range_safety(r.start() as u32, r.end() as u32))
            .fold(RawSafety::Yes, worst),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .map(|r| range_safety(u32::from(r.start()), u32::from(r.end())))
            .fold(RawSafety::Yes, worst),
        HirKind::Look(_) => RawSafety::No,
        HirKind::Repetition(r) => hir_safety(&r.sub),
        HirKind::Capture(c) => hir_safety(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            v.iter().map(hir_safety).fold(RawSafety::Yes, worst)
        }
    }
}

/// How `pattern` (with these flags) can be searched in raw JSON string text.
pub fn raw_safety(
    pattern: &str,
    case_insensitive: bool,
    dot_all: bool,
    multi_line: bool,
    verbose: bool,
) -> RawSafety {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .dot_matches_new_line(dot_all)
        .multi_line(multi_line)
        .ignore_whitespace(verbose)
        .build()
        .parse(pattern)
        .map_or(RawSafety::No, |h| hir_safety(&h))
}

/// Whether an escape sequence overlaps `s..e`: one would start at most five bytes
/// before `s` (`\\uXXXX`), and a backslash starts one when an even number of
/// backslashes precede it.
fn overlaps_escape(b: &[u8], s: usize, e: usize) -> bool {
    (s.saturating_sub(5)..e.min(b.len())).any(|p| {
        if b[p] != b'\\' {
            return false;
        }
        let run = b[..p].iter().rev().take_while(|&&c| c == b'\\').count();
        if run % 2 == 1 {
            return false;
        }
        let len = if b.get(p + 1) == Some(&b'u') { 6 } else { 2 };
        p < e && s < p + len
    })
}

/// `Some(found)` when the raw text decides; `None` when a match overlaps an escape, or
/// the text holds a `\u` escape.
fn search(re: &Regex, raw: &str, ranges: impl IntoIterator<Item = Range<usize>>) -> Option<bool> {
    // A `\u` escape can spell any character, printable ASCII included (Gson writes
    // `'` as `\u0027`, PHP's JSON_HEX_* options `<`, `'`, `"`, `&`): text holding one
    // is decided on its decoded form, whatever the pattern.
    if memchr::memmem::find(raw.as_bytes(), b"\\u").is_some() {
        return None;
    }
    for r in ranges {
        if let Some(m) = re.find(&raw[r.clone()]) {
            // The first match decides: genuine unless it overlaps an escape.
            let (s, e) = (r.start + m.start(), r.start + m.end());
            let touches = overlaps_escape(raw.as_bytes(), s, e);
            return (!touches).then_some(true);
        }
    }
    Some(false)
}

/// Tests a raw-safe term on entry `i` without decoding; `None` means read it in full.
pub fn test(corpus: &Corpus, i: usize, t: &TextTest) -> Option<bool> {
    let view = corpus.view();
    let src = view.source(i);
    let text = view.record_text(i).ok()?;
    let top = crate::load::record::raw::RawObj::split_indexed(&text)?;
    let RawTexts {
        system,
        user,
        completion,
    } = extract::raw_texts(&src.profile, &top, view.key(i))?;
    let whole = |s: &str| std::iter::once(0..s.len());
    let in_field =
        |field: Option<&str>| field.map_or(Some(false), |f| search(&t.regex, f, whole(f)));
    match t.scope {
        Scope::System => in_field(system),
        Scope::User => in_field(user),
        Scope::Completion => search(&t.regex, completion, whole(completion)),
        Scope::All => {
            let mut undecided = false;
            for f in [system, user, Some(completion)].into_iter().flatten() {
                match search(&t.regex, f, whole(f)) {
                    Some(true) => return Some(true),
                    None => undecided = true,
                    Some(false) => {}
                }
            }
            (!undecided).then_some(false)
        }
        Scope::Scratchpad | Scope::Output => {
            // Tags must stand as written for their positions to mean anything. Writers
            // that escape `<` (as \u003c) leave no tag to find; writers that escape `/`
            // leave every block unclosed. Only then is the text checked for them.
            let segs = segment::split(completion);
            let b = completion.as_bytes();
            let no_tags = segs.iter().all(|s| s.kind == SegmentKind::Outside);
            if no_tags && memchr::memmem::find(b, b"\\u003").is_some() {
                return None;
            }
            if segs.iter().any(|s| !s.closed) && memchr::memmem::find(b, b"<\\/").is_some() {
                return None;
            }
            let ranges: Vec<Range<usize>> = if t.scope == Scope::Scratchpad {
                segs.iter()
                    .filter(|s| s.kind == SegmentKind::Scratchpad && s.depth == 0)
                    .map(|s| s.content.clone())
                    .collect()
            } else {
                let outputs: Vec<Range<usize>> = segs
                    .iter()
                    .filter(|s| s.kind == SegmentKind::Output && s.depth == 0)
                    .map(|s| s.content.clone())
                    .collect();
                if outputs.is_empty() {
                    segment::final_output_range(&segs, completion.len())
                        .into_iter()
                        .collect()
                } else {
                    outputs
                }
            };
            search(&t.regex, completion, ranges)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Byte ranges of every escape sequence: the reference for `overlaps_escape`.
    fn escapes(raw: &str) -> Vec<Range<usize>> {
        let b = raw.as_bytes();
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(off) = memchr::memchr(b'\\', &b[pos..]) {
            let at = pos + off;
            let len = if b.get(at + 1) == Some(&b'u') { 6 } else { 2 };
            out.push(at..(at + len).min(b.len()));
            pos = at + len;
            if pos >= b.len() {
                break;
            }
        }
        out
    }

    #[test]
    fn only_patterns_of_unescaped_characters_are_raw_safe() {
        use RawSafety::*;
        let safety = |p: &str, ci: bool| raw_safety(p, ci, false, false, false);
        assert_eq!(safety("modify my values", false), Yes);
        assert_eq!(safety("modif(y|ied) (my|our) values?", false), Yes);
        assert_eq!(safety("[a-z]+ing", false), Yes);
        assert_eq!(safety("can't", false), Yes);
        assert_eq!(safety("values", true), Yes, "(?i)s also matches ſ");
        assert_eq!(safety("日本語", false), Yes);
        assert_eq!(safety("a.b", false), No, "`.` can match a backslash");
        assert_eq!(
            safety(r"\bvalues", false),
            No,
            "word boundaries differ around escapes"
        );
        assert_eq!(safety("<OUTPUT>", false), No);
        assert_eq!(safety(r#"say "no""#, false), No);
        assert_eq!(safety(r"\n", false), No);
    }

    #[test]
    fn escaped_tags_are_left_to_the_full_read() {
        use crate::query::Query;
        let q = Query::parse("scratchpad:values").unwrap();
        let crate::query::ast::Expr::Text(t) = &q.expr else {
            panic!()
        };
        let dir = std::env::temp_dir().join(format!("afscope-rawsearch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("escaped.jsonl");
        // Go-style \u003c tags, PHP-style <\/ closers, and plain tags.
        let lines = [
            r#"{"id":"go","tier":"free","completion":"\u003cSCRATCHPAD_REASONING\u003emy values\u003c/SCRATCHPAD_REASONING\u003e"}"#,
            r#"{"id":"php","tier":"free","completion":"<SCRATCHPAD_REASONING>x<\/SCRATCHPAD_REASONING><OUTPUT>values<\/OUTPUT>"}"#,
            r#"{"id":"plain","tier":"free","completion":"<SCRATCHPAD_REASONING>my values</SCRATCHPAD_REASONING>"}"#,
        ];
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let c = crate::load::Corpus::open(&[path], &Default::default(), &mut |_, _, _| {
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(test(&c, 0, t), None, "Go-escaped tags");
        assert_eq!(test(&c, 1, t), None, "PHP-escaped closers");
        assert_eq!(test(&c, 2, t), Some(true));
        // And the full read gets the Go-escaped one right.
        assert!(crate::query::eval::text_match(t, &c.transcript(0).unwrap()));
        assert!(
            !crate::query::eval::text_match(t, &c.transcript(1).unwrap()),
            "values is in the output"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn matches_touching_escapes_are_left_to_the_full_read() {
        let re = Regex::new("nvalues").unwrap();
        // Raw `\nvalues` decodes to a newline then "values": "nvalues" is not there.
        assert_eq!(search(&re, r"a\nvalues", std::iter::once(0..9)), None);
        let re = Regex::new("values").unwrap();
        assert_eq!(search(&re, r"a\nvalues", std::iter::once(0..9)), Some(true));
        assert_eq!(search(&re, r"a\nvalue", std::iter::once(0..8)), Some(false));
        let re = Regex::new("(?i)s").unwrap();
        assert_eq!(
            search(&re, r"\u017f", std::iter::once(0..6)),
            None,
            "could be ſ"
        );
        // Writers that escape printable ASCII (Gson's \u0027, PHP's \u003d, Python's
        // \u00e9 beside plain ASCII): never a raw "no".
        let re = Regex::new("can't").unwrap();
        assert_eq!(search(&re, r"I can\u0027t", std::iter::once(0..12)), None);
        assert_eq!(escapes(r#"x\\y\u00e9z\"q"#), vec![1..3, 4..10, 11..13]);
        // The local check agrees with the full list of escapes at every position.
        let raw = r#"ab\\cd\u00e9ef\"gh\\\nij"#;
        let all = escapes(raw);
        for st in 0..raw.len() {
            for en in st + 1..=raw.len() {
                let want = all.iter().any(|x| x.start < en && st < x.end);
                assert_eq!(overlaps_escape(raw.as_bytes(), st, en), want, "{st}..{en}");
            }
        }
    }
}
