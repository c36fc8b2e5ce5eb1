//! The reader's document: a transcript laid out as styled, wrapped lines by role
//! (system prompt, user turn with its tier badge, scratchpad blocks, drafts, output,
//! text outside tags, verdicts, metadata), with match and block positions.

use super::role::Role;
use super::wrap::{wrap, StyledLine};
use crate::model::sanitize::visible;
use crate::model::{Score, SegmentKind, Tier, Transcript};
use crate::query::{TextField, TextMatch};
use std::ops::Range;

/// Laid-out transcript.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub lines: Vec<StyledLine>,
    /// First line of each scratchpad block.
    pub blocks: Vec<usize>,
    /// Line where each match starts, in match order.
    pub match_lines: Vec<usize>,
    /// Line where each highlight starts, in the order given.
    pub span_lines: Vec<usize>,
}

/// A span to paint over the text (evidence, lexicon cue); where spans overlap, the
/// higher `priority` shows. Search matches always show on top.
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    pub field: TextField,
    pub range: Range<usize>,
    pub role: Role,
    pub priority: u8,
}

/// What the layout depends on besides the transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOptions {
    pub width: usize,
    pub show_system: bool,
    /// Hide tier, model and condition (blind labeling).
    pub blind: bool,
    pub current_match: Option<usize>,
    /// Include the verdicts and metadata sections (off when a side panel shows them).
    pub sections: bool,
}

fn heading(text: &str, role: Role, width: usize) -> StyledLine {
    let label = format!("── {} ", visible(text, false));
    let fill = width.saturating_sub(label.chars().count());
    StyledLine::plain(format!("{label}{}", "─".repeat(fill)), role)
}

struct Builder<'a> {
    t: &'a Transcript,
    matches: &'a [TextMatch],
    highlights: &'a [Highlight],
    legend: &'a [(Role, String)],
    opts: &'a DocOptions,
    doc: Document,
    /// First line of each match, then of each highlight.
    marks: Vec<Option<usize>>,
    /// Marks that start where another does, and share its line.
    aliases: Vec<(usize, usize)>,
}

impl Builder<'_> {
    /// Adds `field[range]` wrapped, with matches highlighted.
    fn text(&mut self, field: TextField, range: Range<usize>, role: Role, indent: usize) {
        let full = crate::query::eval::field_text(self.t, field);
        let nm = self.matches.len();
        // Marks: (start, end, role, priority, mark id). Matches first, on top.
        let mut marks: Vec<(usize, usize, Role, u16, usize)> = Vec::new();
        let mut add = |r: &Range<usize>, role: Role, priority: u16, id: usize| {
            let (a, b) = (r.start.max(range.start), r.end.min(range.end));
            if a < b && full.is_char_boundary(a) && full.is_char_boundary(b) {
                marks.push((a, b, role, priority, id));
            }
        };
        for (mi, m) in self
            .matches
            .iter()
            .enumerate()
            .filter(|(_, m)| m.field == field)
        {
            let r = if self.opts.current_match == Some(mi) {
                Role::MatchCurrent
            } else {
                Role::Match
            };
            add(&m.range, r, 1000, mi);
        }
        for (hi, h) in self
            .highlights
            .iter()
            .enumerate()
            .filter(|(_, h)| h.field == field)
        {
            add(&h.range, h.role, u16::from(h.priority), nm + hi);
        }
        // Cut the text where any mark starts or ends; each piece takes the top mark.
        let mut cuts: Vec<usize> = vec![range.start, range.end];
        cuts.extend(marks.iter().flat_map(|m| [m.0, m.1]));
        cuts.sort_unstable();
        cuts.dedup();
        let mut runs: Vec<(&str, Role, Option<usize>)> = Vec::new();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let top = marks
                .iter()
                .filter(|m| m.0 <= a && m.1 >= b)
                .max_by_key(|m| m.3);
            // The run carries the id of a mark that starts here; others starting here
            // share its line.
            let starting: Vec<usize> = marks.iter().filter(|m| m.0 == a).map(|m| m.4).collect();
            let id = starting.first().copied();
            for other in starting.iter().skip(1) {
                self.aliases.push((*other, id.unwrap_or(0)));
            }
            runs.push((&full[a..b], top.map_or(role, |m| m.2), id));
        }
        let text_trimmed: Vec<(&str, Role, Option<usize>)> = trim_runs(runs);
        if text_trimmed.is_empty() {
            return;
        }
        wrap(
            &text_trimmed,
            self.opts.width,
            indent,
            &mut self.doc.lines,
            &mut self.marks,
        );
    }

    /// A legend line for the highlights shown.
    fn legend(&mut self) {
        if self.legend.is_empty() {
            return;
        }
        let mut l = StyledLine::plain("evidence: ", Role::Dim);
        for (role, label) in self.legend {
            l.push(&format!(" {} ", visible(label, false)), *role);
            l.push(" ", Role::Text);
        }
        let runs: Vec<(String, Role)> = l.spans;
        let borrowed: Vec<(&str, Role, Option<usize>)> =
            runs.iter().map(|(t, r)| (t.as_str(), *r, None)).collect();
        wrap(&borrowed, self.opts.width, 0, &mut self.doc.lines, &mut []);
    }

    fn line(&mut self, l: StyledLine) {
        self.doc.lines.push(l);
    }

    fn system(&mut self) {
        let Some(sys) = self.t.system.as_deref() else {
            return;
        };
        if self.opts.show_system {
            self.line(heading(
                "system prompt",
                Role::HeadingSystem,
                self.opts.width,
            ));
            self.text(TextField::System, 0..sys.len(), Role::Dim, 0);
        } else {
            let first: String = sys.split_whitespace().collect::<Vec<_>>().join(" ");
            let label = format!("▸ system prompt ({} chars): ", sys.chars().count());
            let room = self.opts.width.saturating_sub(label.chars().count() + 1);
            let preview: String = visible(&first, false).chars().take(room).collect();
            let mut l = StyledLine::plain(label, Role::HeadingSystem);
            l.push(&preview, Role::Dim);
            self.line(l);
            // Matches inside a collapsed prompt still get a line to jump to.
            let at = self.doc.lines.len() - 1;
            for (mi, m) in self.matches.iter().enumerate() {
                if m.field == TextField::System {
                    self.marks[mi].get_or_insert(at);
                }
            }
        }
    }

    fn user(&mut self) {
        let Some(user) = self.t.user.as_deref() else {
            return;
        };
        let (badge, role) = if self.opts.blind {
            (" [tier hidden]", Role::Dim)
        } else {
            let badge = match self.t.tier {
                Tier::Free => " [FREE TIER]",
                Tier::Paid => " [PAID TIER]",
                Tier::Unknown => " [tier ?]",
            };
            (badge, Role::tier(self.t.tier))
        };
        // The rule leaves the badge its whole width.
        let mut h = heading(
            "user",
            Role::HeadingUser,
            self.opts.width.saturating_sub(badge.chars().count()),
        );
        h.push(badge, role);
        self.line(h);
        if self.opts.blind {
            // Mask the tier tag's value in the prompt text.
            let masked = crate::model::tier::mask_tier_tag(user);
            let runs = [(masked.as_str(), Role::Text, None)];
            wrap(
                &runs,
                self.opts.width,
                0,
                &mut self.doc.lines,
                &mut self.marks,
            );
        } else {
            self.text(TextField::User, 0..user.len(), Role::Text, 0);
        }
    }

    fn completion(&mut self) {
        let t = self.t;
        let width = self.opts.width;
        for seg in t.segments.iter().filter(|s| s.depth == 0) {
            let unclosed = if seg.closed { "" } else { " (unclosed)" };
            let (title, hrole, role) = match seg.kind {
                SegmentKind::Scratchpad => (
                    format!("{} #{}{unclosed}", seg.tag, seg.index + 1),
                    Role::HeadingScratchpad,
                    Role::Scratchpad,
                ),
                SegmentKind::Output => (
                    format!("{}{unclosed}", seg.tag),
                    Role::HeadingOutput,
                    Role::Output,
                ),
                SegmentKind::Draft => (
                    format!("{} #{}{unclosed}", seg.tag, seg.index + 1),
                    Role::HeadingDraft,
                    Role::Draft,
                ),
                SegmentKind::Outside => (
                    "text outside tags".to_string(),
                    Role::HeadingOutside,
                    Role::Text,
                ),
            };
            if seg.kind == SegmentKind::Scratchpad {
                self.doc.blocks.push(self.doc.lines.len());
            }
            let mut h = heading(&title, hrole, width);
            if !seg.closed {
                h = heading(&title, Role::Warning, width);
            }
            self.line(h);
            if seg.kind != SegmentKind::Scratchpad {
                self.text(TextField::Completion, seg.content.clone(), role, 0);
                continue;
            }
            // A scratchpad with its drafts nested and indented.
            let mut pos = seg.content.start;
            let drafts: Vec<_> = t
                .segments
                .iter()
                .filter(|d| {
                    d.depth == 1
                        && d.content.start >= seg.content.start
                        && d.content.end <= seg.content.end
                })
                .collect();
            for d in drafts {
                let open = d.content.start.saturating_sub(d.tag.len() + 2);
                self.text(TextField::Completion, pos..open.max(pos), role, 0);
                let title = format!(
                    "{} #{}{}",
                    d.tag,
                    d.index + 1,
                    if d.closed { "" } else { " (unclosed)" }
                );
                let mut h = heading(&title, Role::HeadingDraft, width.saturating_sub(2));
                h.spans.insert(0, ("  ".into(), Role::Text));
                self.line(h);
                self.text(TextField::Completion, d.content.clone(), Role::Draft, 2);
                pos = if d.closed {
                    (d.content.end + d.tag.len() + 3).min(seg.content.end)
                } else {
                    seg.content.end
                };
            }
            self.text(TextField::Completion, pos..seg.content.end, role, 0);
        }
        if t.segments.is_empty() && !t.completion.is_empty() {
            self.line(heading("completion", Role::HeadingOutside, width));
            self.text(TextField::Completion, 0..t.completion.len(), Role::Text, 0);
        }
    }

    fn verdicts(&mut self) {
        if self.t.verdicts.is_empty() {
            return;
        }
        self.line(heading("verdicts", Role::HeadingSection, self.opts.width));
        if self.opts.blind {
            self.line(StyledLine::plain("hidden while labeling blind", Role::Dim));
            return;
        }
        for v in &self.t.verdicts {
            let mut l =
                StyledLine::plain(format!("{}: ", visible(&v.classifier, false)), Role::Text);
            match &v.score {
                Score::Value(x) => l.push(
                    &format!("{x:.3}"),
                    if *x >= 0.5 {
                        Role::ScoreHigh
                    } else {
                        Role::ScoreLow
                    },
                ),
                Score::Failed(why) if why.trim().is_empty() => l.push("failed", Role::Failed),
                Score::Failed(why) => {
                    l.push(&format!("failed ({})", visible(why, false)), Role::Failed)
                }
                Score::Unscored => l.push("unscored", Role::Dim),
            }
            if let Some(votes) = &v.votes {
                l.push(&format!("  votes {}/{}", votes.yes, votes.total), Role::Dim);
            }
            if let Some(a) = v.answer.as_deref().filter(|a| !a.trim().is_empty()) {
                l.push(&format!("  answer: {}", visible(a, false)), Role::Text);
            }
            l.push(&format!("  [{}]", v.kind.as_str()), Role::Dim);
            let runs: Vec<(String, Role)> = l.spans;
            let borrowed: Vec<(&str, Role, Option<usize>)> =
                runs.iter().map(|(t, r)| (t.as_str(), *r, None)).collect();
            wrap(&borrowed, self.opts.width, 0, &mut self.doc.lines, &mut []);
            for c in &v.criteria {
                let score = match &c.score {
                    Score::Value(x) => format!("{x:.2}"),
                    Score::Failed(_) => "failed".into(),
                    Score::Unscored => "-".into(),
                };
                let q = if c.quotes.is_empty() {
                    String::new()
                } else {
                    format!(
                        "  ({} quote{})",
                        c.quotes.len(),
                        if c.quotes.len() == 1 { "" } else { "s" }
                    )
                };
                let text = format!("{}: {score}{q}", c.name);
                wrap(
                    &[(text.as_str(), Role::Dim, None)],
                    self.opts.width,
                    4,
                    &mut self.doc.lines,
                    &mut [],
                );
            }
        }
    }

    fn metadata(&mut self) {
        let t = self.t;
        self.line(heading("metadata", Role::HeadingSection, self.opts.width));
        let mut rows: Vec<(String, String)> = vec![
            ("id".into(), t.id.clone()),
            ("source".into(), t.locator.to_string()),
        ];
        if !self.opts.blind {
            rows.push((
                "model".into(),
                t.model.clone().unwrap_or_else(|| "-".into()),
            ));
            rows.push((
                "tier".into(),
                format!("{} (from {})", t.tier, t.tier_source.as_str()),
            ));
            rows.push((
                "condition".into(),
                t.condition.clone().unwrap_or_else(|| "-".into()),
            ));
        }
        if let Some(p) = t.prompt_index {
            rows.push(("prompt index".into(), p.to_string()));
        }
        if let Some(s) = t.sample_index {
            rows.push(("sample index".into(), s.to_string()));
        }
        if let Some(l) = &t.label {
            rows.push(("label (input)".into(), l.clone()));
        }
        rows.extend(t.metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (k, v) in rows {
            let key = format!("{k}: ");
            wrap(
                &[
                    (key.as_str(), Role::Dim, None),
                    (v.as_str(), Role::Text, None),
                ],
                self.opts.width,
                0,
                &mut self.doc.lines,
                &mut [],
            );
        }
    }
}

fn trim_runs(runs: Vec<(&str, Role, Option<usize>)>) -> Vec<(&str, Role, Option<usize>)> {
    // Drop the blank lines tags leave at the start and end of a block.
    let mut runs = runs;
    while let Some(first) = runs.first_mut() {
        let t = first.0.trim_start_matches(['\n', '\r']);
        if t.is_empty() && first.2.is_none() {
            runs.remove(0);
        } else {
            first.0 = t;
            break;
        }
    }
    while let Some(last) = runs.last_mut() {
        let t = last.0.trim_end();
        if t.is_empty() && last.2.is_none() {
            runs.pop();
        } else {
            last.0 = t;
            break;
        }
    }
    runs
}

/// Lays out a transcript.
pub fn build(t: &Transcript, matches: &[TextMatch], opts: &DocOptions) -> Document {
    build_with(t, matches, &[], &[], opts)
}

/// Lays out a transcript with highlights painted and a legend naming them.
pub fn build_with(
    t: &Transcript,
    matches: &[TextMatch],
    highlights: &[Highlight],
    legend: &[(Role, String)],
    opts: &DocOptions,
) -> Document {
    let mut b = Builder {
        t,
        matches,
        highlights,
        legend,
        opts,
        doc: Document::default(),
        marks: vec![None; matches.len() + highlights.len()],
        aliases: Vec::new(),
    };
    b.legend();
    b.system();
    b.user();
    b.completion();
    if opts.sections {
        b.verdicts();
        b.metadata();
    }
    for (other, id) in std::mem::take(&mut b.aliases) {
        if b.marks[other].is_none() {
            b.marks[other] = b.marks[id];
        }
    }
    let last = b.doc.lines.len().saturating_sub(1);
    let lines: Vec<usize> = b.marks.iter().map(|m| m.unwrap_or(last)).collect();
    b.doc.match_lines = lines[..matches.len()].to_vec();
    b.doc.span_lines = lines[matches.len()..].to_vec();
    b.doc
}

/// The verdicts and metadata alone, for the side panel.
pub fn details(t: &Transcript, opts: &DocOptions) -> Document {
    let mut b = Builder {
        t,
        matches: &[],
        highlights: &[],
        legend: &[],
        opts,
        doc: Document::default(),
        marks: Vec::new(),
        aliases: Vec::new(),
    };
    b.verdicts();
    b.metadata();
    b.doc
}
