//! Journals combined and labels written out: `merge` (journals from several labelers
//! or machines into one, conflicts kept), `export` (the current labels as JSONL or
//! CSV), and the agreement report between labelers.

use crate::model::agreement::krippendorff_alpha_nominal;
use crate::model::journal::{BadLine, Event, Replay};
use crate::model::metrics::cohen_kappa;
use crate::model::LabelRecord;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A journal read for merging.
pub struct Input {
    pub name: String,
    pub replay: Replay,
}

/// What a merge did.
#[derive(Debug, Default, Serialize)]
pub struct MergeReport {
    /// Events read per input.
    pub read: Vec<(String, usize)>,
    /// Lines that were not events, per input (not copied).
    pub bad: Vec<(String, usize, String)>,
    /// Events present in more than one input, written once.
    pub duplicates: usize,
    pub written: usize,
    pub labelers: Vec<String>,
    /// Transcripts labelled by one labeler in more than one input with different
    /// answers: (transcript, labeler, the inputs). Every event is kept; the newest is
    /// current.
    pub same_labeler_conflicts: Vec<(String, String, Vec<String>)>,
    /// Transcripts on which labelers' current answers differ (kept per labeler).
    pub disagreements: usize,
    /// Session events written, per labeler: each labeler's newest one is where their
    /// `afscope label` resumes, so a merge says whose it copies (and from where).
    pub sessions: BTreeMap<String, BTreeSet<String>>,
}

/// Merges journals: every event of every input once, in time order (each input's own
/// order kept), renumbered. Nothing is dropped but exact duplicates.
pub fn merge(inputs: &[Input]) -> (Vec<Event>, MergeReport) {
    let mut report = MergeReport::default();
    for i in inputs {
        report.read.push((i.name.clone(), i.replay.events.len()));
        for BadLine { line, reason } in &i.replay.bad {
            report.bad.push((i.name.clone(), *line, reason.clone()));
        }
    }
    // k-way merge by time: the input whose next event is oldest goes first.
    let mut heads = vec![0usize; inputs.len()];
    // Events already written, by a 128-bit hash of their line (a line per event
    // would double the journal in memory).
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut out = Vec::new();
    let mut renumber: HashMap<(usize, u64), u64> = HashMap::new();
    let mut origin: HashMap<(String, String), BTreeMap<String, BTreeSet<String>>> = HashMap::new();
    loop {
        let next = (0..inputs.len())
            .filter(|&k| heads[k] < inputs[k].replay.events.len())
            .min_by(|&a, &b| {
                let ta = inputs[a].replay.events[heads[a]].time();
                let tb = inputs[b].replay.events[heads[b]].time();
                ta.cmp(tb).then(a.cmp(&b))
            });
        let Some(k) = next else { break };
        let e = &inputs[k].replay.events[heads[k]];
        heads[k] += 1;
        let key = line_hash(&e.line());
        if let Some(&first) = seen.get(&key) {
            // An undo naming this copy names the first one.
            renumber.insert((k, e.seq()), first);
            report.duplicates += 1;
            continue;
        }
        let seq = out.len() as u64 + 1;
        seen.insert(key, seq);
        if let Event::Session { labeler, .. } = e {
            report
                .sessions
                .entry(labeler.clone())
                .or_default()
                .insert(inputs[k].name.clone());
        }
        renumber.insert((k, e.seq()), seq);
        let e = match e.clone() {
            Event::Set { label, .. } => {
                note_origin(&mut origin, &label, &inputs[k].name);
                Event::Set { seq, label }
            }
            Event::Change { label, .. } => {
                note_origin(&mut origin, &label, &inputs[k].name);
                Event::Change { seq, label }
            }
            Event::Undo {
                undoes,
                transcript_id,
                labeler,
                time,
                ..
            } => Event::Undo {
                seq,
                undoes: renumber.get(&(k, undoes)).copied().unwrap_or(undoes),
                transcript_id,
                labeler,
                time,
            },
            Event::Session {
                labeler,
                time,
                queue,
                ..
            } => Event::Session {
                seq,
                labeler,
                time,
                queue,
            },
        };
        out.push(e);
    }
    report.written = out.len();
    let mut merged = Replay::lean();
    for e in &out {
        merged.apply(e.clone());
    }
    let mut labelers: BTreeSet<String> = BTreeSet::new();
    let mut by_transcript: BTreeMap<&str, Vec<&LabelRecord>> = BTreeMap::new();
    for l in merged.labels() {
        labelers.insert(l.labeler.clone());
        by_transcript.entry(&l.transcript_id).or_default().push(l);
    }
    report.labelers = labelers.into_iter().collect();
    report.disagreements = by_transcript
        .values()
        .filter(|ls| ls.iter().any(|l| super::queue::differ(l, ls[0])))
        .count();
    let mut conflicts: Vec<(String, String, Vec<String>)> = origin
        .into_iter()
        .filter(|(_, answers)| answers.len() > 1)
        .map(|((t, who), answers)| {
            let files: BTreeSet<String> = answers.into_values().flatten().collect();
            (t, who, files.into_iter().collect::<Vec<_>>())
        })
        .filter(|(_, _, files)| files.len() > 1)
        .collect();
    conflicts.sort();
    report.same_labeler_conflicts = conflicts;
    (out, report)
}

/// Records, per (transcript, labeler), which inputs gave which answer.
/// Two independent 64-bit hashes of an event line: equal lines are one event.
fn line_hash(line: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let mut a = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    (line.len(), "afscope-merge", line).hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

fn note_origin(
    origin: &mut HashMap<(String, String), BTreeMap<String, BTreeSet<String>>>,
    label: &LabelRecord,
    input: &str,
) {
    let answer = serde_json::to_string(&label.values).unwrap_or_default();
    origin
        .entry((label.transcript_id.clone(), label.labeler.clone()))
        .or_default()
        .entry(answer)
        .or_default()
        .insert(input.to_string());
}

/// The value columns of an export, in a stable order: `order` first (the schema's
/// fields), then any other key found, alphabetically.
pub fn value_columns(labels: &[&LabelRecord], order: &[String]) -> Vec<String> {
    let mut found: BTreeSet<&str> = BTreeSet::new();
    for l in labels {
        found.extend(l.values.keys().map(String::as_str));
    }
    let mut cols: Vec<String> = order
        .iter()
        .filter(|o| found.contains(o.as_str()))
        .cloned()
        .collect();
    for f in found {
        if !cols.iter().any(|c| c == f) {
            cols.push(f.to_string());
        }
    }
    cols
}

/// The labels as CSV: id, labeler, time, schema, source, shown, then one column per
/// value (strings as they are, other values as JSON).
pub fn to_csv(labels: &[&LabelRecord], order: &[String]) -> Result<String, String> {
    let cols = value_columns(labels, order);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = crate::load::join::labels::EXPORT_COLUMNS.to_vec();
    header.extend(cols.iter().map(String::as_str));
    w.write_record(&header).map_err(|e| e.to_string())?;
    for l in labels {
        let cell = |v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let mut row = vec![
            l.transcript_id.clone(),
            l.labeler.clone(),
            l.time.clone(),
            l.schema.to_string(),
            l.source.clone().unwrap_or_default(),
            cell(l.shown.as_ref()),
        ];
        row.extend(cols.iter().map(|c| cell(l.values.get(c))));
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// Agreement on one field.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldAgreement {
    pub field: String,
    /// Transcripts with this field answered by at least two labelers.
    pub units: usize,
    /// Share of those where every answer is the same.
    pub raw: Option<f64>,
    /// Krippendorff's alpha (nominal) over every labeler.
    pub alpha: Option<f64>,
    /// Cohen's kappa per pair of labelers, on the transcripts both answered.
    pub kappa: Vec<PairKappa>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairKappa {
    pub first: String,
    pub second: String,
    pub n: usize,
    /// `None` with the reason when undefined (e.g. both used one answer only).
    pub kappa: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Agreement per field (and per criterion) between the labelers of `labels` (current
/// labels, one per transcript and labeler). Notes, spans and adjudication records are
/// left out; checkboxes missing from a label count as unchecked.
pub fn agreement(labels: &[&LabelRecord], checks: &[String]) -> Vec<FieldAgreement> {
    let labels: Vec<&LabelRecord> = labels
        .iter()
        .copied()
        .filter(|l| !l.values.contains_key("adjudicates"))
        .collect();
    let mut fields: BTreeSet<String> = checks.iter().cloned().collect();
    for l in &labels {
        fields.extend(
            l.values
                .keys()
                .filter(|k| !matches!(k.as_str(), "note" | "spans"))
                .cloned(),
        );
    }
    let labelers: BTreeSet<&str> = labels.iter().map(|l| l.labeler.as_str()).collect();
    let labelers: Vec<&str> = labelers.into_iter().collect();
    let mut out = Vec::new();
    for field in fields {
        // transcript → labeler → answer
        let mut by_t: BTreeMap<&str, BTreeMap<&str, String>> = BTreeMap::new();
        for l in &labels {
            let v = match l.values.get(&field) {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Null) | None if checks.contains(&field) => {
                    Some("false".into())
                }
                Some(serde_json::Value::Null) | None => None,
                Some(other) => Some(other.to_string()),
            };
            if let Some(v) = v {
                by_t.entry(&l.transcript_id)
                    .or_default()
                    .insert(&l.labeler, v);
            }
        }
        let units: Vec<Vec<String>> = by_t
            .values()
            .filter(|m| m.len() >= 2)
            .map(|m| m.values().cloned().collect())
            .collect();
        let agree = units
            .iter()
            .filter(|u| u.iter().all(|v| *v == u[0]))
            .count();
        let mut kappa = Vec::new();
        for (i, a) in labelers.iter().enumerate() {
            for b in &labelers[i + 1..] {
                let (xa, xb): (Vec<String>, Vec<String>) = by_t
                    .values()
                    .filter_map(|m| Some((m.get(a)?.clone(), m.get(b)?.clone())))
                    .unzip();
                if xa.is_empty() {
                    continue;
                }
                let (k, note) = match cohen_kappa(&xa, &xb) {
                    Ok(k) => (Some(k), None),
                    Err(e) => (None, Some(e.to_string())),
                };
                kappa.push(PairKappa {
                    first: a.to_string(),
                    second: b.to_string(),
                    n: xa.len(),
                    kappa: k,
                    note,
                });
            }
        }
        out.push(FieldAgreement {
            field,
            units: units.len(),
            raw: (!units.is_empty()).then(|| agree as f64 / units.len() as f64),
            alpha: krippendorff_alpha_nominal(&units),
            kappa,
        });
    }
    out
}
