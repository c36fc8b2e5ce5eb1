//! The subcommands, and the loading they share.

pub mod check;
pub mod eval;
pub mod interface;
pub mod label;
pub mod labels;
pub mod list;
pub mod overview;
pub mod profiles;
pub mod spans;
pub mod stats;
pub mod synth;

use crate::cli::{ColorChoice, LoadArgs};
use afscope::load::corpus::OnBatch;
use afscope::load::{Corpus, LoadOptions};
use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Exit status of a command.
pub type Status = std::process::ExitCode;

pub fn options(args: &LoadArgs) -> LoadOptions {
    LoadOptions {
        profile: args.profile.clone(),
        overrides: args.set.clone(),
        verdicts: args.verdicts.clone(),
        verdict_profile: args.verdict_profile.clone(),
        verdict_overrides: args.verdict_set.clone(),
        labels: args.labels.clone(),
        label_settings: args.label_set.clone(),
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
    let corpus = load_with_progress(files, args)?;
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

/// Loads with a progress line on standard error when it is a terminal.
pub fn load_with_progress(files: &[PathBuf], args: &LoadArgs) -> Result<Corpus, String> {
    let mut stderr = std::io::stderr();
    let show = stderr.is_terminal();
    let mut last = std::time::Instant::now();
    let mut shown = false;
    let corpus = load(files, args, &mut |view, _, progress| {
        if show && last.elapsed() > std::time::Duration::from_millis(100) {
            last = std::time::Instant::now();
            let pct = progress.bytes_done * 100 / progress.bytes_total.max(1);
            let _ = write!(
                stderr,
                "\r\x1b[2Kindexing: {pct}% ({} transcripts)",
                view.len()
            );
            shown = true;
        }
        ControlFlow::Continue(())
    });
    if shown {
        let _ = write!(stderr, "\r\x1b[2K");
    }
    corpus
}
