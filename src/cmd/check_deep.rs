//! `check --deep`: what reads but disagrees. A tier the user turn's
//! `<is_free_tier_user>` tag contradicts, evidence quotes not found in the completion,
//! labels for transcripts that are not loaded; each a problem with file and line.

use afscope::load::Corpus;
use afscope::model::quote::MatchKind;
use afscope::model::spans::{quote_spans, Origin};
use afscope::model::tier::tier_from_user_tag;
use afscope::model::verdict::truncate;
use afscope::model::{Problem, ProblemKind, Tier, TierSource, Transcript};

/// A transcript's disagreements with itself.
pub fn disagreements(t: &Transcript) -> Vec<Problem> {
    let at = |kind, why: String, field: &str| {
        Problem::new(&t.locator.file, kind, why)
            .at_line(t.locator.position.line())
            .in_field(field.to_string())
    };
    let mut out = Vec::new();
    let tagged = t.user.as_deref().and_then(tier_from_user_tag);
    if let Some(tag) = tagged {
        if t.tier_source != TierSource::UserTag && t.tier != Tier::Unknown && t.tier != tag {
            out.push(at(
                ProblemKind::BadValue,
                format!(
                    "{}: tier {} (from {}) but the user turn says <is_free_tier_user>{}</is_free_tier_user>",
                    t.id,
                    t.tier.as_str(),
                    t.tier_source.as_str(),
                    tag == Tier::Free
                ),
                "tier",
            ));
        }
    }
    for s in quote_spans(t) {
        if let Origin::Quote {
            text,
            kind: MatchKind::NotFound,
            ..
        } = &s.origin
        {
            let v = &t.verdicts[s.verdict];
            let criterion = s
                .criterion
                .and_then(|c| v.criteria.get(c))
                .map_or(String::new(), |c| format!(", {}", c.name));
            out.push(at(
                ProblemKind::BadSpan,
                format!(
                    "{}: quote of {}{criterion} not found in the completion: {:?}",
                    t.id,
                    v.classifier,
                    truncate(text, 60)
                ),
                "quotes",
            ));
        }
    }
    out
}

/// Labels that matched no loaded transcript, named by their label file.
pub fn unmatched_labels(corpus: &Corpus) -> Vec<Problem> {
    corpus
        .labels_unmatched
        .iter()
        .filter_map(|&(l, f)| {
            let label = corpus.labels.get(l as usize)?;
            let file = corpus.label_files.get(usize::from(f))?;
            Some(
                Problem::new(
                    &file.file,
                    ProblemKind::Unjoined,
                    format!(
                        "label by {} for {} matches no loaded transcript{}",
                        label.labeler,
                        label.transcript_id,
                        label
                            .source
                            .as_deref()
                            .map_or(String::new(), |s| format!(" (made on {s})"))
                    ),
                )
                .in_field("transcript_id"),
            )
        })
        .collect()
}
