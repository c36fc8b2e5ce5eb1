//! Inspect AI evaluation logs, detected by content: a `.eval` zip or a `.json` log
//! becomes one JSON record per sample (see `sample`), read by the `inspect` profile.

pub mod eval_zip;
pub mod lenient;
pub mod sample;
pub mod scores;

use crate::load::record::raw::{array, RawObj};
use crate::model::{Problem, ProblemKind};
use sample::{LogHeader, SampleIn};
use std::path::Path;

/// The two log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// A zip of `header.json`, `samples/…`, `_journal/…`.
    Eval,
    /// One JSON object with `version`, `status`, `eval`, `samples`.
    Json,
}

/// Whether the bytes are an Inspect log, by content.
pub fn detect(bytes: &[u8]) -> Option<LogFormat> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Some(LogFormat::Eval);
    }
    let ws = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(i + 1);
    let key = b"\"version\"";
    if !bytes[i..].starts_with(key) {
        return None;
    }
    i = ws(i + key.len());
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    i = ws(i + 1);
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    i = ws(i + digits);
    if bytes.get(i) != Some(&b',') {
        return None;
    }
    i = ws(i + 1);
    bytes[i..]
        .starts_with(b"\"status\"")
        .then_some(LogFormat::Json)
}

/// A log turned into records.
#[derive(Debug, Default)]
pub struct Converted {
    /// One JSON object per line, one per sample.
    pub text: Vec<u8>,
    /// Where each record came from in the log (a zip entry, or `samples[i]`).
    pub members: Vec<Box<str>>,
    pub problems: Vec<Problem>,
}

/// A sample made into its record line, with its error if it failed (done in
/// parallel; only the line and the message are kept).
pub(crate) struct Prepared {
    line: String,
    failed: Option<String>,
}

/// Reads one sample's JSON into its record line.
pub(crate) fn prepare(text: &str, log: &LogHeader, member: &str) -> Result<Prepared, String> {
    let s = parse_sample(text)?;
    let failed = s.error().map(|e| {
        let first = crate::model::verdict::truncate(e.lines().next().unwrap_or(""), 160);
        format!("sample {} epoch {} failed: {first}", s.id_text(), s.epoch())
    });
    Ok(Prepared {
        line: sample::record(&s, log, member).to_string(),
        failed,
    })
}

impl Converted {
    /// Room for exactly these records: a log's text is kept as long as it is open.
    fn reserve<'p>(&mut self, records: impl Iterator<Item = Option<&'p Prepared>>) {
        let (mut bytes, mut n) = (0, 0);
        for p in records.flatten() {
            bytes += p.line.len() + 1;
            n += 1;
        }
        self.text.reserve_exact(bytes);
        self.members.reserve_exact(n);
    }

    fn push(
        &mut self,
        path: &Path,
        member: String,
        sample: Result<Prepared, String>,
        line: Option<u64>,
    ) {
        let at = |p: Problem| match line {
            Some(l) => p.at_line(l),
            None => p,
        };
        match sample {
            Ok(p) => {
                if let Some(why) = p.failed {
                    self.problems.push(at(Problem::new(
                        path,
                        ProblemKind::SampleError,
                        format!("{member}: {why}"),
                    )));
                }
                self.text.extend_from_slice(p.line.as_bytes());
                self.text.push(b'\n');
                self.members.push(member.into_boxed_str());
            }
            Err(e) => self.problems.push(at(Problem::new(
                path,
                ProblemKind::InvalidJson,
                format!("{member}: {e}; the sample is left out"),
            ))),
        }
    }

    /// Says when the log did not finish.
    fn status(&mut self, path: &Path, log: &LogHeader, journal_only: bool) {
        let why = match (log.status.as_deref(), journal_only) {
            (_, true) => Some("the log has no header: its run is still going or was cut off; the samples written so far are shown".to_string()),
            (Some("success") | None, _) => None,
            (Some("started"), _) => Some("the log says its run is still going; the samples written so far are shown".to_string()),
            (Some(s), _) => Some(format!("the log's status is {s}: its run did not finish; the samples written are shown")),
        };
        if let Some(w) = why {
            self.problems
                .push(Problem::new(path, ProblemKind::Unfinished, w));
        }
    }
}

/// Parses one sample's JSON, bare `NaN`/`Infinity` tokens read as unscored; its
/// attachments are read only when its messages refer to them.
pub(crate) fn parse_sample(text: &str) -> Result<SampleIn, String> {
    let text = lenient::nan_as_null(text);
    let mut s: SampleIn = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    if s.refers_to_attachments() {
        #[derive(serde::Deserialize)]
        struct Attachments {
            #[serde(default)]
            attachments: std::collections::HashMap<String, String>,
        }
        s.attachments = serde_json::from_str::<Attachments>(&text)
            .map(|a| a.attachments)
            .unwrap_or_default();
    }
    Ok(s)
}

/// Reads a log into records; what cannot be read is a problem, and the rest loads.
/// `part` limits a `.eval` log to a range of its samples (see `parts`).
pub fn convert(
    path: &Path,
    bytes: &[u8],
    format: LogFormat,
    part: Option<std::ops::Range<usize>>,
) -> Converted {
    match format {
        LogFormat::Eval => eval_zip::convert(path, bytes, part),
        LogFormat::Json => convert_json(path, bytes),
    }
}

/// The samples of the first part of a large `.eval` log: few, so the first screen
/// comes at once.
pub const FIRST_PART: usize = 64;
/// The samples of each later part.
pub const PART: usize = 512;

/// A large `.eval` log's samples in parts, opened (and decompressed) as files of
/// their own on the pool and added in order; empty for any other file, or a log small
/// enough to read at once (or named otherwise: it is read whole).
pub fn parts(path: &Path) -> Vec<std::ops::Range<usize>> {
    // Only a file named as Inspect names its logs is looked into: every other input
    // costs nothing here.
    let named = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("eval"));
    if !named {
        return Vec::new();
    }
    let head = crate::load::input::bytes::head(path, 4);
    if detect(&head) != Some(LogFormat::Eval) {
        return Vec::new();
    }
    let n = match crate::load::input::bytes::read(path) {
        Ok(b) => eval_zip::sample_count(&b),
        Err(_) => return Vec::new(),
    };
    if n <= FIRST_PART + PART {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(2 + n / PART);
    out.push(0..FIRST_PART);
    let mut at = FIRST_PART;
    while at < n {
        out.push(at..(at + PART).min(n));
        at += PART;
    }
    out
}

fn convert_json(path: &Path, bytes: &[u8]) -> Converted {
    let mut out = Converted::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => lenient::nan_as_null(t),
        Err(e) => {
            out.problems.push(Problem::new(
                path,
                ProblemKind::InvalidUtf8,
                format!(
                    "an Inspect log with invalid UTF-8 at byte {}",
                    e.valid_up_to()
                ),
            ));
            return out;
        }
    };
    let (text, bytes) = (&*text, text.as_bytes());
    let top = match RawObj::parse_record(text) {
        Ok(t) => t,
        Err(e) => {
            out.problems.push(Problem::new(
                path,
                ProblemKind::InvalidJson,
                format!(
                    "an Inspect log that does not parse: {} at byte {}",
                    e.message, e.pos
                ),
            ));
            return out;
        }
    };
    let head: serde_json::Value = {
        let mut m = serde_json::Map::new();
        for k in ["status", "eval", "results"] {
            if let Some(v) = top.get(k) {
                if let Ok(v) = serde_json::from_str(v.get()) {
                    m.insert(k.to_string(), v);
                }
            }
        }
        serde_json::Value::Object(m)
    };
    let log = LogHeader::read(&head);
    out.status(path, &log, false);
    let Some(samples) = top.get("samples").and_then(array) else {
        return out;
    };
    let (mut line, mut counted) = (1u64, 0usize);
    let mut at = Vec::new();
    for s in samples {
        let start = s.get().as_ptr() as usize - text.as_ptr() as usize;
        line += memchr::memchr_iter(b'\n', &bytes[counted..start]).count() as u64;
        counted = start;
        at.push((s.get(), line));
    }
    use rayon::prelude::*;
    let prepared: Vec<_> = at
        .par_iter()
        .enumerate()
        .map(|(i, (raw, line))| {
            let member = format!("samples[{i}]");
            let p = prepare(raw, &log, &member);
            (member, p, *line)
        })
        .collect();
    out.reserve(prepared.iter().map(|(_, p, _)| p.as_ref().ok()));
    for (member, p, line) in prepared {
        out.push(path, member, p, Some(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_are_told_by_their_first_bytes() {
        assert_eq!(detect(b"PK\x03\x04rest"), Some(LogFormat::Eval));
        assert_eq!(
            detect(b"{\n  \"version\": 2,\n  \"status\": \"success\","),
            Some(LogFormat::Json)
        );
        assert_eq!(detect(b"{\"version\": 2, \"id\": 1}"), None);
        assert_eq!(detect(b"[{\"version\": 2}]"), None);
        assert_eq!(detect(b""), None);
    }
}
