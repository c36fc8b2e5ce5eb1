//! Reads hand-label files: afscope's own label records, or any JSON, JSONL or CSV
//! file of labels through a mapping (`--label-set id=… field=… map.CLASS=yes`).

use crate::load::index::corpus::{Corpus, LabelFileReport};
use crate::load::profile::Format;
use crate::load::record::{self, RecordRef};
use crate::model::{LabelRecord, Problem, ProblemKind};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::Path;

/// How to read a label file that is not in afscope's own schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelMapping {
    /// Column or field holding the transcript id (default: `transcript_id`, `id`).
    pub id: Option<String>,
    /// Column or field holding the label (default: `af`, `label`, `human_label`,
    /// `is_af`, `alignment_faking`).
    pub field: Option<String>,
    /// Labeler name for every label (default: the file name).
    pub labeler: Option<String>,
    /// Join the n-th label to the n-th transcript instead of by id.
    pub position: bool,
    /// Class names to label values: `potential_faking` → `yes`.
    pub map: BTreeMap<String, String>,
}

impl LabelMapping {
    /// Reads `key=value` settings: `id`, `field`, `labeler`, `join` (`id` or
    /// `position`), `map.CLASS`.
    pub fn parse(settings: &[String]) -> Result<LabelMapping, String> {
        let mut m = LabelMapping::default();
        for s in settings {
            let (k, v) = s
                .split_once('=')
                .ok_or_else(|| format!("--label-set {s}: expected KEY=VALUE"))?;
            let v = v.trim().to_string();
            match k.trim() {
                "id" => m.id = Some(v),
                "field" => m.field = Some(v),
                "labeler" => m.labeler = Some(v),
                "join" => match v.as_str() {
                    "id" => m.position = false,
                    "position" => m.position = true,
                    _ => return Err(format!("--label-set join={v}: use `id` or `position`")),
                },
                other => match other.strip_prefix("map.") {
                    Some(class) if !class.is_empty() => {
                        m.map.insert(class.to_string(), v);
                    }
                    _ => {
                        return Err(format!(
                            "--label-set {other}: unknown key (use id, field, labeler, join, map.CLASS)"
                        ))
                    }
                },
            }
        }
        Ok(m)
    }
}

use crate::model::journal::{Keep, Replay};

/// The labels read from one file, with the record position each came from.
pub struct LabelFile {
    pub labels: Vec<LabelRecord>,
    /// 0-based record position of each label, for joins by position.
    pub positions: Vec<usize>,
    pub problems: Vec<Problem>,
}

const ID_FIELDS: [&str; 2] = ["transcript_id", "id"];
const VALUE_FIELDS: [&str; 5] = ["af", "label", "human_label", "is_af", "alignment_faking"];

/// Reads a label file. Lines in afscope's schema (`transcript_id`, `labeler`,
/// `values`) are read as they are; other records go through `mapping`.
pub fn read(path: &Path, mapping: &LabelMapping) -> LabelFile {
    let mut out = LabelFile {
        labels: Vec::new(),
        positions: Vec::new(),
        problems: Vec::new(),
    };
    let bytes = match crate::load::input::bytes::read_with_damage(path) {
        Ok((b, damage)) => {
            out.problems.extend(damage);
            b
        }
        Err(p) => {
            out.problems.push(p);
            return out;
        }
    };
    if crate::model::journal::looks_like_journal(&bytes) {
        read_journal(path, &bytes, &mut out);
        return out;
    }
    // Record places only: each record is decoded when its turn comes, so memory holds
    // one record at a time besides the labels.
    let (records, csv): (Vec<RecordRef>, Option<(Vec<String>, u8)>) =
        match record::sniff_format(path, &bytes) {
            Format::Csv => {
                let (rows, problems) = record::csv_rows(path, &bytes);
                out.problems.extend(problems);
                (rows.rows, Some((rows.headers, rows.delimiter)))
            }
            Format::Json => {
                let (elems, problems) = record::json_elements(path, &bytes, None);
                out.problems.extend(problems);
                (elems, None)
            }
            Format::Jsonl => {
                let mut recs = Vec::new();
                record::jsonl_records(&bytes, 0..bytes.len(), 1, &mut recs);
                (recs, None)
            }
        };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (position, rec) in records.iter().enumerate() {
        if rec.range().len() > MAX_LABEL_RECORD {
            out.problems.push(
                Problem::new(
                    path,
                    ProblemKind::BadValue,
                    format!(
                        "a label record of {} bytes, larger than a label may be ({} MiB); not read",
                        rec.range().len(),
                        MAX_LABEL_RECORD >> 20
                    ),
                )
                .at_line(rec.line),
            );
            continue;
        }
        let csv_text = csv.as_ref().map(|(headers, delimiter)| {
            record::csv_row_json(headers, *delimiter, &bytes[rec.range()])
        });
        let csv_text = match csv_text {
            Some(None) => {
                out.problems.push(
                    Problem::new(path, ProblemKind::CsvShape, "an unreadable CSV row")
                        .at_line(rec.line),
                );
                continue;
            }
            Some(Some(t)) => Some(t),
            None => None,
        };
        let text: &[u8] = match &csv_text {
            Some(t) => t.as_bytes(),
            None => &bytes[rec.range()],
        };
        let problem = |kind, reason: String| Problem::new(path, kind, reason).at_line(rec.line);
        let obj: Map<String, Value> = match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                out.problems.push(problem(
                    ProblemKind::WrongType,
                    "a label record must be an object".into(),
                ));
                continue;
            }
            Err(e) => {
                out.problems
                    .push(problem(ProblemKind::InvalidJson, e.to_string()));
                continue;
            }
        };
        let own = obj.contains_key("values") && obj.contains_key("transcript_id");
        let exported = csv_text.is_some() && EXPORT_COLUMNS.iter().all(|c| obj.contains_key(*c));
        let label = if own {
            serde_json::from_value::<LabelRecord>(Value::Object(obj))
                .map_err(|e| problem(ProblemKind::WrongType, e.to_string()))
        } else if exported {
            from_export_row(obj)
                .map_err(|(field, reason)| problem(ProblemKind::BadValue, reason).in_field(field))
        } else {
            mapped(&obj, mapping, &stem, position)
                .map_err(|(field, kind, reason)| problem(kind, reason).in_field(field))
        };
        match label {
            Ok(l) => {
                out.labels.push(l);
                out.positions.push(position);
            }
            Err(p) => out.problems.push(p),
        }
    }
    out
}

/// A label journal: replayed, the current labels (last event per transcript and
/// labeler) in the order they were first made.
fn read_journal(path: &Path, bytes: &[u8], out: &mut LabelFile) {
    let (replay, problems) = replay_journal(path, bytes);
    out.problems.extend(problems);
    for (i, l) in replay.into_labels().enumerate() {
        out.labels.push(l);
        out.positions.push(i);
    }
}

/// A journal replayed for its labels in force (kept compact), with its problems.
fn replay_journal(path: &Path, bytes: &[u8]) -> (Replay, Vec<Problem>) {
    let replay = Replay::read_stream(bytes, Keep::Labels).expect("reading from memory cannot fail");
    let mut problems = Vec::new();
    for b in &replay.bad {
        problems.push(
            Problem::new(path, ProblemKind::InvalidJson, b.reason.clone())
                .at_line(b.line as u64)
                .in_field("event"),
        );
    }
    for u in &replay.unmatched_undos {
        let p = Problem::new(
            path,
            ProblemKind::BadValue,
            format!(
                "undo {} names event {}, which is not a label in force of its transcript and labeler; ignored",
                u.seq, u.undoes
            ),
        )
        .in_field("undoes");
        problems.push(match u.line {
            Some(l) => p.at_line(l as u64),
            None => p,
        });
    }
    (replay, problems)
}

/// Labels read to be passed on (an export): a journal's are kept compact and decoded
/// one at a time, so a million labels never sit in memory decoded.
pub enum LabelSource {
    Journal(Box<Replay>),
    Records(Vec<LabelRecord>),
}

impl LabelSource {
    /// Calls `f` with every label, in the order `read` gives them.
    pub fn for_each(
        &self,
        f: &mut dyn FnMut(&LabelRecord) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match self {
            LabelSource::Journal(r) => r.for_each_label(f),
            LabelSource::Records(ls) => ls.iter().try_for_each(f),
        }
    }
}

/// `read`, a journal's labels left compact (see `LabelSource`).
pub fn read_source(path: &Path, mapping: &LabelMapping) -> (LabelSource, Vec<Problem>) {
    let (bytes, damage) = match crate::load::input::bytes::read_with_damage(path) {
        Ok(read) => read,
        Err(p) => return (LabelSource::Records(Vec::new()), vec![p]),
    };
    if crate::model::journal::looks_like_journal(&bytes) {
        let (replay, mut problems) = replay_journal(path, &bytes);
        problems.extend(damage);
        return (LabelSource::Journal(Box::new(replay)), problems);
    }
    drop(bytes);
    // Read again in full, which says of any damage itself.
    let file = read(path, mapping);
    (LabelSource::Records(file.labels), file.problems)
}

/// The largest label record read (a row of a label sheet, a JSON label): hand labels
/// with their notes are a few KiB; a larger one is reported, never held.
pub const MAX_LABEL_RECORD: usize = 16 << 20;

/// The fixed columns of `afscope labels export --format csv`.
pub const EXPORT_COLUMNS: [&str; 6] = [
    "transcript_id",
    "labeler",
    "time",
    "schema",
    "source",
    "shown",
];

/// A row of afscope's own CSV export back into a label: every other column is a
/// value (empty cells absent; JSON arrays, objects and booleans parsed).
fn from_export_row(mut obj: Map<String, Value>) -> Result<LabelRecord, (String, String)> {
    let mut take = |k: &str| match obj.remove(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let transcript_id =
        take("transcript_id").ok_or(("transcript_id".to_string(), "empty id".to_string()))?;
    let labeler = take("labeler").unwrap_or_default();
    let time = take("time").unwrap_or_default();
    let schema = match take("schema") {
        None => 1,
        Some(s) => s
            .parse()
            .map_err(|_| ("schema".to_string(), format!("{s:?} is not a whole number")))?,
    };
    let source = take("source");
    let shown = take("shown").map(|s| structured(&s));
    let values = obj
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some((k, structured(&s))),
            other => Some((k, other)),
        })
        .collect();
    Ok(LabelRecord {
        transcript_id,
        labeler,
        time,
        schema,
        source,
        shown,
        values,
    })
}

/// A CSV cell written from a JSON value: arrays, objects and booleans come back as
/// themselves; everything else stays the string it is.
fn structured(s: &str) -> Value {
    if s.starts_with(['[', '{']) || s == "true" || s == "false" {
        serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
    } else {
        Value::String(s.to_string())
    }
}

type MapError = (String, ProblemKind, String);

/// One foreign record as a label.
fn mapped(
    obj: &Map<String, Value>,
    mapping: &LabelMapping,
    stem: &str,
    position: usize,
) -> Result<LabelRecord, MapError> {
    let pick = |chosen: &Option<String>, defaults: &[&str]| -> Option<String> {
        match chosen {
            Some(c) => Some(c.clone()),
            None => defaults
                .iter()
                .find(|d| obj.contains_key(**d))
                .map(|d| d.to_string()),
        }
    };
    let id = if mapping.position {
        format!("#{position}")
    } else {
        let field = pick(&mapping.id, &ID_FIELDS).ok_or_else(|| {
            (
                ID_FIELDS.join("|"),
                ProblemKind::MissingField,
                "no id field; name it with --label-set id=FIELD, or join by position with --label-set join=position".to_string(),
            )
        })?;
        match obj.get(&field) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err((
                    field,
                    ProblemKind::MissingField,
                    "empty or missing id".to_string(),
                ))
            }
        }
    };
    let field = pick(&mapping.field, &VALUE_FIELDS).ok_or_else(|| {
        (
            VALUE_FIELDS.join("|"),
            ProblemKind::MissingField,
            "no label field; name it with --label-set field=FIELD".to_string(),
        )
    })?;
    let value = label_value(obj.get(&field), mapping).map_err(|reason| {
        let kind = if obj.contains_key(&field) {
            ProblemKind::BadValue
        } else {
            ProblemKind::MissingField
        };
        (field.clone(), kind, reason)
    })?;
    let mut values = Map::new();
    values.insert("af".into(), Value::String(value));
    Ok(LabelRecord {
        transcript_id: id,
        labeler: mapping.labeler.clone().unwrap_or_else(|| stem.to_string()),
        time: String::new(),
        schema: 1,
        source: None,
        shown: None,
        values,
    })
}

/// A label cell as a label value: mapped classes, booleans, 0/1; other strings kept
/// as they are (multi-class vocabularies); empty cells and other numbers refused.
fn label_value(v: Option<&Value>, mapping: &LabelMapping) -> Result<String, String> {
    let text = match v {
        None | Some(Value::Null) => return Err("empty label".into()),
        Some(Value::Bool(b)) => return Ok(if *b { "yes" } else { "no" }.into()),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(other) => {
            return Err(format!(
                "a label must be text, a boolean or 0/1, not {other}"
            ))
        }
    };
    if text.is_empty() {
        return Err("empty label".into());
    }
    if let Some(m) = mapping.map.get(&text) {
        return Ok(m.clone());
    }
    if let Ok(x) = text.parse::<f64>() {
        return match x {
            1.0 => Ok("yes".into()),
            0.0 => Ok("no".into()),
            _ => Err(format!(
                "out of range: {text} (a numeric label must be 0 or 1)"
            )),
        };
    }
    Ok(text)
}

/// In the id map: an id more than one transcript has.
const DUPLICATED: u32 = u32::MAX;

/// Joins a label file's labels to the corpus: by id (`by_id`, built on first use and
/// kept for the next label file) or by position.
pub fn join(
    corpus: &mut Corpus,
    path: &Path,
    mapping: &LabelMapping,
    by_id: &mut Option<HashMap<String, u32>>,
) -> LabelFileReport {
    let file = read(path, mapping);
    corpus.problems.extend(file.problems);
    let mut report = LabelFileReport {
        file: path.to_path_buf(),
        read: file.labels.len(),
        joined: 0,
        refused: 0,
        position: mapping.position,
    };
    if !mapping.position && by_id.is_none() {
        let view = corpus.view();
        let mut ids: HashMap<String, u32> = HashMap::with_capacity(view.len());
        for i in 0..view.len() {
            ids.entry(view.id(i).into_owned())
                .and_modify(|e| *e = DUPLICATED)
                .or_insert(i as u32);
        }
        *by_id = Some(ids);
    }
    for (mut l, position) in file.labels.into_iter().zip(file.positions) {
        let entry = if mapping.position {
            (position < corpus.len()).then_some(position as u32)
        } else {
            by_id
                .as_ref()
                .and_then(|m| m.get(&l.transcript_id).copied())
        };
        if entry == Some(DUPLICATED) {
            // Which of the transcripts would it be? None: it is refused, and said.
            corpus.labels_refused += 1;
            report.refused += 1;
            corpus.problems.push(
                Problem::new(
                    path,
                    ProblemKind::DuplicateId,
                    format!(
                        "label for {} not joined: several transcripts have this id (`afscope check` lists them)",
                        crate::model::sanitize::visible(&l.transcript_id, false)
                    ),
                )
                .in_field("transcript_id"),
            );
            corpus.labels.push(l);
            continue;
        }
        match entry {
            Some(e) => {
                report.joined += 1;
                if mapping.position {
                    l.transcript_id = corpus.view().id(e as usize).into_owned();
                }
                // One current label per labeler: a later one replaces an earlier.
                let li = corpus.labels.len() as u32;
                let labels = &corpus.labels;
                let slot = corpus.labels_by_entry.entry(e).or_default();
                match slot
                    .iter_mut()
                    .find(|k| labels[**k as usize].labeler == l.labeler)
                {
                    Some(k) => *k = li,
                    None => slot.push(li),
                }
            }
            None => {
                corpus.labels_unjoined += 1;
                let file = corpus.label_files.len().min(usize::from(u16::MAX)) as u16;
                corpus
                    .labels_unmatched
                    .push((corpus.labels.len() as u32, file));
            }
        }
        corpus.labels.push(l);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values() {
        let mut m = LabelMapping::default();
        m.map.insert("potential_faking".into(), "yes".into());
        let f = |v: Value| label_value(Some(&v), &m);
        assert_eq!(f(json!("potential_faking")).unwrap(), "yes");
        assert_eq!(f(json!(true)).unwrap(), "yes");
        assert_eq!(f(json!(0)).unwrap(), "no");
        assert_eq!(f(json!("1")).unwrap(), "yes");
        assert_eq!(f(json!("partial_faking")).unwrap(), "partial_faking");
        assert!(f(json!("")).unwrap_err().contains("empty"));
        assert!(f(json!(2)).unwrap_err().contains("out of range"));
        assert!(label_value(None, &m).is_err());
    }

    #[test]
    fn settings() {
        let m = LabelMapping::parse(&[
            "id=query_id".into(),
            "field=Human".into(),
            "join=position".into(),
            "map.aligned=no".into(),
        ])
        .unwrap();
        assert_eq!(m.id.as_deref(), Some("query_id"));
        assert!(m.position);
        assert_eq!(m.map["aligned"], "no");
        assert!(LabelMapping::parse(&["colour=red".into()]).is_err());
        assert!(LabelMapping::parse(&["join=sideways".into()]).is_err());
    }
}
