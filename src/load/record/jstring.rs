//! JSON strings: checking one at scanning speed (escapes, control characters, lone
//! surrogates; AVX2 or SSE2 where there, eight bytes at a time elsewhere) and decoding
//! its contents.

/// Why a value is not valid JSON: byte offset, whether the text ended early, message.
pub type Fail = (usize, bool, &'static str);
pub use super::spelled::Spelled;
use std::borrow::Cow;

/// What checking a string met besides its end.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Met {
    /// A `\u` escape of half a surrogate pair alone.
    pub lone_surrogate: bool,
    /// Any escape (a string without one is its own text, nothing to decode).
    pub escape: bool,
}

/// The byte range of a string's contents: the byte after the opening quote up to the
/// closing quote. Checks escapes and control characters; notes in `met` lone
/// surrogates and whether there was any escape.
#[inline]
pub(crate) fn string(b: &[u8], open: usize, met: &mut Met) -> Result<usize, Fail> {
    match short_end(b, open) {
        Some(close) => Ok(close),
        None => string_full(b, open, met),
    }
}

/// `string` past the short strings `short_end` settles.
fn string_full(b: &[u8], open: usize, met: &mut Met) -> Result<usize, Fail> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present (checked just above).
            return unsafe { x86::string_avx2(b, open, met) };
        }
    }
    string_with::<false>(
        b,
        open,
        open + 1,
        met,
        &mut Spelled::default(),
        next_special,
    )
}

/// The closing quote of a string that ends within the 32 bytes after its opening
/// quote with no backslash or control character before it (keys, ids, names, most
/// of the strings of a record), found where the caller is, 16 bytes at a time; `None`
/// for the full check, which would find the same quote.
#[inline(always)]
fn short_end(b: &[u8], open: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut at = open + 1;
        for _ in 0..2 {
            if at + 16 > b.len() {
                break;
            }
            // SAFETY: reads the 16 bytes at `at`, inside `b`; SSE2 is part of x86-64.
            let (quotes, special) = unsafe { x86::quotes_and_specials(b, at) };
            // Specials before the first quote, or anywhere when there is none (`q`
            // is then 32: every bit of the mask).
            let q = quotes.trailing_zeros();
            if u64::from(special) & ((1u64 << q) - 1) != 0 {
                break;
            }
            if quotes != 0 {
                return Some(at + q as usize);
            }
            at += 16;
        }
    }
    let _ = (b, open);
    None
}

/// `string`, adding to `spelled` what its escapes decode to (for a search that reads
/// the record next; other reads do not pay for it).
pub(crate) fn string_spelling(
    b: &[u8],
    open: usize,
    met: &mut Met,
    spelled: &mut Spelled,
) -> Result<usize, Fail> {
    if let Some(close) = short_end(b, open) {
        return Ok(close);
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present (checked just above).
            return unsafe { x86::string_spelling_avx2(b, open, met, spelled) };
        }
    }
    string_with::<true>(b, open, open + 1, met, spelled, next_special)
}

/// `string` from `from` (past the opening quote, or past content already checked),
/// finding the end of each run of plain content with `scan`.
#[inline(always)]
fn string_with<const SPELL: bool>(
    b: &[u8],
    open: usize,
    from: usize,
    met: &mut Met,
    spelled: &mut Spelled,
    scan: impl Fn(&[u8]) -> Option<usize>,
) -> Result<usize, Fail> {
    let mut i = from;
    loop {
        let Some(off) = scan(&b[i..]) else {
            return Err((open, true, "unterminated string"));
        };
        i += off;
        if b[i] != b'\\' {
            return ended(b, open, i);
        }
        i = escape::<SPELL>(b, open, i, met, spelled)?;
    }
}

/// The string opened at `open` meets the quote or control character at `at`: its
/// end, or why it is refused.
#[inline(always)]
fn ended(b: &[u8], open: usize, at: usize) -> Result<usize, Fail> {
    match b[at] {
        b'"' => Ok(at),
        // A string that never closes is a text cut short, whatever it holds.
        _ if memchr::memchr(b'"', &b[at..]).is_none() => Err((open, true, "unterminated string")),
        _ => Err((at, false, "control character in a string (must be escaped)")),
    }
}

/// Checks the escape whose backslash is at `at`, in the string opened at `open`, and
/// returns the position after it.
#[inline(always)]
fn escape<const SPELL: bool>(
    b: &[u8],
    open: usize,
    at: usize,
    met: &mut Met,
    spelled: &mut Spelled,
) -> Result<usize, Fail> {
    met.escape = true;
    match b.get(at + 1) {
        None => Err((open, true, "unterminated string")),
        Some(&c @ (b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't')) => {
            if SPELL {
                spelled.simple(c);
            }
            Ok(at + 2)
        }
        Some(b'u') => u_escape_met::<SPELL>(b, at, met, spelled),
        Some(_) => Err((at, false, "invalid escape in a string")),
    }
}

/// Checks the `\\u` escape at `i` (its backslash) and returns the position after it,
/// noting in `met` a lone surrogate and, with `SPELL`, in `spelled` its character (a
/// pair is one character, half of one U+FFFD).
#[inline(always)]
fn u_escape_met<const SPELL: bool>(
    b: &[u8],
    i: usize,
    met: &mut Met,
    spelled: &mut Spelled,
) -> Result<usize, Fail> {
    let (c, len, lone) = u_escape(b, i + 2).ok_or((i, false, "invalid \\u escape"))?;
    met.lone_surrogate |= lone;
    if SPELL {
        spelled.wide(c);
    }
    Ok(i + 2 + len)
}

/// Whether a byte ends a run of plain string content.
#[inline(always)]
fn special(c: u8) -> bool {
    c == b'"' || c == b'\\' || c < 0x20
}

/// The first byte that ends a run of plain string content: `"`, `\\`, or a control
/// character (below 0x20), sixteen bytes at a time with SSE2 (every x86-64), eight
/// elsewhere. (With AVX2, `x86::string_avx2` scans 64 at a time.)
pub(crate) fn next_special(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        if let Some(found) = unsafe { x86::find_sse2(s, &mut i) } {
            return Some(found);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HI: u64 = 0x8080_8080_8080_8080;
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HI;
        while i + 8 <= s.len() {
            let x = u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
            let m = zero(x ^ (ONES * u64::from(b'"')))
                | zero(x ^ (ONES * u64::from(b'\\')))
                | (x.wrapping_sub(ONES * 0x20) & !x & HI);
            if m != 0 {
                break;
            }
            i += 8;
        }
    }
    s[i..].iter().position(|&c| special(c)).map(|p| i + p)
}

/// Vector scans for strings: the first special byte of a block is found with one
/// compare per kind and a movemask.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// `string` with 64-byte scans, compiled for AVX2.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn string_avx2(
        b: &[u8],
        open: usize,
        met: &mut super::Met,
    ) -> Result<usize, super::Fail> {
        // Never written: `false` leaves what escapes spell unnoted.
        let mut unused = super::Spelled::default();
        // SAFETY: AVX2 is present (this function's contract).
        unsafe { blocks::<false>(b, open, met, &mut unused) }
    }

    /// `string_spelling` with 64-byte scans, compiled for AVX2.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn string_spelling_avx2(
        b: &[u8],
        open: usize,
        met: &mut super::Met,
        spelled: &mut super::Spelled,
    ) -> Result<usize, super::Fail> {
        // SAFETY: AVX2 is present (this function's contract).
        unsafe { blocks::<true>(b, open, met, spelled) }
    }

    /// The string check 64 bytes at a time (two 32-byte compares, one mask): each
    /// block's quotes, backslashes and control characters taken in order from its
    /// mask, so an escape costs a look at its bytes and not a new scan from past it
    /// (model text has one every hundred bytes or so). After an escape running past
    /// the block the scan goes on from its end; the last bytes of the text are
    /// checked 16 at a time.
    ///
    /// # Safety
    /// The CPU must have AVX2; only called from the functions above, which have it.
    #[inline(always)]
    unsafe fn blocks<const SPELL: bool>(
        b: &[u8],
        open: usize,
        met: &mut super::Met,
        spelled: &mut super::Spelled,
    ) -> Result<usize, super::Fail> {
        let mut i = open + 1;
        // SAFETY: every load reads 32 bytes inside `b` (at `i` and `i + 32`, with
        // `i + 64 <= b.len()`), unaligned loads allowed; AVX2 is present (the
        // caller's contract).
        unsafe {
            let quote = _mm256_set1_epi8(b'"' as i8);
            let slash = _mm256_set1_epi8(b'\\' as i8);
            let ctl = _mm256_set1_epi8(0x1f);
            let special = |at: usize| {
                let x = _mm256_loadu_si256(b.as_ptr().add(at).cast());
                let q = _mm256_cmpeq_epi8(x, quote);
                let s = _mm256_cmpeq_epi8(x, slash);
                let c = _mm256_cmpeq_epi8(_mm256_min_epu8(x, ctl), x);
                _mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(q, s), c)) as u32
            };
            'blocks: while i + 64 <= b.len() {
                let mut m = u64::from(special(i)) | u64::from(special(i + 32)) << 32;
                while m != 0 {
                    let at = i + m.trailing_zeros() as usize;
                    if b[at] != b'\\' {
                        return super::ended(b, open, at);
                    }
                    let next = super::escape::<SPELL>(b, open, at, met, spelled)?;
                    // What is left of the block past the escape.
                    let rel = next - i;
                    if rel >= 64 {
                        i = next;
                        continue 'blocks;
                    }
                    m &= (!0u64).checked_shl(rel as u32).unwrap_or(0);
                }
                i += 64;
            }
        }
        super::string_with::<SPELL>(b, open, i, met, spelled, super::next_special)
    }

    /// For the 16 bytes at `at`: bit k of the first set when byte `at + k` is a quote,
    /// of the second when it is a backslash or a control character.
    ///
    /// # Safety
    /// `at + 16 <= b.len()`; SSE2 (every x86-64 has it).
    #[inline(always)]
    pub unsafe fn quotes_and_specials(b: &[u8], at: usize) -> (u32, u32) {
        // SAFETY: the caller keeps the load inside `b`.
        unsafe {
            let x = _mm_loadu_si128(b.as_ptr().add(at).cast());
            let q = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
            let s = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
            let c = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
            (
                _mm_movemask_epi8(q) as u32,
                _mm_movemask_epi8(_mm_or_si128(s, c)) as u32,
            )
        }
    }

    /// Scans 16 bytes at a time from `*i`: the first special byte, or `None` with `*i`
    /// where fewer than 16 bytes are left.
    ///
    /// # Safety
    /// The CPU must have SSE2 (every x86-64 does).
    #[inline(always)]
    pub unsafe fn find_sse2(s: &[u8], i: &mut usize) -> Option<usize> {
        // SAFETY: every load reads 16 bytes inside `s` (`*i + 16 <= s.len()`).
        unsafe {
            let quote = _mm_set1_epi8(b'"' as i8);
            let slash = _mm_set1_epi8(b'\\' as i8);
            let ctl = _mm_set1_epi8(0x1f);
            while *i + 16 <= s.len() {
                let x = _mm_loadu_si128(s.as_ptr().add(*i).cast());
                let q = _mm_cmpeq_epi8(x, quote);
                let b = _mm_cmpeq_epi8(x, slash);
                let c = _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x);
                let m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q, b), c)) as u32;
                if m != 0 {
                    return Some(*i + m.trailing_zeros() as usize);
                }
                *i += 16;
            }
        }
        None
    }
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let h = b.get(at..at + 4)?;
    let mut v = 0u32;
    for &c in h {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

/// Decodes string contents; `true` in the second place when an invalid escape or a
/// lone surrogate became U+FFFD.
pub fn unescape(inner: &str) -> (Cow<'_, str>, bool) {
    let plain = match inner.len() {
        // Keys and short values: looked at here, eight bytes at a time, cheaper than
        // a call.
        0..=32 => !has_backslash_short(inner.as_bytes()),
        _ => memchr::memchr(b'\\', inner.as_bytes()).is_none(),
    };
    if plain {
        return (Cow::Borrowed(inner), false);
    }
    let mut out = String::with_capacity(inner.len());
    let lossy = unescape_lossy_into(inner, &mut out);
    (Cow::Owned(out), lossy)
}

/// Whether a few bytes hold a backslash: eight at a time (a byte equal to `\\` is a
/// zero byte after the exclusive or), the rest one by one.
#[inline(always)]
fn has_backslash_short(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("eight bytes")) ^ (ONES * u64::from(b'\\'));
        if x.wrapping_sub(ONES) & !x & HIGH != 0 {
            return true;
        }
    }
    for &c in words.remainder() {
        if c == b'\\' {
            return true;
        }
    }
    false
}

/// Appends the decoded contents to `out`.
pub fn unescape_into(inner: &str, out: &mut String) {
    unescape_lossy_into(inner, out);
}

fn unescape_lossy_into(inner: &str, out: &mut String) -> bool {
    walk(inner, &mut |piece| {
        match piece {
            Decoded::Text(s) => out.push_str(s),
            Decoded::Char(c) => out.push(c),
        }
        true
    })
}

/// A step of decoding: a run of plain text, or an escape's character.
enum Decoded<'s> {
    Text(&'s str),
    Char(char),
}

/// The character of the `\\u` escape whose four hex digits start at `i`: with the
/// bytes it takes (4, or 10 for a surrogate pair) and whether it was lossy (a lone
/// surrogate becomes U+FFFD); `None` when the digits are not hex.
pub(crate) fn u_escape(b: &[u8], i: usize) -> Option<(char, usize, bool)> {
    let cp = hex4(b, i)?;
    if (0xD800..0xDC00).contains(&cp) {
        let j = i + 4;
        let low = (b.get(j) == Some(&b'\\') && b.get(j + 1) == Some(&b'u'))
            .then(|| hex4(b, j + 2))
            .flatten()
            .filter(|l| (0xDC00..0xE000).contains(l));
        return Some(match low {
            Some(l) => (
                char::from_u32(0x10000 + ((cp - 0xD800) << 10) + (l - 0xDC00))
                    .unwrap_or('\u{FFFD}'),
                10,
                false,
            ),
            None => ('\u{FFFD}', 4, true),
        });
    }
    Some(match char::from_u32(cp) {
        Some(c) => (c, 4, false),
        None => ('\u{FFFD}', 4, true),
    })
}

/// Walks string contents in order: runs of plain text and each escape's character go
/// to `step` (which returns `false` to stop). Returns whether a character was lossy.
fn walk<'s>(inner: &'s str, step: &mut dyn FnMut(Decoded<'s>) -> bool) -> bool {
    let b = inner.as_bytes();
    let mut lossy = false;
    let mut i = 0;
    while i < b.len() {
        match memchr::memchr(b'\\', &b[i..]) {
            Some(0) => {}
            Some(off) => {
                if !step(Decoded::Text(&inner[i..i + off])) {
                    break;
                }
                i += off;
            }
            None => {
                step(Decoded::Text(&inner[i..]));
                break;
            }
        }
        let Some(&e) = b.get(i + 1) else {
            step(Decoded::Char('\u{FFFD}'));
            lossy = true;
            break;
        };
        i += 2;
        let c = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => match u_escape(b, i) {
                Some((c, len, bad)) => {
                    i += len;
                    lossy |= bad;
                    c
                }
                None => {
                    lossy = true;
                    if !step(Decoded::Char('\u{FFFD}')) {
                        break;
                    }
                    continue;
                }
            },
            _ => {
                lossy = true;
                '\u{FFFD}'
            }
        };
        if !step(Decoded::Char(c)) {
            break;
        }
    }
    lossy
}

#[cfg(test)]
#[path = "jstring_tests.rs"]
pub(crate) mod tests;
