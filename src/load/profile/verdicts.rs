//! Reads verdicts out of a record in each layout a profile can name. The index and
//! full reads both come here (the index asks for scores only), so a score, a vote
//! count or a failure is read by one set of rules.

use crate::load::profile::{Profile, VerdictSpec, VerdictStyle};
use crate::load::record::field_path::FieldPath;
use crate::load::record::raw::{array, as_text, type_name, Raw, RawObj};
use crate::load::record::strict::exact_integer;
use crate::model::verdict::truncate;
use crate::model::{Criterion, OffsetUnit, ProblemKind, Score, Span, Verdict, VerdictKind, Votes};

/// A part of a record that could not be read; the caller adds file and line.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldIssue {
    pub field: String,
    pub kind: ProblemKind,
    pub reason: String,
}

impl FieldIssue {
    /// A value that could not be read; the record still loads.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldIssue {
            field: field.into(),
            kind: ProblemKind::BadValue,
            reason: reason.into(),
        }
    }

    pub fn kind(mut self, kind: ProblemKind) -> Self {
        self.kind = kind;
        self
    }
}

/// How much of each verdict to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Kind and score, and the names of alignment-faking classifiers only: what the
    /// index keeps.
    Index,
    /// Classifier, kind, score and vote counts.
    Scores,
    /// Everything: criteria, quotes, spans, answers, raw output, vote details.
    Full,
}

/// One reading of a record's verdicts.
struct Reader<'i> {
    detail: Detail,
    issues: &'i mut Vec<FieldIssue>,
    kinds: &'i std::collections::BTreeMap<String, VerdictKind>,
}

impl Reader<'_> {
    fn full(&self) -> bool {
        self.detail == Detail::Full
    }

    fn named(&self) -> bool {
        self.detail != Detail::Index
    }

    /// A field path for problems, built only when problems are kept.
    fn path(&self, f: impl FnOnce() -> String) -> String {
        if self.full() {
            f()
        } else {
            String::new()
        }
    }

    fn issue(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        if self.full() {
            self.issues.push(FieldIssue::new(field, reason));
        }
    }
}

/// Every verdict the profile finds in a record. With `Detail::Scores` only what the
/// index needs is read and value problems are left to full reads.
pub fn read_all(
    profile: &Profile,
    stem: &str,
    top: &RawObj<'_>,
    key: Option<&str>,
    detail: Detail,
    issues: &mut Vec<FieldIssue>,
) -> Vec<Verdict> {
    let mut r = Reader {
        detail,
        issues,
        kinds: &profile.spec.kinds,
    };
    let mut out = Vec::new();
    for (spec, path) in profile.spec.verdicts.iter().zip(&profile.verdict_paths) {
        // Native verdicts say their own kind; name them all until they do.
        let name = if r.named()
            || spec.kind == VerdictKind::AlignmentFaking
            || spec.style == VerdictStyle::Native
        {
            spec.name.replace("{file}", stem)
        } else {
            String::new()
        };
        if spec.style == VerdictStyle::Columns {
            out.push(columns(spec, &name, top, &mut r));
            continue;
        }
        if path.steps.is_empty() {
            // The record itself is the verdict.
            match spec.style {
                VerdictStyle::Block => out.push(block(spec, &name, top, "record", &mut r)),
                _ => out.extend(native(spec, &name, top, "record", &mut r)),
            }
            continue;
        }
        let Some(raw) = path.lookup(top, key) else {
            continue;
        };
        let field = path.text.as_str();
        match spec.style {
            VerdictStyle::Block => match RawObj::parse(raw) {
                Some(obj) => out.push(block(spec, &name, &obj, field, &mut r)),
                None => {
                    let why = format!("expected an object, found {}", type_name(raw));
                    r.issue(field, why.clone());
                    out.push(Verdict::new(name, spec.kind, Score::Failed(why)));
                }
            },
            VerdictStyle::Score => out.push(score(spec, &name, raw)),
            VerdictStyle::Native => read_native(spec, &name, raw, field, &mut r, &mut out),
            VerdictStyle::Columns => unreachable!("read above"),
        }
        if r.full() {
            if let (Some(raw_path), Some(v)) = (&spec.raw, out.last_mut()) {
                v.raw = FieldPath::parse(raw_path)
                    .ok()
                    .and_then(|p| p.lookup(top, key))
                    .and_then(as_text)
                    .map(|c| c.into_owned());
            }
        }
    }
    out
}

/// A native verdict value: one verdict object, a list of them, or an object of them
/// keyed by classifier.
fn read_native(
    spec: &VerdictSpec,
    name: &str,
    raw: Raw<'_>,
    field: &str,
    r: &mut Reader<'_>,
    out: &mut Vec<Verdict>,
) {
    if let Some(items) = array(raw) {
        for (i, item) in items.into_iter().enumerate() {
            let f = r.path(|| format!("{field}[{i}]"));
            match RawObj::parse(item) {
                Some(obj) => out.extend(native(spec, name, &obj, &f, r)),
                None => r.issue(
                    f,
                    format!("expected a verdict object, found {}", type_name(item)),
                ),
            }
        }
        return;
    }
    let Some(obj) = RawObj::parse(raw) else {
        r.issue(
            field,
            format!("expected a verdict object, found {}", type_name(raw)),
        );
        return;
    };
    let keyed = obj.get("score").is_none()
        && obj.get("classifier").is_none()
        && !obj.entries.is_empty()
        && obj.entries.iter().all(|(_, v)| v.get().starts_with('{'));
    if !keyed {
        out.extend(native(spec, name, &obj, field, r));
        return;
    }
    // {"classifier_a": {...}, "classifier_b": {...}}
    for (cname, item) in &obj.entries {
        let Some(inner) = RawObj::parse(*item) else {
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

/// A score: numbers in [0, 1] (as written: the `f64` the decimal parses to),
/// numeric strings, booleans; anything else is a failure that says what was there.
pub fn score_of(raw: Raw<'_>) -> Score {
    let s = raw.get();
    match s.as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => Score::from_text(s),
        Some(b't') => Score::Value(1.0),
        Some(b'f') => Score::Value(0.0),
        Some(b'"') => Score::from_text(&as_text(raw).unwrap_or_default()),
        Some(b'n') => Score::Failed("null".into()),
        _ => Score::Failed(format!("not a number: {}", truncate(s, 40))),
    }
}

/// A whole number in any spelling (`3`, `3.0`, `3e0`, `"3"`), exactly.
pub fn integer(raw: Raw<'_>) -> Option<u64> {
    exact_integer(&as_text(raw)?)
}

/// A `{final_answer, final_answer_most_common, criteria[], quotes[][], success}` block.
fn block(
    spec: &VerdictSpec,
    name: &str,
    obj: &RawObj<'_>,
    field: &str,
    r: &mut Reader<'_>,
) -> Verdict {
    let mut verdict = Verdict::new(name, spec.kind, Score::Unscored);
    verdict.score = match obj.get("final_answer") {
        Some(fa) => score_of(fa),
        None => Score::Failed("no final_answer".into()),
    };
    if obj.get("success").is_some_and(|v| v.get() == "false") && !verdict.score.is_failed() {
        verdict.score = Score::Failed("success: false".into());
    }
    if !r.full() {
        return verdict;
    }
    verdict.answer = obj
        .get("final_answer_most_common")
        .filter(|v| v.get().starts_with('"'))
        .and_then(as_text)
        .filter(|s| !s.is_empty())
        .map(|s| s.into_owned());
    let scores = obj.get("criteria").and_then(array);
    let quotes = obj.get("quotes").and_then(array);
    let n = scores
        .as_ref()
        .map_or(0, Vec::len)
        .max(quotes.as_ref().map_or(0, Vec::len));
    for i in 0..n {
        let score = scores
            .as_ref()
            .and_then(|s| s.get(i))
            .map_or(Score::Unscored, |s| score_of(*s));
        let q = quotes.as_ref().and_then(|q| q.get(i)).copied();
        let quotes = match q {
            Some(item) if item.get().starts_with('[') => strings(item),
            Some(item) if item.get().starts_with('"') => strings_of(&[item]),
            Some(item) if item.get() == "null" => Vec::new(),
            None => Vec::new(),
            Some(other) => {
                r.issue(
                    format!("{field}.quotes[{i}]"),
                    format!("expected a list of quotes, found {}", type_name(other)),
                );
                Vec::new()
            }
        };
        verdict.criteria.push(Criterion {
            name: criterion_name(spec, i),
            score,
            quotes,
        });
    }
    verdict
}

/// The strings of an array (other items skipped).
fn strings(raw: Raw<'_>) -> Vec<String> {
    strings_of(&array(raw).unwrap_or_default())
}

fn strings_of(items: &[Raw<'_>]) -> Vec<String> {
    items
        .iter()
        .filter(|x| x.get().starts_with('"'))
        .filter_map(|x| as_text(*x).map(|c| c.into_owned()))
        .collect()
}

fn criterion_name(spec: &VerdictSpec, i: usize) -> String {
    spec.criteria
        .get(i)
        .cloned()
        .unwrap_or_else(|| format!("criterion {}", i + 1))
}

/// A score-style value; with `votes_out_of = N`, a whole number of yes votes.
fn score(spec: &VerdictSpec, name: &str, raw: Raw<'_>) -> Verdict {
    let mut verdict = Verdict::new(name, spec.kind, score_of(raw));
    if let Some(n) = spec.votes_out_of {
        match integer(raw).filter(|k| *k <= u64::from(n)) {
            Some(k) => {
                let votes = Votes {
                    yes: k as u32,
                    total: n,
                    detail: Vec::new(),
                };
                verdict.score = votes.fraction().map_or(Score::Unscored, Score::Value);
                verdict.votes = Some(votes);
            }
            None if verdict.score.is_failed() => {}
            None => {
                verdict.score = Score::Failed(format!(
                    "{} is not a vote count out of {n}",
                    truncate(raw.get(), 40)
                ))
            }
        }
    }
    verdict
}

fn columns(spec: &VerdictSpec, name: &str, top: &RawObj<'_>, r: &mut Reader<'_>) -> Verdict {
    let cell = |col: &str| {
        top.get(col).map(|raw| match as_text(raw) {
            Some(t) => Score::from_text(&t),
            None => Score::Failed("empty".into()),
        })
    };
    let score = if spec.path.is_empty() {
        Score::Unscored
    } else {
        cell(&spec.path).unwrap_or(Score::Failed("no such column".into()))
    };
    let mut verdict = Verdict::new(name, spec.kind, score);
    if r.full() {
        for col in &spec.criteria {
            match cell(col) {
                Some(s) => verdict.criteria.push(Criterion {
                    name: col.clone(),
                    score: s,
                    quotes: Vec::new(),
                }),
                None => r.issue(col, "column missing"),
            }
        }
    }
    verdict
}

/// afscope's verdict object:
/// `{classifier, kind, score, votes: {yes, n, detail}, criteria: [{name, score, quotes}],
///   spans: [{start, end, unit, criterion}], answer, raw}`.
fn native(
    spec: &VerdictSpec,
    name: &str,
    obj: &RawObj<'_>,
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
    let Some(o) = RawObj::parse(raw) else {
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
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        t => match exact_integer(t)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
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

    fn raw(s: &str) -> Raw<'_> {
        RawObj::parse_record(s).unwrap().get("v").unwrap()
    }

    #[test]
    fn scores_and_their_failures() {
        let s = |v: &str| {
            let rec = format!("{{\"v\":{v}}}");
            score_of(raw(&rec))
        };
        assert_eq!(s("0.45"), Score::Value(0.45));
        assert_eq!(s("\"0.5\""), Score::Value(0.5));
        assert_eq!(s("true"), Score::Value(1.0));
        assert_eq!(s("7e-1"), Score::Value(0.7));
        assert_eq!(s("-0"), Score::Value(0.0));
        assert!(matches!(s("-0.0"), Score::Value(v) if v.is_sign_positive()));
        for bad in [
            "\"FAILED TO PARSE\"",
            "\"\"",
            "null",
            "1.5",
            "[1]",
            "\"NaN\"",
            "1e400",
        ] {
            assert!(s(bad).is_failed(), "{bad}");
        }
    }

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
}
