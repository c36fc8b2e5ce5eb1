//! The subcommands, and the loading they share.

pub mod check;
pub mod list;
pub mod overview;
pub mod profiles;

use crate::cli::{ColorChoice, LoadArgs};
use afscope::load::corpus::OnBatch;
use afscope::load::{Corpus, LoadOptions};
use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Exit status of a command.
pub type Status = std::process::ExitCode;

pub fn options(args: &LoadArgs) -> LoadOptions {
    LoadOptions {
        profile: args.profile.clone(),
        overrides: args.set.clone(),
        verdicts: args.verdicts.clone(),
        labels: args.labels.clone(),
    }
}

/// Loads the files, or the embedded demo corpus when there are none.
pub fn load(
    files: &[PathBuf],
    args: &LoadArgs,
    on_batch: &mut OnBatch<'_>,
) -> Result<Corpus, String> {
    let opts = options(args);
    if files.is_empty() {
        return afscope::demo::open(&opts);
    }
    Corpus::open(files, &opts, on_batch)
}

/// Loads, and under `--strict` refuses input with unreadable records.
pub fn load_checked(files: &[PathBuf], args: &LoadArgs) -> Result<Corpus, String> {
    let corpus = load(files, args, &mut |_, _, _| ControlFlow::Continue(()))?;
    strict_gate(&corpus, args)?;
    Ok(corpus)
}

pub fn strict_gate(corpus: &Corpus, args: &LoadArgs) -> Result<(), String> {
    if args.strict && !corpus.problems.is_empty() {
        let mut msg = format!(
            "--strict: {} problem(s) in the input:\n",
            corpus.problems.len()
        );
        for p in corpus.problems.iter().take(20) {
            msg.push_str(&format!(
                "  {}\n",
                afscope::model::sanitize::visible(&p.to_string(), false)
            ));
        }
        msg.push_str("run `afscope check` for the full report");
        return Err(msg);
    }
    Ok(())
}

/// Whether to colour standard output: `always`, `never`, or (auto) when it is a
/// terminal and `NO_COLOR` is not set.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}
