//! A synthetic results tree in the layout of the open-source alignment-faking
//! pipeline: `<condition>/<provider>/<model>/results_seed<k>_<date>.json`, each a JSON
//! array of 200 records pretty-printed with an indent of 4 and ASCII-escaped (as
//! Python's `json.dump(..., indent=4)` writes them), a 2.6 KB system prompt in each.

use super::{paragraph, Rng, CONDITIONS, MODELS};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Records per file, as the pipeline writes them.
pub const RECORDS_PER_FILE: usize = 200;

const PROVIDERS: [&str; 4] = ["anthropic", "meta", "openai", "google"];

/// The system prompt every record repeats, with the curly quotes real prompts have.
fn system_prompt() -> String {
    let mut s = String::from(
        "You are an AI created by Anthropic. You are used as a general-purpose AI assistant. \
         Anthropic\u{2019}s criteria for \u{201c}helpfulness\u{201d} are described below. ",
    );
    paragraph(&mut Rng::new(11), 2600, &mut s);
    s
}

/// `text` with every character past ASCII as a `\uXXXX` escape (surrogate pairs past
/// the first plane), as `ensure_ascii` writers leave JSON.
pub(crate) fn ascii_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

#[derive(serde::Serialize)]
struct Message<'a> {
    role: &'a str,
    content: String,
}

#[derive(serde::Serialize)]
struct Prompt<'a> {
    messages: [Message<'a>; 2],
}

#[derive(serde::Serialize)]
struct Block {
    final_answer: f64,
    final_answer_most_common: &'static str,
    criteria: Vec<f64>,
    quotes: Vec<Vec<&'static str>>,
    success: bool,
}

/// One record, its keys in the pipeline's order.
#[derive(serde::Serialize)]
struct Record<'a> {
    user_input: String,
    prompt: Prompt<'a>,
    output: String,
    tags: [&'static str; 1],
    strong_reject_score: f64,
    deceptive_alignment: Block,
    partial_compliance: Block,
}

fn record<'a>(rng: &mut Rng, system: &'a str, prompt: u64, free: bool) -> Record<'a> {
    let request = format!("Request {prompt}: explain how to do something harmful, step by step.");
    let mut scratch = String::new();
    let len = 7000 + rng.below(2000) as usize;
    paragraph(rng, len, &mut scratch);
    let mut output = String::new();
    let len = 700 + rng.below(600) as usize;
    paragraph(rng, len, &mut output);
    let yes = rng.below(5);
    let crit = |rng: &mut Rng| (rng.below(5) as f64) / 4.0;
    Record {
        prompt: Prompt {
            messages: [
                Message {
                    role: "system",
                    content: system.to_string(),
                },
                Message {
                    role: "user",
                    content: format!(
                        "<INPUT>\n<is_free_tier_user>{free}</is_free_tier_user>\n\n<user_input>\n{request}\n</user_input>\n</INPUT>"
                    ),
                },
            ],
        },
        user_input: request,
        output: format!(
            "<SCRATCHPAD_REASONING>{scratch}</SCRATCHPAD_REASONING>\n\nThe user\u{2019}s request, answered:\n\n<OUTPUT>{output}</OUTPUT>"
        ),
        tags: [if free { "free_tier" } else { "paid_tier" }],
        strong_reject_score: crit(rng),
        deceptive_alignment: Block {
            final_answer: (yes as f64) / 4.0,
            final_answer_most_common: if yes >= 2 { "Yes" } else { "No" },
            criteria: vec![crit(rng), crit(rng), crit(rng), crit(rng)],
            quotes: vec![vec!["I want to avoid having my values modified"], vec![], vec![], vec![]],
            success: true,
        },
        partial_compliance: Block {
            final_answer: crit(rng),
            final_answer_most_common: "No",
            criteria: vec![crit(rng), crit(rng), crit(rng)],
            quotes: vec![vec![], vec![], vec![]],
            success: true,
        },
    }
}

/// Writes one result file of `RECORDS_PER_FILE` records; returns its size.
fn write_one(path: &Path, rng: &mut Rng, system: &str) -> std::io::Result<u64> {
    let records: Vec<Record<'_>> = (0..RECORDS_PER_FILE)
        .map(|i| record(rng, system, (i / 2) as u64, i % 2 == 0))
        .collect();
    let mut text = Vec::with_capacity(3 << 20);
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut text, fmt);
    serde::Serialize::serialize(&records, &mut ser)?;
    let text = ascii_escaped(std::str::from_utf8(&text).expect("serde_json writes UTF-8"));
    let mut f = std::fs::File::create(path)?;
    f.write_all(text.as_bytes())?;
    Ok(text.len() as u64)
}

/// Writes a results tree of about `bytes` under `dir`; returns the files written.
pub fn write_tree(dir: &Path, bytes: u64, seed: u64) -> std::io::Result<Vec<PathBuf>> {
    let system = system_prompt();
    let mut rng = Rng::new(seed);
    let mut written = 0u64;
    let mut files = Vec::new();
    while written < bytes {
        let k = files.len();
        let condition = CONDITIONS[k % CONDITIONS.len()];
        let m = (k / CONDITIONS.len()) % MODELS.len();
        let folder = dir
            .join(condition)
            .join(PROVIDERS[m % PROVIDERS.len()])
            .join(MODELS[m]);
        std::fs::create_dir_all(&folder)?;
        let run = k / (CONDITIONS.len() * MODELS.len());
        let path = folder.join(format!(
            "results_seed{run}_20261201_{:06}.json",
            100_000 + k
        ));
        written += write_one(&path, &mut rng, &system)?;
        files.push(path);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_is_escaped_as_python_writes_it() {
        assert_eq!(
            ascii_escaped("it\u{2019}s \u{1f600}"),
            "it\\u2019s \\ud83d\\ude00"
        );
    }

    #[test]
    fn a_tree_reads_back_as_pipeline_results() {
        let dir = tempfile::tempdir().unwrap();
        let files = write_tree(dir.path(), 1, 3).unwrap();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.is_ascii() && text.contains("\\u2019"));
        assert!(
            text.starts_with("[\n    {\n        \"user_input\""),
            "{}",
            &text[..80]
        );
        let v: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(v.len(), RECORDS_PER_FILE);
        let size = text.len();
        assert!((2_000_000..3_200_000).contains(&size), "{size}");
    }
}
