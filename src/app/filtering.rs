//! The filter applied to the corpus: decided at once on index fields, on a worker for
//! text terms, pairs and large corpora; a snapshot taken in while loading filters only
//! the transcripts it adds.

use super::update::{Candidates, Effect};
use super::App;
use crate::query::Query;

impl App {
    /// More of the corpus was indexed (or all of it, `indexing` `None`): entries keep
    /// their numbers, so the selection and the reader stay. While loading, the filter
    /// is run on the new transcripts only (a search under way finishes first, then
    /// takes them in); the finished corpus brings joined verdicts and labels, so the
    /// filter is applied again to all of it and the transcript on screen is read again
    /// (its place kept).
    pub fn replace_corpus(
        &mut self,
        corpus: std::sync::Arc<crate::load::Corpus>,
        indexing: Option<u8>,
    ) -> Vec<Effect> {
        // Snapshots are prefixes of one another: what was filtered stays filtered.
        let grows = self.indexing.is_some()
            && indexing.is_some()
            && self.queue.is_none()
            && corpus.len() >= self.corpus.len();
        self.corpus = corpus;
        self.indexing = indexing;
        let mut fx = match (self.filter.clone(), self.search_for.clone()) {
            (_, Some(q)) if grows && local(&q) => {
                self.grown_while_searching = true;
                Vec::new()
            }
            (_, Some(q)) => self.apply_filter(q),
            (Some(q), None) if grows && local(&q) => self.filter_grown(q),
            (Some(q), None) => self.apply_filter(q),
            (None, None) => {
                let all = crate::model::rows::all(self.corpus.len() as u32);
                self.filter_covers = self.corpus.len();
                self.set_rows(None, all)
            }
        };
        if indexing.is_none() {
            let shown = [self.reader.entry, self.reader.partner.as_ref().map(|p| p.0)];
            for e in shown.into_iter().flatten() {
                if !fx
                    .iter()
                    .any(|f| matches!(f, Effect::LoadTranscript(x) if *x == e))
                {
                    fx.push(Effect::LoadTranscript(e));
                }
            }
        }
        fx
    }

    /// The filter run on the transcripts indexed since it last ran, its rows so far
    /// kept.
    fn filter_grown(&mut self, q: Query) -> Vec<Effect> {
        let (from, to) = (self.filter_covers, self.corpus.len());
        self.filter_covers = to;
        if from >= to {
            return Vec::new();
        }
        let mut kept = self.rows.clone();
        kept.sort_unstable();
        let overlay = self.label_overlay().map(std::sync::Arc::new);
        if to - from > self.filter_in_background_over {
            let range = Candidates::Range(from as u32, to as u32);
            return self.search(q, kept, range, None, overlay);
        }
        let (mut certain, open) = self.decide_on_fields(&q, overlay.as_deref(), None, from..to);
        kept.append(&mut certain);
        if open.is_empty() {
            return self.set_rows(Some(q), kept);
        }
        self.search(q, kept, Candidates::These(open), None, overlay)
    }

    /// Whether a search runs in the background for the filter.
    pub fn searching(&self) -> bool {
        self.search_for.is_some()
    }

    /// A background search is under way.
    pub fn on_search_progress(&mut self, done: usize, total: usize, found: usize) {
        self.search_progress = Some((done, total, found));
        self.message = Some(format!(
            "searching {}% · {found} found",
            done * 100 / total.max(1)
        ));
    }

    /// A background search finished: its matches, in entry order, and how many of
    /// them are of each tier (counted by the worker).
    pub fn on_search_done(
        &mut self,
        query: Query,
        rows: Vec<u32>,
        tiers: [usize; 3],
    ) -> Vec<Effect> {
        // A filter set since, on this thread, replaced it.
        if self.search_for.as_ref().map(|q| &q.text) != Some(&query.text) {
            return Vec::new();
        }
        let grown = std::mem::take(&mut self.grown_while_searching);
        self.message = Some(format!("{} found", rows.len()));
        let mut fx = self.set_rows_counted(Some(query.clone()), rows, Some(tiers));
        if grown {
            fx.extend(self.filter_grown(query));
        }
        fx
    }

    /// Applies a parsed query: index fields decide at once; text terms go to the
    /// background for the entries the fields leave open.
    pub fn apply_filter(&mut self, q: Query) -> Vec<Effect> {
        let queue = self.queue.as_ref().map(|(_, q)| q.clone());
        self.filter_covers = self.corpus.len();
        self.grown_while_searching = false;
        if q.is_all() {
            let all = match &queue {
                Some(q) => crate::model::rows::copied(q),
                None => crate::model::rows::all(self.corpus.len() as u32),
            };
            return self.set_rows(None, all);
        }
        let n = queue.as_ref().map_or(self.corpus.len(), |q| q.len());
        let overlay = self.label_overlay().map(std::sync::Arc::new);
        let pairing = q.uses_pairs() && !self.pairs_ready();
        if n > self.filter_in_background_over || pairing {
            // Even a filter on index fields alone takes more than a frame here; pairs
            // are built from every transcript of the corpus first.
            let candidates = match &queue {
                Some(q) => Candidates::These(q.to_vec()),
                None => Candidates::All(n as u32),
            };
            let said = if pairing {
                format!("pairing free and paid transcripts, then filtering {n}…")
            } else {
                format!("filtering {n} transcripts…")
            };
            return self.search(q, Vec::new(), candidates, Some(said), overlay);
        }
        let queued = queue.as_deref().map(|v| &v[..]);
        let (certain, candidates) = self.decide_on_fields(&q, overlay.as_deref(), queued, 0..n);
        if candidates.is_empty() {
            return self.set_rows(Some(q), certain);
        }
        self.search(q, certain, Candidates::These(candidates), None, overlay)
    }

    /// Entries `range` (of the queue when there is one, else of the corpus) as the
    /// index fields decide them: those that match, and those text terms must decide.
    /// In parallel, order kept: each fold covers a contiguous range, and reduce joins
    /// them left to right.
    fn decide_on_fields(
        &self,
        q: &Query,
        overlay: Option<&crate::query::LabelOverlay>,
        queue: Option<&[u32]>,
        range: std::ops::Range<usize>,
    ) -> (Vec<u32>, Vec<u32>) {
        use rayon::prelude::*;
        let p = q.prepare_with(&self.corpus, overlay);
        range
            .into_par_iter()
            .with_min_len(4096)
            .map(|k| queue.map_or(k, |q| q[k] as usize))
            .fold(
                || (Vec::new(), Vec::new()),
                |(mut certain, mut open): (Vec<u32>, Vec<u32>), i| {
                    match p.fields(i) {
                        Some(true) => certain.push(i as u32),
                        Some(false) => {}
                        None => open.push(i as u32),
                    }
                    (certain, open)
                },
            )
            .reduce(
                || (Vec::new(), Vec::new()),
                |(mut a, mut b), (c, d)| {
                    a.extend(c);
                    b.extend(d);
                    (a, b)
                },
            )
    }

    /// Hands `q` to a worker for `candidates`, `certain` matching already (labels made
    /// in the session in `labels`); said in the status line until it is done.
    fn search(
        &mut self,
        q: Query,
        certain: Vec<u32>,
        candidates: Candidates,
        said: Option<String>,
        labels: Option<std::sync::Arc<crate::query::LabelOverlay>>,
    ) -> Vec<Effect> {
        self.message =
            Some(said.unwrap_or_else(|| format!("searching {} transcripts…", candidates.len())));
        self.search_for = Some(q.clone());
        vec![Effect::Search {
            query: q,
            certain,
            candidates,
            labels,
        }]
    }
}

/// Whether a query's answer for a transcript depends on that transcript alone (not on
/// pairs, which other transcripts make).
fn local(q: &Query) -> bool {
    !q.uses_pairs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Keymap;
    use crate::load::{Corpus, LoadOptions};
    use crate::tui::execute_sync;
    use std::sync::Arc;

    const SMALL: crate::synth::Shape = crate::synth::Shape {
        system: 20,
        scratchpad: 60,
        output: 20,
    };

    /// What loading shows: the first file indexed, then both (snapshots, no joins),
    /// and both finished.
    fn snapshots() -> (Arc<Corpus>, Arc<Corpus>, Arc<Corpus>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = (0..2)
            .map(|k| {
                let p = dir.path().join(format!("{k}.jsonl"));
                crate::synth::write_file(&p, 400_000, k + 1, SMALL).unwrap();
                p
            })
            .collect();
        let open = |files: &[std::path::PathBuf]| {
            Corpus::open(files, &LoadOptions::default(), &mut |_, _, _| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap()
        };
        let first = open(&files[..1]);
        let both = open(&files);
        (
            Arc::new(Corpus::snapshot(first.view())),
            Arc::new(Corpus::snapshot(both.view())),
            Arc::new(both),
            dir,
        )
    }

    fn answer(corpus: &Corpus, q: &str) -> Vec<u32> {
        let q = Query::parse(q).unwrap();
        let p = q.prepare(corpus);
        (0..corpus.len())
            .filter(|&i| p.fields(i).unwrap_or_else(|| p.matches(i)))
            .map(|i| i as u32)
            .collect()
    }

    fn loading(corpus: Arc<Corpus>) -> App {
        let mut app = App::new(corpus, Keymap::default(), 0);
        app.indexing = Some(10);
        app
    }

    fn searched(fx: &[Effect]) -> Vec<u32> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Search { candidates, .. } => Some(candidates.clone().into_vec()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[test]
    fn a_snapshot_while_loading_is_filtered_only_where_it_adds() {
        let (first, both, _, _dir) = snapshots();
        let n = first.len() as u32;
        assert!(n > 100 && both.len() as u32 > n + 100);
        for q in [
            "scratchpad:/modify my values/",
            "tier:free model:opus",
            "not scratchpad:values tier:paid",
        ] {
            let mut app = loading(first.clone());
            let fx = app.apply_filter(Query::parse(q).unwrap());
            execute_sync(&mut app, fx);
            assert_eq!(app.rows, answer(&first, q), "{q}");
            let fx = app.replace_corpus(both.clone(), Some(50));
            assert!(
                searched(&fx).iter().all(|&e| e >= n),
                "{q}: only the new entries are searched"
            );
            execute_sync(&mut app, fx);
            assert_eq!(app.rows, answer(&both, q), "{q}");
            assert!(!app.searching());
        }
    }

    #[test]
    fn a_search_under_way_finishes_then_takes_the_snapshot_in() {
        let (first, both, _, _dir) = snapshots();
        let n = first.len() as u32;
        let q = "scratchpad:/modify my values/";
        let mut app = loading(first.clone());
        let search = app.apply_filter(Query::parse(q).unwrap());
        assert!(!searched(&search).is_empty());
        // The snapshot neither restarts the search nor starts another.
        assert!(app.replace_corpus(both.clone(), Some(50)).is_empty());
        assert!(app.searching());
        let Some(Effect::Search {
            query,
            certain,
            candidates,
            ..
        }) = search.into_iter().next()
        else {
            panic!()
        };
        // The search's answer, over the entries it was given.
        let mut rows = certain;
        let p = query.prepare(&first);
        rows.extend(
            candidates
                .into_vec()
                .into_iter()
                .filter(|&i| p.matches(i as usize)),
        );
        rows.sort_unstable();
        let tiers = crate::app::tier_counts(&both, &rows);
        let more = app.on_search_done(query, rows, tiers);
        let extra = searched(&more);
        assert!(
            !extra.is_empty() && extra.iter().all(|&e| e >= n),
            "then the new entries"
        );
        execute_sync(&mut app, more);
        assert_eq!(app.rows, answer(&both, q));
    }

    #[test]
    fn pairs_and_the_finished_corpus_filter_everything_again() {
        let (first, both, done, _dir) = snapshots();
        let mut app = loading(first.clone());
        let fx = app.apply_filter(Query::parse("pair:any").unwrap());
        execute_sync(&mut app, fx);
        // A new transcript can pair with an old one.
        let fx = app.replace_corpus(both.clone(), Some(50));
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::Search {
                    candidates: Candidates::All(_),
                    ..
                }]
            ),
            "{fx:?}"
        );
        execute_sync(&mut app, fx);
        assert_eq!(app.rows, answer(&both, "pair:any"));
        let q = "scratchpad:/modify my values/";
        let fx = app.apply_filter(Query::parse(q).unwrap());
        execute_sync(&mut app, fx);
        let fx = app.replace_corpus(done.clone(), None);
        assert_eq!(
            searched(&fx).len(),
            searched(&app.apply_filter(Query::parse(q).unwrap())).len()
        );
        assert!(
            searched(&fx).iter().any(|&e| (e as usize) < first.len()),
            "joins may change any transcript"
        );
        execute_sync(&mut app, fx);
        assert_eq!(app.rows, answer(&done, q));
    }

    #[test]
    fn a_filter_set_since_drops_the_search_under_way() {
        let (first, _, _, _dir) = snapshots();
        let mut app = loading(first.clone());
        app.indexing = None;
        let search = app.apply_filter(Query::parse("scratchpad:/modify my values/").unwrap());
        let fx = app.apply_filter(Query::parse("tier:free").unwrap());
        execute_sync(&mut app, fx);
        let free = app.rows.clone();
        assert!(!app.searching());
        execute_sync(&mut app, search);
        assert_eq!(app.rows, free, "the older search's answer came too late");
        assert_eq!(app.filter.as_ref().unwrap().text, "tier:free");
    }
}
