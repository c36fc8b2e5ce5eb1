//! Small objects and arrays inside a checked record read in place: members and items
//! walked one after another, with nothing allocated (a verdict's few keys are looked
//! up this way for every transcript indexed, where splitting each into a `RawObj`
//! would cost more than reading it).

use crate::load::record::jstring::unescape;
use crate::load::record::raw::{same_key, Raw};
use crate::load::record::scan::{key_end, scan_value, skip_ws, string_end};
use std::borrow::Cow;

/// Looking values up by key: a split object, or one read in place.
pub trait Lookup<'a> {
    /// The value of `key` (for a key written twice, its last value).
    fn get(&self, key: &str) -> Option<Raw<'a>>;
    /// Calls `f` on each member in order (a key written twice: as the object is
    /// split) while it returns true; whether it returned true for all.
    fn each(&self, f: &mut dyn FnMut(&Cow<'a, str>, Raw<'a>) -> bool) -> bool;
}

impl<'a> Lookup<'a> for crate::load::record::raw::RawObj<'a> {
    fn get(&self, key: &str) -> Option<Raw<'a>> {
        crate::load::record::raw::RawObj::get(self, key)
    }

    fn each(&self, f: &mut dyn FnMut(&Cow<'a, str>, Raw<'a>) -> bool) -> bool {
        self.entries.iter().all(|(k, v)| f(k, *v))
    }
}

/// An object read in place, member by member: each lookup walks it, and answers as
/// `RawObj::parse` would split it (a key written twice has its last value).
#[derive(Debug, Clone, Copy)]
pub struct Members<'a>(&'a str);

impl<'a> Members<'a> {
    /// The members in file order, keys decoded.
    pub fn iter(&self) -> MemberIter<'a> {
        MemberIter {
            text: self.0,
            pos: 1,
            open: 0,
            done: false,
            end: None,
        }
    }
}

impl<'a> Members<'a> {
    /// The value of `key` (for a key written twice, its last value).
    fn get(&self, key: &str) -> Option<Raw<'a>> {
        let mut found = None;
        for (k, v) in self.iter() {
            if k == key {
                found = Some(v);
            }
        }
        found
    }
}

/// An object read in one walk for the values of a few keys known beforehand (at
/// most four): lookups of those keys cost nothing more; any other key walks the
/// object again. Answers as `RawObj::parse` would split it.
#[derive(Debug, Clone, Copy)]
pub struct Picked<'a> {
    whole: Members<'a>,
    keys: &'static [&'static str],
    values: [Option<Raw<'a>>; MAX_PICKED],
}

impl<'a> Picked<'a> {
    /// `raw` when it is an object whose members all read, with the values of `keys`.
    pub fn of(raw: Raw<'a>, keys: &'static [&'static str]) -> Option<Picked<'a>> {
        Self::at(raw.get(), 0, keys).map(|(p, _)| p)
    }

    /// The object opening at byte `open` of `text` (inside a list, say), read as
    /// `of` reads it, and the end of its text.
    pub fn at(
        text: &'a str,
        open: usize,
        keys: &'static [&'static str],
    ) -> Option<(Picked<'a>, usize)> {
        assert!(keys.len() <= MAX_PICKED, "at most four keys are picked");
        // One walk, as `MemberIter` reads members, with each key compared as written
        // (decoded only when it holds an escape).
        let b = text.as_bytes();
        let mut values = [None; MAX_PICKED];
        let end = walk_members(text, open, |inner, escaped, pos| {
            let slot = match escaped {
                false => keys.iter().position(|k| same_key(k, inner)),
                true => {
                    let key = unescape(inner).0;
                    keys.iter().position(|k| same_key(k, &key))
                }
            };
            let value_end = scan_value(b, pos).ok()?;
            if let Some(i) = slot {
                // SAFETY: both bounds are at ASCII bytes (a value's first byte, and
                // what ends a value a scan accepted) or the end of `text`, so at
                // character boundaries.
                values[i] = Some(Raw::new(unsafe { text.get_unchecked(pos..value_end) }));
            }
            Some(value_end)
        })?;
        let p = Picked {
            whole: Members(&text[open..end]),
            keys,
            values,
        };
        Some((p, end))
    }
}

impl<'a> Lookup<'a> for Picked<'a> {
    fn get(&self, key: &str) -> Option<Raw<'a>> {
        // The caller's key is most often the very literal it picked with.
        let at = self
            .keys
            .iter()
            .position(|k| std::ptr::eq(k.as_ptr(), key.as_ptr()) && k.len() == key.len())
            .or_else(|| self.keys.iter().position(|k| same_key(k, key)));
        match at {
            Some(i) => self.values[i],
            None => self.whole.get(key),
        }
    }

    /// Rare (a list keyed by classifier): the object is split, so that a key
    /// written twice is met as `RawObj` meets it.
    fn each(&self, f: &mut dyn FnMut(&Cow<'a, str>, Raw<'a>) -> bool) -> bool {
        crate::load::record::raw::RawObj::parse(Raw::new(self.whole.0)).is_none_or(|o| o.each(f))
    }
}

/// The most keys a `Picked` reads in its one walk (a verdict's four).
const MAX_PICKED: usize = 4;

/// The values of `keys` in the object opening at byte `open` of `text`, and, when
/// the value of `keys[inner]` is an object, of `inner_keys` in it: a verdict and its
/// votes, read in one walk. Each is the last written, as `Picked` answers; the
/// inner values are those of the last `keys[inner]`, none when that is no object.
/// `None` when a key anywhere holds an escape (the caller reads the object with
/// `Picked`, which decodes keys), or when `Picked::at` would answer `None`.
pub fn pick_nested<'a, const N: usize, const M: usize>(
    text: &'a str,
    open: usize,
    (keys, inner, inner_keys): (&[&str; N], usize, &[&str; M]),
) -> Option<PickedNested<'a, N, M>> {
    let b = text.as_bytes();
    let mut outer = [None; N];
    let mut nested = [None; M];
    let end = walk_members(text, open, |key, escaped, pos| {
        if escaped {
            return None;
        }
        let slot = keys.iter().position(|k| same_key(k, key));
        let value_end = match (slot == Some(inner), b.get(pos)) {
            (true, Some(b'{')) => {
                nested = [None; M];
                walk_members(text, pos, |k, escaped, at| {
                    if escaped {
                        return None;
                    }
                    let end = scan_value(b, at).ok()?;
                    if let Some(j) = inner_keys.iter().position(|want| same_key(want, k)) {
                        nested[j] = Some(Raw::new(&text[at..end]));
                    }
                    Some(end)
                })?
            }
            (true, _) => {
                nested = [None; M];
                scan_value(b, pos).ok()?
            }
            _ => scan_value(b, pos).ok()?,
        };
        if let Some(i) = slot {
            outer[i] = Some(Raw::new(&text[pos..value_end]));
        }
        Some(value_end)
    })?;
    Some((outer, nested, end))
}

/// What `pick_nested` found: the outer values, the inner ones, and the end of the
/// object's text.
pub type PickedNested<'a, const N: usize, const M: usize> =
    ([Option<Raw<'a>>; N], [Option<Raw<'a>>; M], usize);

/// Walks the members of the object opening at byte `open` of `text`, giving `member`
/// each key as written (between its quotes), whether it holds an escape, and where
/// its value starts; `member` answers where the value ends, or `None` to stop. The
/// end of the object's text; `None` when a member does not read or `member` stopped.
fn walk_members<'a>(
    text: &'a str,
    open: usize,
    mut member: impl FnMut(&'a str, bool, usize) -> Option<usize>,
) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(open) != Some(&b'{') {
        return None;
    }
    let mut pos = skip_ws(b, open + 1);
    if b.get(pos) == Some(&b'}') {
        return Some(pos + 1);
    }
    loop {
        if b.get(pos) != Some(&b'"') {
            return None;
        }
        let (key_end, escaped) = key_end(b, pos + 1);
        if key_end > b.len() {
            return None;
        }
        // SAFETY: both bounds are at quotes, so at character boundaries.
        let key = unsafe { text.get_unchecked(pos + 1..key_end - 1) };
        pos = skip_ws(b, key_end);
        if b.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(b, pos + 1);
        pos = skip_ws(b, member(key, escaped, pos)?);
        match b.get(pos)? {
            b',' => pos = skip_ws(b, pos + 1),
            b'}' => return Some(pos + 1),
            _ => return None,
        }
    }
}

/// Items of an array read one at a time, for a caller that undoes what it made of
/// them when the array turns out not to read to its end (`ok` false after the last).
pub fn items_lazily(raw: Raw<'_>) -> Option<Items<'_>> {
    raw.get().starts_with('[').then_some(Items {
        text: raw.get(),
        pos: 1,
        done: false,
        ok: false,
    })
}

/// The members of the object opening at byte `open` of `text`, one at a time; `end`
/// is past its closing brace once that is read.
pub struct MemberIter<'a> {
    text: &'a str,
    pos: usize,
    open: usize,
    done: bool,
    end: Option<usize>,
}

impl<'a> Iterator for MemberIter<'a> {
    type Item = (Cow<'a, str>, Raw<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.done = true;
        let (text, b) = (self.text, self.text.as_bytes());
        let mut pos = skip_ws(b, self.pos);
        if self.pos == self.open + 1 && b.get(pos) == Some(&b'}') {
            self.end = Some(pos + 1);
            return None;
        }
        if b.get(pos) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(b, pos + 1);
        if key_end > b.len() {
            return None;
        }
        let inner = &text[pos + 1..key_end - 1];
        let key = if inner.len() <= 32 && !inner.as_bytes().contains(&b'\\') {
            Cow::Borrowed(inner)
        } else {
            unescape(inner).0
        };
        pos = skip_ws(b, key_end);
        if b.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(b, pos + 1);
        let end = scan_value(b, pos).ok()?;
        let value = Raw::new(&text[pos..end]);
        pos = skip_ws(b, end);
        match b.get(pos)? {
            b',' => {
                self.pos = pos + 1;
                self.done = false;
            }
            b'}' => self.end = Some(pos + 1),
            _ => return None,
        }
        Some((key, value))
    }
}

/// The items of an array, one at a time; `ok` once the closing bracket is read.
pub struct Items<'a> {
    text: &'a str,
    pos: usize,
    done: bool,
    pub ok: bool,
}

impl<'a> Items<'a> {
    /// The next item: an object read in one walk for the values of `keys` (`Ok`),
    /// or any other value, or an object whose members do not read (`Err`).
    pub fn next_picked(
        &mut self,
        keys: &'static [&'static str],
    ) -> Option<Result<Picked<'a>, Raw<'a>>> {
        self.step(|text, pos| match Picked::at(text, pos, keys) {
            Some((p, end)) => Some((Ok(p), end)),
            None => {
                let end = scan_value(text.as_bytes(), pos).ok()?;
                Some((Err(Raw::new(&text[pos..end])), end))
            }
        })
    }

    /// Reads one item with `read` (given the text and where the item starts; it
    /// answers the item and its end), then the separator after it.
    pub fn step<T>(
        &mut self,
        read: impl FnOnce(&'a str, usize) -> Option<(T, usize)>,
    ) -> Option<T> {
        if self.done {
            return None;
        }
        self.done = true;
        let b = self.text.as_bytes();
        let mut pos = skip_ws(b, self.pos);
        match b.get(pos) {
            Some(b']') if self.pos == 1 => {
                self.ok = true;
                return None;
            }
            None => return None,
            _ => {}
        }
        let (item, end) = read(self.text, pos)?;
        pos = skip_ws(b, end);
        match b.get(pos)? {
            b',' => {
                self.pos = pos + 1;
                self.done = false;
            }
            b']' => self.ok = true,
            _ => return None,
        }
        Some(item)
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Raw<'a>;

    fn next(&mut self) -> Option<Raw<'a>> {
        self.step(|text, pos| {
            let end = scan_value(text.as_bytes(), pos).ok()?;
            Some((Raw::new(&text[pos..end]), end))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::record::raw::{array, RawObj};

    #[test]
    fn objects_and_lists_read_in_place_as_split() {
        let objects = [
            r#"{}"#,
            r#"{ }"#,
            r#"{"a": 1}"#,
            r#"{"a": 1, "b": "x\"y", "a": [1, {"c": 2}], "d\u0041": null}"#,
            r#"{ "classifier" : "af" , "votes" : {"n": 20, "yes": 8} }"#,
            r#"{"a": {"c": 1, "c": [2]}, "b": 3, "a": {"d": {"c": 4}}}"#,
            r#"{"a": {"c": 1}, "a": 2}"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1"#,
            r#"{"a": 1} "#,
            r#"[1]"#,
        ];
        for text in objects {
            let raw = Raw::new(text);
            let split = RawObj::parse(raw);
            let picked = Picked::of(raw, &["a", "b", "classifier"]);
            assert_eq!(split.is_some(), picked.is_some(), "{text}");
            let (Some(split), Some(picked)) = (split, picked) else {
                continue;
            };
            let keys: Vec<&str> = split.entries.iter().map(|(k, _)| &**k).collect();
            for k in keys.iter().copied().chain(["a", "b", "zz"]) {
                assert_eq!(split.get(k), picked.get(k), "{text} {k}");
            }
            // Read with the inner object of the last `a` in the same walk: the same
            // values, and none when a key anywhere holds an escape.
            let nested = pick_nested(text, 0, (&["a", "b", "classifier"], 0, &["c"]));
            let escaped = keys.iter().any(|k| !text.contains(&format!("\"{k}\"")));
            assert_eq!(nested.is_none(), escaped, "{text}");
            if let Some((outer, inner, end)) = nested {
                assert_eq!(end, text.trim_end().len(), "{text}");
                for (k, v) in ["a", "b", "classifier"].into_iter().zip(outer) {
                    assert_eq!(v, split.get(k), "{text} {k}");
                }
                let within = split
                    .get("a")
                    .and_then(RawObj::parse)
                    .and_then(|o| o.get("c"));
                assert_eq!(inner[0], within, "{text}");
            }
            let mut seen = Vec::new();
            picked.each(&mut |k, v| {
                seen.push((k.to_string(), v));
                true
            });
            let want: Vec<_> = split
                .entries
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect();
            assert_eq!(seen, want, "{text}");
        }
        for text in [
            "[]",
            "[ ]",
            r#"[1, "a,]", {"b": [2]}, null]"#,
            r#"[{"a": 1}, 2, {"a": 3, "a": 4}]"#,
            "[1,]",
            "[1 2]",
            "[1",
            r#"[{"a" 1}]"#,
            "{}",
        ] {
            let raw = Raw::new(text);
            let read = items_lazily(raw).and_then(|mut list| {
                let got: Vec<Raw<'_>> = list.by_ref().collect();
                list.ok.then_some(got)
            });
            assert_eq!(array(raw), read, "{text}");
            // Objects among the items, read in one walk each, answer alike.
            let picked = items_lazily(raw).and_then(|mut list| {
                let mut got = Vec::new();
                while let Some(item) = list.next_picked(&["a"]) {
                    got.push(item.map(|p| p.get("a")).map_err(|r| r.get()));
                }
                list.ok.then_some(got)
            });
            let split = array(raw).map(|items| {
                items
                    .into_iter()
                    .map(|i| match i.get().starts_with('{') {
                        true => RawObj::parse(i).map(|o| o.get("a")).ok_or(i.get()),
                        false => Err(i.get()),
                    })
                    .collect::<Vec<_>>()
            });
            assert_eq!(split, picked, "{text}");
        }
    }
}
