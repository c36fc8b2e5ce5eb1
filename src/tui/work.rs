//! Effects carried out: background work on threads (searches in chunks with progress,
//! the finder, counts, panels), the transcript read for the reader, labeling effects
//! through the journal, and finished work handed back to the app.

use super::Msg;
use crate::app::find::Hit;
use crate::app::{App, Effect};
use crate::labeling::write_atomically;
use crate::load::Corpus;
use crate::query::Query;
use crate::tui::label_runner::{Labeling, SessionFrom};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The result of background work.
pub(super) enum Done {
    Search {
        generation: u64,
        query: Query,
        /// In entry order.
        rows: Vec<u32>,
        /// Of `rows`: free, paid, unknown.
        tiers: [usize; 3],
    },
    FiltersSaved(Result<(), String>),
    /// (entry, quotes located, quotes given).
    SpanCounts(Vec<(u32, u16, u16)>),
    /// A search is under way: candidates tested so far, of how many, matches so far.
    SearchProgress {
        generation: u64,
        done: usize,
        total: usize,
        found: usize,
    },
    Find {
        generation: u64,
        pattern: String,
        hits: Vec<Hit>,
    },
    /// The finder's search is under way: transcripts looked at, of how many.
    FindProgress {
        generation: u64,
        done: usize,
        total: usize,
    },
    Gap(crate::stats::gap::GapReport),
    Eval(EvalItems),
    /// Free/paid pairs are being built: transcripts keyed so far, of how many.
    PairsProgress {
        done: usize,
        total: usize,
    },
    /// The free/paid pairs of the corpus are built.
    Pairs,
    /// A labeling session opened and built.
    Session(Box<crate::tui::label_runner::SessionOpened>),
    /// A transcript read and its evidence located, for the reader.
    Transcript {
        entry: u32,
        result: Box<Result<crate::model::Transcript, crate::model::Problem>>,
        prepared: Option<crate::app::Prepared>,
    },
}

type EvalItems = Result<std::collections::BTreeMap<String, crate::stats::eval::Collected>, String>;

/// Does an effect's background work on the calling thread; `progress` hears how
/// far long work has got.
fn perform(
    corpus: &Corpus,
    effect: Effect,
    search_generation: u64,
    latest_find: &AtomicU64,
    progress: &(dyn Fn(Done) + Sync),
) -> Option<Done> {
    match effect {
        Effect::BuildPairs => {
            // Said at each whole percent.
            let said = AtomicU64::new(0);
            corpus.pairs_with(&|done, total| {
                let percent = (done * 100 / total.max(1)) as u64;
                if said.fetch_max(percent, Ordering::Relaxed) < percent {
                    progress(Done::PairsProgress { done, total });
                }
            });
            Some(Done::Pairs)
        }
        Effect::Search {
            query,
            mut certain,
            candidates,
            labels,
        } => {
            let p = query.prepare_with(corpus, labels.as_deref());
            let (found, tiers) = match candidates {
                crate::app::Candidates::All(n) => p.matching_all(n as usize),
                c => p.matching_counted(&c.into_vec()),
            };
            let tiers = if certain.is_empty() {
                certain = found;
                tiers
            } else {
                certain.extend(found);
                crate::app::tier_counts(corpus, &certain)
            };
            if !certain.is_sorted() {
                certain.sort_unstable();
            }
            Some(Done::Search {
                generation: search_generation,
                query,
                rows: certain,
                tiers,
            })
        }
        Effect::Find {
            pattern,
            generation,
        } => {
            let stale = || latest_find.load(Ordering::Relaxed) != generation;
            let step = |done, total| {
                progress(Done::FindProgress {
                    generation,
                    done,
                    total,
                })
            };
            let hits = crate::app::find::search(corpus, &pattern, &stale, &step)?;
            Some(Done::Find {
                generation,
                pattern,
                hits,
            })
        }
        Effect::SaveFilters { path, saved } => Some(Done::FiltersSaved(write_atomically(
            &path,
            &saved.to_toml(),
        ))),
        Effect::CountSpans(entries) => Some(Done::SpanCounts(
            entries
                .par_iter()
                .map(|&e| match corpus.transcript(e as usize) {
                    Ok(t) => {
                        let spans = crate::model::spans::resolve(&t).0;
                        let placed = spans
                            .iter()
                            .filter(|s| {
                                matches!(s.origin, crate::model::spans::Origin::Quote { .. })
                                    && !s.ranges.is_empty()
                            })
                            .count();
                        let quotes = t.verdicts.iter().map(|v| v.quote_count()).sum::<usize>();
                        (
                            e,
                            placed.min(usize::from(u16::MAX)) as u16,
                            quotes.min(usize::from(u16::MAX)) as u16,
                        )
                    }
                    Err(_) => (e, 0, 0),
                })
                .collect(),
        )),
        Effect::ComputeGap(opts) => Some(Done::Gap(crate::stats::gap::compute(corpus, &opts))),
        Effect::Evaluate(opts) => Some(Done::Eval(
            crate::stats::eval::collect(corpus, &opts).map(|(_, items)| items),
        )),
        Effect::LoadTranscript(_)
        | Effect::OpenJournal(_)
        | Effect::SaveLabel(_)
        | Effect::RecordSession(_)
        | Effect::Rescue(_)
        | Effect::Reload
        | Effect::Copy(_)
        | Effect::MouseCapture(_)
        | Effect::Discard(_) => None,
    }
}

/// Hands finished work to the app; superseded searches are dropped.
pub(super) fn apply(
    app: &mut App,
    done: Done,
    search_generation: u64,
    labeling: &mut Labeling,
) -> Vec<Effect> {
    match done {
        Done::Search {
            generation,
            query,
            rows,
            tiers,
        } if generation == search_generation => app.on_search_done(query, rows, tiers),
        Done::Search { .. } => Vec::new(),
        Done::SearchProgress {
            generation,
            done,
            total,
            found,
        } if generation == search_generation => {
            app.on_search_progress(done, total, found);
            Vec::new()
        }
        Done::SearchProgress { .. } => Vec::new(),
        Done::SpanCounts(counts) => {
            app.on_span_counts(counts);
            Vec::new()
        }
        Done::FiltersSaved(result) => {
            app.on_filters_saved(result);
            Vec::new()
        }
        Done::Find {
            generation,
            pattern,
            hits,
        } => {
            app.on_find_results(generation, pattern, hits);
            Vec::new()
        }
        Done::FindProgress {
            generation,
            done,
            total,
        } => {
            app.on_find_progress(generation, done, total);
            Vec::new()
        }
        Done::Gap(report) => {
            app.on_gap(report);
            Vec::new()
        }
        Done::Eval(items) => {
            app.on_eval(items);
            Vec::new()
        }
        Done::Session(opened) => labeling.take_opened(app, *opened),
        Done::PairsProgress { done, total } => {
            app.on_pairs_progress(done, total);
            Vec::new()
        }
        Done::Pairs => app.on_pairs_built(),
        Done::Transcript {
            entry,
            result,
            prepared,
        } => {
            app.on_prepared(entry, *result, prepared);
            Vec::new()
        }
    }
}

fn load(app: &mut App, i: u32) {
    let r = app.corpus.transcript(i as usize);
    app.on_transcript(i, r);
}

/// Carries out effects on the calling thread (for tests and scripts).
pub fn execute_sync(app: &mut App, effects: Vec<Effect>) {
    execute_sync_with(app, effects, &mut Labeling::none("no label journal"));
}

/// A search effect's two halves, for measuring them apart: the worker's part (the
/// search) and the interface thread's (taking in its rows), then what follows; any
/// other effect is given back.
pub fn search_in_two(app: &mut App, effect: Effect) -> Result<(Duration, Duration), Box<Effect>> {
    if !matches!(effect, Effect::Search { .. }) {
        return Err(Box::new(effect));
    }
    let start = std::time::Instant::now();
    let Some(done) = perform(&app.corpus.clone(), effect, 0, &AtomicU64::new(0), &|_| {}) else {
        return Ok((start.elapsed(), Duration::ZERO));
    };
    let worker = start.elapsed();
    let start = std::time::Instant::now();
    let rest = apply(app, done, 0, &mut Labeling::none("no label journal"));
    let interface = start.elapsed();
    execute_sync(app, rest);
    Ok((worker, interface))
}

/// Carries out effects on the calling thread, labeling effects through `labeling`.
pub fn execute_sync_with(app: &mut App, effects: Vec<Effect>, labeling: &mut Labeling) {
    let mut queue = effects;
    while let Some(effect) = queue.pop() {
        let mut left = labeling.perform(app, effect);
        let Some(effect) = left.pop() else {
            continue;
        };
        queue.extend(left);
        if let Effect::LoadTranscript(i) = effect {
            load(app, i);
        } else {
            let find = AtomicU64::new(match &effect {
                Effect::Find { generation, .. } => *generation,
                _ => 0,
            });
            let progress = std::sync::Mutex::new(Vec::new());
            let done = perform(&app.corpus.clone(), effect, 0, &find, &|d| {
                if let Ok(mut p) = progress.lock() {
                    p.push(d);
                }
            });
            for d in progress.into_inner().unwrap_or_default() {
                queue.extend(apply(app, d, 0, labeling));
            }
            if let Some(done) = done {
                queue.extend(apply(app, done, 0, labeling));
            }
        }
        if queue.is_empty() {
            queue.extend(app.span_count_request());
        }
    }
}

/// Searches in chunks, reporting progress, and gives up once a newer search started.
fn search_in_background(
    corpus: &Corpus,
    effect: Effect,
    generation: u64,
    latest: &AtomicU64,
    tx: &mpsc::Sender<Msg>,
) {
    let Effect::Search {
        query,
        mut certain,
        candidates,
        labels,
    } = effect
    else {
        return;
    };
    let p = query.prepare_with(corpus, labels.as_deref());
    let candidates = candidates.into_vec();
    let total = candidates.len();
    // About twenty progress reports per search, at least a few thousand tests apart.
    let step = (total / 20).max(4096);
    for (k, chunk) in candidates.chunks(step).enumerate() {
        if latest.load(Ordering::Relaxed) != generation {
            return;
        }
        certain.extend(p.matching(chunk));
        let done = (k * step + chunk.len()).min(total);
        let progress = Done::SearchProgress {
            generation,
            done,
            total,
            found: certain.len(),
        };
        if done < total && tx.send(Msg::Done(progress)).is_err() {
            return;
        }
    }
    certain.sort_unstable();
    let tiers = crate::app::tier_counts(corpus, &certain);
    let _ = tx.send(Msg::Done(Done::Search {
        generation,
        query,
        rows: certain,
        tiers,
    }));
}

/// Carries out effects, background work on threads that report to the main loop.
pub(super) fn execute(
    app: &mut App,
    effects: Vec<Effect>,
    tx: &mpsc::Sender<Msg>,
    search_generation: &mut u64,
    latest: &Arc<AtomicU64>,
    latest_find: &Arc<AtomicU64>,
    labeling: &mut Labeling,
) {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = queue.pop_front() {
        if let Effect::OpenJournal(spec) = effect {
            crate::tui::label_runner::start_session(app, labeling, SessionFrom::Spec(spec), tx);
            continue;
        }
        let mut left = labeling.perform(app, effect).into_iter();
        let Some(effect) = left.next() else {
            continue;
        };
        // A session just started: its effects run like any others, in order.
        for (k, e) in left.enumerate() {
            queue.insert(k, e);
        }
        if let Effect::LoadTranscript(entry) = effect {
            if app.session.is_some() {
                // A label records what was on screen when it was made: in a session
                // the transcript is in place before the next key is read.
                load(app, entry);
                continue;
            }
        }
        if let Effect::Discard(what) = effect {
            std::thread::spawn(move || drop(what));
            continue;
        }
        let corpus = app.corpus.clone();
        let tx = tx.clone();
        if let Effect::LoadTranscript(entry) = effect {
            // Read and prepared beside the interface, which keeps drawing.
            std::thread::spawn(move || {
                let result = corpus.transcript(entry as usize);
                let prepared = result
                    .as_ref()
                    .ok()
                    .map(|t| crate::app::prepare(&corpus, entry, t));
                let _ = tx.send(Msg::Done(Done::Transcript {
                    entry,
                    result: Box::new(result),
                    prepared,
                }));
            });
            continue;
        }
        if matches!(effect, Effect::Search { .. }) {
            *search_generation += 1;
            latest.store(*search_generation, Ordering::Relaxed);
            let (g, latest) = (*search_generation, latest.clone());
            std::thread::spawn(move || search_in_background(&corpus, effect, g, &latest, &tx));
        } else {
            if let Effect::Find { generation, .. } = &effect {
                latest_find.store(*generation, Ordering::Relaxed);
            }
            let latest_find = latest_find.clone();
            std::thread::spawn(move || {
                let progress = |d| {
                    let _ = tx.send(Msg::Done(d));
                };
                if let Some(done) = perform(&corpus, effect, 0, &latest_find, &progress) {
                    let _ = tx.send(Msg::Done(done));
                }
            });
        }
    }
}

#[cfg(test)]
#[path = "work_tests.rs"]
mod tests;
