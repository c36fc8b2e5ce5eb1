//! Borrowed, lazy navigation of JSON records: objects are split one level at a time
//! into `&RawValue`s, so the long text fields are scanned but never copied.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A JSON object split one level deep, keys in file order.
pub struct RawObj<'a> {
    pub entries: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> RawObj<'a> {
    /// Splits `raw` if it is an object.
    pub fn parse(raw: &'a RawValue) -> Option<RawObj<'a>> {
        if !raw.get().starts_with('{') {
            return None;
        }
        serde_json::from_str(raw.get()).ok()
    }

    /// Splits a whole record, reporting why it is not an object.
    pub fn parse_record(text: &'a str) -> Result<RawObj<'a>, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> de::Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de: 'a, 'a> de::Deserialize<'de> for RawObj<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObj<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<RawObj<'de>, M::Error> {
                let mut entries = Vec::with_capacity(m.size_hint().unwrap_or(16));
                while let Some((k, v)) = m.next_entry::<Key<'de>, &'de RawValue>()? {
                    entries.push((k.0, v));
                }
                Ok(RawObj { entries })
            }
        }
        d.deserialize_map(V)
    }
}

/// Splits `raw` if it is an array.
pub fn array(raw: &RawValue) -> Option<Vec<&RawValue>> {
    if !raw.get().starts_with('[') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    /// Array element; negative counts from the end.
    Index(i64),
    /// The first array element whose `field` equals `value` (as text).
    Select {
        field: String,
        value: String,
    },
    /// The current wide-layout key (`{key}` in a profile).
    WideKey,
}

/// A dotted path like `prompt.messages[role=user].content`, `scores.{key}`, `votes.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub text: String,
    pub steps: Vec<Step>,
}

impl FieldPath {
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        let mut steps = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (name, selector) = match part.find('[') {
                Some(i) if part.ends_with(']') => (&part[..i], Some(&part[i + 1..part.len() - 1])),
                Some(_) => return Err(format!("unclosed `[` in path `{text}`")),
                None => (part, None),
            };
            if name == "{key}" {
                steps.push(Step::WideKey);
            } else if let Ok(i) = name.parse::<i64>() {
                steps.push(Step::Index(i));
            } else if !name.is_empty() {
                steps.push(Step::Key(name.to_string()));
            }
            if let Some(sel) = selector {
                match sel.split_once('=') {
                    Some((f, v)) => steps.push(Step::Select {
                        field: f.trim().to_string(),
                        value: v.trim().to_string(),
                    }),
                    None => match sel.trim().parse::<i64>() {
                        Ok(i) => steps.push(Step::Index(i)),
                        Err(_) => return Err(format!("bad selector `[{sel}]` in path `{text}`")),
                    },
                }
            }
        }
        Ok(FieldPath {
            text: text.to_string(),
            steps,
        })
    }

    /// The first key of the path: the top-level field it reads.
    pub fn head(&self) -> Option<&str> {
        match self.steps.first() {
            Some(Step::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// Follows the path from a record already split at the top level.
    pub fn lookup<'a>(&self, top: &RawObj<'a>, key: Option<&str>) -> Option<&'a RawValue> {
        let (first, rest) = self.steps.split_first()?;
        let start = match first {
            Step::Key(k) => top.get(k)?,
            Step::WideKey => top.get(key?)?,
            _ => return None,
        };
        follow(start, rest, key)
    }
}

fn follow<'a>(mut cur: &'a RawValue, steps: &[Step], key: Option<&str>) -> Option<&'a RawValue> {
    for step in steps {
        cur = match step {
            Step::Key(k) => RawObj::parse(cur)?.get(k)?,
            Step::WideKey => RawObj::parse(cur)?.get(key?)?,
            Step::Index(i) => {
                let items = array(cur)?;
                let idx = if *i < 0 { items.len() as i64 + i } else { *i };
                *items.get(usize::try_from(idx).ok()?)?
            }
            Step::Select { field, value } => array(cur)?.into_iter().find(|item| {
                RawObj::parse(item)
                    .and_then(|o| o.get(field))
                    .and_then(as_text)
                    .is_some_and(|t| t == *value)
            })?,
        };
    }
    Some(cur)
}

/// A scalar as text: strings unescaped, numbers as written (integral floats without
/// `.0`), booleans as `true`/`false`; `None` for null, objects and arrays.
pub fn as_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' => {
            let inner = &s[1..s.len() - 1];
            if !inner.contains('\\') {
                Some(Cow::Borrowed(inner))
            } else {
                serde_json::from_str::<String>(s).ok().map(Cow::Owned)
            }
        }
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
pub fn literal_range(raw: &RawValue) -> Option<(usize, usize)> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' if !s.contains('\\') => Some((1, s.len() - 2)),
        b'-' | b'0'..=b'9' if !s.contains(['.', 'e', 'E']) => Some((0, s.len())),
        _ => None,
    }
}

/// What kind of JSON value `raw` is, for error messages.
pub fn type_name(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
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

    #[test]
    fn follows_nested_paths_and_selectors() {
        let s = r#"{"prompt":{"messages":[{"role":"system","content":"S"},{"role":"user","content":"U\n"}]},"scores":{"Free_Tier_X":1},"v":[1,2,3]}"#;
        let top = rec(s);
        let p = FieldPath::parse("prompt.messages[role=user].content").unwrap();
        assert_eq!(as_text(p.lookup(&top, None).unwrap()).unwrap(), "U\n");
        let k = FieldPath::parse("scores.{key}").unwrap();
        assert_eq!(k.lookup(&top, Some("Free_Tier_X")).unwrap().get(), "1");
        assert_eq!(
            FieldPath::parse("v.-1")
                .unwrap()
                .lookup(&top, None)
                .unwrap()
                .get(),
            "3"
        );
        assert_eq!(
            FieldPath::parse("v[1]")
                .unwrap()
                .lookup(&top, None)
                .unwrap()
                .get(),
            "2"
        );
        assert!(FieldPath::parse("prompt.nope")
            .unwrap()
            .lookup(&top, None)
            .is_none());
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
    fn literal_ranges_only_without_escapes() {
        let top = rec(r#"{"a":"id-1","b":"x\"y","c":42}"#);
        assert_eq!(literal_range(top.get("a").unwrap()), Some((1, 4)));
        assert_eq!(literal_range(top.get("b").unwrap()), None);
        assert_eq!(literal_range(top.get("c").unwrap()), Some((0, 2)));
    }
}
