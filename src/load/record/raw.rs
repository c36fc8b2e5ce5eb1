//! Borrowed, lazy navigation of JSON records: objects are split one level at a time
//! into `&RawValue`s, so the long text fields are scanned but never copied.

use crate::load::record::jstring::{self, unescape};
use crate::load::record::scan::{scan_value, skip_ws, string_end};
use crate::load::record::strict::{self, Warning};
use std::borrow::Cow;

/// A JSON value's text, borrowed from the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raw<'a>(&'a str);

impl<'a> Raw<'a> {
    pub fn get(&self) -> &'a str {
        self.0
    }

    /// A value's text as the record holds it (the caller knows where it starts and
    /// ends).
    pub(crate) fn new(text: &'a str) -> Raw<'a> {
        Raw(text)
    }
}

/// Why a record could not be split, at a byte offset in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub pos: usize,
    pub kind: ScanErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanErrorKind {
    /// The text ends inside the value.
    Eof,
    /// The record is valid JSON but not an object.
    NotObject,
    Syntax,
}

/// A JSON object split one level deep, keys in file order; a key written twice keeps
/// its first place and its last value (as jq and Python read it).
///
/// A record is checked strictly as it is split (`parse_record`: every string, escape,
/// number and bracket), at scanning speed; nested values of a checked record are split
/// structurally (`parse`), with strings skipped by `memchr2` and brackets matched.
pub struct RawObj<'a> {
    pub entries: Vec<(Cow<'a, str>, Raw<'a>)>,
    /// Duplicate keys and lone surrogates anywhere in the record (`parse_record` only).
    pub warnings: Vec<Warning>,
    /// Key to entry, for objects of many keys (wide CSV rows).
    lookup: Option<std::collections::HashMap<Cow<'a, str>, usize, foldhash::fast::RandomState>>,
    /// Objects among the values, split when first followed (a wide record's
    /// `results.{key}` and `scores.{key}` are looked up once per key).
    children: std::cell::RefCell<Vec<(usize, std::rc::Rc<[Field]>)>>,
    /// What the escapes of the record's values decode to, gathered while they were
    /// checked, when asked for (`parse_record_spelling`, `parse_object_at`).
    pub spelled: Option<jstring::Spelled>,
}

/// A key of a nested object and where its value lies in the object's text.
type Field = (Box<str>, usize, usize);

/// Objects with more keys than this are looked up through a map.
const LINEAR_KEYS: usize = 32;

impl<'a> RawObj<'a> {
    /// Splits `raw` if it is an object (a value inside a record already checked).
    pub fn parse(raw: Raw<'a>) -> Option<RawObj<'a>> {
        let text = raw.get();
        let b = text.as_bytes();
        if b.first() != Some(&b'{') {
            return None;
        }
        let mut obj = RawObj {
            entries: Vec::new(),
            warnings: Vec::new(),
            lookup: None,
            children: Default::default(),
            spelled: None,
        };
        let mut pos = skip_ws(b, 1);
        if b.get(pos) == Some(&b'}') {
            return Some(obj);
        }
        loop {
            pos = skip_ws(b, pos);
            if b.get(pos) != Some(&b'"') {
                return None;
            }
            let key_end = string_end(b, pos + 1);
            if key_end > b.len() {
                return None;
            }
            let key = unescape(&text[pos + 1..key_end - 1]).0;
            pos = skip_ws(b, key_end);
            if b.get(pos) != Some(&b':') {
                return None;
            }
            pos = skip_ws(b, pos + 1);
            let end = scan_value(b, pos).ok()?;
            obj.insert(key, Raw(&text[pos..end]));
            pos = skip_ws(b, end);
            match b.get(pos)? {
                b',' => pos += 1,
                b'}' => return Some(obj),
                _ => return None,
            }
        }
    }

    /// Splits a record the index already checked (searches, pairs, scores read
    /// again), structurally: checking it again would only repeat the index's work.
    pub fn split_indexed(text: &'a str) -> Option<RawObj<'a>> {
        let t = text.trim_matches([' ', '\n', '\r', '\t']);
        Self::parse(Raw(t))
    }

    /// Splits a whole record, checking it strictly and reporting why it is not a
    /// valid object.
    pub fn parse_record(text: &'a str) -> Result<RawObj<'a>, ScanError> {
        Self::parse_record_as(text, false)
    }

    /// `parse_record`, with what the escapes of its values decode to (`spelled`), for
    /// a search of its texts.
    pub fn parse_record_spelling(text: &'a str) -> Result<RawObj<'a>, ScanError> {
        Self::parse_record_as(text, true)
    }

    fn parse_record_as(text: &'a str, spell: bool) -> Result<RawObj<'a>, ScanError> {
        let b = text.as_bytes();
        let err = scan_error;
        let mut pos = skip_ws(b, 0);
        match b.get(pos) {
            Some(b'{') => pos += 1,
            None => return Err(err((pos, true, "empty record"))),
            Some(_) => {
                // Valid JSON of another type is "not an object"; anything else is
                // invalid JSON.
                let mut w = Vec::new();
                let kind = match strict::value(text, pos, "", &mut w) {
                    Ok(end) if skip_ws(b, end) == b.len() => ScanErrorKind::NotObject,
                    Ok(end) => {
                        return Err(err((
                            skip_ws(b, end),
                            false,
                            "trailing characters after the record",
                        )))
                    }
                    Err(f) => return Err(err(f)),
                };
                return Err(ScanError {
                    pos,
                    kind,
                    message: "not an object".into(),
                });
            }
        }
        let (obj, end) = match spell {
            true => Self::object_body::<true>(text, pos)?,
            false => Self::object_body::<false>(text, pos)?,
        };
        finish(b, end, obj)
    }

    /// Checks strictly and splits the object whose `{` is at `open` in `text`, and
    /// returns it with the position just past its `}` (what follows is not looked
    /// at): a JSON array's elements are read in place this way.
    /// With `spell`, what the escapes of its values decode to is gathered too.
    pub fn parse_object_at(
        text: &'a str,
        open: usize,
        spell: bool,
    ) -> Result<(RawObj<'a>, usize), ScanError> {
        if text.as_bytes().get(open) != Some(&b'{') {
            return Err(ScanError {
                pos: open,
                kind: ScanErrorKind::NotObject,
                message: "not an object".into(),
            });
        }
        match spell {
            true => Self::object_body::<true>(text, open + 1),
            false => Self::object_body::<false>(text, open + 1),
        }
    }

    /// The members of an object from just past its `{`, and the end past its `}`.
    /// With `SPELL`, what the escapes of its values decode to is gathered too.
    fn object_body<const SPELL: bool>(
        text: &'a str,
        mut pos: usize,
    ) -> Result<(RawObj<'a>, usize), ScanError> {
        let b = text.as_bytes();
        let err = scan_error;
        let mut obj = RawObj {
            entries: Vec::with_capacity(16),
            warnings: Vec::new(),
            lookup: None,
            children: Default::default(),
            spelled: SPELL.then(jstring::Spelled::default),
        };
        let mut spelled = jstring::Spelled::default();
        pos = skip_ws(b, pos);
        if b.get(pos) == Some(&b'}') {
            return Ok((obj, pos + 1));
        }
        loop {
            pos = skip_ws(b, pos);
            match b.get(pos) {
                Some(b'"') => {}
                None => return Err(err((pos, true, "record ends early"))),
                Some(_) => return Err(err((pos, false, "key must be a string"))),
            }
            let mut met = jstring::Met::default();
            let close = jstring::string(b, pos, &mut met).map_err(err)?;
            let key = match met.escape {
                true => unescape(&text[pos + 1..close]).0,
                false => Cow::Borrowed(&text[pos + 1..close]),
            };
            if met.lone_surrogate {
                obj.warnings.push(Warning {
                    field: key.to_string(),
                    message: "lone surrogate in a \\u escape in a key; decoded as U+FFFD".into(),
                });
            }
            pos = skip_ws(b, close + 1);
            match b.get(pos) {
                Some(b':') => pos = skip_ws(b, pos + 1),
                None => return Err(err((pos, true, "record ends early"))),
                Some(_) => return Err(err((pos, false, "expected `:` after key"))),
            }
            let end = match SPELL {
                true => strict::value_spelling(text, pos, &key, &mut obj.warnings, &mut spelled),
                false => strict::value(text, pos, &key, &mut obj.warnings),
            }
            .map_err(err)?;
            if obj.insert(key.clone(), Raw(&text[pos..end])) {
                obj.warnings.push(Warning {
                    field: key.into_owned(),
                    message: "duplicate key; the last value is used".into(),
                });
            }
            pos = skip_ws(b, end);
            match b.get(pos) {
                Some(b',') => pos += 1,
                Some(b'}') => {
                    obj.spelled = SPELL.then_some(spelled);
                    return Ok((obj, pos + 1));
                }
                None => return Err(err((pos, true, "record ends early"))),
                Some(_) => return Err(err((pos, false, "expected `,` or `}`"))),
            }
        }
    }

    /// Adds a key, or replaces the value of one already there (`true`).
    fn insert(&mut self, key: Cow<'a, str>, value: Raw<'a>) -> bool {
        // Objects are small: a linear search is cheaper than hashing below a few
        // dozen keys.
        let at = match &self.lookup {
            Some(map) => map.get(&key).copied(),
            None => self.entries.iter().position(|(k, _)| same_key(k, &key)),
        };
        if let Some(i) = at {
            self.entries[i].1 = value;
            return true;
        }
        if let Some(map) = &mut self.lookup {
            map.insert(key.clone(), self.entries.len());
        } else if self.entries.len() == LINEAR_KEYS {
            let mut map: std::collections::HashMap<Cow<'a, str>, usize, _> = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            map.insert(key.clone(), self.entries.len());
            self.lookup = Some(map);
        }
        self.entries.push((key, value));
        false
    }

    /// The value of `key` (for a key written twice, its last value).
    pub fn get(&self, key: &str) -> Option<Raw<'a>> {
        self.position(key).map(|i| self.entries[i].1)
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.lookup {
            Some(map) => map.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| same_key(k, key)),
        }
    }

    /// The value of `sub` in the object under `key`; that object is split once
    /// however often it is asked.
    pub fn child_get(&self, key: &str, sub: &str) -> Option<Raw<'a>> {
        let i = self.position(key)?;
        let text = self.entries[i].1.get();
        let find = |fields: &[Field]| {
            fields
                .iter()
                .find(|(k, _, _)| &**k == sub)
                .map(|&(_, s, e)| Raw(&text[s..e]))
        };
        if let Some((_, f)) = self.children.borrow().iter().find(|(j, _)| *j == i) {
            return find(f);
        }
        let obj = RawObj::parse(self.entries[i].1)?;
        let base = text.as_ptr() as usize;
        let fields: std::rc::Rc<[Field]> = obj
            .entries
            .iter()
            .map(|(k, v)| {
                let s = v.get().as_ptr() as usize - base;
                (Box::from(&**k), s, s + v.get().len())
            })
            .collect();
        self.children.borrow_mut().push((i, fields.clone()));
        find(&fields)
    }
}

/// A checker's failure as a scan error.
/// Whether two keys are the same, compared in place: keys are a few bytes, where a
/// call to compare memory costs more than the comparison. Up to 16 bytes, a key is
/// compared as two words that overlap in the middle (its first and last 8, 4 or 1
/// bytes, and the middle one of 3), not byte by byte.
#[inline(always)]
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8"));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

fn scan_error((pos, eof, message): jstring::Fail) -> ScanError {
    ScanError {
        pos,
        kind: if eof {
            ScanErrorKind::Eof
        } else {
            ScanErrorKind::Syntax
        },
        message: message.to_string(),
    }
}

fn finish<'a>(b: &[u8], pos: usize, obj: RawObj<'a>) -> Result<RawObj<'a>, ScanError> {
    let rest = skip_ws(b, pos);
    if rest < b.len() {
        return Err(ScanError {
            pos: rest,
            kind: ScanErrorKind::Syntax,
            message: "trailing characters after the record".into(),
        });
    }
    Ok(obj)
}

/// Splits `raw` if it is an array.
pub fn array(raw: Raw<'_>) -> Option<Vec<Raw<'_>>> {
    let text = raw.get();
    let b = text.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let mut items = Vec::new();
    let mut pos = skip_ws(b, 1);
    if b.get(pos) == Some(&b']') {
        return Some(items);
    }
    loop {
        pos = skip_ws(b, pos);
        let end = scan_value(b, pos).ok()?;
        items.push(Raw(&text[pos..end]));
        pos = skip_ws(b, end);
        match b.get(pos)? {
            b',' => pos += 1,
            b']' => return Some(items),
            _ => return None,
        }
    }
}

/// A scalar as text: strings unescaped, numbers as written (integral floats without
/// `.0`), booleans as `true`/`false`; `None` for null, objects and arrays.
pub fn as_text(raw: Raw<'_>) -> Option<Cow<'_, str>> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' => Some(unescape(&s[1..s.len() - 1]).0),
        b't' | b'f' => Some(Cow::Borrowed(s)),
        b'-' | b'0'..=b'9' => Some(match s.strip_suffix(".0") {
            Some(int) if !int.contains(['.', 'e', 'E']) => Cow::Borrowed(int),
            _ => Cow::Borrowed(s),
        }),
        _ => None,
    }
}

/// The byte range of a string value's literal text inside `raw`, when it has no
/// escapes (so ids can be read back from the file without storing them).
pub fn literal_range(raw: Raw<'_>) -> Option<(usize, usize)> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' if !s.contains('\\') => Some((1, s.len() - 2)),
        b'-' | b'0'..=b'9' if !s.contains(['.', 'e', 'E']) => Some((0, s.len())),
        _ => None,
    }
}

/// What kind of JSON value `raw` is, for error messages.
pub fn type_name(raw: Raw<'_>) -> &'static str {
    type_of_text(raw.get())
}

/// What kind of JSON value `text` starts with, for error messages.
pub fn type_of_text(text: &str) -> &'static str {
    match text.trim_start().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(s: &str) -> RawObj<'_> {
        RawObj::parse_record(s).unwrap()
    }

    /// Keys of every length up to 40 (multi-byte characters among them) compare as
    /// strings compare: equal ones, and ones that differ in a single byte anywhere.
    #[test]
    fn keys_compare_as_strings_compare() {
        let mut rng = crate::synth::Rng::new(11);
        let alphabet = ["a", "b", "k", "_", "é", "\\u00e9", "0"];
        for _ in 0..20_000 {
            let len = rng.below(40) as usize;
            let key: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                .collect();
            assert!(same_key(&key, &key.clone()));
            let mut other = key.clone().into_bytes();
            if !other.is_empty() {
                let at = rng.below(other.len() as u64) as usize;
                other[at] = other[at].wrapping_add(1 + rng.below(3) as u8);
            }
            let other = String::from_utf8_lossy(&other).into_owned();
            assert_eq!(same_key(&key, &other), key == other, "{key:?} {other:?}");
            let shorter = &key[..key.char_indices().last().map_or(0, |(i, _)| i)];
            assert_eq!(same_key(&key, shorter), key == shorter);
        }
    }

    #[test]
    fn text_of_scalars() {
        let top = rec(r#"{"a":"x","b":3.0,"c":2.5,"d":true,"e":null,"f":"\u00e9"}"#);
        let t = |k: &str| as_text(top.get(k).unwrap()).map(|c| c.into_owned());
        assert_eq!(t("a").as_deref(), Some("x"));
        assert_eq!(t("b").as_deref(), Some("3"));
        assert_eq!(t("c").as_deref(), Some("2.5"));
        assert_eq!(t("d").as_deref(), Some("true"));
        assert_eq!(t("e"), None);
        assert_eq!(t("f").as_deref(), Some("é"));
    }

    #[test]
    fn splits_strings_with_braces_quotes_and_escapes() {
        let s = r#"{"a":"x}\"{[\\","b\"k":{"n":[1,{"m":"]"}]},"c":-1.5e3,"d":null}"#;
        let top = rec(s);
        let keys: Vec<&str> = top.entries.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["a", "b\"k", "c", "d"]);
        assert_eq!(as_text(top.get("a").unwrap()).unwrap(), "x}\"{[\\");
        assert_eq!(top.get("b\"k").unwrap().get(), r#"{"n":[1,{"m":"]"}]}"#);
        assert!(
            array(top.get("b\"k").unwrap()).is_none(),
            "an object is not an array"
        );
        let inner = RawObj::parse(top.get("b\"k").unwrap()).unwrap();
        assert_eq!(array(inner.get("n").unwrap()).unwrap().len(), 2);
    }

    #[test]
    fn a_key_written_twice_reads_as_its_last_value_in_any_object() {
        let top = rec(r#"{"a":1,"b":2,"a":3}"#);
        assert_eq!(top.get("a").unwrap().get(), "3");
        assert_eq!(top.entries.len(), 2, "first place, last value");
        assert_eq!(top.warnings.len(), 1);
        let many: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{{},\"k7\":\"last\"}}", many.join(","));
        let top = rec(&text);
        assert_eq!(top.get("k7").unwrap().get(), "\"last\"");
        assert_eq!(top.warnings.len(), 1);
    }

    #[test]
    fn scan_errors_say_where_and_why() {
        let err = |s: &str| RawObj::parse_record(s).err().map(|e| (e.pos, e.kind));
        assert_eq!(err(r#"["x"]"#), Some((0, ScanErrorKind::NotObject)));
        assert_eq!(err(r#"{"a": "unterminated"#), Some((6, ScanErrorKind::Eof)));
        assert_eq!(err(r#"{"a": [1, 2"#), Some((6, ScanErrorKind::Eof)));
        assert_eq!(err(r#"{"a": 1,, }"#), Some((8, ScanErrorKind::Syntax)));
        assert_eq!(err(r#"{"a" 1}"#), Some((5, ScanErrorKind::Syntax)));
        assert_eq!(err(r#"{"a": tru}"#), Some((6, ScanErrorKind::Syntax)));
        assert_eq!(err(r#"{"a": 1} x"#), Some((9, ScanErrorKind::Syntax)));
        assert_eq!(err(r#"{"a": 1"#), Some((7, ScanErrorKind::Eof)));
        assert_eq!(err("  "), Some((2, ScanErrorKind::Eof)));
        assert!(RawObj::parse_record(" {} ").unwrap().entries.is_empty());
    }

    #[test]
    fn json_numbers_are_checked_by_syntax() {
        for ok in ["0", "-0", "12", "1.5", "-1.25e-3", "3E7", "0.0"] {
            assert!(strict::is_number(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "+1", "1e", "NaN", "inf", "1.5.2", "0x10",
        ] {
            assert!(!strict::is_number(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn literal_ranges_only_without_escapes() {
        let top = rec(r#"{"a":"id-1","b":"x\"y","c":42}"#);
        assert_eq!(literal_range(top.get("a").unwrap()), Some((1, 4)));
        assert_eq!(literal_range(top.get("b").unwrap()), None);
        assert_eq!(literal_range(top.get("c").unwrap()), Some((0, 2)));
    }
}
