//! A labeling session's state: the queue, the journal as replayed (labels saved), the
//! labels written but not yet confirmed on disk, drafts, undo and redo, the history and
//! the progress figures. No file I/O: events go out as effects and come back as
//! saved or failed.

use super::input::LineInput;
use crate::labeling::queue::{Queue, QueueSpec};
use crate::model::journal::{Event, Replay};
use crate::model::schema::{FieldKind, Schema};
use crate::model::LabelRecord;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// What the runner hands over to start a session.
#[derive(Debug, Clone)]
pub struct SessionSetup {
    pub spec: QueueSpec,
    pub schema: Arc<Schema>,
    pub labeler: String,
    /// The journal as replayed when opened.
    pub replay: Replay,
    /// Why labels cannot be saved (the journal is held by another afscope).
    pub read_only: Option<String>,
    /// The journal's path, for messages.
    pub journal: String,
    /// The spec came from the journal's last session of this labeler.
    pub resumed: bool,
}

/// A label saved in this session, for the history list and for undo and redo (undo
/// takes it back; redo saves it again).
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub entry: u32,
    pub label: LabelRecord,
    /// In the history: an undo has taken this label back since.
    pub undone: bool,
}

/// An overlay of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionView {
    Labeling,
    /// The last labels; Enter jumps to one.
    History {
        cursor: usize,
    },
    /// Progress per stratum, and the label budget for the AUROC interval.
    Progress,
}

/// The session.
#[derive(Debug, Clone)]
pub struct Session {
    pub spec: QueueSpec,
    pub schema: Arc<Schema>,
    pub labeler: String,
    pub journal: String,
    pub read_only: Option<String>,
    /// The journal with every confirmed event applied.
    pub book: Replay,
    pub queue: Queue,
    /// Position of each queued entry.
    pub position_of: HashMap<u32, usize>,
    /// Transcript id of each queued entry.
    pub ids: Arc<HashMap<u32, String>>,
    /// Queued entries whose id other transcripts have too, with how many have it:
    /// joins refuse labels on such an id, so the item says so.
    pub shared_ids: HashMap<u32, usize>,
    /// Answers given to an item before its primary answer saves them.
    pub drafts: HashMap<u32, Map<String, Value>>,
    /// Events sent to the journal and not yet confirmed, oldest first, with their
    /// entry.
    pub pending: Vec<(Event, u32)>,
    pub undo: Vec<Saved>,
    pub redo: Vec<Saved>,
    pub history: Vec<Saved>,
    /// A write failed: shown as a blocking error until a retry succeeds.
    pub save_error: Option<String>,
    /// Milliseconds of each label saved in this session.
    pub saved_at: Vec<i64>,
    pub started_at: i64,
    pub next_seq: u64,
    /// Typing a note for the current item.
    pub note: Option<LineInput>,
    /// Sentences selected in the completion (first, last index), for a criterion.
    pub selection: Option<(usize, usize)>,
    pub view: SessionView,
    /// What the progress view says of the labels needed (made when it opens).
    pub budget: String,
    pub resumed: bool,
    /// Quit was pressed once with drafts open.
    pub quit_asked: bool,
    /// Queued entries this labeler has a label for (kept as events are confirmed).
    done: std::collections::HashSet<u32>,
}

impl Session {
    pub fn new(setup: SessionSetup, queue: Queue, now: i64) -> Session {
        let position_of = queue
            .items
            .iter()
            .enumerate()
            .map(|(p, &e)| (e, p))
            .collect();
        Session {
            next_seq: setup.replay.max_seq + 1,
            spec: setup.spec,
            schema: setup.schema,
            labeler: setup.labeler,
            journal: setup.journal,
            read_only: setup.read_only,
            book: setup.replay,
            queue,
            position_of,
            ids: Arc::default(),
            shared_ids: HashMap::new(),
            drafts: HashMap::new(),
            pending: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            history: Vec::new(),
            save_error: None,
            saved_at: Vec::new(),
            started_at: now,
            note: None,
            selection: None,
            view: SessionView::Labeling,
            resumed: setup.resumed,
            quit_asked: false,
            done: Default::default(),
            budget: String::new(),
        }
    }

    /// The two labelers of an adjudication session.
    pub fn adjudicating(&self) -> Option<(&str, &str)> {
        match &self.spec.mode {
            crate::labeling::queue::QueueMode::Adjudicate { first, second } => {
                Some((first.as_str(), second.as_str()))
            }
            _ => None,
        }
    }

    /// Lines of the labeling panel: the keys and progress, plus the two answers
    /// being adjudicated.
    pub fn panel_lines(&self) -> u16 {
        if self.adjudicating().is_some() {
            3
        } else {
            2
        }
    }

    pub fn id(&self, entry: u32) -> &str {
        self.ids.get(&entry).map_or("", String::as_str)
    }

    /// This labeler's saved label of an entry.
    pub fn label_of(&self, entry: u32) -> Option<&LabelRecord> {
        self.book.current(self.id(entry), &self.labeler)
    }

    /// Hide tier, model, condition and scores of this entry: blind and not yet labelled.
    pub fn hides(&self, entry: u32) -> bool {
        self.spec.blind && self.label_of(entry).is_none()
    }

    /// The answers shown for an entry: its draft over its saved label.
    pub fn values(&self, entry: u32) -> Map<String, Value> {
        let mut v = self
            .label_of(entry)
            .map(|l| l.values.clone())
            .unwrap_or_default();
        if let Some(d) = self.drafts.get(&entry) {
            for (k, x) in d {
                v.insert(k.clone(), x.clone());
            }
        }
        v
    }

    /// Puts `rows` (entries, some of them queued) in queue order, entries not queued
    /// last in entry order. Linear for many rows: at a million a hash lookup per
    /// comparison would cost a tenth of a second.
    pub fn sort_in_queue_order(&self, rows: &mut Vec<u32>) {
        let items = &self.queue.items;
        if rows.len() == items.len() && rows == items {
            return;
        }
        if rows.len() < 50_000 {
            rows.sort_unstable_by_key(|e| {
                (self.position_of.get(e).copied().unwrap_or(usize::MAX), *e)
            });
            return;
        }
        let top = rows
            .iter()
            .chain(items)
            .copied()
            .max()
            .map_or(0, |m| m as usize + 1);
        let mut position = vec![u32::MAX; top];
        for (p, &e) in items.iter().enumerate() {
            let slot = &mut position[e as usize];
            if *slot == u32::MAX {
                *slot = p as u32;
            }
        }
        let mut placed = vec![u32::MAX; items.len()];
        let mut rest = Vec::new();
        for &e in rows.iter() {
            match position[e as usize] {
                u32::MAX => rest.push(e),
                p => placed[p as usize] = e,
            }
        }
        rest.sort_unstable();
        let len = rows.len();
        rows.clear();
        rows.extend(placed.into_iter().filter(|&e| e != u32::MAX));
        rows.extend(rest);
        debug_assert_eq!(rows.len(), len, "rows are distinct entries");
    }

    /// Counts the queued items this labeler has labelled (once ids are known).
    pub fn recount(&mut self) {
        self.done = self
            .queue
            .items
            .iter()
            .copied()
            .filter(|&e| self.label_of(e).is_some())
            .collect();
    }

    /// Renumbers the queued entries this labeler has a label for (a label follows its
    /// id, so no label is looked up again); those `moved` drops are no longer queued.
    pub(super) fn renumber_labelled(&mut self, moved: impl Fn(u32) -> Option<u32>) {
        self.done = self.done.iter().filter_map(|&e| moved(e)).collect();
    }

    /// Queued items this labeler has a label for.
    pub fn labelled(&self) -> usize {
        self.done.len()
    }

    /// How many the session means to label.
    pub fn target(&self) -> usize {
        self.spec
            .target
            .unwrap_or(self.queue.items.len())
            .min(self.queue.items.len())
    }

    /// (labelled, target) per stratum.
    pub fn strata_progress(&self) -> Vec<(String, usize, usize)> {
        let mut done = vec![0usize; self.queue.strata.len()];
        for (&e, &s) in self.queue.items.iter().zip(&self.queue.stratum_of) {
            if self.done.contains(&e) {
                done[usize::from(s)] += 1;
            }
        }
        self.queue
            .strata
            .iter()
            .zip(done)
            .map(|(s, d)| (s.name.clone(), d, s.target))
            .collect()
    }

    /// Labels per hour in this session: its labels over the time since it started,
    /// counted as two minutes at least (two quick labels after a resume are not a
    /// rate), once there are two labels.
    pub fn rate_per_hour(&self, now: i64) -> Option<f64> {
        const FLOOR_MS: i64 = 120_000;
        let n = self.saved_at.len();
        let span = (now - self.started_at).max(FLOOR_MS) as f64 / 3_600_000.0;
        (n >= 2).then(|| n as f64 / span)
    }

    /// Estimated milliseconds to reach the target at the current rate.
    pub fn eta_ms(&self, now: i64) -> Option<i64> {
        let left = self.target().saturating_sub(self.labelled());
        let rate = self.rate_per_hour(now)?;
        (rate > 0.0).then(|| (left as f64 / rate * 3_600_000.0) as i64)
    }

    /// The first queued item without this labeler's label, at or after `from`.
    pub fn next_unlabelled(&self, from: usize) -> Option<usize> {
        (from..self.queue.items.len()).find(|&p| self.label_of(self.queue.items[p]).is_none())
    }

    /// A new label of `entry` by this labeler, with where it was read and the scores
    /// shown (`"hidden"` while the item is hidden in a blind session).
    pub fn new_label(
        &self,
        entry: u32,
        values: Map<String, Value>,
        time: String,
        source: Option<String>,
        shown: Option<Value>,
    ) -> LabelRecord {
        let shown = if self.hides(entry) {
            Value::String("hidden".into())
        } else {
            shown.unwrap_or(Value::Object(Map::new()))
        };
        LabelRecord {
            transcript_id: self.id(entry).to_string(),
            labeler: self.labeler.clone(),
            time,
            schema: self.schema.version,
            source,
            shown: Some(shown),
            values,
        }
    }

    /// The event that makes `label` this labeler's current label of its transcript:
    /// `set` for a first label, else `change`.
    pub fn label_event(&mut self, entry: u32, label: LabelRecord) -> Event {
        let seq = self.take_seq();
        if self.label_of(entry).is_some() {
            Event::Change { seq, label }
        } else {
            Event::Set { seq, label }
        }
    }

    fn take_seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    /// The event that takes back this labeler's current label of `entry` (the one
    /// before it, if any, is current again).
    pub fn undo_event(&mut self, entry: u32, time: String) -> Option<Event> {
        let id = self.id(entry).to_string();
        let undoes = self.book.current_seq(&id, &self.labeler)?;
        Some(Event::Undo {
            seq: self.take_seq(),
            undoes,
            transcript_id: id,
            labeler: self.labeler.clone(),
            time,
        })
    }

    /// A confirmed event: applied to the book. Returns its entry.
    pub fn confirm(&mut self, seq: u64, now: i64) -> Option<u32> {
        let at = self.pending.iter().position(|(e, _)| e.seq() == seq)?;
        let (event, entry) = self.pending.remove(at);
        if matches!(event, Event::Set { .. } | Event::Change { .. }) {
            self.saved_at.push(now);
        }
        if let (Event::Set { label, .. } | Event::Change { label, .. }, false) =
            (&event, entry == super::session_carry::GONE)
        {
            self.history.push(Saved {
                entry,
                label: label.clone(),
                undone: false,
            });
        }
        if matches!(event, Event::Undo { .. }) {
            // An undo takes back the item's latest label still in force.
            if let Some(h) = self
                .history
                .iter_mut()
                .rev()
                .find(|h| h.entry == entry && !h.undone)
            {
                h.undone = true;
            }
        }
        self.book.apply(event);
        if self.label_of(entry).is_some() {
            self.done.insert(entry);
        } else {
            self.done.remove(&entry);
        }
        if self.pending.is_empty() {
            self.save_error = None;
        }
        Some(entry)
    }

    /// A short summary of a label's values (`af=yes compliance=full 1 3`).
    pub fn summary(&self, values: &Map<String, Value>) -> String {
        let mut parts = Vec::new();
        let mut checks = Vec::new();
        for f in &self.schema.fields {
            match (f.kind.clone(), values.get(&f.name)) {
                (FieldKind::Choice, Some(Value::String(v))) => {
                    parts.push(format!("{}={v}", f.name))
                }
                (FieldKind::Check, Some(Value::Bool(true))) => {
                    checks.push(f.key.map_or_else(|| f.name.clone(), |k| k.to_string()))
                }
                (FieldKind::Text, Some(Value::String(s))) if !s.is_empty() => {
                    parts.push(format!("{}✎", f.name))
                }
                _ => {}
            }
        }
        if !checks.is_empty() {
            parts.push(format!("[{}]", checks.join(" ")));
        }
        if let Some(Value::Array(s)) = values.get("spans") {
            if !s.is_empty() {
                parts.push(crate::model::words::count(s.len(), "span", "spans"));
            }
        }
        parts.join(" ")
    }
}

/// Of the queued entries (`ids`), those whose id other transcripts of the corpus have
/// too, with how many have it.
pub(super) fn shared_ids(
    corpus: &crate::load::Corpus,
    ids: &HashMap<u32, String>,
) -> HashMap<u32, usize> {
    use rayon::prelude::*;
    let wanted: std::collections::HashSet<&str> = ids.values().map(String::as_str).collect();
    let view = corpus.view();
    let found: Vec<&str> = (0..view.len())
        .into_par_iter()
        .with_min_len(16_384)
        .filter_map(|i| {
            let id = view.id(i);
            wanted.get(id.as_ref()).copied()
        })
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for id in found {
        *count.entry(id).or_default() += 1;
    }
    ids.iter()
        .filter_map(|(&e, id)| count.get(id.as_str()).filter(|&&n| n > 1).map(|&n| (e, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labeling::queue::QueueMode;

    #[test]
    fn rows_are_put_in_queue_order_the_same_way_at_any_size() {
        let mut rng = crate::synth::Rng::new(5);
        for n in [10u32, 3_000, 120_000] {
            // A queue of distinct entries in a shuffled order, and rows: some queued,
            // some not.
            let mut items: Vec<u32> = (0..n).map(|e| e * 2).collect();
            for k in (1..items.len()).rev() {
                items.swap(k, rng.below(k as u64 + 1) as usize);
            }
            let queue = Queue {
                items: items.clone(),
                ..Default::default()
            };
            let setup = SessionSetup {
                spec: QueueSpec {
                    mode: QueueMode::View,
                    query: None,
                    blind: false,
                    target: None,
                },
                schema: Arc::new(Schema::default()),
                labeler: "ana".into(),
                replay: Replay::default(),
                read_only: None,
                journal: String::new(),
                resumed: false,
            };
            let s = Session::new(setup, queue, 0);
            let mut rows: Vec<u32> = (0..2 * n)
                .filter(|e| rng.below(3) > 0 || e % 2 == 1)
                .collect();
            let mut expected = rows.clone();
            expected.sort_by_key(|e| (s.position_of.get(e).copied().unwrap_or(usize::MAX), *e));
            s.sort_in_queue_order(&mut rows);
            assert_eq!(rows, expected, "{n}");
            let mut whole = items.clone();
            s.sort_in_queue_order(&mut whole);
            assert_eq!(whole, items);
        }
    }
}
