//! What the copy keys put on the clipboard: the transcript's id and where its record
//! is, or the text in view (the sentence selection, the evidence span jumped to, or
//! the reader's lines on screen), sanitised and cut to what terminals take.

use super::layout::Layout;
use super::update::Effect;
use super::App;

/// The most text one copy sends: terminals refuse or cut longer OSC 52 writes.
pub const COPY_MAX: usize = 64 * 1024;

impl App {
    /// `y`: the shown transcript's id, a tab, and `file:line`.
    pub(super) fn copy_id(&mut self) -> Vec<Effect> {
        let Some(e) = self.reader.entry.or_else(|| self.current()) else {
            self.message = Some("no transcript to copy".into());
            return Vec::new();
        };
        let view = self.corpus.view();
        let text = format!("{}\t{}", view.id(e as usize), view.place(e as usize));
        self.copy(text, "the id and file:line")
    }

    /// `Y`: the sentence selection, else the span last jumped to, else the lines of
    /// the reader on screen.
    pub(super) fn copy_text(&mut self) -> Vec<Effect> {
        let Some(Ok(t)) = &self.reader.transcript else {
            self.message = Some("no transcript to copy from".into());
            return Vec::new();
        };
        if let Some(r) = self.selection_range() {
            let text = t.completion.get(r).unwrap_or_default().to_string();
            return self.copy(text, "the selected sentences");
        }
        if let Some(at) = self
            .reader
            .current_span
            .and_then(|c| self.span_stops().get(c).map(|s| s.1))
        {
            let span = self
                .reader
                .spans
                .iter()
                .find(|s| s.ranges.first().is_some_and(|r| r.start == at));
            if let Some(span) = span {
                let parts: Vec<&str> = span
                    .ranges
                    .iter()
                    .filter_map(|r| t.completion.get(r.clone()))
                    .collect();
                return self.copy(parts.join(" … "), "the evidence span");
            }
        }
        let rows = match self.layout() {
            Layout::Main { reader, .. } => usize::from(reader.inner().height),
            Layout::TooSmall => 0,
        };
        let lines = &self.reader.doc.lines;
        let from = self.reader.scroll.min(lines.len());
        let to = (from + rows).min(lines.len());
        let text: Vec<String> = lines[from..to]
            .iter()
            .map(|l| l.spans.iter().map(|(s, _)| s.as_str()).collect::<String>())
            .collect();
        let what = match to - from {
            1 => "the line in view".to_string(),
            n => format!("the {n} lines in view"),
        };
        self.copy(text.join("\n").trim_end().to_string(), &what)
    }

    /// Sanitises `text` (newlines and tabs kept), cuts it to `COPY_MAX` bytes at a
    /// character boundary, and says what was copied.
    fn copy(&mut self, text: String, what: &str) -> Vec<Effect> {
        if text.is_empty() {
            self.message = Some(format!("nothing to copy: no text in {what}"));
            return Vec::new();
        }
        let mut clean = crate::model::sanitize::visible(&text, true).into_owned();
        let total = clean.chars().count();
        if clean.len() > COPY_MAX {
            let mut cut = COPY_MAX;
            while !clean.is_char_boundary(cut) {
                cut -= 1;
            }
            clean.truncate(cut);
        }
        let n = clean.chars().count();
        self.message = Some(if n < total {
            format!("copied {what}: the first {n} of {total} characters (terminals take no more)")
        } else {
            format!("copied {what} ({n} characters) to the clipboard")
        });
        vec![Effect::Copy(clean)]
    }
}
