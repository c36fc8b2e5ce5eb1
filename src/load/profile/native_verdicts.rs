//! afscope's own verdict objects, read out of a record: one verdict, a list of
//! them, or an object of them keyed by classifier; their votes and spans. The index
//! reads them in place (`Picked`), full reads split them; the rules are the same.

use super::verdicts::{criterion_name, integer, score_of, strings, Reader};
use crate::load::profile::VerdictSpec;
use crate::load::record::members::{items_lazily, Lookup, Picked};
use crate::load::record::raw::{array, as_text, type_name, Raw, RawObj};
use crate::load::record::strict::exact_integer;
use crate::model::verdict::truncate;
use crate::model::{Criterion, OffsetUnit, Score, Span, Verdict, VerdictKind, Votes};

/// A native verdict value: one verdict object, a list of them, or an object of them
/// keyed by classifier. Read in place for the index and scores; split for full
/// reads, which look up many keys of each.
pub(super) fn read_native(
    spec: &VerdictSpec,
    name: &str,
    raw: Raw<'_>,
    field: &str,
    r: &mut Reader<'_>,
    out: &mut Vec<Verdict>,
) {
    if r.full() {
        read_with(spec, name, raw, field, r, out, RawObj::parse, |raw| {
            array(raw).map(Vec::into_iter)
        });
        return;
    }
    // Read in place: a list's items one walk each, and what was read undone if the
    // list does not read to its end (as `array` would refuse it), which no record
    // checked when indexed has.
    let start = out.len();
    if let Some(mut list) = items_lazily(raw) {
        while let Some(item) = list.next_picked(VERDICT_KEYS) {
            if let Ok(obj) = item {
                out.extend(native(spec, name, &obj, "", r));
            }
        }
        if list.ok {
            return;
        }
        out.truncate(start);
    }
    read_with(
        spec,
        name,
        raw,
        field,
        r,
        out,
        |raw| Picked::of(raw, VERDICT_KEYS),
        |_| None::<std::iter::Empty<Raw<'_>>>,
    );
}

/// The keys of a verdict object that the index and scores read.
const VERDICT_KEYS: &[&str] = &["classifier", "kind", "votes", "score"];

#[allow(clippy::too_many_arguments)]
fn read_with<'a, O: Lookup<'a>, I: Iterator<Item = Raw<'a>>>(
    spec: &VerdictSpec,
    name: &str,
    raw: Raw<'a>,
    field: &str,
    r: &mut Reader<'_>,
    out: &mut Vec<Verdict>,
    object: impl Fn(Raw<'a>) -> Option<O>,
    list: impl Fn(Raw<'a>) -> Option<I>,
) {
    if let Some(items) = list(raw) {
        for (i, item) in items.enumerate() {
            let f = r.path(|| format!("{field}[{i}]"));
            match object(item) {
                Some(obj) => out.extend(native(spec, name, &obj, &f, r)),
                None => r.issue(
                    f,
                    format!("expected a verdict object, found {}", type_name(item)),
                ),
            }
        }
        return;
    }
    let Some(obj) = object(raw) else {
        r.issue(
            field,
            format!("expected a verdict object, found {}", type_name(raw)),
        );
        return;
    };
    let keyed = obj.get("score").is_none()
        && obj.get("classifier").is_none()
        && !obj.each(&mut |_, _| false)
        && obj.each(&mut |_, v| v.get().starts_with('{'));
    if !keyed {
        out.extend(native(spec, name, &obj, field, r));
        return;
    }
    // {"classifier_a": {...}, "classifier_b": {...}}
    let mut entries = Vec::new();
    obj.each(&mut |k, v| {
        entries.push((k.clone(), v));
        true
    });
    for (cname, item) in &entries {
        let Some(inner) = object(*item) else {
            continue;
        };
        let f = r.path(|| format!("{field}.{cname}"));
        if let Some(mut v) = native(spec, cname, &inner, &f, r) {
            if inner.get("classifier").is_none()
                && (r.named() || v.kind == VerdictKind::AlignmentFaking)
            {
                v.classifier = cname.to_string();
            }
            out.push(v);
        }
    }
}

/// afscope's verdict object:
/// `{classifier, kind, score, votes: {yes, n, detail}, criteria: [{name, score, quotes}],
///   spans: [{start, end, unit, criterion}], answer, raw}`.
pub(super) fn native<'a>(
    spec: &VerdictSpec,
    name: &str,
    obj: &impl Lookup<'a>,
    field: &str,
    r: &mut Reader<'_>,
) -> Option<Verdict> {
    let own = obj.get("classifier").and_then(as_text);
    let set = r.kinds.get(own.as_deref().unwrap_or(name)).copied();
    let kind = match obj.get("kind").filter(|_| set.is_none()) {
        None => set.unwrap_or(spec.kind),
        Some(k) => match as_text(k).as_deref().and_then(VerdictKind::parse) {
            Some(kind) => kind,
            None => {
                r.issue(
                    format!("{field}.kind"),
                    format!(
                        "unknown kind {}; expected alignment_faking, compliance or other",
                        truncate(k.get(), 40)
                    ),
                );
                VerdictKind::Other
            }
        },
    };
    let classifier = match own {
        _ if !r.named() && kind != VerdictKind::AlignmentFaking => String::new(),
        Some(c) => c.into_owned(),
        None => name.to_string(),
    };
    let mut verdict = Verdict::new(classifier, kind, Score::Unscored);
    verdict.votes = obj.get("votes").and_then(|v| {
        let f = r.path(|| format!("{field}.votes"));
        votes(v, &f, r)
    });
    verdict.score = match obj.get("score") {
        Some(s) => score_of(s),
        None => verdict
            .votes
            .as_ref()
            .and_then(Votes::fraction)
            .map_or(Score::Unscored, Score::Value),
    };
    if !r.full() {
        return Some(verdict);
    }
    let text = |k: &str| {
        obj.get(k)
            .filter(|v| v.get().starts_with('"'))
            .and_then(as_text)
            .map(|c| c.into_owned())
    };
    verdict.answer = text("answer");
    verdict.raw = text("raw");
    if let Some(cs) = obj.get("criteria").and_then(array) {
        for (i, c) in cs.into_iter().enumerate() {
            let c = RawObj::parse(c);
            let get = |k: &str| c.as_ref().and_then(|c| c.get(k));
            verdict.criteria.push(Criterion {
                name: get("name")
                    .and_then(as_text)
                    .map_or_else(|| criterion_name(spec, i), |n| n.into_owned()),
                score: get("score").map_or(Score::Unscored, score_of),
                quotes: get("quotes").map(strings).unwrap_or_default(),
            });
        }
    }
    if let Some(spans) = obj.get("spans").and_then(array) {
        for (i, s) in spans.into_iter().enumerate() {
            match span(s, &verdict) {
                Ok(sp) => verdict.spans.push(sp),
                Err(e) => r.issue(format!("{field}.spans[{i}]"), e),
            }
        }
    }
    Some(verdict)
}

fn votes(raw: Raw<'_>, field: &str, r: &mut Reader<'_>) -> Option<Votes> {
    if let Some(items) = array(raw) {
        let detail: Option<Vec<bool>> = items.iter().map(|v| vote(*v)).collect();
        let Some(d) = detail else {
            r.issue(field, "votes must be yes/no, true/false or 1/0");
            return None;
        };
        return Some(Votes {
            yes: d.iter().filter(|b| **b).count() as u32,
            total: d.len() as u32,
            detail: if r.full() { d } else { Vec::new() },
        });
    }
    let Some(o) = Picked::of(raw, &["yes", "n", "total", "detail"]) else {
        r.issue(
            field,
            format!("expected a list or {{yes, n}}, found {}", type_name(raw)),
        );
        return None;
    };
    let yes = o.get("yes").and_then(integer);
    let total = o.get("n").or_else(|| o.get("total")).and_then(integer);
    match (yes, total) {
        (Some(y), Some(n)) if y <= n && n <= u64::from(u32::MAX) => Some(Votes {
            yes: y as u32,
            total: n as u32,
            detail: match (r.full(), o.get("detail").and_then(array)) {
                (true, Some(d)) => d.into_iter().filter_map(vote).collect(),
                _ => Vec::new(),
            },
        }),
        _ => {
            r.issue(field, "expected {yes, n} with whole numbers, yes <= n");
            None
        }
    }
}

/// One vote: a boolean, 0 or 1 in any spelling, or yes/no/true/false as text.
fn vote(raw: Raw<'_>) -> Option<bool> {
    let text = as_text(raw)?;
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("yes") || is("true") {
        return Some(true);
    }
    if is("no") || is("false") {
        return Some(false);
    }
    match exact_integer(&text)? {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn span(raw: Raw<'_>, verdict: &Verdict) -> Result<Span, String> {
    let s = RawObj::parse(raw).ok_or("a span must be an object")?;
    let start = s
        .get("start")
        .and_then(integer)
        .ok_or("span needs a whole-number `start`")?;
    let end = s
        .get("end")
        .and_then(integer)
        .ok_or("span needs a whole-number `end`")?;
    if end < start {
        return Err(format!("span end {end} is before start {start}"));
    }
    let unit = match s.get("unit") {
        None => OffsetUnit::Byte,
        Some(u) => match as_text(u).as_deref() {
            Some("byte") => OffsetUnit::Byte,
            Some("code_point") => OffsetUnit::CodePoint,
            _ => {
                return Err(format!(
                    "unknown unit {}; expected byte or code_point",
                    truncate(u.get(), 40)
                ))
            }
        },
    };
    let criterion = match s.get("criterion") {
        None => None,
        Some(c) if c.get() == "null" => None,
        Some(c) if c.get().starts_with('"') => {
            let name = as_text(c).unwrap_or_default();
            Some(
                verdict
                    .criteria
                    .iter()
                    .position(|x| x.name == name)
                    .ok_or_else(|| format!("no criterion named {name:?}"))?,
            )
        }
        Some(c) if matches!(c.get().as_bytes()[0], b'-' | b'0'..=b'9') => {
            Some(integer(c).ok_or("criterion index must be whole")? as usize)
        }
        Some(c) => {
            return Err(format!(
                "criterion must be an index or a name, found {}",
                truncate(c.get(), 40)
            ))
        }
    };
    Ok(Span {
        start,
        end,
        unit,
        criterion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::profile::verdicts::Detail;

    #[test]
    fn votes_in_every_spelling() {
        let mut issues = Vec::new();
        let kinds = std::collections::BTreeMap::new();
        let mut r = Reader {
            detail: Detail::Full,
            issues: &mut issues,
            kinds: &kinds,
        };
        let v = |text: &str, r: &mut Reader<'_>| {
            let rec = format!("{{\"v\":{text}}}");
            let o = RawObj::parse_record(&rec).unwrap();
            votes(o.get("v").unwrap(), "votes", r).map(|v| (v.yes, v.total))
        };
        assert_eq!(v("[1.0, 0.0, 1e0, \"yes\", false]", &mut r), Some((3, 5)));
        assert_eq!(v("{\"yes\": 2.0, \"n\": 4}", &mut r), Some((2, 4)));
        assert_eq!(
            v("{\"yes\": \"2\", \"total\": 40e-1}", &mut r),
            Some((2, 4))
        );
        assert_eq!(v("[2]", &mut r), None);
        assert_eq!(v("{\"yes\": 5, \"n\": 4}", &mut r), None);
        assert_eq!(v("{\"yes\": 1.5, \"n\": 4}", &mut r), None);
        assert_eq!(issues.len(), 3);
    }

    /// The index reads verdicts in place and full reads split them: on every form
    /// (one object, a list, an object keyed by classifier, a key written twice) the
    /// two give the same kind, score and classifier to each verdict.
    #[test]
    fn the_index_and_full_reads_see_the_same_verdicts() {
        let profile = crate::load::profile::Profile::builtin("native").unwrap();
        for verdicts in [
            r#"{"classifier": "j", "kind": "alignment_faking", "score": 0.25}"#,
            r#"[{"classifier": "j", "kind": "alignment_faking", "votes": {"n": 20, "yes": 8}}, {"classifier": "c", "kind": "compliance", "score": "0.5"}, 3]"#,
            r#"{"judge_a": {"kind": "alignment_faking", "score": 0.9}, "judge_b": {"kind": "compliance", "score": 1}, "judge_a": {"kind": "alignment_faking", "score": 0.1}}"#,
            r#"{"score": 0.3, "score": 0.6, "kind": "alignment_faking"}"#,
            r#"[{"kind": "bogus", "score": 2}, {"votes": [true, "no", 1]}]"#,
        ] {
            let rec = format!("{{\"verdicts\": {verdicts}}}");
            let top = RawObj::parse_record(&rec).unwrap();
            let read = |detail| {
                let got = crate::load::profile::verdicts::read_all(
                    &profile,
                    "stem",
                    &top,
                    None,
                    detail,
                    &mut Vec::new(),
                );
                got.into_iter()
                    .map(|v| {
                        let named = v.kind == VerdictKind::AlignmentFaking;
                        (v.kind, v.score, named.then_some(v.classifier))
                    })
                    .collect::<Vec<_>>()
            };
            let full = read(Detail::Full);
            assert!(!full.is_empty(), "{verdicts}");
            assert_eq!(read(Detail::Index), full, "{verdicts}");
            assert_eq!(read(Detail::Scores), full, "{verdicts}");
        }
    }
}
