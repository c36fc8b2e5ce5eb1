//! The kind and score of each verdict in a record, read straight from the record text
//! for the index (no JSON values built). `read_all` is the full reader; a test checks
//! both agree on every fixture.

use super::profile::{Profile, VerdictSpec, VerdictStyle};
use super::raw::{array, as_text, Raw, RawObj};
use super::verdicts::score_value;
use crate::model::{Score, VerdictKind};
use serde_json::Value;

/// The kind and score of every verdict in a record, read without building JSON
/// values: what the index needs. Agrees with `read_all` (tested on every fixture).
pub fn scores(profile: &Profile, top: &RawObj<'_>, key: Option<&str>) -> Vec<(VerdictKind, Score)> {
    let mut out = Vec::new();
    for (spec, path) in profile.spec.verdicts.iter().zip(&profile.verdict_paths) {
        match spec.style {
            VerdictStyle::Columns => {
                let score = if spec.path.is_empty() {
                    Score::Unscored
                } else {
                    match top.get(&spec.path) {
                        Some(raw) => as_text(raw)
                            .map_or(Score::Failed("empty".into()), |t| Score::from_text(&t)),
                        None => Score::Failed("no such column".into()),
                    }
                };
                out.push((spec.kind, score));
            }
            VerdictStyle::Native if path.steps.is_empty() => out.extend(raw_native(spec, top)),
            _ => {
                let Some(raw) = path.lookup(top, key) else {
                    continue;
                };
                match spec.style {
                    VerdictStyle::Score => {
                        let v: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
                        out.push((spec.kind, score_value(spec, &v)));
                    }
                    VerdictStyle::Block => match RawObj::parse(raw) {
                        Some(obj) => {
                            let mut s = obj
                                .get("final_answer")
                                .map_or(Score::Failed("no final_answer".into()), raw_score);
                            if obj.get("success").is_some_and(|v| v.get() == "false")
                                && !s.is_failed()
                            {
                                s = Score::Failed("success: false".into());
                            }
                            out.push((spec.kind, s));
                        }
                        None => out.push((spec.kind, Score::Failed("not an object".into()))),
                    },
                    VerdictStyle::Native => match array(raw) {
                        Some(items) => {
                            for item in items {
                                if let Some(obj) = RawObj::parse(item) {
                                    out.extend(raw_native(spec, &obj));
                                }
                            }
                        }
                        None => match RawObj::parse(raw) {
                            Some(obj)
                                if obj.get("score").is_none()
                                    && obj.get("classifier").is_none()
                                    && obj
                                        .entries
                                        .iter()
                                        .all(|(_, v)| v.get().starts_with('{')) =>
                            {
                                for (_, v) in &obj.entries {
                                    if let Some(inner) = RawObj::parse(*v) {
                                        out.extend(raw_native(spec, &inner));
                                    }
                                }
                            }
                            Some(obj) => out.extend(raw_native(spec, &obj)),
                            None => {}
                        },
                    },
                    VerdictStyle::Columns => unreachable!("handled above"),
                }
            }
        }
    }
    out
}

fn raw_score(raw: Raw<'_>) -> Score {
    let s = raw.get();
    match s.as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => Score::from_text(s),
        _ => Score::from_json(&serde_json::from_str(s).unwrap_or(Value::Null)),
    }
}

fn raw_native(spec: &VerdictSpec, obj: &RawObj<'_>) -> Option<(VerdictKind, Score)> {
    let kind = match obj.get("kind").and_then(as_text) {
        Some(k) => VerdictKind::parse(&k).unwrap_or(VerdictKind::Other),
        None => spec.kind,
    };
    let score = match (obj.get("score"), obj.get("votes")) {
        (Some(s), _) => raw_score(s),
        (None, Some(v)) => raw_vote_fraction(v).map_or(Score::Unscored, Score::Value),
        (None, None) => Score::Unscored,
    };
    Some((kind, score))
}

/// The "yes" share of `{yes, n}` or of a list of votes, as `votes` reads them.
fn raw_vote_fraction(raw: Raw<'_>) -> Option<f64> {
    let (yes, n) = match array(raw) {
        Some(items) => {
            let mut yes = 0u64;
            for item in &items {
                match as_text(*item)?.to_ascii_lowercase().as_str() {
                    "yes" | "true" | "1" => yes += 1,
                    "no" | "false" | "0" => {}
                    _ => return None,
                }
            }
            (yes, items.len() as u64)
        }
        None => {
            let obj = RawObj::parse(raw)?;
            let num = |k: &str| {
                obj.get(k)
                    .and_then(as_text)
                    .and_then(|t| t.parse::<u64>().ok())
            };
            (num("yes")?, num("n").or_else(|| num("total"))?)
        }
    };
    (n > 0 && yes <= n).then(|| yes as f64 / n as f64)
}
