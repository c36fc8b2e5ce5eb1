//! The index's data: a compact entry per transcript and the strings entries name.

use crate::model::{Tier, TierSource};
use std::collections::HashMap;

/// No value, for the `u32` fields of an entry.
pub const NONE: u32 = u32::MAX;

/// The id is not stored in the record text; see `Index::owned_ids`.
pub const ID_OWNED: u32 = u32::MAX - 1;

pub const FLAG_AF_FAILED: u8 = 1;
pub const FLAG_COMPLIANCE_FAILED: u8 = 2;

/// One transcript in the index (64 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// Record start in the source bytes.
    pub offset: u64,
    pub len: u32,
    /// 1-based line where the record starts.
    pub line: u32,
    /// 0-based record position in its file (line index for JSONL).
    pub ordinal: u32,
    pub prompt_index: u32,
    /// Id literal at `offset + id_off`, `NONE` (no id) or `ID_OWNED`.
    pub id_off: u32,
    /// Alignment-faking score as read (the `f64` a decimal parses to, or k/n of
    /// votes); NaN when there is none.
    pub af: f64,
    /// Compliance score, as `af`; NaN when there is none.
    pub compliance: f64,
    pub model: u32,
    pub condition: u32,
    /// Wide-layout key (`Free_Tier_Baseline`), `0` for none.
    pub key: u32,
    pub source: u16,
    pub id_len: u16,
    pub tier: u8,
    /// `FLAG_*` bits, and the tier source in bits 4..7.
    pub flags: u8,
}

impl Entry {
    pub fn tier(&self) -> Tier {
        Tier::from_code(self.tier)
    }

    pub fn tier_source(&self) -> TierSource {
        const ALL: [TierSource; 6] = [
            TierSource::Field,
            TierSource::Tags,
            TierSource::UserTag,
            TierSource::Key,
            TierSource::Path,
            TierSource::None,
        ];
        ALL.get(usize::from(self.flags >> 4))
            .copied()
            .unwrap_or(TierSource::None)
    }

    pub fn af(&self) -> Option<f64> {
        (!self.af.is_nan()).then_some(self.af)
    }

    pub fn compliance(&self) -> Option<f64> {
        (!self.compliance.is_nan()).then_some(self.compliance)
    }

    pub fn af_failed(&self) -> bool {
        self.flags & FLAG_AF_FAILED != 0
    }

    pub fn compliance_failed(&self) -> bool {
        self.flags & FLAG_COMPLIANCE_FAILED != 0
    }

    pub fn prompt_index(&self) -> Option<u64> {
        (self.prompt_index != NONE).then_some(u64::from(self.prompt_index))
    }
}

pub(crate) fn tier_source_code(s: TierSource) -> u8 {
    match s {
        TierSource::Field => 0,
        TierSource::Tags => 1,
        TierSource::UserTag => 2,
        TierSource::Key => 3,
        TierSource::Path => 4,
        TierSource::None => 5,
    }
}

/// Distinct strings (models, conditions, keys) numbered from 1; 0 means none.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    names: Vec<String>,
    map: HashMap<String, u32, foldhash::fast::RandomState>,
}

/// Up to this many names are looked up one by one (a file's few models and
/// conditions, compared faster than hashed); past it, by the map.
const LINEAR_NAMES: usize = 8;

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(id) = self.lookup(s) {
            return id;
        }
        self.names.push(s.to_string());
        let id = self.names.len() as u32;
        if !self.map.is_empty() {
            self.map.insert(s.to_string(), id);
        } else if self.names.len() > LINEAR_NAMES {
            self.map = self.iter().map(|(i, n)| (n.to_string(), i)).collect();
        }
        id
    }

    pub fn get(&self, id: u32) -> Option<&str> {
        id.checked_sub(1)
            .and_then(|i| self.names.get(i as usize))
            .map(String::as_str)
    }

    pub fn lookup(&self, s: &str) -> Option<u32> {
        if self.map.is_empty() {
            let at = self.names.iter().position(|n| n == s)?;
            return Some(at as u32 + 1);
        }
        self.map.get(s).copied()
    }

    /// All names with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (i as u32 + 1, n.as_str()))
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.names.iter().map(|n| 2 * n.capacity() + 48).sum()
    }
}

/// The strings entries refer to.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub models: Interner,
    pub conditions: Interner,
    pub keys: Interner,
}

/// The index of a corpus.
#[derive(Debug, Default, Clone)]
pub struct Index {
    pub entries: super::entries::Entries,
    pub names: Names,
    /// Ids that are not literally in the record text (escaped, or from CSV).
    pub owned_ids: HashMap<u32, Box<str>>,
    /// Every alignment-faking classifier of the corpus, in the order first met.
    pub af_classifiers: Vec<String>,
    /// Answers of the tests run while indexing, one per entry (empty without tests).
    pub marks: super::marks::Marks,
}

impl Index {
    /// Adds an alignment-faking classifier to those the corpus has.
    pub fn note_af_classifier(&mut self, name: &str) {
        if !self.af_classifiers.iter().any(|n| n == name) {
            self.af_classifiers.push(name.to_string());
        }
    }

    /// Heap bytes held by the index itself (not the mapped files).
    pub fn heap_bytes(&self) -> usize {
        self.entries.heap_bytes()
            + self.names.models.heap_bytes()
            + self.names.conditions.heap_bytes()
            + self.names.keys.heap_bytes()
            + self.owned_ids.values().map(|s| s.len() + 48).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_stays_small() {
        assert!(
            std::mem::size_of::<Entry>() <= 64,
            "{}",
            std::mem::size_of::<Entry>()
        );
    }

    #[test]
    fn interner_numbers_from_one() {
        let mut i = Interner::default();
        assert_eq!(i.intern("a"), 1);
        assert_eq!(i.intern("b"), 2);
        assert_eq!(i.intern("a"), 1);
        assert_eq!(i.get(2), Some("b"));
        assert_eq!(i.get(0), None);
    }

    /// Names are numbered in the order met and found again alike whether a few
    /// (looked up one by one) or many (looked up in the map built past the few).
    #[test]
    fn names_keep_their_numbers_past_the_few_looked_up_one_by_one() {
        let mut i = Interner::default();
        let names: Vec<String> = (0..40).map(|k| format!("model-{}", k % 20)).collect();
        for (k, n) in names.iter().enumerate() {
            assert_eq!(i.intern(n), (k % 20) as u32 + 1, "{n}");
            for m in &names[..=k] {
                assert_eq!(i.lookup(m), i.intern(m).into(), "{m}");
            }
        }
        assert_eq!(i.len(), 20);
        assert_eq!(i.lookup("model-20"), None);
        assert_eq!(i.get(20), Some("model-19"));
    }
}
