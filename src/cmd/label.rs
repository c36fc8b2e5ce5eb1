//! `afscope label`: the interface with a labeling session, its journal opened (and
//! locked) before the screen is taken, and its queue from the flags or resumed.

use super::Status;
use crate::cli::{Cli, LabelArgs, LoadArgs, QueueChoice};
use afscope::label_runner::Labeling;
use afscope::labeling::queue::{QueueMode, QueueSpec};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

/// The journal: `--labels`, else `<first file's stem>.labels.jsonl` beside it.
pub fn journal_path(files: &[PathBuf], load: &LoadArgs) -> Result<PathBuf, String> {
    if let Some(l) = &load.labels {
        return Ok(l.clone());
    }
    let first = files
        .first()
        .ok_or("no label journal: give one with --labels FILE")?;
    let name = first
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "labels".into());
    let stem = name
        .trim_end_matches(".gz")
        .trim_end_matches(".jsonl")
        .trim_end_matches(".json")
        .trim_end_matches(".csv");
    let dir = if first.is_dir() {
        first.clone()
    } else {
        first.parent().map(PathBuf::from).unwrap_or_default()
    };
    Ok(dir.join(format!("{stem}.labels.jsonl")))
}

/// The loading options with the journal as the label file when none was given and the
/// journal exists, so its labels show from the start.
pub fn with_journal_labels(load: &LoadArgs, journal: &std::path::Path) -> LoadArgs {
    let mut load = load.clone();
    if load.labels.is_none() && journal.is_file() {
        load.labels = Some(journal.to_path_buf());
    }
    load
}

fn mode(args: &LabelArgs, q: QueueChoice) -> Result<QueueMode, String> {
    Ok(match q {
        QueueChoice::View => QueueMode::View,
        QueueChoice::Random => QueueMode::Random { seed: args.seed },
        QueueChoice::Stratified => QueueMode::Stratified {
            seed: args.seed,
            per_stratum: args.per_stratum,
            buckets: args.buckets.max(1),
        },
        QueueChoice::Threshold => QueueMode::Threshold {
            threshold: args.threshold,
        },
        QueueChoice::Disagree => QueueMode::Disagree {
            threshold: args.threshold,
        },
        QueueChoice::Adjudicate => {
            let pair = args
                .adjudicate
                .as_deref()
                .ok_or("--queue adjudicate needs --adjudicate FIRST,SECOND")?;
            let (a, b) = pair
                .split_once(',')
                .ok_or("--adjudicate takes two labelers: FIRST,SECOND")?;
            QueueMode::Adjudicate {
                first: a.trim().into(),
                second: b.trim().into(),
            }
        }
        QueueChoice::Ids => {
            let file = args.ids.as_ref().ok_or("--queue ids needs --ids FILE")?;
            // Absolute, so that a session resumed from another folder finds it.
            let file =
                std::fs::canonicalize(file).map_err(|e| format!("{}: {e}", file.display()))?;
            QueueMode::Ids {
                file: file.to_string_lossy().into_owned(),
            }
        }
    })
}

pub fn run(cli: &Cli, args: &LabelArgs) -> Result<Status, String> {
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err("afscope label needs a terminal".into());
    }
    let path = journal_path(&args.files, &cli.load)?;
    let schema = Arc::new(afscope::labeling::load_schema(args.schema.as_deref())?);
    let labeler = afscope::labeling::labeler_name(args.labeler.as_deref());
    let mut labeling = Labeling {
        journal_path: Ok(path.clone()),
        labeler: labeler.clone(),
        schema,
        ..Labeling::none("")
    };
    // Open (and lock) the journal first: errors come before the screen is taken.
    let probe = QueueSpec {
        mode: QueueMode::View,
        query: None,
        blind: false,
        target: None,
    };
    let setup = labeling.open(probe, false)?;
    let (spec, resumed) = match args.queue {
        Some(q) => (
            QueueSpec {
                mode: mode(args, q)?,
                query: args.query.clone(),
                blind: args.blind,
                target: args.target,
            },
            false,
        ),
        None => match setup
            .replay
            .sessions
            .get(&labeler)
            .and_then(|v| serde_json::from_value::<QueueSpec>(v.clone()).ok())
        {
            Some(last) => (last, true),
            None => (
                QueueSpec {
                    mode: QueueMode::View,
                    query: args.query.clone(),
                    blind: args.blind,
                    target: args.target,
                },
                false,
            ),
        },
    };
    labeling.start = Some(afscope::app::session::SessionSetup {
        spec,
        resumed,
        ..setup
    });
    let load = with_journal_labels(&cli.load, &path);
    super::interface::interface(cli, &args.files, &load, labeling)
}
