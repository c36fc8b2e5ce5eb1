//! Reads verdicts out of a record in each layout a profile can name.

use super::profile::{Profile, VerdictSpec, VerdictStyle};
use super::raw::{as_text, FieldPath, RawObj};
use crate::model::{Criterion, OffsetUnit, ProblemKind, Score, Span, Verdict, VerdictKind, Votes};
use serde_json::Value;

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

/// Every verdict the profile finds in a record.
pub fn read_all(
    profile: &Profile,
    stem: &str,
    top: &RawObj<'_>,
    key: Option<&str>,
    issues: &mut Vec<FieldIssue>,
) -> Vec<Verdict> {
    let mut out = Vec::new();
    for (spec, path) in profile.spec.verdicts.iter().zip(&profile.verdict_paths) {
        let name = spec.name.replace("{file}", stem);
        let found = if path.steps.is_empty() {
            None
        } else {
            path.lookup(top, key)
        };
        match spec.style {
            VerdictStyle::Columns => out.extend(columns(spec, &name, top, issues)),
            _ if path.steps.is_empty() => {
                // The record itself is the verdict.
                let whole: Value = Value::Object(
                    top.entries
                        .iter()
                        .filter_map(|(k, v)| {
                            Some((k.to_string(), serde_json::from_str(v.get()).ok()?))
                        })
                        .collect(),
                );
                read_value(spec, &name, &whole, &path.text, issues, &mut out);
            }
            _ => {
                let Some(raw) = found else { continue };
                let value: Value = match serde_json::from_str(raw.get()) {
                    Ok(v) => v,
                    Err(e) => {
                        issues.push(FieldIssue::new(&path.text, e.to_string()));
                        continue;
                    }
                };
                read_value(spec, &name, &value, &path.text, issues, &mut out);
                if let (Some(raw_path), Some(v)) = (&spec.raw, out.last_mut()) {
                    v.raw = FieldPath::parse(raw_path)
                        .ok()
                        .and_then(|p| p.lookup(top, key))
                        .and_then(as_text)
                        .map(|c| c.into_owned());
                }
            }
        }
    }
    out
}

fn read_value(
    spec: &VerdictSpec,
    name: &str,
    value: &Value,
    field: &str,
    issues: &mut Vec<FieldIssue>,
    out: &mut Vec<Verdict>,
) {
    match spec.style {
        VerdictStyle::Block => out.push(block(spec, name, value, field, issues)),
        VerdictStyle::Score => out.push(score(spec, name, value)),
        VerdictStyle::Native => match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(v) = native(spec, name, item, &format!("{field}[{i}]"), issues) {
                        out.push(v);
                    }
                }
            }
            Value::Object(map)
                if !map.contains_key("score")
                    && !map.contains_key("classifier")
                    && map.values().all(Value::is_object) =>
            {
                // {"classifier_a": {...}, "classifier_b": {...}}
                for (cname, item) in map {
                    if let Some(mut v) =
                        native(spec, cname, item, &format!("{field}.{cname}"), issues)
                    {
                        if item.get("classifier").is_none() {
                            v.classifier = cname.clone();
                        }
                        out.push(v);
                    }
                }
            }
            other => out.extend(native(spec, name, other, field, issues)),
        },
        VerdictStyle::Columns => {}
    }
}

fn block(
    spec: &VerdictSpec,
    name: &str,
    v: &Value,
    field: &str,
    issues: &mut Vec<FieldIssue>,
) -> Verdict {
    let mut verdict = Verdict::new(name, spec.kind, Score::Unscored);
    let Value::Object(obj) = v else {
        verdict.score = Score::Failed(format!("expected an object, found {}", json_type(v)));
        issues.push(FieldIssue::new(
            field,
            format!("expected an object, found {}", json_type(v)),
        ));
        return verdict;
    };
    verdict.score = match obj.get("final_answer") {
        Some(fa) => Score::from_json(fa),
        None => Score::Failed("no final_answer".into()),
    };
    if obj.get("success") == Some(&Value::Bool(false)) && !verdict.score.is_failed() {
        verdict.score = Score::Failed("success: false".into());
    }
    verdict.answer = obj
        .get("final_answer_most_common")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let scores = obj.get("criteria").and_then(Value::as_array);
    let quotes = obj.get("quotes").and_then(Value::as_array);
    let n = scores.map_or(0, Vec::len).max(quotes.map_or(0, Vec::len));
    for i in 0..n {
        let score = scores
            .and_then(|s| s.get(i))
            .map_or(Score::Unscored, Score::from_json);
        let q = quotes.and_then(|q| q.get(i));
        let quotes = match q {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                issues.push(FieldIssue::new(
                    format!("{field}.quotes[{i}]"),
                    format!("expected a list of quotes, found {}", json_type(other)),
                ));
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

fn criterion_name(spec: &VerdictSpec, i: usize) -> String {
    spec.criteria
        .get(i)
        .cloned()
        .unwrap_or_else(|| format!("criterion {}", i + 1))
}

/// The score a score-style spec gives a value (votes out of N included).
pub(crate) fn score_value(spec: &VerdictSpec, v: &Value) -> Score {
    score(spec, "", v).score
}

fn score(spec: &VerdictSpec, name: &str, v: &Value) -> Verdict {
    let mut verdict = Verdict::new(name, spec.kind, Score::from_json(v));
    if let (Some(n), Some(k)) = (spec.votes_out_of, v.as_f64()) {
        if k >= 0.0 && k <= f64::from(n) && k.fract() == 0.0 {
            let votes = Votes {
                yes: k as u32,
                total: n,
                detail: Vec::new(),
            };
            verdict.score = votes.fraction().map_or(Score::Unscored, Score::Value);
            verdict.votes = Some(votes);
        } else {
            verdict.score = Score::Failed(format!("{k} is not a vote count out of {n}"));
        }
    }
    verdict
}

fn columns(
    spec: &VerdictSpec,
    name: &str,
    top: &RawObj<'_>,
    issues: &mut Vec<FieldIssue>,
) -> Option<Verdict> {
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
    for col in &spec.criteria {
        match cell(col) {
            Some(s) => verdict.criteria.push(Criterion {
                name: col.clone(),
                score: s,
                quotes: Vec::new(),
            }),
            None => issues.push(FieldIssue::new(col, "column missing")),
        }
    }
    Some(verdict)
}

/// afscope's verdict object:
/// `{classifier, kind, score, votes: {yes, n, detail}, criteria: [{name, score, quotes}],
///   spans: [{start, end, unit, criterion}], answer, raw}`.
fn native(
    spec: &VerdictSpec,
    name: &str,
    v: &Value,
    field: &str,
    issues: &mut Vec<FieldIssue>,
) -> Option<Verdict> {
    let Value::Object(obj) = v else {
        issues.push(FieldIssue::new(
            field,
            format!("expected a verdict object, found {}", json_type(v)),
        ));
        return None;
    };
    let classifier = obj
        .get("classifier")
        .and_then(Value::as_str)
        .map_or_else(|| name.to_string(), str::to_string);
    let kind = match obj.get("kind") {
        Some(k) => match serde_json::from_value::<VerdictKind>(k.clone()) {
            Ok(k) => k,
            Err(_) => {
                issues.push(FieldIssue::new(
                    format!("{field}.kind"),
                    format!("unknown kind {k}; expected alignment_faking, compliance or other"),
                ));
                VerdictKind::Other
            }
        },
        None => spec.kind,
    };
    let mut verdict = Verdict::new(classifier, kind, Score::Unscored);
    verdict.votes = obj
        .get("votes")
        .and_then(|v| votes(v, &format!("{field}.votes"), issues));
    verdict.score = match obj.get("score") {
        Some(s) => Score::from_json(s),
        None => verdict
            .votes
            .as_ref()
            .and_then(Votes::fraction)
            .map_or(Score::Unscored, Score::Value),
    };
    verdict.answer = obj
        .get("answer")
        .and_then(Value::as_str)
        .map(str::to_string);
    verdict.raw = obj.get("raw").and_then(Value::as_str).map(str::to_string);
    if let Some(Value::Array(cs)) = obj.get("criteria") {
        for (i, c) in cs.iter().enumerate() {
            let quotes = c
                .get("quotes")
                .and_then(Value::as_array)
                .map(|q| {
                    q.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            verdict.criteria.push(Criterion {
                name: c
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or_else(|| criterion_name(spec, i), str::to_string),
                score: c.get("score").map_or(Score::Unscored, Score::from_json),
                quotes,
            });
        }
    }
    if let Some(Value::Array(spans)) = obj.get("spans") {
        for (i, s) in spans.iter().enumerate() {
            match span(s, &verdict) {
                Ok(sp) => verdict.spans.push(sp),
                Err(e) => issues.push(FieldIssue::new(format!("{field}.spans[{i}]"), e)),
            }
        }
    }
    Some(verdict)
}

fn votes(v: &Value, field: &str, issues: &mut Vec<FieldIssue>) -> Option<Votes> {
    match v {
        Value::Array(items) => {
            let detail: Option<Vec<bool>> = items.iter().map(vote).collect();
            match detail {
                Some(d) => Some(Votes {
                    yes: d.iter().filter(|b| **b).count() as u32,
                    total: d.len() as u32,
                    detail: d,
                }),
                None => {
                    issues.push(FieldIssue::new(
                        field,
                        "votes must be yes/no, true/false or 1/0",
                    ));
                    None
                }
            }
        }
        Value::Object(o) => {
            let yes = o.get("yes").and_then(Value::as_u64);
            let total = o
                .get("n")
                .or_else(|| o.get("total"))
                .and_then(Value::as_u64);
            let detail: Vec<bool> = o
                .get("detail")
                .and_then(Value::as_array)
                .map(|d| d.iter().filter_map(vote).collect())
                .unwrap_or_default();
            match (yes, total) {
                (Some(y), Some(n)) if y <= n => Some(Votes {
                    yes: y as u32,
                    total: n as u32,
                    detail,
                }),
                _ => {
                    issues.push(FieldIssue::new(field, "expected {yes, n} with yes <= n"));
                    None
                }
            }
        }
        other => {
            issues.push(FieldIssue::new(
                field,
                format!("expected a list or {{yes, n}}, found {}", json_type(other)),
            ));
            None
        }
    }
}

fn vote(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => Some(true),
            "no" | "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn span(s: &Value, verdict: &Verdict) -> Result<Span, String> {
    let start = s
        .get("start")
        .and_then(Value::as_u64)
        .ok_or("span needs a whole-number `start`")?;
    let end = s
        .get("end")
        .and_then(Value::as_u64)
        .ok_or("span needs a whole-number `end`")?;
    if end < start {
        return Err(format!("span end {end} is before start {start}"));
    }
    let unit = match s.get("unit") {
        None => OffsetUnit::Byte,
        Some(u) => serde_json::from_value(u.clone())
            .map_err(|_| format!("unknown unit {u}; expected byte or code_point"))?,
    };
    let criterion = match s.get("criterion") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_u64().ok_or("criterion index must be whole")? as usize),
        Some(Value::String(name)) => Some(
            verdict
                .criteria
                .iter()
                .position(|c| c.name == *name)
                .ok_or_else(|| format!("no criterion named {name:?}"))?,
        ),
        Some(other) => {
            return Err(format!(
                "criterion must be an index or a name, found {other}"
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

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
