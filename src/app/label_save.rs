//! Answers becoming journal events in a labeling session: drafts and changes, the
//! record's provenance, undo and redo, and what the journal confirms or refuses.

use super::session::Saved;
use super::update::Effect;
use super::App;
use serde_json::Value;

impl App {
    /// Sets a non-primary answer: saved at once when the item already has a label,
    /// else kept as a draft until the primary answer.
    pub(super) fn set_value(&mut self, name: &str, v: Value) -> Vec<Effect> {
        self.set_values(vec![(name.to_string(), v)])
    }

    pub(super) fn set_values(&mut self, kv: Vec<(String, Value)>) -> Vec<Effect> {
        let Some(entry) = self.current() else {
            return Vec::new();
        };
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        if s.label_of(entry).is_some() {
            let mut values = s.values(entry);
            values.extend(kv);
            self.save(entry, values)
        } else {
            s.drafts.entry(entry).or_default().extend(kv);
            let primary = s.schema.fields[s.schema.primary()].name.clone();
            self.message = Some(format!(
                "draft: {} (saved with the {primary} answer)",
                s.summary(&s.values(entry))
            ));
            Vec::new()
        }
    }

    /// Sends a label to the journal; it counts as saved once the runner confirms.
    pub(super) fn save(
        &mut self,
        entry: u32,
        values: serde_json::Map<String, Value>,
    ) -> Vec<Effect> {
        let now = (self.clock)();
        let (source, shown) = self.provenance(entry);
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        let mut values = values;
        if let Some((a, b)) = s.adjudicating() {
            values.insert("adjudicates".into(), serde_json::json!([a, b]));
        }
        let label = s.new_label(entry, values, crate::labeling::rfc3339(now), source, shown);
        let event = s.label_event(entry, label.clone());
        s.drafts.remove(&entry);
        s.redo.clear();
        s.undo.push(Saved {
            entry,
            label,
            undone: false,
        });
        s.pending.push((event.clone(), entry));
        vec![Effect::SaveLabel(event)]
    }

    /// Where the reader's transcript came from and the scores it shows.
    pub(super) fn provenance(&self, entry: u32) -> (Option<String>, Option<Value>) {
        match (&self.reader.transcript, self.reader.entry) {
            (Some(Ok(t)), Some(e)) if e == entry => {
                let mut shown = serde_json::Map::new();
                for v in &t.verdicts {
                    let score = match v.score.value() {
                        Some(x) => Value::from(x),
                        None => Value::String("failed".into()),
                    };
                    shown.insert(v.classifier.clone(), score);
                }
                (Some(t.locator.to_string()), Some(Value::Object(shown)))
            }
            _ => (None, None),
        }
    }

    pub(super) fn undo_label(&mut self) -> Vec<Effect> {
        self.undo_or_redo(true)
    }

    pub(super) fn redo_label(&mut self) -> Vec<Effect> {
        self.undo_or_redo(false)
    }

    /// Takes the last step back (moving it to the redo stack) or again.
    pub(super) fn undo_or_redo(&mut self, back: bool) -> Vec<Effect> {
        let now = (self.clock)();
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        let from = if back { &mut s.undo } else { &mut s.redo };
        let Some(step) = from.pop() else {
            self.message = Some(format!("nothing to {}", if back { "undo" } else { "redo" }));
            return Vec::new();
        };
        let mut fx = self.apply_step(&step, back, now);
        if let Some(s) = self.session.as_mut() {
            let to = if back { &mut s.redo } else { &mut s.undo };
            to.push(step.clone());
        }
        fx.extend(self.select_entry(step.entry));
        fx
    }

    /// Writes the event that takes a label back (undo: the label before it is current
    /// again) or saves it again (redo, with the time of the redo).
    pub(super) fn apply_step(&mut self, step: &Saved, back: bool, now: i64) -> Vec<Effect> {
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        let time = crate::labeling::rfc3339(now);
        let event = if back {
            s.undo_event(step.entry, time)
        } else {
            let label = crate::model::LabelRecord {
                time,
                ..step.label.clone()
            };
            Some(s.label_event(step.entry, label))
        };
        let Some(event) = event else {
            return Vec::new();
        };
        s.pending.push((event.clone(), step.entry));
        self.message = Some(if back { "undone" } else { "redone" }.into());
        vec![Effect::SaveLabel(event)]
    }

    /// Tries every unsaved event again.
    pub(super) fn retry_saves(&mut self) -> Vec<Effect> {
        let Some(s) = self.session.as_mut() else {
            return Vec::new();
        };
        s.save_error = None;
        s.pending
            .iter()
            .map(|(e, _)| Effect::SaveLabel(e.clone()))
            .collect()
    }

    /// The journal has the event on disk.
    pub fn on_label_saved(&mut self, seq: u64) {
        let now = (self.clock)();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let hid = s.spec.blind;
        let Some(entry) = s.confirm(seq, now) else {
            return;
        };
        let shown = if hid {
            format!("item {}", s.position_of.get(&entry).map_or(0, |p| p + 1))
        } else {
            s.id(entry).to_string()
        };
        let what = match s.label_of(entry) {
            Some(l) => format!("✓ saved {shown} {}", s.summary(&l.values)),
            None => format!("✓ saved {shown}: label taken back"),
        };
        self.message = Some(what);
        // Revealed once labelled: lay the transcript out again.
        if hid && self.reader.entry == Some(entry) {
            self.reader.width = 0;
            self.relayout();
        }
    }

    /// The journal could not take the event: a blocking error; the label stays
    /// pending.
    pub fn on_label_failed(&mut self, seq: u64, error: String) {
        if let Some(s) = self.session.as_mut() {
            if s.pending.iter().any(|(e, _)| e.seq() == seq) {
                s.save_error = Some(error);
            }
        }
    }
}
