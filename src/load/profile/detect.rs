//! Picks the profile for a file: the first built-in whose `detect` rules hold on the
//! file's path and first record, else `native`.

use crate::load::profile::extract::wide_keys;
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
            _ => std::str::from_utf8(slice).ok().map(Into::into),
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
    match wide_keys(profile, top) {
        Some(keys) => !keys.is_empty(),
        None => true,
    }
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
