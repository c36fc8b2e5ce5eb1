//! A transcript: one model answer to one prompt on one tier, with where it came from.

use super::segment::{self, Segment, SegmentKind};
use super::tier::{Tier, TierSource};
use super::verdict::Verdict;
use std::fmt;
use std::path::PathBuf;

/// Where in its file a record is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// A line of a JSONL file (1-based).
    Line(u64),
    /// An element of a JSON array (0-based), starting at a 1-based line.
    Element { index: u64, line: u64 },
    /// A CSV row (1-based, header excluded) and, for tier-column layouts, the column.
    Row { row: u64, line: u64 },
    /// A sample of an evaluation log: its entry (`samples/a_epoch_1.json`) or place
    /// (`samples[3]`), and its record's number among the log's samples.
    Member { name: String, line: u64 },
}

impl Position {
    pub fn line(&self) -> u64 {
        match *self {
            Position::Line(l) => l,
            Position::Element { line, .. }
            | Position::Row { line, .. }
            | Position::Member { line, .. } => line,
        }
    }
}

/// File and record locator; `key` names the sub-record in wide layouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locator {
    pub file: PathBuf,
    pub position: Position,
    /// The condition key or column a wide record was split by.
    pub key: Option<String>,
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        match &self.position {
            Position::Line(l) => write!(f, ":{l}")?,
            Position::Element { index, line } => write!(f, "[{index}] (line {line})")?,
            Position::Row { row, line } => write!(f, " row {row} (line {line})")?,
            Position::Member { name, .. } => write!(f, " {name}")?,
        }
        if let Some(k) = &self.key {
            write!(f, " {k}")?;
        }
        Ok(())
    }
}

/// One transcript, fully parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub id: String,
    pub model: Option<String>,
    pub tier: Tier,
    pub tier_source: TierSource,
    pub condition: Option<String>,
    pub prompt_index: Option<u64>,
    pub sample_index: Option<u64>,
    pub locator: Locator,
    pub system: Option<String>,
    pub user: Option<String>,
    pub completion: String,
    pub segments: Vec<Segment>,
    pub verdicts: Vec<Verdict>,
    /// A hand label carried in the input record, as written.
    pub label: Option<String>,
    /// Every field the loader did not interpret, as (name, compact JSON).
    pub metadata: Vec<(String, String)>,
}

impl Transcript {
    pub fn scratchpads(&self) -> impl Iterator<Item = &Segment> {
        self.segments
            .iter()
            .filter(|s| s.kind == SegmentKind::Scratchpad)
    }

    pub fn has_scratchpad(&self) -> bool {
        self.scratchpads().next().is_some()
    }

    pub fn unclosed_tags(&self) -> usize {
        self.segments.iter().filter(|s| !s.closed).count()
    }

    /// The answer the user saw: the `<OUTPUT>` block, else the text after the last
    /// scratchpad, else the whole completion.
    pub fn final_output(&self) -> &str {
        self.final_output_range()
            .map_or("", |r| &self.completion[r])
    }

    /// Where `final_output` is in the completion.
    pub fn final_output_range(&self) -> Option<std::ops::Range<usize>> {
        segment::final_output_range(&self.segments, self.completion.len())
    }

    /// Builds the segments from the completion text.
    pub fn resegment(&mut self) {
        self.segments = segment::split(&self.completion);
    }
}
