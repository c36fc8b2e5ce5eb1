//! Picks the profile for a file: the first built-in whose `detect` rules hold on the
//! file's path and first record, else `native`.

use crate::load::profile::wide::has_wide_keys;
use crate::load::profile::{FileRole, Format, Profile};
use crate::load::record::raw::RawObj;
use crate::load::record::{self, RecordRef};
use std::path::Path;

/// What detection looks at.
pub struct Sample<'a> {
    pub path: &'a Path,
    pub format: Format,
    /// The first record (as JSON text, a CSV row as an object), split once for every
    /// profile's rules; `None` when there is none or it does not read.
    pub top: Option<RawObj<'a>>,
    pub csv_headers: &'a [String],
}

impl<'a> Sample<'a> {
    pub fn new(
        path: &'a Path,
        format: Format,
        first: Option<&'a str>,
        csv_headers: &'a [String],
    ) -> Sample<'a> {
        Sample {
            path,
            format,
            top: first.and_then(|t| RawObj::parse_record(t).ok()),
            csv_headers,
        }
    }

    /// Reads the first record of a file for detection.
    pub fn first_record<'b>(
        bytes: &'b [u8],
        format: Format,
        first: Option<&RecordRef>,
        headers: &[String],
        delimiter: u8,
    ) -> Option<std::borrow::Cow<'b, str>> {
        let rec = first?;
        let slice = &bytes[rec.range()];
        match format {
            Format::Csv => record::csv_row_json(headers, delimiter, slice).map(Into::into),
            _ => simdutf8::basic::from_utf8(slice).ok().map(Into::into),
        }
    }
}

/// Whether `profile` claims the sampled file.
pub fn matches(profile: &Profile, s: &Sample<'_>) -> bool {
    let d = &profile.spec.detect;
    if profile.spec.format.is_some_and(|f| f != s.format) {
        return false;
    }
    if let Some(re) = &profile.detect_path_re {
        if !re.is_match(&s.path.to_string_lossy()) {
            return false;
        }
    }
    if !d.columns.is_empty() && !d.columns.iter().all(|c| s.csv_headers.contains(c)) {
        return false;
    }
    let needs_record = !d.keys.is_empty() || !d.any_keys.is_empty() || profile.wide_keys.is_some();
    if !needs_record {
        return d.path.is_some() || !d.columns.is_empty();
    }
    let Some(top) = &s.top else { return false };
    if !d.keys.iter().all(|k| top.get(k).is_some()) {
        return false;
    }
    if !d.any_keys.is_empty() && !d.any_keys.iter().any(|k| top.get(k).is_some()) {
        return false;
    }
    has_wide_keys(profile, top).unwrap_or(true)
}

/// The `native` profile, which takes any transcript file no other claims.
pub fn native() -> &'static Profile {
    Profile::builtins()
        .iter()
        .find(|p| p.name() == "native")
        .expect("native profile")
        .as_ref()
}

/// The profile detection takes for a file of `role`: the first of `claims` (every
/// built-in that claims it, in detection order: `candidates`) of that role. A
/// transcript file no profile claims is `native`'s.
pub fn first_of(claims: &[&'static Profile], role: FileRole) -> Option<&'static Profile> {
    claims.iter().copied().find(|p| p.role() == role)
}

/// Every built-in profile (but the `native` fallback) that claims the file, of any
/// role, in detection order: the first is taken, the others are noted.
pub fn candidates(s: &Sample<'_>) -> Vec<&'static Profile> {
    Profile::builtins()
        .iter()
        .filter(|p| p.name() != "native" && matches(p, s))
        .map(|p| &**p)
        .collect()
}

/// What detection found in a file's first record (every built-in that claims it).
/// Opening the file takes the claims again, without reading the record: with the very
/// bytes they were found in (`trusted`), or, once fingerprinted, when its first record
/// is still the same bytes (`holds_for`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    format: Format,
    /// Where the first record ends (after any byte-order mark).
    first_end: usize,
    /// The length of the bytes up to the first record's end, and their hash, when
    /// the claims are to be taken on bytes read again.
    fingerprint: Option<(usize, u64)>,
    /// Positions in `Profile::builtins()`, in detection order.
    builtins: Vec<u8>,
}

impl Claims {
    /// The claims on a sample whose first record ends at `first_end` (in the file's
    /// bytes after any byte-order mark).
    pub fn new(format: Format, first_end: usize, claims: &[&Profile]) -> Claims {
        let all = Profile::builtins();
        let builtins = claims
            .iter()
            .filter_map(|c| all.iter().position(|p| std::ptr::eq(&**p, *c)))
            .map(|k| k as u8)
            .collect();
        Claims {
            format,
            first_end,
            fingerprint: None,
            builtins,
        }
    }

    /// These claims with the fingerprint of the first record in `head` (the file's
    /// first bytes, byte-order mark and all), for an open that reads the file again.
    pub fn fingerprinted(mut self, head: &[u8]) -> Claims {
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        self.fingerprint = Some(fingerprint(&head[..self.first_end.min(head.len())]));
        self
    }

    /// The claiming profiles, for the very bytes they were found in, read as `format`
    /// with the same first record.
    pub fn trusted(
        &self,
        format: Format,
        first: Option<&RecordRef>,
    ) -> Option<Vec<&'static Profile>> {
        let end = first?.range().end;
        (format == self.format && end == self.first_end).then(|| self.profiles())
    }

    fn profiles(&self) -> Vec<&'static Profile> {
        let all = Profile::builtins();
        self.builtins
            .iter()
            .map(|&k| &*all[usize::from(k)])
            .collect()
    }

    /// The claiming profiles, when the file (`bytes`, read as `format`, whose first
    /// record is `first`) still starts as it did.
    pub fn holds_for(
        &self,
        format: Format,
        bytes: &[u8],
        first: Option<&RecordRef>,
    ) -> Option<Vec<&'static Profile>> {
        let end = first?.range().end;
        if format != self.format
            || end > bytes.len()
            || Some(fingerprint(&bytes[..end])) != self.fingerprint
        {
            return None;
        }
        Some(self.profiles())
    }
}

/// The length of `bytes` and a 64-bit hash of them (not for adversaries: a file that
/// changes between two reads of it within one load).
fn fingerprint(bytes: &[u8]) -> (usize, u64) {
    use std::hash::BuildHasher;
    (
        bytes.len(),
        foldhash::fast::FixedState::default().hash_one(bytes),
    )
}
