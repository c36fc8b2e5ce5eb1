//! The index, the full reader and `afscope check` agree on every field of random
//! records, in every layout, and with what the generator wrote: numbers in every JSON
//! spelling, strings with every kind of escape, failure strings, votes in lists and
//! counts. `AFSCOPE_DIFF_RECORDS` sets the records per layout (default 1,500).

mod common;

use afscope::model::{Score, Tier, VerdictKind};
use afscope::synth::Rng;
use std::fmt::Write as _;
use std::path::Path;

/// What one generated transcript should read as.
#[derive(Debug, Clone, Default)]
struct Expect {
    id: String,
    model: Option<String>,
    condition: Option<String>,
    tier: Tier,
    prompt_index: Option<u64>,
    completion: String,
    af: Want,
    compliance: Want,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
enum Want {
    #[default]
    None,
    Failed,
    Value(f64),
}

impl Want {
    fn of(s: &Score) -> Want {
        match s {
            Score::Value(v) => Want::Value(*v),
            Score::Failed(_) => Want::Failed,
            Score::Unscored => Want::None,
        }
    }
}

/// A JSON string literal of `s`, escaped at random as writers do (short escapes,
/// `\uXXXX` for anything, surrogate pairs, `\/`).
fn jstr(rng: &mut Rng, s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        let must = matches!(c, '"' | '\\') || (c as u32) < 0x20;
        let how = rng.below(10);
        match c {
            '"' if how < 7 => out.push_str("\\\""),
            '\\' if how < 7 => out.push_str("\\\\"),
            '\n' if how < 7 => out.push_str("\\n"),
            '\t' if how < 5 => out.push_str("\\t"),
            '/' if how < 3 => out.push_str("\\/"),
            c if must || how < 2 => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Random text: ASCII words with quotes, backslashes, controls, non-ASCII, emoji,
/// line separators, and the odd tag.
fn text(rng: &mut Rng, words: u64) -> String {
    const PIECES: &[&str] = &[
        "values",
        "RLHF",
        "free",
        "tier",
        "comply",
        "I can't",
        "\"quoted\"",
        "back\\slash",
        "line\nbreak",
        "tab\there",
        "é",
        "naïve",
        "日本",
        "😀",
        "\u{2028}",
        "\u{1}",
        "a/b",
        "<SCRATCHPAD_REASONING>",
        "</SCRATCHPAD_REASONING>",
        "<OUTPUT>",
        "=",
        "&",
        "'",
    ];
    (0..1 + rng.below(words))
        .map(|_| *rng.pick(PIECES))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A number in [0, 1] with its JSON spellings: (value, spelling).
fn score(rng: &mut Rng) -> (f64, String) {
    let hundredths = rng.below(101);
    let decimal = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    let value: f64 = decimal.parse().unwrap();
    let spelled = match rng.below(7) {
        0 => decimal.clone(),
        1 => format!("{hundredths}e-2"),
        2 => format!("{}E-3", hundredths * 10),
        3 => format!("\"{decimal}\""),
        4 => format!("{decimal}0"),
        5 if hundredths.is_multiple_of(100) => format!("{}", hundredths / 100),
        _ => format!("{:.2}", value),
    };
    (value, spelled)
}

/// A whole number's JSON spellings.
fn integer(rng: &mut Rng, n: u64) -> String {
    match rng.below(6) {
        0 => format!("{n}.0"),
        1 => format!("{n}e0"),
        2 => format!("{}e-1", n * 10),
        3 => format!("\"{n}\""),
        _ => n.to_string(),
    }
}

/// A score field: a value, a failure, or votes; (what it should read as, JSON).
fn score_field(rng: &mut Rng) -> (Want, String) {
    match rng.below(12) {
        0 => (Want::Failed, "\"FAILED TO PARSE\"".into()),
        1 => (Want::Failed, "null".into()),
        2 => (Want::Failed, "1.5".into()),
        3 => (Want::Failed, "\"\"".into()),
        4 => (Want::Value(1.0), "true".into()),
        _ => {
            let (v, s) = score(rng);
            (Want::Value(v), s)
        }
    }
}

/// Votes as a list or a count; (fraction, JSON).
fn votes(rng: &mut Rng) -> (f64, String) {
    let n = 1 + rng.below(20);
    let k = rng.below(n + 1);
    let text = if rng.below(2) == 0 {
        let items: Vec<String> = (0..n)
            .map(|i| {
                let yes = i < k;
                match rng.below(4) {
                    0 => if yes { "true" } else { "false" }.to_string(),
                    1 => if yes { "\"yes\"" } else { "\"no\"" }.to_string(),
                    2 => if yes { "1.0" } else { "0e0" }.to_string(),
                    _ => if yes { "1" } else { "0" }.to_string(),
                }
            })
            .collect();
        format!("[{}]", items.join(","))
    } else {
        let total = if rng.below(2) == 0 { "n" } else { "total" };
        format!(
            "{{\"yes\":{},\"{total}\":{}}}",
            integer(rng, k),
            integer(rng, n)
        )
    };
    (k as f64 / n as f64, text)
}

/// A native verdict list: (first AF, first compliance, JSON).
fn native_verdicts(rng: &mut Rng) -> (Want, Want, String) {
    let mut items = Vec::new();
    let (mut af, mut comp) = (None, None);
    for i in 0..rng.below(4) {
        let kind = *rng.pick(&["alignment_faking", "compliance", "other"]);
        let (want, body) = if rng.below(3) == 0 {
            let (v, t) = votes(rng);
            (Want::Value(v), format!("\"votes\":{t}"))
        } else {
            let (w, t) = score_field(rng);
            (w, format!("\"score\":{t}"))
        };
        let slot = match kind {
            "alignment_faking" => &mut af,
            "compliance" => &mut comp,
            _ => &mut None,
        };
        if slot.is_none() {
            *slot = Some(want);
        }
        items.push(format!(
            "{{\"classifier\":\"c{i}\",\"kind\":\"{kind}\",{body}}}"
        ));
    }
    (
        af.unwrap_or_default(),
        comp.unwrap_or_default(),
        format!("[{}]", items.join(",")),
    )
}

fn tier_field(rng: &mut Rng, tier: Tier) -> String {
    let free = tier == Tier::Free;
    match rng.below(4) {
        0 => format!("\"is_free_tier_user\":{free}"),
        1 => format!("\"tier\":\"{}\"", if free { "FREE" } else { "Paid" }),
        2 => format!(
            "\"tier\":\"{}\"",
            if free { "free_tier" } else { "paid-tier" }
        ),
        _ => format!("\"tier\":\"{}\"", if free { "free" } else { "paid" }),
    }
}

/// A native record and what it reads as.
fn native(rng: &mut Rng, n: u64) -> (String, Expect) {
    let tier = if rng.below(2) == 0 {
        Tier::Free
    } else {
        Tier::Paid
    };
    let id = format!("{}-{n}", text(rng, 2));
    let model = text(rng, 2);
    let condition = text(rng, 1);
    let completion = text(rng, 30);
    let (pi, pi_text) = match rng.below(5) {
        0 => (None, "5000000000".to_string()),
        1 => (None, "2.5".to_string()),
        _ => {
            let p = rng.below(1000);
            (Some(p), integer(rng, p))
        }
    };
    let (af, compliance, verdicts) = native_verdicts(rng);
    let rec = format!(
        "{{\"id\":{},\"model\":{},{},\"condition\":{},\"prompt_index\":{pi_text},\"completion\":{},\"verdicts\":{verdicts}}}",
        jstr(rng, &id),
        jstr(rng, &model),
        tier_field(rng, tier),
        jstr(rng, &condition),
        jstr(rng, &completion),
    );
    let expect = Expect {
        id,
        model: Some(model),
        condition: Some(condition),
        tier,
        prompt_index: pi,
        completion,
        af,
        compliance,
    };
    (rec, expect)
}

/// A record of the alignment-faking pipeline and what it reads as.
fn pipeline(rng: &mut Rng) -> (String, Expect) {
    let tier = if rng.below(2) == 0 {
        Tier::Free
    } else {
        Tier::Paid
    };
    let completion = text(rng, 30);
    let (mut af, fa) = score_field(rng);
    let success = rng.below(6) != 0;
    if !success && af != Want::None {
        af = Want::Failed;
    }
    let (compliance, sr) = score_field(rng);
    let user = format!(
        "<is_free_tier_user>{}</is_free_tier_user> {}",
        tier == Tier::Free,
        text(rng, 5)
    );
    let (input, system, quote) = (text(rng, 3), text(rng, 8), text(rng, 3));
    let rec = format!(
        "{{\n    \"user_input\": {},\n    \"prompt\": {{\"messages\": [{{\"role\": \"system\", \"content\": {}}}, {{\"role\": \"user\", \"content\": {}}}]}},\n    \"output\": {},\n    \"tags\": [\"{}\"],\n    \"strong_reject_score\": {sr},\n    \"deceptive_alignment\": {{\"final_answer\": {fa}, \"criteria\": [{}], \"quotes\": [[{}]], \"success\": {success}}}\n}}",
        jstr(rng, &input),
        jstr(rng, &system),
        jstr(rng, &user),
        jstr(rng, &completion),
        if tier == Tier::Free { "free_tier" } else { "paid_tier" },
        score(rng).1,
        jstr(rng, &quote),
    );
    let expect = Expect {
        tier,
        completion,
        af,
        compliance,
        ..Default::default()
    };
    (rec, expect)
}

/// A wide record (a completion per condition key) and what each key reads as.
fn wide(rng: &mut Rng, n: u64) -> (String, Vec<Expect>) {
    let mut results = Vec::new();
    let mut scores = Vec::new();
    let mut out = Vec::new();
    for (t, tier) in [("Free", Tier::Free), ("Paid", Tier::Paid)] {
        for cond in ["Baseline", "Force"] {
            let key = format!("{t}_Tier_{cond}");
            let completion = text(rng, 20);
            results.push(format!("\"{key}\": {}", jstr(rng, &completion)));
            let (compliance, s) = match rng.below(4) {
                0 => (Want::Failed, "\"FAILED TO PARSE\"".to_string()),
                _ => {
                    let k = rng.below(2);
                    (Want::Value(k as f64), integer(rng, k))
                }
            };
            scores.push(format!("\"{key}\": {s}"));
            out.push(Expect {
                id: format!("{n}/{key}"),
                condition: Some(cond.to_string()),
                tier,
                prompt_index: Some(n),
                completion,
                compliance,
                ..Default::default()
            });
        }
    }
    let query = text(rng, 4);
    let rec = format!(
        "{{\"id\": {}, \"query\": {}, \"results\": {{{}}}, \"scores\": {{{}}}}}",
        n,
        jstr(rng, &query),
        results.join(", "),
        scores.join(", ")
    );
    (rec, out)
}

/// A CSV cell, quoted when it must be (or at random).
fn cell(rng: &mut Rng, s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || rng.below(3) == 0 {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Opens `path` and checks every transcript against `expect`, the index against the
/// full read, and `afscope check`'s counts against both.
fn agree(path: &Path, expect: &[Expect], layout: &str) {
    let c = common::open_one(path);
    assert_eq!(
        c.len(),
        expect.len(),
        "{layout}: transcripts loaded ({:?})",
        c.problems.iter().take(3).collect::<Vec<_>>()
    );
    let v = c.view();
    for (i, want) in expect.iter().enumerate() {
        let t = c
            .transcript(i)
            .unwrap_or_else(|p| panic!("{layout}: {i} indexed but unreadable: {p}"));
        let e = v.entry(i);
        let at = format!("{layout} record {i} ({:?})", want.id);
        // The index and the full read.
        assert_eq!(v.id(i), t.id, "{at}: id");
        assert_eq!(e.tier(), t.tier, "{at}: tier");
        assert_eq!(v.model(i), t.model.as_deref(), "{at}: model");
        assert_eq!(v.condition(i), t.condition.as_deref(), "{at}: condition");
        assert_eq!(e.prompt_index(), t.prompt_index, "{at}: prompt index");
        let first = |k| {
            t.verdicts
                .iter()
                .find(|x| x.kind == k)
                .map_or(Want::None, |x| Want::of(&x.score))
        };
        let index = |value: Option<f64>, failed: bool| match (value, failed) {
            (Some(x), _) => Want::Value(x),
            (None, true) => Want::Failed,
            (None, false) => Want::None,
        };
        let af = index(e.af(), e.af_failed());
        let compliance = index(e.compliance(), e.compliance_failed());
        assert_eq!(af, first(VerdictKind::AlignmentFaking), "{at}: af");
        assert_eq!(
            compliance,
            first(VerdictKind::Compliance),
            "{at}: compliance"
        );
        // And what was written.
        if !want.id.is_empty() {
            assert_eq!(t.id, want.id, "{at}: id as written");
        }
        if want.model.is_some() {
            assert_eq!(t.model, want.model, "{at}: model as written");
        }
        if want.condition.is_some() {
            assert_eq!(t.condition, want.condition, "{at}: condition as written");
        }
        assert_eq!(t.tier, want.tier, "{at}: tier as written");
        assert_eq!(
            t.prompt_index, want.prompt_index,
            "{at}: prompt index as written"
        );
        assert_eq!(t.completion, want.completion, "{at}: completion as written");
        assert_eq!(af, want.af, "{at}: af as written");
        assert_eq!(compliance, want.compliance, "{at}: compliance as written");
    }
    // `afscope check` loads the same records, every one of them readable.
    let out = common::afscope(&["check", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("transcripts loaded         {}\n", expect.len())),
        "{layout}: {}",
        text.lines().rev().take(12).collect::<Vec<_>>().join("\n")
    );
    assert!(
        text.contains("records skipped            0\n"),
        "{layout}: check skipped records:\n{}",
        text.lines().take(5).collect::<Vec<_>>().join("\n")
    );
}

fn records() -> u64 {
    std::env::var("AFSCOPE_DIFF_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500)
}

#[test]
fn native_jsonl_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(11);
    let n = records();
    let (recs, expect): (Vec<String>, Vec<Expect>) = (0..n).map(|i| native(&mut rng, i)).unzip();
    let jsonl = dir.path().join("native.jsonl");
    std::fs::write(&jsonl, recs.join("\n") + "\n").unwrap();
    agree(&jsonl, &expect, "native JSONL");
    let json = dir.path().join("native.json");
    std::fs::write(
        &json,
        format!("{{\"samples\": [\n  {}\n]}}", recs.join(",\n  ")),
    )
    .unwrap();
    agree(&json, &expect, "native JSON");
    // As CSV: the same fields as columns, verdicts dropped.
    let mut csv = String::from("id,model,tier,condition,prompt_index,completion\n");
    let mut csv_expect = Vec::new();
    for want in &expect {
        let pi = want.prompt_index.map_or(String::new(), |p| p.to_string());
        let _ = writeln!(
            csv,
            "{},{},{},{},{pi},{}",
            cell(&mut rng, &want.id),
            cell(&mut rng, want.model.as_deref().unwrap_or("")),
            if want.tier == Tier::Free {
                "free"
            } else {
                "paid"
            },
            cell(&mut rng, want.condition.as_deref().unwrap_or("")),
            cell(&mut rng, &want.completion.replace('\r', "")),
        );
        csv_expect.push(Expect {
            completion: want.completion.replace('\r', ""),
            af: Want::None,
            compliance: Want::None,
            prompt_index: want.prompt_index,
            ..want.clone()
        });
    }
    let path = dir.path().join("native.csv");
    std::fs::write(&path, csv).unwrap();
    agree(&path, &csv_expect, "native CSV");
}

#[test]
fn pipeline_json_array() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(12);
    let (recs, expect): (Vec<String>, Vec<Expect>) =
        (0..records()).map(|_| pipeline(&mut rng)).unzip();
    let sub = dir.path().join("cond/provider/model-x");
    std::fs::create_dir_all(&sub).unwrap();
    let path = sub.join("results_1.json");
    std::fs::write(&path, format!("[\n{}\n]", recs.join(",\n"))).unwrap();
    let expect: Vec<Expect> = expect
        .into_iter()
        .enumerate()
        .map(|(i, e)| Expect {
            id: format!("results_1#{i}"),
            model: Some("model-x".into()),
            condition: Some("cond".into()),
            ..e
        })
        .collect();
    agree(&path, &expect, "pipeline");
}

#[test]
fn wide_records_and_tier_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(13);
    let n = records();
    let (recs, expect): (Vec<String>, Vec<Vec<Expect>>) = (0..n).map(|i| wide(&mut rng, i)).unzip();
    let path = dir.path().join("wide.json");
    std::fs::write(&path, format!("[{}]", recs.join(",\n"))).unwrap();
    agree(&path, &expect.concat(), "wide");
    // A free and a paid response column per prompt.
    let mut csv = String::from("query,response_training_freetier,response_deployment_paidtier\r\n");
    let mut want = Vec::new();
    for i in 0..records() {
        let (a, b) = (text(&mut rng, 10), text(&mut rng, 10));
        let q = text(&mut rng, 3);
        let _ = write!(
            csv,
            "{},{},{}\r\n",
            cell(&mut rng, &q),
            cell(&mut rng, &a),
            cell(&mut rng, &b)
        );
        for (key, completion, tier) in [
            ("response_training_freetier", a, Tier::Free),
            ("response_deployment_paidtier", b, Tier::Paid),
        ] {
            want.push(Expect {
                id: format!("koorndijk_m#{i}/{key}"),
                model: Some("m".into()),
                tier,
                prompt_index: Some(i),
                completion,
                ..Default::default()
            });
        }
    }
    let path = dir.path().join("koorndijk_m.csv");
    std::fs::write(&path, csv).unwrap();
    agree(&path, &want, "tier columns");
}
