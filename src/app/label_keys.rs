//! Labeling in the interface: starting and leaving a session over the view, the
//! schema's single keys and the session's own, notes, the history and progress views,
//! moving through the queue, and what blind reading hides.

use super::session::{Saved, SessionView};
use super::update::Effect;
use super::{Action, App};
use crate::labeling::queue;
use crate::model::journal::Event;
use crate::model::schema::KeyUse;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;

/// How a selection key changes the selection.
#[derive(Debug, Clone, Copy)]
pub(super) enum Select {
    Next,
    Extend,
    Shrink,
}

/// Actions that would show what a blind session hides.
const REVEALING: [Action; 12] = [
    Action::Pair,
    Action::CopyId,
    Action::Details,
    Action::Facets,
    Action::GapPanel,
    Action::EvalPanel,
    Action::Filter,
    Action::Find,
    Action::SavedFilters,
    Action::SortNext,
    Action::Evidence,
    Action::SpanList,
];

impl App {
    /// How many more of the session's labels (at their class balance) would bring the
    /// corpus's alignment-faking classifier's DeLong AUROC interval within ±`target`.
    fn session_budget(&self, target: f64) -> String {
        let Some(s) = &self.session else {
            return String::new();
        };
        let view = self.corpus.view();
        let items: Vec<(f64, bool)> = s
            .queue
            .items
            .iter()
            .filter_map(|&e| {
                let id = s.ids.get(&e)?;
                let label = s.book.current(id, &s.labeler)?;
                let positive = match crate::stats::labels::truth_of_value(label.values.get("af")?) {
                    crate::stats::labels::Truth::Positive => true,
                    crate::stats::labels::Truth::Negative => false,
                    _ => return None,
                };
                Some((view.entry(e as usize).af()?, positive))
            })
            .collect();
        let judge = self
            .corpus
            .index
            .af_classifiers
            .first()
            .map_or("the judge".to_string(), |c| {
                crate::model::sanitize::visible(c, false).into_owned()
            });
        match crate::model::compare::delong_auc(&items) {
            Ok(d) => {
                let b = crate::stats::eval::LabelBudget::new(target, items.len(), 0.0, d.variance);
                format!("{judge} AUROC {:.3}: {}", d.auc, b.text())
            }
            Err(_) => {
                let yes = items.iter().filter(|i| i.1).count();
                format!(
                    "{judge} AUROC interval: needs 2 yes and 2 no (now {yes} and {})",
                    items.len() - yes
                )
            }
        }
    }

    /// The session's key handling; `None` lets the key through to the normal keys.
    pub(super) fn session_key(&mut self, ev: KeyEvent) -> Option<Vec<Effect>> {
        let s = self.session.as_mut()?;
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        // A failed write blocks everything until it is retried or rescued.
        if let Some(err) = &s.save_error {
            let err = err.clone();
            return Some(match ev.code {
                KeyCode::Char('r') => self.retry_saves(),
                KeyCode::Char('Q') => {
                    let events: Vec<Event> = s.pending.iter().map(|(e, _)| e.clone()).collect();
                    vec![Effect::Rescue(events)]
                }
                _ => {
                    self.message = Some(err);
                    Vec::new()
                }
            });
        }
        if let Some(mut note) = s.note.take() {
            match ev.code {
                KeyCode::Esc => return Some(Vec::new()),
                KeyCode::Enter => {
                    let text = note.text.clone();
                    let field = s
                        .schema
                        .fields
                        .iter()
                        .find(|f| f.kind == crate::model::schema::FieldKind::Text)
                        .map(|f| f.name.clone())
                        .unwrap_or_else(|| "note".into());
                    return Some(self.set_value(&field, Value::String(text)));
                }
                KeyCode::Backspace => note.backspace(),
                KeyCode::Left => note.left(),
                KeyCode::Right => note.right(),
                KeyCode::Char('u') if ctrl => note = super::input::LineInput::default(),
                KeyCode::Char(c) if !ctrl => note.insert(c),
                _ => {}
            }
            s.note = Some(note);
            return Some(Vec::new());
        }
        match s.view {
            SessionView::History { cursor } => {
                let n = s.history.len();
                let action = self.keymap.action(&ev);
                let s = self.session.as_mut()?;
                match (ev.code, action) {
                    (KeyCode::Enter, _) if n > 0 => {
                        let entry = s.history[n - 1 - cursor.min(n - 1)].entry;
                        s.view = SessionView::Labeling;
                        return Some(self.select_entry(entry));
                    }
                    (_, Some(Action::Down)) => {
                        s.view = SessionView::History {
                            cursor: (cursor + 1).min(n.saturating_sub(1)),
                        }
                    }
                    (_, Some(Action::Up)) => {
                        s.view = SessionView::History {
                            cursor: cursor.saturating_sub(1),
                        }
                    }
                    _ => s.view = SessionView::Labeling,
                }
                return Some(Vec::new());
            }
            SessionView::Progress => {
                s.view = SessionView::Labeling;
                return Some(Vec::new());
            }
            SessionView::Labeling => {}
        }
        if let (KeyCode::Char(c), false) =
            (ev.code, ctrl || ev.modifiers.contains(KeyModifiers::ALT))
        {
            let schema = s.schema.clone();
            if let Some(u) = schema.key_use(c) {
                return Some(self.schema_key(u));
            }
        }
        let action = self.keymap.action(&ev)?;
        let s = self.session.as_mut()?;
        if action != Action::Quit {
            s.quit_asked = false;
        }
        match action {
            Action::SelectSentence => Some(self.select(Select::Next)),
            Action::ExtendSelection => Some(self.select(Select::Extend)),
            Action::ShrinkSelection => Some(self.select(Select::Shrink)),
            Action::ClearFilter if s.selection.is_some() => {
                s.selection = None;
                self.reader.width = 0;
                self.relayout();
                Some(Vec::new())
            }
            Action::Skip => Some(self.advance()),
            Action::UndoLabel => Some(self.undo_label()),
            Action::RedoLabel => Some(self.redo_label()),
            Action::LabelHistory => {
                s.view = SessionView::History { cursor: 0 };
                Some(Vec::new())
            }
            Action::LabelProgress => {
                let budget = self.session_budget(0.05);
                if let Some(s) = self.session.as_mut() {
                    s.view = SessionView::Progress;
                    s.budget = budget;
                }
                Some(Vec::new())
            }
            Action::LabelSession => {
                self.message = Some(format!(
                    "already labeling ({}); Esc leaves the session",
                    s.spec.describe()
                ));
                Some(Vec::new())
            }
            // Esc steps back one thing at a time: full screen, the filter (the queue
            // stays), then the session.
            Action::ClearFilter if self.fullscreen => None,
            Action::ClearFilter if self.filter.is_some() || self.input_error.is_some() => {
                self.input_error = None;
                let items = s.queue.items.clone();
                Some(self.set_rows(None, items))
            }
            Action::ClearFilter => Some(self.end_session()),
            Action::Quit if !s.pending.is_empty() => {
                s.save_error = Some(format!(
                    "{} label(s) not yet saved to {}",
                    s.pending.len(),
                    s.journal
                ));
                Some(Vec::new())
            }
            Action::Quit if !s.drafts.is_empty() && !s.quit_asked => {
                s.quit_asked = true;
                let n = s.drafts.len();
                self.message = Some(format!(
                    "{} again quits: {} with no {} answer {} not saved",
                    self.keymap.hint(Action::Quit),
                    crate::model::words::count(n, "draft", "drafts"),
                    s.schema.fields[s.schema.primary()].name,
                    if n == 1 { "is" } else { "are" }
                ));
                Some(Vec::new())
            }
            a if s.spec.blind && REVEALING.contains(&a) => {
                self.message = Some(format!(
                    "{} ({}) is off in a blind session",
                    self.keymap.hint(a),
                    a.describe()
                ));
                Some(Vec::new())
            }
            _ => None,
        }
    }

    pub(super) fn schema_key(&mut self, u: KeyUse<'_>) -> Vec<Effect> {
        let Some(entry) = self.current() else {
            return Vec::new();
        };
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        if s.read_only.is_some() {
            self.message = s.read_only.clone();
            return Vec::new();
        }
        let schema = s.schema.clone();
        match u {
            KeyUse::Choose { field, value } => {
                let name = schema.fields[field].name.clone();
                if field == schema.primary() {
                    let mut values = s.values(entry);
                    values.insert(name, Value::String(value.to_string()));
                    let mut fx = self.save(entry, values);
                    fx.extend(self.advance());
                    fx
                } else {
                    self.set_value(&name, Value::String(value.to_string()))
                }
            }
            KeyUse::Toggle { field } if s.selection.is_some() => {
                let name = schema.fields[field].name.clone();
                self.attach_span(entry, &name)
            }
            KeyUse::Toggle { field } => {
                let name = schema.fields[field].name.clone();
                let on = matches!(s.values(entry).get(&name), Some(Value::Bool(true)));
                self.set_value(&name, Value::Bool(!on))
            }
            KeyUse::Text { field } => {
                let name = schema.fields[field].name.clone();
                let old = s
                    .values(entry)
                    .get(&name)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                s.note = Some(super::input::LineInput::new(&old));
                Vec::new()
            }
        }
    }

    /// Moves to the next item without a label (or the next item).
    pub(super) fn advance(&mut self) -> Vec<Effect> {
        let Some(s) = self.session.as_ref() else {
            return Vec::new();
        };
        let here = self
            .current()
            .and_then(|e| s.position_of.get(&e).copied())
            .unwrap_or(0);
        let pending: std::collections::HashSet<u32> = s.pending.iter().map(|(_, e)| *e).collect();
        let next = (here + 1..s.queue.items.len())
            .find(|&p| {
                let e = s.queue.items[p];
                s.label_of(e).is_none() && !pending.contains(&e)
            })
            .unwrap_or((here + 1).min(s.queue.items.len() - 1));
        if here + 1 >= s.queue.items.len() {
            self.message = Some("end of the queue".into());
        }
        self.select_position(next)
    }

    /// Selects the row of a queue position.
    pub(super) fn select_position(&mut self, pos: usize) -> Vec<Effect> {
        let Some(entry) = self
            .session
            .as_ref()
            .and_then(|s| s.queue.items.get(pos).copied())
        else {
            return Vec::new();
        };
        self.select_entry(entry)
    }

    pub(super) fn select_entry(&mut self, entry: u32) -> Vec<Effect> {
        match self.rows.iter().position(|&r| r == entry) {
            Some(p) => self.select_by(p as i64 - self.selected as i64),
            None => Vec::new(),
        }
    }

    /// Leaves the session (its labels are all in the journal).
    pub(super) fn end_session(&mut self) -> Vec<Effect> {
        if let Some(s) = &self.session {
            if !s.pending.is_empty() {
                self.message = Some("labels are still being saved".into());
                return Vec::new();
            }
        }
        let done = self.session.take().map(|s| s.labelled()).unwrap_or(0);
        self.queue = None;
        let all = (0..self.corpus.len() as u32).collect();
        let fx = self.set_rows(None, all);
        self.reader.width = 0;
        self.relayout();
        self.message = Some(format!("left the labeling session ({done} labelled)"));
        fx
    }

    /// The session's labels on its queue (items labelled, or touched and taken back),
    /// for the panels' numbers.
    pub fn fresh_labels(&self) -> Option<crate::stats::labels::FreshLabels> {
        let s = self.session.as_ref()?;
        let touched = s
            .history
            .iter()
            .map(|h| h.entry)
            .chain(s.undo.iter().chain(&s.redo).map(|st| st.entry));
        let labelled = s
            .queue
            .items
            .iter()
            .copied()
            .filter(|&e| s.label_of(e).is_some());
        let by_entry = labelled
            .chain(touched)
            .map(|e| (e, s.label_of(e).cloned()))
            .collect();
        Some(crate::stats::labels::FreshLabels {
            labeler: s.labeler.clone(),
            by_entry,
        })
    }

    /// The same as `fresh_labels`, as the filter's `label:` terms read them.
    pub fn label_overlay(&self) -> Option<crate::query::LabelOverlay> {
        let fresh = self.fresh_labels()?;
        let s = self.session.as_ref()?;
        let primary = &s.schema.fields[s.schema.primary()].name;
        let af = fresh
            .by_entry
            .into_iter()
            .map(|(e, l)| {
                let a = l.and_then(|l| l.values.get(primary)?.as_str().map(str::to_string));
                (e, a)
            })
            .collect();
        Some(crate::query::LabelOverlay {
            labeler: fresh.labeler,
            af,
        })
    }

    /// A labeler's current label of an entry: from the session's journal, else from
    /// the labels loaded with the data.
    pub fn label_by(&self, entry: u32, labeler: &str) -> Option<&crate::model::LabelRecord> {
        let from_journal = self
            .session
            .as_ref()
            .and_then(|s| s.book.current(s.id(entry), labeler));
        from_journal.or_else(|| {
            queue::latest_per_labeler(self.corpus.labels_of(entry as usize))
                .into_iter()
                .find(|l| l.labeler == labeler)
        })
    }

    /// Whether the reader must hide tier, model, condition and scores now.
    pub fn blind_now(&self) -> bool {
        match (&self.session, self.reader.entry) {
            (Some(s), Some(e)) => s.hides(e),
            _ => false,
        }
    }

    /// The labels saved in this session, newest first.
    pub fn history(&self) -> Vec<&Saved> {
        self.session
            .as_ref()
            .map(|s| s.history.iter().rev().collect())
            .unwrap_or_default()
    }
}
