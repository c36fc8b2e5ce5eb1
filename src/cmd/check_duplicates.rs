//! `check`'s duplicate ids: every id more than one transcript has, with the place of
//! each copy, and ids that differ only in their Unicode normalisation (NFC vs NFD).

use afscope::load::Corpus;
use afscope::model::sanitize::visible;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use unicode_normalization::UnicodeNormalization;

/// An id spelled so that two spellings of one text tell apart: ASCII as it is,
/// anything else as `\u{…}`.
fn spelled(id: &str) -> String {
    let mut s = String::new();
    for c in id.chars() {
        if c.is_ascii_graphic() || c == ' ' {
            s.push(c);
        } else {
            let _ = write!(s, "\\u{{{:x}}}", c as u32);
        }
    }
    s
}

/// What was found: (duplicated ids, transcripts that have them, near-duplicate groups).
pub struct Found {
    pub ids: usize,
    pub transcripts: usize,
    pub near: usize,
}

/// Writes the section (nothing when every id is its own) and says what it found.
pub fn section(out: &mut String, corpus: &Corpus) -> Found {
    let view = corpus.view();
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for i in 0..view.len() {
        by_id.entry(view.id(i).into_owned()).or_default().push(i);
    }
    let mut dups: Vec<(&String, &Vec<usize>)> = by_id.iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort_by_key(|(_, v)| v[0]);
    let mut by_form: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for id in by_id.keys().filter(|id| !id.is_ascii()) {
        by_form.entry(id.nfc().collect()).or_default().push(id);
    }
    let near: Vec<Vec<&String>> = by_form
        .into_values()
        .filter(|v| v.len() > 1)
        .map(|mut v| {
            v.sort();
            v
        })
        .collect();
    let places = |v: &[usize]| {
        let shown: Vec<String> = v.iter().take(8).map(|&i| view.place(i)).collect();
        let more = v.len().saturating_sub(8);
        let mut s = visible(&shown.join(", "), false).into_owned();
        if more > 0 {
            let _ = write!(s, " and {more} more");
        }
        s
    };
    if !dups.is_empty() {
        let _ = writeln!(
            out,
            "Duplicate ids ({}): verdict joins and labels on them are refused",
            dups.len()
        );
        for (id, v) in &dups {
            let _ = writeln!(out, "  {} × {}: {}", spelled(id), v.len(), places(v));
        }
        out.push('\n');
    }
    if !near.is_empty() {
        let _ = writeln!(
            out,
            "Near-duplicate ids ({}): equal after Unicode normalisation (NFC), not as written",
            near.len()
        );
        for group in &near {
            let parts: Vec<String> = group
                .iter()
                .map(|id| format!("{} at {}", spelled(id), places(&by_id[*id])))
                .collect();
            let _ = writeln!(out, "  {}", parts.join("; "));
        }
        out.push('\n');
    }
    Found {
        ids: dups.len(),
        transcripts: dups.iter().map(|(_, v)| v.len()).sum(),
        near: near.len(),
    }
}
