//! Input files that change while the interface is open: records and files that
//! arrive are shown as they come (every transcript keeps its number), other changes
//! are said in the status line until a reload reads the files again.

use super::{App, Effect, Mode};
use crate::load::grow::Growth;
use crate::load::Corpus;
use crate::model::sanitize::visible;
use std::sync::Arc;

impl App {
    /// The corpus grew: records were appended to its files or files were added to an
    /// opened folder. The view is filtered again (within a queue or labeling session,
    /// its items stay what they were); open panels are computed again.
    pub fn on_grown(&mut self, corpus: Arc<Corpus>, growth: &Growth) -> Vec<Effect> {
        self.corpus = corpus;
        let mut fx = match self.filter.clone() {
            Some(q) => self.apply_filter(q),
            None => {
                let all = match &self.queue {
                    Some((_, q)) => q.to_vec(),
                    None => (0..self.corpus.len() as u32).collect(),
                };
                self.set_rows(None, all)
            }
        };
        if self.gap.is_some() {
            fx.extend(self.open_gap());
        }
        if self.eval.is_some() {
            fx.extend(self.open_eval());
        }
        let name = |p: &std::path::Path| {
            p.file_name()
                .map(|n| visible(&n.to_string_lossy(), false).into_owned())
                .unwrap_or_default()
        };
        let mut parts = Vec::new();
        match growth.appended.as_slice() {
            [] => {}
            [one] => parts.push(format!("appended to {}", name(one))),
            many => parts.push(format!("appended to {} files", many.len())),
        }
        match growth.opened.as_slice() {
            [] => {}
            [one] => parts.push(format!("new file {}", name(one))),
            many => parts.push(format!("{} new files", many.len())),
        }
        self.message = Some(format!(
            "+{} transcript{} ({})",
            growth.transcripts,
            if growth.transcripts == 1 { "" } else { "s" },
            parts.join(", ")
        ));
        fx
    }

    /// Files changed in a way that only a reload shows; said until then.
    pub fn on_changed(&mut self, changes: Vec<String>) {
        self.changed = changes;
    }

    /// The reload key: read every input again. Refused while labeling, whose items are
    /// numbered by the corpus as it was (its labels are in the journal already).
    pub(super) fn reload(&mut self) -> Vec<Effect> {
        if self.session.is_some() {
            self.message = Some(
                "reloading would renumber this labeling session's items: its labels are saved; quit and open again to read the files anew"
                    .into(),
            );
            return Vec::new();
        }
        if self.reloading {
            self.message = Some("reloading already…".into());
            return Vec::new();
        }
        self.reloading = true;
        self.message = Some("reloading the input files…".into());
        vec![Effect::Reload]
    }

    /// The files read again. Transcripts are numbered anew: the one selected stays
    /// selected (by id) when it is still there; filter and sort are kept; panels and
    /// queues made from the old numbering are closed.
    pub fn on_reloaded(&mut self, result: Result<Arc<Corpus>, String>) -> Vec<Effect> {
        self.reloading = false;
        let corpus = match result {
            Ok(c) => c,
            Err(e) => {
                self.message = Some(format!("reload failed: {e}"));
                return Vec::new();
            }
        };
        let before = self.corpus.len();
        let selected = self
            .current()
            .map(|e| self.corpus.view().id(e as usize).into_owned());
        self.corpus = corpus;
        self.changed.clear();
        self.span_counts.clear();
        self.counting.clear();
        self.queue = None;
        self.finder = Default::default();
        if matches!(
            self.mode,
            Mode::Gap | Mode::Eval | Mode::Facets | Mode::Find
        ) {
            self.mode = Mode::Normal;
        }
        self.gap = None;
        self.eval = None;
        self.facets = None;
        self.reader.entry = None;
        self.reader.transcript = None;
        self.reader.partner = None;
        self.rows.clear();
        let mut fx = match self.filter.clone() {
            Some(q) => self.apply_filter(q),
            None => self.set_rows(None, (0..self.corpus.len() as u32).collect()),
        };
        if let Some(id) = selected {
            let view = self.corpus.view();
            let found = self
                .rows
                .iter()
                .position(|&e| view.id(e as usize) == id.as_str());
            if let Some(p) = found {
                fx.extend(self.select_position(p));
            }
        }
        let gone = self.corpus.labels_unmatched.len();
        let mut msg = format!(
            "reloaded: {} transcripts (were {before})",
            self.corpus.len()
        );
        if gone > 0 {
            msg.push_str(&format!(
                "; {gone} label{} for transcripts no longer in the files (kept in the journal; `afscope check --deep` lists them)",
                if gone == 1 { " is" } else { "s are" }
            ));
        }
        self.message = Some(msg);
        fx
    }
}
