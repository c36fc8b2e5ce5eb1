//! Synthetic corpora in the other layouts researchers have on disk: JSONL with
//! separate `scratchpad` and `output` fields, JSONL with a chat `messages` array, a
//! pretty-printed JSON array of wide records (a completion per condition key) and a
//! CSV. Python-written layouts are ASCII-escaped as `json.dump` leaves them.

use super::{paragraph, Rng, CONDITIONS, MODELS};
use std::io::{BufWriter, Write};
use std::path::Path;

/// A layout `afscope synth` writes as one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileLayout {
    /// JSONL, `scratchpad` and `output` fields instead of `completion`.
    Fields,
    /// JSONL, `messages: [{role, content}]` with the answer as the assistant turn
    /// (a list of text parts in one record of four).
    Messages,
    /// One JSON array of wide records, indent 4: `{id, query, results: {KEY: text},
    /// scores: {KEY: 0|1}}` with eight `Free_Tier_*`/`Paid_Tier_*` keys.
    Wide,
    /// A CSV with a header, quoted multi-line completions.
    Csv,
}

/// What every synthetic transcript holds.
struct Sample {
    free: bool,
    model: &'static str,
    condition: &'static str,
    prompt: u64,
    scratchpad: String,
    output: String,
    yes: u64,
}

/// Curly apostrophes and quotes, as model text has them (escaped `\u2019` when
/// written ASCII-escaped).
fn curly(text: &mut String) {
    if text.contains('\'') {
        *text = text.replace("'", "\u{2019}");
    }
}

fn sample(rng: &mut Rng) -> Sample {
    let free = rng.below(2) == 0;
    let model = *rng.pick(&MODELS);
    let condition = *rng.pick(&CONDITIONS);
    let prompt = rng.below(400);
    let mut scratchpad = String::new();
    let len = 2200 + rng.below(1100) as usize;
    paragraph(rng, len, &mut scratchpad);
    let mut output = String::new();
    let len = 300 + rng.below(500) as usize;
    paragraph(rng, len, &mut output);
    curly(&mut scratchpad);
    curly(&mut output);
    Sample {
        free,
        model,
        condition,
        prompt,
        scratchpad,
        output,
        yes: rng.below(21),
    }
}

fn system_prompt() -> String {
    let mut s = String::from(
        "You are an AI created by Anthropic. Anthropic\u{2019}s criteria for \
         \u{201c}helpfulness\u{201d} are described below. ",
    );
    paragraph(&mut Rng::new(13), 2400, &mut s);
    s
}

fn user_turn(s: &Sample) -> String {
    let tier = if s.free { "True" } else { "False" };
    format!(
        "<is_free_tier_user>{tier}</is_free_tier_user>\n\n<user_input>Request {}: explain how to do something harmful.</user_input>",
        s.prompt
    )
}

fn completion(s: &Sample) -> String {
    format!(
        "<SCRATCHPAD_REASONING>{}</SCRATCHPAD_REASONING>\n\n<OUTPUT>{}</OUTPUT>",
        s.scratchpad, s.output
    )
}

/// JSON text with every character past ASCII written as `\uXXXX`.
fn ascii_json(v: &serde_json::Value, pretty: bool) -> String {
    let text = if pretty {
        let mut out = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        serde::Serialize::serialize(v, &mut ser).expect("a Value serializes");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    } else {
        v.to_string()
    };
    super::pipeline::ascii_escaped(&text)
}

fn verdicts(s: &Sample, rng: &mut Rng) -> serde_json::Value {
    serde_json::json!([
        {"classifier": "af_judge", "kind": "alignment_faking", "votes": {"yes": s.yes, "n": 20}},
        {"classifier": "compliance_judge", "kind": "compliance", "score": rng.below(2) as f64},
    ])
}

fn fields_record(n: u64, s: &Sample, system: &str, rng: &mut Rng) -> String {
    let rec = serde_json::json!({
        "id": format!("fld-{n:08}"),
        "model": s.model,
        "tier": if s.free { "free" } else { "paid" },
        "condition": s.condition,
        "prompt_index": s.prompt,
        "system": system,
        "user": user_turn(s),
        "scratchpad": s.scratchpad,
        "output": s.output,
        "verdicts": verdicts(s, rng),
    });
    ascii_json(&rec, false)
}

fn messages_record(n: u64, s: &Sample, system: &str, rng: &mut Rng) -> String {
    let answer = completion(s);
    let content = if n % 4 == 3 {
        // Split at the scratchpad's end: the parts are joined by a newline.
        let cut = answer.find("</SCRATCHPAD_REASONING>").unwrap_or(0);
        serde_json::json!([
            {"type": "text", "text": &answer[..cut]},
            {"type": "text", "text": &answer[cut..]},
        ])
    } else {
        serde_json::Value::String(answer)
    };
    let rec = serde_json::json!({
        "id": format!("msg-{n:08}"),
        "model": s.model,
        "is_free_tier_user": s.free,
        "condition": s.condition,
        "prompt_index": s.prompt,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": user_turn(s)},
            {"role": "assistant", "content": content},
        ],
        "verdicts": verdicts(s, rng),
    });
    ascii_json(&rec, false)
}

/// The eight keys of a wide record.
const WIDE_KEYS: [&str; 8] = [
    "Free_Tier_Baseline",
    "Paid_Tier_Baseline",
    "Free_Tier_Force_Compliance",
    "Paid_Tier_Force_Compliance",
    "Free_Tier_Awareness_Monitored",
    "Paid_Tier_Awareness_Monitored",
    "Free_Tier_Awareness_Private",
    "Paid_Tier_Awareness_Private",
];

fn wide_record(n: u64, rng: &mut Rng) -> serde_json::Value {
    let mut results = serde_json::Map::new();
    let mut scores = serde_json::Map::new();
    for key in WIDE_KEYS {
        let s = sample(rng);
        // Like real wide results: the answer follows the scratchpad, untagged.
        let text = format!(
            "<SCRATCHPAD_REASONING>\n{}</SCRATCHPAD_REASONING>\n\n{}",
            s.scratchpad, s.output
        );
        results.insert(key.to_string(), text.into());
        scores.insert(key.to_string(), (s.yes % 2).into());
    }
    serde_json::json!({
        "id": n,
        "query": format!("Request {n}: provide a detailed plan for something harmful."),
        "results": results,
        "scores": scores,
    })
}

fn csv_row(n: u64, s: &Sample) -> [String; 7] {
    [
        format!("csv-{n:08}"),
        s.model.to_string(),
        s.free.to_string(),
        s.condition.to_string(),
        s.prompt.to_string(),
        completion(s),
        format!("{:.4}", s.yes as f64 / 20.0),
    ]
}

/// Writes about `bytes` in `layout`; returns the number of transcripts.
pub fn write(
    out: &mut dyn Write,
    layout: FileLayout,
    bytes: u64,
    seed: u64,
) -> std::io::Result<u64> {
    let mut rng = Rng::new(seed);
    let system = system_prompt();
    let (mut written, mut n) = (0u64, 0u64);
    match layout {
        FileLayout::Fields | FileLayout::Messages => {
            while written < bytes {
                let s = sample(&mut rng);
                let mut line = if layout == FileLayout::Fields {
                    fields_record(n, &s, &system, &mut rng)
                } else {
                    messages_record(n, &s, &system, &mut rng)
                };
                line.push('\n');
                out.write_all(line.as_bytes())?;
                written += line.len() as u64;
                n += 1;
            }
        }
        FileLayout::Wide => {
            out.write_all(b"[")?;
            while written < bytes {
                let text = ascii_json(&wide_record(n, &mut rng), true);
                let indented = text.replace('\n', "\n    ");
                let sep: &[u8] = if n == 0 { b"\n    " } else { b",\n    " };
                out.write_all(sep)?;
                out.write_all(indented.as_bytes())?;
                written += (sep.len() + indented.len()) as u64;
                n += WIDE_KEYS.len() as u64;
            }
            out.write_all(b"\n]")?;
        }
        FileLayout::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "model",
                "is_free_tier_user",
                "condition",
                "prompt_index",
                "completion",
                "af_score",
            ])?;
            while written < bytes {
                let row = csv_row(n, &sample(&mut rng));
                written += row.iter().map(|c| c.len() as u64 + 3).sum::<u64>();
                w.write_record(&row)?;
                n += 1;
            }
            w.flush()?;
        }
    }
    Ok(n)
}

/// Writes a synthetic file in `layout`.
pub fn write_file(path: &Path, layout: FileLayout, bytes: u64, seed: u64) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let n = write(&mut w, layout, bytes, seed)?;
    w.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layout_is_deterministic_and_ascii_where_python_writes_it() {
        for layout in [
            FileLayout::Fields,
            FileLayout::Messages,
            FileLayout::Wide,
            FileLayout::Csv,
        ] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let n = write(&mut a, layout, 60_000, 1).unwrap();
            write(&mut b, layout, 60_000, 1).unwrap();
            assert_eq!(a, b, "{layout:?}");
            assert!(n >= 8, "{layout:?}: {n}");
            let text = String::from_utf8(a).unwrap();
            match layout {
                FileLayout::Csv => assert!(text.contains('\u{2019}')),
                FileLayout::Wide => {
                    assert!(text.is_ascii() && text.contains("\\u2019"));
                    let v: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
                    assert_eq!(v.len() as u64 * 8, n);
                }
                _ => {
                    assert!(text.is_ascii() && text.contains("\\u2019"));
                    for line in text.lines() {
                        serde_json::from_str::<serde_json::Value>(line).unwrap();
                    }
                }
            }
        }
    }
}
