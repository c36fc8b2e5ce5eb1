//! Which verdict's evidence the reader paints, and the highlights and legend for it.

use super::document::Highlight;
use super::role::Role;
use crate::model::spans::{Origin, VerdictSpan};
use crate::model::{Transcript, VerdictKind};
use crate::query::TextField;

/// Whose evidence is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Evidence {
    /// One verdict's quotes and offsets, by index.
    Verdict(usize),
    /// Every verdict's.
    All,
    #[default]
    Off,
}

fn has_spans(spans: &[VerdictSpan], v: usize) -> bool {
    spans.iter().any(|s| s.verdict == v && !s.ranges.is_empty())
}

/// The first alignment-faking verdict with located evidence, else any with some.
pub fn default_view(t: &Transcript, spans: &[VerdictSpan]) -> Evidence {
    let with = |kind: Option<VerdictKind>| {
        (0..t.verdicts.len())
            .find(|&v| kind.is_none_or(|k| t.verdicts[v].kind == k) && has_spans(spans, v))
    };
    match with(Some(VerdictKind::AlignmentFaking)).or_else(|| with(None)) {
        Some(v) => Evidence::Verdict(v),
        None => Evidence::Off,
    }
}

/// The next view: each verdict with evidence in turn, then all, then off.
pub fn next(view: Evidence, t: &Transcript, spans: &[VerdictSpan]) -> Evidence {
    let with: Vec<usize> = (0..t.verdicts.len())
        .filter(|&v| has_spans(spans, v))
        .collect();
    let after = |v: usize| with.iter().find(|&&w| w > v).map(|&w| Evidence::Verdict(w));
    match view {
        Evidence::Verdict(v) => after(v).unwrap_or(if with.len() > 1 {
            Evidence::All
        } else {
            Evidence::Off
        }),
        Evidence::All => Evidence::Off,
        Evidence::Off => with
            .first()
            .map_or(Evidence::Off, |&v| Evidence::Verdict(v)),
    }
}

/// Position of `spans[k]`'s first range among the highlights `highlights` builds for
/// `view` (they follow the spans' order), so its line can be found.
pub fn highlight_index(spans: &[VerdictSpan], view: Evidence, k: usize) -> Option<usize> {
    let shown = |s: &VerdictSpan| match view {
        Evidence::Verdict(v) => s.verdict == v,
        Evidence::All => true,
        Evidence::Off => false,
    };
    if !shown(spans.get(k)?) || spans[k].ranges.is_empty() {
        return None;
    }
    Some(
        spans[..k]
            .iter()
            .filter(|s| shown(s))
            .map(|s| s.ranges.len())
            .sum(),
    )
}

/// The highlights for `view`, and the legend naming their colours.
pub fn highlights(
    t: &Transcript,
    spans: &[VerdictSpan],
    view: Evidence,
    human: &[crate::model::spans::HumanSpan],
    lexicon: Option<&crate::model::lexicon::Lexicon>,
) -> (Vec<Highlight>, Vec<(Role, String)>) {
    let shown = |s: &VerdictSpan| match view {
        Evidence::Verdict(v) => s.verdict == v,
        Evidence::All => true,
        Evidence::Off => false,
    };
    let mut hl = Vec::new();
    let mut legend: Vec<(Role, String)> = Vec::new();
    let mut offsets = false;
    for s in spans.iter().filter(|s| shown(s)) {
        let (role, priority) = match (&s.origin, s.criterion) {
            (Origin::Offsets, _) => {
                offsets = true;
                (Role::HlOffsets, 60)
            }
            (Origin::Quote { .. }, Some(c)) => (Role::criterion(c), 50u8.saturating_sub(c as u8)),
            (Origin::Quote { .. }, None) => (Role::criterion(0), 40),
        };
        for r in &s.ranges {
            hl.push(Highlight {
                field: TextField::Completion,
                range: r.clone(),
                role,
                priority,
            });
        }
    }
    if let Evidence::Verdict(v) = view {
        let verdict = &t.verdicts[v];
        let located = spans
            .iter()
            .filter(|s| s.verdict == v && matches!(s.origin, Origin::Quote { .. }))
            .count();
        let found = spans
            .iter()
            .filter(|s| {
                s.verdict == v && matches!(s.origin, Origin::Quote { .. }) && !s.ranges.is_empty()
            })
            .count();
        legend.push((
            Role::Dim,
            format!(
                "{} ({found} of {located} quotes located; e cycles)",
                verdict.classifier
            ),
        ));
        for (ci, c) in verdict.criteria.iter().enumerate() {
            if spans
                .iter()
                .any(|s| s.verdict == v && s.criterion == Some(ci) && !s.ranges.is_empty())
            {
                legend.push((Role::criterion(ci), c.name.clone()));
            }
        }
    } else if view == Evidence::All {
        legend.push((
            Role::Dim,
            "all verdicts (criteria by number; e cycles)".into(),
        ));
        for ci in 0..4 {
            legend.push((Role::criterion(ci), format!("criterion {}", ci + 1)));
        }
    }
    if offsets {
        legend.push((Role::HlOffsets, "offsets".into()));
    }
    if !human.is_empty() && view != Evidence::Off {
        // Marked by people: above the classifiers' evidence.
        for h in human {
            hl.push(Highlight {
                field: TextField::Completion,
                range: h.range.clone(),
                role: Role::HlHuman,
                priority: 70,
            });
        }
        let mut who: Vec<&str> = human.iter().map(|h| h.labeler.as_str()).collect();
        who.dedup();
        legend.push((Role::HlHuman, format!("marked by {}", who.join(", "))));
    }
    if let Some(lex) = lexicon {
        // Cues go under every other span.
        let found = lex.matches(&t.completion);
        for (_, r) in &found {
            hl.push(Highlight {
                field: TextField::Completion,
                range: r.clone(),
                role: Role::HlLexicon,
                priority: 10,
            });
        }
        legend.push((Role::HlLexicon, format!("lexicon ({} cues)", found.len())));
    }
    (hl, legend)
}
