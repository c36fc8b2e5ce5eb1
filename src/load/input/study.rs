//! The study file (`afscope.toml`): a study's inputs by role with their settings, and
//! its defaults, read and resolved to files; every error names the file, line and key.

use crate::load::input::{classify, glob, has_glob, is_data_name, walk};
use crate::load::join::labels::LabelMapping;
use crate::load::profile::{apply_override, FileRole, Profile};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The study file's name, looked for in the current folder or a folder argument.
pub const FILE_NAME: &str = "afscope.toml";

/// The journal a study's labels go to when `[defaults] journal` names none.
pub const DEFAULT_JOURNAL: &str = "afscope.labels.jsonl";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStudy {
    #[serde(default)]
    defaults: Option<RawDefaults>,
    #[serde(default)]
    transcripts: Vec<RawTranscripts>,
    #[serde(default)]
    verdicts: Vec<RawVerdicts>,
    #[serde(default)]
    labels: Vec<RawLabels>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    filter: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    threshold: Option<Spanned<f64>>,
    labeler: Option<Spanned<String>>,
    journal: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranscripts {
    paths: Spanned<Vec<Spanned<String>>>,
    profile: Option<Spanned<String>>,
    #[serde(default)]
    set: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVerdicts {
    paths: Spanned<Vec<Spanned<String>>>,
    profile: Option<Spanned<String>>,
    #[serde(default)]
    set: Vec<Spanned<String>>,
    join: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabels {
    paths: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    set: Vec<Spanned<String>>,
}

/// One file of a study, with the settings of the table that named it.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyInput {
    pub path: PathBuf,
    /// A profile name or file (files resolved against the study's folder).
    pub profile: Option<String>,
    /// `key=value` settings: profile keys, or label-sheet keys for labels.
    pub set: Vec<String>,
    /// The line of the `paths` entry that named it.
    pub line: usize,
}

/// `[defaults]`: what commands use when no flag says otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StudyDefaults {
    pub filter: Option<String>,
    pub theme: Option<String>,
    pub threshold: Option<f64>,
    pub labeler: Option<String>,
    /// The label journal (default `afscope.labels.jsonl` in the study's folder).
    pub journal: PathBuf,
}

/// A study file read and resolved to files.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// The study file.
    pub file: PathBuf,
    /// Its folder: paths in it are relative to this.
    pub root: PathBuf,
    pub transcripts: Vec<StudyInput>,
    pub verdicts: Vec<StudyInput>,
    pub labels: Vec<StudyInput>,
    pub defaults: StudyDefaults,
}

/// `dir/afscope.toml` when it is a file.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let p = if dir == Path::new(".") {
        PathBuf::from(FILE_NAME)
    } else {
        dir.join(FILE_NAME)
    };
    p.is_file().then_some(p)
}

/// A path of the study resolved against its folder (kept relative when the folder
/// is the current one).
fn under(root: &Path, p: &str) -> PathBuf {
    let path = Path::new(p);
    if path.is_absolute() || root.as_os_str().is_empty() || root == Path::new(".") {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

struct Reader<'a> {
    file: &'a Path,
    text: &'a str,
    root: PathBuf,
}

impl Reader<'_> {
    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        msg: impl std::fmt::Display,
    ) -> Result<T, String> {
        Err(format!(
            "{}:{}: {key}: {msg}",
            self.file.display(),
            line_of(self.text, span.start)
        ))
    }

    /// The files one `paths` list names: files as named, folders walked (the files of
    /// `role` in them), globs matched (the data files among the matches).
    fn paths(
        &self,
        table: &str,
        paths: &Spanned<Vec<Spanned<String>>>,
        role: FileRole,
    ) -> Result<Vec<(PathBuf, usize)>, String> {
        let key = format!("{table} paths");
        if paths.get_ref().is_empty() {
            return self.err(paths.span(), &key, "names no file");
        }
        let mut out = Vec::new();
        for p in paths.get_ref() {
            let line = line_of(self.text, p.span().start);
            let path = under(&self.root, p.get_ref());
            let shown = p.get_ref();
            let found: Vec<PathBuf> = if path.is_dir() {
                let files: Vec<PathBuf> = walk(&path, false)
                    .into_iter()
                    .filter(|f| classify(f, false).is_some_and(|c| c.role == role))
                    .collect();
                if files.is_empty() {
                    return self.err(
                        p.span(),
                        &key,
                        format!("`{shown}`: no {} files in this folder", role.as_str()),
                    );
                }
                files
            } else if path.is_file() {
                vec![path]
            } else if has_glob(shown) {
                let files: Vec<PathBuf> = glob(&path.to_string_lossy(), false)
                    .or_else(|e| self.err(p.span(), &key, e))?
                    .into_iter()
                    .filter(|f| is_data_name(f))
                    .collect();
                if files.is_empty() {
                    return self.err(p.span(), &key, format!("`{shown}` matches no data file"));
                }
                files
            } else {
                return self.err(p.span(), &key, format!("`{shown}`: no such file or folder"));
            };
            out.extend(found.into_iter().map(|f| (f, line)));
        }
        Ok(out)
    }

    /// A profile name, or a profile file relative to the study's folder.
    fn profile_name(&self, p: &str) -> String {
        let path = under(&self.root, p);
        if Profile::builtins().iter().any(|b| b.name() == p) || !path.is_file() {
            p.to_string()
        } else {
            path.to_string_lossy().into_owned()
        }
    }

    /// Checks the settings (and the profile, when one is named) compile.
    fn settings(
        &self,
        table: &str,
        profile: &Option<Spanned<String>>,
        set: &[Spanned<String>],
    ) -> Result<(Option<String>, Vec<String>), String> {
        let mut sets = Vec::new();
        for s in set {
            apply_override(&mut toml::Table::new(), s.get_ref())
                .or_else(|e| self.err(s.span(), &format!("{table} set"), e))?;
            sets.push(s.get_ref().clone());
        }
        let name = match profile {
            Some(p) => {
                let name = self.profile_name(p.get_ref());
                Profile::load(&name, &sets)
                    .or_else(|e| self.err(p.span(), &format!("{table} profile"), e))?;
                Some(name)
            }
            None => None,
        };
        Ok((name, sets))
    }
}

/// A verdict table's `join`: `"position"`, or a table of transcript attribute →
/// field, as profile settings. A `join` and a `join.*` setting together are an error
/// naming both.
fn join_setting(r: &Reader<'_>, v: &RawVerdicts) -> Result<Option<String>, String> {
    let Some(join) = &v.join else { return Ok(None) };
    if let Some(s) = v
        .set
        .iter()
        .find(|s| s.get_ref().trim_start().starts_with("join"))
    {
        return r.err(
            join.span(),
            "[[verdicts]] join",
            format!(
                "conflicts with `set = [\"{}\"]` (line {}): say the join once",
                s.get_ref(),
                line_of(r.text, s.span().start)
            ),
        );
    }
    match join.get_ref() {
        toml::Value::String(s) if s == "position" => Ok(Some("join.position=true".into())),
        toml::Value::Table(t) if !t.is_empty() && t.values().all(|v| v.is_str()) => {
            Ok(Some(format!("join.on={}", toml::Value::Table(t.clone()))))
        }
        _ => r.err(
            join.span(),
            "[[verdicts]] join",
            "expected \"position\" or a table of transcript attribute = field, e.g. { id = \"transcript_id\" }",
        ),
    }
}

impl Study {
    /// Reads and resolves a study file: every path must name files, every profile and
    /// setting must compile, and no file may be named twice.
    pub fn load(file: &Path) -> Result<Study, String> {
        let text = crate::load::input::bytes::read_small(file, 16 << 20)
            .map_err(|e| format!("{}: cannot be read: {e}", file.display()))?;
        Study::parse(file, &text)
    }

    /// Resolves a study file's text, read from `file`.
    pub fn parse(file: &Path, text: &str) -> Result<Study, String> {
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let r = Reader {
            file,
            text,
            root: root.clone(),
        };
        let raw: RawStudy = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            format!("{}:{line}: {}", file.display(), e.message().trim_end())
        })?;
        let mut study = Study {
            file: file.to_path_buf(),
            root: root.clone(),
            transcripts: Vec::new(),
            verdicts: Vec::new(),
            labels: Vec::new(),
            defaults: StudyDefaults {
                journal: under(&root, DEFAULT_JOURNAL),
                ..Default::default()
            },
        };
        for t in &raw.transcripts {
            let (profile, set) = r.settings("[[transcripts]]", &t.profile, &t.set)?;
            for (path, line) in r.paths("[[transcripts]]", &t.paths, FileRole::Transcripts)? {
                study.transcripts.push(StudyInput {
                    path,
                    profile: profile.clone(),
                    set: set.clone(),
                    line,
                });
            }
        }
        for v in &raw.verdicts {
            let (profile, mut set) = r.settings("[[verdicts]]", &v.profile, &v.set)?;
            set.extend(join_setting(&r, v)?);
            for (path, line) in r.paths("[[verdicts]]", &v.paths, FileRole::Verdicts)? {
                study.verdicts.push(StudyInput {
                    path,
                    profile: profile.clone(),
                    set: set.clone(),
                    line,
                });
            }
        }
        for l in &raw.labels {
            let set: Vec<String> = l.set.iter().map(|s| s.get_ref().clone()).collect();
            if let Err(e) = LabelMapping::parse(&set) {
                let at = l.set.first().map_or(l.paths.span(), |s| s.span());
                return r.err(at, "[[labels]] set", e);
            }
            for (path, line) in r.paths("[[labels]]", &l.paths, FileRole::Labels)? {
                study.labels.push(StudyInput {
                    path,
                    profile: None,
                    set: set.clone(),
                    line,
                });
            }
        }
        if let Some(d) = raw.defaults {
            if let Some(t) = &d.threshold {
                if !(0.0..=1.0).contains(t.get_ref()) {
                    return r.err(t.span(), "[defaults] threshold", "must be in [0, 1]");
                }
            }
            if let Some(f) = &d.filter {
                crate::query::Query::parse(f.get_ref())
                    .or_else(|e| r.err(f.span(), "[defaults] filter", e.pointed(f.get_ref())))?;
            }
            let s = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.get_ref().clone());
            study.defaults.filter = s(&d.filter);
            study.defaults.theme = s(&d.theme);
            study.defaults.labeler = s(&d.labeler);
            study.defaults.threshold = d.threshold.map(|t| *t.get_ref());
            if let Some(j) = &d.journal {
                study.defaults.journal = under(&root, j.get_ref());
            }
        }
        study.check_named_once()?;
        Ok(study)
    }

    /// A file named by two tables (or twice by one) would be read twice: an error
    /// naming both lines.
    fn check_named_once(&self) -> Result<(), String> {
        let mut seen: std::collections::HashMap<PathBuf, (&str, usize)> = Default::default();
        let tables = [
            ("[[transcripts]]", &self.transcripts),
            ("[[verdicts]]", &self.verdicts),
            ("[[labels]]", &self.labels),
        ];
        for (table, inputs) in tables {
            for i in inputs.iter() {
                let key = std::fs::canonicalize(&i.path).unwrap_or_else(|_| i.path.clone());
                if let Some((t0, l0)) = seen.insert(key, (table, i.line)) {
                    return Err(format!(
                        "{}:{}: {table} paths: {} is also named by {t0} at line {l0}",
                        self.file.display(),
                        i.line,
                        i.path.display()
                    ));
                }
            }
        }
        Ok(())
    }
}
