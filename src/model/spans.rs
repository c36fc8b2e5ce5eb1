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
            let range = place(text, s.start, s.end, s.unit, &mut starts);
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

/// A span a person marked while labeling.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanSpan {
    pub labeler: String,
    pub criterion: Option<String>,
    pub range: Range<usize>,
}

/// Converts one offset pair to a byte range of `text`, or says why it cannot be.
fn place(
    text: &str,
    start: u64,
    end: u64,
    unit: OffsetUnit,
    starts: &mut Option<Vec<usize>>,
) -> Result<Range<usize>, String> {
    if end < start {
        return Err(format!("end {end} is before start {start}"));
    }
    match unit {
        OffsetUnit::Byte => {
            let (a, b) = (start as usize, end as usize);
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
            match (st.get(start as usize), st.get(end as usize)) {
                (Some(&a), Some(&b)) => Ok(a..b),
                _ => Err(format!(
                    "ends at code point {end}, past the completion's {}",
                    st.len() - 1
                )),
            }
        }
    }
}

/// Spans in the labels' `values.spans` (`[{start, end, unit, criterion}]`, offsets in
/// the completion), and a message for each that cannot be placed.
pub fn label_spans<'l>(
    t: &Transcript,
    labels: impl IntoIterator<Item = &'l crate::model::LabelRecord>,
) -> (Vec<HumanSpan>, Vec<String>) {
    let mut starts = None;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for l in labels {
        let Some(list) = l.values.get("spans").and_then(|v| v.as_array()) else {
            continue;
        };
        for (i, s) in list.iter().enumerate() {
            let num = |k: &str| s.get(k).and_then(serde_json::Value::as_u64);
            let unit = match s.get("unit").and_then(|u| u.as_str()) {
                None | Some("byte") => OffsetUnit::Byte,
                Some("code_point") => OffsetUnit::CodePoint,
                Some(other) => {
                    problems.push(format!(
                        "label by {} span {i}: unknown unit {other:?}",
                        l.labeler
                    ));
                    continue;
                }
            };
            let placed = match (num("start"), num("end")) {
                (Some(a), Some(b)) => place(&t.completion, a, b, unit, &mut starts),
                _ => Err("needs whole-number start and end".into()),
            };
            match placed {
                Ok(range) => {
                    let criterion = s
                        .get("criterion")
                        .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_string));
                    out.push(HumanSpan {
                        labeler: l.labeler.clone(),
                        criterion,
                        range,
                    });
                }
                Err(e) => problems.push(format!("label by {} span {i}: {e}", l.labeler)),
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
    fn label_spans_are_placed_or_reported() {
        let v = Verdict::new("j", VerdictKind::AlignmentFaking, Score::Value(1.0));
        let t = transcript("<think>Je pense — I'll comply.</think>", v);
        let values = serde_json::json!({"af": "yes", "spans": [
            {"start": 7, "end": 15, "unit": "byte", "criterion": "aware of harm"},
            {"start": 7, "end": 16, "unit": "code_point", "criterion": 2},
            {"start": 16, "end": 17, "unit": "byte"},
            {"start": 3, "end": 1},
            {"start": 0, "end": 2, "unit": "furlong"}
        ]});
        let l = crate::model::LabelRecord {
            transcript_id: "t".into(),
            labeler: "ana".into(),
            time: "x".into(),
            schema: 1,
            source: None,
            shown: None,
            values: values.as_object().unwrap().clone(),
        };
        let (spans, problems) = label_spans(&t, [&l]);
        assert_eq!(spans.len(), 2);
        assert_eq!(&t.completion[spans[0].range.clone()], "Je pense");
        assert_eq!(&t.completion[spans[1].range.clone()], "Je pense ");
        assert_eq!(spans[0].criterion.as_deref(), Some("aware of harm"));
        assert_eq!(spans[1].criterion.as_deref(), Some("2"));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].contains("inside a character")
                && problems[1].contains("before start")
                && problems[2].contains("furlong")
        );
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
