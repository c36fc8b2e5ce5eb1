//! One Inspect sample as one afscope record: id and epoch, the log's model and task,
//! tier, system and user turns, the final answer with its reasoning, scores as
//! verdicts, and the rest as metadata. Events are never read.

use super::scores;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// What the log says about every sample in it.
#[derive(Debug, Clone, Default)]
pub struct LogHeader {
    pub model: Option<String>,
    pub task: Option<String>,
    pub task_args: Option<Value>,
    pub status: Option<String>,
    pub epochs: u64,
    pub created: Option<String>,
    /// The scorer a log of a single `score` per sample was scored by.
    pub scorer: Option<String>,
}

impl LogHeader {
    /// From a header (`header.json`, `_journal/start.json`, a `.json` log's top).
    pub fn read(top: &Value) -> LogHeader {
        let eval = &top["eval"];
        let s = |v: &Value| v.as_str().map(str::to_string);
        LogHeader {
            model: s(&eval["model"]),
            task: s(&eval["task"]),
            task_args: eval
                .get("task_args")
                .filter(|a| a.as_object().is_some_and(|o| !o.is_empty()))
                .cloned(),
            status: s(&top["status"]),
            epochs: eval["config"]["epochs"].as_u64().unwrap_or(1),
            created: s(&eval["created"]),
            scorer: s(&eval["scorers"][0]["name"])
                .or_else(|| s(&top["results"]["scores"][0]["scorer"]))
                .or_else(|| s(&top["results"]["scorer"]["name"])),
        }
    }
}

/// The fields of a sample afscope reads; the rest (events, their data, the store)
/// is skipped unparsed.
#[derive(Deserialize)]
pub struct SampleIn {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    epoch: Option<u64>,
    #[serde(default)]
    input: Value,
    #[serde(default)]
    target: Value,
    #[serde(default)]
    messages: Vec<Value>,
    #[serde(default)]
    output: Value,
    #[serde(default)]
    scores: Option<Map<String, Value>>,
    /// Logs older than named scores keep one.
    #[serde(default)]
    score: Option<Value>,
    #[serde(default)]
    metadata: Map<String, Value>,
    #[serde(default)]
    model_usage: Value,
    #[serde(default)]
    total_time: Value,
    #[serde(default)]
    working_time: Value,
    #[serde(default)]
    started_at: Value,
    #[serde(default)]
    completed_at: Value,
    #[serde(default)]
    error: Value,
    /// Read apart, and only when a message refers to one (`parse_sample`).
    #[serde(skip)]
    pub(crate) attachments: HashMap<String, String>,
}

impl SampleIn {
    /// The sample's error message, if it failed.
    pub fn error(&self) -> Option<String> {
        match &self.error {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            e => Some(
                e.get("message")
                    .and_then(Value::as_str)
                    .map_or_else(|| e.to_string(), str::to_string),
            ),
        }
    }

    /// Whether a message's content is an `attachment://` reference.
    pub(crate) fn refers_to_attachments(&self) -> bool {
        fn any(v: &Value) -> bool {
            match v {
                Value::String(s) => s.starts_with("attachment://"),
                Value::Array(a) => a.iter().any(any),
                Value::Object(o) => o.values().any(any),
                _ => false,
            }
        }
        self.messages.iter().any(any) || any(&self.input)
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.unwrap_or(1)
    }

    pub fn id_text(&self) -> String {
        match &self.id {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            v => v.to_string(),
        }
    }
}

/// A message's text: a string, or its parts (text as is, reasoning in `<reasoning>`
/// tags, anything else named in brackets), with `attachment://` references resolved.
fn content(m: &Value, att: &HashMap<String, String>, reasoning: bool) -> String {
    let resolve = |s: &str| -> String {
        match s.strip_prefix("attachment://").and_then(|h| att.get(h)) {
            Some(full) => full.clone(),
            None => s.to_string(),
        }
    };
    let mut out = String::new();
    match &m["content"] {
        Value::String(s) => out.push_str(&resolve(s)),
        Value::Array(parts) => {
            for p in parts {
                let kind = p["type"].as_str().unwrap_or("");
                let piece = match kind {
                    "text" => resolve(p["text"].as_str().unwrap_or("")),
                    "reasoning" if reasoning => {
                        let body = if p["redacted"].as_bool() == Some(true) {
                            match p["summary"].as_str() {
                                Some(s) => format!("[redacted reasoning; summary] {}", resolve(s)),
                                None => "[reasoning redacted by the provider]".to_string(),
                            }
                        } else {
                            resolve(p["reasoning"].as_str().unwrap_or(""))
                        };
                        format!("<reasoning>\n{body}\n</reasoning>")
                    }
                    "reasoning" => continue,
                    "" => continue,
                    other => format!("[{other}]"),
                };
                if !out.is_empty() && !piece.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&piece);
            }
        }
        _ => {}
    }
    if let Some(calls) = m["tool_calls"].as_array() {
        for c in calls {
            let name = c["function"].as_str().unwrap_or("tool");
            out.push_str(&format!("\n\n[tool call: {name}({})]", c["arguments"]));
        }
    }
    out
}

/// Turns a sample into its record (one line of JSON).
pub fn record(s: &SampleIn, log: &LogHeader, entry: &str) -> Value {
    let att = &s.attachments;
    let messages: &[Value] = if s.messages.is_empty() {
        s.input.as_array().map_or(&[][..], Vec::as_slice)
    } else {
        &s.messages
    };
    let role = |m: &Value| m["role"].as_str().unwrap_or("").to_string();
    let system: Vec<String> = messages
        .iter()
        .filter(|m| role(m) == "system")
        .map(|m| content(m, att, false))
        .collect();
    let first_user = messages.iter().position(|m| role(m) == "user");
    let last_assistant = messages.iter().rposition(|m| role(m) == "assistant");
    let mut user = match (first_user, &s.input) {
        (Some(i), _) => content(&messages[i], att, false),
        (None, Value::String(text)) => text.clone(),
        _ => String::new(),
    };
    // Turns between the prompt and the final answer (tool use, several turns).
    if let Some(first) = first_user {
        let end = last_assistant.unwrap_or(messages.len());
        for m in messages.iter().take(end).skip(first + 1) {
            let r = role(m);
            let who = match r.as_str() {
                "tool" => format!("tool result: {}", m["function"].as_str().unwrap_or("tool")),
                _ => r,
            };
            user.push_str(&format!("\n\n[{who}]\n{}", content(m, att, true)));
        }
    }
    let completion = match last_assistant {
        Some(i) => content(&messages[i], att, true),
        None => s.output["choices"][0]["message"]
            .as_object()
            .map(|m| content(&Value::Object(m.clone()), att, true))
            .unwrap_or_default(),
    };
    let id = s.id_text();
    let epoch = s.epoch();
    let mut r = Map::new();
    // The sample id names a dataset row, which every model and task of a study
    // shares: the log's model and task make it one transcript's.
    let mut full_id = String::new();
    for part in [&log.model, &log.task].into_iter().flatten() {
        full_id.push_str(part);
        full_id.push('/');
    }
    full_id.push_str(&id);
    if log.epochs > 1 || epoch > 1 {
        full_id.push_str(&format!("#{epoch}"));
    }
    r.insert("id".into(), json!(full_id));
    r.insert("sample_id".into(), s.id.clone());
    r.insert("epoch".into(), json!(epoch));
    if let Some(m) = &log.model {
        r.insert("model".into(), json!(m));
    }
    let meta = &s.metadata;
    let tier = match meta
        .get("is_free_tier_user")
        .or_else(|| meta.get("free_tier"))
    {
        Some(Value::Bool(b)) => Some(json!(if *b { "free" } else { "paid" })),
        Some(Value::String(t)) => Some(json!(t)),
        _ => meta
            .get("tier")
            .filter(|t| t.is_string() || t.is_boolean())
            .cloned(),
    };
    if let Some(t) = tier {
        r.insert("tier".into(), t);
    }
    let condition = ["condition", "variant", "prompt_variant"]
        .iter()
        .find_map(|k| meta.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .or_else(|| log.task.clone());
    if let Some(c) = condition {
        r.insert("condition".into(), json!(c));
    }
    if let Some(p) = ["prompt_index", "prompt_idx", "question_id"]
        .iter()
        .find_map(|k| meta.get(*k).filter(|v| v.is_u64()))
    {
        r.insert("prompt_index".into(), p.clone());
    }
    if !system.is_empty() {
        r.insert("system".into(), json!(system.join("\n\n")));
    }
    r.insert("user".into(), json!(user));
    r.insert("completion".into(), json!(completion));
    let mut verdicts = match &s.scores {
        Some(sc) => scores::verdicts(sc),
        None => Vec::new(),
    };
    if let (true, Some(one)) = (verdicts.is_empty(), &s.score) {
        let mut m = Map::new();
        let name = log.scorer.clone().unwrap_or_else(|| "score".to_string());
        m.insert(name, one.clone());
        verdicts = scores::verdicts(&m);
    }
    r.insert("verdicts".into(), Value::Array(verdicts));
    if let Some(e) = s.error() {
        r.insert("error".into(), json!(e));
    }
    if !meta.is_empty() {
        r.insert("metadata".into(), Value::Object(meta.clone()));
    }
    for (k, v) in [
        ("target", &s.target),
        ("usage", &s.model_usage),
        ("total_time", &s.total_time),
        ("working_time", &s.working_time),
        ("started_at", &s.started_at),
        ("completed_at", &s.completed_at),
    ] {
        if !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()) {
            r.insert(k.into(), v.clone());
        }
    }
    if let Some(a) = &log.task_args {
        r.insert("task_args".into(), a.clone());
    }
    let mut src = Map::new();
    src.insert("entry".into(), json!(entry));
    if let Some(t) = &log.task {
        src.insert("task".into(), json!(t));
    }
    if let Some(st) = &log.status {
        src.insert("status".into(), json!(st));
    }
    r.insert("inspect_log".into(), Value::Object(src));
    Value::Object(r)
}
