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

impl Converted {
    fn push(
        &mut self,
        path: &Path,
        member: String,
        sample: Result<SampleIn, String>,
        log: &LogHeader,
        line: Option<u64>,
    ) {
        let at = |p: Problem| match line {
            Some(l) => p.at_line(l),
            None => p,
        };
        match sample {
            Ok(s) => {
                if let Some(e) = s.error() {
                    let first =
                        crate::model::verdict::truncate(e.lines().next().unwrap_or(""), 160);
                    self.problems.push(at(Problem::new(
                        path,
                        ProblemKind::SampleError,
                        format!(
                            "{member}: sample {} epoch {} failed: {first}",
                            s.id_text(),
                            s.epoch()
                        ),
                    )));
                }
                let rec = sample::record(&s, log, &member);
                self.text.extend_from_slice(rec.to_string().as_bytes());
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

/// Parses one sample's JSON, bare `NaN`/`Infinity` tokens read as unscored.
pub(crate) fn parse_sample(text: &str) -> Result<SampleIn, String> {
    let text = lenient::nan_as_null(text);
    serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))
}

/// Reads a log into records; what cannot be read is a problem, and the rest loads.
pub fn convert(path: &Path, bytes: &[u8], format: LogFormat) -> Converted {
    match format {
        LogFormat::Eval => eval_zip::convert(path, bytes),
        LogFormat::Json => convert_json(path, bytes),
    }
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
    for (i, s) in samples.into_iter().enumerate() {
        let start = s.get().as_ptr() as usize - text.as_ptr() as usize;
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..start]).count() as u64;
        out.push(
            path,
            format!("samples[{i}]"),
            parse_sample(s.get()),
            &log,
            Some(line),
        );
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
