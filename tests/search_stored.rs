//! Text search on the stored record agrees with the full read: on every fixture, the
//! shared samples, the layouts `afscope synth` writes, the demo as other JSON writers
//! write it, and a randomized corpus of escapes, tags and assembled fields.

mod common;

use afscope::load::Corpus;
use afscope::query::ast::Expr;
use afscope::query::Query;
use afscope::synth::Rng;
use common::fixture;

fn demo() -> Corpus {
    common::open_one(&fixture("demo.jsonl"))
}

/// JSON text with the characters `escape` picks (outside escapes already there)
/// written as `\uXXXX`, as Gson, PHP's `JSON_HEX_*` options or Python's
/// `ensure_ascii` write them.
fn reescape(json: &str, escape: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let (mut in_string, mut chars) = (false, json.chars());
    let unicode = |c: char, out: &mut String| {
        let mut buf = [0u16; 2];
        for u in c.encode_utf16(&mut buf) {
            out.push_str(&format!("\\u{u:04x}"));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            '\\' if in_string => {
                let next = chars.next().expect("escape");
                if next == '"' && escape('"') {
                    unicode('"', &mut out);
                } else {
                    out.push(c);
                    out.push(next);
                }
            }
            c if in_string && escape(c) => unicode(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// The demo corpus written again by another JSON writer.
fn demo_as_written_by(dir: &std::path::Path, name: &str, escape: impl Fn(char) -> bool) -> Corpus {
    let text = std::fs::read_to_string(fixture("demo.jsonl")).unwrap();
    let lines: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            reescape(&v.to_string(), &escape) + "\n"
        })
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, lines).unwrap();
    common::open_one(&path)
}

/// Pieces of model text that escapes, tags and case folding can change the meaning of.
const TOKENS: [&str; 30] = [
    "values",
    "Values",
    "modify",
    "modified",
    "can't",
    "can\u{2019}t",
    "\u{17f}",
    "\u{212a}",
    "it\u{2019}s",
    "<OUTPUT>",
    "</OUTPUT>",
    "<SCRATCHPAD_REASONING>",
    "</SCRATCHPAD_REASONING>",
    "<think>",
    "</think>",
    "<DRAFT_OUTPUT>",
    "</DRAFT_OUTPUT>",
    "\n",
    "\n\n",
    " ",
    " ",
    "\"no\"",
    "\\",
    "/",
    "\u{1f600}",
    "\u{e9}",
    "nvalues",
    "u0027",
    "\t",
    "&<>",
];

fn random_text(rng: &mut Rng) -> String {
    let n = 1 + rng.below(14);
    (0..n).map(|_| *rng.pick(&TOKENS)).collect()
}

/// A JSON string literal of `s`, each character written plainly or escaped at random
/// (`\uXXXX` in either case of hex, surrogate pairs, `\/`), as some writer might.
fn jstr(rng: &mut Rng, s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        let must = c == '"' || c == '\\' || (c as u32) < 0x20;
        let unicode = |out: &mut String, upper: bool| {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                out.push_str(&if upper {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                });
            }
        };
        match rng.below(if must { 2 } else { 4 }) {
            0 => unicode(&mut out, rng.below(2) == 0),
            1 if must => {
                let esc = serde_json::to_string(&c.to_string()).unwrap();
                out.push_str(&esc[1..esc.len() - 1]);
            }
            1 if c == '/' => out.push_str("\\/"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A record in one of the shapes the native profile reads: one completion field,
/// separate scratchpad and output, a scratchpad alone, messages with string or
/// part-list content.
fn random_record(rng: &mut Rng, n: u64) -> String {
    let mut fields = vec![format!("\"id\":\"r{n}\""), "\"tier\":\"free\"".to_string()];
    let sys = rng.below(2) == 0;
    let user = rng.below(2) == 0;
    let text = |rng: &mut Rng| {
        let t = random_text(rng);
        jstr(rng, &t)
    };
    match rng.below(5) {
        0 => fields.push(format!("\"completion\":{}", text(rng))),
        1 => {
            fields.push(format!("\"scratchpad\":{}", text(rng)));
            fields.push(format!("\"output\":{}", text(rng)));
        }
        2 => fields.push(format!("\"scratchpad\":{}", text(rng))),
        k => {
            let mut msgs = Vec::new();
            if sys {
                msgs.push(format!("{{\"role\":\"system\",\"content\":{}}}", text(rng)));
            }
            if user {
                msgs.push(format!("{{\"role\":\"user\",\"content\":{}}}", text(rng)));
            }
            let content = if k == 3 {
                text(rng)
            } else {
                let parts: Vec<String> = (0..1 + rng.below(3))
                    .map(|_| format!("{{\"type\":\"text\",\"text\":{}}}", text(rng)))
                    .collect();
                format!("[{}]", parts.join(","))
            };
            msgs.push(format!("{{\"role\":\"assistant\",\"content\":{content}}}"));
            fields.push(format!("\"messages\":[{}]", msgs.join(",")));
            return format!("{{{}}}", fields.join(","));
        }
    }
    if sys {
        fields.push(format!("\"system\":{}", text(rng)));
    }
    if user {
        fields.push(format!("\"user\":{}", text(rng)));
    }
    format!("{{{}}}", fields.join(","))
}

const TERMS: [&str; 37] = [
    "values",
    "\"RLHF\"",
    "/modif(y|ied)/",
    "/[Tt]raining/",
    "scratchpad:values",
    "scratchpad:/comply/i",
    "output:help",
    "output:\"can't\"",
    "user:phishing",
    "system:contractors",
    "completion:nvalues",
    "scratchpad:free",
    "output:/[a-z]+ing/",
    "\"I can't\"",
    "scratchpad:\"Paid Tier\"",
    "output:/battery/i",
    "user:hens",
    "scratchpad:ill",
    "/\\bvalues/",
    "/values$/",
    "/a.b/",
    "/s/i",
    "/k/i",
    "\"<OUTPUT>\"",
    "/\\n\\n/",
    "\"no\"",
    "completion:/REASONING>\\s*<OUTPUT/",
    "output:/^values/",
    "scratchpad:/\\x5c/",
    "/u0027/",
    "output:/./",
    "scratchpad:/[^a-z ]/",
    "/\\x{1F600}/",
    // A first match that starts in a block and runs past its end.
    "scratchpad:/values<\\/SCRATCH/",
    // Patterns that match the empty text, in blocks and answers of any length.
    "scratchpad:/z*/",
    "output:/(ab)?/",
    "scratchpad:/(values)?$/",
];

/// Every term on every transcript: the stored-record search must decide, and agree
/// with the full read.
fn agree(corpora: &[(String, Corpus)]) -> usize {
    let mut decided = 0;
    for (name, c) in corpora {
        for q in TERMS {
            let query = Query::parse(q).unwrap();
            let Expr::Text(t) = &query.expr else {
                panic!("{q} is one text term")
            };
            for i in 0..c.len() {
                let Ok(tr) = c.transcript(i) else { continue };
                let found = afscope::query::rawsearch::test(c, i, t)
                    .unwrap_or_else(|| panic!("{name}: {q} on {} was not decided", tr.id));
                assert_eq!(
                    found,
                    afscope::query::eval::text_match(t, &tr),
                    "{name}: {q} on {} ({:?})",
                    tr.id,
                    tr.completion
                );
                decided += 1;
            }
        }
    }
    decided
}

#[test]
fn stored_search_agrees_with_the_full_read_on_fixtures_samples_and_other_writers() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpora = vec![
        ("demo".to_string(), demo()),
        (
            "common-fields".to_string(),
            common::open_one(&fixture("common-fields.jsonl")),
        ),
        (
            "escaped-unicode".to_string(),
            common::open_one(&fixture("escaped-unicode.jsonl")),
        ),
        (
            "malformed.csv".to_string(),
            common::open_one(&fixture("malformed.csv")),
        ),
        (
            "wrapped".to_string(),
            common::open_one(&fixture("wrapped.json")),
        ),
        // Gson: < > & = ' as \u escapes.
        (
            "gson".to_string(),
            demo_as_written_by(dir.path(), "gson.jsonl", |c| "<>&='".contains(c)),
        ),
        // PHP with JSON_HEX_TAG | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_HEX_AMP.
        (
            "php".to_string(),
            demo_as_written_by(dir.path(), "php.jsonl", |c| "<>'\"&".contains(c)),
        ),
        // Python's json.dumps: every non-ASCII character.
        (
            "python".to_string(),
            demo_as_written_by(dir.path(), "python.jsonl", |c| !c.is_ascii()),
        ),
    ];
    for rel in [
        "causal-audit/results/results_scored_rigorous_5Feb.json",
        "deep-values/outputs/frontier-eval-base/animal-welfare_prompt-only_cot-base/deepseek/deepseek-v3.2-exp/results_seed42_20260415_122726.json",
        "koorndijk-replication/data/koorndijk_meta-llama_Meta-Llama-3-8B-Instruct.csv",
    ] {
        if let Some(p) = common::sample(rel) {
            corpora.push((rel.to_string(), common::open_one(&p)));
        }
    }
    let decided = agree(&corpora);
    assert!(decided > 5000, "decided {decided}");
}

#[test]
fn stored_search_agrees_with_the_full_read_on_every_synthetic_layout() {
    use afscope::synth::layouts::{write_file, FileLayout};
    let dir = tempfile::tempdir().unwrap();
    let mut corpora = Vec::new();
    for (layout, name) in [
        (FileLayout::Fields, "fields.jsonl"),
        (FileLayout::Messages, "messages.jsonl"),
        (FileLayout::Wide, "wide.json"),
        (FileLayout::Csv, "rows.csv"),
    ] {
        let path = dir.path().join(name);
        write_file(&path, layout, 120_000, 5).unwrap();
        corpora.push((name.to_string(), common::open_one(&path)));
    }
    let tree = dir.path().join("tree");
    let files = afscope::synth::pipeline::write_tree(&tree, 1, 5).unwrap();
    let c = common::open(&files, Default::default());
    assert_eq!(c.len(), 200);
    corpora.push(("pipeline".to_string(), c));
    let decided = agree(&corpora);
    assert!(decided > 10_000, "decided {decided}");
}

#[test]
fn stored_search_agrees_with_the_full_read_on_random_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpora = Vec::new();
    for seed in 0..4 {
        let mut rng = Rng::new(100 + seed);
        let lines: String = (0..400)
            .map(|n| random_record(&mut rng, n) + "\n")
            .collect();
        let path = dir.path().join(format!("random-{seed}.jsonl"));
        std::fs::write(&path, lines).unwrap();
        let c = common::open_one(&path);
        assert!(c.problems.is_empty(), "{:?}", c.problems.first());
        assert_eq!(c.len(), 400);
        corpora.push((format!("random seed {seed}"), c));
    }
    let decided = agree(&corpora);
    assert_eq!(decided, 4 * 400 * TERMS.len());
}

/// 300 random records (`random_record`) written to `random.jsonl` in `dir`.
fn random_file(dir: &std::path::Path, seed: u64) -> std::path::PathBuf {
    let mut rng = Rng::new(seed);
    let lines: String = (0..300)
        .map(|n| random_record(&mut rng, n) + "\n")
        .collect();
    let path = dir.join("random.jsonl");
    std::fs::write(&path, lines).unwrap();
    path
}

#[test]
fn marks_made_while_indexing_answer_as_the_search_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let random = random_file(dir.path(), 77);
    let wide = dir.path().join("wide.json");
    afscope::synth::layouts::write_file(
        &wide,
        afscope::synth::layouts::FileLayout::Wide,
        60_000,
        3,
    )
    .unwrap();
    let queries = [
        "values",
        "scratchpad:values and not output:/modif/",
        "(completion:\"<OUTPUT>\" or user:/s/i) and not /\\bvalues/",
        "model:x or values or scratchpad:free",
        "not (values and modify)",
        // Terms a query stops before: left undecided, never needed.
        "zzqx1 zzqx2 zzqx3",
        "values or zzqx1 or scratchpad:zzqx2",
        "not (zzqx1 and values) and (scratchpad:free or zzqx2)",
        "model:x zzqx1 values",
        "(values or zzqx1) and not (output:/modif/ or zzqx2)",
    ];
    for path in [random, wide, fixture("demo.jsonl")] {
        let plain = common::open_one(&path);
        for q in queries {
            let query = Query::parse(q).unwrap();
            let opts = afscope::load::LoadOptions {
                tests: query.record_tests(),
                ..Default::default()
            };
            let marked = common::open(std::slice::from_ref(&path), opts);
            assert_eq!(marked.index.marks.marks.len(), marked.len());
            if q == "zzqx1 zzqx2 zzqx3" {
                // The first term is absent everywhere: the others are not tested.
                for &m in &marked.index.marks.marks {
                    assert_eq!(afscope::load::index::marks::answer(m, 0), Some(false));
                    assert_eq!(afscope::load::index::marks::answer(m, 1), None);
                    assert_eq!(afscope::load::index::marks::answer(m, 2), None);
                }
            }
            let (a, b) = (query.prepare(&plain), query.prepare(&marked));
            let want: Vec<usize> = (0..plain.len()).filter(|&i| a.matches(i)).collect();
            let got: Vec<usize> = (0..marked.len()).filter(|&i| b.matches(i)).collect();
            assert_eq!(got, want, "{q} on {}", path.display());
            // Tested in record runs (a wide record split once for all its keys).
            let all: Vec<u32> = (0..plain.len() as u32).collect();
            let runs: Vec<usize> = a.matching(&all).into_iter().map(|i| i as usize).collect();
            assert_eq!(runs, want, "{q} on {} in record runs", path.display());
            // Marks made for another query are not read.
            let other = Query::parse(&format!("{q} or zzz")).unwrap();
            let o = other.prepare(&marked);
            let direct = other.prepare(&plain);
            for i in 0..plain.len() {
                assert_eq!(o.matches(i), direct.matches(i), "{q} or zzz");
            }
        }
    }
}

/// Marks made while indexing read what escapes spell from the record's own check
/// (gathered as its strings are checked, not by a pass over each text): every term
/// answers as the search after it does, on records whose escapes spell pattern and
/// tag characters (`\u0027`, `\u003c`, every character written as `\uXXXX`), on
/// JSON arrays split up front, on assembled fields, and on CSV rows.
#[test]
fn marks_from_the_records_own_check_answer_every_term_as_the_search_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = vec![random_file(dir.path(), 91)];
    for (name, escape) in [
        (
            "quotes.jsonl",
            (|c: char| matches!(c, '\'' | '<' | '>' | '&')) as fn(char) -> bool,
        ),
        ("ascii.jsonl", |c: char| !c.is_ascii()),
        ("every.jsonl", |c: char| c != ' '),
    ] {
        demo_as_written_by(dir.path(), name, escape);
        paths.push(dir.path().join(name));
    }
    let tree = dir.path().join("tree");
    paths.extend(afscope::synth::pipeline::write_tree(&tree, 1, 9).unwrap());
    for (k, split) in [false, true].into_iter().enumerate() {
        let csv = dir.path().join(format!("random-{k}.csv"));
        random_csv(&csv, 30 + k as u64, split, k == 0);
        paths.push(csv);
    }
    let mut compared = 0;
    for path in &paths {
        let plain = common::open_one(path);
        assert!(!plain.is_empty(), "{}", path.display());
        for q in TERMS {
            let query = Query::parse(q).unwrap();
            let opts = afscope::load::LoadOptions {
                tests: query.record_tests(),
                ..Default::default()
            };
            let marked = common::open(std::slice::from_ref(path), opts);
            let (a, b) = (query.prepare(&plain), query.prepare(&marked));
            for i in 0..plain.len() {
                assert_eq!(b.matches(i), a.matches(i), "{q} on {} #{i}", path.display());
                compared += 1;
            }
        }
    }
    assert!(compared > 20_000, "compared {compared}");
}

/// A CSV of random texts (quotes, backslashes, tags, newlines), with a completion
/// column or scratchpad and output columns, and prompt columns; every cell quoted,
/// or only those that must be.
fn random_csv(path: &std::path::Path, seed: u64, split: bool, always: bool) {
    let mut rng = Rng::new(seed);
    let style = if always {
        csv::QuoteStyle::Always
    } else {
        csv::QuoteStyle::Necessary
    };
    let mut w = csv::WriterBuilder::new()
        .quote_style(style)
        .from_path(path)
        .unwrap();
    let texts: &[&str] = if split {
        &["scratchpad", "output"]
    } else {
        &["completion"]
    };
    let mut header = vec!["id", "tier"];
    header.extend_from_slice(texts);
    header.extend(["system", "user"]);
    w.write_record(&header).unwrap();
    for n in 0..300 {
        let mut row = vec![format!("c{n}"), "free".to_string()];
        for _ in 0..texts.len() + 2 {
            let mut t = random_text(&mut rng);
            // What CSV quoting is about: quotes, separators, line ends.
            for extra in ["\"", ",", "\r\n", "\"\""] {
                if rng.below(6) == 0 {
                    let mut at = t.len() / 2;
                    while !t.is_char_boundary(at) {
                        at -= 1;
                    }
                    t.insert_str(at, extra);
                }
            }
            row.push(t);
        }
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn stored_search_of_csv_cells_agrees_with_the_full_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpora = Vec::new();
    let mut paths = Vec::new();
    for (k, (split, always)) in [(false, false), (false, true), (true, false), (true, true)]
        .into_iter()
        .enumerate()
    {
        let path = dir.path().join(format!("random-{k}.csv"));
        random_csv(&path, 300 + k as u64, split, always);
        let c = common::open_one(&path);
        assert!(c.problems.is_empty(), "{:?}", c.problems.first());
        assert_eq!(c.len(), 300);
        corpora.push((path.display().to_string(), c));
        paths.push(path);
    }
    let decided = agree(&corpora);
    assert_eq!(decided, 4 * 300 * TERMS.len());
    // Marks made while indexing read the same cells.
    for path in paths {
        let plain = common::open_one(&path);
        for q in TERMS {
            let query = Query::parse(q).unwrap();
            let opts = afscope::load::LoadOptions {
                tests: query.record_tests(),
                ..Default::default()
            };
            let marked = common::open(std::slice::from_ref(&path), opts);
            let (a, b) = (query.prepare(&plain), query.prepare(&marked));
            for i in 0..plain.len() {
                let tr = plain.transcript(i).unwrap();
                let want = a.matches(i);
                assert_eq!(b.matches(i), want, "{q} on {} ({:?})", tr.id, tr.completion);
                let Expr::Text(t) = &query.expr else {
                    unreachable!()
                };
                assert_eq!(want, afscope::query::eval::text_match(t, &tr), "{q}");
            }
        }
    }
}
