//! Reads verdicts out of a record in each layout a profile can name. The index and
//! full reads both come here (the index asks for scores only), so a score, a vote
//! count or a failure is read by one set of rules.

use crate::load::profile::{native_verdicts, Profile, VerdictSpec, VerdictStyle};
use crate::load::record::field_path::FieldPath;
use crate::load::record::members::{Lookup, Picked};
use crate::load::record::raw::{array, as_text, type_name, Raw, RawObj};
use crate::load::record::strict::exact_integer;
use crate::model::verdict::truncate;
use crate::model::{Criterion, ProblemKind, Score, Verdict, VerdictKind, Votes};

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
pub(super) struct Reader<'i> {
    pub(super) detail: Detail,
    pub(super) issues: &'i mut Vec<FieldIssue>,
    pub(super) kinds: &'i std::collections::BTreeMap<String, VerdictKind>,
}

impl Reader<'_> {
    pub(super) fn full(&self) -> bool {
        self.detail == Detail::Full
    }

    pub(super) fn named(&self) -> bool {
        self.detail != Detail::Index
    }

    /// A field path for problems, built only when problems are kept.
    pub(super) fn path(&self, f: impl FnOnce() -> String) -> String {
        if self.full() {
            f()
        } else {
            String::new()
        }
    }

    pub(super) fn issue(&mut self, field: impl Into<String>, reason: impl Into<String>) {
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
            match spec.name.contains("{file}") {
                true => std::borrow::Cow::Owned(spec.name.replace("{file}", stem)),
                false => std::borrow::Cow::Borrowed(spec.name.as_str()),
            }
        } else {
            std::borrow::Cow::Borrowed("")
        };
        if spec.style == VerdictStyle::Columns {
            out.push(columns(spec, &name, top, &mut r));
            continue;
        }
        if path.steps.is_empty() {
            // The record itself is the verdict.
            match spec.style {
                VerdictStyle::Block => out.push(block(spec, &name, top, "record", &mut r)),
                _ => out.extend(native_verdicts::native(spec, &name, top, "record", &mut r)),
            }
            continue;
        }
        let Some(raw) = path.lookup(top, key) else {
            continue;
        };
        let field = path.text.as_str();
        match spec.style {
            VerdictStyle::Block => match block_object(raw, r.full()) {
                Some(Ok(obj)) => out.push(block(spec, &name, &obj, field, &mut r)),
                Some(Err(obj)) => out.push(block(spec, &name, &obj, field, &mut r)),
                None => {
                    let why = format!("expected an object, found {}", type_name(raw));
                    r.issue(field, why.clone());
                    out.push(Verdict::new(name, spec.kind, Score::Failed(why)));
                }
            },
            VerdictStyle::Score => out.push(score(spec, &name, raw)),
            VerdictStyle::Native => {
                native_verdicts::read_native(spec, &name, raw, field, &mut r, &mut out)
            }
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
    // A number is read as written (`as_text` would only drop a `.0`, which
    // `exact_integer` reads the same): nothing to decode for most vote counts.
    match raw.get().as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => exact_integer(raw.get()),
        _ => exact_integer(&as_text(raw)?),
    }
}

/// A `{final_answer, final_answer_most_common, criteria[], quotes[][], success}` block.
/// A block verdict's object: read in place for its score alone (`Err`), split for a
/// full read, which looks up many of its keys (`Ok`).
fn block_object(raw: Raw<'_>, full: bool) -> Option<Result<RawObj<'_>, Picked<'_>>> {
    match full {
        true => RawObj::parse(raw).map(Ok),
        false => Picked::of(raw, &["final_answer", "success"]).map(Err),
    }
}

fn block<'a>(
    spec: &VerdictSpec,
    name: &str,
    obj: &impl Lookup<'a>,
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
pub(super) fn strings(raw: Raw<'_>) -> Vec<String> {
    strings_of(&array(raw).unwrap_or_default())
}

fn strings_of(items: &[Raw<'_>]) -> Vec<String> {
    items
        .iter()
        .filter(|x| x.get().starts_with('"'))
        .filter_map(|x| as_text(*x).map(|c| c.into_owned()))
        .collect()
}

pub(super) fn criterion_name(spec: &VerdictSpec, i: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Raw<'_> {
        RawObj::parse_record(s).unwrap().get("v").unwrap()
    }

    /// A number is read as written, a string decoded first, to the same value; plain
    /// digits (folded as they stand) to the value `str::parse` gives them.
    #[test]
    fn whole_numbers_read_as_exact_integer_reads_them() {
        let mut rng = crate::synth::Rng::new(5);
        for _ in 0..50_000 {
            let len = 1 + rng.below(22) as usize;
            let t: String = (0..len)
                .map(|_| char::from(b"0123456789.e-"[rng.below(13) as usize]))
                .collect();
            let rec = format!("{{\"v\":\"{t}\"}}");
            let quoted = integer(raw(&rec));
            let bare = RawObj::parse_record(&format!("{{\"v\":{t}}}"))
                .ok()
                .map(|o| integer(o.get("v").unwrap()));
            assert_eq!(quoted, exact_integer(&t), "{t}");
            if t.len() < 20 && t.bytes().all(|c| c.is_ascii_digit()) {
                assert_eq!(quoted, t.parse::<u64>().ok(), "{t}");
            }
            if let Some(bare) = bare {
                assert_eq!(bare, quoted, "{t}");
            }
        }
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
}
