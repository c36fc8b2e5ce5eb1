//! Journals combined and labels written out: `merge` (journals from several labelers
//! or machines into one, conflicts kept), `export` (the current labels as JSONL or
//! CSV), and the agreement report between labelers.

use crate::model::agreement::krippendorff_alpha_nominal;
use crate::model::journal::{BadLine, Event, EventReader, Replay};
use crate::model::metrics::cohen_kappa;
use crate::model::LabelRecord;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Per (transcript, labeler): each answer's hash and the inputs that gave it.
type Origins = HashMap<(String, String), Vec<(u64, BTreeSet<usize>)>>;

/// A journal being read for merging.
pub struct Input<R> {
    pub name: String,
    pub events: EventReader<R>,
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
/// order kept), renumbered, passed to `write` as it is decided. Nothing is dropped
/// but exact duplicates. Inputs are streamed: memory holds a hash per event and the
/// labels in force, never the journals.
pub fn merge<R: std::io::Read>(
    mut inputs: Vec<Input<R>>,
    write: &mut dyn FnMut(&Event) -> std::io::Result<()>,
) -> Result<MergeReport, String> {
    let mut report = MergeReport::default();
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let read_err = |k: usize, e: std::io::Error| format!("{}: cannot read: {e}", names[k]);
    // Each input's next event.
    let mut heads: Vec<Option<Event>> = Vec::with_capacity(inputs.len());
    for (k, input) in inputs.iter_mut().enumerate() {
        heads.push(next_event(input, &mut report).map_err(|e| read_err(k, e))?);
    }
    // Events already written, by a 128-bit hash of their line.
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut renumber: HashMap<(usize, u64), u64> = HashMap::new();
    // Per (transcript, labeler): each answer's hash and the inputs that gave it.
    let mut origin: Origins = HashMap::new();
    let mut merged = Replay::lean();
    let mut written = 0u64;
    loop {
        // k-way merge by time: the input whose next event is oldest goes first.
        let next = (0..heads.len())
            .filter(|&k| heads[k].is_some())
            .min_by(|&a, &b| {
                let time = |k: usize| heads[k].as_ref().map(Event::time);
                time(a).cmp(&time(b)).then(a.cmp(&b))
            });
        let Some(k) = next else { break };
        let e = heads[k].take().expect("chosen input has an event");
        heads[k] = next_event(&mut inputs[k], &mut report).map_err(|e| read_err(k, e))?;
        let key = line_hash(&e.line());
        if let Some(&first) = seen.get(&key) {
            // An undo naming this copy names the first one.
            renumber.insert((k, e.seq()), first);
            report.duplicates += 1;
            continue;
        }
        written += 1;
        let seq = written;
        seen.insert(key, seq);
        renumber.insert((k, e.seq()), seq);
        let e = match e {
            Event::Set { label, .. } => {
                note_origin(&mut origin, &label, k);
                Event::Set { seq, label }
            }
            Event::Change { label, .. } => {
                note_origin(&mut origin, &label, k);
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
            } => {
                report
                    .sessions
                    .entry(labeler.clone())
                    .or_default()
                    .insert(names[k].clone());
                Event::Session {
                    seq,
                    labeler,
                    time,
                    queue,
                }
            }
        };
        write(&e).map_err(|e| format!("writing the merge: {e}"))?;
        merged.apply(e);
    }
    for (k, input) in inputs.iter().enumerate() {
        if !input.events.shape.is_journal() {
            return Err(format!(
                "{}: not a label journal (use `afscope labels import` for label files)",
                names[k]
            ));
        }
        report
            .read
            .push((names[k].clone(), input.events.shape.events()));
    }
    report.written = written as usize;
    let mut labelers: BTreeSet<String> = BTreeSet::new();
    // Per transcript: the first current answer's fingerprint, and whether another
    // differs.
    let mut by_transcript: HashMap<String, (u64, bool)> = HashMap::new();
    for l in merged.into_labels() {
        if !labelers.contains(&l.labeler) {
            labelers.insert(l.labeler.clone());
        }
        let answer = super::queue::answer_fingerprint(&l);
        match by_transcript.get_mut(&l.transcript_id) {
            Some((first, differs)) => *differs |= answer != *first,
            None => {
                by_transcript.insert(l.transcript_id, (answer, false));
            }
        }
    }
    report.labelers = labelers.into_iter().collect();
    report.disagreements = by_transcript.values().filter(|(_, d)| *d).count();
    let mut conflicts: Vec<(String, String, Vec<String>)> = origin
        .into_iter()
        .filter(|(_, answers)| answers.len() > 1)
        .map(|((t, who), answers)| {
            let files: BTreeSet<usize> = answers.into_iter().flat_map(|(_, f)| f).collect();
            (
                t,
                who,
                files
                    .into_iter()
                    .map(|k| names[k].clone())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, _, files)| files.len() > 1)
        .collect();
    conflicts.sort();
    report.same_labeler_conflicts = conflicts;
    Ok(report)
}

/// The next event of an input, its bad lines noted on the way.
fn next_event<R: std::io::Read>(
    input: &mut Input<R>,
    report: &mut MergeReport,
) -> std::io::Result<Option<Event>> {
    loop {
        match input.events.next_event()? {
            None => return Ok(None),
            Some(Ok((_, e))) => return Ok(Some(e)),
            Some(Err(BadLine { line, reason })) => {
                report.bad.push((input.name.clone(), line, reason))
            }
        }
    }
}

/// Two independent 64-bit hashes of an event line: equal lines are one event.
fn line_hash(line: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let mut a = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    (line.len(), "afscope-merge", line).hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// Records, per (transcript, labeler), which inputs gave which answer (by a hash of
/// the answer).
fn note_origin(origin: &mut Origins, label: &LabelRecord, input: usize) {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(&label.values)
        .unwrap_or_default()
        .hash(&mut h);
    let answer = h.finish();
    let answers = match origin.get_mut(&(label.transcript_id.clone(), label.labeler.clone())) {
        Some(a) => a,
        None => origin
            .entry((label.transcript_id.clone(), label.labeler.clone()))
            .or_default(),
    };
    match answers.iter_mut().find(|(a, _)| *a == answer) {
        Some((_, inputs)) => {
            inputs.insert(input);
        }
        None => answers.push((answer, BTreeSet::from([input]))),
    }
}

/// The value columns of an export, in a stable order: `order` first (the schema's
/// fields), then any other key found, alphabetically.
fn columns_of(found: BTreeSet<String>, order: &[String]) -> Vec<String> {
    let mut cols: Vec<String> = order
        .iter()
        .filter(|o| found.contains(*o))
        .cloned()
        .collect();
    for f in found {
        if !cols.contains(&f) {
            cols.push(f);
        }
    }
    cols
}

/// Every label a source passes to its callback.
pub type ForEachLabel<'a> =
    dyn FnMut(&mut dyn FnMut(&LabelRecord) -> std::io::Result<()>) -> std::io::Result<()> + 'a;

/// The labels as CSV, written to `out` row by row: id, labeler, time, schema, source,
/// shown, then one column per value (strings as they are, other values as JSON). The
/// source is walked twice (once for the columns, once for the rows); the number of
/// rows written.
pub fn write_csv(
    out: &mut dyn std::io::Write,
    labels: &mut ForEachLabel<'_>,
    order: &[String],
) -> std::io::Result<usize> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    labels(&mut |l| {
        for k in l.values.keys() {
            if !found.contains(k) {
                found.insert(k.clone());
            }
        }
        Ok(())
    })?;
    let cols = columns_of(found, order);
    let mut w = csv::Writer::from_writer(out);
    let mut header = crate::load::join::labels::EXPORT_COLUMNS.to_vec();
    header.extend(cols.iter().map(String::as_str));
    w.write_record(&header)?;
    let mut rows = 0usize;
    labels(&mut |l| {
        rows += 1;
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
        w.write_record(&row).map_err(std::io::Error::from)
    })?;
    w.flush()?;
    Ok(rows)
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
