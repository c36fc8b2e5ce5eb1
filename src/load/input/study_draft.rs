//! A first study file for a folder, from what detection finds there: each role's
//! files grouped by profile, written as a glob that names exactly that group (else as
//! paths), with comments saying what to edit.

use crate::load::input::study::{Study, DEFAULT_JOURNAL, FILE_NAME};
use crate::load::input::{classify, glob, is_data_name, walk, Found};
use crate::load::profile::{FileRole, Profile};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Files of one role read through one profile.
struct Group {
    role: FileRole,
    profile: Option<String>,
    files: Vec<PathBuf>,
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `path` relative to `root`, with `/` separators, for the study file.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files a pattern of the study file (relative to `root`) names, relative to it.
fn matches(root: &Path, pattern: &str) -> Vec<String> {
    let full = if root == Path::new(".") || root.as_os_str().is_empty() {
        pattern.to_string()
    } else {
        format!("{}/{pattern}", root.to_string_lossy().trim_end_matches('/'))
    };
    let mut found: Vec<String> = glob(&full, false)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| is_data_name(f))
        .map(|f| relative(root, &f))
        .collect();
    found.sort();
    found
}

/// The `paths` of a group: a glob that names exactly its files (their common name
/// prefix, as `**/results_*.json`, else their ending), else each file.
fn paths_for(root: &Path, files: &[PathBuf]) -> Vec<String> {
    let rel: Vec<String> = files.iter().map(|f| relative(root, f)).collect();
    if rel.len() <= 3 {
        return rel;
    }
    let dirs: Vec<Vec<&str>> = rel
        .iter()
        .map(|r| {
            let mut parts: Vec<&str> = r.split('/').collect();
            parts.pop();
            parts
        })
        .collect();
    let mut common: Vec<&str> = dirs[0].clone();
    for d in &dirs[1..] {
        let n = common.iter().zip(d).take_while(|(a, b)| a == b).count();
        common.truncate(n);
    }
    let names: Vec<&str> = rel
        .iter()
        .map(|r| r.rsplit('/').next().unwrap_or(r))
        .collect();
    let ext = |n: &str| {
        let lower = n.to_lowercase();
        let gz = lower.ends_with(".gz");
        let base = lower.trim_end_matches(".gz");
        base.rsplit_once('.')
            .map(|(_, e)| format!(".{e}{}", if gz { ".gz" } else { "" }))
    };
    let exts: Vec<Option<String>> = names.iter().map(|n| ext(n)).collect();
    let mut candidates = Vec::new();
    let dir = if common.is_empty() {
        String::new()
    } else {
        format!("{}/", common.join("/"))
    };
    if let Some(Some(e)) = exts.first().filter(|e| exts.iter().all(|x| x == *e)) {
        let mut prefix = names[0].to_string();
        for n in &names[1..] {
            let k = prefix
                .char_indices()
                .zip(n.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8());
            prefix.truncate(k);
        }
        // Up to the last word boundary: `results_seed42_2026` → `results_`.
        if let Some(cut) = prefix.rfind(['_', '-', '.']) {
            candidates.push(format!("{dir}**/{}*{e}", &prefix[..=cut]));
        }
        candidates.push(format!("{dir}**/*{e}"));
    }
    let mut want = rel.clone();
    want.sort();
    for c in candidates {
        if matches(root, &c) == want {
            return vec![c];
        }
    }
    rel
}

/// The study file text for the folder `root`.
pub fn draft(root: &Path) -> Result<String, String> {
    let shown = root.display();
    let journal = root.join(DEFAULT_JOURNAL);
    let mut groups: BTreeMap<(u8, String), Group> = BTreeMap::new();
    let mut skipped = Vec::new();
    for f in walk(root, false) {
        if f.file_name().is_some_and(|n| n == FILE_NAME) || f == journal {
            continue;
        }
        match classify(&f, false) {
            Some(Found { role, profile, .. }) => {
                let profile = match (role, profile) {
                    (FileRole::Transcripts, None) => Some("native".to_string()),
                    (_, p) => p,
                };
                let order = match role {
                    FileRole::Transcripts => 0,
                    FileRole::Verdicts => 1,
                    FileRole::Labels => 2,
                };
                groups
                    .entry((order, profile.clone().unwrap_or_default()))
                    .or_insert_with(|| Group {
                        role,
                        profile,
                        files: Vec::new(),
                    })
                    .files
                    .push(f);
            }
            None => skipped.push(f),
        }
    }
    if !groups.values().any(|g| g.role == FileRole::Transcripts) {
        return Err(format!(
            "{shown}: no transcript files found here to make a study of"
        ));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# afscope study file, written by `afscope study init` from the files found in this\n\
         # folder: edit it freely. Paths are relative to this file; globs (`*`, `**`) and\n\
         # folders are allowed. Flags on the command line override what is here.\n\
         # `afscope study show` prints the study as resolved; `afscope profiles NAME`\n\
         # prints a profile to start your own from.\n"
    );
    let _ = writeln!(
        out,
        "[defaults]\n\
         # filter = \"tier:free\"     # the interface opens filtered; the -q of every command\n\
         # threshold = 0.4          # alignment-faking threshold of eval, stats and label\n\
         # theme = \"dark\"           # dark, light, high-contrast, mono, or a TOML file\n\
         # labeler = \"your-name\"    # the name in your labels (default: the login name)\n\
         journal = {}   # where `afscope label` writes; every command reads it\n",
        quoted(DEFAULT_JOURNAL)
    );
    for g in groups.values() {
        let n = g.files.len();
        let files = if n == 1 {
            "1 file".into()
        } else {
            format!("{n} files")
        };
        let about = match g.profile.as_deref().and_then(Profile::builtin) {
            Some(p) => format!(", profile {}: {}", p.name(), p.spec.description),
            None if g.role == FileRole::Labels => {
                ": label journals or sheets (a label field and no text)".into()
            }
            None => String::new(),
        };
        let table = match g.role {
            FileRole::Transcripts => "transcripts",
            FileRole::Verdicts => "verdicts",
            FileRole::Labels => "labels",
        };
        let _ = writeln!(out, "# {files}{about}");
        let _ = writeln!(out, "[[{table}]]");
        let paths: Vec<String> = paths_for(root, &g.files)
            .iter()
            .map(|p| quoted(p))
            .collect();
        let _ = writeln!(out, "paths = [{}]", paths.join(", "));
        match g.role {
            FileRole::Labels => {
                let _ = writeln!(
                    out,
                    "# set = [\"id=transcript_id\", \"field=af\", \"map.potential_faking=yes\"]   # how to read a label sheet\n"
                );
            }
            role => {
                if let Some(p) = &g.profile {
                    let _ = writeln!(out, "profile = {}", quoted(p));
                }
                if role == FileRole::Verdicts {
                    let _ = writeln!(
                        out,
                        "# join = \"position\"        # or {{ id = \"transcript_id\" }}; default: the profile's [join]"
                    );
                }
                let _ = writeln!(
                    out,
                    "# set = [\"fields.id=query_id\"]   # profile keys, as --set\n"
                );
            }
        }
    }
    if !skipped.is_empty() {
        let names: Vec<String> = skipped.iter().take(8).map(|f| relative(root, f)).collect();
        let more = skipped.len().saturating_sub(names.len());
        let _ = writeln!(
            out,
            "# Not data, not read: {}{}",
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    // What is written must read back.
    Study::parse(&root.join(FILE_NAME), &out)
        .map_err(|e| format!("the study drafted for {shown} does not read back: {e}"))?;
    Ok(out)
}
