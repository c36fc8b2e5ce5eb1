//! The query language's syntax tree.

use crate::model::Tier;
use regex::Regex;
use std::ops::Range;

/// A parsed query.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Matches everything (the empty query).
    All,
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Field(FieldTest),
    Text(TextTest),
    /// A test on the verdicts' evidence, which needs the transcript read.
    Evidence(EvidenceTest),
}

/// Tests on evidence spans (quotes located, offsets converted).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EvidenceTest {
    /// `spans>0`: how many spans of all verdicts were placed in the text.
    Spans(Cmp, f64),
    /// `quote:notfound`, `quote:fuzzy`, ...: some quote was located this way.
    Quote(QuoteKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteKind {
    Exact,
    Normalized,
    Fuzzy,
    NotFound,
}

/// How a string field is compared.
#[derive(Debug, Clone)]
pub enum StrMatch {
    /// `model:opus`: case-insensitive substring.
    Contains(String),
    /// `model:=claude-3-opus`: exact, case-insensitive.
    Exact(String),
    /// `condition:~force|comply`: regex (case-insensitive unless the pattern says so).
    Regex(Regex),
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    pub fn test(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => (a - b).abs() < 1e-9,
            Cmp::Ne => (a - b).abs() >= 1e-9,
        }
    }
}

/// The indexed scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreField {
    Af,
    Compliance,
}

/// A test on indexed fields (cheap: no transcript is read).
#[derive(Debug, Clone)]
pub enum FieldTest {
    Id(StrMatch),
    Model(StrMatch),
    Condition(StrMatch),
    Tier(Tier),
    Score(ScoreField, Cmp, f64),
    /// `af:failed`, `compliance:none`, `af:any`.
    ScoreState(ScoreField, ScoreState),
    /// `verdict:failed`: any indexed score failed.
    VerdictFailed,
    /// `label:none`, `label:any`, `label:af` (yes), `label:no`, `label:unsure`.
    Label(LabelTest),
    PromptIndex(Cmp, f64),
    /// `pair:any`, `pair:none`, `pair:discordant` (complied on one tier only).
    Pair(PairTest),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairTest {
    Any,
    None,
    Discordant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreState {
    Failed,
    None,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelTest {
    None,
    Any,
    /// The alignment-faking answer of any label (`yes`, `no`, `unsure`, ...).
    Af(String),
}

/// Which text of a transcript a text term searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// System prompt, user turn and completion.
    All,
    System,
    User,
    Completion,
    Scratchpad,
    Output,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        Some(match s {
            "text" => Scope::All,
            "system" => Scope::System,
            "user" | "prompt" => Scope::User,
            "completion" => Scope::Completion,
            "scratchpad" | "reasoning" => Scope::Scratchpad,
            "output" => Scope::Output,
            _ => return None,
        })
    }
}

/// A text search term: `"literal"` or `/regex/`, optionally scoped.
#[derive(Debug, Clone)]
pub struct TextTest {
    pub scope: Scope,
    pub regex: Regex,
    /// Where the term was written in the query, for messages.
    pub span: Range<usize>,
    /// Whether the regex can be run on the stored (undecoded) text; see `rawsearch`.
    pub raw: RawSafety,
}

/// Whether a pattern can be run on raw (undecoded) JSON string text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawSafety {
    /// It uses look-around, which reads characters beside a match.
    No,
    /// Decided on the stored text unless an escape there spells a character of the
    /// pattern's alphabet (or a match touches an escape).
    Yes(Alphabet),
}

/// The characters a pattern can match, as sorted, merged ranges of code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet(Vec<(u32, u32)>);

impl Alphabet {
    pub fn new(mut ranges: Vec<(u32, u32)>) -> Alphabet {
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Alphabet(merged)
    }

    pub fn contains(&self, c: char) -> bool {
        let c = c as u32;
        let at = self.0.partition_point(|&(_, e)| e < c);
        self.0.get(at).is_some_and(|&(s, _)| s <= c)
    }
}
