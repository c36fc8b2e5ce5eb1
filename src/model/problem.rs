//! A record the loaders could not read, with where and why.

use std::fmt;
use std::path::PathBuf;

/// Why a record (or part of one) could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    InvalidJson,
    /// A record that is not JSON at all (a line of plain text).
    NotJson,
    InvalidUtf8,
    WrongType,
    MissingField,
    Truncated,
    CsvShape,
    /// A quoted CSV cell closed by a quote followed by text (stray quotes).
    CsvQuote,
    BadValue,
    BadSpan,
    Io,
    Unjoined,
    /// A sample an evaluation log records as failed.
    SampleError,
    /// A log whose run did not finish (cancelled, failed, still running).
    Unfinished,
    /// A join or label refused: several transcripts have the id it names.
    DuplicateId,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::InvalidJson => "invalid JSON",
            ProblemKind::NotJson => "not JSON",
            ProblemKind::InvalidUtf8 => "invalid UTF-8",
            ProblemKind::WrongType => "wrong type",
            ProblemKind::MissingField => "missing field",
            ProblemKind::Truncated => "truncated record",
            ProblemKind::CsvShape => "wrong number of cells",
            ProblemKind::CsvQuote => "bad CSV quoting",
            ProblemKind::BadValue => "bad value",
            ProblemKind::BadSpan => "bad span",
            ProblemKind::Io => "unreadable file",
            ProblemKind::Unjoined => "unjoined",
            ProblemKind::SampleError => "sample error",
            ProblemKind::Unfinished => "unfinished log",
            ProblemKind::DuplicateId => "duplicate id",
        }
    }

    /// Whether the record was dropped (as opposed to loaded with a part missing).
    pub fn skips_record(self) -> bool {
        !matches!(
            self,
            ProblemKind::BadValue
                | ProblemKind::BadSpan
                | ProblemKind::Unjoined
                | ProblemKind::SampleError
                | ProblemKind::Unfinished
                | ProblemKind::DuplicateId
        )
    }
}

/// One thing the loaders could not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line of the record (or of the error inside it).
    pub line: Option<u64>,
    /// 1-based column, in bytes, where known.
    pub column: Option<u64>,
    /// The field (or CSV column) concerned, where known.
    pub field: Option<String>,
    pub kind: ProblemKind,
    pub reason: String,
}

impl Problem {
    pub fn new(file: impl Into<PathBuf>, kind: ProblemKind, reason: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            line: None,
            column: None,
            field: None,
            kind,
            reason: reason.into(),
        }
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at_column(mut self, column: u64) -> Self {
        self.column = Some(column);
        self
    }

    pub fn in_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column.filter(|c| *c > 0) {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.kind.as_str())?;
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}
