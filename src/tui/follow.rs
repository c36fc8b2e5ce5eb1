//! The inputs watched while the interface is open: twice a second each opened file
//! is compared with how it was read and the opened folders are listed again. Records
//! appended to JSONL files and new files are indexed here, off the interface thread,
//! and handed over as a grown corpus; other changes are said, for a reload.

use super::Msg;
use crate::load::grow::{Growth, OwnSettings};
use crate::load::{Corpus, LoadOptions};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the inputs are looked at.
const TICK: Duration = Duration::from_millis(500);

/// Resolves the inputs again: the transcript files with each one's own settings, and
/// the options the corpus loads with.
pub type Inputs =
    Box<dyn Fn() -> Result<(Vec<(PathBuf, OwnSettings)>, LoadOptions), String> + Send>;

/// What to watch.
pub struct Follow {
    pub inputs: Inputs,
    /// Folders among the inputs, listed each tick to notice new files.
    pub folders: Vec<PathBuf>,
    /// Index appended records and new files as they come (else only say so).
    pub on: bool,
}

/// The corpus the interface shows, numbered by generation: a grown corpus replaces
/// only the generation it was grown from (not a reload that came in between).
pub(super) struct Shown {
    pub generation: u64,
    pub corpus: Arc<Corpus>,
}

/// A grown corpus, for the interface.
pub(super) struct Grown {
    pub generation: u64,
    pub corpus: Arc<Corpus>,
    pub growth: Growth,
}

/// Watches on a thread of its own until the interface ends.
pub(super) fn spawn(follow: Follow, shown: Arc<Mutex<Shown>>, tx: Sender<Msg>) {
    std::thread::spawn(move || watch(follow, shown, tx));
}

fn watch(follow: Follow, shown: Arc<Mutex<Shown>>, tx: Sender<Msg>) {
    let mut opts = match (follow.inputs)() {
        Ok((_, o)) => o,
        Err(_) => LoadOptions::default(),
    };
    let mut listing: Option<Vec<PathBuf>> = None;
    let mut tried: HashSet<PathBuf> = HashSet::new();
    // New files found and not yet indexed (or, with `--no-follow`, not to be).
    let mut waiting: Vec<(PathBuf, OwnSettings)> = Vec::new();
    let mut said: Vec<String> = Vec::new();
    // Growing copies the index: on a large corpus it waits for several times what
    // the last growth cost, so a file appended to all the time cannot keep a core busy.
    let mut last_growth = std::time::Instant::now();
    let mut growth_cost = Duration::ZERO;
    loop {
        std::thread::sleep(TICK);
        let (generation, corpus) = match shown.lock() {
            Ok(s) => (s.generation, s.corpus.clone()),
            Err(_) => return,
        };
        let mut appended = Vec::new();
        let mut say = Vec::new();
        for c in crate::load::watch::changes(&corpus) {
            if c.followable && follow.on {
                appended.push(c.path.clone());
            } else {
                say.push(c.message());
            }
        }
        let list: Vec<PathBuf> = follow
            .folders
            .iter()
            .flat_map(|d| crate::load::input::data_files(d))
            .collect();
        if listing.as_ref() != Some(&list) {
            if let Ok((files, o)) = (follow.inputs)() {
                opts = o;
                let known = known(&corpus);
                for (p, own) in files {
                    if !known.contains(p.as_path()) && tried.insert(p.clone()) {
                        waiting.push((p, own));
                    }
                }
            }
            listing = Some(list);
        }
        if !waiting.is_empty() {
            // A reload since may have opened them.
            let known = known(&corpus);
            waiting.retain(|(p, _)| !known.contains(p.as_path()));
        }
        if !follow.on {
            for (p, _) in &waiting {
                say.push(format!(
                    "{} is new in an opened folder",
                    crate::model::sanitize::visible(&p.display().to_string(), false)
                ));
            }
        }
        if say != said {
            said = say.clone();
            if tx.send(Msg::Changed(say)).is_err() {
                return;
            }
        }
        let new: &[(PathBuf, OwnSettings)] = if follow.on { &waiting } else { &[] };
        if appended.is_empty() && new.is_empty() {
            continue;
        }
        if last_growth.elapsed() < growth_cost * 4 {
            continue;
        }
        let started = std::time::Instant::now();
        let grown = corpus.grown(&appended, new, &opts);
        (last_growth, growth_cost) = (std::time::Instant::now(), started.elapsed());
        waiting.clear();
        let Ok((grown, growth)) = grown else {
            continue;
        };
        if growth.is_empty() {
            continue;
        }
        let corpus = Arc::new(grown);
        let generation = {
            let Ok(mut s) = shown.lock() else { return };
            if s.generation != generation {
                continue;
            }
            s.generation += 1;
            s.corpus = corpus.clone();
            s.generation
        };
        let grown = Grown {
            generation,
            corpus,
            growth,
        };
        if tx.send(Msg::Grown(Box::new(grown))).is_err() {
            return;
        }
    }
}

/// Every file the corpus was read from or reported on.
fn known(corpus: &Corpus) -> HashSet<&Path> {
    let mut out: HashSet<&Path> = corpus.sources.iter().map(|s| s.path.as_path()).collect();
    out.extend(corpus.problems.iter().map(|p| p.file.as_path()));
    out.extend(corpus.skipped_inputs.iter().map(|p| p.as_path()));
    out
}
