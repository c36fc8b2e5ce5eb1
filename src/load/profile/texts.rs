//! A transcript's texts as pieces of its record: JSON string contents with their
//! escapes not decoded, and text that stands as it is (numbers and booleans used as
//! text, the tags and newlines that join fields). The full read decodes them; text
//! search reads them as they lie.

use crate::load::record::jstring;
use crate::load::record::members::{items_lazily, Lookup};
use crate::load::record::raw::Raw;
use std::borrow::Cow;

/// One piece of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// The contents of a JSON string literal (between the quotes), escapes as stored.
    Json(&'a str),
    /// Text as it is: a number or boolean used as text, a separator, or a CSV cell as
    /// it stands in the file. Never holds a backslash.
    Plain(&'a str),
}

/// A text: its pieces, concatenated in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Vec<Piece<'a>>);

impl<'a> Text<'a> {
    pub fn one(piece: Piece<'a>) -> Text<'a> {
        Text(vec![piece])
    }

    /// Whether a piece holds an escape sequence (so the stored text is not the text).
    pub fn has_escapes(&self) -> bool {
        self.0
            .iter()
            .any(|p| matches!(p, Piece::Json(s) if memchr::memchr(b'\\', s.as_bytes()).is_some()))
    }

    /// The pieces as stored, concatenated: borrowed when there is one piece. Escapes
    /// in it never cross pieces (string contents end with whole escapes, and string
    /// pieces are always apart), so it decodes to the text as one JSON string would.
    pub fn stored(&self) -> Cow<'a, str> {
        let piece = |p: &Piece<'a>| match *p {
            Piece::Json(s) | Piece::Plain(s) => s,
        };
        match self.0.as_slice() {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(piece(one)),
            pieces => {
                // Sized once: a scratchpad and its answer are kilobytes each.
                let mut joined = String::with_capacity(pieces.iter().map(|p| piece(p).len()).sum());
                for p in pieces {
                    joined.push_str(piece(p));
                }
                Cow::Owned(joined)
            }
        }
    }

    /// Appends the decoded text to `out`.
    pub fn decode_into(&self, out: &mut String) {
        for p in &self.0 {
            match p {
                Piece::Json(s) => jstring::unescape_into(s, out),
                Piece::Plain(s) => out.push_str(s),
            }
        }
    }

    /// The decoded text.
    pub fn decode(&self) -> String {
        self.decoded().into_owned()
    }

    /// The decoded text, borrowed from the record when it is one piece without
    /// escapes.
    pub fn decoded(&self) -> Cow<'a, str> {
        match self.0.as_slice() {
            [Piece::Json(s)] => jstring::unescape(s).0,
            [Piece::Plain(s)] => Cow::Borrowed(s),
            _ => {
                let mut out = String::new();
                self.decode_into(&mut out);
                Cow::Owned(out)
            }
        }
    }
}

/// A scalar as a piece of text, as `as_text` reads it: a string's contents, a number
/// as written (integral floats without `.0`), a boolean; `None` for null, objects and
/// arrays.
pub fn scalar(raw: Raw<'_>) -> Option<Piece<'_>> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' => Some(Piece::Json(&s[1..s.len() - 1])),
        b't' | b'f' => Some(Piece::Plain(s)),
        b'-' | b'0'..=b'9' => Some(Piece::Plain(match s.strip_suffix(".0") {
            Some(int) if !int.contains(['.', 'e', 'E']) => int,
            _ => s,
        })),
        _ => None,
    }
}

/// Whether a message `content` reads as text (`content` is `Some`), without making
/// the text of a scalar.
pub fn content_reads(raw: Raw<'_>) -> bool {
    scalar(raw).is_some() || content(raw).is_some()
}

/// The text of a message `content`: a scalar, or a list of `{type, text}` parts
/// joined by newlines.
pub fn content(raw: Raw<'_>) -> Option<Text<'_>> {
    if let Some(p) = scalar(raw) {
        return Some(Text::one(p));
    }
    // Each part read in place for its `text`; a list that does not read to its end
    // is no list (as `array` refuses it).
    let mut parts = items_lazily(raw)?;
    let mut pieces = Vec::new();
    while let Some(part) = parts.next_picked(&["text"]) {
        let Some(text) = part.ok().and_then(|o| o.get("text")).and_then(scalar) else {
            continue;
        };
        if !pieces.is_empty() {
            pieces.push(Piece::Plain("\n"));
        }
        pieces.push(text);
    }
    (parts.ok && !pieces.is_empty()).then_some(Text(pieces))
}

/// A completion assembled from separate scratchpad and output fields.
pub fn scratchpad_and_output<'a>(scratchpad: Piece<'a>, output: Option<Piece<'a>>) -> Text<'a> {
    let mut pieces = vec![
        Piece::Plain("<SCRATCHPAD_REASONING>"),
        scratchpad,
        Piece::Plain("</SCRATCHPAD_REASONING>"),
    ];
    if let Some(o) = output {
        pieces.extend([Piece::Plain("\n\n<OUTPUT>"), o, Piece::Plain("</OUTPUT>")]);
    }
    Text(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::record::raw::RawObj;

    #[test]
    fn stored_and_decoded_forms() {
        let t = scratchpad_and_output(Piece::Json(r"a\nb"), Some(Piece::Plain("7")));
        assert_eq!(
            t.stored(),
            "<SCRATCHPAD_REASONING>a\\nb</SCRATCHPAD_REASONING>\n\n<OUTPUT>7</OUTPUT>"
        );
        assert_eq!(
            t.decode(),
            "<SCRATCHPAD_REASONING>a\nb</SCRATCHPAD_REASONING>\n\n<OUTPUT>7</OUTPUT>"
        );
        assert!(t.has_escapes());
        assert!(!Text::one(Piece::Json("plain")).has_escapes());
        let rec = r#"{"parts": [{"type":"text","text":"x\u00e9"},{"type":"image"},{"type":"text","text":2.0}], "none": [], "null": null}"#;
        let top = RawObj::split_indexed(rec).unwrap();
        let c = content(top.get("parts").unwrap()).unwrap();
        assert_eq!(c.decode(), "x\u{e9}\n2");
        assert_eq!(content(top.get("none").unwrap()), None);
        assert_eq!(content(top.get("null").unwrap()), None);
    }
}
