//! afscope's own verdict objects, read out of a record: one verdict, a list of
//! them, or an object of them keyed by classifier; their votes and spans. The index
//! reads them in place (`Picked`), full reads split them; the rules are the same.

use super::verdicts::{criterion_name, integer, score_of, strings, Reader};
use crate::load::profile::VerdictSpec;
use crate::load::record::members::{items_lazily, pick_nested, Lookup, Picked};
use crate::load::record::raw::{array, as_text, type_name, Raw, RawObj};
use crate::load::record::scan::scan_value;
use crate::load::record::strict::exact_integer;
use crate::model::verdict::truncate;
use crate::model::{Criterion, OffsetUnit, Score, Span, Verdict, VerdictKind, Votes};

/// A native verdict value: one verdict object, a list of them, or an object of them
/// keyed by classifier. Read in place for the index and scores; split for full
/// reads, which look up many keys of each.
pub(super) fn read_native<'a>(
    spec: &VerdictSpec,
    name: &str,
    raw: Raw<'a>,
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
    // Read in place: a list's items one walk each (a verdict and its votes together
    // where no key holds an escape), and what was read undone if the list does not
    // read to its end (as `array` would refuse it), which no record checked when
    // indexed has.
    let start = out.len();
    if let Some(mut list) = items_lazily(raw) {
        let read = |text: &'a str, pos: usize| match pick_nested(text, pos, NESTED) {
            Some((outer, inner, end)) => Some((Item::Nested(outer, inner), end)),
            None => match Picked::at(text, pos, VERDICT_KEYS) {
                Some((p, end)) => Some((Item::Picked(p), end)),
                None => scan_value(text.as_bytes(), pos)
                    .ok()
                    .map(|end| (Item::Other, end)),
            },
        };
        while let Some(item) = list.step(read) {
            match item {
                Item::Nested([classifier, kind, votes, score], [yes, n, total]) => {
                    let votes = votes.map(|v| match v.get().starts_with('{') {
                        true => VotesAt::Counts(yes, n.or(total)),
                        false => VotesAt::Value(v),
                    });
                    let found = Found {
                        classifier,
                        kind,
                        score,
                        votes,
                    };
                    out.push(head(spec, name, found, "", r));
                }
                Item::Picked(obj) => out.extend(native(spec, name, &obj, "", r)),
                Item::Other => {}
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

/// An item of a verdict list as the index reads it.
enum Item<'a> {
    /// A verdict object read with its votes (`NESTED`).
    Nested([Option<Raw<'a>>; 4], [Option<Raw<'a>>; 3]),
    /// A verdict object with an escape in a key, read with `Picked`.
    Picked(Picked<'a>),
    /// Not an object.
    Other,
}

/// A verdict's keys (`VERDICT_KEYS`), and its votes' whole numbers, read in one walk.
const NESTED: (&[&str; 4], usize, &[&str; 3]) = (
    &["classifier", "kind", "votes", "score"],
    2,
    &["yes", "n", "total"],
);

/// The keys of a verdict object that the index and scores read.
const VERDICT_KEYS: &[&str] = NESTED.0;

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

/// What a verdict object says of its classifier, kind, votes and score.
struct Found<'a> {
    classifier: Option<Raw<'a>>,
    kind: Option<Raw<'a>>,
    score: Option<Raw<'a>>,
    votes: Option<VotesAt<'a>>,
}

/// A verdict's votes: the value, or the counts already read out of its object.
enum VotesAt<'a> {
    Value(Raw<'a>),
    /// `yes`, and `n` (else `total`), of a votes object (no `detail`: for the index).
    Counts(Option<Raw<'a>>, Option<Raw<'a>>),
}

/// A verdict's classifier, kind, votes and score: the rules, however its object was
/// read.
fn head(
    spec: &VerdictSpec,
    name: &str,
    found: Found<'_>,
    field: &str,
    r: &mut Reader<'_>,
) -> Verdict {
    let own = found.classifier.and_then(as_text);
    let set = r.kinds.get(own.as_deref().unwrap_or(name)).copied();
    let kind = match found.kind.filter(|_| set.is_none()) {
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
    verdict.votes = found.votes.and_then(|v| {
        let f = r.path(|| format!("{field}.votes"));
        match v {
            VotesAt::Value(v) => votes(v, &f, r),
            VotesAt::Counts(yes, total) => counts(yes, total, Vec::new(), &f, r),
        }
    });
    verdict.score = match found.score {
        Some(s) => score_of(s),
        None => verdict
            .votes
            .as_ref()
            .and_then(Votes::fraction)
            .map_or(Score::Unscored, Score::Value),
    };
    verdict
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
    let found = Found {
        classifier: obj.get("classifier"),
        kind: obj.get("kind"),
        score: obj.get("score"),
        votes: obj.get("votes").map(VotesAt::Value),
    };
    let mut verdict = head(spec, name, found, field, r);
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
    let detail = match (r.full(), o.get("detail").and_then(array)) {
        (true, Some(d)) => d.into_iter().filter_map(vote).collect(),
        _ => Vec::new(),
    };
    let total = o.get("n").or_else(|| o.get("total"));
    counts(o.get("yes"), total, detail, field, r)
}

/// Votes from a votes object's `yes` and `n` (or `total`): whole numbers, yes <= n.
fn counts(
    yes: Option<Raw<'_>>,
    total: Option<Raw<'_>>,
    detail: Vec<bool>,
    field: &str,
    r: &mut Reader<'_>,
) -> Option<Votes> {
    match (yes.and_then(integer), total.and_then(integer)) {
        (Some(y), Some(n)) if y <= n && n <= u64::from(u32::MAX) => Some(Votes {
            yes: y as u32,
            total: n as u32,
            detail,
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
#[path = "native_verdicts_tests.rs"]
mod tests;
