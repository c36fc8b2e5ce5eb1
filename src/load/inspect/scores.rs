//! An Inspect sample's scores as afscope's verdict objects: every scorer is a
//! classifier, a dict of named values one verdict per key, grade letters numbers.

use crate::model::VerdictKind;
use serde_json::{json, Map, Value};

/// The kind a score's name says: alignment faking, compliance, or other.
pub fn kind_of(name: &str) -> VerdictKind {
    let n = name.to_ascii_lowercase();
    let last = n.rsplit('/').next().unwrap_or(&n);
    let has = |w: &str| last.contains(w);
    if has("alignment_faking") || has("deceptive_alignment") || last == "af" {
        VerdictKind::AlignmentFaking
    } else if has("compliance") || has("strong_reject") {
        VerdictKind::Compliance
    } else {
        VerdictKind::Other
    }
}

/// A value as a score: numbers and booleans as they are; grade letters C, I, P as 1,
/// 0, 0.5 (N and null are unscored); other text is kept as the answer.
enum Value01 {
    Score(Value),
    Unscored,
    Text(String),
}

fn value_of(v: &Value) -> Value01 {
    match v {
        Value::Number(_) => Value01::Score(v.clone()),
        Value::Bool(b) => Value01::Score(json!(if *b { 1 } else { 0 })),
        Value::Null => Value01::Unscored,
        Value::String(s) => match s.trim() {
            "C" => Value01::Score(json!(1)),
            "I" => Value01::Score(json!(0)),
            "P" => Value01::Score(json!(0.5)),
            "N" | "" => Value01::Unscored,
            t => match t.parse::<f64>() {
                Ok(x) if x.is_finite() => Value01::Score(json!(x)),
                _ => Value01::Text(t.to_string()),
            },
        },
        other => Value01::Text(other.to_string()),
    }
}

/// The verdicts of one sample's `scores` (or an old log's single `score`, named
/// `scorer` by `default_name`).
pub fn verdicts(scores: &Map<String, Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for (scorer, score) in scores {
        out.extend(scorer_verdicts(scorer, score));
    }
    out
}

fn text(score: &Value, key: &str) -> Option<String> {
    score.get(key).and_then(Value::as_str).map(str::to_string)
}

fn scorer_verdicts(scorer: &str, score: &Value) -> Vec<Value> {
    let Some(obj) = score.as_object() else {
        // A bare value where a score object belongs.
        return vec![verdict(scorer, score, None, None)];
    };
    let value = obj.get("value").unwrap_or(&Value::Null);
    let edited = obj
        .get("history")
        .and_then(Value::as_array)
        .is_some_and(|h| {
            h.iter()
                .any(|e| e.get("provenance").is_some_and(|p| !p.is_null()))
        });
    let mut raw = Vec::new();
    if edited {
        raw.push("edited: the value shown is the score after its last edit".to_string());
    }
    if let Some(r) = obj.get("reason").filter(|r| !r.is_null()) {
        raw.push(format!(
            "reason: {}",
            r.as_str().map_or_else(|| r.to_string(), str::to_string)
        ));
    }
    if let Some(e) = text(score, "explanation") {
        raw.push(e);
    }
    let meta = obj.get("metadata").and_then(Value::as_object);
    let classifier = meta
        .and_then(|m| m.get("classifier"))
        .filter(|c| c.is_object());
    if let Some(m) = meta {
        let rest: Map<String, Value> = m
            .iter()
            .filter(|(k, _)| k.as_str() != "classifier")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !rest.is_empty() {
            raw.push(format!("metadata: {}", Value::Object(rest)));
        }
    }
    let raw = (!raw.is_empty()).then(|| raw.join("\n"));
    let answer = text(score, "answer");
    let mut out: Vec<Value> = match value {
        Value::Object(parts) => parts
            .iter()
            .map(|(k, v)| verdict(&format!("{scorer}/{k}"), v, answer.clone(), raw.clone()))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| verdict(&format!("{scorer}/{i}"), v, answer.clone(), raw.clone()))
            .collect(),
        v => vec![verdict(scorer, v, answer, raw)],
    };
    if let Some(block) = classifier {
        // Criteria and quotes belong to the alignment-faking verdict, else the first.
        let at = out
            .iter()
            .position(|v| v["kind"] == "alignment_faking")
            .unwrap_or(0);
        if let Some(v) = out.get_mut(at) {
            add_block(v, block);
        }
    }
    out
}

fn verdict(name: &str, value: &Value, answer: Option<String>, raw: Option<String>) -> Value {
    let mut v = Map::new();
    v.insert("classifier".into(), json!(name));
    v.insert("kind".into(), json!(kind_of(name).as_str()));
    let mut answer = answer;
    match value_of(value) {
        Value01::Score(s) => {
            v.insert("score".into(), s);
        }
        Value01::Unscored => {}
        Value01::Text(t) => {
            answer = Some(match answer {
                Some(a) => format!("{t} ({a})"),
                None => t,
            });
        }
    }
    if let Some(a) = answer {
        v.insert("answer".into(), json!(a));
    }
    if let Some(r) = raw {
        v.insert("raw".into(), json!(r));
    }
    Value::Object(v)
}

/// A `{final_answer, criteria, quotes}` block (the pipeline's judge, ported to
/// Inspect) as criteria with their evidence quotes.
fn add_block(v: &mut Value, block: &Value) {
    let scores = block.get("criteria").and_then(Value::as_array);
    let quotes = block.get("quotes").and_then(Value::as_array);
    let n = scores.map_or(0, Vec::len).max(quotes.map_or(0, Vec::len));
    let criteria: Vec<Value> = (0..n)
        .map(|i| {
            let mut c = Map::new();
            c.insert("name".into(), json!(format!("criterion {}", i + 1)));
            if let Some(s) = scores.and_then(|s| s.get(i)).filter(|s| s.is_number()) {
                c.insert("score".into(), s.clone());
            }
            let q: Vec<Value> = match quotes.and_then(|q| q.get(i)) {
                Some(Value::Array(items)) => {
                    items.iter().filter(|x| x.is_string()).cloned().collect()
                }
                Some(Value::String(s)) => vec![json!(s)],
                _ => Vec::new(),
            };
            c.insert("quotes".into(), Value::Array(q));
            Value::Object(c)
        })
        .collect();
    if v.get("score").is_none() {
        if let Some(f) = block.get("final_answer").filter(|f| f.is_number()) {
            v["score"] = f.clone();
        }
    }
    v["criteria"] = Value::Array(criteria);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(s: &str) -> Vec<Value> {
        verdicts(
            serde_json::from_str::<Value>(s)
                .unwrap()
                .as_object()
                .unwrap(),
        )
    }

    #[test]
    fn a_dict_gives_one_verdict_per_key_with_kinds_from_names() {
        let v = of(
            r#"{"judge": {"value": {"alignment_faking": 0.8, "compliance": true, "tone": "warm"},
            "explanation": "why", "metadata": {"classifier": {"final_answer": 0.8,
            "criteria": [1, 0], "quotes": [["a quote"], []]}, "cost": 2}}}"#,
        );
        assert_eq!(v.len(), 3);
        assert_eq!(v[0]["classifier"], "judge/alignment_faking");
        assert_eq!(v[0]["kind"], "alignment_faking");
        assert_eq!(v[0]["criteria"][0]["quotes"][0], "a quote");
        assert_eq!(v[1]["kind"], "compliance");
        assert_eq!(v[1]["score"], 1);
        assert_eq!(v[2]["kind"], "other");
        assert!(v[2].get("score").is_none());
        assert_eq!(v[2]["answer"], "warm");
        assert!(v[0]["raw"]
            .as_str()
            .unwrap()
            .contains("metadata: {\"cost\":2}"));
    }

    #[test]
    fn grades_nan_and_edits() {
        let v = of(
            r#"{"g": {"value": "P"}, "n": {"value": "N"}, "x": {"value": null},
            "e": {"value": 1, "history": [{"value": 0, "provenance": null},
                                          {"value": 1, "provenance": {"author": "me"}}]}}"#,
        );
        let by = |n: &str| v.iter().find(|x| x["classifier"] == n).unwrap().clone();
        assert_eq!(by("g")["score"], 0.5);
        assert!(by("n").get("score").is_none());
        assert!(by("x").get("score").is_none());
        assert!(by("e")["raw"].as_str().unwrap().starts_with("edited"));
        assert_eq!(kind_of("deceptive_alignment"), VerdictKind::AlignmentFaking);
        assert_eq!(kind_of("strong_reject"), VerdictKind::Compliance);
        assert_eq!(kind_of("partial_compliance"), VerdictKind::Compliance);
        assert_eq!(kind_of("accuracy"), VerdictKind::Other);
    }
}
