//! Input files that change while the interface is open: records and files that
//! arrive are shown as they come (every transcript keeps its number), other changes
//! are said in the status line until a reload reads the files again.

use super::{App, Discarded, Effect, Mode};
use crate::load::grow::Growth;
use crate::load::Corpus;
use crate::model::sanitize::visible;
use std::collections::HashMap;
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

    /// Files changed in a way that only a reload shows; said until then. A change not
    /// said before takes the place of the last message.
    pub fn on_changed(&mut self, changes: Vec<String>) {
        if changes.iter().any(|c| !self.changed.contains(c)) {
            self.message = None;
        }
        self.changed = changes;
    }

    /// The reload key: read every input again (a labeling session is carried over).
    pub(super) fn reload(&mut self) -> Vec<Effect> {
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
    /// queues made from the old numbering are closed. A labeling session is carried
    /// over by id; when that would lose answers not yet saved, the corpus read is set
    /// aside and the session goes on as it was.
    pub fn on_reloaded(&mut self, result: Result<Arc<Corpus>, String>) -> Vec<Effect> {
        self.on_reloaded_found(result, None)
    }

    /// What a reload should look for in the files it reads: the session's ids (shared,
    /// not copied) and queue, and the selected transcript's id.
    pub fn reload_lookups(&self) -> ReloadLookups {
        ReloadLookups {
            session: self.session.as_ref().map(|s| SessionLookup {
                ids: s.ids.clone(),
                items: s.queue.items.clone(),
                stratum_of: s.queue.stratum_of.clone(),
            }),
            selected: self.selected_id(),
        }
    }

    /// The selected transcript's id as read before the files changed (a file rewritten
    /// in place shows its new bytes through the old corpus).
    fn selected_id(&self) -> Option<String> {
        self.current().map(|e| {
            let session = self
                .session
                .as_ref()
                .map(|s| s.id(e))
                .filter(|id| !id.is_empty());
            let read = match (&self.reader.transcript, self.reader.entry) {
                (Some(Ok(t)), Some(r)) if r == e => Some(t.id.as_str()),
                _ => None,
            };
            session
                .or(read)
                .map(str::to_string)
                .unwrap_or_else(|| self.corpus.view().id(e as usize).into_owned())
        })
    }

    /// `on_reloaded`, with the ids the reloading thread found in the files it read
    /// (used when they are still the ones wanted).
    pub fn on_reloaded_found(
        &mut self,
        result: Result<Arc<Corpus>, String>,
        found: Option<FoundIds>,
    ) -> Vec<Effect> {
        self.reloading = false;
        let corpus = match result {
            Ok(c) => c,
            Err(e) => {
                self.message = Some(format!("reload failed: {e}"));
                return Vec::new();
            }
        };
        let mut found = found.filter(|f| Arc::ptr_eq(&f.corpus, &corpus));
        // The session's queue renumbered where the files were read, when it was made
        // for this session; else here.
        let renumbered = found.as_mut().and_then(|f| f.renumbered.take());
        let renumbered = match (&self.session, renumbered) {
            (None, _) => None,
            (Some(s), Some(r)) if Arc::ptr_eq(&r.of, &s.ids) => Some(r),
            (Some(s), _) => Some(s.renumbered_for(&corpus)),
        };
        if let (Some(s), Some(r)) = (&self.session, &renumbered) {
            if let Some(why) = s.refuses(r) {
                self.message = Some(format!("reload set aside: {why}"));
                return vec![Effect::Discard(Discarded::of((corpus, found, renumbered)))];
            }
        }
        let before = self.corpus.len();
        let selected = self.selected_id();
        let mut replaced_ids = None;
        let carried = renumbered.and_then(|mut r| {
            let mut session = self.session.take()?;
            let rows = (std::mem::take(&mut r.rows), r.queue.clone(), r.tiers);
            let (c, replaced) = session.take_renumbered(r);
            replaced_ids = Some(replaced);
            Some((session, c, rows))
        });
        let replaced_corpus = std::mem::replace(&mut self.corpus, corpus);
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
        let mut note = String::new();
        let mut queue_rows = None;
        if let Some((session, c, (rows, queue, tiers))) = carried {
            self.queue = Some(("labeling".into(), queue));
            queue_rows = Some((rows, tiers));
            self.session = Some(session);
            note = format!("; labeling carried over: {} items", c.kept);
            if c.gone > 0 {
                note.push_str(&format!(
                    ", {} no longer in the files (their labels stay in the journal)",
                    c.gone
                ));
            }
        }
        let mut fx = match (self.filter.clone(), &self.queue) {
            (Some(q), _) => self.apply_filter(q),
            (None, Some((_, q))) => match queue_rows {
                Some((rows, tiers)) => self.set_rows_counted(None, rows, Some(tiers)),
                None => {
                    let items = q.to_vec();
                    self.set_rows(None, items)
                }
            },
            (None, None) => self.set_rows(None, crate::model::rows::all(self.corpus.len() as u32)),
        };
        if let Some(id) = selected {
            // An id only one transcript has, found already: its row by number.
            let known = found
                .as_ref()
                .and_then(|f| f.ids.get(id.as_str()))
                .filter(|&&(_, n)| n == 1);
            let view = self.corpus.view();
            let found = match known {
                Some(&(e, _)) => self.rows.iter().position(|&r| r == e),
                None => self
                    .rows
                    .iter()
                    .position(|&e| view.id(e as usize) == id.as_str()),
            };
            if let Some(p) = found {
                fx.extend(self.select_by(p as i64 - self.selected as i64));
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
        msg.push_str(&note);
        self.message = Some(msg);
        // The corpus and ids let go of, and the ids found, are freed off this thread.
        fx.push(Effect::Discard(Discarded::of((
            replaced_corpus,
            replaced_ids,
            found,
        ))));
        fx
    }
}

/// Ids a reload looks for in the files it reads, on its own thread.
#[derive(Debug, Clone, Default)]
pub struct ReloadLookups {
    session: Option<SessionLookup>,
    selected: Option<String>,
}

/// A labeling session's ids and queue, to renumber it where the files are read.
#[derive(Debug, Clone)]
struct SessionLookup {
    ids: Arc<HashMap<u32, String>>,
    items: Vec<u32>,
    stratum_of: Vec<u16>,
}

/// What a reloading thread found: each id's first transcript and how many have it,
/// and the session's queue renumbered.
pub struct FoundIds {
    corpus: Arc<Corpus>,
    ids: HashMap<String, (u32, usize)>,
    renumbered: Option<super::session_carry::Renumbered>,
}

impl ReloadLookups {
    /// Looks for the ids in `corpus` (the files read again) and renumbers the
    /// session's queue there.
    pub fn find(self, corpus: Arc<Corpus>) -> FoundIds {
        let session = self.session.iter().flat_map(|s| s.ids.values());
        let wanted = session.map(String::as_str).chain(self.selected.as_deref());
        let ids: HashMap<String, (u32, usize)> = super::session_carry::find_ids(&corpus, wanted)
            .into_iter()
            .map(|(id, at)| (id.to_string(), at))
            .collect();
        let renumbered = self.session.map(|s| {
            super::session_carry::Renumbered::build(&corpus, s.ids, &s.items, &s.stratum_of, |id| {
                ids.get(id).copied()
            })
        });
        FoundIds {
            corpus,
            ids,
            renumbered,
        }
    }
}
