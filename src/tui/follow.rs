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
    let mut said: Vec<String> = Vec::new();
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
        let mut new: Vec<(PathBuf, OwnSettings)> = Vec::new();
        let list: Vec<PathBuf> = follow
            .folders
            .iter()
            .flat_map(|d| crate::load::input::data_files(d))
            .collect();
        if listing.as_ref() != Some(&list) {
            if let Ok((files, o)) = (follow.inputs)() {
                opts = o;
                let known = known(&corpus);
                new = files
                    .into_iter()
                    .filter(|(p, _)| !known.contains(p.as_path()) && !tried.contains(p))
                    .collect();
            }
            listing = Some(list);
        }
        if !follow.on && !new.is_empty() {
            for (p, _) in new.drain(..) {
                say.push(format!(
                    "{} is new in an opened folder",
                    crate::model::sanitize::visible(&p.display().to_string(), false)
                ));
            }
        }
        tried.extend(new.iter().map(|(p, _)| p.clone()));
        if say != said {
            said = say.clone();
            if tx.send(Msg::Changed(say)).is_err() {
                return;
            }
        }
        if appended.is_empty() && new.is_empty() {
            continue;
        }
        let Ok((grown, growth)) = corpus.grown(&appended, &new, &opts) else {
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
