//! What the escapes of JSON string contents decode to, found in one pass: the
//! characters a search must know are spelled by an escape (a tag's `<` as `\u003c`,
//! a pattern's `'` as `\u0027`). Text written by models has a `\n` on every line;
//! the pass steps over those without stopping, and says `\n` is there when any is.

use crate::load::record::jstring::u_escape;

/// The characters the escapes of `inner` decode to (as `unescape` decodes them;
/// U+FFFD for an invalid one), each once. `\n` is in the list when `\n` is written
/// anywhere in the text, escape or not: never missing, sometimes there for nothing.
pub fn spelled(inner: &str) -> Vec<char> {
    let b = inner.as_bytes();
    let mut out: Vec<char> = Vec::new();
    if memchr::memmem::find(b, b"\\n").is_some() {
        out.push('\n');
    }
    let mut i = 0;
    while let Some(p) = next_escape_not_n(b, i) {
        i = p + 2;
        let c = match b.get(p + 1) {
            None => '\u{FFFD}',
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'n') => '\n',
            Some(b'u') => match u_escape(b, i) {
                Some((c, len, _)) => {
                    i += len;
                    c
                }
                None => '\u{FFFD}',
            },
            Some(_) => '\u{FFFD}',
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The first backslash at or after `from` not followed by `n`. A backslash that
/// starts an escape is never inside another one here: scanning resumes after each
/// escape read, and a run of backslashes starts with one followed by a backslash.
fn next_escape_not_n(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present (checked just above).
            if let Some(found) = unsafe { x86::find_avx2(b, &mut i) } {
                return Some(found);
            }
        }
    }
    while i < b.len() {
        match memchr::memchr(b'\\', &b[i..]) {
            None => return None,
            Some(off) => {
                let p = i + off;
                if b.get(p + 1) != Some(&b'n') {
                    return Some(p);
                }
                i = p + 2;
            }
        }
    }
    None
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// Looks 32 bytes at a time from `*i` while a byte after the block can be read;
    /// leaves `*i` where it stopped when nothing was found.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn find_avx2(b: &[u8], i: &mut usize) -> Option<usize> {
        // SAFETY: every load reads 32 bytes inside `b` (`*i + 33 <= b.len()`),
        // unaligned loads allowed.
        unsafe {
            let slash = _mm256_set1_epi8(b'\\' as i8);
            let n = _mm256_set1_epi8(b'n' as i8);
            while *i + 33 <= b.len() {
                let x = _mm256_loadu_si256(b.as_ptr().add(*i).cast());
                let y = _mm256_loadu_si256(b.as_ptr().add(*i + 1).cast());
                let s = _mm256_movemask_epi8(_mm256_cmpeq_epi8(x, slash)) as u32;
                let after_n = _mm256_movemask_epi8(_mm256_cmpeq_epi8(y, n)) as u32;
                let m = s & !after_n;
                if m != 0 {
                    return Some(*i + m.trailing_zeros() as usize);
                }
                *i += 32;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::record::jstring::tests::escape_spells;
    use crate::load::record::jstring::tests::ESCAPE_PARTS;

    #[test]
    fn spells_what_each_escape_spells_and_newline_at_most_besides() {
        let parts = ESCAPE_PARTS;
        let chars = [
            'a',
            ' ',
            '\n',
            '\\',
            '"',
            '/',
            'A',
            '<',
            '\u{2019}',
            '\u{1f600}',
            '\u{FFFD}',
            '\t',
            '\r',
            '\u{8}',
            '\u{c}',
            'u',
            'n',
            'x',
        ];
        let mut k = 11u64;
        for _ in 0..20000 {
            let mut s = String::new();
            k = k
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for _ in 0..(k >> 58) {
                k = k
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push_str(parts[(k >> 33) as usize % parts.len()]);
            }
            let got = spelled(&s);
            for c in chars {
                let want = escape_spells(&s, &mut |x| x == c);
                if c == '\n' {
                    assert!(!want || got.contains(&c), "{c:?} in {s:?}");
                } else {
                    assert_eq!(got.contains(&c), want, "{c:?} in {s:?}");
                }
            }
        }
    }
}
