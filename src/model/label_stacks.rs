//! Each labeler's labels in force per transcript, oldest first, in the order the
//! transcripts were first labelled: what a journal replay keeps.

use std::collections::HashMap;

/// Labels in force (`T`: a label, or its compact text), keyed by labeler then id.
#[derive(Debug, Clone)]
pub struct Stacks<T> {
    /// By labeler, then transcript id (looked up without building a key). Most keys
    /// hold one label, so a stack starts with room for one.
    by: HashMap<String, HashMap<String, Vec<(u64, T)>>>,
    /// (labeler, transcript id) in the order first labelled.
    order: Vec<(String, String)>,
}

impl<T> Default for Stacks<T> {
    fn default() -> Stacks<T> {
        Stacks {
            by: HashMap::new(),
            order: Vec::new(),
        }
    }
}

impl<T> Stacks<T> {
    pub fn push(&mut self, seq: u64, transcript_id: &str, labeler: &str, label: T) {
        let by = match self.by.get_mut(labeler) {
            Some(by) => by,
            None => self.by.entry(labeler.to_string()).or_default(),
        };
        match by.get_mut(transcript_id) {
            Some(stack) => stack.push((seq, label)),
            None => {
                // Most keys hold one label: room for one, not the default four.
                let mut stack = Vec::with_capacity(1);
                stack.extend([(seq, label)]);
                by.insert(transcript_id.to_string(), stack);
                self.order
                    .push((labeler.to_string(), transcript_id.to_string()));
            }
        }
    }

    /// Removes the label event `undoes` of the key; false when it is not in force.
    pub fn undo(&mut self, transcript_id: &str, labeler: &str, undoes: u64) -> bool {
        let Some(stack) = self
            .by
            .get_mut(labeler)
            .and_then(|by| by.get_mut(transcript_id))
        else {
            return false;
        };
        match stack.iter().rposition(|(q, _)| *q == undoes) {
            Some(i) => {
                stack.remove(i);
                true
            }
            None => false,
        }
    }

    /// The current label and its sequence number.
    pub fn current(&self, transcript_id: &str, labeler: &str) -> Option<&(u64, T)> {
        self.by.get(labeler)?.get(transcript_id)?.last()
    }

    /// Every current label, in the order first labelled.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.order
            .iter()
            .filter_map(|(who, t)| self.current(t, who).map(|(_, l)| l))
    }

    /// `iter`, owned, each key's stack freed as it is passed.
    pub fn into_current(mut self) -> impl Iterator<Item = T> {
        let order = std::mem::take(&mut self.order);
        order.into_iter().filter_map(move |(who, t)| {
            let stack = self.by.get_mut(&who)?.remove(&t)?;
            stack.into_iter().next_back().map(|(_, l)| l)
        })
    }
}
