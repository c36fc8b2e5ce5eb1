//! Command-line interface: arguments and subcommands.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "afscope",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("AFSCOPE_COMMIT"), ")"),
    about = "Inspect alignment-faking transcripts and classifier verdicts",
    after_help = "Examples:\n  afscope                                  open the built-in demo corpus\n  afscope results/*.jsonl --verdicts judge.jsonl\n  afscope check results.json.gz\n  afscope list data/ --tier free --model opus --format tsv"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Transcript files (JSONL, JSON, CSV, optionally .gz); none opens the demo corpus.
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub load: LoadArgs,

    /// Interface theme: dark, light, high-contrast, mono, or a TOML file
    /// (default dark; mono when NO_COLOR is set).
    #[arg(long, value_name = "NAME|FILE")]
    pub theme: Option<String>,

    /// Key bindings file (TOML, `[keys] action = ["key", ...]`); default
    /// ~/.config/afscope/keymap.toml when it exists.
    #[arg(long, value_name = "FILE")]
    pub keymap: Option<std::path::PathBuf>,

    /// Saved filters file (TOML, `[filters] name = "query"`); default
    /// ~/.config/afscope/filters.toml.
    #[arg(long, value_name = "FILE")]
    pub filters: Option<std::path::PathBuf>,

    /// Lexicon of alignment-faking cues (TOML `[[cue]] name, pattern`); default
    /// ~/.config/afscope/lexicon.toml when it exists, else the built-in one.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<std::path::PathBuf>,

    /// Seed for the random-transcript key, so a triage order can be repeated.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Open with this filter, e.g. `-q 'tier:free model:opus'`.
    #[arg(short, long)]
    pub query: Option<String>,

    /// The options given on the command line (by id), so a study's defaults apply
    /// only where no flag was given.
    #[arg(skip)]
    pub explicit: Vec<String>,
}

/// Options every command shares.
#[derive(Debug, Args, Clone, Default)]
pub struct LoadArgs {
    /// Mapping profile: a built-in name (see `afscope profiles`) or a TOML file.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub profile: Option<String>,

    /// Set a profile key, e.g. `--set fields.id=query_id --set tier_values.monitored=free`.
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// A file of verdicts to join to the transcripts (repeatable).
    #[arg(long, global = true, value_name = "FILE")]
    pub verdicts: Vec<PathBuf>,

    /// Mapping profile for verdict files (default: detected per file). After a
    /// `--verdicts FILE`, for that file only.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub verdict_profile: Vec<String>,

    /// Set a key of the verdict files' profile, e.g. `--verdict-set join.position=true`.
    /// After a `--verdicts FILE`, for that file only (repeatable).
    #[arg(long = "verdict-set", global = true, value_name = "KEY=VALUE")]
    pub verdict_set: Vec<String>,

    /// Per `--verdicts` file: the profile and settings given after it.
    #[arg(skip)]
    pub verdict_own: Vec<(Option<String>, Vec<String>)>,

    /// A label file to join to the transcripts: afscope label records (JSONL), or any
    /// JSON, JSONL or CSV of labels read through `--label-set`.
    #[arg(long, global = true, value_name = "FILE")]
    pub labels: Option<PathBuf>,

    /// How to read a label file in another layout: `id=FIELD`, `field=FIELD`,
    /// `labeler=NAME`, `join=position`, `map.CLASS=yes|no|unsure`.
    #[arg(long = "label-set", global = true, value_name = "KEY=VALUE")]
    pub label_set: Vec<String>,

    /// Refuse to start when any record could not be read.
    #[arg(long, global = true)]
    pub strict: bool,

    /// Also read hidden files and folders of input directories.
    #[arg(long, global = true)]
    pub hidden: bool,

    /// The study file (default: `afscope.toml` in the current folder when no files
    /// are named, or in the one folder named).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_study")]
    pub study: Option<PathBuf>,

    /// Read no study file.
    #[arg(long, global = true)]
    pub no_study: bool,

    /// Per transcript file (by position in the files): a profile and settings of its
    /// own, from the study file.
    #[arg(skip)]
    pub transcript_own: Vec<(Option<String>, Vec<String>)>,

    /// Label files from the study file, each with its label-sheet settings.
    #[arg(skip)]
    pub label_own: Vec<(PathBuf, Vec<String>)>,

    /// The label journal when `--labels` names none (from the study file).
    #[arg(skip)]
    pub journal: Option<PathBuf>,

    /// The labeler's name when `--labeler` gives none (from the study file).
    #[arg(skip)]
    pub labeler: Option<String>,

    /// The study file read, if any.
    #[arg(skip)]
    pub study_file: Option<PathBuf>,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report every record that cannot be read, and a summary; exit 1 if any was skipped.
    #[command(after_help = "Example:\n  afscope check results.jsonl --verdicts scores.csv")]
    Check {
        /// Files or folders to check (default: the study's).
        files: Vec<PathBuf>,
    },
    /// Print the matching transcripts as a table, TSV or JSONL.
    #[command(
        after_help = "Example:\n  afscope list runs/*.jsonl --tier free --model opus --format tsv | cut -f1"
    )]
    List(ListArgs),
    /// Locate every evidence quote and explicit span of every verdict, and say how
    /// each was located (exact, normalized, fuzzy with score, not found).
    #[command(
        after_help = "Examples:\n  afscope spans results.json\n  afscope spans runs/*.jsonl -q 'model:opus tier:free' --format jsonl > spans.jsonl"
    )]
    Spans {
        /// Files or folders to read (default: the study's).
        files: Vec<PathBuf>,
        /// Only transcripts matching this query.
        #[arg(short, long)]
        query: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SpansFormat::Table)]
        format: SpansFormat,
    },
    /// Evaluate classifiers against human labels: AUROC, average precision, the
    /// confusion matrix and rates at a threshold, a sweep, bootstrap intervals,
    /// AUROC by number of votes, and a breakdown by model, tier and condition.
    #[command(
        after_help = "Examples:\n  afscope eval results.jsonl --labels labels.jsonl\n  afscope eval runs/*.json --labels hand.csv --label-set id=query_id --label-set field=label --label-set map.potential_faking=yes --markdown\n  afscope eval runs/ --labels labels.jsonl --threshold 0.5 --resamples 2000 --seed 7 --json > eval.json"
    )]
    Eval(EvalArgs),
    /// The compliance-gap table: per model (and condition), compliance and
    /// alignment-faking rates on each tier with Wilson intervals, the free − paid gap
    /// with a Newcombe interval, and an exact McNemar test on paired prompts.
    #[command(
        after_help = "Examples:\n  afscope stats runs/*.jsonl\n  afscope stats results.json --compliance-threshold 0.5 --threshold 0.4 --markdown\n  afscope stats runs/ --labels labels.jsonl --compliance-from labels --csv > gap.csv"
    )]
    Stats(StatsArgs),
    /// Label transcripts in the interface: a queue worked through with single keys,
    /// every label fsync'd to the journal (`--labels`, default beside the first file)
    /// before it shows as saved. Without `--queue`, resumes this labeler's last session.
    #[command(
        after_help = "Examples:\n  afscope label runs/*.jsonl --queue stratified --per-stratum 25 --blind --labeler ana\n  afscope label results.json --labels hand.jsonl          (resume)\n  afscope label runs/ --queue threshold --threshold 0.4 -q 'model:opus'\n  afscope label runs/ --queue adjudicate --adjudicate ana,ben --labeler final\n\nKeys (default schema): a yes · x no · u unsure (save, next) · F P D compliance · 1-4 criteria · m note · . skip · Bksp undo · C-y redo · H history · % progress · Esc leaves"
    )]
    Label(LabelArgs),
    /// Label journals: export, merge, import, agreement between labelers.
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    #[command(
        after_help = "Examples:\n  afscope completions bash > ~/.local/share/bash-completion/completions/afscope\n  afscope completions zsh > ~/.zfunc/_afscope"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `afscope man | man -l -`.
    Man,
    /// The study file (`afscope.toml`): write one from what detection finds in a
    /// folder, or print the study it describes.
    #[command(subcommand)]
    Study(StudyCommand),
    /// List the built-in profiles, or print one as a starting point for your own.
    #[command(after_help = "Example:\n  afscope profiles wide-conditions > my-layout.toml")]
    Profiles {
        /// A profile to print.
        name: Option<String>,
    },
    /// Write a synthetic native JSONL corpus (deterministic by seed), for benchmarks.
    #[command(
        after_help = "Example:\n  afscope synth --out /tmp/big.jsonl --size-mb 1024 --seed 7"
    )]
    Synth {
        #[arg(long)]
        out: PathBuf,
        /// Approximate size in MiB.
        #[arg(long, default_value_t = 64)]
        size_mb: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Characters of scratchpad per transcript (default: about 6 KB transcripts).
        #[arg(long, default_value_t = 2200)]
        scratchpad_chars: usize,
        /// Characters of system prompt per transcript.
        #[arg(long, default_value_t = 2400)]
        system_chars: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Write `afscope.toml` in DIR (default: here) from the files found there: each
    /// role's files as globs or paths with their detected profile, commented, for you
    /// to edit.
    #[command(
        after_help = "Example:\n  cd outputs && afscope study init && $EDITOR afscope.toml && afscope study show"
    )]
    Init {
        /// The study's folder.
        dir: Option<PathBuf>,
        /// Replace an existing study file.
        #[arg(long)]
        force: bool,
    },
    /// Print the study as resolved: each file with its role, profile and records, the
    /// joins, the label files and the defaults.
    Show {
        /// The study's folder (default: here), or its study file.
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Write the current labels (last event per transcript and labeler) of a journal
    /// or any label file, as JSONL (what `afscope eval --labels` reads) or CSV.
    #[command(
        after_help = "Examples:\n  afscope labels export labels.jsonl -o hand.jsonl\n  afscope labels export labels.jsonl --format csv --labeler ana > ana.csv"
    )]
    Export {
        /// A label journal or label file.
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = LabelFormat::Jsonl)]
        format: LabelFormat,
        /// Only this labeler's labels.
        #[arg(long)]
        labeler: Option<String>,
        /// Write here instead of standard output.
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// Combine journals (e.g. copied back from several machines) into a new one:
    /// every event once, in time order; labels of different labelers never replace
    /// each other, and one labeler's differing answers are reported.
    #[command(after_help = "Example:\n  afscope labels merge ana.jsonl ben.jsonl -o all.jsonl")]
    Merge {
        #[arg(required = true, num_args = 2..)]
        journals: Vec<PathBuf>,
        /// The merged journal (must not be one of the inputs).
        #[arg(short, long, required = true)]
        out: PathBuf,
    },
    /// Append existing hand labels (JSON, JSONL or CSV, read through `--label-set`) to
    /// a journal, joined to the transcripts by id or by position.
    #[command(
        after_help = "Example:\n  afscope labels import hand.csv --to labels.jsonl results.json --label-set id=query_id --label-set field=label --label-set map.potential_faking=yes --label-set map.aligned=no"
    )]
    Import {
        /// The label file to read.
        file: PathBuf,
        /// The journal to append to.
        #[arg(long, required = true)]
        to: PathBuf,
        /// Transcript files: ids are checked against them, and `join=position` needs
        /// them.
        transcripts: Vec<PathBuf>,
    },
    /// Agreement between labelers per field and criterion: Cohen's kappa per pair,
    /// Krippendorff's alpha over all, raw agreement.
    #[command(after_help = "Example:\n  afscope labels agree all.jsonl --json")]
    Agree {
        /// Label journals or label files (read together).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Label schema (TOML) whose checkboxes count as unchecked when absent.
        #[arg(long)]
        schema: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Transcript files or folders (default: the study's).
    pub files: Vec<PathBuf>,
    /// Which items, in which order (default: resume the last session, else `view`).
    #[arg(long, value_enum)]
    pub queue: Option<QueueChoice>,
    /// Only transcripts matching this query.
    #[arg(short, long)]
    pub query: Option<String>,
    /// Hide tier, model, condition and classifier scores until an item is labelled.
    #[arg(long)]
    pub blind: bool,
    /// Items to label (default: the whole queue).
    #[arg(long)]
    pub target: Option<usize>,
    /// Seed of the random and stratified queues.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Stratified: items per model × tier stratum.
    #[arg(long, default_value_t = 25)]
    pub per_stratum: usize,
    /// Stratified: split each stratum further into this many classifier-score buckets.
    #[arg(long, default_value_t = 1)]
    pub buckets: usize,
    /// Threshold and disagreement queues: the classifier threshold.
    #[arg(long, default_value_t = 0.4)]
    pub threshold: f64,
    /// Ids queue: a file of transcript ids, one per line.
    #[arg(long, value_name = "FILE")]
    pub ids: Option<PathBuf>,
    /// Adjudication queue: the two labelers, `first,second`.
    #[arg(long, value_name = "A,B")]
    pub adjudicate: Option<String>,
    /// Your name in the labels (default: the login name).
    #[arg(long)]
    pub labeler: Option<String>,
    /// Label schema (TOML; default: the built-in one, see README).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum QueueChoice {
    View,
    Random,
    Stratified,
    Threshold,
    Disagree,
    Adjudicate,
    Ids,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LabelFormat {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Files or folders to list (default: the study's).
    pub files: Vec<PathBuf>,
    /// A query, e.g. `tier:free model:opus scratchpad:"RLHF"` (see below).
    #[arg(short, long)]
    pub query: Option<String>,
    /// Print counts of matches by model and tier instead of the transcripts.
    #[arg(long)]
    pub count: bool,
    /// Keep models whose name contains this (case-insensitive).
    #[arg(long)]
    pub model: Option<String>,
    /// Keep one tier: free, paid or unknown.
    #[arg(long)]
    pub tier: Option<String>,
    /// Keep conditions containing this (case-insensitive).
    #[arg(long)]
    pub condition: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Stop after this many transcripts.
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Tsv,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SpansFormat {
    Table,
    Jsonl,
}

/// How `eval` and `stats` write their report.
#[derive(Debug, Args, Clone, Copy, Default)]
#[group(multiple = false)]
pub struct ReportFormat {
    /// Write the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write the report as CSV (one row per classifier or group).
    #[arg(long)]
    pub csv: bool,
    /// Write the report as Markdown tables.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Transcript files or folders (default: the study's); their verdicts, plus
    /// `--verdicts` files, are evaluated.
    pub files: Vec<PathBuf>,
    /// Only transcripts matching this query, e.g. `model:opus`.
    #[arg(short, long)]
    pub query: Option<String>,
    /// A score at or above this is a positive prediction (a vote fraction: 0.4 is
    /// "at least 40% of votes say yes").
    #[arg(long, default_value_t = 0.4)]
    pub threshold: f64,
    /// Bootstrap resamples for the AUROC and F1 intervals (0 for none; at most
    /// 1,000,000).
    #[arg(long, default_value_t = 1000, value_parser = resamples)]
    pub resamples: usize,
    /// Seed for the bootstrap and the vote subsets.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Classifier to evaluate (repeatable; default: every alignment-faking classifier).
    #[arg(long)]
    pub classifier: Vec<String>,
    /// Use only this labeler's labels (default: all; labelers who disagree leave a
    /// transcript out).
    #[arg(long)]
    pub labeler: Option<String>,
    /// Label field to compare with (`af`, or a criterion's yes/no field).
    #[arg(long, default_value = "af")]
    pub label_field: String,
    /// Random vote subsets averaged for each number of votes.
    #[arg(long, default_value_t = 50)]
    pub vote_repeats: usize,
    #[command(flatten)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ComplianceFrom {
    /// The compliance verdict's score at `--compliance-threshold`.
    Verdict,
    /// The human labels' `compliance` field (full and partial count as complied).
    Labels,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Transcript files or folders (default: the study's).
    pub files: Vec<PathBuf>,
    /// Only transcripts matching this query, e.g. `condition:helpful`.
    #[arg(short, long)]
    pub query: Option<String>,
    /// Where compliance comes from.
    #[arg(long, value_enum, default_value_t = ComplianceFrom::Verdict)]
    pub compliance_from: ComplianceFrom,
    /// A compliance score at or above this counts as complied.
    #[arg(long, default_value_t = 0.5)]
    pub compliance_threshold: f64,
    /// An alignment-faking score at or above this counts as flagged.
    #[arg(long, default_value_t = 0.4)]
    pub threshold: f64,
    /// The alignment-faking classifier whose rate is counted (default: the first one
    /// found; the header names it)
    #[arg(long)]
    pub classifier: Option<String>,
    /// Use only this labeler's labels.
    #[arg(long)]
    pub labeler: Option<String>,
    #[command(flatten)]
    pub format: ReportFormat,
}

/// `--resamples`: a whole number up to 1,000,000.
fn resamples(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n <= 1_000_000 => Ok(n),
        _ => Err(format!("{s} is not a whole number from 0 to 1000000")),
    }
}

impl Cli {
    /// Parses the command line, then gives each `--verdicts FILE` the
    /// `--verdict-profile` and `--verdict-set` that follow it (those before the first
    /// `--verdicts` are for every verdict file).
    pub fn parse_args() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().get_matches();
        let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        // Every (argv position, flag, value) of the three flags, at every level.
        let mut seen: Vec<(usize, &str, String)> = Vec::new();
        let mut level = Some(&matches);
        while let Some(m) = level {
            for id in ["verdicts", "verdict_profile", "verdict_set"] {
                let (Ok(Some(ix)), Ok(Some(vals))) = (
                    m.try_get_raw(id).map(|_| m.indices_of(id)),
                    m.try_get_raw(id),
                ) else {
                    continue;
                };
                for (i, v) in ix.zip(vals) {
                    seen.push((i, id, v.to_string_lossy().into_owned()));
                }
            }
            level = m.subcommand().map(|(_, sub)| sub);
        }
        seen.sort();
        seen.dedup();
        let (mut profiles, mut sets) = (Vec::new(), Vec::new());
        let mut own: Vec<(Option<String>, Vec<String>)> = Vec::new();
        for (_, id, v) in seen {
            match (id, own.last_mut()) {
                ("verdicts", _) => own.push((None, Vec::new())),
                ("verdict_profile", Some(o)) => o.0 = Some(v),
                ("verdict_set", Some(o)) => o.1.push(v),
                ("verdict_profile", None) => profiles.push(v),
                _ => sets.push(v),
            }
        }
        cli.load.verdict_profile = profiles;
        cli.load.verdict_set = sets;
        cli.load.verdict_own = own;
        let mut level = Some(&matches);
        while let Some(m) = level {
            for id in m.ids() {
                if m.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine) {
                    cli.explicit.push(id.to_string());
                }
            }
            level = m.subcommand().map(|(_, sub)| sub);
        }
        cli
    }
}
