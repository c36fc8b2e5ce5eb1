//! Joins a second file's verdicts to the indexed transcripts (by id, by several keys,
//! or by position), and reads label files.

pub mod labels;
pub mod pairs;

use crate::load::index::corpus::{Corpus, JoinReport};
use crate::load::index::entry::{FLAG_AF_FAILED, FLAG_COMPLIANCE_FAILED};
use crate::load::index::view::View;
use crate::load::profile::verdicts;
use crate::load::profile::Profile;
use crate::load::record::raw::as_text;
use crate::load::record::{self, RecordRef};
use crate::model::{Problem, ProblemKind, Score, Verdict, VerdictKind, VerdictOrigin};
use std::collections::HashMap;
use std::path::Path;

/// A transcript attribute's value, as text, for joining.
fn attribute(view: &View<'_>, i: usize, name: &str) -> Result<Option<String>, String> {
    let e = view.entry(i);
    Ok(match name {
        "id" => Some(view.id(i).into_owned()),
        "key" => view.key(i).map(str::to_string),
        "prompt_index" => e.prompt_index().map(|p| p.to_string()),
        "model" => view.model(i).map(str::to_string),
        "condition" => view.condition(i).map(str::to_string),
        "tier" => Some(e.tier().as_str().to_string()),
        "ordinal" => Some(e.ordinal.to_string()),
        other => return Err(format!("join.on: unknown transcript attribute `{other}` (use id, key, prompt_index, model, condition, tier, ordinal)")),
    })
}

/// Reads a verdict file and attaches its verdicts to matching transcripts.
pub fn join_file(
    corpus: &mut Corpus,
    path: &Path,
    fixed: Option<&std::sync::Arc<Profile>>,
    overrides: &[String],
) -> Result<JoinReport, String> {
    let Some(src) = corpus.open_source(path, fixed, overrides, true)? else {
        return Ok(JoinReport {
            file: path.to_path_buf(),
            profile: String::new(),
            classifiers: vec![],
            records: 0,
            records_joined: 0,
            transcripts_joined: 0,
            transcripts_without: corpus.len(),
            transcripts_refused: 0,
            also_claimed: Vec::new(),
        });
    };
    let join = src.profile.spec.join.clone().unwrap_or_default();
    let records = match &src.records {
        Some(r) => r.clone(),
        None => {
            let mut r = Vec::new();
            record::jsonl_records(&src.bytes, 0..src.bytes.len(), 1, &mut r);
            r
        }
    };
    let ctx = src.ctx(0);
    let mut by_key: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    // By position: the verdict record's place in its file (unreadable records keep
    // theirs, so nothing after them shifts) to the read record.
    let mut by_position: HashMap<u64, usize> = HashMap::new();
    let (_, verdict_position) = src.positions();
    let mut read: Vec<(RecordRef, Vec<Verdict>)> = Vec::new();
    let mut problems = Vec::new();
    // A join by position needs no key: `position = true` wins over a `join.on` the
    // profile brought (documented), so its fields are not looked for.
    let on: Vec<(&String, &String)> = if join.position {
        Vec::new()
    } else {
        join.on.iter().collect()
    };
    for (n, rec) in records.iter().enumerate() {
        let text = match ctx.record_text(rec) {
            Ok(t) => t,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let top = match ctx.parse(rec, &text, n + 1 == records.len()) {
            Ok(t) => t,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let mut issues = Vec::new();
        let mut vs = verdicts::read_all(
            &src.profile,
            &src.ctx.stem,
            &top,
            None,
            verdicts::Detail::Full,
            &mut issues,
        );
        problems.extend(issues.into_iter().map(|i| ctx.issue(rec, None, i)));
        for v in &mut vs {
            v.origin = VerdictOrigin::File {
                path: path.to_path_buf(),
                line: rec.line,
            };
        }
        let mut key = Vec::with_capacity(on.len());
        for (_, field) in &on {
            match top.get(field).and_then(as_text) {
                Some(t) => key.push(t.trim().to_string()),
                None => {
                    problems.push(
                        Problem::new(
                            path,
                            ProblemKind::MissingField,
                            "join field missing or empty",
                        )
                        .at_line(rec.line)
                        .in_field(field.as_str()),
                    );
                    break;
                }
            }
        }
        if key.len() != on.len() {
            continue;
        }
        if join.position {
            by_position.insert(verdict_position(rec.ordinal), read.len());
        } else {
            by_key.entry(key).or_default().push(read.len());
        }
        read.push((*rec, vs));
    }
    let mut classifiers: Vec<String> = Vec::new();
    for (_, vs) in &read {
        for v in vs {
            if !classifiers.contains(&v.classifier) {
                classifiers.push(v.classifier.clone());
            }
        }
    }
    let mut used = vec![false; read.len()];
    let mut transcripts_joined = 0;
    let view = corpus.view();
    let transcript_position = if join.position {
        Some(record_positions(corpus))
    } else {
        None
    };
    let mut attach: Vec<(u32, usize)> = Vec::new();
    // A verdict keyed on an id that several transcripts have belongs to none of them.
    let duplicated = if on.iter().any(|(attr, _)| attr.as_str() == "id") {
        duplicate_ids(&view)
    } else {
        std::collections::HashMap::new()
    };
    let mut refused: std::collections::BTreeMap<String, usize> = Default::default();
    for i in 0..view.len() {
        let hits: Vec<usize> = if let Some(positions) = &transcript_position {
            by_position
                .get(&positions[i])
                .copied()
                .into_iter()
                .collect()
        } else {
            let mut key = Vec::with_capacity(on.len());
            for (attr, _) in &on {
                match attribute(&view, i, attr)? {
                    Some(v) => key.push(v),
                    None => break,
                }
            }
            if key.len() != on.len() {
                Vec::new()
            } else {
                by_key.get(&key).cloned().unwrap_or_default()
            }
        };
        if !hits.is_empty() && !duplicated.is_empty() {
            let id = view.id(i);
            if let Some(n) = duplicated.get(id.as_ref()) {
                refused.insert(id.into_owned(), *n);
                for h in hits {
                    used[h] = true;
                }
                continue;
            }
        }
        if !hits.is_empty() {
            transcripts_joined += 1;
        }
        for h in hits {
            used[h] = true;
            attach.push((i as u32, h));
        }
    }
    for v in read.iter().flat_map(|r| &r.1) {
        if v.kind == VerdictKind::AlignmentFaking {
            corpus.index.note_af_classifier(&v.classifier);
        }
    }
    for (i, h) in attach {
        let vs = read[h].1.clone();
        let mut e = corpus.index.entries.get(i as usize);
        for v in &vs {
            let (slot, flag) = match v.kind {
                VerdictKind::AlignmentFaking => (&mut e.af, FLAG_AF_FAILED),
                VerdictKind::Compliance => (&mut e.compliance, FLAG_COMPLIANCE_FAILED),
                VerdictKind::Other => continue,
            };
            if slot.is_nan() && e.flags & flag == 0 {
                match v.score {
                    Score::Value(x) => *slot = x,
                    Score::Failed(_) => e.flags |= flag,
                    Score::Unscored => {}
                }
            }
        }
        corpus
            .index
            .entries
            .set_scores(i as usize, e.af, e.compliance, e.flags);
        corpus.joined.entry(i).or_default().extend(vs);
    }
    for (h, (rec, _)) in read.iter().enumerate() {
        if !used[h] {
            problems.push(
                Problem::new(path, ProblemKind::Unjoined, "matches no loaded transcript")
                    .at_line(rec.line),
            );
        }
    }
    let transcripts_refused = refused.values().sum();
    for (id, n) in &refused {
        problems.push(
            Problem::new(
                path,
                ProblemKind::DuplicateId,
                format!(
                    "verdicts for {} not joined: {} transcripts have this id (`afscope check` lists them)",
                    crate::model::sanitize::visible(id, false),
                    n
                ),
            )
            .in_field("id"),
        );
    }
    corpus.problems.extend(problems);
    let records_joined = used.iter().filter(|u| **u).count();
    Ok(JoinReport {
        file: path.to_path_buf(),
        profile: src.profile.spec.name.clone(),
        classifiers,
        records: read.len(),
        records_joined,
        transcripts_joined,
        transcripts_without: corpus.len() - transcripts_joined,
        transcripts_refused,
        also_claimed: src.also_claimed.clone(),
    })
}

/// Ids that more than one transcript has, with how many have each.
pub fn duplicate_ids(view: &View<'_>) -> std::collections::HashMap<String, usize> {
    let mut count: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in 0..view.len() {
        *count.entry(view.id(i).into_owned()).or_default() += 1;
    }
    count.retain(|_, n| *n > 1);
    count
}

/// Each transcript's record position over the transcript files in order: the records
/// of earlier files, then its record's place in its own file (unreadable records
/// counted, blank lines not). Transcripts of one wide record share its position.
fn record_positions(corpus: &Corpus) -> Vec<u64> {
    let mut base = Vec::with_capacity(corpus.sources.len());
    let mut place = Vec::with_capacity(corpus.sources.len());
    let mut total = 0u64;
    for src in &corpus.sources {
        let (n, f) = src.positions();
        base.push(total);
        place.push(f);
        total += n;
    }
    corpus
        .index
        .entries
        .iter()
        .map(|e| {
            let s = usize::from(e.source);
            base[s] + place[s](u64::from(e.ordinal))
        })
        .collect()
}
