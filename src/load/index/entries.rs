//! The index's entries stored by column: where each record is, its scores, and the
//! number of its group (model, condition, key, tier, flags), so a filter on those
//! reads a few bytes per transcript instead of the whole entry.

use super::entry::Entry;
use std::collections::HashMap;

/// Where a transcript's record is (32 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slot {
    offset: u64,
    len: u32,
    line: u32,
    ordinal: u32,
    prompt_index: u32,
    id_off: u32,
    source: u16,
    id_len: u16,
}

/// What many transcripts share: the fields filters and facets test most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Group {
    pub model: u32,
    pub condition: u32,
    pub key: u32,
    pub tier: u8,
    pub flags: u8,
}

impl Group {
    pub fn tier(&self) -> crate::model::Tier {
        crate::model::Tier::from_code(self.tier)
    }

    /// Where the tier is counted: 0 free, 1 paid, 2 unknown.
    pub fn tier_slot(&self) -> usize {
        match self.tier() {
            crate::model::Tier::Free => 0,
            crate::model::Tier::Paid => 1,
            crate::model::Tier::Unknown => 2,
        }
    }

    pub fn af_failed(&self) -> bool {
        self.flags & super::entry::FLAG_AF_FAILED != 0
    }

    pub fn compliance_failed(&self) -> bool {
        self.flags & super::entry::FLAG_COMPLIANCE_FAILED != 0
    }
}

/// Every transcript's entry, by column. Read one with `get`; the columns a filter
/// needs are read alone with `group`, `af` and `compliance`.
#[derive(Debug, Default, Clone)]
pub struct Entries {
    slots: Vec<Slot>,
    group: Vec<u32>,
    af: Vec<f64>,
    compliance: Vec<f64>,
    groups: Vec<Group>,
    // Hashed with foldhash: every transcript indexed is numbered here.
    numbers: HashMap<Group, u32, foldhash::fast::RandomState>,
}

impl Entries {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The entry of transcript `i`.
    pub fn get(&self, i: usize) -> Entry {
        let s = &self.slots[i];
        let g = &self.groups[self.group[i] as usize];
        Entry {
            offset: s.offset,
            len: s.len,
            line: s.line,
            ordinal: s.ordinal,
            prompt_index: s.prompt_index,
            id_off: s.id_off,
            af: self.af[i],
            compliance: self.compliance[i],
            model: g.model,
            condition: g.condition,
            key: g.key,
            source: s.source,
            id_len: s.id_len,
            tier: g.tier,
            flags: g.flags,
        }
    }

    /// The group of transcript `i`.
    pub fn group(&self, i: usize) -> &Group {
        &self.groups[self.group[i] as usize]
    }

    /// Each transcript's group number, an index into `groups`.
    pub fn group_numbers(&self) -> &[u32] {
        &self.group
    }

    /// The distinct groups, by number.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The alignment-faking score of transcript `i` as stored (NaN: none).
    pub fn af(&self, i: usize) -> f64 {
        self.af[i]
    }

    /// The compliance score of transcript `i` as stored (NaN: none).
    pub fn compliance(&self, i: usize) -> f64 {
        self.compliance[i]
    }

    /// The record start of transcript `i` and its source.
    pub fn place(&self, i: usize) -> (u16, u64) {
        let s = &self.slots[i];
        (s.source, s.offset)
    }

    fn number(&mut self, g: Group) -> u32 {
        // Neighbours mostly share a group, or alternate between two (free, paid).
        let n = self.groups.len();
        for back in 1..=2.min(n) {
            if self.groups[n - back] == g {
                return (n - back) as u32;
            }
        }
        if let Some(&k) = self.numbers.get(&g) {
            return k;
        }
        let k = u32::try_from(n).expect("fewer than 2^32 groups");
        self.groups.push(g);
        self.numbers.insert(g, k);
        k
    }

    pub fn push(&mut self, e: Entry) {
        let g = self.number(Group {
            model: e.model,
            condition: e.condition,
            key: e.key,
            tier: e.tier,
            flags: e.flags,
        });
        self.slots.push(Slot {
            offset: e.offset,
            len: e.len,
            line: e.line,
            ordinal: e.ordinal,
            prompt_index: e.prompt_index,
            id_off: e.id_off,
            source: e.source,
            id_len: e.id_len,
        });
        self.group.push(g);
        self.af.push(e.af);
        self.compliance.push(e.compliance);
    }

    /// Replaces transcript `i`'s scores and flags (a verdict joined to it).
    pub fn set_scores(&mut self, i: usize, af: f64, compliance: f64, flags: u8) {
        let g = Group {
            flags,
            ..*self.group(i)
        };
        self.group[i] = self.number(g);
        self.af[i] = af;
        self.compliance[i] = compliance;
    }

    pub fn truncate(&mut self, n: usize) {
        self.slots.truncate(n);
        self.group.truncate(n);
        self.af.truncate(n);
        self.compliance.truncate(n);
    }

    pub fn reserve(&mut self, n: usize) {
        self.slots.reserve(n);
        self.group.reserve(n);
        self.af.reserve(n);
        self.compliance.reserve(n);
    }

    pub fn shrink_to_fit(&mut self) {
        self.slots.shrink_to_fit();
        self.group.shrink_to_fit();
        self.af.shrink_to_fit();
        self.compliance.shrink_to_fit();
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Entry> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    pub fn par_iter(&self) -> impl rayon::iter::IndexedParallelIterator<Item = Entry> + '_ {
        use rayon::prelude::*;
        (0..self.len()).into_par_iter().map(|i| self.get(i))
    }

    /// Heap bytes held: the columns, and the groups with their lookup.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.group.capacity() * 4
            + (self.af.capacity() + self.compliance.capacity()) * 8
            + self.groups.capacity() * std::mem::size_of::<Group>()
            + self.numbers.capacity() * (std::mem::size_of::<Group>() + 4 + 8)
    }
}

impl Extend<Entry> for Entries {
    fn extend<T: IntoIterator<Item = Entry>>(&mut self, iter: T) {
        let iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        for e in iter {
            self.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: u32, model: u32, tier: u8) -> Entry {
        Entry {
            offset: u64::from(i) * 100 + (1 << 40),
            len: i + 1,
            line: i + 2,
            ordinal: i,
            prompt_index: i * 3,
            id_off: 7,
            af: if i.is_multiple_of(3) {
                f64::NAN
            } else {
                f64::from(i) / 7.0
            },
            compliance: -0.0,
            model,
            condition: i % 2,
            key: 0,
            source: (i % 5) as u16,
            id_len: 4,
            tier,
            flags: (i % 4) as u8,
        }
    }

    fn same(a: &Entry, b: &Entry) -> bool {
        a.offset == b.offset
            && (a.len, a.line, a.ordinal, a.prompt_index, a.id_off)
                == (b.len, b.line, b.ordinal, b.prompt_index, b.id_off)
            && a.af.to_bits() == b.af.to_bits()
            && a.compliance.to_bits() == b.compliance.to_bits()
            && (
                a.model,
                a.condition,
                a.key,
                a.source,
                a.id_len,
                a.tier,
                a.flags,
            ) == (
                b.model,
                b.condition,
                b.key,
                b.source,
                b.id_len,
                b.tier,
                b.flags,
            )
    }

    #[test]
    fn entries_read_back_as_written_bit_for_bit() {
        let mut es = Entries::default();
        let written: Vec<Entry> = (0..500).map(|i| entry(i, i % 7, (i % 3) as u8)).collect();
        es.extend(written.iter().copied());
        assert_eq!(es.len(), 500);
        for (i, w) in written.iter().enumerate() {
            assert!(same(&es.get(i), w), "{i}: {:?} != {w:?}", es.get(i));
        }
        // 7 models x 3 tiers x 2 conditions x 4 flags at most.
        assert!(es.groups().len() <= 168, "{}", es.groups().len());
        assert_eq!(es.group(10).model, 3);
        es.set_scores(10, 0.25, 1.0, 3);
        let e = es.get(10);
        assert_eq!((e.af, e.compliance, e.flags, e.model), (0.25, 1.0, 3, 3));
        es.truncate(20);
        assert_eq!(es.iter().count(), 20);
    }

    #[test]
    fn a_transcript_costs_at_most_52_bytes() {
        let mut es = Entries::default();
        es.extend((0..100_000).map(|i| entry(i, i % 3, (i % 2) as u8)));
        es.shrink_to_fit();
        let per = es.heap_bytes() as f64 / 100_000.0;
        assert!(per <= 52.5, "{per}");
    }
}
