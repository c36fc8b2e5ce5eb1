//! Makes model-written text safe to put on a terminal: control characters, escape
//! sequences, bidirectional overrides, line and paragraph separators and invisible
//! characters (zero-width, soft hyphen, fillers) become visible placeholders, so text
//! cannot move the cursor, and two different ids never look the same.

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
        || is_invisible(u)
}

/// Separators that break lines, and characters that take no space or look like a
/// space (Unicode's default-ignorable code points, fillers), but the variation
/// selectors that emoji use.
fn is_invisible(u: u32) -> bool {
    matches!(
        u,
        0x00ad
            | 0x034f
            | 0x115f
            | 0x1160
            | 0x17b4
            | 0x17b5
            | 0x2028
            | 0x2029
            | 0x3164
            | 0xfeff
            | 0xffa0
    ) || (0x180b..=0x180f).contains(&u)
        || (0x200b..=0x200d).contains(&u)
        || (0x2060..=0x2064).contains(&u)
        || (0xfff0..=0xfff8).contains(&u)
        || (0xe0000..=0xe0fff).contains(&u)
}

/// JSON text with every character `visible` would replace written as a `\uXXXX`
/// escape (C1 controls, bidi overrides, separators, invisible characters): a JSON
/// reader decodes the same string, and a terminal shows nothing hostile. Such
/// characters only ever stand inside strings, where an escape means the same.
pub fn json_safe(text: &str) -> Cow<'_, str> {
    // C0 controls inside strings are escaped by every JSON writer already; outside
    // them only the layout's newlines and spaces stand, which stay.
    let escape = |c: char| is_hostile(c) && c >= ' ';
    if !text.chars().any(escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Characters a table cell shows at most: longer text is cut with `…` (widths past
/// this would push every other column off the screen).
pub const MAX_CELL: usize = 120;

/// A value for a table cell: `visible`, then cut to `MAX_CELL` characters.
pub fn cell(s: &str) -> Cow<'_, str> {
    let v = visible(s, false);
    if v.chars().count() <= MAX_CELL {
        return v;
    }
    // Cut in the middle: a path keeps its file and line, an id its end.
    Cow::Owned(super::idcut::middle_cut(&v, MAX_CELL))
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
    fn separators_and_invisible_characters_become_placeholders() {
        let v = visible("a\u{2028}b\u{200b}c\u{ad}d\u{3164}e\u{feff}", false);
        assert_eq!(v, "a<U+2028>b<U+200B>c<U+00AD>d<U+3164>e<U+FEFF>");
        // Emoji keep their variation selector.
        assert_eq!(visible("\u{2764}\u{fe0f}", false), "\u{2764}\u{fe0f}");
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_its_escapes() {
        let v = serde_json::json!({"c": "a\u{9b}b\u{202e}c\u{2028}\u{e0041}\u{1b}", "d": [1, 2]});
        let text = serde_json::to_string_pretty(&v).unwrap();
        let safe = json_safe(&text);
        assert!(!safe.chars().any(|c| is_hostile(c) && c != '\n'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn cells_are_cut_to_a_width() {
        let long = "x".repeat(70_000);
        let c = cell(&long);
        assert_eq!(c.chars().count(), MAX_CELL);
        assert!(c.contains('…') && c.ends_with('x'));
        // A long path keeps its file and line.
        let path = format!("{}/results.json:114", "deep/".repeat(40));
        assert!(cell(&path).ends_with("results.json:114"), "{}", cell(&path));
        assert_eq!(cell("short"), "short");
    }

    #[test]
    fn layout_characters_kept_on_request() {
        assert_eq!(visible("a\nb\tc", true), "a\nb\tc");
        assert_eq!(visible("a\nb", false), "a␊b");
        assert!(matches!(visible("plain é 日本", false), Cow::Borrowed(_)));
    }
}
