//! The queues a labeling session works through: the view in order, random with a
//! seed, stratified by model × tier (× score bucket) with a target per stratum, near
//! the classifier threshold, disagreements (classifier vs human, human vs human), two
//! labelers to adjudicate, and a saved list of ids. A queue is a pure function of its
//! spec and the data, so a session resumes on the same items.

use crate::load::Corpus;
use crate::model::{LabelRecord, Tier};
use crate::synth::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How a queue is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum QueueMode {
    /// The view in its order.
    View,
    /// The view shuffled.
    Random { seed: u64 },
    /// Up to `per_stratum` random items of every model × tier (× score bucket when
    /// `buckets` > 1), interleaved so that every stratum advances together.
    Stratified {
        seed: u64,
        per_stratum: usize,
        buckets: usize,
    },
    /// Scored items closest to the threshold first (the classifier's least certain).
    Threshold { threshold: f64 },
    /// Items where labelers disagree on the primary field, then items where the
    /// classifier at the threshold disagrees with the human answer (most confident
    /// classifier first).
    Disagree { threshold: f64 },
    /// Items both labelers labelled with different answers on any field, for a final
    /// answer.
    Adjudicate { first: String, second: String },
    /// The ids in a file, in its order (one per line; `#` comments).
    Ids { file: String },
}

/// A session's queue and how to show it; stored in the journal's session event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueSpec {
    #[serde(flatten)]
    pub mode: QueueMode,
    /// The filter the queue was drawn from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Hide tier, model, condition and scores until the item is labelled.
    #[serde(default)]
    pub blind: bool,
    /// How many items the session means to label (default: the whole queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<usize>,
}

impl QueueSpec {
    /// One line for the status bar.
    pub fn describe(&self) -> String {
        let mode = match &self.mode {
            QueueMode::View => "view".to_string(),
            QueueMode::Random { seed } => format!("random (seed {seed})"),
            QueueMode::Stratified {
                per_stratum,
                buckets,
                ..
            } if *buckets > 1 => format!("stratified {per_stratum}/stratum × {buckets} buckets"),
            QueueMode::Stratified { per_stratum, .. } => {
                format!("stratified {per_stratum}/stratum")
            }
            QueueMode::Threshold { threshold } => format!("near {threshold}"),
            QueueMode::Disagree { .. } => "disagreements".to_string(),
            QueueMode::Adjudicate { first, second } => format!("adjudicate {first} vs {second}"),
            QueueMode::Ids { file } => format!("ids from {file}"),
        };
        if self.blind {
            format!("{mode} · blind")
        } else {
            mode
        }
    }
}

/// A stratum of a stratified queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    pub name: String,
    /// Items of the stratum in the view.
    pub available: usize,
    /// Items drawn into the queue.
    pub target: usize,
}

/// The items of a session, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queue {
    pub items: Vec<u32>,
    pub strata: Vec<Stratum>,
    /// The stratum of each item (stratified queues).
    pub stratum_of: Vec<u16>,
    /// Ids in an id list that are not in the corpus.
    pub unknown_ids: usize,
}

/// Builds a queue from the rows of the view; disagreement and adjudication queues
/// read the corpus's hand labels (`primary` is the field compared).
pub fn build(
    corpus: &Corpus,
    rows: &[u32],
    mode: &QueueMode,
    primary: &str,
) -> Result<Queue, String> {
    let view = corpus.view();
    let score = |i: u32| view.entry(i as usize).af();
    let mut q = Queue::default();
    match mode {
        QueueMode::View => q.items = rows.to_vec(),
        QueueMode::Random { seed } => {
            q.items = rows.to_vec();
            shuffle(&mut q.items, *seed);
        }
        QueueMode::Stratified {
            seed,
            per_stratum,
            buckets,
        } => {
            let mut strata: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
            for &i in rows {
                let e = view.entry(i as usize);
                let tier = match e.tier() {
                    Tier::Free => "free",
                    Tier::Paid => "paid",
                    Tier::Unknown => "unknown tier",
                };
                let mut name = format!(
                    "{} · {tier}",
                    view.model(i as usize).unwrap_or(crate::model::MISSING)
                );
                if *buckets > 1 {
                    match score(i) {
                        Some(s) => {
                            let b = ((s * *buckets as f64) as usize).min(buckets - 1);
                            let lo = b as f64 / *buckets as f64;
                            let hi = (b + 1) as f64 / *buckets as f64;
                            name.push_str(&format!(" · af {lo:.2}–{hi:.2}"));
                        }
                        None => name.push_str(" · unscored"),
                    }
                }
                strata.entry(name).or_default().push(i);
            }
            let mut drawn = Vec::new();
            for (s, (name, mut items)) in strata.into_iter().enumerate() {
                let available = items.len();
                shuffle(&mut items, seed.wrapping_add(s as u64));
                items.truncate(*per_stratum);
                q.strata.push(Stratum {
                    name,
                    available,
                    target: items.len(),
                });
                drawn.push(items);
            }
            // Round-robin, so that stopping early leaves every stratum about as done.
            let longest = drawn.iter().map(Vec::len).max().unwrap_or(0);
            for k in 0..longest {
                for (s, items) in drawn.iter().enumerate() {
                    if let Some(&i) = items.get(k) {
                        q.items.push(i);
                        q.stratum_of.push(s as u16);
                    }
                }
            }
        }
        QueueMode::Threshold { threshold } => {
            let mut scored: Vec<(f64, u32)> = rows
                .iter()
                .filter_map(|&i| score(i).map(|s| ((s - threshold).abs(), i)))
                .collect();
            scored.sort_by(|a, b| a.0.total_cmp(&b.0));
            q.items = scored.into_iter().map(|(_, i)| i).collect();
        }
        QueueMode::Disagree { threshold } => {
            let mut humans = Vec::new();
            let mut machine = Vec::new();
            for &i in rows {
                let answers: Vec<&str> = latest_per_labeler(corpus.labels_of(i as usize))
                    .into_iter()
                    .filter_map(|l| l.values.get(primary)?.as_str())
                    .filter(|a| *a == "yes" || *a == "no")
                    .collect();
                if answers.is_empty() {
                    continue;
                }
                if answers.iter().any(|a| *a != answers[0]) {
                    humans.push(i);
                } else if let Some(s) = score(i) {
                    if (s >= *threshold) != (answers[0] == "yes") {
                        machine.push(((s - threshold).abs(), i));
                    }
                }
            }
            machine.sort_by(|a, b| b.0.total_cmp(&a.0));
            q.items = humans;
            q.items.extend(machine.into_iter().map(|(_, i)| i));
        }
        QueueMode::Adjudicate { first, second } => {
            for &i in rows {
                let latest = latest_per_labeler(corpus.labels_of(i as usize));
                let find = |who: &str| latest.iter().find(|l| l.labeler == who).copied();
                if let (Some(a), Some(b)) = (find(first), find(second)) {
                    if differ(a, b) {
                        q.items.push(i);
                    }
                }
            }
        }
        QueueMode::Ids { file } => {
            // The file is named by a journal, which anyone may have written: a regular
            // file of at most 256 MB, or nothing.
            let text = crate::load::input::bytes::read_small(std::path::Path::new(file), 256 << 20)
                .map_err(|e| format!("{file}: {e}"))?;
            let allowed: std::collections::HashSet<u32> = rows.iter().copied().collect();
            let by_id: HashMap<String, u32> = (0..corpus.len())
                .map(|i| (view.id(i).into_owned(), i as u32))
                .collect();
            for line in text.lines() {
                let id = line.trim();
                if id.is_empty() || id.starts_with('#') {
                    continue;
                }
                match by_id.get(id) {
                    Some(&i) if allowed.contains(&i) => q.items.push(i),
                    Some(_) => {}
                    None => q.unknown_ids += 1,
                }
            }
        }
    }
    Ok(q)
}

/// Each labeler's newest label among `labels` (later records win).
pub fn latest_per_labeler<'a>(
    labels: impl IntoIterator<Item = &'a LabelRecord>,
) -> Vec<&'a LabelRecord> {
    let mut out: Vec<&LabelRecord> = Vec::new();
    for l in labels {
        match out.iter_mut().find(|o| o.labeler == l.labeler) {
            Some(o) => *o = l,
            None => out.push(l),
        }
    }
    out
}

/// Two labels give different answers on some field (spans and notes aside).
pub fn differ(a: &LabelRecord, b: &LabelRecord) -> bool {
    let keys: std::collections::BTreeSet<&String> =
        a.values.keys().chain(b.values.keys()).collect();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "spans" | "note" | "adjudicates"))
        .any(|k| a.values.get(k) != b.values.get(k))
}

/// A hash of a label's answers (spans and notes aside): two labels that `differ` have
/// different fingerprints (but for a 2^-64 chance).
pub fn answer_fingerprint(l: &LabelRecord) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (k, v) in &l.values {
        if !matches!(k.as_str(), "spans" | "note" | "adjudicates") {
            k.hash(&mut h);
            v.to_string().hash(&mut h);
        }
    }
    h.finish()
}

fn shuffle(items: &mut [u32], seed: u64) {
    let mut rng = Rng::new(seed);
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}
