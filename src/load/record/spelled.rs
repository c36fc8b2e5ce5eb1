//! What a record's escapes decode to, noted while its strings are checked: a text
//! search asks it instead of passing over the text again (`escapes::spelled`).

/// The characters escapes decode to (as `unescape` decodes them), gathered while
/// strings are checked: a record's summary answers what `escapes::spelled` would find
/// in any of its texts, without a pass over them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Spelled {
    /// Two-character escapes met, one bit each, in `SIMPLE`'s order.
    simple: u8,
    /// The characters of `\u` escapes, each once: the first `WIDE` of them.
    wide: [char; WIDE],
    wide_len: u8,
    /// More distinct `\u` characters than `wide` holds.
    more: bool,
}

/// How many distinct `\u` characters a summary keeps before it says only "more".
const WIDE: usize = 6;

/// What the two-character escapes decode to: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`,
/// `\r`, `\t`.
const SIMPLE: [char; 8] = ['"', '\\', '/', '\u{8}', '\u{c}', '\n', '\r', '\t'];

impl Spelled {
    /// Notes the two-character escape whose second byte is `c`.
    #[inline(always)]
    pub(crate) fn simple(&mut self, c: u8) {
        // Each escape's bit by its second byte (a table: models write one on every line).
        const BIT: [u8; 128] = {
            let mut t = [0u8; 128];
            t[b'"' as usize] = 1;
            t[b'\\' as usize] = 1 << 1;
            t[b'/' as usize] = 1 << 2;
            t[b'b' as usize] = 1 << 3;
            t[b'f' as usize] = 1 << 4;
            t[b'n' as usize] = 1 << 5;
            t[b'r' as usize] = 1 << 6;
            t[b't' as usize] = 1 << 7;
            t
        };
        self.simple |= BIT[usize::from(c & 0x7f)];
    }

    /// Notes a `\u` escape's character.
    pub(crate) fn wide(&mut self, c: char) {
        let n = usize::from(self.wide_len);
        if self.wide[..n].contains(&c) {
            return;
        }
        if n == WIDE {
            self.more = true;
        } else {
            self.wide[n] = c;
            self.wide_len += 1;
        }
    }

    /// Adds what another string's escapes decode to.
    pub fn merge(&mut self, other: &Spelled) {
        self.simple |= other.simple;
        self.more |= other.more;
        for &c in &other.wide[..usize::from(other.wide_len)] {
            self.wide(c);
        }
    }

    /// The characters, each once; `None` when there were too many to keep.
    pub fn chars(&self) -> Option<Vec<char>> {
        if self.more {
            return None;
        }
        let simple = SIMPLE
            .iter()
            .enumerate()
            .filter(|(k, _)| self.simple & (1 << k) != 0)
            .map(|(_, c)| *c);
        Some(
            simple
                .chain(self.wide[..usize::from(self.wide_len)].iter().copied())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::record::escapes;
    use crate::load::record::jstring::{string_spelling, tests::ESCAPE_PARTS, Met};

    /// Up to `most - 1` of `parts`, picked at random and joined.
    fn joined(rng: &mut crate::synth::Rng, parts: &[&str], most: u64) -> String {
        (0..rng.below(most)).map(|_| *rng.pick(parts)).collect()
    }

    /// Checking a string while noting what it spells answers as the plain check does:
    /// the same end, or the same error at the same place, and the same flags.
    #[test]
    fn noting_what_escapes_spell_changes_no_answer_of_the_check() {
        use crate::load::record::jstring::string;
        let mut rng = crate::synth::Rng::new(21);
        let parts: Vec<&str> = ESCAPE_PARTS
            .iter()
            .copied()
            .chain(["\\ud800\\u0041", "\\ud800\\uzz", "\\udc00", "\"", "\u{1}"])
            .collect();
        for _ in 0..20_000 {
            let inner = joined(&mut rng, &parts, 10);
            let text = format!("\"{inner}\"");
            let (mut plain, mut noted) = (Met::default(), Met::default());
            let a = string(text.as_bytes(), 0, &mut plain);
            let b = string_spelling(text.as_bytes(), 0, &mut noted, &mut Spelled::default());
            assert_eq!(a, b, "{inner}");
            assert_eq!(
                (plain.escape, plain.lone_surrogate),
                (noted.escape, noted.lone_surrogate),
                "{inner}"
            );
        }
    }

    /// What checking a string notes is what `escapes::spelled` finds in it, each
    /// character once, or "more" past `WIDE` distinct `\u` characters.
    #[test]
    fn a_strings_check_notes_what_its_escapes_spell() {
        let mut rng = crate::synth::Rng::new(12);
        // Only parts that read as JSON, and none where `\\` meets an `n`: the pass
        // says `\n` for those too ("never missing, sometimes there for nothing").
        let parts: Vec<&str> = ESCAPE_PARTS
            .iter()
            .copied()
            .filter(|p| !matches!(*p, "\\x" | "\\u00zz" | "\\" | "n" | "\\\\n"))
            .chain(["\\u00e9", "\\u4e2d", "\\u0027", "\\u003e", "\\udc00", "é"])
            .collect();
        let (mut more, mut exact) = (0, 0);
        for _ in 0..20_000 {
            let inner = joined(&mut rng, &parts, 14);
            let text = format!("\"{inner}\"");
            let mut spelled = Spelled::default();
            let close = string_spelling(text.as_bytes(), 0, &mut Met::default(), &mut spelled);
            assert_eq!(close, Ok(text.len() - 1), "{inner}");
            let mut want = escapes::spelled(&inner);
            want.sort_unstable();
            match spelled.chars() {
                Some(mut got) => {
                    got.sort_unstable();
                    assert_eq!(got, want, "{inner}");
                    exact += 1;
                }
                None => {
                    let wide = want.iter().filter(|c| !SIMPLE.contains(c)).count();
                    assert!(wide > WIDE, "{inner}: {want:?}");
                    more += 1;
                }
            }
        }
        assert!(more > 50 && exact > 10_000, "{more} {exact}");
        // Strings added together: every character of each, once.
        let mut all = Spelled::default();
        for inner in ["\\n\\u2019", "\\t", "\\u2019\\u003c"] {
            let text = format!("\"{inner}\"");
            let mut one = Spelled::default();
            string_spelling(text.as_bytes(), 0, &mut Met::default(), &mut one).unwrap();
            all.merge(&one);
        }
        let mut got = all.chars().unwrap();
        got.sort_unstable();
        assert_eq!(got, ['\t', '\n', '<', '\u{2019}']);
    }
}
