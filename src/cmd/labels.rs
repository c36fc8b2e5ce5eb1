//! `afscope labels`: export, merge, import and agreement of hand labels.

use super::Status;
use crate::cli::{LabelFormat, LabelsCommand, LoadArgs};
use afscope::labeling::exchange::{self, Input};
use afscope::labeling::journal_file::JournalFile;
use afscope::load::join::labels::{self as label_files, LabelMapping};
use afscope::model::journal::{Event, EventReader};
use afscope::model::sanitize::visible;
use afscope::model::schema::Schema;
use afscope::model::LabelRecord;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(cmd: &LabelsCommand, load: &LoadArgs) -> Result<Status, String> {
    match cmd {
        LabelsCommand::Export {
            file,
            format,
            labeler,
            out,
        } => export(file, *format, labeler.as_deref(), out.as_deref(), load),
        LabelsCommand::Merge { journals, out } => merge(journals, out),
        LabelsCommand::Import {
            file,
            to,
            transcripts,
        } => import(file, to, transcripts, load),
        LabelsCommand::Agree {
            files,
            schema,
            json,
        } => agree(files, schema.as_deref(), *json, load),
    }
}

/// Reads a journal or label file, printing its problems to standard error.
fn read_labels(path: &Path, load: &LoadArgs) -> Result<Vec<LabelRecord>, String> {
    if !path.exists() {
        return Err(format!("{}: no such file", path.display()));
    }
    let mapping = LabelMapping::parse(&load.label_set)?;
    let file = label_files::read(path, &mapping);
    for p in &file.problems {
        eprintln!("{}", visible(&p.to_string(), false));
    }
    Ok(file.labels)
}

/// Streams `write`'s output to `out` (JSON made safe, CSV exact), or to standard
/// output made safe for where it goes.
fn emit(
    out: Option<&Path>,
    inputs: &[&Path],
    kind: super::Output,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match out {
        Some(o) => afscope::labeling::output::write_output_with(o, inputs, &mut |w| {
            let mut safe = super::SafeLines::new(w, kind, false);
            write(&mut safe)?;
            safe.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let terminal = std::io::IsTerminal::is_terminal(&stdout);
            let mut lock = std::io::BufWriter::new(stdout.lock());
            let mut safe = super::SafeLines::new(&mut lock, kind, terminal);
            write(&mut safe)
                .and_then(|_| safe.flush())
                .and_then(|_| lock.flush())
                .map_err(super::output_failed)
        }
    }
}

/// Input files are never rewritten.
fn refuse_input(out: &Path, inputs: &[&Path]) -> Result<(), String> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if inputs.iter().any(|i| canon(i) == canon(out)) {
        return Err(format!(
            "{}: is one of the inputs; write to a new file",
            out.display()
        ));
    }
    Ok(())
}

fn export(
    file: &Path,
    format: LabelFormat,
    labeler: Option<&str>,
    out: Option<&Path>,
    load: &LoadArgs,
) -> Result<Status, String> {
    if !file.exists() {
        return Err(format!("{}: no such file", file.display()));
    }
    let mapping = LabelMapping::parse(&load.label_set)?;
    let (source, problems) = label_files::read_source(file, &mapping);
    for p in &problems {
        eprintln!("{}", visible(&p.to_string(), false));
    }
    // The labels kept, walked as often as the format needs.
    let mut count = 0usize;
    let mut labels = |f: &mut dyn FnMut(&LabelRecord) -> std::io::Result<()>| {
        source.for_each(&mut |l| {
            if labeler.is_none_or(|w| l.labeler == w) {
                f(l)
            } else {
                Ok(())
            }
        })
    };
    let kind = match format {
        LabelFormat::Jsonl => super::Output::Json,
        LabelFormat::Csv => super::Output::Delimited,
    };
    emit(out, &[file], kind, &mut |w| match format {
        LabelFormat::Jsonl => labels(&mut |l| {
            count += 1;
            serde_json::to_writer(&mut *w, l)?;
            w.write_all(b"\n")
        }),
        LabelFormat::Csv => {
            let order: Vec<String> = Schema::default()
                .fields
                .iter()
                .map(|f| f.name.clone())
                .collect();
            count = exchange::write_csv(w, &mut labels, &order)?;
            Ok(())
        }
    })?;
    if out.is_some() {
        eprintln!("exported {count} label(s)");
    }
    Ok(Status::SUCCESS)
}

fn merge(journals: &[PathBuf], out: &Path) -> Result<Status, String> {
    let mut inputs = Vec::new();
    for j in journals {
        let file = afscope::load::input::bytes::open_regular(j)
            .map_err(|e| format!("{}: {e}", j.display()))?;
        inputs.push(Input {
            name: j.display().to_string(),
            events: EventReader::new(file),
        });
    }
    let paths: Vec<&Path> = journals.iter().map(PathBuf::as_path).collect();
    let mut report = None;
    let mut failed = None;
    afscope::labeling::output::write_output_with(out, &paths, &mut |w| {
        let inputs = std::mem::take(&mut inputs);
        match exchange::merge(inputs, &mut |e| w.write_all(e.line().as_bytes())) {
            Ok(r) => {
                report = Some(r);
                Ok(())
            }
            Err(why) => {
                failed = Some(why);
                Err(std::io::Error::other("merge failed"))
            }
        }
    })
    .map_err(|e| failed.take().unwrap_or(e))?;
    let report = report.expect("a merge that wrote its output reports");
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", merge_summary(&report, out));
    Ok(Status::SUCCESS)
}

fn merge_summary(r: &exchange::MergeReport, out: &Path) -> String {
    let mut s = String::new();
    for (name, n) in &r.read {
        s.push_str(&format!("{name}: {n} event(s)\n"));
    }
    for (name, line, reason) in &r.bad {
        s.push_str(&visible(
            &format!("{name}:{line}: field `event`: {reason} (not copied)"),
            false,
        ));
        s.push('\n');
    }
    s.push_str(&format!(
        "{}: {} event(s) written ({} duplicate(s) written once); labelers: {}; {} transcript(s) where labelers differ (each labeler's answer kept)",
        out.display(),
        r.written,
        r.duplicates,
        visible(&r.labelers.join(", "), false),
        r.disagreements
    ));
    for (who, files) in &r.sessions {
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        s.push_str(&visible(
            &format!(
                "\nsessions of {who} copied from {} (their newest is where `afscope label --labeler {who}` resumes)",
                files.join(", ")
            ),
            false,
        ));
    }
    for (t, who, files) in &r.same_labeler_conflicts {
        s.push_str(&visible(
            &format!(
                "\nconflict: {who} labelled {t} differently in {}; every event kept, the newest is current",
                files.join(" and ")
            ),
            false,
        ));
    }
    s
}

fn import(
    file: &Path,
    to: &Path,
    transcripts: &[PathBuf],
    load: &LoadArgs,
) -> Result<Status, String> {
    refuse_input(to, &[file])?;
    let mapping = LabelMapping::parse(&load.label_set)?;
    let read = label_files::read(file, &mapping);
    let mut problems: Vec<String> = read
        .problems
        .iter()
        .map(|p| visible(&p.to_string(), false).into_owned())
        .collect();
    let mut labels = read.labels;
    if transcripts.is_empty() {
        if mapping.position {
            return Err("join=position needs the transcript files".into());
        }
    } else {
        let corpus = super::load_with_progress(transcripts, load)?;
        let view = corpus.view();
        let ids: std::collections::HashSet<String> =
            (0..corpus.len()).map(|i| view.id(i).into_owned()).collect();
        let mut kept = Vec::new();
        for (l, pos) in labels.into_iter().zip(&read.positions) {
            let mut l = l;
            if mapping.position {
                if *pos >= corpus.len() {
                    problems.push(format!(
                        "{}: label {} has no transcript at that position ({} transcripts); not imported",
                        file.display(),
                        pos + 1,
                        corpus.len()
                    ));
                    continue;
                }
                l.transcript_id = view.id(*pos).into_owned();
            } else if !ids.contains(&l.transcript_id) {
                problems.push(
                    visible(
                        &format!(
                            "{}: id {:?} is not in the transcripts; not imported",
                            file.display(),
                            l.transcript_id
                        ),
                        false,
                    )
                    .into_owned(),
                );
                continue;
            }
            kept.push(l);
        }
        labels = kept;
    }
    let (mut journal, replay) = JournalFile::open(to, "afscope labels import")?;
    if let Some(why) = &journal.read_only {
        return Err(why.clone());
    }
    let now = afscope::labeling::now_rfc3339();
    let mut state = replay;
    for mut l in labels.iter().cloned() {
        if l.time.is_empty() {
            l.time = now.clone();
        }
        let seq = journal.next_seq();
        let e = if state.current(&l.transcript_id, &l.labeler).is_some() {
            Event::Change { seq, label: l }
        } else {
            Event::Set { seq, label: l }
        };
        journal.append(&e)?;
        state.apply(e);
    }
    for p in &problems {
        eprintln!("{p}");
    }
    eprintln!(
        "imported {} label(s) into {}; {} problem(s)",
        labels.len(),
        to.display(),
        problems.len()
    );
    Ok(if problems.is_empty() {
        Status::SUCCESS
    } else {
        Status::from(1)
    })
}

fn agree(
    files: &[PathBuf],
    schema: Option<&Path>,
    json: bool,
    load: &LoadArgs,
) -> Result<Status, String> {
    let schema = afscope::labeling::load_schema(schema)?;
    let mut all = Vec::new();
    for f in files {
        all.extend(read_labels(f, load)?);
    }
    // Last label per transcript and labeler across the files.
    let mut latest: std::collections::BTreeMap<(String, String), LabelRecord> = Default::default();
    for l in all {
        latest.insert((l.transcript_id.clone(), l.labeler.clone()), l);
    }
    let labels: Vec<&LabelRecord> = latest.values().collect();
    let mut labelers: Vec<&str> = labels.iter().map(|l| l.labeler.as_str()).collect();
    labelers.sort_unstable();
    labelers.dedup();
    if labelers.len() < 2 && !json {
        // An empty table would say nothing; say what agreement needs.
        let who = match labelers.first() {
            Some(one) => format!(
                "only {} labeled here ({})",
                visible(one, false),
                afscope::model::words::count(labels.len(), "transcript", "transcripts")
            ),
            None => "these files hold no labels".to_string(),
        };
        super::print(
            &format!(
                "agreement needs two labelers on the same transcripts: {who}. \
                 Give each labeler's journal (`afscope labels agree a.jsonl b.jsonl`), \
                 or label the same transcripts as another labeler (`afscope label --labeler NAME`).\n"
            ),
            super::Output::Human,
        )?;
        return Ok(Status::SUCCESS);
    }
    let checks: Vec<String> = schema.checks().map(|f| f.name.clone()).collect();
    let report = exchange::agreement(&labels, &checks);
    let (text, kind) = if json {
        (
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
            super::Output::Json,
        )
    } else {
        (agreement_table(&report), super::Output::Human)
    };
    super::print(&text, kind)?;
    Ok(Status::SUCCESS)
}

fn agreement_table(report: &[exchange::FieldAgreement]) -> String {
    let num = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |x| format!("{x:.3}"));
    let mut s = format!(
        "{:<46} {:>6} {:>7} {:>7}  kappa per pair\n",
        "field", "units", "raw", "alpha"
    );
    for f in report {
        let pairs: Vec<String> = f
            .kappa
            .iter()
            .map(|k| {
                format!(
                    "{}–{} {} (n {}){}",
                    k.first,
                    k.second,
                    num(k.kappa),
                    k.n,
                    k.note
                        .as_ref()
                        .map(|n| format!(" [{n}]"))
                        .unwrap_or_default()
                )
            })
            .collect();
        s.push_str(&visible(
            &format!(
                "{:<46} {:>6} {:>7} {:>7}  {}",
                f.field,
                f.units,
                num(f.raw),
                num(f.alpha),
                pairs.join("; ")
            ),
            false,
        ));
        s.push('\n');
    }
    s
}
