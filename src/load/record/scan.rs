//! Structural scanning inside a record already checked: where whitespace, a string
//! or a whole value ends, found by skipping strings with `memchr` and matching
//! brackets, without checking again what the strict reading checked.

use crate::load::record::raw::ScanErrorKind;
use crate::load::record::strict;

/// Past the JSON whitespace at `pos` (byte by byte: within a checked record, where
/// the values are, whitespace is short).
#[inline(always)]
pub(crate) fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    // One compare for the common case: a byte above the space is no whitespace.
    while let Some(&c) = b.get(pos) {
        if c > b' ' || !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            break;
        }
        pos += 1;
    }
    pos
}

/// Past the JSON whitespace at `pos`, the indentation after a line end eight spaces
/// at a time (for checking pretty-printed records).
pub(crate) fn skip_indented_ws(b: &[u8], mut pos: usize) -> usize {
    while pos < b.len() {
        match b[pos] {
            b'\n' => pos = indentation_end(b, pos + 1),
            b' ' | b'\r' | b'\t' => pos += 1,
            _ => break,
        }
    }
    pos
}

/// Past the spaces at `pos`, eight at a time: pretty-printed records indent each line
/// by a run of them (compact records never come here).
fn indentation_end(b: &[u8], mut pos: usize) -> usize {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    while let Some(chunk) = b.get(pos..pos + 8) {
        if u64::from_ne_bytes(chunk.try_into().expect("8 bytes")) != SPACES {
            break;
        }
        pos += 8;
    }
    pos
}

type ScanFail = (usize, ScanErrorKind, &'static str);

/// The end of the value starting at `pos` inside a checked record: containers
/// matched structurally.
pub(crate) fn scan_value(b: &[u8], pos: usize) -> Result<usize, ScanFail> {
    match b.get(pos) {
        None => Err((pos, ScanErrorKind::Eof, "record ends early")),
        Some(b'"') => {
            let end = string_end(b, pos + 1);
            if end > b.len() {
                Err((pos, ScanErrorKind::Eof, "unterminated string"))
            } else {
                Ok(end)
            }
        }
        Some(b'{' | b'[') => {
            let end = value_end(b, pos);
            if end > b.len() {
                Err((pos, ScanErrorKind::Eof, "record ends early"))
            } else {
                Ok(end)
            }
        }
        Some(_) => {
            let mut end = pos;
            while end < b.len()
                && !matches!(b[end], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                end += 1;
            }
            let tok = &b[pos..end];
            let ok = matches!(tok, b"true" | b"false" | b"null") || strict::is_number(tok);
            if ok {
                Ok(end)
            } else {
                Err((pos, ScanErrorKind::Syntax, "expected a value"))
            }
        }
    }
}

/// The end of the JSON value starting at `pos` (strings skipped with memchr), found by
/// bracket matching; `bytes.len()` or more when it never ends.
pub fn value_end(bytes: &[u8], pos: usize) -> usize {
    let mut depth = 0usize;
    let mut i = pos;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i + 1);
                if depth == 0 {
                    return i.min(bytes.len());
                }
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return i;
                }
            }
            b',' if depth == 0 => return i,
            c if depth == 0 && c.is_ascii_whitespace() => return i,
            _ if depth > 0 => {
                // Inside a container only quotes and brackets matter: skip to the
                // next one (whitespace, numbers, commas and colons) in a tight loop.
                i += 1;
                while i < bytes.len() && !NESTING[usize::from(bytes[i])] {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The bytes that change what `value_end` is inside: quotes and brackets.
static NESTING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// Index just past the closing quote of a string whose content starts at `i`;
/// past `bytes.len()` when the string never closes. Each quote found is the end
/// unless an odd run of backslashes precedes it, so escapes (a `\\n` every line of
/// escaped text) cost nothing but a look back.
#[inline]
pub fn string_end(bytes: &[u8], start: usize) -> usize {
    match near_end(bytes, start) {
        Near::End(end) => end,
        Near::Escape(at) | Near::Beyond(at) => far_string_end(bytes, start, at),
    }
}

/// `string_end` for a key: also whether the string holds an escape (a key without one
/// is compared as written, with nothing decoded).
#[inline]
pub fn key_end(bytes: &[u8], start: usize) -> (usize, bool) {
    match near_end(bytes, start) {
        Near::End(end) => (end, false),
        Near::Escape(at) => (far_string_end(bytes, start, at), true),
        Near::Beyond(at) => {
            let end = far_string_end(bytes, start, at);
            let escaped = memchr::memchr(b'\\', &bytes[at..end.min(bytes.len())]).is_some();
            (end, escaped)
        }
    }
}

/// What the first bytes of a string say.
enum Near {
    /// It ends there: just past its closing quote.
    End(usize),
    /// A backslash comes first, here.
    Escape(usize),
    /// Neither quote nor backslash before here.
    Beyond(usize),
}

/// Keys and short values end within a few bytes: their first 32 are looked at where
/// the caller is, 16 at a time and then one by one, before `memchr` is called.
#[inline(always)]
fn near_end(bytes: &[u8], start: usize) -> Near {
    let near = bytes.len().min(start.saturating_add(32));
    let mut i = start;
    #[cfg(target_arch = "x86_64")]
    while i < near && i + 16 <= bytes.len() {
        // SAFETY: reads the 16 bytes at `i`, inside `bytes`; SSE2 is part of x86-64.
        let m = unsafe { quote_or_backslash(bytes, i) };
        if m != 0 {
            let j = i + m.trailing_zeros() as usize;
            return match bytes[j] {
                b'"' => Near::End(j + 1),
                _ => Near::Escape(j),
            };
        }
        i += 16;
    }
    while i < near {
        match bytes[i] {
            b'"' => return Near::End(i + 1),
            b'\\' => return Near::Escape(i),
            _ => i += 1,
        }
    }
    Near::Beyond(i)
}

/// Bit k set when byte `at + k` is a quote or a backslash, for the 16 bytes at `at`.
///
/// # Safety
/// `at + 16 <= bytes.len()`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn quote_or_backslash(bytes: &[u8], at: usize) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: the caller keeps the load inside `bytes`.
    unsafe {
        let x = _mm_loadu_si128(bytes.as_ptr().add(at).cast());
        let q = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
        let b = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
        _mm_movemask_epi8(_mm_or_si128(q, b)) as u32
    }
}

/// `string_end` past the first bytes: quotes found by `memchr` from `from`.
#[inline(never)]
fn far_string_end(bytes: &[u8], start: usize, from: usize) -> usize {
    let mut i = from;
    while i <= bytes.len() {
        let Some(off) = memchr::memchr(b'"', &bytes[i..]) else {
            break;
        };
        let q = i + off;
        let run = bytes[start..q]
            .iter()
            .rev()
            .take_while(|&&c| c == b'\\')
            .count();
        if run % 2 == 0 {
            return q + 1;
        }
        i = q + 1;
    }
    bytes.len() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Up to `max` (exclusive) random bytes: `common.0` with weight `common.1`
    /// against one for each of `others`.
    fn random_bytes(
        rng: &mut crate::synth::Rng,
        max: u64,
        common: (u8, u64),
        others: &[u8],
    ) -> Vec<u8> {
        let (byte, weight) = common;
        (0..rng.below(max))
            .map(|_| match rng.below(weight + others.len() as u64) {
                k if k < weight => byte,
                k => others[(k - weight) as usize],
            })
            .collect()
    }

    #[test]
    fn whitespace_is_skipped_as_one_byte_at_a_time_would() {
        let mut rng = crate::synth::Rng::new(9);
        for _ in 0..5_000 {
            let b = random_bytes(&mut rng, 40, (b' ', 6), b"\n\r\tx");
            let len = b.len();
            for pos in 0..=len {
                let mut slow = pos;
                while slow < len && matches!(b[slow], b' ' | b'\n' | b'\r' | b'\t') {
                    slow += 1;
                }
                assert_eq!(
                    skip_indented_ws(&b, pos),
                    slow,
                    "{:?} from {pos}",
                    String::from_utf8_lossy(&b)
                );
            }
        }
        assert_eq!(skip_indented_ws(b"", 0), 0);
        assert_eq!(skip_indented_ws(b"  ", 5), 5, "past the end stays put");
    }

    #[test]
    fn string_end_finds_the_unescaped_quote() {
        for (text, want) in [
            (r#""abc" x"#, 5),
            (r#""a\"b" x"#, 6),
            (r#""a\\" x"#, 5),
            (r#""a\\\"" x"#, 7),
            (r#""\n\u2019\\\\" x"#, 14),
            (r#""open"#, 6),
            (r#""open\"#, 7),
            (r#""open\""#, 8),
        ] {
            assert_eq!(string_end(text.as_bytes(), 1), want, "{text}");
        }
    }

    #[test]
    fn string_and_key_ends_agree_with_a_byte_by_byte_reading() {
        let slow = |b: &[u8], start: usize| {
            let mut i = start;
            while i < b.len() {
                match b[i] {
                    b'"' => return i + 1,
                    b'\\' => i += 2,
                    _ => i += 1,
                }
            }
            b.len() + 1
        };
        let mut rng = crate::synth::Rng::new(17);
        for _ in 0..20_000 {
            let b = random_bytes(&mut rng, 90, (b'a', 7), b"\"\\x \xe2");
            let len = b.len();
            for start in 0..=len.min(20) {
                let end = slow(&b, start);
                assert_eq!(string_end(&b, start), end, "{b:?} from {start}");
                // A key's end is the same, and it says whether an escape came before.
                let escaped = b[start..(end - 1).min(len)].contains(&b'\\');
                assert_eq!(key_end(&b, start), (end, escaped), "{b:?} from {start}");
            }
        }
    }
}
