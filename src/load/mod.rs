//! Loading: files to records to index entries and transcripts, through profiles.

pub mod corpus;
pub mod detect;
pub mod entry;
pub mod extract;
pub mod field_path;
pub mod index;
pub mod inputs;
pub mod join;
pub mod jstring;
pub mod labels;
pub mod open;
pub mod pairs;
pub mod profile;
pub mod raw;
pub mod source;
pub mod strict;
pub mod verdicts;

pub use corpus::{Corpus, LoadOptions, View};
pub use entry::{Entry, Index};
pub use index::Progress;
pub use profile::{Format, Profile};
