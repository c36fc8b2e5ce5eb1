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

/// What the reader paints for a view: the highlights, the legend naming each
/// colour's sources, and the lexicon's cues (their highlights start at
/// `cues_from`), so `}` can stop at them.
#[derive(Debug, Clone, Default)]
pub struct Painted {
    pub highlights: Vec<Highlight>,
    pub legend: Vec<(Role, String)>,
    /// (cue index, byte range of the completion), in reading order.
    pub cues: Vec<(usize, std::ops::Range<usize>)>,
    pub cues_from: usize,
}

/// The highlights for `view`, and the legend naming their colours.
pub fn highlights(
    t: &Transcript,
    spans: &[VerdictSpan],
    view: Evidence,
    human: &[crate::model::spans::HumanSpan],
    lexicon: Option<&crate::model::lexicon::Lexicon>,
) -> Painted {
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
    match view {
        Evidence::Verdict(v) => {
            let verdict = &t.verdicts[v];
            let located = spans
                .iter()
                .filter(|s| s.verdict == v && matches!(s.origin, Origin::Quote { .. }))
                .count();
            let found = spans
                .iter()
                .filter(|s| {
                    s.verdict == v
                        && matches!(s.origin, Origin::Quote { .. })
                        && !s.ranges.is_empty()
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
        }
        Evidence::All => {
            legend.push((Role::Dim, "all verdicts (e cycles):".into()));
            legend.extend(all_sources(t, spans));
        }
        Evidence::Off => {
            if spans.iter().any(|s| !s.ranges.is_empty()) {
                legend.push((Role::Dim, "evidence not shown (e shows it)".into()));
            }
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
    let cues_from = hl.len();
    let mut cues = Vec::new();
    if let Some(lex) = lexicon {
        // Cues go under every other span.
        cues = lex.matches(&t.completion);
        for (_, r) in &cues {
            hl.push(Highlight {
                field: TextField::Completion,
                range: r.clone(),
                role: Role::HlLexicon,
                priority: 10,
            });
        }
        legend.push((Role::HlLexicon, lexicon_legend(lex, &cues)));
    }
    Painted {
        highlights: hl,
        legend,
        cues,
        cues_from,
    }
}

/// With every verdict shown, each colour (a criterion's number) named by what it
/// paints: `aware of harm (af_judge) / harm (judge_b)`.
fn all_sources(t: &Transcript, spans: &[VerdictSpan]) -> Vec<(Role, String)> {
    let mut by_colour: Vec<Vec<String>> = vec![Vec::new(); 4];
    for s in spans.iter().filter(|s| !s.ranges.is_empty()) {
        if matches!(s.origin, Origin::Offsets) {
            continue;
        }
        let v = &t.verdicts[s.verdict];
        let name = match s.criterion.and_then(|c| v.criteria.get(c)) {
            Some(c) => format!("{} ({})", c.name, v.classifier),
            None => format!("quotes of {}", v.classifier),
        };
        let slot = &mut by_colour[s.criterion.unwrap_or(0) % 4];
        if !slot.contains(&name) {
            slot.push(name);
        }
    }
    by_colour
        .into_iter()
        .enumerate()
        .filter(|(_, names)| !names.is_empty())
        .map(|(ci, names)| (Role::criterion(ci), names.join(" / ")))
        .collect()
}

/// `lexicon: 7 cues: training 3, values 2, +1 more`: the cues found, most first.
fn lexicon_legend(
    lex: &crate::model::lexicon::Lexicon,
    cues: &[(usize, std::ops::Range<usize>)],
) -> String {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for (c, _) in cues {
        match counts.iter_mut().find(|(k, _)| k == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((*c, 1)),
        }
    }
    counts.sort_by_key(|&(c, n)| (std::cmp::Reverse(n), c));
    let mut names: Vec<String> = counts
        .iter()
        .take(4)
        .map(|&(c, n)| format!("{} {n}", lex.cues[c].name))
        .collect();
    if counts.len() > 4 {
        names.push(format!("+{} more", counts.len() - 4));
    }
    let found = crate::model::words::count(cues.len(), "cue", "cues");
    if names.is_empty() {
        format!("lexicon: {found}")
    } else {
        format!("lexicon: {found}: {}", names.join(", "))
    }
}
