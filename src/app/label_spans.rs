//! Spans chosen by keyboard in a labeling session: sentences selected, extended and
//! shrunk, attached to a criterion; the spans people marked, as painted.

use super::label_keys::Select;
use super::update::Effect;
use super::App;
use serde_json::Value;

impl App {
    /// The selected sentences as a byte range of the reader's completion.
    pub fn selection_range(&self) -> Option<std::ops::Range<usize>> {
        let (a, b) = self.session.as_ref()?.selection?;
        let Some(Ok(t)) = &self.reader.transcript else {
            return None;
        };
        let s = crate::model::sentences::sentences(&t.completion);
        Some(s.get(a)?.start..s.get(b)?.end)
    }

    pub(super) fn select(&mut self, how: Select) -> Vec<Effect> {
        let Some(Ok(t)) = &self.reader.transcript else {
            return Vec::new();
        };
        let sents = crate::model::sentences::sentences(&t.completion);
        if sents.is_empty() {
            self.message = Some("no text to select".into());
            return Vec::new();
        }
        let last = sents.len() - 1;
        let top = self.sentence_at_top(&t.completion, &sents);
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        s.selection = match (how, s.selection) {
            (Select::Next | Select::Extend, None) => Some((top, top)),
            (Select::Next, Some((_, b))) => Some(((b + 1).min(last), (b + 1).min(last))),
            (Select::Extend, Some((a, b))) => Some((a, (b + 1).min(last))),
            (Select::Shrink, Some((a, b))) if b > a => Some((a, b - 1)),
            (Select::Shrink, _) => None,
        };
        self.reader.width = 0;
        self.relayout();
        // Bring the selection into view: it is the last highlight laid out.
        if let (Some(_), Some(&line)) = (self.selection_range(), self.reader.doc.span_lines.last())
        {
            let height = self.reader_page();
            if line < self.reader.scroll || line >= self.reader.scroll + height {
                let delta = line as i64 - 2 - self.reader.scroll as i64;
                self.scroll_by(delta);
            }
        }
        self.message = Some(match self.selection_range() {
            Some(r) => {
                let Some(Ok(t)) = &self.reader.transcript else {
                    return Vec::new();
                };
                let text: String = t.completion[r].chars().take(50).collect();
                format!(
                    "selected “{}…”: a criterion key attaches it, Esc drops it",
                    crate::model::sanitize::visible(&text, false)
                )
            }
            None => "selection dropped".into(),
        });
        Vec::new()
    }

    /// The first sentence at or below the reader's top line.
    pub(super) fn sentence_at_top(
        &self,
        completion: &str,
        sents: &[std::ops::Range<usize>],
    ) -> usize {
        let from = self.reader.scroll;
        let offset = self.reader.doc.lines.iter().skip(from).find_map(|l| {
            let text = l.text();
            let text = text.trim();
            (text.chars().count() >= 8)
                .then(|| completion.find(text))
                .flatten()
        });
        offset
            .and_then(|o| sents.iter().position(|s| s.end > o))
            .unwrap_or(0)
    }

    /// Spans people marked in this transcript: other labelers' (not when blind) and,
    /// in a session, the labeler's own from the session's answers.
    pub(super) fn human_spans(
        &self,
        t: &crate::model::Transcript,
        blind: bool,
    ) -> Vec<crate::model::spans::HumanSpan> {
        let Some(s) = &self.session else {
            return self.reader.human.clone();
        };
        let mut out: Vec<_> = if blind {
            Vec::new()
        } else {
            self.reader
                .human
                .iter()
                .filter(|h| h.labeler != s.labeler)
                .cloned()
                .collect()
        };
        if let Some(e) = self.reader.entry {
            let own = crate::model::LabelRecord {
                transcript_id: s.id(e).to_string(),
                labeler: s.labeler.clone(),
                time: String::new(),
                schema: s.schema.version,
                source: None,
                shown: None,
                values: s.values(e),
            };
            out.extend(crate::model::spans::label_spans(t, [&own]).0);
        }
        out
    }

    /// Adds the selection to the label's spans under a criterion, and checks it.
    pub(super) fn attach_span(&mut self, entry: u32, criterion: &str) -> Vec<Effect> {
        let Some(r) = self.selection_range() else {
            return Vec::new();
        };
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        s.selection = None;
        let mut spans = match s.values(entry).get("spans") {
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        spans.push(serde_json::json!({
            "start": r.start, "end": r.end, "unit": "byte", "criterion": criterion
        }));
        let fx = self.set_values(vec![
            (criterion.to_string(), Value::Bool(true)),
            ("spans".to_string(), Value::Array(spans)),
        ]);
        self.reader.width = 0;
        self.relayout();
        fx
    }
}
