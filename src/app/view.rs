//! The list: rows in view, filters applied, sorting, selection, and what arrives for
//! them from the runner (transcripts, search results, evidence counts, snapshots).

use super::layout::Layout;
use super::update::Effect;
use super::{App, Column};
use crate::model::{Problem, Transcript};
use crate::query::Query;

/// What the reader needs of a transcript besides its text, worked out where it was
/// read (quote location can take a while on a long transcript: never on the
/// interface's thread).
pub struct Prepared {
    pub spans: Vec<crate::model::spans::VerdictSpan>,
    pub human: Vec<crate::model::spans::HumanSpan>,
}

/// `Prepared` for a transcript read for `entry` (its quotes located, its labels'
/// spans placed).
pub fn prepare(corpus: &crate::load::Corpus, entry: u32, t: &Transcript) -> Prepared {
    Prepared {
        spans: crate::model::spans::resolve(t).0,
        human: crate::model::spans::label_spans(t, corpus.labels_of(entry as usize)).0,
    }
}

impl App {
    /// A transcript the runner read (its evidence located here).
    pub fn on_transcript(&mut self, entry: u32, result: Result<Transcript, Problem>) {
        let prepared = result
            .as_ref()
            .ok()
            .map(|t| prepare(&self.corpus, entry, t));
        self.on_prepared(entry, result, prepared);
    }

    /// A transcript the runner read, with its evidence located.
    pub fn on_prepared(
        &mut self,
        entry: u32,
        result: Result<Transcript, Problem>,
        prepared: Option<Prepared>,
    ) {
        if self.reader.paired && self.partner_of_current() == Some(entry) {
            self.reader.partner = Some((entry, result));
            self.reader.width = 0;
            self.relayout();
            return;
        }
        if self.current() != Some(entry) {
            return;
        }
        self.finder.note_read(entry);
        if let Some(s) = self.session.as_mut() {
            // A selection belongs to the transcript it was made in.
            s.selection = None;
        }
        self.reader.matches = match (&result, &self.filter) {
            (Ok(t), Some(q)) => q.text_matches(t),
            _ => Vec::new(),
        };
        self.reader.current_match = None;
        self.reader.current_span = None;
        // Evidence: quotes located and offsets converted once per transcript.
        let (spans, human) = match (prepared, &result) {
            (Some(p), Ok(_)) => (p.spans, p.human),
            _ => (Vec::new(), Vec::new()),
        };
        self.reader.spans = spans;
        self.reader.human = human;
        self.reader.evidence = match &result {
            Ok(t) => super::evidence::default_view(t, &self.reader.spans),
            Err(_) => super::evidence::Evidence::Off,
        };
        let again = self.reader.entry == Some(entry);
        self.reader.entry = Some(entry);
        self.reader.transcript = Some(result);
        if !again {
            self.reader.scroll = 0;
        }
        self.reader.width = 0;
        self.relayout();
    }

    /// Rows on screen whose evidence has not been counted yet, as work for the runner.
    pub fn span_count_request(&mut self) -> Option<Effect> {
        let page = self.list_page();
        let want: Vec<u32> = self
            .rows
            .iter()
            .skip(self.list_top)
            .take(page)
            .copied()
            .filter(|e| !self.span_counts.contains_key(e) && !self.counting.contains(e))
            .collect();
        if want.is_empty() {
            return None;
        }
        self.counting.extend(want.iter().copied());
        Some(Effect::CountSpans(want))
    }

    /// Evidence counts arrived: (entry, quotes located, quotes given).
    pub fn on_span_counts(&mut self, counts: Vec<(u32, u16, u16)>) {
        for (e, placed, quotes) in counts {
            self.counting.remove(&e);
            self.span_counts.insert(e, (placed, quotes));
        }
    }

    pub(super) fn set_rows(&mut self, filter: Option<Query>, rows: Vec<u32>) -> Vec<Effect> {
        self.set_rows_counted(filter, rows, None)
    }

    /// `set_rows` with the rows' tier counts when they are known already.
    pub(super) fn set_rows_counted(
        &mut self,
        filter: Option<Query>,
        rows: Vec<u32>,
        tiers: Option<[usize; 3]>,
    ) -> Vec<Effect> {
        let keep = self.current();
        // Rows set here supersede any search under way.
        self.search_progress = None;
        self.search_for = None;
        self.grown_while_searching = false;
        let same_filter = self.filter.as_ref().map(|q| &q.text) == filter.as_ref().map(|q| &q.text);
        self.filter = filter;
        self.rows = rows;
        self.columns = super::columns::ListColumns::of(&self.corpus.view(), &self.rows);
        match tiers {
            Some(t) => self.tier_counts = t,
            None => self.count_tiers(),
        }
        self.sort_rows();
        self.selected = keep
            .and_then(|k| self.rows.iter().position(|&r| r == k))
            .unwrap_or(0);
        self.keep_selection_visible();
        // Matches depend on the filter: read the transcript again if it changed.
        if !same_filter {
            self.reader.entry = None;
            self.reader.transcript = None;
        }
        self.load_current()
    }

    /// Sorts the rows again and shows the first: a page left wherever the selected
    /// transcript landed would look unsorted. A labeling session keeps its item.
    pub(super) fn resort(&mut self) -> Vec<Effect> {
        let keep = self.current();
        self.sort_rows();
        let staying = self.session.is_some();
        self.selected = match keep.filter(|_| staying) {
            Some(k) => self.rows.iter().position(|&r| r == k).unwrap_or(0),
            None => 0,
        };
        self.message = Some(format!(
            "sorted by {}{}{}",
            self.sort.name(),
            if self.descending { ", descending" } else { "" },
            if staying { "" } else { "; at the top" }
        ));
        self.keep_selection_visible();
        self.load_current()
    }

    pub(super) fn sort_rows(&mut self) {
        let corpus = self.corpus.clone();
        let view = corpus.view();
        let score = |v: Option<f64>| v.map_or(f64::NEG_INFINITY, |x| x);
        match self.sort {
            Column::Order => match &self.session {
                Some(s) => s.sort_in_queue_order(&mut self.rows),
                None => self.rows.sort_unstable(),
            },
            Column::Id => self
                .rows
                .sort_by_cached_key(|&i| view.id(i as usize).into_owned()),
            Column::Model => self
                .rows
                .sort_by_key(|&i| (view.model(i as usize).unwrap_or(""), i)),
            Column::Tier => self
                .rows
                .sort_by_key(|&i| (view.entry(i as usize).tier(), i)),
            Column::Condition => self
                .rows
                .sort_by_key(|&i| (view.condition(i as usize).unwrap_or(""), i)),
            Column::Compliance => self.rows.sort_by(|&a, &b| {
                score(view.entry(a as usize).compliance())
                    .total_cmp(&score(view.entry(b as usize).compliance()))
                    .then(a.cmp(&b))
            }),
            Column::Af => self.rows.sort_by(|&a, &b| {
                score(view.entry(a as usize).af())
                    .total_cmp(&score(view.entry(b as usize).af()))
                    .then(a.cmp(&b))
            }),
            Column::Spans => {
                let counts = &self.span_counts;
                self.rows
                    .sort_by_key(|&i| (counts.get(&i).map_or(-1, |c| i32::from(c.0)), i));
            }
            Column::Label => self.rows.sort_by_cached_key(|&i| {
                (
                    corpus
                        .labels_of(i as usize)
                        .last()
                        .and_then(|l| l.af().map(str::to_string))
                        .unwrap_or_default(),
                    i,
                )
            }),
        }
        if self.descending {
            self.rows.reverse();
        }
    }

    pub(super) fn list_page(&self) -> usize {
        match self.layout() {
            Layout::Main { list: Some(l), .. } => {
                usize::from(l.inner().height.saturating_sub(1)).max(1)
            }
            _ => 1,
        }
    }

    pub(super) fn select_by(&mut self, delta: i64) -> Vec<Effect> {
        if self.rows.is_empty() {
            return Vec::new();
        }
        let max = self.rows.len() as i64 - 1;
        self.selected = (self.selected as i64).saturating_add(delta).clamp(0, max) as usize;
        self.keep_selection_visible();
        self.load_current()
    }

    /// The other tier's entry for the selected transcript.
    /// `None` too while the pairs are being built (see `pairs_ready`).
    pub fn partner_of_current(&self) -> Option<u32> {
        self.corpus.pairs_built()?.partner(self.current()? as usize)
    }

    /// Whether free/paid pairs are built for the corpus shown.
    pub fn pairs_ready(&self) -> bool {
        self.corpus.pairs_built().is_some()
    }

    /// The paired view's partner to read, or the pairs to build first (once).
    pub(super) fn partner_request(&mut self) -> Vec<Effect> {
        if !self.pairs_ready() {
            if self.pairing.is_some() {
                return Vec::new();
            }
            self.pairing = Some((0, self.corpus.len()));
            self.message = Some("pairing free and paid transcripts…".into());
            return vec![Effect::BuildPairs];
        }
        self.partner_of_current()
            .map(Effect::LoadTranscript)
            .into_iter()
            .collect()
    }

    /// Pairs are being built: transcripts keyed so far, of how many.
    pub fn on_pairs_progress(&mut self, done: usize, total: usize) {
        if self.pairing.is_some() {
            self.pairing = Some((done, total));
            self.message = Some(format!(
                "pairing free and paid transcripts… {}%",
                done * 100 / total.max(1)
            ));
        }
    }

    /// The pairs of the corpus the worker was given are built. The paired view reads
    /// its partner now; if the corpus was replaced meanwhile, its pairs are built next.
    pub fn on_pairs_built(&mut self) -> Vec<Effect> {
        self.pairing = None;
        if self
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("pairing free"))
        {
            self.message = None;
        }
        if !self.reader.paired || self.reader.partner.is_some() {
            return Vec::new();
        }
        let fx = self.partner_request();
        if fx.is_empty() && self.pairs_ready() && self.current().is_some() {
            self.message = Some("no transcript of the same prompt on the other tier".into());
        }
        fx
    }

    pub(super) fn load_current(&mut self) -> Vec<Effect> {
        match self.current() {
            Some(e) if self.reader.entry != Some(e) => {
                let mut fx = vec![Effect::LoadTranscript(e)];
                if self.reader.paired {
                    self.reader.partner = None;
                    fx.extend(self.partner_request());
                }
                fx
            }
            Some(_) => Vec::new(),
            None => {
                self.reader = super::Reader {
                    show_system: self.reader.show_system,
                    ..Default::default()
                };
                Vec::new()
            }
        }
    }

    pub(super) fn keep_selection_visible(&mut self) {
        let page = self.list_page();
        if self.selected < self.list_top {
            self.list_top = self.selected;
        } else if self.selected >= self.list_top + page {
            self.list_top = self.selected + 1 - page;
        }
        self.list_top = self.list_top.min(self.rows.len().saturating_sub(page));
    }
}
