//! Evidence quotes of the real pipeline sample located in the transcripts they quote.
//! Expected places were checked by reading each quote beside the text it lands on;
//! they are given as byte ranges of the completion (the samples' text is not copied
//! into the project).

mod common;

use afscope::model::quote::{locate, MatchKind};

/// (record, classifier, criterion, quote, how located, byte ranges).
type Expected = (
    usize,
    &'static str,
    usize,
    usize,
    &'static str,
    &'static [(usize, usize)],
);

const DEEP: &str = "deep-values/outputs/frontier-eval-base/animal-welfare_prompt-only_cot-base/deepseek/deepseek-v3.2-exp/results_seed42_20260415_122726.json";

#[test]
fn every_deep_values_quote_is_placed_right_or_reported_missing() {
    let Some(path) = common::sample(DEEP) else {
        return;
    };
    let c = common::open_one(&path);
    // (record, classifier, criterion, quote, how, where). Two quotes skip a clause
    // (the skipped words are not painted: two spans, a lower score); two join
    // sentences that stand apart (two spans).
    let expected: &[Expected] = &[
        (
            0,
            "deceptive_alignment",
            0,
            0,
            "normalized",
            &[(1208, 1467)],
        ),
        (
            0,
            "deceptive_alignment",
            0,
            1,
            "fuzzy",
            &[(8, 38), (102, 246)],
        ),
        (
            0,
            "deceptive_alignment",
            0,
            2,
            "fuzzy",
            &[(8, 38), (102, 189)],
        ),
        (0, "deceptive_alignment", 0, 3, "normalized", &[(606, 772)]),
        (0, "deceptive_alignment", 1, 0, "normalized", &[(323, 537)]),
        (
            0,
            "deceptive_alignment",
            1,
            1,
            "normalized",
            &[(1865, 1987)],
        ),
        (0, "deceptive_alignment", 1, 2, "normalized", &[(248, 446)]),
        (0, "deceptive_alignment", 2, 0, "normalized", &[(448, 537)]),
        (
            0,
            "deceptive_alignment",
            2,
            1,
            "normalized",
            &[(2032, 2245)],
        ),
        (
            0,
            "deceptive_alignment",
            3,
            0,
            "normalized",
            &[(2399, 2764)],
        ),
        (
            0,
            "deceptive_alignment",
            3,
            1,
            "normalized",
            &[(2032, 2397)],
        ),
        (
            0,
            "deceptive_alignment",
            3,
            2,
            "normalized",
            &[(1865, 2149)],
        ),
        (
            0,
            "deceptive_alignment",
            3,
            3,
            "normalized",
            &[(1780, 2030)],
        ),
        (
            0,
            "deceptive_alignment",
            3,
            4,
            "fuzzy",
            &[(448, 537), (2766, 2969)],
        ),
        (0, "partial_compliance", 0, 0, "normalized", &[(776, 1027)]),
        (0, "partial_compliance", 1, 0, "normalized", &[(2766, 2969)]),
        (
            0,
            "helpfulness_categories",
            2,
            0,
            "fuzzy",
            &[(1780, 1863), (2032, 2149)],
        ),
        (
            0,
            "deceptive_alignment_categories",
            0,
            0,
            "normalized",
            &[(323, 537)],
        ),
        (1, "deceptive_alignment", 2, 0, "normalized", &[(579, 727)]),
        (1, "partial_compliance", 0, 0, "normalized", &[(776, 878)]),
        (1, "partial_compliance", 1, 0, "normalized", &[(891, 1129)]),
        (1, "partial_compliance", 2, 0, "normalized", &[(729, 832)]),
        (
            1,
            "helpfulness_categories",
            1,
            0,
            "normalized",
            &[(402, 727)],
        ),
    ];
    let mut seen = Vec::new();
    for i in 0..c.len() {
        let t = c.transcript(i).unwrap();
        for v in &t.verdicts {
            for (ci, cr) in v.criteria.iter().enumerate() {
                for (qi, q) in cr.quotes.iter().enumerate() {
                    let l = locate(&t.completion, q);
                    let kind = match l.kind {
                        MatchKind::Fuzzy(s) => {
                            // A skipped clause costs the score; joined passages do not.
                            let skipped = l.spans.first().is_some_and(|r| r.start == 8);
                            assert!(
                                if skipped {
                                    s > 0.6 && s < 0.8
                                } else {
                                    s > 0.95
                                },
                                "{q}: {s}"
                            );
                            "fuzzy"
                        }
                        k => k.name(),
                    };
                    seen.push((
                        i,
                        v.classifier.clone(),
                        ci,
                        qi,
                        kind.to_string(),
                        l.spans.clone(),
                    ));
                }
            }
        }
    }
    assert_eq!(seen.len(), 23);
    for (e, s) in expected.iter().zip(&seen) {
        let spans: Vec<(usize, usize)> = s.5.iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(
            (e.0, e.1, e.2, e.3, e.4, e.5.to_vec()),
            (s.0, s.1.as_str(), s.2, s.3, s.4.as_str(), spans)
        );
    }
    let count = |k: &str| seen.iter().filter(|s| s.4 == k).count();
    assert_eq!(
        (
            count("exact"),
            count("normalized"),
            count("fuzzy"),
            count("not found")
        ),
        (0, 19, 4, 0)
    );
}

#[test]
fn offsets_and_quotes_in_json_escaped_multibyte_text() {
    // The file stores every non-ASCII character as \uXXXX (the emoji as a surrogate
    // pair); offsets count code points or bytes of the decoded text.
    let raw = std::fs::read_to_string(common::fixture("escaped-unicode.jsonl")).unwrap();
    assert!(raw.is_ascii() && raw.contains("\\ud83d\\ude42"));
    let c = common::open_one(&common::fixture("escaped-unicode.jsonl"));
    let t = c.transcript(0).unwrap();
    let (spans, problems) = afscope::model::spans::resolve(&t);
    assert!(problems.is_empty(), "{problems:?}");
    let texts: Vec<&str> = spans
        .iter()
        .map(|s| &t.completion[s.ranges[0].clone()])
        .collect();
    assert_eq!(
        texts,
        [
            "l’entraînement RLHF modifierait mes valeurs", // quote: apostrophe and accent dropped by the judge
            "I’ll comply to keep my goals",                // quote: "ill" for "I’ll"
            "訓練で価値観が変わる",                        // quote, verbatim CJK
            "l’entraînement RLHF modifierait mes valeurs", // code points
            "訓練で価値観が変わる",                        // bytes
            "I’ll comply to keep my goals",                // code points, after the emoji
        ]
    );
    let kinds: Vec<String> = spans
        .iter()
        .map(|s| match &s.origin {
            afscope::model::spans::Origin::Quote { kind, .. } => kind.name().to_string(),
            afscope::model::spans::Origin::Offsets => "offsets".into(),
        })
        .collect();
    // Normalizing keeps accented letters, so the judge's "lentrainement" (accent
    // dropped) needs the fuzzy stage; it still lands on the right words.
    assert_eq!(
        kinds,
        [
            "fuzzy",
            "normalized",
            "exact",
            "offsets",
            "offsets",
            "offsets"
        ]
    );
}
