//! Mapping profiles: a small TOML file (or `--set key=value` flags) saying where a
//! layout keeps its records and fields. The built-in layouts are profiles too.

pub mod detect;
pub mod extract;
pub mod native_verdicts;
pub mod texts;
pub mod verdicts;
pub mod wide;

use crate::load::record::field_path::FieldPath;
use crate::model::{Tier, VerdictKind};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub use crate::load::record::Format;

/// One or several field paths, tried in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alts(pub Vec<String>);

impl<'de> Deserialize<'de> for Alts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(s) => Alts(vec![s]),
            OneOrMany::Many(v) => Alts(v),
        })
    }
}

/// Which profile claims a file: all given conditions must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detect {
    /// Regex on the file path.
    pub path: Option<String>,
    /// Top-level keys the first record has.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Top-level keys of which the first record has at least one.
    #[serde(default)]
    pub any_keys: Vec<String>,
    /// Columns a CSV header has.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// Where each transcript field lives in a record.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    pub id: Option<Alts>,
    pub model: Option<Alts>,
    pub tier: Option<Alts>,
    pub tags: Option<Alts>,
    pub condition: Option<Alts>,
    pub prompt_index: Option<Alts>,
    pub sample_index: Option<Alts>,
    pub system: Option<Alts>,
    pub user: Option<Alts>,
    pub messages: Option<Alts>,
    pub completion: Option<Alts>,
    pub scratchpad: Option<Alts>,
    pub output: Option<Alts>,
    pub label: Option<Alts>,
}

/// Named groups `model`, `condition`, `tier` of a regex matched on the file path.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathRule {
    pub pattern: Option<String>,
}

/// Records holding several transcripts, one per key (JSON) or column (CSV).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wide {
    /// The object whose keys are conditions; absent means the record itself.
    pub map: Option<String>,
    /// Regex the keys must match; named groups `tier` and `condition` are read.
    pub keys: String,
}

/// How a verdict is laid out in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStyle {
    /// afscope's verdict object (or an array of them).
    Native,
    /// `{final_answer, final_answer_most_common, criteria[], quotes[][], success}`.
    Block,
    /// A bare score (or vote count with `votes_out_of`).
    Score,
    /// Score columns of a flat record; `criteria` names the columns.
    Columns,
}

/// One verdict source inside each record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictSpec {
    /// Classifier name; `{file}` is the file stem, `{classifier}` a native verdict's own.
    pub name: String,
    #[serde(default)]
    pub kind: VerdictKind,
    pub style: VerdictStyle,
    /// Where the verdict is (empty: the record itself).
    #[serde(default)]
    pub path: String,
    /// The value at `path` counts "yes" votes out of this many.
    pub votes_out_of: Option<u32>,
    /// Criterion names (block style) or score columns (columns style).
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Where the judge's raw output is.
    pub raw: Option<String>,
}

/// How records of a second file attach to transcripts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    /// Transcript attribute (`id`, `key`, `prompt_index`, `sample_index`, `model`,
    /// `tier`, `condition`) → field of this file. All must be equal.
    #[serde(default)]
    pub on: BTreeMap<String, String>,
    /// Join the n-th record to the n-th transcript instead.
    #[serde(default)]
    pub position: bool,
}

/// What a profile's files are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileRole {
    /// Transcripts, with any verdicts they carry.
    Transcripts,
    /// Verdicts of a classifier, joined to transcripts (needs a `[join]`).
    Verdicts,
    /// Hand labels, joined to transcripts (read through `label_set`).
    Labels,
}

impl FileRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FileRole::Transcripts => "transcripts",
            FileRole::Verdicts => "verdicts",
            FileRole::Labels => "labels",
        }
    }
}

/// A mapping profile, as written in TOML.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub format: Option<Format>,
    /// Path to the record array inside a wrapping object (`samples`).
    pub records: Option<String>,
    #[serde(default)]
    pub detect: Detect,
    #[serde(default)]
    pub fields: Fields,
    /// Extra spellings of tiers: `"monitored" = "free"`.
    #[serde(default)]
    pub tier_values: BTreeMap<String, String>,
    #[serde(default)]
    pub path: PathRule,
    /// A model name for every record of the file.
    pub model: Option<String>,
    pub wide: Option<Wide>,
    #[serde(default)]
    pub verdicts: Vec<VerdictSpec>,
    /// Kinds by classifier name, over what a native verdict says of itself
    /// (`kinds.honesty = "alignment_faking"`, or `--set kinds.honesty=compliance`).
    #[serde(default)]
    pub kinds: BTreeMap<String, VerdictKind>,
    pub join: Option<Join>,
    /// What the files are for (default: `verdicts` with a `[join]`, else
    /// `transcripts`).
    pub role: Option<FileRole>,
    /// Labels role: how to read the file (`--label-set` keys: `id=FIELD`,
    /// `field=FIELD`, `labeler=NAME`, `join=position`, `map.CLASS=yes|no|unsure`).
    #[serde(default)]
    pub label_set: Vec<String>,
}

/// The built-in profiles, in the order detection tries them (`native` last).
pub const BUILTIN: [(&str, &str); 8] = [
    ("inspect", include_str!("builtin/inspect.toml")),
    ("af-pipeline", include_str!("builtin/af-pipeline.toml")),
    (
        "wide-conditions",
        include_str!("builtin/wide-conditions.toml"),
    ),
    ("tier-columns", include_str!("builtin/tier-columns.toml")),
    (
        "condition-scores",
        include_str!("builtin/condition-scores.toml"),
    ),
    (
        "native-verdicts",
        include_str!("builtin/native-verdicts.toml"),
    ),
    ("label-records", include_str!("builtin/label-records.toml")),
    ("native", include_str!("builtin/native.toml")),
];

/// Compiled field paths of a profile.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    pub id: Vec<FieldPath>,
    pub model: Vec<FieldPath>,
    pub tier: Vec<FieldPath>,
    pub tags: Vec<FieldPath>,
    pub condition: Vec<FieldPath>,
    pub prompt_index: Vec<FieldPath>,
    pub sample_index: Vec<FieldPath>,
    pub system: Vec<FieldPath>,
    pub user: Vec<FieldPath>,
    pub messages: Vec<FieldPath>,
    pub completion: Vec<FieldPath>,
    pub scratchpad: Vec<FieldPath>,
    pub output: Vec<FieldPath>,
    pub label: Vec<FieldPath>,
}

/// A profile ready to apply: paths parsed, regexes compiled.
#[derive(Debug, Clone)]
pub struct Profile {
    pub spec: ProfileSpec,
    pub paths: Paths,
    pub records: Option<FieldPath>,
    pub path_re: Option<Regex>,
    pub detect_path_re: Option<Regex>,
    pub wide_map: Option<FieldPath>,
    pub wide_keys: Option<Regex>,
    pub verdict_paths: Vec<FieldPath>,
    pub tier_values: Vec<(String, Tier)>,
    /// Top-level fields the profile reads, so the rest can be kept as metadata.
    pub consumed: Vec<String>,
    /// Top-level fields read only as a completion, scratchpad or output text: indexing
    /// asks only whether they hold a string, never what it says.
    pub text_only: Vec<String>,
}

/// The fields named only by one-step completion, scratchpad or output paths: every
/// other read of a field (by any other path, verdict or wide map) counts in `consumed`
/// once more than here.
fn text_only(paths: &Paths, consumed: &[String]) -> Vec<String> {
    let texts = || {
        (paths.completion.iter())
            .chain(&paths.scratchpad)
            .chain(&paths.output)
    };
    let mut out: Vec<String> = Vec::new();
    for p in texts() {
        let Some(name) = p.head().filter(|_| p.steps.len() == 1) else {
            continue;
        };
        let as_text = texts().filter(|q| q.head() == Some(name)).count();
        let read = consumed.iter().filter(|c| *c == name).count();
        if read == as_text && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

impl Profile {
    /// What the profile's files are for.
    pub fn role(&self) -> FileRole {
        self.spec.role.unwrap_or(if self.spec.join.is_some() {
            FileRole::Verdicts
        } else {
            FileRole::Transcripts
        })
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Compiles a profile, naming the bad entry on error.
    pub fn compile(spec: ProfileSpec) -> Result<Profile, String> {
        match (spec.role, &spec.join) {
            (Some(FileRole::Verdicts), None) => {
                return Err("role = \"verdicts\" needs a [join] table saying how its records attach to transcripts".into())
            }
            (Some(FileRole::Transcripts | FileRole::Labels), Some(_)) => {
                return Err("[join] is for verdict files: set role = \"verdicts\" or remove it".into())
            }
            _ => {}
        }
        if !spec.label_set.is_empty() && spec.role != Some(FileRole::Labels) {
            return Err("label_set is for label files: set role = \"labels\"".into());
        }
        let mut consumed = Vec::new();
        let mut alts = |a: &Option<Alts>, what: &str| -> Result<Vec<FieldPath>, String> {
            let mut out = Vec::new();
            for text in a.iter().flat_map(|a| a.0.iter()) {
                let p = FieldPath::parse(text).map_err(|e| format!("fields.{what}: {e}"))?;
                if let Some(h) = p.head() {
                    consumed.push(h.to_string());
                }
                out.push(p);
            }
            Ok(out)
        };
        let f = &spec.fields;
        let paths = Paths {
            id: alts(&f.id, "id")?,
            model: alts(&f.model, "model")?,
            tier: alts(&f.tier, "tier")?,
            tags: alts(&f.tags, "tags")?,
            condition: alts(&f.condition, "condition")?,
            prompt_index: alts(&f.prompt_index, "prompt_index")?,
            sample_index: alts(&f.sample_index, "sample_index")?,
            system: alts(&f.system, "system")?,
            user: alts(&f.user, "user")?,
            messages: alts(&f.messages, "messages")?,
            completion: alts(&f.completion, "completion")?,
            scratchpad: alts(&f.scratchpad, "scratchpad")?,
            output: alts(&f.output, "output")?,
            label: alts(&f.label, "label")?,
        };
        let regex = |s: &Option<String>, what: &str| -> Result<Option<Regex>, String> {
            s.as_deref()
                .map(|p| Regex::new(p).map_err(|e| format!("{what}: {e}")))
                .transpose()
        };
        let path_re = regex(&spec.path.pattern, "path.pattern")?;
        let detect_path_re = regex(&spec.detect.path, "detect.path")?;
        let wide_keys = regex(&spec.wide.as_ref().map(|w| w.keys.clone()), "wide.keys")?;
        let wide_map = match spec.wide.as_ref().and_then(|w| w.map.as_deref()) {
            Some(m) => {
                let p = FieldPath::parse(m).map_err(|e| format!("wide.map: {e}"))?;
                consumed.extend(p.head().map(str::to_string));
                Some(p)
            }
            None => None,
        };
        let records = spec
            .records
            .as_deref()
            .map(|r| FieldPath::parse(r).map_err(|e| format!("records: {e}")))
            .transpose()?;
        let mut verdict_paths = Vec::new();
        for (i, v) in spec.verdicts.iter().enumerate() {
            let p = FieldPath::parse(&v.path).map_err(|e| format!("verdicts[{i}].path: {e}"))?;
            consumed.extend(p.head().map(str::to_string));
            if v.style == VerdictStyle::Columns {
                consumed.extend(v.criteria.iter().cloned());
            }
            if let Some(raw) = &v.raw {
                consumed.extend(FieldPath::parse(raw)?.head().map(str::to_string));
            }
            verdict_paths.push(p);
        }
        let mut tier_values = Vec::new();
        for (k, v) in &spec.tier_values {
            let t = Tier::parse(v)
                .ok_or_else(|| format!("tier_values.{k}: `{v}` is not free or paid"))?;
            tier_values.push((k.to_lowercase(), t));
        }
        let text_only = text_only(&paths, &consumed);
        Ok(Profile {
            text_only,
            spec,
            paths,
            records,
            path_re,
            detect_path_re,
            wide_map,
            wide_keys,
            verdict_paths,
            tier_values,
            consumed,
        })
    }

    /// Reads a tier spelling through the profile's own map, then the common spellings.
    pub fn tier_of(&self, s: &str) -> Option<Tier> {
        let s_trim = s.trim();
        self.tier_values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(s_trim))
            .map(|(_, t)| *t)
            .or_else(|| Tier::parse(s))
    }

    /// A built-in profile by name.
    pub fn builtin(name: &str) -> Option<Arc<Profile>> {
        Self::builtins().iter().find(|p| p.name() == name).cloned()
    }

    /// A built-in profile's table, parsed once per process.
    fn builtin_table(name: &str) -> Option<toml::Table> {
        static PARSED: std::sync::OnceLock<Vec<(&'static str, toml::Table)>> =
            std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                BUILTIN
                    .iter()
                    .map(|(n, text)| (*n, text.parse().expect("built-in profiles parse")))
                    .collect()
            })
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone())
    }

    /// Every built-in profile, in detection order.
    /// The built-in profiles, compiled once per process (detection asks for them
    /// for every file).
    pub fn builtins() -> &'static [Arc<Profile>] {
        static COMPILED: std::sync::OnceLock<Vec<Arc<Profile>>> = std::sync::OnceLock::new();
        COMPILED.get_or_init(|| {
            BUILTIN
                .iter()
                .filter_map(|(n, _)| Self::builtin_table(n))
                .map(|t| Arc::new(Self::from_table(t).expect("built-in profiles compile")))
                .collect()
        })
    }

    fn from_table(table: toml::Table) -> Result<Profile, String> {
        let spec: ProfileSpec = table
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        Profile::compile(spec)
    }

    /// Loads `NAME` (built-in) or a TOML file, then applies `key=value` overrides.
    pub fn load(name_or_path: &str, overrides: &[String]) -> Result<Profile, String> {
        let table = match Self::builtin_table(name_or_path) {
            Some(t) => t,
            None => {
                let text = std::fs::read_to_string(Path::new(name_or_path)).map_err(|e| {
                    format!("profile {name_or_path}: not a built-in profile, and {e}")
                })?;
                text.parse::<toml::Table>()
                    .map_err(|e| format!("profile {name_or_path}: {e}"))?
            }
        };
        Self::with_overrides(table, overrides).map_err(|e| format!("profile {name_or_path}: {e}"))
    }

    /// A built-in profile with `key=value` overrides applied.
    /// A built-in profile with `--set` overrides, compiled once per process for each
    /// distinct (name, overrides): a folder of thousands of files compiles it once.
    pub fn builtin_with(name: &str, overrides: &[String]) -> Result<Arc<Profile>, String> {
        type Cache = std::sync::Mutex<Vec<((String, Vec<String>), Arc<Profile>)>>;
        static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
        if overrides.is_empty() {
            return Self::builtin(name).ok_or_else(|| format!("no profile `{name}`"));
        }
        let cache = CACHE.get_or_init(Default::default);
        let key = (name.to_string(), overrides.to_vec());
        if let Some((_, p)) = cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(k, _)| *k == key)
        {
            return Ok(p.clone());
        }
        let table = Self::builtin_table(name).ok_or_else(|| format!("no profile `{name}`"))?;
        let p = Arc::new(Self::with_overrides(table, overrides)?);
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, p.clone()));
        Ok(p)
    }

    fn with_overrides(mut table: toml::Table, overrides: &[String]) -> Result<Profile, String> {
        for o in overrides {
            apply_override(&mut table, o)?;
        }
        Self::from_table(table)
    }
}

/// Sets a dotted key (`fields.id=query_id`, `tier_values.monitored=free`,
/// `join.on.id=uid`) in a profile table. The value is read as TOML when it parses
/// as a TOML value (`["a","b"]`, `true`, `3`), else taken as a string.
pub fn apply_override(table: &mut toml::Table, text: &str) -> Result<(), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`--set {text}`: expected KEY=VALUE"))?;
    let value = format!("v = {}", value.trim())
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.trim().to_string()));
    let parts = key_parts(key.trim());
    let (last, parents) = parts.split_last().expect("split yields one part");
    let mut cur = table;
    for p in parents {
        let entry = cur
            .entry(p.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = entry
            .as_table_mut()
            .ok_or_else(|| format!("`--set {text}`: `{p}` is not a table"))?;
    }
    cur.insert(last.to_string(), value);
    Ok(())
}

/// A dotted key's parts; a part in double quotes may hold dots
/// (`kinds."judge/v1.2"`).
fn key_parts(key: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    for c in key.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(String::new()),
            c => parts.last_mut().expect("one part").push(c),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_key_parts_keep_their_dots() {
        assert_eq!(key_parts("fields.id"), ["fields", "id"]);
        assert_eq!(key_parts("kinds.\"a/b.c\""), ["kinds", "a/b.c"]);
    }

    #[test]
    fn text_only_fields_are_those_no_other_path_reads() {
        let native = Profile::builtin("native").unwrap();
        for f in ["completion", "response", "scratchpad", "output"] {
            assert!(native.text_only.iter().any(|t| t == f), "{f}");
        }
        assert!(!native.text_only.iter().any(|t| t == "model" || t == "id"));
        // A field read as the model too, or through a deeper path, is read for what it
        // says.
        let sets = [
            "fields.model=[\"completion\"]".to_string(),
            "fields.output=[\"output.text\"]".to_string(),
        ];
        let p = Profile::builtin_with("native", &sets).unwrap();
        assert!(!p.text_only.iter().any(|t| t == "completion"));
        assert!(!p.text_only.iter().any(|t| t == "output"));
        assert!(p.text_only.iter().any(|t| t == "response"));
    }

    #[test]
    fn every_builtin_compiles() {
        assert_eq!(Profile::builtins().len(), BUILTIN.len());
    }

    #[test]
    fn overrides_set_nested_keys_and_lists() {
        let p = Profile::builtin_with(
            "native",
            &[
                "fields.id=uid".into(),
                r#"fields.model=["m1", "m2"]"#.into(),
                "tier_values.monitored=free".into(),
            ],
        )
        .unwrap();
        assert_eq!(p.paths.id[0].text, "uid");
        assert_eq!(p.paths.model.len(), 2);
        assert_eq!(p.tier_of("Monitored"), Some(Tier::Free));
    }

    #[test]
    fn bad_profiles_name_the_entry() {
        let err = Profile::builtin_with("native", &["tier_values.x=maybe".into()]).unwrap_err();
        assert!(err.contains("tier_values.x"), "{err}");
        let err = Profile::builtin_with("native", &["wide.keys=(".into()]).unwrap_err();
        assert!(err.contains("wide.keys"), "{err}");
        let err = Profile::builtin_with("native", &["nonsense=1".into()]).unwrap_err();
        assert!(err.contains("nonsense"), "{err}");
    }
}
