//! Makes model-written text safe to put on a terminal: control characters, escape
//! sequences and bidirectional overrides become visible placeholders.

use std::borrow::Cow;

/// True for characters that must never reach the terminal as they are.
pub fn is_hostile(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || u == 0x7f
        || (0x80..=0x9f).contains(&u)
        || matches!(u, 0x200e | 0x200f | 0x061c)
        || (0x202a..=0x202e).contains(&u)
        || (0x2066..=0x2069).contains(&u)
}

/// The placeholder shown for a hostile character.
pub fn placeholder(c: char) -> Cow<'static, str> {
    let u = c as u32;
    match u {
        // C0 controls and DEL have their own "control picture" glyphs.
        0x00..=0x1f => Cow::Owned(char::from_u32(0x2400 + u).unwrap_or('?').to_string()),
        0x7f => Cow::Borrowed("␡"),
        _ => Cow::Owned(format!("<U+{u:04X}>")),
    }
}

/// Replaces every hostile character; with `keep_layout`, newlines and tabs pass through
/// (for multi-line views that lay text out themselves).
pub fn visible(s: &str, keep_layout: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_layout && (c == '\n' || c == '\t');
    if !s.chars().any(|c| is_hostile(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) && !keep(c) {
            out.push_str(&placeholder(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_become_placeholders() {
        let s = "a\x1b[31mred\x07\u{202e}evil\u{9b}x";
        let v = visible(s, false);
        assert_eq!(v, "a␛[31mred␇<U+202E>evil<U+009B>x");
        assert!(!v.chars().any(is_hostile));
    }

    #[test]
    fn layout_characters_kept_on_request() {
        assert_eq!(visible("a\nb\tc", true), "a\nb\tc");
        assert_eq!(visible("a\nb", false), "a␊b");
        assert!(matches!(visible("plain é 日本", false), Cow::Borrowed(_)));
    }
}
