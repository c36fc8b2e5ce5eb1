//! Tests run on each record while it is indexed, for commands that know their query
//! before loading: the record's bytes are in the cache and split already, so a text
//! term costs its pattern alone, not a second read of the corpus.

use crate::load::profile::extract::Known;
use crate::load::profile::Profile;
use crate::load::record::raw::RawObj;
use std::sync::Arc;

/// At most this many tests are run while indexing (two bits each per transcript).
pub const MAX_TESTS: usize = 32;

/// Tests on a transcript of a record as it is indexed.
pub trait RecordTests: Send + Sync {
    /// What the tests are, so a reader can tell marks made for its own query.
    fn fingerprint(&self) -> &str;
    /// How many tests there are (at most `MAX_TESTS`).
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Test `k` on the transcript at `key` of the record `top`; `None` when the
    /// record must be read in full to say.
    fn test(
        &self,
        k: usize,
        profile: &Profile,
        top: &RawObj<'_>,
        key: Option<&str>,
    ) -> Option<bool>;

    /// Every test's answer for one transcript as a mark (see [`mark`]): by default
    /// each test in turn; an implementation may leave undecided the tests whose
    /// answer cannot change what they are asked for.
    /// `known` is what indexing read of the record already.
    fn mark<'a>(
        &self,
        profile: &Profile,
        top: &RawObj<'a>,
        key: Option<&str>,
        known: Known<'a>,
    ) -> u64 {
        let _ = known;
        let mut m = 0u64;
        for k in 0..self.len().min(MAX_TESTS) {
            if let Some(found) = self.test(k, profile, top, key) {
                m = set(m, k, found);
            }
        }
        m
    }
}

/// `mark` with test `k` decided as `found`.
pub fn set(mark: u64, k: usize, found: bool) -> u64 {
    if k >= MAX_TESTS {
        return mark;
    }
    mark | 1 << k | if found { 1 << (32 + k) } else { 0 }
}

/// The tests given to a load, shareable across its workers.
#[derive(Clone)]
pub struct Tests(pub Arc<dyn RecordTests>);

impl std::fmt::Debug for Tests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tests({:?})", self.0.fingerprint())
    }
}

/// The tests' answers for one transcript: bit `k` says test `k` was decided, bit
/// `32 + k` its answer.
pub fn mark<'a>(
    tests: &dyn RecordTests,
    profile: &Profile,
    top: &RawObj<'a>,
    key: Option<&str>,
    known: Known<'a>,
) -> u64 {
    tests.mark(profile, top, key, known)
}

/// The answer of test `k` in a transcript's mark, when it was decided.
pub fn answer(mark: u64, k: usize) -> Option<bool> {
    (k < MAX_TESTS && mark & (1 << k) != 0).then(|| mark & (1 << (32 + k)) != 0)
}

/// The marks of an index: one per entry, for the tests named by `fingerprint`.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    pub fingerprint: String,
    pub marks: Vec<u64>,
}
