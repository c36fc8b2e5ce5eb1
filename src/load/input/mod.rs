//! Command-line inputs to files: paths, directories (walked recursively, `.gitignore`
//! and `.ignore` respected, hidden files skipped unless asked for, links not followed)
//! and globs; each file found sorted into a role by its name and first bytes.

pub mod bytes;
mod classify;
pub mod guard;
pub mod study;
pub mod study_draft;

use crate::load::profile::detect::Claims;
use crate::load::profile::FileRole;
pub use classify::{classify, classify_read, Found};
use std::path::{Path, PathBuf};

/// The inputs resolved to files.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Inputs {
    pub transcripts: Vec<PathBuf>,
    /// For each transcript file, the argument it came from (its place in `args`).
    pub origin: Vec<usize>,
    /// For each transcript file, what sorting it found in its first record (none for
    /// a file named on its own).
    pub claims: Vec<Option<Claims>>,
    /// For each transcript file, the file as mapped when it was sorted (none for a
    /// file named on its own), for the open to take.
    pub bytes: Vec<Option<bytes::Prefetched>>,
    /// For each transcript file, whether it is left to be sorted where it is opened
    /// (`expand`): a file a folder holds, which may hold verdicts or labels instead.
    pub sort_at_open: Vec<bool>,
    /// Verdict files found in directories (named ones come with `--verdicts`).
    pub verdicts: Vec<PathBuf>,
    /// Label files and journals found in directories, with the settings of the
    /// profile that claimed them (`label_set`).
    pub labels: Vec<(PathBuf, Vec<String>)>,
    /// Files in directories that are not data (READMEs, scripts, images).
    pub skipped: Vec<PathBuf>,
    /// Files are sorted from a read of their first bytes, not kept mapped.
    index_only: bool,
}

/// Endings of files that are never data.
const NOT_DATA: &[&str] = &[
    "md",
    "markdown",
    "rst",
    "txt",
    "py",
    "ipynb",
    "r",
    "sh",
    "toml",
    "yaml",
    "yml",
    "lock",
    "html",
    "htm",
    "css",
    "js",
    "ts",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "pdf",
    "tex",
    "log",
    "cfg",
    "ini",
    "zip",
    "tar",
    "parquet",
    "pkl",
    "pt",
    "npy",
    // Files still being written under a temporary name, before a rename.
    "tmp",
    "temp",
    "part",
    "partial",
    "swp",
    "crdownload",
];

/// Endings of data files.
const DATA: &[&str] = &["json", "jsonl", "ndjson", "csv", "tsv", "tab", "eval"];

fn ending(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.rsplit_once('.')
        .map(|(_, e)| e.to_string())
        .unwrap_or_default()
}

/// Whether a file's name allows it to be data (it is not a README, script, image...).
pub(crate) fn is_data_name(path: &Path) -> bool {
    !NOT_DATA.contains(&ending(path).as_str())
}

/// The files under `dir` whose names allow them to be data (hidden and ignored ones
/// left out), sorted.
pub fn data_files(dir: &Path) -> Vec<PathBuf> {
    walk(dir, false)
        .into_iter()
        .filter(|f| is_data_name(f))
        .collect()
}

pub(crate) fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Resolves the arguments. A directory with no data files, a glob matching nothing,
/// and a named file that does not exist, cannot be read or is not data are errors
/// that name it. `index_only` (see `LoadOptions::index_only`): the files are sorted
/// from a read of their first bytes, not mapped for their open to take; and when
/// every file the folders and globs hold is sorted alike wherever it is sorted (see
/// `sorts_at_open`), they are left to be sorted where they are opened.
pub fn expand(args: &[PathBuf], hidden: bool, index_only: bool) -> Result<Inputs, String> {
    let resolved: Vec<Resolved> = args.iter().map(|a| resolve(a, hidden)).collect();
    let at_open = index_only
        && resolved.iter().all(|r| match r {
            Resolved::Dir(files) | Resolved::Glob(files) => files.iter().all(|f| sorts_at_open(f)),
            _ => true,
        });
    let mut out = Inputs {
        index_only,
        ..Inputs::default()
    };
    for (k, (arg, r)) in args.iter().zip(resolved).enumerate() {
        let from = out.transcripts.len();
        match r {
            Resolved::Dir(files) => {
                let before = (out.transcripts.len(), out.verdicts.len(), out.labels.len());
                out.add_all(files, at_open);
                let after = (out.transcripts.len(), out.verdicts.len(), out.labels.len());
                if before == after {
                    return Err(format!(
                        "{}: no data files in this directory",
                        arg.display()
                    ));
                }
            }
            Resolved::Glob(files) => out.add_all(files, at_open),
            Resolved::File => out.transcripts.push(arg.clone()),
            Resolved::Failed(e) => return Err(e),
        }
        out.origin
            .resize(out.origin.len() + out.transcripts.len() - from, k);
        out.claims.resize(out.transcripts.len(), None);
        out.bytes.resize(out.transcripts.len(), None);
        out.sort_at_open.resize(out.transcripts.len(), false);
    }
    Ok(out)
}

/// An argument resolved to files, before they are sorted.
enum Resolved {
    /// The files a directory holds.
    Dir(Vec<PathBuf>),
    /// The files a glob matches (at least one).
    Glob(Vec<PathBuf>),
    /// A file named on its own (or standard input, or a demo corpus).
    File,
    /// Why the argument cannot be read.
    Failed(String),
}

fn resolve(arg: &Path, hidden: bool) -> Resolved {
    let shown = arg.display().to_string();
    if arg.is_dir() {
        Resolved::Dir(walk(arg, hidden))
    } else if bytes::is_stdin(arg) {
        Resolved::File
    } else if arg.exists() {
        match named_file(arg) {
            Ok(()) => Resolved::File,
            Err(e) => Resolved::Failed(e),
        }
    } else if has_glob(&shown) {
        match glob(&shown, hidden) {
            Ok(found) if found.is_empty() => Resolved::Failed(format!("{shown}: matches no file")),
            Ok(found) => Resolved::Glob(found),
            Err(e) => Resolved::Failed(e),
        }
    } else if crate::demo::embedded(arg).is_some() {
        Resolved::File
    } else {
        Resolved::Failed(format!("{shown}: no such file or directory"))
    }
}

/// Whether a file found in a folder can be left to be sorted where it is opened:
/// one never data by its name (left out unread, as sorting leaves it), or one named
/// as JSON, JSONL or CSV (plain or `.gz`), which sorting always takes as data of some
/// role. Evaluation logs (opened in parts) and files named otherwise are sorted first.
fn sorts_at_open(path: &Path) -> bool {
    let end = ending(path);
    NOT_DATA.contains(&end.as_str()) || (DATA.contains(&end.as_str()) && end != "eval")
}

/// A file named on the command line: readable, and not of a kind that is never data.
fn named_file(path: &Path) -> Result<(), String> {
    let shown = path.display();
    bytes::open_regular(path).map_err(|e| format!("{shown}: cannot be read: {e}"))?;
    let end = ending(path);
    if NOT_DATA.contains(&end.as_str()) {
        return Err(format!(
            "{shown}: not a data file (`.{end}`); afscope reads JSON, JSONL and CSV (and .gz of them)"
        ));
    }
    Ok(())
}

impl Inputs {
    /// Adds files found in a folder or by a glob, in their order: each read for its
    /// role on the pool (a folder of thousands of files), or, `at_open`, left to be
    /// sorted where it is opened (those never data by their name left out now).
    fn add_all(&mut self, files: Vec<PathBuf>, at_open: bool) {
        use rayon::prelude::*;
        if at_open {
            for path in files {
                if is_data_name(&path) {
                    self.transcripts.push(path);
                    self.sort_at_open.resize(self.transcripts.len() - 1, false);
                    self.sort_at_open.push(true);
                } else {
                    self.skipped.push(path);
                }
            }
            return;
        }
        let map = !self.index_only;
        let roles: Vec<Option<Found>> = files.par_iter().map(|f| classify(f, map)).collect();
        for (path, role) in files.into_iter().zip(roles) {
            self.add_found(path, role);
        }
    }

    fn add_found(&mut self, path: PathBuf, role: Option<Found>) {
        let others = (&mut self.verdicts, &mut self.labels, &mut self.skipped);
        if let Some((path, found)) = place(path, role, others) {
            self.transcripts.push(path);
            self.claims.push(found.claims);
            self.bytes.push(found.bytes);
        }
    }
}

/// Where files sorted as not transcripts go: verdict files, label files with their
/// settings, and files that are not data.
pub type Others<'a> = (
    &'a mut Vec<PathBuf>,
    &'a mut Vec<(PathBuf, Vec<String>)>,
    &'a mut Vec<PathBuf>,
);

/// Puts a sorted file where its role says among `others`; a transcript file is given
/// back, with what sorting found.
pub fn place(path: PathBuf, found: Option<Found>, others: Others<'_>) -> Option<(PathBuf, Found)> {
    let (verdicts, labels, skipped) = others;
    match found {
        Some(f) if f.role == FileRole::Transcripts => return Some((path, f)),
        Some(f) if f.role == FileRole::Verdicts => verdicts.push(path),
        Some(f) if f.role == FileRole::Labels => labels.push((path, f.label_set)),
        _ => skipped.push(path),
    }
    None
}

/// Files under `dir`, sorted, as `ignore` walks them.
pub(crate) fn walk(dir: &Path, hidden: bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .hidden(!hidden)
        .follow_links(false)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .collect();
    sort_paths(&mut files);
    files
}

/// Sorts paths found under one folder as `Path`'s order sorts them (component by
/// component), without splitting each into components at every comparison: a
/// separator compares below every other byte, which is that order for paths the
/// walk spelled alike (a thousand-file tree sorts in a fraction of the time).
fn sort_paths(files: &mut [PathBuf]) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let key = |p: &PathBuf| {
            p.as_os_str()
                .as_bytes()
                .iter()
                .map(|&b| if b == b'/' { 0 } else { b })
                .collect::<Vec<u8>>()
        };
        files.sort_by_cached_key(key);
    }
    #[cfg(not(unix))]
    files.sort();
}

/// The files a glob matches: the directory before its first wildcard, walked.
pub(crate) fn glob(pattern: &str, hidden: bool) -> Result<Vec<PathBuf>, String> {
    let matcher = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("{pattern}: {e}"))?
        .compile_matcher();
    let literal: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !has_glob(part))
        .collect();
    let base = match literal.join("/") {
        s if s.is_empty() && pattern.starts_with('/') => PathBuf::from("/"),
        s if s.is_empty() => PathBuf::from("."),
        s => PathBuf::from(s),
    };
    let strip_dot = !pattern.starts_with("./") && base == Path::new(".");
    Ok(walk(&base, hidden)
        .into_iter()
        .map(|p| {
            if strip_dot {
                p.strip_prefix(".").map(Path::to_path_buf).unwrap_or(p)
            } else {
                p
            }
        })
        .filter(|p| matcher.is_match(p))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_as_their_components_would() {
        // Names that sort differently by bytes than by components: `a` against
        // `a.b` and `a-b` (`.` and `-` sort below `/`), digits, case, non-ASCII.
        let names = ["a", "a.b", "a-b", "a0", "A", "b", "é", "a b", "_"];
        let mut rng = crate::synth::Rng::new(7);
        for prefix in ["data", "./data/", "/tmp/x/../y", "t"] {
            let mut paths: Vec<PathBuf> = (0..400)
                .map(|_| {
                    let depth = 1 + rng.below(4) as usize;
                    let mut p = PathBuf::from(prefix);
                    for _ in 0..depth {
                        p.push(names[rng.below(names.len() as u64) as usize]);
                    }
                    p
                })
                .collect();
            paths.sort();
            paths.dedup();
            let mut shuffled = paths.clone();
            shuffled.reverse();
            shuffled.rotate_left(paths.len() / 3);
            sort_paths(&mut shuffled);
            assert_eq!(shuffled, paths, "under {prefix}");
        }
    }
}
