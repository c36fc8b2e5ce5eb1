//! `afscope label`: the interface with a labeling session, its journal opened (and
//! locked) before the screen is taken, and its queue from the flags or resumed.

use super::Status;
use crate::cli::{Cli, LabelArgs, QueueChoice};
use afscope::labeling::queue::{QueueMode, QueueSpec};
use afscope::tui::label_runner::Labeling;
use std::io::IsTerminal;
use std::sync::Arc;

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
    let path = super::journal_path(&args.files, &cli.load)?;
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
    let load = super::with_journal_labels(&cli.load, &path);
    super::interface::interface(cli, &args.files, &load, labeling)
}
