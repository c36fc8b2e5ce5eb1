//! Tests of JSON strings' check and decoding, and the reference readers of what
//! escapes spell that the faster ones are tested against.

use super::*;

/// Pieces of string contents, escapes of every kind among them (invalid and
/// lone ones too), that the escape readers' tests string together.
pub(crate) const ESCAPE_PARTS: &[&str] = &[
    "a",
    " ",
    "\\n",
    "\\\\",
    "\\\\n",
    "\\\"",
    "\\/",
    "\\u0041",
    "\\u003C",
    "\\u2019",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\t",
    "\\r",
    "\\b",
    "\\f",
    "\\x",
    "u",
    "n",
    "/",
    "\\u00zz",
    "\\",
];

/// The inline look at a string's first 32 bytes settles only what the full check
/// would settle the same way: every string from every start, with quotes,
/// backslashes, control characters and multi-byte text near the 16-byte edges.
#[test]
fn short_strings_end_where_the_full_check_ends_them() {
    let mut rng = crate::synth::Rng::new(33);
    let bytes: &[u8] = b"ab \"\\\x01\x1f\xc3\xa9n";
    let (mut short, mut checked) = (0, 0);
    for _ in 0..20_000 {
        let len = rng.below(60) as usize;
        let b: Vec<u8> = (0..len)
            .map(|_| match rng.below(12) {
                k if k < 8 => b'a',
                _ => *rng.pick(bytes),
            })
            .collect();
        for open in 0..b.len().min(40) {
            let (mut fast, mut full) = (Met::default(), Met::default());
            let got = string(&b, open, &mut fast);
            let want = string_full(&b, open, &mut full);
            assert_eq!(got, want, "{b:?} from {open}");
            assert_eq!(
                (fast.escape, fast.lone_surrogate),
                (full.escape, full.lone_surrogate)
            );
            checked += 1;
            short += usize::from(short_end(&b, open).is_some());
        }
    }
    assert!(short > 10_000 && checked > 200_000, "{short} of {checked}");
}

/// The 64-byte block check takes the escapes of a block within it, from its mask;
/// it ends, refuses and notes every string as the plain check does, byte by byte:
/// random strings of escapes of every kind (invalid and cut ones too), quotes,
/// control and multi-byte characters between runs long enough to put each across a
/// block's edge, read from several starts, with and without noting what escapes
/// spell.
#[test]
fn block_check_agrees_with_the_plain_check() {
    #[cfg(target_arch = "x86_64")]
    {
        if !std::arch::is_x86_feature_detected!("avx2") {
            eprintln!("no AVX2 here: the block check is neither used nor tested");
            return;
        }
        let plain = |s: &[u8]| s.iter().position(|&c| special(c));
        let mut rng = crate::synth::Rng::new(64);
        let extra = ["\"", "\u{1}", "\u{1f}", "é", "\u{1f600}", "\\u"];
        let mut escapes = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..rng.below(10) {
                text.push_str(&"a".repeat(rng.below(70) as usize));
                match rng.below(3) {
                    0 => text.push_str(extra[rng.below(extra.len() as u64) as usize]),
                    _ => text.push_str(ESCAPE_PARTS[rng.below(ESCAPE_PARTS.len() as u64) as usize]),
                }
            }
            let b = text.as_bytes();
            for open in [0, 1, rng.below(b.len() as u64 + 1) as usize] {
                if open >= b.len() {
                    continue;
                }
                let (mut m1, mut m2) = (Met::default(), Met::default());
                let (mut s1, mut s2) = (Spelled::default(), Spelled::default());
                // SAFETY: AVX2 is present (checked above).
                let got = unsafe { x86::string_spelling_avx2(b, open, &mut m1, &mut s1) };
                let want = string_with::<true>(b, open, open + 1, &mut m2, &mut s2, plain);
                assert_eq!(got, want, "{text:?} from {open}");
                assert_eq!(
                    (m1.escape, m1.lone_surrogate),
                    (m2.escape, m2.lone_surrogate)
                );
                assert_eq!(s1, s2, "{text:?} from {open}");
                let mut m3 = Met::default();
                // SAFETY: as above.
                let unspelled = unsafe { x86::string_avx2(b, open, &mut m3) };
                assert_eq!(unspelled, want, "{text:?} from {open}");
                assert_eq!(
                    (m3.escape, m3.lone_surrogate),
                    (m2.escape, m2.lone_surrogate)
                );
                escapes += usize::from(m2.escape);
            }
        }
        assert!(escapes > 20_000, "{escapes}");
    }
}

#[test]
fn escapes_spelling_a_character_are_found_as_walking_them_finds_them() {
    let mut rng = crate::synth::Rng::new(4);
    let parts = ESCAPE_PARTS;
    let preds: [fn(char) -> bool; 6] = [
        |c| c == '\n',
        |c| c == '\\',
        |c| c == '/' || c == 'A',
        |c| c.is_ascii_alphanumeric() || "<>/_".contains(c),
        |c| c == '\u{1f600}' || c == '"',
        |c| c == '\u{FFFD}',
    ];
    for _ in 0..5000 {
        let n = rng.below(8);
        let s: String = (0..n).map(|_| *rng.pick(parts)).collect();
        for p in preds {
            assert_eq!(
                escape_spells(&s, &mut |c| p(c)),
                walk_spells(&s, &mut |c| p(c)),
                "{s}"
            );
        }
    }
}

#[test]
fn u_escapes_are_found_where_they_are_escapes() {
    let spells = |s: &str, want: char| u_escape_spells(s, &mut |c| c == want);
    assert!(
        !spells(r"a\\u0041", 'A'),
        "an escaped backslash, then u0041"
    );
    assert!(spells(r"a\\\u0041", 'A'));
    assert!(spells(r"\ud83d\ude00", '\u{1f600}'));
    assert!(spells(r"\ud83dx", '\u{FFFD}'), "a lone surrogate");
    assert!(!spells(r"\n\t\u2019", 'n'));
}

#[test]
fn a_backslash_is_found_in_short_text_wherever_it_is() {
    for len in 0..=32 {
        let plain = vec![b'a'; len];
        assert!(!has_backslash_short(&plain));
        for at in 0..len {
            for other in [b'\\', b'\\' ^ 0x80, b'\\' + 1, b'\\' - 1, 0] {
                let mut b = plain.clone();
                b[at] = other;
                assert_eq!(has_backslash_short(&b), other == b'\\', "{b:?}");
            }
        }
    }
}

#[test]
fn unescapes_like_serde_and_lossily_where_serde_refuses() {
    for s in [r#"a\nb\u00e9\ud83d\ude00\"\\\/"#, "plain", r"\t\b\f\r"] {
        let want: String = serde_json::from_str(&format!("\"{s}\"")).unwrap();
        assert_eq!(unescape(s), (Cow::Owned::<str>(want.clone()), false), "{s}");
        assert_eq!(unescape(s).0, want);
    }
    assert_eq!(unescape(r"a\ud800b").0, "a\u{FFFD}b");
    assert!(unescape(r"a\ud800b").1);
    assert_eq!(unescape(r"\udc00\ud800\udc00").0, "\u{FFFD}\u{10000}");
}

/// Whether an escape sequence in the contents decodes to a character for which `hit`
/// holds (escapes are decoded as `unescape` decodes them): the reference
/// `escapes::spelled` is tested against.
pub(crate) fn escape_spells(inner: &str, hit: &mut dyn FnMut(char) -> bool) -> bool {
    // Invalid escapes become U+FFFD: only then is every escape walked.
    if hit('\u{FFFD}') {
        return walk_spells(inner, hit);
    }
    // Otherwise each two-character escape whose character counts is looked for with
    // memmem (a `\\` after an odd run of backslashes is itself escaped), then the
    // `\\u` escapes: text with an escape every line is not walked escape by escape.
    const SHORT: [(u8, char); 8] = [
        (b'"', '"'),
        (b'\\', '\\'),
        (b'/', '/'),
        (b'b', '\u{8}'),
        (b'f', '\u{c}'),
        (b'n', '\n'),
        (b'r', '\r'),
        (b't', '\t'),
    ];
    let b = inner.as_bytes();
    let escape_at = |p: usize| b[..p].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 0;
    for (e, c) in SHORT {
        if hit(c) && escape_finder(e).find_iter(b).any(escape_at) {
            return true;
        }
    }
    u_escape_spells(inner, hit)
}

/// A searcher for `\\` followed by `e`, built once per process (building one costs
/// more than searching a line).
fn escape_finder(e: u8) -> &'static memchr::memmem::Finder<'static> {
    use std::sync::OnceLock;
    static FINDERS: [OnceLock<memchr::memmem::Finder<'static>>; 256] =
        [const { OnceLock::new() }; 256];
    FINDERS[usize::from(e)].get_or_init(|| memchr::memmem::Finder::new(&[b'\\', e]).into_owned())
}

/// `escape_spells` by walking every escape.
fn walk_spells(inner: &str, hit: &mut dyn FnMut(char) -> bool) -> bool {
    let mut found = false;
    walk(inner, &mut |piece| match piece {
        Decoded::Text(_) => true,
        Decoded::Char(c) => {
            found = hit(c);
            !found
        }
    });
    found
}

/// Whether a `\\u` escape in the contents decodes to a character for which `hit`
/// holds (found with `memmem`: the other escapes are not looked at).
fn u_escape_spells(inner: &str, hit: &mut dyn FnMut(char) -> bool) -> bool {
    let b = inner.as_bytes();
    for pos in escape_finder(b'u').find_iter(b) {
        // After an odd run of backslashes this `\\` is itself escaped.
        let run = b[..pos].iter().rev().take_while(|&&c| c == b'\\').count();
        if run % 2 == 1 {
            continue;
        }
        let c = u_escape(b, pos + 2).map_or('\u{FFFD}', |(c, _, _)| c);
        if hit(c) {
            return true;
        }
    }
    false
}
