//! The reader: scrolling, jumps between matches, spans and blocks, and laying the
//! transcript out again when its width or options change.

use super::document::{self, DocOptions};
use super::layout::Layout;
use super::App;

impl App {
    pub(super) fn reader_page(&self) -> usize {
        match self.layout() {
            Layout::Main { reader, .. } => {
                usize::from(reader.inner().height).saturating_sub(1).max(1)
            }
            Layout::TooSmall => 1,
        }
    }

    pub(super) fn scroll_by(&mut self, delta: i64) {
        let max = self
            .reader
            .doc
            .lines
            .len()
            .saturating_sub(self.reader_page()) as i64;
        self.reader.scroll = (self.reader.scroll as i64)
            .saturating_add(delta)
            .clamp(0, max.max(0)) as usize;
    }

    pub(super) fn scroll_to(&mut self, line: usize) {
        self.reader.scroll = 0;
        self.scroll_by((line as i64 - self.reader_page() as i64 / 3).max(0));
    }

    pub(super) fn jump_match(&mut self, forward: bool) {
        let n = self.reader.matches.len();
        if n == 0 {
            let mut terms = Vec::new();
            if let Some(q) = &self.filter {
                crate::query::record_tests::text_terms(&q.expr, &mut terms);
            }
            self.message = Some(if terms.is_empty() {
                format!(
                    "no text search to jump between: filter with a text term ({} values)",
                    self.keymap.hint(super::Action::Filter)
                )
            } else {
                "no matches in this transcript".into()
            });
            return;
        }
        let next = match (self.reader.current_match, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(c), true) => (c + 1) % n,
            (Some(c), false) => (c + n - 1) % n,
        };
        self.reader.current_match = Some(next);
        // A match in the collapsed system prompt opens it: the match is shown, not
        // the one line standing for the whole prompt.
        let in_system = self.reader.matches[next].field == crate::query::eval::TextField::System;
        let opened = in_system && !self.reader.show_system;
        if opened {
            self.reader.show_system = true;
        }
        self.reader.width = 0;
        self.relayout();
        if let Some(&line) = self.reader.doc.match_lines.get(next) {
            self.scroll_to(line);
        }
        self.message = Some(if opened {
            format!(
                "match {}/{n} is in the system prompt, opened for it ({} collapses it)",
                next + 1,
                self.keymap.hint(super::Action::ToggleSystem)
            )
        } else {
            format!("match {}/{n}", next + 1)
        });
    }

    /// Where `}` and `{` stop: the distinct starts of the painted spans and lexicon
    /// cues (line, byte of the completion), in reading order.
    pub(super) fn span_stops(&self) -> Vec<(usize, usize)> {
        let spans = &self.reader.spans;
        let lines = &self.reader.doc.span_lines;
        let mut stops: Vec<(usize, usize)> = (0..spans.len())
            .filter_map(|k| {
                let h = super::evidence::highlight_index(spans, self.reader.evidence, k)?;
                Some((*lines.get(h)?, spans[k].ranges.first()?.start))
            })
            .collect();
        stops.extend(
            self.reader
                .cues
                .iter()
                .enumerate()
                .filter_map(|(j, (_, r))| Some((*lines.get(self.reader.cues_from + j)?, r.start))),
        );
        stops.sort_unstable();
        stops.dedup_by_key(|s| s.1);
        stops
    }

    pub(super) fn jump_span(&mut self, forward: bool) {
        use crate::model::spans::Origin;
        let Some(Ok(t)) = &self.reader.transcript else {
            return;
        };
        let spans = &self.reader.spans;
        let stops = self.span_stops();
        if stops.is_empty() {
            self.message = Some("no evidence spans shown (e cycles whose evidence)".into());
            return;
        }
        let lexicon = &self.lexicon;
        let cues = &self.reader.cues;
        let n = stops.len();
        let next = match (self.reader.current_span, forward) {
            (None, true) => stops
                .iter()
                .position(|&(l, _)| l >= self.reader.scroll)
                .unwrap_or(0),
            (None, false) => stops
                .iter()
                .rposition(|&(l, _)| l < self.reader.scroll.max(1))
                .unwrap_or(n - 1),
            (Some(c), true) => (c + 1) % n,
            (Some(c), false) => (c + n - 1) % n,
        };
        let (line, at) = stops[next];
        // Everything that covers this place, painted or not.
        let covering: Vec<String> = spans
            .iter()
            .filter(|s| s.ranges.iter().any(|r| r.start <= at && at < r.end))
            .map(|s| {
                let v = &t.verdicts[s.verdict];
                let criterion = s
                    .criterion
                    .and_then(|c| v.criteria.get(c))
                    .map_or(String::new(), |c| format!(" · {}", c.name));
                let how = match &s.origin {
                    Origin::Quote { kind, .. } => kind.name(),
                    Origin::Offsets => "offsets",
                };
                format!("{}{criterion} ({how})", v.classifier)
            })
            .chain(
                cues.iter()
                    .filter(|(_, r)| r.start <= at && at < r.end)
                    .filter_map(|(c, _)| lexicon.cues.get(*c))
                    .map(|c| format!("lexicon · {}", c.name)),
            )
            .collect();
        self.reader.current_span = Some(next);
        self.scroll_to(line);
        self.message = Some(format!("span {}/{n}: {}", next + 1, covering.join("; ")));
    }

    pub(super) fn jump_block(&mut self, forward: bool) {
        let s = self.reader.scroll;
        let target = if forward {
            self.reader.doc.blocks.iter().find(|&&b| b > s).copied()
        } else {
            self.reader
                .doc
                .blocks
                .iter()
                .rev()
                .find(|&&b| b < s)
                .copied()
        };
        let moved = match target {
            Some(line) => {
                self.reader.scroll = 0;
                self.scroll_by(line as i64);
                self.reader.scroll != s
            }
            None => false,
        };
        if !moved {
            // The end of the text may hold the next block in view without scrolling to it.
            self.message = Some(
                match (forward, target.is_some()) {
                    (true, true) => "the last scratchpad blocks are in view: the text ends here",
                    (true, false) => "no more scratchpad blocks below",
                    (false, _) => "no more scratchpad blocks above",
                }
                .into(),
            );
        }
    }

    /// Lays the transcript out again when the reader's width or options changed.
    pub(super) fn relayout(&mut self) {
        let full = match self.layout() {
            Layout::Main { reader, .. } => usize::from(reader.inner().width.saturating_sub(1)),
            Layout::TooSmall => return,
        };
        // The details panel takes its width and a border; paired: two columns.
        let panel = self.details_width();
        let text = panel.map_or(full, |w| full.saturating_sub(w + 1));
        let width = if self.reader.paired {
            text.saturating_sub(1) / 2
        } else {
            text
        };
        if width == self.reader.width {
            return;
        }
        self.reader.width = width;
        let blind = self.blind_now();
        if let Some(Ok(t)) = &self.reader.transcript {
            let opts = DocOptions {
                width,
                show_system: self.reader.show_system,
                blind,
                current_match: self.reader.current_match,
                sections: panel.is_none() && !blind,
            };
            // Blind: no classifier evidence and no other labeler's spans. In a session
            // the labeler's own spans come from the session (drafts included).
            let evidence = if blind {
                super::evidence::Evidence::Off
            } else {
                self.reader.evidence
            };
            let human = self.human_spans(t, blind);
            let super::evidence::Painted {
                mut highlights,
                legend,
                cues,
                cues_from,
            } = super::evidence::highlights(
                t,
                &self.reader.spans,
                evidence,
                &human,
                self.reader.lexicon_on.then_some(&*self.lexicon),
            );
            self.reader.cues = cues;
            self.reader.cues_from = cues_from;
            if let Some(r) = self.selection_range() {
                highlights.push(document::Highlight {
                    field: crate::query::TextField::Completion,
                    range: r,
                    role: super::role::Role::HlSelection,
                    priority: 95,
                });
            }
            self.reader.doc =
                document::build_with(t, &self.reader.matches, &highlights, &legend, &opts);
            self.reader.details_doc = match panel {
                Some(w) => document::details(t, &DocOptions { width: w, ..opts }),
                None => Default::default(),
            };
        } else {
            self.reader.doc = Default::default();
        }
        self.reader.partner_doc = match (&self.reader.partner, self.reader.paired) {
            (Some((_, Ok(t))), true) => {
                let opts = DocOptions {
                    width,
                    show_system: self.reader.show_system,
                    blind: false,
                    current_match: None,
                    sections: panel.is_none(),
                };
                let matches = self
                    .filter
                    .as_ref()
                    .map(|q| q.text_matches(t))
                    .unwrap_or_default();
                // The other tier's transcript shows its own evidence, like this one.
                let spans = crate::model::spans::resolve(t).0;
                let pe = self.reader.partner.as_ref().map_or(0, |(e, _)| *e as usize);
                let human = crate::model::spans::label_spans(t, self.corpus.labels_of(pe)).0;
                let view = super::evidence::default_view(t, &spans);
                let lexicon = self.reader.lexicon_on.then_some(&*self.lexicon);
                let p = super::evidence::highlights(t, &spans, view, &human, lexicon);
                document::build_with(t, &matches, &p.highlights, &p.legend, &opts)
            }
            _ => Default::default(),
        };
        self.scroll_by(0);
    }
}
