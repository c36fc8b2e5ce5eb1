//! The non-standard number tokens Inspect writes for unscored values (`NaN`,
//! `Infinity`, `-Infinity`), turned into `null` so a strict JSON reader accepts them.

use std::borrow::Cow;

/// The text with every bare `NaN`, `Infinity` and `-Infinity` outside strings written
/// as `null`; borrowed when there is none.
pub fn nan_as_null(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mightbe =
        memchr::memmem::find(b, b"NaN").is_some() || memchr::memmem::find(b, b"Infinity").is_some();
    if !mightbe {
        return Cow::Borrowed(text);
    }
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = crate::load::record::scan::string_end(b, i + 1);
                continue;
            }
            b'N' | b'I' | b'-' => {
                let token = [&b"NaN"[..], b"Infinity", b"-Infinity"]
                    .into_iter()
                    .find(|t| b[i..].starts_with(t) && !word(b.get(i + t.len())));
                if let Some(t) = token.filter(|_| i == 0 || !word(b.get(i - 1))) {
                    let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    o.push_str(&text[copied..i]);
                    o.push_str("null");
                    i += t.len();
                    copied = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

fn word(b: Option<&u8>) -> bool {
    b.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_tokens_become_null_and_strings_keep_them() {
        let t = r#"{"a": NaN, "b": [Infinity,-Infinity], "c": "NaN and Infinity", "d": "x\"NaN"}"#;
        let v: serde_json::Value = serde_json::from_str(&nan_as_null(t)).unwrap();
        assert!(v["a"].is_null());
        assert_eq!(v["b"], serde_json::json!([null, null]));
        assert_eq!(v["c"], "NaN and Infinity");
        assert_eq!(v["d"], "x\"NaN");
    }

    #[test]
    fn text_without_tokens_is_borrowed() {
        assert!(matches!(nan_as_null(r#"{"a": 1}"#), Cow::Borrowed(_)));
        assert!(matches!(nan_as_null(r#"{"a": "NaN"}"#), Cow::Borrowed(_)));
    }
}
