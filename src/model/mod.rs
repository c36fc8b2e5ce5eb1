//! The data model: transcripts, tiers, verdicts, labels, and the problems met loading them.

pub mod agreement;
pub mod compare;
pub mod idcut;
pub mod journal;
pub mod journal_reader;
pub mod label;
pub mod label_stacks;
pub mod lexicon;
pub mod lines;
pub mod metrics;
pub mod problem;
pub mod quote;
pub mod rows;
pub mod sanitize;
pub mod schema;
pub mod segment;
pub mod sentences;
pub mod spans;
pub mod tier;
pub mod transcript;
pub mod verdict;
pub mod words;

pub use label::LabelRecord;
pub use problem::{Problem, ProblemKind};
pub use segment::{Segment, SegmentKind};
pub use tier::{Tier, TierSource};
pub use transcript::{Locator, Position, Transcript};
pub use verdict::{Criterion, OffsetUnit, Score, Span, Verdict, VerdictKind, VerdictOrigin, Votes};

/// How a value the data does not give (a model, a condition) is shown, everywhere.
pub const MISSING: &str = "-";
