//! Text search on the record as stored. A field whose stored text holds no escape is
//! its text; otherwise a pattern without look-around is run on the stored text,
//! which decides unless an escape there spells a character the pattern can match, or
//! the match found overlaps an escape: then (and for patterns with look-around) that
//! text alone is decoded and searched. Texts assembled from several fields (separate
//! scratchpad and output, message parts) are searched as one stored text.

use super::ast::{Alphabet, RawSafety, Scope, TextTest};
use crate::load::profile::extract;
use crate::load::profile::texts::Text;
use crate::load::record::escapes;
use crate::load::record::jstring::Spelled;
use crate::load::record::raw::RawObj;
use crate::load::Corpus;
use crate::model::segment::{self, SegmentKind};
use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

fn alphabet_of(h: &Hir, out: &mut Vec<(u32, u32)>) -> bool {
    match h.kind() {
        HirKind::Empty => true,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => {
                out.extend(s.chars().map(|c| (c as u32, c as u32)));
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(c)) => {
            out.extend(
                c.ranges()
                    .iter()
                    .map(|r| (r.start() as u32, r.end() as u32)),
            );
            true
        }
        HirKind::Class(Class::Bytes(c)) => {
            out.extend(
                c.ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end()))),
            );
            true
        }
        // Look-around reads the characters beside a match, which an escape can change.
        HirKind::Look(_) => false,
        HirKind::Repetition(r) => alphabet_of(&r.sub, out),
        HirKind::Capture(c) => alphabet_of(&c.sub, out),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(|h| alphabet_of(h, out)),
    }
}

/// How `pattern` (with these flags) can be searched in stored JSON string text.
pub fn raw_safety(
    pattern: &str,
    case_insensitive: bool,
    dot_all: bool,
    multi_line: bool,
    verbose: bool,
) -> RawSafety {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .dot_matches_new_line(dot_all)
        .multi_line(multi_line)
        .ignore_whitespace(verbose)
        .build()
        .parse(pattern)
    else {
        return RawSafety::No;
    };
    let mut ranges = Vec::new();
    if alphabet_of(&hir, &mut ranges) {
        RawSafety::Yes(Alphabet::new(ranges))
    } else {
        RawSafety::No
    }
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

/// Whether the pattern matches the decoded text within `ranges`, decided on the stored
/// text `stored`; `None` when an escape spells a character of the pattern's alphabet,
/// or the first match overlaps an escape.
///
/// Sound because every character of a match is in the alphabet: when no escape spells
/// one, each character of a decoded match is a literal character of the stored text,
/// and adjacent ones stay adjacent, so the same substring is there to be found.
fn decides(
    re: &Regex,
    alphabet: &Alphabet,
    held: &Held<'_>,
    ranges: impl IntoIterator<Item = Range<usize>>,
) -> Option<bool> {
    if held.spells(|c| alphabet.contains(c)) {
        return None;
    }
    decides_unspelled(re, &held.stored, ranges, None)
}

/// Whether range `r` of a text holds its first match `(s, e)`, which is then the
/// range's own first match too: a pattern without look-around matches the same way
/// in a part of a text as in the whole, so the range need not be searched again.
fn holds_first(r: &Range<usize>, (s, e): (usize, usize)) -> bool {
    r.start <= s && e <= r.end
}

/// `decides`, once no escape is known to spell a character of the pattern's alphabet.
/// `first` is the first match in all of `stored`, when it was looked for (see
/// `holds_first`).
fn decides_unspelled(
    re: &Regex,
    stored: &str,
    ranges: impl IntoIterator<Item = Range<usize>>,
    first: Option<(usize, usize)>,
) -> Option<bool> {
    for r in ranges {
        let found = match first {
            Some(m) if holds_first(&r, m) => Some(m),
            _ => re
                .find(&stored[r.clone()])
                .map(|m| (r.start + m.start(), r.start + m.end())),
        };
        if let Some((s, e)) = found {
            return (!overlaps_escape(stored.as_bytes(), s, e)).then_some(true);
        }
    }
    Some(false)
}

/// One text of a record as stored, with what terms ask of it worked out once: the
/// stored text, whether it holds escapes, its decoding and its blocks.
pub struct Held<'a> {
    text: Text<'a>,
    stored: Cow<'a, str>,
    escapes: bool,
    decoded: OnceCell<String>,
    stored_segments: OnceCell<Vec<segment::Segment>>,
    decoded_segments: OnceCell<Vec<segment::Segment>>,
    /// The characters the escapes of the stored text decode to (`escapes::spelled`).
    spelled: OnceCell<Vec<char>>,
    /// What the escapes of the whole record decode to, when its check gathered it: a
    /// superset of the text's own, found without a pass over the text.
    record: Option<Spelled>,
}

impl<'a> Held<'a> {
    pub fn new(text: Text<'a>) -> Held<'a> {
        Held::in_record(text, None)
    }

    /// `new` for a text of a record whose escapes `record` sums up.
    pub fn in_record(text: Text<'a>, record: Option<Spelled>) -> Held<'a> {
        let stored = text.stored();
        Held {
            escapes: text.has_escapes(),
            text,
            stored,
            decoded: OnceCell::new(),
            stored_segments: OnceCell::new(),
            decoded_segments: OnceCell::new(),
            spelled: OnceCell::new(),
            record,
        }
    }

    fn decoded(&self) -> &str {
        self.decoded.get_or_init(|| self.text.decode())
    }

    /// Whether an escape of the stored text may decode to a character `hit` holds
    /// for (one pass over the text answers every alphabet asked of it; a `\n` is
    /// assumed wherever one is written).
    fn spells(&self, hit: impl Fn(char) -> bool) -> bool {
        self.spelled
            .get_or_init(|| {
                self.record
                    .as_ref()
                    .and_then(Spelled::chars)
                    .unwrap_or_else(|| escapes::spelled(&self.stored))
            })
            .iter()
            .any(|c| hit(*c))
    }
}

/// Whether the term's pattern matches `text`.
fn in_text(t: &TextTest, held: &Held<'_>) -> bool {
    let stored = &held.stored;
    if !held.escapes {
        return t.regex.is_match(stored);
    }
    if let RawSafety::Yes(alphabet) = &t.raw {
        if let Some(found) = decides(&t.regex, alphabet, held, std::iter::once(0..stored.len())) {
            return found;
        }
    }
    t.regex.is_match(held.decoded())
}

/// A character a tag (`<NAME>`, `</NAME>`) is written with.
fn tag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '<' | '>' | '/' | '_')
}

/// Whether the term's pattern matches the scratchpad blocks (or the answer) of the
/// completion `text`.
fn in_blocks(t: &TextTest, held: &Held<'_>) -> bool {
    let stored = &held.stored;
    // A pattern without look-around matches inside a block only where it matches in
    // the whole text: its first match there is looked for first. None: no block has
    // one, and the blocks are never found (most texts, for most terms). One inside a
    // block: found, wherever the blocks are. Else the blocks after it are searched.
    // Sound on the stored text when no escape spells a character of the pattern (see
    // `decides`).
    let first = match &t.raw {
        RawSafety::Yes(alphabet) if !held.escapes || !held.spells(|c| alphabet.contains(c)) => {
            match t.regex.find(stored) {
                None => return false,
                Some(m) => Some((m.start(), m.end())),
            }
        }
        _ => None,
    };
    if !held.escapes {
        return block_match(t, stored, &held.stored_segments, first);
    }
    // Tags stand where they stand in the decoded text unless an escape spells a tag
    // character (`\u003c`, `\/`). Scratchpad blocks are then the same blocks; the
    // answer is, when it is an <OUTPUT> block (text outside tags is found by
    // trimming whitespace, which escaped whitespace hides).
    if let Some(first) = first {
        if !held.spells(tag_char) {
            let sound = t.scope == Scope::Scratchpad
                || held
                    .stored_segments
                    .get_or_init(|| segment::split(stored))
                    .iter()
                    .any(|s| s.kind == SegmentKind::Output && s.depth == 0);
            if sound {
                let after = block_ranges(t.scope, stored, &held.stored_segments)
                    .filter(|r| r.end >= first.0);
                if let Some(found) = decides_unspelled(&t.regex, stored, after, Some(first)) {
                    return found;
                }
            }
        }
    }
    let decoded = held.decoded();
    block_match(t, decoded, &held.decoded_segments, None)
}

/// The ranges of `text` a term of `scope` looks in, in order: scratchpad blocks
/// found one at a time (a reader that stops at the one it wants does not split the
/// rest), the answer's from `text`'s segments, split once into `segments`.
fn block_ranges<'s>(
    scope: Scope,
    text: &'s str,
    segments: &'s OnceCell<Vec<segment::Segment>>,
) -> Box<dyn Iterator<Item = Range<usize>> + 's> {
    if scope == Scope::Scratchpad {
        Box::new(segment::scratchpad_blocks(text))
    } else {
        let segs = segments.get_or_init(|| segment::split(text));
        Box::new(segment::answer_ranges(segs, text.len()).into_iter())
    }
}

/// Whether the pattern matches in a block of `text`; `first`, the first match in the
/// whole text when known: blocks that end before it hold none, and one that holds it
/// matches.
fn block_match(
    t: &TextTest,
    text: &str,
    segments: &OnceCell<Vec<segment::Segment>>,
    first: Option<(usize, usize)>,
) -> bool {
    let mut ranges = block_ranges(t.scope, text, segments);
    match first {
        None => ranges.any(|r| t.regex.is_match(&text[r])),
        Some(m) => ranges
            .filter(|r| r.end >= m.0)
            .any(|r| holds_first(&r, m) || t.regex.is_match(&text[r])),
    }
}

/// Tests a text term on entry `i` from its stored record; `None` when the record
/// cannot be read that way (the full read then decides).
pub fn test(corpus: &Corpus, i: usize, t: &TextTest) -> Option<bool> {
    let view = corpus.view();
    let (text, cells) = view.search_text(i).ok()?;
    let top = crate::load::record::raw::RawObj::split_indexed(&text)?;
    let known = extract::Known {
        turns: None,
        cells: Some(&cells),
    };
    RecordTexts::with_known(&view.source(i).profile, &top, view.key(i), known).test(t)
}

/// Tests a text term on the transcript at `key` of a record split into `top`; `None`
/// when the record has no texts to read this way.
pub fn test_record(
    profile: &crate::load::Profile,
    top: &RawObj<'_>,
    key: Option<&str>,
    t: &TextTest,
) -> Option<bool> {
    RecordTexts::new(profile, top, key).test(t)
}

/// The texts of one transcript of a record, extracted when a term first needs them
/// and shared by every term tested on it.
pub struct RecordTexts<'r, 'a> {
    profile: &'r crate::load::Profile,
    top: &'r RawObj<'a>,
    key: Option<&'r str>,
    /// The completion alone (a messages array is read only when it holds it).
    completion: OnceCell<Option<Held<'a>>>,
    /// System prompt, user turn and completion.
    all: OnceCell<Option<[Option<Held<'a>>; 3]>>,
    /// What was read of the record already (messages turns, CSV cells).
    known: extract::Known<'a>,
}

impl<'r, 'a> RecordTexts<'r, 'a> {
    pub fn new(
        profile: &'r crate::load::Profile,
        top: &'r RawObj<'a>,
        key: Option<&'r str>,
    ) -> Self {
        Self::with_known(profile, top, key, extract::Known::default())
    }

    /// `new`, starting from what was read of the record already.
    pub fn with_known(
        profile: &'r crate::load::Profile,
        top: &'r RawObj<'a>,
        key: Option<&'r str>,
        known: extract::Known<'a>,
    ) -> Self {
        RecordTexts {
            profile,
            top,
            key,
            completion: OnceCell::new(),
            all: OnceCell::new(),
            known,
        }
    }

    fn all(&self) -> Option<&[Option<Held<'a>>; 3]> {
        self.all
            .get_or_init(|| {
                let t =
                    extract::texts_with(self.profile, self.top, self.key, true, self.known.clone())
                        .ok()?;
                let held = |t| Held::in_record(t, self.top.spelled);
                Some([
                    t.system.map(held),
                    t.user.map(held),
                    Some(held(t.completion)),
                ])
            })
            .as_ref()
    }

    fn completion(&self) -> Option<&Held<'a>> {
        if let Some(all) = self.all.get() {
            return all.as_ref()?[2].as_ref();
        }
        self.completion
            .get_or_init(|| {
                extract::texts_with(self.profile, self.top, self.key, false, self.known.clone())
                    .ok()
                    .map(|t| Held::in_record(t.completion, self.top.spelled))
            })
            .as_ref()
    }

    /// Term `t` on these texts; `None` when the record has no texts to read this way.
    pub fn test(&self, t: &TextTest) -> Option<bool> {
        if matches!(
            t.scope,
            Scope::Completion | Scope::Scratchpad | Scope::Output
        ) {
            let completion = self.completion()?;
            return Some(match t.scope {
                Scope::Completion => in_text(t, completion),
                _ => in_blocks(t, completion),
            });
        }
        let [system, user, completion] = self.all()?;
        let completion = completion.as_ref()?;
        let field = |f: &Option<Held<'_>>| f.as_ref().is_some_and(|x| in_text(t, x));
        Some(match t.scope {
            Scope::System => field(system),
            Scope::User => field(user),
            Scope::All => field(system) || field(user) || in_text(t, completion),
            Scope::Completion => in_text(t, completion),
            Scope::Scratchpad | Scope::Output => in_blocks(t, completion),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::profile::texts::Piece;

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

    fn alphabet(p: &str) -> Alphabet {
        match raw_safety(p, false, false, false, false) {
            RawSafety::Yes(a) => a,
            RawSafety::No => panic!("{p} has no look-around"),
        }
    }

    #[test]
    fn patterns_without_look_around_are_searched_stored() {
        let safety = |p: &str| raw_safety(p, false, false, false, false);
        for p in [
            "modify my values",
            "a.b",
            "<OUTPUT>",
            r#"say "no""#,
            r"\n",
            "日本語",
        ] {
            assert!(matches!(safety(p), RawSafety::Yes(_)), "{p}");
        }
        for p in [r"\bvalues", "^I", "values$", r"(?m)^x"] {
            assert_eq!(safety(p), RawSafety::No, "{p}");
        }
        let a = alphabet("modif(y|ied)");
        assert!(a.contains('m') && a.contains('y') && !a.contains('z'));
        assert!(!a.contains('\u{2019}'));
        let a = match raw_safety("values", true, false, false, false) {
            RawSafety::Yes(a) => a,
            RawSafety::No => unreachable!(),
        };
        assert!(a.contains('\u{17f}'), "(?i)s also matches ſ");
        let a = alphabet("a.b");
        assert!(a.contains('\\') && a.contains('"') && !a.contains('\n'));
    }

    /// The decoded answer, for comparison.
    fn decoded_match(re: &Regex, raw: &str) -> bool {
        re.is_match(&crate::load::record::jstring::unescape(raw).0)
    }

    #[test]
    fn stored_text_decides_only_where_no_escape_could_change_the_answer() {
        let case = |p: &str, raw: &str| {
            let re = Regex::new(p).unwrap();
            let held = Held::new(Text::one(Piece::Json(raw)));
            let got = decides(&re, &alphabet(p), &held, std::iter::once(0..raw.len()));
            if let Some(found) = got {
                assert_eq!(found, decoded_match(&re, raw), "{p} on {raw}");
            }
            got
        };
        // Raw `\nvalues` decodes to a newline then "values": "nvalues" is not there.
        assert_eq!(case("nvalues", r"a\nvalues"), None);
        assert_eq!(case("values", r"a\nvalues"), Some(true));
        assert_eq!(case("value", r"a\nvalu"), Some(false));
        // An escape past the pattern's alphabet cannot be part of a match.
        assert_eq!(case("modify", r"it\u2019s modify"), Some(true));
        assert_eq!(case("its", r"it\u2019s"), Some(false));
        // One that spells a character of it can: Gson writes `'` as \u0027.
        assert_eq!(case("can't", r"I can\u0027t"), None);
        assert_eq!(case(r#"say "no""#, r#"say \"no\""#), None);
        assert_eq!(case("<OUTPUT>", r"\u003cOUTPUT>"), None);
        assert_eq!(case("<OUTPUT>", r"<OUTPUT>"), Some(true));
        // An escaped backslash before `u` is not a \u escape.
        assert_eq!(case("u0027", r"\\u0027"), Some(true));
        // The local check agrees with the full list of escapes at every position.
        assert_eq!(escapes(r#"x\\y\u00e9z\"q"#), vec![1..3, 4..10, 11..13]);
        let raw = r#"ab\\cd\u00e9ef\"gh\\\nij"#;
        let all = escapes(raw);
        for st in 0..raw.len() {
            for en in st + 1..=raw.len() {
                let want = all.iter().any(|x| x.start < en && st < x.end);
                assert_eq!(overlaps_escape(raw.as_bytes(), st, en), want, "{st}..{en}");
            }
        }
    }

    #[test]
    fn escaped_tags_are_decoded_before_blocks_are_found() {
        use crate::query::Query;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("escaped.jsonl");
        // Go-style \u003c tags, PHP-style <\/ closers, a closer escaped after an
        // opener left plain, blank text outside tags spelled with escapes, and plain.
        let lines = [
            r#"{"id":"go","tier":"free","completion":"\u003cSCRATCHPAD_REASONING\u003emy values\u003c/SCRATCHPAD_REASONING\u003e"}"#,
            r#"{"id":"php","tier":"free","completion":"<SCRATCHPAD_REASONING>x<\/SCRATCHPAD_REASONING><OUTPUT>values<\/OUTPUT>"}"#,
            r#"{"id":"mixed","tier":"free","completion":"<SCRATCHPAD_REASONING>a\u003c/SCRATCHPAD_REASONING>values"}"#,
            r#"{"id":"blank","tier":"free","completion":"<think>a</think>values<think>b</think>\n"}"#,
            r#"{"id":"plain","tier":"free","completion":"<SCRATCHPAD_REASONING>my values</SCRATCHPAD_REASONING>"}"#,
        ];
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let c = crate::load::Corpus::open(&[path], &Default::default(), &mut |_, _, _| {
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
        let want = [
            ("scratchpad:values", [true, false, false, false, true]),
            ("output:values", [false, true, true, true, false]),
        ];
        for (q, want) in want {
            let q = Query::parse(q).unwrap();
            let crate::query::ast::Expr::Text(t) = &q.expr else {
                panic!()
            };
            for (i, want) in want.into_iter().enumerate() {
                let full = crate::query::eval::text_match(t, &c.transcript(i).unwrap());
                assert_eq!(full, want, "{i}: the full read");
                assert_eq!(test(&c, i, t), Some(want), "{i}");
            }
        }
    }
}
