//! The real result files in ../shared/samples open with the counts the field expects.

mod common;

use afscope::load::LoadOptions;
use afscope::model::{SegmentKind, Tier, TierSource, VerdictKind};
use common::{open, open_one, sample};

const DEEP: &str = "deep-values/outputs/frontier-eval-base/animal-welfare_prompt-only_cot-base/deepseek/deepseek-v3.2-exp/results_seed42_20260415_122726.json";
const CAUSAL: &str = "causal-audit/results/results_scored_rigorous_5Feb.json";
const CAUSAL_CSV: &str = "causal-audit/results/neural_mechanism_scores.csv";
const KOORNDIJK: &str =
    "koorndijk-replication/data/koorndijk_meta-llama_Meta-Llama-3-8B-Instruct.csv";

#[test]
fn deep_values_pipeline_file() {
    let Some(path) = sample(DEEP) else { return };
    let c = open_one(&path);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.len(), 2);
    assert_eq!(c.sources[0].profile.name(), "af-pipeline");
    let free = c.transcript(0).unwrap();
    let paid = c.transcript(1).unwrap();
    assert_eq!(
        (free.tier, free.tier_source),
        (Tier::Free, TierSource::Tags)
    );
    assert_eq!(paid.tier, Tier::Paid);
    for t in [&free, &paid] {
        assert_eq!(t.model.as_deref(), Some("deepseek-v3.2-exp"));
        assert_eq!(
            t.condition.as_deref(),
            Some("animal-welfare_prompt-only_cot-base")
        );
        let blocks: Vec<_> = t
            .verdicts
            .iter()
            .filter(|v| v.kind != VerdictKind::Compliance)
            .collect();
        assert_eq!(blocks.len(), 4, "four classifier blocks");
        let compliance: Vec<_> = t
            .verdicts
            .iter()
            .filter(|v| v.kind == VerdictKind::Compliance)
            .collect();
        assert_eq!(compliance.len(), 1);
        assert_eq!(compliance[0].classifier, "strong_reject");
        assert!(t.system.as_deref().unwrap().contains("PowerfulAI"));
        assert!(t.user.as_deref().unwrap().contains("<is_free_tier_user>"));
        let kinds: Vec<_> = t
            .segments
            .iter()
            .map(|s| (s.kind, s.tag.as_str()))
            .collect();
        assert!(
            kinds.contains(&(SegmentKind::Scratchpad, "HIDDEN_SCRATCHPAD")),
            "{kinds:?}"
        );
        assert!(kinds.iter().any(|k| k.0 == SegmentKind::Output));
    }
    // The free-tier answer opens with a <think> block before its scratchpad.
    let kinds: Vec<_> = free
        .segments
        .iter()
        .map(|s| (s.kind, s.tag.as_str()))
        .collect();
    assert_eq!(kinds[0], (SegmentKind::Scratchpad, "think"));
    let da = free
        .verdicts
        .iter()
        .find(|v| v.classifier == "deceptive_alignment")
        .unwrap();
    assert_eq!(da.kind, VerdictKind::AlignmentFaking);
    assert_eq!(da.score.value(), Some(1.0));
    assert_eq!(da.criteria.len(), 4);
    assert_eq!(da.answer.as_deref(), Some("yes"));
    let quotes: usize = free
        .verdicts
        .iter()
        .chain(&paid.verdicts)
        .map(|v| v.quote_count())
        .sum();
    assert_eq!(quotes, 23, "the sample's 23 evidence quotes");
    let v = c.view();
    assert_eq!(v.entry(0).af(), Some(1.0));
    assert_eq!(v.entry(0).compliance(), Some(1.0));
    assert_eq!(v.id(0), "results_seed42_20260415_122726#0");
}

#[test]
fn causal_audit_wide_file_with_partial_csv_join() {
    let (Some(json), Some(csv)) = (sample(CAUSAL), sample(CAUSAL_CSV)) else {
        return;
    };
    let c = open(
        &[json],
        LoadOptions {
            verdicts: vec![csv],
            ..Default::default()
        },
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.len(), 400);
    let v = c.view();
    let count = |t| (0..v.len()).filter(|&i| v.entry(i).tier() == t).count();
    assert_eq!((count(Tier::Free), count(Tier::Paid)), (200, 200));
    assert_eq!(c.joins.len(), 1);
    let j = &c.joins[0];
    assert_eq!(common::join_counts(j), (300, 300, 300, 100));
    assert_eq!(j.profile, "condition-scores");
    // Every transcript has the JSON judge; 300 have the CSV verdict too.
    let mut with_csv = 0;
    let mut unclosed = 0;
    for i in 0..c.len() {
        let t = c.transcript(i).unwrap();
        assert!(t
            .verdicts
            .iter()
            .any(|v| v.classifier == "judge" && v.kind == VerdictKind::Compliance));
        with_csv += usize::from(
            t.verdicts
                .iter()
                .any(|v| v.classifier == "neural_mechanism_scores"),
        );
        unclosed += usize::from(t.unclosed_tags() > 0);
        assert_eq!(t.tier_source, TierSource::Key);
    }
    assert_eq!(with_csv, 300);
    assert_eq!(unclosed, 90, "90 of 400 never close the scratchpad");
    // The injected thought claims the opposite tier; the key decides.
    let i = (0..c.len())
        .find(|&i| v.id(i) == "0/Free_Tier_Awareness_Private")
        .unwrap();
    let t = c.transcript(i).unwrap();
    assert!(t.completion.contains("'Paid Tier'"));
    assert_eq!(t.tier, Tier::Free);
    assert_eq!(t.condition.as_deref(), Some("Awareness_Private"));
    assert_eq!(t.prompt_index, Some(0));
    let csv = t
        .verdicts
        .iter()
        .find(|v| v.classifier == "neural_mechanism_scores");
    assert!(csv.is_none(), "Free_Tier_Awareness_Private has no CSV row");
    let base = (0..c.len())
        .find(|&i| v.id(i) == "0/Free_Tier_Baseline")
        .unwrap();
    let t = c.transcript(base).unwrap();
    let csv = t
        .verdicts
        .iter()
        .find(|v| v.classifier == "neural_mechanism_scores")
        .unwrap();
    assert_eq!(csv.criteria.len(), 4);
    assert_eq!(csv.criteria[2].name, "Strategic Deception");
    assert!((csv.score.value().unwrap() - 0.179_441_228_508_949_28).abs() < 1e-12);
}

#[test]
fn koorndijk_tier_columns_csv() {
    let Some(path) = sample(KOORNDIJK) else {
        return;
    };
    let c = open_one(&path);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.len(), 26);
    assert_eq!(c.sources[0].profile.name(), "tier-columns");
    let v = c.view();
    for i in 0..c.len() {
        assert_eq!(v.model(i), Some("Meta-Llama-3-8B-Instruct"));
        let t = c.transcript(i).unwrap();
        assert!(!t.has_scratchpad());
        assert!(!t.completion.is_empty());
        assert_eq!(t.user.as_deref().map(str::is_empty), Some(false));
    }
    let free = (0..c.len())
        .filter(|&i| v.entry(i).tier() == Tier::Free)
        .count();
    assert_eq!(free, 13);
    // Row 2 has a quoted cell with a comma; rows start on the right (CRLF) lines.
    let t = c.transcript(3).unwrap();
    assert!(
        t.completion
            .contains("including hacking into a government database"),
        "{}",
        t.completion
    );
    assert_eq!(v.entry(0).line, 2);
    assert_eq!(v.entry(2).line, 3);
}

#[test]
fn causal_audit_compliance_gap() {
    let Some(path) = sample("causal-audit/results/results_scored_rigorous_5Feb.json") else {
        return;
    };
    let corpus = open_one(&path);
    let r = afscope::stats::gap::compute(&corpus, &Default::default());
    // One model (not named in the file), four conditions: the pooled row first.
    assert_eq!(r.rows.len(), 5);
    let all = &r.rows[0];
    assert_eq!((all.free.compliance.k, all.free.compliance.n), (35, 200));
    assert_eq!((all.paid.compliance.k, all.paid.compliance.n), (57, 200));
    let p = all.paired.unwrap();
    assert_eq!((p.pairs, p.free_only, p.paid_only), (200, 3, 25));
    // 2 × P(X ≤ 3), X ~ Binomial(28, 1/2) = 2 × 3683 / 2^28.
    assert!((p.p_value - 2.0 * 3683.0 / 2f64.powi(28)).abs() < 1e-15);
    assert!(
        all.gap.unwrap().gap < 0.0,
        "this replication complies more when unmonitored"
    );
}
