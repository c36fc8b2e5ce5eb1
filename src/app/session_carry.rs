//! A labeling session carried over a reload: its items, drafts, history and writes
//! in flight found again by transcript id in the corpus as read anew.

use super::session::{Saved, Session};
use crate::load::Corpus;
use std::collections::HashMap;

/// A write in flight for an item the files no longer hold: confirmed by its sequence
/// number, it then names no entry.
pub const GONE: u32 = u32::MAX;

/// What carrying a session over did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    /// Queued items found again.
    pub kept: usize,
    /// Queued items whose id is no longer in the files.
    pub gone: usize,
}

impl Session {
    /// This session with every entry number it holds renumbered for `corpus` by
    /// transcript id (the first transcript with the id, as when the session started).
    /// Items whose id is gone leave the queue; their labels stay in the journal. Refused
    /// when an item with answers not yet saved is gone: they would be lost.
    pub fn carried_over(&self, corpus: &Corpus) -> Result<(Session, Carried), String> {
        let found = find_ids(corpus, self.ids.values().map(String::as_str));
        self.carried_with(|id| found.get(id).copied())
    }

    /// `carried_over` with the ids found already (on the thread that read the files):
    /// `found` gives an id's first transcript and how many have it.
    pub fn carried_with(
        &self,
        found: impl Fn(&str) -> Option<(u32, usize)>,
    ) -> Result<(Session, Carried), String> {
        let moved = |e: u32| -> Option<u32> {
            let id = self.ids.get(&e)?;
            found(id.as_str()).map(|(first, _)| first)
        };
        if self.note.is_some() {
            // Typed on the item shown, which the reload may move or remove.
            return Err("a note is being typed: Enter keeps it, then reload".into());
        }
        let lost_drafts = self.drafts.keys().filter(|&&e| moved(e).is_none()).count();
        if lost_drafts > 0 {
            return Err(format!(
                "{lost_drafts} item{} with answers not yet saved {} gone from the files: save or drop {} (Esc), then reload",
                if lost_drafts == 1 { "" } else { "s" },
                if lost_drafts == 1 { "is" } else { "are" },
                if lost_drafts == 1 { "it" } else { "them" },
            ));
        }
        let mut s = self.clone();
        let (mut items, mut strata) = (Vec::new(), Vec::new());
        for (k, &e) in self.queue.items.iter().enumerate() {
            if let Some(n) = moved(e) {
                items.push(n);
                if let Some(&st) = self.queue.stratum_of.get(k) {
                    strata.push(st);
                }
            }
        }
        let carried = Carried {
            kept: items.len(),
            gone: self.queue.items.len() - items.len(),
        };
        s.queue.items = items;
        s.queue.stratum_of = strata;
        s.position_of = s
            .queue
            .items
            .iter()
            .enumerate()
            .map(|(p, &e)| (e, p))
            .collect();
        s.ids = std::sync::Arc::new(
            self.ids
                .iter()
                .filter_map(|(&e, id)| Some((moved(e)?, id.clone())))
                .collect(),
        );
        s.shared_ids = s
            .ids
            .iter()
            .filter_map(|(&e, id)| {
                let (_, n) = found(id.as_str())?;
                (n > 1).then_some((e, n))
            })
            .collect();
        s.drafts = self
            .drafts
            .iter()
            .filter_map(|(&e, d)| Some((moved(e)?, d.clone())))
            .collect();
        s.pending = self
            .pending
            .iter()
            .map(|(ev, e)| (ev.clone(), moved(*e).unwrap_or(GONE)))
            .collect();
        let saved = |list: &[Saved]| -> Vec<Saved> {
            list.iter()
                .filter_map(|x| {
                    Some(Saved {
                        entry: moved(x.entry)?,
                        label: x.label.clone(),
                        undone: x.undone,
                    })
                })
                .collect()
        };
        s.undo = saved(&self.undo);
        s.redo = saved(&self.redo);
        s.history = saved(&self.history);
        // Sentence positions were of the transcript as it was.
        s.selection = None;
        s.view = super::session::SessionView::Labeling;
        s.recount();
        Ok((s, carried))
    }
}

/// For each of `ids` that `corpus` has: its first transcript and how many have it.
pub fn find_ids<'a>(
    corpus: &Corpus,
    ids: impl Iterator<Item = &'a str>,
) -> HashMap<&'a str, (u32, usize)> {
    use rayon::prelude::*;
    let wanted: std::collections::HashSet<&str> = ids.collect();
    let view = corpus.view();
    let hits: Vec<(&str, u32)> = (0..view.len())
        .into_par_iter()
        .with_min_len(16_384)
        .filter_map(|i| {
            let id = view.id(i);
            wanted.get(id.as_ref()).map(|&w| (w, i as u32))
        })
        .collect();
    let mut out: HashMap<&str, (u32, usize)> = HashMap::new();
    for (id, i) in hits {
        let e = out.entry(id).or_insert((i, 0));
        e.1 += 1;
    }
    out
}
