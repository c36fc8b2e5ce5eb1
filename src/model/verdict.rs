//! Classifier outputs for one transcript: scores, votes, criteria, evidence.

use std::fmt;

/// What a classifier judges, which decides the index column its score feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// Alignment-faking reasoning (feeds the `af` column).
    AlignmentFaking,
    /// Whether the model complied with the request (feeds the `compliance` column).
    Compliance,
    #[default]
    Other,
}

impl VerdictKind {
    /// Reads `alignment_faking`, `compliance` or `other`.
    pub fn parse(s: &str) -> Option<VerdictKind> {
        match s {
            "alignment_faking" => Some(VerdictKind::AlignmentFaking),
            "compliance" => Some(VerdictKind::Compliance),
            "other" => Some(VerdictKind::Other),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::AlignmentFaking => "alignment_faking",
            VerdictKind::Compliance => "compliance",
            VerdictKind::Other => "other",
        }
    }
}

/// A score, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Score {
    /// A value in [0, 1].
    Value(f64),
    /// The classifier ran and failed ("FAILED TO PARSE", empty, not a number, out of range).
    Failed(String),
    /// No score was given (categorical-only classifiers).
    Unscored,
}

impl Score {
    pub fn value(&self) -> Option<f64> {
        match self {
            Score::Value(v) => Some(*v),
            _ => None,
        }
    }

    pub fn is_failed(&self) -> bool {
        matches!(self, Score::Failed(_))
    }

    /// Reads a score from text such as a CSV cell.
    pub fn from_text(s: &str) -> Score {
        // Most scores are written `0.25`, `1.0`, `0`: read without the general parse.
        if let Some(x) = short_decimal(s.as_bytes()) {
            return Score::checked(x, s);
        }
        let t = s.trim();
        if t.is_empty() {
            return Score::Failed("empty".into());
        }
        match t.parse::<f64>() {
            Ok(x) => Score::checked(x, t),
            Err(_) => Score::Failed(format!("not a number: {:?}", truncate(t, 40))),
        }
    }

    fn checked(x: f64, shown: &str) -> Score {
        if x.is_finite() && (0.0..=1.0).contains(&x) {
            // `-0` is 0.
            Score::Value(x + 0.0)
        } else {
            Score::Failed(format!("out of range [0, 1]: {shown}"))
        }
    }
}

/// A decimal written `digits` or `digits.digits`, 15 digits at most, read as
/// `str::parse` reads it: the digits as one whole number (exact in an `f64`) over a
/// power of ten (exact up to 10^22), one correctly rounded division, which is the
/// correctly rounded value of the decimal. `None` for any other spelling.
fn short_decimal(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if b.is_empty() || b.len() > 16 || !b[0].is_ascii_digit() {
        return None;
    }
    let (mut whole, mut point) = (0u64, None);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => whole = whole * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    let places = point.map_or(0, |i| b.len() - i - 1);
    let digits = b.len() - usize::from(point.is_some());
    (digits <= 15).then(|| whole as f64 / POW10[places])
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Score::Value(v) => write!(f, "{v:.3}"),
            Score::Failed(_) => f.write_str("failed"),
            Score::Unscored => f.write_str("unscored"),
        }
    }
}

/// k of N votes, with each vote's answer where the input gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Votes {
    pub yes: u32,
    pub total: u32,
    pub detail: Vec<bool>,
}

impl Votes {
    pub fn fraction(&self) -> Option<f64> {
        (self.total > 0).then(|| f64::from(self.yes) / f64::from(self.total))
    }
}

/// One criterion of a multi-criterion classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub name: String,
    pub score: Score,
    /// Evidence quotes as the classifier gave them (often not verbatim).
    pub quotes: Vec<String>,
}

/// The unit an explicit span's offsets are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetUnit {
    #[default]
    Byte,
    CodePoint,
}

/// An explicit span given by a classifier, in the completion text.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
    pub unit: OffsetUnit,
    /// Index into the verdict's criteria, where the span names one.
    pub criterion: Option<usize>,
}

/// Where a verdict was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum VerdictOrigin {
    /// Inside the transcript record.
    Embedded,
    /// From a separate file, at this 1-based line.
    File { path: std::path::PathBuf, line: u64 },
}

/// A classifier output for one transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub classifier: String,
    pub kind: VerdictKind,
    pub score: Score,
    pub votes: Option<Votes>,
    pub criteria: Vec<Criterion>,
    pub spans: Vec<Span>,
    /// The categorical answer, for classifiers that give one.
    pub answer: Option<String>,
    /// The judge's raw output, where kept.
    pub raw: Option<String>,
    pub origin: VerdictOrigin,
}

impl Verdict {
    pub fn new(classifier: impl Into<String>, kind: VerdictKind, score: Score) -> Self {
        Verdict {
            classifier: classifier.into(),
            kind,
            score,
            votes: None,
            criteria: Vec::new(),
            spans: Vec::new(),
            answer: None,
            raw: None,
            origin: VerdictOrigin::Embedded,
        }
    }

    pub fn quote_count(&self) -> usize {
        self.criteria.iter().map(|c| c.quotes.len()).sum()
    }
}

pub fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_states_are_explicit() {
        assert_eq!(Score::from_text("0.5"), Score::Value(0.5));
        assert_eq!(Score::from_text(" 0.25 "), Score::Value(0.25));
        assert!(Score::from_text("-0").value().unwrap().is_sign_positive());
        assert!(Score::from_text("FAILED TO PARSE").is_failed());
        assert!(Score::from_text("").is_failed());
        assert!(Score::from_text("1.5").is_failed());
        assert!(Score::from_text("nan").is_failed());
    }

    /// Every decimal the short reading takes, it reads to the same bits as
    /// `str::parse`: random digit strings with and without a point, up to 18
    /// characters, most of them past what it takes.
    #[test]
    fn short_decimals_read_as_parse_reads_them() {
        let mut rng = crate::synth::Rng::new(11);
        let mut taken = 0;
        let mut cases: Vec<String> = [
            "0.1",
            "0.3",
            "1.0",
            "0",
            "999999999999999",
            "0.000000000000001",
        ]
        .map(String::from)
        .to_vec();
        for _ in 0..200_000 {
            let len = 1 + rng.below(18) as usize;
            let mut t: String = (0..len)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect();
            if rng.below(4) > 0 {
                let at = rng.below(len as u64 + 1) as usize;
                t.insert(at, '.');
            }
            cases.push(t);
        }
        for t in &cases {
            let parsed = t.parse::<f64>().ok();
            if let Some(x) = short_decimal(t.as_bytes()) {
                taken += 1;
                assert_eq!(Some(x.to_bits()), parsed.map(f64::to_bits), "{t}");
            }
        }
        assert!(taken > 50_000, "{taken}");
        assert_eq!(short_decimal(b"1234567890123456"), None);
        assert_eq!(short_decimal(b"1."), None);
        assert_eq!(short_decimal(b".5"), None);
    }

    #[test]
    fn vote_fraction() {
        let v = Votes {
            yes: 8,
            total: 20,
            detail: vec![],
        };
        assert_eq!(v.fraction(), Some(0.4));
        let none = Votes {
            yes: 0,
            total: 0,
            detail: vec![],
        };
        assert_eq!(none.fraction(), None);
    }
}
