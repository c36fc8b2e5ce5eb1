//! Strict JSON checking at scanning speed: every string, escape, number and bracket of
//! a record, with duplicate keys and lone surrogates noted; and the exact reading of
//! whole numbers every reader of a record shares (strings are in `jstring`).

use crate::load::record::jstring::{string, string_spelling, unescape, Fail, Met, Spelled};
use crate::load::record::raw::same_key;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::collections::HashSet;

/// Records nested deeper than this are refused (no reader recurses, so this is a
/// bound on work, not on the stack).
pub const MAX_DEPTH: usize = 1000;

/// Something in a valid record that a reader resolves one way: said, never silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Dotted path of the value concerned (`judge.final_answer`, `votes[2]`).
    pub field: String,
    pub message: String,
}

/// JSON number syntax at `pos`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`;
/// returns its end.
fn number(b: &[u8], pos: usize) -> Option<usize> {
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    let mut i = pos + usize::from(b.get(pos) == Some(&b'-'));
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    Some(i)
}

pub(crate) fn is_number(t: &[u8]) -> bool {
    number(t, 0) == Some(t.len())
}

use super::scan::skip_indented_ws as skip_ws;

/// The keys of the objects open while checking, innermost last.
type Keys<'t> = SmallVec<[Cow<'t, str>; 8]>;

/// One open object or array while checking.
struct Frame<'t> {
    object: bool,
    /// Where this object's keys start in the shared key list.
    keys_from: usize,
    /// For objects with many keys, a set instead of a linear search.
    set: Option<HashSet<Cow<'t, str>, foldhash::fast::RandomState>>,
    /// Where this container is in its parent, for paths: the index of its key in the
    /// shared key list (object parent), or its item number (array parent).
    place: usize,
    items: usize,
}

/// Checks the JSON value starting at `pos` strictly and returns its end. Duplicate
/// keys (`path` is the value's own path) and lone surrogates go to `warnings`.
pub fn value(
    text: &str,
    pos: usize,
    path: &str,
    warnings: &mut Vec<Warning>,
) -> Result<usize, Fail> {
    checked::<false>(text, pos, path, warnings, &mut Spelled::default())
}

/// `value`, adding to `spelled` what the escapes of its strings decode to.
pub fn value_spelling(
    text: &str,
    pos: usize,
    path: &str,
    warnings: &mut Vec<Warning>,
    spelled: &mut Spelled,
) -> Result<usize, Fail> {
    checked::<true>(text, pos, path, warnings, spelled)
}

/// `value`; with `SPELL`, what escapes decode to is added to `spelled` (never touched
/// without).
#[inline(always)]
fn checked<const SPELL: bool>(
    text: &str,
    pos: usize,
    path: &str,
    warnings: &mut Vec<Warning>,
    spelled: &mut Spelled,
) -> Result<usize, Fail> {
    if let Some(done) = scalar::<SPELL>(text.as_bytes(), pos, path, warnings, spelled) {
        return done;
    }
    // A value that never ends is reported where it starts.
    value_inner::<SPELL>(text, pos, path, warnings, spelled).map_err(|f| at_start(f, pos))
}

/// A failure that ran into the end of the text, moved to where the value starts.
fn at_start((at, eof, m): Fail, pos: usize) -> Fail {
    if eof {
        (pos, eof, m)
    } else {
        (at, eof, m)
    }
}

/// The string at `pos`, checked, with `SPELL` noting what its escapes decode to.
#[inline(always)]
fn string_as<const SPELL: bool>(
    b: &[u8],
    pos: usize,
    met: &mut Met,
    spelled: &mut Spelled,
) -> Result<usize, Fail> {
    match SPELL {
        true => string_spelling(b, pos, met, spelled),
        false => string(b, pos, met),
    }
}

/// `value` for a string, number or literal at `pos`, checked without the stacks a
/// container needs (most of a record's values are scalars); `None` for an object or
/// array, or for what is no value there, which `value_inner` checks.
#[inline(always)]
fn scalar<const SPELL: bool>(
    b: &[u8],
    pos: usize,
    path: &str,
    warnings: &mut Vec<Warning>,
    spelled: &mut Spelled,
) -> Option<Result<usize, Fail>> {
    let end = match *b.get(pos)? {
        b'"' => {
            let mut met = Met::default();
            match string_as::<SPELL>(b, pos, &mut met, spelled) {
                Ok(close) => {
                    if met.lone_surrogate {
                        warnings.push(Warning {
                            field: path.to_string(),
                            message: LONE_SURROGATE.into(),
                        });
                    }
                    close + 1
                }
                // A string that never ends is reported where it starts.
                Err(f) => return Some(Err(at_start(f, pos))),
            }
        }
        b'-' | b'0'..=b'9' => match number(b, pos) {
            Some(end) => end,
            None => return Some(Err((pos, false, "invalid number"))),
        },
        b't' if b[pos..].starts_with(b"true") => pos + 4,
        b'f' if b[pos..].starts_with(b"false") => pos + 5,
        b'n' if b[pos..].starts_with(b"null") => pos + 4,
        _ => return None,
    };
    Some(Ok(end))
}

/// The warning for a `\u` escape of half a surrogate pair alone.
const LONE_SURROGATE: &str = "lone surrogate in a \\u escape; decoded as U+FFFD";

/// `value`'s check; with `SPELL`, what escapes decode to is added to `spelled` (never
/// touched without).
fn value_inner<'t, const SPELL: bool>(
    text: &'t str,
    pos: usize,
    path: &str,
    warnings: &mut Vec<Warning>,
    spelled: &mut Spelled,
) -> Result<usize, Fail> {
    let b = text.as_bytes();
    // Kept on the stack for the few levels and keys a record's values have: a
    // verdict list would otherwise cost two allocations per record.
    let mut stack: SmallVec<[Frame<'t>; 4]> = SmallVec::new();
    let mut keys: Keys<'t> = SmallVec::new();
    let mut surrogate_noted = false;
    let mut i = pos;
    // Parse one value; then, inside containers, a separator or close.
    'value: loop {
        i = skip_ws(b, i);
        let Some(&c) = b.get(i) else {
            return Err((i, true, "the text ends inside a value"));
        };
        match c {
            b'{' | b'[' => {
                if stack.len() >= MAX_DEPTH {
                    return Err((i, false, "nested too deeply (limit 1000)"));
                }
                let place = stack.last().map_or(0, |f| {
                    if f.object {
                        keys.len().saturating_sub(1)
                    } else {
                        f.items
                    }
                });
                stack.push(Frame {
                    object: c == b'{',
                    keys_from: keys.len(),
                    set: None,
                    place,
                    items: 0,
                });
                i = skip_ws(b, i + 1);
                match b.get(i) {
                    Some(b'}') if c == b'{' => i += 1,
                    Some(b']') if c == b'[' => i += 1,
                    _ if c == b'{' => {
                        i = key(text, i, &mut stack, &mut keys, path, warnings)?;
                        continue 'value;
                    }
                    _ => continue 'value,
                }
                let done = stack.pop().expect("pushed");
                keys.truncate(done.keys_from);
            }
            b'"' => {
                let mut met = Met::default();
                i = string_as::<SPELL>(b, i, &mut met, spelled)? + 1;
                if met.lone_surrogate && !surrogate_noted {
                    surrogate_noted = true;
                    warnings.push(Warning {
                        field: current_path(path, &stack, &keys),
                        message: LONE_SURROGATE.into(),
                    });
                }
            }
            b't' if b[i..].starts_with(b"true") => i += 4,
            b'f' if b[i..].starts_with(b"false") => i += 5,
            b'n' if b[i..].starts_with(b"null") => i += 4,
            b'-' | b'0'..=b'9' => match number(b, i) {
                Some(end) => i = end,
                None => return Err((i, false, "invalid number")),
            },
            _ => return Err((i, false, "expected a value")),
        }
        // After a value: close containers, or go on to the next item.
        loop {
            let Some(top) = stack.last_mut() else {
                return Ok(i);
            };
            top.items += 1;
            i = skip_ws(b, i);
            match (b.get(i), top.object) {
                (Some(b','), true) => {
                    i = key(text, i + 1, &mut stack, &mut keys, path, warnings)?;
                    continue 'value;
                }
                (Some(b','), false) => {
                    i += 1;
                    continue 'value;
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    i += 1;
                    let done = stack.pop().expect("non-empty");
                    keys.truncate(done.keys_from);
                }
                (None, _) => return Err((i, true, "the text ends inside a value")),
                (Some(_), true) => return Err((i, false, "expected `,` or `}`")),
                (Some(_), false) => return Err((i, false, "expected `,` or `]`")),
            }
        }
    }
}

/// Reads `"key":` at `pos` in the innermost object; returns the position after `:`.
fn key<'t>(
    text: &'t str,
    pos: usize,
    stack: &mut [Frame<'t>],
    keys: &mut Keys<'t>,
    path: &str,
    warnings: &mut Vec<Warning>,
) -> Result<usize, Fail> {
    let b = text.as_bytes();
    let i = skip_ws(b, pos);
    match b.get(i) {
        Some(b'"') => {}
        None => return Err((i, true, "the text ends inside an object")),
        Some(_) => return Err((i, false, "key must be a string")),
    }
    let mut met = Met::default();
    let close = string(b, i, &mut met)?;
    let name = match met.escape {
        true => unescape(&text[i + 1..close]).0,
        false => Cow::Borrowed(&text[i + 1..close]),
    };
    let frame = stack.last_mut().expect("inside an object");
    let mine = &keys[frame.keys_from..];
    let duplicate = match &mut frame.set {
        Some(set) => !set.insert(name.clone()),
        None => {
            let d = mine.iter().any(|k| same_key(k, &name));
            if mine.len() >= 32 {
                let mut set: HashSet<Cow<'t, str>, _> = mine.iter().cloned().collect();
                set.insert(name.clone());
                frame.set = Some(set);
            }
            d
        }
    };
    keys.push(name);
    if duplicate {
        warnings.push(Warning {
            field: current_path(path, stack, keys),
            message: "duplicate key; the last value is used".into(),
        });
    }
    let j = skip_ws(b, close + 1);
    match b.get(j) {
        Some(b':') => Ok(j + 1),
        None => Err((j, true, "the text ends inside an object")),
        Some(_) => Err((j, false, "expected `:` after key")),
    }
}

fn current_path(base: &str, stack: &[Frame<'_>], keys: &[Cow<'_, str>]) -> String {
    let mut p = base.to_string();
    for (n, f) in stack.iter().enumerate() {
        if n > 0 {
            if stack[n - 1].object {
                push_step(&mut p, &keys[f.place], true);
            } else {
                push_step(&mut p, &f.place.to_string(), false);
            }
        }
    }
    if let Some(f) = stack.last() {
        if f.object {
            if let Some(k) = keys.last() {
                push_step(&mut p, k, true);
            }
        } else {
            push_step(&mut p, &f.items.to_string(), false);
        }
    }
    p
}

fn push_step(p: &mut String, step: &str, key: bool) {
    if key {
        if !p.is_empty() {
            p.push('.');
        }
        p.push_str(step);
    } else {
        p.push('[');
        p.push_str(step);
        p.push(']');
    }
}

/// A whole number written in any JSON spelling (`3`, `3.0`, `3e0`, `30e-1`, `-0`),
/// exactly, as `u64`; `None` for fractions, negatives and numbers past `u64::MAX`.
pub fn exact_integer(t: &str) -> Option<u64> {
    // Plain digits (at most 19: no overflow), the common case, folded as they stand.
    let plain = |t: &str| !t.is_empty() && t.len() < 20 && t.bytes().all(|c| c.is_ascii_digit());
    let fold = |t: &str| t.bytes().fold(0, |n, c| n * 10 + u64::from(c - b'0'));
    if plain(t) {
        return Some(fold(t));
    }
    let t = t.trim();
    if plain(t) {
        return Some(fold(t));
    }
    let (neg, t) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let exp: i64 = match exp {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let v: i64 = digits.parse().unwrap_or(i64::MAX / 4).min(1 << 40);
            if e.starts_with('-') {
                -v
            } else {
                v
            }
        }
    };
    let digits: String = int.chars().chain(frac.chars()).collect();
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    if neg {
        return None;
    }
    let mut scale = exp - frac.len() as i64;
    let mut digits = digits;
    while scale < 0 && digits.ends_with('0') {
        digits = &digits[..digits.len() - 1];
        scale += 1;
    }
    if scale < 0 || digits.len() as i64 + scale > 20 {
        return None;
    }
    let mut v: u64 = digits.parse().ok()?;
    for _ in 0..scale {
        v = v.checked_mul(10)?;
    }
    Some(v)
}

#[cfg(test)]
#[path = "strict_tests.rs"]
mod tests;
