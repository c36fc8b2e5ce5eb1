//! A labeling session carried over a reload: its items, drafts, history and writes
//! in flight found again by transcript id in the corpus as read anew. What follows
//! from the queue alone (a million items renumbered) is worked out on the thread
//! that read the files; what labeling changes meanwhile is renumbered when the
//! session takes it in.

use super::session::{Saved, Session};
use crate::load::Corpus;
use std::collections::HashMap;
use std::sync::Arc;

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

/// A session's queue renumbered for a corpus read anew. Labeling never changes a
/// queue or its ids, so this holds for the session whose ids it was made from
/// (`of`) whatever was labelled since.
#[derive(Debug)]
pub struct Renumbered {
    /// The ids of the session it was made for.
    pub of: Arc<HashMap<u32, String>>,
    /// Each queued entry's new number, when its id is still in the files.
    moved: HashMap<u32, u32>,
    items: Vec<u32>,
    stratum_of: Vec<u16>,
    position_of: HashMap<u32, usize>,
    ids: Arc<HashMap<u32, String>>,
    shared_ids: HashMap<u32, usize>,
    pub carried: Carried,
    /// The new queue as the list shows it (its rows, and the queue they are in) and
    /// their tier counts.
    pub rows: Vec<u32>,
    pub queue: Arc<Vec<u32>>,
    pub tiers: [usize; 3],
}

impl Renumbered {
    /// Renumbers the queue `items` (with their strata) of the session with `ids` for
    /// `corpus`, where `found` gives an id's first transcript and how many have it.
    pub fn build(
        corpus: &Corpus,
        ids: Arc<HashMap<u32, String>>,
        items: &[u32],
        stratum_of: &[u16],
        found: impl Fn(&str) -> Option<(u32, usize)>,
    ) -> Renumbered {
        let moved: HashMap<u32, u32> = ids
            .iter()
            .filter_map(|(&e, id)| Some((e, found(id.as_str())?.0)))
            .collect();
        let (mut new_items, mut strata) = (Vec::new(), Vec::new());
        for (k, e) in items.iter().enumerate() {
            if let Some(&n) = moved.get(e) {
                new_items.push(n);
                if let Some(&st) = stratum_of.get(k) {
                    strata.push(st);
                }
            }
        }
        let carried = Carried {
            kept: new_items.len(),
            gone: items.len() - new_items.len(),
        };
        let position_of = new_items.iter().enumerate().map(|(p, &e)| (e, p)).collect();
        let new_ids: Arc<HashMap<u32, String>> = Arc::new(
            ids.iter()
                .filter_map(|(e, id)| Some((*moved.get(e)?, id.clone())))
                .collect(),
        );
        let shared_ids = new_ids
            .iter()
            .filter_map(|(&e, id)| {
                let (_, n) = found(id.as_str())?;
                (n > 1).then_some((e, n))
            })
            .collect();
        let tiers = super::tier_counts(corpus, &new_items);
        Renumbered {
            of: ids,
            moved,
            rows: new_items.clone(),
            queue: Arc::new(new_items.clone()),
            items: new_items,
            stratum_of: strata,
            position_of,
            ids: new_ids,
            shared_ids,
            carried,
            tiers,
        }
    }

    fn moved(&self, e: u32) -> Option<u32> {
        self.moved.get(&e).copied()
    }
}

impl Session {
    /// This session with every entry number it holds renumbered for `corpus` by
    /// transcript id (the first transcript with the id, as when the session started).
    /// Items whose id is gone leave the queue; their labels stay in the journal. Refused
    /// when an item with answers not yet saved is gone: they would be lost.
    pub fn carried_over(&self, corpus: &Corpus) -> Result<(Session, Carried), String> {
        let r = self.renumbered_for(corpus);
        if let Some(why) = self.refuses(&r) {
            return Err(why);
        }
        let mut s = self.clone();
        let (carried, _) = s.take_renumbered(r);
        Ok((s, carried))
    }

    /// This session's queue renumbered for `corpus`, its ids looked for there.
    pub fn renumbered_for(&self, corpus: &Corpus) -> Renumbered {
        let found = find_ids(corpus, self.ids.values().map(String::as_str));
        Renumbered::build(
            corpus,
            self.ids.clone(),
            &self.queue.items,
            &self.queue.stratum_of,
            |id| found.get(id).copied(),
        )
    }

    /// Why this session cannot take `r` in now, if it cannot.
    pub fn refuses(&self, r: &Renumbered) -> Option<String> {
        if self.note.is_some() {
            // Typed on the item shown, which the reload may move or remove.
            return Some("a note is being typed: Enter keeps it, then reload".into());
        }
        let lost_drafts = self
            .drafts
            .keys()
            .filter(|&&e| r.moved(e).is_none())
            .count();
        (lost_drafts > 0).then(|| {
            format!(
                "{lost_drafts} item{} with answers not yet saved {} gone from the files: save or drop {} (Esc), then reload",
                if lost_drafts == 1 { "" } else { "s" },
                if lost_drafts == 1 { "is" } else { "are" },
                if lost_drafts == 1 { "it" } else { "them" },
            )
        })
    }

    /// Takes a renumbered queue in, in place: the queue and its ids as renumbered, and
    /// what labeling made of them (drafts, writes in flight, undo, history, the items
    /// labelled) renumbered as they are now. Costs what labeling made, not the queue;
    /// gives back the ids it replaced, for the caller to free where it pleases.
    pub fn take_renumbered(&mut self, r: Renumbered) -> (Carried, Arc<HashMap<u32, String>>) {
        let moved = |e: u32| r.moved(e);
        self.drafts = std::mem::take(&mut self.drafts)
            .into_iter()
            .filter_map(|(e, d)| Some((moved(e)?, d)))
            .collect();
        for (_, e) in self.pending.iter_mut() {
            *e = moved(*e).unwrap_or(GONE);
        }
        let saved = |list: &mut Vec<Saved>| {
            *list = std::mem::take(list)
                .into_iter()
                .filter_map(|x| {
                    Some(Saved {
                        entry: moved(x.entry)?,
                        ..x
                    })
                })
                .collect();
        };
        saved(&mut self.undo);
        saved(&mut self.redo);
        saved(&mut self.history);
        self.renumber_labelled(moved);
        self.queue.items = r.items;
        self.queue.stratum_of = r.stratum_of;
        self.position_of = r.position_of;
        let replaced = std::mem::replace(&mut self.ids, r.ids);
        self.shared_ids = r.shared_ids;
        // Sentence positions were of the transcript as it was.
        self.selection = None;
        self.view = super::session::SessionView::Labeling;
        (r.carried, replaced)
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
