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
pub use classify::{classify, Found};
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
/// that name it. `index_only`: the files are sorted from a read of their first bytes,
/// not mapped for their open to take (see `LoadOptions::index_only`).
pub fn expand(args: &[PathBuf], hidden: bool, index_only: bool) -> Result<Inputs, String> {
    let mut out = Inputs {
        index_only,
        ..Inputs::default()
    };
    for (k, arg) in args.iter().enumerate() {
        let from = out.transcripts.len();
        let shown = arg.display().to_string();
        if arg.is_dir() {
            let before = (out.transcripts.len(), out.verdicts.len(), out.labels.len());
            out.add_all(walk(arg, hidden));
            let after = (out.transcripts.len(), out.verdicts.len(), out.labels.len());
            if before == after {
                return Err(format!("{shown}: no data files in this directory"));
            }
        } else if bytes::is_stdin(arg) {
            out.transcripts.push(arg.clone());
        } else if arg.exists() {
            named_file(arg)?;
            out.transcripts.push(arg.clone());
        } else if has_glob(&shown) {
            let found = glob(&shown, hidden)?;
            if found.is_empty() {
                return Err(format!("{shown}: matches no file"));
            }
            out.add_all(found);
        } else if crate::demo::embedded(arg).is_some() {
            out.transcripts.push(arg.clone());
        } else {
            return Err(format!("{shown}: no such file or directory"));
        }
        out.origin
            .resize(out.origin.len() + out.transcripts.len() - from, k);
        out.claims.resize(out.transcripts.len(), None);
        out.bytes.resize(out.transcripts.len(), None);
    }
    Ok(out)
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
    /// Adds files found in a folder or by a glob, each read for its role on the pool
    /// (a folder of thousands of files), in their order.
    fn add_all(&mut self, files: Vec<PathBuf>) {
        use rayon::prelude::*;
        let map = !self.index_only;
        let roles: Vec<Option<Found>> = files.par_iter().map(|f| classify(f, map)).collect();
        for (path, role) in files.into_iter().zip(roles) {
            self.add_found(path, role);
        }
    }

    fn add_found(&mut self, path: PathBuf, role: Option<Found>) {
        match role {
            Some(Found {
                role: FileRole::Transcripts,
                claims,
                bytes,
                ..
            }) => {
                self.transcripts.push(path);
                self.claims.push(claims);
                self.bytes.push(bytes);
            }
            Some(Found {
                role: FileRole::Verdicts,
                ..
            }) => self.verdicts.push(path),
            Some(Found {
                role: FileRole::Labels,
                label_set,
                ..
            }) => self.labels.push((path, label_set)),
            None => self.skipped.push(path),
        }
    }
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
