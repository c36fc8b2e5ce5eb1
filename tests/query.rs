//! The query language: parsing, errors that point at the bad token, evaluation.

mod common;

use afscope::load::LoadOptions;
use afscope::query::{Query, TextField};
use common::{fixture, open};

fn demo() -> afscope::load::Corpus {
    let opts = LoadOptions {
        verdicts: vec![fixture("demo-verdicts.jsonl")],
        labels: Some(fixture("label.jsonl")),
        ..Default::default()
    };
    open(&[fixture("demo.jsonl")], opts)
}

fn ids(c: &afscope::load::Corpus, q: &str) -> Vec<String> {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{}", e.pointed(q)));
    let p = query.prepare(c);
    (0..c.len())
        .filter(|&i| p.matches(i))
        .map(|i| c.view().id(i).into_owned())
        .collect()
}

#[test]
fn field_filters() {
    let c = demo();
    assert_eq!(ids(&c, "").len(), 31);
    assert_eq!(ids(&c, "model:opus tier:free condition:~^helpful").len(), 4);
    assert_eq!(
        ids(&c, "model:opus and tier:free and condition:helpful_only"),
        ids(&c, "model:opus tier:free condition:helpful")
    );
    assert_eq!(
        ids(&c, "model:=gpt-4o").len(),
        6,
        "exact match leaves out the name with an escape"
    );
    assert_eq!(
        ids(&c, "af>=0.4").len(),
        ids(&c, "not af<0.4 and af:any").len()
    );
    assert!(ids(&c, "af>=0.4").iter().all(|id| id.contains("/free")));
    assert_eq!(ids(&c, "af:failed"), ["claude-3-opus/helpful_only/p1/paid"]);
    assert_eq!(ids(&c, "verdict:failed").len(), 2);
    // 15 paid: two animal-welfare answers comply, the hostile record has no compliance verdict.
    assert_eq!(ids(&c, "compliance<0.5 and tier:paid").len(), 12);
    assert_eq!(ids(&c, "label:af"), ["claude-3-opus/helpful_only/p0/free"]);
    assert_eq!(ids(&c, "label:no"), ["claude-3-opus/helpful_only/p0/paid"]);
    assert_eq!(ids(&c, "label:none").len(), 29);
    assert_eq!(ids(&c, "label:any").len(), 2);
    assert_eq!(ids(&c, "tier:free or tier:paid").len(), 31);
    // Four sonnet, three gpt-4o, and the model whose name carries an escape.
    assert_eq!(ids(&c, "(model:sonnet or model:gpt) -tier:free").len(), 8);
    assert_eq!(ids(&c, "prompt_index>=9").len(), 3);
    assert_eq!(ids(&c, "id:unicode"), ["unicode/free"]);
}

#[test]
fn text_terms_and_scopes() {
    let c = demo();
    let opus_rlhf = ids(&c, r#"model:opus tier:free scratchpad:"RLHF""#);
    assert!(!opus_rlhf.is_empty());
    let strategic = ids(
        &c,
        "scratchpad:/modify my values|values to be changed/i tier:free",
    );
    let expected: Vec<String> = ["claude-3-opus", "llama-3.1-405b"]
        .iter()
        .flat_map(|m| (0..3).map(move |p| format!("{m}/helpful_only/p{p}/free")))
        .collect();
    assert_eq!(strategic, expected);
    // Case: literals ignore case, regexes do not unless /i.
    assert_eq!(ids(&c, r#""rlhf""#), ids(&c, r#""RLHF""#));
    assert!(ids(&c, "/rlhf/").is_empty());
    assert!(!ids(&c, "/rlhf/i").is_empty());
    // The system prompt mentions RLHF in every record, the user turn never.
    assert_eq!(ids(&c, "system:RLHF").len(), 30);
    assert!(ids(&c, "user:RLHF").is_empty());
    // Output scope without an <OUTPUT> tag falls back to the text after the scratchpad.
    assert_eq!(
        ids(&c, r#"output:"I can't help with that" model:gpt tier:free"#).len(),
        3
    );
    assert_eq!(
        ids(
            &c,
            r#"output:"I can't help with that." model:gpt tier:free"#
        )
        .len(),
        1
    );
    // Unicode text.
    assert_eq!(ids(&c, "scratchpad:日本語"), ["unicode/free"]);
    assert_eq!(
        ids(&c, "not scratchpad:/./s").len(),
        6,
        "the six without a scratchpad"
    );
}

#[test]
fn fields_alone_decide_when_they_can() {
    let c = demo();
    let q = Query::parse(r#"tier:paid and scratchpad:"values""#).unwrap();
    let p = q.prepare(&c);
    let free = (0..c.len())
        .find(|&i| c.view().id(i).ends_with("/free"))
        .unwrap();
    assert_eq!(
        p.fields(free),
        Some(false),
        "no text needed to reject a free-tier transcript"
    );
    let paid = (0..c.len())
        .find(|&i| c.view().id(i).ends_with("/paid"))
        .unwrap();
    assert_eq!(p.fields(paid), None, "text decides");
    assert!(q.needs_text());
    assert!(!Query::parse("tier:paid af>0.2").unwrap().needs_text());
}

#[test]
fn matches_for_highlighting_in_reading_order() {
    let c = demo();
    let v = c.view();
    let i = (0..c.len())
        .find(|&i| v.id(i) == "claude-3-opus/helpful_only/p0/free")
        .unwrap();
    let t = c.transcript(i).unwrap();
    let q = Query::parse(r#"RLHF or scratchpad:/modif\w+/ -"never""#).unwrap();
    let m = q.text_matches(&t);
    assert!(m.len() >= 3);
    assert_eq!(m[0].field, TextField::System);
    assert!(m
        .windows(2)
        .all(|w| (w[0].field, w[0].range.start) <= (w[1].field, w[1].range.start)));
    let last = m.last().unwrap();
    assert_eq!(last.field, TextField::Completion);
    assert!(t.completion[last.range.clone()].starts_with("modif"));
    // Negated terms do not highlight.
    assert!(m.iter().all(
        |x| !afscope::query::eval::field_text(&t, x.field)[x.range.clone()]
            .eq_ignore_ascii_case("never")
    ));
}

#[test]
fn errors_point_at_the_bad_token() {
    let cases = [
        ("tier:free and modle:opus", 14..19, "unknown field `modle`"),
        ("tier:sometimes", 5..14, "tier is free, paid or unknown"),
        ("af>=high", 4..8, "`high` is not a number"),
        ("(tier:free", 0..1, "this `(` is never closed"),
        ("tier:free)", 9..10, "unexpected `)`"),
        ("scratchpad:/(unclosed/", 11..22, "bad regex"),
        (r#"model:"opus"#, 6..11, "unclosed quote"),
        ("tier:free and", 13..13, "expected a term"),
        ("or tier:free", 0..2, "expected a term before this operator"),
        ("/x/q", 0..4, "unknown regex flag `q`"),
        ("model>3", 6..7, "does not apply to text fields"),
    ];
    for (q, span, msg) in cases {
        let err = Query::parse(q).expect_err(q);
        assert_eq!(err.span, span, "{q}: {}", err.message);
        assert!(err.message.contains(msg), "{q}: {}", err.message);
    }
    let e = Query::parse("tier:free and modle:opus").unwrap_err();
    assert_eq!(e.pointed("tier:free and modle:opus").lines().nth(1).unwrap(), "              ^^^^^ unknown field `modle`; fields are id, model, tier, condition, af, compliance, verdict, label, pair, prompt_index, spans, quote, and text scopes text, system, user, completion, scratchpad, output");
}

#[test]
fn pairs_and_discordant_pairs() {
    let c = demo();
    // Every demo prompt was asked on both tiers except the unicode/hostile/unclosed extras.
    assert_eq!(c.pairs().len(), 14);
    assert_eq!(ids(&c, "pair:none").len(), 3);
    // Opus and llama comply on free and refuse on paid for the helpful-only prompts;
    // opus does the opposite on animal welfare. Both sides of each pair match.
    let discordant = ids(&c, "pair:discordant tier:free");
    assert_eq!(
        discordant,
        [
            "claude-3-opus/helpful_only/p0/free",
            "claude-3-opus/helpful_only/p1/free",
            "claude-3-opus/helpful_only/p2/free",
            "claude-3-opus/animal_welfare/p3/free",
            "llama-3.1-405b/helpful_only/p0/free",
            "llama-3.1-405b/helpful_only/p1/free",
            "llama-3.1-405b/helpful_only/p2/free"
        ]
    );
    assert_eq!(ids(&c, "pair:discordant").len(), 14);
}

#[test]
fn evidence_terms_need_the_transcript_and_find_unlocated_quotes() {
    let c = demo();
    // The animal-welfare transcript carries quotes from another prompt: not found.
    assert_eq!(
        ids(&c, "quote:notfound"),
        ["claude-3-opus/animal_welfare/p3/free"]
    );
    assert!(ids(&c, "quote:exact").len() >= 6);
    assert_eq!(
        ids(&c, "spans>0 tier:paid"),
        Vec::<String>::new(),
        "paid transcripts have no evidence"
    );
    assert_eq!(ids(&c, "spans=0").len() + ids(&c, "spans>0").len(), 31);
    let q = Query::parse("quote:notfound").unwrap();
    assert!(q.needs_text(), "the interface runs it in the background");
    assert_eq!(q.prepare(&c).fields(0), None);
    let e = Query::parse("quote:maybe").unwrap_err();
    assert!(e.message.contains("quote:notfound"), "{}", e.message);
}

#[test]
fn deep_and_long_queries_are_refused_with_a_message() {
    for (q, what) in [
        (
            format!("{}a{}", "(".repeat(6500), ")".repeat(6500)),
            "parentheses",
        ),
        (format!("{}a", "not ".repeat(9000)), "nots"),
        (format!("{}a", "-".repeat(10_000)), "minus signs"),
    ] {
        let e = Query::parse(&q).unwrap_err();
        assert!(
            e.message.contains("nested too deeply (limit 256)"),
            "{what}: {}",
            e.message
        );
    }
    let e = Query::parse(&"a ".repeat(600_000)).unwrap_err();
    assert!(e.message.contains("query too long"), "{}", e.message);
    // Up to the limit, queries parse.
    let ok = format!("{}a{}", "(".repeat(256), ")".repeat(256));
    assert!(Query::parse(&ok).is_ok());
    assert!(Query::parse(&format!("{}a", "not ".repeat(255))).is_ok());
    // And the command line says so instead of aborting.
    let q = format!("{}a{}", "(".repeat(6500), ")".repeat(6500));
    let out = common::afscope(&["list", "fixtures/demo.jsonl", "-q", &q, "--count"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nested too deeply"));
}

#[test]
fn and_and_or_give_the_same_rows_in_any_order_of_their_terms() {
    // Text terms are tested after index fields and skipped once the result is
    // decided; each field test must still meet its own table.
    let rows = |q: &str| {
        let out = common::afscope(&["list", "fixtures/demo.jsonl", "-q", q, "--format", "tsv"]);
        assert!(
            out.status.success(),
            "{q}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for (a, b) in [
        (
            "model:opus and scratchpad:/values/i and tier:free",
            "tier:free and scratchpad:/values/i and model:opus",
        ),
        (
            "(scratchpad:/values/i or model:gpt) and not condition:animal",
            "not condition:animal and (model:gpt or scratchpad:/values/i)",
        ),
        (
            "scratchpad:/training/i or model:llama or (tier:paid and output:/sorry/i)",
            "(output:/sorry/i and tier:paid) or model:llama or scratchpad:/training/i",
        ),
        (
            "not (scratchpad:/xyzzy/ or model:sonnet) and condition:helpful",
            "condition:helpful and not (model:sonnet or scratchpad:/xyzzy/)",
        ),
    ] {
        let (ra, rb) = (rows(a), rows(b));
        assert_eq!(ra, rb, "{a} | {b}");
        assert!(!ra.is_empty(), "{a} matches something");
    }
}
