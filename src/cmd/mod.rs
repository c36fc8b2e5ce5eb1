//! The subcommands, and the loading they share.

pub mod check;
pub mod check_deep;
pub mod check_duplicates;
pub mod eval;
pub mod interface;
pub mod label;
pub mod labels;
pub mod list;
pub mod overview;
pub mod profiles;
pub mod shell;
pub mod spans;
pub mod stats;
pub mod study;
pub mod study_init;
pub mod study_show;
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
        verdict_profile: args.verdict_profile.last().cloned(),
        verdict_own: args.verdict_own.clone(),
        verdict_overrides: args.verdict_set.clone(),
        labels: args.labels.clone(),
        more_labels: args.label_own.clone(),
        transcript_own: args.transcript_own.clone(),
        transcript_claims: Vec::new(),
        transcript_bytes: Vec::new(),
        transcript_sort_at_open: Vec::new(),
        label_settings: args.label_set.clone(),
        tests: args.tests.clone(),
        index_only: args.index_only,
        scores: args.scores,
    }
}

/// The journal: `--labels`, else the study's, else `<first file's stem>.labels.jsonl`
/// beside it.
pub fn journal_path(files: &[PathBuf], load: &LoadArgs) -> Result<PathBuf, String> {
    if let Some(l) = load.labels.as_ref().or(load.journal.as_ref()) {
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
/// journal exists, so its labels count from the start, in every command alike.
pub fn with_journal_labels(load: &LoadArgs, journal: &std::path::Path) -> LoadArgs {
    let mut load = load.clone();
    if load.labels.is_none() && journal.is_file() {
        load.labels = Some(journal.to_path_buf());
    }
    load
}

/// What a load opens: the transcript files with each one's own settings, the options
/// for the rest, and what the inputs held besides.
pub struct Plan {
    pub transcripts: Vec<PathBuf>,
    pub opts: afscope::load::LoadOptions,
    /// The journal beside the data, read as the label file.
    pub found: Option<PathBuf>,
    pub skipped: Vec<PathBuf>,
}

/// Resolves the inputs of a load (with the journal beside them, when `--labels`
/// names none).
pub fn plan(files: &[PathBuf], args: &LoadArgs) -> Result<Plan, String> {
    let found = match journal_path(files, args) {
        Ok(j) if args.labels.is_none() => Some(with_journal_labels(args, &j)),
        _ => None,
    };
    let args = found.as_ref().unwrap_or(args);
    // Joins read each transcript's id from its record: files to join, named or found
    // beside the data, keep the transcript files mapped.
    let named = !args.verdicts.is_empty() || args.labels.is_some() || !args.label_own.is_empty();
    let inputs = afscope::load::input::expand(files, args.hidden, args.index_only && !named)?;
    let mut opts = options(args);
    // Per-file settings follow the argument each file came from.
    opts.transcript_own = inputs
        .origin
        .iter()
        .map(|&k| args.transcript_own.get(k).cloned().unwrap_or_default())
        .collect();
    opts.transcript_claims = inputs.claims;
    opts.transcript_bytes = inputs.bytes;
    opts.transcript_sort_at_open = inputs.sort_at_open;
    opts.verdicts.extend(inputs.verdicts);
    opts.more_labels.extend(inputs.labels);
    opts.index_only &=
        opts.verdicts.is_empty() && opts.labels.is_none() && opts.more_labels.is_empty();
    Ok(Plan {
        transcripts: inputs.transcripts,
        opts,
        found: found.and_then(|a| a.labels),
        skipped: inputs.skipped,
    })
}

/// Loads the files (with the journal beside them, when `--labels` names none), or
/// the embedded demo corpus when there are none.
pub fn load(
    files: &[PathBuf],
    args: &LoadArgs,
    on_batch: &mut OnBatch<'_>,
) -> Result<Corpus, String> {
    if files.is_empty() {
        return afscope::demo::open(&options(args));
    }
    let plan = plan(files, args)?;
    let mut corpus = Corpus::open(&plan.transcripts, &plan.opts, on_batch)?;
    corpus.labels_found_beside = plan.found;
    // Files left out when sorted where they were opened come after those left out before.
    let late = std::mem::replace(&mut corpus.skipped_inputs, plan.skipped);
    corpus.skipped_inputs.extend(late);
    Ok(corpus)
}

/// The line naming where labels came from, when they were found beside the data
/// rather than named with `--labels`.
pub fn labels_note(corpus: &Corpus) -> Option<String> {
    let beside = corpus.labels_found_beside.as_ref().map(|p| {
        format!(
            "labels: {} labels from the journal beside the data, {}",
            corpus.labels.len(),
            afscope::model::sanitize::visible(&p.display().to_string(), false)
        )
    });
    let refused = (corpus.labels_refused > 0).then(|| {
        format!(
            "labels: {} left out: their transcript id is had by several transcripts (`afscope check` lists them)",
            corpus.labels_refused
        )
    });
    match (beside, refused) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// The line naming the study file a command read, and the filter it applied.
pub fn study_note(load: &LoadArgs, query: Option<&str>) -> Option<String> {
    let file = load.study_file.as_ref()?;
    let shown = afscope::model::sanitize::visible(&file.display().to_string(), false).into_owned();
    Some(match query {
        Some(q) => format!(
            "study: {shown}; query: {}",
            afscope::model::sanitize::visible(q, false)
        ),
        None => format!("study: {shown}"),
    })
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

/// What a command writes to standard output, for `print`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Tables and text for people: always sanitised.
    Human,
    /// JSON: hostile characters written as `\u` escapes (the same data).
    Json,
    /// CSV and TSV: exact into a file or pipe, sanitised on a terminal.
    Delimited,
}

/// Text as it may go to standard output (see `Output`).
pub fn safe_output(text: &str, kind: Output, terminal: bool) -> std::borrow::Cow<'_, str> {
    use afscope::model::sanitize::{json_safe, visible};
    match kind {
        Output::Human => visible(text, true),
        Output::Json => json_safe(text),
        Output::Delimited if terminal => visible(text, true),
        Output::Delimited => std::borrow::Cow::Borrowed(text),
    }
}

/// A writer that passes each line through `safe_output` (a line is held until its
/// newline: memory is bounded by the longest line, not the output).
pub struct SafeLines<'a> {
    inner: &'a mut dyn Write,
    kind: Output,
    terminal: bool,
    line: Vec<u8>,
}

impl<'a> SafeLines<'a> {
    pub fn new(inner: &'a mut dyn Write, kind: Output, terminal: bool) -> SafeLines<'a> {
        SafeLines {
            inner,
            kind,
            terminal,
            line: Vec::new(),
        }
    }

    fn pass(&self) -> bool {
        matches!(self.kind, Output::Delimited) && !self.terminal
    }

    fn write_line(&mut self) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(&self.line);
        let safe = safe_output(&text, self.kind, self.terminal);
        self.inner.write_all(safe.as_bytes())?;
        self.line.clear();
        Ok(())
    }
}

impl Write for SafeLines<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pass() {
            return self.inner.write(buf);
        }
        let mut rest = buf;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.line.extend_from_slice(&rest[..=i]);
            self.write_line()?;
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.write_line()?;
        }
        self.inner.flush()
    }
}

/// The kind of output `eval` and `stats` write in `format`.
pub fn output_kind(format: crate::cli::ReportFormat) -> Output {
    if format.json {
        Output::Json
    } else if format.csv {
        Output::Delimited
    } else {
        Output::Human
    }
}

/// Writes a command's output to standard output, made safe for where it goes.
pub fn print(text: &str, kind: Output) -> Result<(), String> {
    let terminal = std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    out.write_all(safe_output(text, kind, terminal).as_bytes())
        .and_then(|_| out.flush())
        .map_err(output_failed)
}

/// Writes text afscope made itself (tables, reports) to standard output.
pub fn print_plain(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(output_failed)
}

/// What a failed write to standard output means, one way in every command: a reader
/// that stopped early (`afscope check | head -2`) ends the command quietly with
/// success, as other tools do; anything else (a full disk, `/dev/full`) is an error.
pub fn output_failed(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    format!("writing output: {e}")
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

/// Says on standard error which inputs changed while the command read them, and
/// gives the status to end with: 1 when a file was truncated, replaced, rewritten or
/// removed (what was printed may be incomplete), else `status`. Records appended
/// while reading are said to be left out, and do not change the status.
pub fn changed_while_read(corpus: &Corpus, status: Status) -> Status {
    let changes = afscope::load::watch::changes(corpus);
    let mut destructive = false;
    for c in &changes {
        if c.destructive() {
            destructive = true;
            eprintln!(
                "afscope: {}; what was printed may be incomplete: run the command again",
                c.message()
            );
        } else {
            eprintln!(
                "afscope: {}; records appended after it was opened are not included",
                c.message()
            );
        }
    }
    if destructive && status == Status::SUCCESS {
        Status::from(1)
    } else {
        status
    }
}

/// Lets go of a corpus at the end of a command without unmapping its files one by
/// one: the process ends next, and the system reclaims the maps at once (a folder of
/// thousands of files took longer to unmap than to list).
pub fn leave(corpus: Corpus) {
    std::mem::forget(corpus);
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
