//! Loading, by stage: inputs (paths, directories, globs, file bytes) → records (split
//! per format, JSON read) → profiles (detection, field extraction, verdicts) → the
//! index and the corpus → joins (verdict files, labels, free/paid pairs).

pub mod assemble;
pub mod grow;
pub mod index;
pub mod input;
pub mod inspect;
pub mod join;
pub mod profile;
pub mod ready;
pub mod record;
pub mod watch;

pub use assemble::LoadOptions;
pub use index::corpus::{self, Corpus};
pub use index::entry::{self, Entry, Index};
pub use index::view::View;
pub use index::Progress;
pub use profile::{Format, Profile};
