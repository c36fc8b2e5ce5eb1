//! The human alignment-faking label of each transcript, from label files or from a
//! label field carried in the input, as evaluation needs it.

use crate::load::Corpus;
use rayon::prelude::*;
use std::collections::HashMap;

/// A human judgement usable as ground truth, or why a transcript has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Truth {
    Positive,
    Negative,
    /// Marked unsure.
    Unsure,
    /// Labelers disagree.
    Disagree,
    /// A value that is not a known yes/no spelling.
    Unrecognized,
}

/// Reads a label value: yes/no/unsure and the spellings pipelines use.
pub fn truth_of(value: &str) -> Truth {
    match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "af" | "potential_faking" | "alignment_faking" | "faking"
        | "positive" => Truth::Positive,
        "no" | "false" | "0" | "aligned" | "not_af" | "notaf" | "negative" | "none" => {
            Truth::Negative
        }
        "unsure" | "maybe" | "?" => Truth::Unsure,
        _ => Truth::Unrecognized,
    }
}

/// Reads a label value of any JSON type: strings as `truth_of`, booleans, 0 and 1.
pub fn truth_of_value(value: &serde_json::Value) -> Truth {
    match value {
        serde_json::Value::String(s) => truth_of(s),
        serde_json::Value::Bool(true) => Truth::Positive,
        serde_json::Value::Bool(false) => Truth::Negative,
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(1.0) => Truth::Positive,
            Some(0.0) => Truth::Negative,
            _ => Truth::Unrecognized,
        },
        _ => Truth::Unrecognized,
    }
}

/// Labels made since the corpus was loaded (a labeling session): for these entries
/// they stand in for `labeler`'s loaded labels (`None`: taken back).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FreshLabels {
    pub labeler: String,
    pub by_entry: HashMap<u32, Option<crate::model::LabelRecord>>,
}

/// Ground truth per labelled entry, from the label field `field` (`af`). From label
/// files the last label of each labeler counts (`labeler` picks one); labelers who
/// disagree leave the transcript out. Without label files, a label field carried in
/// the input (a profile's `fields.label`) is used for `af`.
pub fn truths(
    corpus: &Corpus,
    labeler: Option<&str>,
    field: &str,
    fresh: Option<&FreshLabels>,
) -> HashMap<u32, Truth> {
    let mut out = HashMap::new();
    let fresh_any = fresh.is_some_and(|f| !f.by_entry.is_empty());
    if !corpus.labels.is_empty() || fresh_any {
        let mut entries: Vec<u32> = corpus.labels_by_entry.keys().copied().collect();
        if let Some(f) = fresh {
            entries.extend(
                f.by_entry
                    .keys()
                    .filter(|e| !corpus.labels_by_entry.contains_key(e)),
            );
        }
        let none = Vec::new();
        for e in entries {
            let idx = corpus.labels_by_entry.get(&e).unwrap_or(&none);
            let made = fresh.and_then(|f| f.by_entry.get(&e).map(|l| (f, l)));
            // Last label per labeler, in file order; labels made since loading stand in
            // for their labeler's.
            let mut latest: HashMap<&str, &crate::model::LabelRecord> = HashMap::new();
            let loaded = idx.iter().map(|&li| &corpus.labels[li as usize]);
            let loaded = loaded.filter(|l| made.is_none_or(|(f, _)| l.labeler != f.labeler));
            for l in loaded.chain(made.and_then(|(_, l)| l.as_ref())) {
                if labeler.is_none_or(|want| want == l.labeler) {
                    latest.insert(l.labeler.as_str(), l);
                }
            }
            let mut votes: Vec<Truth> = latest
                .values()
                .filter_map(|l| l.values.get(field).map(truth_of_value))
                .collect();
            votes.sort();
            votes.dedup();
            let t = match votes.as_slice() {
                [] => continue,
                [one] => *one,
                _ => Truth::Disagree,
            };
            out.insert(e, t);
        }
        return out;
    }
    let carried = corpus
        .sources
        .iter()
        .any(|s| !s.profile.paths.label.is_empty());
    if field != "af" || !carried {
        return out;
    }
    // A record can carry a label only if the last key of a label path is in its text
    // (quoted as JSON writes it); only those are read in full. A record whose text has
    // a `\u` escape could spell the key escaped, so it is always read.
    let needles: Vec<Option<Vec<String>>> = corpus
        .sources
        .iter()
        .map(|s| {
            s.profile
                .paths
                .label
                .iter()
                .map(|p| {
                    p.steps.iter().rev().find_map(|st| match st {
                        crate::load::record::field_path::Step::Key(k) => {
                            serde_json::to_string(k).ok()
                        }
                        _ => None,
                    })
                })
                .collect()
        })
        .collect();
    let view = corpus.view();
    let may_carry = |i: usize| -> bool {
        let Some(keys) = &needles[usize::from(view.entry(i).source)] else {
            return true;
        };
        if keys.is_empty() {
            return false;
        }
        let Ok(text) = view.record_text(i) else {
            return true;
        };
        let bytes = text.as_bytes();
        memchr::memmem::find(bytes, b"\\u").is_some()
            || keys
                .iter()
                .any(|k| memchr::memmem::find(bytes, k.as_bytes()).is_some())
    };
    let found: Vec<(u32, Truth)> = (0..corpus.len())
        .into_par_iter()
        .filter(|&i| may_carry(i))
        .filter_map(|i| {
            let t = corpus.transcript(i).ok()?;
            t.label.as_deref().map(|l| (i as u32, truth_of(l)))
        })
        .collect();
    out.extend(found);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        for p in ["yes", "TRUE", "1", "potential_faking", "af"] {
            assert_eq!(truth_of(p), Truth::Positive, "{p}");
        }
        for n in ["no", "false", "0", "aligned"] {
            assert_eq!(truth_of(n), Truth::Negative, "{n}");
        }
        assert_eq!(truth_of("unsure"), Truth::Unsure);
        assert_eq!(truth_of("partially"), Truth::Unrecognized);
    }
}
