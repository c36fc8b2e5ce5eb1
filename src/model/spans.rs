//! Every highlightable span of a transcript's verdicts: evidence quotes located in
//! the completion, and explicit offsets converted to byte ranges (code points counted
//! once). Offsets that are out of range or fall inside a character are reported, not
//! shown.

use super::quote::{locate_in, Located, MatchKind, Normalized};
use super::{OffsetUnit, Transcript};
use std::ops::Range;

/// Where a span came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// An evidence quote, as the classifier gave it.
    Quote {
        quote: usize,
        text: String,
        kind: MatchKind,
    },
    /// Explicit offsets given by the classifier.
    Offsets,
}

/// A span of a verdict, in byte offsets of the completion.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictSpan {
    pub verdict: usize,
    /// Index of the criterion in the verdict, where known.
    pub criterion: Option<usize>,
    pub origin: Origin,
    /// Empty when a quote was not found.
    pub ranges: Vec<Range<usize>>,
}

/// Byte offset of each code point, plus the end.
fn char_starts(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// Every verdict's evidence quotes located in the completion.
pub fn quote_spans(t: &Transcript) -> Vec<VerdictSpan> {
    let text = &t.completion;
    let norm = Normalized::new(text);
    let mut out = Vec::new();
    for (vi, v) in t.verdicts.iter().enumerate() {
        for (ci, c) in v.criteria.iter().enumerate() {
            for (qi, q) in c.quotes.iter().enumerate() {
                let Located { kind, spans } = locate_in(text, &norm, q);
                out.push(VerdictSpan {
                    verdict: vi,
                    criterion: Some(ci),
                    origin: Origin::Quote {
                        quote: qi,
                        text: q.clone(),
                        kind,
                    },
                    ranges: spans,
                });
            }
        }
    }
    out
}

/// Every verdict's explicit offsets as byte ranges, and a message for each that cannot
/// be placed (out of range, or inside a character).
pub fn offset_spans(t: &Transcript) -> (Vec<VerdictSpan>, Vec<String>) {
    let text = &t.completion;
    let mut starts: Option<Vec<usize>> = None;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (vi, v) in t.verdicts.iter().enumerate() {
        for (si, s) in v.spans.iter().enumerate() {
            let range = match s.unit {
                OffsetUnit::Byte => {
                    let (a, b) = (s.start as usize, s.end as usize);
                    if b > text.len() {
                        Err(format!(
                            "ends at byte {b}, past the completion's {} bytes",
                            text.len()
                        ))
                    } else if !text.is_char_boundary(a) || !text.is_char_boundary(b) {
                        Err(format!("byte offsets {a}..{b} fall inside a character"))
                    } else {
                        Ok(a..b)
                    }
                }
                OffsetUnit::CodePoint => {
                    let st = starts.get_or_insert_with(|| char_starts(text));
                    match (st.get(s.start as usize), st.get(s.end as usize)) {
                        (Some(&a), Some(&b)) => Ok(a..b),
                        _ => Err(format!(
                            "ends at code point {}, past the completion's {}",
                            s.end,
                            st.len() - 1
                        )),
                    }
                }
            };
            match range {
                Ok(r) => out.push(VerdictSpan {
                    verdict: vi,
                    criterion: s.criterion,
                    origin: Origin::Offsets,
                    ranges: vec![r],
                }),
                Err(e) => problems.push(format!("verdict `{}` span {si}: {e}", v.classifier)),
            }
        }
    }
    (out, problems)
}

/// Quotes and offsets together, and the offsets that cannot be placed.
pub fn resolve(t: &Transcript) -> (Vec<VerdictSpan>, Vec<String>) {
    let (mut spans, problems) = offset_spans(t);
    let mut quotes = quote_spans(t);
    quotes.append(&mut spans);
    (quotes, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Criterion, Score, Span, Verdict, VerdictKind};

    fn transcript(completion: &str, v: Verdict) -> Transcript {
        let mut t = Transcript {
            id: "t".into(),
            model: None,
            tier: crate::model::Tier::Free,
            tier_source: crate::model::TierSource::Field,
            condition: None,
            prompt_index: None,
            sample_index: None,
            locator: crate::model::Locator {
                file: "f".into(),
                position: crate::model::Position::Line(1),
                key: None,
            },
            system: None,
            user: None,
            completion: completion.into(),
            segments: Vec::new(),
            verdicts: vec![v],
            label: None,
            metadata: Vec::new(),
        };
        t.resegment();
        t
    }

    #[test]
    fn offsets_in_bytes_and_code_points_agree_on_multibyte_text() {
        let text = "Je pense — 日本語 — that I'll comply 🙂 now.";
        let target = "that I'll comply";
        let b = text.find(target).unwrap();
        let cp = text[..b].chars().count() as u64;
        let mut v = Verdict::new("j", VerdictKind::AlignmentFaking, Score::Value(1.0));
        v.spans = vec![
            Span {
                start: b as u64,
                end: (b + target.len()) as u64,
                unit: OffsetUnit::Byte,
                criterion: None,
            },
            Span {
                start: cp,
                end: cp + target.chars().count() as u64,
                unit: OffsetUnit::CodePoint,
                criterion: Some(0),
            },
            Span {
                start: 10,
                end: 11,
                unit: OffsetUnit::Byte,
                criterion: None,
            },
            Span {
                start: 0,
                end: 999,
                unit: OffsetUnit::CodePoint,
                criterion: None,
            },
            Span {
                start: 0,
                end: 999,
                unit: OffsetUnit::Byte,
                criterion: None,
            },
        ];
        let t = transcript(text, v);
        let (spans, problems) = resolve(&t);
        let texts: Vec<&str> = spans.iter().map(|s| &text[s.ranges[0].clone()]).collect();
        assert_eq!(texts, [target, target]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("inside a character"));
        assert!(problems[1].contains("code point 999"));
        assert!(problems[2].contains("byte 999"));
    }

    #[test]
    fn quotes_resolve_with_their_criterion() {
        let mut v = Verdict::new("j", VerdictKind::AlignmentFaking, Score::Value(1.0));
        v.criteria = vec![
            Criterion {
                name: "a".into(),
                score: Score::Value(1.0),
                quotes: vec!["ill comply to preserve my values".into()],
            },
            Criterion {
                name: "b".into(),
                score: Score::Value(0.0),
                quotes: vec!["something never said in this text at all".into()],
            },
        ];
        let t = transcript(
            "<SCRATCHPAD_REASONING>I'll comply to preserve my values.</SCRATCHPAD_REASONING>",
            v,
        );
        let (spans, _) = resolve(&t);
        assert_eq!(spans.len(), 2);
        assert_eq!(
            (
                spans[0].criterion,
                &t.completion[spans[0].ranges[0].clone()]
            ),
            (Some(0), "I'll comply to preserve my values")
        );
        assert!(matches!(
            spans[1].origin,
            Origin::Quote {
                kind: MatchKind::NotFound,
                ..
            }
        ));
        assert!(spans[1].ranges.is_empty());
    }
}
